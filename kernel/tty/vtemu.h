/*
 * A terminal emulator (kernel/tty/vtemu.c): the screen of the VGA console
 * as pure logic, so that it is tested and fuzzed on the host. It takes the
 * bytes a tty writes and keeps a grid of cells in VGA text format
 * (attribute << 8 | character), a scroll-back history and the cursor. It
 * understands what Linux's console (console_codes(4)) and xterm give to
 * line editors and simple full-screen programs:
 *
 *   - C0: BS, HT, LF/VT/FF, CR, BEL (ignored), ESC, CAN/SUB (abort);
 *   - ESC 7 / ESC 8 (save and restore the cursor), ESC D, ESC E, ESC M
 *     (index, next line, reverse index), ESC c (reset);
 *   - CSI n A/B/C/D/E/F/G, H and f, d, J and K (0, 1, 2; J 3 also clears the
 *     history), L/M (insert and delete lines), @/P/X (insert, delete and
 *     erase characters), S/T (scroll), r (scroll region), s/u, m (SGR: 0,
 *     1, 2, 4 (shown as bright), 5, 7, 22, 24, 25, 27, 30-37, 39, 40-47,
 *     49, 90-97, 100-107), ?25h/l (cursor), 6n (cursor position report,
 *     answered through `reply`), 5n, c (device attributes);
 *   - OSC strings (ESC ] ... BEL or ESC \) are skipped;
 *   - UTF-8 sequences show as one '?' cell (the VGA font is code page 437).
 *
 * Lock legend: none inside; the owner (drivers/vga.c) serialises calls.
 */
#ifndef KERNEL_TTY_VTEMU_H
#define KERNEL_TTY_VTEMU_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VT_MAX_PARAMS 8
#define VT_MAX_ROWS   64

struct vtemu {
	unsigned rows, cols;
	uint16_t *screen;    /* rows * cols cells, the live screen */
	uint16_t *hist;	     /* hist_rows * cols: lines that scrolled off the top */
	unsigned hist_rows;  /* capacity */
	unsigned hist_next;  /* the slot the next line goes to */
	unsigned hist_count; /* lines held */
	unsigned view;	     /* how many lines the view is scrolled back; 0: live */
	unsigned row, col;
	bool wrapnext; /* the last column was written: the next character wraps */
	uint8_t fg, bg;
	bool bold, dim, reverse, blink;
	unsigned top, bot; /* scroll region, inclusive */
	struct {
		unsigned row, col;
		uint8_t fg, bg;
		bool bold, reverse;
	} saved;
	bool cursor_on;
	int state;
	unsigned par[VT_MAX_PARAMS];
	unsigned npar;
	bool priv; /* CSI ? ... */
	int utf8_left;
	uint64_t dirty; /* bit r: display row r changed since vtemu_clean */
	/* Answers to status requests (cursor position, attributes): bytes as
	 * if typed. May be NULL. */
	void (*reply)(void *ctx, const char *s, size_t n);
	void *ctx;
};

/* A blank screen; `screen` and `hist` are the caller's (hist may be NULL
 * with hist_rows 0). rows <= VT_MAX_ROWS. */
void vtemu_init(struct vtemu *vt, unsigned rows, unsigned cols, uint16_t *screen, uint16_t *hist,
		unsigned hist_rows);
void vtemu_reset(struct vtemu *vt);
void vtemu_write(struct vtemu *vt, const uint8_t *buf, size_t n);
/* Scroll the view back (delta > 0) or forward into the history; new
 * output returns the view to the live screen. */
void vtemu_scroll_view(struct vtemu *vt, int delta);
/* The cells to display at row r (0 <= r < rows), the view included. */
const uint16_t *vtemu_display_row(const struct vtemu *vt, unsigned r);
/* Where to draw the cursor; false when hidden or scrolled back. */
bool vtemu_cursor(const struct vtemu *vt, unsigned *row, unsigned *col);
/* The current attribute byte (for blank cells). */
uint8_t vtemu_attr(const struct vtemu *vt);

#endif
