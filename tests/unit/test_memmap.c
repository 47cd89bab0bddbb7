/*
 * Host tests for kernel/mm/memmap.c: hand-made overlap cases, maps shaped
 * like the ones QEMU's SeaBIOS, iPXE and GRUB hand over, truncation, and a
 * randomized comparison with a brute-force model that assigns a type to
 * every address unit separately.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/memmap.h"

#define R(s, e, t)                                    \
	{                                             \
		.start = (s), .end = (e), .type = (t) \
	}

static struct mem_region out[512];

static size_t norm(const struct mem_region *in, size_t n, size_t max)
{
	/* Poison out so stale entries cannot pass for results. */
	memset(out, 0xee, sizeof(out));
	return memmap_normalize(in, n, out, max);
}

static void expect(size_t got, const struct mem_region *want, size_t n)
{
	size_t i;

	ck_assert_uint_eq(got, n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(out[i].start == want[i].start && out[i].end == want[i].end &&
				      out[i].type == want[i].type,
			      "entry %zu: [%#llx-%#llx) %u, want [%#llx-%#llx) %u", i,
			      (unsigned long long)out[i].start, (unsigned long long)out[i].end,
			      out[i].type, (unsigned long long)want[i].start,
			      (unsigned long long)want[i].end, want[i].type);
	}
}

#define EXPECT(got, ...)                                             \
	do {                                                         \
		static const struct mem_region w_[] = {__VA_ARGS__}; \
		expect((got), w_, ARRAY_SIZE(w_));                   \
	} while (0)

START_TEST(test_empty)
{
	static const struct mem_region in[] = {R(0x1000, 0x1000, MEM_USABLE),
					       R(0x5000, 0x2000, MEM_USABLE)};

	ck_assert_uint_eq(norm(NULL, 0, 16), 0);
	ck_assert_uint_eq(norm(in, 2, 16), 0);
	/* max 0 writes nothing. */
	ck_assert_uint_eq(memmap_normalize(in, 2, NULL, 0), 0);
}
END_TEST

START_TEST(test_sorts)
{
	static const struct mem_region in[] = {
		R(0x300000, 0x400000, MEM_USABLE),
		R(0x0, 0x9f000, MEM_USABLE),
		R(0x100000, 0x200000, MEM_RESERVED),
	};

	EXPECT(norm(in, 3, 16), R(0x0, 0x9f000, MEM_USABLE), R(0x100000, 0x200000, MEM_RESERVED),
	       R(0x300000, 0x400000, MEM_USABLE));
}
END_TEST

START_TEST(test_overlap_restrictive_wins)
{
	static const struct mem_region in[] = {
		R(0x0, 0x10000, MEM_USABLE),
		R(0x8000, 0x18000, MEM_RESERVED),
	};
	static const struct mem_region in2[] = {
		R(0x8000, 0x18000, MEM_RESERVED),
		R(0x0, 0x10000, MEM_USABLE),
	};

	EXPECT(norm(in, 2, 16), R(0x0, 0x8000, MEM_USABLE), R(0x8000, 0x18000, MEM_RESERVED));
	/* The input order does not matter. */
	EXPECT(norm(in2, 2, 16), R(0x0, 0x8000, MEM_USABLE), R(0x8000, 0x18000, MEM_RESERVED));
}
END_TEST

START_TEST(test_nested)
{
	static const struct mem_region in[] = {
		R(0x0, 0x100000, MEM_USABLE),
		R(0x40000, 0x50000, MEM_ACPI_NVS),
		R(0x42000, 0x43000, MEM_RESERVED), /* inside NVS: loses */
		R(0x60000, 0x61000, MEM_BAD),
	};

	EXPECT(norm(in, 4, 16), R(0x0, 0x40000, MEM_USABLE), R(0x40000, 0x50000, MEM_ACPI_NVS),
	       R(0x50000, 0x60000, MEM_USABLE), R(0x60000, 0x61000, MEM_BAD),
	       R(0x61000, 0x100000, MEM_USABLE));
}
END_TEST

START_TEST(test_rank_order)
{
	/* The same range claimed by every type: BAD wins; then without BAD,
	 * NVS; and so on down to USABLE. */
	static const uint32_t order[] = {MEM_BAD, MEM_ACPI_NVS, MEM_ACPI_RECLAIM,
					 77,	  MEM_RESERVED, MEM_USABLE};
	struct mem_region in[6];
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(order); k++) {
		size_t n = 0;

		/* Types order[k..] in reverse so the winner is listed last. */
		for (i = ARRAY_SIZE(order); i-- > k;)
			in[n++] = (struct mem_region)R(0x1000, 0x2000, order[i]);
		ck_assert_uint_eq(norm(in, n, 16), 1);
		ck_assert_uint_eq(out[0].type, order[k]);
	}
}
END_TEST

START_TEST(test_unknown_types)
{
	static const struct mem_region in[] = {
		R(0x0, 0x3000, MEM_USABLE),
		R(0x1000, 0x2000, 12), /* unknown: beats usable */
		R(0x5000, 0x7000, MEM_ACPI_RECLAIM),
		R(0x6000, 0x8000, 0), /* unknown: loses to ACPI data */
		R(0x9000, 0xa000, 7),
		R(0x9000, 0xa000, 20), /* equal rank: the higher number, always */
		R(0xb000, 0xc000, MEM_RESERVED),
		R(0xb000, 0xc000, 0xffffffff), /* unknown beats reserved */
	};

	EXPECT(norm(in, ARRAY_SIZE(in), 16), R(0x0, 0x1000, MEM_USABLE), R(0x1000, 0x2000, 12),
	       R(0x2000, 0x3000, MEM_USABLE), R(0x5000, 0x7000, MEM_ACPI_RECLAIM),
	       R(0x7000, 0x8000, 0), R(0x9000, 0xa000, 20), R(0xb000, 0xc000, 0xffffffff));
	ck_assert_str_eq(memmap_type_name(12), "unknown");
	ck_assert_str_eq(memmap_type_name(0), "unknown");
}
END_TEST

START_TEST(test_adjacent_merge)
{
	static const struct mem_region in[] = {
		R(0x2000, 0x3000, MEM_USABLE),	 R(0x0, 0x1000, MEM_USABLE),
		R(0x1000, 0x2000, MEM_USABLE),	 R(0x3000, 0x4000, MEM_RESERVED),
		R(0x4000, 0x5000, MEM_RESERVED), R(0x5000, 0x6000, 9),
		R(0x6000, 0x7000, 10),	       /* different unknown numbers stay apart */
		R(0x8000, 0x9000, MEM_USABLE), /* a gap stops merging */
	};

	EXPECT(norm(in, ARRAY_SIZE(in), 16), R(0x0, 0x3000, MEM_USABLE),
	       R(0x3000, 0x5000, MEM_RESERVED), R(0x5000, 0x6000, 9), R(0x6000, 0x7000, 10),
	       R(0x8000, 0x9000, MEM_USABLE));
}
END_TEST

START_TEST(test_duplicates_and_split_merge)
{
	/* A reserved hole splits usable RAM; usable pieces around a hole of the
	 * same type rejoin. */
	static const struct mem_region in[] = {
		R(0x0, 0x10000, MEM_USABLE),
		R(0x0, 0x10000, MEM_USABLE),
		R(0x4000, 0x8000, MEM_USABLE),
		R(0x8000, 0x9000, MEM_RESERVED),
	};

	EXPECT(norm(in, ARRAY_SIZE(in), 16), R(0x0, 0x8000, MEM_USABLE),
	       R(0x8000, 0x9000, MEM_RESERVED), R(0x9000, 0x10000, MEM_USABLE));
}
END_TEST

START_TEST(test_wrapping_and_extremes)
{
	/* The loader computes end = start + len; when that overflows, end is
	 * below start and the entry is dropped. */
	uint64_t start = 0xfffffffffffff000ULL;
	struct mem_region in[] = {
		R(start, start + 0x2000, MEM_USABLE), /* wrapped */
		R(0x1000, 0x2000, MEM_USABLE),
		R(0xffffffff00000000ULL, 0xffffffffffffffffULL, MEM_RESERVED),
		R(0xfffffffffffffffeULL, 0xffffffffffffffffULL, MEM_BAD),
		R(0, 1, MEM_USABLE),
	};

	EXPECT(norm(in, ARRAY_SIZE(in), 16), R(0x0, 0x1, MEM_USABLE), R(0x1000, 0x2000, MEM_USABLE),
	       R(0xffffffff00000000ULL, 0xfffffffffffffffeULL, MEM_RESERVED),
	       R(0xfffffffffffffffeULL, 0xffffffffffffffffULL, MEM_BAD));
}
END_TEST

START_TEST(test_truncation_keeps_lowest)
{
	struct mem_region in[40];
	size_t i, n;

	/* 40 separate regions listed from the top down. */
	for (i = 0; i < 40; i++)
		in[i] = (struct mem_region)R((39 - i) * 0x10000, (39 - i) * 0x10000 + 0x1000,
					     MEM_USABLE);
	n = norm(in, 40, 10);
	ck_assert_uint_eq(n, 10);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(out[i].start, i * 0x10000);
	/* Nothing written past max. */
	ck_assert_uint_eq(out[10].start, 0xeeeeeeeeeeeeeeeeULL);

	/* When the last kept region can still grow, it grows. */
	{
		static const struct mem_region m[] = {
			R(0x0, 0x1000, MEM_RESERVED),
			R(0x1000, 0x2000, MEM_USABLE),
			R(0x2000, 0x3000, MEM_USABLE),
			R(0x3000, 0x4000, MEM_BAD),
		};

		EXPECT(norm(m, 4, 2), R(0x0, 0x1000, MEM_RESERVED), R(0x1000, 0x3000, MEM_USABLE));
		EXPECT(norm(m, 4, 1), R(0x0, 0x1000, MEM_RESERVED));
	}
}
END_TEST

START_TEST(test_more_than_memmap_max)
{
	static struct mem_region in[400];
	size_t i, n;

	/* More input than MEMMAP_MAX, alternating types so nothing merges. */
	for (i = 0; i < 400; i++)
		in[i] = (struct mem_region)R(i * 0x1000, (i + 1) * 0x1000,
					     i % 2 ? MEM_RESERVED : MEM_USABLE);
	n = norm(in, 400, 512);
	ck_assert_uint_eq(n, 400);
	n = norm(in, 400, MEMMAP_MAX);
	ck_assert_uint_eq(n, MEMMAP_MAX);
	ck_assert_uint_eq(out[MEMMAP_MAX - 1].end, MEMMAP_MAX * 0x1000);
	/* Same type everywhere: one region. */
	for (i = 0; i < 400; i++)
		in[i].type = MEM_USABLE;
	EXPECT(norm(in, 400, MEMMAP_MAX), R(0, 400 * 0x1000, MEM_USABLE));
}
END_TEST

/* SeaBIOS under QEMU -m 128M, as multiboot passes it on. */
START_TEST(test_qemu_map)
{
	static const struct mem_region in[] = {
		R(0x0, 0x9fc00, MEM_USABLE),	       R(0x9fc00, 0xa0000, MEM_RESERVED),
		R(0xf0000, 0x100000, MEM_RESERVED),    R(0x100000, 0x7fe0000, MEM_USABLE),
		R(0x7fe0000, 0x8000000, MEM_RESERVED), R(0xfffc0000, 0x100000000ULL, MEM_RESERVED),
	};
	size_t n = norm(in, ARRAY_SIZE(in), MEMMAP_MAX);

	expect(n, in, ARRAY_SIZE(in)); /* already normal */
	ck_assert_uint_eq(memmap_total(out, n, MEM_USABLE), 0x9fc00 + 0x7ee0000);
	ck_assert_uint_eq(memmap_total(out, n, MEM_RESERVED), 0x400 + 0x10000 + 0x20000 + 0x40000);
	ck_assert_uint_eq(memmap_total(out, n, MEM_BAD), 0);
}
END_TEST

/* iPXE's map: like SeaBIOS's but iPXE carves itself out of the top of
 * usable RAM, reported as an overlapping reserved entry after the fact. */
START_TEST(test_ipxe_map)
{
	static const struct mem_region in[] = {
		R(0x0, 0x9fc00, MEM_USABLE),	       R(0x9fc00, 0xa0000, MEM_RESERVED),
		R(0xf0000, 0x100000, MEM_RESERVED),    R(0x100000, 0x7fe0000, MEM_USABLE),
		R(0x7fe0000, 0x8000000, MEM_RESERVED), R(0xfffc0000, 0x100000000ULL, MEM_RESERVED),
		R(0x7f00000, 0x7fe0000, MEM_RESERVED), R(0x9f000, 0x9fc00, MEM_RESERVED),
	};

	EXPECT(norm(in, ARRAY_SIZE(in), MEMMAP_MAX), R(0x0, 0x9f000, MEM_USABLE),
	       R(0x9f000, 0xa0000, MEM_RESERVED), R(0xf0000, 0x100000, MEM_RESERVED),
	       R(0x100000, 0x7f00000, MEM_USABLE), R(0x7f00000, 0x8000000, MEM_RESERVED),
	       R(0xfffc0000, 0x100000000ULL, MEM_RESERVED));
}
END_TEST

/* A GRUB-on-firmware map with ACPI tables, NVS, above-4G RAM, unsorted. */
START_TEST(test_grub_map)
{
	static const struct mem_region in[] = {
		R(0x100000000ULL, 0x240000000ULL, MEM_USABLE),
		R(0x0, 0x9d800, MEM_USABLE),
		R(0x9d800, 0xa0000, MEM_RESERVED),
		R(0xe0000, 0x100000, MEM_RESERVED),
		R(0x100000, 0xbf6c0000, MEM_USABLE),
		R(0xbf6c0000, 0xbf6d0000, MEM_ACPI_RECLAIM),
		R(0xbf6d0000, 0xbf700000, MEM_ACPI_NVS),
		R(0xbf700000, 0xc0000000, MEM_RESERVED),
		R(0xe0000000, 0xf0000000, MEM_RESERVED),
		R(0xfee00000, 0xfee01000, MEM_RESERVED),
		R(0xffe00000, 0x100000000ULL, MEM_RESERVED),
	};
	size_t n = norm(in, ARRAY_SIZE(in), MEMMAP_MAX);

	ck_assert_uint_eq(n, ARRAY_SIZE(in));
	ck_assert_uint_eq(out[0].start, 0);
	ck_assert_uint_eq(out[n - 1].start, 0x100000000ULL);
	ck_assert_uint_eq(memmap_total(out, n, MEM_USABLE),
			  0x9d800 + (0xbf6c0000 - 0x100000) + 0x140000000ULL);
	ck_assert_uint_eq(memmap_total(out, n, MEM_ACPI_RECLAIM), 0x10000);
	ck_assert_uint_eq(memmap_total(out, n, MEM_ACPI_NVS), 0x30000);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(memmap_type_name(MEM_USABLE), "usable");
	ck_assert_str_eq(memmap_type_name(MEM_RESERVED), "reserved");
	ck_assert_str_eq(memmap_type_name(MEM_ACPI_RECLAIM), "ACPI data");
	ck_assert_str_eq(memmap_type_name(MEM_ACPI_NVS), "ACPI NVS");
	ck_assert_str_eq(memmap_type_name(MEM_BAD), "bad");
	ck_assert_str_eq(memmap_type_name(6), "unknown");
}
END_TEST

START_TEST(test_total)
{
	static const struct mem_region in[] = {
		R(0x0, 0x1000, MEM_USABLE),
		R(0x2000, 0x1000, MEM_USABLE), /* empty: ignored */
		R(0x3000, 0x5000, MEM_USABLE),
		R(0x3000, 0x5000, MEM_RESERVED),
		R(0, UINT64_MAX, MEM_BAD),
		R(0, UINT64_MAX, MEM_BAD), /* would wrap: saturates */
	};

	ck_assert_uint_eq(memmap_total(in, ARRAY_SIZE(in), MEM_USABLE), 0x3000);
	ck_assert_uint_eq(memmap_total(in, ARRAY_SIZE(in), MEM_RESERVED), 0x2000);
	ck_assert_uint_eq(memmap_total(in, ARRAY_SIZE(in), MEM_BAD), UINT64_MAX);
	ck_assert_uint_eq(memmap_total(in, 0, MEM_USABLE), 0);
}
END_TEST

/* ---- randomized comparison with a per-unit model ------------------------ */

#define SPACE 96 /* address units the random regions live in */

static unsigned rank(uint32_t t)
{
	static const unsigned r[] = {2, 0, 1, 3, 4, 5};

	return t <= 5 && t ? r[t] : 2;
}

START_TEST(test_random_model)
{
	unsigned seed = 777 + (unsigned)_i;
	int iter;

	for (iter = 0; iter < 2000; iter++) {
		static const uint32_t types[] = {1, 1, 1, 2, 3, 4, 5, 0, 9, 10};
		struct mem_region in[24];
		int64_t model[SPACE]; /* type per unit, -1 = hole */
		size_t n = (size_t)(rand_r(&seed) % 24), max = 1 + (size_t)(rand_r(&seed) % 30);
		size_t i, got, k;
		uint64_t a;

		for (a = 0; a < SPACE; a++)
			model[a] = -1;
		for (i = 0; i < n; i++) {
			uint64_t s = (uint64_t)(rand_r(&seed) % SPACE);
			uint64_t e = (uint64_t)(rand_r(&seed) % (SPACE + 1));
			uint32_t t = types[rand_r(&seed) % ARRAY_SIZE(types)];

			in[i] = (struct mem_region)R(s, e, t);
			for (a = s; a < e; a++) {
				if (model[a] < 0 || rank(t) > rank((uint32_t)model[a]) ||
				    (rank(t) == rank((uint32_t)model[a]) && t > (uint32_t)model[a]))
					model[a] = t;
			}
		}
		got = norm(in, n, max);
		ck_assert_uint_le(got, max);

		/* Sorted, disjoint, non-empty, maximal. */
		for (k = 0; k < got; k++) {
			ck_assert_uint_lt(out[k].start, out[k].end);
			if (k) {
				ck_assert_uint_le(out[k - 1].end, out[k].start);
				ck_assert(out[k - 1].end != out[k].start ||
					  out[k - 1].type != out[k].type);
			}
		}
		/* Each unit below the cut-off has the model's type; the cut-off is
		 * the end of the last region when the output is full. */
		{
			uint64_t limit = got == max && got ? out[got - 1].end : SPACE;

			for (a = 0, k = 0; a < limit; a++) {
				int64_t t = -1;

				while (k < got && out[k].end <= a)
					k++;
				if (k < got && out[k].start <= a)
					t = out[k].type;
				ck_assert_msg(t == model[a],
					      "iter %d unit %llu: got %lld want %lld", iter,
					      (unsigned long long)a, (long long)t,
					      (long long)model[a]);
			}
			/* The model's next unit after a full output is never the
			 * same type continuing the last region (it would have
			 * been merged). */
			if (got == max && limit < SPACE && got)
				ck_assert(model[limit] != (int64_t)out[got - 1].type);
		}
	}
}
END_TEST

static Suite *memmap_suite(void)
{
	Suite *s = suite_create("memmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_sorts);
	tcase_add_test(tc, test_overlap_restrictive_wins);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_rank_order);
	tcase_add_test(tc, test_unknown_types);
	tcase_add_test(tc, test_adjacent_merge);
	tcase_add_test(tc, test_duplicates_and_split_merge);
	tcase_add_test(tc, test_wrapping_and_extremes);
	tcase_add_test(tc, test_truncation_keeps_lowest);
	tcase_add_test(tc, test_more_than_memmap_max);
	tcase_add_test(tc, test_qemu_map);
	tcase_add_test(tc, test_ipxe_map);
	tcase_add_test(tc, test_grub_map);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_total);
	tcase_add_loop_test(tc, test_random_model, 0, 4);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memmap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
