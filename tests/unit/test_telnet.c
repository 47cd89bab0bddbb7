/*
 * Host tests for telnetd's protocol engine (user/telnetd/telnet.c): the
 * opening offers, answers that never loop (RFC 1143), NAWS and TTYPE
 * subnegotiations (RFC 1073, RFC 1091), the NVT input rules (RFC 854: CR LF
 * and CR NUL become CR, IAC IAC one 255), IAC sequences split across reads,
 * the IP/EC/EL/AYT commands, and IAC doubling on output.
 */
#include <check.h>
#include <string.h>
#include "user/telnetd/telnet.h"

static struct telnet t;
static struct tn_buf to_pty, to_net;

static void setup(void)
{
	memset(&to_pty, 0, sizeof(to_pty));
	memset(&to_net, 0, sizeof(to_net));
	telnet_start(&t, &to_net);
	to_net.len = 0; /* the offers are checked in test_offers */
}

static void feed(const void *p, size_t n)
{
	telnet_input(&t, p, n, &to_pty, &to_net);
}

#define FEED(...)                                    \
	do {                                         \
		const uint8_t in_[] = {__VA_ARGS__}; \
		feed(in_, sizeof(in_));              \
	} while (0)

static void net_is(const uint8_t *want, size_t n)
{
	ck_assert_uint_eq(to_net.len, n);
	ck_assert(memcmp(to_net.data, want, n) == 0);
	to_net.len = 0;
}

START_TEST(test_offers)
{
	const uint8_t want[] = {TN_IAC, TN_WILL, TNO_ECHO, TN_IAC, TN_WILL, TNO_SGA,
				TN_IAC, TN_DO,	 TNO_NAWS, TN_IAC, TN_DO,   TNO_TTYPE};

	memset(&to_net, 0, sizeof(to_net));
	telnet_start(&t, &to_net);
	net_is(want, sizeof(want));
}
END_TEST

START_TEST(test_acks_get_no_answer)
{
	const uint8_t sb_send[] = {TN_IAC, TN_SB, TNO_TTYPE, TTYPE_SEND, TN_IAC, TN_SE};
	const uint8_t refuse[] = {TN_IAC, TN_WONT, 5, TN_IAC, TN_DONT, 36};

	FEED(TN_IAC, TN_DO, TNO_ECHO, TN_IAC, TN_DO, TNO_SGA, TN_IAC, TN_WILL, TNO_NAWS);
	ck_assert_uint_eq(to_net.len, 0);
	FEED(TN_IAC, TN_WILL, TNO_TTYPE);
	net_is(sb_send, sizeof(sb_send));
	FEED(TN_IAC, TN_WILL, TNO_TTYPE); /* asked once only */
	ck_assert_uint_eq(to_net.len, 0);
	FEED(TN_IAC, TN_DO, 5, TN_IAC, TN_WILL, 36); /* STATUS, ENVIRON: refused */
	net_is(refuse, sizeof(refuse));
	ck_assert_uint_eq(to_pty.len, 0);
}
END_TEST

START_TEST(test_dont_echo_then_do)
{
	const uint8_t wont[] = {TN_IAC, TN_WONT, TNO_ECHO};
	const uint8_t will[] = {TN_IAC, TN_WILL, TNO_ECHO};

	FEED(TN_IAC, TN_DONT, TNO_ECHO);
	net_is(wont, 3);
	FEED(TN_IAC, TN_DONT, TNO_ECHO); /* already off: no answer */
	ck_assert_uint_eq(to_net.len, 0);
	FEED(TN_IAC, TN_DO, TNO_ECHO);
	net_is(will, 3);
}
END_TEST

START_TEST(test_naws_and_ttype)
{
	FEED(TN_IAC, TN_SB, TNO_NAWS, 0, 111, 0, 33, TN_IAC, TN_SE);
	ck_assert(t.events & TN_EV_WINSIZE);
	ck_assert_uint_eq(t.cols, 111);
	ck_assert_uint_eq(t.rows, 33);
	/* A 255 in the size is sent doubled. */
	FEED(TN_IAC, TN_SB, TNO_NAWS, 1, TN_IAC, TN_IAC, 0, 40, TN_IAC, TN_SE);
	ck_assert_uint_eq(t.cols, 511);
	ck_assert_uint_eq(t.rows, 40);
	FEED(TN_IAC, TN_SB, TNO_TTYPE, TTYPE_IS, 'X', 'T', 'E', 'R', 'M', TN_IAC, TN_SE);
	ck_assert(t.events & TN_EV_TTYPE);
	ck_assert_str_eq(t.ttype, "xterm");
	ck_assert_uint_eq(to_pty.len, 0);
	ck_assert_uint_eq(to_net.len, 0);
}
END_TEST

START_TEST(test_ttype_refused)
{
	FEED(TN_IAC, TN_WONT, TNO_TTYPE);
	ck_assert(t.events & TN_EV_TTYPE_NO);
	ck_assert_str_eq(t.ttype, "");
}
END_TEST

START_TEST(test_nvt_input)
{
	FEED('l', 's', '\r', '\n', 'a', '\r', 0, 'b', '\r', 'c', TN_IAC, TN_IAC, '\n');
	ck_assert_uint_eq(to_pty.len, 10);
	ck_assert(memcmp(to_pty.data, "ls\ra\rb\rc\xff\n", 10) == 0);
}
END_TEST

START_TEST(test_split_sequences)
{
	const uint8_t in[] = {'a', TN_IAC, TN_SB, TNO_NAWS, 0,	  80, 0,
			      24,  TN_IAC, TN_SE, '\r',	    '\n', 'z'};

	/* Every split point gives the same result. */
	for (size_t cut = 0; cut <= sizeof(in); cut++) {
		setup();
		feed(in, cut);
		feed(in + cut, sizeof(in) - cut);
		ck_assert_uint_eq(to_pty.len, 3);
		ck_assert(memcmp(to_pty.data, "a\rz", 3) == 0);
		ck_assert_uint_eq(t.cols, 80);
		ck_assert_uint_eq(t.rows, 24);
	}
}
END_TEST

START_TEST(test_commands)
{
	const char yes[] = "\r\n[yes]\r\n";

	FEED(TN_IAC, TN_IP, TN_IAC, TN_EC, TN_IAC, TN_EL, TN_IAC, TN_NOP, TN_IAC, TN_GA);
	ck_assert_uint_eq(to_pty.len, 3);
	ck_assert(memcmp(to_pty.data, "\x03\x7f\x15", 3) == 0);
	FEED(TN_IAC, TN_AYT);
	net_is((const uint8_t *)yes, strlen(yes));
}
END_TEST

START_TEST(test_long_subnegotiation)
{
	uint8_t in[300];

	in[0] = TN_IAC;
	in[1] = TN_SB;
	in[2] = TNO_TTYPE;
	in[3] = TTYPE_IS;
	memset(in + 4, 'A', sizeof(in) - 6);
	in[sizeof(in) - 2] = TN_IAC;
	in[sizeof(in) - 1] = TN_SE;
	feed(in, sizeof(in));
	ck_assert_uint_eq(strlen(t.ttype),
			  TN_SB_MAX - 2 < TN_TTYPE_MAX - 1 ? TN_SB_MAX - 2 : TN_TTYPE_MAX - 1);
	FEED('k');
	ck_assert_uint_eq(to_pty.len, 1); /* back to data */
}
END_TEST

START_TEST(test_output_doubles_iac)
{
	const uint8_t in[] = {'a', 0xff, 'b', 0xff, 0xff};
	const uint8_t want[] = {'a', 0xff, 0xff, 'b', 0xff, 0xff, 0xff, 0xff};

	telnet_output(in, sizeof(in), &to_net);
	net_is(want, sizeof(want));
}
END_TEST

START_TEST(test_buffer_full_drops)
{
	static uint8_t big[sizeof(to_pty.data) + 10];

	memset(big, 'q', sizeof(big));
	tn_buf_put(&to_pty, big, sizeof(to_pty.data) - 1);
	tn_buf_put(&to_pty, big, 2);
	ck_assert_uint_eq(to_pty.dropped, 2);
	ck_assert_uint_eq(tn_buf_room(&to_pty), 1);
	tn_buf_consume(&to_pty, 5);
	ck_assert_uint_eq(tn_buf_room(&to_pty), 6);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("telnet");
	TCase *tc = tcase_create("engine");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_offers);
	tcase_add_test(tc, test_acks_get_no_answer);
	tcase_add_test(tc, test_dont_echo_then_do);
	tcase_add_test(tc, test_naws_and_ttype);
	tcase_add_test(tc, test_ttype_refused);
	tcase_add_test(tc, test_nvt_input);
	tcase_add_test(tc, test_split_sequences);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_long_subnegotiation);
	tcase_add_test(tc, test_output_doubles_iac);
	tcase_add_test(tc, test_buffer_full_drops);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
