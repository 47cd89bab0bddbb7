/*
 * Console registry (kernel/lib/printk.c). A console driver (serial, VGA)
 * registers a struct console; printk writes each log line to every registered
 * console. After console_panic_mode() only the write_sync path is used: it
 * must take no locks, allocate nothing and poll the hardware.
 *
 * Lock legend: the console list is guarded by the printk lock.
 */
#ifndef KERNEL_LIB_CONSOLE_H
#define KERNEL_LIB_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>

struct console {
	const char *name;
	void (*write)(struct console *c, const char *buf, size_t len);
	void (*write_sync)(struct console *c, const char *buf, size_t len);
	void *priv;
	struct console *next; /* printk lock */
};

void console_register(struct console *c);
void console_panic_mode(void);
/* Write bytes to every console as they are, outside the log (the output of
 * user programs until the tty layer owns the consoles). */
void console_write_raw(const char *buf, size_t len);
bool console_in_panic(void);

#endif
