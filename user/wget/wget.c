/*
 * wget: HTTP/1.1 GET of one URL to a file or stdout (RFC 9110/9112), with
 * the Host header, Content-Length and chunked bodies, and up to
 * --max-redirect (default 5) redirects. Parsing is nt_http.c's (pure,
 * bounds-checked, fuzzed). Output goes to -O FILE, stdout with -O -, or
 * the URL's last path segment (index.html for a directory); the file is
 * only created once a 2xx answer came. docs/nettools.md.
 * Exit status, as GNU wget's: 0 ok, 1 usage or local error, 4 network
 * failure (resolve, connect, timeout, a body cut short), 7 malformed
 * reply, 8 the server answered with an error status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_http.h"
#include "nt_util.h"

#define EXIT_LOCAL    1
#define EXIT_NETWORK  4
#define EXIT_PROTOCOL 7
#define EXIT_SERVER   8

struct wget {
	const char *out_name; /* NULL: from the URL; "-": stdout */
	bool quiet;
	int timeout_ms;
	int max_redirect;
	int fd; /* the connection */
	int out;
	char *out_path;
	uint64_t written;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: wget [-q] [-O FILE] [-T SECONDS] [--max-redirect N] URL\n"
		   "  -O FILE  write to FILE (- for stdout)   -q quiet   -T network timeout "
		   "(default 60)\n"
		   "Only http:// URLs.\n");
}

static void info(const struct wget *w, const char *fmt, const char *a, const char *b)
{
	if (!w->quiet) {
		fprintf(stderr, fmt, a, b);
		fputc('\n', stderr);
	}
}

/* recv with the timeout: bytes, 0 at EOF, -1 with errno. */
static ssize_t net_read(struct wget *w, void *buf, size_t len)
{
	struct pollfd p = {.fd = w->fd, .events = POLLIN};
	int n;

	do
		n = poll(&p, 1, w->timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (n < 0)
		return -1;
	return recv(w->fd, buf, len, 0);
}

static int open_conn(struct wget *w, const struct nt_url *u)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(u->port)};
	struct pollfd p;
	int err, fl, soerr = 0;
	socklen_t sl = sizeof(soerr);
	char ip[16], hp[NT_URL_HOST_MAX + 8], ipp[24];

	err = nt_resolve_host(u->host, &sa.sin_addr);
	if (err) {
		nt_err("%s: %s", u->host, nt_resolve_strerror(err));
		return -1;
	}
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	snprintf(hp, sizeof(hp), "%s:%u", u->host, u->port);
	snprintf(ipp, sizeof(ipp), "%s:%u", ip, u->port);
	info(w, "Connecting to %s (%s)", hp, ipp);
	w->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (w->fd < 0) {
		nt_perr("socket");
		return -1;
	}
	fl = fcntl(w->fd, F_GETFL);
	fcntl(w->fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(w->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			nt_perr("can't connect to %s", ipp);
			return -1;
		}
		p = (struct pollfd){.fd = w->fd, .events = POLLOUT};
		if (poll(&p, 1, w->timeout_ms) <= 0) {
			nt_err("can't connect to %s: timed out", ipp);
			return -1;
		}
		if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			errno = soerr ? soerr : errno;
			nt_perr("can't connect to %s", ipp);
			return -1;
		}
	}
	fcntl(w->fd, F_SETFL, fl);
	return 0;
}

static int send_request(struct wget *w, const struct nt_url *u)
{
	static char req[NT_URL_PATH_MAX + NT_URL_HOST_MAX + 256];
	int n;
	size_t off = 0;

	if (u->port_given && u->port != 80)
		n = snprintf(req, sizeof(req),
			     "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: Wget/1.0 (nettools)\r\n"
			     "Accept: */*\r\nConnection: close\r\n\r\n",
			     u->path, u->host, u->port);
	else
		n = snprintf(req, sizeof(req),
			     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Wget/1.0 (nettools)\r\n"
			     "Accept: */*\r\nConnection: close\r\n\r\n",
			     u->path, u->host);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		nt_err("request too long");
		return -1;
	}
	while (off < (size_t)n) {
		ssize_t s = send(w->fd, req + off, (size_t)n - off, MSG_NOSIGNAL);

		if (s < 0) {
			if (errno == EINTR)
				continue;
			nt_perr("send");
			return -1;
		}
		off += (size_t)s;
	}
	return 0;
}

static const char *default_name(const struct nt_url *u)
{
	static char name[256];
	size_t end = strcspn(u->path, "?"), start = end;

	while (start > 0 && u->path[start - 1] != '/')
		start--;
	if (end == start || end - start >= sizeof(name) ||
	    (end - start <= 2 && u->path[start] == '.'))
		return "index.html";
	memcpy(name, u->path + start, end - start);
	name[end - start] = '\0';
	return name;
}

static int open_output(struct wget *w, const struct nt_url *u)
{
	const char *name = w->out_name ? w->out_name : default_name(u);

	if (!strcmp(name, "-")) {
		w->out = 1;
		return 0;
	}
	w->out = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->out < 0) {
		nt_perr("can't open '%s'", name);
		return -1;
	}
	w->out_path = strdup(name);
	info(w, "saving to '%s'%s", name, "");
	return 0;
}

static int put(struct wget *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(w->out, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			nt_perr("write");
			return -1;
		}
		p += n;
		len -= (size_t)n;
		w->written += (uint64_t)n;
	}
	return 0;
}

/* The body; `have` bytes of it already in buf. Returns an exit status. */
static int body(struct wget *w, const struct nt_http_resp *r, uint8_t *buf, size_t size,
		size_t have)
{
	struct nt_chunked ch = {0};
	uint64_t left = r->length;

	for (;;) {
		ssize_t n;

		if (r->chunked) {
			size_t out, used;
			int st = nt_chunked_decode(&ch, buf, have, &out, &used);

			if (st < 0) {
				nt_err("malformed chunked encoding");
				return EXIT_PROTOCOL;
			}
			if (put(w, buf, out))
				return EXIT_LOCAL;
			if (st == 1)
				return 0;
		} else if (r->has_length) {
			size_t take = have < left ? have : (size_t)left;

			if (put(w, buf, take))
				return EXIT_LOCAL;
			left -= take;
			if (!left)
				return 0;
		} else if (put(w, buf, have)) {
			return EXIT_LOCAL;
		}
		n = net_read(w, buf, size);
		if (n < 0) {
			nt_perr("read error");
			return EXIT_NETWORK;
		}
		if (n == 0) {
			if (!r->chunked && !r->has_length)
				return 0;
			nt_err("connection closed early: got %lu bytes%s",
			       (unsigned long)w->written,
			       r->chunked ? " (chunked body not finished)" : "");
			return EXIT_NETWORK;
		}
		have = (size_t)n;
	}
}

/* One request; *next is set for a redirect. Returns an exit status, or
 * -1 to follow *next. */
static int fetch(struct wget *w, const struct nt_url *u, struct nt_url *next)
{
	static uint8_t buf[NT_HTTP_HEAD_MAX + 1];
	struct nt_http_resp r;
	size_t have = 0;
	int head;

	if (open_conn(w, u) || send_request(w, u))
		return EXIT_NETWORK;
	for (;;) {
		ssize_t n;

		head = nt_http_parse_head((const char *)buf, have, &r);
		if (head > 0 && r.status >= 100 && r.status < 200) {
			/* 100 Continue and other interim answers: skip. */
			memmove(buf, buf + head, have - (size_t)head);
			have -= (size_t)head;
			continue;
		}
		if (head != 0)
			break;
		n = net_read(w, buf + have, NT_HTTP_HEAD_MAX - have);
		if (n < 0) {
			nt_perr("read error");
			return EXIT_NETWORK;
		}
		if (n == 0) {
			nt_err("server closed the connection without a complete answer");
			return have ? EXIT_PROTOCOL : EXIT_NETWORK;
		}
		have += (size_t)n;
	}
	if (head < 0) {
		nt_err("malformed HTTP reply%s", head == -E2BIG ? " (header too long)" : "");
		return EXIT_PROTOCOL;
	}
	if (r.status >= 300 && r.status < 400 && r.status != 304 && r.status != 305) {
		if (!r.location[0]) {
			nt_err("redirect (%d) without a Location", r.status);
			return EXIT_PROTOCOL;
		}
		if (nt_url_resolve(u, r.location, next)) {
			nt_err("bad redirect target: %s", r.location);
			return EXIT_PROTOCOL;
		}
		info(w, "Location: %s [following]%s", r.location, "");
		return -1;
	}
	if (r.status < 200 || r.status >= 300) {
		nt_err("server returned error: HTTP/1.%d %d %s", r.minor, r.status, r.reason);
		return EXIT_SERVER;
	}
	if (open_output(w, u))
		return EXIT_LOCAL;
	if (!nt_http_has_body(r.status))
		return 0;
	return body(w, &r, buf + head, NT_HTTP_HEAD_MAX, have - (size_t)head);
}

int main(int argc, char **argv)
{
	struct wget w = {.timeout_ms = 60000, .max_redirect = 5, .fd = -1, .out = -1};
	static struct nt_url urls[2];
	const char *url = NULL;
	int i, rc, hops = 0, cur = 0;

	nt_prog = "wget";
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long v;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-q")) {
			w.quiet = true;
		} else if (!strcmp(a, "-O") && i + 1 < argc) {
			w.out_name = argv[++i];
		} else if (!strncmp(a, "-O", 2) && a[2]) {
			w.out_name = a + 2;
		} else if (!strcmp(a, "-T") && i + 1 < argc) {
			if (nt_parse_ulong(argv[++i], 1, 3600, &v)) {
				nt_err("bad timeout: %s", argv[i]);
				return EXIT_LOCAL;
			}
			w.timeout_ms = (int)v * 1000;
		} else if (!strcmp(a, "--max-redirect") && i + 1 < argc) {
			if (nt_parse_ulong(argv[++i], 0, 20, &v)) {
				nt_err("bad redirect count: %s", argv[i]);
				return EXIT_LOCAL;
			}
			w.max_redirect = (int)v;
		} else if (a[0] == '-' && a[1]) {
			nt_err("unknown option %s", a);
			usage(stderr);
			return EXIT_LOCAL;
		} else if (!url) {
			url = a;
		} else {
			usage(stderr);
			return EXIT_LOCAL;
		}
	}
	if (!url) {
		usage(stderr);
		return EXIT_LOCAL;
	}
	rc = nt_url_parse(url, &urls[0]);
	if (rc == -EPROTONOSUPPORT) {
		nt_err("%s: only http:// URLs are supported", url);
		return EXIT_LOCAL;
	}
	if (rc) {
		nt_err("bad URL: %s", url);
		return EXIT_LOCAL;
	}
	for (;;) {
		rc = fetch(&w, &urls[cur], &urls[cur ^ 1]);
		if (w.fd >= 0) {
			close(w.fd);
			w.fd = -1;
		}
		if (rc != -1)
			break;
		cur ^= 1;
		if (++hops > w.max_redirect) {
			nt_err("too many redirects (%d)", hops);
			rc = EXIT_SERVER;
			break;
		}
	}
	if (w.out > 1) {
		if (close(w.out) < 0 && rc == 0) {
			nt_perr("close");
			rc = EXIT_LOCAL;
		}
		if (rc == 0)
			info(&w, "'%s' saved", w.out_path, "");
	}
	free(w.out_path);
	return rc;
}
