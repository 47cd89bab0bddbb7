/*
 * A byte ring buffer (kernel/lib/ringbuf.c): pure logic shared by pipes,
 * pty masters and sockets, host-tested. The caller owns the memory and
 * serializes every call on one ring with its own lock.
 */
#ifndef KERNEL_LIB_RINGBUF_H
#define KERNEL_LIB_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

struct ringbuf {
	uint8_t *buf;
	size_t size;  /* bytes of buf; any size > 0 */
	size_t head;  /* next byte to read */
	size_t count; /* bytes queued */
};

void ringbuf_init(struct ringbuf *rb, void *mem, size_t size);
/* Append up to len bytes (as many as fit); returns how many. */
size_t ringbuf_put(struct ringbuf *rb, const void *src, size_t len);
/* Remove up to len bytes into dst; returns how many. */
size_t ringbuf_get(struct ringbuf *rb, void *dst, size_t len);
/* Drop everything queued. */
void ringbuf_clear(struct ringbuf *rb);

static inline size_t ringbuf_used(const struct ringbuf *rb)
{
	return rb->count;
}

static inline size_t ringbuf_room(const struct ringbuf *rb)
{
	return rb->size - rb->count;
}

#endif
