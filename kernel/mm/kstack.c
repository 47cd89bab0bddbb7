/*
 * Guarded kernel stacks. The kernel-stack area is cut into slots of one
 * guard page plus KSTACK_SIZE; a slot's guard page is never mapped. Freed
 * slots go on a free list and are reused.
 *
 * Lock legend: kstack_lock guards next_slot and free_slots.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/mem.h"

#define SLOT_SIZE (KSTACK_SIZE + PAGE_SIZE)
#define MAX_FREE  256

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t next_slot;
static uintptr_t free_slots[MAX_FREE];
static size_t nfree;

static uintptr_t slot_base(uint64_t slot)
{
	return KSTACK_AREA + slot * SLOT_SIZE;
}

uintptr_t kstack_bottom(uintptr_t top)
{
	return top - KSTACK_SIZE;
}

static void unmap_stack(uintptr_t bottom, size_t pages)
{
	for (size_t i = 0; i < pages; i++) {
		uint64_t pa;
		if (arch_query_page(bottom + i * PAGE_SIZE, &pa, NULL) == 0) {
			arch_unmap_page(bottom + i * PAGE_SIZE);
			page_free(pa);
		}
	}
}

uintptr_t kstack_alloc(void)
{
	unsigned long fl = spin_lock_irqsave(&kstack_lock);
	uintptr_t base, bottom;

	if (nfree) {
		base = free_slots[--nfree];
	} else if ((next_slot + 1) * SLOT_SIZE <= KSTACK_AREA_SIZE) {
		base = slot_base(next_slot++);
	} else {
		spin_unlock_irqrestore(&kstack_lock, fl);
		return 0;
	}
	spin_unlock_irqrestore(&kstack_lock, fl);

	bottom = base + PAGE_SIZE; /* base itself is the guard page */
	for (size_t i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++) {
		uint64_t pa;
		if (page_alloc(&pa))
			goto out_unwind;
		if (arch_map_page(bottom + i * PAGE_SIZE, pa, VM_WRITE)) {
			page_free(pa);
			goto out_unwind;
		}
	}
	return bottom + KSTACK_SIZE;

out_unwind:
	kstack_free(bottom + KSTACK_SIZE);
	return 0;
}

void kstack_free(uintptr_t top)
{
	uintptr_t bottom = kstack_bottom(top);
	unsigned long fl;

	unmap_stack(bottom, KSTACK_SIZE / PAGE_SIZE);
	fl = spin_lock_irqsave(&kstack_lock);
	if (nfree < MAX_FREE)
		free_slots[nfree++] = bottom - PAGE_SIZE;
	spin_unlock_irqrestore(&kstack_lock, fl);
}
