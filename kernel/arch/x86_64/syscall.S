/*
 * User mode entry and exit.
 *
 * syscall_entry is the SYSCALL target (LSTAR; SDM vol. 2B, SYSCALL): the CPU
 * has put the user rip in rcx and rflags in r11, masked IF via FMASK, and
 * left rsp on the user stack. We switch to the current thread's kernel
 * stack and build the same struct trap_frame that interrupts build (cpu.h),
 * with vector 0x100 marking a system call, so one frame layout serves
 * syscalls, signals and fork later. The return goes through iretq, which
 * is valid for any user rip (sysret faults in kernel mode on a
 * non-canonical rcx on Intel CPUs).
 *
 * No swapgs: one CPU, so the per-CPU values are plain globals until SMP.
 */
#include "kernel/arch/x86_64/cpu_asm.h"
#include "kernel/arch/x86_64/frame.inc"

	.text
	.globl syscall_entry
syscall_entry:
	movq	%rsp, syscall_user_rsp(%rip)
	movq	syscall_kernel_rsp(%rip), %rsp
	pushq	$0x1b				/* user ss */
	pushq	syscall_user_rsp(%rip)		/* user rsp */
	pushq	%r11				/* user rflags */
	pushq	$0x23				/* user cs */
	pushq	%rcx				/* user rip */
	pushq	%rax				/* "error": the number, for restarts */
	pushq	$0x100				/* "vector": a system call */
	push_gprs
	cld
	movq	%rsp, %rdi
	call	syscall_dispatch
	.globl user_return
user_return:
	cli
	pop_gprs
	addq	$16, %rsp
	iretq

/* arch_enter_user(frame): load a complete trap frame built on this kernel
 * stack and return to user mode through it. */
	.globl arch_enter_user_frame
arch_enter_user_frame:
	movq	%rdi, %rsp
	jmp	user_return

	.bss
	.balign 8
	.globl syscall_user_rsp, syscall_kernel_rsp
syscall_user_rsp:	.quad 0
syscall_kernel_rsp:	.quad 0
