"""A private LAN for the QEMU tests of test_lan.py (docs/network.md "LAN tests").

Lan builds a network namespace of its own (`ip netns add`) that holds:

    guest eth0 (QEMU rtl8139) -- tap0 --+-- br0 --+-- vethB -- vethS 10.77.0.1/24
                                                   (the servers' side)

QEMU runs inside the namespace (`ip netns exec`) and opens tap0 there; the
servers (dnsmasq for DHCP and DNS, atftpd for TFTP, Python sockets, Linux's
ping) live on vethS. Nothing is added to the host's own namespace: all the
traffic stays inside. The veth pair gives each direction a qdisc of its own
for `tc netem`: tap0's egress carries frames towards the guest, vethB's
egress frames from the guest towards the servers.

Python sockets are opened inside the namespace by switching the calling
thread into it with setns(2) for the socket() call only; a socket keeps
the namespace it was created in.

Everything started here is tracked and killed by its pid in close(), which
also deletes the namespace; close() runs even when a test fails.
"""

import contextlib
import ctypes
import hashlib
import heapq
import os
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time

SERVER_IP = "10.77.0.1"
GUEST_IP = "10.77.0.42"
GUEST_MAC = "52:54:00:4c:41:4e"
GUEST_NAME = "languest"
DOMAIN = "lan.test"
# Names the test's DNS server answers (dnsmasq --host-record and --address).
HOST_RECORD = ("files.lan.test", SERVER_IP)
ADDRESS_RECORD = ("magic.lan.test", "192.0.2.77")

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_count = 0


def can_build_lan():
    """None when this machine can build the LAN, else the reason why not."""
    if os.geteuid() != 0:
        return "building a network namespace with a tap needs root"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing"
    return None


def missing_tools():
    """The programs the LAN tests need that are not installed."""
    return [t for t in ("ip", "tc", "dnsmasq", "atftpd", "ping", "tcpdump")
            if not shutil.which(t) and not os.path.exists(f"/usr/sbin/{t}")]


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"setns: {os.strerror(e)}")


class Lan:
    def __init__(self, tmp_path):
        global _count
        _count += 1
        self.name = f"lan{os.getpid()}n{_count}"
        self.tmp = tmp_path
        self.procs = []  # (name, Popen) started in the namespace
        self.logs = {}  # name -> log path
        self.pcap = None
        self.created = False

    # ---- commands in the namespace ------------------------------------------
    def cmd(self, args):
        return ["ip", "netns", "exec", self.name] + list(args)

    def run(self, args, timeout=30, check=True):
        r = subprocess.run(self.cmd(args), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({r.returncode}): "
                                 f"{r.stdout}{r.stderr}")
        return r

    def start(self, name, args, stdout_to_log=True):
        """Start a long-running process in the namespace, output to a log."""
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        f = open(log, "w")
        p = subprocess.Popen(self.cmd(args), stdout=f if stdout_to_log else subprocess.DEVNULL,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        f.close()
        self.procs.append((name, p))
        return p

    @contextlib.contextmanager
    def entered(self):
        """Run the body with this thread in the namespace (for socket())."""
        here = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        there = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            _setns(there)
            try:
                yield
            finally:
                _setns(here)
        finally:
            os.close(here)
            os.close(there)

    def socket(self, *args):
        with self.entered():
            return socket.socket(*args)

    # ---- building and tearing down ------------------------------------------
    def up(self):
        subprocess.run(["ip", "netns", "add", self.name], check=True, timeout=30)
        self.created = True
        for c in (
            ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
            ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
            # Only vethS answers ARP for the servers' address, not br0 too.
            ["sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1"],
            ["ip", "link", "set", "lo", "up"],
            ["ip", "link", "add", "br0", "type", "bridge", "forward_delay", "0",
             "stp_state", "0", "mcast_snooping", "0"],
            ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
            ["ip", "link", "set", "tap0", "master", "br0"],
            ["ip", "link", "add", "vethS", "type", "veth", "peer", "name", "vethB"],
            ["ip", "link", "set", "vethB", "master", "br0"],
            ["ip", "addr", "add", f"{SERVER_IP}/24", "dev", "vethS"],
            ["ip", "link", "set", "br0", "up"],
            ["ip", "link", "set", "tap0", "up"],
            ["ip", "link", "set", "vethB", "up"],
            ["ip", "link", "set", "vethS", "up"],
        ):
            self.run(c)
        return self

    def close(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for name, p in reversed(self.procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.procs = []
        if self.created:
            subprocess.run(["ip", "netns", "delete", self.name], timeout=30)
            self.created = False

    # ---- QEMU ----------------------------------------------------------------
    def qemu_wrapper(self):
        """A script that runs qemu-system-x86_64 inside the namespace; the
        qemu fixture runs it in place of QEMU (qemu.QEMU)."""
        path = self.tmp / "qemu-in-lan"
        path.write_text("#!/bin/sh\n"
                        f"exec ip netns exec {self.name} qemu-system-x86_64 \"$@\"\n")
        path.chmod(0o755)
        return str(path)

    @staticmethod
    def nic_args():
        return ["-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                "-device", f"rtl8139,netdev=n0,mac={GUEST_MAC}"]

    # ---- servers -------------------------------------------------------------
    def start_dnsmasq(self, boot_file=None):
        args = ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--user=root",
                "--group=root", f"--pid-file={self.tmp / 'dnsmasq.pid'}",
                f"--dhcp-leasefile={self.tmp / 'dnsmasq.leases'}",
                "--interface=vethS", "--bind-interfaces", "--except-interface=lo",
                "--no-resolv", "--no-hosts", "--no-poll", "--log-queries", "--log-dhcp",
                "--log-facility=-",
                f"--domain={DOMAIN}", f"--local=/{DOMAIN}/",
                "--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h",
                f"--dhcp-host={GUEST_MAC},{GUEST_IP},{GUEST_NAME}",
                f"--dhcp-option=option:router,{SERVER_IP}",
                f"--dhcp-option=option:dns-server,{SERVER_IP}",
                f"--host-record={HOST_RECORD[0]},{HOST_RECORD[1]}",
                f"--address=/{ADDRESS_RECORD[0]}/{ADDRESS_RECORD[1]}"]
        if boot_file:
            args.append(f"--dhcp-boot={boot_file},,{SERVER_IP}")
        self.start("dnsmasq", args)
        self.wait_udp_port(53)

    def start_atftpd(self, root):
        root.chmod(0o777)
        self.start("atftpd", ["/usr/sbin/atftpd", "--daemon", "--no-fork", "--port", "69",
                              "--bind-address", SERVER_IP, "--user", "root", "--group", "root",
                              "--logfile", "-", "--verbose=7", str(root)])
        self.wait_udp_port(69)

    def start_tcpdump(self, iface="tap0"):
        self.pcap = self.tmp / "lan.pcap"
        self.start("tcpdump", ["tcpdump", "-i", iface, "-s", "96", "-U", "-n",
                               "-w", str(self.pcap)])

    def wait_udp_port(self, port, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.run(["cat", "/proc/net/udp"])
            if any(line.split()[1].upper().endswith(f":{port:04X}")
                   for line in r.stdout.splitlines()[1:]):
                return
            for name, p in self.procs:
                if p.poll() is not None:
                    raise AssertionError(f"{name} exited with {p.returncode}: "
                                         f"{self.logs[name].read_text()[-2000:]}")
            time.sleep(0.1)
        raise AssertionError(f"nothing listens on UDP port {port} in {self.name}")

    def netem(self, spec, seed=1):
        """Impair both directions on the namespace side with `tc netem`:
        tap0's egress (towards the guest) and vethB's (from the guest to the
        servers). A kernel without sch_netem gets the same impairment from
        relay() instead. Returns "netem" or "relay"."""
        for dev in ("tap0", "vethB"):
            r = self.run(["tc", "qdisc", "replace", "dev", dev, "root", "netem"] + spec.split(),
                         check=False)
            if r.returncode != 0:
                if "unknown" not in r.stderr.lower() or dev != "tap0":
                    raise AssertionError(f"tc netem on {dev}: {r.stderr}")
                self.start_relay(spec, seed)
                return "relay"
        return "netem"

    def start_relay(self, spec, seed):
        """Take tap0 and vethB out of the bridge and join them through
        relay() below, which applies the netem `spec` in user space."""
        # One frame per skb from the servers' side: relay() cannot split
        # the GSO super-frames that vethS would otherwise hand to vethB.
        self.run(["ip", "link", "set", "vethS", "gso_max_segs", "1"])
        self.run(["ip", "link", "set", "tap0", "nomaster"])
        self.run(["ip", "link", "set", "vethB", "nomaster"])
        self.start("relay", ["/usr/bin/python3", "-u", __file__, "relay", "tap0", "vethB",
                             str(seed)] + spec.split())
        deadline = time.monotonic() + 20
        while "relaying" not in self.logs["relay"].read_text():
            if time.monotonic() > deadline or self.procs[-1][1].poll() is not None:
                raise AssertionError("the relay did not start: "
                                     + self.logs["relay"].read_text())
            time.sleep(0.05)

    def relay_stats(self):
        """The relay's counters, after it was stopped (close() stops it)."""
        for name, p in self.procs:
            if name == "relay" and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=10)
        text = self.logs["relay"].read_text() if "relay" in self.logs else ""
        m = re.findall(r"relay: (\w+) (\d+)", text)
        return {k: int(v) for k, v in m}

    def ping(self, count, interval="0.2", size=56, timeout=120):
        return self.run(["ping", "-n", "-c", str(count), "-i", interval, "-s", str(size),
                         "-W", "2", GUEST_IP], timeout=timeout, check=False)

    def summary(self, lines=40):
        """What to print when a test fails: logs of the servers and the
        tail of the packet capture."""
        out = []
        for name, log in self.logs.items():
            if name == "tcpdump":
                continue
            try:
                text = log.read_text(errors="replace")
            except OSError:
                continue
            out.append(f"--- {name} log (last {lines} lines)")
            out += text.splitlines()[-lines:]
        if self.pcap and self.pcap.exists():
            r = subprocess.run(["tcpdump", "-r", str(self.pcap), "-n", "-tt"],
                               capture_output=True, text=True, timeout=60)
            rows = r.stdout.splitlines()
            out.append(f"--- {self.pcap}: {len(rows)} frames, the last {lines}")
            out += rows[-lines:]
        return "\n".join(out)


class TcpServer:
    """A TCP listener on SERVER_IP in the namespace that serves one
    connection at a time in a thread: mode "send" sends `data` and closes,
    "recv" reads to EOF and records the sha256 and size. With `pace`, data
    goes out in `pace[0]`-byte pieces every `pace[1]` seconds until
    `release` is set, then at full speed."""

    def __init__(self, lan, mode, data=None, pace=None, timeout=240):
        self.s = lan.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((SERVER_IP, 0))
        self.s.listen(1)
        self.port = self.s.getsockname()[1]
        self.mode, self.data, self.pace = mode, data, pace
        self.timeout = timeout
        self.release = threading.Event()
        self.connected = threading.Event()
        self.done = threading.Event()
        self.sent = 0
        self.received = 0
        self.digest = None
        self.error = None
        self.elapsed = None
        self.peer = None
        self.t = threading.Thread(target=self._serve, daemon=True)
        self.t.start()

    def _serve(self):
        try:
            self.s.settimeout(self.timeout)
            c, self.peer = self.s.accept()
            c.settimeout(self.timeout)
            self.connected.set()
            t0 = time.monotonic()
            if self.mode == "send":
                view = memoryview(self.data)
                if self.pace:
                    piece, gap = self.pace
                    while not self.release.is_set() and self.sent < len(view):
                        c.sendall(view[self.sent:self.sent + piece])
                        self.sent += len(view[self.sent:self.sent + piece])
                        time.sleep(gap)
                c.sendall(view[self.sent:])
                self.sent = len(view)
                c.shutdown(socket.SHUT_WR)
                while c.recv(65536):
                    pass
            else:
                h = hashlib.sha256()
                while True:
                    d = c.recv(1 << 20)
                    if not d:
                        break
                    h.update(d)
                    self.received += len(d)
                self.digest = h.hexdigest()
            self.elapsed = time.monotonic() - t0
            c.close()
        except Exception as e:  # reported by wait()
            self.error = e
        finally:
            self.s.close()
            self.done.set()

    def wait(self, timeout=None):
        if not self.done.wait(timeout or self.timeout):
            raise AssertionError(f"the TCP server on port {self.port} did not finish")
        if self.error:
            raise AssertionError(f"the TCP server on port {self.port}: {self.error!r}")
        return self


SOL_PACKET = 263
PACKET_VNET_HDR = 15
VNET_HDR_LEN = 10
NO_VNET_HDR = bytes(VNET_HDR_LEN)


def inet_csum(data):
    """The Internet checksum (RFC 1071) of data, as the 16-bit field value."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse_netem(words):
    """loss P% reorder P% duplicate P% delay Nms -> probabilities, seconds."""
    opts = {"loss": 0.0, "reorder": 0.0, "duplicate": 0.0, "delay": 0.0}
    for key, val in zip(words[::2], words[1::2]):
        if key not in opts:
            raise ValueError(f"relay: netem option {key} is not emulated")
        opts[key] = float(val[:-2]) / 1000 if key == "delay" else float(val.rstrip("%")) / 100
    return opts


def relay(dev_a, dev_b, seed, words):
    """Join two interfaces with AF_PACKET sockets, as netem would on both
    egresses: each frame is lost with `loss`, sent twice with `duplicate`,
    and held for `delay`, except a `reorder` fraction that goes at once and
    so overtakes the frames being held (netem's reorder). Prints its
    counters on SIGTERM."""
    opts = parse_netem(words)
    rng = random.Random(seed)
    socks = {}
    for dev in (dev_a, dev_b):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        # Frames come with a virtio_net_hdr: Linux leaves the checksum of
        # what vethS sends to be filled in (CHECKSUM_PARTIAL), and a raw
        # copy must complete it before the guest sees it.
        s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        s.bind((dev, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        socks[dev] = s
    peer = {socks[dev_a]: socks[dev_b], socks[dev_b]: socks[dev_a]}
    stats = dict.fromkeys(("frames", "lost", "duplicated", "reordered", "oversize",
                           "senderrors"), 0)
    held = []  # (due, n, socket, frame)
    n = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    def send(out, frame):
        try:
            out.send(NO_VNET_HDR + frame)
        except OSError:
            stats["senderrors"] += 1

    print("relay: relaying", dev_a, dev_b, opts, flush=True)
    while not stop:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, frame = heapq.heappop(held)
            send(out, frame)
        timeout = max(held[0][0] - now, 0) if held else 0.2
        try:
            ready, _, _ = select.select(list(peer), [], [], timeout)
        except InterruptedError:
            continue
        for s in ready:
            try:
                frame, addr = s.recvfrom(65536)
            except BlockingIOError:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            stats["frames"] += 1
            flags, gso, _, _, cstart, coff = struct.unpack_from("<BBHHHH", frame)
            frame = bytearray(frame[VNET_HDR_LEN:])
            if gso or len(frame) > 1514:
                stats["oversize"] += 1
                continue
            if flags & 1:  # VIRTIO_NET_HDR_F_NEEDS_CSUM
                at = cstart + coff
                frame[at:at + 2] = struct.pack("!H", inet_csum(frame[cstart:]))
            frame = bytes(frame)
            if rng.random() < opts["loss"]:
                stats["lost"] += 1
                continue
            copies = 1
            if rng.random() < opts["duplicate"]:
                stats["duplicated"] += 1
                copies = 2
            for _ in range(copies):
                if opts["delay"] == 0 or rng.random() < opts["reorder"]:
                    if any(h[2] is peer[s] for h in held):
                        stats["reordered"] += 1
                    send(peer[s], frame)
                else:
                    n += 1
                    heapq.heappush(held, (time.monotonic() + opts["delay"], n, peer[s], frame))
    for k, v in stats.items():
        print(f"relay: {k} {v}", flush=True)


if __name__ == "__main__":
    import sys

    if len(sys.argv) >= 4 and sys.argv[1] == "relay":
        relay(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit("usage: lan.py relay DEV_A DEV_B SEED NETEM-OPTIONS...")
