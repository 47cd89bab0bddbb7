/*
 * kmalloc and friends (kernel/mm/heap.h) over the C library's malloc, for
 * host tests and fuzz targets of code that allocates but is not the heap
 * itself (the buffer cache, ext2). Every object is its own malloc block, so
 * AddressSanitizer sees overruns of exactly the requested size, which the
 * real heap's slab pages would hide. New memory is filled with 0xa5 as the
 * kernel heap does, so reads of uninitialized memory show. Tests of the
 * heap itself link kernel/mm/heap.c instead.
 */
#include <malloc.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/heap.h"

static uint64_t allocs, frees;

void *kmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		return NULL;
	memset(p, 0xa5, size);
	allocs++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *krealloc(void *p, size_t size)
{
	void *q;

	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	q = realloc(p, size);
	if (q) {
		allocs++;
		frees++;
	}
	return q;
}

void kfree(void *p)
{
	if (!p)
		return;
	frees++;
	free(p);
}

size_t ksize(const void *p)
{
	return p ? malloc_usable_size((void *)p) : 0;
}

void heap_get_stats(struct heap_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->allocs = allocs;
	s->frees = frees;
}

size_t heap_trim(void)
{
	return 0;
}
