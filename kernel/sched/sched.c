/*
 * The scheduler: thread creation and exit, the run queue, time slices by
 * nice, the tick, preemption at interrupt return and the context switch
 * (through arch_context_switch). One CPU; sched_lock is held with
 * interrupts off across every switch and released by the thread that
 * resumes (its own saved flags are restored then).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/kstack.h"
#include "kernel/sched/loadavg.h"
#include "kernel/sched/sched.h"

static struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct thread *current; /* sched_lock for writers */
static struct thread *run_head, *run_tail;
static struct thread *all_threads;
static struct thread *idle_thread;
static struct thread main_thread;
static struct thread *reap_list; /* detached threads that exited */
static uint64_t next_tid = 1;
static volatile bool need_resched;
static bool sched_ready;
static void (*switch_hook)(struct thread *prev, struct thread *next);
static void stats_tick(struct thread *t);
static uint64_t nr_switches; /* sched_lock */

void sched_set_switch_hook(void (*hook)(struct thread *prev, struct thread *next))
{
	switch_hook = hook;
}

void sched_lock_irqsave(unsigned long *flags)
{
	*flags = spin_lock_irqsave(&sched_lock);
}

void sched_unlock_irqrestore(unsigned long flags)
{
	spin_unlock_irqrestore(&sched_lock, flags);
}

struct thread *current_thread(void)
{
	return current;
}

bool sched_running(void)
{
	return sched_ready;
}

static unsigned slice_for(int nice)
{
	return 1 + (unsigned)(19 - nice) / 2;
}

void thread_set_nice(struct thread *t, int nice)
{
	t->nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
}

static void runq_push(struct thread *t)
{
	t->run_next = NULL;
	if (run_tail)
		run_tail->run_next = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *runq_pop(void)
{
	struct thread *t = run_head;

	if (t) {
		run_head = t->run_next;
		if (!run_head)
			run_tail = NULL;
	}
	return t;
}

void sched_make_runnable_locked(struct thread *t)
{
	if (t->state == THREAD_RUNNABLE || t->state == THREAD_RUNNING || t->state == THREAD_DEAD)
		return;
	t->state = THREAD_RUNNABLE;
	runq_push(t);
	if (current && (current->flags & THREAD_IDLE))
		need_resched = true;
}

unsigned sched_thread_count(void)
{
	unsigned long fl;
	unsigned n = 0;

	sched_lock_irqsave(&fl);
	for (struct thread *t = all_threads; t; t = t->all_next)
		n += t->state != THREAD_DEAD;
	sched_unlock_irqrestore(fl);
	return n;
}

static void free_thread(struct thread *t)
{
	struct thread **pp = &all_threads;

	while (*pp && *pp != t)
		pp = &(*pp)->all_next;
	if (*pp)
		*pp = t->all_next;
	if (t->kstack_top)
		kstack_free(t->kstack_top);
	kfree(t->exit_wq);
	kfree(t);
}

/* Pick the next thread and switch to it. Called with sched_lock held and
 * with `current` already off the run queue or re-queued as it should be. */
static void switch_locked(void)
{
	struct thread *prev = current, *next = runq_pop();

	if (!next)
		next = idle_thread;
	need_resched = false;
	if (next == prev) {
		prev->state = THREAD_RUNNING;
		return;
	}
	next->state = THREAD_RUNNING;
	next->slice = slice_for(next->nice);
	next->switches++;
	nr_switches++;
	current = next;
	arch_fpu_save(prev->fpu);
	arch_fpu_restore(next->fpu);
	if (switch_hook)
		switch_hook(prev, next);
	arch_context_switch(&prev->sp, next->sp);
	/* Back on prev's stack, lock still held. Free what exited meanwhile;
	 * never the thread we are running on. */
	while (reap_list && reap_list != current) {
		struct thread *t = reap_list;
		reap_list = t->run_next;
		free_thread(t);
	}
}

void sched_block_locked(void)
{
	switch_locked();
}

void sched_yield(void)
{
	unsigned long fl = spin_lock_irqsave(&sched_lock);

	if (!(current->flags & THREAD_IDLE)) {
		current->state = THREAD_RUNNABLE;
		runq_push(current);
	}
	switch_locked();
	spin_unlock_irqrestore(&sched_lock, fl);
}

/* First code a new thread runs, from thread_trampoline. */
void sched_thread_start(void *arg, void (*fn)(void *));

void sched_thread_start(void *arg, void (*fn)(void *))
{
	spin_unlock_irqrestore(&sched_lock, 1ul << 9); /* the switch left it held */
	fn(arg);
	thread_exit(0);
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int nice,
			     unsigned flags)
{
	struct thread *t = kzalloc(sizeof(*t));
	unsigned long fl;

	if (!t)
		return NULL;
	t->exit_wq = kzalloc(sizeof(*t->exit_wq));
	t->kstack_top = kstack_alloc();
	if (!t->kstack_top || !t->exit_wq) {
		if (t->kstack_top)
			kstack_free(t->kstack_top);
		kfree(t->exit_wq);
		kfree(t);
		return NULL;
	}
	strlcpy(t->name, name, sizeof(t->name));
	t->start_ns = arch_time_ns();
	thread_set_nice(t, nice);
	t->flags = flags & (THREAD_PREEMPTIBLE | THREAD_DETACHED);
	t->sp = arch_thread_init(t->kstack_top, fn, arg);
	arch_fpu_init_state(t->fpu);
	t->state = THREAD_SLEEPING; /* so make_runnable queues it */
	fl = spin_lock_irqsave(&sched_lock);
	t->tid = next_tid++;
	t->all_next = all_threads;
	all_threads = t;
	sched_make_runnable_locked(t);
	spin_unlock_irqrestore(&sched_lock, fl);
	return t;
}

void thread_detach(struct thread *t)
{
	unsigned long fl = spin_lock_irqsave(&sched_lock);

	t->flags |= THREAD_DETACHED;
	spin_unlock_irqrestore(&sched_lock, fl);
}

void thread_exit(int code)
{
	unsigned long fl = spin_lock_irqsave(&sched_lock);
	struct thread *t = current;
	bool detached = t->flags & THREAD_DETACHED;

	KASSERT(t != &main_thread && t != idle_thread);
	(void)fl; /* never restored: this thread does not come back */
	t->exit_code = code;
	t->state = THREAD_DEAD;
	waitq_wake_all_locked(t->exit_wq);
	if (detached) {
		t->run_next = reap_list;
		reap_list = t;
	}
	switch_locked();
	panic("a dead thread was scheduled");
}

static bool is_dead(void *arg)
{
	return ((struct thread *)arg)->state == THREAD_DEAD;
}

int thread_join(struct thread *t)
{
	int code;
	unsigned long fl;

	KASSERT(!(t->flags & THREAD_DETACHED) && t != current);
	waitq_wait(t->exit_wq, is_dead, t, 0);
	code = t->exit_code;
	/* A dead thread still needs its stack until it has switched away; it
	 * has, because we were switched to after it. */
	fl = spin_lock_irqsave(&sched_lock);
	free_thread(t);
	spin_unlock_irqrestore(&sched_lock, fl);
	return code;
}

/* Timer tick, interrupt context. */
static void sched_tick(void)
{
	struct thread *t = current;

	if (!t)
		return;
	t->ticks++;
	stats_tick(t);
	sched_wake_timers();
	if (t->flags & THREAD_IDLE) {
		if (run_head)
			need_resched = true;
	} else if (t->slice && --t->slice == 0) {
		need_resched = true;
	}
}

/* From the interrupt return path, after the EOI. */
static void sched_preempt(bool from_user)
{
	unsigned long fl;

	if (!need_resched || !current)
		return;
	if (!from_user && !(current->flags & (THREAD_PREEMPTIBLE | THREAD_IDLE)))
		return;
	fl = spin_lock_irqsave(&sched_lock);
	if (current->state != THREAD_RUNNING) {
		/* exiting or going to sleep: it will switch away by itself */
	} else if (!(current->flags & THREAD_IDLE) && run_head) {
		current->state = THREAD_RUNNABLE;
		runq_push(current);
		switch_locked();
	} else if (current->flags & THREAD_IDLE) {
		switch_locked();
	} else {
		current->slice = slice_for(current->nice); /* nobody else wants the CPU */
		need_resched = false;
	}
	spin_unlock_irqrestore(&sched_lock, fl);
}

static void idle_loop(void *arg)
{
	for (;;) {
		arch_irq_disable();
		if (run_head) {
			arch_irq_enable();
			sched_yield();
		} else {
			arch_halt(); /* sti; hlt: a wake-up between check and hlt still wakes */
		}
	}
}

void sched_init(void)
{
	unsigned long fl;

	main_thread.tid = 0;
	strlcpy(main_thread.name, "main", sizeof(main_thread.name));
	main_thread.state = THREAD_RUNNING;
	main_thread.slice = slice_for(0);
	main_thread.exit_wq = NULL;
	arch_fpu_init_state(main_thread.fpu);
	idle_thread = thread_create("idle", idle_loop, NULL, 19, THREAD_DETACHED);
	if (!idle_thread)
		panic("sched: no memory for the idle thread");
	fl = spin_lock_irqsave(&sched_lock);
	/* The idle thread runs only when nothing else can: off the queue. */
	run_head = run_tail = NULL;
	idle_thread->state = THREAD_RUNNABLE;
	idle_thread->flags |= THREAD_IDLE;
	main_thread.all_next = all_threads;
	all_threads = &main_thread;
	current = &main_thread;
	sched_ready = true;
	spin_unlock_irqrestore(&sched_lock, fl);
	arch_timer_set_callback(sched_tick);
	arch_set_preempt_hook(sched_preempt);
	pr_info("sched: round-robin, %u ms ticks, slices of 1-20 ticks by nice\n", 1000 / HZ);
}

/* ---- statistics ------------------------------------------------------------ */

/* Interrupt context, so sched_lock is free (one CPU) and nothing changes
 * under these counters. */
static uint64_t cpu_user, cpu_nice, cpu_system, cpu_idle;
static unsigned long avenrun[3];
static unsigned load_countdown = LOAD_FREQ_S * HZ;

/* Running and runnable threads, and user threads in an uninterruptible
 * sleep (Linux's "D": a kernel thread waiting for work is not load).
 * sched_lock held, or interrupts off. */
static void count_active(unsigned *running, unsigned *blocked, unsigned *total)
{
	*running = *blocked = *total = 0;
	for (struct thread *t = all_threads; t; t = t->all_next) {
		if (t->flags & THREAD_IDLE || t->state == THREAD_DEAD)
			continue;
		(*total)++;
		if (t->state == THREAD_RUNNING || t->state == THREAD_RUNNABLE)
			(*running)++;
		else if (t->state == THREAD_SLEEPING && t->user && !t->intr_sleep)
			(*blocked)++;
	}
}

static void stats_tick(struct thread *t)
{
	if (t->flags & THREAD_IDLE)
		cpu_idle++;
	else if (arch_irq_from_user()) {
		t->user_ticks++;
		if (t->nice > 0)
			cpu_nice++;
		else
			cpu_user++;
	} else {
		cpu_system++;
	}
	if (--load_countdown == 0) {
		unsigned running, blocked, total;
		unsigned long active;

		load_countdown = LOAD_FREQ_S * HZ;
		count_active(&running, &blocked, &total);
		active = (unsigned long)(running + blocked) << LOAD_FSHIFT;
		avenrun[0] = loadavg_step(avenrun[0], LOAD_EXP_1, active);
		avenrun[1] = loadavg_step(avenrun[1], LOAD_EXP_5, active);
		avenrun[2] = loadavg_step(avenrun[2], LOAD_EXP_15, active);
	}
}

void sched_get_stats(struct sched_stats *s)
{
	unsigned long fl = spin_lock_irqsave(&sched_lock);

	s->user = cpu_user;
	s->nice = cpu_nice;
	s->system = cpu_system;
	s->idle = cpu_idle;
	s->ctxt = nr_switches;
	count_active(&s->running, &s->blocked, &s->threads);
	s->load[0] = avenrun[0];
	s->load[1] = avenrun[1];
	s->load[2] = avenrun[2];
	spin_unlock_irqrestore(&sched_lock, fl);
}
