/*
 * Host tests for the TFTP client engine (net/tftp.c), the edges: QEMU's
 * slirp (answers every ACK with its next block, never retransmits), error
 * packets, refused and bad options, block-number wrap-around, the retry
 * limit, a server that dies, foreign transfer ids, a failing data callback
 * and abort, on the scripted server of tftp_script.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/proto/tftp.h"
#include "tftp_script.h"

/* ---- tests: slirp, errors, options, wrap-around, limits ---- */

START_TEST(test_slirp)
{
	srv.mode = SRV_SLIRP;
	srv.size = 1 << 20;
	srv.max_blksize = 1428;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 1428);
	ck_assert_uint_eq(cl.window, 1);
	ck_assert(!cl.window_nego);
	ck_assert(cl.ack_clocked);
	ck_assert_uint_eq(cl.server_tid, TFTP_PORT);
	ck_assert_int_eq(srv.skips, 0);
	ck_assert_uint_eq(first_data_tsize, 1 << 20);
}
END_TEST

START_TEST(test_slirp_duplicates)
{
	srv.mode = SRV_SLIRP;
	srv.size = 200000;
	fault_fn = dup_data;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.skips, 0);
}
END_TEST

START_TEST(test_slirp_lost_data)
{
	/* A lost DATA cannot be recovered from slirp; the client must fail
	 * cleanly, without ever sending the ACK that would skip a block. */
	reset_faults();
	srv.mode = SRV_SLIRP;
	srv.size = 100000;
	fault_block = 20;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	uint64_t t0 = now;
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_int_eq(done_err, -ETIMEDOUT);
	ck_assert_int_eq(srv.skips, 0);
	ck_assert_uint_eq(cl.stats.timeout_acks, 0);
	ck_assert_uint_eq(delivered, 19 * 512);
	ck_assert_uint_lt(now - t0, 7000); /* 6 timeouts of 1 s */
	ck_assert_int_eq(srv.last_error, TFTP_EUNDEF);
}
END_TEST

START_TEST(test_slirp_rfc_policy_skips)
{
	/* What the quirk does to a client that re-ACKs on timeout. */
	reset_faults();
	srv.mode = SRV_SLIRP;
	srv.size = 100000;
	fault_block = 20;
	fault_fn = lose_one_data;
	start(512, 0, false, TFTP_POLICY_RFC);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_gt(srv.skips, 0);
	ck_assert_uint_eq(delivered, 19 * 512);
}
END_TEST

START_TEST(test_error_packet)
{
	srv.mode = SRV_RFC;
	srv.error_code = TFTP_ENOTFOUND;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ENOENT);
	ck_assert_int_eq(done_err, -ENOENT);
	ck_assert(cl.err_remote);
	ck_assert_uint_eq(cl.err_code, TFTP_ENOTFOUND);
	ck_assert_str_eq(cl.err_msg, "File not found");
	ck_assert_int_eq(srv.errors_rx, 0); /* an ERROR is never answered */
	ck_assert_int_eq(tftp_error_errno(TFTP_EACCESS), -EACCES);
	ck_assert_int_eq(tftp_error_errno(99), -EIO);
}
END_TEST

START_TEST(test_options_refused_retry)
{
	srv.mode = SRV_RFC;
	srv.refuse_options = true;
	srv.size = 2000;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.rrqs, 2);
	ck_assert_uint_eq(cl.blksize, 512);
}
END_TEST

START_TEST(test_bad_oack)
{
	srv.mode = SRV_RFC;
	srv.size = 2000;
	srv.bad_oack_blksize = 1469; /* more than asked */
	start(1468, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -EBADMSG);
	ck_assert_int_eq(srv.errors_rx, 1);
	ck_assert_uint_eq(srv.last_error, TFTP_EOPTNEG);
	ck_assert_uint_eq(srv.error_port, RFC_TID);
}
END_TEST

START_TEST(test_wraparound_lockstep)
{
	/* Over 32 MiB at 512 bytes: block numbers pass 65535 and wrap to 0. */
	srv.mode = SRV_RFC;
	srv.size = 65536ull * 512 + 70000;
	sparse = true;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blocks, srv.size / 512 + 1);
}
END_TEST

START_TEST(test_wraparound_window_loss)
{
	/* Windowed, with a DATA lost right at the wrap (block 65536 is 0). */
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 65600ull * 512 + 100;
	sparse = true;
	fault_block = 0;
	fault_fn = lose_one_data;
	start(512, 16, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(nth_data[0], 2);
}
END_TEST

START_TEST(test_retry_limit)
{
	srv.mode = SRV_RFC;
	fault_fn = lose_all_to_server;
	start(0, 0, false, TFTP_POLICY_AUTO);
	uint64_t t0 = now;
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_uint_eq(cl.stats.rrqs, 6); /* the first and 5 retries */
	ck_assert_uint_eq(now - t0, 6000);
	ck_assert_int_eq(done_calls, 1);
}
END_TEST

START_TEST(test_server_dies)
{
	srv.mode = SRV_RFC;
	srv.size = 100000;
	fault_fn = die_after_10;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_uint_eq(delivered, 10 * 512);
	ck_assert_uint_eq(cl.stats.timeout_acks, 5);
	ck_assert_int_eq(srv.errors_rx, 1);
}
END_TEST

START_TEST(test_foreign_tid)
{
	reset_faults();
	srv.mode = SRV_RFC;
	srv.size = 10000;
	fault_fn = foreign_at_5;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.rx_foreign, 1);
	ck_assert_int_eq(srv.errors_rx, 1);
	ck_assert_uint_eq(srv.last_error, TFTP_EBADID);
	ck_assert_uint_eq(srv.error_port, RFC_TID + 1);
}
END_TEST

START_TEST(test_data_callback_error)
{
	srv.mode = SRV_RFC;
	srv.size = 10000;
	data_fail_at = 2048;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ENOSPC);
	ck_assert_uint_eq(srv.last_error, TFTP_ENOSPACE);
	ck_assert_uint_eq(delivered, 2048);
}
END_TEST

START_TEST(test_abort_and_garbage)
{
	uint8_t junk[3] = {0, 3, 0};
	uint8_t ack[4] = {0, 4, 0, 1};

	srv.mode = SRV_RFC;
	srv.size = 100000;
	start(0, 0, false, TFTP_POLICY_AUTO);
	ck_assert_int_eq(tftp_input(&cl, junk, 3, SERVER, RFC_TID, now), -EBADMSG);
	ck_assert_int_eq(tftp_input(&cl, ack, 4, 0x01020304, RFC_TID, now), -ENOENT);
	ck_assert_int_eq(tftp_input(&cl, ack, 4, SERVER, RFC_TID, now), -EBADMSG);
	ck_assert_int_eq(cl.state, TFTP_RRQ_SENT);
	/* deliver the first DATA, then give up */
	while (cl.blocks == 0 && nq) {
		now = queue[0].at;
		struct pkt p = queue[0];
		queue[0] = queue[--nq];
		if (p.to_client)
			tftp_input(&cl, p.b, p.len, SERVER, p.sport, now);
		else
			srv_input(p.b, p.len, p.sport);
	}
	tftp_abort(&cl, -EINTR, "interrupted");
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(done_err, -EINTR);
	tftp_abort(&cl, -EINTR, "again"); /* no second callback */
	ck_assert_int_eq(done_calls, 1);
	ck_assert_str_eq(tftp_state_name(cl.state), "failed");

	struct tftp_config cfg = {.server_ip = SERVER};
	tftp_init(&cl, &cfg, &ops, NULL);
	ck_assert_int_eq(tftp_start(&cl, now), -EINVAL); /* no file name */
}
END_TEST

static Suite *tftp_edge_suite(void)
{
	Suite *s = suite_create("tftp_edge");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_slirp);
	tcase_add_test(tc, test_slirp_duplicates);
	tcase_add_test(tc, test_slirp_lost_data);
	tcase_add_test(tc, test_slirp_rfc_policy_skips);
	tcase_add_test(tc, test_error_packet);
	tcase_add_test(tc, test_options_refused_retry);
	tcase_add_test(tc, test_bad_oack);
	tcase_add_test(tc, test_wraparound_lockstep);
	tcase_add_test(tc, test_wraparound_window_loss);
	tcase_add_test(tc, test_retry_limit);
	tcase_add_test(tc, test_server_dies);
	tcase_add_test(tc, test_foreign_tid);
	tcase_add_test(tc, test_data_callback_error);
	tcase_add_test(tc, test_abort_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tftp_edge_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
