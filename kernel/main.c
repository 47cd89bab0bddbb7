/*
 * Kernel main: the order in which the kernel comes up.
 *
 *   kmain (boot stack)      CPU tables, consoles, boot info, clock, command
 *                           line, memory; then onto a guarded stack
 *   kmain_late (kstack)     IST stacks, ACPI, interrupt controllers, timer,
 *                           interrupt-driven serial, the scheduler (this
 *                           context becomes thread "main"), PCI and disks,
 *                           the root filesystem; then selftests, or park
 *
 * Later issues add the drivers, filesystems, network and init here.
 */
#include <ksvc.h>
#include "drivers/acpi.h"
#include "drivers/pci.h"
#include "drivers/ps2mouse.h"
#include "drivers/rtl8139.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "drivers/virtio_blk.h"
#include "kernel/arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/clock.h"
#include "kernel/lib/profile.h"
#include "kernel/lib/random.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/mem.h"
#include "kernel/lib/err.h"
#include "kernel/proc/process.h"
#include "kernel/root.h"
#include "kernel/sched/sched.h"
#include "kernel/selftest/selftest.h"
#include "kernel/tty/pty.h"
#include "kernel/tty/tty.h"
#include "kernel/version.h"
#include "net/net.h"

struct boot_info boot_info;
struct boot_options boot_options;
static uint64_t main_cycles;

static void seed_random(void)
{
	uint8_t seed[64];

	arch_entropy(seed, sizeof(seed));
	random_add_entropy(seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
}

/* Run `path` as pid 1-style process and wait for it; its wait status, or
 * -errno when it could not start. */
static int run_program(const char *path)
{
	const char *const argv[] = {path, NULL};
	const char *const envp[] = {"HOME=/root", "PATH=/bin:/sbin", "TERM=vt100", "SHELL=/bin/sh",
				    NULL};
	struct process *p = proc_spawn(root_ctx(), path, argv, envp);
	int status;

	if (IS_ERR(p))
		return (int)PTR_ERR(p);
	pr_info("init: %s started as pid %d\n", path, p->pid);
	status = proc_wait(p);
	if (status & 0x7f)
		pr_notice("init: %s killed by signal %d\n", path, status & 0x7f);
	else
		pr_notice("init: %s exited with status %d\n", path, (status >> 8) & 0xff);
	return status;
}

/*
 * The first user program. init= names it; otherwise, as Linux does,
 * /sbin/init, /etc/init, /bin/init and then /bin/sh are tried. An init=
 * program that exits leaves the kernel idle (tests rely on that); a shell
 * found by the fallback is started again when it exits, so the console
 * always has one.
 */
static void run_init(void)
{
	static const char *const fallback[] = {"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"};

	if (!root_ctx())
		return;
	if (boot_options.init[0]) {
		int r = run_program(boot_options.init);
		if (r < 0)
			pr_warn("init: cannot run %s (%d)\n", boot_options.init, r);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fallback); i++) {
		int r = run_program(fallback[i]);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			pr_warn("init: cannot run %s (%d)\n", fallback[i], r);
			continue;
		}
		if (strcmp(fallback[i], "/bin/sh") != 0)
			return;
		while (run_program("/bin/sh") >= 0)
			pr_notice("init: starting a new shell on the console\n");
		return;
	}
	pr_warn("init: no init program found (tried /sbin/init, /etc/init, /bin/init, /bin/sh)\n");
}

static void run_selftests(void)
{
	unsigned passed;
	int failed = selftest_run(boot_options.selftest_group, &passed);

	root_shutdown(); /* leave the disks clean for the host to check */
	arch_debug_exit(failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
	pr_notice("selftest: no isa-debug-exit device, halting\n");
	arch_halt_forever();
}

static __noreturn void kmain_late(void)
{
	uintptr_t ist[3];

	for (int i = 0; i < 3; i++) {
		ist[i] = kstack_alloc();
		if (!ist[i])
			panic("no memory for the exception stacks");
	}
	arch_set_ist_stacks(ist);

	acpi_init();
	arch_irq_init();
	serial_start_irq();
	arch_irq_enable();
	sched_init();
	profile_init(boot_options.profile);

	pci_init();
	virtio_blk_init();
	seed_random();
	net_init();
	rtl8139_init();
	net_config_boot(&boot_options);
	pci_report_unclaimed();
	root_init(&boot_options, &boot_info);
	tty_console_init();
	tty_vga_init(boot_options.console == CONSOLE_VGA);
	ps2mouse_init();
	pty_init();
	proc_init();

	pr_info("boot: ready in %llu.%03llu ms\n", (unsigned long long)(arch_time_ns() / 1000000),
		(unsigned long long)(arch_time_ns() / 1000 % 1000));
	if (boot_options.selftest)
		run_selftests();
	run_init();
	sched_park();
}

static void log_boot_info(void)
{
	uint64_t main_ns = arch_cycles_to_ns(main_cycles);
	uint64_t fw_ns = arch_boot_tsc_ns();

	pr_info("kernel: %s on x86_64, loader \"%s\"\n", KERNEL_VERSION, boot_info.loader);
	/* A log line holds about 480 characters; longer lines are shown cut. */
	pr_info("boot: cmdline \"%.400s\"%s\n", boot_info.cmdline,
		strlen(boot_info.cmdline) > 400 ? "... (shown cut)" : "");
	if (boot_info.cmdline_len >= CMDLINE_MAX)
		pr_warn("boot: cmdline was %zu bytes, kept %d\n", boot_info.cmdline_len,
			CMDLINE_MAX - 1);
	pr_info("boot: kernel main at %llu.%03llu ms, loader and firmware before it took about "
		"%llu ms\n",
		(unsigned long long)(main_ns / 1000000),
		(unsigned long long)(main_ns / 1000 % 1000), (unsigned long long)(fw_ns / 1000000));
	for (size_t i = 0; i < boot_info.nmodules; i++)
		pr_info("boot: module %zu at 0x%llx-0x%llx \"%s\"\n", i,
			(unsigned long long)boot_info.modules[i].start,
			(unsigned long long)boot_info.modules[i].end, boot_info.modules[i].cmdline);
}

void kmain(uint32_t magic, uint64_t info_phys);

void kmain(uint32_t magic, uint64_t info_phys)
{
	uintptr_t stack;
	int bi_err;

	main_cycles = arch_cycles();
	arch_cpu_init();
	serial_console_init();
	vga_console_init();
	bi_err = arch_boot_info(magic, info_phys, &boot_info);
	arch_time_init();

	log_boot_info();
	clock_init();
	if (bi_err)
		pr_warn("boot: no multiboot information (magic 0x%x), assuming defaults\n", magic);
	cmdline_defaults(&boot_options);
	cmdline_parse(boot_info.cmdline, sizeof(boot_info.cmdline), &boot_options);
	if (boot_options.image[0])
		pr_info("boot: image \"%s\"\n", boot_options.image);
	panic_set_action(boot_options.panic);
	if (boot_options.quiet)
		printk_set_console_level(LOG_NOTICE);
	arch_describe_cpu();

	mem_init(&boot_info);
	stack = kstack_alloc();
	if (!stack)
		panic("no memory for the kernel stack");
	arch_run_on_stack(stack, kmain_late);
}
