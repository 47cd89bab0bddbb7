/* Constants shared by the x86_64 assembly files. */
#ifndef KERNEL_ARCH_X86_64_CPU_ASM_H
#define KERNEL_ARCH_X86_64_CPU_ASM_H

#define EFAULT_NEG (-14)

#ifdef __ASSEMBLER__
/* Save and restore the general registers in the order of struct trap_frame
 * (cpu.h): r15 ends up at the lowest address. vectors.S and syscall.S
 * share these so both build the same frame. */
.macro push_gprs
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro pop_gprs
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm
#endif

#endif
