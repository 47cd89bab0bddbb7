/*
 * sigtest: signal delivery checked against Linux's behaviour (it passes
 * natively on Linux too). Handlers with and without SA_SIGINFO, masks and
 * sigpending, default actions (terminate, ignore, stop and continue),
 * SIGCHLD and auto-reaping, sigsuspend, SA_RESTART against EINTR,
 * SA_RESETHAND, SA_NODEFER, sigaltstack, a SIGSEGV handler leaving through
 * siglongjmp, tgkill, and registers surviving a handler. Prints one line
 * per check and "sigtest: all ok" or "sigtest: FAIL ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (cond) {                                    \
			printf("sigtest: ok: " __VA_ARGS__);   \
		} else {                                       \
			printf("sigtest: FAIL: " __VA_ARGS__); \
			failures++;                            \
		}                                              \
		printf("\n");                                  \
	} while (0)

static volatile sig_atomic_t got_sig, got_count;
static volatile int got_code, got_pid;
static volatile void *got_addr;
static volatile int mask_had_self;

static void on_sig(int sig)
{
	got_sig = sig;
	got_count++;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_count++;
}

static void on_check_mask(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	mask_had_self = sigismember(&cur, sig);
	got_count++;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void test_basic(void)
{
	struct sigaction sa;

	set_handler(SIGUSR1, on_sig, 0);
	got_sig = got_count = 0;
	kill(getpid(), SIGUSR1);
	CHECK(got_sig == SIGUSR1 && got_count == 1, "handler ran before kill returned (%d)",
	      (int)got_sig);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	got_code = -99;
	kill(getpid(), SIGUSR2);
	CHECK(got_sig == SIGUSR2 && got_code == SI_USER && got_pid == getpid(),
	      "SA_SIGINFO: signo %d code %d pid %d", (int)got_sig, got_code, got_pid);

	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL, "SIGKILL cannot be caught");
	CHECK(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL, "SIGSTOP cannot be caught");
	CHECK(sigaction(65, &sa, NULL) == -1 && errno == EINVAL, "signal 65 is EINVAL");
	CHECK(kill(getpid(), 65) == -1 && errno == EINVAL, "kill with signal 65 is EINVAL");
	CHECK(kill(999999, 0) == -1 && errno == ESRCH, "kill of no process is ESRCH");
	CHECK(kill(getpid(), 0) == 0, "kill(self, 0) checks existence");
}

static void test_mask(void)
{
	sigset_t s, old, pend;

	set_handler(SIGUSR1, on_sig, 0);
	got_count = 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGKILL);
	sigprocmask(SIG_BLOCK, &s, &old);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	CHECK(got_count == 0, "a blocked signal waits");
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGUSR1), "sigpending shows it");
	sigprocmask(SIG_BLOCK, NULL, &s);
	CHECK(!sigismember(&s, SIGKILL), "SIGKILL is never blocked");
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK(got_count == 1, "unblocking delivers it once (standard signals merge): %d",
	      (int)got_count);

	got_count = 0;
	set_handler(SIGUSR1, on_check_mask, 0);
	kill(getpid(), SIGUSR1);
	CHECK(got_count == 1 && mask_had_self, "the signal is blocked inside its handler");
	set_handler(SIGUSR1, on_check_mask, SA_NODEFER);
	kill(getpid(), SIGUSR1);
	CHECK(got_count == 2 && !mask_had_self, "SA_NODEFER leaves it unblocked");
	sigprocmask(SIG_BLOCK, NULL, &s);
	CHECK(!sigismember(&s, SIGUSR1), "the mask is restored after the handler");
}

static int child_status(pid_t pid, int options)
{
	int st = -1;
	if (waitpid(pid, &st, options) != pid)
		return -1;
	return st;
}

static void test_defaults(void)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(3);
	}
	st = child_status(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM's default kills (0x%x)", st);

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGCHLD);
		kill(getpid(), SIGWINCH);
		kill(getpid(), SIGURG);
		_exit(4);
	}
	st = child_status(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "SIGCHLD, SIGWINCH, SIGURG are ignored");

	pid = fork();
	if (pid == 0) {
		set_handler(SIGUSR1, on_sig, SA_RESETHAND);
		kill(getpid(), SIGUSR1);
		kill(getpid(), SIGUSR1);
		_exit(5);
	}
	st = child_status(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "SA_RESETHAND: the second one kills");

	pid = fork();
	if (pid == 0) {
		set_handler(SIGINT, SIG_IGN, 0);
		kill(getpid(), SIGINT);
		_exit(6);
	}
	st = child_status(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6, "SIG_IGN ignores");

	pid = fork();
	if (pid == 0) {
		abort();
	}
	st = child_status(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort() dies of SIGABRT");
}

static void test_stop_continue(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		for (;;)
			pause();
	}
	sleep_ms(20);
	kill(pid, SIGSTOP);
	st = child_status(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "WUNTRACED reports the stop (0x%x)", st);
	CHECK(waitpid(pid, &st, WUNTRACED | WNOHANG) == 0, "a stop is reported once");
	kill(pid, SIGCONT);
	st = child_status(pid, WCONTINUED);
	CHECK(WIFCONTINUED(st), "WCONTINUED reports the continue (0x%x)", st);
	kill(pid, SIGTSTP);
	st = child_status(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "SIGTSTP stops too");
	kill(pid, SIGTERM); /* pending while stopped */
	sleep_ms(20);
	CHECK(waitpid(pid, &st, WNOHANG) == 0, "a stopped process does not act on SIGTERM");
	kill(pid, SIGKILL);
	st = child_status(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a stopped process");
}

static void test_sigchld(void)
{
	pid_t pid;
	int st;

	set_handler(SIGCHLD, on_sig, 0);
	got_sig = 0;
	pid = fork();
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	CHECK(got_sig == SIGCHLD, "SIGCHLD reaches the parent");

	set_handler(SIGCHLD, SIG_IGN, 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	sleep_ms(50);
	errno = 0;
	CHECK(waitpid(pid, &st, 0) == -1 && errno == ECHILD,
	      "with SIGCHLD ignored the child is reaped by itself (errno %d)", errno);
	set_handler(SIGCHLD, SIG_DFL, 0);
}

static void test_suspend_and_restart(void)
{
	sigset_t block, empty;
	pid_t pid, helper;
	int st, r;

	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	got_count = 0;
	pid = fork();
	if (pid == 0) {
		sleep_ms(30);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	r = sigsuspend(&empty);
	CHECK(r == -1 && errno == EINTR && got_count == 1, "sigsuspend returns after the handler");
	sigprocmask(SIG_BLOCK, NULL, &empty);
	CHECK(sigismember(&empty, SIGUSR1), "sigsuspend puts the old mask back");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	child_status(pid, 0);

	/* wait4 interrupted: EINTR without SA_RESTART, restarted with it. */
	for (int restart = 0; restart < 2; restart++) {
		set_handler(SIGUSR1, on_sig, restart ? SA_RESTART : 0);
		got_count = 0;
		pid = fork();
		if (pid == 0) {
			sleep_ms(150);
			_exit(7);
		}
		helper = fork();
		if (helper == 0) {
			sleep_ms(40);
			kill(getppid(), SIGUSR1);
			_exit(0);
		}
		errno = 0;
		r = waitpid(pid, &st, 0);
		if (restart)
			CHECK(r == pid && WEXITSTATUS(st) == 7 && got_count == 1,
			      "SA_RESTART restarts wait4 (r %d errno %d)", r, errno);
		else
			CHECK(r == -1 && errno == EINTR && got_count == 1,
			      "without SA_RESTART wait4 fails with EINTR (r %d)", r);
		if (!restart)
			child_status(pid, 0);
		child_status(helper, 0);
	}
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(segv_jmp, 1);
}

static char altstack[65536];
static volatile uintptr_t handler_sp;

static void on_alt(int sig)
{
	volatile char here;
	(void)sig;
	handler_sp = (uintptr_t)&here;
}

static void test_segv_and_altstack(void)
{
	struct sigaction sa;
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
	stack_t old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	got_sig = 0;
	if (!sigsetjmp(segv_jmp, 1)) {
		volatile int *volatile bad = (volatile int *)16;
		*bad = 1;
		CHECK(0, "the NULL write faulted");
	}
	CHECK(got_sig == SIGSEGV && got_code == SEGV_MAPERR && got_addr == (void *)16,
	      "SIGSEGV handler: code %d addr %p", got_code, got_addr);
	signal(SIGSEGV, SIG_DFL);

	CHECK(sigaltstack(&ss, &old) == 0 && (old.ss_flags & SS_DISABLE), "sigaltstack set");
	set_handler(SIGUSR2, on_alt, SA_ONSTACK);
	kill(getpid(), SIGUSR2);
	CHECK(handler_sp >= (uintptr_t)altstack &&
		      handler_sp < (uintptr_t)altstack + sizeof(altstack),
	      "SA_ONSTACK runs the handler on the alternate stack");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	ss.ss_flags = 0;
	ss.ss_size = 100;
	CHECK(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM, "a tiny alternate stack is ENOMEM");
}

static void clobber(int sig)
{
	volatile double d = 1.0;
	(void)sig;
	for (int i = 0; i < 10; i++)
		d = d * 3.5 + 1.25;
	got_count++;
}

static void test_registers(void)
{
	uint64_t r8 = 0x1111222233334444ull, r9 = 0x5555666677778888ull,
		 r10 = 0x99990000aaaabbbbull;
	long ret;
	double x = 2.5, y;

	long pid = getpid();

	set_handler(SIGUSR1, clobber, 0);
	got_count = 0;
	{
		register uint64_t a8 __asm__("r8") = r8;
		register uint64_t a9 __asm__("r9") = r9;
		register uint64_t a10 __asm__("r10") = r10;
		__asm__ volatile("syscall"
				 : "=a"(ret), "+r"(a8), "+r"(a9), "+r"(a10)
				 : "0"((long)SYS_kill), "D"(pid), "S"((long)SIGUSR1)
				 : "rcx", "r11", "memory");
		CHECK(got_count == 1 && ret == 0 && a8 == r8 && a9 == r9 && a10 == r10,
		      "registers survive a handler (r8 %llx r9 %llx r10 %llx)",
		      (unsigned long long)a8, (unsigned long long)a9, (unsigned long long)a10);
	}
	y = x * 1.5;
	kill(getpid(), SIGUSR1);
	CHECK(y == 3.75 && x * 1.5 == 3.75, "SSE state survives a handler");

	got_count = 0;
	set_handler(SIGUSR2, on_sig, 0);
	CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2) == 0 && got_count == 1,
	      "tgkill reaches the thread");
	CHECK(syscall(SYS_tgkill, getpid(), 999999, SIGUSR2) == -1 && errno == ESRCH,
	      "tgkill of no thread is ESRCH");
}

static void test_groups(void)
{
	pid_t a, b;
	int st;

	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(a, a);
	b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	sleep_ms(20);
	CHECK(kill(-a, SIGTERM) == 0, "kill(-pgid) sent");
	st = child_status(a, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "first member killed");
	st = child_status(b, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "second member killed");
}

static volatile int got_value;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
	got_count++;
}

static void test_rt_queue(void)
{
	struct sigaction sa;
	sigset_t s;
	union sigval v = {.sival_int = 1234};

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	got_count = 0;
	for (int i = 0; i < 4; i++)
		sigqueue(getpid(), SIGRTMIN + 1, v);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK(got_count == 4 && got_code == SI_QUEUE && got_value == 1234,
	      "real-time signals queue, with sigqueue's value (%d, code %d, value %d)",
	      (int)got_count, got_code, got_value);
}

static void test_prctl(void)
{
	char name[16] = "";
	int p[2], st;
	pid_t a;
	char c;

	CHECK(prctl(PR_SET_NAME, "renamed-thread-name-too-long") == 0 &&
		      prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "renamed-thread-"),
	      "PR_SET_NAME keeps 15 bytes (%s)", name);
	prctl(PR_SET_NAME, "sigtest");
	/* PR_SET_PDEATHSIG: the grandchild dies with its parent, which shows
	 * as EOF on a pipe only it holds open. */
	pipe(p);
	a = fork();
	if (a == 0) {
		int q[2];
		pipe(q);
		if (fork() == 0) {
			close(p[0]);
			close(q[0]);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			write(q[1], "r", 1); /* the parent must still be there */
			for (;;)
				pause();
		}
		close(q[1]);
		read(q[0], &c, 1);
		_exit(0);
	}
	close(p[1]);
	waitpid(a, &st, 0);
	alarm(5);
	CHECK(read(p[0], &c, 1) == 0, "PR_SET_PDEATHSIG killed the orphan");
	alarm(0);
	close(p[0]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_basic();
	test_mask();
	test_defaults();
	test_stop_continue();
	test_sigchld();
	test_suspend_and_restart();
	test_segv_and_altstack();
	test_registers();
	test_groups();
	test_prctl();
	test_rt_queue();
	if (failures)
		printf("sigtest: FAIL (%d checks failed)\n", failures);
	else
		printf("sigtest: all ok\n");
	return failures ? 1 : 0;
}
