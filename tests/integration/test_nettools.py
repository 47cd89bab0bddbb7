"""The network tools of user/ (docs/nettools.md) in our kernel, over
QEMU's slirp (guest 10.0.2.15, gateway 10.0.2.2), typed into /bin/sh on the
serial console of the disk image (snapshot=on). The tools are called as
/bin/NAME: Debian's busybox sh prefers its own applets (ping, route, nc,
wget, ...) for bare command names.

- test_tools_without_sockets: what works before AF_INET sockets exist:
  route -n and netstat -r from /proc/net/route, arp -n, every tool's
  --help, and clean errors (no crash) from the tools that need a socket.
- test_tools_over_slirp: ping 10.0.2.2, ifconfig (10.0.2.15), netstat -r,
  wget from a host http.server through 10.0.2.2, nc both ways (guest to a
  host listener, and the host into a guest listener through hostfwd), tftp
  get from slirp's own TFTP server.
"""

import hashlib
import http.server
import os
import re
import socket
import threading
import time
from pathlib import Path


from bootlog import clean_lines
from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "
CMDLINE = "root=virtio console=ttyS0 init=/bin/sh ip=10.0.2.15/24,10.0.2.2"
TOOLS = ["ping", "ifconfig", "route", "netstat", "arp", "nslookup", "host", "tftp", "nc",
         "wget"]
_marker = 0


def sh(q, cmd, timeout=30):
    """Run cmd in the guest shell; return (output lines, exit status)."""
    global _marker
    _marker += 1
    tag = _marker * 1000 + 1
    if not getattr(q, "nt_ready", False):
        q.expect(PROMPT, timeout=max(timeout, 90))
        q.nt_ready = True
    start = len(q.output)
    # The shell computes the marker, so the echoed command line does not
    # contain it.
    sep = " " if cmd.rstrip().endswith("&") else "; "  # "cmd &; ..." is a syntax error
    q.child.send(f"{cmd}{sep}echo NT-$(({tag}-0))-END $?\r")
    status = int(q.expect(rf"NT-{tag}-END (\d+)", timeout=timeout).group(1))
    lines = clean_lines(q.output[start:])
    body = [l.rstrip() for l in lines[1:] if f"NT-{tag}-END" not in l
            and not re.match(r"^\[\s*\d+\.\d+\] ", l)]
    q.expect(PROMPT, timeout=10)
    return body, status


def boot(kernel, qemu, netdev):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image`"
    return qemu(["-kernel", kernel, "-append", CMDLINE,
                 "-drive", f"file={qemu_opt(str(IMAGE))},format=raw,if=virtio,snapshot=on",
                 "-netdev", netdev, "-device", "rtl8139,netdev=n0"], hard_timeout=240)


def test_tools_without_sockets(kernel, qemu):
    q = boot(kernel, qemu, "user,id=n0")
    out, st = sh(q, "/bin/route -n")
    text = "\n".join(out)
    assert st == 0, text
    assert re.search(r"0\.0\.0\.0\s+10\.0\.2\.2\s+0\.0\.0\.0\s+UG\s.*eth0", text), text
    assert re.search(r"10\.0\.2\.0\s+0\.0\.0\.0\s+255\.255\.255\.0\s+U\s.*eth0", text), text
    out, st = sh(q, "/bin/netstat -rn")
    assert st == 0 and "Kernel IP routing table" in "\n".join(out)
    out, st = sh(q, "/bin/arp -n")
    assert st == 0
    for t in TOOLS:
        out, st = sh(q, f"/bin/{t} --help >/dev/null")
        assert st == 0, f"{t} --help: {out}"
    # Bad input is refused with a message and a status, not a crash.
    out, st = sh(q, "/bin/ping -c x 10.0.2.2")
    assert st == 2 and any("bad count" in l for l in out)
    out, st = sh(q, "/bin/wget ftp://x/")
    assert st == 1 and any("only http://" in l for l in out)
    out, st = sh(q, "/bin/nc -l")
    assert st == 1
    q.kill()


class FileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_tools_over_slirp(kernel, qemu, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    blob = os.urandom(300_000)
    (www / "blob.bin").write_bytes(blob)
    tftproot = tmp_path / "tftp"
    tftproot.mkdir()
    tblob = os.urandom(200_000)
    (tftproot / "t.bin").write_bytes(tblob)

    handler = lambda *a, **kw: FileHandler(*a, directory=str(www), **kw)  # noqa: E731
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(60)
    fwd = socket.socket()
    fwd.bind(("127.0.0.1", 0))
    fwd_port = fwd.getsockname()[1]
    fwd.close()
    try:
        q = boot(kernel, qemu, f"user,id=n0,tftp={tftproot},"
                               f"hostfwd=tcp:127.0.0.1:{fwd_port}-:5555")
        out, st = sh(q, "/bin/ping -c 3 -i 0.3 10.0.2.2")
        text = "\n".join(out)
        assert st == 0, text
        assert "3 packets transmitted, 3 received, 0% packet loss" in text
        assert re.search(r"rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms", text)

        out, st = sh(q, "/bin/ifconfig")
        text = "\n".join(out)
        assert st == 0, text
        assert "inet 10.0.2.15  netmask 255.255.255.0" in text
        assert re.search(r"eth0: flags=\d+<UP,BROADCAST", text)

        out, st = sh(q, "/bin/netstat -r")
        assert re.search(r"0\.0\.0\.0\s+10\.0\.2\.2", "\n".join(out))

        port = web.server_address[1]
        out, st = sh(q, f"/bin/wget -O /tmp/blob.bin http://10.0.2.2:{port}/blob.bin && "
                        "busybox sha256sum /tmp/blob.bin", timeout=60)
        assert st == 0, out
        assert any(hashlib.sha256(blob).hexdigest() in l for l in out), out

        # Guest to host: nc connects to a listener on the host.
        lport = lsock.getsockname()[1]
        out, st = sh(q, f"echo guest-says-hi | /bin/nc -N -w 10 10.0.2.2 {lport} > /tmp/nc.out &")
        conn, _ = lsock.accept()
        conn.settimeout(20)
        got = b""
        while not got.endswith(b"\n"):
            chunk = conn.recv(100)
            if not chunk:
                break
            got += chunk
        assert got == b"guest-says-hi\n"
        conn.sendall(b"host-says-hi\n")
        conn.close()
        time.sleep(1)
        out, st = sh(q, "cat /tmp/nc.out")
        assert "host-says-hi" in out

        # Host to guest: through hostfwd into nc -l.
        out, st = sh(q, "/bin/nc -l -p 5555 > /tmp/in.txt &")
        time.sleep(2)
        c = socket.create_connection(("127.0.0.1", fwd_port), timeout=20)
        c.sendall(b"into-the-guest\n")
        c.shutdown(socket.SHUT_WR)
        c.settimeout(20)
        c.recv(10)
        c.close()
        time.sleep(1)
        out, st = sh(q, "cat /tmp/in.txt")
        assert "into-the-guest" in out

        out, st = sh(q, "/bin/tftp -g -r t.bin -l /tmp/t.bin 10.0.2.2 && "
                        "busybox sha256sum /tmp/t.bin", timeout=60)
        assert st == 0, out
        assert any(hashlib.sha256(tblob).hexdigest() in l for l in out), out
        q.kill()
    finally:
        web.shutdown()
        web.server_close()
        lsock.close()
