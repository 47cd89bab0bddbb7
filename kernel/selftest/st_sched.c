/*
 * Scheduler self-tests: threads run and are joined with their exit codes;
 * busy threads that never yield are preempted by the timer, and a lower
 * nice value gets a larger share; sleeps last as long as asked; wait-queue
 * timeouts; a contended mutex, a semaphore ping-pong and a condition
 * variable hand-off; detached threads are reaped with their stacks.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/mem.h"
#include "kernel/sched/sched.h"
#include "kernel/selftest/selftest.h"

static volatile int counter;

static void count_and_yield(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		counter++;
		if (i % 10 == 0)
			sched_yield();
	}
	thread_exit((int)(uintptr_t)arg);
}

SELFTEST(sched, threads_run_and_join)
{
	struct thread *t[8];

	counter = 0;
	for (int i = 0; i < 8; i++) {
		t[i] = thread_create("counter", count_and_yield, (void *)(uintptr_t)(100 + i), 0,
				     0);
		ST_CHECK(t[i], "thread_create failed");
	}
	for (int i = 0; i < 8; i++)
		ST_CHECK(thread_join(t[i]) == 100 + i, "wrong exit code from thread %d", i);
	ST_CHECK(counter == 8000, "counter %d, want 8000", counter);
	return 0;
}

struct spinner {
	volatile bool *stop;
	volatile uint64_t count;
};

static void spin_until_stopped(void *arg)
{
	struct spinner *s = arg;

	while (!*s->stop)
		s->count++;
}

SELFTEST(sched, timer_preempts_and_nice_weighs)
{
	static volatile bool stop;
	static struct spinner a, b;
	struct thread *ta, *tb;

	stop = false;
	a = (struct spinner){&stop, 0};
	b = (struct spinner){&stop, 0};
	ta = thread_create("spin-nice0", spin_until_stopped, &a, 0, THREAD_PREEMPTIBLE);
	tb = thread_create("spin-nice15", spin_until_stopped, &b, 15, THREAD_PREEMPTIBLE);
	ST_CHECK(ta && tb, "thread_create failed");
	sched_sleep_ms(300);
	stop = true;
	thread_join(ta);
	thread_join(tb);
	/* Neither thread ever yields: both only ran because the tick took the
	 * CPU away. nice 0 gets 10-tick slices, nice 15 gets 3. */
	pr_info("selftest: in 300 ms nice 0 counted %llu, nice 15 counted %llu\n",
		(unsigned long long)a.count, (unsigned long long)b.count);
	ST_CHECK(a.count > 0 && b.count > 0, "a thread never ran: %llu %llu",
		 (unsigned long long)a.count, (unsigned long long)b.count);
	ST_CHECK(a.count > b.count * 3 / 2, "nice 0 got %llu, nice 15 got %llu",
		 (unsigned long long)a.count, (unsigned long long)b.count);
	return 0;
}

SELFTEST(sched, sleep_lasts)
{
	uint64_t t0 = arch_time_ns(), ms;

	sched_sleep_ms(50);
	ms = (arch_time_ns() - t0) / 1000000;
	ST_CHECK(ms >= 50 && ms < 400, "slept %llu ms for 50", (unsigned long long)ms);
	return 0;
}

static bool never_true(void *arg)
{
	return false;
}

SELFTEST(sched, waitq_timeout)
{
	struct waitq wq = WAITQ_INIT;
	uint64_t t0 = arch_time_ns(), ms;
	int err = waitq_wait(&wq, never_true, NULL, 30);

	ms = (arch_time_ns() - t0) / 1000000;
	ST_CHECK(err == -ETIMEDOUT, "waitq_wait gave %d", err);
	ST_CHECK(ms >= 28, "timed out after %llu ms of 30", (unsigned long long)ms);
	return 0;
}

static struct mutex test_mutex = MUTEX_INIT;
static volatile int guarded;

static void mutex_worker(void *arg)
{
	for (int i = 0; i < 300; i++) {
		mutex_lock(&test_mutex);
		int v = guarded;
		sched_yield(); /* give the others a chance to break in */
		guarded = v + 1;
		mutex_unlock(&test_mutex);
	}
}

SELFTEST(sched, mutex_contention)
{
	struct thread *t[4];

	guarded = 0;
	for (int i = 0; i < 4; i++) {
		t[i] = thread_create("mutex", mutex_worker, NULL, 0, 0);
		ST_CHECK(t[i], "thread_create failed");
	}
	for (int i = 0; i < 4; i++)
		thread_join(t[i]);
	ST_CHECK(guarded == 1200, "guarded counter %d, want 1200", guarded);
	return 0;
}

static struct semaphore ping, pong;
static volatile int volleys;

static void ponger(void *arg)
{
	for (int i = 0; i < 500; i++) {
		sema_down(&ping, 0);
		volleys++;
		sema_up(&pong);
	}
}

SELFTEST(sched, semaphore_ping_pong)
{
	struct thread *t;

	sema_init(&ping, 0);
	sema_init(&pong, 0);
	volleys = 0;
	t = thread_create("ponger", ponger, NULL, 0, 0);
	ST_CHECK(t, "thread_create failed");
	for (int i = 0; i < 500; i++) {
		sema_up(&ping);
		ST_CHECK(sema_down(&pong, 1000) == 0, "no pong after %d volleys", volleys);
	}
	thread_join(t);
	ST_CHECK(volleys == 500, "%d volleys", volleys);
	ST_CHECK(sema_down(&pong, 20) == -ETIMEDOUT, "sema_down did not time out");
	return 0;
}

static struct mutex cv_mutex = MUTEX_INIT;
static struct condvar cv;
static volatile int items;

static void producer(void *arg)
{
	for (int i = 0; i < 100; i++) {
		mutex_lock(&cv_mutex);
		items++;
		condvar_signal(&cv);
		mutex_unlock(&cv_mutex);
		if (i % 7 == 0)
			sched_sleep_ms(1);
	}
}

SELFTEST(sched, condvar_handoff)
{
	struct thread *t;
	int consumed = 0;

	condvar_init(&cv);
	items = 0;
	t = thread_create("producer", producer, NULL, 0, 0);
	ST_CHECK(t, "thread_create failed");
	mutex_lock(&cv_mutex);
	while (consumed < 100) {
		while (items == 0)
			ST_CHECK(condvar_wait(&cv, &cv_mutex, 2000) == 0 || items, "lost signal");
		consumed += items;
		items = 0;
	}
	mutex_unlock(&cv_mutex);
	thread_join(t);
	ST_CHECK(consumed == 100, "consumed %d", consumed);
	return 0;
}

static void just_exit(void *arg)
{
}

SELFTEST(sched, detached_threads_reaped)
{
	uint64_t before = kernel_pmm.free_frames;

	for (int i = 0; i < 50; i++)
		ST_CHECK(thread_create("detached", just_exit, NULL, 0, THREAD_DETACHED),
			 "thread_create failed");
	sched_sleep_ms(40);
	/* Heap slabs may keep a page or two; stacks are 4 pages each. */
	ST_CHECK(kernel_pmm.free_frames + 8 >= before, "%llu frames not returned",
		 (unsigned long long)(before - kernel_pmm.free_frames));
	return 0;
}
