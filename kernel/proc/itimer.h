/*
 * The real-time interval timer of a process (kernel/proc/itimer.c):
 * alarm(2) and setitimer(2)/getitimer(2) with ITIMER_REAL. Armed timers sit
 * on one list that a kernel thread, "itimer", watches; it sleeps until the
 * earliest deadline and sends SIGALRM (signal_send) when one passes,
 * re-arming periodic timers.
 *
 * Lock legend: itimer_lock (itimer.c) guards every process's struct
 * itimer_real and the armed list. SIGALRM is sent with itimer_lock held, so
 * a process on the list is never freed under the thread: proc_exit takes it
 * off first (itimer_cancel).
 */
#ifndef KERNEL_PROC_ITIMER_H
#define KERNEL_PROC_ITIMER_H

#include <stdint.h>
#include <stdbool.h>

struct process;

struct itimer_real {
	uint64_t deadline_ns; /* monotonic (arch_time_ns); meaningful while armed */
	uint64_t interval_ns; /* 0: one-shot */
	bool armed;
	struct process *next; /* the armed list */
};

/* Start the timer thread; once, before any process arms a timer. */
void itimer_init(void);
/* Arm (value_ns > 0) or disarm (0) p's timer; the previous remaining time
 * and interval go to *old_value and *old_interval when not NULL. */
void itimer_set(struct process *p, uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value,
		uint64_t *old_interval);
/* Time left (0: disarmed) and interval of p's timer. */
void itimer_get(struct process *p, uint64_t *value, uint64_t *interval);
/* Disarm for good: the process is exiting. */
void itimer_cancel(struct process *p);

#endif
