/*
 * The kernel's virtual address layout on x86_64. Included by C and assembly.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (later issues)
 *   0xffff800000000000 .. +64 TiB             direct map of all physical memory
 *   0xffffc90000000000 .. +512 GiB            ioremap area (paging.c)
 *   0xffffc98000000000 .. +512 GiB            kernel stacks with guard pages (kernel/mm/kstack.c)
 *   0xffffffff80000000 .. +2 GiB              kernel image (-mcmodel=kernel)
 */
#ifndef KERNEL_ARCH_X86_64_LAYOUT_H
#define KERNEL_ARCH_X86_64_LAYOUT_H

#define KERNEL_VMA	 0xffffffff80000000
#define KERNEL_PHYS	 0x100000
#define DIRECT_MAP_BASE	 0xffff800000000000
#define DIRECT_MAP_SIZE	 0x0000400000000000 /* 64 TiB */
#define VMAP_BASE	 0xffffc90000000000
#define VMAP_SIZE	 0x0000010000000000 /* 1 TiB: one PML4 slot is 512 GiB */
#define IOREMAP_BASE	 VMAP_BASE
#define IOREMAP_SIZE	 0x0000008000000000
#define KSTACK_AREA	 (VMAP_BASE + IOREMAP_SIZE)
#define KSTACK_AREA_SIZE 0x0000008000000000

#define PAGE_SIZE_4K	4096
#define BOOT_STACK_SIZE 16384
#define KSTACK_SIZE	16384 /* kernel stacks; a guard page sits below each */

#endif
