/*
 * Entry stubs for all 256 interrupt vectors. Each stub pushes a zero error
 * code where the CPU does not push one (SDM vol. 3A, table 6-1), then the
 * vector number, and joins trap_common, which saves the registers as a
 * struct trap_frame (cpu.h) and calls trap_dispatch. The address of every
 * stub is collected in trap_vectors[] for idt.c.
 */
#include "kernel/arch/x86_64/cpu_asm.h"
#include "kernel/arch/x86_64/frame.inc"

	.text
	.balign 16
trap_common:
	push_gprs
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	pop_gprs
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
