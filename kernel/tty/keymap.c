/*
 * Scan code set 1 to terminal bytes (keymap.h). Make codes are 0x01-0x58,
 * break codes the same with bit 7 set; 0xe0 prefixes the extended keys
 * (right Ctrl/Alt, the arrow and editing block, keypad Enter and /), 0xe1
 * starts the six-byte Pause sequence. The key sequences are those of the
 * Linux console (console_codes(4), the default keymap's "func" strings).
 */
#include <ksvc.h>
#include "kernel/tty/keymap.h"

/* Unshifted and shifted characters for make codes 0x00-0x39. */
static const char normal[0x3a] = {
	0,    0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9',  '0', '-', '=',  0x7f,
	'\t', 'q',  'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p',  '[', ']', '\r', 0,
	'a',  's',  'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z',
	'x',  'c',  'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,   ' ',
};
static const char shifted[0x3a] = {
	0,    0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',	 0x7f,
	'\t', 'Q',  'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
	'A',  'S',  'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|',	 'Z',
	'X',  'C',  'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

/* The keypad, 0x47-0x53, with Num Lock: digits and the point. */
static const char keypad[0x0d] = {'7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.'};

#define SC_LCTRL  0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_LALT	  0x38
#define SC_CAPS	  0x3a
#define SC_NUM	  0x45
#define SC_DEL	  0x53

void kbd_init(struct kbd_state *k)
{
	memset(k, 0, sizeof(*k));
	k->num = true;
}

static size_t put_str(uint8_t *out, const char *s)
{
	size_t n = strlen(s);

	memcpy(out, s, n);
	return n;
}

/* The editing block and cursor keys (0xe0 prefix, or keypad without Num). */
static const char *edit_key(uint8_t code)
{
	switch (code) {
	case 0x48:
		return "\033[A";
	case 0x50:
		return "\033[B";
	case 0x4d:
		return "\033[C";
	case 0x4b:
		return "\033[D";
	case 0x47:
		return "\033[1~"; /* Home */
	case 0x4f:
		return "\033[4~"; /* End */
	case 0x52:
		return "\033[2~"; /* Insert */
	case 0x53:
		return "\033[3~"; /* Delete */
	case 0x49:
		return "\033[5~"; /* PgUp */
	case 0x51:
		return "\033[6~"; /* PgDn */
	default:
		return NULL;
	}
}

static const char *function_key(uint8_t code)
{
	static const char *const f1_10[10] = {
		"\033[[A",  "\033[[B",	"\033[[C",  "\033[[D",	"\033[[E",
		"\033[17~", "\033[18~", "\033[19~", "\033[20~", "\033[21~",
	};
	if (code >= 0x3b && code <= 0x44)
		return f1_10[code - 0x3b];
	if (code == 0x57)
		return "\033[23~";
	if (code == 0x58)
		return "\033[24~";
	return NULL;
}

size_t kbd_scancode(struct kbd_state *k, uint8_t sc, uint8_t out[KBD_OUT_MAX],
		    enum kbd_action *action)
{
	bool ext = k->e0, up = sc & 0x80, shift, ctrl, alt;
	uint8_t code = sc & 0x7f;
	const char *seq;
	size_t n = 0;
	char c;

	*action = KBD_NONE;
	if (k->e1_skip) {
		k->e1_skip--;
		return 0;
	}
	if (sc == 0xe0) {
		k->e0 = true;
		return 0;
	}
	if (sc == 0xe1) {
		k->e1_skip = 5; /* Pause: e1 1d 45 e1 9d c5, no key */
		return 0;
	}
	k->e0 = false;

	/* Modifiers, on make and break. 0xe0 0x2a / 0xe0 0x36 are the fake
	 * shifts some keys send around themselves: ignored. */
	switch (code) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		if (!ext) {
			if (code == SC_LSHIFT)
				k->lshift = !up;
			else
				k->rshift = !up;
		}
		return 0;
	case SC_LCTRL:
		if (ext)
			k->rctrl = !up;
		else
			k->lctrl = !up;
		return 0;
	case SC_LALT:
		if (ext)
			k->ralt = !up;
		else
			k->lalt = !up;
		return 0;
	}
	if (up)
		return 0;
	if (!ext && code == SC_CAPS) {
		k->caps = !k->caps;
		return 0;
	}
	if (!ext && code == SC_NUM) {
		k->num = !k->num;
		return 0;
	}

	shift = k->lshift || k->rshift;
	ctrl = k->lctrl || k->rctrl;
	alt = k->lalt || k->ralt;

	if (ctrl && alt && code == SC_DEL) {
		*action = KBD_REBOOT;
		return 0;
	}
	if (shift && (code == 0x49 || code == 0x51) && (ext || !k->num)) {
		*action = code == 0x49 ? KBD_SCROLL_UP : KBD_SCROLL_DOWN;
		return 0;
	}
	if (alt)
		out[n++] = 0x1b; /* meta: ESC prefix */

	if (ext) {
		if (code == 0x1c)
			return n + put_str(out + n, "\r"); /* keypad Enter */
		if (code == 0x35)
			return n + put_str(out + n, "/"); /* keypad / */
		seq = edit_key(code);
		return seq ? n + put_str(out + n, seq) : 0;
	}
	if (code >= 0x47 && code <= 0x53) {
		if (k->num || code == 0x4a || code == 0x4e) {
			out[n++] = (uint8_t)keypad[code - 0x47];
			return n;
		}
		seq = edit_key(code);
		return seq ? n + put_str(out + n, seq) : 0;
	}
	seq = function_key(code);
	if (seq)
		return n + put_str(out + n, seq);
	if (code >= sizeof(normal) || !normal[code])
		return 0;

	c = shift ? shifted[code] : normal[code];
	if (k->caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c ^= 0x20; /* Caps Lock inverts the case of letters only */
	if (ctrl) {
		if (c >= '@' && c <= '~')
			c = (char)(c & 0x1f); /* ^A..^Z, ^[ ^\ ^] ^^ ^_ */
		else if (c == ' ' || c == '2' || c == '@')
			c = 0; /* ^@ */
		else if (c == '/' || c == '-' || c == '7')
			c = 0x1f;
		else if (c == '6')
			c = 0x1e;
		else if (c == 0x7f)
			c = 0x08; /* Ctrl+Backspace: ^H */
	}
	out[n++] = (uint8_t)c;
	return n;
}
