/*
 * Page-table internals shared by paging.c (the kernel's tables) and
 * aspace.c (user address spaces). x86_64 4-level paging, SDM vol. 3A, 4.5.
 *
 * Lock legend: pt_lock guards every page-table entry of every address
 * space (one CPU; a per-address-space lock can come with SMP).
 */
#ifndef KERNEL_ARCH_X86_64_PAGING_INTERNAL_H
#define KERNEL_ARCH_X86_64_PAGING_INTERNAL_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/lib/spinlock.h"

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_PS	 (1ull << 7)
#define PTE_G	 (1ull << 8)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va)   (((va) >> 21) & 511)
#define PT_INDEX(va)   (((va) >> 12) & 511)

#define USER_TOP 0x0000800000000000ull /* first non-canonical address */

extern struct spinlock pt_lock;
extern uint64_t *kernel_pml4;
extern uint64_t nx_bit;

uint64_t *pt_new_table(void);
uint64_t *pt_next_level(uint64_t *table, unsigned idx, bool create, bool user);
uint64_t *pt_walk(uint64_t *pml4, uintptr_t va, bool create, int *err);
uint64_t pt_pte_flags(unsigned flags);
void pt_free_frame(uint64_t pa);
/* One 4 KiB page of the tables rooted at pml4, each under pt_lock: remove
 * (frame in *pa), change flags (VM_*), or look up. 0, -ENOENT when nothing
 * is mapped there, or the walk's error. `flush`: the tables are live. */
int pt_unmap(uint64_t *pml4, uintptr_t va, uint64_t *pa, bool flush);
int pt_protect(uint64_t *pml4, uintptr_t va, unsigned flags, bool flush);
int pt_query(uint64_t *pml4, uintptr_t va, uint64_t *pa, unsigned *flags);

#endif
