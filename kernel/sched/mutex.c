/*
 * Sleeping locks on top of wait queues: mutexes (owner recorded, unlock by
 * the owner only), counting semaphores with timeouts, and condition
 * variables with a sequence number so a signal is never lost between the
 * unlock and the sleep.
 */
#include <ksvc.h>
#include "kernel/sched/sched.h"

void mutex_init(struct mutex *m)
{
	m->locked = false;
	m->owner = NULL;
	waitq_init(&m->wq);
}

static bool mutex_free(void *arg)
{
	return !((struct mutex *)arg)->locked;
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long fl;
	bool got = false;

	sched_lock_irqsave(&fl);
	if (!m->locked) {
		m->locked = true;
		m->owner = current_thread();
		got = true;
	}
	sched_unlock_irqrestore(fl);
	return got;
}

void mutex_lock(struct mutex *m)
{
	KASSERT(m->owner != current_thread() || !m->locked);
	while (!mutex_trylock(m))
		waitq_wait(&m->wq, mutex_free, m, 0);
}

void mutex_unlock(struct mutex *m)
{
	unsigned long fl;

	KASSERT(m->locked && m->owner == current_thread());
	sched_lock_irqsave(&fl);
	m->locked = false;
	m->owner = NULL;
	sched_unlock_irqrestore(fl);
	waitq_wake_one(&m->wq);
}

void sema_init(struct semaphore *s, int count)
{
	s->count = count;
	waitq_init(&s->wq);
}

static bool sema_available(void *arg)
{
	return ((struct semaphore *)arg)->count > 0;
}

int sema_down(struct semaphore *s, unsigned timeout_ms)
{
	for (;;) {
		unsigned long fl;
		int err;

		sched_lock_irqsave(&fl);
		if (s->count > 0) {
			s->count--;
			sched_unlock_irqrestore(fl);
			return 0;
		}
		sched_unlock_irqrestore(fl);
		err = waitq_wait(&s->wq, sema_available, s, timeout_ms);
		if (err)
			return err;
	}
}

void sema_up(struct semaphore *s)
{
	unsigned long fl;

	sched_lock_irqsave(&fl);
	s->count++;
	sched_unlock_irqrestore(fl);
	waitq_wake_one(&s->wq);
}

void condvar_init(struct condvar *c)
{
	c->seq = 0;
	waitq_init(&c->wq);
}

struct cv_wait {
	struct condvar *c;
	uint64_t seq;
};

static bool cv_signalled(void *arg)
{
	struct cv_wait *w = arg;
	return w->c->seq != w->seq;
}

int condvar_wait(struct condvar *c, struct mutex *m, unsigned timeout_ms)
{
	struct cv_wait w = {c, c->seq};
	int err;

	mutex_unlock(m);
	err = waitq_wait(&c->wq, cv_signalled, &w, timeout_ms);
	mutex_lock(m);
	return err;
}

void condvar_signal(struct condvar *c)
{
	unsigned long fl;

	sched_lock_irqsave(&fl);
	c->seq++;
	sched_unlock_irqrestore(fl);
	waitq_wake_one(&c->wq);
}

void condvar_broadcast(struct condvar *c)
{
	unsigned long fl;

	sched_lock_irqsave(&fl);
	c->seq++;
	sched_unlock_irqrestore(fl);
	waitq_wake_all(&c->wq);
}
