/*
 * File readiness (fs/poll.c, fs/poll_mask.c): the event bits of poll(2),
 * the poll table through which a file's poll op puts the poller on the
 * file's wait queues, and the pure mask and timeout helpers that poll,
 * ppoll, select and pselect6 (kernel/syscall/sys_poll.c) share.
 *
 * A file_ops.poll op returns the events true now and, when given a table,
 * calls poll_wait on each wait queue that is woken when they change (at
 * most POLL_WQ_PER_FILE). The poller then sleeps until any of them is
 * woken, and asks every file again with no table. Files without the op
 * are always readable and writable (regular files, /dev/null), as on
 * Linux (DEFAULT_POLLMASK).
 *
 * Lock legend: a poll table belongs to the thread polling; its entries sit
 * on the files' wait queues under sched_lock. The poller holds a reference
 * to each file it polls, so no queue goes away under an entry.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/poll_mask.h"
#include "kernel/sched/sched.h"

struct file;

struct poll_table {
	struct waitq wq;	 /* the poller sleeps here */
	volatile bool triggered; /* sched_lock; set by any entry's wake-up */
	bool overflow;		 /* more queues than entries: sleeps are short */
	unsigned n, max;
	struct waitq_entry *entries; /* max of them */
};

/* A table for up to max_queues wait queues: 0 or -ENOMEM. */
int poll_table_init(struct poll_table *pt, unsigned max_queues);
/* Take every entry off its queue and free the table. */
void poll_table_release(struct poll_table *pt);
/* For file poll ops: put the poller on wq (a no-op when pt is NULL). */
void poll_wait(struct poll_table *pt, struct waitq *wq);
/* Sleep until a queue the table is on is woken, the jiffies deadline
 * passes (0: none) or a signal arrives: 0, -ETIMEDOUT or -EINTR. Clears
 * the trigger so the caller asks its files again. */
int poll_table_sleep(struct poll_table *pt, uint64_t deadline);
/* The file's events now (ops->poll, or DEFAULT_POLLMASK), registering on
 * its queues when pt is not NULL. */
unsigned vfs_poll(struct file *f, struct poll_table *pt);

#endif
