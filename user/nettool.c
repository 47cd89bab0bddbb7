/*
 * nettool: small network programs for the socket tests
 * (tests/integration/test_sockets.py) and for measuring TCP throughput.
 *
 *   nettool sink PORT             accept one TCP connection, read to EOF
 *   nettool source PORT BYTES     accept one, send BYTES, close
 *   nettool gen BYTES             BYTES of pseudo-random data to stdout
 *   nettool echo PORT N [BACKLOG] accept N connections and echo them all
 *                                 concurrently (poll) until each closes;
 *                                 listen backlog 64 unless given
 *   nettool udpecho HOST PORT N   N datagrams of 1..1400 bytes to an echo
 *                                 server, each answer checked
 *   nettool ping HOST N           N echo requests through a ping socket
 *                                 (SOCK_DGRAM, IPPROTO_ICMP) after dropping
 *                                 root (uid 1000): no privilege needed
 *   nettool refused HOST PORT     a nonblocking connect: EINPROGRESS, then
 *                                 POLLOUT and SO_ERROR name the outcome
 *
 * Each prints one "nettool: ..." result line and exits 0 on success.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static char buf[256 * 1024];

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in addr_of(const char *host, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	a.sin_addr.s_addr = host ? inet_addr(host) : htonl(INADDR_ANY);
	return a;
}

static int die(const char *what)
{
	printf("nettool: %s: %s\n", what, strerror(errno));
	return 1;
}

static int accept_one(int port)
{
	struct sockaddr_in a = addr_of(NULL, port);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), s;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
		return -1;
	printf("nettool: listening on %d\n", port);
	s = accept(l, NULL, NULL);
	close(l);
	return s;
}

static void fill(char *p, size_t n, uint64_t *x)
{
	for (size_t i = 0; i < n; i += 8) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		memcpy(p + i, x, MIN(8, n - i));
	}
}

static void rate(const char *what, long long bytes, long ms)
{
	printf("nettool: %s %lld bytes in %ld ms (%lld.%01lld MB/s)\n", what, bytes, ms,
	       ms ? bytes / 1000 / ms : 0, ms ? bytes / 100 / ms % 10 : 0);
}

static int sink(int port)
{
	int s = accept_one(port);
	long long total = 0;
	long t0;
	ssize_t n;

	if (s < 0)
		return die("accept");
	t0 = now_ms();
	while ((n = read(s, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		return die("read");
	rate("sink received", total, now_ms() - t0);
	close(s);
	return 0;
}

static int source(int port, long long bytes)
{
	int s = accept_one(port);
	uint64_t x = 88172645463325252ull;
	long long sent = 0;
	long t0;

	if (s < 0)
		return die("accept");
	fill(buf, sizeof(buf), &x);
	t0 = now_ms();
	while (sent < bytes) {
		ssize_t n = write(s, buf, (size_t)MIN((long long)sizeof(buf), bytes - sent));
		if (n <= 0)
			return die("write");
		sent += n;
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof(buf)) > 0)
		;
	rate("source sent", sent, now_ms() - t0);
	close(s);
	return 0;
}

static int gen(long long bytes)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	while (bytes > 0) {
		size_t n = (size_t)MIN((long long)sizeof(buf), bytes);
		fill(buf, n, &x);
		if (fwrite(buf, 1, n, stdout) != n)
			return die("write");
		bytes -= (long long)n;
	}
	return 0;
}

static int echo(int port, int n, int backlog)
{
	struct sockaddr_in a = addr_of(NULL, port);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), accepted = 0, open = 0;
	struct pollfd *p = calloc((size_t)n + 1, sizeof(*p));
	long long bytes = 0;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!p || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, backlog))
		return die("listen");
	printf("nettool: echo listening on %d\n", port);
	p[0] = (struct pollfd){l, POLLIN, 0};
	for (int i = 1; i <= n; i++)
		p[i] = (struct pollfd){-1, POLLIN, 0};
	while (accepted < n || open > 0) {
		if (poll(p, (nfds_t)n + 1, 30000) <= 0)
			return die("poll");
		if ((p[0].revents & POLLIN) && accepted < n) {
			int s = accept(l, NULL, NULL);
			if (s < 0)
				return die("accept");
			p[++accepted].fd = s;
			open++;
			if (accepted == n)
				p[0].fd = -1;
		}
		for (int i = 1; i <= n; i++) {
			ssize_t r;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = read(p[i].fd, buf, 65536);
			if (r <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open--;
				continue;
			}
			for (ssize_t w = 0, k; w < r; w += k) {
				k = write(p[i].fd, buf + w, (size_t)(r - w));
				if (k <= 0)
					return die("write");
			}
			bytes += r;
		}
	}
	printf("nettool: echo served %d connections, %lld bytes\n", accepted, bytes);
	return 0;
}

static int udpecho(const char *host, int port, int n)
{
	struct sockaddr_in a = addr_of(host, port);
	int s = socket(AF_INET, SOCK_DGRAM, 0), ok = 0;
	struct timeval tv = {1, 0};
	static char out[1500], in[1500];

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		return die("connect");
	for (int i = 0; i < n; i++) {
		size_t len = 1 + (size_t)(i * 97) % 1400;
		for (size_t j = 0; j < len; j++)
			out[j] = (char)(i + j * 7);
		for (int tries = 0; tries < 3; tries++) {
			ssize_t r;
			if (send(s, out, len, 0) != (ssize_t)len)
				return die("send");
			r = recv(s, in, sizeof(in), 0);
			if (r == (ssize_t)len && !memcmp(in, out, len)) {
				ok++;
				break;
			}
		}
	}
	printf("nettool: udp echo %d/%d ok\n", ok, n);
	return ok == n ? 0 : 1;
}

static int ping(const char *host, int n)
{
	struct sockaddr_in a = addr_of(host, 0), me;
	socklen_t ml = sizeof(me);
	int s, got = 0;
	struct timeval tv = {2, 0};

	if (getuid() == 0 && (setgid(1000) || setuid(1000)))
		return die("setuid");
	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (s < 0)
		return die("ping socket");
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < n; i++) {
		struct icmphdr h = {.type = ICMP_ECHO};
		char pkt[64], in[128];
		long t0 = now_ms();
		h.un.echo.sequence = htons((uint16_t)i);
		memcpy(pkt, &h, sizeof(h));
		memset(pkt + sizeof(h), 'p', sizeof(pkt) - sizeof(h));
		if (sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			return die("sendto");
		for (;;) {
			ssize_t r = recv(s, in, sizeof(in), 0);
			struct icmphdr rh;
			if (r < 0)
				break;
			memcpy(&rh, in, sizeof(rh));
			if (r == (ssize_t)sizeof(pkt) && rh.type == ICMP_ECHOREPLY &&
			    rh.un.echo.sequence == htons((uint16_t)i)) {
				got++;
				printf("nettool: reply seq=%d in %ld ms\n", i, now_ms() - t0);
				break;
			}
		}
	}
	getsockname(s, (struct sockaddr *)&me, &ml);
	printf("nettool: ping %s as uid %d id %u: %d/%d replies\n", host, (int)getuid(),
	       ntohs(me.sin_port), got, n);
	return got == n ? 0 : 1;
}

static int refused(const char *host, int port)
{
	struct sockaddr_in a = addr_of(host, port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0, r;
	socklen_t l = sizeof(err);
	struct pollfd p = {s, POLLOUT, 0};

	r = connect(s, (struct sockaddr *)&a, sizeof(a));
	printf("nettool: connect returned %d (%s)\n", r, r ? strerror(errno) : "ok");
	if (r == 0 || errno != EINPROGRESS)
		return 1;
	if (poll(&p, 1, 10000) != 1)
		return die("poll");
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &l);
	printf("nettool: revents 0x%x SO_ERROR %d %s\n", p.revents, err,
	       err == ECONNREFUSED ? "ECONNREFUSED" : strerror(err));
	return err == ECONNREFUSED ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "gen"))
		return gen(atoll(argv[2]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "source"))
		return source(atoi(argv[2]), atoll(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "echo"))
		return echo(atoi(argv[2]), atoi(argv[3]), argc >= 5 ? atoi(argv[4]) : 64);
	if (argc >= 5 && !strcmp(argv[1], "udpecho"))
		return udpecho(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 4 && !strcmp(argv[1], "ping"))
		return ping(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "refused"))
		return refused(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: nettool sink|source|gen|echo|udpecho|ping|refused ...\n");
	return 2;
}
