/*
 * IPv4 (RFC 791, host requirements from RFC 1122 3.2.1 and 3.3):
 *   net/ipv4.c        input validation and delivery, output with
 *                     fragmentation
 *   net/ipv4_route.c  interface addresses and the routing table
 *   net/ipv4_frag.c   reassembly (RFC 815's hole idea, kept as a bitmap of
 *                     8-byte blocks) with a memory limit and timeouts
 *
 * The stack is a host, not a router: datagrams for other addresses are
 * dropped. Transports register a deliver function per protocol number;
 * deliver runs in the net thread and may send (the stack's locks are not
 * held across it). While it runs, ipv4_rx_current() describes the datagram
 * so that ICMP can quote it in an error.
 *
 * Lock legend: route_lock (ipv4_route.c) guards the routing table;
 * reasm_lock (ipv4_frag.c) the reassembly queue and its memory count;
 * proto_lock (ipv4.c) the protocol table. None is held across a call into
 * another layer.
 */
#ifndef NET_IPV4_H
#define NET_IPV4_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "net/pktbuf.h"

struct netdev;

#define IPV4_DEFAULT_TTL 64

typedef void (*ipv4_deliver_t)(void *ctx, uint32_t src, uint32_t dst, const uint8_t *payload,
			       size_t len);

/* The datagram being delivered (valid only during a deliver call). */
struct ipv4_rx_info {
	struct netdev *dev;
	const uint8_t *hdr; /* the IP header, options included */
	size_t hlen;
	const uint8_t *payload;
	size_t len;
	bool to_broadcast; /* sent to a broadcast or multicast address */
};

struct ipv4_stats {
	uint64_t in_receives, in_hdr_errors, in_addr_errors, in_unknown_protos;
	uint64_t in_discards, in_delivers, out_requests, out_no_routes, out_discards;
	uint64_t reasm_reqds, reasm_oks, reasm_fails, reasm_timeouts, reasm_overlaps;
	uint64_t frag_oks, frag_fails, frag_creates;
};
extern struct ipv4_stats ipv4_stats;

/* ---- ipv4.c ------------------------------------------------------------ */
/* One deliver function per protocol; 0 or -EEXIST. fn NULL unregisters. */
int ipv4_register_proto(uint8_t proto, ipv4_deliver_t fn, void *ctx);
/*
 * A protocol that holds work while a batch of datagrams arrives (TCP
 * merges the ACKs of one poll) registers fn, once; 0 or -EEXIST. Whoever
 * feeds ipv4_input (the kernel's net thread) calls ipv4_batch_end after
 * each poll of its devices, and every registered fn runs with its
 * protocol's ctx.
 */
int ipv4_register_batch_end(uint8_t proto, void (*fn)(void *ctx));
void ipv4_batch_end(void);
/* An IP datagram from dev (the Ethernet header pulled). Consumes nb. */
void ipv4_input(struct netdev *dev, struct netbuf *nb);
/*
 * Send a datagram: buf[0..len) is the payload after the IP header. src 0
 * means "the address of the outgoing interface". The route decides the
 * interface; 255.255.255.255 without a route goes out of the first
 * interface that is up. Payloads bigger than the MTU are fragmented.
 * 0, or -ENETUNREACH, -EMSGSIZE, -ENOMEM, -ENETDOWN.
 */
int ipv4_output(uint32_t src, uint32_t dst, uint8_t proto, const void *buf, size_t len);
/* The same out of a given interface, to dst as a link neighbour unless a
 * route through dev says otherwise (DHCP before the address is set).
 * ttl 0 means IPV4_DEFAULT_TTL. */
int ipv4_output_dev(struct netdev *dev, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
		    const void *buf, size_t len);
const struct ipv4_rx_info *ipv4_rx_current(void);
/* Reassembly timeouts; call every ~100 ms. */
void ipv4_timer(uint64_t now_ms);
/* The next IP identification value (seeded by the kernel glue). */
void ipv4_seed_id(uint16_t seed);

/* ---- ipv4_route.c -------------------------------------------------------- */
#define IPV4_ROUTES_MAX 32
#define RTF_UP		0x1
#define RTF_GATEWAY	0x2
#define RTF_HOST	0x4

struct ipv4_route {
	uint32_t dst, mask, gw;
	struct netdev *dev;
	unsigned metric;
	unsigned flags;
};

/*
 * Give dev an address (0 removes it): the connected route for its subnet
 * is replaced and a gratuitous ARP announces the address. 0 or -errno.
 */
int ipv4_set_addr(struct netdev *dev, uint32_t addr, uint8_t prefix);
/* gw 0: on-link. 0, -EEXIST (same dst/prefix/dev), -ENOSPC, -EINVAL. */
int ipv4_route_add(uint32_t dst, uint8_t prefix, uint32_t gw, struct netdev *dev, unsigned metric);
int ipv4_route_del(uint32_t dst, uint8_t prefix, struct netdev *dev);
/* Remove every route through dev. */
void ipv4_route_flush(struct netdev *dev);
/*
 * Where a datagram to dst goes: the interface, the next hop on its link
 * and the source address to use. Our own addresses go through lo when it
 * exists. 0 or -ENETUNREACH.
 */
int ipv4_route_lookup(uint32_t dst, struct netdev **dev, uint32_t *nexthop, uint32_t *src);
/* Is addr one of ours (any interface, as RFC 1122's weak host model)? */
bool ipv4_is_local(uint32_t addr);
/* Is addr a broadcast address for dev (limited, or dev's subnet)? */
bool ipv4_is_broadcast(struct netdev *dev, uint32_t addr);
/* /proc/net/route in Linux's format (procfs_show_t). */
int ipv4_route_proc_show(char *buf, size_t size, void *arg);

/* ---- ipv4_frag.c ---------------------------------------------------------- */
#define IPV4_REASM_MEM_MAX    (256 * 1024) /* bytes held by incomplete datagrams */
#define IPV4_REASM_DGRAMS_MAX 32
#define IPV4_REASM_TIMEOUT_MS 30000

/*
 * Add one fragment (hdr: its IP header, hlen bytes; payload: its data).
 * Returns a netbuf holding the whole datagram (header with MF and offset
 * cleared, total length set, checksum fixed) once the last hole is
 * filled, else NULL. Data already received wins over overlapping new
 * data; a datagram that would exceed 65535 bytes, or whose fragments
 * disagree on its end, is dropped whole.
 */
struct netbuf *ipv4_reasm_input(const uint8_t *hdr, size_t hlen, const uint8_t *payload, size_t len,
				uint64_t now_ms);
/*
 * Drop datagrams older than IPV4_REASM_TIMEOUT_MS. For each one whose
 * first fragment had arrived, expired(hdr, hlen, data, len) is called
 * (after the lock is dropped) with its header and first data, so that an
 * ICMP time exceeded can be sent (RFC 792, RFC 1122 3.3.2).
 */
void ipv4_reasm_timer(uint64_t now_ms, void (*expired)(const uint8_t *hdr, size_t hlen,
						       const uint8_t *data, size_t len));
size_t ipv4_reasm_mem(void);
unsigned ipv4_reasm_count(void);
void ipv4_reasm_flush(void);

#endif
