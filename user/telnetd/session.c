/*
 * One telnet session (telnetd.h): the relay process telnetd forks for a
 * connection. It opens a pty pair, runs login on the slave in a new session
 * (the slave its controlling terminal) and copies bytes between the socket
 * and the master with poll(2) until either side ends:
 *
 *   socket -> telnet_input (options, NVT) -> master     (typed input)
 *   master -> telnet_output (IAC doubled)  -> socket     (terminal output)
 *
 * Each direction has a bounded buffer and a side is read only while its
 * buffer has room, so a slow client stalls its own session and nothing
 * else. Before login starts the relay waits up to TTYPE_WAIT_MS for the
 * client's terminal type (TERM) and window size; a client that does not
 * negotiate (nc, socat) just costs that wait.
 *
 * The end: when the client closes (or the idle timeout passes) the relay
 * closes the master, which hangs the slave up and sends SIGHUP to its
 * foreground group; it also signals login's session (SIGHUP, SIGCONT,
 * later SIGKILL) and reaps login, so nothing outlives the connection. When
 * the session's last process closes the slave, the master reads EIO and
 * the relay closes the socket. telnetd reaps the relay.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "telnet.h"
#include "telnetd.h"

#define TTYPE_WAIT_MS 1500
#define CHUNK	      4096
#define REAP_WAIT_MS  3000

struct relay {
	int sock, master;
	pid_t child; /* login, the leader of the session; 0 once reaped */
	struct telnet tn;
	struct tn_buf to_pty, to_net;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write what the buffer holds; 0, or -1 when the descriptor is gone. */
static int flush_some(int fd, struct tn_buf *b)
{
	ssize_t n;

	if (b->len == 0)
		return 0;
	n = write(fd, b->data, b->len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	tn_buf_consume(b, (size_t)n);
	return 0;
}

static void set_winsize(struct relay *r)
{
	struct winsize ws = {.ws_row = r->tn.rows, .ws_col = r->tn.cols};

	if (ws.ws_row && ws.ws_col)
		ioctl(r->master, TIOCSWINSZ, &ws); /* SIGWINCH to the foreground */
}

/* Read from the client into the engine; -1 at end of connection. */
static int from_client(struct relay *r)
{
	uint8_t buf[CHUNK];
	size_t want = tn_buf_room(&r->to_pty);
	ssize_t n;

	if (want > sizeof(buf))
		want = sizeof(buf);
	n = read(r->sock, buf, want);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		return -1;
	if (n > 0)
		telnet_input(&r->tn, buf, (size_t)n, &r->to_pty, &r->to_net);
	return 0;
}

/* Exchange options for a while before login starts, to learn TERM. */
static void early_negotiation(struct relay *r)
{
	long long end = now_ms() + TTYPE_WAIT_MS;

	for (;;) {
		long long left = end - now_ms();
		struct pollfd p = {.fd = r->sock, .events = POLLIN};

		flush_some(r->sock, &r->to_net);
		if (r->tn.events & (TN_EV_TTYPE | TN_EV_TTYPE_NO) || left <= 0)
			break;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if (from_client(r) < 0)
			break;
	}
}

/* The child: login on the slave, in a session of its own. */
static void run_login(struct relay *r, const char *slave, const struct telnetd_opts *o,
		      const char *peer)
{
	const char *term = r->tn.ttype[0] ? r->tn.ttype : "vt100", *base;
	int fd;

	setsid();
	fd = open(slave, O_RDWR);
	if (fd < 0)
		_exit(1);
	ioctl(fd, TIOCSCTTY, 0);
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	clearenv();
	setenv("TERM", term, 1);
	/* login gets the peer (-h) and keeps TERM (-p); another program, such
	 * as -l /bin/sh for a benchmark, runs without arguments, as busybox
	 * telnetd runs it. */
	base = strrchr(o->login, '/');
	base = base ? base + 1 : o->login;
	if (strstr(base, "login"))
		execl(o->login, o->login, "-p", "-h", peer, (char *)NULL);
	else
		execl(o->login, base, (char *)NULL);
	_exit(127);
}

static void reap_login(struct relay *r)
{
	long long end = now_ms() + REAP_WAIT_MS;
	int st;

	if (!r->child)
		return;
	kill(-r->child, SIGHUP);
	kill(-r->child, SIGCONT);
	while (now_ms() < end) {
		pid_t w = waitpid(r->child, &st, WNOHANG);

		if (w == r->child || (w < 0 && errno == ECHILD)) {
			r->child = 0;
			return;
		}
		usleep(20000);
	}
	kill(-r->child, SIGKILL);
	waitpid(r->child, &st, 0);
	r->child = 0;
}

static void relay_loop(struct relay *r, const struct telnetd_opts *o)
{
	long long last_input = now_ms();
	int client_open = 1;

	for (;;) {
		struct pollfd p[2] = {{.fd = r->sock}, {.fd = r->master}};
		int timeout = -1;

		if (r->tn.events & TN_EV_WINSIZE)
			set_winsize(r);
		r->tn.events = 0;
		if (tn_buf_room(&r->to_pty) >= CHUNK)
			p[0].events |= POLLIN;
		if (r->to_net.len)
			p[0].events |= POLLOUT;
		/* 2*CHUNK: every byte may be an IAC to double. */
		if (tn_buf_room(&r->to_net) >= 2 * CHUNK)
			p[1].events |= POLLIN;
		if (r->to_pty.len)
			p[1].events |= POLLOUT;
		if (o->idle_s > 0) {
			long long left = last_input + o->idle_s * 1000LL - now_ms();

			if (left <= 0) {
				static const char msg[] = "\r\ntelnetd: idle timeout\r\n";

				if (write(r->sock, msg, sizeof(msg) - 1) < 0) {
					/* closing anyway */
				}
				return;
			}
			timeout = (int)(left > 60000 ? 60000 : left);
		}
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (from_client(r) < 0)
				client_open = 0;
			else
				last_input = now_ms();
		}
		if (!client_open || (p[0].revents & POLLOUT && flush_some(r->sock, &r->to_net) < 0))
			return;
		if (p[1].revents & POLLOUT && flush_some(r->master, &r->to_pty) < 0)
			return;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			uint8_t buf[CHUNK];
			ssize_t n = read(r->master, buf, sizeof(buf));

			if (n > 0) {
				telnet_output(buf, (size_t)n, &r->to_net);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				/* The session closed its terminal: send the rest. */
				while (r->to_net.len && flush_some(r->sock, &r->to_net) == 0 &&
				       r->to_net.len)
					poll(&p[0], 1, 1000);
				return;
			}
		}
	}
}

void telnet_session(int sock, const struct telnetd_opts *o, const char *peer)
{
	static struct relay r; /* 32 KiB of buffers: not on the stack */
	char *slave;
	int one = 1;

	memset(&r, 0, sizeof(r));
	r.sock = sock;
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	r.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r.master < 0 || grantpt(r.master) < 0 || unlockpt(r.master) < 0 ||
	    !(slave = ptsname(r.master))) {
		static const char msg[] = "telnetd: no pseudo-terminal available\r\n";

		if (write(sock, msg, sizeof(msg) - 1) < 0) {
			/* closing anyway */
		}
		_exit(1);
	}
	telnet_start(&r.tn, &r.to_net);
	early_negotiation(&r);
	r.child = fork();
	if (r.child < 0)
		_exit(1);
	if (r.child == 0) {
		close(sock);
		run_login(&r, slave, o, peer);
	}
	set_winsize(&r);
	r.tn.events = 0;
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	fcntl(r.master, F_SETFL, fcntl(r.master, F_GETFL) | O_NONBLOCK);
	relay_loop(&r, o);
	close(r.master); /* hang-up: SIGHUP to the terminal's foreground */
	shutdown(sock, SHUT_RDWR);
	close(sock);
	reap_login(&r);
	_exit(0);
}
