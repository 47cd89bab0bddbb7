/*
 * The PS/2 keyboard on the i8042 controller (drivers/ps2kbd.c): scan code
 * set 1 bytes (the controller translates) handed to a consumer from the
 * IRQ 1 handler.
 */
#ifndef DRIVERS_PS2KBD_H
#define DRIVERS_PS2KBD_H

#include <stdint.h>

/* Set up the controller and route IRQ 1 to on_byte (interrupt context).
 * 0, or -ENODEV when no controller answers. */
int ps2kbd_init(void (*on_byte)(void *ctx, uint8_t scancode), void *ctx);

struct ps2kbd_stats {
	uint64_t bytes, irqs, aux_bytes;
};
void ps2kbd_get_stats(struct ps2kbd_stats *s);

#endif
