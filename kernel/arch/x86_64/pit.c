/*
 * The 8254 PIT: a reference clock to calibrate the TSC and the LAPIC
 * timer, and, with `profile`, the profiler's NMI clock on channel 0. Channel 2 counts down in mode 0 with its gate on port
 * 0x61 and raises OUT2 (port 0x61 bit 5) at terminal count, so polling needs
 * no interrupt (8254 datasheet, mode 0; the classic Linux pit_calibrate_tsc
 * approach).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/apic_regs.h"
#include "kernel/arch/x86_64/cpu.h"

void pit_wait_us(unsigned us)
{
	uint32_t count = (uint32_t)(((uint64_t)PIT_FREQ_HZ * us) / 1000000);
	uint8_t b;

	if (count > 0xffff)
		count = 0xffff;
	if (count == 0)
		count = 1;
	b = inb(PIT_PORT_B) & ~(PORTB_SPEAKER | PORTB_GATE2);
	outb(PIT_PORT_B, b);  /* gate low: hold the counter */
	outb(PIT_MODE, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PIT_PORT_B, b | PORTB_GATE2); /* gate high: start counting */
	while (!(inb(PIT_PORT_B) & PORTB_OUT2))
		arch_cpu_relax();
	outb(PIT_PORT_B, b);
}

int arch_profile_clock_start(unsigned hz)
{
	uint32_t div = hz ? PIT_FREQ_HZ / hz : 0;

	if (div < 2 || div > 0xffff)
		return -EINVAL;
	outb(PIT_MODE, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, div >> 8);
	return arch_irq_route_nmi(0); /* IRQ 0, through the MADT's override */
}
