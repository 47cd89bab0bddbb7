/*
 * ksvc_wait_while / ksvc_wake_waiters: how pure code (the buffer cache)
 * waits for a flag that an interrupt or another thread clears. With the
 * scheduler running, the waiter sleeps on one shared wait queue whose
 * condition is the flag itself, so the thread that will clear the flag gets
 * the CPU (a busy wait here once deadlocked a pipeline: the waiter spun
 * while the thread finishing the read could not run). Before the scheduler
 * exists it halts with `sti; hlt`, which cannot miss an interrupt that
 * arrives after the check.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/sched/sched.h"

static struct waitq flag_waiters = WAITQ_INIT;

struct flag_wait {
	const volatile unsigned *word;
	unsigned mask;
};

static bool flag_clear(void *arg)
{
	struct flag_wait *w = arg;

	return !(*w->word & w->mask);
}

void ksvc_wait_while(const volatile unsigned *word, unsigned mask)
{
	struct flag_wait w = {word, mask};
	unsigned long fl;

	if (sched_running() && arch_irq_enabled()) {
		waitq_wait(&flag_waiters, flag_clear, &w, 0);
		return;
	}
	fl = arch_irq_save();
	while (*word & mask) {
		arch_halt(); /* sti; hlt */
		arch_irq_disable();
	}
	arch_irq_restore(fl);
}

void ksvc_wake_waiters(void)
{
	if (sched_running())
		waitq_wake_all(&flag_waiters);
}
