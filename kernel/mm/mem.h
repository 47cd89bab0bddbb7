/*
 * Kernel memory bring-up and the kernel's physical page allocator
 * (kernel/mm/mem.c). mem_init turns the loader's memory map into the PMM,
 * builds the kernel page tables and makes kmalloc usable.
 */
#ifndef KERNEL_MM_MEM_H
#define KERNEL_MM_MEM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/mm/memmap.h"
#include "kernel/mm/pmm.h"

struct boot_info;

extern struct pmm kernel_pmm;

void mem_init(const struct boot_info *bi);

/* The normalized memory map. */
const struct mem_region *mem_map(size_t *n);

/* One 4 KiB frame: 0 or -ENOMEM. The frame is not zeroed. */
int page_alloc(uint64_t *pa);
void page_free(uint64_t pa);

/*
 * User frames carry a reference count (one counter per frame, O(1)), so
 * that copy-on-write fork can share them: upage_alloc hands out a frame
 * (not zeroed) with count 1, page_get adds a sharer, page_put drops one and
 * frees the frame with the last. Page-table and heap frames do not use it.
 */
int upage_alloc(uint64_t *pa);
void page_get(uint64_t pa);
void page_put(uint64_t pa);
unsigned page_refcount(uint64_t pa);

#endif
