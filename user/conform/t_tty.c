/*
 * tty: the terminal ioctls on pseudo-terminals (/dev/ptmx, /dev/pts/N):
 * TCGETS/TCSETS, TIOCGWINSZ/TIOCSWINSZ, FIONREAD, TIOCSCTTY,
 * TIOCGPGRP/TIOCSPGRP, canonical and raw input, ^C to the foreground
 * process group, /dev/tty; ENOTTY on things that are not terminals.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "conform.h"

#define S syscall

/* Open a pty pair; returns the master, fills *slave. */
static int open_pty(int *slave, char *name, size_t len)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY), n = 0, unlock = 0;
	if (m < 0)
		return -1;
	if (ioctl(m, TIOCGPTN, &n) < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0) {
		close(m);
		return -1;
	}
	snprintf(name, len, "/dev/pts/%d", n);
	*slave = open(name, O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	return m;
}

static int c_pty_basics(char *msg)
{
	char name[64], buf[64] = {0};
	int s, m = open_pty(&s, name, sizeof(name)), avail = -1;
	struct termios t;
	struct winsize ws = {24, 80, 0, 0}, got;

	REQUIRE(m >= 0, "cannot open a pty pair (errno %s)", t_errname(errno));
	REQUIRE(isatty(s), "expected the slave to be a tty");
	REQUIRE(ioctl(s, TCGETS, &t) == 0, "TCGETS failed (errno %s)", t_errname(errno));
	REQUIRE(t.c_lflag & ICANON, "expected canonical mode by default");
	REQUIRE(ioctl(m, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ failed (errno %s)", t_errname(errno));
	REQUIRE(ioctl(s, TIOCGWINSZ, &got) == 0 && got.ws_row == 24 && got.ws_col == 80,
		"expected 24x80 back got %dx%d", got.ws_row, got.ws_col);
	/* Canonical: the line arrives at the newline, with erase applied. */
	write(m,
	      "abx\x7f"
	      "c\n",
	      6);
	usleep(50000);
	REQUIRE(ioctl(s, FIONREAD, &avail) == 0 && avail == 4,
		"expected FIONREAD 4 got %d (errno %s)", avail, t_errname(errno));
	REQUIRE(read(s, buf, sizeof(buf)) == 4 && !memcmp(buf, "abc\n", 4),
		"expected 'abc\\n' got '%s'", buf);
	/* Echo comes back on the master. */
	memset(buf, 0, sizeof(buf));
	REQUIRE(read(m, buf, sizeof(buf)) > 0 && strstr(buf, "ab"), "expected the echo");
	/* Raw mode: bytes at once. */
	cfmakeraw(&t);
	REQUIRE(ioctl(s, TCSETS, &t) == 0, "TCSETS failed (errno %s)", t_errname(errno));
	write(m, "q", 1);
	REQUIRE(read(s, buf, 1) == 1 && buf[0] == 'q', "expected a raw byte");
	/* Output processing: slave writes reach the master. */
	write(s, "out", 3);
	memset(buf, 0, sizeof(buf));
	REQUIRE(read(m, buf, sizeof(buf)) == 3 && !memcmp(buf, "out", 3), "expected 'out'");
	return 0;
}

static int c_ctty_and_sigint(char *msg)
{
	char name[64];
	int s, m = open_pty(&s, name, sizeof(name)), st, p[2];
	pid_t c;

	REQUIRE(m >= 0, "cannot open a pty pair (errno %s)", t_errname(errno));
	pipe(p);
	c = fork();
	if (c == 0) {
		int t, fg = 0;
		char x;
		setsid();
		if (ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(10);
		if (ioctl(s, TIOCGPGRP, &fg) < 0 || fg != getpgrp())
			_exit(11);
		t = open("/dev/tty", O_RDWR);
		if (t < 0)
			_exit(12);
		write(p[1], "r", 1);
		read(s, &x, 1); /* ^C arrives as SIGINT, not as data */
		_exit(13);
	}
	{
		char x = 0;
		read(p[0], &x, 1);
		REQUIRE(x == 'r', "child setup failed");
	}
	usleep(50000);
	write(m, "\003", 1);
	waitpid(c, &st, 0);
	REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT,
		"expected the child killed by SIGINT got %s", t_status(st));
	return 0;
}

static int c_no_ctty(char *msg)
{
	pid_t c = fork();
	int st;
	if (c == 0) {
		setsid();
		_exit(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO ? 0 : 1);
	}
	waitpid(c, &st, 0);
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"expected ENXIO opening /dev/tty without a controlling terminal");
	return 0;
}

void group_tty(void)
{
	struct termios t;
	struct winsize ws;
	int p[2], pg;

	pipe(p);
	T_ERR("tcgets_pipe_enotty", S(SYS_ioctl, p[0], TCGETS, &t), ENOTTY);
	T_ERR("tiocgwinsz_pipe_enotty", S(SYS_ioctl, p[0], TIOCGWINSZ, &ws), ENOTTY);
	T_ERR("tiocgpgrp_pipe_enotty", S(SYS_ioctl, p[0], TIOCGPGRP, &pg), ENOTTY);
	close(p[0]);
	close(p[1]);
	{
		int fd = open("/dev/null", O_RDWR);
		T_ERR("tcgets_devnull_enotty", S(SYS_ioctl, fd, TCGETS, &t), ENOTTY);
		close(fd);
	}
	t_run("pty_basics", c_pty_basics, 5000);
	t_run("ctty_and_sigint", c_ctty_and_sigint, 5000);
	t_run("dev_tty_without_ctty_enxio", c_no_ctty, 5000);
}
