/*
 * Readiness, pipes, pseudo-terminals and AF_UNIX sockets from user space,
 * with Linux's answers as the expectations (the same static binary passes
 * on a Linux host): poll/select/ppoll/pselect timeouts and readiness,
 * POLLNVAL/EBADF/EINVAL/EFAULT, pipe EOF, EPIPE, O_NONBLOCK, FIONREAD and
 * PIPE_BUF atomicity with two writers; a pty pair through /dev/ptmx in
 * canonical mode (echo back on the master) and raw mode, hang-ups both
 * ways; AF_UNIX stream, datagram and socketpair, a path-bound server with
 * a forked client, fd passing. Ends with a pipe ping-pong timing.
 *
 * Prints "iotest: N passed, M failed" and exits 0 when all passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (cond) {                                                 \
			passed++;                                           \
		} else {                                                    \
			failed++;                                           \
			printf("iotest: FAIL %s:%d: ", __func__, __LINE__); \
			printf(__VA_ARGS__);                                \
			printf(" (errno %d)\n", errno);                     \
		}                                                           \
	} while (0)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int reap(pid_t pid)
{
	int st = 0;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read exactly n bytes (or until EOF/error). */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);
		if (r <= 0)
			return done ? (ssize_t)done : r;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* ---- poll and select ------------------------------------------------------ */

static void test_poll(void)
{
	int p[2];
	struct pollfd pfd;
	long t0, dt;
	int r;

	CHECK(pipe(p) == 0, "pipe");
	t0 = now_ms();
	r = poll(NULL, 0, 60);
	dt = now_ms() - t0;
	CHECK(r == 0 && dt >= 60 && dt < 2000, "poll(0 fds, 60ms) = %d after %ld ms", r, dt);

	pfd = (struct pollfd){p[0], POLLIN, 0};
	r = poll(&pfd, 1, 0);
	CHECK(r == 0 && pfd.revents == 0, "empty pipe not readable: %d %#x", r, pfd.revents);
	t0 = now_ms();
	r = poll(&pfd, 1, 100);
	dt = now_ms() - t0;
	CHECK(r == 0 && dt >= 100 && dt < 2000, "poll timeout 100ms: %d after %ld ms", r, dt);

	pfd = (struct pollfd){p[1], POLLOUT | POLLIN, 0};
	r = poll(&pfd, 1, 0);
	CHECK(r == 1 && pfd.revents == POLLOUT, "pipe write end writable: %d %#x", r, pfd.revents);

	CHECK(write(p[1], "x", 1) == 1, "write");
	pfd = (struct pollfd){p[0], POLLIN | POLLOUT, 0};
	r = poll(&pfd, 1, -1);
	CHECK(r == 1 && pfd.revents == POLLIN, "pipe readable: %d %#x", r, pfd.revents);
	int n = -1;
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 1, "FIONREAD on a pipe: %d", n);

	struct pollfd two[3] = {{p[0], POLLIN, 0}, {-1, POLLIN, 0}, {1000, POLLIN, 0}};
	r = poll(two, 3, 0);
	CHECK(r == 2 && two[0].revents == POLLIN && two[1].revents == 0 &&
		      two[2].revents == POLLNVAL,
	      "negative fd skipped, closed fd POLLNVAL: %d %#x %#x %#x", r, two[0].revents,
	      two[1].revents, two[2].revents);

	errno = 0;
	r = poll((struct pollfd *)8, 1, 0);
	CHECK(r == -1 && errno == EFAULT, "poll on a bad pointer: EFAULT");
	errno = 0;
	r = poll(two, 1u << 20, 0);
	CHECK(r == -1 && errno == EINVAL, "poll nfds too large: EINVAL");

	/* A sleeping poll is woken by a write from another process. */
	char c;
	CHECK(read(p[0], &c, 1) == 1, "drain");
	pid_t pid = fork();
	if (pid == 0) {
		usleep(80 * 1000);
		_exit(write(p[1], "y", 1) == 1 ? 0 : 1);
	}
	pfd = (struct pollfd){p[0], POLLIN, 0};
	t0 = now_ms();
	r = poll(&pfd, 1, 5000);
	dt = now_ms() - t0;
	CHECK(r == 1 && pfd.revents == POLLIN && dt >= 50 && dt < 4000,
	      "poll woken by a writer: %d %#x after %ld ms", r, pfd.revents, dt);
	CHECK(reap(pid) == 0, "writer child");
	CHECK(read(p[0], &c, 1) == 1 && c == 'y', "read the byte");

	/* ppoll with a signal mask and a timespec timeout. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	struct timespec ts = {0, 30 * 1000000};
	t0 = now_ms();
	r = ppoll(&pfd, 1, &ts, &mask);
	dt = now_ms() - t0;
	CHECK(r == 0 && dt >= 30, "ppoll 30ms with a mask: %d after %ld ms", r, dt);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGUSR1), "ppoll restored the mask");
	ts = (struct timespec){0, 2000000000L};
	errno = 0;
	CHECK(ppoll(&pfd, 1, &ts, NULL) == -1 && errno == EINVAL, "ppoll bad timespec: EINVAL");

	/* Hang-up: the last writer closes. */
	close(p[1]);
	pfd = (struct pollfd){p[0], POLLIN, 0};
	r = poll(&pfd, 1, 1000);
	CHECK(r == 1 && pfd.revents == POLLHUP, "POLLHUP after the writer closed: %#x",
	      pfd.revents);
	close(p[0]);
}

static void test_select(void)
{
	int p[2];
	fd_set rd, wr;
	struct timeval tv;
	long t0, dt;
	int r;

	CHECK(pipe(p) == 0, "pipe");
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 70 * 1000};
	t0 = now_ms();
	r = select(p[0] + 1, &rd, NULL, NULL, &tv);
	dt = now_ms() - t0;
	CHECK(r == 0 && !FD_ISSET(p[0], &rd) && dt >= 70 && dt < 2000,
	      "select timeout 70ms: %d after %ld ms", r, dt);

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	tv = (struct timeval){0, 0};
	r = select(p[1] + 1, &rd, &wr, NULL, &tv);
	CHECK(r == 1 && !FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr), "select: writable only: %d",
	      r);

	CHECK(write(p[1], "z", 1) == 1, "write");
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	r = select(p[1] + 1, &rd, &wr, NULL, NULL);
	CHECK(r == 2 && FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr), "select: both ready: %d", r);

	FD_ZERO(&rd);
	FD_SET(100, &rd);
	tv = (struct timeval){0, 0};
	errno = 0;
	r = select(101, &rd, NULL, NULL, &tv);
	CHECK(r == -1 && errno == EBADF, "select on a closed fd: EBADF");
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, -1};
	errno = 0;
	r = select(p[0] + 1, &rd, NULL, NULL, &tv);
	CHECK(r == -1 && errno == EINVAL, "select negative tv_usec: EINVAL");
	errno = 0;
	CHECK(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL, "select nfds < 0");

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	struct timespec ts = {0, 20 * 1000000};
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, &mask);
	CHECK(r == 1 && FD_ISSET(p[0], &rd), "pselect readable: %d", r);
	char c;
	CHECK(read(p[0], &c, 1) == 1, "drain");
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	t0 = now_ms();
	r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, &mask);
	dt = now_ms() - t0;
	CHECK(r == 0 && dt >= 20, "pselect 20ms timeout: %d after %ld ms", r, dt);
	close(p[0]);
	close(p[1]);
}

/* ---- pipes ------------------------------------------------------------------ */

static void test_pipe_basics(void)
{
	int p[2];
	char buf[256];
	ssize_t r;

	CHECK(pipe2(p, O_NONBLOCK) == 0, "pipe2 O_NONBLOCK");
	errno = 0;
	CHECK(read(p[0], buf, sizeof(buf)) == -1 && errno == EAGAIN, "empty nonblocking read");
	size_t total = 0;
	char *chunk = calloc(1, 4096);
	for (;;) {
		r = write(p[1], chunk, 4096);
		if (r < 0)
			break;
		total += (size_t)r;
	}
	CHECK(errno == EAGAIN && total == 65536, "filled the pipe with %zu bytes, then EAGAIN",
	      total);
	struct pollfd pfd = {p[1], POLLOUT, 0};
	CHECK(poll(&pfd, 1, 0) == 0, "a full pipe is not writable");
	free(chunk);
	close(p[0]);
	close(p[1]);

	CHECK(pipe(p) == 0, "pipe");
	CHECK(write(p[1], "abc", 3) == 3, "write");
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 3, "the data before EOF");
	CHECK(read(p[0], buf, sizeof(buf)) == 0, "EOF once the writer closed");
	close(p[0]);

	CHECK(pipe(p) == 0, "pipe");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "EPIPE without a reader");
	pfd = (struct pollfd){p[1], POLLOUT, 0};
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR), "POLLERR without a reader: %#x",
	      pfd.revents);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);

	/* SIGPIPE's default action kills the writer (once signals arrive);
	 * either way the write does not succeed. */
	CHECK(pipe(p) == 0, "pipe");
	close(p[0]);
	pid_t pid = fork();
	if (pid == 0) {
		ssize_t w = write(p[1], "x", 1);
		_exit(w == -1 && errno == EPIPE ? 3 : 4);
	}
	int st = reap(pid);
	CHECK(st == 128 + SIGPIPE || st == 3, "writer to a broken pipe: status %d", st);
	close(p[1]);
}

#define ATOMIC_MSGS 150

static void test_pipe_atomic(void)
{
	int p[2];
	pid_t w[2];
	char *buf = malloc(PIPE_BUF);
	size_t got = 0, bad = 0;

	CHECK(pipe(p) == 0, "pipe");
	for (int k = 0; k < 2; k++) {
		w[k] = fork();
		if (w[k] == 0) {
			memset(buf, 'A' + k, PIPE_BUF);
			close(p[0]);
			for (int i = 0; i < ATOMIC_MSGS; i++)
				if (write(p[1], buf, PIPE_BUF) != PIPE_BUF)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read_full(p[0], buf, PIPE_BUF);
		if (r <= 0)
			break;
		if (r != PIPE_BUF) {
			bad++;
			break;
		}
		for (int i = 1; i < PIPE_BUF; i++)
			if (buf[i] != buf[0]) {
				bad++;
				break;
			}
		got++;
	}
	CHECK(reap(w[0]) == 0 && reap(w[1]) == 0, "writers");
	CHECK(got == 2 * ATOMIC_MSGS && bad == 0, "%zu whole PIPE_BUF writes, %zu interleaved", got,
	      bad);
	close(p[0]);
	free(buf);
}

/* ---- pseudo-terminals ------------------------------------------------------ */

static int open_pty(int *slave, char *name, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m) || ptsname_r(m, name, size)) {
		close(m);
		return -1;
	}
	*slave = open(name, O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	return m;
}

static void test_pty(void)
{
	char name[64], buf[128];
	struct pollfd pfd;
	int m, s, n;
	ssize_t r;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(m >= 0, "posix_openpt");
	if (m < 0)
		return;
	CHECK(grantpt(m) == 0, "grantpt");
	CHECK(ptsname_r(m, name, sizeof(name)) == 0 && !strncmp(name, "/dev/pts/", 9), "ptsname %s",
	      name);
	errno = 0;
	CHECK(open(name, O_RDWR | O_NOCTTY) == -1 && errno == EIO, "a locked slave: EIO");
	CHECK(unlockpt(m) == 0, "unlockpt");
	s = open(name, O_RDWR | O_NOCTTY);
	CHECK(s >= 0 && isatty(s), "open the slave %s", name);
	struct stat st;
	CHECK(fstat(s, &st) == 0 && S_ISCHR(st.st_mode), "the slave is a char device");

	/* Canonical mode: a line typed on the master, echoed back to it. */
	CHECK(write(m, "hello\n", 6) == 6, "write on the master");
	r = read(s, buf, sizeof(buf));
	CHECK(r == 6 && !memcmp(buf, "hello\n", 6), "the slave reads the line: %zd", r);
	r = read_full(m, buf, 7);
	CHECK(r == 7 && !memcmp(buf, "hello\r\n", 7), "echo on the master: %zd", r);

	/* Slave output, ONLCR applied, readable on the master. */
	CHECK(write(s, "out\n", 4) == 4, "write on the slave");
	pfd = (struct pollfd){m, POLLIN, 0};
	CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN), "master readable: %#x",
	      pfd.revents);
	n = -1;
	CHECK(ioctl(m, FIONREAD, &n) == 0 && n == 5, "FIONREAD on the master: %d", n);
	r = read_full(m, buf, 5);
	CHECK(r == 5 && !memcmp(buf, "out\r\n", 5), "master reads out\\r\\n: %zd", r);

	/* A partial line is not readable on the slave. */
	CHECK(write(m, "ab", 2) == 2, "partial line");
	pfd = (struct pollfd){s, POLLIN, 0};
	CHECK(poll(&pfd, 1, 50) == 0, "a partial line does not make the slave readable");
	n = -1;
	CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 0, "FIONREAD on the slave: %d", n);
	CHECK(read_full(m, buf, 2) == 2, "echo of the partial line");

	/* Raw mode: bytes pass at once, no echo, no output processing. */
	struct termios tio;
	CHECK(tcgetattr(s, &tio) == 0, "tcgetattr");
	cfmakeraw(&tio);
	CHECK(tcsetattr(s, TCSANOW, &tio) == 0, "tcsetattr raw");
	CHECK(write(m, "xy", 2) == 2, "raw input");
	r = read_full(s, buf, 4);
	CHECK(r == 4 && !memcmp(buf, "abxy", 4), "raw read: the old partial line and xy: %zd", r);
	pfd = (struct pollfd){m, POLLIN, 0};
	CHECK(poll(&pfd, 1, 0) == 0, "no echo in raw mode");
	CHECK(write(s, "o\n", 2) == 2, "raw output");
	CHECK(read_full(m, buf, 2) == 2 && !memcmp(buf, "o\n", 2), "no ONLCR in raw mode");

	/* Window size set on the master, seen on the slave. */
	struct winsize ws = {.ws_row = 33, .ws_col = 101}, ws2 = {0};
	CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ on the master");
	CHECK(ioctl(s, TIOCGWINSZ, &ws2) == 0 && ws2.ws_row == 33 && ws2.ws_col == 101,
	      "TIOCGWINSZ on the slave: %dx%d", ws2.ws_col, ws2.ws_row);

	/* The last slave closes: master reads EIO, poll says POLLHUP. */
	close(s);
	pfd = (struct pollfd){m, POLLIN, 0};
	CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLHUP), "POLLHUP on the master: %#x",
	      pfd.revents);
	errno = 0;
	CHECK(read(m, buf, sizeof(buf)) == -1 && errno == EIO, "master read EIO");
	close(m);

	/* The master closes: the slave is hung up. */
	int s2;
	m = open_pty(&s2, name, sizeof(name));
	CHECK(m >= 0, "second pty");
	if (m < 0)
		return;
	close(m);
	pfd = (struct pollfd){s2, POLLIN, 0};
	CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLHUP), "slave POLLHUP: %#x",
	      pfd.revents);
	CHECK(read(s2, buf, sizeof(buf)) == 0, "slave read after hang-up: 0");
	errno = 0;
	CHECK(write(s2, "x", 1) == -1 && errno == EIO, "slave write after hang-up: EIO");
	close(s2);

	/* Numbers are reused. */
	int a = posix_openpt(O_RDWR | O_NOCTTY), na = -1, nb = -2;
	ioctl(a, TIOCGPTN, &na);
	close(a);
	int b = posix_openpt(O_RDWR | O_NOCTTY);
	ioctl(b, TIOCGPTN, &nb);
	close(b);
	CHECK(na == nb, "pty number reused: %d then %d", na, nb);
}

/* ---- AF_UNIX ----------------------------------------------------------------- */

static void test_socketpair(void)
{
	int sv[2];
	char buf[64];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair stream");
	CHECK(write(sv[0], "ping", 4) == 4, "write");
	struct pollfd pfd = {sv[1], POLLIN | POLLOUT, 0};
	CHECK(poll(&pfd, 1, 1000) == 1 && pfd.revents == (POLLIN | POLLOUT),
	      "socket readable and writable: %#x", pfd.revents);
	int n = -1;
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 4, "FIONREAD on a socket: %d", n);
	CHECK(read(sv[1], buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4), "read");
	CHECK(send(sv[1], "a", 1, 0) == 1 && send(sv[1], "bc", 2, 0) == 2, "two sends");
	usleep(1000);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 3, "a stream merges the sends");
	int type = 0;
	socklen_t len = sizeof(type);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM,
	      "SO_TYPE %d", type);
	int one = 1;
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0,
	      "setsockopt accepted");
	CHECK(shutdown(sv[0], SHUT_WR) == 0, "shutdown");
	CHECK(read(sv[1], buf, sizeof(buf)) == 0, "EOF after the peer's shutdown");
	close(sv[1]);
	errno = 0;
	CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "EPIPE, no signal");
	pfd = (struct pollfd){sv[0], POLLIN, 0};
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP), "POLLHUP once the peer closed");
	close(sv[0]);

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair dgram");
	CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "three", 5, 0) == 5, "two datagrams");
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3, "first datagram whole");
	CHECK(recv(sv[1], buf, 2, 0) == 2, "second datagram truncated");
	errno = 0;
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN,
	      "the rest of a datagram is gone");
	close(sv[0]);
	close(sv[1]);

	errno = 0;
	CHECK(socket(AF_UNIX, 12345, 0) == -1, "bad socket type");
	int nb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(nb >= 0 && (fcntl(nb, F_GETFL) & O_NONBLOCK) && (fcntl(nb, F_GETFD) & FD_CLOEXEC),
	      "SOCK_NONBLOCK | SOCK_CLOEXEC");
	close(nb);
}

static void test_unix_server(void)
{
	const char *path = "/tmp/iotest.sock";
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[64];
	int srv, c;

	strcpy(addr.sun_path, path);
	unlink(path);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(srv >= 0, "socket");
	CHECK(bind(srv, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind %s", path);
	struct stat st;
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket");
	int dup = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(bind(dup, (struct sockaddr *)&addr, sizeof(addr)) == -1 && errno == EADDRINUSE,
	      "EADDRINUSE");
	errno = 0;
	CHECK(connect(dup, (struct sockaddr *)&addr, sizeof(addr)) == -1 && errno == ECONNREFUSED,
	      "connect before listen: ECONNREFUSED");
	close(dup);
	CHECK(listen(srv, 4) == 0, "listen");

	pid_t pid = fork();
	if (pid == 0) {
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(cs, (struct sockaddr *)&addr, sizeof(addr)))
			_exit(1);
		if (write(cs, "hello server", 12) != 12)
			_exit(2);
		char b[16];
		if (read_full(cs, b, 5) != 5 || memcmp(b, "reply", 5))
			_exit(3);
		close(cs);
		_exit(0);
	}
	struct pollfd pfd = {srv, POLLIN, 0};
	CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN), "listener readable");
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	c = accept(srv, (struct sockaddr *)&peer, &plen);
	CHECK(c >= 0, "accept");
	CHECK(read_full(c, buf, 12) == 12 && !memcmp(buf, "hello server", 12), "server read");
	CHECK(write(c, "reply", 5) == 5, "server write");
	struct sockaddr_un me;
	socklen_t mlen = sizeof(me);
	CHECK(getsockname(c, (struct sockaddr *)&me, &mlen) == 0 && !strcmp(me.sun_path, path),
	      "getsockname of the accepted socket: %s", me.sun_path);
	CHECK(read(c, buf, sizeof(buf)) == 0, "EOF when the client closes");
	CHECK(reap(pid) == 0, "client");
	close(c);
	close(srv);

	int cs = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	strcpy(addr.sun_path, "/tmp/iotest-none.sock");
	CHECK(connect(cs, (struct sockaddr *)&addr, sizeof(addr)) == -1 && errno == ENOENT,
	      "connect to no path: ENOENT");
	close(cs);
	unlink(path);
}

static void test_unix_dgram(void)
{
	const char *path = "/tmp/iotest.dgram";
	struct sockaddr_un addr = {.sun_family = AF_UNIX}, from;
	socklen_t flen = sizeof(from);
	char buf[64];
	int srv, cl;

	strcpy(addr.sun_path, path);
	unlink(path);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(srv, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind dgram");
	cl = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un caddr = {.sun_family = AF_UNIX};
	strcpy(caddr.sun_path, "/tmp/iotest.dgram.client");
	unlink(caddr.sun_path);
	CHECK(bind(cl, (struct sockaddr *)&caddr, sizeof(caddr)) == 0, "bind the client");
	CHECK(sendto(cl, "dg1", 3, 0, (struct sockaddr *)&addr, sizeof(addr)) == 3, "sendto");
	CHECK(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 3 &&
		      !strcmp(from.sun_path, caddr.sun_path),
	      "recvfrom gives the sender: %s", from.sun_path);
	CHECK(connect(cl, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect dgram");
	CHECK(send(cl, "dg2", 3, 0) == 3, "send on a connected dgram socket");
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(srv, &mh, 0) == 3 && !memcmp(buf, "dg2", 3), "recvmsg");
	struct sockaddr_un pa;
	socklen_t palen = sizeof(pa);
	CHECK(getpeername(cl, (struct sockaddr *)&pa, &palen) == 0 && !strcmp(pa.sun_path, path),
	      "getpeername");
	close(cl);
	close(srv);
	unlink(path);
	unlink(caddr.sun_path);
}

static void test_scm_rights(void)
{
	int sv[2], p[2];
	char buf[16];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(pipe(p) == 0, "pipe");
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	memset(&cm, 0, sizeof(cm));
	struct iovec iov = {"F", 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.b,
			    .msg_controllen = sizeof(cm.b)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == 1, "sendmsg with SCM_RIGHTS");
	close(p[1]);

	memset(&cm, 0, sizeof(cm));
	iov = (struct iovec){buf, sizeof(buf)};
	mh = (struct msghdr){.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cm.b,
			     .msg_controllen = sizeof(cm.b)};
	CHECK(recvmsg(sv[1], &mh, 0) == 1 && buf[0] == 'F', "recvmsg");
	c = CMSG_FIRSTHDR(&mh);
	int fd = -1;
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	CHECK(fd >= 0, "received an fd");
	CHECK(fd >= 0 && write(fd, "via", 3) == 3, "write through the passed fd");
	CHECK(read(p[0], buf, 3) == 3 && !memcmp(buf, "via", 3), "the pipe got it");
	close(fd);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

/* ---- timing -------------------------------------------------------------------- */

#define ROUNDS 10000

static void bench_pipe_pingpong(void)
{
	int a[2], b[2];
	char c = 'p';

	if (pipe(a) || pipe(b))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < ROUNDS; i++) {
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	long t0 = now_ns();
	int i;
	for (i = 0; i < ROUNDS; i++) {
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			break;
	}
	long dt = now_ns() - t0;
	CHECK(i == ROUNDS && reap(pid) == 0, "ping-pong finished %d rounds", i);
	printf("iotest: pipe ping-pong: %d round trips in %ld ms, %ld ns per round trip\n", ROUNDS,
	       dt / 1000000, dt / ROUNDS);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *only = argc > 1 ? argv[1] : NULL;
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"poll", test_poll},
		{"select", test_select},
		{"pipe", test_pipe_basics},
		{"atomic", test_pipe_atomic},
		{"pty", test_pty},
		{"socketpair", test_socketpair},
		{"unix_server", test_unix_server},
		{"unix_dgram", test_unix_dgram},
		{"scm_rights", test_scm_rights},
		{"bench", bench_pipe_pingpong},
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		int before = failed;
		tests[i].fn();
		printf("iotest: %s %s\n", tests[i].name, failed == before ? "ok" : "FAILED");
	}
	printf("iotest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
