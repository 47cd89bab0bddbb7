/*
 * /proc/<pid> from user space, checked the way ps and friends read it:
 * /proc/self names the caller, stat's fields line up (pid, comm, state,
 * ppid, pgrp) with what the system calls say, a child blocked in a pipe
 * read is 'S' with our pid as its PPid, an exec'd child shows its argv in
 * cmdline, its program in exe and comm, its pipe in fd/, its thread in
 * task/; once it exits it is a zombie 'Z' with an empty cmdline until
 * waited for, and then its directory is gone. With setuid(2) available a
 * non-root child is refused another user's environ, exe and fd/ (EACCES)
 * but may read its stat. Prints "proctest: all ok" and exits 0 when every
 * check passes; it passes on Linux too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond)) {                                 \
			printf("proctest: FAIL " __VA_ARGS__); \
			printf("\n");                          \
			failures++;                            \
		}                                              \
	} while (0)

/* The whole file into buf (NUL-terminated); its length or -errno. */
static int slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY), n = 0, r;

	if (fd < 0)
		return -errno;
	while ((size_t)n < size - 1 && (r = (int)read(fd, buf + n, size - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return n;
}

struct stat_line {
	int pid, ppid, pgrp;
	char comm[64], state;
	int nfields;
};

/* Split as procps does: comm runs to the last ')'. */
static int read_stat(int pid, struct stat_line *s)
{
	char path[64], buf[1024], *open_paren, *close_paren, *tok;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = slurp(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren)
		return -EINVAL;
	s->pid = atoi(buf);
	*close_paren = '\0';
	snprintf(s->comm, sizeof(s->comm), "%s", open_paren + 1);
	s->state = close_paren[2];
	s->nfields = 3;
	sscanf(close_paren + 4, "%d %d", &s->ppid, &s->pgrp);
	for (tok = strtok(close_paren + 4, " \n"); tok; tok = strtok(NULL, " \n"))
		s->nfields++;
	return 0;
}

/* Wait (up to ~5 s) until pid's state is `want`. */
static char wait_state(int pid, char want)
{
	struct stat_line s = {0};

	for (int i = 0; i < 500; i++) {
		if (read_stat(pid, &s) == 0 && s.state == want)
			break;
		usleep(10000);
	}
	return s.state;
}

static void check_self(void)
{
	char link[64], want[64], buf[4096];
	struct stat_line s;
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	CHECK(n > 0, "readlink /proc/self: %s", strerror(errno));
	if (n > 0) {
		link[n] = '\0';
		snprintf(want, sizeof(want), "%d", (int)getpid());
		CHECK(!strcmp(link, want), "/proc/self -> %s, pid %s", link, want);
	}
	CHECK(read_stat(getpid(), &s) == 0, "read /proc/<self>/stat");
	CHECK(s.pid == getpid() && s.ppid == getppid() && s.pgrp == getpgrp(),
	      "stat: pid %d ppid %d pgrp %d", s.pid, s.ppid, s.pgrp);
	CHECK(s.state == 'R', "own state %c", s.state);
	CHECK(s.nfields == 52, "stat has %d fields, not 52", s.nfields);
	CHECK(!strcmp(s.comm, "proctest"), "comm (%s)", s.comm);
	CHECK(slurp("/proc/self/status", buf, sizeof(buf)) > 0 &&
		      strstr(buf, "Name:\tproctest\n") && strstr(buf, "\nUid:\t"),
	      "status:\n%s", buf);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strstr(buf, "/proctest") != NULL), "exe -> %s",
	      n > 0 ? buf : strerror(errno));
	n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	CHECK(n > 0 && strstr(buf, "proctest") && buf[n - 1] == '\0', "cmdline");
}

static void check_child(const char *self_path)
{
	char path[64], buf[4096], link[256];
	int pfd[2], status, pid, n;
	struct stat_line s;
	DIR *d;
	struct dirent *e;
	int seen = 0;

	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		execl(self_path, self_path, "reader", "two words", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	CHECK(wait_state(pid, 'S') == 'S', "child blocked in read is not S");
	CHECK(read_stat(pid, &s) == 0 && s.ppid == getpid() && !strcmp(s.comm, "proctest"),
	      "child stat: ppid %d comm %s", s.ppid, s.comm);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = slurp(path, buf, sizeof(buf));
	CHECK(n == (int)(strlen(self_path) + 1 + 7 + 10) &&
		      !strcmp(buf + strlen(self_path) + 1, "reader") &&
		      !strcmp(buf + strlen(self_path) + 8, "two words"),
	      "child cmdline (%d bytes)", n);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", pid);
	n = (int)readlink(path, link, sizeof(link) - 1);
	CHECK(n > 6 && !strncmp(link, "pipe:[", 6), "child fd 0 -> %.*s", n > 0 ? n : 0, link);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	CHECK(d != NULL, "opendir %s", path);
	while (d && (e = readdir(d)))
		seen += atoi(e->d_name) == pid;
	if (d)
		closedir(d);
	CHECK(seen == 1, "task/ lists the thread %d times", seen);

	close(pfd[1]); /* the child reads EOF and exits */
	CHECK(wait_state(pid, 'Z') == 'Z', "exited child is not a zombie");
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	CHECK(slurp(path, buf, sizeof(buf)) == 0, "zombie cmdline not empty");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "wait");
	snprintf(path, sizeof(path), "/proc/%d", pid);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "reaped child still in /proc");
}

/* A non-root child looks at its root parent. */
static void check_permissions(void)
{
	int status, parent = getpid(), pid = fork();

	if (pid == 0) {
		char path[64], buf[256];
		int bad = 0;

		if (setuid(1000)) {
			printf("proctest: setuid: %s, permission checks skipped\n",
			       strerror(errno));
			_exit(0);
		}
		snprintf(path, sizeof(path), "/proc/%d/environ", parent);
		bad += open(path, O_RDONLY) != -1 || errno != EACCES;
		snprintf(path, sizeof(path), "/proc/%d/exe", parent);
		bad += readlink(path, buf, sizeof(buf)) != -1 || errno != EACCES;
		snprintf(path, sizeof(path), "/proc/%d/fd", parent);
		bad += opendir(path) != NULL || errno != EACCES;
		snprintf(path, sizeof(path), "/proc/%d/stat", parent);
		bad += slurp(path, buf, sizeof(buf)) <= 0;
		_exit(bad);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "non-root child: %d checks failed", WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "reader")) {
		char c;
		while (read(0, &c, 1) > 0)
			;
		return 7;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	check_self();
	{
		char exe[256];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = '\0';
		check_child(n > 0 ? exe : "/bin/proctest");
	}
	check_permissions();
	if (failures)
		printf("proctest: %d failures\n", failures);
	else
		printf("proctest: all ok\n");
	return failures != 0;
}
