/*
 * Byte ring buffer (kernel/lib/ringbuf.h): head and count index a buffer
 * of any size; copies wrap in at most two pieces.
 */
#include <ksvc.h>
#include "kernel/lib/ringbuf.h"

void ringbuf_init(struct ringbuf *rb, void *mem, size_t size)
{
	rb->buf = mem;
	rb->size = size;
	rb->head = 0;
	rb->count = 0;
}

size_t ringbuf_put(struct ringbuf *rb, const void *src, size_t len)
{
	size_t n = MIN(len, rb->size - rb->count);

	for (size_t done = 0; done < n;) {
		size_t tail = (rb->head + rb->count) % rb->size;
		size_t chunk = MIN(n - done, rb->size - tail);
		memcpy(rb->buf + tail, (const uint8_t *)src + done, chunk);
		rb->count += chunk;
		done += chunk;
	}
	return n;
}

size_t ringbuf_get(struct ringbuf *rb, void *dst, size_t len)
{
	size_t n = MIN(len, rb->count);

	for (size_t done = 0; done < n;) {
		size_t chunk = MIN(n - done, rb->size - rb->head);
		memcpy((uint8_t *)dst + done, rb->buf + rb->head, chunk);
		rb->head = (rb->head + chunk) % rb->size;
		rb->count -= chunk;
		done += chunk;
	}
	if (rb->count == 0)
		rb->head = 0;
	return n;
}

void ringbuf_clear(struct ringbuf *rb)
{
	rb->head = 0;
	rb->count = 0;
}
