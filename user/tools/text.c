/*
 * Whole-file text tools: cat, head, tail (-f follows by polling once a
 * second), wc and tee. POSIX.1-2017 XCU gives the options and statuses:
 * 0 when every operand was processed, >0 (1) when any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

static int open_fd(const char *path)
{
	int fd;
	if (strcmp(path, "-") == 0)
		return 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		tool_warn_errno("%s", path);
	return fd;
}

static void close_fd(int fd)
{
	if (fd > 0)
		close(fd);
}

/* Parse a non-negative count; -1 when S is not one. */
static long long parse_count(const char *s)
{
	char *end;
	long long v;
	if (*s == '\0' || *s == '-')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	return v;
}

int cat_main(int argc, char **argv)
{
	static char *dash[] = {"-", NULL};
	int c, rc = 0;
	while ((c = getopt(argc, argv, "u")) != -1)
		if (c != 'u')
			return tool_usage(1, "[-u] [FILE]...");
	char **files = optind < argc ? argv + optind : dash;
	for (; *files; files++) {
		int fd = open_fd(*files);
		if (fd < 0) {
			rc = 1;
			continue;
		}
		if (copy_fd(fd, 1) < 0) {
			tool_warn_errno("%s", *files);
			rc = 1;
		}
		close_fd(fd);
	}
	return rc;
}

/* Read all of FD into a malloc'd buffer; NULL on error (errno set). */
static char *slurp(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/* Turn a legacy "-5" first argument into "-n5" (head and tail). */
static void legacy_count(int argc, char **argv, char *buf, size_t len)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		snprintf(buf, len, "-n%s", argv[1] + 1);
		argv[1] = buf;
	}
}

int head_main(int argc, char **argv)
{
	static const char use[] = "[-n LINES | -c BYTES] [FILE]...";
	static char *dash[] = {"-", NULL};
	char legacy[32];
	long long count = 10;
	int bytes = 0, c, rc = 0;

	legacy_count(argc, argv, legacy, sizeof(legacy));
	while ((c = getopt(argc, argv, "n:c:")) != -1) {
		if (c != 'n' && c != 'c')
			return tool_usage(1, use);
		count = parse_count(optarg);
		if (count < 0) {
			tool_warn("invalid number: '%s'", optarg);
			return 1;
		}
		bytes = c == 'c';
	}
	char **files = optind < argc ? argv + optind : dash;
	int many = argc - optind > 1, shown = 0;
	for (int i = 0; files[i]; i++) {
		int fd = open_fd(files[i]);
		if (fd < 0) {
			rc = 1;
			continue;
		}
		if (many)
			printf("%s==> %s <==\n", shown++ ? "\n" : "", files[i]);
		fflush(stdout);
		long long left = count;
		char buf[8192];
		while (left > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0) {
					tool_warn_errno("%s", files[i]);
					rc = 1;
				}
				break;
			}
			size_t take = 0;
			if (bytes) {
				take = (size_t)n < (unsigned long long)left ? (size_t)n
									    : (size_t)left;
				left -= (long long)take;
			} else {
				while (take < (size_t)n && left > 0)
					if (buf[take++] == '\n')
						left--;
			}
			write_all(1, buf, take);
		}
		close_fd(fd);
	}
	return rc;
}

/* Where the last COUNT lines (or bytes) of BUF begin; "+N" counts from the start. */
static size_t tail_start(const char *buf, size_t len, long long count, int bytes, int from_start)
{
	if (bytes) {
		if (from_start)
			return count > 0 && (size_t)(count - 1) < len ? (size_t)(count - 1)
								      : (count > 0 ? len : 0);
		return (size_t)count >= len ? 0 : len - (size_t)count;
	}
	if (from_start) {
		size_t i = 0;
		for (long long line = 1; line < count && i < len; i++)
			if (buf[i] == '\n')
				line++;
		return i;
	}
	size_t i = len;
	if (count == 0)
		return len;
	if (i > 0 && buf[i - 1] == '\n')
		i--; /* the last line's own newline does not start a line */
	while (i > 0) {
		if (buf[i - 1] == '\n' && --count == 0)
			return i;
		i--;
	}
	return 0;
}

int tail_main(int argc, char **argv)
{
	static const char use[] = "[-f] [-n [+]LINES | -c [+]BYTES] [FILE]...";
	static char *dash[] = {"-", NULL};
	char legacy[32];
	long long count = 10;
	int bytes = 0, follow = 0, from_start = 0, c, rc = 0;

	legacy_count(argc, argv, legacy, sizeof(legacy));
	while ((c = getopt(argc, argv, "fn:c:")) != -1) {
		if (c == 'f') {
			follow = 1;
			continue;
		}
		if (c != 'n' && c != 'c')
			return tool_usage(1, use);
		const char *s = optarg;
		from_start = *s == '+';
		count = parse_count(s + (*s == '+'));
		if (count < 0) {
			tool_warn("invalid number: '%s'", optarg);
			return 1;
		}
		bytes = c == 'c';
	}
	char **files = optind < argc ? argv + optind : dash;
	int many = argc - optind > 1, last_fd = -1, shown = 0;
	for (int i = 0; files[i]; i++) {
		int fd = open_fd(files[i]);
		size_t len;
		if (fd < 0) {
			rc = 1;
			continue;
		}
		char *buf = slurp(fd, &len);
		if (!buf) {
			tool_warn_errno("%s", files[i]);
			rc = 1;
			close_fd(fd);
			continue;
		}
		if (many)
			printf("%s==> %s <==\n", shown++ ? "\n" : "", files[i]);
		fflush(stdout);
		size_t at = tail_start(buf, len, count, bytes, from_start);
		write_all(1, buf + at, len - at);
		free(buf);
		if (follow && !files[i + 1] && fd != 0) {
			last_fd = fd;
			break;
		}
		close_fd(fd);
	}
	if (last_fd < 0)
		return rc;
	/* -f: poll for growth once a second until killed (POSIX leaves the interval open). */
	for (;;) {
		char buf[8192];
		ssize_t n = read(last_fd, buf, sizeof(buf));
		if (n > 0) {
			write_all(1, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno != EINTR) {
			tool_warn_errno("read");
			return 1;
		}
		sleep(1);
	}
}

struct wc_counts {
	unsigned long long lines, words, bytes;
};

static void wc_print(const struct wc_counts *c, int flags, int w, const char *name)
{
	const char *sep = "";
	if (flags & 1) {
		printf("%*llu", w, c->lines);
		sep = " ";
	}
	if (flags & 2) {
		printf("%s%*llu", sep, w, c->words);
		sep = " ";
	}
	if (flags & 4)
		printf("%s%*llu", sep, w, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int wc_main(int argc, char **argv)
{
	static char *dash[] = {"-", NULL};
	struct wc_counts total = {0, 0, 0};
	int flags = 0, c, rc = 0;

	while ((c = getopt(argc, argv, "lwcm")) != -1) {
		switch (c) {
		case 'l':
			flags |= 1;
			break;
		case 'w':
			flags |= 2;
			break;
		case 'c':
		case 'm':
			flags |= 4;
			break;
		default:
			return tool_usage(1, "[-c|-m] [-lw] [FILE]...");
		}
	}
	if (!flags)
		flags = 7;
	int named = optind < argc;
	char **files = named ? argv + optind : dash;
	/*
	 * Column width as GNU wc: the digits of the regular operands' total
	 * size, at least 7 when an operand is not a regular file, and no
	 * padding for a single count of a single operand.
	 */
	int w = 1;
	if (!((flags == 1 || flags == 2 || flags == 4) && !files[1])) {
		unsigned long long sum = 0;
		int irregular = 0;
		for (char **f = files; *f; f++) {
			struct stat st;
			if (strcmp(*f, "-") ? stat(*f, &st) == 0 && S_ISREG(st.st_mode)
					    : fstat(0, &st) == 0 && S_ISREG(st.st_mode))
				sum += (unsigned long long)st.st_size;
			else if (!strcmp(*f, "-") || stat(*f, &st) == 0)
				irregular = 1;
		}
		for (unsigned long long v = sum; v >= 10; v /= 10)
			w++;
		if (irregular && w < 7)
			w = 7;
	}
	for (; *files; files++) {
		struct wc_counts n = {0, 0, 0};
		int fd = open_fd(*files), inword = 0;
		char buf[16384];
		ssize_t r;
		if (fd < 0) {
			rc = 1;
			continue;
		}
		while ((r = read(fd, buf, sizeof(buf))) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				tool_warn_errno("%s", *files);
				rc = 1;
				break;
			}
			n.bytes += (unsigned long long)r;
			for (ssize_t i = 0; i < r; i++) {
				unsigned char ch = (unsigned char)buf[i];
				int space = ch == ' ' || (ch >= '\t' && ch <= '\r');
				if (ch == '\n')
					n.lines++;
				/* As GNU wc in the C locale: printable characters start words, other non-blanks neither start nor end one. */
				if (space) {
					inword = 0;
				} else if (ch >= 0x20 && ch < 0x7f && !inword) {
					n.words++;
					inword = 1;
				}
			}
		}
		close_fd(fd);
		wc_print(&n, flags, w, named ? *files : NULL);
		total.lines += n.lines;
		total.words += n.words;
		total.bytes += n.bytes;
	}
	if (argc - optind > 1)
		wc_print(&total, flags, w, "total");
	return rc;
}

int tee_main(int argc, char **argv)
{
	int append = 0, c, rc = 0, nfd = 0;
	while ((c = getopt(argc, argv, "ai")) != -1) {
		if (c == 'a')
			append = 1;
		else if (c == 'i')
			signal(SIGINT, SIG_IGN);
		else
			return tool_usage(1, "[-ai] [FILE]...");
	}
	int *fds = calloc((size_t)(argc - optind) + 1, sizeof(int));
	const char **names = calloc((size_t)(argc - optind) + 1, sizeof(char *));
	if (!fds || !names)
		return 1;
	names[nfd] = "stdout";
	fds[nfd++] = 1;
	for (int i = optind; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
		if (fd < 0) {
			tool_warn_errno("%s", argv[i]);
			rc = 1;
			continue;
		}
		names[nfd] = argv[i];
		fds[nfd++] = fd;
	}
	char buf[8192];
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				tool_warn_errno("read");
				rc = 1;
			}
			break;
		}
		for (int i = 0; i < nfd; i++) {
			if (fds[i] >= 0 && write_all(fds[i], buf, (size_t)n) < 0) {
				tool_warn_errno("%s", names[i]);
				fds[i] = -1;
				rc = 1;
			}
		}
	}
	free(fds);
	free(names);
	return rc;
}
