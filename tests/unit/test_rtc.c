/*
 * Host tests for the pure parts of drivers/rtc.c: BCD decoding and the
 * civil-date to epoch conversion (checked against the C library's timegm
 * for every day from 1970 to 2100, leap years included).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <time.h>
#include "drivers/rtc.h"

START_TEST(test_decode)
{
	ck_assert_uint_eq(rtc_decode(0x59, 0), 59);
	ck_assert_uint_eq(rtc_decode(0x59, 1), 0x59);
	ck_assert_uint_eq(rtc_decode(0x00, 0), 0);
	ck_assert_uint_eq(rtc_decode(0x12, 0), 12);
}
END_TEST

START_TEST(test_epoch_against_timegm)
{
	for (time_t day = 0; day < 47847; day++) { /* 1970 .. 2100 */
		time_t when = day * 86400 + 3723;
		struct tm tm;
		struct rtc_time t;
		gmtime_r(&when, &tm);
		t.year = (unsigned)tm.tm_year + 1900;
		t.month = (unsigned)tm.tm_mon + 1;
		t.day = (unsigned)tm.tm_mday;
		t.hour = (unsigned)tm.tm_hour;
		t.min = (unsigned)tm.tm_min;
		t.sec = (unsigned)tm.tm_sec;
		ck_assert_int_eq(rtc_to_epoch(&t), (int64_t)when);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rtc");
	TCase *tc = tcase_create("convert");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_epoch_against_timegm);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
