/*
 * The kernel heap (kernel/mm/heap.c): kmalloc/kfree with size classes for
 * small objects and whole-page runs for large ones. Pages come from
 * heap_pages_alloc (ksvc.h). Pure logic, also built for the host tests.
 *
 * With HEAP_DEBUG (on unless built with HEAP_DEBUG=0) every object carries a
 * header and red zones: kfree checks them and reports double frees, frees of
 * foreign pointers and overruns through heap_report; freed memory is
 * poisoned with 0x6b and new memory filled with 0xa5 (kzalloc zeroes).
 *
 * Lock legend: all heap state is guarded by one spinlock inside heap.c.
 */
#ifndef KERNEL_MM_HEAP_H
#define KERNEL_MM_HEAP_H

#include <stddef.h>
#include <stdint.h>

#ifndef HEAP_DEBUG
#define HEAP_DEBUG 1
#endif

#define HEAP_ALIGN 16 /* every pointer kmalloc returns is 16-byte aligned */

struct heap_stats {
	uint64_t allocs;       /* successful kmalloc/kzalloc/krealloc calls */
	uint64_t frees;	       /* kfree calls on valid objects */
	uint64_t bytes_in_use; /* bytes requested by live objects */
	uint64_t pages_in_use; /* pages held from heap_pages_alloc */
	uint64_t reports;      /* heap_report calls (corruption seen) */
};

void *kmalloc(size_t size); /* size 0 gives a valid minimal object */
void *kzalloc(size_t size);
void *krealloc(void *p, size_t size); /* p NULL: kmalloc; size 0: kfree, NULL */
void kfree(void *p);		      /* NULL is allowed */
size_t ksize(const void *p);	      /* the size the caller asked for */
void heap_get_stats(struct heap_stats *s);

/* Give empty slab pages back to the page source; returns pages released. */
size_t heap_trim(void);

#endif
