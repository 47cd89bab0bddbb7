/*
 * Process system calls: fork, vfork, clone (the fork-like flag sets musl
 * and busybox use), execve, wait4, exit, exit_group, getppid
 * (fork(2), vfork(2), clone(2), execve(2), wait4(2)).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_clone      56
#define SYS_fork       57
#define SYS_vfork      58
#define SYS_execve     59
#define SYS_exit       60
#define SYS_wait4      61
#define SYS_setpgid    109
#define SYS_getppid    110
#define SYS_getpgrp    111
#define SYS_setsid     112
#define SYS_getpgid    121
#define SYS_getsid     124
#define SYS_exit_group 231

#define SIGCHLD		    17
#define SYS_futex	    202
#define SYS_set_tid_address 218
#define SYS_gettid	    186
#define ARG_MAX		    (128 * 1024)
#define ARGV_MAX	    4096
#define PATH_BUF	    4096

static long sys_fork(const long a[6])
{
	return proc_fork(NULL);
}

static long sys_vfork(const long a[6])
{
	struct clone_req r = {.flags = CLONE_VM | CLONE_VFORK | SIGCHLD};

	return proc_fork(&r);
}

#define CLONE_KNOWN                                                                                \
	(0xfful | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_THREAD | \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |               \
	 CLONE_DETACHED | CLONE_CHILD_SETTID)

/* clone(2), x86_64 argument order: flags, stack, ptid, ctid, tls. The
 * flag combinations musl's pthread_create, posix_spawn, vfork and fork
 * use; namespaces and the rest are EINVAL. */
static long sys_clone(const long a[6])
{
	struct clone_req r = {(unsigned long)a[0], (uint64_t)a[1], (uint64_t)a[2], (uint64_t)a[3],
			      (uint64_t)a[4]};

	if (r.flags & ~CLONE_KNOWN)
		return -EINVAL;
	if ((r.flags & CLONE_THREAD) && !(r.flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((r.flags & CLONE_SIGHAND) && !(r.flags & CLONE_VM))
		return -EINVAL;
	if (r.flags & CLONE_THREAD)
		return proc_clone_thread(&r);
	/* Without CLONE_THREAD a new process: CLONE_FS and CLONE_FILES
	 * would share the cwd and fd table; they are copied instead. */
	return proc_fork(&r);
}

static long sys_gettid(const long a[6])
{
	return current_uthread()->tid;
}

static long sys_set_tid_address(const long a[6])
{
	struct uthread *ut = current_uthread();

	ut->clear_child_tid = (uint64_t)a[0];
	return ut->tid;
}

#define SYS_prctl	 157
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE	 3
#define PR_SET_DUMPABLE	 4
#define PR_SET_NAME	 15
#define PR_GET_NAME	 16

/* prctl(2): the options programs use at start-up. The name is the
 * thread's (comm); the main thread's is also the process's. */
static long sys_prctl(const long a[6])
{
	struct uthread *ut = current_uthread();
	struct thread *t = current_thread();
	char name[16];
	long n;

	switch (a[0]) {
	case PR_SET_NAME:
		n = strncpy_from_user(name, (const char *)a[1], sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0'; /* longer names are cut, as on Linux */
		strlcpy(t->name, name, sizeof(t->name));
		if (ut == &ut->proc->main)
			strlcpy(ut->proc->name, name, sizeof(ut->proc->name));
		return 0;
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		strlcpy(name, t->name, sizeof(name));
		return copy_to_user((void *)a[1], name, sizeof(name)) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return (unsigned long)a[1] <= 1 ? 0 : -EINVAL;
	case PR_SET_PDEATHSIG:
		if ((unsigned long)a[1] > 64)
			return -EINVAL;
		ut->proc->pdeath_sig = (int)a[1]; /* sent when the parent exits */
		return 0;
	case PR_GET_PDEATHSIG:
		n = ut->proc->pdeath_sig;
		return copy_to_user((void *)a[1], &n, sizeof(int)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

static long sys_futex(const long a[6])
{
	return futex_op((uint64_t)a[0], (int)a[1], (uint32_t)a[2], (uint64_t)a[3], (uint64_t)a[4],
			(uint32_t)a[5]);
}

/* Copy a NULL-terminated user array of strings into one kernel block:
 * an array of pointers followed by the strings. */
static int copy_strv(const char *const *uv, char ***out, size_t *used)
{
	char **v = kmalloc(ARG_MAX + (ARGV_MAX + 1) * sizeof(char *));
	char *strs = (char *)(v + ARGV_MAX + 1);
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (; uv; n++) {
		const char *up;
		long len;
		if (n == ARGV_MAX) {
			kfree(v);
			return -E2BIG;
		}
		if (copy_from_user(&up, uv + n, sizeof(up))) {
			kfree(v);
			return -EFAULT;
		}
		if (!up)
			break;
		len = strncpy_from_user(strs + *used, up, ARG_MAX - *used);
		if (len < 0) {
			kfree(v);
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		}
		v[n] = strs + *used;
		*used += (size_t)len + 1;
	}
	v[n] = NULL;
	*out = v;
	return 0;
}

static long sys_execve(const long a[6])
{
	char *path = kmalloc(PATH_BUF), **argv = NULL, **envp = NULL;
	size_t used_a = 0, used_e = 0;
	long err = path ? strncpy_from_user(path, (const char *)a[0], PATH_BUF) : -ENOMEM;
	struct exec_entry e;

	if (err >= 0)
		err = copy_strv((const char *const *)a[1], &argv, &used_a);
	if (err >= 0)
		err = copy_strv((const char *const *)a[2], &envp, &used_e);
	if (err >= 0)
		err = proc_execve(path, (const char *const *)argv, (const char *const *)envp, &e);
	/* Freed before the new image starts: a successful exec never comes
	 * back here (these buffers once leaked 320 KiB per exec). */
	kfree(argv);
	kfree(envp);
	kfree(path);
	if (err >= 0)
		proc_exec_enter(&e);
	return err;
}

static long sys_wait4(const long a[6])
{
	/* wait4(2): WNOHANG, WUNTRACED, WCONTINUED, __WNOTHREAD, __WALL,
	 * __WCLONE; anything else is EINVAL before any child is looked at. */
	const unsigned long known = 0x1 | 0x2 | 0x8 | 0x20000000 | 0x40000000 | 0x80000000;
	int status = 0;
	long pid;

	if ((unsigned long)(unsigned)a[2] & ~known)
		return -EINVAL;
	pid = proc_wait4((int)a[0], &status, (int)a[2]);

	if (pid > 0 && a[1] && copy_to_user((void *)a[1], &status, sizeof(status)))
		return -EFAULT;
	if (pid > 0 && a[3]) {
		static const uint8_t zero_rusage[144];
		if (copy_to_user((void *)a[3], zero_rusage, sizeof(zero_rusage)))
			return -EFAULT;
	}
	return pid;
}

static long sys_exit(const long a[6])
{
	proc_thread_exit((int)((a[0] & 0xff) << 8));
}

static long sys_exit_group(const long a[6])
{
	proc_exit_group((int)((a[0] & 0xff) << 8));
}

/* Process groups and sessions (setpgid(2), setsid(2)): the ids only, with
 * Linux's checks; a group's members are found by scanning when signals
 * need them. */
static long sys_getpgid(const long a[6])
{
	struct process *p = current_process();

	if (a[0] && a[0] != p->pid)
		return proc_pgid_of((int)a[0]);
	return p->pgid;
}

static long sys_getpgrp(const long a[6])
{
	return current_process()->pgid;
}

static long sys_getsid(const long a[6])
{
	struct process *p = current_process();

	return (a[0] && a[0] != p->pid) ? -ESRCH : p->sid;
}

static long sys_setsid(const long a[6])
{
	struct process *p = current_process();

	if (p->pgid == p->pid)
		return -EPERM; /* a group leader cannot start a session */
	p->sid = p->pgid = p->pid;
	p->ctty = NULL; /* a new session starts without a terminal */
	return p->sid;
}

static long sys_setpgid(const long a[6])
{
	struct process *p = current_process();
	int pid = a[0] ? (int)a[0] : p->pid, pgid = a[1] ? (int)a[1] : pid;

	if (pgid < 0)
		return -EINVAL;
	return proc_setpgid(pid, pgid);
}

static long sys_getppid(const long a[6])
{
	struct process *p = current_process();

	return p->parent ? p->parent->pid : 0;
}

void sys_proc_init(void)
{
	syscall_set(SYS_clone, sys_clone);
	syscall_set(SYS_fork, sys_fork);
	syscall_set(SYS_vfork, sys_vfork);
	syscall_set(SYS_gettid, sys_gettid);
	syscall_set(SYS_set_tid_address, sys_set_tid_address);
	syscall_set(SYS_futex, sys_futex);
	syscall_set(SYS_prctl, sys_prctl);
	syscall_set(SYS_execve, sys_execve);
	syscall_set(SYS_wait4, sys_wait4);
	syscall_set(SYS_exit, sys_exit);
	syscall_set(SYS_exit_group, sys_exit_group);
	syscall_set(SYS_getppid, sys_getppid);
	syscall_set(SYS_getpgid, sys_getpgid);
	syscall_set(SYS_getpgrp, sys_getpgrp);
	syscall_set(SYS_getsid, sys_getsid);
	syscall_set(SYS_setsid, sys_setsid);
	syscall_set(SYS_setpgid, sys_setpgid);
}
