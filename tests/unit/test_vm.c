/*
 * Host tests for kernel/mm/vm.c: inserting and merging, lookups, unmapping
 * that trims, splits and removes, protecting that splits and re-merges,
 * file offsets across splits, gap search top-down with a stack guard,
 * growing a stack, cloning, and file references balanced throughout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/vm.h"

#define P(n) ((uint64_t)(n)*VM_PAGE)

static int refs;
static char the_file;

static void fget(void *f)
{
	ck_assert_ptr_eq(f, &the_file);
	refs++;
}

static void fput(void *f)
{
	ck_assert_ptr_eq(f, &the_file);
	ck_assert_int_gt(refs, 0);
	refs--;
}

static const struct vm_file_ops fops = {fget, fput};
static struct vm_map m;

static void setup(void)
{
	refs = 0;
	vm_map_init(&m, &fops);
}

static void teardown(void)
{
	vm_map_destroy(&m);
	ck_assert_int_eq(refs, 0);
	ck_assert_uint_eq(m.count, 0);
}

static int anon(uint64_t s, uint64_t e, unsigned prot)
{
	struct vm_area a = {.start = s, .end = e, .prot = prot, .flags = VMA_ANON};
	return vm_insert(&m, &a);
}

static int filemap(uint64_t s, uint64_t e, uint64_t off)
{
	struct vm_area a = {.start = s,
			    .end = e,
			    .prot = VM_PROT_READ,
			    .file = &the_file,
			    .off = off,
			    .file_end = UINT64_MAX};
	return vm_insert(&m, &a);
}

/* The layout as "start-end:prot ..." in pages, for compact assertions. */
static const char *layout(void)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = 0;
	for (struct vm_area *a = m.head; a; a = a->next)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%llu-%llu:%u", n ? " " : "",
				      (unsigned long long)(a->start / VM_PAGE),
				      (unsigned long long)(a->end / VM_PAGE), a->prot);
	return buf;
}

START_TEST(test_insert_merge)
{
	ck_assert_int_eq(anon(P(10), P(12), 3), 0);
	ck_assert_int_eq(anon(P(12), P(14), 3), 0);
	ck_assert_str_eq(layout(), "10-14:3");
	ck_assert_int_eq(anon(P(8), P(10), 1), 0); /* different prot: no merge */
	ck_assert_str_eq(layout(), "8-10:1 10-14:3");
	ck_assert_int_eq(anon(P(14), P(16), 3), 0);
	ck_assert_str_eq(layout(), "8-10:1 10-16:3");
	ck_assert_uint_eq(m.count, 2);
	ck_assert_int_eq(anon(P(9), P(11), 3), -EEXIST);
	ck_assert_int_eq(anon(P(15), P(20), 3), -EEXIST);
	ck_assert_int_eq(anon(P(1) + 1, P(3), 3), -EINVAL);
	ck_assert_int_eq(anon(P(3), P(3), 3), -EINVAL);
	ck_assert_int_eq(anon(P(3), P(4), 8), -EINVAL);
}
END_TEST

START_TEST(test_find)
{
	anon(P(10), P(12), 3);
	anon(P(20), P(22), 1);
	ck_assert_ptr_null(vm_find(&m, P(9)));
	ck_assert_uint_eq(vm_find(&m, P(10))->start, P(10));
	ck_assert_uint_eq(vm_find(&m, P(12) - 1)->start, P(10));
	ck_assert_ptr_null(vm_find(&m, P(12)));
	ck_assert_uint_eq(vm_find_next(&m, P(12))->start, P(20));
	ck_assert_ptr_null(vm_find_next(&m, P(22)));
	ck_assert_uint_eq(vm_find_prev(&m, P(20))->start, P(10));
	ck_assert_ptr_null(vm_find_prev(&m, P(10)));
	ck_assert(vm_range_free(&m, P(12), P(20)));
	ck_assert(!vm_range_free(&m, P(12), P(21)));
	ck_assert(vm_range_covered(&m, P(10), P(12)));
	ck_assert(!vm_range_covered(&m, P(10), P(13)));
}
END_TEST

START_TEST(test_unmap)
{
	anon(P(10), P(20), 3);
	ck_assert_int_eq(vm_unmap(&m, P(12), P(14)), 0); /* split */
	ck_assert_str_eq(layout(), "10-12:3 14-20:3");
	ck_assert_int_eq(vm_unmap(&m, P(19), P(30)), 0); /* trim the top */
	ck_assert_str_eq(layout(), "10-12:3 14-19:3");
	ck_assert_int_eq(vm_unmap(&m, P(5), P(11)), 0); /* trim the bottom */
	ck_assert_str_eq(layout(), "11-12:3 14-19:3");
	ck_assert_int_eq(vm_unmap(&m, P(0), P(100)), 0); /* everything, holes too */
	ck_assert_str_eq(layout(), "");
	ck_assert_int_eq(vm_unmap(&m, P(0), P(1)), 0); /* nothing there: fine */
	ck_assert_int_eq(vm_unmap(&m, P(1), P(1)), -EINVAL);
	ck_assert_int_eq(vm_unmap(&m, 5, P(1)), -EINVAL);
}
END_TEST

START_TEST(test_protect)
{
	anon(P(10), P(20), 3);
	ck_assert_int_eq(vm_protect(&m, P(12), P(14), 1), 0);
	ck_assert_str_eq(layout(), "10-12:3 12-14:1 14-20:3");
	ck_assert_int_eq(vm_protect(&m, P(12), P(14), 3), 0); /* merges back */
	ck_assert_str_eq(layout(), "10-20:3");
	ck_assert_uint_eq(m.count, 1);
	ck_assert_int_eq(vm_protect(&m, P(18), P(22), 0), -ENOMEM); /* hole */
	ck_assert_str_eq(layout(), "10-20:3");
	ck_assert_int_eq(vm_protect(&m, P(10), P(20), 0), 0);
	ck_assert_str_eq(layout(), "10-20:0");
	ck_assert_int_eq(vm_protect(&m, P(10), P(11), 9), -EINVAL);
}
END_TEST

START_TEST(test_file_offsets)
{
	ck_assert_int_eq(filemap(P(10), P(20), P(100)), 0);
	ck_assert_int_eq(refs, 1);
	ck_assert_int_eq(vm_unmap(&m, P(12), P(13)), 0);
	ck_assert_int_eq(refs, 2);
	ck_assert_uint_eq(vm_find(&m, P(15))->off, P(103));
	/* Re-filling the hole with the right offset merges all three. */
	ck_assert_int_eq(filemap(P(12), P(13), P(102)), 0);
	ck_assert_str_eq(layout(), "10-20:1");
	ck_assert_int_eq(refs, 1);
	/* A wrong offset does not merge. */
	ck_assert_int_eq(filemap(P(20), P(21), P(0)), 0);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_int_eq(vm_protect(&m, P(15), P(16), 0), 0);
	ck_assert_uint_eq(vm_find(&m, P(15))->off, P(105));
	ck_assert_uint_eq(vm_find(&m, P(16))->off, P(106));
	ck_assert_int_eq(refs, 4);
}
END_TEST

START_TEST(test_gap)
{
	uint64_t out;
	struct vm_area stack = {
		.start = P(90), .end = P(100), .prot = 3, .flags = VMA_ANON | VMA_GROWSDOWN};

	ck_assert_int_eq(vm_find_gap(&m, P(4), P(10), P(50), 0, &out), 0);
	ck_assert_uint_eq(out, P(46)); /* top-down */
	anon(P(40), P(50), 3);
	ck_assert_int_eq(vm_find_gap(&m, P(4), P(10), P(50), 0, &out), 0);
	ck_assert_uint_eq(out, P(36));
	anon(P(10), P(37), 3);
	ck_assert_int_eq(vm_find_gap(&m, P(4), P(10), P(50), 0, &out), -ENOMEM);
	ck_assert_int_eq(vm_find_gap(&m, P(3), P(10), P(50), 0, &out), 0);
	ck_assert_uint_eq(out, P(37));
	/* Keep 8 pages clear below a stack. */
	ck_assert_int_eq(vm_insert(&m, &stack), 0);
	ck_assert_int_eq(vm_find_gap(&m, P(4), P(50), P(200), P(8), &out), 0);
	ck_assert_uint_eq(out, P(196));
	ck_assert_int_eq(vm_find_gap(&m, P(4), P(50), P(100), P(8), &out), 0);
	ck_assert_uint_eq(out, P(78));
	ck_assert_int_eq(vm_find_gap(&m, 0, P(50), P(100), 0, &out), -ENOMEM);
}
END_TEST

START_TEST(test_grow_down)
{
	struct vm_area stack = {
		.start = P(90), .end = P(100), .prot = 3, .flags = VMA_ANON | VMA_GROWSDOWN};

	anon(P(50), P(60), 3);
	ck_assert_int_eq(vm_insert(&m, &stack), 0);
	ck_assert_int_eq(vm_grow_down(&m, vm_find(&m, P(95)), P(70)), 0);
	ck_assert_str_eq(layout(), "50-60:3 70-100:3");
	ck_assert_int_eq(vm_grow_down(&m, vm_find(&m, P(95)), P(59)), -EEXIST);
	ck_assert_int_eq(vm_grow_down(&m, vm_find(&m, P(55)), P(40)), -EINVAL);
	ck_assert_int_eq(vm_grow_down(&m, vm_find(&m, P(95)), P(60)), 0);
	ck_assert_uint_eq(m.count, 2); /* different flags: never merged */
}
END_TEST

START_TEST(test_clone)
{
	struct vm_map c;

	filemap(P(1), P(3), 0);
	anon(P(5), P(7), 3);
	vm_map_init(&c, &fops);
	ck_assert_int_eq(vm_map_clone(&c, &m), 0);
	ck_assert_uint_eq(c.count, 2);
	ck_assert_int_eq(refs, 2);
	ck_assert_int_eq(vm_unmap(&c, P(0), P(10)), 0);
	ck_assert_int_eq(refs, 1);
	ck_assert_str_eq(layout(), "1-3:1 5-7:3");
	vm_map_destroy(&c);
}
END_TEST

/* Many alternating protections: each split is counted and merged back. */
START_TEST(test_many_splits)
{
	anon(P(0), P(1000), 3);
	for (int i = 0; i < 1000; i += 2)
		ck_assert_int_eq(vm_protect(&m, P(i), P(i + 1), 1), 0);
	ck_assert_uint_eq(m.count, 1000);
	ck_assert_int_eq(vm_protect(&m, P(0), P(1000), 3), 0);
	ck_assert_uint_eq(m.count, 1);
}
END_TEST

static Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_insert_merge);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_unmap);
	tcase_add_test(tc, test_protect);
	tcase_add_test(tc, test_file_offsets);
	tcase_add_test(tc, test_gap);
	tcase_add_test(tc, test_grow_down);
	tcase_add_test(tc, test_clone);
	tcase_add_test(tc, test_many_splits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
