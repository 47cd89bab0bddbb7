/*
 * Power control. Power-off writes SLP_TYPa|SLP_EN to the ACPI PM1 control
 * registers found by drivers/acpi.c (ACPI 6.4, 4.8.3.2.1 and 16.1.7); failing
 * that it tries QEMU's fixed ports (PIIX4 PM at 0x604, the older Bochs port
 * 0xb004). Reboot uses the ACPI reset register, then the 8042 pulse, then a
 * triple fault. isa-debug-exit ends a QEMU test run with a status.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/printk.h"

#define DEBUG_EXIT_PORT	  0xf4
#define KBC_STATUS	  0x64
#define KBC_CMD		  0x64
#define KBC_STATUS_IBF	  0x02
#define KBC_CMD_PULSE_RST 0xfe
#define ACPI_SLP_EN	  (1u << 13)
#define ACPI_SPACE_SYSIO  1
#define QEMU_PM1A_CNT	  0x604
#define BOCHS_POWEROFF	  0xb004

static struct {
	bool valid;
	uint16_t pm1a, pm1b, typa, typb;
} acpi_off;

static struct {
	bool valid;
	uint8_t space;
	uint64_t addr;
	uint8_t value;
} acpi_reset;

void arch_set_acpi_poweroff(uint16_t pm1a_cnt, uint16_t pm1b_cnt, uint16_t slp_typa,
			    uint16_t slp_typb)
{
	acpi_off.pm1a = pm1a_cnt;
	acpi_off.pm1b = pm1b_cnt;
	acpi_off.typa = slp_typa;
	acpi_off.typb = slp_typb;
	acpi_off.valid = pm1a_cnt != 0;
}

void arch_set_acpi_reset(uint8_t space, uint64_t addr, uint8_t value)
{
	acpi_reset.space = space;
	acpi_reset.addr = addr;
	acpi_reset.value = value;
	acpi_reset.valid = space == ACPI_SPACE_SYSIO && addr != 0 && addr <= 0xffff;
}

void arch_debug_exit(uint8_t value)
{
	outb(DEBUG_EXIT_PORT, value);
}

void arch_poweroff(void)
{
	if (acpi_off.valid)
		pr_notice("power: ACPI S5 through PM1a_CNT 0x%x (SLP_TYPa %u)\n", acpi_off.pm1a,
			  acpi_off.typa);
	else
		pr_notice("power: no ACPI S5, trying QEMU's ports\n");
	arch_irq_disable();
	if (acpi_off.valid) {
		outw(acpi_off.pm1a, (acpi_off.typa << 10) | ACPI_SLP_EN);
		if (acpi_off.pm1b)
			outw(acpi_off.pm1b, (acpi_off.typb << 10) | ACPI_SLP_EN);
		arch_udelay(100000);
	}
	outw(QEMU_PM1A_CNT, ACPI_SLP_EN); /* QEMU PIIX4, \_S5 = 0 */
	outw(BOCHS_POWEROFF, 0x2000);
	arch_udelay(100000);
	pr_emerg("power: power-off failed, halting\n");
	arch_halt_forever();
}

void arch_reboot(void)
{
	if (acpi_reset.valid)
		pr_notice("power: reset through the ACPI reset register 0x%llx\n",
			  (unsigned long long)acpi_reset.addr);
	else
		pr_notice("power: reset through the 8042 (no ACPI reset register)\n");
	arch_irq_disable();
	if (acpi_reset.valid) {
		outb((uint16_t)acpi_reset.addr, acpi_reset.value);
		arch_udelay(50000);
	}
	for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_STATUS_IBF); i++)
		arch_cpu_relax();
	outb(KBC_CMD, KBC_CMD_PULSE_RST);
	arch_udelay(50000);
	/* Triple fault: an empty IDT turns the next exception into a reset. */
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
	arch_halt_forever();
}
