/*
 * The i8042 keyboard controller (drivers/i8042.h): waits on the status
 * register, controller commands, the configuration byte, and the one
 * interrupt drain shared by IRQ 1 and IRQ 12. Register names are in
 * drivers/i8042_regs.h.
 *
 * QEMU's model (hw/input/pckbd.c) raises IRQ 1 or IRQ 12 for whichever
 * port's byte is at the head of the output buffer, so a byte of either
 * port may be found by either handler: the drain routes by the AUX bit of
 * the status read with each byte, never by the IRQ that ran.
 */
#include <ksvc.h>
#include "drivers/i8042.h"
#include "drivers/i8042_regs.h"
#include "kernel/arch/arch.h"

#define WAIT_LOOPS 100000

static struct spinlock i8042_lock = SPINLOCK_INIT("i8042");
static struct {
	i8042_consumer_t fn;
	void *ctx;
} consumers[2];
static struct i8042_stats stats;

static bool wait_input_empty(void)
{
	for (int i = 0; i < WAIT_LOOPS; i++) {
		if (!(inb(I8042_STATUS) & I8042_ST_IN_FULL))
			return true;
		arch_cpu_relax();
	}
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < WAIT_LOOPS; i++) {
		if (inb(I8042_STATUS) & I8042_ST_OUT_FULL)
			return true;
		arch_cpu_relax();
	}
	return false;
}

int i8042_probe(void)
{
	/* No controller: the status port floats to 0xff. */
	if (inb(I8042_STATUS) == 0xff || !wait_input_empty())
		return -ENODEV;
	return 0;
}

void i8042_command(uint8_t cmd)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);

	wait_input_empty();
	outb(I8042_CMD, cmd);
	spin_unlock_irqrestore(&i8042_lock, fl);
}

int i8042_update_config(uint8_t set, uint8_t clear)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);
	uint8_t cfg;
	int err = 0;

	wait_input_empty();
	outb(I8042_CMD, I8042_CMD_READ_CONFIG);
	/* The reply may queue behind a device byte: skip those (they are
	 * marked AUX, or arrive before the controller answers). */
	for (int tries = 0;; tries++) {
		if (!wait_output_full() || tries > 16) {
			err = -ENODEV;
			goto out;
		}
		if (!(inb(I8042_STATUS) & I8042_ST_AUX))
			break;
		(void)inb(I8042_DATA);
	}
	cfg = inb(I8042_DATA);
	cfg = (uint8_t)((cfg | set) & ~clear);
	wait_input_empty();
	outb(I8042_CMD, I8042_CMD_WRITE_CONFIG);
	wait_input_empty();
	outb(I8042_DATA, cfg);
out:
	spin_unlock_irqrestore(&i8042_lock, fl);
	return err;
}

int i8042_aux_command(uint8_t byte)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);
	int err = -ETIMEDOUT;

	wait_input_empty();
	outb(I8042_CMD, I8042_CMD_WRITE_PORT2);
	wait_input_empty();
	outb(I8042_DATA, byte);
	/* Keyboard bytes that arrive meanwhile go to their consumer. */
	for (int tries = 0; tries < 8 && wait_output_full(); tries++) {
		uint8_t st = inb(I8042_STATUS);
		uint8_t b = inb(I8042_DATA);
		if (!(st & I8042_ST_AUX)) {
			if (consumers[I8042_PORT_KBD].fn)
				consumers[I8042_PORT_KBD].fn(consumers[I8042_PORT_KBD].ctx, b);
			continue;
		}
		err = b == PS2_ACK ? 0 : -EIO;
		break;
	}
	spin_unlock_irqrestore(&i8042_lock, fl);
	return err;
}

static void i8042_irq(void *arg)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);
	uint8_t st;

	stats.irqs++;
	while ((st = inb(I8042_STATUS)) & I8042_ST_OUT_FULL) {
		uint8_t b = inb(I8042_DATA);
		enum i8042_port port = (st & I8042_ST_AUX) ? I8042_PORT_AUX : I8042_PORT_KBD;

		stats.bytes[port]++;
		if (consumers[port].fn)
			consumers[port].fn(consumers[port].ctx, b);
		else
			stats.unclaimed++;
	}
	spin_unlock_irqrestore(&i8042_lock, fl);
}

int i8042_attach(enum i8042_port port, i8042_consumer_t fn, void *ctx)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);

	consumers[port].fn = fn;
	consumers[port].ctx = ctx;
	spin_unlock_irqrestore(&i8042_lock, fl);
	return arch_irq_register(port == I8042_PORT_AUX ? I8042_AUX_IRQ : I8042_KBD_IRQ, 0,
				 i8042_irq, NULL);
}

void i8042_get_stats(struct i8042_stats *s)
{
	unsigned long fl = spin_lock_irqsave(&i8042_lock);

	*s = stats;
	spin_unlock_irqrestore(&i8042_lock, fl);
}
