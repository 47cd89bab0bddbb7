/*
 * The PS/2 mouse on the i8042's aux port (drivers/ps2mouse.c), served as
 * /dev/input/mice (char 13,63) in Linux mousedev's 3-byte PS/2 protocol.
 */
#ifndef DRIVERS_PS2MOUSE_H
#define DRIVERS_PS2MOUSE_H

#include <stdint.h>

/* Enable the aux port and the mouse, route IRQ 12 and register
 * /dev/input/mice. 0, or -ENODEV when no controller or mouse answers. */
int ps2mouse_init(void);

struct ps2mouse_stats {
	uint64_t packets, resyncs, timeouts, overflows; /* the parser's */
	uint64_t dropped;				/* packets a full reader lost */
	unsigned readers;
};
void ps2mouse_get_stats(struct ps2mouse_stats *s);

#endif
