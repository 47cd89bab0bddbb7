/*
 * Threads and the scheduler (kernel/sched/). Round-robin over runnable
 * threads with time slices scaled by nice: nice -20 gets 20 ticks, nice 0
 * 10, nice 19 one. The timer tick ends slices; a thread is preempted when
 * the interrupt returns to user mode, to the idle thread, or to a kernel
 * thread created with THREAD_PREEMPTIBLE. Other kernel code runs until it
 * sleeps or yields: filesystem code still relies on that (fs/vfs.h) until
 * it has sleeping locks of its own.
 *
 * Lock legend: sched_lock (sched.c) guards the run queue, every thread's
 * state and wait links, the timer list and every struct waitq. It is held
 * across a context switch and released by the thread switched to.
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kernel/lib/compiler.h"

enum thread_state {
	THREAD_RUNNABLE,
	THREAD_RUNNING,
	THREAD_SLEEPING,
	THREAD_DEAD,
};

struct waitq;

struct thread {
	uint64_t tid;
	char name[16];
	enum thread_state state; /* sched_lock */
	uintptr_t sp;		 /* saved stack pointer while not running */
	uintptr_t kstack_top;	 /* 0 for the boot thread's stack */
	int nice;		 /* -20 .. 19 */
	unsigned slice;		 /* ticks left in this slice */
	unsigned flags;		 /* THREAD_* */
	uint64_t ticks;		 /* ticks spent running */
	uint64_t user_ticks;	 /* of those, ticks that found it in user mode */
	uint64_t start_ns;	 /* arch_time_ns() at creation (/proc starttime) */
	uint64_t switches;
	int exit_code;
	struct thread *run_next;   /* run queue; sched_lock */
	struct thread *all_next;   /* every thread; sched_lock */
	struct waitq *waiting_on;  /* sched_lock */
	struct thread *wait_next;  /* sched_lock */
	uint64_t wake_at;	   /* jiffies deadline while sleeping, 0 none */
	struct thread *timer_next; /* sched_lock */
	bool timed_out;
	bool intr_sleep;	    /* in waitq_wait_intr: a signal ends the sleep; sched_lock */
	volatile bool intr_pending; /* a signal is deliverable (thread_set_interrupt) */
	struct waitq *exit_wq;	    /* joiners */
	void *user;		    /* the process this thread runs for (kernel/proc), or NULL */
	uint8_t fpu[512] __aligned(16); /* user x87/SSE state while switched out */
};

#define THREAD_PREEMPTIBLE 0x1 /* may be preempted in kernel mode */
#define THREAD_DETACHED	   0x2 /* reaped by the scheduler, not joined */
#define THREAD_IDLE	   0x4

/*
 * A callback on a wait queue instead of a sleeping thread: every wake-up of
 * the queue (one or all) calls wake(e) with sched_lock held, and the entry
 * stays until waitq_remove_entry. poll and select (fs/poll.c) sit on many
 * queues at once this way.
 */
struct waitq_entry {
	void (*wake)(struct waitq_entry *e); /* sched_lock held: must not sleep or lock */
	void *arg;
	struct waitq *wq;	  /* sched_lock; NULL when not queued */
	struct waitq_entry *next; /* sched_lock */
};

struct waitq {
	struct thread *head;	     /* sched_lock */
	struct waitq_entry *entries; /* sched_lock */
};
#define WAITQ_INIT         \
	{                  \
		NULL, NULL \
	}

/* Make the running boot context thread "main" and create the idle thread.
 * Installs the tick and preemption hooks. */
void sched_init(void);
struct thread *current_thread(void);
/* A new runnable thread on a guarded stack; NULL without memory. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int nice,
			     unsigned flags);
__noreturn void thread_exit(int code);
/* Nobody will join t: the scheduler frees it when it exits. */
void thread_detach(struct thread *t);
/* Wait for a non-detached thread to exit, free it, return its code. */
int thread_join(struct thread *t);
void sched_yield(void);
/* Threads that exist and have not exited, kernel ones included: what
 * sysinfo(2) reports as procs (Linux counts threads there too). */
unsigned sched_thread_count(void);
void thread_set_nice(struct thread *t, int nice);

/* ---- waiting (kernel/sched/wait.c) ------------------------------------ */
void waitq_init(struct waitq *wq);
/*
 * Sleep until cond(arg) is true, checked with interrupts off so a wake-up
 * cannot be lost, or until `timeout_ms` passes (0: no limit). 0, or
 * -ETIMEDOUT. Kernel threads only, never from interrupt context.
 */
int waitq_wait(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms);
/*
 * As waitq_wait, but a signal ends the sleep too: -EINTR when the thread
 * has (or gets) a deliverable signal, checked before sleeping and on every
 * wake-up. Every sleep a user program can cause goes through this one, so
 * that ^C, kill and SIGALRM reach a blocked process (kernel/proc/signal.c).
 */
int waitq_wait_intr(struct waitq *wq, bool (*cond)(void *), void *arg, unsigned timeout_ms);
/* Sleep for `ms` unless interrupted: 0, or -EINTR with *left_ms set. */
int sched_sleep_ms_intr(unsigned ms, unsigned *left_ms);
/* Set or clear t's "signal deliverable" mark; setting it wakes t from an
 * interruptible sleep. Safe from interrupt context. */
void thread_set_interrupt(struct thread *t, bool on);
/* Queue / unqueue a callback entry (see struct waitq_entry). */
void waitq_add_entry(struct waitq *wq, struct waitq_entry *e);
void waitq_remove_entry(struct waitq_entry *e);
/* Wake one / every sleeper, and call every entry; safe from interrupt
 * context. Returns how many threads were woken. */
int waitq_wake_one(struct waitq *wq);
int waitq_wake_all(struct waitq *wq);
/* Sleep for at least `ms` milliseconds. */
void sched_sleep_ms(unsigned ms);
/* Sleep for good: what the boot thread does once the system is up. */
__noreturn void sched_park(void);
/* True once sched_init has run: waiting can sleep instead of halting. */
bool sched_running(void);

/* ---- sleeping locks (kernel/sched/mutex.c) ---------------------------- */
struct mutex {
	volatile bool locked;
	struct thread *owner;
	struct waitq wq;
};
#define MUTEX_INIT                      \
	{                               \
		false, NULL, WAITQ_INIT \
	}
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct semaphore {
	volatile int count;
	struct waitq wq;
};
void sema_init(struct semaphore *s, int count);
/* 0, or -ETIMEDOUT after timeout_ms (0: no limit). */
int sema_down(struct semaphore *s, unsigned timeout_ms);
void sema_up(struct semaphore *s);

/* Condition variable used with a mutex. */
struct condvar {
	volatile uint64_t seq;
	struct waitq wq;
};
void condvar_init(struct condvar *c);
/* Unlock m, sleep until signalled (or timeout), relock m. 0 or -ETIMEDOUT. */
int condvar_wait(struct condvar *c, struct mutex *m, unsigned timeout_ms);
void condvar_signal(struct condvar *c);
void condvar_broadcast(struct condvar *c);

/* ---- statistics (kernel/sched/sched.c, /proc/stat and loadavg) ---------- */
struct sched_stats {
	/* Ticks (HZ) since boot: user mode (nice <= 0 and > 0), kernel mode,
	 * and idle. */
	uint64_t user, nice, system, idle;
	uint64_t ctxt;	       /* context switches */
	unsigned running;      /* threads running or runnable, idle excluded */
	unsigned blocked;      /* user threads in an uninterruptible sleep */
	unsigned threads;      /* every thread but idle */
	unsigned long load[3]; /* 1, 5, 15 min, LOAD_FIXED_1 fixed point */
};
void sched_get_stats(struct sched_stats *s);

/* Called with sched_lock held just before every switch, to switch address
 * spaces and the kernel stack user traps land on (kernel/proc). */
void sched_set_switch_hook(void (*hook)(struct thread *prev, struct thread *next));

/* Internals shared by the kernel/sched files. */
void sched_lock_irqsave(unsigned long *flags);
void sched_unlock_irqrestore(unsigned long flags);
void sched_block_locked(void); /* current is off the run queue: switch away */
void sched_make_runnable_locked(struct thread *t);
void sched_timer_add_locked(struct thread *t, uint64_t deadline);
void sched_timer_remove_locked(struct thread *t);
uint64_t sched_ms_to_ticks(unsigned ms);
int waitq_wake_all_locked(struct waitq *wq);
void sched_wake_timers(void); /* from the tick */

#endif
