"""The kernel's DHCP, DNS and TFTP glue over QEMU's user network (slirp);
docs/net-apps.md "Kernel DHCP, DNS and TFTP". The guest runs the explicit
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
- a short lease from a DHCP server written here (eth0 on a socket backend):
  renewed at T1, then left unanswered until it expires; the address must go
  (no ARP answer for it) and a new lease must be taken and answered for.
- user space sees the lease: /etc/resolv.conf (a link to /proc/net/pnp in
  the image) and the hostname, from the console shell.
"""

import hashlib
import random
import re
import shutil
import socket
import struct
import threading
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
                   "nettftpmissing=no/such/file.bin profile",
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
    # The fetch's statistics: every block once, nothing recovered.
    m = re.search(r"tftp: 10\.0\.2\.2:big\.bin: rx (\d+) dup (\d+) ooo (\d+) bad (\d+), "
                  r"acks (\d+) \(gap \d+ dup \d+ timeout \d+\), timeouts (\d+)", out)
    assert m, "no TFTP statistics line"
    assert int(m.group(1)) >= BIG // 1428 and m.group(4) == "0"
    # `profile`: the kernel sampled the fetch with its NMI clock (the PIT
    # through the IOAPIC) and charged the samples to functions by name
    # (kernel/lib/profile.c).
    m = re.search(r"profile: (\d+) samples at (\d+) Hz \(([a-zA-Z ]+)\)", out)
    assert m and int(m.group(1)) > 0, "no profile table"
    assert m.group(3) == "NMI" and m.group(2) == "1000", m.group(0)
    assert "trap: NMI received" not in out, "a profiler NMI was taken for a stray one"
    rows = re.findall(r"\] +(\d+) +\d+\.\d% (\S+)", out)
    assert rows and sum(int(n) for n, _ in rows) <= int(m.group(1))
    assert any(name in ("arch_halt", "memcpy", "copy_fwd", "rtl_poll", "tftp_input", "udp_input")
               for _, name in rows), rows
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


# ---- a DHCP server with a short lease, on eth0's socket backend ------------

SRV_MAC = bytes.fromhex("020000000001")
SRV_IP = "192.168.77.1"
BCAST = b"\xff" * 6


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def arp(op, smac, sip, tmac, tip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x800, 6, 4, op, smac, socket.inet_aton(sip),
                       tmac, socket.inet_aton(tip))


class ShortLeaseServer:
    """Leases 192.168.77.50 for 6 s (T1 2 s, T2 4 s), answers the first
    renewal only, and after the client starts over offers .51."""

    def __init__(self, sock, qemu_port):
        self.sock, self.qemu_port = sock, qemu_port
        self.events = []
        self.client_mac = None
        self.renewals_answered = 0
        self.addr = "192.168.77.50"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def send(self, frame):
        self.sock.sendto(frame, ("127.0.0.1", self.qemu_port))

    def reply(self, req, msg_type, yiaddr, unicast):
        xid, flags = req[4:8], req[10:12]
        chaddr = req[28:44]
        body = struct.pack("!BBBB", 2, 1, 6, 0) + xid + b"\0\0" + flags
        body += socket.inet_aton("0.0.0.0") + socket.inet_aton(yiaddr)
        body += socket.inet_aton(SRV_IP) + socket.inet_aton("0.0.0.0") + chaddr
        body += b"\0" * 192 + b"\x63\x82\x53\x63"
        opts = bytes([53, 1, msg_type]) + bytes([54, 4]) + socket.inet_aton(SRV_IP)
        opts += bytes([51, 4]) + struct.pack("!I", 6) + bytes([58, 4]) + struct.pack("!I", 2)
        opts += bytes([59, 4]) + struct.pack("!I", 4)
        opts += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        opts += bytes([3, 4]) + socket.inet_aton(SRV_IP) + bytes([6, 4]) + socket.inet_aton(SRV_IP)
        body += opts + b"\xff"
        udp = struct.pack("!HHHH", 67, 68, 8 + len(body), 0) + body
        dst_ip = yiaddr if unicast else "255.255.255.255"
        dst_mac = self.client_mac if unicast else BCAST
        self.send(dst_mac + SRV_MAC + b"\x08\x00" + ipv4(SRV_IP, dst_ip, 17, udp))

    def handle_dhcp(self, bootp):
        opts, i, msg = bootp[240:], 0, {}
        while i < len(opts) and opts[i] != 255:
            if opts[i] == 0:
                i += 1
                continue
            msg[opts[i]] = opts[i + 2:i + 2 + opts[i + 1]]
            i += 2 + opts[i + 1]
        kind = msg.get(53, b"\0")[0]
        ciaddr = socket.inet_ntoa(bootp[12:16])
        self.client_mac = bootp[28:34]
        if kind == 1:  # DISCOVER
            self.events.append("discover")
            if self.renewals_answered:
                self.addr = "192.168.77.51"
            self.reply(bootp, 2, self.addr, False)
        elif kind == 3 and ciaddr == "0.0.0.0":  # REQUEST for an offer
            self.events.append("request")
            self.reply(bootp, 5, self.addr, False)
        elif kind == 3:  # renewing (unicast) or rebinding (broadcast)
            self.events.append(f"renew {ciaddr}")
            if self.renewals_answered == 0:
                self.renewals_answered += 1
                self.reply(bootp, 5, ciaddr, True)

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                f, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            etype = f[12:14]
            if etype == b"\x08\x06" and f[20:22] == b"\0\x01" and f[38:42] == socket.inet_aton(SRV_IP):
                self.send(f[6:12] + SRV_MAC + b"\x08\x06" +
                          arp(2, SRV_MAC, SRV_IP, f[22:28], socket.inet_ntoa(f[28:32])))
            elif etype == b"\x08\x06" and f[20:22] == b"\0\x02":
                self.events.append(f"arp-reply {socket.inet_ntoa(f[28:32])}")
            elif etype == b"\x08\x00" and f[23] == 17:
                ihl = (f[14] & 15) * 4
                u = 14 + ihl
                if struct.unpack("!H", f[u + 2:u + 4])[0] == 67:
                    self.handle_dhcp(f[u + 8:])

    def ask_arp(self, ip):
        self.send(BCAST + SRV_MAC + b"\x08\x06" + arp(1, SRV_MAC, SRV_IP, b"\0" * 6, ip))


def test_dhcp_short_lease_renew_expire_rebind(kernel, qemu):
    host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    host.bind(("127.0.0.1", 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    qemu_port = s.getsockname()[1]
    s.close()
    srv = ShortLeaseServer(host, qemu_port)
    try:
        q = qemu([
            "-kernel", kernel, "-append", "console=ttyS0 ip=dhcp",
            "-netdev", f"socket,id=n0,udp=127.0.0.1:{host.getsockname()[1]},"
                       f"localaddr=127.0.0.1:{qemu_port}",
            "-device", "rtl8139,netdev=n0",
        ], hard_timeout=90)
        q.expect(r"dhcp: eth0 bound 192\.168\.77\.50/24 router 192\.168\.77\.1 "
                 r"dns 192\.168\.77\.1 lease 6s", timeout=30)
        q.expect(r"dhcp: eth0 renewed 192\.168\.77\.50 for 6s", timeout=10)
        q.expect(r"dhcp: eth0: lease on 192\.168\.77\.50 expired: address removed", timeout=20)
        q.expect(r"dhcp: eth0 bound 192\.168\.77\.51/24", timeout=20)
        srv.ask_arp("192.168.77.50")
        srv.ask_arp("192.168.77.51")
        time.sleep(1.0)
    finally:
        srv.stop.set()
        srv.thread.join(timeout=5)
        host.close()
    ev = srv.events
    assert ev[:2] == ["discover", "request"], ev
    renews = [e for e in ev if e.startswith("renew")]
    # One renewal answered, then at least the rebinding broadcast went
    # unanswered before the lease ran out.
    assert len(renews) >= 2 and all(e == "renew 192.168.77.50" for e in renews), ev
    assert ev.count("discover") == 2, ev
    assert "arp-reply 192.168.77.51" in ev, ev
    assert "arp-reply 192.168.77.50" not in ev, ev
