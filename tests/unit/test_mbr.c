/*
 * Host tests for drivers/mbr.c: a sfdisk-style single partition, four
 * partitions, no signature, GPT protective MBR, entries past the disk end,
 * overlapping entries, extended entries skipped, bad status bytes.
 */
#include <check.h>
#include <stdlib.h>
#include "drivers/mbr.h"
#include "host_svc.h"

static uint8_t sec[512];

static void set_entry(int i, uint8_t status, uint8_t type, uint32_t lba, uint32_t n)
{
	struct mbr_entry e = {0};

	e.status = status;
	e.type = type;
	e.lba_first = lba;
	e.sectors = n;
	memcpy(sec + MBR_TABLE_OFF + i * sizeof(e), &e, sizeof(e));
}

static void blank(void)
{
	memset(sec, 0, sizeof(sec));
	sec[510] = 0x55;
	sec[511] = 0xaa;
}

START_TEST(test_single)
{
	struct mbr_part p[4];
	unsigned bad;

	blank();
	set_entry(0, 0x80, 0x83, 2048, 129024);
	ck_assert_int_eq(mbr_parse(sec, 131072, p, &bad), 1);
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_eq(p[0].partno, 1);
	ck_assert_uint_eq(p[0].start, 2048);
	ck_assert_uint_eq(p[0].sectors, 129024);
	ck_assert(p[0].bootable);
}
END_TEST

START_TEST(test_four_and_gaps)
{
	struct mbr_part p[4];
	unsigned bad;

	blank();
	set_entry(0, 0, 0x83, 100, 100);
	set_entry(2, 0, 0x0c, 300, 100); /* entry 2 empty: numbering keeps slots */
	set_entry(3, 0, 0x05, 500, 100); /* extended: skipped */
	ck_assert_int_eq(mbr_parse(sec, 1000, p, &bad), 2);
	ck_assert_int_eq(p[1].partno, 3);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(test_bad_entries)
{
	struct mbr_part p[4];
	unsigned bad;

	blank();
	set_entry(0, 0, 0x83, 100, 1000);  /* past the end of a 1000-sector disk */
	set_entry(1, 0, 0x83, 10, 100);	   /* fine */
	set_entry(2, 0, 0x83, 50, 100);	   /* overlaps entry 1 */
	set_entry(3, 0x12, 0x83, 500, 10); /* bad status byte */
	ck_assert_int_eq(mbr_parse(sec, 1000, p, &bad), 1);
	ck_assert_uint_eq(bad, 3);
	set_entry(1, 0, 0x83, 0, 100); /* sector 0 holds the MBR itself */
	ck_assert_int_eq(mbr_parse(sec, 1000, p, &bad), 1);
	ck_assert_uint_eq(p[0].start, 50); /* entry 3 no longer overlaps anything */
	/* 32-bit wrap: start + length past 2^32 on a huge disk is still checked. */
	blank();
	set_entry(0, 0, 0x83, 0xffffff00u, 0x200);
	ck_assert_int_eq(mbr_parse(sec, 0x100000000ull, p, &bad), 0);
	ck_assert_uint_eq(bad, 1);
}
END_TEST

START_TEST(test_no_signature_and_gpt)
{
	struct mbr_part p[4];
	unsigned bad;

	blank();
	set_entry(0, 0, 0x83, 2048, 100);
	sec[511] = 0;
	ck_assert_int_eq(mbr_parse(sec, 100000, p, &bad), 0);
	blank();
	set_entry(0, 0, MBR_TYPE_GPT, 1, 99999);
	ck_assert_int_eq(mbr_parse(sec, 100000, p, &bad), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mbr");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_four_and_gaps);
	tcase_add_test(tc, test_bad_entries);
	tcase_add_test(tc, test_no_signature_and_gpt);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
