/*
 * Recoverable faults in kernel code.
 *
 * arch_try_call(fn, arg, fault) calls fn(arg) with a catch point armed; if fn
 * raises an exception, trap.c (catch_fault) points the trap frame at
 * try_landing with the stack pointer saved here, so the exception "returns"
 * out of arch_try_call with -EFAULT. Used by the selftests.
 *
 * arch_probe_read(addr, val) is one load with an exception-table entry: a
 * fault on it resumes at the fixup, which returns -EFAULT. The same
 * mechanism serves copy_from_user later.
 */
#include "kernel/arch/x86_64/cpu_asm.h"

	.text
	.globl arch_try_call
arch_try_call:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp			/* keep the stack 16-byte aligned */
	movq	%rdx, catch_fault_info(%rip)
	movq	%rsp, catch_rsp(%rip)
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	xorl	%eax, %eax
try_out:
	movq	$0, catch_rsp(%rip)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.globl try_landing
try_landing:
	movl	$EFAULT_NEG, %eax
	jmp	try_out

	.globl arch_probe_read
arch_probe_read:
1:	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
2:	movl	$EFAULT_NEG, %eax
	ret

	.section __ex_table, "a"
	.balign 8
	.quad	1b, 2b

	.bss
	.balign 8
	.globl catch_rsp, catch_fault_info
catch_rsp:	.quad 0
catch_fault_info: .quad 0
