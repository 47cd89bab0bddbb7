/*
 * Kernel thread context switch.
 *
 * arch_context_switch(&prev_sp, next_sp): push the callee-saved registers
 * (SysV ABI: rbx, rbp, r12-r15) on the current stack, store rsp in
 * *prev_sp, load next_sp and pop the next thread's registers. Everything
 * else is caller-saved, so the C caller has already saved it.
 *
 * A new thread's stack is laid out by arch_thread_init so that the pops
 * and the final ret land in thread_trampoline with the entry function in
 * r12 and its argument in r13.
 */
	.text
	.globl arch_context_switch
arch_context_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.globl thread_trampoline
thread_trampoline:
	xorl	%ebp, %ebp		/* ends backtraces here */
	movq	%r13, %rdi
	movq	%r12, %rsi
	call	sched_thread_start	/* (arg, fn): runs fn(arg) and exits */
	ud2
