/*
 * ITIMER_REAL for every process (setitimer(2), alarm(2)): one kernel
 * thread sleeps until the earliest armed deadline, sends SIGALRM to each
 * process whose deadline has passed and re-arms periodic timers. A timer
 * that fell more than one interval behind is re-armed from now, so a slow
 * wake-up delivers one signal, not a burst (Linux also coalesces: the
 * signal is pending once). Resolution is the scheduler tick.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/sched/sched.h"

#define NS_PER_MS  1000000ull
#define MAX_NAP_MS (60u * 1000u) /* re-check at least this often */

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");
static struct process *armed; /* itimer_lock */
static volatile bool changed; /* the list changed: recompute the nap */
static struct waitq itimer_wq = WAITQ_INIT;

static void unlink_locked(struct process *p)
{
	for (struct process **pp = &armed; *pp; pp = &(*pp)->itimer.next) {
		if (*pp == p) {
			*pp = p->itimer.next;
			break;
		}
	}
	p->itimer.next = NULL;
	p->itimer.armed = false;
}

/* Fire what is due; the earliest deadline still armed, or 0. */
static uint64_t run_expired(uint64_t now)
{
	unsigned long fl = spin_lock_irqsave(&itimer_lock);
	uint64_t earliest = 0;

	for (struct process *p = armed, *next; p; p = next) {
		struct itimer_real *t = &p->itimer;
		next = t->next;
		if (t->deadline_ns <= now) {
			(void)signal_send(p, SIGALRM);
			if (!t->interval_ns) {
				unlink_locked(p);
				continue;
			}
			t->deadline_ns += t->interval_ns;
			if (t->deadline_ns <= now)
				t->deadline_ns = now + t->interval_ns;
		}
		if (!earliest || t->deadline_ns < earliest)
			earliest = t->deadline_ns;
	}
	changed = false;
	spin_unlock_irqrestore(&itimer_lock, fl);
	return earliest;
}

static bool list_changed(void *arg)
{
	return changed;
}

static void itimer_thread(void *arg)
{
	for (;;) {
		uint64_t now = arch_time_ns(), next = run_expired(now);
		unsigned nap = MAX_NAP_MS;

		if (next) {
			uint64_t ms = (next - now + NS_PER_MS - 1) / NS_PER_MS;
			nap = (unsigned)MIN(MAX(ms, 1), (uint64_t)MAX_NAP_MS);
		}
		waitq_wait(&itimer_wq, list_changed, NULL, nap);
	}
}

void itimer_init(void)
{
	if (!thread_create("itimer", itimer_thread, NULL, -5, THREAD_DETACHED))
		pr_warn("itimer: no timer thread: alarm(2) and setitimer(2) will not fire\n");
}

static void remaining_locked(const struct itimer_real *t, uint64_t now, uint64_t *value,
			     uint64_t *interval)
{
	if (value)
		*value = !t->armed ? 0 : t->deadline_ns > now ? t->deadline_ns - now : 1;
	if (interval)
		*interval = t->armed ? t->interval_ns : 0;
}

void itimer_set(struct process *p, uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value,
		uint64_t *old_interval)
{
	uint64_t now = arch_time_ns();
	unsigned long fl = spin_lock_irqsave(&itimer_lock);
	struct itimer_real *t = &p->itimer;

	remaining_locked(t, now, old_value, old_interval);
	if (t->armed)
		unlink_locked(p);
	if (value_ns) {
		t->deadline_ns = now + value_ns;
		t->interval_ns = interval_ns;
		t->armed = true;
		t->next = armed;
		armed = p;
	}
	changed = true;
	spin_unlock_irqrestore(&itimer_lock, fl);
	waitq_wake_all(&itimer_wq);
}

void itimer_get(struct process *p, uint64_t *value, uint64_t *interval)
{
	uint64_t now = arch_time_ns();
	unsigned long fl = spin_lock_irqsave(&itimer_lock);

	remaining_locked(&p->itimer, now, value, interval);
	spin_unlock_irqrestore(&itimer_lock, fl);
}

void itimer_cancel(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&itimer_lock);

	if (p->itimer.armed)
		unlink_locked(p);
	spin_unlock_irqrestore(&itimer_lock, fl);
}
