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
	wq->entries = NULL;
}

void waitq_add_entry(struct waitq *wq, struct waitq_entry *e)
{
	unsigned long fl;

	sched_lock_irqsave(&fl);
	e->wq = wq;
	e->next = wq->entries;
	wq->entries = e;
	sched_unlock_irqrestore(fl);
}

void waitq_remove_entry(struct waitq_entry *e)
{
	unsigned long fl;
	struct waitq_entry **pp;

	sched_lock_irqsave(&fl);
	if (e->wq) {
		for (pp = &e->wq->entries; *pp && *pp != e; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = e->next;
		e->wq = NULL;
		e->next = NULL;
	}
	sched_unlock_irqrestore(fl);
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

static int wait_common(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms,
		       bool intr)
{
	struct thread *self = current_thread();
	uint64_t deadline = timeout_ms ? jiffies + sched_ms_to_ticks(timeout_ms) : 0;
	unsigned long fl;
	int err = 0;

	sched_lock_irqsave(&fl);
	while (!cond || !cond(arg)) {
		if (intr && self->intr_pending) {
			err = -EINTR;
			break;
		}
		if (deadline && jiffies >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		self->timed_out = false;
		self->state = THREAD_SLEEPING;
		self->intr_sleep = intr;
		self->waiting_on = wq;
		self->wait_next = wq->head;
		wq->head = self;
		if (deadline)
			sched_timer_add_locked(self, deadline);
		sched_block_locked();
		/* Woken, timed out or interrupted: leave both lists either way. */
		self->intr_sleep = false;
		if (self->waiting_on)
			waitq_remove_locked(wq, self);
		if (self->wake_at)
			sched_timer_remove_locked(self);
		if (!cond) { /* a plain sleep: one wake-up is enough */
			if (intr && self->intr_pending)
				err = -EINTR;
			break;
		}
	}
	sched_unlock_irqrestore(fl);
	return err;
}

int waitq_wait(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms)
{
	return wait_common(wq, cond, arg, timeout_ms, false);
}

int waitq_wait_intr(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms)
{
	return wait_common(wq, cond, arg, timeout_ms, true);
}

void thread_set_interrupt(struct thread *t, bool on)
{
	unsigned long fl;

	sched_lock_irqsave(&fl);
	t->intr_pending = on;
	if (on && t->intr_sleep && t->state == THREAD_SLEEPING) {
		if (t->waiting_on)
			waitq_remove_locked(t->waiting_on, t);
		if (t->wake_at)
			sched_timer_remove_locked(t);
		sched_make_runnable_locked(t);
	}
	sched_unlock_irqrestore(fl);
}

static int wake_locked(struct waitq *wq, bool all)
{
	int n = 0;

	/* Entries are pollers, never exclusive: each hears every wake-up. */
	for (struct waitq_entry *e = wq->entries; e; e = e->next)
		e->wake(e);

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

int sched_sleep_ms_intr(unsigned ms, unsigned *left_ms)
{
	struct waitq wq = WAITQ_INIT;
	uint64_t deadline = jiffies + sched_ms_to_ticks(ms);

	while (jiffies < deadline) {
		if (waitq_wait_intr(&wq, NULL, NULL,
				    (unsigned)((deadline - jiffies) * 1000 / HZ) + 1) == -EINTR) {
			uint64_t now = jiffies;
			if (left_ms)
				*left_ms = now < deadline ? (unsigned)((deadline - now) * 1000 / HZ)
							  : 0;
			return -EINTR;
		}
	}
	if (left_ms)
		*left_ms = 0;
	return 0;
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
