/*
 * The PC keyboard as a terminal keyboard (kernel/tty/keymap.c): scan code
 * set 1 bytes (what the i8042 delivers with translation on) in, the bytes
 * a VT100/Linux console sends out, as pure logic for host tests.
 *
 * US layout. Shift and Caps Lock (letters only), Ctrl (^@ .. ^_, ^? for
 * Ctrl-Backspace... as the Linux console), Alt sends ESC before the key
 * (meta). Arrows, Home, End, Insert, Delete, PgUp, PgDn and F1-F12 send
 * Linux console sequences (ESC [ A, ESC [ 1 ~, ESC [ [ A...). Shift+PgUp
 * and Shift+PgDn are not sent: they scroll the console's history, returned
 * as an action. The keypad sends digits (Num Lock on) as Linux does by
 * default; Enter sends CR, Backspace DEL (0x7f).
 */
#ifndef KERNEL_TTY_KEYMAP_H
#define KERNEL_TTY_KEYMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct kbd_state {
	bool lshift, rshift, lctrl, rctrl, lalt, ralt, caps, num;
	bool e0;	  /* the previous byte was the 0xe0 prefix */
	unsigned e1_skip; /* bytes of a Pause sequence still to skip */
};

enum kbd_action {
	KBD_NONE,
	KBD_SCROLL_UP,	 /* Shift+PgUp: history back a page */
	KBD_SCROLL_DOWN, /* Shift+PgDn */
	KBD_REBOOT,	 /* Ctrl+Alt+Del */
};

#define KBD_OUT_MAX 8

void kbd_init(struct kbd_state *k);
/* One scan code byte: the bytes to type go to out (at most KBD_OUT_MAX),
 * their number is returned, and *action says what else to do. */
size_t kbd_scancode(struct kbd_state *k, uint8_t sc, uint8_t out[KBD_OUT_MAX],
		    enum kbd_action *action);

#endif
