/*
 * Reading a password from the controlling terminal (/dev/tty) with echo
 * off, for su and passwd (ttypass.h). The terminal's modes are restored
 * whatever happens: ^C, ^\ or ^Z (and SIGTERM, SIGHUP) end the read
 * with -EINTR instead of leaving the terminal silent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ttypass.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const int caught[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTERM, SIGHUP};
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

int tty_read_password(const char *prompt, char *buf, size_t len)
{
	struct sigaction sa, old_sa[NCAUGHT];
	struct termios old, quiet;
	size_t n = 0;
	int fd, err = 0;
	char c;

	if (len == 0)
		return -EINVAL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &old) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read returns EINTR */
	interrupted = 0;
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, &old_sa[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		err = -errno;
		goto out;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		err = -errno;
		goto out_restore;
	}
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (interrupted) {
			err = -EINTR;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\r')
			continue;
		if (n + 1 < len)
			buf[n++] = c; /* a longer password is cut: crypt sees the start */
	}
	buf[n] = '\0';
	if (write(fd, "\n", 1) < 0) {
		/* The echo of Enter was off; the newline is cosmetic. */
	}
out_restore:
	tcsetattr(fd, TCSAFLUSH, &old);
out:
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &old_sa[i], NULL);
	close(fd);
	if (err)
		memset(buf, 0, len);
	return err;
}
