/*
 * Timer and console self-tests: the LAPIC timer ticks at about HZ against
 * the TSC clock, the clock is monotonic, the serial port drains its output
 * by interrupt, and the log ring keeps what printk wrote.
 */
#include <ksvc.h>
#include "drivers/serial.h"
#include "kernel/arch/arch.h"
#include "kernel/selftest/selftest.h"

SELFTEST(timer, lapic_ticks_at_hz)
{
	uint64_t j0 = jiffies, t0 = arch_time_ns(), last = t0, now;

	ST_CHECK(arch_irq_enabled(), "interrupts are off");
	do {
		now = arch_time_ns();
		ST_CHECK(now >= last, "clock went backwards");
		last = now;
		arch_halt();
	} while (now - t0 < 100000000); /* 100 ms */
	uint64_t ticks = jiffies - j0, want = HZ / 10;
	/* Loose bounds: TCG timing on a shared host is noisy. */
	ST_CHECK(ticks >= want / 2 && ticks <= want * 2, "%llu ticks in 100 ms, want about %llu",
		 (unsigned long long)ticks, (unsigned long long)want);
	return 0;
}

SELFTEST(console, serial_interrupt_driven)
{
	struct serial_stats st;

	pr_info("selftest: a line to exercise the serial transmit interrupt\n");
	arch_udelay(20000);
	serial_get_stats(&st);
	ST_CHECK(st.tx_irqs > 0, "no transmit interrupts");
	ST_CHECK(st.tx_bytes > 0, "no bytes counted");
	return 0;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

SELFTEST(console, log_ring_keeps_lines)
{
	static char buf[64 * 1024];
	uint64_t pos = 0;
	size_t n, total = 0;

	pr_info("selftest: log marker 7f3a9c\n");
	while (total < sizeof(buf) && (n = printk_log_read(buf + total, sizeof(buf) - total, &pos)))
		total += n;
	ST_CHECK(total > 0, "log ring is empty");
	ST_CHECK(contains(buf, total, "<6>["), "records carry no level tag");
	ST_CHECK(contains(buf, total, "log marker 7f3a9c"), "marker line not in the log ring");
	return 0;
}
