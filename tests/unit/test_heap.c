/*
 * Host tests for kernel/mm/heap.c, built twice: with HEAP_DEBUG=1 and with
 * HEAP_DEBUG=0 (tests/unit/unit.mk). A long random workload checks every
 * object's contents and ends with a leak check against both the heap's
 * statistics and the host page source. Corruption tests (overruns, writes
 * after free) need the debug build's red zones and poison; double frees and
 * foreign pointers are caught by both builds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/heap.h"

static struct heap_stats st(void)
{
	struct heap_stats s;

	heap_get_stats(&s);
	return s;
}

static void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 31 + (i >> 8));
}

static bool check_fill(const void *p, size_t n, unsigned seed)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] != (unsigned char)(seed + i * 31 + (i >> 8)))
			return false;
	}
	return true;
}

static bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] != (unsigned char)c)
			return false;
	}
	return true;
}

/* Everything released: no live objects, no pages held, none outstanding. */
static void assert_heap_empty(void)
{
	struct heap_stats s;

	heap_trim();
	s = st();
	ck_assert_uint_eq(s.allocs, s.frees);
	ck_assert_uint_eq(s.bytes_in_use, 0);
	ck_assert_uint_eq(s.pages_in_use, 0);
	ck_assert_uint_eq(host_pages_outstanding(), 0);
	ck_assert_int_eq(host_locks_held(), 0);
}

START_TEST(test_zero_and_null)
{
	void *p = kmalloc(0), *q = kmalloc(0);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(p, q);
	ck_assert_uint_eq(ksize(p), 0);
	kfree(p);
	kfree(q);
	kfree(NULL);
	ck_assert_uint_eq(ksize(NULL), 0);
	ck_assert_uint_eq(host_report_count(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_sizes_and_alignment)
{
	static void *ptrs[5000];
	size_t size;

	for (size = 0; size < ARRAY_SIZE(ptrs); size++) {
		ptrs[size] = kmalloc(size);
		ck_assert_ptr_nonnull(ptrs[size]);
		ck_assert_msg(IS_ALIGNED((uintptr_t)ptrs[size], HEAP_ALIGN), "size %zu", size);
		/* No object starts at a page boundary. */
		ck_assert((uintptr_t)ptrs[size] % 4096 != 0);
		ck_assert_uint_eq(ksize(ptrs[size]), size);
		memset(ptrs[size], (int)size, size);
	}
	ck_assert_uint_eq(st().bytes_in_use,
			  (uint64_t)ARRAY_SIZE(ptrs) * (ARRAY_SIZE(ptrs) - 1) / 2);
	for (size = 0; size < ARRAY_SIZE(ptrs); size++) {
		ck_assert(all_bytes(ptrs[size], (int)(size & 0xff), size));
		kfree(ptrs[size]);
	}
	ck_assert_uint_eq(host_report_count(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_large_alignment_and_pages)
{
	size_t sizes[] = {2048, 4000, 4096, 4097, 8192, 100000, 1 << 20};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t before = host_pages_outstanding();
		char *p = kmalloc(sizes[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert(IS_ALIGNED((uintptr_t)p, HEAP_ALIGN));
		ck_assert_uint_eq(ksize(p), sizes[i]);
		memset(p, 0x3c, sizes[i]);
		/* Large objects use just enough pages. */
		ck_assert_uint_le((host_pages_outstanding() - before) * 4096, sizes[i] + 4096 + 64);
		kfree(p);
	}
	assert_heap_empty();
}
END_TEST

START_TEST(test_fill_patterns)
{
	unsigned char *p = kmalloc(100), *z = kzalloc(3000), *zl = kzalloc(20000);

	ck_assert(all_bytes(z, 0, 3000));
	ck_assert(all_bytes(zl, 0, 20000));
	if (HEAP_DEBUG) {
		ck_assert(all_bytes(p, 0xa5, 100));
		kfree(p);
		/* Freed memory is poisoned (the slot stays mapped here). */
		ck_assert(all_bytes(p, 0x6b, 100));
	} else {
		kfree(p);
	}
	/* kzalloc also zeroes a recycled slot. */
	p = kmalloc(3000);
	memset(p, 0xff, 3000);
	kfree(p);
	z = (kfree(z), kzalloc(3000));
	ck_assert(all_bytes(z, 0, 3000));
	kfree(z);
	kfree(zl);
	ck_assert_uint_eq(host_report_count(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_krealloc)
{
	/* Grow and shrink through every kind of move: within a class, across
	 * classes, small to large, large to large, large to small. */
	static const size_t steps[] = {1,    10,   16,	  17,	 100,  1000, 1990, 2000, 2001,
				       4000, 5000, 12000, 40000, 9000, 4090, 300,  30,	 0};
	size_t i, cur = 0;
	char *p = krealloc(NULL, 0);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(ksize(p), 0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		size_t n = steps[i];
		char *q;

		fill(p, cur, 99);
		q = krealloc(p, n);
		if (n == 0) {
			ck_assert_ptr_null(q);
			break;
		}
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_eq(ksize(q), n);
		ck_assert_msg(check_fill(q, MIN(cur, n), 99), "step %zu -> %zu", cur, n);
		if (HEAP_DEBUG && n > cur)
			ck_assert(all_bytes(q + cur, 0xa5, n - cur));
		p = q;
		cur = n;
	}
	ck_assert_uint_eq(host_report_count(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_krealloc_in_place_stats)
{
	char *p = kmalloc(40), *q;
	struct heap_stats s0 = st(), s1;

	q = krealloc(p, 41); /* same class in both builds */
	ck_assert_ptr_eq(p, q);
	s1 = st();
	ck_assert_uint_eq(s1.allocs - s0.allocs, 1);
	ck_assert_uint_eq(s1.frees - s0.frees, 1);
	ck_assert_uint_eq(s1.bytes_in_use, 41);
	kfree(q);
	assert_heap_empty();
}
END_TEST

START_TEST(test_krealloc_enomem_keeps_object)
{
	char *p = kmalloc(100), *q;

	fill(p, 100, 5);
	host_pages_fail_next(1);
	q = krealloc(p, 50000);
	ck_assert_ptr_null(q);
	ck_assert(check_fill(p, 100, 5));
	ck_assert_uint_eq(ksize(p), 100);
	/* Absurd sizes fail the same way. */
	ck_assert_ptr_null(krealloc(p, SIZE_MAX));
	ck_assert_ptr_null(krealloc(p, SIZE_MAX / 2));
	ck_assert(check_fill(p, 100, 5));
	kfree(p);
	assert_heap_empty();
}
END_TEST

START_TEST(test_enomem)
{
	uint64_t calls;
	void *p, *held[200];
	size_t i;

	/* No pages at all: small and large allocations fail cleanly. */
	host_pages_fail_next(1);
	ck_assert_ptr_null(kmalloc(32));
	host_pages_fail_next(1);
	ck_assert_ptr_null(kzalloc(64));
	host_pages_fail_next(1);
	ck_assert_ptr_null(kmalloc(10000));
	ck_assert_uint_eq(st().allocs, 0);
	ck_assert_uint_eq(st().pages_in_use, 0);

	/* Once a slab exists, its free slots need no page. */
	p = kmalloc(32);
	ck_assert_ptr_nonnull(p);
	calls = host_pages_alloc_calls();
	host_pages_fail_next(1000);
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		held[i] = kmalloc(32);
		if (!held[i])
			break;
	}
	/* The slab ran out eventually and then the page source said no. */
	ck_assert_uint_lt(i, ARRAY_SIZE(held));
	ck_assert_uint_gt(i, 10);
	ck_assert_uint_eq(host_pages_alloc_calls() - calls, 1);
	host_pages_fail_next(0);
	while (i--)
		kfree(held[i]);
	kfree(p);
	assert_heap_empty();
}
END_TEST

START_TEST(test_huge_sizes)
{
	static const size_t huge[] = {
		SIZE_MAX,	 SIZE_MAX - 1,		SIZE_MAX - 15,	       SIZE_MAX - 4096,
		SIZE_MAX - 8192, SIZE_MAX - 4 * 4096,	SIZE_MAX / 2,	       SIZE_MAX / 2 + 1,
		(size_t)1 << 40, ((size_t)1 << 32) - 1, HOST_PAGES_MAX * 4096,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		ck_assert_msg(kmalloc(huge[i]) == NULL, "kmalloc(%zu)", huge[i]);
		ck_assert_msg(kzalloc(huge[i]) == NULL, "kzalloc(%zu)", huge[i]);
		ck_assert_msg(krealloc(NULL, huge[i]) == NULL, "krealloc(%zu)", huge[i]);
	}
	ck_assert_uint_eq(st().allocs, 0);
	ck_assert_uint_eq(host_report_count(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_trim)
{
	static void *p[3000];
	size_t i, trimmed;
	struct heap_stats s;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kmalloc(16 + (i % 7) * 100);
	s = st();
	ck_assert_uint_gt(s.pages_in_use, 50);
	ck_assert_uint_eq(s.pages_in_use, host_pages_outstanding());
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kfree(p[i]);
	/* Most empty slabs go back at once; the few kept go with heap_trim. */
	s = st();
	ck_assert_uint_le(s.pages_in_use, 16);
	ck_assert_uint_eq(s.pages_in_use, host_pages_outstanding());
	trimmed = heap_trim();
	ck_assert_uint_eq(trimmed, s.pages_in_use);
	ck_assert_uint_eq(heap_trim(), 0);
	assert_heap_empty();
}
END_TEST

START_TEST(test_stats)
{
	void *a = kmalloc(10), *b = kzalloc(20), *c = kmalloc(30000);
	struct heap_stats s = st();

	ck_assert_uint_eq(s.allocs, 3);
	ck_assert_uint_eq(s.frees, 0);
	ck_assert_uint_eq(s.bytes_in_use, 30030);
	ck_assert_uint_eq(s.reports, 0);
	kfree(b);
	s = st();
	ck_assert_uint_eq(s.frees, 1);
	ck_assert_uint_eq(s.bytes_in_use, 30010);
	kfree(a);
	kfree(c);
	assert_heap_empty();
}
END_TEST

START_TEST(test_locking)
{
	uint64_t before = host_lock_acquired();
	void *p = kmalloc(100), *q;

	ck_assert_uint_gt(host_lock_acquired(), before);
	ck_assert_int_eq(host_locks_held(), 0);
	p = krealloc(p, 5000);
	ck_assert_int_eq(host_locks_held(), 0);
	ksize(p);
	kfree(p);
	heap_trim();
	ck_assert_int_eq(host_locks_held(), 0);
	q = kmalloc(10);
	kfree(q);
	kfree(q); /* the report path also drops the lock */
	ck_assert_uint_eq(host_report_count(), 1);
	ck_assert_int_eq(host_locks_held(), 0);
}
END_TEST

/*
 * 100k random kmalloc/kzalloc/krealloc/kfree operations over a table of live
 * objects, each filled with its own pattern and verified before it is
 * touched again. Sizes lean small but reach well into large objects.
 */
#define LIVE 1500

struct live {
	char *p;
	size_t size;
	unsigned seed;
};

static size_t random_size(unsigned *seed)
{
	int r = rand_r(seed) % 100;

	if (r < 60)
		return (size_t)(rand_r(seed) % 128);
	if (r < 90)
		return (size_t)(rand_r(seed) % 2100);
	if (r < 99)
		return (size_t)(rand_r(seed) % 20000);
	return (size_t)(rand_r(seed) % 200000);
}

START_TEST(test_random_workload)
{
	static struct live live[LIVE];
	unsigned seed = 2024 + (unsigned)_i;
	uint64_t bytes = 0, nlive = 0;
	int op;
	size_t i;

	memset(live, 0, sizeof(live));
	for (op = 0; op < 100000; op++) {
		struct live *l = &live[rand_r(&seed) % LIVE];
		int r = rand_r(&seed) % 10;

		if (l->p) {
			ck_assert_msg(check_fill(l->p, l->size, l->seed), "op %d", op);
			ck_assert_uint_eq(ksize(l->p), l->size);
		}
		if (!l->p) {
			l->size = random_size(&seed);
			l->seed = (unsigned)rand_r(&seed);
			l->p = r < 2 ? kzalloc(l->size) : kmalloc(l->size);
			ck_assert_ptr_nonnull(l->p);
			ck_assert(IS_ALIGNED((uintptr_t)l->p, HEAP_ALIGN));
			if (r < 2)
				ck_assert(all_bytes(l->p, 0, l->size));
			fill(l->p, l->size, l->seed);
			bytes += l->size;
			nlive++;
		} else if (r < 4) {
			size_t n = random_size(&seed);
			char *q = krealloc(l->p, n);

			bytes -= l->size;
			if (n == 0) {
				ck_assert_ptr_null(q);
				l->p = NULL;
				nlive--;
				continue;
			}
			ck_assert_ptr_nonnull(q);
			ck_assert(check_fill(q, MIN(n, l->size), l->seed));
			l->p = q;
			l->size = n;
			fill(l->p, l->size, l->seed);
			bytes += n;
		} else {
			kfree(l->p);
			l->p = NULL;
			bytes -= l->size;
			nlive--;
		}
		if (op % 1000 == 0) {
			struct heap_stats s = st();

			ck_assert_uint_eq(s.bytes_in_use, bytes);
			ck_assert_uint_eq(s.allocs - s.frees, nlive);
			ck_assert_uint_eq(s.pages_in_use, host_pages_outstanding());
		}
	}
	for (i = 0; i < LIVE; i++) {
		if (live[i].p) {
			ck_assert(check_fill(live[i].p, live[i].size, live[i].seed));
			kfree(live[i].p);
		}
	}
	ck_assert_uint_eq(host_report_count(), 0);
	ck_assert_uint_eq(st().reports, 0);
	assert_heap_empty();
}
END_TEST

/* ---- misuse caught by both builds -------------------------------------- */

static void assert_reported(const char *what, unsigned count)
{
	ck_assert_uint_eq(host_report_count(), count);
	ck_assert_str_eq(host_report_last(), what);
	ck_assert_uint_eq(st().reports, count);
	ck_assert_int_eq(host_locks_held(), 0);
}

/* The heap still works after a report. */
static void assert_heap_usable(void)
{
	void *p[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = kmalloc(i * 40);
		ck_assert_ptr_nonnull(p[i]);
		fill(p[i], i * 40, (unsigned)i);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		ck_assert(check_fill(p[i], i * 40, (unsigned)i));
		kfree(p[i]);
	}
}

START_TEST(test_double_free)
{
	char *p = kmalloc(64), *q = kmalloc(64);
	struct heap_stats s;

	kfree(p);
	s = st();
	kfree(p);
	assert_reported("double free", 1);
	ck_assert_ptr_eq(host_report_last_ptr(), p);
	/* Nothing changed: the slot is on the free list once. */
	ck_assert_uint_eq(st().frees, s.frees);
	{
		char *a = kmalloc(64), *b = kmalloc(64);

		ck_assert_ptr_ne(a, b);
		kfree(a);
		kfree(b);
	}
	ck_assert_uint_eq(ksize(p), 0);
	assert_reported("ksize of freed object", 2);
	ck_assert_ptr_null(krealloc(p, 10));
	assert_reported("krealloc of freed object", 3);
	kfree(q);
	assert_heap_usable();
	assert_heap_empty();
}
END_TEST

static _Alignas(4096) unsigned char foreign[3 * 4096];

START_TEST(test_foreign_pointers)
{
	char *p = kmalloc(100); /* a 144-byte slot or larger */
	char *big = kmalloc(10000);
	unsigned n = 0;

	kfree(p + 1);
	assert_reported("bad pointer", ++n);
	kfree(p + 16); /* aligned, but not the start of a slot's object */
	assert_reported("bad pointer", ++n);
	kfree(p - 16);
	assert_reported("bad pointer", ++n);
	kfree(big + 16);
	assert_reported("bad pointer", ++n);
	kfree(big + 4096);
	assert_reported("bad pointer", ++n);
	kfree(foreign + 4096 + 64); /* a page the heap never owned */
	assert_reported("bad pointer", ++n);
	kfree(foreign + 4096); /* page offset 0 */
	assert_reported("bad pointer", ++n);
	/* A fake slab header does not make a pointer valid either. */
	memcpy(foreign + 8192, "BALS", 4); /* SLAB_MAGIC, little-endian */
	kfree(foreign + 8192 + 256);
	ck_assert_uint_eq(host_report_count(), ++n);
	ck_assert_ptr_null(krealloc(foreign + 4096 + 32, 10));
	assert_reported("bad pointer", ++n);
	ck_assert_uint_eq(ksize(foreign + 4096 + 32), 0);
	assert_reported("bad pointer", ++n);

	/* The real objects are untouched. */
	ck_assert_uint_eq(ksize(p), 100);
	ck_assert_uint_eq(ksize(big), 10000);
	kfree(p);
	kfree(big);
	ck_assert_uint_eq(host_report_count(), n);
	assert_heap_usable();
	assert_heap_empty();
}
END_TEST

START_TEST(test_free_list_corruption)
{
	char *a = kmalloc(200), *b = kmalloc(200), *c;

	kfree(b);
	/* A wild write over the free slot's header (its free-list link). */
	memset(b - 16, 0x41, 8);
	c = kmalloc(200);
	ck_assert_ptr_nonnull(c); /* served from a fresh slab */
	assert_reported("free list corrupted", 1);
	ck_assert_ptr_ne(c, b);
	kfree(a);
	kfree(c);
	assert_heap_usable();
	ck_assert_uint_eq(host_report_count(), 1);
	/* The damaged slab is never given back: it keeps a page. */
	heap_trim();
	ck_assert_uint_ge(host_pages_outstanding(), 1);
}
END_TEST

/* ---- corruption caught by HEAP_DEBUG ------------------------------------ */

START_TEST(test_overrun_small)
{
	char *p = kmalloc(20);
	struct heap_stats s = st();

	p[20] = 0;
	kfree(p);
	assert_reported("overrun", 1);
	/* Leaked, not freed. */
	ck_assert_uint_eq(st().frees, s.frees);
	ck_assert_uint_eq(st().bytes_in_use, 20);
	ck_assert_uint_eq(ksize(p), 0);
	assert_reported("overrun", 2);
	assert_heap_usable();
}
END_TEST

START_TEST(test_overrun_in_slack)
{
	/* 17 bytes land in a larger slot; the slack up to the slot's end is red
	 * zone too, so a write well past the object is caught. */
	char *p = kmalloc(17);

	p[40] = 'x';
	kfree(p);
	assert_reported("overrun", 1);
}
END_TEST

START_TEST(test_overrun_large)
{
	char *p = kmalloc(10000);

	p[10000 + 100] = 1;
	kfree(p);
	assert_reported("overrun", 1);
	ck_assert_uint_eq(st().bytes_in_use, 10000);
	assert_heap_usable();
}
END_TEST

START_TEST(test_underrun)
{
	char *p = kmalloc(300);

	p[-1] = 0;
	kfree(p);
	assert_reported("underrun", 1);
}
END_TEST

START_TEST(test_header_smash)
{
	char *p = kmalloc(300);

	memset(p - 16, 0, 16);
	kfree(p);
	assert_reported("corrupt object header", 1);
}
END_TEST

START_TEST(test_write_after_free)
{
	char *p = kmalloc(100), *q;

	kfree(p);
	p[50] = 1;
	q = kmalloc(100); /* the same slot comes back first */
	ck_assert_ptr_eq(q, p);
	assert_reported("write after free", 1);
	/* Still a usable object with fresh contents. */
	ck_assert(all_bytes(q, 0xa5, 100));
	kfree(q);
	ck_assert_uint_eq(host_report_count(), 1);
	assert_heap_empty();
}
END_TEST

START_TEST(test_krealloc_checks_red_zone)
{
	char *p = kmalloc(64);

	p[64] = 0;
	ck_assert_ptr_null(krealloc(p, 5000));
	assert_reported("overrun", 1);
}
END_TEST

START_TEST(test_krealloc_shrink_red_zone)
{
	char *p = kmalloc(60), *q;

	/* Shrinking in place re-arms the red zone from the new size. */
	q = krealloc(p, 50);
	ck_assert_ptr_eq(p, q);
	q[55] = 0;
	kfree(q);
	assert_reported("overrun", 1);
}
END_TEST

static Suite *heap_suite(void)
{
	Suite *s = suite_create(HEAP_DEBUG ? "heap (HEAP_DEBUG=1)" : "heap (HEAP_DEBUG=0)");
	TCase *tc = tcase_create("core");
	TCase *misuse = tcase_create("misuse");

	tcase_add_test(tc, test_zero_and_null);
	tcase_add_test(tc, test_sizes_and_alignment);
	tcase_add_test(tc, test_large_alignment_and_pages);
	tcase_add_test(tc, test_fill_patterns);
	tcase_add_test(tc, test_krealloc);
	tcase_add_test(tc, test_krealloc_in_place_stats);
	tcase_add_test(tc, test_krealloc_enomem_keeps_object);
	tcase_add_test(tc, test_enomem);
	tcase_add_test(tc, test_huge_sizes);
	tcase_add_test(tc, test_trim);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_locking);
	tcase_add_loop_test(tc, test_random_workload, 0, 2);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tcase_add_test(misuse, test_double_free);
	tcase_add_test(misuse, test_foreign_pointers);
	tcase_add_test(misuse, test_free_list_corruption);
	if (HEAP_DEBUG) {
		tcase_add_test(misuse, test_overrun_small);
		tcase_add_test(misuse, test_overrun_in_slack);
		tcase_add_test(misuse, test_overrun_large);
		tcase_add_test(misuse, test_underrun);
		tcase_add_test(misuse, test_header_smash);
		tcase_add_test(misuse, test_write_after_free);
		tcase_add_test(misuse, test_krealloc_checks_red_zone);
		tcase_add_test(misuse, test_krealloc_shrink_red_zone);
	}
	suite_add_tcase(s, misuse);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(heap_suite());
	int failed;

	/* Every test needs a fresh heap: keep Check's fork mode even if the
	 * environment asks for CK_FORK=no. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
