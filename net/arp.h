/*
 * ARP for IPv4 over Ethernet (net/arp.c, RFC 826; timers after RFC 1122
 * 2.3.2.1). A cache of (interface, address) -> MAC entries:
 *
 *   INCOMPLETE  a request is out; packets for the address wait in a
 *               bounded queue; the request is retried every ARP_RETRY_MS
 *               up to ARP_MAX_TRIES times, then the entry and its queue
 *               are dropped
 *   REACHABLE   usable until ARP_REACHABLE_MS after it was last confirmed
 *               by a packet from the peer; then it expires
 *
 * Replies go out for requests that ask for one of our addresses; setting
 * an address announces it with a gratuitous ARP (arp_announce).
 *
 * Lock legend: arp_lock guards the cache and the pending queues; it is
 * never held while calling out (sending or freeing through other layers).
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "net/pktbuf.h"

struct netdev;

#define ARP_CACHE_SIZE	   64
#define ARP_REACHABLE_MS   60000
#define ARP_RETRY_MS	   1000
#define ARP_MAX_TRIES	   3
#define ARP_QUEUE_PER_ADDR 16 /* packets waiting for one address */
#define ARP_QUEUE_TOTAL	   64 /* and for all together */

struct arp_stats {
	uint64_t requests_sent, replies_sent, requests_recv, replies_recv;
	uint64_t bad;	      /* malformed or not Ethernet/IPv4 */
	uint64_t queued;      /* packets that waited for resolution */
	uint64_t queue_drops; /* dropped: a queue was full */
	uint64_t failed;      /* resolutions that ran out of retries */
	uint64_t expired;     /* entries that aged out */
	uint64_t evicted;     /* entries pushed out by new ones */
};
extern struct arp_stats arp_stats;

/* An ARP packet (Ethernet header already pulled). Consumes nb. */
void arp_input(struct netdev *dev, struct netbuf *nb);
/*
 * Send an IPv4 packet (nb holds the IP datagram) to `nexthop` on dev:
 * at once when the MAC is known, else after resolution. Consumes nb.
 * 0 when sent or queued, -errno when dropped.
 */
int arp_output(struct netdev *dev, uint32_t nexthop, struct netbuf *nb);
/* Broadcast a gratuitous ARP request for dev's address. */
void arp_announce(struct netdev *dev);
/* Retries and expiry; call every ~100 ms. */
void arp_timer(uint64_t now_ms);
/* The MAC of a REACHABLE entry: 0 or -ENOENT. */
int arp_lookup(struct netdev *dev, uint32_t ip, uint8_t mac[6]);
/* Forget every entry (of dev, or of all when NULL) and its queue. */
void arp_flush(struct netdev *dev);
/* Entries in use, and packets waiting, for tests. */
unsigned arp_entries(void);
unsigned arp_queued(void);
/* /proc/net/arp in Linux's format (procfs_show_t). */
int arp_proc_show(char *buf, size_t size, void *arg);

#endif
