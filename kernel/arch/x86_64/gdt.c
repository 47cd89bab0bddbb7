/*
 * GDT and TSS (Intel SDM vol. 3A, 3.4.5 and 8.7). Segment order follows what
 * SYSCALL/SYSRET need later: kernel code, kernel data, user data, user code.
 * The TSS carries the IST stacks so a double fault, NMI or machine check
 * always runs on a known-good stack, even after a kernel stack overflow.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static struct tss tss __aligned(16);
static uint64_t gdt[7] __aligned(16);

/* Emergency IST stacks used until arch_cpu_late_init puts guarded ones in. */
static uint8_t ist_boot_stacks[IST_COUNT][4096] __aligned(16);

void tss_set_ist(int ist, uint64_t stack_top)
{
	tss.ist[ist - 1] = stack_top;
}

void tss_set_rsp0(uint64_t stack_top)
{
	tss.rsp[0] = stack_top;
}

void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct gdt_ptr p = {.limit = sizeof(gdt) - 1, .base = (uint64_t)gdt};

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffff; /* kernel code: L, P, DPL0, exec/read */
	gdt[2] = 0x00cf92000000ffff; /* kernel data */
	gdt[3] = 0x00cff2000000ffff; /* user data: DPL3 */
	gdt[4] = 0x00affa000000ffff; /* user code: L, DPL3 */
	/* 64-bit TSS descriptor: 16 bytes, type 9 (available TSS). */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 ((limit & 0xf0000) << 32) | ((base & 0xff000000) << 32);
	gdt[6] = base >> 32;

	memset(&tss, 0, sizeof(tss));
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets no ports */
	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (uint64_t)&ist_boot_stacks[i][sizeof(ist_boot_stacks[i])];

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(GDT_TSS)
			 : "rax", "memory");
}
