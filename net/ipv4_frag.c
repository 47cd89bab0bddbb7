/*
 * IPv4 reassembly (net/ipv4.h; RFC 791 section 3.2 "Fragmentation and
 * Reassembly", RFC 815). A datagram in progress is keyed by (src, dst, id,
 * protocol) and holds its data in one buffer that grows to the highest end
 * seen, plus a bitmap of the 8-byte blocks received: RFC 815's hole list
 * in a form that makes overlaps and duplicates trivial. Blocks already
 * received are never overwritten, so a later overlapping fragment cannot
 * change data (the Teardrop/overlap attacks of RFC 1858 need that).
 *
 * Limits: IPV4_REASM_MEM_MAX bytes and IPV4_REASM_DGRAMS_MAX datagrams;
 * past them the oldest datagrams are dropped. Nothing is assembled beyond
 * 65535 bytes. Pure logic.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "net/ipv4.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"

#define BLOCKS	       (65536 / 8)
#define GROW_STEP      2048
#define DGRAM_OVERHEAD (sizeof(struct reasm))

struct reasm {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool have_last;
	size_t max_end; /* highest end of any fragment so far */
	uint32_t total; /* payload length, known once the last fragment came */
	uint32_t blocks_have;
	uint64_t expires;
	uint8_t hdr[IPV4_HLEN_MAX]; /* the first fragment's header */
	size_t hlen;		    /* 0 until the first fragment came */
	uint8_t *data;
	size_t cap;
	struct reasm *next; /* reasm_lock; oldest first */
	uint8_t bitmap[BLOCKS / 8];
};

static struct spinlock reasm_lock = SPINLOCK_INIT("reasm");
static struct reasm *queue; /* reasm_lock */
static size_t mem_used;	    /* reasm_lock */
static unsigned ndgrams;    /* reasm_lock */

static size_t cost(const struct reasm *r)
{
	return DGRAM_OVERHEAD + r->cap;
}

static void unlink_locked(struct reasm *r)
{
	struct reasm **pp = &queue;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
	mem_used -= cost(r);
	ndgrams--;
}

static void destroy(struct reasm *r)
{
	kfree(r->data);
	kfree(r);
}

/* Drop the oldest datagrams other than `keep` until `need` more bytes fit
 * and a slot is free; false if that is impossible. Returns the victims in
 * *dead for freeing outside the lock. */
static bool make_room_locked(struct reasm *keep, size_t need, bool new_dgram, struct reasm **dead)
{
	while (mem_used + need > IPV4_REASM_MEM_MAX ||
	       (new_dgram && ndgrams >= IPV4_REASM_DGRAMS_MAX)) {
		struct reasm *victim = queue;
		while (victim && victim == keep)
			victim = victim->next;
		if (!victim)
			return false;
		unlink_locked(victim);
		ipv4_stats.reasm_fails++;
		victim->next = *dead;
		*dead = victim;
	}
	return true;
}

static bool test_block(const struct reasm *r, unsigned b)
{
	return r->bitmap[b / 8] & (1u << (b % 8));
}

static struct netbuf *assemble(struct reasm *r)
{
	struct netbuf *nb = netbuf_alloc(NET_HEADROOM, r->hlen + r->total);
	struct ipv4_hdr *h;

	if (!nb)
		return NULL;
	memcpy(netbuf_put(nb, r->hlen), r->hdr, r->hlen);
	memcpy(netbuf_put(nb, r->total), r->data, r->total);
	h = (struct ipv4_hdr *)nb->data;
	h->total_len = net_htons((uint16_t)(r->hlen + r->total));
	h->frag_off = 0;
	h->csum = 0;
	h->csum = inet_csum(h, r->hlen);
	return nb;
}

struct netbuf *ipv4_reasm_input(const uint8_t *hdr, size_t hlen, const uint8_t *payload, size_t len,
				uint64_t now)
{
	const struct ipv4_hdr *h = (const struct ipv4_hdr *)hdr;
	uint16_t fo = net_ntohs(h->frag_off);
	size_t off = (size_t)(fo & IPV4_OFF_MASK) * 8, end = off + len;
	bool more = fo & IPV4_FLAG_MF, overlap = false;
	struct reasm *r, *dead = NULL, *complete = NULL;
	struct netbuf *out = NULL;
	unsigned long fl;
	bool drop_dgram = false;

	ipv4_stats.reasm_reqds++;
	/* A fragment that is empty, or not a multiple of 8 bytes without
	 * being the last, is malformed (RFC 791: offsets count 8-byte units). */
	if (len == 0 || (more && (len % 8) != 0) || hlen < IPV4_HLEN_MIN || hlen > IPV4_HLEN_MAX) {
		ipv4_stats.reasm_fails++;
		return NULL;
	}

	fl = spin_lock_irqsave(&reasm_lock);
	for (r = queue; r; r = r->next)
		if (r->src == h->src && r->dst == h->dst && r->id == h->id && r->proto == h->proto)
			break;
	if (hlen + end > IPV4_MAX_LEN) {
		/* Oversize (the "ping of death"): the whole datagram goes. */
		if (r)
			drop_dgram = true;
		else
			ipv4_stats.reasm_fails++;
		goto out;
	}
	if (!r) {
		if (!make_room_locked(NULL, DGRAM_OVERHEAD, true, &dead)) {
			ipv4_stats.reasm_fails++;
			goto out;
		}
		r = kzalloc(sizeof(*r));
		if (!r) {
			ipv4_stats.reasm_fails++;
			goto out;
		}
		r->src = h->src;
		r->dst = h->dst;
		r->id = h->id;
		r->proto = h->proto;
		r->expires = now + IPV4_REASM_TIMEOUT_MS;
		struct reasm **pp = &queue;
		while (*pp)
			pp = &(*pp)->next;
		*pp = r;
		mem_used += cost(r);
		ndgrams++;
	}
	/* Every fragment must agree with the end the last one gave. */
	if (!more) {
		if ((r->have_last && end != r->total) || end < r->max_end) {
			drop_dgram = true;
			goto out;
		}
		r->have_last = true;
		r->total = (uint32_t)end;
	} else if (r->have_last && end > r->total) {
		drop_dgram = true;
		goto out;
	}
	if (end > r->cap) {
		size_t ncap = MIN(ALIGN_UP(end, (size_t)GROW_STEP), (size_t)IPV4_MAX_LEN + 1);
		uint8_t *nd;
		if (!make_room_locked(r, ncap - r->cap, false, &dead)) {
			drop_dgram = true;
			goto out;
		}
		nd = krealloc(r->data, ncap);
		if (!nd) {
			drop_dgram = true;
			goto out;
		}
		mem_used += ncap - r->cap;
		r->data = nd;
		r->cap = ncap;
	}
	if (end > r->max_end)
		r->max_end = end;
	for (size_t b = off / 8; b * 8 < end; b++) {
		size_t bstart = b * 8;
		if (test_block(r, (unsigned)b)) {
			overlap = true;
			continue;
		}
		memcpy(r->data + bstart, payload + (bstart - off), MIN((size_t)8, end - bstart));
		r->bitmap[b / 8] |= (uint8_t)(1u << (b % 8));
		r->blocks_have++;
	}
	if (overlap)
		ipv4_stats.reasm_overlaps++;
	if (off == 0 && r->hlen == 0) {
		memcpy(r->hdr, hdr, hlen);
		r->hlen = hlen;
	}
	if (r->have_last && r->hlen && r->blocks_have == (r->total + 7) / 8) {
		unlink_locked(r);
		complete = r;
	}
out:
	if (drop_dgram) {
		unlink_locked(r);
		ipv4_stats.reasm_fails++;
		r->next = dead;
		dead = r;
	}
	spin_unlock_irqrestore(&reasm_lock, fl);
	while (dead) {
		struct reasm *next = dead->next;
		destroy(dead);
		dead = next;
	}
	if (complete) {
		out = assemble(complete);
		if (out)
			ipv4_stats.reasm_oks++;
		else
			ipv4_stats.reasm_fails++;
		destroy(complete);
	}
	return out;
}

void ipv4_reasm_timer(uint64_t now, void (*expired)(const uint8_t *hdr, size_t hlen,
						    const uint8_t *data, size_t len))
{
	struct reasm *dead = NULL;
	unsigned long fl = spin_lock_irqsave(&reasm_lock);

	for (struct reasm *r = queue, *next; r; r = next) {
		next = r->next;
		if (now < r->expires)
			continue;
		unlink_locked(r);
		ipv4_stats.reasm_timeouts++;
		ipv4_stats.reasm_fails++;
		r->next = dead;
		dead = r;
	}
	spin_unlock_irqrestore(&reasm_lock, fl);
	while (dead) {
		struct reasm *next = dead->next;
		if (expired && dead->hlen && test_block(dead, 0))
			expired(dead->hdr, dead->hlen, dead->data, MIN((size_t)8, dead->cap));
		destroy(dead);
		dead = next;
	}
}

size_t ipv4_reasm_mem(void)
{
	return mem_used;
}

unsigned ipv4_reasm_count(void)
{
	return ndgrams;
}

void ipv4_reasm_flush(void)
{
	ipv4_reasm_timer(UINT64_MAX, NULL);
}
