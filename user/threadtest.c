/*
 * threadtest: musl's threads on the kernel's clone(CLONE_THREAD) and
 * futexes, plus vfork and posix_spawn (clone with CLONE_VM|CLONE_VFORK).
 * Passes natively on Linux too. Prints one line per check and
 * "threadtest: all ok" or "threadtest: FAIL ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int failures;

#define CHECK(cond, ...)                                          \
	do {                                                      \
		if (cond) {                                       \
			printf("threadtest: ok: " __VA_ARGS__);   \
		} else {                                          \
			printf("threadtest: FAIL: " __VA_ARGS__); \
			failures++;                               \
		}                                                 \
		printf("\n");                                     \
	} while (0)

#define NTHREADS 4
#define NINCR	 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value;

static void *incr(void *arg)
{
	tls_value = (int)(long)arg;
	for (int i = 0; i < NINCR; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	return (void *)(long)(tls_value * 10 + (gettid() != getpid()));
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready, consumed;

static void *consumer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	consumed++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static volatile int usr1_tid;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_tid = gettid();
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *waiter_for_signal(void *arg)
{
	sigset_t s;
	(void)arg;
	sigemptyset(&s);
	pthread_sigmask(SIG_SETMASK, &s, NULL);
	while (!usr1_tid)
		usleep(1000);
	return (void *)(long)usr1_tid;
}

static void *exiter(void *arg)
{
	(void)arg;
	usleep(20000);
	exit(42); /* exit_group: every thread ends */
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	void *ret;
	int ok = 1, st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 7;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, incr, (void *)(i + 1)))
			ok = 0;
	CHECK(ok, "created %d threads", NTHREADS);
	for (long i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &ret);
		if ((long)ret != (i + 1) * 10 + 1)
			ok = 0;
	}
	CHECK(ok, "joined them with their own TLS values and tids");
	CHECK(counter == (long)NTHREADS * NINCR, "contended mutex: counter %ld of %ld", counter,
	      (long)NTHREADS * NINCR);

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, consumer, NULL);
	usleep(20000);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(consumed == 3, "condition variable broadcast woke %d of 3", consumed);

	/* A signal aimed at one thread (pthread_kill = tgkill). */
	{
		sigset_t s;
		signal(SIGUSR1, on_usr1);
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
		pthread_create(&t[0], NULL, waiter_for_signal, NULL);
		usleep(10000);
		pthread_kill(t[0], SIGUSR1);
		pthread_join(t[0], &ret);
		CHECK((long)ret != 0 && (long)ret != getpid(),
		      "pthread_kill ran the handler on the target thread (tid %ld)", (long)ret);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	}

	/* exit() in one thread ends the process, whatever the others do. */
	pid = fork();
	if (pid == 0) {
		pthread_create(&t[0], NULL, sleeper, NULL);
		pthread_create(&t[1], NULL, sleeper, NULL);
		pthread_create(&t[2], NULL, exiter, NULL);
		for (;;)
			pause();
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exit from a thread ends all (0x%x)", st);

	/* A fatal signal kills every thread. */
	pid = fork();
	if (pid == 0) {
		pthread_create(&t[0], NULL, sleeper, NULL);
		pthread_create(&t[1], NULL, sleeper, NULL);
		for (;;)
			pause();
	}
	usleep(30000);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM kills a threaded process");

	/* The main thread leaves with pthread_exit; the others finish. */
	pid = fork();
	if (pid == 0) {
		pthread_create(&t[0], NULL, exiter, NULL);
		pthread_exit(NULL);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the process outlives its main thread");

	/* vfork and posix_spawn. */
	pid = vfork();
	if (pid == 0)
		_exit(9);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "vfork");
	{
		char *args[] = {argv[0], "child", NULL};
		int r = posix_spawn(&pid, argv[0], NULL, NULL, args, environ);
		CHECK(r == 0, "posix_spawn started %s (%d)", argv[0], r);
		waitpid(pid, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the spawned child exited 7 (0x%x)",
		      st);
		char *bad[] = {"/nonexistent", NULL};
		r = posix_spawn(&pid, "/nonexistent", NULL, NULL, bad, environ);
		CHECK(r == ENOENT, "posix_spawn of a missing file reports ENOENT (%d)", r);
		if (r == 0)
			waitpid(pid, &st, 0);
	}

	/* futex errors. */
	{
		int word = 1;
		CHECK(syscall(SYS_futex, &word, 0 /* WAIT */, 2, NULL, NULL, 0) == -1 &&
			      errno == EAGAIN,
		      "FUTEX_WAIT on a changed word is EAGAIN");
		struct timespec ts = {0, 20 * 1000000};
		CHECK(syscall(SYS_futex, &word, 0, 1, &ts, NULL, 0) == -1 && errno == ETIMEDOUT,
		      "FUTEX_WAIT times out");
		CHECK(syscall(SYS_futex, (char *)&word + 1, 1, 1, NULL, NULL, 0) == -1 &&
			      errno == EINVAL,
		      "a misaligned futex is EINVAL");
		CHECK(syscall(SYS_futex, (void *)8, 0, 0, NULL, NULL, 0) == -1 && errno == EFAULT,
		      "a bad futex address is EFAULT");
	}

	if (failures)
		printf("threadtest: FAIL (%d checks failed)\n", failures);
	else
		printf("threadtest: all ok\n");
	return failures ? 1 : 0;
}
