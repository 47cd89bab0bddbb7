/*
 * PS/2 mouse packet parsing and mousedev packet encoding (see
 * drivers/ps2mouse_proto.h for the formats). Pure logic: no I/O, no locks;
 * host-tested in tests/unit/test_ps2mouse.c and fuzzed by
 * tests/fuzz/fuzz_ps2mouse.c.
 */
#include "drivers/ps2mouse_proto.h"

#define CLAMP 127

void ps2mouse_parser_init(struct ps2mouse_parser *p)
{
	*p = (struct ps2mouse_parser){0};
}

int ps2mouse_feed(struct ps2mouse_parser *p, uint8_t byte, uint64_t now_ms,
		  struct ps2mouse_event *ev)
{
	uint8_t b0;

	if (p->n && now_ms - p->last_ms > PS2MOUSE_RESYNC_MS) {
		p->timeouts++;
		p->n = 0;
	}
	p->last_ms = now_ms;
	if (p->n == 0 && !(byte & PS2MOUSE_SYNC)) {
		p->resyncs++;
		return 0;
	}
	p->buf[p->n++] = byte;
	if (p->n < PS2MOUSE_PACKET)
		return 0;
	p->n = 0;
	p->packets++;
	b0 = p->buf[0];
	ev->buttons = b0 & PS2MOUSE_BUTTONS;
	if (b0 & (PS2MOUSE_X_OVERFLOW | PS2MOUSE_Y_OVERFLOW)) {
		p->overflows++;
		ev->dx = ev->dy = 0;
		return 1;
	}
	ev->dx = (int)p->buf[1] - ((b0 & PS2MOUSE_X_SIGN) ? 256 : 0);
	ev->dy = (int)p->buf[2] - ((b0 & PS2MOUSE_Y_SIGN) ? 256 : 0);
	return 1;
}

static int clamp(int v, int lim)
{
	return v > lim ? lim : v < -lim ? -lim : v;
}

size_t ps2mouse_encode(const struct ps2mouse_event *ev, uint8_t *out)
{
	int dx = clamp(ev->dx, CLAMP * PS2MOUSE_MAX_SPLIT);
	int dy = clamp(ev->dy, CLAMP * PS2MOUSE_MAX_SPLIT);
	size_t n = 0;

	do {
		int x = clamp(dx, CLAMP), y = clamp(dy, CLAMP);
		out[n] = (uint8_t)(PS2MOUSE_SYNC | (ev->buttons & PS2MOUSE_BUTTONS) |
				   (x < 0 ? PS2MOUSE_X_SIGN : 0) | (y < 0 ? PS2MOUSE_Y_SIGN : 0));
		out[n + 1] = (uint8_t)(x & 0xff);
		out[n + 2] = (uint8_t)(y & 0xff);
		n += PS2MOUSE_PACKET;
		dx -= x;
		dy -= y;
	} while (dx || dy);
	return n;
}

int ps2mouse_decode(const uint8_t pkt[PS2MOUSE_PACKET], struct ps2mouse_event *ev)
{
	if (!(pkt[0] & PS2MOUSE_SYNC))
		return -1;
	ev->buttons = pkt[0] & PS2MOUSE_BUTTONS;
	ev->dx = (int)pkt[1] - ((pkt[0] & PS2MOUSE_X_SIGN) ? 256 : 0);
	ev->dy = (int)pkt[2] - ((pkt[0] & PS2MOUSE_Y_SIGN) ? 256 : 0);
	return 0;
}
