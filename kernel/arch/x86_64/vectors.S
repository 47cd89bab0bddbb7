/*
 * Entry stubs for all 256 interrupt vectors. Each stub pushes a zero error
 * code where the CPU does not push one (SDM vol. 3A, table 6-1), then the
 * vector number, and joins trap_common, which saves the registers as a
 * struct trap_frame (cpu.h) and calls trap_dispatch. The address of every
 * stub is collected in trap_vectors[] for idt.c.
 */
#include "kernel/arch/x86_64/cpu_asm.h"

	.text
	.balign 16
trap_common:
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
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
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
	addq	$16, %rsp		/* vector and error code */
	iretq

.macro trap_stub n
	.text
	.balign 16
1:
	.if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq	$0
	.endif
	pushq	$\n
	jmp	trap_common
	.section .rodata
	.quad	1b
.endm

	.section .rodata
	.balign 8
	.globl trap_vectors
trap_vectors:
	.altmacro
.set i, 0
.rept 256
	trap_stub %i
	.set i, i + 1
.endr
