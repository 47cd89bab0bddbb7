/*
 * Host tests for kernel/tty/ldisc.c, the tty line discipline: canonical
 * editing and its echo (erase, ^X control characters, kill, word erase,
 * reprint, tabs), EOF, signals, raw mode and VMIN, CR/NL mapping, the line
 * limit, VLNEXT, ^S/^Q, output processing into small buffers, and mode
 * switches with data queued. Expected values are what Linux's N_TTY does
 * (drivers/tty/n_tty.c) with the same settings.
 */
#include <check.h>
#include <stdlib.h>
#include "kernel/tty/ldisc.h"
#include "host_svc.h"

struct harness {
	struct ldisc ld;
	uint8_t echo[16384 + 1]; /* + 1 for the NUL expect_echo adds */
	size_t echo_len;
	int sigs[16];
	unsigned nsigs;
	unsigned out_flushes;
};

static struct harness *h;

static void cb_signal(void *ctx, int sig)
{
	struct harness *x = ctx;

	ck_assert_uint_lt(x->nsigs, 16);
	x->sigs[x->nsigs++] = sig;
}

static void cb_echo(void *ctx, const uint8_t *b, size_t n)
{
	struct harness *x = ctx;

	ck_assert_uint_le(x->echo_len + n, sizeof(x->echo) - 1);
	memcpy(x->echo + x->echo_len, b, n);
	x->echo_len += n;
}

static void cb_flush(void *ctx)
{
	((struct harness *)ctx)->out_flushes++;
}

static const struct ldisc_ops ops = {cb_signal, cb_echo, cb_flush};

static void setup(void)
{
	struct termios t;

	h = calloc(1, sizeof(*h));
	termios_default(&t);
	ldisc_init(&h->ld, &t, &ops, h);
}

static void teardown(void)
{
	free(h);
}

static void type(const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_eq(ldisc_receive(&h->ld, (const uint8_t *)s, n), n);
}

static void type_byte(uint8_t c)
{
	ck_assert_uint_eq(ldisc_receive(&h->ld, &c, 1), 1);
}

/* The echo so far equals s; then forget it. */
static void expect_echo(const char *s)
{
	size_t n = strlen(s);

	h->echo[h->echo_len] = 0;
	ck_assert_msg(h->echo_len == n && memcmp(h->echo, s, n) == 0,
		      "echo \"%s\" (%zu), want \"%s\"", (char *)h->echo, h->echo_len, s);
	h->echo_len = 0;
}

/* A read of up to n bytes returns exactly s (and does not block). */
static void expect_read(size_t n, const char *s)
{
	uint8_t buf[8192];
	bool wb = true;
	long r = ldisc_read(&h->ld, buf, n, &wb);

	ck_assert(!wb);
	ck_assert_int_eq(r, (long)strlen(s));
	ck_assert(memcmp(buf, s, strlen(s)) == 0);
}

static void expect_block(void)
{
	uint8_t buf[16];
	bool wb = false;

	ck_assert(!ldisc_readable(&h->ld));
	ck_assert_int_eq(ldisc_read(&h->ld, buf, sizeof(buf), &wb), 0);
	ck_assert(wb);
}

static void set(uint32_t iflag_clear, uint32_t lflag_clear, uint32_t lflag_set)
{
	struct termios t = h->ld.termios;

	t.c_iflag &= ~iflag_clear;
	t.c_lflag &= ~lflag_clear;
	t.c_lflag |= lflag_set;
	ldisc_set_termios(&h->ld, &t);
}

static void make_raw(uint8_t vmin, uint8_t vtime)
{
	struct termios t = h->ld.termios;

	/* cfmakeraw(3) */
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag &= ~OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	ldisc_set_termios(&h->ld, &t);
}

START_TEST(test_abi)
{
	struct termios t;

	ck_assert_uint_eq(sizeof(struct termios), 36);
	ck_assert_uint_eq(offsetof(struct termios, c_line), 16);
	ck_assert_uint_eq(offsetof(struct termios, c_cc), 17);
	termios_default(&t);
	/* Linux's tty_std_termios, as `stty -g` shows a fresh console. */
	ck_assert_uint_eq(t.c_iflag, 0x500);
	ck_assert_uint_eq(t.c_oflag, 0x5);
	ck_assert_uint_eq(t.c_lflag, 0x8a3b);
	ck_assert_uint_eq(t.c_cc[VINTR], 3);
	ck_assert_uint_eq(t.c_cc[VERASE], 0x7f);
	ck_assert_uint_eq(t.c_cc[VMIN], 1);
	ck_assert_uint_eq(TIOCGWINSZ, 0x5413);
	ck_assert_uint_eq(TIOCGPTN, 0x80045430u);
}
END_TEST

START_TEST(test_simple_line)
{
	type("ls");
	expect_block();
	type("\r");
	expect_echo("ls\r\n");
	ck_assert(ldisc_readable(&h->ld));
	ck_assert_uint_eq(ldisc_available(&h->ld), 3);
	expect_read(100, "ls\n");
	expect_block();
}
END_TEST

START_TEST(test_erase)
{
	type("ab\x7f");
	expect_echo("ab\b \b");
	type("c\r");
	expect_read(100, "ac\n");
	/* Erase on an empty line does nothing. */
	h->echo_len = 0;
	type("\x7f\x7f");
	expect_echo("");
	/* Without ECHOE the erase character itself is echoed. */
	set(0, ECHOE, 0);
	type("x\x7f");
	expect_echo("x^?");
	type("\r");
	expect_read(100, "\n");
}
END_TEST

START_TEST(test_erase_control_char)
{
	type("a\x01");
	expect_echo("a^A");
	type("\x7f");
	expect_echo("\b \b\b \b");
	/* Quoted ^C: echoed "^\b" then "^C"; erasing it removes two columns. */
	type("\x16\x03");
	expect_echo("^\b^C");
	ck_assert_uint_eq(h->nsigs, 0);
	type("\x7f");
	expect_echo("\b \b\b \b");
	type("\r");
	expect_read(100, "a\n");
	/* Without ECHOCTL a control character is echoed as itself and
	 * erasing it echoes nothing. */
	set(0, ECHOCTL, 0);
	h->echo_len = 0;
	type("\x01");
	expect_echo("\x01");
	type("\x7f");
	expect_echo("");
}
END_TEST

START_TEST(test_erase_tab)
{
	type("a\tb");
	expect_echo("a\tb");
	ck_assert_uint_eq(h->ld.column, 9);
	type("\x7f\x7f");
	expect_echo("\b \b\b\b\b\b\b\b\b");
	ck_assert_uint_eq(h->ld.column, 1);
	type("\r");
	expect_read(100, "a\n");
}
END_TEST

START_TEST(test_kill)
{
	type("abc\x15");
	expect_echo("abc\b \b\b \b\b \b");
	type("d\r");
	expect_read(100, "d\n");
	h->echo_len = 0;
	/* ECHOK without ECHOKE: the kill character, then a newline. */
	set(0, ECHOKE, 0);
	type("xy\x15");
	expect_echo("xy^U\r\n");
	type("\r");
	expect_read(100, "\n");
}
END_TEST

START_TEST(test_word_erase)
{
	type("foo bar  \x17");
	h->echo_len = 0;
	type("x\r");
	expect_read(100, "foo x\n");
	type("a_1.b\x17\x17");
	type("\r");
	expect_read(100, "\n"); /* "b", then "." and "a_1" */
	h->echo_len = 0;
	type("ab  \x17");
	expect_echo("ab  \b \b\b \b\b \b\b \b");
}
END_TEST

START_TEST(test_eof)
{
	type("\x04");
	expect_echo("");
	ck_assert(ldisc_readable(&h->ld));
	ck_assert_uint_eq(ldisc_available(&h->ld), 0);
	expect_read(100, "");
	expect_block();
	type("abc\x04");
	expect_read(100, "abc");
	expect_block();
	/* A ^D right after a buffer's worth is consumed with it. */
	type("abc\x04");
	expect_read(3, "abc");
	expect_block();
	/* Partial reads of a line. */
	type("hello\r");
	expect_read(3, "hel");
	expect_read(3, "lo\n");
	expect_block();
}
END_TEST

START_TEST(test_signals)
{
	type("abc\x03");
	ck_assert_uint_eq(h->nsigs, 1);
	ck_assert_int_eq(h->sigs[0], LDISC_SIGINT);
	ck_assert_uint_eq(h->out_flushes, 1);
	expect_echo("abc^C");
	type("\r");
	expect_read(100, "\n"); /* "abc" was flushed */
	type("\x1a\x1c");
	ck_assert_uint_eq(h->nsigs, 3);
	ck_assert_int_eq(h->sigs[1], LDISC_SIGTSTP);
	ck_assert_int_eq(h->sigs[2], LDISC_SIGQUIT);
	ck_assert_int_eq(LDISC_SIGTSTP, 20);
	/* NOFLSH keeps the input. */
	set(0, 0, NOFLSH);
	type("xy\x03\r");
	ck_assert_uint_eq(h->nsigs, 4);
	expect_read(100, "xy\n");
	/* ISIG off: they are data. */
	set(0, ISIG, 0);
	h->echo_len = 0;
	type("\x03\x1a\x1c\r");
	ck_assert_uint_eq(h->nsigs, 4);
	expect_echo("^C^Z^\\\r\n");
	expect_read(100, "\x03\x1a\x1c\n");
}
END_TEST

START_TEST(test_raw)
{
	uint8_t all[256], buf[300];
	bool wb;
	unsigned i;

	make_raw(1, 0);
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	ck_assert_uint_eq(ldisc_receive(&h->ld, all, 256), 256);
	ck_assert_uint_eq(h->nsigs, 0);
	ck_assert_uint_eq(h->echo_len, 0);
	ck_assert_uint_eq(ldisc_available(&h->ld), 256);
	ck_assert_int_eq(ldisc_read(&h->ld, buf, sizeof(buf), &wb), 256);
	ck_assert(!wb);
	ck_assert(memcmp(buf, all, 256) == 0);
	expect_block();

	/* VMIN 3: two bytes are not enough, unless the reader asks for two. */
	make_raw(3, 0);
	type("ab");
	ck_assert(!ldisc_readable(&h->ld));
	ck_assert_int_eq(ldisc_read(&h->ld, buf, 10, &wb), 0);
	ck_assert(wb);
	expect_read(2, "ab");
	type("cd");
	ck_assert_int_eq(ldisc_read_now(&h->ld, buf, 10, &wb), 2); /* VTIME expired */
	ck_assert(!wb);
	type("efg");
	ck_assert(ldisc_readable(&h->ld));
	expect_read(10, "efg");
	/* VMIN 0: never blocks. */
	make_raw(0, 0);
	ck_assert(ldisc_readable(&h->ld));
	expect_read(10, "");
	/* A full raw queue pushes back. */
	make_raw(1, 0);
	memset(buf, 'z', sizeof(buf));
	for (i = 0; i < LDISC_BUF_SIZE / 256; i++)
		ck_assert_uint_eq(ldisc_receive(&h->ld, buf, 256), 256);
	ck_assert_uint_eq(ldisc_receive(&h->ld, buf, 10), 0);
	ck_assert_int_eq(ldisc_read(&h->ld, buf, 5, &wb), 5);
	ck_assert_uint_eq(ldisc_receive(&h->ld, buf, 10), 5);
}
END_TEST

START_TEST(test_raw_echo)
{
	struct termios t = h->ld.termios;

	t.c_lflag &= ~ICANON;
	ldisc_set_termios(&h->ld, &t);
	type("a\x7f\x04\r");
	expect_echo("a^?^D\r\n");
	expect_read(10, "a\x7f\x04\n");
}
END_TEST

START_TEST(test_cr_mapping)
{
	set(ICRNL, 0, 0);
	type("ab\r");
	expect_block();
	type("\n");
	expect_read(100, "ab\r\n");
	set(0, 0, 0);
	h->ld.termios.c_iflag |= IGNCR;
	type("x\r\n");
	expect_read(100, "x\n");
	h->ld.termios.c_iflag = INLCR | ICRNL;
	type("y\n\r");
	expect_read(100, "y\r\n");
	h->ld.termios.c_iflag = ISTRIP | ICRNL;
	type_byte(0xe1);
	type("\r");
	expect_read(100, "a\n");
}
END_TEST

START_TEST(test_line_limit)
{
	uint8_t *buf = malloc(8192);
	bool wb;
	unsigned i;

	for (i = 0; i < 5000; i++)
		type_byte('a');
	ck_assert_uint_eq(h->ld.dropped, 5000 - LDISC_LINE_MAX);
	h->echo_len = 0;
	type("\r");
	expect_echo("\r\n");
	ck_assert_uint_eq(ldisc_available(&h->ld), 4096);
	ck_assert_int_eq(ldisc_read(&h->ld, buf, 8192, &wb), 4096);
	for (i = 0; i < 4095; i++)
		ck_assert_uint_eq(buf[i], 'a');
	ck_assert_uint_eq(buf[4095], '\n');
	/* Erase still works on a full line. */
	for (i = 0; i < 5000; i++)
		type_byte('b');
	type("\x7f"
	     "c\r");
	ck_assert_int_eq(ldisc_read(&h->ld, buf, 8192, &wb), 4096);
	ck_assert_uint_eq(buf[4094], 'c');
	free(buf);
}
END_TEST

START_TEST(test_lnext)
{
	type("\x16\x03\x16\x7f\r");
	ck_assert_uint_eq(h->nsigs, 0);
	expect_echo("^\b^C^\b^?\r\n");
	expect_read(100, "\x03\x7f\n");
	/* Quoting a CR skips ICRNL and does not end the line. */
	type("\x16\r\r");
	expect_read(100, "\r\n");
}
END_TEST

START_TEST(test_reprint_eol)
{
	type("ab\x12");
	expect_echo("ab^R\r\nab");
	h->ld.termios.c_cc[VEOL] = ';';
	type(";");
	expect_echo(";");
	expect_read(100, "ab;");
	/* ECHONL without ECHO */
	set(0, ECHO, ECHONL);
	type("q\r");
	expect_echo("\r\n");
	expect_read(100, "q\n");
}
END_TEST

START_TEST(test_ixon)
{
	uint8_t out[16];
	size_t used;

	type("\x13");
	ck_assert(ldisc_stopped(&h->ld));
	ck_assert_uint_eq(ldisc_output(&h->ld, (const uint8_t *)"hi", 2, out, sizeof(out), &used),
			  0);
	ck_assert_uint_eq(used, 0);
	type("x");
	ck_assert(ldisc_stopped(&h->ld)); /* no IXANY */
	type("\x11");
	ck_assert(!ldisc_stopped(&h->ld));
	ck_assert_uint_eq(ldisc_output(&h->ld, (const uint8_t *)"hi", 2, out, sizeof(out), &used),
			  2);
	ck_assert_uint_eq(used, 2);
	type("\r");
	expect_read(100, "x\n"); /* ^S/^Q are not data */
	/* IXANY: any character restarts; ^C restarts too. */
	h->ld.termios.c_iflag |= IXANY;
	type("\x13");
	type("y");
	ck_assert(!ldisc_stopped(&h->ld));
	type("\x13\x03");
	ck_assert(!ldisc_stopped(&h->ld));
	/* Turning IXON off restarts output. */
	type("\x13");
	set(IXON, 0, 0);
	ck_assert(!ldisc_stopped(&h->ld));
	type("\x13\r");
	expect_read(100, "\x13\n");
}
END_TEST

START_TEST(test_output)
{
	const uint8_t *in = (const uint8_t *)"a\nb\n";
	uint8_t out[16];
	size_t used, o;

	o = ldisc_output(&h->ld, in, 4, out, sizeof(out), &used);
	ck_assert_uint_eq(o, 6);
	ck_assert_uint_eq(used, 4);
	ck_assert(memcmp(out, "a\r\nb\r\n", 6) == 0);
	/* Two bytes of room: "a" fits, "\r\n" does not yet. */
	o = ldisc_output(&h->ld, in, 4, out, 2, &used);
	ck_assert_uint_eq(o, 1);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(h->ld.column, 1);
	o = ldisc_output(&h->ld, in + 1, 3, out, 2, &used);
	ck_assert_uint_eq(o, 2);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(h->ld.column, 0);
	o = ldisc_output(&h->ld, in + 2, 2, out, 1, &used);
	ck_assert_uint_eq(o, 1);
	ck_assert_uint_eq(used, 1);
	o = ldisc_output(&h->ld, in + 3, 1, out, 1, &used);
	ck_assert_uint_eq(o, 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(h->ld.column, 1); /* unchanged by the failed attempt */
	/* OCRNL; no OPOST passes everything. */
	h->ld.termios.c_oflag |= OCRNL;
	o = ldisc_output(&h->ld, (const uint8_t *)"\r", 1, out, sizeof(out), &used);
	ck_assert_uint_eq(o, 1);
	ck_assert_uint_eq(out[0], '\n');
	h->ld.termios.c_oflag = 0;
	o = ldisc_output(&h->ld, in, 4, out, sizeof(out), &used);
	ck_assert_uint_eq(o, 4);
	ck_assert(memcmp(out, in, 4) == 0);
	/* XTABS */
	h->ld.termios.c_oflag = OPOST | XTABS;
	h->ld.column = 3;
	o = ldisc_output(&h->ld, (const uint8_t *)"\t", 1, out, sizeof(out), &used);
	ck_assert_uint_eq(o, 5);
	ck_assert_uint_eq(h->ld.column, 8);
}
END_TEST

START_TEST(test_mode_switch)
{
	struct termios canon = h->ld.termios;

	type("abc");
	expect_block();
	make_raw(1, 0);
	ck_assert(ldisc_readable(&h->ld));
	expect_read(100, "abc");
	/* ^D markers vanish, complete lines and the partial one join. */
	ldisc_set_termios(&h->ld, &canon);
	type("x\x04"
	     "l1\r"
	     "pq");
	make_raw(1, 0);
	ck_assert_uint_eq(ldisc_available(&h->ld), 6);
	expect_read(100, "xl1\npq");
	/* Raw data becomes one readable line in canonical mode. */
	type("xy");
	ldisc_set_termios(&h->ld, &canon);
	ck_assert(ldisc_readable(&h->ld));
	h->echo_len = 0;
	type("z\x7f\x7f"); /* cannot erase into the pushed line */
	expect_echo("z\b \b");
	expect_read(100, "xy");
	type("k\r");
	expect_read(100, "k\n");
	/* An empty queue stays empty across switches. */
	make_raw(1, 0);
	ldisc_set_termios(&h->ld, &canon);
	expect_block();
	/* Flush */
	type("abc\rdef");
	ldisc_flush_input(&h->ld);
	expect_block();
	ck_assert_uint_eq(ldisc_available(&h->ld), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ldisc");
	TCase *tc = tcase_create("ldisc");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abi);
	tcase_add_test(tc, test_simple_line);
	tcase_add_test(tc, test_erase);
	tcase_add_test(tc, test_erase_control_char);
	tcase_add_test(tc, test_erase_tab);
	tcase_add_test(tc, test_kill);
	tcase_add_test(tc, test_word_erase);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_raw_echo);
	tcase_add_test(tc, test_cr_mapping);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_lnext);
	tcase_add_test(tc, test_reprint_eol);
	tcase_add_test(tc, test_ixon);
	tcase_add_test(tc, test_output);
	tcase_add_test(tc, test_mode_switch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
