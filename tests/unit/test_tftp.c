/*
 * Host tests for the TFTP client engine (net/tftp.c), transfers: plain RFC
 * 1350, options and OACKs, windowsize (RFC 7440) against a windowed server
 * and atftpd's variant, and lost, duplicated and reordered packets, on the
 * scripted server of tftp_script.h. Slirp, errors and limits are in
 * test_tftp_edge.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/proto/tftp.h"
#include "tftp_script.h"

/* ---- tests ---- */

START_TEST(test_rfc_plain)
{
	srv.mode = SRV_RFC;
	srv.size = 5000;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.rrqs, 1);
	ck_assert_uint_eq(cl.blksize, 512);
	ck_assert(!cl.ack_clocked); /* answered from a fresh port */
	ck_assert_uint_eq(cl.stats.acks, 10);
	ck_assert_uint_eq(cl.stats.dup_acks + cl.stats.timeout_acks, 0);
	ck_assert(srv.finished);
	ck_assert_uint_eq(tftp_tsize(&cl), 0);
}
END_TEST

START_TEST(test_exact_multiple)
{
	srv.mode = SRV_RFC;
	srv.size = 1024; /* the third block is empty */
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blocks, 3);
	ck_assert(srv.finished);
}
END_TEST

START_TEST(test_oack_blksize_tsize)
{
	srv.mode = SRV_RFC;
	srv.size = 100000;
	srv.max_blksize = 1428;
	start(1468, 0, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 1428);
	ck_assert_uint_eq(first_data_tsize, 100000);
	ck_assert_uint_eq(cl.blocks, 100000 / 1428 + 1);
}
END_TEST

START_TEST(test_server_ignores_options)
{
	srv.mode = SRV_RFC;
	srv.options = false;
	srv.size = 3000;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 512);
	ck_assert_uint_eq(cl.window, 1);
	ck_assert(!cl.tsize_known);
}
END_TEST

START_TEST(test_window_lost_data)
{
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 100 * 1024;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert(cl.window_nego);
	ck_assert_uint_eq(cl.window, 8);
	ck_assert(!cl.ack_clocked);
	ck_assert_uint_eq(cl.stats.gap_acks, 1);
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_eq(cl.stats.rx_ooo, 4); /* 13..16 of that window */
	/* one ACK per window plus the gap ACK and the final one */
	ck_assert_uint_le(cl.stats.acks, 202 / 8 + 4);
}
END_TEST

START_TEST(test_window_tail_loss)
{
	/* The last block of a window is lost: no gap is seen, and the idle
	 * ACK (not a whole timeout) restarts the window. */
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 50 * 1024;
	fault_block = 16;
	fault_fn = lose_one_data;
	start(512, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_eq(cl.stats.idle_acks, 1);
}
END_TEST

START_TEST(test_atftpd_window_gap)
{
	/* atftpd answers the gap ACK (11) with 12..16 only and waits for
	 * ACK 16; the client has counted 5 of its 8 blocks since that ACK.
	 * Found on a LAN with netem (tests/integration/test_lan.py): each
	 * such gap cost a 1 s timeout before the idle ACK. */
	reset_faults();
	srv.mode = SRV_ATFTPD;
	srv.size = 100 * 1024;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert(cl.window_nego);
	ck_assert_uint_eq(cl.stats.gap_acks, 1);
	ck_assert_uint_eq(cl.stats.idle_acks, 1);
	ck_assert_uint_eq(cl.stats.timeouts, 0);
}
END_TEST

START_TEST(test_atftpd_lost_retransmission)
{
	/* The block after the gap is lost again: the gap ACK is repeated
	 * after the idle time, not after a whole timeout. */
	reset_faults();
	srv.mode = SRV_ATFTPD;
	srv.size = 100 * 1024;
	fault_fn = lose_data_twice;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_ge(cl.stats.idle_acks, 2);
}
END_TEST

START_TEST(test_window_lost_acks)
{
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 64 * 1024;
	fault_fn = lose_acks;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(acks_dropped, 3);
}
END_TEST

START_TEST(test_rfc_lost_ack_and_data)
{
	reset_faults();
	srv.mode = SRV_RFC;
	srv.size = 20 * 512 + 17;
	fault_fn = lose_ack5_data9;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(acks_dropped, 1);
	ck_assert_int_eq(nth_data[9], 2);
}
END_TEST

START_TEST(test_duplicated_data)
{
	/* The network copies every DATA: copies arrive within the holdoff,
	 * so none is answered. */
	srv.mode = SRV_WINDOW;
	srv.size = 40000;
	fault_fn = dup_data;
	start(512, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.dup_acks, 0);
	ck_assert_uint_gt(cl.stats.rx_dup, 70);

	setup();
	srv.mode = SRV_RFC;
	srv.size = 40000;
	fault_fn = dup_data;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.dup_acks, 0);
}
END_TEST

START_TEST(test_reordered_data)
{
	srv.mode = SRV_WINDOW;
	srv.size = 80000;
	fault_fn = reorder_data;
	start(1024, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_gt(cl.stats.rx_ooo, 0);
}
END_TEST

static Suite *tftp_suite(void)
{
	Suite *s = suite_create("tftp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_rfc_plain);
	tcase_add_test(tc, test_exact_multiple);
	tcase_add_test(tc, test_oack_blksize_tsize);
	tcase_add_test(tc, test_server_ignores_options);
	tcase_add_test(tc, test_window_lost_data);
	tcase_add_test(tc, test_atftpd_window_gap);
	tcase_add_test(tc, test_atftpd_lost_retransmission);
	tcase_add_test(tc, test_window_tail_loss);
	tcase_add_test(tc, test_window_lost_acks);
	tcase_add_test(tc, test_rfc_lost_ack_and_data);
	tcase_add_test(tc, test_duplicated_data);
	tcase_add_test(tc, test_reordered_data);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tftp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
