/*
 * The serial console tty: ttyS0 (4,64) on COM1, also served as
 * /dev/console (5,1) unless console=vga; /dev/tty (5,0), each process's
 * controlling terminal, is registered here too. Device numbers are Linux's
 * (Documentation/admin-guide/devices.txt). Typed bytes arrive from the
 * serial receive interrupt; output goes to the port through serial_tx,
 * interleaving with kernel log lines.
 */
#include <ksvc.h>
#include "drivers/serial.h"
#include "fs/devfs.h"
#include "kernel/tty/tty.h"

static struct tty serial_tty;

static size_t serial_tty_write(struct tty *t, const uint8_t *buf, size_t n)
{
	serial_tx((const char *)buf, n);
	return n;
}

static const struct tty_driver serial_tty_driver = {
	.write = serial_tty_write,
};

/* Interrupt context, with the port lock already dropped. */
static void serial_tty_rx(void *ctx, const uint8_t *buf, size_t n)
{
	tty_receive(ctx, buf, n);
}

int tty_console_init(void)
{
	int err;

	tty_init(&serial_tty, "ttyS0", &serial_tty_driver, NULL);
	err = devfs_register_chr("ttyS0", 4, 64, 0620, &tty_fops, &serial_tty);
	if (err)
		goto out;
	err = devfs_register_chr("tty", 5, 0, 0666, &tty_current_fops, NULL);
	if (err)
		goto out;
	err = devfs_set_ops("console", &tty_fops, &serial_tty);
	if (err)
		goto out;
	serial_set_rx_handler(serial_tty_rx, &serial_tty);
	pr_info("tty: ttyS0 is the console (/dev/console)\n");
out:
	if (err)
		pr_err("tty: cannot register the serial console tty (%d)\n", err);
	return err;
}
