/*
 * IRQ-saving spinlocks (STYLE.md "Concurrency"). One CPU runs today, but every
 * shared structure takes its lock so SMP needs no audit later.
 *
 * spin_lock_irqsave disables interrupts on this CPU and then spins on the lock
 * word; spin_unlock_irqrestore releases it and restores the saved flag.
 */
#ifndef KERNEL_LIB_SPINLOCK_H
#define KERNEL_LIB_SPINLOCK_H

#include "kernel/lib/compiler.h"

struct spinlock {
	volatile int locked;
	const char *name;
};

#define SPINLOCK_INIT(n)                 \
	{                                \
		.locked = 0, .name = (n) \
	}

unsigned long spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags);

static inline void spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->name = name;
}

#endif
