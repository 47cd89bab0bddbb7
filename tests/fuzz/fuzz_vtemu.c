/*
 * libFuzzer target for kernel/tty/vtemu.c, the VGA console's terminal
 * emulator: any program may write any bytes to the console. The first
 * bytes pick the screen and history sizes; the rest is written in chunks,
 * with scroll-back moves in between. Invariants: no crash or out-of-bounds
 * access (ASan), the cursor and the scroll region inside the screen, the
 * view inside the history, replies short and well-formed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/tty/vtemu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(void *ctx, const char *s, size_t n)
{
	if (n == 0 || n > 24 || s[0] != '\033')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint16_t screen[VT_MAX_ROWS * 200], hist[64 * 200];
	struct vtemu vt;
	unsigned rows, cols, hrows;

	if (size < 3)
		return 0;
	rows = 1 + data[0] % VT_MAX_ROWS;
	cols = 1 + data[1] % 200;
	hrows = data[2] % 65;
	data += 3;
	size -= 3;
	vtemu_init(&vt, rows, cols, screen, hrows ? hist : NULL, hrows);
	vt.reply = check_reply;
	while (size) {
		size_t n = 1 + data[0] % 64;
		if (n > size)
			n = size;
		vtemu_write(&vt, data, n);
		if (vt.row >= vt.rows || vt.col >= vt.cols || vt.top > vt.bot || vt.bot >= vt.rows)
			abort();
		data += n;
		size -= n;
		if (size && (data[0] & 0xf0) == 0xf0)
			vtemu_scroll_view(&vt, (int)(data[0] & 0x0f) - 8);
		if (vt.view > vt.hist_count)
			abort();
		for (unsigned r = 0; r < vt.rows; r++)
			(void)vtemu_display_row(&vt, r)[vt.cols - 1];
	}
	return 0;
}
