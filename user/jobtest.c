/*
 * jobtest: job control on the console, run as init (pid 1, a session
 * leader) by tests/integration/test_jobs.py, which types ^C and ^Z when
 * asked. The console becomes the controlling terminal; a background group
 * reading it stops with SIGTTIN (or gets EIO when ignoring it), one
 * changing it stops with SIGTTOU; ^C and ^Z reach only the foreground
 * group. Then busybox sh runs interactively, with job control, on the
 * same terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (cond) {                                    \
			printf("jobtest: ok: " __VA_ARGS__);   \
		} else {                                       \
			printf("jobtest: FAIL: " __VA_ARGS__); \
			failures++;                            \
		}                                              \
		printf("\n");                                  \
	} while (0)

static pid_t spawn_bg(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		fn();
		_exit(0);
	}
	setpgid(pid, pid);
	return pid;
}

static void bg_read(void)
{
	char c;
	read(0, &c, 1);
	_exit(3);
}

static void bg_read_ignoring(void)
{
	char c;
	signal(SIGTTIN, SIG_IGN);
	_exit(read(0, &c, 1) == -1 && errno == EIO ? 4 : 5);
}

static void bg_setpgrp(void)
{
	signal(SIGTTOU, SIG_DFL); /* the parent ignores it, as shells do */
	tcsetpgrp(0, getpgrp());
	_exit(6);
}

static void bg_setattr_blocked(void)
{
	struct termios t;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTTOU);
	sigprocmask(SIG_BLOCK, &s, NULL);
	tcgetattr(0, &t);
	_exit(tcsetattr(0, TCSANOW, &t) == 0 ? 7 : 8);
}

static void fg_read(void)
{
	char buf[16];
	printf("jobtest: waiting for a key\n");
	read(0, buf, sizeof(buf));
	_exit(9);
}

static int wait_status(pid_t pid, int options)
{
	int st = -1;
	waitpid(pid, &st, options);
	return st;
}

/* Run fn in a new foreground group; return its wait status (WUNTRACED). */
static int run_fg(void (*fn)(void))
{
	pid_t pid = spawn_bg(fn);
	int st;

	tcsetpgrp(0, pid);
	st = wait_status(pid, WUNTRACED);
	tcsetpgrp(0, getpgrp()); /* SIGTTOU is ignored below */
	if (WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		kill(pid, SIGCONT);
		wait_status(pid, 0);
	}
	return st;
}

int main(void)
{
	int st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGTTOU, SIG_IGN); /* what a shell does */
	CHECK(open("/dev/tty", O_RDWR) == -1 && errno == ENXIO,
	      "/dev/tty is ENXIO without a controlling terminal");
	CHECK(ioctl(0, TIOCSCTTY, 0) == 0, "the console is the controlling terminal");
	{
		int fd = open("/dev/tty", O_RDWR);
		CHECK(fd >= 0 && tcgetpgrp(fd) == getpgrp(), "/dev/tty is now that terminal");
		close(fd);
	}
	CHECK(tcgetpgrp(0) == getpgrp(), "and we are its foreground group");
	CHECK(tcgetsid(0) == getsid(0), "tcgetsid is our session");

	pid = spawn_bg(bg_read);
	st = wait_status(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN, "a background read stops with SIGTTIN");
	kill(pid, SIGKILL);
	wait_status(pid, 0);

	pid = spawn_bg(bg_read_ignoring);
	st = wait_status(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "ignoring SIGTTIN, the read is EIO");

	pid = spawn_bg(bg_setpgrp);
	st = wait_status(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU,
	      "a background tcsetpgrp stops with SIGTTOU");
	kill(pid, SIGKILL);
	wait_status(pid, 0);

	pid = spawn_bg(bg_setattr_blocked);
	st = wait_status(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "with SIGTTOU blocked, tcsetattr works");

	CHECK(tcsetpgrp(0, 99999) == -1 && errno == EPERM, "tcsetpgrp to no such group is EPERM");

	printf("jobtest: press ^C\n");
	st = run_fg(fg_read);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "^C killed the foreground job (0x%x)", st);
	printf("jobtest: press ^Z\n");
	st = run_fg(fg_read);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "^Z stopped the foreground job (0x%x)",
	      st);
	CHECK(tcgetpgrp(0) == getpgrp(), "we took the terminal back");

	printf(failures ? "jobtest: FAIL (%d checks failed)\n" : "jobtest: all ok\n", failures);
	signal(SIGTTOU, SIG_DFL);
	execl("/bin/sh", "sh", "-i", (char *)NULL);
	return 1;
}
