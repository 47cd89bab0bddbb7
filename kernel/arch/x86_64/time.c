/*
 * Time keeping: the TSC, calibrated against the PIT, is the monotonic clock
 * (nanoseconds since kernel entry, where boot.S read the TSC). Under QEMU the
 * TSC starts near zero at machine reset, so the entry TSC also estimates how
 * long firmware and loader took. The periodic LAPIC timer (apic.c) drives
 * `jiffies` and the scheduler tick later.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/printk.h"

#define CALIBRATE_US 3000

volatile uint64_t jiffies;
static uint64_t tsc_hz;
static uint64_t tsc_mult; /* ns = ticks * tsc_mult >> 32 */

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_mult) >> 32);
}

void arch_time_init(void)
{
	uint64_t best = UINT64_MAX;

	/* Take the shortest of three runs: an interrupt or a host hiccup can
	 * only make a run look longer. */
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = rdtsc();
		pit_wait_us(CALIBRATE_US / 3);
		uint64_t dt = rdtsc() - t0;
		if (dt < best)
			best = dt;
	}
	tsc_hz = best * 1000000 / (CALIBRATE_US / 3);
	if (tsc_hz == 0)
		tsc_hz = 1000000000; /* never divide by zero, even on a broken PIT */
	tsc_mult = ((uint64_t)1000000000 << 32) / tsc_hz;
}

uint64_t arch_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t arch_time_ns(void)
{
	if (!tsc_mult)
		return 0;
	return ticks_to_ns(rdtsc() - boot_tsc);
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

uint64_t arch_cycles_to_ns(uint64_t cycles)
{
	return ticks_to_ns(cycles - boot_tsc);
}

uint64_t arch_boot_tsc_ns(void)
{
	return tsc_mult ? ticks_to_ns(boot_tsc) : 0;
}

void arch_udelay(unsigned usec)
{
	uint64_t end;

	if (!tsc_hz) {
		pit_wait_us(usec);
		return;
	}
	end = rdtsc() + tsc_hz / 1000000 * usec;
	while ((int64_t)(rdtsc() - end) < 0)
		arch_cpu_relax();
}

void timer_interrupt(void)
{
	jiffies++;
}
