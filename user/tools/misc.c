/*
 * Small tools: true, false, basename, dirname, seq and sleep (POSIX.1-2017
 * XCU; seq as GNU's, which POSIX does not define).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools.h"

int true_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int false_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}

int basename_main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		tool_warn(argc < 2 ? "missing operand" : "extra operand '%s'", argv[argc - 1]);
		return tool_usage(1, "STRING [SUFFIX]");
	}
	char *s = argv[1];
	size_t len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		len--;
	s[len] = '\0';
	char *b = len > 1 ? strrchr(s, '/') : NULL;
	b = b ? b + 1 : s;
	if (argc == 3) {
		size_t bl = strlen(b), sl = strlen(argv[2]);
		if (sl < bl && strcmp(b + bl - sl, argv[2]) == 0)
			b[bl - sl] = '\0';
	}
	puts(b);
	return 0;
}

int dirname_main(int argc, char **argv)
{
	if (argc != 2) {
		tool_warn(argc < 2 ? "missing operand" : "extra operand '%s'", argv[argc - 1]);
		return tool_usage(1, "STRING");
	}
	char *s = argv[1];
	size_t len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		len--;
	while (len > 0 && s[len - 1] != '/')
		len--;
	if (len == 0) {
		puts(".");
		return 0;
	}
	while (len > 1 && s[len - 1] == '/')
		len--;
	printf("%.*s\n", (int)len, s);
	return 0;
}

static int parse_ll(const char *s, long long *v)
{
	char *end;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && !errno ? 0 : -1;
}

int seq_main(int argc, char **argv)
{
	static const char use[] = "[-s SEP] [FIRST [INCR]] LAST";
	const char *sep = "\n";
	long long v[3] = {1, 1, 0};
	int c;
	/* Stop at the first operand so "seq -5 -1" has negative numbers. */
	while (optind < argc &&
	       !(argv[optind][0] == '-' && argv[optind][1] >= '0' && argv[optind][1] <= '9') &&
	       (c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's')
			return tool_usage(1, use);
		sep = optarg;
	}
	int n = argc - optind;
	if (n < 1 || n > 3) {
		tool_warn(n < 1 ? "missing operand" : "extra operand");
		return tool_usage(1, use);
	}
	long long got[3];
	for (int i = 0; i < n; i++) {
		if (parse_ll(argv[optind + i], &got[i]) < 0) {
			tool_warn("invalid integer argument: '%s'", argv[optind + i]);
			return 1;
		}
	}
	if (n == 1)
		v[2] = got[0];
	else if (n == 2)
		v[0] = got[0], v[2] = got[1];
	else
		v[0] = got[0], v[1] = got[1], v[2] = got[2];
	if (v[1] == 0) {
		tool_warn("invalid zero increment");
		return 1;
	}
	int first = 1;
	for (long long x = v[0]; v[1] > 0 ? x <= v[2] : x >= v[2]; x += v[1]) {
		printf("%s%lld", first ? "" : sep, x);
		first = 0;
	}
	if (!first)
		putchar('\n');
	return 0;
}

int sleep_main(int argc, char **argv)
{
	double total = 0;
	if (argc < 2) {
		tool_warn("missing operand");
		return tool_usage(1, "SECONDS[smhd]...");
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		errno = 0;
		double v = strtod(argv[i], &end);
		double mul = 1;
		if (*end == 's')
			end++;
		else if (*end == 'm')
			mul = 60, end++;
		else if (*end == 'h')
			mul = 3600, end++;
		else if (*end == 'd')
			mul = 86400, end++;
		if (end == argv[i] || *end || errno || v < 0) {
			tool_warn("invalid time interval '%s'", argv[i]);
			return 1;
		}
		total += v * mul;
	}
	struct timespec ts = {(time_t)total, (long)((total - (double)(time_t)total) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}
