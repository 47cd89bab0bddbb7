/*
 * Host tests for the backtrace symbol search (kernel/lib/ksyms.c): exact
 * hits, addresses inside and between symbols, both ends of the table, and
 * the empty table.
 */
#include <check.h>
#include <stdlib.h>
#include "kernel/lib/ksyms.h"

/* ksyms.c also holds ksyms_format, which reads the kernel's own table. */
const uint64_t ksyms_count = 0;
const struct ksym ksyms_table[1];
char __text_end[1];

static const struct ksym tab[] = {
	{0x1000, "a"},
	{0x1010, "b"},
	{0x1010, "b_alias"},
	{0x1100, "c"},
};
#define N (sizeof(tab) / sizeof(tab[0]))

START_TEST(test_search)
{
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x0fff), -1);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x1000), 0);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x100f), 0);
	/* Aliases at one address: the last one wins, consistently. */
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x1010), 2);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x10ff), 2);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x1100), 3);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x1fff), 3);
	ck_assert_int_eq(ksyms_search(tab, N, 0x2000, 0x2000), -1);
	ck_assert_int_eq(ksyms_search(tab, 0, 0x2000, 0x1000), -1);
}
END_TEST

START_TEST(test_search_large_random)
{
	enum { n = 5000 };
	struct ksym *t = malloc(n * sizeof(*t));
	uint64_t a = 0x10000;

	for (int i = 0; i < n; i++) {
		t[i].addr = a;
		t[i].name = "x";
		a += 1 + (uint64_t)(rand() % 64);
	}
	for (int k = 0; k < 20000; k++) {
		uint64_t q = 0x10000 + (uint64_t)(rand() % (int)(a - 0x10000));
		long i = ksyms_search(t, n, a, q);
		ck_assert_int_ge(i, 0);
		ck_assert_uint_le(t[i].addr, q);
		if (i + 1 < n)
			ck_assert_uint_gt(t[i + 1].addr, q);
	}
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ksyms");
	TCase *tc = tcase_create("search");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_search_large_random);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
