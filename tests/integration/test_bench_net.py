"""Host-only checks of scripts/bench/netbench.py, the host side of the network
benchmarks (docs/bench.md, "Network"): the wire timing of a TFTP fetch from a
pcap built here (a retried transfer, a duplicate and a wrapped block number,
another file's request), the ping statistics from a serial log, and a TCP
transfer each way through its listening sockets. No QEMU."""
import socket
import struct
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETBENCH = ROOT / "scripts" / "bench" / "netbench.py"
PY = "/usr/bin/python3"

GUEST = bytes([10, 0, 2, 15])
SERVER = bytes([10, 0, 2, 2])


def frame(src, dst, sport, dport, payload):
    """An Ethernet/IPv4/UDP frame (checksums left 0: the parser ignores them)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst)
    return b"\x52\x54\x00\x12\x34\x56" * 2 + b"\x08\x00" + ip + udp


def rrq(name):
    return struct.pack("!H", 1) + name + b"\0octet\0"


def data(block, n):
    return struct.pack("!HH", 3, block) + bytes(n)


def write_pcap(path, packets, snap=64):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snap, 1)]
    for t, f in packets:
        cut = f[:snap]
        out.append(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)), len(cut), len(f)))
        out.append(cut)
    path.write_bytes(b"".join(out))


def run(*args):
    r = subprocess.run([PY, str(NETBENCH), *map(str, args)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_pcap_wire_rate(tmp_path):
    p = []
    # A first attempt that dies after two blocks, then another file's
    # request, then the full transfer on a new port.
    p.append((100.0, frame(GUEST, SERVER, 1000, 69, rrq(b"big"))))
    p.append((100.1, frame(SERVER, GUEST, 3000, 1000, data(1, 1000))))
    p.append((100.2, frame(SERVER, GUEST, 3000, 1000, data(2, 1000))))
    p.append((100.5, frame(GUEST, SERVER, 1001, 69, rrq(b"other"))))
    p.append((101.0, frame(GUEST, SERVER, 1002, 69, rrq(b"big"))))
    t = 101.0
    blocks = 65537  # wraps to 0 and 1 at the end
    for i in range(1, blocks + 1):
        t += 0.0001
        p.append((t, frame(SERVER, GUEST, 3001, 1002, data(i & 0xFFFF, 10))))
        if i == 5:  # a duplicate counts once
            p.append((t, frame(SERVER, GUEST, 3001, 1002, data(5, 10))))
    p.append((t, frame(GUEST, SERVER, 1002, 3001, struct.pack("!HH", 4, 1))))
    pcap = tmp_path / "t.pcap"
    write_pcap(pcap, p)
    size = blocks * 10
    out = run("pcap", pcap, "--file", "big", "--size", size, "--label", "tftp_x")
    secs = t - 101.0
    assert "2 request(s)" in out, out
    want = f"BENCH tftp_x {size / secs / 1e6:.2f} MBps"
    assert want in out, out
    out = run("pcap", pcap, "--file", "big", "--size", size + 1, "--label", "tftp_x")
    assert "bench: error: tftp_x" in out and "BENCH" not in out, out
    out = run("pcap", pcap, "--file", "nosuch", "--size", 1, "--label", "tftp_x")
    assert "no read request" in out, out


def test_ping_stats(tmp_path):
    log = tmp_path / "ping.log"
    log.write_text("\n".join([
        "[   1.000] 64 bytes from 10.0.2.2: seq=0 ttl=255 time=9.000 ms",  # before start
        "[   1.100] bench: ping start",
        "[   1.200] 64 bytes from 10.0.2.2: icmp_seq=1 ttl=255 time=0.200 ms",
        "[   1.300] 64 bytes from 10.0.2.2: seq=1 ttl=255 time=0.400 ms",
        "[   1.400] 64 bytes from 10.0.2.2: icmp_seq=3 ttl=255 time=0.900 ms",
        "[   1.500] round-trip min/avg/max = 0.200/0.500/0.900 ms",
        "[   1.600] bench: ping end",
        "[   1.700] 64 bytes from 10.0.2.2: seq=9 ttl=255 time=7.000 ms",
    ]) + "\n")
    out = run("ping", log, "--label", "ping")
    assert "BENCH ping_median 400.0 us" in out, out
    assert "BENCH ping_avg 500.0 us" in out, out


def test_tcp_both_ways(tmp_path):
    size = 3 * 1024 * 1024 + 5
    res = tmp_path / "res"
    srv = subprocess.Popen([PY, str(NETBENCH), "tcp", "--out", str(res), "--size", str(size),
                            "in:send", "out:recv"], stdout=subprocess.PIPE, text=True)
    try:
        ports = {}
        for line in srv.stdout:
            if line.strip() == "ready":
                break
            name, port = line.split()
            ports[name] = int(port)
        got = []

        def reader():
            with socket.create_connection(("127.0.0.1", ports["in"])) as c:
                n = 0
                while True:
                    b = c.recv(65536)
                    if not b:
                        break
                    n += len(b)
                got.append(n)

        t = threading.Thread(target=reader)
        t.start()
        with socket.create_connection(("127.0.0.1", ports["out"])) as c:
            c.sendall(bytes(size))
            c.shutdown(socket.SHUT_WR)
            c.recv(1)
        t.join(30)
        assert srv.wait(timeout=30) == 0
    finally:
        srv.kill()
    assert got == [size]
    text = res.read_text()
    assert "BENCH in " in text and "BENCH out " in text, text
