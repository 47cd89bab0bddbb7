/*
 * Exception-recovery self-tests: a deliberate page fault, a divide error
 * and an invalid opcode inside arch_try_call come back as -EFAULT with the
 * right vector; arch_probe_read recovers through the exception table; a
 * write into a kernel stack's guard page faults. The `panic` group (run only
 * when named) takes the kernel down on purpose to test the fatal path, and
 * the `poweroff` and `reboot` groups end the machine through the power code.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/kstack.h"
#include "kernel/selftest/selftest.h"

#define UNMAPPED_VA (IOREMAP_BASE + GiB(300))

static void touch(void *p)
{
	(void)*(volatile uint64_t *)p;
}

static void poke(void *p)
{
	*(volatile uint8_t *)p = 1;
}

static void divide_by_zero(void *arg)
{
	volatile unsigned zero = (unsigned)(uintptr_t)arg;
	volatile unsigned r = 100 / zero;
	(void)r;
}

static void invalid_opcode(void *arg)
{
	__builtin_trap();
}

SELFTEST(fault, page_fault_recovered)
{
	struct arch_fault f;

	ST_CHECK(arch_try_call(touch, (void *)UNMAPPED_VA, &f) == -EFAULT, "no fault");
	ST_CHECK(f.vector == 14 && f.addr == UNMAPPED_VA, "vector %u CR2 0x%llx", f.vector,
		 (unsigned long long)f.addr);
	/* The kernel goes on: a second one recovers the same way. */
	ST_CHECK(arch_try_call(touch, (void *)(UNMAPPED_VA + 4096), &f) == -EFAULT,
		 "second fault not recovered");
	return 0;
}

SELFTEST(fault, exception_table_probe)
{
	uint64_t v = 0, good = 0x5555aaaa5555aaaaull;

	ST_CHECK(arch_probe_read((void *)UNMAPPED_VA, &v) == -EFAULT, "probe of unmapped ok");
	ST_CHECK(arch_probe_read(&good, &v) == 0 && v == good, "probe of good memory failed");
	return 0;
}

SELFTEST(fault, divide_error)
{
	struct arch_fault f;

	ST_CHECK(arch_try_call(divide_by_zero, NULL, &f) == -EFAULT, "no #DE");
	ST_CHECK(f.vector == 0, "vector %u", f.vector);
	return 0;
}

SELFTEST(fault, invalid_opcode)
{
	struct arch_fault f;

	ST_CHECK(arch_try_call(invalid_opcode, NULL, &f) == -EFAULT, "no #UD");
	ST_CHECK(f.vector == 6, "vector %u", f.vector);
	return 0;
}

SELFTEST(fault, stack_guard_page)
{
	struct arch_fault f;
	uintptr_t top = kstack_alloc();
	int r;

	ST_CHECK(top, "kstack_alloc failed");
	ST_CHECK(arch_try_call(poke, (void *)(kstack_bottom(top)), NULL) == 0,
		 "bottom of the stack not writable");
	r = arch_try_call(poke, (void *)(kstack_bottom(top) - 1), &f);
	kstack_free(top);
	ST_CHECK(r == -EFAULT && f.addr == kstack_bottom(top) - 1, "guard page is mapped");
	return 0;
}

EXPLICIT_SELFTEST(panic, unrecoverable_page_fault)
{
	touch((void *)UNMAPPED_VA);
	ST_FAIL("the kernel survived a fatal page fault");
}

EXPLICIT_SELFTEST(poweroff, acpi)
{
	arch_poweroff();
}

EXPLICIT_SELFTEST(reboot, reset)
{
	arch_reboot();
}
