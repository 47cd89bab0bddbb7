"""AF_INET sockets (docs/tcp.md "Sockets").

- test_socktest_native: user/socktest passes on this Linux host (loopback),
  so its expectations are Linux's.
- test_socktest_in_kernel: the same binary as init on our kernel.
- test_tcp_udp_icmp_over_slirp: one boot with eth0 on slirp and hostfwd
  for guest ports 5001-5003, driving busybox sh on the serial console:
    * ifconfig, route and netstat read the interface ioctls and /proc/net;
    * 64 MiB host->guest into busybox `nc -l | sha256sum`, and 64 MiB
      guest->host from `nc -l < file`, sha256 compared on both sides;
    * TCP throughput both ways with user/nettool (sink, source);
    * 50 concurrent connections echoed by one polling guest process, then
      30 against a listen backlog of 4;
    * UDP datagrams echoed by a host server; a ping socket as uid 1000 and
      busybox ping (raw socket, root) to 10.0.2.2; a nonblocking connect
      to a closed host port ending in ECONNREFUSED.
"""

import hashlib
import os
import random
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from qemu import qemu_opt
from test_net import UdpEchoServer

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
SOCKTEST = ROOT / "build" / "user" / "socktest"
NETTOOL = ROOT / "build" / "user" / "nettool"
PROMPT = r"/ # "
BULK = 64 << 20


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_socktest_native():
    if not SOCKTEST.exists():
        pytest.skip("build/user/socktest not built")
    r = subprocess.run([str(SOCKTEST)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "socktest: FAIL" not in r.stdout


def private_image(tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    return img


def test_socktest_in_kernel(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/socktest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/socktest exited with status (\d+)", timeout=120)
    out = q.output
    q.kill()
    assert "socktest: FAIL" not in out
    m = re.search(r"socktest: (\d+) passed, (\d+) failed", out)
    assert m and int(m.group(1)) > 100 and m.group(2) == "0", m
    m = re.search(r"socktest: loopback 16 MiB in (\d+) ms \((\d+) MB/s\)", out)
    print(m.group(0))


class Shell:
    """busybox sh on the guest's serial console."""

    def __init__(self, q):
        self.q = q
        self.n = 0
        q.expect(PROMPT, timeout=90)

    def run(self, cmd, timeout=60):
        """Run cmd and return what it printed (the lines between markers)."""
        self.n += 1
        a, b = 1000 + 2 * self.n, 1001 + 2 * self.n
        start = len(self.q.output)
        self.q.child.send(f"echo M-$(({a - 1}+1)); {cmd}; echo M-$(({b - 1}+1))\r")
        self.q.expect(rf"M-{b}[\r\n]", timeout=timeout)
        out = self.q.output[start:]
        i = out.index(f"M-{a}\r")
        j = out.rindex(f"M-{b}")
        lines = [ln for ln in out[i:j].splitlines()[1:] if not re.match(r"^\[\s*\d+\.\d+\] ", ln)]
        return "\n".join(lines)

    def start(self, cmd, port=None):
        """Start cmd in the background, its output in the console log;
        with a port, wait until it listens there."""
        self.q.child.send(f"{cmd} &\r")
        self.q.expect(PROMPT, timeout=20)
        if port:
            wait_listen(self, port)


def wait_listen(sh, guest_port, timeout=30):
    """Wait until the guest listens on guest_port (/proc/net/tcp): slirp
    accepts a host connection at once and resets it when nothing listens."""
    deadline = time.monotonic() + timeout
    pat = f":{guest_port:04X} 00000000:0000 0A"
    while time.monotonic() < deadline:
        if sh.run(f"grep -c '{pat}' /proc/net/tcp").strip().endswith("1"):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on guest port {guest_port}")


def connect_retry(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    return s


def send_all_and_drain(port, data):
    s = connect_retry(port)
    t0 = time.monotonic()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    dt = time.monotonic() - t0
    s.close()
    return dt


def recv_all(port):
    s = connect_retry(port)
    h = hashlib.sha256()
    n = 0
    t0 = time.monotonic()
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        h.update(d)
        n += len(d)
    dt = time.monotonic() - t0
    s.close()
    return n, h.hexdigest(), dt


def echo_clients(port, n, size=8192):
    """n concurrent connections, each echoing its own data once."""
    results = [None] * n

    def one(i):
        try:
            s = connect_retry(port)
            msg = bytes((i * 31 + k) & 0xFF for k in range(size))
            s.sendall(msg)
            got = b""
            while len(got) < size:
                d = s.recv(65536)
                if not d:
                    break
                got += d
            s.close()
            results[i] = got == msg
        except OSError as e:
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_tcp_udp_icmp_over_slirp(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    p1, p2, p3 = free_port(), free_port(), free_port()
    closed = free_port()
    echo = UdpEchoServer()
    fwd = (f"hostfwd=tcp:127.0.0.1:{p1}-:5001,hostfwd=tcp:127.0.0.1:{p2}-:5002,"
           f"hostfwd=tcp:127.0.0.1:{p3}-:5003")
    try:
        q = qemu(["-kernel", kernel,
                  "-append", "root=virtio console=ttyS0 init=/bin/sh ip=10.0.2.15/24,10.0.2.2",
                  "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio",
                  "-netdev", f"user,id=n0,{fwd}", "-device", "rtl8139,netdev=n0"],
                 mem="512M", hard_timeout=300)
        sh = Shell(q)

        # Tools over the ioctls and /proc/net.
        out = sh.run("busybox ifconfig eth0")
        assert "inet addr:10.0.2.15" in out and "Mask:255.255.255.0" in out, out
        assert "Bcast:10.0.2.255" in out and "UP" in out, out
        out = sh.run("busybox route -n")
        assert re.search(r"0\.0\.0\.0\s+10\.0\.2\.2\s+0\.0\.0\.0\s+UG", out), out
        out = sh.run("busybox route add -net 192.168.99.0 netmask 255.255.255.0 gw 10.0.2.2 && "
                     "busybox route -n && busybox route del -net 192.168.99.0 netmask 255.255.255.0 && "
                     "busybox route -n | grep -c 192.168.99")
        assert re.search(r"192\.168\.99\.0\s+10\.0\.2\.2\s+255\.255\.255\.0\s+UG", out), out
        assert out.strip().endswith("0"), out

        # 64 MiB host -> guest through busybox nc into sha256sum.
        data = random.Random(5).randbytes(BULK)
        want = hashlib.sha256(data).hexdigest()
        sh.start("busybox nc -l -p 5001 | sha256sum", 5001)
        send_all_and_drain(p1, data)
        q.expect(r"([0-9a-f]{64})\s+-", timeout=120)
        assert q.child.match.group(1) == want, "host->guest sha256 differs"

        # 64 MiB guest -> host from a file through busybox nc.
        out = sh.run(f"nettool gen {BULK} > /tmp/g.bin && sha256sum /tmp/g.bin", timeout=120)
        guest_sum = re.search(r"([0-9a-f]{64})\s+/tmp/g.bin", out).group(1)
        sh.start("busybox nc -l -p 5002 < /tmp/g.bin", 5002)
        n, got_sum, _ = recv_all(p2)
        assert n == BULK and got_sum == guest_sum, f"guest->host: {n} bytes, sha256 differs"
        if NETTOOL.exists():
            local = subprocess.run([str(NETTOOL), "gen", str(BULK)], capture_output=True).stdout
            assert hashlib.sha256(local).hexdigest() == guest_sum
        sh.run("rm /tmp/g.bin")

        # Throughput, both ways, with nettool's 256 KiB reads and writes.
        sh.start("nettool sink 5001", 5001)
        dt_in = send_all_and_drain(p1, data)
        m = q.expect(r"nettool: sink received (\d+) bytes in (\d+) ms \(([\d.]+) MB/s\)",
                     timeout=60)
        assert int(m.group(1)) == BULK
        sink_rate = m.group(3)
        sh.start(f"nettool source 5002 {BULK}", 5002)
        n, _, dt_out = recv_all(p2)
        assert n == BULK
        m = q.expect(r"nettool: source sent (\d+) bytes in (\d+) ms \(([\d.]+) MB/s\)",
                     timeout=60)
        print(f"TCP host->guest: {BULK / dt_in / 1e6:.1f} MB/s at the host, "
              f"{sink_rate} MB/s in the guest")
        print(f"TCP guest->host: {BULK / dt_out / 1e6:.1f} MB/s at the host, "
              f"{m.group(3)} MB/s in the guest")

        # 50 concurrent connections; netstat sees the listener meanwhile.
        sh.start("nettool echo 5003 50", 5003)
        out = sh.run("busybox netstat -tln")
        assert re.search(r"tcp\s+0\s+0 0\.0\.0\.0:5003\s+0\.0\.0\.0:\*\s+LISTEN", out), out
        results = echo_clients(p3, 50)
        assert all(r is True for r in results), results
        q.expect(r"nettool: echo served 50 connections, (\d+) bytes", timeout=60)
        assert int(q.child.match.group(1)) == 50 * 8192

        # A burst larger than the listen backlog: every client is served.
        # SYNs beyond the backlog's room wait parked and are answered as
        # the server accepts; before, handshakes completed into a full
        # queue and slirp never resent the data it had sent with its ACK.
        sh.start("nettool echo 5003 30 4", 5003)
        t0 = time.monotonic()
        results = echo_clients(p3, 30)
        assert all(r is True for r in results), results
        q.expect(r"nettool: echo served 30 connections, (\d+) bytes", timeout=60)
        assert int(q.child.match.group(1)) == 30 * 8192
        print(f"30 clients against backlog 4: {time.monotonic() - t0:.1f} s")

        # UDP, ICMP and a refused connect.
        out = sh.run(f"nettool udpecho 10.0.2.2 {echo.port} 20")
        assert "nettool: udp echo 20/20 ok" in out, out
        out = sh.run("nettool ping 10.0.2.2 3")
        assert re.search(r"nettool: ping 10\.0\.2\.2 as uid 1000 id \d+: 3/3 replies", out), out
        out = sh.run("busybox ping -c 2 10.0.2.2")
        assert "2 packets transmitted, 2 packets received" in out, out
        out = sh.run(f"nettool refused 10.0.2.2 {closed}")
        assert "EINPROGRESS" in out or "in progress" in out, out
        assert "SO_ERROR 111 ECONNREFUSED" in out, out
        out = sh.run("cat /proc/net/snmp /proc/net/sockstat")
        assert re.search(r"Tcp: 1 200 60000 -1 \d+ (\d+)", out), out
    finally:
        echo.close()
    q.kill()
    assert os.path.exists(q.log_path)
