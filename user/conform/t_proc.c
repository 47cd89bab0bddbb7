/*
 * proc: process calls (fork, vfork, clone, execve, exit, wait4, pids,
 * sessions and groups, set_tid_address, arch_prctl, futex, sched_yield),
 * and storm: 1000 fork+exec+wait in a row. Exec targets are this binary
 * again (t_self) with a helper option from main.c.
 */
#include <fcntl.h>

#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

#define S		   syscall
#define ARCH_SET_FS	   0x1002
#define ARCH_GET_FS	   0x1003
#define FUTEX_WAIT	   0
#define FUTEX_WAKE	   1
#define FUTEX_PRIVATE_FLAG 128

extern char **environ;

/* Run argv (a program and its words) in a child with stdout on a pipe;
 * return the wait status and put what it printed in out. */
static int run_capture(char *const argv[], char *out, size_t size)
{
	int p[2], st = -1;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	out[0] = 0;
	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < size && (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return st;
}

static int exec_errno(const char *path, char *const *argv, char *const *envp)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		S(SYS_execve, path, argv, envp);
		_exit(errno);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void t_fork_wait(void)
{
	int st = 0;
	pid_t me = getpid(), pid;
	int p[2];

	T_TRUE("getpid", me > 0, "expected > 0 got %d", (int)me);
	T_EQ("gettid_is_pid", S(SYS_gettid), me);
	pipe(p);
	pid = S(SYS_fork);
	if (pid == 0) {
		int v[2] = {(int)getppid(), (int)getpid()};
		write(p[1], v, sizeof(v));
		_exit(7);
	}
	T_TRUE("fork", pid > 0, "expected a pid got %d (errno %s)", (int)pid, t_errname(errno));
	{
		int v[2] = {0, 0};
		read(p[0], v, sizeof(v));
		T_EQ("fork_child_getppid", v[0], me);
		T_EQ("fork_child_pid_matches", v[1], pid);
	}
	close(p[0]);
	close(p[1]);
	T_EQ("wait4", S(SYS_wait4, pid, &st, 0, NULL), pid);
	T_TRUE("wait4_status", WIFEXITED(st) && WEXITSTATUS(st) == 7, "expected exit 7 got %s",
	       t_status(st));
	T_ERR("wait4_reaped_echild", S(SYS_wait4, pid, &st, 0, NULL), ECHILD);
	T_ERR("wait4_no_children_echild", S(SYS_wait4, -1, &st, 0, NULL), ECHILD);
	T_ERR("wait4_einval_options", S(SYS_wait4, -1, &st, 0x100, NULL), EINVAL);

	/* WNOHANG on a running child, then the real wait with rusage. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	T_EQ("wait4_wnohang_running", S(SYS_wait4, pid, &st, WNOHANG, NULL), 0);
	T_ERR("wait4_not_child_echild", S(SYS_wait4, 1, &st, WNOHANG, NULL), ECHILD);
	close(p[1]);
	{
		struct rusage ru;
		T_EQ("wait4_rusage", S(SYS_wait4, -1, &st, 0, &ru), pid);
	}
	pid = fork();
	if (pid == 0)
		_exit(1);
	T_ERR("wait4_efault_status", S(SYS_wait4, pid, KADDR, 0, NULL), EFAULT);
	waitpid(pid, NULL, 0);
	pid = fork();
	if (pid == 0)
		exit(256 + 3);
	waitpid(pid, &st, 0);
	T_TRUE("exit_status_low_byte", WIFEXITED(st) && WEXITSTATUS(st) == 3,
	       "expected exit 3 got %s", t_status(st));
	pid = fork();
	if (pid == 0)
		S(SYS_exit_group, 9);
	waitpid(pid, &st, 0);
	T_TRUE("exit_group", WIFEXITED(st) && WEXITSTATUS(st) == 9, "expected exit 9 got %s",
	       t_status(st));
	pid = fork();
	if (pid == 0)
		S(SYS_exit, 4);
	waitpid(pid, &st, 0);
	T_TRUE("exit", WIFEXITED(st) && WEXITSTATUS(st) == 4, "expected exit 4 got %s",
	       t_status(st));

	/* Several children, reaped in any order with pid -1. */
	{
		int seen = 0, n = 0;
		for (int i = 0; i < 5; i++)
			if (fork() == 0)
				_exit(10 + i);
		while ((pid = waitpid(-1, &st, 0)) > 0) {
			n++;
			if (WIFEXITED(st) && WEXITSTATUS(st) >= 10 && WEXITSTATUS(st) < 15)
				seen |= 1 << (WEXITSTATUS(st) - 10);
		}
		T_TRUE("wait_any_five", n == 5 && seen == 31,
		       "expected 5 children got %d (mask %x)", n, seen);
	}

	/* vfork: the parent waits until the child exits. */
	{
		volatile int order = 0;
		pid = vfork();
		if (pid == 0) {
			order = 1;
			_exit(3);
		}
		waitpid(pid, &st, 0);
		T_TRUE("vfork", pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 3,
		       "expected exit 3 got pid %d %s", (int)pid, t_status(st));
		(void)order;
	}
	/* clone with fork's flags, as glibc's fork calls it. */
	pid = S(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(5);
	st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	T_TRUE("clone_as_fork", pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	       "expected exit 5 got pid %d %s (errno %s)", (int)pid, t_status(st),
	       t_errname(errno));
	/* posix_spawn: musl uses clone(CLONE_VM|CLONE_VFORK). */
	{
		char *argv[] = {(char *)t_self, "--exit", "6", NULL};
		int r = posix_spawn(&pid, t_self, NULL, NULL, argv, environ);
		st = 0;
		if (r == 0)
			waitpid(pid, &st, 0);
		T_TRUE("posix_spawn", r == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 6,
		       "expected exit 6 got %s (error %s)", t_status(st), t_errname(r));
	}
}

static void t_exec(void)
{
	char out[256], *argv[6];
	int st;

	argv[0] = (char *)t_self;
	argv[1] = "--print";
	argv[2] = "one";
	argv[3] = "two words";
	argv[4] = NULL;
	st = run_capture(argv, out, sizeof(out));
	T_TRUE("execve_argv",
	       WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(out, "one two words\n") == 0,
	       "expected 'one two words' got '%s' %s", out, t_status(st));
	argv[1] = "--exit";
	argv[2] = "42";
	argv[3] = NULL;
	st = run_capture(argv, out, sizeof(out));
	T_TRUE("execve_exit_status", WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "expected exit 42 got %s", t_status(st));
	{
		pid_t pid;
		int p[2];
		pipe(p);
		pid = fork();
		if (pid == 0) {
			char *a[] = {(char *)t_self, "--pid", NULL};
			char pidbuf[32];
			dup2(p[1], 1);
			snprintf(pidbuf, sizeof(pidbuf), "pid %d ", (int)getpid());
			write(p[1], pidbuf, 0);
			execve(t_self, a, environ);
			_exit(127);
		}
		close(p[1]);
		memset(out, 0, sizeof(out));
		read(p[0], out, sizeof(out) - 1);
		close(p[0]);
		waitpid(pid, &st, 0);
		{
			char want[64];
			snprintf(want, sizeof(want), "pid %d ppid %d\n", (int)pid, (int)getpid());
			T_TRUE("execve_keeps_pid", strcmp(out, want) == 0, "expected '%s' got '%s'",
			       want, out);
		}
	}
	{
		/* An O_CLOEXEC descriptor is gone after exec; a plain one stays. */
		int keep = open("/", O_RDONLY), drop = open("/", O_RDONLY | O_CLOEXEC);
		char kb[16], db[16];
		snprintf(kb, sizeof(kb), "%d", keep);
		snprintf(db, sizeof(db), "%d", drop);
		argv[1] = "--fd";
		argv[2] = kb;
		st = run_capture(argv, out, sizeof(out));
		T_TRUE("execve_keeps_fd", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		       "expected exit 0 got %s", t_status(st));
		argv[2] = db;
		st = run_capture(argv, out, sizeof(out));
		T_TRUE("execve_closes_cloexec", WIFEXITED(st) && WEXITSTATUS(st) == 1,
		       "expected exit 1 got %s", t_status(st));
		close(keep);
		close(drop);
	}
	{
		/* #! scripts: the interpreter gets its argument, then the script. */
		const char *script = t_path("script");
		char body[300];
		int fd = open(script, O_CREAT | O_WRONLY | O_TRUNC, 0755);
		snprintf(body, sizeof(body), "#!%s --print\n", t_self);
		write(fd, body, strlen(body));
		close(fd);
		argv[0] = (char *)script;
		argv[1] = "arg";
		argv[2] = NULL;
		st = run_capture(argv, out, sizeof(out));
		snprintf(body, sizeof(body), "%s arg\n", script);
		T_TRUE("execve_script", WIFEXITED(st) && strcmp(out, body) == 0,
		       "expected '%s' got '%s' %s", body, out, t_status(st));
	}
	{
		const char *junk = t_path("junk");
		int fd = open(junk, O_CREAT | O_WRONLY | O_TRUNC, 0755);
		char *a[] = {(char *)junk, NULL};
		write(fd,
		      "\x7f"
		      "ELF garbage that is not an ELF file at all......",
		      50);
		close(fd);
		T_EQ("execve_enoexec", exec_errno(junk, a, environ), ENOEXEC);
		fd = open(t_path("empty"), O_CREAT | O_WRONLY | O_TRUNC, 0755);
		close(fd);
		a[0] = (char *)t_path("empty");
		T_EQ("execve_empty_enoexec", exec_errno(a[0], a, environ), ENOEXEC);
		T_EQ("execve_enoent", exec_errno(t_path("missing"), a, environ), ENOENT);
		T_EQ("execve_dir_eacces", exec_errno(t_scratch(), a, environ), EACCES);
		T_EQ("execve_enotdir", exec_errno(t_path("junk/x"), a, environ), ENOTDIR);
		T_EQ("execve_efault_path", exec_errno(BADP, a, environ), EFAULT);
		T_EQ("execve_efault_argv", exec_errno(t_self, BADP, environ), EFAULT);
		T_EQ("execve_efault_argv_elem",
		     exec_errno(t_self, (char *[]){(char *)t_self, KADDR, NULL}, environ), EFAULT);
		T_EQ("execve_efault_envp", exec_errno(t_self, a, KADDR), EFAULT);
	}
}

static void t_ids_groups(void)
{
	pid_t pid;
	int st, p[2];

	T_EQ("getpgrp_is_getpgid0", S(SYS_getpgrp), S(SYS_getpgid, 0));
	T_EQ("getpgid_self", S(SYS_getpgid, getpid()), getpgrp());
	T_TRUE("getsid", S(SYS_getsid, 0) > 0, "expected > 0 (errno %s)", t_errname(errno));
	T_ERR("getpgid_esrch", S(SYS_getpgid, 999999), ESRCH);
	T_ERR("getsid_esrch", S(SYS_getsid, 999999), ESRCH);
	T_ERR("setpgid_einval", S(SYS_setpgid, 0, -1), EINVAL);
	T_ERR("setpgid_esrch", S(SYS_setpgid, 999999, 0), ESRCH);

	pipe(p);
	pid = fork();
	if (pid == 0) {
		int v[8];
		v[0] = S(SYS_setpgid, 0, 0);
		v[1] = getpgrp() == getpid();
		v[2] = S(SYS_setsid);
		v[3] = errno;
		v[4] = S(SYS_setsid);
		v[5] = errno;
		v[6] = S(SYS_getsid, 0) == getpid() || v[2] == getpid();
		v[7] = 0;
		write(p[1], v, sizeof(v));
		_exit(0);
	}
	{
		int v[8] = {0};
		read(p[0], v, sizeof(v));
		waitpid(pid, &st, 0);
		T_EQ("setpgid_self", v[0], 0);
		T_EQ("setpgid_effect", v[1], 1);
		/* The child is now a group leader, so setsid must fail. */
		T_TRUE("setsid_group_leader_eperm", v[2] == -1 && v[3] == EPERM,
		       "expected -1 (EPERM) got %d (errno %s)", v[2], t_errname(v[3]));
	}
	pid = fork();
	if (pid == 0) {
		int v[8];
		v[2] = S(SYS_setsid);
		v[3] = errno;
		v[4] = S(SYS_setsid);
		v[5] = errno;
		v[6] = S(SYS_getsid, 0);
		v[7] = getpgrp();
		v[0] = getpid();
		write(p[1], v, sizeof(v));
		_exit(0);
	}
	{
		int v[8] = {0};
		read(p[0], v, sizeof(v));
		waitpid(pid, &st, 0);
		T_EQ("setsid", v[2], v[0]);
		T_EQ("setsid_getsid", v[6], v[0]);
		T_EQ("setsid_new_group", v[7], v[0]);
		T_TRUE("setsid_twice_eperm", v[4] == -1 && v[5] == EPERM,
		       "expected -1 (EPERM) got %d (errno %s)", v[4], t_errname(v[5]));
	}
	/* The parent moves its child into a new group. */
	pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(0);
	}
	T_OK("setpgid_child", S(SYS_setpgid, pid, pid));
	T_EQ("getpgid_child", S(SYS_getpgid, pid), pid);
	write(p[1], "x", 1);
	waitpid(pid, &st, 0);

	/* An orphan is reparented away from its dead parent. */
	pid = fork();
	if (pid == 0) {
		pid_t mid = getpid();
		if (fork() == 0) {
			int v[2];
			while (getppid() == mid)
				usleep(1000);
			v[0] = getppid();
			v[1] = mid;
			write(p[1], v, sizeof(v));
			_exit(0);
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	{
		int v[2] = {0, 0};
		read(p[0], v, sizeof(v));
		T_TRUE("orphan_reparented", v[0] > 0 && v[0] != v[1] && v[0] != pid,
		       "expected a new parent got %d (old %d)", v[0], v[1]);
	}
	close(p[0]);
	close(p[1]);
}

static void t_misc(void)
{
	unsigned long fs = 0;
	int tid;

	T_OK("sched_yield", S(SYS_sched_yield));
	tid = S(SYS_set_tid_address, &tid);
	T_EQ("set_tid_address", tid, getpid());
	T_OK("arch_prctl_get_fs", S(SYS_arch_prctl, ARCH_GET_FS, &fs));
	T_TRUE("arch_prctl_fs_nonzero", fs != 0, "expected musl's TLS pointer got 0");
	T_OK("arch_prctl_set_fs", S(SYS_arch_prctl, ARCH_SET_FS, fs));
	T_ERR("arch_prctl_get_fs_efault", S(SYS_arch_prctl, ARCH_GET_FS, KADDR), EFAULT);
	T_ERR("arch_prctl_set_fs_kernel_eperm", S(SYS_arch_prctl, ARCH_SET_FS, KADDR), EPERM);
	T_ERR("arch_prctl_einval", S(SYS_arch_prctl, 0x9999, 0), EINVAL);

	/* futex */
	{
		static int word = 5;
		struct timespec ts = {0, 20 * 1000 * 1000};
		T_EQ("futex_wake_none", S(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
		T_ERR("futex_wait_eagain", S(SYS_futex, &word, FUTEX_WAIT, 6, NULL, NULL, 0),
		      EAGAIN);
		T_ERR("futex_wait_etimedout", S(SYS_futex, &word, FUTEX_WAIT, 5, &ts, NULL, 0),
		      ETIMEDOUT);
		T_ERR("futex_wait_private_etimedout",
		      S(SYS_futex, &word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &ts, NULL, 0),
		      ETIMEDOUT);
		T_ERR("futex_einval_unaligned",
		      S(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 5, &ts, NULL, 0), EINVAL);
		T_ERR("futex_efault", S(SYS_futex, BADP + 3, FUTEX_WAIT, 5, &ts, NULL, 0), EFAULT);
		T_ERR("futex_efault_kernel", S(SYS_futex, KADDR, FUTEX_WAIT, 5, &ts, NULL, 0),
		      EFAULT);
		ts.tv_nsec = -1;
		T_ERR("futex_einval_timeout", S(SYS_futex, &word, FUTEX_WAIT, 5, &ts, NULL, 0),
		      EINVAL);
		T_ERR("futex_enosys_op", S(SYS_futex, &word, 99, 1, NULL, NULL, 0), ENOSYS);
	}
	/* Unknown syscall numbers. */
	T_ERR("unknown_syscall_enosys", S(1000), ENOSYS);
	T_ERR("unknown_syscall_450_plus_enosys", S(499), ENOSYS);
	T_ERR("negative_syscall_enosys", S(-1L), ENOSYS);
}

void group_proc(void)
{
	t_fork_wait();
	t_exec();
	t_ids_groups();
	t_misc();
}

void group_storm(void)
{
	const int n = 1000;
	int ok = 0, bad_status = 0, fork_fail = 0, first_bad = 0, fork_errno = 0;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		char code[8], *argv[] = {(char *)t_self, "--exit", code, NULL};
		int st;
		pid_t pid;

		snprintf(code, sizeof(code), "%d", i % 100);
		pid = fork();
		if (pid < 0) {
			fork_errno = errno;
			fork_fail++;
			continue;
		}
		if (pid == 0) {
			execve(t_self, argv, environ);
			_exit(255);
		}
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == i % 100) {
			ok++;
		} else {
			if (!bad_status++)
				first_bad = st;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t_note("%d fork+exec+wait in %ld ms", n,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	T_TRUE("fork_exec_wait_1000", ok == n,
	       "expected %d good children got %d (%d bad, the first %s; %d fork failures, errno "
	       "%s)",
	       n, ok, bad_status, t_status(first_bad), fork_fail, t_errname(fork_errno));
	/* 1000 children alive at once, then reaped. */
	{
		int forked = 0, reaped = 0, fe = 0;
		int p[2];
		pipe(p);
		for (int i = 0; i < 200; i++) {
			pid_t pid = fork();
			if (pid == 0) {
				char c;
				close(p[1]);
				read(p[0], &c, 1);
				_exit(0);
			}
			if (pid > 0)
				forked++;
			else
				fe = errno;
		}
		close(p[0]);
		close(p[1]);
		while (waitpid(-1, NULL, 0) > 0)
			reaped++;
		T_TRUE("many_alive_then_reaped", forked == 200 && reaped == 200,
		       "expected 200 forked and reaped got %d and %d (fork errno %s)", forked,
		       reaped, t_errname(fe));
	}
}
