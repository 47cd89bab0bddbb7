/*
 * /proc/<pid>: the provider procfs asks about processes (fs/procfs.h
 * struct procfs_pid_ops), and the record exec leaves for it. Formats
 * follow proc(5); the text of stat and status is built by proc_fmt.c.
 *
 * Everything about a process is read under proc_lock without sleeping:
 * on one CPU, with kernel code running to completion, the process cannot
 * be freed meanwhile (it is taken off the list before its memory goes).
 * What needs to sleep (building a path) works on references taken under
 * the lock: an open file (fd_get), a copy of the filesystem context
 * (vfs_ctx_dup), the exec record. A zombie has no memory, files or
 * context any more: its cmdline and environ are empty and its links and
 * fd/ give ENOENT, as on Linux.
 *
 * Access: the files' modes and owner do most of it (fd/ dr-x------,
 * environ -r--------, owned by the process's effective ids); the exe, cwd,
 * root and fd links also need the caller to be root or to have the
 * target's ids (Linux's ptrace_may_access for PTRACE_MODE_READ): EACCES.
 */
#include <ksvc.h>
#include "fs/procfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/exec_stack.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/proc_fmt.h"
#include "kernel/proc/proc_pid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/tty/tty.h"

#define SIGCHLD_NR   17
#define SIG_IGN_ADDR 1
#define RLIM_INF     (~0ull)

/* ---- the exec record ------------------------------------------------------- */

struct proc_exec_info *proc_exec_get(struct proc_exec_info *e)
{
	if (e)
		__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	return e;
}

void proc_exec_put(struct proc_exec_info *e)
{
	if (e && __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(e);
}

void proc_exec_record(struct process *p, struct file *exe, const struct exec_stack_layout *lay)
{
	char *path = kmalloc(PATH_MAX);
	struct proc_exec_info *e = NULL, *old;
	unsigned long fl;
	int n = path ? vfs_file_path(exe, &p->ctx.root, path, PATH_MAX - 1) : -ENOMEM;

	if (n < 0)
		n = 0;
	e = kmalloc(sizeof(*e) + (size_t)n + 1);
	if (e) {
		e->refs = 1;
		e->arg_start = lay->arg_start;
		e->arg_end = lay->arg_end;
		e->env_start = lay->env_start;
		e->env_end = lay->env_end;
		e->stack_start = lay->rsp;
		if (n)
			memcpy(e->exe, path, (size_t)n);
		e->exe[n] = '\0';
	}
	kfree(path);
	proc_lock_irqsave(&fl);
	old = p->exec;
	p->exec = e;
	proc_unlock_irqrestore(fl);
	proc_exec_put(old);
}

/* ---- looking processes up (proc_lock held) ---------------------------------- */

static struct uthread *find_thread_locked(struct process *p, int tid)
{
	for (struct uthread *ut = p->threads; ut; ut = ut->next)
		if (ut->tid == tid)
			return ut;
	return NULL;
}

/* The thread that stands for the process: its main one while it lives. */
static struct thread *lead_thread_locked(struct process *p)
{
	if (p->thread)
		return p->thread;
	return p->threads ? p->threads->thread : NULL;
}

/* May the caller see p's links and fds? (ptrace_may_access, read mode.) */
static bool may_inspect_locked(const struct process *p)
{
	const struct process *self = current_process();
	const struct cred *c, *t = &p->cred;

	if (!self || self == p)
		return true;
	c = &self->cred;
	if (c->euid == 0)
		return true;
	return c->fsuid == t->uid && c->fsuid == t->euid && c->fsuid == t->suid &&
	       c->fsgid == t->gid && c->fsgid == t->egid && c->fsgid == t->sgid;
}

static char thread_state(const struct thread *t)
{
	switch (t->state) {
	case THREAD_RUNNING:
	case THREAD_RUNNABLE:
		return 'R';
	case THREAD_SLEEPING:
		return t->intr_sleep ? 'S' : 'D';
	default:
		return 'X';
	}
}

/* Linux's letter for one thread (ut) or the whole process (ut NULL: R if
 * any thread runs, else D if any waits uninterruptibly, else S). */
static char state_locked(struct process *p, struct uthread *ut)
{
	char best = 'S';

	if (p->exited)
		return 'Z';
	if (p->stopped)
		return 'T';
	if (ut)
		return thread_state(ut->thread);
	for (ut = p->threads; ut; ut = ut->next) {
		char c = thread_state(ut->thread);
		if (c == 'R')
			return 'R';
		if (c == 'D')
			best = 'D';
	}
	return best;
}

/* Ticks (HZ) in user and kernel mode of one thread or all of them. */
static void times_locked(struct process *p, struct uthread *only, uint64_t *user, uint64_t *sys)
{
	struct thread *t;

	*user = *sys = 0;
	if (p->exited || only) {
		t = only ? only->thread : p->thread;
		if (t) {
			*user = t->user_ticks;
			*sys = t->ticks - t->user_ticks;
		}
		return;
	}
	for (struct uthread *ut = p->threads; ut; ut = ut->next) {
		*user += ut->thread->user_ticks;
		*sys += ut->thread->ticks - ut->thread->user_ticks;
	}
}

static uint64_t clock_ticks(uint64_t hz_ticks)
{
	return hz_ticks * PROC_CLK_TCK / HZ;
}

/* Linux's encoding of a tty's device number (new_encode_dev) from its
 * name: ttySn 4:64+n, ttyn 4:n, pts/n 136:n, console 5:1, tty 5:0. */
static int tty_nr_of(const struct tty *t)
{
	const char *name = t->name;
	unsigned major = 0, minor = 0, n = 0;
	const char *d = NULL;

	if (!strncmp(name, "ttyS", 4))
		major = 4, minor = 64, d = name + 4;
	else if (!strncmp(name, "pts/", 4))
		major = 136, d = name + 4;
	else if (!strcmp(name, "console"))
		major = 5, minor = 1;
	else if (!strcmp(name, "tty"))
		major = 5;
	else if (!strncmp(name, "tty", 3))
		major = 4, d = name + 3;
	for (; d && *d >= '0' && *d <= '9'; d++)
		n = n * 10 + (unsigned)(*d - '0');
	minor += n;
	return (int)((minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12));
}

static void sigsets_locked(struct process *p, struct uthread *only, uint64_t *pnd, uint64_t *shd,
			   uint64_t *blk, uint64_t *ign, uint64_t *cgt)
{
	unsigned long sfl = signal_lock_irqsave();
	struct uthread *ut = only ? only : (p->exited ? NULL : &p->main);

	*shd = p->sig_pending;
	*pnd = ut ? ut->pending : 0;
	*blk = ut ? ut->sigmask : 0;
	*ign = *cgt = 0;
	for (int i = 0; i < 64; i++) {
		if (p->sigaction[i].handler == SIG_IGN_ADDR)
			*ign |= 1ull << i;
		else if (p->sigaction[i].handler)
			*cgt |= 1ull << i;
	}
	signal_unlock_irqrestore(sfl);
}

/* Find pid (and its thread tid, when nonzero) with proc_lock taken; on
 * failure the lock is dropped again and -ENOENT returned. */
static int lock_target(int pid, int tid, unsigned long *fl, struct process **p, struct uthread **ut)
{
	proc_lock_irqsave(fl);
	*p = proc_find_locked(pid);
	*ut = NULL;
	if (*p && tid && !(*p)->exited)
		*ut = find_thread_locked(*p, tid);
	if (!*p || (tid && !*ut && !((*p)->exited && tid == pid))) {
		proc_unlock_irqrestore(*fl);
		return -ENOENT;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

static int show_stat(int pid, int tid, char *buf, size_t size)
{
	struct proc_stat_fields *s = kzalloc(sizeof(*s));
	struct process *p;
	struct uthread *ut;
	struct thread *lead;
	uint64_t user, sys, pnd, shd;
	unsigned long fl;
	int n;

	if (!s)
		return -ENOMEM;
	if (lock_target(pid, tid, &fl, &p, &ut)) {
		kfree(s);
		return -ENOENT;
	}
	lead = ut ? ut->thread : lead_thread_locked(p);
	s->pid = ut ? ut->tid : p->pid;
	strlcpy(s->comm, ut ? ut->thread->name : p->name, sizeof(s->comm));
	s->state = state_locked(p, ut);
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgrp = p->pgid;
	s->session = p->sid;
	s->tpgid = -1;
	if (p->ctty) {
		s->tty_nr = tty_nr_of(p->ctty);
		s->tpgid = p->ctty->pgrp ? p->ctty->pgrp : -1;
	}
	times_locked(p, ut, &user, &sys);
	s->utime = clock_ticks(user);
	s->stime = clock_ticks(sys);
	s->nice = lead ? lead->nice : 0;
	s->priority = 20 + s->nice;
	s->num_threads = p->exited ? 1 : p->nthreads;
	s->starttime = lead ? lead->start_ns / (1000000000ull / PROC_CLK_TCK) : 0;
	if (!p->exited) {
		uint64_t pages = arch_aspace_count(p->as);
		s->vsize = pages * PAGE_SIZE;
		s->rss = (int64_t)pages;
	}
	s->rsslim = RLIM_INF;
	sigsets_locked(p, ut, &pnd, &shd, &s->blocked, &s->sigignore, &s->sigcatch);
	s->signal = pnd | shd;
	s->exit_signal = SIGCHLD_NR;
	s->start_brk = p->brk_start;
	if (p->exec && !p->exited) {
		s->startstack = p->exec->stack_start;
		s->arg_start = p->exec->arg_start;
		s->arg_end = p->exec->arg_end;
		s->env_start = p->exec->env_start;
		s->env_end = p->exec->env_end;
	}
	s->exit_code = p->exited ? p->exit_status : 0;
	proc_unlock_irqrestore(fl);
	n = proc_fmt_stat(buf, size, s);
	kfree(s);
	return n;
}

static int show_status(int pid, int tid, char *buf, size_t size)
{
	struct proc_status_fields *s = kzalloc(sizeof(*s));
	uint32_t groups[NGROUPS_MAX];
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int n;

	if (!s)
		return -ENOMEM;
	if (lock_target(pid, tid, &fl, &p, &ut)) {
		kfree(s);
		return -ENOENT;
	}
	strlcpy(s->name, ut ? ut->thread->name : p->name, sizeof(s->name));
	s->umask = p->exited ? ~0u : p->ctx.umask;
	s->state = state_locked(p, ut);
	s->tgid = p->pid;
	s->pid = ut ? ut->tid : p->pid;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->uid[0] = p->cred.uid, s->uid[1] = p->cred.euid;
	s->uid[2] = p->cred.suid, s->uid[3] = p->cred.fsuid;
	s->gid[0] = p->cred.gid, s->gid[1] = p->cred.egid;
	s->gid[2] = p->cred.sgid, s->gid[3] = p->cred.fsgid;
	s->fdsize = p->exited ? 0 : FD_MAX;
	s->ngroups = MIN(p->cred.ngroups, NGROUPS_MAX);
	memcpy(groups, p->cred.groups, s->ngroups * sizeof(groups[0]));
	s->groups = groups;
	s->has_mm = !p->exited && p->as;
	if (s->has_mm) {
		s->vm_kb = s->rss_kb = arch_aspace_count(p->as) * (PAGE_SIZE / 1024);
		s->data_kb = (p->brk - p->brk_start) / 1024;
	}
	s->threads = p->exited ? 1 : p->nthreads;
	sigsets_locked(p, ut, &s->sig_pnd, &s->shd_pnd, &s->sig_blk, &s->sig_ign, &s->sig_cgt);
	proc_unlock_irqrestore(fl);
	n = proc_fmt_status(buf, size, s);
	kfree(s);
	return n;
}

static int show_statm(int pid, int tid, char *buf, size_t size)
{
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	uint64_t pages = 0, data = 0;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	if (!p->exited) {
		pages = arch_aspace_count(p->as);
		data = (p->brk - p->brk_start) / PAGE_SIZE;
	}
	proc_unlock_irqrestore(fl);
	return ksnprintf(buf, size, "%llu %llu 0 0 0 %llu 0\n", (unsigned long long)pages,
			 (unsigned long long)pages, (unsigned long long)data);
}

static int show_comm(int pid, int tid, char *buf, size_t size)
{
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int n;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	n = ksnprintf(buf, size, "%s\n", ut ? ut->thread->name : p->name);
	proc_unlock_irqrestore(fl);
	return n;
}

/* Bytes [start, end) of p's memory into buf, page by page through the
 * direct map; stops at an unmapped page. Returns the full length, as a
 * show function does, so that procfs asks again with more room. proc_lock
 * held. */
static int read_user_locked(struct process *p, uint64_t start, uint64_t end, char *buf, size_t size)
{
	size_t n = 0, want;

	if (!p->as || end <= start || end > ARCH_USER_TOP)
		return 0;
	want = (size_t)MIN(end - start, (uint64_t)PROCFS_MAX_SIZE);
	end = start + MIN(want, size);
	for (uint64_t va = start; va < end;) {
		uint64_t off = va & (PAGE_SIZE - 1), pa;
		size_t chunk = (size_t)MIN(PAGE_SIZE - off, end - va);

		if (arch_aspace_query(p->as, va - off, &pa, NULL))
			return (int)n;
		memcpy(buf + n, (char *)phys_to_virt(pa) + off, chunk);
		n += chunk;
		va += chunk;
	}
	return (int)want;
}

static int show_user_strings(int pid, bool env, char *buf, size_t size)
{
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int n = 0;

	if (lock_target(pid, 0, &fl, &p, &ut))
		return -ENOENT;
	if (!p->exited && p->exec) {
		if (env)
			n = read_user_locked(p, p->exec->env_start, p->exec->env_end, buf, size);
		else
			n = read_user_locked(p, p->exec->arg_start, p->exec->arg_end, buf, size);
	}
	proc_unlock_irqrestore(fl);
	return n;
}

static int show_cmdline(int pid, int tid, char *buf, size_t size)
{
	return show_user_strings(pid, false, buf, size);
}

static int show_environ(int pid, int tid, char *buf, size_t size)
{
	return show_user_strings(pid, true, buf, size);
}

/* ---- links ----------------------------------------------------------------- */

static int show_exe(int pid, int tid, char *buf, size_t size)
{
	struct proc_exec_info *e = NULL;
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int err = 0, n;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	if (!may_inspect_locked(p))
		err = -EACCES;
	else if (!p->exited)
		e = proc_exec_get(p->exec);
	proc_unlock_irqrestore(fl);
	if (err)
		return err;
	if (!e || !e->exe[0]) {
		proc_exec_put(e);
		return -ENOENT;
	}
	n = ksnprintf(buf, size, "%s", e->exe);
	proc_exec_put(e);
	return n;
}

static const struct cred nobody_cred; /* for a context copy that only names paths */

static int show_cwd(int pid, int tid, char *buf, size_t size)
{
	struct vfs_ctx ctx;
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int err = 0, n;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	if (!may_inspect_locked(p))
		err = -EACCES;
	else if (p->exited)
		err = -ENOENT;
	else
		vfs_ctx_dup(&ctx, &p->ctx, &nobody_cred);
	proc_unlock_irqrestore(fl);
	if (err)
		return err;
	n = vfs_getcwd(&ctx, buf, size);
	vfs_ctx_release(&ctx);
	return n > 0 ? n - 1 : n; /* without getcwd's NUL */
}

static int show_root(int pid, int tid, char *buf, size_t size)
{
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	int err = 0;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	if (!may_inspect_locked(p))
		err = -EACCES;
	else if (p->exited)
		err = -ENOENT;
	proc_unlock_irqrestore(fl);
	return err ? err : ksnprintf(buf, size, "/"); /* no chroot(2) yet */
}

static int pid_fd_link(int pid, int fd, char *buf, size_t size)
{
	const struct process *self = current_process();
	struct file *f = NULL;
	struct process *p;
	struct uthread *ut;
	unsigned long fl;
	uint32_t mode;
	int err = 0, n;

	if (lock_target(pid, 0, &fl, &p, &ut))
		return -ENOENT;
	if (!may_inspect_locked(p))
		err = -EACCES;
	else if (!p->exited && p->fds)
		f = fd_get(p->fds, fd);
	proc_unlock_irqrestore(fl);
	if (err)
		return err;
	if (!f)
		return -ENOENT;
	n = vfs_file_path(f, self ? &self->ctx.root : NULL, buf, size);
	if (n == -ENOENT) {
		/* No path: Linux's names for pipes, sockets, anonymous files. */
		mode = f->inode->mode;
		if (S_ISFIFO(mode))
			n = ksnprintf(buf, size, "pipe:[%llu]", (unsigned long long)f->inode->ino);
		else if (S_ISSOCK(mode))
			n = ksnprintf(buf, size, "socket:[%llu]",
				      (unsigned long long)f->inode->ino);
		else if (S_ISCHR(mode))
			n = ksnprintf(buf, size, "/dev/console"); /* the built-in console */
		else
			n = ksnprintf(buf, size, "anon_inode:[%llu]",
				      (unsigned long long)f->inode->ino);
	}
	vfs_close(f);
	return n;
}

/* ---- directories --------------------------------------------------------------- */

static int pid_next_pid(int after)
{
	unsigned long fl;
	int best = 0;

	proc_lock_irqsave(&fl);
	for (struct process *p = proc_first_locked(); p; p = p->all_next)
		if (p->pid > after && (!best || p->pid < best))
			best = p->pid;
	proc_unlock_irqrestore(fl);
	return best;
}

static int pid_next_tid(int pid, int after)
{
	struct process *p;
	unsigned long fl;
	int best = 0;

	proc_lock_irqsave(&fl);
	p = proc_find_locked(pid);
	if (p && p->exited) {
		best = pid > after ? pid : 0;
	} else if (p) {
		for (struct uthread *ut = p->threads; ut; ut = ut->next)
			if (ut->tid > after && (!best || ut->tid < best))
				best = ut->tid;
	}
	proc_unlock_irqrestore(fl);
	return best;
}

static int pid_next_fd(int pid, int after)
{
	struct process *p;
	unsigned long fl;
	int fd = -1;

	proc_lock_irqsave(&fl);
	p = proc_find_locked(pid);
	if (p && !p->exited && p->fds)
		fd = fd_next_open(p->fds, after);
	proc_unlock_irqrestore(fl);
	return fd;
}

static int pid_owner(int pid, int tid, uint32_t *uid, uint32_t *gid)
{
	struct process *p;
	struct uthread *ut;
	unsigned long fl;

	if (lock_target(pid, tid, &fl, &p, &ut))
		return -ENOENT;
	*uid = p->cred.euid;
	*gid = p->cred.egid;
	proc_unlock_irqrestore(fl);
	return 0;
}

static void pid_self(int *pid, int *tid)
{
	struct uthread *ut = current_uthread();

	*pid = ut ? ut->proc->pid : 0;
	*tid = ut ? ut->tid : 0;
}

unsigned proc_count(void)
{
	unsigned long fl;
	unsigned n = 0;

	proc_lock_irqsave(&fl);
	for (struct process *p = proc_first_locked(); p; p = p->all_next)
		n++;
	proc_unlock_irqrestore(fl);
	return n;
}

static const struct procfs_pid_entry pid_entries[] = {
	{"cmdline", PROCFS_PID_FILE, 0444, show_cmdline},
	{"comm", PROCFS_PID_FILE, 0444, show_comm},
	{"cwd", PROCFS_PID_LINK, 0777, show_cwd},
	{"environ", PROCFS_PID_FILE, 0400, show_environ},
	{"exe", PROCFS_PID_LINK, 0777, show_exe},
	{"fd", PROCFS_PID_FD_DIR, 0500, NULL},
	{"root", PROCFS_PID_LINK, 0777, show_root},
	{"stat", PROCFS_PID_FILE, 0444, show_stat},
	{"statm", PROCFS_PID_FILE, 0444, show_statm},
	{"status", PROCFS_PID_FILE, 0444, show_status},
	{"task", PROCFS_PID_TASK_DIR, 0555, NULL},
};

static const struct procfs_pid_ops pid_ops = {
	.entries = pid_entries,
	.nentries = ARRAY_SIZE(pid_entries),
	.next_pid = pid_next_pid,
	.next_tid = pid_next_tid,
	.next_fd = pid_next_fd,
	.owner = pid_owner,
	.fd_link = pid_fd_link,
	.self = pid_self,
};

void proc_pid_init(void)
{
	procfs_set_pid_provider(&pid_ops);
}
