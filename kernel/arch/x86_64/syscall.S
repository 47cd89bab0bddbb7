/*
 * User mode entry and exit.
 *
 * syscall_entry is the SYSCALL target (LSTAR; SDM vol. 2B, SYSCALL): the CPU
 * has put the user rip in rcx and rflags in r11, masked IF via FMASK, and
 * left rsp on the user stack. We switch to the current thread's kernel
 * stack and build the same struct trap_frame that interrupts build (cpu.h),
 * with vector 0x100 marking a system call and the number kept as its
 * "error", so one frame layout serves syscalls, signals and fork.
 *
 * The way back is SYSRET when the frame is still the system call's own
 * (vector 0x100: no signal frame or sigreturn rewrote it) and its rip is
 * canonical: SYSRET with a non-canonical rcx faults in ring 0 on Intel CPUs
 * (SDM vol. 2B, SYSRET; CVE-2012-0217), so every other case, and every
 * interrupt and fault, returns through iretq. SYSRET takes rip from rcx and
 * rflags from r11, which is what SYSCALL put there, so a user program sees
 * the same registers either way.
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
	cli
	cmpq	$0x100, 15*8(%rsp)		/* vector: still a plain syscall? */
	jne	user_return
	movq	17*8(%rsp), %rcx		/* rip */
	shrq	$47, %rcx
	jnz	user_return			/* not a canonical user address */
	pop_gprs
	movq	16(%rsp), %rcx			/* rip */
	movq	32(%rsp), %r11			/* rflags */
	movq	40(%rsp), %rsp			/* user rsp; NMIs use their IST stack */
	sysretq

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
