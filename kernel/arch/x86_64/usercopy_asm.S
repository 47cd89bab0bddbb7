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
/* long raw_copy_user(void *dst, const void *src, size_t n): 0 or -EFAULT */
	.globl raw_copy_user
raw_copy_user:
	user_access_begin
	movq	%rdx, %rcx
1:	rep movsb
	user_access_end
	xorl	%eax, %eax
	ret
2:	user_access_end
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
	.quad	1b, 2b
	.quad	3b, 5b

	.data
	.globl smap_on
smap_on:	.byte 0
