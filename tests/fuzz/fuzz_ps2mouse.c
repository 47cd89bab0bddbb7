/*
 * libFuzzer target for drivers/ps2mouse_proto.c: arbitrary bytes from the
 * aux port, each pair of input bytes being a time step and a data byte.
 * Every event must have 9-bit motion and only button bits, every packet
 * the encoder makes must decode back to within -127..127 and sum to the
 * (clamped) motion, and the counters must account for every byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "drivers/ps2mouse_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps2mouse_parser p;
	uint64_t now = 0, bytes = 0;

	ps2mouse_parser_init(&p);
	for (size_t i = 0; i + 1 < size; i += 2) {
		struct ps2mouse_event ev, back;
		uint8_t out[PS2MOUSE_MAX_SPLIT * PS2MOUSE_PACKET];
		int sx = 0, sy = 0;
		size_t n;

		now += (uint64_t)data[i] * 8; /* up to about 2 s between bytes */
		bytes++;
		if (!ps2mouse_feed(&p, data[i + 1], now, &ev))
			continue;
		if (ev.dx < -256 || ev.dx > 255 || ev.dy < -256 || ev.dy > 255 ||
		    (ev.buttons & ~PS2MOUSE_BUTTONS))
			abort();
		n = ps2mouse_encode(&ev, out);
		if (n == 0 || n % PS2MOUSE_PACKET || n > sizeof(out))
			abort();
		for (size_t j = 0; j < n; j += PS2MOUSE_PACKET) {
			if (ps2mouse_decode(out + j, &back) || back.buttons != ev.buttons ||
			    abs(back.dx) > 127 || abs(back.dy) > 127)
				abort();
			sx += back.dx;
			sy += back.dy;
		}
		if (sx != ev.dx || sy != ev.dy)
			abort();
	}
	/* Every byte is in a packet, was skipped, or is part of the tail or a
	 * dropped partial packet. */
	if (p.packets * PS2MOUSE_PACKET + p.resyncs + p.n > bytes ||
	    p.packets * PS2MOUSE_PACKET + p.resyncs + p.n + 2 * p.timeouts < bytes)
		abort();
	return 0;
}
