#!/usr/bin/python3
"""Host side of the network benchmarks of scripts/bench/run (scripts/bench/net.sh,
docs/bench.md). Three commands, each printing "BENCH name value unit" lines in
the form the serial logs use, so the run script collects them the same way:

  netbench.py tcp --out FILE --size BYTES [--log LOG] NAME:MODE...
      One listening socket on 127.0.0.1 per NAME (the guest reaches it as
      10.0.2.2 through slirp). It prints "NAME PORT" for each, then serves one
      connection on each, concurrently. MODE "send" writes BYTES to the guest,
      shuts down its write side and times from accept to the guest's EOF (the
      guest's nc exits, and so closes, once it has read everything). MODE
      "recv" reads BYTES from the guest and times from accept to the last
      byte. Results go to FILE as "BENCH NAME MBps" (10^6 bytes per second).
      MODE "csend" and "crecv" do the same over a connection from the host
      to a QEMU hostfwd port (the guest listens): the port is free when
      printed, for QEMU to bind. slirp accepts such a connection before the
      guest does (and drops it if nobody listens there), so the host first
      waits for the guest's "bench: tcp NAME start" and then "nettool:
      listening" in the serial log named by --log.

  netbench.py pcap FILE --file NAME --size BYTES --label LABEL
      Read a QEMU filter-dump capture, find each TFTP read request for NAME
      and the DATA blocks sent to its port, and rate the transfer that
      delivered the most bytes from the RRQ to its last new DATA block (the
      "wire" time, the same for every client). Prints "BENCH LABEL MBps".

  netbench.py ping LOG --label LABEL
      The "time=X ms" of every reply between the guest's "bench: ping start"
      and "bench: ping end" lines of a serial log: prints the median and the
      mean in microseconds as LABEL_median and LABEL_avg.

  netbench.py telnet --port PORT --log LOG --label LABEL [--keys N]
      Keystroke-to-echo latency of a telnet server with a shell behind it
      (the guest's "bench: telnet start" in LOG marks it listening on the
      hostfwd PORT). A plain client that answers no option waits for the
      shell's prompt, then N times types one key ("x", then DEL to erase
      it, in turns) and times from the send to the first byte back; it
      waits for 30 ms of quiet before the next key. Prints the median and
      the mean in microseconds as LABEL_median and LABEL_avg, then types
      `touch /tmp/telnet.done` to end the guest's wait.
"""
import argparse
import re
import socket
import statistics
import struct
import sys
import threading
import time

CHUNK = 256 * 1024


def hostfwd_connect(name, port, log):
    """A connection to 127.0.0.1:port once the guest listens behind it."""
    start = f"bench: tcp {name} start"
    while True:
        try:
            with open(log, errors="replace") as f:
                text = f.read()
        except OSError:
            text = ""
        i = text.find(start)
        if i >= 0 and text.find("nettool: listening", i) >= 0:
            break
        time.sleep(0.05)
    return socket.create_connection(("127.0.0.1", port))


def tcp_one(name, mode, sock, size, results, lock, log):
    try:
        tcp_transfer(name, mode, sock, size, results, lock, log)
    except OSError as e:
        with lock:
            results.write(f"bench: error: {name}: {e}\n")
            results.flush()


def tcp_transfer(name, mode, sock, size, results, lock, log):
    if mode in ("csend", "crecv"):
        conn = hostfwd_connect(name, sock, log)
        mode = mode[1:]
    else:
        conn, _ = sock.accept()
    t0 = time.monotonic()
    done = 0
    with conn:
        if mode == "send":
            buf = bytes(CHUNK)
            while done < size:
                n = conn.send(buf[: min(CHUNK, size - done)])
                done += n
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(CHUNK):
                pass
        else:
            while done < size:
                data = conn.recv(CHUNK)
                if not data:
                    break
                done += len(data)
        secs = time.monotonic() - t0
    line = f"# {name}: {mode} {done} bytes in {secs:.3f} s\n"
    if done == size and secs > 0:
        line += f"BENCH {name} {done / secs / 1e6:.2f} MBps\n"
    else:
        line += f"bench: error: {name}: {done} of {size} bytes\n"
    with lock:
        results.write(line)
        results.flush()


def cmd_tcp(args):
    lock = threading.Lock()
    threads = []
    socks = []
    for spec in args.specs:
        name, _, mode = spec.partition(":")
        if mode not in ("send", "recv", "csend", "crecv"):
            sys.exit(f"netbench.py: bad spec {spec!r} (NAME:[c]send or NAME:[c]recv)")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        if mode.startswith("c"):
            s.close()
            s = port
        else:
            s.listen(1)
            socks.append(s)
        print(name, port, flush=True)
        threads.append(threading.Thread(target=tcp_one, daemon=True,
                                         args=(name, mode, s, args.size, args.out, lock,
                                               args.log)))
    print("ready", flush=True)
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def pcap_packets(path):
    """(time, frame bytes) of each record of a classic pcap file."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            yield sec + frac / (1e9 if nano else 1e6), data


def udp_of(frame):
    """(src ip, dst ip, sport, dport, UDP payload length, payload head) or None."""
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 17 or len(ip) < ihl + 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
    return ip[12:16], ip[16:20], sport, dport, ulen - 8, ip[ihl + 8:]


def cmd_pcap(args):
    transfers = []  # [rrq time, client ip, client port, bytes, last time, last block]
    want = args.file.encode()
    for t, frame in pcap_packets(args.pcap):
        u = udp_of(frame)
        if not u:
            continue
        src, dst, sport, dport, plen, p = u
        if len(p) < 4:
            continue
        op = struct.unpack("!H", p[:2])[0]
        if op == 1 and p[2:].split(b"\0", 1)[0] == want:
            transfers.append([t, src, sport, 0, t, 0])
        elif op == 3:
            block = struct.unpack("!H", p[2:4])[0]
            for tr in reversed(transfers):
                if tr[1] == dst and tr[2] == dport:
                    # Count a block once: the next one in order (wrapping).
                    if block == (tr[5] + 1) & 0xFFFF:
                        tr[3] += plen - 4
                        tr[4] = t
                        tr[5] = block
                    break
    if not transfers:
        print(f"bench: error: {args.label}: no read request for {args.file} in {args.pcap}")
        return
    best = max(transfers, key=lambda tr: tr[3])
    secs = best[4] - best[0]
    print(f"# {args.label}: {len(transfers)} request(s), best {best[3]} bytes "
          f"in {secs:.3f} s on the wire")
    if best[3] == args.size and secs > 0:
        print(f"BENCH {args.label} {best[3] / secs / 1e6:.2f} MBps")
    else:
        print(f"bench: error: {args.label}: {best[3]} of {args.size} bytes on the wire")


def cmd_ping(args):
    times = []
    inside = False
    with open(args.log, errors="replace") as f:
        for line in f:
            if "bench: ping start" in line:
                inside = True
            elif "bench: ping end" in line:
                inside = False
            elif inside and "time=" in line:
                v = line.split("time=", 1)[1].split()[0]
                try:
                    times.append(float(v) * 1000)
                except ValueError:
                    pass
    if not times:
        print(f"bench: error: {args.label}: no ping replies in {args.log}")
        return
    print(f"# {args.label}: {len(times)} replies, min {min(times):.0f} max {max(times):.0f} us")
    print(f"BENCH {args.label}_median {statistics.median(times):.1f} us")
    print(f"BENCH {args.label}_avg {statistics.mean(times):.1f} us")


def telnet_read(sock, timeout):
    """Bytes from the server within timeout, or b"" if none came."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(65536)
    except socket.timeout:
        return b""
    if not data:
        raise EOFError("the server closed the connection")
    return data


def cmd_telnet(args):
    start = "bench: telnet start"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with open(args.log, errors="replace") as f:
                if start in f.read():
                    break
        except OSError:
            pass
        time.sleep(0.05)
    # slirp accepts at once and closes again if the guest's server is not
    # listening yet: connect until something comes back.
    while True:
        sock = socket.create_connection(("127.0.0.1", args.port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            seen = telnet_read(sock, 10)
            break
        except EOFError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    # The prompt ends the output, perhaps followed by busybox's cursor
    # position query.
    while not re.search(rb"[#$] (\x1b\[6n)?$", seen) and time.monotonic() < deadline:
        data = telnet_read(sock, 5)
        if not data:
            sock.sendall(b"\r\n")
        seen += data
    times = []
    for i in range(args.keys):
        while telnet_read(sock, 0.03):
            pass  # quiet first: the last echo, any redraw
        sock.sendall(b"x" if i % 2 == 0 else b"\x7f")
        t0 = time.perf_counter()
        if telnet_read(sock, 10):
            times.append((time.perf_counter() - t0) * 1e6)
    sock.sendall(b"\x15touch /tmp/telnet.done\r\n")
    time.sleep(1)
    sock.close()
    if len(times) < args.keys:
        print(f"bench: error: {args.label}: {args.keys - len(times)} keys got no echo")
    if not times:
        return
    print(f"# {args.label}: {len(times)} keys, min {min(times):.0f} max {max(times):.0f} us")
    print(f"BENCH {args.label}_median {statistics.median(times):.1f} us")
    print(f"BENCH {args.label}_avg {statistics.mean(times):.1f} us")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("tcp")
    p.add_argument("--out", type=argparse.FileType("w"), required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--log", default="")
    p.add_argument("specs", nargs="+")
    p = sub.add_parser("pcap")
    p.add_argument("pcap")
    p.add_argument("--file", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--label", required=True)
    p = sub.add_parser("ping")
    p.add_argument("log")
    p.add_argument("--label", required=True)
    p = sub.add_parser("telnet")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--keys", type=int, default=200)
    args = ap.parse_args()
    {"tcp": cmd_tcp, "pcap": cmd_pcap, "ping": cmd_ping, "telnet": cmd_telnet}[args.cmd](args)


if __name__ == "__main__":
    main()
