"""Network tests over QEMU's RTL8139 model (docs/network.md).

- slirp (guest 10.0.2.15, gateway 10.0.2.2): the `net` selftest group pings
  the gateway 20 times and reports the RTT, echoes UDP datagrams (one of
  4000 bytes, fragmented both ways) through a Python echo server on the
  host, which slirp makes reachable at 10.0.2.2:PORT; then the host reaches
  the kernel's UDP echo service through hostfwd.
- two cards: eth0 on slirp and eth1 on a QEMU socket backend whose frames
  this test writes and reads directly. A burst of random and malformed
  frames goes to eth1, after which the kernel must still answer ARP and
  ping on eth1 and reach the gateway on eth0.
"""

import random
import re
import socket
import struct
import threading
import time

from qemu import EXIT_SELFTEST_PASSED

GUEST_IP = "10.0.2.15"
CMDLINE = "console=ttyS0 ip=10.0.2.15/24,10.0.2.2 selftest=net"
JUNK_FRAMES = 3000


class UdpEchoServer:
    """Echoes every datagram on 127.0.0.1:<port> until stopped."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        deadline = time.monotonic() + 120
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            self.sock.sendto(data, addr)
            self.count += 1

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_ping_and_udp_over_slirp(kernel, qemu):
    echo = UdpEchoServer()
    fwd = free_udp_port()
    try:
        q = qemu([
            "-kernel", kernel,
            "-append", f"{CMDLINE} netecho={echo.port} netserve=5",
            "-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{fwd}-:7",
            "-device", "rtl8139,netdev=n0",
        ], hard_timeout=150)
        q.expect(r"udp echo server on port 7", timeout=60)
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.settimeout(5)
        try:
            for i in range(5):
                msg = f"hello kernel {i} ".encode() * (i * 20 + 1)
                c.sendto(msg, ("127.0.0.1", fwd))
                data, _ = c.recvfrom(65536)
                assert data == msg, f"datagram {i} came back different"
        finally:
            c.close()
        q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=60)
        assert q.wait_exit(timeout=10) == EXIT_SELFTEST_PASSED
    finally:
        echo.close()
    out = q.output
    for name in ("interfaces", "ping_loopback", "ping_gateway", "udp_echo_host",
                 "udp_echo_server", "counters"):
        assert f"selftest: ok net.{name}" in out
    m = re.search(r"net: ping 10\.0\.2\.2: 20/20 replies, rtt min/avg/max = "
                  r"(\d+)/(\d+)/(\d+) us", out)
    assert m, "no RTT line"
    print(f"ping 10.0.2.2 rtt min/avg/max = {m.group(1)}/{m.group(2)}/{m.group(3)} us")
    assert "net: udp echo of 4000 bytes ok" in out
    assert echo.count >= 6
    m = re.search(r"net: eth0 rx (\d+) packets .* tx (\d+) packets", out)
    assert m and int(m.group(1)) > 20 and int(m.group(2)) > 20
    assert re.search(r"net: \|   eth0: +\d+ +\d+ +0 +0", out), "eth0 counters show errors"
    assert "net: | 10.0.2.2         0x1         0x2         52:55:0a:00:02:02" in out


# ---- the junk test: frames written straight to eth1's socket backend ------

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_packet(src, dst, proto, payload, ident=1, frag=0, ttl=64, fix=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    if fix:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def junk_frames(rng, mac, peer_mac, n):
    """Random and malformed frames, all addressed so the NIC accepts them."""
    bcast = b"\xff" * 6
    me, peer = "192.168.77.1", "192.168.77.2"
    out = []
    for i in range(n):
        kind = rng.randrange(9)
        dst = mac if rng.random() < 0.8 else bcast
        if kind == 0:   # pure noise
            out.append(dst + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 1500))))
        elif kind == 1:  # IPv4 with random header fields, checksum fixed
            h = bytearray(rng.randbytes(20))
            h[0] = 0x40 | rng.randrange(16)
            h[10:12] = b"\0\0"
            h[10:12] = struct.pack("!H", csum(bytes(h)))
            out.append(eth(dst, peer_mac, 0x0800, bytes(h) + rng.randbytes(rng.randrange(200))))
        elif kind == 2:  # fragments of random datagrams, random offsets and flags
            frag = rng.randrange(0x4000) | (0x2000 if rng.random() < 0.7 else 0)
            body = rng.randbytes(rng.choice([8, 16, 100, 1480, 1400, 3]))
            out.append(eth(dst, peer_mac, 0x0800,
                           ip_packet(peer, me, rng.choice([1, 17, 6, 99]), body,
                                     ident=rng.randrange(64), frag=frag)))
        elif kind == 3:  # ARP with random fields
            a = struct.pack("!HHBBH6s4s6s4s", rng.choice([1, 6]), rng.choice([0x800, 0x86dd]),
                            rng.choice([6, 5]), rng.choice([4, 16]), rng.randrange(4),
                            rng.randbytes(6), rng.randbytes(4), rng.randbytes(6),
                            socket.inet_aton(me) if rng.random() < 0.5 else rng.randbytes(4))
            out.append(eth(dst, peer_mac, 0x0806, a[:rng.randrange(len(a) + 1)]))
        elif kind == 4:  # UDP to closed ports (ICMP errors, rate limited)
            u = struct.pack("!HHHH", rng.randrange(65536), rng.randrange(1, 9000), 12, 0) + b"abcd"
            out.append(eth(dst, peer_mac, 0x0800, ip_packet(peer, me, 17, u, ident=i)))
        elif kind == 5:  # ICMP of random types, some quoting our datagrams
            body = bytes([rng.randrange(20), rng.randrange(16)]) + rng.randbytes(rng.randrange(60))
            out.append(eth(dst, peer_mac, 0x0800, ip_packet(peer, me, 1, body, ident=i)))
        elif kind == 6:  # lying length fields
            p = bytearray(ip_packet(peer, me, 17, rng.randbytes(40), ident=i))
            p[2:4] = struct.pack("!H", rng.randrange(65536))
            out.append(eth(dst, peer_mac, 0x0800, bytes(p)))
        elif kind == 7:  # runts and giants of junk
            out.append(dst + rng.randbytes(rng.choice([0, 1, 5, 13, 1500])))
        else:           # martian and broadcast sources
            src = rng.choice(["127.0.0.1", "224.0.0.5", "255.255.255.255", "0.0.0.0"])
            out.append(eth(dst, peer_mac, 0x0800, ip_packet(src, me, 1, b"\x08\0\0\0\0\0\0\0")))
    return [f[:1514] for f in out]


def recv_until(sock, want, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            frame, _ = sock.recvfrom(65536)
        except socket.timeout:
            break
        if want(frame):
            return frame
    return None


def test_two_cards_and_junk_frames(kernel, qemu):
    host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    host.bind(("127.0.0.1", 0))
    host_port = host.getsockname()[1]
    qemu_port = free_udp_port()
    try:
        q = qemu([
            "-kernel", kernel,
            "-append", f"{CMDLINE} netjunk={JUNK_FRAMES}",
            "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0",
            "-netdev", f"socket,id=n1,udp=127.0.0.1:{host_port},localaddr=127.0.0.1:{qemu_port}",
            "-device", "rtl8139,netdev=n1,mac=52:54:00:12:34:99",
        ], hard_timeout=200)
        q.expect(r"net: eth1 ready for junk", timeout=60)
        out = q.output
        assert re.search(r"rtl8139: eth0 at .* MAC 52:54:00:12:34:56", out)
        assert re.search(r"rtl8139: eth1 at .* MAC 52:54:00:12:34:99", out)
        mac = bytes.fromhex("525400123499")
        peer_mac = bytes.fromhex("020000000002")
        rng = random.Random(1234)
        frames = junk_frames(rng, mac, peer_mac, JUNK_FRAMES)
        for i, f in enumerate(frames):
            host.sendto(f, ("127.0.0.1", qemu_port))
            if i % 32 == 31:
                time.sleep(0.004)  # stay inside the host socket's buffer
        time.sleep(0.5)
        # Drain what the kernel sent back (ICMP errors, ARP).
        host.settimeout(0.2)
        try:
            while True:
                host.recvfrom(65536)
        except socket.timeout:
            pass

        # Still alive on eth1: ARP, then ping.
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x800, 6, 4, 1, peer_mac,
                          socket.inet_aton("192.168.77.2"), b"\0" * 6,
                          socket.inet_aton("192.168.77.1"))
        host.sendto(eth(b"\xff" * 6, peer_mac, 0x0806, arp), ("127.0.0.1", qemu_port))
        reply = recv_until(host, lambda f: f[12:14] == b"\x08\x06" and f[20:22] == b"\0\x02")
        assert reply is not None, "no ARP reply from eth1 after the junk"
        assert reply[22:28] == mac and reply[0:6] == peer_mac

        icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x77, 1) + b"still alive?")
        icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
        ping = ip_packet("192.168.77.2", "192.168.77.1", 1, bytes(icmp), ident=4242)
        host.sendto(eth(mac, peer_mac, 0x0800, ping), ("127.0.0.1", qemu_port))
        pong = recv_until(host, lambda f: f[12:14] == b"\x08\x00" and f[23] == 1 and f[34] == 0)
        assert pong is not None, "no echo reply from eth1 after the junk"
        assert pong[42:54] == b"still alive?"

        u = struct.pack("!HHHH", 5555, 9999, 8 + 9, 0) + b"junk-done"
        host.sendto(eth(mac, peer_mac, 0x0800, ip_packet("192.168.77.2", "192.168.77.1", 17, u)),
                    ("127.0.0.1", qemu_port))
        q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=60)
        assert q.wait_exit(timeout=10) == EXIT_SELFTEST_PASSED
    finally:
        host.close()
    out = q.output
    assert "selftest: ok net.junk_frames" in out
    m = re.search(r"net: eth1 got (\d+) frames", out)
    assert m and int(m.group(1)) >= JUNK_FRAMES // 2, "most junk frames never arrived"
    print(m.group(0))
