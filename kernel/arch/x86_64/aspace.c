/*
 * User address spaces. Each has its own PML4 whose upper half (entries
 * 256-511) is a copy of the kernel's: those kernel PML4 entries are all
 * created at boot and never change (paging.c), so the copies stay valid.
 * The lower half belongs to the process; its intermediate tables carry the
 * U bit and the leaf entries decide access (SDM vol. 3A, 4.6).
 *
 * A PROT_NONE page keeps its frame in a not-present entry marked with the
 * software bit PTE_NONE (bit 9, ignored by the CPU when P is clear, SDM
 * vol. 3A, 4.5 table 4-19), as Linux's _PAGE_PROTNONE does: every walker
 * here treats P or PTE_NONE as "holds a frame".
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/paging_internal.h"
#include "kernel/mm/heap.h"

#define PTE_NONE (1ull << 9)

struct arch_aspace {
	uint64_t *pml4;
	uint64_t pml4_phys;
};

static struct arch_aspace *active; /* pt_lock */

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

static bool holds_frame(uint64_t e)
{
	return (e & (PTE_P | PTE_NONE)) != 0;
}

static uint64_t user_pte_bits(unsigned flags)
{
	if (flags & VM_NOACCESS)
		return PTE_NONE;
	return pt_pte_flags(flags | VM_USER);
}

/* Free a user-half table and everything below it. level 3 = PDPT. */
static void free_level(uint64_t *t, int level, void (*put_frame)(uint64_t pa))
{
	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (level == 1) {
			if (holds_frame(e))
				put_frame(e & PTE_ADDR);
			continue;
		}
		if (e & PTE_P)
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

/* The leaf entry of va in as, with pt_lock held; NULL if a table is missing
 * (and `create` is off or memory ran out). */
static uint64_t *leaf(struct arch_aspace *as, uintptr_t va, bool create)
{
	int err = 0;

	return pt_walk(as->pml4, va, create, &err);
}

static void flush_one(struct arch_aspace *as, uintptr_t va)
{
	if (active == as)
		invlpg(va);
}

int arch_aspace_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, unsigned flags)
{
	unsigned long fl;
	uint64_t *pte;
	int err = 0;

	if (!user_va(va) || !IS_ALIGNED(pa, PAGE_SIZE_4K))
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = leaf(as, va, true);
	if (!pte)
		err = -ENOMEM;
	else if (holds_frame(*pte))
		err = -EEXIST;
	else
		*pte = pa | user_pte_bits(flags);
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int arch_aspace_set(struct arch_aspace *as, uintptr_t va, uint64_t pa, unsigned flags,
		    uint64_t *old_pa)
{
	unsigned long fl;
	uint64_t *pte;
	int err = 0;

	if (!user_va(va) || !IS_ALIGNED(pa, PAGE_SIZE_4K))
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = leaf(as, va, true);
	if (!pte) {
		err = -ENOMEM;
	} else {
		if (old_pa)
			*old_pa = holds_frame(*pte) ? (*pte & PTE_ADDR) : 0;
		*pte = pa | user_pte_bits(flags);
		flush_one(as, va);
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int arch_aspace_unmap(struct arch_aspace *as, uintptr_t va, uint64_t *pa)
{
	unsigned long fl;
	uint64_t *pte;
	int err = 0;

	if (!user_va(va))
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = leaf(as, va, false);
	if (!pte || !holds_frame(*pte)) {
		err = -ENOENT;
	} else {
		if (pa)
			*pa = *pte & PTE_ADDR;
		*pte = 0;
		flush_one(as, va);
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int arch_aspace_protect(struct arch_aspace *as, uintptr_t va, unsigned flags)
{
	unsigned long fl;
	uint64_t *pte;
	int err = 0;

	if (!user_va(va))
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = leaf(as, va, false);
	if (!pte || !holds_frame(*pte)) {
		err = -ENOENT;
	} else {
		*pte = (*pte & PTE_ADDR) | user_pte_bits(flags);
		flush_one(as, va);
	}
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

int arch_aspace_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	unsigned long fl;
	uint64_t *pte, e = 0;

	if (va >= ARCH_USER_TOP)
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	pte = leaf(as, va & ~(PAGE_SIZE_4K - 1), false);
	if (pte)
		e = *pte;
	spin_unlock_irqrestore(&pt_lock, fl);
	if (!holds_frame(e))
		return -ENOENT;
	if (pa)
		*pa = (e & PTE_ADDR) | (va & (PAGE_SIZE_4K - 1));
	if (flags) {
		if (!(e & PTE_P))
			*flags = VM_NOACCESS | VM_USER;
		else
			*flags = ((e & PTE_W) ? VM_WRITE : 0) | ((e & nx_bit) ? 0 : VM_EXEC) |
				 VM_USER;
	}
	return 0;
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

/*
 * Call fn on every leaf entry that holds a frame in [start, end), skipping
 * whole tables that are absent. pt_lock held. Returns fn's first error.
 */
static int walk_range(uint64_t *pml4, uintptr_t start, uintptr_t end,
		      int (*fn)(uint64_t *pte, uintptr_t va, void *arg), void *arg)
{
	static const unsigned shifts[3] = {39, 30, 21};
	uintptr_t va = start;

	while (va < end) {
		uint64_t *t = pml4;
		bool skipped = false;
		for (int level = 0; level < 3; level++) {
			uint64_t e = t[(va >> shifts[level]) & 511];
			if (!(e & PTE_P)) {
				uintptr_t span = (uintptr_t)1 << shifts[level];
				va = (va & ~(span - 1)) + span;
				skipped = true;
				break;
			}
			t = phys_to_virt(e & PTE_ADDR);
		}
		if (skipped)
			continue;
		for (unsigned i = PT_INDEX(va); i < 512 && va < end; i++, va += PAGE_SIZE_4K) {
			if (holds_frame(t[i])) {
				int err = fn(&t[i], va, arg);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

struct range_op {
	void (*frame_fn)(uint64_t pa);
	unsigned flags;
	bool changed;
	struct arch_aspace *dst;
	bool cow;
};

static int unmap_one(uint64_t *pte, uintptr_t va, void *arg)
{
	struct range_op *op = arg;
	uint64_t pa = *pte & PTE_ADDR;

	*pte = 0;
	op->changed = true;
	if (op->frame_fn)
		op->frame_fn(pa);
	return 0;
}

static int protect_one(uint64_t *pte, uintptr_t va, void *arg)
{
	struct range_op *op = arg;
	uint64_t bits = user_pte_bits(op->flags);

	/* Write permission is only ever taken away here: a page without it
	 * may be shared copy-on-write, and its write fault decides. */
	if (!(*pte & PTE_W))
		bits &= ~PTE_W;
	*pte = (*pte & PTE_ADDR) | bits;
	op->changed = true;
	return 0;
}

static int share_one(uint64_t *pte, uintptr_t va, void *arg)
{
	struct range_op *op = arg;
	uint64_t *d = leaf(op->dst, va, true);

	if (!d)
		return -ENOMEM;
	if (op->cow && (*pte & PTE_W)) {
		*pte &= ~PTE_W;
		op->changed = true;
	}
	*d = *pte;
	op->frame_fn(*pte & PTE_ADDR);
	return 0;
}

static int range_apply(struct arch_aspace *as, uintptr_t start, uintptr_t end,
		       int (*fn)(uint64_t *pte, uintptr_t va, void *arg), struct range_op *op)
{
	unsigned long fl;
	int err;

	if (start >= end || end > ARCH_USER_TOP)
		return -EINVAL;
	fl = spin_lock_irqsave(&pt_lock);
	err = walk_range(as->pml4, start, end, fn, op);
	/* Reloading CR3 drops every user translation (user pages are never
	 * global) at the cost of one refill per page touched afterwards. */
	if (op->changed && active == as)
		write_cr3(as->pml4_phys);
	spin_unlock_irqrestore(&pt_lock, fl);
	return err;
}

void arch_aspace_unmap_range(struct arch_aspace *as, uintptr_t start, uintptr_t end,
			     void (*put_frame)(uint64_t pa))
{
	struct range_op op = {.frame_fn = put_frame};

	range_apply(as, start, end, unmap_one, &op);
}

void arch_aspace_protect_range(struct arch_aspace *as, uintptr_t start, uintptr_t end,
			       unsigned flags)
{
	struct range_op op = {.flags = flags};

	range_apply(as, start, end, protect_one, &op);
}

int arch_aspace_share_range(struct arch_aspace *dst, struct arch_aspace *src, uintptr_t start,
			    uintptr_t end, bool cow, void (*get_frame)(uint64_t pa))
{
	struct range_op op = {.frame_fn = get_frame, .dst = dst, .cow = cow};

	return range_apply(src, start, end, share_one, &op);
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
