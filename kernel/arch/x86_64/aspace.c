/*
 * User address spaces. Each has its own PML4 whose upper half (entries
 * 256-511) is a copy of the kernel's: those kernel PML4 entries are all
 * created at boot and never change (paging.c), so the copies stay valid.
 * The lower half belongs to the process; its intermediate tables carry the
 * U bit and the leaf entries decide access (SDM vol. 3A, 4.6).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/paging_internal.h"
#include "kernel/mm/heap.h"

struct arch_aspace {
	uint64_t *pml4;
	uint64_t pml4_phys;
};

static struct arch_aspace *active;	    /* pt_lock */
static int (*frame_alloc_fn)(uint64_t *pa); /* pt_lock, during a clone */

struct arch_aspace *arch_aspace_create(void)
{
	struct arch_aspace *as = kzalloc(sizeof(*as));
	unsigned long fl;

	if (!as)
		return NULL;
	as->pml4 = pt_new_table();
	if (!as->pml4) {
		kfree(as);
		return NULL;
	}
	as->pml4_phys = virt_to_phys(as->pml4);
	fl = spin_lock_irqsave(&pt_lock);
	for (int i = 256; i < 512; i++)
		as->pml4[i] = kernel_pml4[i];
	spin_unlock_irqrestore(&pt_lock, fl);
	return as;
}

/* Free a user-half table and everything below it. level 3 = PDPT. */
static void free_level(uint64_t *t, int level, void (*put_frame)(uint64_t pa))
{
	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level == 1)
			put_frame(e & PTE_ADDR);
		else
			free_level(phys_to_virt(e & PTE_ADDR), level - 1, put_frame);
	}
	pt_free_frame(virt_to_phys(t));
}

void arch_aspace_destroy(struct arch_aspace *as, void (*put_frame)(uint64_t pa))
{
	unsigned long fl;

	if (!as)
		return;
	fl = spin_lock_irqsave(&pt_lock);
	if (active == as) {
		write_cr3(virt_to_phys(kernel_pml4));
		active = NULL;
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	for (int i = 0; i < 256; i++)
		if (as->pml4[i] & PTE_P)
			free_level(phys_to_virt(as->pml4[i] & PTE_ADDR), 3, put_frame);
	pt_free_frame(as->pml4_phys);
	kfree(as);
}

static bool user_va(uintptr_t va)
{
	return va < ARCH_USER_TOP && IS_ALIGNED(va, PAGE_SIZE_4K);
}

int arch_aspace_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, unsigned flags)
{
	unsigned long fl;
	uint64_t *pte;
	int err = 0;

	if (!user_va(va) || !IS_ALIGNED(pa, PAGE_SIZE_4K))
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = pt_walk(as->pml4, va, true, &err);
	if (pte && (*pte & PTE_P))
		err = -EEXIST;
	else if (pte)
		*pte = pa | pt_pte_flags(flags | VM_USER);
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int arch_aspace_unmap(struct arch_aspace *as, uintptr_t va, uint64_t *pa)
{
	if (!user_va(va))
		return -EINVAL;
	return pt_unmap(as->pml4, va, pa, READ_ONCE(active) == as);
}

int arch_aspace_protect(struct arch_aspace *as, uintptr_t va, unsigned flags)
{
	if (!user_va(va))
		return -EINVAL;
	return pt_protect(as->pml4, va, flags | VM_USER, READ_ONCE(active) == as);
}

int arch_aspace_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	if (va >= ARCH_USER_TOP)
		return -EINVAL;
	return pt_query(as->pml4, va, pa, flags);
}

void arch_aspace_switch(struct arch_aspace *as)
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);

	if (active != as) {
		active = as;
		write_cr3(as ? as->pml4_phys : virt_to_phys(kernel_pml4));
	}
	spin_unlock_irqrestore(&pt_lock, fl);
}

/* Copy one level of src's user tables into dst, allocating new frames for
 * every leaf and copying its contents (fork without copy-on-write). */
static int clone_level(uint64_t *dst, const uint64_t *src, int level, uintptr_t base,
		       struct arch_aspace *das)
{
	static const unsigned shift[] = {0, 12, 21, 30, 39};

	for (int i = 0; i < 512; i++) {
		uint64_t e = src[i], pa;
		uintptr_t va = base + ((uintptr_t)i << shift[level]);
		if (!(e & PTE_P))
			continue;
		if (level == 1) {
			if (frame_alloc_fn(&pa))
				return -ENOMEM;
			memcpy(phys_to_virt(pa), phys_to_virt(e & PTE_ADDR), PAGE_SIZE_4K);
			dst[i] = pa | (e & ~PTE_ADDR);
			continue;
		}
		uint64_t *t = pt_next_level(dst, (unsigned)i, true, true);
		if (!t)
			return -ENOMEM;
		int err = clone_level(t, phys_to_virt(e & PTE_ADDR), level - 1, va, das);
		if (err)
			return err;
	}
	return 0;
}

int arch_aspace_clone(struct arch_aspace *dst, struct arch_aspace *src, int (*alloc)(uint64_t *pa))
{
	unsigned long fl = spin_lock_irqsave(&pt_lock);
	int err;

	frame_alloc_fn = alloc;
	err = 0;
	for (int i = 0; i < 256 && !err; i++) {
		uint64_t e = src->pml4[i];
		uint64_t *t;
		if (!(e & PTE_P))
			continue;
		t = pt_next_level(dst->pml4, (unsigned)i, true, true);
		err = t ? clone_level(t, phys_to_virt(e & PTE_ADDR), 3, (uintptr_t)i << 39, dst)
			: -ENOMEM;
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

/* Present leaf entries below table t (level 3 = PDPT); user mappings are
 * all 4 KiB pages. */
static size_t count_level(const uint64_t *t, int level)
{
	size_t n = 0;

	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		n += level == 1 ? 1 : count_level(phys_to_virt(t[i] & PTE_ADDR), level - 1);
	}
	return n;
}

size_t arch_aspace_count(struct arch_aspace *as)
{
	unsigned long fl;
	size_t n = 0;

	if (!as)
		return 0;
	fl = spin_lock_irqsave(&pt_lock);
	for (int i = 0; i < 256; i++)
		if (as->pml4[i] & PTE_P)
			n += count_level(phys_to_virt(as->pml4[i] & PTE_ADDR), 3);
	spin_unlock_irqrestore(&pt_lock, fl);
	return n;
}
