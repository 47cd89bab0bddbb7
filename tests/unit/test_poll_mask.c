/*
 * Host tests for fs/poll_mask.c: poll's revents rule (POLLERR and POLLHUP
 * always reported, other bits only when asked), select's three sets as
 * Linux fs/select.c maps them, and timeout conversion with Linux's EINVAL
 * cases and rounding up to whole milliseconds.
 */
#include <check.h>
#include <stdlib.h>
#include "fs/poll_mask.h"
#include "host_svc.h"

START_TEST(test_revents)
{
	ck_assert_uint_eq(poll_revents(POLLIN | POLLOUT, POLLIN), POLLIN);
	ck_assert_uint_eq(poll_revents(POLLIN | POLLOUT, 0), 0);
	ck_assert_uint_eq(poll_revents(POLLHUP, 0), POLLHUP);
	ck_assert_uint_eq(poll_revents(POLLERR | POLLOUT, POLLIN), POLLERR);
	ck_assert_uint_eq(poll_revents(POLLPRI | POLLIN, POLLPRI), POLLPRI);
	ck_assert_uint_eq(poll_revents(DEFAULT_POLLMASK, POLLOUT | POLLWRNORM),
			  POLLOUT | POLLWRNORM);
}
END_TEST

START_TEST(test_select_sets)
{
	ck_assert(poll_select_readable(POLLIN));
	ck_assert(poll_select_readable(POLLHUP)); /* EOF is readable */
	ck_assert(poll_select_readable(POLLERR));
	ck_assert(!poll_select_readable(POLLOUT));
	ck_assert(poll_select_writable(POLLOUT));
	ck_assert(poll_select_writable(POLLERR)); /* a write would fail at once */
	ck_assert(!poll_select_writable(POLLHUP));
	ck_assert(poll_select_except(POLLPRI));
	ck_assert(!poll_select_except(POLLIN | POLLERR));
	ck_assert_uint_eq(poll_select_events(true, false, false) & POLLOUT, 0);
	ck_assert_uint_ne(poll_select_events(true, false, false) & POLLIN, 0);
	ck_assert_uint_ne(poll_select_events(false, true, false) & POLLOUT, 0);
	ck_assert_uint_eq(poll_select_events(false, false, true), POLLPRI);
}
END_TEST

START_TEST(test_timeouts)
{
	uint64_t ms = 99;
	int64_t sec, nsec;

	ck_assert_int_eq(poll_timeout_ms(0, 0, &ms), 0);
	ck_assert_uint_eq(ms, 0);
	ck_assert_int_eq(poll_timeout_ms(1, 500000000, &ms), 0);
	ck_assert_uint_eq(ms, 1500);
	ck_assert_int_eq(poll_timeout_ms(0, 1, &ms), 0);
	ck_assert_uint_eq(ms, 1); /* rounded up, never early */
	ck_assert_int_eq(poll_timeout_ms(-1, 0, &ms), -EINVAL);
	ck_assert_int_eq(poll_timeout_ms(0, -1, &ms), -EINVAL);
	ck_assert_int_eq(poll_timeout_ms(0, 1000000000, &ms), -EINVAL);
	ck_assert_int_eq(poll_timeout_ms(INT64_MAX, 0, &ms), 0);
	ck_assert_uint_eq(ms, POLL_MS_MAX);

	ck_assert_int_eq(poll_timeval_ms(0, 1500, &ms), 0);
	ck_assert_uint_eq(ms, 2);
	ck_assert_int_eq(poll_timeval_ms(1, 2000000, &ms), 0); /* carried, as kern_select */
	ck_assert_uint_eq(ms, 3000);
	ck_assert_int_eq(poll_timeval_ms(0, -1, &ms), -EINVAL);
	ck_assert_int_eq(poll_timeval_ms(-1, 0, &ms), -EINVAL);
	ck_assert_int_eq(poll_timeval_ms(INT64_MAX, 999999999, &ms), 0);
	ck_assert_uint_eq(ms, POLL_MS_MAX);

	poll_time_left(1500, 400, &sec, &nsec);
	ck_assert_int_eq(sec, 1);
	ck_assert_int_eq(nsec, 100000000);
	poll_time_left(100, 400, &sec, &nsec);
	ck_assert_int_eq(sec, 0);
	ck_assert_int_eq(nsec, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("poll_mask");
	TCase *tc = tcase_create("poll_mask");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_revents);
	tcase_add_test(tc, test_select_sets);
	tcase_add_test(tc, test_timeouts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
