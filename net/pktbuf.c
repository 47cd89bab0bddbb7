/*
 * Packet buffers (net/pktbuf.h): one kmalloc per buffer, except that
 * buffers of the standard size (any frame with the full headroom) are
 * recycled through a small free list instead of going back to the heap.
 * Nearly every packet fits one, so the receive and transmit paths take
 * one off the list and put it back without the heap's work (and, with
 * HEAP_DEBUG, without its fill and poison passes over 1.7 KiB). Pure
 * logic.
 *
 * Lock legend: cache_lock (IRQ-saving; buffers are freed from any
 * thread) guards the free list and its length.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "net/pktbuf.h"

/* A full frame with a VLAN tag, and the headroom, rounded up. */
#define STD_AREA (NET_HEADROOM + 1536 + 64)
/* About 450 KiB held at most. Host builds keep nothing, so that ASan sees
 * every use after free in the unit tests and fuzz targets. */
#ifdef KSVC_HOST
#define CACHE_MAX 0
#else
#define CACHE_MAX 256
#endif

static long live; /* atomic */
static struct spinlock cache_lock = SPINLOCK_INIT("netbuf");
static struct netbuf *cache; /* cache_lock */
static unsigned cached;	     /* cache_lock */

static struct netbuf *cache_get(void)
{
	unsigned long fl = spin_lock_irqsave(&cache_lock);
	struct netbuf *nb = cache;

	if (nb) {
		cache = nb->next;
		cached--;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	return nb;
}

#if CACHE_MAX > 0
static bool cache_put(struct netbuf *nb)
{
	unsigned long fl = spin_lock_irqsave(&cache_lock);
	bool kept = cached < CACHE_MAX;

	if (kept) {
		nb->next = cache;
		cache = nb;
		cached++;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	return kept;
}
#endif

struct netbuf *netbuf_alloc(size_t headroom, size_t size)
{
	struct netbuf *nb;
	size_t area = headroom + size;

	if (headroom > 65536 || size > 65536 + 1024)
		return NULL;
	if (area <= STD_AREA) {
		area = STD_AREA;
		nb = cache_get();
		if (!nb)
			nb = kmalloc(sizeof(*nb) + area);
	} else {
		nb = kmalloc(sizeof(*nb) + area);
	}
	if (!nb)
		return NULL;
	nb->cap = area;
	nb->data = nb->area + headroom;
	nb->len = 0;
	nb->dev = NULL;
	nb->next = NULL;
	nb->nexthop = 0;
	__atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
	return nb;
}

struct netbuf *netbuf_from(size_t headroom, const void *buf, size_t len)
{
	struct netbuf *nb = netbuf_alloc(headroom, len);

	if (nb) {
		memcpy(nb->data, buf, len);
		nb->len = len;
	}
	return nb;
}

void netbuf_free(struct netbuf *nb)
{
	if (!nb)
		return;
	__atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
#if CACHE_MAX > 0
	if (nb->cap == STD_AREA && cache_put(nb))
		return;
#endif
	kfree(nb);
}

void netbuf_cache_drain(void)
{
	struct netbuf *nb;

	while ((nb = cache_get()))
		kfree(nb);
}

void netbuf_free_list(struct netbuf *nb)
{
	while (nb) {
		struct netbuf *next = nb->next;
		netbuf_free(nb);
		nb = next;
	}
}

size_t netbuf_headroom(const struct netbuf *nb)
{
	return (size_t)(nb->data - nb->area);
}

void *netbuf_push(struct netbuf *nb, size_t n)
{
	if (netbuf_headroom(nb) < n)
		return NULL;
	nb->data -= n;
	nb->len += n;
	return nb->data;
}

void *netbuf_pull(struct netbuf *nb, size_t n)
{
	if (nb->len < n)
		return NULL;
	nb->data += n;
	nb->len -= n;
	return nb->data;
}

void *netbuf_put(struct netbuf *nb, size_t n)
{
	uint8_t *tail = nb->data + nb->len;

	if ((size_t)(nb->area + nb->cap - tail) < n)
		return NULL;
	nb->len += n;
	return tail;
}

void netbuf_trim(struct netbuf *nb, size_t len)
{
	if (len < nb->len)
		nb->len = len;
}

long netbuf_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}
