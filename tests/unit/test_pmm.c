/*
 * Host tests for kernel/mm/pmm.c, driven by made-up memory maps: bitmap
 * sizing, usable/reserved interplay with partial frames, exhaustion and full
 * recovery, uniqueness of every frame handed out, contiguous runs with
 * alignment and limits, and bad frees that must be counted and change
 * nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/pmm.h"

static struct pmm pm;
static uint64_t *bitmap;
static size_t bitmap_bytes;

static void setup_pmm(uint64_t max_phys)
{
	free(bitmap);
	bitmap_bytes = pmm_bitmap_bytes(max_phys);
	bitmap = malloc(bitmap_bytes ? bitmap_bytes : 1);
	memset(bitmap, 0, bitmap_bytes); /* pmm_init must set every bit itself */
	pmm_init(&pm, bitmap, max_phys);
	host_log_clear();
}

static void teardown(void)
{
	free(bitmap);
	bitmap = NULL;
	ck_assert_int_eq(host_locks_held(), 0);
}

START_TEST(test_bitmap_bytes)
{
	ck_assert_uint_eq(pmm_bitmap_bytes(0), 0);
	ck_assert_uint_eq(pmm_bitmap_bytes(1), 8);
	ck_assert_uint_eq(pmm_bitmap_bytes(PAGE_SIZE), 8);
	ck_assert_uint_eq(pmm_bitmap_bytes(64 * PAGE_SIZE), 8);
	ck_assert_uint_eq(pmm_bitmap_bytes(64 * PAGE_SIZE + 1), 16);
	ck_assert_uint_eq(pmm_bitmap_bytes(65 * PAGE_SIZE), 16);
	ck_assert_uint_eq(pmm_bitmap_bytes(GiB(4)), GiB(4) / PAGE_SIZE / 8);
	/* No overflow at the top of the address space: 2^52 frames. */
	ck_assert_uint_eq(pmm_bitmap_bytes(UINT64_MAX), 1ULL << 49);
}
END_TEST

START_TEST(test_init_all_used)
{
	uint64_t pa;

	setup_pmm(MiB(1) + 100); /* 257 frames: the last one partial */
	ck_assert_uint_eq(pm.nframes, 257);
	ck_assert_uint_eq(pm.free_frames, 0);
	ck_assert_uint_eq(pm.usable_frames, 0);
	ck_assert(pmm_is_used(&pm, 0));
	ck_assert(pmm_is_used(&pm, MiB(1)));
	ck_assert(pmm_is_used(&pm, GiB(1))); /* outside: used */
	ck_assert_int_eq(pmm_alloc(&pm, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 0, 0, &pa), -ENOMEM);
}
END_TEST

START_TEST(test_add_usable_partial_frames)
{
	setup_pmm(MiB(1));
	/* [0x1800, 0x5800): whole frames 2, 3 and 4 only. */
	pmm_add_usable(&pm, 0x1800, 0x5800);
	ck_assert_uint_eq(pm.usable_frames, 3);
	ck_assert_uint_eq(pm.free_frames, 3);
	ck_assert(pmm_is_used(&pm, 0x1000));
	ck_assert(!pmm_is_used(&pm, 0x2000));
	ck_assert(!pmm_is_used(&pm, 0x4fff));
	ck_assert(pmm_is_used(&pm, 0x5000));
	/* Less than a frame, and empty or inverted ranges: nothing. */
	pmm_add_usable(&pm, 0x10010, 0x10ff0);
	pmm_add_usable(&pm, 0x20000, 0x20000);
	pmm_add_usable(&pm, 0x30000, 0x20000);
	ck_assert_uint_eq(pm.usable_frames, 3);
	/* Overlapping usable ranges count each frame once: 0-3 adds 0 and 1. */
	pmm_add_usable(&pm, 0x0, 0x4000);
	ck_assert_uint_eq(pm.usable_frames, 5);
	ck_assert_uint_eq(pm.free_frames, 5);
}
END_TEST

START_TEST(test_add_usable_clipped)
{
	setup_pmm(MiB(1));
	pmm_add_usable(&pm, MiB(1) - 0x3000, GiB(8));
	ck_assert_uint_eq(pm.usable_frames, 3);
	pmm_add_usable(&pm, GiB(2), GiB(3));
	ck_assert_uint_eq(pm.usable_frames, 3);
	pmm_add_usable(&pm, 0, UINT64_MAX);
	ck_assert_uint_eq(pm.usable_frames, 256);
	ck_assert_uint_eq(pm.free_frames, 256);
}
END_TEST

START_TEST(test_reserve)
{
	setup_pmm(MiB(16));
	pmm_add_usable(&pm, 0, MiB(16));
	ck_assert_uint_eq(pm.free_frames, 4096);
	/* Rounded outwards: 0x1fff..0x3001 touches frames 1, 2 and 3. */
	pmm_reserve(&pm, 0x1fff, 0x3001);
	ck_assert_uint_eq(pm.free_frames, 4093);
	ck_assert(!pmm_is_used(&pm, 0x0));
	ck_assert(pmm_is_used(&pm, 0x1000));
	ck_assert(pmm_is_used(&pm, 0x3000));
	ck_assert(!pmm_is_used(&pm, 0x4000));
	/* Again, and overlapping: harmless, counted once. */
	pmm_reserve(&pm, 0x1000, 0x4000);
	pmm_reserve(&pm, 0x0, 0x2000);
	ck_assert_uint_eq(pm.free_frames, 4092);
	ck_assert_uint_eq(pm.usable_frames, 4096);
	/* Empty, inverted and outside ranges do nothing. */
	pmm_reserve(&pm, 0x8000, 0x8000);
	pmm_reserve(&pm, 0x9000, 0x8000);
	pmm_reserve(&pm, GiB(1), GiB(2));
	ck_assert_uint_eq(pm.free_frames, 4092);
	/* Partly outside: clipped. */
	pmm_reserve(&pm, MiB(16) - 1, UINT64_MAX);
	ck_assert_uint_eq(pm.free_frames, 4091);
	/* A large range crossing many words. */
	pmm_reserve(&pm, MiB(1), MiB(3) + 1);
	ck_assert_uint_eq(pm.free_frames, 4091 - 513);
	ck_assert_uint_eq(pm.usable_frames, 4096);
}
END_TEST

/* A QEMU-like map: usable low memory and RAM above 1 MiB, a reserved BIOS
 * area and the kernel image reserved after the usable ranges went in. */
static void setup_qemu_like(void)
{
	setup_pmm(MiB(128));
	pmm_add_usable(&pm, 0x0, 0x9fc00);
	pmm_add_usable(&pm, 0x100000, 0x7fe0000);
	pmm_reserve(&pm, 0x0, 0x1000);	      /* the real-mode IVT */
	pmm_reserve(&pm, 0x100000, 0x400000); /* kernel image */
}

START_TEST(test_qemu_like_counts)
{
	setup_qemu_like();
	ck_assert_uint_eq(pm.usable_frames, 0x9f + (0x7fe0000 - 0x100000) / PAGE_SIZE);
	ck_assert_uint_eq(pm.free_frames, pm.usable_frames - 1 - 0x300);
	ck_assert(pmm_is_used(&pm, 0x9f000)); /* partial frame at 0x9fc00 */
	ck_assert(pmm_is_used(&pm, 0xa0000));
	ck_assert(pmm_is_used(&pm, 0x7fe0000));
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

START_TEST(test_exhaust_and_restore)
{
	uint64_t *frames, pa, before_free, before_usable, i, n = 0;
	uint64_t *saved;

	setup_qemu_like();
	before_free = pm.free_frames;
	before_usable = pm.usable_frames;
	saved = malloc(bitmap_bytes);
	memcpy(saved, bitmap, bitmap_bytes);
	frames = malloc(sizeof(*frames) * (before_free + 1));

	while (pmm_alloc(&pm, &pa) == 0) {
		ck_assert_uint_lt(n, before_free);
		ck_assert(IS_ALIGNED(pa, PAGE_SIZE));
		/* Never a reserved or non-RAM frame. */
		ck_assert(pa != 0);
		ck_assert(!(pa >= 0x9f000 && pa < 0x100000));
		ck_assert(!(pa >= 0x100000 && pa < 0x400000));
		ck_assert_uint_lt(pa, 0x7fe0000);
		ck_assert(pmm_is_used(&pm, pa));
		frames[n++] = pa;
	}
	ck_assert_uint_eq(n, before_free);
	ck_assert_uint_eq(pm.free_frames, 0);
	ck_assert_int_eq(pmm_alloc(&pm, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 1, 0, &pa), -ENOMEM);

	/* No frame handed out twice. */
	qsort(frames, n, sizeof(*frames), cmp_u64);
	for (i = 1; i < n; i++)
		ck_assert_uint_ne(frames[i - 1], frames[i]);

	/* Free in another order: everything comes back exactly. */
	for (i = 0; i < n; i += 2)
		ck_assert_int_eq(pmm_free(&pm, frames[i]), 0);
	for (i = 1; i < n; i += 2)
		ck_assert_int_eq(pmm_free(&pm, frames[i]), 0);
	ck_assert_uint_eq(pm.free_frames, before_free);
	ck_assert_uint_eq(pm.usable_frames, before_usable);
	ck_assert_uint_eq(pm.bad_frees, 0);
	ck_assert(!memcmp(saved, bitmap, bitmap_bytes));
	ck_assert_uint_eq(host_log_total(), 0);
	free(saved);
	free(frames);
}
END_TEST

START_TEST(test_hint_wraps)
{
	uint64_t pa, first;

	setup_pmm(MiB(4));
	pmm_add_usable(&pm, 0, MiB(4));
	ck_assert_int_eq(pmm_alloc(&pm, &first), 0);
	while (pmm_alloc(&pm, &pa) == 0)
		;
	/* The hint now points at the end; a frame freed at the start must be
	 * found again. */
	ck_assert_int_eq(pmm_free(&pm, first), 0);
	ck_assert_int_eq(pmm_alloc(&pm, &pa), 0);
	ck_assert_uint_eq(pa, first);
	ck_assert_int_eq(pmm_alloc(&pm, &pa), -ENOMEM);
}
END_TEST

START_TEST(test_odd_frame_count)
{
	uint64_t pa, n = 0;

	/* 70 frames: the last bitmap word is partly beyond nframes and those
	 * bits must never be handed out, even by a usable range past the end. */
	setup_pmm(70 * PAGE_SIZE);
	pmm_add_usable(&pm, 0, 128 * PAGE_SIZE);
	ck_assert_uint_eq(pm.free_frames, 70);
	while (pmm_alloc(&pm, &pa) == 0) {
		ck_assert_uint_lt(pa, 70 * PAGE_SIZE);
		n++;
	}
	ck_assert_uint_eq(n, 70);
	ck_assert_int_eq(pmm_free_contig(&pm, 0, 70), 0);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 71, 0, 0, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 70, 0, 0, &pa), 0);
	ck_assert_uint_eq(pa, 0);
}
END_TEST

START_TEST(test_zero_frames)
{
	uint64_t pa;

	setup_pmm(0);
	ck_assert_uint_eq(pm.nframes, 0);
	pmm_add_usable(&pm, 0, MiB(1));
	ck_assert_uint_eq(pm.free_frames, 0);
	ck_assert_int_eq(pmm_alloc(&pm, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 0, 0, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_free(&pm, 0), -EINVAL);
	ck_assert(pmm_is_used(&pm, 0));
}
END_TEST

START_TEST(test_contig_args)
{
	uint64_t pa = 0x1234;

	setup_pmm(MiB(16));
	pmm_add_usable(&pm, 0, MiB(16));
	ck_assert_int_eq(pmm_alloc_contig(&pm, 0, 1, 0, &pa), -EINVAL);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 3, 0, &pa), -EINVAL);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 6, 0, &pa), -EINVAL);
	ck_assert_uint_eq(pa, 0x1234);
	ck_assert_int_eq(pmm_alloc_contig(&pm, SIZE_MAX, 1, 0, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 4097, 1, 0, &pa), -ENOMEM);
	/* A huge alignment only fits at frame 0. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, (size_t)1 << 63, 0, &pa), 0);
	ck_assert_uint_eq(pa, 0);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, (size_t)1 << 63, 0, &pa), -ENOMEM);
	ck_assert_uint_eq(pm.free_frames, 4095);
}
END_TEST

START_TEST(test_contig_alignment)
{
	uint64_t pa, pa2;
	size_t align;

	setup_pmm(MiB(64));
	pmm_add_usable(&pm, 0x5000, MiB(64)); /* frames 0..4 are not RAM */
	for (align = 1; align <= 1024; align *= 2) {
		ck_assert_int_eq(pmm_alloc_contig(&pm, 3, align, 0, &pa), 0);
		ck_assert_msg(IS_ALIGNED(pa >> PAGE_SHIFT, align), "align %zu pa %#llx", align,
			      (unsigned long long)pa);
		ck_assert(pmm_is_used(&pm, pa) && pmm_is_used(&pm, pa + 2 * PAGE_SIZE));
	}
	/* align 0 means none: the first fit. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 0, 0, &pa), 0);
	ck_assert_int_eq(pmm_alloc(&pm, &pa2), 0);
	ck_assert_uint_ne(pa, pa2);
}
END_TEST

START_TEST(test_contig_skips_holes)
{
	uint64_t pa, i;

	setup_pmm(MiB(1));
	pmm_add_usable(&pm, 0, MiB(1));
	/* Every 8th frame used: no run of 8 anywhere, runs of 7 everywhere. */
	for (i = 0; i < 256; i += 8)
		pmm_reserve(&pm, i * PAGE_SIZE, i * PAGE_SIZE + 1);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 8, 0, 0, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 7, 0, 0, &pa), 0);
	ck_assert_uint_eq(pa, 1 * PAGE_SIZE);
	/* Aligned to 2: a run of 6 starting on an even frame: 10..15. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 6, 2, 0, &pa), 0);
	ck_assert_uint_eq(pa, 10 * PAGE_SIZE);
	/* A run crossing a word boundary: free 60..67 entirely. */
	pmm_free(&pm, 64 * PAGE_SIZE);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 15, 0, 0, &pa), 0);
	ck_assert_uint_eq(pa, 57 * PAGE_SIZE);
}
END_TEST

START_TEST(test_contig_limit)
{
	uint64_t pa;

	setup_pmm(MiB(64));
	pmm_add_usable(&pm, MiB(1), MiB(64));
	/* The run must end at or below the limit. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 16, 1, MiB(1) + 16 * PAGE_SIZE, &pa), 0);
	ck_assert_uint_eq(pa, MiB(1));
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 1, MiB(1) + 16 * PAGE_SIZE, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 16, 1, MiB(1) + 31 * PAGE_SIZE, &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 16, 1, MiB(1) + 32 * PAGE_SIZE, &pa), 0);
	ck_assert_uint_eq(pa, MiB(1) + 16 * PAGE_SIZE);
	/* A limit that is not frame-aligned rounds down. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 1, MiB(1) + 33 * PAGE_SIZE - 1, &pa), -ENOMEM);
	/* A limit below all RAM, and one above the bitmap. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 1, MiB(1), &pa), -ENOMEM);
	ck_assert_int_eq(pmm_alloc_contig(&pm, 1, 1, GiB(64), &pa), 0);
	/* 16 MiB below 16 MiB, 64 KiB-aligned, as ISA DMA wants. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 16, 16, MiB(16), &pa), 0);
	ck_assert(IS_ALIGNED(pa, KiB(64)));
	ck_assert_uint_le(pa + 16 * PAGE_SIZE, MiB(16));
}
END_TEST

START_TEST(test_contig_exhaust_and_free)
{
	uint64_t pa, before, runs[64];
	size_t n = 0, i;

	setup_pmm(MiB(2));
	pmm_add_usable(&pm, 0, MiB(2));
	before = pm.free_frames;
	while (pmm_alloc_contig(&pm, 8, 8, 0, &pa) == 0) {
		ck_assert_uint_lt(n, ARRAY_SIZE(runs));
		runs[n++] = pa;
	}
	ck_assert_uint_eq(n, 64);
	ck_assert_uint_eq(pm.free_frames, 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pmm_free_contig(&pm, runs[i], 8), 0);
	ck_assert_uint_eq(pm.free_frames, before);
	ck_assert_uint_eq(pm.bad_frees, 0);
}
END_TEST

START_TEST(test_bad_frees)
{
	uint64_t pa, free_before;

	setup_pmm(MiB(1));
	pmm_add_usable(&pm, 0, MiB(1));
	ck_assert_int_eq(pmm_alloc(&pm, &pa), 0);
	free_before = pm.free_frames;

	/* Double free. */
	ck_assert_int_eq(pmm_free(&pm, pa), 0);
	ck_assert_int_eq(pmm_free(&pm, pa), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees, 1);
	ck_assert_uint_eq(pm.free_frames, free_before + 1);
	ck_assert(host_log_contains("pmm: bad free"));

	/* A frame that was never allocated. */
	ck_assert_int_eq(pmm_free(&pm, 0x50000), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees, 2);

	/* Out of range, including the very top. */
	ck_assert_int_eq(pmm_free(&pm, MiB(1)), -EINVAL);
	ck_assert_int_eq(pmm_free(&pm, 0xfffffffffffff000ULL), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees, 4);

	/* Not a frame address. */
	ck_assert_int_eq(pmm_alloc(&pm, &pa), 0);
	ck_assert_int_eq(pmm_free(&pm, pa + 8), -EINVAL);
	ck_assert(pmm_is_used(&pm, pa));
	ck_assert_uint_eq(pm.bad_frees, 5);
	ck_assert_uint_eq(pm.free_frames, free_before);
	ck_assert_uint_eq(pm.usable_frames, 256);
	ck_assert_uint_eq(host_log_total(), 5);
}
END_TEST

START_TEST(test_bad_free_contig_partial)
{
	uint64_t pa, before;

	setup_pmm(MiB(1));
	pmm_add_usable(&pm, 0, MiB(1));
	ck_assert_int_eq(pmm_alloc_contig(&pm, 4, 1, 0, &pa), 0);
	ck_assert_uint_eq(pa, 0);
	ck_assert_int_eq(pmm_free(&pm, 2 * PAGE_SIZE), 0);
	/* Frames 0, 1 and 3 are freed; 2 was already free and is counted. */
	ck_assert_int_eq(pmm_free_contig(&pm, 0, 4), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees, 1);
	ck_assert_uint_eq(pm.free_frames, 256);

	/* A run hanging off the end of the bitmap: the outside part is bad,
	 * the inside part is freed. */
	ck_assert_int_eq(pmm_alloc_contig(&pm, 2, 1, 0, &pa), 0);
	pmm_reserve(&pm, MiB(1) - 2 * PAGE_SIZE, MiB(1));
	ck_assert_int_eq(pmm_free_contig(&pm, MiB(1) - 2 * PAGE_SIZE, 5), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees, 4);
	ck_assert(!pmm_is_used(&pm, MiB(1) - PAGE_SIZE));
	/* n so large that pa + n wraps: frame 255 is free, the rest outside. */
	before = pm.bad_frees;
	ck_assert_int_eq(pmm_free_contig(&pm, 0xff000, SIZE_MAX), -EINVAL);
	ck_assert_uint_eq(pm.bad_frees - before, SIZE_MAX);
	ck_assert_int_eq(pmm_free_contig(&pm, 0, 0), 0);
}
END_TEST

START_TEST(test_random_ops)
{
	/* Random single and contiguous allocations and frees against a shadow
	 * array of owners; the counters must always match. */
	static uint8_t owner[1024];
	unsigned seed = 4242;
	int iter;

	setup_pmm(1024 * PAGE_SIZE);
	pmm_add_usable(&pm, 0, 1024 * PAGE_SIZE);
	pmm_reserve(&pm, 0, PAGE_SIZE);
	memset(owner, 0, sizeof(owner));
	owner[0] = 2; /* reserved */
	for (iter = 0; iter < 50000; iter++) {
		uint64_t pa, f, used = 0, i;
		int r = rand_r(&seed) % 10;

		if (r < 4) {
			if (pmm_alloc(&pm, &pa) == 0) {
				f = pa >> PAGE_SHIFT;
				ck_assert_uint_eq(owner[f], 0);
				owner[f] = 1;
			}
		} else if (r < 6) {
			size_t n = 1 + (size_t)(rand_r(&seed) % 16);
			size_t align = (size_t)1 << (rand_r(&seed) % 5);

			if (pmm_alloc_contig(&pm, n, align, 0, &pa) == 0) {
				f = pa >> PAGE_SHIFT;
				ck_assert(IS_ALIGNED(f, align));
				for (i = f; i < f + n; i++) {
					ck_assert_uint_eq(owner[i], 0);
					owner[i] = 1;
				}
			}
		} else {
			f = (uint64_t)(rand_r(&seed) % 1024);
			if (owner[f] == 1) {
				ck_assert_int_eq(pmm_free(&pm, f << PAGE_SHIFT), 0);
				owner[f] = 0;
			}
		}
		for (i = 0; i < 1024; i++)
			used += owner[i] != 0;
		ck_assert_uint_eq(pm.free_frames, 1024 - used);
	}
	ck_assert_uint_eq(pm.bad_frees, 0);
}
END_TEST

START_TEST(test_locking)
{
	uint64_t pa, before;

	setup_pmm(MiB(1));
	before = host_lock_acquired();
	pmm_add_usable(&pm, 0, MiB(1));
	pmm_reserve(&pm, 0, PAGE_SIZE);
	pmm_alloc(&pm, &pa);
	pmm_alloc_contig(&pm, 2, 1, 0, &pa);
	pmm_free(&pm, pa);
	pmm_free(&pm, pa); /* the error path too */
	pmm_is_used(&pm, 0);
	ck_assert_uint_eq(host_lock_acquired() - before, 7);
	ck_assert_int_eq(host_locks_held(), 0);
	ck_assert(!pm.lock.locked);
}
END_TEST

static Suite *pmm_suite(void)
{
	Suite *s = suite_create("pmm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_bitmap_bytes);
	tcase_add_test(tc, test_init_all_used);
	tcase_add_test(tc, test_add_usable_partial_frames);
	tcase_add_test(tc, test_add_usable_clipped);
	tcase_add_test(tc, test_reserve);
	tcase_add_test(tc, test_qemu_like_counts);
	tcase_add_test(tc, test_exhaust_and_restore);
	tcase_add_test(tc, test_hint_wraps);
	tcase_add_test(tc, test_odd_frame_count);
	tcase_add_test(tc, test_zero_frames);
	tcase_add_test(tc, test_contig_args);
	tcase_add_test(tc, test_contig_alignment);
	tcase_add_test(tc, test_contig_skips_holes);
	tcase_add_test(tc, test_contig_limit);
	tcase_add_test(tc, test_contig_exhaust_and_free);
	tcase_add_test(tc, test_bad_frees);
	tcase_add_test(tc, test_bad_free_contig_partial);
	tcase_add_test(tc, test_random_ops);
	tcase_add_test(tc, test_locking);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pmm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
