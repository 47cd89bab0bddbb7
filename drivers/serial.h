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
/* Queue bytes for COM1 as they are: no "\n" to "\r\n" mapping and no log
 * prefix (a tty does its own output processing). May interleave with
 * kernel log lines. Safe with interrupts off. */
void serial_tx(const char *buf, size_t len);
/* Hand every byte COM1 receives to fn(ctx, bytes, n), in interrupt context
 * without the port lock held (fn may call serial_tx); NULL detaches. */
void serial_set_rx_handler(void (*fn)(void *ctx, const uint8_t *buf, size_t n), void *ctx);

struct serial_stats {
	uint64_t tx_bytes;
	uint64_t tx_irqs;
	uint64_t tx_polled; /* bytes written by polling because the buffer was full */
	uint64_t rx_bytes;
	uint64_t rx_overruns;
	uint64_t rx_dropped; /* received with no handler, or past RX_BATCH */
};
void serial_get_stats(struct serial_stats *s);

#endif
