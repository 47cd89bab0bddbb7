/*
 * Heap self-tests: 100k random kmalloc/krealloc/kfree operations with every
 * object's contents verified before it is freed, then a leak check through
 * the heap statistics; kzalloc zeroes; krealloc keeps contents; alignment.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "kernel/selftest/selftest.h"

#define SLOTS 512
#define OPS   100000

struct slot {
	uint8_t *p;
	size_t size;
	uint8_t seed;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64 (Marsaglia 2003) */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t random_size(void)
{
	uint64_t r = rng();

	if ((r & 63) == 0)
		return 4096 + (r >> 8) % 60000; /* large, multi-page */
	if ((r & 7) == 0)
		return 1 + (r >> 8) % 4096;
	return 1 + (r >> 8) % 256;
}

static void fill(struct slot *s)
{
	for (size_t i = 0; i < s->size; i++)
		s->p[i] = (uint8_t)(s->seed + i * 7);
}

static bool intact(const struct slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (uint8_t)(s->seed + i * 7))
			return false;
	return true;
}

SELFTEST(heap, random_stress_100k)
{
	struct slot *slots = kzalloc(SLOTS * sizeof(*slots));
	struct heap_stats st0, st1;
	int bad = 0, nomem = 0;

	ST_CHECK(slots, "kzalloc of the slot table failed");
	heap_get_stats(&st0);
	for (int op = 0; op < OPS; op++) {
		struct slot *s = &slots[rng() % SLOTS];
		uint64_t what = rng() % 10;

		if (s->p && what < 4) {
			bad += !intact(s, s->size);
			kfree(s->p);
			s->p = NULL;
		} else if (s->p && what < 6) {
			size_t nsize = random_size();
			uint8_t *np = krealloc(s->p, nsize);
			if (!np) {
				nomem++;
				continue;
			}
			s->p = np;
			bad += !intact(s, MIN(s->size, nsize));
			s->size = nsize;
			fill(s);
		} else if (!s->p) {
			s->size = random_size();
			s->seed = (uint8_t)rng();
			s->p = kmalloc(s->size);
			if (!s->p) {
				nomem++;
				continue;
			}
			if ((uintptr_t)s->p % HEAP_ALIGN)
				bad++;
			fill(s);
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			bad += !intact(&slots[i], slots[i].size);
			kfree(slots[i].p);
		}
	}
	heap_get_stats(&st1);
	kfree(slots);
	ST_CHECK(bad == 0, "%d objects corrupted or misaligned", bad);
	ST_CHECK(nomem == 0, "%d allocations failed", nomem);
	ST_CHECK(st1.bytes_in_use == st0.bytes_in_use, "bytes in use %llu, was %llu: leak",
		 (unsigned long long)st1.bytes_in_use, (unsigned long long)st0.bytes_in_use);
	ST_CHECK(st1.reports == st0.reports, "heap reported corruption");
	return 0;
}

SELFTEST(heap, pages_return_after_trim)
{
	struct heap_stats st0, st1;
	void *p[256];

	heap_trim();
	heap_get_stats(&st0);
	for (int i = 0; i < 256; i++)
		p[i] = kmalloc(200);
	for (int i = 0; i < 256; i++)
		kfree(p[i]);
	heap_trim();
	heap_get_stats(&st1);
	ST_CHECK(st1.pages_in_use <= st0.pages_in_use, "pages in use %llu, was %llu",
		 (unsigned long long)st1.pages_in_use, (unsigned long long)st0.pages_in_use);
	return 0;
}

SELFTEST(heap, kzalloc_zeroes)
{
	for (size_t size = 1; size <= 70000; size = size * 3 + 1) {
		uint8_t *p = kmalloc(size);
		ST_CHECK(p, "kmalloc(%zu) failed", size);
		memset(p, 0xee, size);
		kfree(p);
		p = kzalloc(size);
		ST_CHECK(p, "kzalloc(%zu) failed", size);
		for (size_t i = 0; i < size; i++)
			ST_CHECK(p[i] == 0, "kzalloc(%zu) byte %zu not zero", size, i);
		kfree(p);
	}
	return 0;
}

SELFTEST(heap, absurd_sizes_fail_cleanly)
{
	ST_CHECK(kmalloc(SIZE_MAX) == NULL, "kmalloc(SIZE_MAX) succeeded");
	ST_CHECK(kmalloc(SIZE_MAX / 2) == NULL, "kmalloc(SIZE_MAX/2) succeeded");
	ST_CHECK(kmalloc((size_t)1 << 40) == NULL, "kmalloc(1 TiB) succeeded");
	return 0;
}
