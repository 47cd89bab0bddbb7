/*
 * The IDT (SDM vol. 3A, 6.14.1): 256 interrupt gates pointing at the stubs in
 * vectors.S. Double fault, NMI and machine check switch to their IST stacks.
 * Only vector 3 (int3) may be raised from ring 3.
 */
#include "kernel/arch/x86_64/cpu.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern const uint64_t trap_vectors[256];
static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned v, uint64_t handler, unsigned ist, unsigned dpl)
{
	idt[v].off_lo = handler & 0xffff;
	idt[v].sel = GDT_KERNEL_CS;
	idt[v].ist = ist;
	idt[v].type_attr = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
	idt[v].off_mid = (handler >> 16) & 0xffff;
	idt[v].off_hi = handler >> 32;
	idt[v].zero = 0;
}

void idt_init(void)
{
	struct idt_ptr p = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};

	for (unsigned v = 0; v < 256; v++)
		set_gate(v, trap_vectors[v], 0, 0);
	set_gate(2, trap_vectors[2], IST_NMI, 0);
	set_gate(3, trap_vectors[3], 0, 3);
	set_gate(8, trap_vectors[8], IST_DOUBLE_FAULT, 0);
	set_gate(18, trap_vectors[18], IST_MACHINE_CHECK, 0);
	__asm__ volatile("lidt %0" : : "m"(p));
}
