/*
 * reboot(2): the way user space (init, `busybox poweroff -f`, the tests)
 * ends the machine cleanly: every filesystem is synced and unmounted
 * (root_shutdown records a clean ext2 unmount), then the machine powers
 * off through ACPI, resets, or halts. Only an effective uid of 0 may call
 * it (Linux: CAP_SYS_BOOT), and both magic numbers must be right; other
 * commands (kexec, suspend) are EINVAL.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/proc/process.h"
#include "kernel/root.h"
#include "kernel/syscall/syscall.h"

#define SYS_reboot 169

#define REBOOT_MAGIC1	     0xfee1deadu
#define REBOOT_MAGIC2	     672274793u
#define REBOOT_MAGIC2A	     85072278u
#define REBOOT_MAGIC2B	     369367448u
#define REBOOT_MAGIC2C	     537993216u
#define REBOOT_CMD_RESTART   0x01234567u
#define REBOOT_CMD_HALT	     0xcdef0123u
#define REBOOT_CMD_CAD_ON    0x89abcdefu
#define REBOOT_CMD_CAD_OFF   0x00000000u
#define REBOOT_CMD_POWER_OFF 0x4321fedcu
#define REBOOT_CMD_RESTART2  0xa1b2c3d4u

static long sys_reboot(const long a[6])
{
	uint32_t magic1 = (uint32_t)a[0], magic2 = (uint32_t)a[1], cmd = (uint32_t)a[2];
	struct process *p = current_process();

	if (!p || p->cred.euid != 0)
		return -EPERM;
	if (magic1 != REBOOT_MAGIC1 || (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
					magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0; /* there is no Ctrl-Alt-Del handling to switch */
	case REBOOT_CMD_POWER_OFF:
		pr_notice("reboot: power down (pid %d)\n", p->pid);
		root_shutdown();
		arch_poweroff();
	case REBOOT_CMD_RESTART:
	case REBOOT_CMD_RESTART2:
		pr_notice("reboot: restarting system (pid %d)\n", p->pid);
		root_shutdown();
		arch_reboot();
	case REBOOT_CMD_HALT:
		pr_notice("reboot: system halted (pid %d)\n", p->pid);
		root_shutdown();
		arch_halt_forever();
	default:
		return -EINVAL;
	}
}

void sys_reboot_init(void)
{
	syscall_set(SYS_reboot, sys_reboot);
}
