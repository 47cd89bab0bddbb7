/*
 * nc: TCP and UDP connect and listen, relaying stdin to the socket and the
 * socket to stdout with poll() (an OpenBSD/Debian netcat subset):
 *   nc [-u] [-v] [-w SECS] [-N] [-q SECS] HOST PORT     connect
 *   nc -z [-u] [-v] [-w SECS] HOST PORT[-PORT]           scan, no data
 *   nc -l [-u] [-v] [-N] [-q SECS] [-p] PORT [or HOST PORT]  listen once
 * End of input: at EOF on stdin, -N shuts the socket's write side down
 * (the peer sees EOF) and -q SECS quits SECS seconds later (-q 0 at once);
 * without either, nc goes on reading from the network. EOF from the
 * network ends nc. -w SECS bounds the connect and ends an idle relay.
 * docs/nettools.md. Exit status: 0, or 1 on an error (with -z: 1
 * when no port was open).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_util.h"

struct nc_opts {
	bool listen, udp, scan, verbose, shut_eof;
	long quit_ms;	 /* -1: never */
	long timeout_ms; /* -1: none */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nc [-u] [-v] [-w SECS] [-N] [-q SECS] HOST PORT\n"
		   "       nc -z [-u] [-v] [-w SECS] HOST PORT[-PORT]\n"
		   "       nc -l [-u] [-v] [-N] [-q SECS] [-p PORT] [HOST] [PORT]\n"
		   "  -l listen for one connection   -p PORT  local port   -u UDP\n"
		   "  -w SECS connect and idle timeout   -z scan: report open ports, send nothing\n"
		   "  -N shut the socket's write side down at EOF on stdin\n"
		   "  -q SECS quit SECS seconds after EOF on stdin   -v verbose\n");
}

static int write_all(int fd, const char *buf, size_t len, bool sock)
{
	while (len) {
		ssize_t n = sock ? send(fd, buf, len, MSG_NOSIGNAL) : write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Connect with a timeout (-1: the system's). 0 or -errno. */
static int connect_to(int fd, const struct sockaddr_in *sa, long timeout_ms)
{
	int fl = fcntl(fd, F_GETFL), err = 0;
	socklen_t el = sizeof(err);
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};

	if (timeout_ms < 0)
		return connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		goto out;
	if (errno != EINPROGRESS) {
		err = errno;
		goto out;
	}
	if (poll(&pfd, 1, (int)timeout_ms) <= 0) {
		err = ETIMEDOUT;
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
out:
	fcntl(fd, F_SETFL, fl);
	return -err;
}

/* The relay between stdin/stdout and the socket. */
static int relay(int s, const struct nc_opts *o)
{
	static char buf[16384];
	bool in_open = true;
	uint64_t quit_at = UINT64_MAX, last = nt_now_ms();

	for (;;) {
		struct pollfd p[2] = {{.fd = in_open ? 0 : -1, .events = POLLIN},
				      {.fd = s, .events = POLLIN}};
		uint64_t now = nt_now_ms(), wake = quit_at;
		int timeout, n;

		if (o->timeout_ms >= 0 && last + (uint64_t)o->timeout_ms < wake)
			wake = last + (uint64_t)o->timeout_ms;
		if (now >= wake)
			return 0;
		timeout = wake == UINT64_MAX ? -1 : (int)(wake - now);
		n = poll(p, 2, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nt_perr("poll");
			return 1;
		}
		if (n == 0)
			continue;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(s, buf, sizeof(buf), 0);

			if (r < 0 && errno != EINTR && errno != EAGAIN) {
				if (errno == ECONNREFUSED && o->udp)
					continue; /* an ICMP error for an earlier datagram */
				nt_perr("read from the network");
				return 1;
			}
			if (r == 0 && !o->udp)
				return 0;
			if (r > 0) {
				last = nt_now_ms();
				if (write_all(1, buf, (size_t)r, false)) {
					nt_perr("write to stdout");
					return 1;
				}
			}
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(0, buf, sizeof(buf));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				in_open = false;
				if (o->shut_eof && !o->udp)
					shutdown(s, SHUT_WR);
				if (o->quit_ms >= 0)
					quit_at = nt_now_ms() + (uint64_t)o->quit_ms;
				continue;
			}
			last = nt_now_ms();
			if (write_all(s, buf, (size_t)r, true)) {
				nt_perr("write to the network");
				return 1;
			}
		}
	}
}

static int parse_ports(const char *s, uint16_t *lo, uint16_t *hi)
{
	char tmp[16];
	char *dash;

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	dash = strchr(tmp, '-');
	if (dash)
		*dash = '\0';
	if (nt_parse_port(tmp, lo))
		return -1;
	*hi = *lo;
	if (dash && (nt_parse_port(dash + 1, hi) || *hi < *lo))
		return -1;
	return 0;
}

static int do_connect(const struct nc_opts *o, const char *host, const char *ports)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	uint16_t lo, hi;
	unsigned p;
	int err, open_ports = 0;

	if (parse_ports(ports, &lo, &hi) || (!o->scan && lo != hi)) {
		nt_err("bad port: %s", ports);
		return 1;
	}
	err = nt_resolve_host(host, &sa.sin_addr);
	if (err) {
		nt_err("%s: %s", host, nt_resolve_strerror(err));
		return 1;
	}
	for (p = lo; p <= hi; p++) {
		int s = socket(AF_INET, (o->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

		if (s < 0) {
			nt_perr("socket");
			return 1;
		}
		sa.sin_port = htons((uint16_t)p);
		err = connect_to(s, &sa, o->timeout_ms);
		if (err) {
			if (o->verbose || !o->scan)
				nt_err("connect to %s port %u (%s) failed: %s", host, p,
				       o->udp ? "udp" : "tcp", strerror(-err));
			close(s);
			continue;
		}
		open_ports++;
		if (o->verbose)
			fprintf(stderr, "Connection to %s %u port [%s/*] succeeded!\n", host, p,
				o->udp ? "udp" : "tcp");
		if (!o->scan) {
			int rc = relay(s, o);

			close(s);
			return rc;
		}
		close(s);
	}
	return open_ports ? 0 : 1;
}

static int do_listen(const struct nc_opts *o, const char *host, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	socklen_t sl = sizeof(sa);
	int s, c, one = 1, rc;

	if (host && nt_parse_ipv4(host, &sa.sin_addr)) {
		nt_err("bad local address: %s", host);
		return 1;
	}
	s = socket(AF_INET, (o->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (s < 0) {
		nt_perr("socket");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		nt_perr("bind to port %u", port);
		return 1;
	}
	if (o->udp) {
		char b[1];

		/* The first datagram's sender becomes the peer. */
		if (recvfrom(s, b, sizeof(b), MSG_PEEK, (struct sockaddr *)&sa, &sl) < 0 ||
		    connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			nt_perr("udp listen");
			return 1;
		}
		c = s;
	} else {
		if (listen(s, 1) < 0) {
			nt_perr("listen");
			return 1;
		}
		if (o->verbose)
			fprintf(stderr, "Listening on 0.0.0.0 %u\n", port);
		c = accept(s, (struct sockaddr *)&sa, &sl);
		if (c < 0) {
			nt_perr("accept");
			return 1;
		}
		close(s);
	}
	if (o->verbose) {
		char a[16];

		inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
		fprintf(stderr, "Connection received on %s %u\n", a, ntohs(sa.sin_port));
	}
	rc = relay(c, o);
	close(c);
	return rc;
}

int main(int argc, char **argv)
{
	struct nc_opts o = {.quit_ms = -1, .timeout_ms = -1};
	const char *lport = NULL;
	uint64_t ms;
	uint16_t port;
	int opt, nargs;

	nt_prog = "nc";
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "lp:uw:zNq:vn")) != -1) {
		switch (opt) {
		case 'l':
			o.listen = true;
			break;
		case 'p':
			lport = optarg;
			break;
		case 'u':
			o.udp = true;
			break;
		case 'w':
			if (nt_parse_secs_ms(optarg, 86400, &ms) || ms == 0) {
				nt_err("bad timeout: %s", optarg);
				return 1;
			}
			o.timeout_ms = (long)ms;
			break;
		case 'q':
			if (nt_parse_secs_ms(optarg, 86400, &ms)) {
				nt_err("bad quit delay: %s", optarg);
				return 1;
			}
			o.quit_ms = (long)ms;
			break;
		case 'z':
			o.scan = true;
			break;
		case 'N':
			o.shut_eof = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'n':
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	nargs = argc - optind;
	if (o.listen) {
		const char *host = NULL, *ps = lport;

		if (nargs == 2 && !lport) {
			host = argv[optind];
			ps = argv[optind + 1];
		} else if (nargs == 1 && !lport) {
			ps = argv[optind];
		} else if (nargs == 1 && lport) {
			host = argv[optind];
		} else if (nargs != 0) {
			usage(stderr);
			return 1;
		}
		if (!ps || nt_parse_port(ps, &port)) {
			nt_err("listening needs a port (1-65535)");
			return 1;
		}
		return do_listen(&o, host, port);
	}
	if (nargs != 2) {
		usage(stderr);
		return 1;
	}
	return do_connect(&o, argv[optind], argv[optind + 1]);
}
