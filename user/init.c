/*
 * init, pid 1 (installed as /sbin/init; docs/init.md describes the files
 * it reads). It mounts /proc, /dev and /tmp unless the kernel already did,
 * runs /etc/rc through /bin/sh, then the entries of /etc/inittab
 * (busybox's `id::action:process` format): sysinit and wait entries one
 * after another to completion, once entries in the background, respawn
 * entries forever with a back-off when they crash in a loop. It reaps
 * every orphan the kernel hands it.
 *
 * Signals, as busybox's halt/poweroff/reboot applets send them: SIGUSR1
 * halts, SIGUSR2 powers off, SIGTERM and SIGINT (ctrl-alt-del) reboot.
 * Shutting down runs the shutdown entries, sends SIGTERM and then SIGKILL
 * to every other process, syncs, unmounts every filesystem but the root
 * and calls reboot(2), which releases the root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mounts.h"

#define INITTAB	       "/etc/inittab"
#define RC	       "/etc/rc"
#define CONSOLE	       "/dev/console"
#define MAX_ENTRIES    32
#define MAX_ARGS       32
#define FAST_EXIT_MS   5000 /* a respawned process that dies sooner "crashed" */
#define MAX_BACKOFF_MS 30000
#define TERM_GRACE_MS  2000 /* between SIGTERM and SIGKILL at shutdown */

enum action { SYSINIT, WAIT, ONCE, RESPAWN, SHUTDOWN };

static const char *const action_names[] = {"sysinit", "wait", "once", "respawn", "shutdown"};

struct entry {
	enum action action;
	char tty[64];	   /* device path, "" for the console */
	char command[256]; /* "-" prefix: a login shell */
	pid_t pid;	   /* running, or 0 */
	long long started; /* ms, monotonic */
	long long next_start;
	int fast_exits; /* consecutive quick deaths (respawn) */
};

static struct entry entries[MAX_ENTRIES];
static int nentries;
static volatile sig_atomic_t shutdown_request; /* RB_* command, or 0 */

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, "init: ", 6) < 0 || write(2, buf, (size_t)n) < 0)
		return; /* nowhere else to report it */
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL); /* a signal cuts it short: the caller loops */
}

/* ---- signals -------------------------------------------------------------- */

static void on_signal(int sig)
{
	switch (sig) {
	case SIGUSR1:
		shutdown_request = RB_HALT_SYSTEM;
		break;
	case SIGUSR2:
		shutdown_request = RB_POWER_OFF;
		break;
	default: /* SIGTERM, SIGINT */
		shutdown_request = RB_AUTOBOOT;
		break;
	}
}

static void install_handlers(void)
{
	static const int caught[] = {SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	/* No SA_RESTART: a blocking wait must return so the flag is seen. */
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	/* Ask the kernel for SIGINT on ctrl-alt-del instead of a hard reset. */
	reboot(RB_DISABLE_CAD);
}

/* What a child starts with: default dispositions and an empty mask. */
static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* ---- set-up --------------------------------------------------------------- */

/* Mount `type` on `dir` unless something is mounted there already (its
 * device differs from the root's). */
static void mount_if_needed(const char *source, const char *dir, const char *type, const char *data)
{
	struct stat root, st;

	if (stat("/", &root) < 0 || stat(dir, &st) < 0)
		return;
	if (st.st_dev != root.st_dev)
		return; /* the kernel mounted it (kernel/root.c) */
	if (mount(source, dir, type, 0, data) < 0 && errno != EBUSY)
		say("cannot mount %s on %s: %s", type, dir, strerror(errno));
}

/* fds 0-2 on the console if the kernel did not give us any. */
static void ensure_stdio(void)
{
	if (fcntl(0, F_GETFD) >= 0)
		return;
	int fd = open(CONSOLE, O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* ---- /etc/inittab --------------------------------------------------------- */

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static void add_entry(enum action action, const char *tty, const char *command)
{
	struct entry *e;

	if (nentries == MAX_ENTRIES) {
		say("%s: more than %d entries, ignoring the rest", INITTAB, MAX_ENTRIES);
		return;
	}
	e = &entries[nentries++];
	memset(e, 0, sizeof(*e));
	e->action = action;
	if (tty[0])
		snprintf(e->tty, sizeof(e->tty), "%s%s", tty[0] == '/' ? "" : "/dev/", tty);
	snprintf(e->command, sizeof(e->command), "%s", command);
}

/* One line: id:runlevels:action:process. Runlevels are ignored, as in
 * busybox; the process is the rest of the line, colons included. */
static void parse_line(char *line, int lineno)
{
	char *id = line, *levels, *action, *process;
	size_t i;

	line = trim(line);
	if (!line[0] || line[0] == '#')
		return;
	id = line;
	levels = strchr(id, ':');
	action = levels ? strchr(levels + 1, ':') : NULL;
	process = action ? strchr(action + 1, ':') : NULL;
	if (!process) {
		say("%s:%d: not id:runlevels:action:process", INITTAB, lineno);
		return;
	}
	*levels++ = *action++ = *process++ = '\0';
	process = trim(process);
	action = trim(action);
	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(action, action_names[i]) == 0)
			break;
	if (i == sizeof(action_names) / sizeof(action_names[0])) {
		say("%s:%d: unknown action '%s', line ignored", INITTAB, lineno, action);
		return;
	}
	if (!process[0]) {
		say("%s:%d: no process, line ignored", INITTAB, lineno);
		return;
	}
	add_entry((enum action)i, trim(id), process);
}

static void read_inittab(void)
{
	char line[512];
	int lineno = 0;
	FILE *f = fopen(INITTAB, "r");

	if (!f) {
		/* Without an inittab: a shell on the console, kept alive. */
		add_entry(RESPAWN, "", "-/bin/sh");
		return;
	}
	while (fgets(line, sizeof(line), f))
		parse_line(line, ++lineno);
	fclose(f);
}

/* ---- starting processes --------------------------------------------------- */

/* Split a command into argv; commands with shell syntax go to /bin/sh -c. */
static void exec_command(const char *command)
{
	static char buf[256], argv0[64];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	bool login = command[0] == '-';
	const char *path;

	if (login)
		command++;
	if (strpbrk(command, "~`!$^&*()=|\\{}[];\"'<>?")) {
		char *sh[] = {"sh", "-c", (char *)command, NULL};
		execv("/bin/sh", sh);
		say("cannot run /bin/sh: %s", strerror(errno));
		_exit(127);
	}
	snprintf(buf, sizeof(buf), "%s", command);
	for (char *tok = strtok(buf, " \t"); tok && argc < MAX_ARGS; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc)
		_exit(127);
	path = argv[0];
	if (login) {
		/* A login shell: argv[0] is "-" and the program's base name. */
		const char *base = strrchr(path, '/');
		snprintf(argv0, sizeof(argv0), "-%s", base ? base + 1 : path);
		argv[0] = argv0;
	}
	execv(path, argv);
	say("cannot run %s: %s", path, strerror(errno));
	_exit(127);
}

/* Fork a child for e: its own session, on its tty. Returns the pid or -1. */
static pid_t start(struct entry *e)
{
	const char *tty = e->tty[0] ? e->tty : CONSOLE;
	pid_t pid = fork();

	if (pid < 0) {
		say("fork for '%s': %s", e->command, strerror(errno));
		return -1;
	}
	if (pid > 0) {
		e->pid = pid;
		e->started = now_ms();
		return pid;
	}
	reset_signals();
	setsid();
	int fd = open(tty, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		say("cannot open %s: %s", tty, strerror(errno));
		_exit(1);
	}
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	/* Interactive entries get the tty as their controlling terminal; as
	 * root, take it from a session that is gone if need be (tty_ioctl(4)). */
	if (e->action == RESPAWN || e->action == ONCE) {
		if (ioctl(0, TIOCSCTTY, 0) < 0)
			ioctl(0, TIOCSCTTY, 1);
	}
	exec_command(e->command);
	return -1;
}

/* Note that `pid` ended with `status`; true if it was one of ours. */
static bool child_exited(pid_t pid, int status)
{
	for (int i = 0; i < nentries; i++) {
		struct entry *e = &entries[i];
		if (e->pid != pid)
			continue;
		e->pid = 0;
		if (e->action != RESPAWN || shutdown_request)
			return true;
		long long lived = now_ms() - e->started, delay = 0;
		e->fast_exits = lived < FAST_EXIT_MS ? e->fast_exits + 1 : 0;
		/* Two quick deaths in a row are allowed (a user typing exit);
		 * after that the delay doubles from 1 s up to 30 s. */
		if (e->fast_exits > 2) {
			delay = 1000ll << (e->fast_exits - 3 < 5 ? e->fast_exits - 3 : 5);
			if (delay > MAX_BACKOFF_MS)
				delay = MAX_BACKOFF_MS;
			say("'%s' keeps exiting (status 0x%x): restarting in %lld s", e->command,
			    status, delay / 1000);
		}
		e->next_start = now_ms() + delay;
		return true;
	}
	return false;
}

/* Run e and wait for it, reaping anything else that ends meanwhile. */
static void run_and_wait(struct entry *e)
{
	int status;
	pid_t pid = start(e);

	while (pid > 0) {
		pid_t r = waitpid(-1, &status, 0);
		if (r < 0 && errno == EINTR)
			continue; /* a shutdown request waits for this entry */
		if (r < 0 || r == pid)
			break;
		child_exited(r, status);
	}
	e->pid = 0;
}

static void run_rc(void)
{
	struct entry rc = {.action = SYSINIT};

	if (access(RC, R_OK) != 0)
		return;
	snprintf(rc.command, sizeof(rc.command), "/bin/sh %s", RC);
	run_and_wait(&rc);
}

/* ---- shutting down -------------------------------------------------------- */

/* Reap everything that ends within `ms`; returns early when no child is left. */
static void reap_for(long long ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		int status;
		pid_t r = waitpid(-1, &status, WNOHANG);
		if (r < 0 && errno == ECHILD)
			return;
		if (r <= 0)
			sleep_ms(50);
	}
}

static void shut_down(int how)
{
	const char *what = how == (int)RB_POWER_OFF	? "power-off"
			   : how == (int)RB_HALT_SYSTEM ? "halt"
							: "reboot";

	say("the system is going down for %s", what);
	for (int i = 0; i < nentries; i++)
		if (entries[i].action == SHUTDOWN)
			run_and_wait(&entries[i]);
	say("sending SIGTERM to all processes");
	kill(-1, SIGTERM);
	reap_for(TERM_GRACE_MS);
	say("sending SIGKILL to all processes");
	kill(-1, SIGKILL);
	reap_for(1000);
	sync();
	say("unmounted %d filesystems", unmount_all_but_root());
	reboot(how); /* syncs and releases the root; returns only on failure */
	say("reboot(2) failed: %s", strerror(errno));
	for (;;)
		pause();
}

/* ---- main loop ------------------------------------------------------------ */

int main(void)
{
	if (getpid() != 1) {
		fprintf(stderr, "init: must be run as process 1\n");
		return 1;
	}
	ensure_stdio();
	install_handlers();
	umask(022);
	setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 0);
	chdir("/");
	mount_if_needed("proc", "/proc", "proc", NULL);
	mount_if_needed("devfs", "/dev", "devfs", NULL);
	mount_if_needed("tmpfs", "/tmp", "tmpfs", "mode=1777");

	run_rc();
	read_inittab();
	for (int i = 0; i < nentries && !shutdown_request; i++)
		if (entries[i].action == SYSINIT)
			run_and_wait(&entries[i]);
	for (int i = 0; i < nentries && !shutdown_request; i++)
		if (entries[i].action == WAIT)
			run_and_wait(&entries[i]);
	for (int i = 0; i < nentries && !shutdown_request; i++)
		if (entries[i].action == ONCE)
			start(&entries[i]);

	for (;;) {
		long long now = now_ms(), next = -1;
		int status;
		pid_t r;

		if (shutdown_request)
			shut_down(shutdown_request);
		for (int i = 0; i < nentries; i++) {
			struct entry *e = &entries[i];
			if (e->action != RESPAWN || e->pid)
				continue;
			if (e->next_start <= now) {
				if (start(e) < 0)
					e->next_start = now + 1000;
			}
			if (!e->pid && (next < 0 || e->next_start < next))
				next = e->next_start;
		}
		if (next >= 0) {
			/* A restart is due later: poll so it starts on time. */
			r = waitpid(-1, &status, WNOHANG);
			if (r > 0)
				child_exited(r, status);
			else
				sleep_ms(next - now > 1000 ? 1000
							   : (next - now > 0 ? next - now : 1));
			continue;
		}
		r = waitpid(-1, &status, 0);
		if (r > 0)
			child_exited(r, status); /* an orphan's exit is just reaped */
		else if (errno == ECHILD)
			pause(); /* nothing to watch: wait for a shutdown signal */
	}
}
