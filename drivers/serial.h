/*
 * 16550 serial ports (drivers/serial.c). Output is buffered and drained by
 * the transmit interrupt once serial_start_irq has run; before that, and in
 * a panic, bytes are written by polling.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdint.h>
#include <stddef.h>

#define COM1_PORT 0x3f8
#define COM1_IRQ  4

/* Probe and program COM1 at 115200 8N1 and register it as a console. */
void serial_console_init(void);
/* Switch COM1 to interrupt-driven output. */
void serial_start_irq(void);

struct serial_stats {
	uint64_t tx_bytes;
	uint64_t tx_irqs;
	uint64_t tx_polled; /* bytes written by polling because the buffer was full */
	uint64_t rx_bytes;
	uint64_t rx_overruns;
};
void serial_get_stats(struct serial_stats *s);

#endif
