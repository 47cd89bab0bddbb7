"""The boot matrix of issue 8 (docs/netboot.md): every way from firmware to
the console shell, each checked by a command run there.

1. QEMU -kernel with the PXE tree's rootfs.ext2 as a module (root=module)
2. the disk appliance (build/disk.qcow2) through GRUB's default entry,
   root=virtio, with ip=dhcp on QEMU's user network
3. PXE through slirp: the rtl8139 iPXE ROM runs build/pxe/boot.ipxe, whose
   menu times out to its default, iPXE loading the rootfs as a module
4. the same with boot.ipxe's root=tftp entry: the kernel fetches the
   rootfs itself and checks its SHA-256
5. a lab network in namespaces (scripts/run-lab): dnsmasq in full mode,
   atftpd with windowsize, the kernel's own fetch
6. the same lab with the network's own DHCP server and dnsmasq as ProxyDHCP
7. the disk image's GRUB menu chaining into iPXE (ipxe.lkrn), then PXE

plus the iPXE path of a failure: boot.ipxe's root=tftp entry on a server
without rootfs.ext2 (the kernel says so and falls back to a tmpfs root).
The other failures of root=tftp are in test_root_tftp.py.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import qemu as qemu_module
from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
PXE = ROOT / "build" / "pxe"
QCOW2 = ROOT / "build" / "disk.qcow2"
RUN_LAB = ROOT / "scripts" / "run-lab"


@pytest.fixture(scope="module")
def pxe_tree():
    for f in ("kernel.elf", "rootfs.ext2", "boot.ipxe", "undionly.kpxe", "SHA256SUMS"):
        assert (PXE / f).is_file(), f"build/pxe/{f} is missing: run `make pxe`"
    return PXE


def serve(tmp_path, entry=None, drop=()):
    """A copy of the PXE tree; with `entry`, a boot file entry.ipxe that
    picks that entry of boot.ipxe's menu."""
    d = tmp_path / "pxe"
    shutil.copytree(PXE, d)
    for f in drop:
        (d / f).unlink()
    if entry:
        (d / "entry.ipxe").write_text(f"#!ipxe\nset entry {entry}\nchain boot.ipxe\n")
    return d


def slirp_pxe(tftp, bootfile="boot.ipxe"):
    return ["-netdev", f"user,id=n0,tftp={qemu_opt(tftp)},bootfile={bootfile}",
            "-device", "rtl8139,netdev=n0", "-boot", "n"]


def shell_on(q, timeout=150):
    """Log in on the console (root's password); the shell runs: it
    computes, and names the root device and filesystem type, which are
    returned."""
    q.login(timeout=timeout)
    q.child.send("echo ok-$((6*7)); grep ' / ' /proc/mounts\r")
    q.expect(r"ok-42", timeout=30)
    m = q.expect(r"(\S+) / (\w+) r[ow]", timeout=30)
    return m.group(1), m.group(2)


def test_kernel_with_module(kernel, qemu, pxe_tree):
    q = qemu(["-kernel", str(pxe_tree / "kernel.elf"), "-append", "root=module console=ttyS0",
              "-initrd", qemu_opt(pxe_tree / "rootfs.ext2")], hard_timeout=200)
    q.expect(r"root: ram0 mounted on / \(ext2\)", timeout=60)
    dev, fstype = shell_on(q)
    assert dev.endswith("ram0") and fstype == "ext2"


def test_disk_appliance(kernel, qemu):
    assert QCOW2.is_file(), "build/disk.qcow2 is missing: run `make image`"
    q = qemu(["-drive", f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on",
              "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0"], hard_timeout=200)
    q.expect(r'kernel: .* loader "GRUB', timeout=60)
    q.expect(r"dhcp: eth0 bound 10\.0\.2\.15/24", timeout=60)
    dev, fstype = shell_on(q)
    assert dev.endswith("vda1") and fstype == "ext2"
    # The appliance is on the network: its address is up.
    q.child.send("/bin/ifconfig eth0\r")
    q.expect(r"10\.0\.2\.15", timeout=30)


def test_pxe_menu_default_loads_the_module(kernel, qemu, pxe_tree):
    q = qemu(slirp_pxe(pxe_tree), hard_timeout=200)
    m = q.expect(r'boot: image "([^"]+)"', timeout=120)
    assert m.group(1).endswith("kernel.elf")
    q.expect(r"root: ram0 mounted on / \(ext2\)", timeout=60)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")
    assert "root: fetching" not in q.output


def test_pxe_kernel_fetches_its_root(kernel, qemu, tmp_path, pxe_tree):
    tftp = serve(tmp_path, entry="tftp")
    q = qemu(slirp_pxe(tftp, "entry.ipxe"), hard_timeout=240)
    q.expect(r"root: fetching tftp://10\.0\.2\.2/rootfs\.ext2 \(sha256 given\)", timeout=150)
    q.expect(r"root: ram0 holds tftp://10\.0\.2\.2/rootfs\.ext2 \(33554432 bytes, sha256 "
             r"verified\)", timeout=90)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")


def test_pxe_kernel_fetch_of_a_missing_rootfs(kernel, qemu, tmp_path, pxe_tree):
    tftp = serve(tmp_path, entry="tftp", drop=["rootfs.ext2"])
    q = qemu(slirp_pxe(tftp, "entry.ipxe"), hard_timeout=200)
    q.expect(r"tftp: 10\.0\.2\.2:rootfs\.ext2: file not found", timeout=150)
    q.expect(r"root: root=tftp failed: the server has no such file", timeout=10)
    q.expect(r"root: falling back to an empty tmpfs root", timeout=10)


def lab(monkeypatch, tmp_path, *opts):
    """Make the qemu fixture start QEMU through scripts/run-lab OPTS."""
    if os.geteuid() != 0:
        pytest.skip("the lab network needs root")
    wrapper = tmp_path / "lab-qemu"
    log = tmp_path / "servers.log"
    wrapper.write_text("#!/bin/sh\n"
                       f"LAB_LOG={log} exec {RUN_LAB} {' '.join(opts)} -- \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setattr(qemu_module, "QEMU", str(wrapper))
    return log


@pytest.fixture
def public_dir():
    """A scratch folder atftpd (user nobody) can read: pytest's own are
    under a 0700 folder."""
    d = Path(tempfile.mkdtemp(prefix="netboot-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_lab_full_mode_atftpd_kernel_fetch(kernel, qemu, monkeypatch, tmp_path, public_dir,
                                           pxe_tree):
    tree = serve(public_dir, entry="tftp")
    log = lab(monkeypatch, tmp_path, "--atftpd", "--bootfile", "entry.ipxe", "--dir", str(tree))
    q = qemu([], hard_timeout=240)
    q.expect(r"root: fetching tftp://192\.168\.50\.1/rootfs\.ext2 \(sha256 given\)", timeout=150)
    q.expect(r"root: ram0 holds tftp://192\.168\.50\.1/rootfs\.ext2 \(33554432 bytes, sha256 "
             r"verified\)", timeout=90)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")
    servers = log.read_text()
    # dnsmasq told the ROM's iPXE (option 175) to take the script; atftpd
    # served everything, and the kernel's fetch used windowsize.
    assert "tags: ipxe" in servers and "bootfile-name  entry.ipxe" in servers, servers[-3000:]
    assert "Serving rootfs.ext2" in servers, servers[-3000:]
    assert re.search(r"windowsize 32, attempt 1\)", q.output)


def test_lab_proxy_mode(kernel, qemu, monkeypatch, tmp_path, pxe_tree):
    log = lab(monkeypatch, tmp_path, "--proxy", "--dir", str(pxe_tree))
    q = qemu([], hard_timeout=240)
    q.expect(r"root: ram0 mounted on / \(ext2\)", timeout=150)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")
    servers = log.read_text()
    # The site's server gave the address, dnsmasq the boot file as a PXE
    # boot service, and served the files.
    assert "DHCPACK(site0)" in servers, servers[-3000:]
    assert re.search(r"PXE\(lab0\) \S+ \S+ boot\.ipxe", servers), servers[-3000:]
    assert "sent " in servers and "rootfs.ext2" in servers, servers[-3000:]


def test_disk_chains_into_ipxe(kernel, qemu, pxe_tree):
    assert QCOW2.is_file(), "build/disk.qcow2 is missing: run `make image`"
    q = qemu(["-drive", f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on"]
             + slirp_pxe(pxe_tree)[:4], hard_timeout=240)
    q.expect(r"everything from the network", timeout=60)
    q.child.send("i")
    m = q.expect(r'boot: image "([^"]+)"', timeout=150)
    assert m.group(1).startswith("tftp://") and m.group(1).endswith("kernel.elf")
    q.expect(r"root: ram0 mounted on / \(ext2\)", timeout=60)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_pxe_server_stops_cleanly(pxe_tree, sig):
    """scripts/pxe-server with atftpd, in a network namespace of its own:
    SIGINT (Ctrl-C) or SIGTERM ends dnsmasq and atftpd and removes the pid
    and lease files."""
    if os.geteuid() != 0:
        pytest.skip("pxe-server needs root")
    script = f"""
        set -e
        mount -t tmpfs t /run; export TMPDIR=/run
        ip link set lo up; ip link add br0 type bridge
        ip addr add 192.168.77.1/24 dev br0; ip link set br0 up
        # A shell starts background jobs with SIGINT ignored; undo that.
        setsid env --default-signal=INT {ROOT}/scripts/pxe-server --atftpd --dir {pxe_tree} br0 >/run/log 2>&1 &
        pid=$!
        for i in $(seq 50); do
            [ "$(pgrep -c -x 'dnsmasq|atftpd')" = 2 ] && break; sleep 0.1
        done
        echo "before: $(pgrep -c -x 'dnsmasq|atftpd') $(ls /run | grep -c pxe-server)"
        kill -{sig} $pid
        for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
        echo "after: $(pgrep -c -x 'dnsmasq|atftpd' || true) $(ls /run | grep -c pxe-server || true)"
    """
    r = subprocess.run(["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc",
                        "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "before: 2 1" in r.stdout, r.stdout + r.stderr
    assert "after: 0 0" in r.stdout, r.stdout + r.stderr


def test_lab_disk_kernel_with_network_root(kernel, qemu, monkeypatch, tmp_path, pxe_tree):
    """The disk's GRUB entry `t` on the lab network: the local kernel's own
    DHCP is no iPXE, so dnsmasq names undionly.kpxe (the plain-PXE branch
    of its configuration) and itself as the server; rootfs= names the
    image, which the kernel fetches from dnsmasq's TFTP."""
    log = lab(monkeypatch, tmp_path, "--dir", str(pxe_tree))
    q = qemu(["-drive", f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on",
              "-boot", "c"], hard_timeout=240)
    q.expect(r"root fetched over TFTP", timeout=60)
    q.child.send("t")
    q.expect(r'dhcp: eth0 bound 192\.168\.50\.\d+/24 .*file "undionly\.kpxe"', timeout=60)
    q.expect(r"root: ram0 holds tftp://192\.168\.50\.1/rootfs\.ext2 \(33554432 bytes\)",
             timeout=120)
    dev, _ = shell_on(q)
    assert dev.endswith("ram0")
    servers = log.read_text()
    assert "bootfile-name  undionly.kpxe" in servers, servers[-3000:]
