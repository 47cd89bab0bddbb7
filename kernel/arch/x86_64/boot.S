/*
 * Kernel entry. All three loaders (QEMU -kernel, GRUB, iPXE) enter here in
 * 32-bit protected mode with paging off, EAX = 0x2BADB002 and EBX = the
 * physical address of the multiboot info (Multiboot 0.6.96, section 3.2).
 *
 * The multiboot header uses the a.out kludge (flags bit 16) because QEMU and
 * iPXE reject ELF64 kernels (DESIGN.md, measured loader facts).
 *
 * Steps: zero .bss, record the TSC, check for long mode, build boot page
 * tables (identity + direct map of the first 4 GiB, kernel at -2 GiB),
 * enable PAE/LME/paging, far-jump to 64-bit code, jump to the higher half
 * and call kmain(magic, info). kernel/arch/x86_64/paging.c replaces these
 * tables once physical memory is known.
 */
#include "kernel/arch/x86_64/layout.h"

#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  ((1 << 0) | (1 << 1) | (1 << 16)) /* align modules, mem info, kludge */
#define PHYS(x)   ((x) - KERNEL_VMA)
#define COM1      0x3f8

#define PTE_P     (1 << 0)
#define PTE_W     (1 << 1)
#define PTE_PS    (1 << 7)

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long PHYS(mb_header)		/* header_addr */
	.long PHYS(__kernel_start)	/* load_addr */
	.long PHYS(__load_end)		/* load_end_addr */
	.long PHYS(__bss_end)		/* bss_end_addr */
	.long PHYS(_start32)		/* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	%eax, %edi		/* multiboot magic */
	movl	%ebx, %esi		/* multiboot info, physical */
	rdtsc
	movl	%eax, %ebp		/* TSC at entry, kept in ebx:ebp */
	movl	%edx, %ebx

	/* Zero .bss. Loaders should, but boot tables and stacks live there. */
	movl	$PHYS(__bss_start), %edx
	movl	$PHYS(__bss_end), %ecx
1:	cmpl	%ecx, %edx
	jae	2f
	movl	$0, (%edx)
	addl	$4, %edx
	jmp	1b
2:
	movl	%ebp, PHYS(boot_tsc)
	movl	%ebx, PHYS(boot_tsc) + 4
	movl	$PHYS(boot_stack_top), %esp

	/* Long mode needs CPUID leaf 0x80000001, EDX bit 29. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx
	jz	no_long_mode

	/* 2048 2 MiB entries map physical 0..4 GiB. */
	movl	$PHYS(boot_pd), %edx
	xorl	%ecx, %ecx
3:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, (%edx, %ecx, 8)
	movl	$0, 4(%edx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	3b

	/* boot_pdpt_low: four directories; used for identity and direct map. */
	movl	$PHYS(boot_pdpt_low), %edx
	movl	$PHYS(boot_pd) + (PTE_P | PTE_W), %eax
	movl	%eax, 0(%edx)
	addl	$4096, %eax
	movl	%eax, 8(%edx)
	addl	$4096, %eax
	movl	%eax, 16(%edx)
	addl	$4096, %eax
	movl	%eax, 24(%edx)

	/* boot_pdpt_high[510]: -2 GiB maps physical 0..1 GiB. */
	movl	$PHYS(boot_pdpt_high), %edx
	movl	$PHYS(boot_pd) + (PTE_P | PTE_W), %eax
	movl	%eax, 510 * 8(%edx)

	movl	$PHYS(boot_pml4), %edx
	movl	$PHYS(boot_pdpt_low) + (PTE_P | PTE_W), %eax
	movl	%eax, 0(%edx)			/* identity, for the jump */
	movl	%eax, 256 * 8(%edx)		/* DIRECT_MAP_BASE */
	movl	$PHYS(boot_pdpt_high) + (PTE_P | PTE_W), %eax
	movl	%eax, 511 * 8(%edx)		/* KERNEL_VMA */

	movl	%cr4, %eax
	orl	$(1 << 5), %eax			/* PAE */
	movl	%eax, %cr4
	movl	$PHYS(boot_pml4), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	$(1 << 8), %eax			/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax		/* PG | WP | PE */
	movl	%eax, %cr0

	lgdt	PHYS(boot_gdtr)
	ljmp	$0x08, $PHYS(start64_low)

no_long_mode:
	movl	$PHYS(no_lm_msg), %esi
4:	lodsb
	testb	%al, %al
	jz	5f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	4b
5:	hlt
	jmp	5b

	.code64
start64_low:
	movabsq	$start64_high, %rax
	jmp	*%rax

	.text
start64_high:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	%edi, %edi			/* zero-extend magic and info */
	movl	%esi, %esi
	call	kmain
6:	cli
	hlt
	jmp	6b

	.section .rodata
	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
boot_gdt_end:
boot_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	PHYS(boot_gdt)
no_lm_msg:
	.asciz	"kernel: this CPU has no 64-bit long mode, halting\r\n"

	.data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad	0

	.bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack, boot_stack_top
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
