"""A tiny authoritative DNS server over UDP for test_netsvc.py.

It serves a fixed zone of A and CNAME records (ZONE) and answers every
other name with NXDOMAIN. Some chains are answered whole (every CNAME and
the final A records in one response, in shuffled order); names in SPLIT get
only their CNAME, so the resolver has to ask again for the target. Every
query is appended to a log file as "NAME TYPE" so the test can check what
the kernel asked.

Run as a program inside the test's network namespace (netns-qemu):
    netsvc_dns.py --port 53 --log FILE --ready FILE
It exits when its parent (QEMU, after the wrapper's exec) goes away, or
after --lifetime seconds.
"""

import argparse
import os
import random
import socket
import struct
import time

ZONE = {
    "www.netsvc.test": ("CNAME", "alias1.netsvc.test", 300),
    "alias1.netsvc.test": ("CNAME", "alias2.netsvc.test", 120),
    "alias2.netsvc.test": ("A", ["192.0.2.55", "192.0.2.56"], 60),
    "split.netsvc.test": ("CNAME", "far.other.test", 300),
    "far.other.test": ("A", ["198.51.100.7"], 30),
}
SPLIT = {"split.netsvc.test"}  # answer with the CNAME only


def encode_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def decode_question(msg):
    off, labels = 12, []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n
    qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
    return ".".join(labels), qtype, qclass, off + 4


def rr(name, rtype, ttl, rdata):
    code = {"A": 1, "CNAME": 5}[rtype]
    return encode_name(name) + struct.pack("!HHIH", code, 1, ttl, len(rdata)) + rdata


def answer(msg, rng):
    qid, flags = struct.unpack("!HH", msg[:4])
    name, qtype, qclass, end = decode_question(msg)
    question = msg[12:end]
    key = name.lower().rstrip(".")
    records = []
    rcode = 0
    if key not in ZONE:
        rcode = 3
    elif qtype == 1:
        while key in ZONE:
            rtype, value, ttl = ZONE[key]
            if rtype == "CNAME":
                records.append(rr(key, "CNAME", ttl, encode_name(value)))
                if key in SPLIT:
                    break
                key = value
            else:
                for a in value:
                    records.append(rr(key, "A", ttl, socket.inet_aton(a)))
                break
        rng.shuffle(records)  # the resolver must follow the chain in any order
    rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode  # QR AA RD RA
    head = struct.pack("!HHHHHH", qid, rflags, 1, len(records), 0, 0)
    return head + question + b"".join(records), name, qtype


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    args = ap.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", args.port))
    sock.settimeout(0.5)
    parent = os.getppid()
    with open(args.ready, "w") as f:
        f.write("ready\n")
    rng = random.Random(7)
    deadline = time.monotonic() + args.lifetime
    with open(args.log, "a", buffering=1) as log:
        while time.monotonic() < deadline and os.getppid() == parent:
            try:
                msg, peer = sock.recvfrom(4096)
            except socket.timeout:
                continue
            try:
                reply, name, qtype = answer(msg, rng)
            except (IndexError, struct.error, UnicodeError):
                continue
            log.write(f"{name} {qtype}\n")
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
