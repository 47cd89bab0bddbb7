/*
 * panic(): print the reason and a backtrace on every console through the
 * polled path, then halt, reboot or leave QEMU as `panic=` asks. A panic
 * inside a panic goes straight to the final action.
 */
#include <stdarg.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/console.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/printk.h"

static enum panic_action action = PANIC_HALT;
static int panicking;

void panic_set_action(int a)
{
	action = a;
}

void panic_halt(void)
{
	switch (action) {
	case PANIC_EXIT:
		arch_debug_exit(DEBUG_EXIT_PANIC);
		break;
	case PANIC_REBOOT:
		arch_udelay(1000000);
		arch_reboot();
	case PANIC_HALT:
		break;
	}
	pr_emerg("kernel halted\n");
	arch_halt_forever();
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	arch_irq_disable();
	if (panicking++)
		panic_halt();
	console_panic_mode();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_emerg("kernel panic: %s\n", msg);
	arch_backtrace(arch_frame_pointer(), 0);
	panic_halt();
}
