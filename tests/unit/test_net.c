/*
 * Host tests of the IPv4 stack (net/): ARP resolution, retries, expiry
 * and the pending queue; IPv4 validation, routing, fragmentation and
 * reassembly (overlapping, duplicate, out-of-order, oversize fragments,
 * timeouts, the memory limit); ICMP echo and errors; UDP checksums,
 * endpoints and port unreachable; loopback; the /proc/net texts. The
 * stack runs over a fake interface that captures frames (net_fake.c).
 * Each test runs in its own process (Check's fork mode), so the stack's
 * tables start empty every time.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/heap.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/arp.h"
#include "net/proto/eth.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"
#include "net/proto/udp.h"
#include "net/udp.h"
#include "tests/unit/net_fake.h"

#define OUR_IP	IPV4(10, 0, 2, 15)
#define GW_IP	IPV4(10, 0, 2, 2)
#define PEER_IP IPV4(10, 0, 2, 7)

static const struct arp_pkt *frame_arp(unsigned i)
{
	ck_assert_uint_lt(i, fake_nframes);
	const struct eth_hdr *e = (const struct eth_hdr *)fake_frames[i].data;
	ck_assert_uint_eq(net_ntohs(e->type), ETH_P_ARP);
	return (const struct arp_pkt *)(fake_frames[i].data + ETH_HLEN);
}

static const struct ipv4_hdr *frame_ip(unsigned i)
{
	ck_assert_uint_lt(i, fake_nframes);
	const struct eth_hdr *e = (const struct eth_hdr *)fake_frames[i].data;
	ck_assert_uint_eq(net_ntohs(e->type), ETH_P_IP);
	const struct ipv4_hdr *h = (const struct ipv4_hdr *)(fake_frames[i].data + ETH_HLEN);
	ck_assert_uint_eq(inet_csum(h, 20), 0);
	return h;
}

static void resolve_peer(uint32_t ip, const uint8_t mac[6])
{
	uint8_t f[64];
	size_t n = fake_build_arp(f, ARP_OP_REPLY, mac, ip, fake_mac, OUR_IP, fake_mac);

	/* Unsolicited replies are not learned (RFC 826 merge rule) unless an
	 * entry exists: ask first. */
	struct netbuf *nb = netbuf_from(NET_HEADROOM, "x", 1);
	arp_output(&fake_dev, ip, nb);
	fake_inject(f, n);
	fake_clear();
}

/* ---- ARP ------------------------------------------------------------------ */

START_TEST(test_arp_resolution_and_queue)
{
	uint8_t f[64], mac[6];
	size_t n;

	fake_net_setup(GW_IP);
	ck_assert_int_eq(udp_sendto(5000, 0, IPV4(8, 8, 8, 8), 53, "hello", 5), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct arp_pkt *a = frame_arp(0);
	ck_assert_uint_eq(net_ntohs(a->op), ARP_OP_REQUEST);
	ck_assert_uint_eq(net_ntohl(a->tpa), GW_IP);
	ck_assert_uint_eq(net_ntohl(a->spa), OUR_IP);
	ck_assert_mem_eq(fake_frames[0].data, eth_broadcast_addr, 6);
	ck_assert_uint_eq(arp_queued(), 1);
	/* A second packet waits too, without a second request. */
	ck_assert_int_eq(udp_sendto(5000, 0, IPV4(8, 8, 8, 8), 53, "again", 5), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	ck_assert_uint_eq(arp_queued(), 2);

	n = fake_build_arp(f, ARP_OP_REPLY, peer_mac, GW_IP, fake_mac, OUR_IP, fake_mac);
	fake_inject(f, n);
	ck_assert_uint_eq(arp_queued(), 0);
	ck_assert_uint_eq(fake_nframes, 3);
	for (unsigned i = 1; i < 3; i++) {
		const struct ipv4_hdr *h = frame_ip(i);
		ck_assert_mem_eq(fake_frames[i].data, peer_mac, 6);
		ck_assert_uint_eq(net_ntohl(h->dst), IPV4(8, 8, 8, 8));
		ck_assert_uint_eq(h->proto, IPPROTO_UDP);
	}
	ck_assert_int_eq(arp_lookup(&fake_dev, GW_IP, mac), 0);
	ck_assert_mem_eq(mac, peer_mac, 6);
	/* Now known: the next packet goes straight out. */
	ck_assert_int_eq(udp_sendto(5000, 0, GW_IP, 53, "x", 1), 0);
	ck_assert_uint_eq(fake_nframes, 4);
	frame_ip(3);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_arp_retry_then_fail)
{
	fake_net_setup(0);
	ck_assert_int_eq(udp_sendto(5000, 0, PEER_IP, 9, "x", 1), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	fake_advance(500);
	ck_assert_uint_eq(fake_nframes, 1); /* not yet */
	fake_advance(600);
	ck_assert_uint_eq(fake_nframes, 2);
	ck_assert_uint_eq(net_ntohl(frame_arp(1)->tpa), PEER_IP);
	fake_advance(1000);
	ck_assert_uint_eq(fake_nframes, 3);
	ck_assert_uint_eq(arp_queued(), 1);
	fake_advance(1000);
	/* ARP_MAX_TRIES requests, then the packet is dropped. */
	ck_assert_uint_eq(fake_nframes, ARP_MAX_TRIES);
	ck_assert_uint_eq(arp_queued(), 0);
	ck_assert_uint_eq(arp_entries(), 0);
	ck_assert_uint_eq(arp_stats.failed, 1);
	ck_assert_uint_ge(fake_dev.stats.tx_dropped, 1);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_arp_expiry)
{
	uint8_t mac[6];

	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	ck_assert_int_eq(arp_lookup(&fake_dev, PEER_IP, mac), 0);
	fake_advance(ARP_REACHABLE_MS - 100);
	ck_assert_int_eq(arp_lookup(&fake_dev, PEER_IP, mac), 0);
	fake_advance(200);
	ck_assert_int_eq(arp_lookup(&fake_dev, PEER_IP, mac), -ENOENT);
	ck_assert_uint_eq(arp_stats.expired, 1);
	/* After expiry, sending asks again. */
	fake_clear();
	udp_sendto(5000, 0, PEER_IP, 9, "x", 1);
	ck_assert_uint_eq(net_ntohs(frame_arp(0)->op), ARP_OP_REQUEST);
}
END_TEST

START_TEST(test_arp_replies_for_our_address)
{
	static const uint8_t zero[6];
	uint8_t f[64], mac[6];
	size_t n;

	fake_net_setup(0);
	n = fake_build_arp(f, ARP_OP_REQUEST, peer_mac, PEER_IP, zero, OUR_IP, eth_broadcast_addr);
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct arp_pkt *a = frame_arp(0);
	ck_assert_uint_eq(net_ntohs(a->op), ARP_OP_REPLY);
	ck_assert_mem_eq(a->sha, fake_mac, 6);
	ck_assert_uint_eq(net_ntohl(a->spa), OUR_IP);
	ck_assert_mem_eq(a->tha, peer_mac, 6);
	ck_assert_uint_eq(net_ntohl(a->tpa), PEER_IP);
	ck_assert_mem_eq(fake_frames[0].data, peer_mac, 6);
	/* The requester was learned (RFC 826: the request was for us). */
	ck_assert_int_eq(arp_lookup(&fake_dev, PEER_IP, mac), 0);

	/* A request for someone else: no reply, nothing learned. */
	fake_clear();
	n = fake_build_arp(f, ARP_OP_REQUEST, peer_mac, IPV4(10, 0, 2, 8), zero, IPV4(10, 0, 2, 9),
			   eth_broadcast_addr);
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 0);
	ck_assert_int_eq(arp_lookup(&fake_dev, IPV4(10, 0, 2, 8), mac), -ENOENT);
	/* Malformed: short, wrong hardware type. */
	fake_inject(f, ETH_HLEN + 10);
	struct arp_pkt *bad = (struct arp_pkt *)(f + ETH_HLEN);
	bad->hrd = net_htons(6);
	fake_inject(f, n);
	ck_assert_uint_eq(arp_stats.bad, 2);
	ck_assert_uint_eq(fake_nframes, 0);
}
END_TEST

START_TEST(test_arp_pending_queue_bounded)
{
	fake_net_setup(0);
	for (int i = 0; i < ARP_QUEUE_PER_ADDR + 4; i++)
		ck_assert_int_eq(udp_sendto(5000, 0, PEER_IP, 9, "x", 1), 0);
	ck_assert_uint_eq(arp_queued(), ARP_QUEUE_PER_ADDR);
	ck_assert_uint_eq(arp_stats.queue_drops, 4);
	/* Across addresses the total is bounded as well. */
	for (int i = 0; i < ARP_QUEUE_TOTAL * 2; i++)
		udp_sendto(5000, 0, IPV4(10, 0, 2, 100 + i % 40), 9, "x", 1);
	ck_assert_uint_le(arp_queued(), ARP_QUEUE_TOTAL);
	arp_flush(NULL);
	ck_assert_uint_eq(arp_queued(), 0);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_gratuitous_arp_on_address_change)
{
	fake_net_setup(0);
	ck_assert_int_eq(ipv4_set_addr(&fake_dev, IPV4(192, 168, 1, 5), 24), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct arp_pkt *a = frame_arp(0);
	ck_assert_uint_eq(net_ntohl(a->spa), IPV4(192, 168, 1, 5));
	ck_assert_uint_eq(net_ntohl(a->tpa), IPV4(192, 168, 1, 5));
	ck_assert_mem_eq(fake_frames[0].data, eth_broadcast_addr, 6);
	/* The old connected route went with the old address. */
	struct netdev *dev;
	uint32_t nh, src;
	ck_assert_int_eq(ipv4_route_lookup(IPV4(10, 0, 2, 7), &dev, &nh, &src), -ENETUNREACH);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(192, 168, 1, 9), &dev, &nh, &src), 0);
	ck_assert_uint_eq(src, IPV4(192, 168, 1, 5));
}
END_TEST

/* ---- IPv4 ------------------------------------------------------------------ */

static int delivered;
static uint8_t last_payload[70000];
static size_t last_len;

static void record_deliver(void *ctx, uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	delivered++;
	memcpy(last_payload, p, len);
	last_len = len;
}

START_TEST(test_ipv4_validation)
{
	uint8_t f[200], pl[16] = "0123456789abcdef";
	size_t n;

	fake_net_setup(0);
	ck_assert_int_eq(ipv4_register_proto(253, record_deliver, NULL), 0);
	ck_assert_int_eq(ipv4_register_proto(253, record_deliver, NULL), -EEXIST);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, 253, 1, 0, pl, sizeof(pl));
	fake_inject(f, n);
	ck_assert_int_eq(delivered, 1);
	ck_assert_uint_eq(last_len, 16);
	/* Link padding after the datagram is cut off. */
	memset(f + n, 0xee, 30);
	fake_inject(f, n + 30);
	ck_assert_int_eq(delivered, 2);
	ck_assert_uint_eq(last_len, 16);

	uint64_t errs = ipv4_stats.in_hdr_errors;
	struct ipv4_hdr *h = (struct ipv4_hdr *)(f + ETH_HLEN);
	h->csum ^= 1; /* bad checksum */
	fake_inject(f, n);
	h->csum ^= 1;
	h->ver_ihl = 0x65; /* version 6 */
	fake_inject(f, n);
	h->ver_ihl = 0x44; /* header shorter than 20 */
	fake_inject(f, n);
	h->ver_ihl = 0x45;
	fake_inject(f, ETH_HLEN + 19); /* truncated header */
	fake_inject(f, n - 1);	       /* truncated datagram */
	ck_assert_int_eq(delivered, 2);
	ck_assert_uint_eq(ipv4_stats.in_hdr_errors, errs + 5);

	/* Not for us: dropped, a host does not forward. */
	n = fake_build_ip(f, fake_mac, PEER_IP, IPV4(10, 0, 2, 99), 253, 2, 0, pl, 4);
	fake_inject(f, n);
	/* Martian sources. */
	n = fake_build_ip(f, fake_mac, IPV4(127, 0, 0, 1), OUR_IP, 253, 3, 0, pl, 4);
	fake_inject(f, n);
	n = fake_build_ip(f, fake_mac, IPV4(224, 0, 0, 5), OUR_IP, 253, 4, 0, pl, 4);
	fake_inject(f, n);
	ck_assert_int_eq(delivered, 2);
	/* Broadcasts are taken. */
	n = fake_build_ip(f, eth_broadcast_addr, PEER_IP, IPV4(10, 0, 2, 255), 253, 5, 0, pl, 4);
	fake_inject(f, n);
	n = fake_build_ip(f, eth_broadcast_addr, PEER_IP, IPV4_BROADCAST, 253, 6, 0, pl, 4);
	fake_inject(f, n);
	ck_assert_int_eq(delivered, 4);

	/* Unknown protocol: ICMP protocol unreachable. */
	fake_clear();
	resolve_peer(PEER_IP, peer_mac);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, 200, 7, 0, pl, 8);
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 1);
	const uint8_t *icmp = fake_frames[0].data + ETH_HLEN + 20;
	ck_assert_uint_eq(frame_ip(0)->proto, IPPROTO_ICMP);
	ck_assert_uint_eq(icmp[0], ICMP_DEST_UNREACH);
	ck_assert_uint_eq(icmp[1], ICMP_PROT_UNREACH);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_routing)
{
	static struct netdev second;
	struct netdev *dev;
	uint32_t nh, src;

	fake_net_setup(0);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(10, 0, 2, 9), &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, &fake_dev);
	ck_assert_uint_eq(nh, IPV4(10, 0, 2, 9));
	ck_assert_uint_eq(src, OUR_IP);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(8, 8, 8, 8), &dev, &nh, &src), -ENETUNREACH);
	ck_assert_int_eq(udp_sendto(1, 0, IPV4(8, 8, 8, 8), 53, "x", 1), -ENETUNREACH);

	ck_assert_int_eq(ipv4_route_add(0, 0, GW_IP, &fake_dev, 0), 0);
	ck_assert_int_eq(ipv4_route_add(0, 0, GW_IP, &fake_dev, 0), -EEXIST);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(8, 8, 8, 8), &dev, &nh, &src), 0);
	ck_assert_uint_eq(nh, GW_IP);
	/* Longest prefix wins over the default. */
	ck_assert_int_eq(ipv4_route_add(IPV4(172, 16, 0, 0), 12, IPV4(10, 0, 2, 3), &fake_dev, 0),
			 0);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(172, 20, 1, 1), &dev, &nh, &src), 0);
	ck_assert_uint_eq(nh, IPV4(10, 0, 2, 3));
	ck_assert_int_eq(ipv4_route_lookup(IPV4(172, 32, 1, 1), &dev, &nh, &src), 0);
	ck_assert_uint_eq(nh, GW_IP);
	/* Our own address and 127/8 go through lo. */
	ck_assert_int_eq(ipv4_route_lookup(OUR_IP, &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, loopback_dev());
	ck_assert_int_eq(ipv4_route_lookup(IPV4(127, 1, 2, 3), &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, loopback_dev());
	/* A route through an interface that is down is skipped. */
	second.ops = fake_dev.ops;
	second.hwtype = ARPHRD_ETHER;
	ck_assert_int_eq(netdev_register(&second, "eth%d"), 0);
	ck_assert_str_eq(second.name, "eth1");
	ck_assert_int_eq(ipv4_route_add(IPV4(8, 8, 8, 0), 24, 0, &second, 0), 0);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(8, 8, 8, 8), &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, &fake_dev);
	netdev_up(&second);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(8, 8, 8, 8), &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, &second);
	ck_assert_int_eq(ipv4_route_del(IPV4(8, 8, 8, 0), 24, &second), 0);
	ck_assert_int_eq(ipv4_route_lookup(IPV4(8, 8, 8, 8), &dev, &nh, &src), 0);
	ck_assert_ptr_eq(dev, &fake_dev);
}
END_TEST

START_TEST(test_fragmentation_on_send)
{
	static uint8_t big[4000], whole[4000];
	size_t got = 0;
	struct netbuf *out = NULL;

	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(ipv4_output(0, PEER_IP, 253, big, sizeof(big)), 0);
	ck_assert_uint_eq(fake_nframes, 3); /* 1480 + 1480 + 1040 */
	for (unsigned i = 0; i < fake_nframes; i++) {
		const struct ipv4_hdr *h = frame_ip(i);
		uint16_t fo = net_ntohs(h->frag_off);
		size_t plen = net_ntohs(h->total_len) - 20;
		ck_assert_uint_le(fake_frames[i].len, ETH_FRAME_MAX);
		ck_assert_uint_eq((fo & IPV4_OFF_MASK) * 8, got);
		ck_assert_int_eq(!!(fo & IPV4_FLAG_MF), i + 1 < fake_nframes);
		if (i + 1 < fake_nframes)
			ck_assert_uint_eq(plen % 8, 0);
		memcpy(whole + got, (const uint8_t *)h + 20, plen);
		got += plen;
		/* Our own reassembly puts it back together. */
		struct netbuf *r = ipv4_reasm_input((const uint8_t *)h, 20, (const uint8_t *)h + 20,
						    plen, fake_now);
		if (r)
			out = r;
	}
	ck_assert_uint_eq(got, sizeof(big));
	ck_assert_mem_eq(whole, big, sizeof(big));
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out->len, 20 + sizeof(big));
	ck_assert_mem_eq(out->data + 20, big, sizeof(big));
	ck_assert_uint_eq(inet_csum(out->data, 20), 0);
	netbuf_free(out);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_uint_eq(ipv4_reasm_mem(), 0);
	ck_assert_int_eq(ipv4_output(0, PEER_IP, 253, big, 65536), -EMSGSIZE);
}
END_TEST

/* Inject one fragment of datagram `id`: payload bytes [off, off+len) of
 * the pattern, more-fragments flag as given. */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 13 + (i >> 8));
}

static void inject_frag(uint16_t id, size_t off, size_t len, bool more, uint8_t fill)
{
	static uint8_t f[70000], pl[70000];

	for (size_t i = 0; i < len; i++)
		pl[i] = fill ? fill : pattern(off + i);
	size_t n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, 253, id,
				 (uint16_t)((off / 8) | (more ? IPV4_FLAG_MF : 0)), pl, len);
	fake_inject(f, n);
}

static void check_pattern(size_t total)
{
	ck_assert_uint_eq(last_len, total);
	for (size_t i = 0; i < total; i++)
		if (last_payload[i] != pattern(i))
			ck_abort_msg("byte %zu differs", i);
}

START_TEST(test_reassembly_out_of_order_and_duplicates)
{
	fake_net_setup(0);
	ipv4_register_proto(253, record_deliver, NULL);
	inject_frag(1, 800, 200, false, 0); /* last first */
	inject_frag(1, 400, 400, true, 0);
	inject_frag(1, 400, 400, true, 0); /* duplicate */
	ck_assert_int_eq(delivered, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 1);
	inject_frag(1, 0, 400, true, 0);
	ck_assert_int_eq(delivered, 1);
	check_pattern(1000);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_uint_eq(ipv4_reasm_mem(), 0);
	/* A duplicate after completion starts a new datagram that times out. */
	inject_frag(1, 0, 400, true, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 1);
	fake_advance(IPV4_REASM_TIMEOUT_MS + 1);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_int_eq(delivered, 1);
}
END_TEST

START_TEST(test_reassembly_overlaps_keep_first_data)
{
	fake_net_setup(0);
	ipv4_register_proto(253, record_deliver, NULL);
	inject_frag(2, 0, 512, true, 0);
	/* Overlaps the first fragment's tail with different bytes. */
	inject_frag(2, 256, 512, true, 0xaa);
	/* Covers everything so far and more, different bytes again. */
	inject_frag(2, 0, 1024, true, 0xbb);
	inject_frag(2, 1024, 100, false, 0);
	ck_assert_int_eq(delivered, 1);
	ck_assert_uint_eq(last_len, 1124);
	for (size_t i = 0; i < 512; i++)
		ck_assert_uint_eq(last_payload[i], pattern(i));
	for (size_t i = 512; i < 768; i++)
		ck_assert_uint_eq(last_payload[i], 0xaa);
	for (size_t i = 768; i < 1024; i++)
		ck_assert_uint_eq(last_payload[i], 0xbb);
	ck_assert_uint_ge(ipv4_stats.reasm_overlaps, 2);
	ck_assert_uint_eq(ipv4_reasm_mem(), 0);
}
END_TEST

START_TEST(test_reassembly_bad_and_oversize)
{
	fake_net_setup(0);
	ipv4_register_proto(253, record_deliver, NULL);
	/* Ping of death: a last fragment that ends past 65535. */
	inject_frag(3, 0, 1480, true, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 1);
	inject_frag(3, 65528, 100, false, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_uint_eq(ipv4_reasm_mem(), 0);
	/* A middle fragment that is not a multiple of 8 is refused. */
	inject_frag(4, 0, 100, true, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	/* Fragments that disagree about the end drop the datagram. */
	inject_frag(5, 1000, 24, false, 0);
	inject_frag(5, 2000, 24, true, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	inject_frag(6, 800, 200, false, 0);
	inject_frag(6, 800, 208, false, 0);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_int_eq(delivered, 0);
	/* The largest legal datagram assembles. */
	for (size_t off = 0; off < 65512; off += 1480)
		inject_frag(7, off, MIN((size_t)1480, 65515 - off), off + 1480 < 65515, 0);
	ck_assert_int_eq(delivered, 1);
	check_pattern(65515);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_reassembly_timeout_and_memory_limit)
{
	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	ipv4_register_proto(253, record_deliver, NULL);
	inject_frag(8, 0, 64, true, 0);
	inject_frag(9, 64, 64, true, 0); /* no first fragment: no ICMP on expiry */
	fake_advance(IPV4_REASM_TIMEOUT_MS - 10);
	ck_assert_uint_eq(ipv4_reasm_count(), 2);
	fake_clear();
	fake_advance(20);
	ck_assert_uint_eq(ipv4_reasm_count(), 0);
	ck_assert_uint_eq(ipv4_stats.reasm_timeouts, 2);
	/* RFC 792: time exceeded, code 1, for the one with its first fragment. */
	ck_assert_uint_eq(fake_nframes, 1);
	const uint8_t *icmp = fake_frames[0].data + ETH_HLEN + 20;
	ck_assert_uint_eq(icmp[0], ICMP_TIME_EXCEEDED);
	ck_assert_uint_eq(icmp[1], ICMP_EXC_FRAGTIME);

	/* Many big incomplete datagrams: memory stays under the limit. */
	for (uint16_t id = 100; id < 200; id++) {
		inject_frag(id, 0, 1480, true, 0);
		inject_frag(id, 40000, 1480, true, 0);
		ck_assert_uint_le(ipv4_reasm_mem(), IPV4_REASM_MEM_MAX);
		ck_assert_uint_le(ipv4_reasm_count(), IPV4_REASM_DGRAMS_MAX);
	}
	ck_assert_uint_gt(ipv4_reasm_count(), 0);
	ipv4_reasm_flush();
	ck_assert_uint_eq(ipv4_reasm_mem(), 0);
	ck_assert_int_eq(delivered, 0);
}
END_TEST

/* ---- ICMP ------------------------------------------------------------------ */

static int echo_replies;
static uint16_t echo_id, echo_seq;
static void on_echo(void *ctx, uint32_t src, uint16_t id, uint16_t seq, const uint8_t *d,
		    size_t len)
{
	echo_replies++;
	echo_id = id;
	echo_seq = seq;
}

START_TEST(test_icmp_echo)
{
	uint8_t f[200], msg[40];
	struct icmp_hdr *ih = (struct icmp_hdr *)msg;
	size_t n;

	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	memset(msg, 0, sizeof(msg));
	ih->type = ICMP_ECHO;
	ih->un.echo.id = net_htons(0x1234);
	ih->un.echo.seq = net_htons(7);
	memcpy(msg + 8, "ping payload 0123456789abcdefghij", 32);
	ih->csum = inet_csum(msg, sizeof(msg));
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_ICMP, 9, 0, msg, sizeof(msg));
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct ipv4_hdr *h = frame_ip(0);
	ck_assert_uint_eq(net_ntohl(h->src), OUR_IP);
	ck_assert_uint_eq(net_ntohl(h->dst), PEER_IP);
	const uint8_t *r = (const uint8_t *)h + 20;
	ck_assert_uint_eq(r[0], ICMP_ECHO_REPLY);
	ck_assert_uint_eq(inet_csum(r, sizeof(msg)), 0);
	ck_assert_mem_eq(r + 4, msg + 4, sizeof(msg) - 4);
	/* Bad checksum: no reply. */
	fake_clear();
	f[n - 1] ^= 0x55;
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 0);
	ck_assert_uint_eq(icmp_stats.in_csum_errors, 1);
	/* Echo to the broadcast address is ignored. */
	f[n - 1] ^= 0x55;
	n = fake_build_ip(f, eth_broadcast_addr, PEER_IP, IPV4_BROADCAST, IPPROTO_ICMP, 10, 0, msg,
			  sizeof(msg));
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 0);

	/* The kernel's ping: request out, the reply reaches the handler. */
	icmp_set_echo_handler(on_echo, NULL);
	ck_assert_int_eq(icmp_send_echo(PEER_IP, 0x4242, 3, "abc", 3), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	r = (const uint8_t *)frame_ip(0) + 20;
	ck_assert_uint_eq(r[0], ICMP_ECHO);
	ck_assert_uint_eq(inet_csum(r, 11), 0);
	memcpy(msg, r, 11);
	msg[0] = ICMP_ECHO_REPLY;
	msg[2] = msg[3] = 0;
	((struct icmp_hdr *)msg)->csum = inet_csum(msg, 11);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_ICMP, 11, 0, msg, 11);
	fake_inject(f, n);
	ck_assert_int_eq(echo_replies, 1);
	ck_assert_uint_eq(echo_id, 0x4242);
	ck_assert_uint_eq(echo_seq, 3);

	/* Ping ourselves through lo. */
	ck_assert_int_eq(icmp_send_echo(IPV4(127, 0, 0, 1), 1, 1, "lo", 2), 0);
	netdev_backlog_run();
	ck_assert_int_eq(echo_replies, 2);
	ck_assert_int_eq(icmp_send_echo(OUR_IP, 1, 2, "me", 2), 0);
	netdev_backlog_run();
	ck_assert_int_eq(echo_replies, 3);
	ck_assert_uint_ge(loopback_dev()->stats.rx_packets, 4);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

/* ---- UDP ------------------------------------------------------------------- */

static int udp_got, udp_errors;
static uint16_t udp_sport;
static uint8_t udp_data[2000];
static size_t udp_len;
static uint8_t udp_err_code;

static void on_udp(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		   const uint8_t *data, size_t len)
{
	udp_got++;
	udp_sport = sport;
	memcpy(udp_data, data, len);
	udp_len = len;
}

static void on_udp_err(void *ctx, uint8_t type, uint8_t code, uint32_t dst, uint16_t dport)
{
	udp_errors++;
	udp_err_code = code;
}

static const struct udp_ops test_udp_ops = {on_udp, on_udp_err};

static size_t build_udp(uint8_t *seg, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
			const char *data, bool csum)
{
	struct udp_hdr *u = (struct udp_hdr *)seg;
	size_t len = strlen(data);

	u->sport = net_htons(sport);
	u->dport = net_htons(dport);
	u->len = net_htons((uint16_t)(8 + len));
	u->csum = 0;
	memcpy(seg + 8, data, len);
	if (csum) {
		uint32_t s = inet_csum_pseudo(src, dst, IPPROTO_UDP, (uint16_t)(8 + len));
		u->csum = net_htons(inet_csum_fold(inet_csum_add(s, seg, 8 + len)));
	}
	return 8 + len;
}

START_TEST(test_udp_endpoints_and_checksums)
{
	uint8_t f[300], seg[200];
	size_t n, sl;

	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	ck_assert_int_eq(udp_bind(7000, &test_udp_ops, NULL), 7000);
	ck_assert_int_eq(udp_bind(7000, &test_udp_ops, NULL), -EADDRINUSE);
	int eph = udp_bind(0, &test_udp_ops, NULL);
	ck_assert_int_ge(eph, UDP_EPHEMERAL_LOW);

	sl = build_udp(seg, PEER_IP, OUR_IP, 1234, 7000, "hello udp", true);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 1, 0, seg, sl);
	fake_inject(f, n);
	ck_assert_int_eq(udp_got, 1);
	ck_assert_uint_eq(udp_sport, 1234);
	ck_assert_uint_eq(udp_len, 9);
	ck_assert_mem_eq(udp_data, "hello udp", 9);
	/* No checksum (0) is accepted; a wrong one is not. */
	sl = build_udp(seg, PEER_IP, OUR_IP, 1234, 7000, "nocsum", false);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 2, 0, seg, sl);
	fake_inject(f, n);
	ck_assert_int_eq(udp_got, 2);
	sl = build_udp(seg, PEER_IP, OUR_IP, 1234, 7000, "badcsum", true);
	seg[8] ^= 1;
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 3, 0, seg, sl);
	fake_inject(f, n);
	ck_assert_int_eq(udp_got, 2);
	ck_assert_uint_eq(udp_stats.in_csum_errors, 1);
	/* A length field longer than the datagram. */
	sl = build_udp(seg, PEER_IP, OUR_IP, 1234, 7000, "short", true);
	((struct udp_hdr *)seg)->len = net_htons(100);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 4, 0, seg, sl);
	fake_inject(f, n);
	ck_assert_int_eq(udp_got, 2);

	/* Sending: a valid checksum over the pseudo-header. */
	fake_clear();
	ck_assert_int_eq(udp_sendto(7000, 0, PEER_IP, 53, "query", 5), 0);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct ipv4_hdr *h = frame_ip(0);
	const uint8_t *u = (const uint8_t *)h + 20;
	ck_assert_uint_eq(net_ntohs(((const struct udp_hdr *)u)->sport), 7000);
	ck_assert_uint_ne(((const struct udp_hdr *)u)->csum, 0);
	uint32_t s = inet_csum_pseudo(OUR_IP, PEER_IP, IPPROTO_UDP, 13);
	ck_assert_uint_eq(inet_csum_fold(inet_csum_add(s, u, 13)), 0);

	/* ICMP port unreachable about our datagram reaches the endpoint. */
	uint8_t icmp[100];
	memset(icmp, 0, 8);
	icmp[0] = ICMP_DEST_UNREACH;
	icmp[1] = ICMP_PORT_UNREACH;
	memcpy(icmp + 8, h, 28);
	((struct icmp_hdr *)icmp)->csum = inet_csum(icmp, 36);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_ICMP, 5, 0, icmp, 36);
	fake_inject(f, n);
	ck_assert_int_eq(udp_errors, 1);
	ck_assert_uint_eq(udp_err_code, ICMP_PORT_UNREACH);

	ck_assert_int_eq(udp_unbind(7000), 0);
	ck_assert_int_eq(udp_unbind(7000), -ENOENT);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

START_TEST(test_udp_port_unreachable)
{
	uint8_t f[300], seg[200];
	size_t n, sl;

	fake_net_setup(0);
	resolve_peer(PEER_IP, peer_mac);
	sl = build_udp(seg, PEER_IP, OUR_IP, 1234, 9999, "anyone?", true);
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 0x77, 0, seg, sl);
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 1);
	const struct ipv4_hdr *h = frame_ip(0);
	ck_assert_uint_eq(h->proto, IPPROTO_ICMP);
	ck_assert_uint_eq(net_ntohl(h->dst), PEER_IP);
	const uint8_t *icmp = (const uint8_t *)h + 20;
	size_t ilen = net_ntohs(h->total_len) - 20;
	ck_assert_uint_eq(icmp[0], ICMP_DEST_UNREACH);
	ck_assert_uint_eq(icmp[1], ICMP_PORT_UNREACH);
	ck_assert_uint_eq(inet_csum(icmp, ilen), 0);
	/* It quotes the original header and the first 8 bytes (the ports). */
	ck_assert_uint_eq(ilen, 8 + 20 + 8);
	ck_assert_mem_eq(icmp + 8, f + ETH_HLEN, 28);
	ck_assert_uint_eq(udp_stats.no_ports, 1);

	/* Not for broadcasts. */
	fake_clear();
	n = fake_build_ip(f, eth_broadcast_addr, PEER_IP, IPV4_BROADCAST, IPPROTO_UDP, 0x78, 0, seg,
			  sl);
	fake_inject(f, n);
	ck_assert_uint_eq(fake_nframes, 0);
	/* And rate limited. */
	n = fake_build_ip(f, fake_mac, PEER_IP, OUR_IP, IPPROTO_UDP, 0x79, 0, seg, sl);
	for (int i = 0; i < ICMP_ERR_RATE_PER_S + 50; i++)
		fake_inject(f, n);
	ck_assert_uint_le(fake_nframes, ICMP_ERR_RATE_PER_S);
	ck_assert_uint_ge(icmp_stats.out_rate_limited, 50);
}
END_TEST

START_TEST(test_udp_over_loopback)
{
	fake_net_setup(0);
	ck_assert_int_eq(udp_bind(5353, &test_udp_ops, NULL), 5353);
	ck_assert_int_eq(udp_sendto(4000, 0, IPV4(127, 0, 0, 1), 5353, "via lo", 6), 0);
	ck_assert_int_eq(udp_got, 0); /* queued in the backlog */
	netdev_backlog_run();
	ck_assert_int_eq(udp_got, 1);
	ck_assert_mem_eq(udp_data, "via lo", 6);
	/* Big datagrams over lo need no fragmentation (MTU 65536). */
	static uint8_t big[1900];
	memset(big, 'z', sizeof(big));
	ck_assert_int_eq(udp_sendto(4000, 0, OUR_IP, 5353, big, sizeof(big)), 0);
	netdev_backlog_run();
	ck_assert_int_eq(udp_got, 2);
	ck_assert_uint_eq(udp_len, sizeof(big));
	ck_assert_uint_eq(fake_nframes, 0);
}
END_TEST

/* ---- netdev and /proc ---------------------------------------------------- */

START_TEST(test_netdev_and_proc_texts)
{
	char buf[4096];
	int n;

	fake_net_setup(IPV4(10, 0, 2, 2));
	ck_assert_ptr_eq(netdev_find("eth0"), &fake_dev);
	ck_assert_ptr_eq(netdev_find("lo"), loopback_dev());
	ck_assert_uint_eq(loopback_dev()->ip_addr, IPV4(127, 0, 0, 1));
	resolve_peer(GW_IP, peer_mac);
	udp_sendto(1, 0, GW_IP, 2, "x", 1);

	n = netdev_proc_show(buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, (int)sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "Inter-|   Receive"));
	ck_assert_ptr_nonnull(strstr(buf, "    lo:"));
	ck_assert_ptr_nonnull(strstr(buf, "  eth0:"));

	n = ipv4_route_proc_show(buf, sizeof(buf), NULL);
	ck_assert_ptr_nonnull(strstr(buf, "Iface\tDestination\tGateway \tFlags"));
	ck_assert_ptr_nonnull(strstr(buf, "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF"));
	ck_assert_ptr_nonnull(strstr(buf, "eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000"));
	ck_assert_uint_eq(strchr(buf, '\n') - buf, 127);

	n = arp_proc_show(buf, sizeof(buf), NULL);
	ck_assert_ptr_nonnull(strstr(buf, "IP address       HW type     Flags       HW address"));
	ck_assert_ptr_nonnull(
		strstr(buf, "10.0.2.2         0x1         0x2         52:55:0a:00:02:02     *"
			    "        eth0"));
	/* A short buffer: the full length is still reported. */
	ck_assert_int_eq(arp_proc_show(buf, 10, NULL), n);

	/* Down interfaces drop what is sent to them. */
	netdev_down(&fake_dev);
	ck_assert_int_eq(udp_sendto(1, 0, GW_IP, 2, "x", 1), -ENETUNREACH);
	ck_assert_int_eq(netbuf_live(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_arp_resolution_and_queue);
	tcase_add_test(tc, test_arp_retry_then_fail);
	tcase_add_test(tc, test_arp_expiry);
	tcase_add_test(tc, test_arp_replies_for_our_address);
	tcase_add_test(tc, test_arp_pending_queue_bounded);
	tcase_add_test(tc, test_gratuitous_arp_on_address_change);
	tcase_add_test(tc, test_ipv4_validation);
	tcase_add_test(tc, test_routing);
	tcase_add_test(tc, test_fragmentation_on_send);
	tcase_add_test(tc, test_reassembly_out_of_order_and_duplicates);
	tcase_add_test(tc, test_reassembly_overlaps_keep_first_data);
	tcase_add_test(tc, test_reassembly_bad_and_oversize);
	tcase_add_test(tc, test_reassembly_timeout_and_memory_limit);
	tcase_add_test(tc, test_icmp_echo);
	tcase_add_test(tc, test_udp_endpoints_and_checksums);
	tcase_add_test(tc, test_udp_port_unreachable);
	tcase_add_test(tc, test_udp_over_loopback);
	tcase_add_test(tc, test_netdev_and_proc_texts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
