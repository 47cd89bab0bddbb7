/*
 * Host tests for kernel/tty/vtemu.c, the VGA console's terminal emulator:
 * text, wrapping and the pending wrap, scrolling into the history and the
 * scroll-back view, cursor motion and clamping, erasing, SGR colours,
 * insert/delete of characters and lines, scroll regions, the cursor
 * position report, UTF-8 placeholders and escape sequences split across
 * writes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/tty/vtemu.h"
#include "host_svc.h"

#define ROWS 25
#define COLS 80
#define HIST 100

static uint16_t screen[ROWS * COLS], hist[HIST * COLS];
static struct vtemu vt;
static char replies[64];

static void on_reply(void *ctx, const char *s, size_t n)
{
	strncat(replies, s, n);
}

static void setup(void)
{
	vtemu_init(&vt, ROWS, COLS, screen, hist, HIST);
	vt.reply = on_reply;
	replies[0] = '\0';
}

static void put(const char *s)
{
	vtemu_write(&vt, (const uint8_t *)s, strlen(s));
}

/* The text of display row r, trailing blanks cut. */
static const char *row_text(unsigned r)
{
	static char buf[COLS + 1];
	const uint16_t *row = vtemu_display_row(&vt, r);
	int end = 0;

	for (int c = 0; c < COLS; c++) {
		buf[c] = (char)(row[c] & 0xff);
		if (buf[c] != ' ')
			end = c + 1;
	}
	buf[end] = '\0';
	return buf;
}

static uint8_t attr_at(unsigned r, unsigned c)
{
	return (uint8_t)(vtemu_display_row(&vt, r)[c] >> 8);
}

START_TEST(test_text_and_newlines)
{
	put("hello\r\nworld");
	ck_assert_str_eq(row_text(0), "hello");
	ck_assert_str_eq(row_text(1), "world");
	ck_assert_uint_eq(vt.row, 1);
	ck_assert_uint_eq(vt.col, 5);
	ck_assert_uint_eq(attr_at(0, 0), 0x07);
	put("\b\bX\tY");
	ck_assert_str_eq(row_text(1), "worXd   Y");
}
END_TEST

START_TEST(test_pending_wrap)
{
	for (int i = 0; i < COLS; i++)
		put("a");
	ck_assert_uint_eq(vt.row, 0);
	ck_assert_uint_eq(vt.col, COLS - 1);
	ck_assert(vt.wrapnext);
	put("\r"); /* a CR cancels the wrap: no empty line */
	put("b");
	ck_assert_str_eq(row_text(0), "b"
				      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	for (int i = 0; i < COLS; i++)
		put("c");
	put("d");
	ck_assert_str_eq(row_text(1), "cd"); /* 79 fit after the b */
}
END_TEST

START_TEST(test_scroll_into_history_and_view)
{
	char line[32];

	for (int i = 0; i < 30; i++) {
		snprintf(line, sizeof(line), "line %d\r\n", i);
		put(line);
	}
	/* 30 lines and an empty one: 6 went to the history. */
	ck_assert_str_eq(row_text(0), "line 6");
	ck_assert_str_eq(row_text(23), "line 29");
	ck_assert_uint_eq(vt.hist_count, 6);
	vtemu_scroll_view(&vt, 3);
	ck_assert_str_eq(row_text(0), "line 3");
	ck_assert_str_eq(row_text(3), "line 6");
	unsigned r, c;
	ck_assert(!vtemu_cursor(&vt, &r, &c));
	vtemu_scroll_view(&vt, 100); /* clamps to the history */
	ck_assert_uint_eq(vt.view, 6);
	ck_assert_str_eq(row_text(0), "line 0");
	put("x"); /* output returns to the live screen */
	ck_assert_uint_eq(vt.view, 0);
	ck_assert_str_eq(row_text(0), "line 6");
	put("\033[3J");
	ck_assert_uint_eq(vt.hist_count, 0);
}
END_TEST

START_TEST(test_history_ring_wraps)
{
	char line[32];

	for (int i = 0; i < 300; i++) {
		snprintf(line, sizeof(line), "\r\nL%d", i);
		put(line);
	}
	ck_assert_uint_eq(vt.hist_count, HIST);
	vtemu_scroll_view(&vt, HIST);
	/* The screen shows L275..L299; the history's oldest is 100 before L275. */
	ck_assert_str_eq(row_text(0), "L175");
	ck_assert_str_eq(row_text(HIST - 1), "L274");
}
END_TEST

START_TEST(test_cursor_motion_clamps)
{
	put("\033[10;20H");
	ck_assert_uint_eq(vt.row, 9);
	ck_assert_uint_eq(vt.col, 19);
	put("\033[5A\033[3D");
	ck_assert_uint_eq(vt.row, 4);
	ck_assert_uint_eq(vt.col, 16);
	put("\033[999B\033[999C");
	ck_assert_uint_eq(vt.row, ROWS - 1);
	ck_assert_uint_eq(vt.col, COLS - 1);
	put("\033[H");
	ck_assert_uint_eq(vt.row, 0);
	ck_assert_uint_eq(vt.col, 0);
	put("\033[0;0H\033[7G");
	ck_assert_uint_eq(vt.col, 6);
	put("\0337\033[20;1H\0338");
	ck_assert_uint_eq(vt.row, 0);
	ck_assert_uint_eq(vt.col, 6);
}
END_TEST

START_TEST(test_erase)
{
	put("abcdef\r\nghijkl\r\nmnopqr");
	put("\033[2;3H\033[K");
	ck_assert_str_eq(row_text(1), "gh");
	put("\033[1K");
	ck_assert_str_eq(row_text(1), "");
	put("\033[1;4H\033[J");
	ck_assert_str_eq(row_text(0), "abc");
	ck_assert_str_eq(row_text(2), "");
	put("\033[2J");
	ck_assert_str_eq(row_text(0), "");
}
END_TEST

START_TEST(test_colours)
{
	put("\033[31mR\033[1;32mG\033[0m\033[44mB\033[7mV\033[m.");
	ck_assert_uint_eq(attr_at(0, 0), 0x04); /* red on black */
	ck_assert_uint_eq(attr_at(0, 1), 0x0a); /* bright green */
	ck_assert_uint_eq(attr_at(0, 2), 0x17); /* grey on blue */
	ck_assert_uint_eq(attr_at(0, 3), 0x71); /* reversed: blue on grey */
	ck_assert_uint_eq(attr_at(0, 4), 0x07);
	put("\033[38;5;196mX\033[38;2;1;2;3mY\033[97mZ");
	ck_assert_uint_eq(attr_at(0, 5), 0x07); /* 256 colours: ignored */
	ck_assert_uint_eq(attr_at(0, 7), 0x0f);
}
END_TEST

START_TEST(test_insert_delete)
{
	put("abcdef\033[1;3H\033[2P");
	ck_assert_str_eq(row_text(0), "abef");
	put("\033[2@");
	ck_assert_str_eq(row_text(0), "ab  ef");
	put("\033[3X");
	ck_assert_str_eq(row_text(0), "ab   f");
	put("\r\n2\r\n3\033[1;1H\033[L");
	ck_assert_str_eq(row_text(0), "");
	ck_assert_str_eq(row_text(1), "ab   f");
	put("\033[M\033[M");
	ck_assert_str_eq(row_text(0), "2");
}
END_TEST

START_TEST(test_scroll_region)
{
	put("top\033[2;4r"); /* region rows 2-4; the cursor goes home */
	put("\033[4;1Hx\r\ny\r\nz");
	ck_assert_str_eq(row_text(0), "top");
	ck_assert_str_eq(row_text(1), "x");
	ck_assert_str_eq(row_text(2), "y");
	ck_assert_str_eq(row_text(3), "z");
	ck_assert_uint_eq(vt.hist_count, 0); /* region scrolls keep no history */
	put("\033[2;1H\033M");
	ck_assert_str_eq(row_text(1), "");
	ck_assert_str_eq(row_text(2), "x");
}
END_TEST

START_TEST(test_reports)
{
	put("\033[5;7H\033[6n");
	ck_assert_str_eq(replies, "\033[5;7R");
	replies[0] = '\0';
	put("\033[c");
	ck_assert_str_eq(replies, "\033[?6c");
	put("\033[?25l");
	unsigned r, c;
	ck_assert(!vtemu_cursor(&vt, &r, &c));
	put("\033[?25h");
	ck_assert(vtemu_cursor(&vt, &r, &c));
}
END_TEST

START_TEST(test_utf8_and_split_sequences)
{
	put("a\xc3\xa9z\xe2\x82\xac!");
	ck_assert_str_eq(row_text(0), "a?z?!");
	put("\033");
	put("[");
	put("3");
	put("1m");
	put("R");
	ck_assert_uint_eq(attr_at(0, 5), 0x04);
	put("\033]0;window title\007ok");
	ck_assert_str_eq(row_text(0), "a?z?!Rok");
	put("\033]2;t\033\\!");
	ck_assert_str_eq(row_text(0), "a?z?!Rok!");
}
END_TEST

START_TEST(test_random_bytes_stay_in_bounds)
{
	uint8_t buf[4096];

	srand(7);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(rand() % 4 == 0
						   ? "\033[;?0123456789HJKmrABCDLMP@"[rand() % 27]
						   : rand());
		vtemu_write(&vt, buf, sizeof(buf));
		ck_assert_uint_lt(vt.row, ROWS);
		ck_assert_uint_lt(vt.col, COLS);
		ck_assert_uint_le(vt.top, vt.bot);
		ck_assert_uint_lt(vt.bot, ROWS);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vtemu");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_text_and_newlines);
	tcase_add_test(tc, test_pending_wrap);
	tcase_add_test(tc, test_scroll_into_history_and_view);
	tcase_add_test(tc, test_history_ring_wraps);
	tcase_add_test(tc, test_cursor_motion_clamps);
	tcase_add_test(tc, test_erase);
	tcase_add_test(tc, test_colours);
	tcase_add_test(tc, test_insert_delete);
	tcase_add_test(tc, test_scroll_region);
	tcase_add_test(tc, test_reports);
	tcase_add_test(tc, test_utf8_and_split_sequences);
	tcase_add_test(tc, test_random_bytes_stay_in_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
