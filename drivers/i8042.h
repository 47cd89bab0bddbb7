/*
 * The i8042 controller shared by the PS/2 keyboard (port 1, IRQ 1,
 * drivers/ps2kbd.c) and mouse (port 2, IRQ 12, drivers/ps2mouse.c). Both
 * interrupts drain the one output buffer and hand each byte to the
 * consumer of the port its status AUX bit names.
 *
 * Lock legend: i8042_lock (IRQ-saving) serialises controller commands and
 * the drain; consumers are set before their port's interrupt is enabled
 * and never change; the stats are written under i8042_lock.
 */
#ifndef DRIVERS_I8042_H
#define DRIVERS_I8042_H

#include <stdint.h>
#include <stdbool.h>

enum i8042_port { I8042_PORT_KBD = 0, I8042_PORT_AUX = 1 };

typedef void (*i8042_consumer_t)(void *ctx, uint8_t byte);

/* 0 when a controller answers, -ENODEV when the status port floats. */
int i8042_probe(void);
/* Read-modify-write the configuration byte: cfg = (cfg | set) & ~clear. */
int i8042_update_config(uint8_t set, uint8_t clear);
/* A controller command byte (I8042_CMD_*), sent when the input buffer empties. */
void i8042_command(uint8_t cmd);
/* Send a byte to the aux device and wait for its ACK by polling (call
 * with the aux interrupt not yet routed). 0, -EIO (no ACK) or -ETIMEDOUT. */
int i8042_aux_command(uint8_t byte);
/* Route port's bytes to fn (interrupt context) and register its IRQ. */
int i8042_attach(enum i8042_port port, i8042_consumer_t fn, void *ctx);

struct i8042_stats {
	uint64_t irqs;
	uint64_t bytes[2];  /* per port */
	uint64_t unclaimed; /* bytes for a port without a consumer */
};
void i8042_get_stats(struct i8042_stats *s);

#endif
