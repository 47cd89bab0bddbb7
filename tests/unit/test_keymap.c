/*
 * Host tests for kernel/tty/keymap.c: scan code set 1 to terminal bytes.
 * Letters with Shift and Caps Lock, symbols, Ctrl and Alt, the extended
 * keys behind 0xe0, the keypad with and without Num Lock, function keys,
 * the Pause sequence, Shift+PgUp scrolling and Ctrl+Alt+Del.
 */
#include <check.h>
#include <stdlib.h>
#include "kernel/tty/keymap.h"
#include "host_svc.h"

static struct kbd_state k;
static char got[256];
static size_t gotn;
static enum kbd_action last_action;

static void setup(void)
{
	kbd_init(&k);
	gotn = 0;
	memset(got, 0, sizeof(got));
}

/* Feed scan codes; append the produced bytes to got. */
static void feed(const uint8_t *sc, size_t n)
{
	uint8_t out[KBD_OUT_MAX];

	for (size_t i = 0; i < n; i++) {
		enum kbd_action a;
		size_t m = kbd_scancode(&k, sc[i], out, &a);
		ck_assert_uint_le(m, KBD_OUT_MAX);
		memcpy(got + gotn, out, m);
		gotn += m;
		if (a != KBD_NONE)
			last_action = a;
	}
}

#define FEED(...)                                          \
	do {                                               \
		static const uint8_t s_[] = {__VA_ARGS__}; \
		feed(s_, sizeof(s_));                      \
	} while (0)

START_TEST(test_letters_and_shift)
{
	FEED(0x23, 0xa3, 0x17, 0x97);			/* h i */
	FEED(0x2a, 0x23, 0xa3, 0xaa, 0x17, 0x97);	/* Shift+h, i */
	FEED(0x3a, 0xba, 0x23, 0xa3, 0x2a, 0x17, 0xaa); /* Caps: H, Shift: i */
	FEED(0x02, 0x2a, 0x02, 0xaa);			/* 1 ! (Caps leaves digits) */
	ck_assert_str_eq(got, "hiHiHi1!");
}
END_TEST

START_TEST(test_control_keys)
{
	FEED(0x1d, 0x2e, 0xae, 0x9d);	    /* ^C */
	FEED(0x1c, 0x0e, 0x0f, 0x01);	    /* Enter, Backspace, Tab, Esc */
	FEED(0xe0, 0x1d, 0x20, 0xe0, 0x9d); /* right Ctrl + d: ^D */
	FEED(0x1d, 0x39, 0x9d);		    /* ^@ */
	ck_assert_uint_eq(gotn, 7);
	ck_assert_mem_eq(got, "\003\r\177\t\033\004\000", 7);
}
END_TEST

START_TEST(test_alt_and_arrows)
{
	FEED(0x38, 0x30, 0xb8);			  /* Alt+b: ESC b */
	FEED(0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x4b); /* up, left */
	FEED(0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53); /* Home End Delete */
	ck_assert_str_eq(got, "\033b\033[A\033[D\033[1~\033[4~\033[3~");
}
END_TEST

START_TEST(test_keypad_and_function_keys)
{
	FEED(0x47, 0x4c, 0x53, 0x4e, 0xe0, 0x1c, 0xe0, 0x35); /* 7 5 . + Enter / */
	FEED(0x45, 0xc5, 0x48);				      /* Num off: 8 is up */
	FEED(0x3b, 0x44, 0x58);				      /* F1 F10 F12 */
	ck_assert_str_eq(got, "75.+\r/\033[A\033[[A\033[21~\033[24~");
}
END_TEST

START_TEST(test_pause_and_fake_shift)
{
	FEED(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e); /* Pause, then a */
	FEED(0xe0, 0x2a, 0x1e, 0xe0, 0xaa);		/* fake shift: still a */
	ck_assert_str_eq(got, "aa");
}
END_TEST

START_TEST(test_actions)
{
	last_action = KBD_NONE;
	FEED(0x2a, 0xe0, 0x49, 0xe0, 0xc9, 0xaa);
	ck_assert_int_eq(last_action, KBD_SCROLL_UP);
	FEED(0x36, 0xe0, 0x51, 0xb6);
	ck_assert_int_eq(last_action, KBD_SCROLL_DOWN);
	FEED(0x1d, 0x38, 0xe0, 0x53);
	ck_assert_int_eq(last_action, KBD_REBOOT);
	ck_assert_uint_eq(gotn, 0);
	FEED(0xe0, 0x49); /* PgUp alone is a key */
}
END_TEST

START_TEST(test_every_byte_is_safe)
{
	uint8_t out[KBD_OUT_MAX];
	enum kbd_action a;

	for (int round = 0; round < 3; round++)
		for (int b = 0; b < 256; b++)
			ck_assert_uint_le(kbd_scancode(&k, (uint8_t)b, out, &a), KBD_OUT_MAX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("keymap");
	TCase *tc = tcase_create("scancodes");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_letters_and_shift);
	tcase_add_test(tc, test_control_keys);
	tcase_add_test(tc, test_alt_and_arrows);
	tcase_add_test(tc, test_keypad_and_function_keys);
	tcase_add_test(tc, test_pause_and_fake_shift);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_every_byte_is_safe);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
