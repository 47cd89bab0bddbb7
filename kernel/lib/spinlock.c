/*
 * IRQ-saving spinlocks on the compiler's atomics. A lock that spins for
 * about a second of pause loops is taken as a deadlock and panics, naming
 * the lock; with one CPU, any spin at all means a bug.
 */
#include "kernel/arch/arch.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"

#define SPIN_LIMIT (1ul << 28)

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();
	unsigned long spins = 0;

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		arch_cpu_relax();
		if (++spins == SPIN_LIMIT)
			panic("spinlock \"%s\" held too long: deadlock", l->name ? l->name : "?");
	}
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}
