/*
 * The VGA console tty: tty1 (4,1), also /dev/tty0 (4,0, "the current
 * virtual console"), with the PS/2 keyboard as its input. Output goes
 * through the VGA console's terminal emulator (drivers/vga.c); scan codes
 * from the keyboard interrupt become terminal bytes (kernel/tty/keymap.c)
 * typed into the tty. Shift+PgUp/PgDn scroll the history, and
 * Ctrl+Alt+Del asks init for a reboot with SIGINT, as Linux does with
 * ctrl-alt-del disabled in the kernel (reboot(2), LINUX_REBOOT_CMD_CAD_OFF).
 *
 * With console=vga (or tty0, tty1) on the command line, /dev/console is
 * this tty instead of ttyS0.
 */
#include <ksvc.h>
#include "drivers/ps2kbd.h"
#include "drivers/vga.h"
#include "fs/devfs.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/tty/keymap.h"
#include "kernel/tty/tty.h"

static struct tty vga_tty;
static struct kbd_state kbd; /* the keyboard interrupt's alone */

static size_t vga_tty_write(struct tty *t, const uint8_t *buf, size_t n)
{
	vga_tty_output(buf, n);
	return n;
}

/* After a write, with tty.lock dropped: the emulator's answers to status
 * requests are typed back, as a terminal does. */
static void vga_tty_output_done(struct tty *t)
{
	char buf[64];
	size_t n = vga_take_replies(buf, sizeof(buf));

	if (n)
		tty_receive(t, (const uint8_t *)buf, n);
}

static const struct tty_driver vga_tty_driver = {
	.write = vga_tty_write,
	.output_done = vga_tty_output_done,
};

/* Interrupt context. */
static void key_byte(void *ctx, uint8_t sc)
{
	uint8_t out[KBD_OUT_MAX];
	enum kbd_action action;
	size_t n = kbd_scancode(&kbd, sc, out, &action);

	if (n)
		tty_receive(&vga_tty, out, n);
	switch (action) {
	case KBD_SCROLL_UP:
		vga_scroll_pages(1);
		break;
	case KBD_SCROLL_DOWN:
		vga_scroll_pages(-1);
		break;
	case KBD_REBOOT:
		if (init_process)
			signal_send(init_process, SIGINT);
		break;
	default:
		break;
	}
}

int tty_vga_init(bool is_console)
{
	int err;

	tty_init(&vga_tty, "tty1", &vga_tty_driver, NULL);
	vga_tty.winsize.ws_row = 25;
	vga_tty.winsize.ws_col = 80;
	kbd_init(&kbd);
	err = devfs_register_chr("tty1", 4, 1, 0620, &tty_fops, &vga_tty);
	if (!err)
		err = devfs_register_chr("tty0", 4, 0, 0620, &tty_fops, &vga_tty);
	if (!err && is_console)
		err = devfs_set_ops("console", &tty_fops, &vga_tty);
	if (err) {
		pr_err("tty: cannot register the VGA tty (%d)\n", err);
		return err;
	}
	err = ps2kbd_init(key_byte, NULL);
	if (err)
		pr_warn("tty: tty1 has no keyboard (%d)\n", err);
	if (is_console)
		pr_info("tty: tty1 (VGA and keyboard) is the console instead of ttyS0\n");
	return 0;
}
