/*
 * ARP (net/arp.h; RFC 826 "Packet Reception", RFC 1122 2.3.2). The cache
 * is a fixed array; a new entry takes a free slot, else the least recently
 * used entry that has no packets waiting, else the oldest. Sending and
 * freeing happen after arp_lock is dropped: packets released by a reply
 * are moved to a local list first.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/netdev.h"
#include "net/proto/arp.h"
#include "net/proto/eth.h"
#include "net/proto/inet.h"

enum arp_state { ARP_FREE = 0, ARP_INCOMPLETE, ARP_REACHABLE };

struct arp_entry {
	enum arp_state state;
	struct netdev *dev;
	uint32_t ip;
	uint8_t mac[6];
	uint8_t tries;
	uint64_t deadline; /* INCOMPLETE: next retry; REACHABLE: expiry */
	uint64_t used;	   /* last lookup, for eviction */
	struct netbuf *q_head, *q_tail;
	unsigned qlen;
};

static struct spinlock arp_lock = SPINLOCK_INIT("arp");
static struct arp_entry cache[ARP_CACHE_SIZE]; /* arp_lock */
static unsigned total_queued;		       /* arp_lock */
struct arp_stats arp_stats;

static struct arp_entry *find_locked(struct netdev *dev, uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].state != ARP_FREE && cache[i].dev == dev && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* Detach e's queue into the caller's list and free the entry. */
static struct netbuf *release_locked(struct arp_entry *e)
{
	struct netbuf *q = e->q_head;

	total_queued -= e->qlen;
	e->q_head = e->q_tail = NULL;
	e->qlen = 0;
	e->state = ARP_FREE;
	return q;
}

/* A slot for a new entry; *dropped receives packets of an evicted entry. */
static struct arp_entry *alloc_locked(struct netbuf **dropped)
{
	struct arp_entry *victim = NULL;

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE)
			return e;
		if (!victim || (e->qlen == 0 && victim->qlen != 0) ||
		    ((e->qlen == 0) == (victim->qlen == 0) && e->used < victim->used))
			victim = e;
	}
	arp_stats.evicted++;
	*dropped = release_locked(victim);
	return victim;
}

static void send_arp(struct netdev *dev, uint16_t op, const uint8_t eth_dst[6],
		     const uint8_t tha[6], uint32_t tpa)
{
	struct netbuf *nb = netbuf_alloc(NET_HEADROOM, sizeof(struct arp_pkt));
	struct arp_pkt *a;

	if (!nb) {
		dev->stats.tx_dropped++;
		return;
	}
	a = netbuf_put(nb, sizeof(*a));
	a->hrd = net_htons(ARP_HRD_ETHER);
	a->pro = net_htons(ETH_P_IP);
	a->hln = 6;
	a->pln = 4;
	a->op = net_htons(op);
	memcpy(a->sha, dev->mac, 6);
	a->spa = net_htonl(dev->ip_addr);
	memcpy(a->tha, tha, 6);
	a->tpa = net_htonl(tpa);
	if (op == ARP_OP_REQUEST)
		arp_stats.requests_sent++;
	else
		arp_stats.replies_sent++;
	eth_output(dev, eth_dst, ETH_P_ARP, nb);
}

static const uint8_t zero_mac[6];

static void send_request(struct netdev *dev, uint32_t ip)
{
	send_arp(dev, ARP_OP_REQUEST, eth_broadcast_addr, zero_mac, ip);
}

static void transmit_list(struct netdev *dev, const uint8_t mac[6], struct netbuf *q)
{
	while (q) {
		struct netbuf *next = q->next;
		q->next = NULL;
		eth_output(dev, mac, ETH_P_IP, q);
		q = next;
	}
}

void arp_announce(struct netdev *dev)
{
	if (!dev->ip_addr || dev->hwtype != ARPHRD_ETHER)
		return;
	/* RFC 5227 section 3: a request with sender and target both ours. */
	send_request(dev, dev->ip_addr);
}

void arp_input(struct netdev *dev, struct netbuf *nb)
{
	const struct arp_pkt *a = (const struct arp_pkt *)nb->data;
	struct netbuf *released = NULL, *dropped = NULL;
	uint8_t sha[6], mac[6];
	uint32_t spa, tpa;
	uint16_t op;
	bool merge = false, for_us;
	unsigned long fl;

	if (nb->len < sizeof(*a) || net_ntohs(a->hrd) != ARP_HRD_ETHER ||
	    net_ntohs(a->pro) != ETH_P_IP || a->hln != 6 || a->pln != 4) {
		arp_stats.bad++;
		netbuf_free(nb);
		return;
	}
	op = net_ntohs(a->op);
	memcpy(sha, a->sha, 6);
	spa = net_ntohl(a->spa);
	tpa = net_ntohl(a->tpa);
	netbuf_free(nb);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) {
		arp_stats.bad++;
		return;
	}
	if (op == ARP_OP_REQUEST)
		arp_stats.requests_recv++;
	else
		arp_stats.replies_recv++;
	/* A sender that claims a broadcast or multicast MAC, or our own,
	 * or an address that cannot be a host's, is not learned from. */
	if ((sha[0] & 1) || memcmp(sha, dev->mac, 6) == 0 || spa == 0 || spa == IPV4_BROADCAST ||
	    ipv4_is_multicast(spa)) {
		if (spa != 0)
			return; /* RFC 5227 probes (spa 0) still get replies */
	}
	for_us = dev->ip_addr != 0 && tpa == dev->ip_addr;

	fl = spin_lock_irqsave(&arp_lock);
	if (spa != 0) {
		/* RFC 826: update an existing entry for the sender... */
		struct arp_entry *e = find_locked(dev, spa);
		if (e) {
			memcpy(e->mac, sha, 6);
			if (e->state == ARP_INCOMPLETE)
				released = release_locked(e);
			e->state = ARP_REACHABLE;
			e->deadline = net_now_ms() + ARP_REACHABLE_MS;
			merge = true;
		}
		/* ...and add one when the packet is for us. */
		if (!merge && for_us) {
			e = alloc_locked(&dropped);
			e->dev = dev;
			e->ip = spa;
			memcpy(e->mac, sha, 6);
			e->state = ARP_REACHABLE;
			e->deadline = net_now_ms() + ARP_REACHABLE_MS;
			e->used = net_now_ms();
			e->tries = 0;
		}
	}
	memcpy(mac, sha, 6);
	spin_unlock_irqrestore(&arp_lock, fl);

	netbuf_free_list(dropped);
	if (released)
		transmit_list(dev, mac, released);
	if (for_us && op == ARP_OP_REQUEST)
		send_arp(dev, ARP_OP_REPLY, sha, sha, spa);
}

int arp_output(struct netdev *dev, uint32_t nexthop, struct netbuf *nb)
{
	struct netbuf *dropped = NULL;
	struct arp_entry *e;
	uint8_t mac[6];
	bool request = false;
	unsigned long fl;
	uint64_t now = net_now_ms();

	fl = spin_lock_irqsave(&arp_lock);
	e = find_locked(dev, nexthop);
	if (e && e->state == ARP_REACHABLE) {
		memcpy(mac, e->mac, 6);
		e->used = now;
		spin_unlock_irqrestore(&arp_lock, fl);
		return eth_output(dev, mac, ETH_P_IP, nb);
	}
	if (!e) {
		e = alloc_locked(&dropped);
		e->dev = dev;
		e->ip = nexthop;
		e->state = ARP_INCOMPLETE;
		e->tries = 1;
		e->deadline = now + ARP_RETRY_MS;
		e->used = now;
		request = true;
	}
	/* Full queues drop their oldest packet: the newest is likelier to
	 * still matter to its sender. */
	if (e->qlen >= ARP_QUEUE_PER_ADDR || total_queued >= ARP_QUEUE_TOTAL) {
		struct arp_entry *from = e->qlen ? e : NULL;
		for (int i = 0; !from && i < ARP_CACHE_SIZE; i++)
			if (cache[i].qlen)
				from = &cache[i];
		if (from) {
			struct netbuf *old = from->q_head;
			from->q_head = old->next;
			if (!from->q_head)
				from->q_tail = NULL;
			from->qlen--;
			total_queued--;
			old->next = dropped;
			dropped = old;
			arp_stats.queue_drops++;
		}
	}
	nb->next = NULL;
	nb->nexthop = nexthop;
	if (e->q_tail)
		e->q_tail->next = nb;
	else
		e->q_head = nb;
	e->q_tail = nb;
	e->qlen++;
	total_queued++;
	arp_stats.queued++;
	spin_unlock_irqrestore(&arp_lock, fl);

	for (struct netbuf *d = dropped; d; d = d->next)
		dev->stats.tx_dropped++;
	netbuf_free_list(dropped);
	if (request)
		send_request(dev, nexthop);
	return 0;
}

void arp_timer(uint64_t now)
{
	struct {
		struct netdev *dev;
		uint32_t ip;
	} retry[ARP_CACHE_SIZE];
	unsigned nretry = 0;
	struct netbuf *dropped = NULL;
	unsigned long fl = spin_lock_irqsave(&arp_lock);

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE || now < e->deadline)
			continue;
		if (e->state == ARP_REACHABLE) {
			arp_stats.expired++;
			e->state = ARP_FREE;
			continue;
		}
		if (e->tries >= ARP_MAX_TRIES) {
			struct netbuf *q = release_locked(e);
			arp_stats.failed++;
			while (q) {
				struct netbuf *next = q->next;
				e->dev->stats.tx_dropped++;
				q->next = dropped;
				dropped = q;
				q = next;
			}
			continue;
		}
		e->tries++;
		e->deadline = now + ARP_RETRY_MS;
		retry[nretry].dev = e->dev;
		retry[nretry].ip = e->ip;
		nretry++;
	}
	spin_unlock_irqrestore(&arp_lock, fl);
	netbuf_free_list(dropped);
	for (unsigned i = 0; i < nretry; i++)
		send_request(retry[i].dev, retry[i].ip);
}

int arp_lookup(struct netdev *dev, uint32_t ip, uint8_t mac[6])
{
	unsigned long fl = spin_lock_irqsave(&arp_lock);
	struct arp_entry *e = find_locked(dev, ip);
	int err = -ENOENT;

	if (e && e->state == ARP_REACHABLE) {
		memcpy(mac, e->mac, 6);
		err = 0;
	}
	spin_unlock_irqrestore(&arp_lock, fl);
	return err;
}

void arp_flush(struct netdev *dev)
{
	struct netbuf *dropped = NULL;
	unsigned long fl = spin_lock_irqsave(&arp_lock);

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE || (dev && e->dev != dev))
			continue;
		struct netbuf *q = release_locked(e);
		while (q) {
			struct netbuf *next = q->next;
			q->next = dropped;
			dropped = q;
			q = next;
		}
	}
	spin_unlock_irqrestore(&arp_lock, fl);
	netbuf_free_list(dropped);
}

unsigned arp_entries(void)
{
	unsigned n = 0;
	unsigned long fl = spin_lock_irqsave(&arp_lock);

	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		n += cache[i].state != ARP_FREE;
	spin_unlock_irqrestore(&arp_lock, fl);
	return n;
}

unsigned arp_queued(void)
{
	return total_queued;
}

/* Linux's arp_seq_show (net/ipv4/arp.c): flags 0x2 (ATF_COM) when the
 * address is known, 0x0 while a request is out. */
int arp_proc_show(char *buf, size_t size, void *arg)
{
	size_t off = 0;
	int n = ksnprintf(buf, size,
			  "IP address       HW type     Flags       HW address"
			  "            Mask     Device\n");
	unsigned long fl;

	off += (size_t)n;
	fl = spin_lock_irqsave(&arp_lock);
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &cache[i];
		char ip[16], mac[18];
		if (e->state == ARP_FREE)
			continue;
		net_fmt_ip(ip, e->ip);
		net_fmt_mac(mac, e->state == ARP_REACHABLE ? e->mac : zero_mac);
		n = ksnprintf(off < size ? buf + off : NULL, off < size ? size - off : 0,
			      "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", ip, 1,
			      e->state == ARP_REACHABLE ? 2 : 0, mac, "*", e->dev->name);
		off += (size_t)n;
	}
	spin_unlock_irqrestore(&arp_lock, fl);
	return (int)off;
}
