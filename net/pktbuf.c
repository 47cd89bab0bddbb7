/*
 * Packet buffers (net/pktbuf.h): one kmalloc per buffer. Pure logic.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "net/pktbuf.h"

static long live; /* atomic */

struct netbuf *netbuf_alloc(size_t headroom, size_t size)
{
	struct netbuf *nb;

	if (headroom > 65536 || size > 65536 + 1024)
		return NULL;
	nb = kmalloc(sizeof(*nb) + headroom + size);
	if (!nb)
		return NULL;
	nb->cap = headroom + size;
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
