/*
 * AF_INET socket API checks on loopback, with Linux's answers as the
 * expectations: the same static binary passes on a Linux host (run it
 * there as root or not) and as init on our kernel (docs/tcp.md
 * "Sockets"). Covers socket/bind/listen/accept4/connect errors, ephemeral
 * ports, SO_REUSEADDR and TIME_WAIT, nonblocking connect and SO_ERROR,
 * send/recv flags (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL,
 * MSG_TRUNC), shutdown, SO_LINGER 0 (RST), SO_RCVTIMEO, poll readiness,
 * FIONREAD, options, EPIPE and SIGPIPE, a SA_RESTART'ed accept, UDP
 * (connected, unconnected, port unreachable, broadcast), ping sockets (when
 * the host allows them) and the interface ioctls on lo; then a 16 MiB
 * loopback transfer between two processes with a checksum.
 *
 * Prints "socktest: N passed, M failed" and exits 0 when all passed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (cond) {                                                   \
			passed++;                                             \
		} else {                                                      \
			failed++;                                             \
			printf("socktest: FAIL %s:%d: ", __func__, __LINE__); \
			printf(__VA_ARGS__);                                  \
			printf(" (errno %d %s)\n", errno, strerror(errno));   \
		}                                                             \
	} while (0)

/* A call that must fail with `e`. */
#define FAILS(call, e) CHECK((call) == -1 && errno == (e), "%s should fail with %s", #call, #e)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in lo_addr(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &l))
		return 0;
	return ntohs(a.sin_port);
}

/* A listener on 127.0.0.1 with an ephemeral port. */
static int listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo_addr(0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16))
		return -1;
	*port = port_of(fd);
	return fd;
}

/* A connected pair over loopback: *c the client, return the accepted end. */
static int pair(int *c)
{
	uint16_t port;
	int l = listener(&port), s;
	struct sockaddr_in a = lo_addr(port);

	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || *c < 0 || connect(*c, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	s = accept(l, NULL, NULL);
	close(l);
	return s;
}

/* A port nothing listens on (bound briefly, then closed). */
static uint16_t closed_port(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = lo_addr(0);
	uint16_t p;

	bind(fd, (struct sockaddr *)&a, sizeof(a));
	p = port_of(fd);
	close(fd);
	return p;
}

static void test_create(void)
{
	int fd, v;
	socklen_t l = sizeof(v);

	FAILS(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	FAILS(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	FAILS(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	FAILS(socket(AF_INET, 99, 0), EINVAL);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0, "socket");
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK");
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "SOCK_CLOEXEC");
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) == 0 && v == SOCK_STREAM, "SO_TYPE");
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 && v == IPPROTO_TCP,
	      "SO_PROTOCOL %d", v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) == 0 && v == AF_INET, "SO_DOMAIN");
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &l) == 0 && v == 0, "SO_ERROR fresh");
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) == 0 && v == 0, "SO_ACCEPTCONN");
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 && v == IPPROTO_UDP,
	      "udp SO_PROTOCOL %d", v);
	close(fd);
}

static void test_bind(void)
{
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in sa = lo_addr(0);
	struct sockaddr_in bad = lo_addr(0);
	uint16_t p;

	FAILS(bind(a, (struct sockaddr *)&sa, sizeof(sa) - 1), EINVAL);
	bad.sin_family = AF_UNIX;
	FAILS(bind(a, (struct sockaddr *)&bad, sizeof(bad)), EAFNOSUPPORT);
	bad = lo_addr(0);
	bad.sin_addr.s_addr = inet_addr("10.255.255.1");
	FAILS(bind(a, (struct sockaddr *)&bad, sizeof(bad)), EADDRNOTAVAIL);
	CHECK(bind(a, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind port 0");
	p = port_of(a);
	CHECK(p >= 1024, "ephemeral port %u", p);
	FAILS(bind(a, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	sa = lo_addr(p);
	FAILS(bind(b, (struct sockaddr *)&sa, sizeof(sa)), EADDRINUSE);
	CHECK(listen(a, 4) == 0, "listen");
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	FAILS(bind(b, (struct sockaddr *)&sa, sizeof(sa)), EADDRINUSE);
	close(a);
	close(b);

	/* listen without bind picks a port. */
	a = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(listen(a, 1) == 0 && port_of(a) != 0, "autobind on listen");
	close(a);
}

static void test_reuseaddr_time_wait(void)
{
	int one = 1, c, s, l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = lo_addr(0);
	uint16_t port;
	char ch;

	/* Linux lets a TIME_WAIT be bound over when both sockets have
	 * SO_REUSEADDR: the accepted one inherits the listener's. */
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, (struct sockaddr *)&sa, sizeof(sa));
	listen(l, 1);
	port = port_of(l);
	sa = lo_addr(port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sizeof(sa));
	s = accept(l, NULL, NULL);
	close(l);
	CHECK(s >= 0, "accepted");

	/* The server closes first: its side goes to TIME_WAIT. */
	close(s);
	CHECK(read(c, &ch, 1) == 0, "EOF after the server's close");
	close(c);
	usleep(50000);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	      "SO_REUSEADDR binds over TIME_WAIT");
	close(l);
}

static void test_connect(void)
{
	uint16_t cp = closed_port(), port;
	struct sockaddr_in a = lo_addr(cp);
	int fd = socket(AF_INET, SOCK_STREAM, 0), l, v, r;
	socklen_t len = sizeof(v);
	struct pollfd p;

	FAILS(connect(fd, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED),
	      "nonblocking connect to a closed port");
	if (r == -1 && errno == EINPROGRESS) {
		p = (struct pollfd){fd, POLLOUT, 0};
		CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "POLLOUT after refusal");
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == ECONNREFUSED,
		      "SO_ERROR %d", v);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0,
		      "SO_ERROR cleared");
	}
	close(fd);

	l = listener(&port);
	a = lo_addr(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == 0 || errno == EINPROGRESS, "nonblocking connect");
	p = (struct pollfd){fd, POLLOUT, 0};
	CHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLOUT, "connected: POLLOUT only (%x)",
	      p.revents);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "no error");
	/* Linux: connect again reports the completed connect once (0). */
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect after completion");
	FAILS(connect(fd, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	p = (struct pollfd){l, POLLIN, 0};
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "listener readable");
	v = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(v >= 0 && (fcntl(v, F_GETFL) & O_NONBLOCK) && (fcntl(v, F_GETFD) & FD_CLOEXEC),
	      "accept4 flags");
	close(v);
	FAILS(syscall(SYS_accept4, l, NULL, NULL, 0x1234), EINVAL); /* musl retries with accept */
	fcntl(l, F_SETFL, O_NONBLOCK);
	FAILS(accept(l, NULL, NULL), EAGAIN);
	close(fd);
	close(l);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	FAILS(accept(fd, NULL, NULL), EINVAL);
	FAILS(getpeername(fd, (struct sockaddr *)&a, &len), ENOTCONN);
	FAILS(recv(fd, &v, 1, 0), ENOTCONN);
	FAILS(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
	FAILS(shutdown(fd, SHUT_RDWR), ENOTCONN);
	FAILS(shutdown(fd, 7), EINVAL);
	close(fd);
}

static void test_names(void)
{
	int c, s = pair(&c);
	struct sockaddr_in a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);

	CHECK(getsockname(c, (struct sockaddr *)&a, &la) == 0 && la == sizeof(a), "getsockname");
	CHECK(getpeername(s, (struct sockaddr *)&b, &lb) == 0 && lb == sizeof(b), "getpeername");
	CHECK(a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr &&
		      a.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "names agree");
	la = 4;
	CHECK(getsockname(c, (struct sockaddr *)&a, &la) == 0 && la == sizeof(a),
	      "truncated name reports the full length");
	close(c);
	close(s);
}

static volatile int sigpipes;
static void on_sigpipe(int sig __attribute__((unused)))
{
	sigpipes++;
}

static void test_data(void)
{
	int c, s = pair(&c), n, one = 1;
	char buf[64];
	struct pollfd p;
	struct timeval tv = {0, 100000};
	long t0;

	CHECK(send(c, "hello", 5, 0) == 5, "send");
	usleep(20000);
	CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 5, "FIONREAD %d", n);
	CHECK(recv(s, buf, sizeof(buf), MSG_PEEK) == 5 && !memcmp(buf, "hello", 5), "peek");
	CHECK(recv(s, buf, 2, 0) == 2 && !memcmp(buf, "he", 2), "partial read");
	CHECK(recv(s, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "llo", 3), "rest");
	FAILS(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

	/* MSG_WAITALL collects several sends. */
	if (fork() == 0) {
		for (int i = 0; i < 4; i++) {
			usleep(10000);
			send(c, "abcd", 4, 0);
		}
		_exit(0);
	}
	CHECK(recv(s, buf, 16, MSG_WAITALL) == 16 && !memcmp(buf, "abcdabcdabcdabcd", 16),
	      "MSG_WAITALL");
	wait(NULL);

	/* SO_RCVTIMEO. */
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	t0 = now_ms();
	FAILS(recv(s, buf, 1, 0), EAGAIN);
	CHECK(now_ms() - t0 >= 90 && now_ms() - t0 < 2000, "timeout took %ld ms", now_ms() - t0);
	tv = (struct timeval){0, 2000000};
	FAILS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);

	/* Half close: the peer sees EOF and can still send. */
	CHECK(shutdown(c, SHUT_WR) == 0, "shutdown(SHUT_WR)");
	p = (struct pollfd){s, POLLIN | POLLRDHUP, 0};
	CHECK(poll(&p, 1, 2000) == 1 && (p.revents & POLLIN) && (p.revents & POLLRDHUP),
	      "POLLRDHUP %x", p.revents);
	CHECK(recv(s, buf, sizeof(buf), 0) == 0, "EOF");
	CHECK(send(s, "back", 4, 0) == 4, "send after the peer's SHUT_WR");
	CHECK(recv(c, buf, sizeof(buf), 0) == 4, "half-closed side still reads");
	FAILS(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);

	/* EPIPE raises SIGPIPE unless MSG_NOSIGNAL. */
	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	FAILS(send(c, "x", 1, 0), EPIPE);
	CHECK(sigpipes == 1, "SIGPIPE raised (%d)", sigpipes);
	FAILS(write(c, "x", 1), EPIPE);
	CHECK(sigpipes == 2, "SIGPIPE from write (%d)", sigpipes);
	signal(SIGPIPE, SIG_DFL);
	close(c);
	close(s);

	/* Options. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t l = sizeof(n);
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &n, &l) == 0 && n == 0, "nodelay off");
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0, "set nodelay");
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &n, &l) == 0 && n == 1, "nodelay on");
	n = 30;
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &n, sizeof(n)) == 0, "KEEPIDLE");
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &n, &l) == 0 && n == 30, "KEEPIDLE %d", n);
	n = 0;
	FAILS(setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &n, sizeof(n)), EINVAL);
	FAILS(setsockopt(s, IPPROTO_TCP, 9999, &one, sizeof(one)), ENOPROTOOPT);
	FAILS(getsockopt(s, SOL_SOCKET, 9999, &n, &l), ENOPROTOOPT);
	CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0, "SO_KEEPALIVE");
	CHECK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &n, &l) == 0 && n == 1, "keepalive on");
	n = 65536;
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n)) == 0, "SO_RCVBUF");
	CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &n, &l) == 0 && n >= 65536, "rcvbuf %d", n);
	FAILS(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 2), EINVAL);
	close(s);
}

static void test_linger_rst(void)
{
	int c, s = pair(&c);
	struct linger lg = {1, 0};
	char ch;

	CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0, "SO_LINGER");
	close(c);
	usleep(50000);
	FAILS(recv(s, &ch, 1, 0), ECONNRESET);
	CHECK(recv(s, &ch, 1, 0) == 0, "reads after the reset see EOF");
	close(s);

	/* Unread data at close sends RST too (RFC 2525). */
	s = pair(&c);
	send(c, "unread", 6, 0);
	usleep(50000);
	close(s);
	usleep(50000);
	FAILS(recv(c, &ch, 1, 0), ECONNRESET);
	close(c);
}

static void on_alarm(int sig __attribute__((unused)))
{
}

static void test_restart(void)
{
	uint16_t port;
	int l = listener(&port), c, s;
	struct sigaction sa = {0};
	struct sockaddr_in a = lo_addr(port);
	pid_t pid;

	/* A blocking accept interrupted by a handler with SA_RESTART goes on. */
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(400000);
		c = socket(AF_INET, SOCK_STREAM, 0);
		connect(c, (struct sockaddr *)&a, sizeof(a));
		usleep(100000);
		_exit(0);
	}
	ualarm(100000, 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept restarted after SIGALRM");
	close(s);
	waitpid(pid, NULL, 0);

	/* Without SA_RESTART: EINTR. */
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(100000, 0);
	FAILS(accept(l, NULL, NULL), EINTR);
	signal(SIGALRM, SIG_DFL);
	close(l);
}

static void test_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0), n;
	struct sockaddr_in sa = lo_addr(0), from;
	socklen_t fl = sizeof(from);
	char buf[100];
	struct msghdr mh;
	struct iovec iov;
	uint16_t pa;

	FAILS(send(a, "x", 1, 0), EDESTADDRREQ);
	/* Linux binds a port before it finds no destination. */
	FAILS(bind(a, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	close(a);
	a = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind(a, (struct sockaddr *)&sa, sizeof(sa)) == 0, "udp bind");
	pa = port_of(a);
	sa = lo_addr(pa);
	FAILS(bind(b, (struct sockaddr *)&sa, sizeof(sa)), EADDRINUSE);
	CHECK(sendto(b, "datagram-1", 10, 0, (struct sockaddr *)&sa, sizeof(sa)) == 10, "sendto");
	CHECK(sendto(b, "dg2", 3, 0, (struct sockaddr *)&sa, sizeof(sa)) == 3, "sendto 2");
	usleep(20000);
	CHECK(ioctl(a, FIONREAD, &n) == 0 && n == 10, "FIONREAD is the next datagram (%d)", n);
	memset(&mh, 0, sizeof(mh));
	iov = (struct iovec){buf, 4};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	CHECK(recvmsg(a, &mh, 0) == 4 && (mh.msg_flags & MSG_TRUNC), "MSG_TRUNC");
	CHECK(from.sin_port == htons(port_of(b)) && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "source address");
	CHECK(recvfrom(a, buf, sizeof(buf), MSG_PEEK, (struct sockaddr *)&from, &fl) == 3, "peek");
	CHECK(recv(a, buf, 1, MSG_TRUNC) == 3, "MSG_TRUNC returns the real length");
	FAILS(recv(a, buf, 1, MSG_DONTWAIT), EAGAIN);

	/* Connected: the default peer, its port unreachable reported once. */
	struct sockaddr_in dead = lo_addr(closed_port());
	CHECK(connect(b, (struct sockaddr *)&dead, sizeof(dead)) == 0, "udp connect");
	CHECK(send(b, "ping", 4, 0) == 4, "send to the connected peer");
	usleep(50000);
	FAILS(recv(b, buf, sizeof(buf), MSG_DONTWAIT), ECONNREFUSED);
	FAILS(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	CHECK(getsockname(b, (struct sockaddr *)&me, &ml) == 0 &&
		      me.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "connected UDP names its source");
	struct sockaddr_in un = {.sin_family = AF_UNSPEC};
	CHECK(connect(b, (struct sockaddr *)&un, sizeof(un)) == 0, "dissolve");
	FAILS(send(b, "x", 1, 0), EDESTADDRREQ);
	sa = lo_addr(0);
	FAILS(sendto(b, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	struct sockaddr_in bc = {.sin_family = AF_INET, .sin_port = htons(9)};
	bc.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	FAILS(sendto(b, "x", 1, 0, (struct sockaddr *)&bc, sizeof(bc)), EACCES);
	close(a);
	close(b);
}

static void test_ping(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	struct sockaddr_in a = lo_addr(0);
	struct icmphdr h = {.type = ICMP_ECHO};
	char buf[128];
	struct pollfd p;

	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		printf("socktest: ping sockets not allowed here (ping_group_range), skipped\n");
		return;
	}
	CHECK(fd >= 0, "ping socket");
	h.un.echo.sequence = htons(7);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "payload!", 8);
	CHECK(sendto(fd, buf, sizeof(h) + 8, 0, (struct sockaddr *)&a, sizeof(a)) == 16, "echo");
	p = (struct pollfd){fd, POLLIN, 0};
	CHECK(poll(&p, 1, 3000) == 1, "reply");
	CHECK(recv(fd, buf, sizeof(buf), 0) == 16 && buf[0] == ICMP_ECHOREPLY &&
		      !memcmp(buf + 8, "payload!", 8),
	      "echo reply");
	h.type = 13; /* timestamp: not allowed */
	memcpy(buf, &h, sizeof(h));
	FAILS(sendto(fd, buf, sizeof(h), 0, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	FAILS(sendto(fd, buf, 4, 0, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	close(fd);
}

static void test_ifioctl(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), found = 0;
	struct ifreq req[16], r;
	struct ifconf ic = {.ifc_len = sizeof(req), .ifc_req = req};

	CHECK(ioctl(fd, SIOCGIFCONF, &ic) == 0 && ic.ifc_len > 0 &&
		      ic.ifc_len % (int)sizeof(struct ifreq) == 0,
	      "SIOCGIFCONF");
	for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++)
		if (!strcmp(req[i].ifr_name, "lo") &&
		    ((struct sockaddr_in *)&req[i].ifr_addr)->sin_addr.s_addr ==
			    htonl(INADDR_LOOPBACK))
			found = 1;
	CHECK(found, "lo with 127.0.0.1 listed");
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "lo");
	CHECK(ioctl(fd, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & IFF_UP) &&
		      (r.ifr_flags & IFF_LOOPBACK),
	      "lo flags %x", r.ifr_flags);
	CHECK(ioctl(fd, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex > 0, "SIOCGIFINDEX");
	int idx = r.ifr_ifindex;
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = idx;
	CHECK(ioctl(fd, SIOCGIFNAME, &r) == 0 && !strcmp(r.ifr_name, "lo"), "SIOCGIFNAME");
	CHECK(ioctl(fd, SIOCGIFNETMASK, &r) == 0 &&
		      ((struct sockaddr_in *)&r.ifr_netmask)->sin_addr.s_addr == htonl(0xff000000),
	      "lo netmask");
	CHECK(ioctl(fd, SIOCGIFHWADDR, &r) == 0 && r.ifr_hwaddr.sa_family == 772, "lo hwaddr");
	CHECK(ioctl(fd, SIOCGIFMTU, &r) == 0 && r.ifr_mtu > 0, "mtu");
	strcpy(r.ifr_name, "nosuch0");
	FAILS(ioctl(fd, SIOCGIFFLAGS, &r), ENODEV);
	close(fd);
}

/* 16 MiB through loopback from a child process; both sides checksum. */
static void test_bulk(void)
{
	const size_t total = 16 << 20;
	int c, s = pair(&c);
	static char buf[65536];
	uint32_t sum = 0, want = 0, x = 12345;
	size_t got = 0;
	long t0 = now_ms();
	int st;
	ssize_t n;
	pid_t pid;

	for (size_t i = 0; i < total; i++) {
		x = x * 1103515245 + 12345;
		want = want * 31 + (x >> 16 & 0xff);
	}
	pid = fork();
	if (pid == 0) {
		close(s);
		x = 12345;
		for (size_t off = 0; off < total; off += sizeof(buf)) {
			for (size_t i = 0; i < sizeof(buf); i++) {
				x = x * 1103515245 + 12345;
				buf[i] = (char)(x >> 16 & 0xff);
			}
			for (size_t w = 0; w < sizeof(buf); w += (size_t)n) {
				n = write(c, buf + w, sizeof(buf) - w);
				if (n <= 0)
					_exit(1);
			}
		}
		close(c);
		_exit(0);
	}
	close(c);
	while ((n = read(s, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (uint8_t)buf[i];
		got += (size_t)n;
	}
	close(s);
	waitpid(pid, &st, 0);
	CHECK(got == total && sum == want && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "bulk %zu bytes", got);
	long ms = now_ms() - t0;
	printf("socktest: loopback 16 MiB in %ld ms (%ld MB/s)\n", ms,
	       ms ? (long)(total / 1000 / (unsigned long)ms) : 0);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"create", test_create},
		{"bind", test_bind},
		{"timewait", test_reuseaddr_time_wait},
		{"connect", test_connect},
		{"names", test_names},
		{"data", test_data},
		{"linger", test_linger_rst},
		{"restart", test_restart},
		{"udp", test_udp},
		{"ping", test_ping},
		{"ifioctl", test_ifioctl},
		{"bulk", test_bulk},
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		int before = failed;
		tests[i].fn();
		printf("socktest: %s %s\n", tests[i].name, failed == before ? "ok" : "FAILED");
	}
	printf("socktest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
