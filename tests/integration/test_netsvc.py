"""The kernel's DHCP, DNS and TFTP glue over QEMU's user network (slirp);
docs/network.md "Kernel DHCP, DNS and TFTP". The guest runs the explicit
`netsvc` selftest group (kernel/selftest/st_netsvc.c).

- ip=dhcp against slirp's DHCP server: the one-line lease log (10.0.2.15/24,
  router 10.0.2.2, DNS 10.0.2.3, next-server, boot file, hostname, domain),
  the UTS hostname, /proc/net/pnp and the root=tftp boot target; then a
  16 MiB TFTP fetch from slirp's server (`tftp=DIR`) checked against a
  sha256 computed here, with the rate reported; a fetch over a size limit;
  a missing file reported with the server's message.
- DNS: QEMU runs in its own network and mount namespace (netns-qemu) where
  /etc/resolv.conf names 127.0.0.1, on which netsvc_dns.py serves a small
  zone. slirp forwards the guest's queries for 10.0.2.3 there, so the
  kernel resolves CNAME chains (whole, and split so that it must ask again)
  on the standard port. Run once with the lease's DNS server and once with
  a static ip= (the resolver's 10.0.2.3 fallback on slirp's network).
- ip=dhcp with nobody answering: boot waits its 10 s and goes on.
- user space sees the lease: /etc/resolv.conf (a link to /proc/net/pnp in
  the image) and the hostname, from the console shell.
"""

import hashlib
import random
import re
import shutil
import socket
import time
from pathlib import Path

import pytest

import qemu as qemu_module
from qemu import EXIT_SELFTEST_PASSED

HERE = Path(__file__).resolve().parent
IMAGE = HERE.parents[1] / "build" / "disk.img"
BIG = 16 * 1024 * 1024


def selftest_passed(q, timeout=120):
    q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=timeout)
    assert q.wait_exit(timeout=20) == EXIT_SELFTEST_PASSED


def test_dhcp_lease_and_tftp_fetch(kernel, qemu, tmp_path):
    tftp_dir = tmp_path / "tftp"
    tftp_dir.mkdir()
    data = random.Random(5).randbytes(BIG)
    (tftp_dir / "big.bin").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    q = qemu([
        "-kernel", kernel,
        "-append", f"console=ttyS0 ip=dhcp selftest=netsvc nettftp=big.bin:{digest} "
                   "nettftpmissing=no/such/file.bin",
        "-netdev", f"user,id=n0,hostname=guest1,domainname=netsvc.test,"
                   f"tftp={qemu_module.qemu_opt(tftp_dir)},bootfile=big.bin",
        "-device", "rtl8139,netdev=n0",
    ], hard_timeout=240)
    selftest_passed(q, timeout=200)
    out = q.output
    for name in ("dhcp", "dns", "tftp", "tftp_missing"):
        assert f"selftest: ok netsvc.{name}" in out
    assert re.search(r"dhcp: eth0 bound 10\.0\.2\.15/24 router 10\.0\.2\.2 dns 10\.0\.2\.3 "
                     r"lease 86400s server 10\.0\.2\.2 next-server 10\.0\.2\.2 "
                     r"file \"big\.bin\" hostname guest1 domain netsvc\.test in \d+ ms", out)
    assert "netsvc: uts hostname guest1" in out
    for line in ("#PROTO: DHCP", "domain netsvc.test", "nameserver 10.0.2.3",
                 "bootserver 10.0.2.2"):
        assert f"netsvc: pnp | {line}" in out
    assert "netsvc: boot target 10.0.2.2 file big.bin" in out
    m = re.search(r"netsvc: tftp big\.bin (\d+) bytes sha256 ok in (\d+) ms: (\d+) KiB/s, "
                  r"blksize (\d+), windowsize (\d+)", out)
    assert m, "no TFTP result line"
    assert int(m.group(1)) == BIG and m.group(4) == "1428" and m.group(5) == "1"
    print(f"TFTP 16 MiB from slirp: {m.group(2)} ms, {int(m.group(3)) / 1024:.1f} MiB/s "
          f"(blksize 1428, no windowsize)")
    assert re.search(r"tftp: 10\.0\.2\.2:big\.bin +16\.00 of 16\.00 MiB 100%", out), \
        "no final progress line"
    assert "tftp: 10.0.2.2:big.bin: file too big for the limit after 0 of 16777216 bytes" in out
    assert ('tftp: 10.0.2.2:no/such/file.bin: file not found (server error 1: '
            '"File not found")') in out


@pytest.mark.parametrize("ip", ["dhcp", "10.0.2.15/24,10.0.2.2"])
def test_dns_cname_chains(kernel, qemu, tmp_path, monkeypatch, ip):
    monkeypatch.setattr(qemu_module, "QEMU", str(HERE / "netns-qemu"))
    monkeypatch.setenv("NETSVC_DIR", str(tmp_path))
    q = qemu([
        "-kernel", kernel,
        "-append", f"console=ttyS0 ip={ip} selftest=netsvc "
                   "netdns=www.netsvc.test=192.0.2.55,split.netsvc.test=198.51.100.7 "
                   "netdnsnx=nothere.netsvc.test",
        "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0",
    ], hard_timeout=120)
    selftest_passed(q)
    out = q.output
    assert "selftest: ok netsvc.dns" in out
    assert "netsvc: dns nothere.netsvc.test -> NXDOMAIN" in out
    assert re.search(r"netsvc: dns www\.netsvc\.test -> 192\.0\.2\.55 \(2 addresses\) "
                     r"cname alias2\.netsvc\.test ttl 60 ", out)
    assert re.search(r"netsvc: dns split\.netsvc\.test -> 198\.51\.100\.7 \(1 addresses\) "
                     r"cname far\.other\.test ttl 30 ", out)
    asked = (tmp_path / "dns.log").read_text().split("\n")
    # Each name once: the second lookups came from the cache, and the split
    # chain's target was asked for on its own.
    assert sorted(a for a in asked if a) == sorted([
        "nothere.netsvc.test 1", "www.netsvc.test 1", "split.netsvc.test 1",
        "far.other.test 1"]), asked


def test_dhcp_without_server_boot_goes_on(kernel, qemu):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    start = time.monotonic()
    q = qemu([
        "-kernel", kernel,
        "-append", "console=ttyS0 ip=dhcp selftest=console",
        # eth0 on a socket backend nobody listens to: no DHCP server.
        "-netdev", f"socket,id=n0,udp=127.0.0.1:{port},localaddr=127.0.0.1:0",
        "-device", "rtl8139,netdev=n0",
    ], hard_timeout=90)
    q.expect(r"dhcp: eth0: waiting up to 10 s for a lease", timeout=30)
    t0 = time.monotonic()
    q.expect(r"dhcp: eth0: no lease after 10 s; booting on", timeout=30)
    waited = time.monotonic() - t0
    selftest_passed(q)
    assert 8 <= waited <= 20, f"the boot waited {waited:.1f} s for DHCP"
    assert time.monotonic() - start < 80


def test_resolv_conf_and_hostname_from_shell(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/sh ip=dhcp",
              "-drive", f"file={qemu_module.qemu_opt(img)},format=raw,if=virtio",
              "-netdev", "user,id=n0,hostname=guest2,domainname=lab.test",
              "-device", "rtl8139,netdev=n0"], hard_timeout=120)
    q.expect(r"/ # ", timeout=60)
    start = len(q.output)
    q.child.send("cat /etc/resolv.conf; hostname; echo END-$((6*7))\r")
    q.expect(r"END-42", timeout=30)
    out = q.output[start:].replace("\r", "")
    assert "#PROTO: DHCP\ndomain lab.test\nnameserver 10.0.2.3\nbootserver 10.0.2.2\n" in out, out
    assert "\nguest2\n" in out, out
