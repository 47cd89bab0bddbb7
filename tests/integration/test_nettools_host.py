"""The network tools of user/ (docs/nettools.md) run natively on the
build host, as ordinary Linux programs, against local servers: a Python
DNS responder, a Python HTTP server (plain, chunked, redirects, errors),
atftpd when installed, and each other for nc. ifconfig and route change
interfaces only inside a fresh network namespace (`unshare -n`), and are
skipped where that is not allowed. Takes a few seconds.
"""

import http.server
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "build" / "user"
TOOLS = ["ping", "ifconfig", "route", "netstat", "arp", "nslookup", "host", "tftp", "nc",
         "wget"]


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make user`", pytrace=False)
    return str(path)


def run(args, timeout=15, **kw):
    return subprocess.run([tool(args[0])] + list(args[1:]), capture_output=True,
                          timeout=timeout, **kw)


# ---- a DNS responder ------------------------------------------------------

RECORDS = {
    "www.test.example": ("CNAME", "web.test.example"),
    "web.test.example": ("A", ["192.0.2.10", "192.0.2.11"]),
    "short.lab.example": ("A", ["192.0.2.20"]),
}


def dns_name(data, off):
    labels = []
    while data[off]:
        n = data[off]
        labels.append(data[off + 1:off + 1 + n].decode())
        off += 1 + n
    return ".".join(labels), off + 1


def encode_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns_answer(query):
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    name, end = dns_name(query, 12)
    question = query[12:end + 4]
    answers = []
    cur = name.lower()
    for _ in range(5):
        rec = RECORDS.get(cur)
        if not rec:
            break
        if rec[0] == "CNAME":
            answers.append(encode_name(cur) + struct.pack("!HHIH", 5, 1, 300,
                                                          len(encode_name(rec[1])))
                           + encode_name(rec[1]))
            cur = rec[1]
            continue
        for a in rec[1]:
            answers.append(encode_name(cur) + struct.pack("!HHIH", 1, 1, 300, 4)
                           + socket.inet_aton(a))
        break
    rcode = 0 if answers else 3
    hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0)
    return hdr + question + b"".join(answers)


class DnsServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.queries = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop.is_set():
            try:
                data, addr = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            try:
                self.queries.append(dns_name(data, 12)[0])
                self.sock.sendto(dns_answer(data), addr)
            except (IndexError, UnicodeDecodeError, struct.error):
                pass

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def dns(tmp_path):
    server = DnsServer()
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 127.0.0.1\nsearch lab.example\noptions timeout:1 attempts:1\n")
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n192.0.2.99 fromhosts.example fh\n")
    env = dict(os.environ, RESOLV_CONF=str(conf), HOSTS_FILE=str(hosts))
    yield server, env
    server.close()


def test_host_and_nslookup(dns):
    server, env = dns
    p = str(server.port)
    r = run(["host", "-p", p, "www.test.example", "127.0.0.1"], env=env)
    out = r.stdout.decode()
    assert r.returncode == 0, out
    assert "www.test.example is an alias for web.test.example." in out
    assert "web.test.example has address 192.0.2.10" in out
    assert "web.test.example has address 192.0.2.11" in out
    # The search list from resolv.conf (the -p port applies to its server).
    r = run(["host", "-p", p, "short"], env=env)
    assert r.returncode == 0 and b"short.lab.example has address 192.0.2.20" in r.stdout
    r = run(["host", "-p", p, "nothing.example"], env=env)
    assert r.returncode == 1 and b"not found: 3(NXDOMAIN)" in r.stdout
    # /etc/hosts first.
    r = run(["host", "fh"], env=env)
    assert r.returncode == 0 and b"fh has address 192.0.2.99" in r.stdout
    r = run(["nslookup", f"-port={p}", "www.test.example", "127.0.0.1"], env=env)
    out = r.stdout.decode()
    assert r.returncode == 0, out
    assert f"Address:\t127.0.0.1#{p}" in out
    assert "www.test.example\tcanonical name = web.test.example." in out
    assert "Name:\tweb.test.example\nAddress: 192.0.2.10" in out
    r = run(["nslookup", f"-port={p}", "nothing.example", "127.0.0.1"], env=env)
    assert r.returncode == 1 and b"** server can't find nothing.example: NXDOMAIN" in r.stdout
    # A server that never answers: the timeout of the options, then a clear error.
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    t0 = time.monotonic()
    r = run(["host", "-W", "1", "-R", "1", "-p", str(silent.getsockname()[1]), "x.example",
             "127.0.0.1"], env=env)
    silent.close()
    assert r.returncode == 1 and b"timed out" in r.stdout
    assert time.monotonic() - t0 < 5
    r = run(["host", "bad..name"], env=env)
    assert r.returncode == 1 and b"not a legal name" in r.stderr


# ---- HTTP -----------------------------------------------------------------

BODY = os.urandom(200_000)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.hosts.append(self.headers.get("Host"))
        if self.path == "/plain":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(BODY), 7000):
                part = BODY[i:i + 7000]
                self.wfile.write(b"%x;ext=1\r\n" % len(part) + part + b"\r\n")
            self.wfile.write(b"0\r\nX-Trailer: y\r\n\r\n")
        elif self.path.startswith("/redirect/"):
            n = int(self.path.split("/")[2])
            self.send_response(302)
            # Relative ("2": /redirect/2), then absolute.
            self.send_header("Location", str(n - 1) if n > 1 else "/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.close_connection = True
        elif self.path == "/garbage":
            self.wfile.write(b"SPAM 200 whatever\r\n\r\n")
            self.close_connection = True
        elif self.path == "/badchunk":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"zz\r\nhello\r\n0\r\n\r\n")
            self.close_connection = True
        else:
            self.send_error(404)


@pytest.fixture
def web():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.hosts = []
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_wget(web, tmp_path):
    base = f"http://127.0.0.1:{web.server_address[1]}"
    out = tmp_path / "out"
    r = run(["wget", "-O", str(out), f"{base}/plain"])
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == BODY
    assert web.hosts[-1] == f"127.0.0.1:{web.server_address[1]}"
    r = run(["wget", "-q", "-O", "-", f"{base}/chunked"])
    assert r.returncode == 0 and r.stdout == BODY, r.stderr
    r = run(["wget", "-O", str(out), f"{base}/redirect/3"])
    assert r.returncode == 0 and out.read_bytes() == BODY, r.stderr
    assert r.stderr.count(b"[following]") == 3
    r = run(["wget", "--max-redirect", "2", "-O", str(out), f"{base}/redirect/4"])
    assert r.returncode == 8 and b"too many redirects" in r.stderr
    r = run(["wget", "-O", str(tmp_path / "nf"), f"{base}/missing"])
    assert r.returncode == 8 and b"server returned error: HTTP/1.1 404" in r.stderr
    assert not (tmp_path / "nf").exists()
    r = run(["wget", "-O", str(out), f"{base}/short"])
    assert r.returncode == 4 and b"connection closed early" in r.stderr
    r = run(["wget", "-O", str(out), f"{base}/garbage"])
    assert r.returncode == 7 and b"malformed HTTP reply" in r.stderr
    r = run(["wget", "-O", str(out), f"{base}/badchunk"])
    assert r.returncode == 7 and b"malformed chunked" in r.stderr
    # The default name is the last path segment, in the current directory.
    r = run(["wget", "-q", f"{base}/plain"], cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "plain").read_bytes() == BODY
    r = run(["wget", "https://127.0.0.1/"])
    assert r.returncode == 1 and b"only http://" in r.stderr
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run(["wget", "-O", str(out), f"http://127.0.0.1:{port}/"])
    assert r.returncode == 4 and b"Connection refused" in r.stderr


# ---- nc -------------------------------------------------------------------

def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_nc_tcp_both_ways(tmp_path):
    port = free_port()
    sink = open(tmp_path / "server.out", "wb")
    server = subprocess.Popen([tool("nc"), "-l", "-p", str(port)], stdin=subprocess.PIPE,
                              stdout=sink)
    time.sleep(0.3)
    data = os.urandom(300_000)
    client = subprocess.Popen([tool("nc"), "-N", "127.0.0.1", str(port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    server.stdin.write(b"from server\n")
    server.stdin.close()
    got, _ = client.communicate(data, timeout=10)
    server.wait(timeout=10)
    sink.close()
    assert (tmp_path / "server.out").read_bytes() == data
    assert got == b"from server\n"
    assert client.returncode == 0 and server.returncode == 0


def test_nc_udp_scan_and_errors():
    port = free_port(socket.SOCK_DGRAM)
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", port))
    peer.settimeout(5)
    r = subprocess.Popen([tool("nc"), "-u", "-q", "1", "127.0.0.1", str(port)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    r.stdin.write(b"datagram\n")
    r.stdin.flush()
    data, addr = peer.recvfrom(100)
    assert data == b"datagram\n"
    peer.sendto(b"answer\n", addr)
    time.sleep(0.2)
    r.stdin.close()
    out = r.stdout.read()
    assert r.wait(timeout=5) == 0 and out == b"answer\n"
    peer.close()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    lp = listener.getsockname()[1]
    closed = free_port()
    lo, hi = min(lp, closed), max(lp, closed)
    if hi - lo < 50:
        r = run(["nc", "-z", "-v", "-w", "2", "127.0.0.1", f"{lo}-{hi}"])
        assert r.returncode == 0
        assert f"Connection to 127.0.0.1 {lp} port [tcp/*] succeeded!".encode() in r.stderr
    r = run(["nc", "-z", "127.0.0.1", str(closed)])
    assert r.returncode == 1
    listener.close()
    for bad in (["127.0.0.1", "0"], ["127.0.0.1", "70000"], ["-l"], ["-w", "x", "h", "1"]):
        r = run(["nc"] + bad)
        assert r.returncode == 1 and r.stderr, bad


# ---- ping, netstat, arp ---------------------------------------------------

def test_ping_loopback():
    r = run(["ping", "-c", "3", "-i", "0.2", "127.0.0.1"])
    out = r.stdout.decode()
    assert r.returncode == 0, out + r.stderr.decode()
    assert "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data." in out
    assert out.count("64 bytes from 127.0.0.1: icmp_seq=") == 3
    assert "3 packets transmitted, 3 received, 0% packet loss" in out
    assert "rtt min/avg/max/mdev = " in out
    if os.geteuid() == 0:
        r = run(["ping", "-c", "2", "-i", "0.2", "-s", "2000", "127.0.0.1"],
                env=dict(os.environ, PING_RAW="1"))
        assert r.returncode == 0 and b"2008 bytes from 127.0.0.1" in r.stdout
    r = run(["ping", "-c", "0", "127.0.0.1"])
    assert r.returncode == 2 and b"bad count" in r.stderr
    r = run(["ping", "-s", "70000", "127.0.0.1"])
    assert r.returncode == 2


def test_netstat_and_arp():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    r = run(["netstat", "-tln"])
    assert r.returncode == 0
    assert b"Active Internet connections (only servers)" in r.stdout
    line = [l for l in r.stdout.decode().splitlines() if f"127.0.0.1:{port} " in l]
    assert line and line[0].split()[-1] == "LISTEN", r.stdout
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = listener.accept()
    r = run(["netstat", "-tn"])
    assert f"127.0.0.1:{c.getsockname()[1]}".encode() in r.stdout
    assert b"ESTABLISHED" in r.stdout
    c.close()
    a.close()
    listener.close()
    r = run(["netstat", "-r"])
    assert r.returncode == 0 and b"Kernel IP routing table" in r.stdout
    r = run(["netstat", "-i"])
    assert r.returncode == 0 and b"\nlo " in r.stdout
    r = run(["arp", "-n"])
    assert r.returncode == 0
    r = run(["netstat", "-x"])
    assert r.returncode == 1


def test_ifconfig_and_route_in_netns():
    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    script = f"""
set -e
B={BIN}
$B/ifconfig lo 127.0.0.1/8 up
$B/ifconfig lo mtu 1500
$B/ifconfig lo
$B/route add default gw 127.0.0.2 dev lo
$B/route add -net 10.9.0.0/16 gw 127.0.0.3 metric 5
$B/route -n
$B/route del default
$B/route -n
! $B/route del default
! $B/ifconfig lo 1.2.3
! $B/ifconfig nosuchif
$B/ifconfig lo down
$B/ifconfig -a
"""
    r = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, timeout=15)
    out = r.stdout.decode()
    assert r.returncode == 0, out + r.stderr.decode()
    assert "lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 1500" in out
    assert "inet 127.0.0.1  netmask 255.0.0.0" in out
    assert "0.0.0.0         127.0.0.2       0.0.0.0         UG    0      0        0 lo" in out
    assert "10.9.0.0        127.0.0.3       255.255.0.0     UG    5      0        0 lo" in out
    assert out.count("0.0.0.0         127.0.0.2") == 1  # deleted
    assert "lo: flags=8<LOOPBACK>" in out


# ---- tftp -----------------------------------------------------------------

def test_tftp_against_atftpd(tmp_path):
    atftpd = shutil.which("atftpd") or "/usr/sbin/atftpd"
    if not os.path.exists(atftpd):
        pytest.skip("atftpd is not installed")
    root = tmp_path / "tftp"
    root.mkdir()
    root.chmod(0o777)
    data = os.urandom(700_000)
    (root / "f.bin").write_bytes(data)
    port = free_port(socket.SOCK_DGRAM)
    user = ["--user", "root", "--group", "root"] if os.geteuid() == 0 else []
    srv = subprocess.Popen([atftpd, "--daemon", "--no-fork", "--port", str(port),
                            "--bind-address", "127.0.0.1", "--logfile", "/dev/null"] + user
                           + [str(root)])
    try:
        time.sleep(0.5)
        out = tmp_path / "got"
        r = run(["tftp", "-g", "-r", "f.bin", "-l", str(out), "127.0.0.1", str(port)])
        assert r.returncode == 0, r.stderr
        assert out.read_bytes() == data
        r = run(["tftp", "-g", "-b", "1468", "-w", "8", "-r", "f.bin", "-l", str(out),
                 "127.0.0.1", str(port)])
        assert r.returncode == 0 and out.read_bytes() == data, r.stderr
        r = run(["tftp", "-g", "-r", "f.bin", "-l", "-", "127.0.0.1", str(port)])
        assert r.returncode == 0 and r.stdout == data
        r = run(["tftp", "-g", "-r", "missing", "-l", str(tmp_path / "m"), "127.0.0.1",
                 str(port)])
        assert r.returncode == 1 and b"server error: (1)" in r.stderr
        assert not (tmp_path / "m").exists()
        up = tmp_path / "up.bin"
        up.write_bytes(os.urandom(512 * 20))  # a multiple of 512: an empty last block
        r = run(["tftp", "-p", "-l", str(up), "-r", "up.bin", "127.0.0.1", str(port)])
        assert r.returncode == 0, r.stderr
        assert (root / "up.bin").read_bytes() == up.read_bytes()
    finally:
        srv.terminate()
        srv.wait(timeout=5)
    r = run(["tftp", "-g", "-p", "-r", "x", "127.0.0.1"])
    assert r.returncode == 1


def test_every_tool_has_help():
    for name in TOOLS:
        r = run([name, "--help"])
        assert r.returncode == 0 and b"usage:" in r.stdout, name
