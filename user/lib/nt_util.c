/*
 * Shared helpers of the network tools: messages, parsing of command-line
 * values, the clock, file reads and name resolution (see nt_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nt_resolv.h"
#include "nt_util.h"

const char *nt_prog = "nettool";

static void verr(const char *fmt, va_list ap, int e)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", nt_prog);
	vfprintf(stderr, fmt, ap);
	if (e)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
}

void nt_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap, 0);
	va_end(ap);
}

void nt_perr(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap, e);
	va_end(ap);
}

uint64_t nt_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t nt_now_ms(void)
{
	return nt_now_us() / 1000u;
}

char *nt_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			char *nb;

			if (cap > (64u << 20)) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail : {
	int e = errno;

	free(buf);
	close(fd);
	errno = e;
	return NULL;
}
}

int nt_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

int nt_parse_secs_ms(const char *s, unsigned long max_s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0, scale = 1000;
	bool digits = false;

	if (!s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		digits = true;
		if (whole > max_s)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			digits = true;
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
		}
	}
	if (*s || !digits || whole * 1000 + frac > (uint64_t)max_s * 1000)
		return -1;
	*ms = whole * 1000 + frac;
	return 0;
}

int nt_parse_ipv4(const char *s, struct in_addr *a)
{
	return inet_pton(AF_INET, s, a) == 1 ? 0 : -1;
}

int nt_parse_port(const char *s, uint16_t *port)
{
	unsigned long v;

	if (nt_parse_ulong(s, 1, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int nt_resolve_host(const char *name, struct in_addr *out)
{
	struct nt_answer ans;
	int err;

	if (nt_parse_ipv4(name, out) == 0)
		return 0;
	err = nt_resolve(name, NULL, &ans);
	if (err)
		return err;
	out->s_addr = htonl(ans.res.addrs[0]);
	return 0;
}

const char *nt_resolve_strerror(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENODATA:
		return "unknown host";
	case -ETIMEDOUT:
		return "name resolution timed out";
	case -ENETUNREACH:
		return "no name server";
	case -EINVAL:
		return "invalid host name";
	default:
		return strerror(-err);
	}
}
