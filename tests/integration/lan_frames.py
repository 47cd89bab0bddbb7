"""Malformed and random Ethernet frames for test_lan.py's robustness test
(docs/network.md "LAN tests"), built with struct alone (no scapy).

junk_frames() yields (kind, frame) pairs aimed at the guest: truncated
headers, IPv4 headers with bad lengths, versions and checksums, bogus
fragments, TCP with impossible data offsets and flag sets (some on the
live connection's 4-tuple, with random sequence numbers), UDP with lying
lengths and bad checksums, ICMP errors quoting the live connection, ARP
garbage, random bytes and oversize frames. ARP never claims the server's
address: that would be a legitimate cache update, not garbage.
"""

import socket
import struct

ETH_IP, ETH_ARP = 0x0800, 0x0806


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=0, frag=0, ttl=64, ihl=5, version=4,
         total=None, good_csum=True, options=b""):
    hlen = 20 + len(options)
    total = hlen + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total & 0xFFFF, ident,
                    frag, ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    c = csum(h) if good_csum else (csum(h) ^ 0x5A5A) or 1
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def l4_csum(src, dst, proto, seg):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto,
                                                                          len(seg))
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", doff=5, win=65535,
        good_csum=True, opts=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (doff & 0xF) << 4, flags, win, 0,
                    0) + opts
    seg = h + data
    c = l4_csum(src, dst, 6, seg)
    if not good_csum:
        c ^= 0x1111
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data, length=None, good_csum=True):
    length = 8 + len(data) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, length & 0xFFFF, 0) + data
    c = l4_csum(src, dst, 17, seg) or 0xFFFF
    if not good_csum:
        c ^= 0x2222
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp(type_, code, body, good_csum=True):
    m = struct.pack("!BBHI", type_, code, 0, 0) + body
    c = csum(m) if good_csum else csum(m) ^ 0x3333
    return m[:2] + struct.pack("!H", c) + m[4:]


def arp(op, smac, sip, tmac, tip, htype=1, ptype=0x800, hlen=6, plen=4):
    return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + smac + socket.inet_aton(
        sip) + tmac + socket.inet_aton(tip)


def junk_frames(rng, count, guest_mac, src_mac, guest_ip, peer_ip, conn):
    """count frames; conn = (peer_port, guest_port) of the live TCP stream,
    from the peer's side (peer_ip:peer_port -> guest_ip:guest_port)."""
    gm, sm = mac(guest_mac), mac(src_mac)
    bcast = b"\xff" * 6
    pport, gport = conn
    rnd = lambda n: rng.randbytes(n)  # noqa: E731

    def one(k):
        dst = gm if rng.random() < 0.8 else bcast
        if k == 0:  # runts: a header and less than the 46-byte minimum payload
            # (AF_PACKET refuses anything shorter than the Ethernet header)
            return "runt", dst + rnd(rng.randrange(8, 54))
        if k == 1:  # IPv4 ethertype, truncated IP header
            return "ip-trunc", eth(dst, sm, ETH_IP, rnd(rng.randrange(0, 20)))
        if k == 2:  # IHL below 5 or past the datagram
            p = ipv4(peer_ip, guest_ip, 17, udp(peer_ip, guest_ip, 1, 9, rnd(20)),
                     ihl=rng.choice([0, 1, 4, 15]))
            return "ip-ihl", eth(dst, sm, ETH_IP, p)
        if k == 3:  # bad header checksum
            p = ipv4(peer_ip, guest_ip, 1, icmp(8, 0, rnd(16)), good_csum=False)
            return "ip-csum", eth(dst, sm, ETH_IP, p)
        if k == 4:  # total length lies (too long, too short), bad version
            body = udp(peer_ip, guest_ip, 1000, 7, rnd(40))
            p = ipv4(peer_ip, guest_ip, 17, body,
                     total=rng.choice([0, 8, 19, 21, 65535, 20 + len(body) + 300]),
                     version=rng.choice([4, 4, 6, 0, 15]))
            return "ip-len", eth(dst, sm, ETH_IP, p)
        if k == 5:  # bogus fragments: offsets near the end, odd sizes, MF chains
            off = rng.choice([8189, 8191, rng.randrange(8192), 1, 0])
            flags = rng.choice([0x2000, 0, 0x4000 | 0x2000])
            p = ipv4(peer_ip, guest_ip, rng.choice([1, 6, 17, 99]),
                     rnd(rng.choice([1, 7, 9, 64, 1400])), ident=rng.randrange(65536),
                     frag=flags | off)
            return "ip-frag", eth(dst, sm, ETH_IP, p)
        if k == 6:  # TCP with crazy data offsets
            seg = tcp(peer_ip, guest_ip, rng.randrange(1, 65536), rng.randrange(1, 65536),
                      rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(8),
                      rnd(rng.randrange(0, 60)), doff=rng.choice([0, 1, 4, 6, 15]))
            return "tcp-doff", eth(dst, sm, ETH_IP, ipv4(peer_ip, guest_ip, 6, seg))
        if k == 7:  # TCP on the live 4-tuple: random seq/ack, wild flags, bad options
            opts = rng.choice([b"", b"\x02\x04\x00\x00", b"\x08\x0a" + rnd(8), b"\x03\x03\x0e\x01",
                               b"\x02\x00\x00\x00", b"\x05\x02\x00\x00"])
            flags = rng.choice([0x02, 0x03, 0x06, 0x07, 0x3F, 0xFF, 0x29, 0x00, 0x04, 0x12,
                                0x01, 0x11, 0x10])
            seg = tcp(peer_ip, guest_ip, pport, gport, rng.getrandbits(32),
                      rng.getrandbits(32), flags, rnd(rng.randrange(0, 100)),
                      doff=5 + len(opts) // 4, opts=opts,
                      good_csum=rng.random() < 0.7)
            return "tcp-conn", eth(gm, sm, ETH_IP, ipv4(peer_ip, guest_ip, 6, seg))
        if k == 8:  # UDP with a wrong length or checksum
            data = rnd(rng.randrange(0, 80))
            seg = udp(peer_ip, guest_ip, rng.randrange(1, 65536),
                      rng.choice([53, 68, 69, 7, rng.randrange(1, 65536)]), data,
                      length=rng.choice([0, 7, 8 + len(data) + 50, 65535, None]),
                      good_csum=rng.random() < 0.5)
            return "udp", eth(dst, sm, ETH_IP, ipv4(peer_ip, guest_ip, 17, seg))
        if k == 9:  # ICMP: bad checksums, odd types, errors quoting our live connection
            quote = ipv4(guest_ip, peer_ip, 6, struct.pack("!HHI", gport, pport,
                                                            rng.getrandbits(32)))
            m = rng.choice([
                icmp(3, rng.choice([0, 1, 3, 4, 13]), quote),
                icmp(11, 0, quote),
                icmp(12, 0, quote),
                icmp(4, 0, quote),
                icmp(rng.randrange(256), rng.randrange(256), rnd(rng.randrange(0, 64))),
                icmp(8, 0, rnd(32), good_csum=False),
                icmp(3, 3, quote[:10]),
            ])
            return "icmp", eth(dst, sm, ETH_IP, ipv4(peer_ip, guest_ip, 1, m))
        if k == 10:  # ARP garbage, never claiming the peer's address
            sip = f"10.77.0.{rng.randrange(100, 250)}"
            a = rng.choice([
                arp(rng.randrange(65536), rnd(6), sip, rnd(6), guest_ip),
                arp(1, rnd(6), sip, bcast, guest_ip, hlen=rng.choice([0, 5, 16]),
                    plen=rng.choice([0, 3, 16])),
                arp(1, rnd(6), sip, bcast, guest_ip, htype=rng.randrange(65536),
                    ptype=rng.randrange(65536)),
                arp(2, rnd(6), sip, gm, guest_ip)[:rng.randrange(0, 28)],
                arp(1, rnd(6), guest_ip, bcast, guest_ip),  # our own address, from another MAC
            ])
            return "arp", eth(rng.choice([gm, bcast]), sm, ETH_ARP, a)
        if k == 11:  # random ethertype and bytes
            return "random", eth(dst, sm, rng.randrange(65536), rnd(rng.randrange(0, 1500)))
        # k == 12: oversize frames, up to what the tap lets through
        p = ipv4(peer_ip, guest_ip, 17, udp(peer_ip, guest_ip, 5, 9, rnd(rng.choice(
            [1500, 3000, 8000, 16000]))))
        return "oversize", eth(gm, sm, ETH_IP, p)

    for _ in range(count):
        yield one(rng.randrange(13))
