/*
 * Copies between kernel and user memory. Each faulting instruction has an
 * exception-table entry, so a bad user pointer makes the copy return
 * -EFAULT instead of oopsing. With SMAP on (CR4.SMAP), kernel access to
 * user pages is allowed only between STAC and CLAC (SDM vol. 3A, 4.6.1);
 * on CPUs without SMAP those instructions do not exist and are skipped.
 *
 * The C wrappers (usercopy.c) check that the range lies below the user
 * limit before calling these.
 */
#include "kernel/arch/x86_64/cpu_asm.h"

.macro user_access_begin
	cmpb	$0, smap_on(%rip)
	je	99f
	stac
99:
.endm

.macro user_access_end
	cmpb	$0, smap_on(%rip)
	je	98f
	clac
98:
.endm

	.text
/*
 * long raw_copy_user(void *dst, const void *src, size_t n): 0 or -EFAULT.
 * 8-byte moves, 32 bytes a turn, then bytes. Not `rep movsb`: QEMU's TCG
 * runs a rep string instruction one element per translated block, so it
 * copied a byte per trip through the block dispatcher (docs/profiling.md).
 * Every load and store that touches user memory has a table entry.
 */
	.globl raw_copy_user
raw_copy_user:
	user_access_begin
.Lcu_32:
	cmpq	$32, %rdx
	jb	.Lcu_8
.Lcu_l0: movq	(%rsi), %rax
.Lcu_l1: movq	8(%rsi), %rcx
.Lcu_l2: movq	16(%rsi), %r8
.Lcu_l3: movq	24(%rsi), %r9
.Lcu_s0: movq	%rax, (%rdi)
.Lcu_s1: movq	%rcx, 8(%rdi)
.Lcu_s2: movq	%r8, 16(%rdi)
.Lcu_s3: movq	%r9, 24(%rdi)
	addq	$32, %rsi
	addq	$32, %rdi
	subq	$32, %rdx
	jmp	.Lcu_32
.Lcu_8:
	cmpq	$8, %rdx
	jb	.Lcu_1
.Lcu_l4: movq	(%rsi), %rax
.Lcu_s4: movq	%rax, (%rdi)
	addq	$8, %rsi
	addq	$8, %rdi
	subq	$8, %rdx
	jmp	.Lcu_8
.Lcu_1:
	testq	%rdx, %rdx
	jz	.Lcu_done
.Lcu_l5: movb	(%rsi), %al
.Lcu_s5: movb	%al, (%rdi)
	incq	%rsi
	incq	%rdi
	decq	%rdx
	jmp	.Lcu_1
.Lcu_done:
	user_access_end
	xorl	%eax, %eax
	ret
.Lcu_fault:
	user_access_end
	movl	$EFAULT_NEG, %eax
	ret

/* long raw_strncpy_user(char *dst, const char *usrc, size_t max):
 * bytes copied before the NUL (the NUL is copied too), max if none was
 * found in max bytes, or -EFAULT. */
	.globl raw_strncpy_user
raw_strncpy_user:
	user_access_begin
	xorl	%eax, %eax
4:	cmpq	%rdx, %rax
	jae	6f
3:	movb	(%rsi,%rax), %cl
	movb	%cl, (%rdi,%rax)
	testb	%cl, %cl
	jz	6f
	incq	%rax
	jmp	4b
6:	user_access_end
	ret
5:	user_access_end
	movq	$EFAULT_NEG, %rax
	ret

	.section __ex_table, "a"
	.balign 8
	.quad	.Lcu_l0, .Lcu_fault
	.quad	.Lcu_l1, .Lcu_fault
	.quad	.Lcu_l2, .Lcu_fault
	.quad	.Lcu_l3, .Lcu_fault
	.quad	.Lcu_s0, .Lcu_fault
	.quad	.Lcu_s1, .Lcu_fault
	.quad	.Lcu_s2, .Lcu_fault
	.quad	.Lcu_s3, .Lcu_fault
	.quad	.Lcu_l4, .Lcu_fault
	.quad	.Lcu_s4, .Lcu_fault
	.quad	.Lcu_l5, .Lcu_fault
	.quad	.Lcu_s5, .Lcu_fault
	.quad	3b, 5b

	.data
	.globl smap_on
smap_on:	.byte 0
