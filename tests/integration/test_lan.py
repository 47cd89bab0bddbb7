"""Our kernel as a host on a real (virtual) LAN: docs/network.md "LAN tests".

Each test builds its own network namespace with a bridge, a tap for QEMU's
RTL8139 and a veth for the servers (lan.py), and boots build/disk.img (a
private copy) with `ip=dhcp`, or the kernel alone for the netsvc selftest.
The judges are real programs: dnsmasq (DHCP, DNS), atftpd (TFTP with
windowsize), Linux's ping, Linux's TCP under Python sockets, and tc netem.

- test_lan_clean: lease from dnsmasq, names from dnsmasq through our
  nslookup and host, Linux's ping, 16 MiB by our tftp tool from atftpd with
  windowsize, 16 MiB TCP each way between our nc and Python.
- test_kernel_tftp_fetch[clean|netem]: the kernel's own tftp_fetch and
  resolver (selftest=netsvc) against atftpd and dnsmasq.
- test_transfers_under_netem: tftp and TCP under 5% loss, 25% reordering
  and 2% duplication in both directions.
- test_malformed_frame_burst: thousands of malformed frames onto the tap
  while a TCP stream is open; the stream, ping and the kernel survive and
  the error counters move.

They skip only when the machine cannot build namespaces and taps (not root).
"""

import hashlib
import random
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

import lan as lanmod
import qemu as qemu_module
from lan import GUEST_IP, GUEST_MAC, SERVER_IP, Lan, TcpServer
from lan_frames import junk_frames
from qemu import EXIT_SELFTEST_PASSED, qemu_opt
from test_nettools import sh

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
NETTOOL = ROOT / "build" / "user" / "nettool"
PROMPT = r"/ # "
MIB = 1 << 20
NETEM = "loss 5% reorder 25% duplicate 2% delay 1ms"
LEASE_RE = (r"dhcp: eth0 bound 10\.77\.0\.42/24 router 10\.77\.0\.1 dns 10\.77\.0\.1 "
            r"lease 3600s server 10\.77\.0\.1 next-server 10\.77\.0\.1 file \"big\.bin\" "
            r"hostname languest domain lan\.test in \d+ ms")


@pytest.fixture
def lan(tmp_path, monkeypatch):
    why = lanmod.can_build_lan()
    if why:
        pytest.skip(why)
    if lanmod.missing_tools():
        pytest.fail(f"not installed: {' '.join(lanmod.missing_tools())} (run scripts/deps)",
                    pytrace=False)
    net = Lan(tmp_path)
    try:
        net.up()
    except (OSError, AssertionError, subprocess.SubprocessError) as e:
        net.close()
        pytest.skip(f"cannot build a network namespace with a tap here: {e}")
    try:
        monkeypatch.setattr(qemu_module, "QEMU", net.qemu_wrapper())
        net.start_tcpdump()
        yield net
    finally:
        # Shown by pytest only when the test failed.
        print(net.summary())
        net.close()


def tftp_file(lan, tmp_path, size, seed):
    root = tmp_path / "tftp"
    root.mkdir(exist_ok=True)
    data = random.Random(seed).randbytes(size)
    (root / "big.bin").write_bytes(data)
    lan.start_atftpd(root)
    return hashlib.sha256(data).hexdigest()


def boot_shell(lan, qemu, kernel, tmp_path, hard_timeout=400):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image`"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 ip=dhcp",
              "-drive", f"file={qemu_opt(img)},format=raw,if=virtio"] + lan.nic_args(),
             hard_timeout=hard_timeout)
    q.expect(LEASE_RE, timeout=120)
    q.login(prompt=PROMPT)  # getty on the console (docs/login.md)
    q.nt_ready = True
    guest(q, "set -o pipefail")  # a pipeline fails when its first command does
    return q


def guest(q, cmd, timeout=60, status=0):
    out, st = sh(q, cmd, timeout=timeout)
    text = "\n".join(out)
    if status is not None:
        assert st == status, f"`{cmd}` exited {st}:\n{text}"
    return text


def nettool_gen_sha(size):
    assert NETTOOL.exists(), "build/user/nettool is missing: run `make image`"
    r = subprocess.run([str(NETTOOL), "gen", str(size)], capture_output=True, timeout=60)
    assert r.returncode == 0 and len(r.stdout) == size
    return hashlib.sha256(r.stdout).hexdigest()


def sha_of(text):
    m = re.search(r"\b([0-9a-f]{64})\b", text)
    assert m, f"no sha256 in {text!r}"
    return m.group(1)


def tftp_get(q, size, want, blksize=1468, window=16, timeout=240):
    t0 = time.monotonic()
    out = guest(q, f"/bin/tftp -g -r big.bin -l - -b {blksize} -w {window} {SERVER_IP} "
                   "| sha256sum", timeout=timeout)
    dt = time.monotonic() - t0
    assert sha_of(out) == want, out
    print(f"tftp tool: {size // MIB} MiB from atftpd (blksize {blksize}, windowsize "
          f"{window}) in {dt:.1f} s, {size / MIB / dt:.1f} MiB/s including the shell")
    return dt


def tcp_both_ways(lan, q, size, seed, timeout=240):
    """size bytes guest -> namespace and namespace -> guest, sha256 checked
    on both sides. Returns the two durations as seen by the server."""
    # Guest to namespace: nettool gen into our nc; the same bytes here.
    want = nettool_gen_sha(size)
    srv = TcpServer(lan, "recv", timeout=timeout)
    out = guest(q, f"/bin/nettool gen {size} | /bin/nc -N {SERVER_IP} {srv.port}",
                timeout=timeout)
    srv.wait()
    assert srv.received == size and srv.digest == want, (srv.received, out)
    assert sha_of(guest(q, f"/bin/nettool gen {size} | sha256sum")) == want
    up = srv.elapsed
    # Namespace to guest: random bytes into our nc, hashed in the guest.
    data = random.Random(seed).randbytes(size)
    srv = TcpServer(lan, "send", data=data, timeout=timeout)
    out = guest(q, f"/bin/nc {SERVER_IP} {srv.port} | sha256sum", timeout=timeout)
    srv.wait()
    assert sha_of(out) == hashlib.sha256(data).hexdigest(), out
    down = srv.elapsed
    print(f"TCP {size // MIB} MiB guest->namespace {up:.1f} s ({size / MIB / up:.1f} MiB/s), "
          f"namespace->guest {down:.1f} s ({size / MIB / down:.1f} MiB/s)")
    return up, down


def snmp(q):
    """/proc/net/snmp of the guest as {"Ip": {"InHdrErrors": n, ...}, ...}."""
    text = guest(q, "cat /proc/net/snmp")
    rows = [ln.split() for ln in text.splitlines() if re.match(r"^[A-Z][a-z]+: ", ln)]
    out = {}
    for head, vals in zip(rows[::2], rows[1::2]):
        assert head[0] == vals[0], text
        out[head[0][:-1]] = {k: int(v) for k, v in zip(head[1:], vals[1:])}
    return out


def no_panic(q):
    bad = re.search(r"kernel panic|backtrace:|kernel halted", q.output)
    assert not bad, f"the kernel died: {bad.group(0)}"


def ping_ok(lan, count):
    r = lan.ping(count)
    assert f"{count} packets transmitted, {count} received, 0% packet loss" in r.stdout, \
        r.stdout + r.stderr
    rtt = re.search(r"rtt min/avg/max/mdev = ([\d.]+)/([\d.]+)/([\d.]+)", r.stdout)
    return rtt.groups()


def test_lan_clean(lan, kernel, qemu, tmp_path):
    want = tftp_file(lan, tmp_path, 16 * MIB, seed=1)
    lan.start_dnsmasq(boot_file="big.bin")
    q = boot_shell(lan, qemu, kernel, tmp_path)

    # DHCP: the address dnsmasq reserved for our MAC, and its lease file.
    leases = (tmp_path / "dnsmasq.leases").read_text()
    assert f"{GUEST_MAC} {GUEST_IP} languest" in leases, leases
    out = guest(q, "/bin/ifconfig eth0")
    assert re.search(rf"inet {GUEST_IP}\s+netmask 255\.255\.255\.0", out), out
    # /etc/resolv.conf is the kernel's /proc/net/pnp. (The hostname from the
    # lease is in the lease line; /etc/rc then sets the image's own.)
    out = guest(q, "cat /etc/resolv.conf").replace("\r", "")
    assert re.search(rf"#PROTO: DHCP\n+domain lan\.test\n+nameserver {SERVER_IP}\n+"
                     rf"bootserver {SERVER_IP}", out), out

    # DNS: names the test configured in dnsmasq, the guest's own DHCP name,
    # the search domain from the lease, and a name that does not exist.
    out = guest(q, "/bin/nslookup magic.lan.test")
    assert re.search(r"Name:\s+magic\.lan\.test\s+Address: 192\.0\.2\.77", out), out
    assert "files.lan.test has address 10.77.0.1" in guest(q, "/bin/host files.lan.test")
    assert "languest.lan.test has address 10.77.0.42" in guest(q, "/bin/host languest")
    out = guest(q, "/bin/host nothere.lan.test", status=1)
    assert "NXDOMAIN" in out, out
    dns_log = lan.logs["dnsmasq"].read_text()
    assert "query[A] magic.lan.test from 10.77.0.42" in dns_log

    # Linux's ping reaches the guest; the guest pings back.
    rtt = ping_ok(lan, 20)
    print(f"Linux ping -> guest: rtt min/avg/max {'/'.join(rtt)} ms")
    out = guest(q, f"/bin/ping -c 3 -i 0.2 {SERVER_IP}")
    assert "3 packets transmitted, 3 received, 0% packet loss" in out, out

    # TFTP with windowsize, by our tool; atftpd must have agreed to it.
    tftp_get(q, 16 * MIB, want)
    alog = lan.logs["atftpd"].read_text()
    assert re.search(r"windowsize[^\n]*16", alog), alog[-2000:]

    # TCP both ways.
    tcp_both_ways(lan, q, 16 * MIB, seed=2)
    no_panic(q)


@pytest.mark.parametrize("link", ["clean", "netem"])
def test_kernel_tftp_fetch(lan, kernel, qemu, tmp_path, link):
    size = 16 * MIB if link == "clean" else 4 * MIB
    want = tftp_file(lan, tmp_path, size, seed=3)
    lan.start_dnsmasq(boot_file="big.bin")
    how = lan.netem(NETEM) if link == "netem" else None
    q = qemu(["-kernel", kernel,
              "-append", f"console=ttyS0 ip=dhcp selftest=netsvc nettftp=big.bin:{want} "
                         "nettftpwin=16 nettftpmissing=no/such.bin "
                         "netdns=files.lan.test=10.77.0.1,magic.lan.test=192.0.2.77 "
                         "netdnsnx=nothere.lan.test"] + lan.nic_args(),
             hard_timeout=300)
    q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=280)
    assert q.wait_exit(timeout=20) == EXIT_SELFTEST_PASSED
    out = q.output
    assert re.search(LEASE_RE, out), "no lease line"
    for name in ("dhcp", "dns", "tftp", "tftp_missing"):
        assert f"selftest: ok netsvc.{name}" in out
    assert "netsvc: pnp | domain lan.test" in out
    assert "netsvc: boot target 10.77.0.1 file big.bin" in out
    m = re.search(r"netsvc: tftp big\.bin (\d+) bytes sha256 ok in (\d+) ms: (\d+) KiB/s, "
                  r"blksize (\d+), windowsize (\d+), attempts (\d+)", out)
    assert m, "no TFTP result line"
    assert int(m.group(1)) == size and m.group(4) == "1468" and m.group(5) == "16", m.group(0)
    print(f"kernel tftp_fetch ({link}): {size // MIB} MiB in {m.group(2)} ms, "
          f"{int(m.group(3)) / 1024:.1f} MiB/s, attempts {m.group(6)}")
    assert "netsvc: dns nothere.lan.test -> NXDOMAIN" in out
    if how:
        impaired(lan, how)


def impaired(lan, how):
    """Check that the impairment happened, and print what it did."""
    if how == "netem":
        r = lan.run(["tc", "-s", "qdisc", "show"])
        print(r.stdout)
        return
    st = lan.relay_stats()
    print(f"relay (no sch_netem in this kernel): {st}")
    assert st["lost"] > 0 and st["reordered"] > 0 and st["senderrors"] == 0, st


def test_transfers_under_netem(lan, kernel, qemu, tmp_path):
    size = 4 * MIB
    want = tftp_file(lan, tmp_path, size, seed=4)
    lan.start_dnsmasq(boot_file="big.bin")
    q = boot_shell(lan, qemu, kernel, tmp_path)
    before = snmp(q)
    how = lan.netem(NETEM)
    tftp_get(q, size, want, timeout=300)
    tcp_both_ways(lan, q, size, seed=5, timeout=300)
    after = snmp(q)
    # The loss was real and TCP repaired it.
    assert after["Tcp"]["RetransSegs"] > before["Tcp"]["RetransSegs"], after["Tcp"]
    r = lan.ping(40, interval="0.05")
    m = re.search(r"40 packets transmitted, (\d+) received", r.stdout)
    assert m and int(m.group(1)) >= 25, r.stdout
    print(f"under netem: Linux ping {m.group(1)}/40 answered; guest TCP retransmitted "
          f"{after['Tcp']['RetransSegs'] - before['Tcp']['RetransSegs']} segments")
    no_panic(q)
    impaired(lan, how)


def test_malformed_frame_burst(lan, kernel, qemu, tmp_path):
    lan.start_dnsmasq(boot_file="big.bin")
    q = boot_shell(lan, qemu, kernel, tmp_path)
    before = snmp(q)

    # A slow stream from the namespace into the guest's nc.
    data = random.Random(6).randbytes(2 * MIB)
    srv = TcpServer(lan, "send", data=data, pace=(4096, 0.02), timeout=300)
    guest(q, f"(/bin/nc {SERVER_IP} {srv.port} | sha256sum > /tmp/stream.sum; "
             "echo STREAM-$((40+2))) &")
    assert srv.connected.wait(60), "the guest did not connect"
    time.sleep(1)
    assert 0 < srv.sent < len(data), srv.sent

    # The burst, straight onto the tap (towards QEMU), oversize frames too.
    lan.run(["ip", "link", "set", "tap0", "mtu", "16500"])
    src_mac = lan.run(["cat", "/sys/class/net/vethS/address"]).stdout.strip()
    s = lan.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("tap0", 0))
    kinds, refused = {}, 0
    t0 = time.monotonic()
    frames = junk_frames(random.Random(7), 4000, GUEST_MAC, src_mac, GUEST_IP, SERVER_IP,
                         (srv.port, srv.peer[1]))
    for i, (kind, frame) in enumerate(frames):
        try:
            s.send(frame)
            kinds[kind] = kinds.get(kind, 0) + 1
        except OSError:
            refused += 1
        if i % 20 == 19:
            time.sleep(0.002)
    s.close()
    burst = time.monotonic() - t0
    print(f"burst: {sum(kinds.values())} frames in {burst:.1f} s ({refused} refused by the "
          f"tap): {kinds}")
    assert sum(kinds.values()) >= 3000 and refused < 100, (kinds, refused)

    # The stream still carries data intact.
    sent_during = srv.sent
    srv.release.set()
    q.expect(r"STREAM-42", timeout=240)
    srv.wait()
    assert srv.sent > sent_during
    out = guest(q, "cat /tmp/stream.sum")
    assert sha_of(out) == hashlib.sha256(data).hexdigest(), out

    # Linux's ping still gets every answer, and new connections work.
    ping_ok(lan, 10)
    out = guest(q, f"/bin/ping -c 2 -i 0.2 {SERVER_IP}")
    assert "2 received" in out, out
    tcp_small = TcpServer(lan, "recv", timeout=60)
    guest(q, f"echo hello | /bin/nc -N {SERVER_IP} {tcp_small.port}")
    assert tcp_small.wait().received == 6

    # The garbage was counted, per protocol.
    after = snmp(q)
    moved = {f"{p}.{k}": after[p][k] - before[p][k]
             for p, k in [("Ip", "InHdrErrors"), ("Ip", "InAddrErrors"), ("Ip", "InDiscards"),
                          ("Ip", "InUnknownProtos"), ("Ip", "ReasmFails"),
                          ("Icmp", "InErrors"), ("Icmp", "InCsumErrors"),
                          ("Tcp", "InErrs"), ("Tcp", "OutRsts"),
                          ("Udp", "InErrors"), ("Udp", "NoPorts"), ("Udp", "InCsumErrors")]}
    print(f"counters moved: {moved}")
    for key in ("Ip.InHdrErrors", "Tcp.InErrs", "Udp.InErrors", "Udp.NoPorts"):
        assert moved[key] > 0, moved
    assert moved["Icmp.InErrors"] + moved["Icmp.InCsumErrors"] > 0, moved
    no_panic(q)
