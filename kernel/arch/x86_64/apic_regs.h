/*
 * Local APIC (SDM vol. 3A, chapter 10, table 10-1), IOAPIC (82093AA
 * datasheet, 3.0) and 8259A PIC registers.
 */
#ifndef KERNEL_ARCH_X86_64_APIC_REGS_H
#define KERNEL_ARCH_X86_64_APIC_REGS_H

/* Local APIC, xAPIC MMIO offsets. */
#define LAPIC_ID	 0x020
#define LAPIC_VERSION	 0x030
#define LAPIC_TPR	 0x080
#define LAPIC_EOI	 0x0b0
#define LAPIC_SVR	 0x0f0
#define LAPIC_ESR	 0x280
#define LAPIC_LVT_TIMER	 0x320
#define LAPIC_LVT_LINT0	 0x350
#define LAPIC_LVT_LINT1	 0x360
#define LAPIC_LVT_ERROR	 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	 0x390
#define LAPIC_TIMER_DIV	 0x3e0

#define LAPIC_SVR_ENABLE     (1u << 8)
#define LAPIC_LVT_MASKED     (1u << 16)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_DIV_16	     0x3
#define APIC_BASE_ENABLE     (1ull << 11)
#define APIC_BASE_ADDR_MASK  0xffffff000ull

/* IOAPIC: an index register and a data window. */
#define IOAPIC_REGSEL	 0x00
#define IOAPIC_WIN	 0x10
#define IOAPIC_REG_ID	 0x00
#define IOAPIC_REG_VER	 0x01
#define IOAPIC_REG_REDIR 0x10 /* + 2 * pin: low dword, high dword */

#define IOAPIC_REDIR_MASKED	(1u << 16)
#define IOAPIC_REDIR_NMI	(4u << 8) /* delivery mode NMI: the vector is ignored */
#define IOAPIC_REDIR_LEVEL	(1u << 15)
#define IOAPIC_REDIR_ACTIVE_LOW (1u << 13)

/* MPS INTI flags, as in ACPI MADT interrupt source overrides. */
#define MPS_POLARITY_MASK 0x3
#define MPS_POLARITY_LOW  0x3
#define MPS_TRIGGER_MASK  0xc
#define MPS_TRIGGER_LEVEL 0xc

/* 8259A PIC pair. */
#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

/* 8253/8254 PIT. */
#define PIT_CH0	      0x40
#define PIT_CH2	      0x42
#define PIT_MODE      0x43
#define PIT_PORT_B    0x61 /* keyboard controller port B: gate 2 and OUT2 */
#define PIT_FREQ_HZ   1193182
#define PORTB_GATE2   0x01
#define PORTB_SPEAKER 0x02
#define PORTB_OUT2    0x20

#endif
