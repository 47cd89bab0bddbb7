/*
 * Diagnostics and I/O helpers shared by every tool: messages go to stderr
 * as "tool: ..." and usage errors print a one-line synopsis (POSIX
 * "Utility Argument Syntax"; exit statuses per utility, usually 1 or 2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

static void vwarn(const char *fmt, va_list ap, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	if (err >= 0)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, -1);
	va_end(ap);
}

void tool_warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, err);
	va_end(ap);
}

int tool_usage(int status, const char *usage)
{
	fprintf(stderr, "usage: %s %s\n", tool_name, usage);
	return status;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int copy_fd(int in, int out)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
	}
}

FILE *open_input(const char *path)
{
	FILE *f;
	if (strcmp(path, "-") == 0)
		return stdin;
	f = fopen(path, "r");
	if (!f)
		tool_warn_errno("%s", path);
	return f;
}

void close_input(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}
