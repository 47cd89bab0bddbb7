/*
 * Wait queues and timed sleeps. A sleeper checks its condition with
 * sched_lock held (interrupts off), so a wake-up that runs between the
 * check and the switch cannot be lost: the waker needs the same lock.
 * Timeouts use a list of deadlines in jiffies, checked on every tick.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/sched/sched.h"

static struct thread *timers; /* sched_lock; unsorted, short */

uint64_t sched_ms_to_ticks(unsigned ms)
{
	return ((uint64_t)ms * HZ + 999) / 1000;
}

void waitq_init(struct waitq *wq)
{
	wq->head = NULL;
}

static void waitq_remove_locked(struct waitq *wq, struct thread *t)
{
	struct thread **pp = &wq->head;

	while (*pp && *pp != t)
		pp = &(*pp)->wait_next;
	if (*pp)
		*pp = t->wait_next;
	t->wait_next = NULL;
	t->waiting_on = NULL;
}

void sched_timer_add_locked(struct thread *t, uint64_t deadline)
{
	t->wake_at = deadline;
	t->timer_next = timers;
	timers = t;
}

void sched_timer_remove_locked(struct thread *t)
{
	struct thread **pp = &timers;

	while (*pp && *pp != t)
		pp = &(*pp)->timer_next;
	if (*pp)
		*pp = t->timer_next;
	t->timer_next = NULL;
	t->wake_at = 0;
}

void sched_wake_timers(void)
{
	unsigned long fl;
	struct thread **pp;

	sched_lock_irqsave(&fl);
	pp = &timers;
	while (*pp) {
		struct thread *t = *pp;
		if (t->wake_at && t->wake_at <= jiffies) {
			*pp = t->timer_next;
			t->timer_next = NULL;
			t->wake_at = 0;
			t->timed_out = true;
			if (t->waiting_on)
				waitq_remove_locked(t->waiting_on, t);
			sched_make_runnable_locked(t);
		} else {
			pp = &t->timer_next;
		}
	}
	sched_unlock_irqrestore(fl);
}

int waitq_wait(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms)
{
	struct thread *self = current_thread();
	uint64_t deadline = timeout_ms ? jiffies + sched_ms_to_ticks(timeout_ms) : 0;
	unsigned long fl;
	int err = 0;

	sched_lock_irqsave(&fl);
	while (!cond || !cond(arg)) {
		if (deadline && jiffies >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		self->timed_out = false;
		self->state = THREAD_SLEEPING;
		self->waiting_on = wq;
		self->wait_next = wq->head;
		wq->head = self;
		if (deadline)
			sched_timer_add_locked(self, deadline);
		sched_block_locked();
		/* Woken, or timed out: leave both lists either way. */
		if (self->waiting_on)
			waitq_remove_locked(wq, self);
		if (self->wake_at)
			sched_timer_remove_locked(self);
		if (!cond) /* a plain sleep: one wake-up is enough */
			break;
	}
	sched_unlock_irqrestore(fl);
	return err;
}

static int wake_locked(struct waitq *wq, bool all)
{
	int n = 0;

	while (wq->head) {
		struct thread *t = wq->head;
		wq->head = t->wait_next;
		t->wait_next = NULL;
		t->waiting_on = NULL;
		sched_make_runnable_locked(t);
		n++;
		if (!all)
			break;
	}
	return n;
}

int waitq_wake_all_locked(struct waitq *wq)
{
	return wake_locked(wq, true);
}

int waitq_wake_one(struct waitq *wq)
{
	unsigned long fl;
	int n;

	sched_lock_irqsave(&fl);
	n = wake_locked(wq, false);
	sched_unlock_irqrestore(fl);
	return n;
}

int waitq_wake_all(struct waitq *wq)
{
	unsigned long fl;
	int n;

	sched_lock_irqsave(&fl);
	n = wake_locked(wq, true);
	sched_unlock_irqrestore(fl);
	return n;
}

void sched_sleep_ms(unsigned ms)
{
	struct waitq wq = WAITQ_INIT;
	uint64_t deadline = jiffies + sched_ms_to_ticks(ms);

	/* Loop: a stray wake-up must not cut the sleep short. */
	while (jiffies < deadline)
		waitq_wait(&wq, NULL, NULL, (unsigned)((deadline - jiffies) * 1000 / HZ) + 1);
}

static bool never(void *arg)
{
	return false;
}

void sched_park(void)
{
	struct waitq wq = WAITQ_INIT;

	for (;;)
		waitq_wait(&wq, never, NULL, 0);
}
