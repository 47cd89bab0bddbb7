/*
 * signals: rt_sigaction, rt_sigprocmask, rt_sigreturn (every handler that
 * returns), sigaltstack, rt_sigsuspend, pause, kill, tgkill, alarm; handler
 * delivery with SA_SIGINFO, masks, SA_RESTART on a blocked read, SIGCHLD,
 * SIGPIPE, the default actions (term, core, stop, continue, ignore) and
 * the uncatchable SIGKILL and SIGSTOP (signal(7)). Anything that may block
 * runs through t_run, so a kernel without delivery fails the case instead
 * of hanging the group.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

#define S	   syscall
#define NSIG_BYTES 8

static volatile sig_atomic_t hits, last_sig, last_code, last_pid, last_status, in_handler, nested;
static volatile uintptr_t handler_sp;

static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
	if (in_handler)
		nested = 1;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_status = si->si_status;
}

static void on_sig_sp(int sig)
{
	volatile char here;
	hits++;
	last_sig = sig;
	handler_sp = (uintptr_t)&here;
}

static int set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	return sigaction(sig, &sa, NULL);
}

static int set_info_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | flags;
	return sigaction(sig, &sa, NULL);
}

/* A child that sends sig to pid after ms milliseconds, then exits. */
static pid_t send_later(pid_t pid, int sig, int ms)
{
	pid_t c = fork();
	if (c == 0) {
		usleep((useconds_t)ms * 1000);
		kill(pid, sig);
		_exit(0);
	}
	return c;
}

/* ---- cases that cannot hang run inline ---- */
static void t_sigaction_calls(void)
{
	struct sigaction sa, old;
	sigset_t set, got;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaddset(&sa.sa_mask, SIGUSR2);
	T_OK("rt_sigaction", S(SYS_rt_sigaction, SIGUSR1, &sa, NULL, NSIG_BYTES));
	memset(&old, 0, sizeof(old));
	T_OK("rt_sigaction_read_back", S(SYS_rt_sigaction, SIGUSR1, NULL, &old, NSIG_BYTES));
	T_TRUE("rt_sigaction_values",
	       old.sa_handler == on_sig && sigismember(&old.sa_mask, SIGUSR2),
	       "expected the handler and mask back got %p", (void *)old.sa_handler);
	T_ERR("rt_sigaction_sigkill_einval", S(SYS_rt_sigaction, SIGKILL, &sa, NULL, NSIG_BYTES),
	      EINVAL);
	T_ERR("rt_sigaction_sigstop_einval", S(SYS_rt_sigaction, SIGSTOP, &sa, NULL, NSIG_BYTES),
	      EINVAL);
	T_OK("rt_sigaction_sigkill_query", S(SYS_rt_sigaction, SIGKILL, NULL, &old, NSIG_BYTES));
	T_ERR("rt_sigaction_zero_einval", S(SYS_rt_sigaction, 0, &sa, NULL, NSIG_BYTES), EINVAL);
	T_ERR("rt_sigaction_65_einval", S(SYS_rt_sigaction, 65, &sa, NULL, NSIG_BYTES), EINVAL);
	T_ERR("rt_sigaction_sigsetsize_einval", S(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 4), EINVAL);
	T_ERR("rt_sigaction_efault_act", S(SYS_rt_sigaction, SIGUSR1, KADDR, NULL, NSIG_BYTES),
	      EFAULT);
	T_ERR("rt_sigaction_efault_old", S(SYS_rt_sigaction, SIGUSR1, NULL, BADP, NSIG_BYTES),
	      EFAULT);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	T_OK("rt_sigprocmask_block", S(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, NSIG_BYTES));
	sigemptyset(&got);
	T_OK("rt_sigprocmask_query", S(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &got, NSIG_BYTES));
	T_TRUE("rt_sigprocmask_effect", sigismember(&got, SIGUSR1), "expected SIGUSR1 blocked");
	T_TRUE("rt_sigprocmask_not_sigkill",
	       !sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP),
	       "expected SIGKILL and SIGSTOP never blocked");
	T_OK("rt_sigprocmask_unblock", S(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, NSIG_BYTES));
	S(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &got, NSIG_BYTES);
	T_TRUE("rt_sigprocmask_unblock_effect", !sigismember(&got, SIGUSR1),
	       "expected SIGUSR1 unblocked");
	T_ERR("rt_sigprocmask_einval_how", S(SYS_rt_sigprocmask, 99, &set, NULL, NSIG_BYTES),
	      EINVAL);
	T_ERR("rt_sigprocmask_einval_size", S(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4),
	      EINVAL);
	T_ERR("rt_sigprocmask_efault", S(SYS_rt_sigprocmask, SIG_BLOCK, KADDR, NULL, NSIG_BYTES),
	      EFAULT);
	set_handler(SIGUSR1, SIG_DFL, 0);

	T_OK("kill_sig0_self", S(SYS_kill, getpid(), 0));
	T_ERR("kill_esrch", S(SYS_kill, 999999, 0), ESRCH);
	T_ERR("kill_einval", S(SYS_kill, getpid(), 99), EINVAL);
	T_ERR("tgkill_esrch", S(SYS_tgkill, getpid(), 999999, 0), ESRCH);
	T_ERR("tgkill_einval_tgid", S(SYS_tgkill, -1, getpid(), SIGUSR1), EINVAL);
	T_ERR("tgkill_einval_sig", S(SYS_tgkill, getpid(), getpid(), 99), EINVAL);
	T_OK("tgkill_sig0", S(SYS_tgkill, getpid(), S(SYS_gettid), 0));

	{
		stack_t ss, old_ss;
		T_OK("sigaltstack_query", S(SYS_sigaltstack, NULL, &old_ss));
		T_TRUE("sigaltstack_disabled", old_ss.ss_flags & SS_DISABLE,
		       "expected SS_DISABLE got flags %d", old_ss.ss_flags);
		ss.ss_sp = malloc(65536);
		ss.ss_size = 100;
		ss.ss_flags = 0;
		T_ERR("sigaltstack_enomem", S(SYS_sigaltstack, &ss, NULL), ENOMEM);
		ss.ss_size = 65536;
		ss.ss_flags = 0x1234;
		T_ERR("sigaltstack_einval", S(SYS_sigaltstack, &ss, NULL), EINVAL);
		T_ERR("sigaltstack_efault", S(SYS_sigaltstack, KADDR, NULL), EFAULT);
	}
}

/* ---- delivery cases, each in its own child ---- */
static int c_handler_self(char *msg)
{
	REQUIRE(set_handler(SIGUSR1, on_sig, 0) == 0, "sigaction failed");
	kill(getpid(), SIGUSR1);
	/* Linux delivers a signal sent to oneself before kill returns. */
	REQUIRE(hits == 1 && last_sig == SIGUSR1, "expected the handler to run once got %d",
		(int)hits);
	raise(SIGUSR1);
	REQUIRE(hits == 2, "expected a second delivery got %d", (int)hits);
	return 0;
}

static int c_siginfo(char *msg)
{
	REQUIRE(set_info_handler(SIGUSR2, 0) == 0, "sigaction failed");
	kill(getpid(), SIGUSR2);
	REQUIRE(hits == 1, "expected one delivery got %d", (int)hits);
	REQUIRE(last_sig == SIGUSR2 && last_code == SI_USER && last_pid == getpid(),
		"expected SIGUSR2/SI_USER/pid %d got %d/%d/%d", (int)getpid(), (int)last_sig,
		(int)last_code, (int)last_pid);
	S(SYS_tgkill, getpid(), S(SYS_gettid), SIGUSR2);
	REQUIRE(hits == 2 && last_code == SI_TKILL,
		"expected SI_TKILL by tgkill got %d hits code %d", (int)hits, (int)last_code);
	return 0;
}

static int c_mask_pending(char *msg)
{
	sigset_t set, pend;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	REQUIRE(hits == 0, "expected no delivery while blocked got %d", (int)hits);
	sigemptyset(&pend);
	REQUIRE(S(SYS_rt_sigpending, &pend, NSIG_BYTES) == 0 && sigismember(&pend, SIGUSR1),
		"expected SIGUSR1 pending");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	REQUIRE(hits == 1, "expected one delivery (standard signals merge) got %d", (int)hits);
	return 0;
}

static int c_rt_queue(char *msg)
{
	sigset_t set;
	set_handler(SIGRTMIN, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++)
		kill(getpid(), SIGRTMIN);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	REQUIRE(hits == 3, "expected 3 queued deliveries got %d", (int)hits);
	return 0;
}

static void on_sig_nest(int sig)
{
	in_handler = 1;
	if (hits++ == 0)
		kill(getpid(), sig);
	in_handler = 0;
}

static int c_handler_blocks_itself(char *msg)
{
	set_handler(SIGUSR1, on_sig_nest, 0);
	kill(getpid(), SIGUSR1);
	REQUIRE(hits == 2 && !nested, "expected two deliveries, not nested got %d nested %d",
		(int)hits, (int)nested);
	return 0;
}

static int c_resethand(char *msg)
{
	struct sigaction old;
	set_handler(SIGUSR1, on_sig, SA_RESETHAND);
	kill(getpid(), SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	REQUIRE(hits == 1 && old.sa_handler == SIG_DFL,
		"expected one delivery and SIG_DFL after it got %d", (int)hits);
	return 0;
}

static volatile double fp_in_handler;
static void on_sig_fp(int sig)
{
	volatile double x = 1.0;
	for (int i = 0; i < 100; i++)
		x = x * 1.5 + sig;
	fp_in_handler = x;
}

static int c_fpu_preserved(char *msg)
{
	volatile double a = 3.25, b = 0;
	set_handler(SIGUSR1, on_sig_fp, 0);
	b = a * 2;
	kill(getpid(), SIGUSR1);
	b = b + a;
	REQUIRE(b == 9.75 && fp_in_handler != 0, "expected 9.75 after the handler got %f", b);
	return 0;
}

static int c_sigaltstack(char *msg)
{
	stack_t ss, cur;
	static char alt[65536];
	ss.ss_sp = alt;
	ss.ss_size = sizeof(alt);
	ss.ss_flags = 0;
	REQUIRE(sigaltstack(&ss, NULL) == 0, "sigaltstack failed (errno %s)", t_errname(errno));
	set_handler(SIGUSR1, on_sig_sp, SA_ONSTACK);
	kill(getpid(), SIGUSR1);
	REQUIRE(hits == 1, "expected one delivery got %d", (int)hits);
	REQUIRE(handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof(alt),
		"expected the handler on the alternate stack got sp %lx",
		(unsigned long)handler_sp);
	sigaltstack(NULL, &cur);
	REQUIRE(!(cur.ss_flags & SS_ONSTACK), "expected SS_ONSTACK clear outside the handler");
	return 0;
}

static int restart_case(char *msg, int flags)
{
	int p[2];
	char c = 0;
	pid_t writer;
	ssize_t n;

	set_handler(SIGUSR1, on_sig, flags);
	pipe(p);
	writer = fork();
	if (writer == 0) {
		usleep(200000);
		kill(getppid(), SIGUSR1);
		usleep(300000);
		write(p[1], "x", 1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], &c, 1);
	waitpid(writer, NULL, 0);
	if (flags & SA_RESTART)
		REQUIRE(n == 1 && c == 'x' && hits == 1,
			"expected the read restarted (1 byte, 1 handler call) got %ld (errno %s) "
			"hits %d",
			(long)n, t_errname(errno), (int)hits);
	else
		REQUIRE(n == -1 && errno == EINTR && hits == 1,
			"expected -1 (EINTR) and 1 handler call got %ld (errno %s) hits %d",
			(long)n, t_errname(errno), (int)hits);
	return 0;
}

static int c_sa_restart(char *msg)
{
	return restart_case(msg, SA_RESTART);
}

static int c_no_restart_eintr(char *msg)
{
	return restart_case(msg, 0);
}

static int c_sigchld(char *msg)
{
	pid_t c;
	sigset_t set, old;
	set_info_handler(SIGCHLD, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	c = fork();
	if (c == 0)
		_exit(17);
	sigdelset(&old, SIGCHLD);
	sigsuspend(&old);
	REQUIRE(hits == 1 && last_sig == SIGCHLD, "expected SIGCHLD got %d hits", (int)hits);
	REQUIRE(last_pid == c && last_code == CLD_EXITED && last_status == 17,
		"expected pid %d CLD_EXITED 17 got %d %d %d", (int)c, (int)last_pid, (int)last_code,
		(int)last_status);
	waitpid(c, NULL, 0);
	return 0;
}

static int c_sigchld_ignored_autoreap(char *msg)
{
	pid_t c;
	int st;
	set_handler(SIGCHLD, SIG_IGN, 0);
	c = fork();
	if (c == 0)
		_exit(0);
	/* With SIGCHLD ignored, children do not become zombies and wait
	 * blocks until all are gone, then fails with ECHILD. */
	REQUIRE(waitpid(c, &st, 0) == -1 && errno == ECHILD,
		"expected -1 (ECHILD) from waitpid got status %s", t_status(st));
	return 0;
}

static int c_sigpipe_kills(char *msg)
{
	int p[2], st;
	pid_t c;
	pipe(p);
	close(p[0]);
	c = fork();
	if (c == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(c, &st, 0);
	REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "expected signal %d got %s", SIGPIPE,
		t_status(st));
	set_handler(SIGPIPE, SIG_IGN, 0);
	REQUIRE(write(p[1], "x", 1) == -1 && errno == EPIPE,
		"expected -1 (EPIPE) with SIGPIPE ignored got errno %s", t_errname(errno));
	set_handler(SIGPIPE, on_sig, 0);
	REQUIRE(write(p[1], "x", 1) == -1 && errno == EPIPE && hits == 1,
		"expected EPIPE and the handler got errno %s hits %d", t_errname(errno), (int)hits);
	return 0;
}

static int c_kill_child(char *msg)
{
	int p[2], st;
	pid_t c;
	pipe(p);
	c = fork();
	if (c == 0) {
		char x;
		close(p[1]);
		read(p[0], &x, 1);
		_exit(0);
	}
	REQUIRE(kill(c, SIGTERM) == 0, "kill failed (errno %s)", t_errname(errno));
	waitpid(c, &st, 0);
	REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "expected signal 15 got %s",
		t_status(st));
	return 0;
}

static int c_kill_group(char *msg)
{
	pid_t a, b;
	int sa, sb, r;
	setpgid(0, 0);
	a = fork();
	if (a == 0) {
		t_idle(20);
	}
	b = fork();
	if (b == 0) {
		t_idle(20);
	}
	/* kill(0, sig) reaches the whole group, ourselves included: the
	 * children die of SIGUSR2, which we ignore. */
	set_handler(SIGUSR2, SIG_IGN, 0);
	usleep(50000);
	r = kill(0, SIGUSR2);
	REQUIRE(r == 0, "expected kill(0) to succeed (errno %s)", t_errname(errno));
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	REQUIRE(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGUSR2 && WIFSIGNALED(sb) &&
			WTERMSIG(sb) == SIGUSR2,
		"expected both children killed by %d got %s and %s", SIGUSR2, t_status(sa),
		t_status(sb));
	REQUIRE(kill(-getpgrp(), 0) == 0, "expected kill(-pgrp, 0) to succeed (errno %s)",
		t_errname(errno));
	REQUIRE(kill(-999999, 0) == -1 && errno == ESRCH,
		"expected kill(-999999) to fail with ESRCH (errno %s)", t_errname(errno));
	return 0;
}

static int c_default_actions(char *msg)
{
	static const struct {
		int sig, dies;
	} cases[] = {
		{SIGTERM, 1}, {SIGUSR1, 1}, {SIGHUP, 1}, {SIGINT, 1},	{SIGALRM, 1}, {SIGQUIT, 1},
		{SIGABRT, 1}, {SIGCHLD, 0}, {SIGURG, 0}, {SIGWINCH, 0}, {SIGCONT, 0}, {SIGKILL, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int p[2], st;
		pid_t c;
		pipe(p);
		c = fork();
		if (c == 0) {
			char x;
			close(p[1]);
			write(p[0], "", 0);
			read(p[0], &x, 1);
			_exit(0);
		}
		close(p[0]);
		kill(c, cases[i].sig);
		if (!cases[i].dies) {
			usleep(20000);
			write(p[1], "x", 1);
		}
		waitpid(c, &st, 0);
		close(p[1]);
		if (cases[i].dies)
			REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig,
				"signal %d: expected death by it got %s", cases[i].sig,
				t_status(st));
		else
			REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0,
				"signal %d: expected it ignored got %s", cases[i].sig,
				t_status(st));
	}
	return 0;
}

static int c_stop_cont(char *msg)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		t_idle(20);
	}
	kill(c, SIGSTOP);
	REQUIRE(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
		"expected stopped by SIGSTOP got %s", t_status(st));
	kill(c, SIGCONT);
	REQUIRE(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "expected continued got %s",
		t_status(st));
	kill(c, SIGTSTP);
	REQUIRE(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
		"expected stopped by SIGTSTP got %s", t_status(st));
	kill(c, SIGKILL);
	REQUIRE(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		"expected a stopped child killed by SIGKILL got %s", t_status(st));
	return 0;
}

static int c_sigsuspend(char *msg)
{
	sigset_t set, old, now;
	int r;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	send_later(getpid(), SIGUSR1, 100);
	sigemptyset(&now);
	r = S(SYS_rt_sigsuspend, &now, NSIG_BYTES);
	REQUIRE(r == -1 && errno == EINTR && hits == 1,
		"expected -1 (EINTR) after the handler got %d (errno %s) hits %d", r,
		t_errname(errno), (int)hits);
	sigprocmask(SIG_BLOCK, NULL, &now);
	REQUIRE(sigismember(&now, SIGUSR1), "expected the old mask back after sigsuspend");
	REQUIRE(S(SYS_rt_sigsuspend, KADDR, NSIG_BYTES) == -1 && errno == EFAULT,
		"expected -1 (EFAULT) for a kernel mask pointer got errno %s", t_errname(errno));
	wait(NULL);
	return 0;
}

static int c_pause_alarm(char *msg)
{
	int r;
	set_handler(SIGALRM, on_sig, 0);
	REQUIRE(alarm(1) == 0, "expected no earlier alarm");
	r = S(SYS_pause);
	REQUIRE(r == -1 && errno == EINTR && hits == 1 && last_sig == SIGALRM,
		"expected -1 (EINTR) after SIGALRM got %d (errno %s) hits %d", r, t_errname(errno),
		(int)hits);
	alarm(5);
	r = (int)alarm(0);
	REQUIRE(r >= 4 && r <= 5, "expected alarm(0) to return about 5 got %d", r);
	return 0;
}

static int c_nanosleep_eintr(char *msg)
{
	struct timespec req = {5, 0}, rem = {0, 0};
	int r;
	set_handler(SIGUSR1, on_sig, 0);
	send_later(getpid(), SIGUSR1, 100);
	r = S(SYS_nanosleep, &req, &rem);
	REQUIRE(r == -1 && errno == EINTR, "expected -1 (EINTR) got %d (errno %s)", r,
		t_errname(errno));
	REQUIRE(rem.tv_sec >= 3 && rem.tv_sec <= 5, "expected about 4.9 s left got %lld",
		(long long)rem.tv_sec);
	wait(NULL);
	return 0;
}

static int c_sigkill_uncatchable(char *msg)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (int s = 1; s < 32; s++)
			signal(s, SIG_IGN);
		t_idle(20);
	}
	usleep(50000);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		"expected SIGKILL to kill a child that blocks and ignores everything got %s",
		t_status(st));
	return 0;
}

static int c_fork_inherits(char *msg)
{
	sigset_t set;
	int st;
	pid_t c;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	c = fork();
	if (c == 0) {
		sigset_t m;
		kill(getpid(), SIGUSR1);
		sigprocmask(SIG_BLOCK, NULL, &m);
		_exit(hits == 1 && sigismember(&m, SIGUSR2) ? 0 : 1);
	}
	waitpid(c, &st, 0);
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"expected the child to keep the handler and mask got %s", t_status(st));
	return 0;
}

static sigjmp_buf jb;
static volatile uintptr_t seen_addr;
static volatile int seen_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	seen_addr = (uintptr_t)si->si_addr;
	seen_code = si->si_code;
	siglongjmp(jb, 1);
}

static int c_segv_handler(char *msg)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile int *)0x1234 = 1;
		REQUIRE(0, "expected a fault");
	}
	REQUIRE(seen_addr == 0x1234 && seen_code == SEGV_MAPERR,
		"expected si_addr 0x1234 SEGV_MAPERR got %lx code %d", (unsigned long)seen_addr,
		seen_code);
	/* The handler runs again for a second fault: the mask was restored. */
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)0x5678 = 1;
	REQUIRE(seen_addr == 0x5678, "expected a second delivery at 0x5678 got %lx",
		(unsigned long)seen_addr);
	return 0;
}

static int u_kill_init(void *p)
{
	(void)p;
	return S(SYS_kill, 1, 0) < 0 ? errno : 0;
}

void group_signals(void)
{
	t_sigaction_calls();
	t_as_user("kill_root_eperm_user", u_kill_init, NULL, EPERM);
	t_run("handler_self", c_handler_self, 5000);
	t_run("sa_siginfo", c_siginfo, 5000);
	t_run("mask_and_pending", c_mask_pending, 5000);
	t_run("rt_signals_queue", c_rt_queue, 5000);
	t_run("handler_blocks_its_signal", c_handler_blocks_itself, 5000);
	t_run("sa_resethand", c_resethand, 5000);
	t_run("fpu_kept_across_handler", c_fpu_preserved, 5000);
	t_run("sigaltstack_handler", c_sigaltstack, 5000);
	t_run("sa_restart_read", c_sa_restart, 5000);
	t_run("read_eintr_without_restart", c_no_restart_eintr, 5000);
	t_run("sigchld_siginfo", c_sigchld, 5000);
	t_run("sigchld_ignored_autoreap", c_sigchld_ignored_autoreap, 5000);
	t_run("sigpipe", c_sigpipe_kills, 5000);
	t_run("kill_child", c_kill_child, 5000);
	t_run("kill_process_group", c_kill_group, 5000);
	t_run("default_actions", c_default_actions, 10000);
	t_run("stop_and_continue", c_stop_cont, 5000);
	t_run("rt_sigsuspend", c_sigsuspend, 5000);
	t_run("pause_alarm", c_pause_alarm, 5000);
	t_run("nanosleep_eintr", c_nanosleep_eintr, 5000);
	t_run("sigkill_uncatchable", c_sigkill_uncatchable, 5000);
	t_run("fork_inherits_handlers_mask", c_fork_inherits, 5000);
	t_run("sigsegv_handler_si_addr", c_segv_handler, 5000);
}
