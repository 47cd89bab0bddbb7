/*
 * threads: musl's pthreads on clone(CLONE_VM|CLONE_THREAD|...) and futex:
 * a contended mutex (4 threads x 100000 increments), join values, thread
 * ids, thread-local storage, and a condition variable ping-pong.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define THREADS 4
#define INCS	100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value;
static pid_t tids[THREADS];

static void *incr(void *arg)
{
	long id = (long)arg;
	tls_value = (int)id * 10;
	tids[id] = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < INCS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 10000 == 0)
			sched_yield();
	}
	return (void *)(id * 100 + (tls_value == (int)id * 10) + (getpid() > 0 ? 1000000 : 0));
}

static int c_mutex(char *msg)
{
	pthread_t th[THREADS];
	int r;
	for (long i = 0; i < THREADS; i++) {
		r = pthread_create(&th[i], NULL, incr, (void *)i);
		REQUIRE(r == 0, "pthread_create failed: %s", t_errname(r));
	}
	for (long i = 0; i < THREADS; i++) {
		void *ret;
		r = pthread_join(th[i], &ret);
		REQUIRE(r == 0, "pthread_join failed: %s", t_errname(r));
		REQUIRE((long)ret == i * 100 + 1 + 1000000,
			"thread %ld: expected return %ld (TLS kept) got %ld", i, i * 100 + 1000001,
			(long)ret);
	}
	REQUIRE(counter == (long)THREADS * INCS, "expected %ld increments got %ld",
		(long)THREADS * INCS, counter);
	for (int i = 0; i < THREADS; i++) {
		REQUIRE(tids[i] != getpid(), "thread %d has the process's tid", i);
		for (int j = 0; j < i; j++)
			REQUIRE(tids[i] != tids[j], "threads %d and %d share tid %d", i, j,
				tids[i]);
	}
	return 0;
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, rounds_done;

static void *pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		while (turn != 1)
			pthread_cond_wait(&cv, &lock);
		turn = 0;
		rounds_done++;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static int c_condvar(char *msg)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, pong, NULL);
	REQUIRE(r == 0, "pthread_create failed: %s", t_errname(r));
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		turn = 1;
		pthread_cond_signal(&cv);
		while (turn != 0)
			pthread_cond_wait(&cv, &lock);
		pthread_mutex_unlock(&lock);
	}
	pthread_join(t, NULL);
	REQUIRE(rounds_done == 1000, "expected 1000 rounds got %d", rounds_done);
	return 0;
}

static void *exit_from_thread(void *arg)
{
	(void)arg;
	usleep(50000);
	_exit(33); /* exit_group: the whole process goes */
}

static int c_exit_group_from_thread(char *msg)
{
	pid_t c = fork();
	int st;
	if (c == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, exit_from_thread, NULL) != 0)
			_exit(1);
		t_idle(20);
	}
	waitpid(c, &st, 0);
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 33, "expected exit 33 got %s", t_status(st));
	return 0;
}

void group_threads(void)
{
	t_run("mutex_4x100000", c_mutex, 60000);
	t_run("condvar_pingpong", c_condvar, 30000);
	t_run("exit_group_from_thread", c_exit_group_from_thread, 5000);
}
