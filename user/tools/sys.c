/*
 * Process and system tools: env, id, whoami, uname, date, yes, sync,
 * clear, kill, ps, free and uptime. ps, free and uptime read procfs
 * (/proc/<pid>/stat and cmdline, /proc/meminfo, /proc/uptime,
 * /proc/loadavg); the field layout is Linux's proc(5).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

extern char **environ;

int env_main(int argc, char **argv)
{
	static const char use[] = "[-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]";
	int c;
	while ((c = getopt(argc, argv, "+iu:")) != -1) {
		if (c == 'i')
			clearenv();
		else if (c == 'u')
			unsetenv(optarg);
		else
			return tool_usage(125, use);
	}
	/* "env -" is "env -i" (POSIX, obsolescent). */
	if (optind < argc && !strcmp(argv[optind], "-")) {
		clearenv();
		optind++;
	}
	for (; optind < argc && strchr(argv[optind], '='); optind++) {
		if (putenv(argv[optind]) != 0) {
			tool_warn_errno("%s", argv[optind]);
			return 125;
		}
	}
	if (optind >= argc) {
		for (char **e = environ; e && *e; e++)
			puts(*e);
		return 0;
	}
	execvp(argv[optind], argv + optind);
	int err = errno;
	tool_warn_errno("'%s'", argv[optind]);
	return err == ENOENT ? 127 : 126;
}

static void id_name(unsigned id, int group, int name_only)
{
	const char *n = NULL;
	if (group) {
		struct group *g = getgrgid(id);
		n = g ? g->gr_name : NULL;
	} else {
		struct passwd *p = getpwuid(id);
		n = p ? p->pw_name : NULL;
	}
	if (name_only)
		printf("%s", n ? n : "");
	if (name_only && !n)
		printf("%u", id);
	else if (!name_only)
		printf("%u", id);
}

int id_main(int argc, char **argv)
{
	static const char use[] = "[-G|-g|-u] [-nr] [USER]";
	int only = 0, names = 0, real = 0, c;
	while ((c = getopt(argc, argv, "Ggunr")) != -1) {
		if (c == 'G' || c == 'g' || c == 'u') {
			if (only && only != c)
				return tool_usage(1, use);
			only = c;
		} else if (c == 'n') {
			names = 1;
		} else if (c == 'r') {
			real = 1;
		} else {
			return tool_usage(1, use);
		}
	}
	uid_t uid = real ? getuid() : geteuid();
	gid_t gid = real ? getgid() : getegid();
	gid_t groups[256];
	int ng;
	if (optind < argc) {
		struct passwd *pw = getpwnam(argv[optind]);
		if (!pw) {
			tool_warn("'%s': no such user", argv[optind]);
			return 1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		ng = 256;
		if (getgrouplist(pw->pw_name, gid, groups, &ng) < 0)
			ng = 0;
	} else {
		ng = getgroups(256, groups);
		if (ng < 0)
			ng = 0;
		int have = 0;
		for (int i = 0; i < ng; i++)
			have |= groups[i] == gid;
		if (!have && ng < 256) {
			memmove(groups + 1, groups, (size_t)ng * sizeof(gid_t));
			groups[0] = gid;
			ng++;
		}
	}
	if ((names || real) && !only) {
		tool_warn("cannot print only names or real IDs in default format");
		return 1;
	}
	if (only == 'u' || only == 'g') {
		id_name(only == 'u' ? uid : gid, only == 'g', names);
		putchar('\n');
		return 0;
	}
	if (only == 'G') {
		for (int i = 0; i < ng; i++) {
			if (i)
				putchar(' ');
			id_name(groups[i], 1, names);
		}
		putchar('\n');
		return 0;
	}
	struct passwd *pw = getpwuid(uid);
	struct group *gr = getgrgid(gid);
	printf("uid=%u", (unsigned)uid);
	if (pw)
		printf("(%s)", pw->pw_name);
	printf(" gid=%u", (unsigned)gid);
	if (gr)
		printf("(%s)", gr->gr_name);
	printf(" groups=");
	for (int i = 0; i < ng; i++) {
		struct group *g = getgrgid(groups[i]);
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
		if (g)
			printf("(%s)", g->gr_name);
	}
	putchar('\n');
	return 0;
}

int whoami_main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		tool_warn("extra operand '%s'", argv[1]);
		return tool_usage(1, "");
	}
	struct passwd *pw = getpwuid(geteuid());
	if (!pw) {
		tool_warn("cannot find name for user ID %u", (unsigned)geteuid());
		return 1;
	}
	puts(pw->pw_name);
	return 0;
}

int uname_main(int argc, char **argv)
{
	enum { S = 1, N = 2, R = 4, V = 8, M = 16 };
	int which = 0, c;
	while ((c = getopt(argc, argv, "asnrvm")) != -1) {
		switch (c) {
		case 'a':
			which = S | N | R | V | M;
			break;
		case 's':
			which |= S;
			break;
		case 'n':
			which |= N;
			break;
		case 'r':
			which |= R;
			break;
		case 'v':
			which |= V;
			break;
		case 'm':
			which |= M;
			break;
		default:
			return tool_usage(1, "[-asnrvm]");
		}
	}
	if (optind < argc) {
		tool_warn("extra operand '%s'", argv[optind]);
		return tool_usage(1, "[-asnrvm]");
	}
	if (!which)
		which = S;
	struct utsname u;
	if (uname(&u) < 0) {
		tool_warn_errno("uname");
		return 1;
	}
	const char *parts[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
	int first = 1;
	for (int i = 0; i < 5; i++) {
		if (!(which & (1 << i)))
			continue;
		printf("%s%s", first ? "" : " ", parts[i]);
		first = 0;
	}
	putchar('\n');
	return 0;
}

int date_main(int argc, char **argv)
{
	static const char use[] = "[-u] [-d @EPOCH] [+FORMAT]";
	const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
	time_t when = time(NULL);
	int c;
	while ((c = getopt(argc, argv, "ud:")) != -1) {
		if (c == 'u') {
			setenv("TZ", "UTC0", 1);
		} else if (c == 'd') {
			char *end;
			if (optarg[0] != '@' || !optarg[1] ||
			    (when = (time_t)strtoll(optarg + 1, &end, 10), *end)) {
				tool_warn("invalid date '%s' (only @EPOCH)", optarg);
				return 1;
			}
		} else {
			return tool_usage(1, use);
		}
	}
	if (optind < argc) {
		if (argv[optind][0] != '+' || optind + 1 < argc) {
			tool_warn("invalid operand '%s' (setting the clock is not supported)",
				  argv[optind]);
			return tool_usage(1, use);
		}
		fmt = argv[optind] + 1;
	}
	tzset();
	struct tm tm;
	localtime_r(&when, &tm);
	char buf[1024];
	size_t n = strftime(buf, sizeof(buf), fmt, &tm);
	if (n == 0 && *fmt) {
		tool_warn("format too long");
		return 1;
	}
	puts(buf);
	return 0;
}

int yes_main(int argc, char **argv)
{
	char buf[8192];
	size_t len = 0;
	/* The line repeated to fill a buffer, so each write(2) carries many. */
	char line[4096];
	size_t ll = 0;
	if (argc < 2) {
		line[ll++] = 'y';
	} else {
		for (int i = 1; i < argc && ll < sizeof(line) - 2; i++) {
			int n = snprintf(line + ll, sizeof(line) - ll - 1, "%s%s", i > 1 ? " " : "",
					 argv[i]);
			ll += (size_t)n < sizeof(line) - ll - 1 ? (size_t)n : sizeof(line) - ll - 2;
		}
	}
	line[ll++] = '\n';
	while (len + ll <= sizeof(buf)) {
		memcpy(buf + len, line, ll);
		len += ll;
	}
	for (;;)
		if (write_all(1, buf, len) < 0) {
			if (errno == EPIPE)
				return 1;
			tool_warn_errno("standard output");
			return 1;
		}
}

int sync_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sync();
	return 0;
}

int clear_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Home, erase the screen and the scrollback (xterm's E3). */
	fputs("\033[H\033[2J\033[3J", stdout);
	return 0;
}

static const char *const signames[] = {
	NULL,	"HUP",	"INT",	"QUIT", "ILL",	  "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
	"SEGV", "USR2", "PIPE", "ALRM", "TERM",	  "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN",
	"TTOU", "URG",	"XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS",
};
#define NSIGNAMES ((int)(sizeof(signames) / sizeof(signames[0])))

static int signum(const char *s)
{
	char *end;
	if (isdigit((unsigned char)*s)) {
		long v = strtol(s, &end, 10);
		return *end || v < 0 || v > 64 ? -1 : (int)v;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < NSIGNAMES; i++)
		if (!strcasecmp(s, signames[i]))
			return i;
	return -1;
}

int kill_main(int argc, char **argv)
{
	static const char use[] = "[-s SIGNAL | -SIGNAL] PID... | -l [STATUS]";
	int sig = SIGTERM, i = 1, rc = 0;
	if (argc < 2) {
		tool_warn("missing operand");
		return tool_usage(2, use);
	}
	if (!strcmp(argv[1], "-l") || !strcmp(argv[1], "-L")) {
		if (argc > 2) {
			/* A number (or an exit status 128+N) gives the name; a name gives the number. */
			int n = atoi(argv[2]);
			if (isdigit((unsigned char)argv[2][0])) {
				if (n > 128)
					n -= 128;
				if (n <= 0 || n >= NSIGNAMES) {
					tool_warn("unknown signal '%s'", argv[2]);
					return 1;
				}
				puts(signames[n]);
			} else {
				n = signum(argv[2]);
				if (n < 0) {
					tool_warn("unknown signal '%s'", argv[2]);
					return 1;
				}
				printf("%d\n", n);
			}
			return 0;
		}
		for (int k = 1; k < NSIGNAMES; k++)
			printf("%2d) SIG%-8s%s", k, signames[k], k % 5 == 0 ? "\n" : "\t");
		putchar('\n');
		return 0;
	}
	if (!strcmp(argv[1], "-s") || !strcmp(argv[1], "-n")) {
		if (argc < 3)
			return tool_usage(2, use);
		sig = signum(argv[2]);
		i = 3;
	} else if (argv[1][0] == '-' && argv[1][1] && strcmp(argv[1], "--")) {
		sig = signum(argv[1] + 1);
		i = 2;
	} else if (!strcmp(argv[1], "--")) {
		i = 2;
	}
	if (sig < 0) {
		tool_warn("unknown signal '%s'", argv[i - 1]);
		return tool_usage(2, use);
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		tool_warn("missing process id");
		return tool_usage(2, use);
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*end || end == argv[i]) {
			tool_warn("invalid process id '%s'", argv[i]);
			rc = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			tool_warn_errno("(%ld)", pid);
			rc = 1;
		}
	}
	return rc;
}

/* Read a small file whole; NULL when it cannot be read. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;
	while (buf && (r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

int ps_main(int argc, char **argv)
{
	int c;
	/* Every process is listed; -e, -A, -a, -f and -x are accepted for habit's sake. */
	while ((c = getopt(argc, argv, "eAafx")) != -1)
		if (!strchr("eAafx", c))
			return tool_usage(1, "[-eAafx]");
	DIR *d = opendir("/proc");
	if (!d) {
		tool_warn_errno("/proc");
		return 1;
	}
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	printf("%5s %5s %-8s %s %8s %s\n", "PID", "PPID", "USER", "S", "TIME", "CMD");
	struct dirent *e;
	int pids[4096], n = 0;
	while ((e = readdir(d)) && n < 4096)
		if (isdigit((unsigned char)e->d_name[0]))
			pids[n++] = atoi(e->d_name);
	closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (pids[j] < pids[i]) {
				int t = pids[i];
				pids[i] = pids[j];
				pids[j] = t;
			}
	for (int i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		char *st = read_small(path, NULL);
		if (!st)
			continue; /* it exited meanwhile */
		/* "pid (comm) state ppid ..." where comm may hold spaces and parentheses. */
		char *open_p = strchr(st, '('), *close_p = strrchr(st, ')');
		if (!open_p || !close_p) {
			free(st);
			continue;
		}
		*close_p = '\0';
		char state = '?';
		long ppid = 0;
		unsigned long long ut = 0, stt = 0;
		sscanf(close_p + 2, "%c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state,
		       &ppid, &ut, &stt);
		struct stat sb;
		snprintf(path, sizeof(path), "/proc/%d", pids[i]);
		const char *user = "?";
		char uidbuf[16];
		if (stat(path, &sb) == 0) {
			struct passwd *pw = getpwuid(sb.st_uid);
			snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)sb.st_uid);
			user = pw ? pw->pw_name : uidbuf;
		}
		unsigned long long secs = (ut + stt) / (unsigned long long)hz;
		char cmd[256];
		size_t clen = 0;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pids[i]);
		char *cl = read_small(path, &clen);
		if (cl && clen > 0) {
			/* Arguments are joined by spaces; control bytes (a newline in a
			 * `sh -c` script, say) show as '?', so one process is one line. */
			for (size_t k = 0; k + 1 < clen; k++)
				if (cl[k] == '\0')
					cl[k] = ' ';
				else if ((unsigned char)cl[k] < 0x20 || cl[k] == 0x7f)
					cl[k] = '?';
			snprintf(cmd, sizeof(cmd), "%s", cl);
		} else {
			snprintf(cmd, sizeof(cmd), "[%s]", open_p + 1);
		}
		free(cl);
		printf("%5d %5ld %-8.8s %c %02llu:%02llu:%02llu %s\n", pids[i], ppid, user, state,
		       secs / 3600, secs / 60 % 60, secs % 60, cmd);
		free(st);
	}
	return 0;
}

/* The kB value of KEY in /proc/meminfo text, 0 when absent. */
static unsigned long long meminfo(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return strtoull(p + kl + 1, NULL, 10);
	return 0;
}

int free_main(int argc, char **argv)
{
	int c, shift = 0, human = 0;
	while ((c = getopt(argc, argv, "bkmh")) != -1) {
		if (c == 'b')
			shift = -10;
		else if (c == 'k')
			shift = 0;
		else if (c == 'm')
			shift = 10;
		else if (c == 'h')
			human = 1;
		else
			return tool_usage(1, "[-b|-k|-m|-h]");
	}
	char *m = read_small("/proc/meminfo", NULL);
	if (!m) {
		tool_warn_errno("/proc/meminfo");
		return 1;
	}
	unsigned long long total = meminfo(m, "MemTotal"), fr = meminfo(m, "MemFree");
	unsigned long long buffers = meminfo(m, "Buffers"), cached = meminfo(m, "Cached");
	unsigned long long shared = meminfo(m, "Shmem"), avail = meminfo(m, "MemAvailable");
	unsigned long long stotal = meminfo(m, "SwapTotal"), sfree = meminfo(m, "SwapFree");
	free(m);
	if (!avail)
		avail = fr + buffers + cached;
	unsigned long long used = total - fr - buffers - cached;
	if (used > total)
		used = total - fr;
	unsigned long long v[] = {total,  used,		  fr,	shared, buffers + cached, avail,
				  stotal, stotal - sfree, sfree};
	char s[9][32];
	for (int i = 0; i < 9; i++) {
		if (human)
			fmt_human(v[i] * 1024, s[i], sizeof(s[i]));
		else if (shift < 0)
			snprintf(s[i], sizeof(s[i]), "%llu", v[i] * 1024);
		else
			snprintf(s[i], sizeof(s[i]), "%llu", v[i] >> shift);
	}
	printf("%15s %11s %11s %11s %11s %11s\n", "total", "used", "free", "shared", "buff/cache",
	       "available");
	printf("Mem:   %11s %11s %11s %11s %11s %11s\n", s[0], s[1], s[2], s[3], s[4], s[5]);
	printf("Swap:  %11s %11s %11s\n", s[6], s[7], s[8]);
	return 0;
}

int uptime_main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return tool_usage(1, "");
	char *u = read_small("/proc/uptime", NULL);
	if (!u) {
		tool_warn_errno("/proc/uptime");
		return 1;
	}
	unsigned long long up = strtoull(u, NULL, 10);
	free(u);
	char *l = read_small("/proc/loadavg", NULL);
	double la[3] = {0, 0, 0};
	if (l)
		sscanf(l, "%lf %lf %lf", &la[0], &la[1], &la[2]);
	free(l);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	unsigned long long days = up / 86400, hours = up / 3600 % 24, mins = up / 60 % 60;
	if (days)
		printf("%llu day%s, ", days, days == 1 ? "" : "s");
	if (hours)
		printf("%2llu:%02llu, ", hours, mins);
	else
		printf("%llu min, ", mins);
	printf(" load average: %.2f, %.2f, %.2f\n", la[0], la[1], la[2]);
	return 0;
}
