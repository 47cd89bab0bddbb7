/*
 * conform's harness: the group table, one forked child per group, the
 * counters, and the ok/not ok lines (see conform.h for the format).
 *
 *   conform [GROUP...]        run the named groups, or every group
 *   conform --list            print the group names
 *   conform --exit N          exit with status N at once (exec targets)
 *   conform --print WORDS     print the words, for exec cases to check
 *   conform --fd N            exit 0 if descriptor N is open, else 1
 *   conform --pid             print "pid P ppid Q"
 */
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

/* Seconds a group may take on its own (a hang elsewhere is caught by the
 * integration test's timeout, since alarm needs working signals). */
#define GROUP_TIMEOUT 300

struct counts {
	int num, pass, fail, skip;
};

static const struct {
	const char *name;
	void (*run)(void);
} groups[] = {
	{"files", group_files}, {"fs", group_fs},	    {"proc", group_proc},
	{"creds", group_creds}, {"signals", group_signals}, {"mem", group_mem},
	{"pipes", group_pipes}, {"threads", group_threads}, {"faults", group_faults},
	{"time", group_time},	{"system", group_system},   {"unix", group_unix},
	{"tty", group_tty},	{"storm", group_storm},
};

const char *t_self = "/bin/conform";
static struct counts cnt;
static const char *cur_group = "?";
static int report_fd = -1;
static char scratch[128];

static void out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void report(void)
{
	if (report_fd >= 0 && write(report_fd, &cnt, sizeof(cnt)) < 0)
		report_fd = -1;
}

static void line(const char *status, const char *name, const char *sep, const char *fmt, va_list ap)
{
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "%s %d %s/%s", status, cnt.num, cur_group, name);

	if (fmt && n < (int)sizeof(buf)) {
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", sep);
		if (n < (int)sizeof(buf))
			n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	}
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	out(buf, (size_t)n);
}

void t_pass(const char *name)
{
	va_list ap;

	cnt.num++;
	cnt.pass++;
	line("ok", name, "", NULL, ap);
	report();
}

void t_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	cnt.num++;
	cnt.fail++;
	va_start(ap, fmt);
	line("not ok", name, ": ", fmt, ap);
	va_end(ap);
	report();
}

void t_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	cnt.num++;
	cnt.skip++;
	va_start(ap, fmt);
	line("ok", name, " # SKIP ", fmt, ap);
	va_end(ap);
	report();
}

void t_note(const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = snprintf(buf, sizeof(buf), "# %s: ", cur_group);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	out(buf, (size_t)n);
}

const char *t_errname(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{0, "0"},
		{EPERM, "EPERM"},
		{ENOENT, "ENOENT"},
		{ESRCH, "ESRCH"},
		{EINTR, "EINTR"},
		{EIO, "EIO"},
		{ENXIO, "ENXIO"},
		{E2BIG, "E2BIG"},
		{ENOEXEC, "ENOEXEC"},
		{EBADF, "EBADF"},
		{ECHILD, "ECHILD"},
		{EAGAIN, "EAGAIN"},
		{ENOMEM, "ENOMEM"},
		{EACCES, "EACCES"},
		{EFAULT, "EFAULT"},
		{ENOTBLK, "ENOTBLK"},
		{EBUSY, "EBUSY"},
		{EEXIST, "EEXIST"},
		{EXDEV, "EXDEV"},
		{ENODEV, "ENODEV"},
		{ENOTDIR, "ENOTDIR"},
		{EISDIR, "EISDIR"},
		{EINVAL, "EINVAL"},
		{ENFILE, "ENFILE"},
		{EMFILE, "EMFILE"},
		{ENOTTY, "ENOTTY"},
		{ETXTBSY, "ETXTBSY"},
		{EFBIG, "EFBIG"},
		{ENOSPC, "ENOSPC"},
		{ESPIPE, "ESPIPE"},
		{EROFS, "EROFS"},
		{EMLINK, "EMLINK"},
		{EPIPE, "EPIPE"},
		{ERANGE, "ERANGE"},
		{ENAMETOOLONG, "ENAMETOOLONG"},
		{ENOSYS, "ENOSYS"},
		{ENOTEMPTY, "ENOTEMPTY"},
		{ELOOP, "ELOOP"},
		{ETIMEDOUT, "ETIMEDOUT"},
		{ENOTSOCK, "ENOTSOCK"},
		{EOPNOTSUPP, "EOPNOTSUPP"},
		{EADDRINUSE, "EADDRINUSE"},
		{ECONNREFUSED, "ECONNREFUSED"},
		{ENOTCONN, "ENOTCONN"},
		{EISCONN, "EISCONN"},
		{EAFNOSUPPORT, "EAFNOSUPPORT"},
		{EPROTONOSUPPORT, "EPROTONOSUPPORT"},
		{EDESTADDRREQ, "EDESTADDRREQ"},
		{EMSGSIZE, "EMSGSIZE"},
		{EPROTOTYPE, "EPROTOTYPE"},
	};
	static char other[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(other, sizeof(other), "%d", e);
	return other;
}

const char *t_status(int status)
{
	static char buf[4][48];
	static int slot;
	char *b = buf[slot++ % 4];

	if (WIFEXITED(status))
		snprintf(b, 48, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(b, 48, "signal %d", WTERMSIG(status));
	else if (WIFSTOPPED(status))
		snprintf(b, 48, "stopped %d", WSTOPSIG(status));
	else
		snprintf(b, 48, "status 0x%x", status);
	return b;
}

int t_child(int (*fn)(void *), void *arg, int uid)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		report_fd = -1;
		if (uid >= 0) {
			gid_t g = TEST_GID;
			/* setgroups may be refused where setuid works; only
			 * setuid decides whether the case can run. */
			(void)setgroups(1, &g);
			(void)setgid(TEST_GID);
			if (setuid((uid_t)uid) < 0 || getuid() != (uid_t)uid)
				_exit(CHILD_NOSETUID);
		}
		_exit(fn(arg) & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

void t_as_user(const char *name, int (*fn)(void *), void *arg, int want)
{
	int st;

	if (geteuid() != 0) {
		/* The fixtures of these cases are root's files. */
		t_skip(name, "not root: the fixtures belong to this user");
		return;
	}
	st = t_child(fn, arg, TEST_UID);
	if (st == -1) {
		t_fail(name, "fork/wait failed (errno %s)", t_errname(errno));
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_NOSETUID) {
		t_skip(name, "cannot setuid(%d): setuid not available yet", TEST_UID);
	} else if (!WIFEXITED(st)) {
		t_fail(name, "expected %s got child %s", t_errname(want), t_status(st));
	} else if (WEXITSTATUS(st) != want) {
		t_fail(name, "expected -1 (%s) as uid %d got errno %s", t_errname(want), TEST_UID,
		       t_errname(WEXITSTATUS(st)));
	} else {
		t_pass(name);
	}
}

void t_run(const char *name, int (*fn)(char *msg), int timeout_ms)
{
	char msg[T_MSG];
	int p[2], st = 0, waited = 0;
	pid_t pid, r;
	ssize_t n;

	if (pipe(p) < 0) {
		t_fail(name, "pipe failed (errno %s)", t_errname(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		t_fail(name, "fork failed (errno %s)", t_errname(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		int rc;
		close(p[0]);
		report_fd = -1;
		memset(msg, 0, sizeof(msg));
		rc = fn(msg);
		msg[T_MSG - 1] = 0;
		if (write(p[1], msg, strlen(msg)) < 0)
			rc = 1;
		_exit(rc);
	}
	close(p[1]);
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && waited < timeout_ms) {
		usleep(5000);
		waited += 5;
	}
	if (r == 0) {
		kill(pid, SIGKILL);
		/* Reap it if the kill worked; do not wait for ever if not. */
		for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
			usleep(10000);
		close(p[0]);
		t_fail(name, "expected to finish got a hang: killed after %d ms", timeout_ms);
		return;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	close(p[0]);
	if (r < 0)
		t_fail(name, "waitpid failed (errno %s)", t_errname(errno));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		t_pass(name);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		t_skip(name, "%s", msg);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		t_fail(name, "%s", msg[0] ? msg : "failed");
	else
		t_fail(name, "expected the case to finish got %s%s%s", t_status(st),
		       msg[0] ? ": " : "", msg);
}

void t_idle(int max_s)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (pause() < 0 && errno != EINTR)
			usleep(100000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < max_s);
	_exit(99);
}

const char *t_scratch(void)
{
	return scratch;
}

const char *t_path(const char *leaf)
{
	/* Each call gets its own copy: cases keep paths across many calls.
	 * The few bytes leaked per case do not matter in a test program. */
	char *b = malloc(strlen(scratch) + strlen(leaf) + 2);

	if (!b)
		return "/nonexistent-out-of-memory";
	sprintf(b, "%s/%s", scratch, leaf);
	return b;
}

/* rm -r of the scratch directory, one level of subdirectories deep is
 * enough for what the groups leave (they clean most things themselves). */
static void remove_tree(const char *path, int depth)
{
	if (depth > 4)
		return;
	/* Make everything writable again first: cases chmod things away. */
	chmod(path, 0755);
	if (rmdir(path) == 0 || unlink(path) == 0)
		return;
	{
		int fd = open(path, O_RDONLY | O_DIRECTORY);
		char dbuf[4096];
		long n;

		if (fd < 0)
			return;
		while ((n = syscall(217 /* getdents64 */, fd, dbuf, sizeof(dbuf))) > 0) {
			for (long off = 0; off < n;) {
				unsigned short reclen = *(unsigned short *)(dbuf + off + 16);
				const char *nm = dbuf + off + 19;
				if (strcmp(nm, ".") && strcmp(nm, "..")) {
					char sub[512];
					snprintf(sub, sizeof(sub), "%s/%s", path, nm);
					remove_tree(sub, depth + 1);
				}
				off += reclen;
			}
		}
		close(fd);
	}
	rmdir(path);
}

static int run_group(int gi)
{
	int p[2], status;
	pid_t pid;
	struct counts got = cnt, c;

	if (pipe(p) < 0) {
		cur_group = groups[gi].name;
		t_fail("harness", "pipe failed (errno %s)", t_errname(errno));
		return -1;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	pid = fork();
	if (pid < 0) {
		cur_group = groups[gi].name;
		t_fail("harness", "fork failed (errno %s)", t_errname(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		cur_group = groups[gi].name;
		alarm(GROUP_TIMEOUT);
		snprintf(scratch, sizeof(scratch), "/tmp/conform.%d.%s", (int)getpid(), cur_group);
		umask(022);
		if (mkdir(scratch, 0755) < 0)
			t_fail("scratch", "mkdir %s failed (errno %s)", scratch, t_errname(errno));
		groups[gi].run();
		if (chdir("/") == 0)
			remove_tree(scratch, 0);
		_exit(0);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	while (read(p[0], &c, sizeof(c)) == (ssize_t)sizeof(c))
		got = c;
	close(p[0]);
	cnt = got;
	cur_group = groups[gi].name;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("group_exit", "expected exit 0 got %s", t_status(status));
	return 0;
}

int main(int argc, char **argv)
{
	int ran = 0;

	if (argc >= 3 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "--print") == 0) {
		for (int i = 2; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--fd") == 0)
		return fcntl(atoi(argv[2]), F_GETFD) < 0;
	if (argc >= 2 && strcmp(argv[1], "--pid") == 0) {
		printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			printf("%s\n", groups[i].name);
		return 0;
	}
	if (argv[0][0] == '/')
		t_self = argv[0];
	else if (access("/bin/conform", X_OK) != 0) {
		static char self[256];
		/* On a host the binary is wherever it was built. */
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = 0;
			t_self = self;
		}
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], groups[i].name) == 0)
				wanted = 1;
		if (!wanted)
			continue;
		ran++;
		run_group((int)i);
	}
	for (int a = 1; a < argc; a++) {
		int known = 0;
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			known |= strcmp(argv[a], groups[i].name) == 0;
		if (!known) {
			fprintf(stderr, "conform: no group '%s' (try --list)\n", argv[a]);
			return 2;
		}
	}
	{
		char buf[120];
		int n = snprintf(buf, sizeof(buf), "conform: %d passed, %d failed, %d skipped\n",
				 cnt.pass, cnt.fail, cnt.skip);
		out(buf, (size_t)n);
	}
	return cnt.fail ? 1 : (ran ? 0 : 2);
}
