/*
 * The i8042 keyboard controller and its first port (the keyboard), as in
 * the IBM PC/AT technical reference and the OSDev "8042" notes: status at
 * port 0x64 (bit 0 output full, bit 1 input full, bit 5 the byte is from
 * the auxiliary port), data at 0x60, commands 0x20/0x60 (read/write the
 * configuration byte), 0xad/0xae (disable/enable port 1), 0xa7 (disable
 * port 2). The configuration gets IRQ 1 on and translation to scan code
 * set 1 on; the mouse port is left alone (its bytes are counted and
 * dropped here until the mouse driver exists).
 *
 * Lock legend: the stats are updated only in the IRQ handler.
 */
#include <ksvc.h>
#include "drivers/ps2kbd.h"
#include "kernel/arch/arch.h"

#define I8042_DATA	  0x60
#define I8042_STATUS	  0x64
#define I8042_CMD	  0x64
#define ST_OUT_FULL	  0x01
#define ST_IN_FULL	  0x02
#define ST_AUX		  0x20
#define CMD_READ_CONFIG	  0x20
#define CMD_WRITE_CONFIG  0x60
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1  0xae
#define CFG_IRQ1	  0x01
#define CFG_PORT1_CLOCK	  0x10 /* set: port 1 clock disabled */
#define CFG_TRANSLATE	  0x40
#define KBD_IRQ		  1

static void (*consumer)(void *ctx, uint8_t sc);
static void *consumer_ctx;
static struct ps2kbd_stats stats;

static bool wait_input_empty(void)
{
	for (int i = 0; i < 100000; i++) {
		if (!(inb(I8042_STATUS) & ST_IN_FULL))
			return true;
		arch_cpu_relax();
	}
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < 100000; i++) {
		if (inb(I8042_STATUS) & ST_OUT_FULL)
			return true;
		arch_cpu_relax();
	}
	return false;
}

static void kbd_irq(void *arg)
{
	uint8_t st;

	stats.irqs++;
	while ((st = inb(I8042_STATUS)) & ST_OUT_FULL) {
		uint8_t b = inb(I8042_DATA);
		if (st & ST_AUX) {
			stats.aux_bytes++;
			continue;
		}
		stats.bytes++;
		if (consumer)
			consumer(consumer_ctx, b);
	}
}

int ps2kbd_init(void (*on_byte)(void *ctx, uint8_t scancode), void *ctx)
{
	uint8_t cfg;
	int err;

	/* No controller: the status port floats to 0xff. */
	if (inb(I8042_STATUS) == 0xff)
		return -ENODEV;
	if (!wait_input_empty())
		return -ENODEV;
	outb(I8042_CMD, CMD_DISABLE_PORT1);
	while (inb(I8042_STATUS) & ST_OUT_FULL) /* stale bytes */
		(void)inb(I8042_DATA);
	wait_input_empty();
	outb(I8042_CMD, CMD_READ_CONFIG);
	if (!wait_output_full())
		return -ENODEV;
	cfg = inb(I8042_DATA);
	cfg = (uint8_t)((cfg | CFG_IRQ1 | CFG_TRANSLATE) & ~CFG_PORT1_CLOCK);
	wait_input_empty();
	outb(I8042_CMD, CMD_WRITE_CONFIG);
	wait_input_empty();
	outb(I8042_DATA, cfg);
	consumer = on_byte;
	consumer_ctx = ctx;
	err = arch_irq_register(KBD_IRQ, 0, kbd_irq, NULL);
	if (err)
		return err;
	wait_input_empty();
	outb(I8042_CMD, CMD_ENABLE_PORT1);
	pr_info("ps2kbd: i8042 keyboard on IRQ %d, scan code set 1 (translated)\n", KBD_IRQ);
	return 0;
}

void ps2kbd_get_stats(struct ps2kbd_stats *s)
{
	*s = stats;
}
