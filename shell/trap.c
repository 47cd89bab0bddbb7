/*
 * osh signals: the trap and kill builtins (XCU 2.14 trap, kill).
 *
 * A trapped signal only sets a pending flag in its handler; the action runs
 * at the next safe point (after the current command, before the next
 * prompt, or when `wait` is interrupted, which then returns 128 + the
 * signal), with $? saved and restored around it. Handlers are installed
 * without SA_RESTART so a blocking wait returns early. The EXIT (0) trap
 * runs from sh_exit. A subshell keeps ignored signals ignored and resets
 * the others (2.12). Signals ignored when a non-interactive shell started
 * cannot be trapped or reset (as POSIX and dash/busybox say).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define NSIGS 65

static const char *const signames[NSIGS] = {
	[0] = "EXIT",		[SIGHUP] = "HUP",   [SIGINT] = "INT",	    [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL",	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",	    [SIGBUS] = "BUS",
	[SIGFPE] = "FPE",	[SIGKILL] = "KILL", [SIGUSR1] = "USR1",	    [SIGSEGV] = "SEGV",
	[SIGUSR2] = "USR2",	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",	    [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",	    [SIGSTOP] = "STOP",
	[SIGTSTP] = "TSTP",	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",	    [SIGURG] = "URG",
	[SIGXCPU] = "XCPU",	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH",	[SIGIO] = "IO",	    [SIGPWR] = "PWR",	    [SIGSYS] = "SYS",
};

static char *traps[NSIGS]; /* NULL: default; "": ignored */
static volatile sig_atomic_t pending[NSIGS];
volatile sig_atomic_t trap_any; /* some pending[] is set */
static unsigned char ign_at_entry[NSIGS];
static int in_trap;

/* Signal number of a name (HUP, SIGHUP, 1; EXIT and 0 give 0), or -1. */
int sig_number(const char *s)
{
	if (*s >= '0' && *s <= '9') {
		char *end;
		long n = strtol(s, &end, 10);
		return *end || n >= NSIGS ? -1 : (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 0; i < NSIGS; i++)
		if (signames[i] && strcasecmp(s, signames[i]) == 0)
			return i;
	return -1;
}

void trap_init(void)
{
	for (int i = 1; i < NSIGS; i++) {
		struct sigaction sa;
		if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			ign_at_entry[i] = 1;
	}
}

static void on_signal(int sig)
{
	pending[sig] = 1;
	trap_any = 1;
}

/* What the shell itself does with sig when no trap is set. */
static void (*shell_default(int sig))(int)
{
	if (sh.interactive && !sh.in_child &&
	    (sig == SIGINT || sig == SIGQUIT || sig == SIGTSTP || sig == SIGTTOU))
		return SIG_IGN;
	return SIG_DFL;
}

static void set_disposition(int sig, void (*h)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL); /* no SA_RESTART: wait returns on a trap */
}

/* In a forked subshell: ignored stays ignored, commands go back to the default. */
void trap_child(void)
{
	for (int i = 1; i < NSIGS; i++) {
		if (ign_at_entry[i] && !sh.interactive)
			set_disposition(i, SIG_IGN);
		else if (traps[i] && traps[i][0] == 0)
			set_disposition(i, SIG_IGN);
		if (traps[i] && traps[i][0]) {
			set_disposition(i, SIG_DFL);
			free(traps[i]);
			traps[i] = NULL;
		}
		pending[i] = 0;
	}
	free(traps[0]);
	traps[0] = NULL;
	trap_any = 0;
}

/* The first pending trapped signal other than SIGCHLD (which must not
 * cut short the wait it announces), or 0. */
int trap_pending_sig(void)
{
	if (!trap_any)
		return 0;
	for (int i = 1; i < NSIGS; i++)
		if (pending[i] && i != SIGCHLD)
			return i;
	return 0;
}

void trap_run_pending(void)
{
	if (!trap_any || in_trap)
		return;
	trap_any = 0;
	for (int i = 1; i < NSIGS; i++) {
		if (!pending[i])
			continue;
		pending[i] = 0;
		if (!traps[i] || !traps[i][0])
			continue;
		char *cmd = strdup(traps[i]); /* the action may reset its own trap */
		int st = sh.status, ret = sh.returning;
		in_trap++;
		sh.returning = 0;
		run_string(cmd, NULL, sh.lineno);
		in_trap--;
		sh.status = st;
		sh.returning = ret;
		free(cmd);
	}
}

/* Takes the EXIT action (the caller runs and frees it), so it runs once. */
char *trap_take_exit(void)
{
	char *t = traps[0];
	traps[0] = NULL;
	if (t && !t[0]) {
		free(t);
		return NULL;
	}
	return t;
}

static int set_trap(int sig, const char *action)
{
	if (sig != 0 && ign_at_entry[sig] && !sh.interactive)
		return 0; /* ignored at entry: stays ignored, silently */
	free(traps[sig]);
	traps[sig] = action ? strdup(action) : NULL;
	if (sig == 0)
		return 0;
	if (!action)
		set_disposition(sig, shell_default(sig));
	else if (!action[0])
		set_disposition(sig, SIG_IGN);
	else
		set_disposition(sig, on_signal);
	return 0;
}

int bi_trap(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
		for (int s = 0; s < NSIGS; s++) {
			if (!traps[s])
				continue;
			fputs("trap -- ", stdout);
			sh_putq(traps[s]);
			printf(" %s\n", signames[s] ? signames[s] : "?");
		}
		return 0;
	}
	if (strcmp(argv[i], "-l") == 0) {
		for (int s = 1; s < NSIGS; s++)
			if (signames[s])
				printf("%2d) %s\n", s, signames[s]);
		return 0;
	}
	/* `trap SIG...` (first operand a signal, POSIX's "unsigned decimal
	 * integer" case) and `trap - SIG...` reset; otherwise argv[i] is the action. */
	const char *action = argv[i];
	if (strcmp(action, "-") == 0 || (argc - i == 1) ||
	    (action[0] >= '0' && action[0] <= '9' && sig_number(action) >= 0))
		action = NULL;
	if (strcmp(argv[i], "-") == 0 || argv[i] == action)
		i++;
	int st = 0;
	for (; i < argc; i++) {
		int sig = sig_number(argv[i]);
		if (sig < 0) {
			sh_error("trap: %s: bad trap", argv[i]);
			st = 1;
			continue;
		}
		set_trap(sig, action);
	}
	return st;
}

int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *s = argv[i] + 1;
		if (strcmp(s, "s") == 0 && i + 1 < argc)
			s = argv[++i];
		if (strcmp(s, "l") == 0) {
			if (i + 1 < argc) {
				/* kill -l N or NAME: the other form */
				const char *a = argv[i + 1];
				int n = *a >= '0' && *a <= '9' ? atoi(a) : sig_number(a);
				if (n > 128)
					n -= 128;
				if (n <= 0 || n >= NSIGS || !signames[n]) {
					sh_error("kill: %s: invalid signal", argv[i + 1]);
					return 1;
				}
				if (argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
					printf("%s\n", signames[n]);
				else
					printf("%d\n", n);
				return 0;
			}
			for (int k = 1; k < NSIGS; k++)
				if (signames[k])
					printf("%2d) %s\n", k, signames[k]);
			return 0;
		}
		sig = sig_number(s);
		if (sig < 0) {
			sh_error("kill: %s: invalid signal", argv[i]);
			return 1;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc) {
		sh_error("kill: usage: kill [-s sig | -sig] pid...");
		return 2;
	}
	int st = 0;
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (argv[i][0] == '%') {
			/* A job: the whole process group. */
			pid = -job_spec_pgid(argv[i]);
			if (pid == 0)
				st = 1;
			else if (kill(pid, sig) < 0) {
				sh_error("kill: %s: %s", argv[i], strerror(errno));
				st = 1;
			} else if (sig == SIGTERM || sig == SIGHUP) {
				kill(pid, SIGCONT); /* a stopped job must run to die */
			}
		} else if (*end || end == argv[i]) {
			sh_error("kill: %s: arguments must be process or job IDs", argv[i]);
			st = 1;
		} else if (kill(pid, sig) < 0) {
			sh_error("kill: %s: %s", argv[i], strerror(errno));
			st = 1;
		}
	}
	return st;
}
