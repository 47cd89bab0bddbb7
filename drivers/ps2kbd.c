/*
 * The PS/2 keyboard on the i8042's first port (drivers/i8042.c; the IBM
 * PC/AT technical reference and the OSDev "8042" notes). The
 * configuration gets IRQ 1 on and translation to scan code set 1 on; the
 * controller code hands each keyboard byte to the consumer from the
 * interrupt.
 *
 * Lock legend: the consumer is set once, before IRQ 1 is enabled.
 */
#include <ksvc.h>
#include "drivers/i8042.h"
#include "drivers/i8042_regs.h"
#include "drivers/ps2kbd.h"
#include "kernel/arch/arch.h"

int ps2kbd_init(void (*on_byte)(void *ctx, uint8_t scancode), void *ctx)
{
	int err = i8042_probe();

	if (err)
		return err;
	i8042_command(I8042_CMD_DISABLE_PORT1);
	while (inb(I8042_STATUS) & I8042_ST_OUT_FULL) /* stale bytes */
		(void)inb(I8042_DATA);
	err = i8042_update_config(I8042_CFG_IRQ1 | I8042_CFG_TRANSLATE, I8042_CFG_PORT1_CLOCK);
	if (err)
		return err;
	err = i8042_attach(I8042_PORT_KBD, on_byte, ctx);
	if (err)
		return err;
	i8042_command(I8042_CMD_ENABLE_PORT1);
	pr_info("ps2kbd: i8042 keyboard on IRQ %d, scan code set 1 (translated)\n", I8042_KBD_IRQ);
	return 0;
}

void ps2kbd_get_stats(struct ps2kbd_stats *s)
{
	struct i8042_stats is;

	i8042_get_stats(&is);
	s->bytes = is.bytes[I8042_PORT_KBD];
	s->irqs = is.irqs;
	s->aux_bytes = is.bytes[I8042_PORT_AUX];
}
