/*
 * The PS/2 mouse's wire protocols, pure logic shared by drivers/ps2mouse.c
 * and the host tests (drivers/ps2mouse_proto.c):
 *
 * - In: the standard 3-byte packets a mouse sends in stream mode (IBM PS/2
 *   Hardware Interface Technical Reference, "Mouse", and the OSDev "PS/2
 *   Mouse" notes). Byte 0: bit 0 left, 1 right, 2 middle, 3 always 1 (the
 *   sync bit), 4 X sign, 5 Y sign, 6 X overflow, 7 Y overflow; bytes 1 and
 *   2: the low 8 bits of the 9-bit two's-complement dx and dy (dy positive
 *   up).
 * - Out: the same 3-byte format as Linux's mousedev serves it from
 *   /dev/input/mice (drivers/input/mousedev.c, the plain PS/2 protocol):
 *   motion clamped to -127..127 per packet, with bigger motion split over
 *   several packets.
 *
 * The parser resynchronises on a first byte without the sync bit and on a
 * gap of more than PS2MOUSE_RESYNC_MS inside a packet (as Linux's psmouse
 * does with its resync timer), and drops the motion of a packet with an
 * overflow bit (the 9-bit value is meaningless then), keeping its buttons.
 * The caller serialises every call on one parser.
 */
#ifndef DRIVERS_PS2MOUSE_PROTO_H
#define DRIVERS_PS2MOUSE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PS2MOUSE_LEFT	    0x01
#define PS2MOUSE_RIGHT	    0x02
#define PS2MOUSE_MIDDLE	    0x04
#define PS2MOUSE_SYNC	    0x08
#define PS2MOUSE_X_SIGN	    0x10
#define PS2MOUSE_Y_SIGN	    0x20
#define PS2MOUSE_X_OVERFLOW 0x40
#define PS2MOUSE_Y_OVERFLOW 0x80
#define PS2MOUSE_BUTTONS    (PS2MOUSE_LEFT | PS2MOUSE_RIGHT | PS2MOUSE_MIDDLE)

#define PS2MOUSE_RESYNC_MS 500
#define PS2MOUSE_PACKET	   3
/* The most packets ps2mouse_encode writes for one event (|d| <= 256). */
#define PS2MOUSE_MAX_SPLIT 3

struct ps2mouse_event {
	int dx, dy;	 /* dy positive up, as the mouse reports it */
	uint8_t buttons; /* PS2MOUSE_LEFT | RIGHT | MIDDLE */
};

struct ps2mouse_parser {
	uint8_t buf[PS2MOUSE_PACKET];
	unsigned n;	    /* bytes of the packet so far */
	uint64_t last_ms;   /* when the previous byte came */
	uint64_t packets;   /* complete packets */
	uint64_t resyncs;   /* bytes dropped to find a packet's start */
	uint64_t timeouts;  /* partial packets dropped after a gap */
	uint64_t overflows; /* packets whose motion was dropped */
};

void ps2mouse_parser_init(struct ps2mouse_parser *p);
/* Feed one byte received at now_ms. Returns 1 and fills *ev when it ends a
 * packet, else 0. */
int ps2mouse_feed(struct ps2mouse_parser *p, uint8_t byte, uint64_t now_ms,
		  struct ps2mouse_event *ev);
/* Encode ev as mousedev's PS/2 packets into out (room for
 * PS2MOUSE_MAX_SPLIT * PS2MOUSE_PACKET bytes, motion clamped to +-383).
 * Returns the bytes written: a multiple of 3, at least one packet. */
size_t ps2mouse_encode(const struct ps2mouse_event *ev, uint8_t *out);
/* Decode one mousedev packet (the inverse of a single encoded packet);
 * 0, or -1 when the sync bit is missing. */
int ps2mouse_decode(const uint8_t pkt[PS2MOUSE_PACKET], struct ps2mouse_event *ev);

#endif
