/*
 * Kernel page tables (SDM vol. 3A, ch. 4.5, 4-level paging).
 *
 * arch_paging_init replaces the boot tables from boot.S with:
 *   - a direct map of every physical range the loader reported, in 2 MiB
 *     pages, RW and NX, at DIRECT_MAP_BASE;
 *   - the kernel image in 4 KiB pages, W^X: text RX, rodata R+NX, data and
 *     bss RW+NX;
 *   - page-table pages for the ioremap and kernel-stack areas.
 * The boot identity map is gone afterwards, so a NULL dereference faults.
 *
 * The kernel's PML4 slots (256-511) in use are all created here and never
 * change, so address spaces created later can share them by copying.
 *
 * Lock legend: pt_lock guards every kernel page-table entry and ioremap_next.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memmap.h"
#include "kernel/arch/x86_64/paging_internal.h"

#define LARGE_PAGE (2ull << 20)

struct spinlock pt_lock = SPINLOCK_INIT("pagetables");
uint64_t *kernel_pml4; /* pt_lock */
static uint64_t kernel_pml4_phys;
static int (*frame_alloc)(uint64_t *pa);
static void (*frame_free)(uint64_t pa);

void pt_free_frame(uint64_t pa)
{
	if (frame_free)
		frame_free(pa);
}

void arch_paging_set_free(void (*free_frame)(uint64_t pa))
{
	frame_free = free_frame;
}
static uintptr_t ioremap_next = IOREMAP_BASE; /* pt_lock */
uint64_t nx_bit;

uint64_t *pt_new_table(void)
{
	uint64_t pa;

	if (!frame_alloc || frame_alloc(&pa))
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE_4K);
	return phys_to_virt(pa);
}

/* The entry of the next level's table, creating it when `create` is set. */
uint64_t *pt_next_level(uint64_t *table, unsigned idx, bool create, bool user)
{
	uint64_t e = table[idx];

	if (e & PTE_P) {
		if (e & PTE_PS)
			return NULL;
		return phys_to_virt(e & PTE_ADDR);
	}
	if (!create)
		return NULL;
	uint64_t *t = pt_new_table();
	if (!t)
		return NULL;
	/* Intermediate entries of user mappings carry U; the leaf decides. */
	table[idx] = virt_to_phys(t) | PTE_P | PTE_W | (user ? PTE_U : 0);
	return t;
}

uint64_t pt_pte_flags(unsigned flags)
{
	uint64_t f = PTE_P | PTE_G;

	if (flags & VM_WRITE)
		f |= PTE_W;
	if (!(flags & VM_EXEC))
		f |= nx_bit;
	if (flags & VM_USER)
		f = (f | PTE_U) & ~PTE_G;
	if (flags & VM_NOCACHE)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

/* The 4 KiB PTE for `va`, or NULL with *err set: -EEXIST when a large page
 * covers va, -ENOENT (lookup) or -ENOMEM (create) when a table is missing. */
uint64_t *pt_walk(uint64_t *pml4, uintptr_t va, bool create, int *err)
{
	static const unsigned shifts[3] = {39, 30, 21};
	uint64_t *t = pml4;
	bool user = va < USER_TOP;

	for (int level = 0; level < 3; level++) {
		unsigned idx = (va >> shifts[level]) & 511;
		if ((t[idx] & PTE_P) && (t[idx] & PTE_PS)) {
			*err = -EEXIST;
			return NULL;
		}
		t = pt_next_level(t, idx, create, user);
		if (!t) {
			*err = create ? -ENOMEM : -ENOENT;
			return NULL;
		}
	}
	return &t[PT_INDEX(va)];
}

static int map_locked(uintptr_t va, uint64_t pa, unsigned flags)
{
	int err;
	uint64_t *pte;

	if (!IS_ALIGNED(va, PAGE_SIZE_4K) || !IS_ALIGNED(pa, PAGE_SIZE_4K))
		return -EINVAL;
	pte = pt_walk(kernel_pml4, va, true, &err);
	if (!pte)
		return err;
	if (*pte & PTE_P)
		return -EEXIST;
	*pte = pa | pt_pte_flags(flags);
	return 0;
}

int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);
	int err = map_locked(va, pa, flags);
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

/* The present 4 KiB PTE of va in pml4 (pt_lock held), or NULL with *err:
 * the walk's error, or -ENOENT for a PTE that is not present. */
static uint64_t *present_pte(uint64_t *pml4, uintptr_t va, int *err)
{
	uint64_t *pte = pt_walk(pml4, va & ~(PAGE_SIZE_4K - 1), false, err);

	if (pte && !(*pte & PTE_P)) {
		*err = -ENOENT;
		return NULL;
	}
	return pte;
}

int pt_unmap(uint64_t *pml4, uintptr_t va, uint64_t *pa, bool flush)
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);
	int err = 0;
	uint64_t *pte = present_pte(pml4, va, &err);

	if (pte) {
		if (pa)
			*pa = *pte & PTE_ADDR;
		*pte = 0;
		if (flush)
			invlpg(va);
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int pt_protect(uint64_t *pml4, uintptr_t va, unsigned flags, bool flush)
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);
	int err = 0;
	uint64_t *pte = present_pte(pml4, va, &err);

	if (pte) {
		*pte = (*pte & PTE_ADDR) | pt_pte_flags(flags);
		if (flush)
			invlpg(va);
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int pt_query(uint64_t *pml4, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);
	int err = 0;
	uint64_t *pte = present_pte(pml4, va, &err);
	uint64_t e = pte ? *pte : 0;

	spin_unlock_irqrestore(&pt_lock, fl);
	if (!pte)
		return err;
	if (pa)
		*pa = (e & PTE_ADDR) | (va & (PAGE_SIZE_4K - 1));
	if (flags)
		*flags = ((e & PTE_W) ? VM_WRITE : 0) | ((e & nx_bit) ? 0 : VM_EXEC) |
			 ((e & PTE_U) ? VM_USER : 0) | ((e & PTE_PCD) ? VM_NOCACHE : 0);
	return 0;
}

int arch_unmap_page(uintptr_t va)
{
	return pt_unmap(kernel_pml4, va, NULL, true);
}

int arch_protect_page(uintptr_t va, unsigned flags)
{
	return pt_protect(kernel_pml4, va, flags, true);
}

int arch_query_page(uintptr_t va, uint64_t *pa, unsigned *flags)
{
	return pt_query(kernel_pml4, va, pa, flags);
}

static void direct_map_range(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, LARGE_PAGE);
	end = ALIGN_UP(end, LARGE_PAGE);
	if (end > DIRECT_MAP_SIZE || end < start)
		end = DIRECT_MAP_SIZE;
	for (uint64_t pa = start; pa < end; pa += LARGE_PAGE) {
		uintptr_t va = DIRECT_MAP_BASE + pa;
		uint64_t *pdpt = pt_next_level(kernel_pml4, PML4_INDEX(va), true, false);
		uint64_t *pd = pdpt ? pt_next_level(pdpt, PDPT_INDEX(va), true, false) : NULL;
		if (!pd)
			panic("paging: out of memory building the direct map");
		if (!(pd[PD_INDEX(va)] & PTE_P))
			pd[PD_INDEX(va)] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx_bit;
	}
}

static void map_kernel_image(void)
{
	for (uintptr_t va = (uintptr_t)__kernel_start; va < (uintptr_t)__kernel_end;
	     va += PAGE_SIZE_4K) {
		unsigned flags;
		if (va < (uintptr_t)__text_end)
			flags = VM_EXEC;
		else if (va < (uintptr_t)__rodata_end)
			flags = 0;
		else
			flags = VM_WRITE;
		if (map_locked(va, va - KERNEL_VMA, flags))
			panic("paging: cannot map the kernel image");
	}
}

void arch_paging_init(const struct mem_region *map, size_t n, int (*alloc_frame)(uint64_t *pa))
{
	uint64_t top = 0;

	frame_alloc = alloc_frame;
	nx_bit = cpu_features.nx ? PTE_NX : 0;
	kernel_pml4 = pt_new_table();
	if (!kernel_pml4)
		panic("paging: no memory for the kernel PML4");
	kernel_pml4_phys = virt_to_phys(kernel_pml4);

	/* RAM of every kind is mapped; "reserved" only below 4 GiB, where it
	 * holds firmware tables and ROMs. Above 4 GiB it is MMIO or a hole
	 * (QEMU reports 12 GiB below 1 TiB) and must not be mapped cacheable. */
	direct_map_range(0, MiB(2)); /* BIOS data, VGA text memory, ROM tables */
	for (size_t i = 0; i < n; i++) {
		if (map[i].type == MEM_RESERVED && map[i].start >= GiB(4))
			continue;
		direct_map_range(
			map[i].start,
			MIN(map[i].end, map[i].type == MEM_RESERVED ? GiB(4) : map[i].end));
		top = MAX(top, map[i].end);
	}
	map_kernel_image();
	/* Create the second-level tables of the vmap slot now (see top). */
	if (!pt_next_level(kernel_pml4, PML4_INDEX(IOREMAP_BASE), true, false) ||
	    !pt_next_level(kernel_pml4, PML4_INDEX(KSTACK_AREA), true, false))
		panic("paging: no memory for the vmap area");

	write_cr3(kernel_pml4_phys);
	pr_info("paging: direct map up to 0x%llx, kernel text %llu KiB RX, rodata %llu KiB R, "
		"data+bss %llu KiB RW, NX %s\n",
		(unsigned long long)top,
		(unsigned long long)((uintptr_t)__text_end - (uintptr_t)__kernel_start) / 1024,
		(unsigned long long)((uintptr_t)__rodata_end - (uintptr_t)__text_end) / 1024,
		(unsigned long long)((uintptr_t)__kernel_end - (uintptr_t)__rodata_end) / 1024,
		nx_bit ? "on" : "off");
}

bool arch_direct_mapped(uint64_t pa, uint64_t len)
{
	uint64_t end = pa + len;

	if (end < pa || end > DIRECT_MAP_SIZE)
		return false;
	for (uint64_t a = ALIGN_DOWN(pa, LARGE_PAGE); a < end; a += LARGE_PAGE) {
		uintptr_t va = DIRECT_MAP_BASE + a;
		uint64_t e = kernel_pml4[PML4_INDEX(va)], *t;
		if (!(e & PTE_P))
			return false;
		t = phys_to_virt(e & PTE_ADDR);
		e = t[PDPT_INDEX(va)];
		if (!(e & PTE_P))
			return false;
		if (e & PTE_PS)
			continue;
		t = phys_to_virt(e & PTE_ADDR);
		if (!(t[PD_INDEX(va)] & PTE_P))
			return false;
	}
	return true;
}

void *ioremap(uint64_t pa, size_t size)
{
	uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE_4K);
	size_t pages = (ALIGN_UP(pa + size, PAGE_SIZE_4K) - base) / PAGE_SIZE_4K;
	unsigned long fl;
	uintptr_t va;

	if (size == 0 || pa + size < pa)
		return NULL;
	fl = spin_lock_irqsave(&pt_lock);
	va = ioremap_next;
	if (va + pages * PAGE_SIZE_4K > IOREMAP_BASE + IOREMAP_SIZE) {
		spin_unlock_irqrestore(&pt_lock, fl);
		return NULL;
	}
	for (size_t i = 0; i < pages; i++) {
		if (map_locked(va + i * PAGE_SIZE_4K, base + i * PAGE_SIZE_4K,
			       VM_WRITE | VM_NOCACHE)) {
			spin_unlock_irqrestore(&pt_lock, fl);
			return NULL;
		}
	}
	/* Leave one unmapped page between mappings to catch overruns. */
	ioremap_next = va + (pages + 1) * PAGE_SIZE_4K;
	spin_unlock_irqrestore(&pt_lock, fl);
	return (void *)(va + (pa - base));
}
