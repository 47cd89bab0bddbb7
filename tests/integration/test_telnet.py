"""telnetd (docs/login.md) over QEMU's slirp with a hostfwd to the guest's
port 23, on a normal boot (init starts /bin/telnetd from /etc/inittab) with
ip=10.0.2.15/24,10.0.2.2 and a private copy of the image.

- test_telnet_client: Debian's telnet client under pexpect, with a 33x111
  window and TERM=xterm: login as root (TTYPE gives TERM, NAWS gives
  `stty size`), line editing through the pty (^A then an insert, the up
  arrow recalls), a wrong password refused, permission denied as user, a
  window resize reaching the shell, and the client's close ending the
  session.
- test_raw_clients_load_and_cleanup: plain sockets that never answer the
  negotiation (as nc does): 20 sessions at once (connected one after
  another, because slirp's host-side listen backlog is 1), each logs in and
  runs a command loop; all twenty are open together before they
  disconnect. Afterwards a fresh session finds no
  process of theirs, no pty but its own under /dev/pts, no zombie and the
  listener's descriptors as before. Then `nc` itself logs in, and a second
  telnetd with -m 2 -t 3 refuses a third connection and closes an idle one.
"""

import contextlib
import os
import re
import socket
import threading
import time

import pexpect

from qemu import qemu_opt
from test_sys import private_image

ROOT_PW = os.environ.get("ROOT_PASSWORD", "root")
USER_PW = os.environ.get("USER_PASSWORD", "user")
IAC = 255


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def boot(qemu, kernel, tmp_path, ports):
    fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for h, g in ports)
    q = qemu(["-kernel", kernel, "-append",
              "root=virtio console=ttyS0 ip=10.0.2.15/24,10.0.2.2",
              "-drive", f"file={qemu_opt(str(private_image(tmp_path)))},format=raw,if=virtio",
              "-netdev", f"user,id=n0,{fwd}", "-device", "rtl8139,netdev=n0"],
             hard_timeout=900)
    q.expect(r"appliance login: ", timeout=180)  # init has started telnetd too
    return q


def telnet(port, log):
    t = pexpect.spawn("telnet", ["127.0.0.1", str(port)], encoding="utf-8",
                      codec_errors="replace", timeout=60, dimensions=(33, 111),
                      env={"TERM": "xterm", "PATH": "/usr/bin:/bin"})
    t.logfile_read = log
    return t


def tsh(t, cmd, timeout=60):
    """Run cmd in the telnet session's shell; return its output lines."""
    tsh.n = getattr(tsh, "n", 0) + 1
    m = tsh.n * 11
    t.send(f"echo TS-$(({tsh.n}*11)); {cmd}; echo TE-$(({tsh.n}*11))-$?\r")
    t.expect(rf"TS-{m}\r\n", timeout=timeout)
    t.expect(rf"TE-{m}-(\d+)", timeout=timeout)
    body = t.before.replace("\r", "").split("\n")
    return [line for line in body if line], int(t.match.group(1))


def test_telnet_client(kernel, qemu, tmp_path):
    port = free_port()
    q = boot(qemu, kernel, tmp_path, [(port, 23)])
    log = open(tmp_path / "telnet.log", "w", encoding="utf-8")
    t = telnet(port, log)
    try:
        t.expect(r"Escape character is")
        t.expect(r"appliance login: ", timeout=90)
        t.send("root\r")
        t.expect(r"Password: ")
        t.send("wrong\r")
        t.expect(r"Login incorrect", timeout=60)
        t.expect(r"appliance login: ")
        t.send("root\r")
        t.expect(r"Password: ")
        t.send(ROOT_PW + "\r")
        t.expect(r"# ")
        out, st = tsh(t, "busybox stty size; echo $TERM; busybox tty; id -u")
        assert out[:4] == ["33 111", "xterm", out[2], "0"], out
        assert re.fullmatch(r"/dev/pts/\d+", out[2]), out

        # Line editing: ^A goes to the start of the line, then an insert.
        t.send("cho edit-$((6*7))\x01e\r")
        t.expect(r"\r\nedit-42\r\n")
        t.expect(r"# ")
        t.send("\x1b[A\r")  # the up arrow recalls the edited line
        t.expect(r"\r\nedit-42\r\n")
        t.expect(r"# ")

        # NAWS after a resize: SIGWINCH and the new size.
        t.setwinsize(40, 100)
        time.sleep(1)
        out, st = tsh(t, "busybox stty size")
        assert out == ["40 100"], out

        # An ordinary user is refused /etc/shadow.
        out, st = tsh(t, "/bin/su user -c 'cat /etc/shadow' 2>&1")
        assert st != 0 and any("Permission denied" in line for line in out), out
        t.send("exit\r")
        t.expect(pexpect.EOF, timeout=60)

        # Log in as user directly.
        t = telnet(port, log)
        t.expect(r"appliance login: ", timeout=90)
        t.send("user\r")
        t.expect(r"Password: ")
        t.send(USER_PW + "\r")
        t.expect(r"\$ ")
        out, st = tsh(t, "id -u; pwd; cat /etc/shadow 2>&1")
        assert out[:2] == ["1000", "/home/user"], out
        assert st != 0 and "Permission denied" in out[2], out
        # The client goes away in the middle of a command: SIGHUP ends it.
        t.send("sleep 1000\r")
        time.sleep(1)
        t.close(force=True)
        q.login(seen=True)
        q.child.send("sleep 3; ps; ls /dev/pts; echo PS-$((3*5))\r")
        q.expect(r"PS-15", timeout=60)
        q.expect(r"/ # ", timeout=30)
        out = q.output[q.output.rindex("sleep 3; ps"):]
        assert "sleep 1000" not in out and "-sh" in out, out
        assert not re.search(r"^\d+\s*$", out.split("PID")[1], re.M), out  # no pts left
    finally:
        t.close(force=True)
        log.close()


class RawSession:
    """A telnet client that never answers the options (as nc)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=240)
        self.buf = b""

    def _strip(self, data):
        out = bytearray()
        i = 0
        while i < len(data):
            if data[i] == IAC and i + 1 < len(data):
                if data[i + 1] == IAC:
                    out.append(IAC)
                    i += 2
                elif data[i + 1] == 250:  # SB ... IAC SE
                    end = data.find(bytes([IAC, 240]), i)
                    i = len(data) if end < 0 else end + 2
                else:
                    i += 3
            else:
                out.append(data[i])
                i += 1
        return bytes(out)

    def expect(self, pattern, timeout=240):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self._strip(self.buf))
            if m:
                text = self._strip(self.buf)
                self.buf = text[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r}; got {self._strip(self.buf)[-300:]!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                raise AssertionError(
                    f"no {pattern!r} in {timeout} s; got {self._strip(self.buf)[-300:]!r}"
                ) from None
            if not chunk:
                raise AssertionError(f"closed before {pattern!r}; got {self.buf[-300:]!r}")
            self.buf += chunk

    def send(self, text):
        self.sock.sendall(text.encode())

    def close(self):
        self.sock.close()


def raw_login(port, gate=None):
    """A logged-in root session; with a gate (a lock), the connection and
    its login prompt happen while holding it."""
    with gate or contextlib.nullcontext():
        s = RawSession(port)
        s.expect(rb"appliance login: ")
    s.send("root\r\n")
    s.expect(rb"Password: ")
    s.send(ROOT_PW + "\r\n")
    s.expect(rb"# ")
    return s


def test_raw_clients_load_and_cleanup(kernel, qemu, tmp_path):
    port, port2 = free_port(), free_port()
    q = boot(qemu, kernel, tmp_path, [(port, 23), (port2, 2424)])
    q.login(seen=True)

    def sh(cmd, timeout=60):
        start = len(q.output)
        q.child.send(f"{cmd}; echo Q-$((9*9))-$?\r")
        st = int(q.expect(r"Q-81-(\d+)", timeout=timeout).group(1))
        text = q.output[start:]
        q.expect(r"/ # ", timeout=30)
        return text.replace("\r", ""), st

    before, _ = sh("ls /proc/$(pidof telnetd)/fd | wc -l")
    listener_fds = int(re.findall(r"\n\s*(\d+)\n", before)[-1])

    n = 20
    errors, done = [], []
    # QEMU's slirp listens on the host side of a hostfwd with a backlog of
    # 1 (`ss -ltn`) and accepts in its main loop: twenty connect()s at the
    # same instant overflow the host kernel's queue, and under load some
    # never reach the guest at all (their SYN came 60 s late in a capture).
    # So the clients connect one after another, each once the previous one
    # has its login prompt, and then all twenty stay open together.
    gate = threading.Lock()
    together = threading.Barrier(n, timeout=300)

    def client(i):
        try:
            s = raw_login(port, gate)
            for k in range(5):
                s.send(f"echo r{i}-$(({i}*100+{k}))\r\n")
                s.expect(rf"\nr{i}-{i * 100 + k}\r\n".encode())
                s.expect(rb"# ")
            done.append(i)
            together.wait()  # all twenty sessions are open at once
            s.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"session {i}: {e}")
            together.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(600)
    if errors:
        state, _ = sh("ps; /bin/netstat -tan; ls /dev/pts", timeout=120)
        raise AssertionError(f"{len(errors)} sessions failed: {errors[:3]}\n{state}")
    assert len(done) == n

    # A fresh session sees nothing left of the twenty.
    time.sleep(5)
    s = raw_login(port)
    s.send("echo B-$((2*3)); ls /dev/pts; echo =; ps; echo =;"
           " cat /proc/[0-9]*/stat | cut -d' ' -f3 | sort | uniq -c; echo E-$((2*4))\r\n")
    s.expect(rb"B-6\r\n")
    m = s.expect(rb"(?s)(.*)E-8\r\n")
    pts, ps, states = m.group(1).decode().replace("\r", "").split("=\n")
    assert len(pts.split()) == 1, pts  # only this session's pty
    procs = [line for line in ps.split("\n")[1:] if line.strip()]
    shells = [p for p in procs if p.endswith(" -sh") and "{" not in p]
    assert len(shells) == 2, ps  # the console's and this one
    assert len([p for p in procs if "telnetd" in p]) == 2, ps  # listener + one relay
    assert "Z" not in states.split(), states
    out, _ = sh("ls /proc/$(pidof telnetd | tr ' ' '\\n' | sort -n | head -1)/fd | wc -l")
    assert int(re.findall(r"\n\s*(\d+)\n", out)[-1]) == listener_fds, out
    s.close()

    # nc, a real client without telnet options.
    nc = pexpect.spawn("nc", ["127.0.0.1", str(port)], timeout=120, encoding="latin-1")
    nc.expect("appliance login: ")
    nc.send("root\n")
    nc.expect("Password: ")
    nc.send(ROOT_PW + "\n")
    nc.expect("# ")
    nc.send("echo via-nc-$((5*5))\n")
    nc.expect("via-nc-25")
    nc.close(force=True)

    # A second telnetd: at most 2 sessions, 3 s idle timeout.
    sh("/bin/telnetd -p 2424 -m 2 -t 3 & true")
    time.sleep(2)
    a = RawSession(port2)
    a.expect(rb"login: ")
    b = RawSession(port2)
    b.expect(rb"login: ")
    c = RawSession(port2)
    c.expect(rb"telnetd: too many connections \(2\)")
    t0 = time.monotonic()
    a.expect(rb"telnetd: idle timeout")
    assert time.monotonic() - t0 < 30
    a.close()
    b.close()
    c.close()
