/*
 * telnetd [-p PORT] [-m MAX] [-t SECONDS] [-l LOGIN]: the telnet server
 * (RFC 854), started by init from /etc/inittab (docs/login.md).
 *
 * Design: one listener process (this file) and one relay process per
 * connection (session.c), which owns the socket and the pty master and runs
 * login on the slave. A relay per session keeps each session's state and
 * failure apart and makes the cleanup plain: when a relay exits, its
 * descriptors (socket, master) close with it. The listener only accepts,
 * counts and reaps. The price is one extra process per session, which is
 * what busybox telnetd's single poll loop avoids; the latency is the same
 * (one copy each way).
 *
 * -m: at MAX live sessions a new connection gets "telnetd: too many
 * connections" and is closed. -t: a session whose client sends nothing for
 * SECONDS is closed (0, the default, never). The listener gives up any
 * controlling terminal init gave it, so the console's getty can have it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "telnetd.h"

static int live; /* relays running */

static void usage(void)
{
	fprintf(stderr, "usage: telnetd [-p PORT] [-m MAX] [-t SECONDS] [-l LOGIN]\n");
	exit(1);
}

static int number(const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return (int)v;
}

/* fds 0 and 1 on /dev/null: relays must not hold the console; stderr
 * stays for the listener's own errors. */
static void null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	if (fd > 2)
		close(fd);
}

static void on_child(int sig)
{
	(void)sig; /* wakes poll; the loop reaps */
}

static void reap(void)
{
	int st;

	while (waitpid(-1, &st, WNOHANG) > 0)
		live--;
}

static int listen_on(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("telnetd: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "telnetd: port %d: %s\n", port, strerror(errno));
		sleep(5); /* init respawns us: not in a tight loop */
		exit(1);
	}
	return fd;
}

static void refuse(int c, int max)
{
	char msg[80];
	int n = snprintf(msg, sizeof(msg), "telnetd: too many connections (%d), try later\r\n",
			 max);

	if (write(c, msg, (size_t)n) < 0) {
		/* closing anyway */
	}
	close(c);
}

int main(int argc, char **argv)
{
	struct telnetd_opts o = {.port = 23, .max_conns = 32, .idle_s = 0, .login = "/bin/login"};
	struct sigaction sa;
	int opt, lfd;

	while ((opt = getopt(argc, argv, "p:m:t:l:F")) != -1) {
		switch (opt) {
		case 'p':
			o.port = number(optarg, 1, 65535);
			break;
		case 'm':
			o.max_conns = number(optarg, 1, 1024);
			break;
		case 't':
			o.idle_s = number(optarg, 0, 1000000);
			break;
		case 'l':
			o.login = optarg;
			break;
		case 'F':
			break; /* always in the foreground (busybox's flag) */
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* Started by init we lead a session that owns the console: give it up
	 * for getty. (Not as anyone's job: TIOCNOTTY there would detach the
	 * whole session from its terminal in this kernel.) */
	if (isatty(STDIN_FILENO) && getsid(0) == getpid())
		ioctl(STDIN_FILENO, TIOCNOTTY);
	null_stdio();
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child; /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGCHLD, &sa, NULL);
	lfd = listen_on(o.port);

	for (;;) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		char host[INET_ADDRSTRLEN];
		pid_t pid;
		int c;

		reap();
		if (poll(&p, 1, 1000) <= 0)
			continue;
		c = accept(lfd, (struct sockaddr *)&peer, &len);
		if (c < 0)
			continue;
		reap();
		if (live >= o.max_conns) {
			refuse(c, o.max_conns);
			continue;
		}
		if (!inet_ntop(AF_INET, &peer.sin_addr, host, sizeof(host)))
			strcpy(host, "?");
		pid = fork();
		if (pid < 0) {
			close(c);
			continue;
		}
		if (pid == 0) {
			signal(SIGCHLD, SIG_DFL);
			close(lfd);
			telnet_session(c, &o, host);
		}
		live++;
		close(c);
	}
}
