/*
 * top: a refreshing process table from procfs (/proc/stat for the CPU
 * total, /proc/<pid>/stat for each process: proc(5) fields 3 state,
 * 14 utime, 15 stime, 24 rss), sorted by CPU use over the last interval.
 * On a tty it redraws in place and quits on 'q' (the terminal goes to
 * non-canonical mode and is restored on exit); -b prints frames one after
 * another, -n stops after N frames, -d sets the delay.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

struct top_proc {
	int pid;
	char state;
	char comm[64];
	unsigned long long ticks; /* utime + stime */
	unsigned long long rss_pages;
	unsigned uid;
	double cpu;
};

struct top_frame {
	struct top_proc *v;
	size_t n;
	unsigned long long total; /* all jiffies of all CPUs */
	int ncpu;
};

static int slurp_path(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static void top_sample(struct top_frame *f)
{
	char buf[4096];
	f->n = 0;
	f->total = 0;
	f->ncpu = 0;
	if (slurp_path("/proc/stat", buf, sizeof(buf)) > 0) {
		unsigned long long v;
		char *p = buf + 3;
		while (*p == ' ' || isdigit((unsigned char)*p)) {
			char *end;
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			f->total += v;
			p = end;
		}
		for (char *l = strstr(buf, "\ncpu"); l; l = strstr(l + 1, "\ncpu"))
			f->ncpu++;
	}
	if (f->ncpu == 0)
		f->ncpu = 1;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	size_t cap = 0;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (slurp_path(path, buf, sizeof(buf)) <= 0)
			continue;
		char *op = strchr(buf, '('), *cp = strrchr(buf, ')');
		if (!op || !cp)
			continue;
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->v = realloc(f->v, cap * sizeof(*f->v));
			if (!f->v)
				exit(1);
		}
		struct top_proc *t = &f->v[f->n];
		memset(t, 0, sizeof(*t));
		t->pid = atoi(buf);
		*cp = '\0';
		snprintf(t->comm, sizeof(t->comm), "%s", op + 1);
		unsigned long long ut = 0, st = 0;
		sscanf(cp + 2,
		       "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
		       "%*d "
		       "%*u %*u %llu",
		       &t->state, &ut, &st, &t->rss_pages);
		t->ticks = ut + st;
		struct stat sb;
		snprintf(path, sizeof(path), "/proc/%s", e->d_name);
		t->uid = stat(path, &sb) == 0 ? (unsigned)sb.st_uid : 0;
		f->n++;
	}
	closedir(d);
}

static int by_cpu(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;
	if (x->cpu != y->cpu)
		return x->cpu > y->cpu ? -1 : 1;
	return x->pid - y->pid;
}

static void top_print(struct top_frame *now, const struct top_frame *prev, int rows, int tty)
{
	unsigned long long dt = now->total - prev->total;
	int running = 0, sleeping = 0, other = 0;
	for (size_t i = 0; i < now->n; i++) {
		struct top_proc *t = &now->v[i];
		unsigned long long before = 0;
		for (size_t k = 0; k < prev->n; k++)
			if (prev->v[k].pid == t->pid)
				before = prev->v[k].ticks;
		t->cpu = dt ? 100.0 * (double)(t->ticks - before) * now->ncpu / (double)dt : 0;
		if (t->state == 'R')
			running++;
		else if (t->state == 'S' || t->state == 'D' || t->state == 'I')
			sleeping++;
		else
			other++;
	}
	qsort(now->v, now->n, sizeof(*now->v), by_cpu);

	char buf[4096];
	double up = 0, la[3] = {0, 0, 0};
	if (slurp_path("/proc/uptime", buf, sizeof(buf)) > 0)
		up = strtod(buf, NULL);
	if (slurp_path("/proc/loadavg", buf, sizeof(buf)) > 0)
		sscanf(buf, "%lf %lf %lf", &la[0], &la[1], &la[2]);
	unsigned long long mt = 0, mf = 0;
	if (slurp_path("/proc/meminfo", buf, sizeof(buf)) > 0) {
		char *p = strstr(buf, "MemTotal:"), *q = strstr(buf, "MemFree:");
		mt = p ? strtoull(p + 9, NULL, 10) : 0;
		mf = q ? strtoull(q + 8, NULL, 10) : 0;
	}
	time_t clock = time(NULL);
	struct tm tm;
	localtime_r(&clock, &tm);
	unsigned long long u = (unsigned long long)up;
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("top - %02d:%02d:%02d up %llu:%02llu, load average: %.2f, %.2f, %.2f\n", tm.tm_hour,
	       tm.tm_min, tm.tm_sec, u / 3600, u / 60 % 60, la[0], la[1], la[2]);
	printf("Tasks: %zu total, %d running, %d sleeping, %d other\n", now->n, running, sleeping,
	       other);
	printf("KiB Mem: %llu total, %llu free, %llu used\n\n", mt, mf, mt - mf);
	printf("%5s %-8s %s %5s %8s %9s %s\n", "PID", "USER", "S", "%CPU", "RES", "TIME",
	       "COMMAND");
	long page = sysconf(_SC_PAGESIZE) / 1024;
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	for (size_t i = 0; i < now->n && (rows <= 0 || (int)i < rows - 5); i++) {
		const struct top_proc *t = &now->v[i];
		struct passwd *pw = getpwuid(t->uid);
		char user[16];
		snprintf(user, sizeof(user), "%s", pw ? pw->pw_name : "");
		if (!pw)
			snprintf(user, sizeof(user), "%u", t->uid);
		unsigned long long s = t->ticks / (unsigned long long)hz;
		printf("%5d %-8.8s %c %5.1f %8llu %3llu:%02llu.%02llu %s\n", t->pid, user, t->state,
		       t->cpu, t->rss_pages * (unsigned long long)page, s / 60, s % 60,
		       t->ticks % (unsigned long long)hz * 100 / (unsigned long long)hz, t->comm);
	}
	fflush(stdout);
}

static struct termios saved_tio;
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int top_main(int argc, char **argv)
{
	static const char use[] = "[-b] [-n FRAMES] [-d SECONDS]";
	int batch = 0, c;
	long frames = -1;
	double delay = 3;
	while ((c = getopt(argc, argv, "bn:d:")) != -1) {
		char *end;
		if (c == 'b') {
			batch = 1;
		} else if (c == 'n') {
			frames = strtol(optarg, &end, 10);
			if (*end || frames <= 0) {
				tool_warn("bad frame count '%s'", optarg);
				return 1;
			}
		} else if (c == 'd') {
			delay = strtod(optarg, &end);
			if (*end || delay < 0) {
				tool_warn("bad delay '%s'", optarg);
				return 1;
			}
		} else {
			return tool_usage(1, use);
		}
	}
	if (optind < argc) {
		tool_warn("extra operand '%s'", argv[optind]);
		return tool_usage(1, use);
	}
	int tty = !batch && isatty(1);
	int keys = tty && isatty(0) && tcgetattr(0, &saved_tio) == 0;
	if (keys) {
		struct termios raw = saved_tio;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct top_frame a = {0}, b = {0}, *prev = &a, *now = &b;
	top_sample(prev);
	/* The first frame's CPU figures cover a short first interval. */
	struct timespec first = {0, 200 * 1000 * 1000};
	nanosleep(&first, NULL);
	for (long shown = 0; !stop_requested && (frames < 0 || shown < frames); shown++) {
		int rows = 0;
		struct winsize ws;
		if (tty && ioctl(1, TIOCGWINSZ, &ws) == 0)
			rows = ws.ws_row;
		top_sample(now);
		top_print(now, prev, rows, tty);
		struct top_frame *t = prev;
		prev = now;
		now = t;
		if (frames >= 0 && shown + 1 >= frames)
			break;
		if (batch || !tty)
			putchar('\n');
		struct pollfd pfd = {0, POLLIN, 0};
		int r = poll(keys ? &pfd : NULL, keys ? 1 : 0, (int)(delay * 1000));
		if (r > 0) {
			char ch;
			if (read(0, &ch, 1) == 1 && (ch == 'q' || ch == 'Q'))
				break;
		}
	}
	if (keys)
		tcsetattr(0, TCSANOW, &saved_tio);
	free(a.v);
	free(b.v);
	return 0;
}
