/*
 * x86_64-internal declarations shared by the files of kernel/arch/x86_64/.
 * Nothing outside kernel/arch/ includes this header.
 */
#ifndef KERNEL_ARCH_X86_64_CPU_H
#define KERNEL_ARCH_X86_64_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/lib/compiler.h"

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_DS   0x1b /* 0x18 | RPL 3; SYSRET takes SS = STAR base + 8 */
#define GDT_USER_CS   0x23 /* 0x20 | RPL 3; and CS = STAR base + 16 */
#define GDT_TSS	      0x28

/* IST slots (1-based in the IDT gate). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI		  2
#define IST_MACHINE_CHECK 3
#define IST_COUNT	  3

/* Interrupt vectors. */
#define VEC_IRQ_BASE  0x20 /* ISA IRQ n arrives on VEC_IRQ_BASE + n */
#define VEC_IRQ_COUNT 24
#define VEC_TIMER     0xef
#define VEC_SPURIOUS  0xff

/* The frame vectors.S builds on the stack; trap_dispatch gets a pointer. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout matches vectors.S");

struct cpu_features {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	bool nx, smep, smap, pge, pdpe1gb, invariant_tsc, x2apic, apic, xsave, rdrand;
};
extern struct cpu_features cpu_features;

void gdt_init(void);
void tss_set_ist(int ist, uint64_t stack_top);
void tss_set_rsp0(uint64_t stack_top);
void idt_init(void);
void trap_dispatch(struct trap_frame *f);
void lapic_eoi(void);
void irq_dispatch(unsigned vector);
void pit_init_calibration(void);
/* Busy-wait on PIT channel 2 for `us` microseconds (at most 50 ms). */
void pit_wait_us(unsigned us);
/* apic.c: deliver ISA `irq` as an NMI (the profiler's clock); 0 or -errno. */
int arch_irq_route_nmi(unsigned irq);
void lapic_timer_calibrate(void);
void timer_interrupt(void);
void fatal_exception(struct trap_frame *f);
bool catch_fault(struct trap_frame *f);
bool extable_fixup(struct trap_frame *f);
bool user_fault(struct trap_frame *f);
void arch_user_return(struct trap_frame *f); /* signal.c */
void usercopy_init(void);

extern uint64_t boot_tsc;
extern char __kernel_start[], __text_end[], __rodata_end[], __load_end[], __bss_start[],
	__bss_end[], __kernel_end[];
extern char boot_stack[], boot_stack_top[];

#endif
