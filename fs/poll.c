/*
 * Poll tables (fs/poll.h): how one thread waits on the wait queues of many
 * files at once, as Linux's poll_wqueues do. Each queue gets a callback
 * entry (struct waitq_entry) whose wake-up sets the table's trigger and
 * wakes the poller sleeping on the table's own queue. Entries are added
 * before the poller first reads the files' events, so a change between
 * that reading and the sleep is never lost: it leaves the trigger set and
 * the sleep returns at once.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"

#define POLL_OVERFLOW_MS  20 /* sleep bound once a queue could not be joined */
#define POLL_SLEEP_MAX_MS (3600u * 1000u)

/* sched_lock held (wake_locked). */
static void poll_entry_wake(struct waitq_entry *e)
{
	struct poll_table *pt = e->arg;

	pt->triggered = true;
	waitq_wake_all_locked(&pt->wq);
}

int poll_table_init(struct poll_table *pt, unsigned max_queues)
{
	memset(pt, 0, sizeof(*pt));
	waitq_init(&pt->wq);
	pt->max = max_queues;
	if (max_queues) {
		pt->entries = kzalloc(max_queues * sizeof(*pt->entries));
		if (!pt->entries)
			return -ENOMEM;
	}
	return 0;
}

void poll_table_release(struct poll_table *pt)
{
	for (unsigned i = 0; i < pt->n; i++)
		waitq_remove_entry(&pt->entries[i]);
	kfree(pt->entries);
	pt->entries = NULL;
	pt->n = 0;
}

void poll_wait(struct poll_table *pt, struct waitq *wq)
{
	struct waitq_entry *e;

	if (!pt || !wq)
		return;
	if (pt->n == pt->max) {
		pt->overflow = true;
		return;
	}
	e = &pt->entries[pt->n++];
	e->wake = poll_entry_wake;
	e->arg = pt;
	waitq_add_entry(wq, e);
}

static bool poll_triggered(void *arg)
{
	struct poll_table *pt = arg;

	return pt->triggered;
}

int poll_table_sleep(struct poll_table *pt, uint64_t deadline)
{
	unsigned ms = POLL_SLEEP_MAX_MS;
	int err;

	if (deadline) {
		uint64_t now = jiffies;
		if (now >= deadline)
			return -ETIMEDOUT;
		ms = (unsigned)MIN((deadline - now) * 1000 / HZ + 1, (uint64_t)POLL_SLEEP_MAX_MS);
	}
	if (pt->overflow)
		ms = MIN(ms, (unsigned)POLL_OVERFLOW_MS);
	err = waitq_wait_intr(&pt->wq, poll_triggered, pt, ms);
	pt->triggered = false;
	if (err == -ETIMEDOUT && (!deadline || jiffies < deadline))
		err = 0; /* a bounded slice ended, not the caller's timeout */
	return err;
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, pt);
	return DEFAULT_POLLMASK;
}
