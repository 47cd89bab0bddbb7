/*
 * Host tests for drivers/ps2mouse_proto.c: PS/2 packet parsing (signs,
 * buttons, overflow, resynchronisation on a bad first byte and after a
 * gap) and the mousedev encoding read back by ps2mouse_decode, over every
 * motion the hardware can report.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include "drivers/ps2mouse_proto.h"

static int feed3(struct ps2mouse_parser *p, const uint8_t b[3], uint64_t t,
		 struct ps2mouse_event *ev)
{
	int got = 0;
	for (int i = 0; i < 3; i++)
		got += ps2mouse_feed(p, b[i], t, ev);
	return got;
}

START_TEST(test_signs_and_buttons)
{
	struct ps2mouse_parser p;
	struct ps2mouse_event ev;
	const uint8_t right_down[3] = {0x08 | 0x20 | 0x01, 10, 0xfb}; /* dx 10, dy -5, left */
	const uint8_t left_up[3] = {0x08 | 0x10 | 0x06, 0x00, 0x7f};  /* dx -256, dy 127 */

	ps2mouse_parser_init(&p);
	ck_assert_int_eq(feed3(&p, right_down, 0, &ev), 1);
	ck_assert_int_eq(ev.dx, 10);
	ck_assert_int_eq(ev.dy, -5);
	ck_assert_uint_eq(ev.buttons, PS2MOUSE_LEFT);
	ck_assert_int_eq(feed3(&p, left_up, 1, &ev), 1);
	ck_assert_int_eq(ev.dx, -256);
	ck_assert_int_eq(ev.dy, 127);
	ck_assert_uint_eq(ev.buttons, PS2MOUSE_RIGHT | PS2MOUSE_MIDDLE);
	ck_assert_uint_eq(p.packets, 2);
	ck_assert_uint_eq(p.resyncs, 0);
}
END_TEST

START_TEST(test_overflow_keeps_buttons)
{
	struct ps2mouse_parser p;
	struct ps2mouse_event ev = {1, 1, 0};
	const uint8_t ovf[3] = {0x08 | 0x40 | 0x02, 0x55, 0x66};

	ps2mouse_parser_init(&p);
	ck_assert_int_eq(feed3(&p, ovf, 0, &ev), 1);
	ck_assert_int_eq(ev.dx, 0);
	ck_assert_int_eq(ev.dy, 0);
	ck_assert_uint_eq(ev.buttons, PS2MOUSE_RIGHT);
	ck_assert_uint_eq(p.overflows, 1);
}
END_TEST

START_TEST(test_resync_on_bad_first_byte)
{
	struct ps2mouse_parser p;
	struct ps2mouse_event ev;
	/* Two stray bytes without the sync bit, then a good packet. */
	const uint8_t in[] = {0x00, 0x05, 0x09, 3, 4};

	ps2mouse_parser_init(&p);
	int got = 0;
	for (size_t i = 0; i < sizeof(in); i++)
		got += ps2mouse_feed(&p, in[i], 0, &ev);
	ck_assert_int_eq(got, 1);
	ck_assert_uint_eq(p.resyncs, 2);
	ck_assert_int_eq(ev.dx, 3);
	ck_assert_int_eq(ev.dy, 4);
	ck_assert_uint_eq(ev.buttons, PS2MOUSE_LEFT);
}
END_TEST

START_TEST(test_resync_after_gap)
{
	struct ps2mouse_parser p;
	struct ps2mouse_event ev;
	const uint8_t good[3] = {0x08, 7, 8};

	ps2mouse_parser_init(&p);
	/* A packet cut after two bytes, then a whole one a second later. */
	ck_assert_int_eq(ps2mouse_feed(&p, 0x08, 1000, &ev), 0);
	ck_assert_int_eq(ps2mouse_feed(&p, 0x01, 1001, &ev), 0);
	ck_assert_int_eq(feed3(&p, good, 2000, &ev), 1);
	ck_assert_int_eq(ev.dx, 7);
	ck_assert_int_eq(ev.dy, 8);
	ck_assert_uint_eq(p.timeouts, 1);
	/* Within the window a slow packet still assembles. */
	ck_assert_int_eq(ps2mouse_feed(&p, 0x08, 3000, &ev), 0);
	ck_assert_int_eq(ps2mouse_feed(&p, 0x02, 3000 + PS2MOUSE_RESYNC_MS, &ev), 0);
	ck_assert_int_eq(ps2mouse_feed(&p, 0x03, 3000 + PS2MOUSE_RESYNC_MS, &ev), 1);
	ck_assert_int_eq(ev.dx, 2);
}
END_TEST

START_TEST(test_encode_round_trip)
{
	for (int dx = -256; dx <= 255; dx++) {
		for (int dy = -256; dy <= 255; dy += 17) {
			struct ps2mouse_event ev = {dx, dy, (uint8_t)((dx + 256) & 7)}, back;
			uint8_t out[PS2MOUSE_MAX_SPLIT * PS2MOUSE_PACKET];
			size_t n = ps2mouse_encode(&ev, out);
			int sx = 0, sy = 0;

			ck_assert_uint_eq(n % PS2MOUSE_PACKET, 0);
			ck_assert_uint_ge(n, PS2MOUSE_PACKET);
			ck_assert_uint_le(n, sizeof(out));
			for (size_t i = 0; i < n; i += PS2MOUSE_PACKET) {
				ck_assert_int_eq(ps2mouse_decode(out + i, &back), 0);
				ck_assert_int_le(abs(back.dx), 127);
				ck_assert_int_le(abs(back.dy), 127);
				ck_assert_uint_eq(back.buttons, ev.buttons);
				sx += back.dx;
				sy += back.dy;
			}
			ck_assert_int_eq(sx, dx);
			ck_assert_int_eq(sy, dy);
		}
	}
}
END_TEST

START_TEST(test_encode_clamps_and_still_moves)
{
	struct ps2mouse_event ev = {100000, -100000, 0}, back;
	uint8_t out[PS2MOUSE_MAX_SPLIT * PS2MOUSE_PACKET];
	size_t n = ps2mouse_encode(&ev, out);

	ck_assert_uint_eq(n, sizeof(out));
	ck_assert_int_eq(ps2mouse_decode(out, &back), 0);
	ck_assert_int_eq(back.dx, 127);
	ck_assert_int_eq(back.dy, -127);
	/* No motion still makes one packet (a button change). */
	ev = (struct ps2mouse_event){0, 0, PS2MOUSE_MIDDLE};
	ck_assert_uint_eq(ps2mouse_encode(&ev, out), 3);
	ck_assert_uint_eq(out[0], 0x08 | PS2MOUSE_MIDDLE);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 0);
	out[0] = 0;
	ck_assert_int_eq(ps2mouse_decode(out, &back), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ps2mouse");
	TCase *tc = tcase_create("proto");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_signs_and_buttons);
	tcase_add_test(tc, test_overflow_keeps_buttons);
	tcase_add_test(tc, test_resync_on_bad_first_byte);
	tcase_add_test(tc, test_resync_after_gap);
	tcase_add_test(tc, test_encode_round_trip);
	tcase_add_test(tc, test_encode_clamps_and_still_moves);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
