/*
 * Packet buffers (DESIGN.md "One packet buffer type"). A struct netbuf is
 * one allocation: the descriptor followed by its data area. The valid
 * bytes are [data, data + len); the room before `data` is headroom, so each
 * layer on the way down pushes its header in front without copying
 * (netbuf_push), and each layer on the way up pulls its header off
 * (netbuf_pull).
 *
 * Ownership: a netbuf has exactly one owner. Every function that takes one
 * says who frees it; in this stack the rule is the same everywhere: the
 * callee takes it, on success and on failure alike (netdev_xmit, eth_output,
 * arp_output, netdev_input, ipv4_input all consume their netbuf).
 *
 * Lock legend: a netbuf is owned by one thread at a time and needs no lock;
 * the live-buffer counter is updated atomically.
 */
#ifndef NET_PKTBUF_H
#define NET_PKTBUF_H

#include <stddef.h>
#include <stdint.h>

/* Room for Ethernet, a full IPv4 header and a full TCP header. */
#define NET_HEADROOM 128

struct netdev;

struct netbuf {
	uint8_t *data;	     /* first valid byte */
	size_t len;	     /* valid bytes */
	size_t cap;	     /* size of the data area */
	struct netdev *dev;  /* receiving interface, on input */
	struct netbuf *next; /* queue link, for the current owner */
	uint32_t nexthop;    /* ARP's pending queue: the address being resolved */
	uint8_t area[];	     /* headroom, data, tailroom */
};

/* A buffer with `headroom` bytes before data and room for `size` after;
 * len 0. NULL without memory. */
struct netbuf *netbuf_alloc(size_t headroom, size_t size);
/* A buffer holding a copy of buf[0..len) after `headroom` bytes. */
struct netbuf *netbuf_from(size_t headroom, const void *buf, size_t len);
void netbuf_free(struct netbuf *nb); /* NULL is allowed */
/* Free every buffer of a list linked through next. */
void netbuf_free_list(struct netbuf *nb);

/* Headers: extend at the front, shrink at the front, extend at the end.
 * NULL when there is no room (a caller bug, or a short packet for pull). */
void *netbuf_push(struct netbuf *nb, size_t n);
void *netbuf_pull(struct netbuf *nb, size_t n);
void *netbuf_put(struct netbuf *nb, size_t n);
/* Cut the valid bytes to len (no-op if already shorter). */
void netbuf_trim(struct netbuf *nb, size_t len);
size_t netbuf_headroom(const struct netbuf *nb);

/* Buffers allocated and not yet freed (leak checks in tests and fuzzing). */
long netbuf_live(void);
/* Give the recycled standard-size buffers back to the heap (tests that
 * check the heap for leaks call it first). */
void netbuf_cache_drain(void);

#endif
