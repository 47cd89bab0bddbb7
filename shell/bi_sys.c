/*
 * osh builtins about the shell process and its resources: umask, times
 * (XCU times: user and system time of the shell and of its children),
 * ulimit (getrlimit/setrlimit; -a lists every limit in busybox's format,
 * -H/-S pick the hard or soft limit, -f is the default, sizes in 1024-byte
 * or 512-byte blocks as the table says) and hash (the remembered PATH
 * lookups of exec.c; -r forgets them, and so does assigning PATH).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <unistd.h>

#include "sh.h"

char *exec_lookup(const char *cmd);

int bi_umask(int argc, char **argv)
{
	if (argc < 2) {
		mode_t m = umask(0);
		umask(m);
		printf("%04o\n", (unsigned)m);
		return 0;
	}
	char *end;
	long m = strtol(argv[1], &end, 8);
	if (*end || m < 0 || m > 0777) {
		sh_error("umask: %s: invalid mode", argv[1]);
		return 1;
	}
	umask(m);
	return 0;
}

static void put_time(clock_t t, long hz, const char *end)
{
	long ms = (long)((long long)t * 1000 / hz);
	printf("%ldm%ld.%03lds%s", ms / 60000, ms / 1000 % 60, ms % 1000, end);
}

int bi_times(int argc, char **argv)
{
	struct tms t;
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	times(&t);
	put_time(t.tms_utime, hz, " ");
	put_time(t.tms_stime, hz, "\n");
	put_time(t.tms_cutime, hz, " ");
	put_time(t.tms_cstime, hz, "\n");
	return 0;
}

static const struct limit {
	char opt;
	int res;
	int unit; /* bytes per counted unit */
	const char *name;
} limits[] = {
	{'c', RLIMIT_CORE, 512, "core file size (blocks)"},
	{'d', RLIMIT_DATA, 1024, "data seg size (kb)"},
	{'e', RLIMIT_NICE, 1, "scheduling priority"},
	{'f', RLIMIT_FSIZE, 512, "file size (blocks)"},
	{'i', RLIMIT_SIGPENDING, 1, "pending signals"},
	{'l', RLIMIT_MEMLOCK, 1024, "max locked memory (kb)"},
	{'m', RLIMIT_RSS, 1024, "max memory size (kb)"},
	{'n', RLIMIT_NOFILE, 1, "open files"},
	{'q', RLIMIT_MSGQUEUE, 1, "POSIX message queues (bytes)"},
	{'r', RLIMIT_RTPRIO, 1, "real-time priority"},
	{'s', RLIMIT_STACK, 1024, "stack size (kb)"},
	{'t', RLIMIT_CPU, 1, "cpu time (seconds)"},
	{'u', RLIMIT_NPROC, 1, "max user processes"},
	{'v', RLIMIT_AS, 1024, "virtual memory (kb)"},
	{'x', RLIMIT_LOCKS, 1, "file locks"},
};
#define NLIMITS (sizeof(limits) / sizeof(limits[0]))

static void print_limit(const struct limit *l, int hard, int with_name)
{
	struct rlimit rl;
	if (with_name)
		printf("%-32s(-%c) ", l->name, l->opt);
	if (getrlimit(l->res, &rl) < 0) {
		printf("error\n");
		return;
	}
	rlim_t v = hard ? rl.rlim_max : rl.rlim_cur;
	if (v == RLIM_INFINITY)
		printf("unlimited\n");
	else
		printf("%llu\n", (unsigned long long)(v / l->unit));
}

int bi_ulimit(int argc, char **argv)
{
	int hard = 0, soft = 0, all = 0, i = 1;
	const struct limit *l = &limits[3]; /* -f */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'H')
				hard = 1;
			else if (*o == 'S')
				soft = 1;
			else if (*o == 'a')
				all = 1;
			else {
				size_t k;
				for (k = 0; k < NLIMITS && limits[k].opt != *o; k++)
					;
				if (k == NLIMITS) {
					sh_error("ulimit: -%c: invalid option", *o);
					return 1;
				}
				l = &limits[k];
			}
		}
	}
	if (all) {
		for (size_t k = 0; k < NLIMITS; k++)
			print_limit(&limits[k], hard, 1);
		return 0;
	}
	if (i == argc) {
		print_limit(l, hard, 0);
		return 0;
	}
	rlim_t v;
	if (strcmp(argv[i], "unlimited") == 0) {
		v = RLIM_INFINITY;
	} else {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(argv[i], &end, 10);
		if (*end || end == argv[i] || errno || argv[i][0] == '-') {
			sh_error("ulimit: %s: bad number", argv[i]);
			return 1;
		}
		v = (rlim_t)n * l->unit;
	}
	struct rlimit rl;
	if (getrlimit(l->res, &rl) < 0) {
		sh_error("ulimit: %s", strerror(errno));
		return 1;
	}
	/* Neither -H nor -S: both, as POSIX and busybox do. */
	if (hard || !soft)
		rl.rlim_max = v;
	if (soft || !hard)
		rl.rlim_cur = v;
	if (setrlimit(l->res, &rl) < 0) {
		sh_error("ulimit: error setting limit (%s)", strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- hash: remembered command locations ---- */

struct hashed {
	char *name, *path;
	struct hashed *next;
};
static struct hashed *hashed;

void hash_clear(void)
{
	while (hashed) {
		struct hashed *h = hashed;
		hashed = h->next;
		free(h->name);
		free(h->path);
		free(h);
	}
}

const char *hash_lookup(const char *name)
{
	for (struct hashed *h = hashed; h; h = h->next)
		if (strcmp(h->name, name) == 0)
			return h->path;
	return NULL;
}

void hash_remember(const char *name, const char *path)
{
	for (struct hashed *h = hashed; h; h = h->next)
		if (strcmp(h->name, name) == 0) {
			free(h->path);
			h->path = strdup(path);
			return;
		}
	struct hashed *h = malloc(sizeof(*h));
	h->name = strdup(name);
	h->path = strdup(path);
	h->next = hashed;
	hashed = h;
}

int bi_hash(int argc, char **argv)
{
	int i = 1, st = 0;
	if (i < argc && strcmp(argv[i], "-r") == 0) {
		hash_clear();
		i++;
	}
	if (argc == 1) {
		for (struct hashed *h = hashed; h; h = h->next)
			printf("%s\n", h->path);
		return 0;
	}
	for (; i < argc; i++) {
		int special;
		if (strchr(argv[i], '/') || builtin_find(argv[i], &special))
			continue;
		char *p = exec_lookup(argv[i]); /* remembers what it finds */
		if (!p) {
			sh_error("hash: %s: not found", argv[i]);
			st = 1;
		}
		free(p);
	}
	return st;
}
