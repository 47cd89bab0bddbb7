/*
 * dmesg: print or control the kernel log through syslog(2) (klogctl), as
 * util-linux's dmesg does without /dev/kmsg:
 *   dmesg [-r]       READ_ALL; each record's "<N>" level prefix is stripped
 *                    unless -r
 *   dmesg -c         READ_CLEAR (print, then clear)
 *   dmesg -C         CLEAR only
 *   dmesg -n LEVEL   CONSOLE_LEVEL (fmt.c log_console_level)
 * Reading is open to everyone on our kernel (Linux's dmesg_restrict=0);
 * clearing and the console level need root, and a refusal is reported
 * with util-linux's wording and status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "tools.h"

#define SYSLOG_ACTION_READ_ALL	    3
#define SYSLOG_ACTION_READ_CLEAR    4
#define SYSLOG_ACTION_CLEAR	    5
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_BUFFER   10

/* Write buf's records to stdout, without their level prefixes unless raw. */
static int print_log(const char *buf, size_t n, int raw)
{
	size_t i = 0;

	if (raw)
		return write_all(1, buf, n);
	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - buf) + 1 : n;
		int level;
		size_t skip = log_prefix_len(buf + i, end - i, &level);

		if (write_all(1, buf + i + skip, end - i - skip))
			return -1;
		i = end;
	}
	/* A last record cut short still ends its line. */
	if (n && buf[n - 1] != '\n')
		return write_all(1, "\n", 1);
	return 0;
}

int dmesg_main(int argc, char **argv)
{
	int c, raw = 0, action = SYSLOG_ACTION_READ_ALL, level = 0;
	int size, n;
	char *buf;

	while ((c = getopt(argc, argv, "cCn:r")) != -1) {
		switch (c) {
		case 'c':
			action = SYSLOG_ACTION_READ_CLEAR;
			break;
		case 'C':
			action = SYSLOG_ACTION_CLEAR;
			break;
		case 'n':
			action = SYSLOG_ACTION_CONSOLE_LEVEL;
			level = log_console_level(optarg);
			if (level < 0) {
				tool_warn("unknown level '%s'", optarg);
				return tool_usage(1, "[-c|-C|-r] [-n LEVEL]");
			}
			break;
		case 'r':
			raw = 1;
			break;
		default:
			return tool_usage(1, "[-c|-C|-r] [-n LEVEL]");
		}
	}
	if (optind < argc) {
		tool_warn("extra operand '%s'", argv[optind]);
		return tool_usage(1, "[-c|-C|-r] [-n LEVEL]");
	}
	if (action == SYSLOG_ACTION_CLEAR) {
		if (klogctl(action, NULL, 0) < 0) {
			tool_warn_errno("clear kernel buffer failed");
			return 1;
		}
		return 0;
	}
	if (action == SYSLOG_ACTION_CONSOLE_LEVEL) {
		if (klogctl(action, NULL, level) < 0) {
			tool_warn_errno("klogctl failed");
			return 1;
		}
		return 0;
	}
	size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (size < 16 * 1024)
		size = 16 * 1024; /* the call may be refused; READ_ALL says why */
	buf = malloc((size_t)size);
	if (!buf) {
		tool_warn_errno("cannot allocate %d bytes", size);
		return 1;
	}
	n = klogctl(action, buf, size);
	if (n < 0) {
		tool_warn_errno("read kernel buffer failed");
		free(buf);
		return 1;
	}
	if (print_log(buf, (size_t)n, raw)) {
		tool_warn_errno("write error");
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}
