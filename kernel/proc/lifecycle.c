/*
 * Process lifecycle: fork, execve, exit and wait4 (fork(2), execve(2),
 * _exit(2), wait4(2)). fork shares user pages copy-on-write
 * (kernel/proc/uvm.c). Exit releases the memory at once and leaves a zombie that
 * holds the status until the parent reaps it; children of an exiting
 * process go to init (pid 1), or are reaped at once when there is none.
 *
 * Lock legend: proc_lock guards every process's parent, children, sibling
 * and exited fields.
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/proc_pid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/tty/tty.h"
#include "kernel/proc/uvm.h"

#define WNOHANG	   1
#define WUNTRACED  2
#define WCONTINUED 8
#define ARG_MAX	   (128 * 1024)

static struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct process *init_process; /* proc_lock */
static int next_pid = 1;
static struct process *all_procs; /* proc_lock */

void proc_lock_irqsave(unsigned long *fl)
{
	*fl = spin_lock_irqsave(&proc_lock);
}

void proc_unlock_irqrestore(unsigned long fl)
{
	spin_unlock_irqrestore(&proc_lock, fl);
}

struct process *proc_first_locked(void)
{
	return all_procs;
}

struct process *proc_find_locked(int pid)
{
	for (struct process *p = all_procs; p; p = p->all_next)
		if (p->pid == pid)
			return p;
	return NULL;
}

void proc_attach_main(struct process *p, struct thread *t)
{
	unsigned long fl;

	p->main.thread = t;
	p->main.proc = p;
	p->main.tid = p->pid;
	p->threads = &p->main;
	p->nthreads = 1;
	waitq_init(&p->thread_wq);
	fl = spin_lock_irqsave(&proc_lock);
	t->user = &p->main;
	p->all_next = all_procs;
	all_procs = p;
	spin_unlock_irqrestore(&proc_lock, fl);
}

void proc_unlist(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	struct process **pp = &all_procs;

	while (*pp && *pp != p)
		pp = &(*pp)->all_next;
	if (*pp)
		*pp = p->all_next;
	spin_unlock_irqrestore(&proc_lock, fl);
}

int proc_last_pid(void)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	int pid = next_pid - 1;

	spin_unlock_irqrestore(&proc_lock, fl);
	return pid;
}

int proc_alloc_pid(void)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	int pid = next_pid++;

	spin_unlock_irqrestore(&proc_lock, fl);
	return pid;
}

struct fork_start {
	uint8_t regs[ARCH_USER_REGS_SIZE];
	uint64_t set_ctid; /* CLONE_CHILD_SETTID: where the child writes its tid */
};

/* CLONE_VFORK: the parent sleeps on this (on its own stack) until the
 * child execs or exits. */
struct vfork_done {
	bool done;
	struct waitq wq;
};

static bool vfork_finished(void *arg)
{
	return ((struct vfork_done *)arg)->done;
}

void proc_vfork_release(struct process *p)
{
	struct vfork_done *v = p->vfork;

	if (!v)
		return;
	p->vfork = NULL;
	v->done = true;
	waitq_wake_all(&v->wq);
}

static void fork_child_start(void *arg)
{
	struct fork_start fs = *(struct fork_start *)arg;
	struct process *p = current_process();

	kfree(arg);
	arch_aspace_switch(p->as);
	arch_set_kernel_stack(current_thread()->kstack_top);
	arch_set_tls(p->main.tls);
	if (fs.set_ctid)
		(void)copy_to_user((void *)fs.set_ctid, &p->pid, sizeof(p->pid));
	arch_return_to_user(fs.regs, 0);
}

int proc_fork(const struct clone_req *r)
{
	static const struct clone_req plain_fork;
	struct process *parent = current_process(), *c;
	struct uthread *self = current_uthread();
	struct fork_start *fs = kzalloc(sizeof(*fs));
	struct vfork_done vd = {false, WAITQ_INIT};
	unsigned long fl;
	int err = -ENOMEM, pid;

	if (!r)
		r = &plain_fork;
	c = kzalloc(sizeof(*c));
	if (!c || !fs)
		goto fail;
	arch_save_user_regs(current_thread()->kstack_top, fs->regs);
	if (r->stack)
		arch_regs_set_sp(fs->regs, r->stack);
	if (r->flags & CLONE_CHILD_SETTID)
		fs->set_ctid = r->ctid;
	c->pid = proc_alloc_pid();
	c->pgid = parent->pgid;
	c->sid = parent->sid;
	c->ctty = parent->ctty;
	memcpy(c->name, parent->name, sizeof(c->name));
	c->cred = parent->cred;
	vfs_ctx_dup(&c->ctx, &parent->ctx, &c->cred);
	c->main.tls = (r->flags & CLONE_SETTLS) ? r->tls : self->tls;
	if (r->flags & CLONE_CHILD_CLEARTID)
		c->main.clear_child_tid = r->ctid;
	c->main.sigmask = self->sigmask;
	c->main.alt_sp = self->alt_sp;
	c->main.alt_size = self->alt_size;
	memcpy(c->sigaction, parent->sigaction, sizeof(c->sigaction));
	memcpy(c->rlim, parent->rlim, sizeof(c->rlim));
	c->brk_start = parent->brk_start;
	c->brk = parent->brk;
	uvm_init(c);
	waitq_init(&c->exit_wq);
	waitq_init(&c->child_wq);
	waitq_init(&c->stop_wq);
	c->fds = fdtable_dup(parent->fds);
	if (parent->fds && !c->fds)
		goto fail_ctx;
	c->as = arch_aspace_create();
	if (!c->as)
		goto fail_ctx;
	mutex_lock(&parent->mm_lock); /* no sibling thread changes the areas meanwhile */
	err = uvm_fork(c, parent);
	mutex_unlock(&parent->mm_lock);
	if (err)
		goto fail_as;
	c->thread = thread_create(c->name, fork_child_start, fs, current_thread()->nice, 0);
	if (!c->thread) {
		err = -ENOMEM;
		goto fail_as;
	}
	fs = NULL; /* the child thread frees it */
	c->exec = proc_exec_get(parent->exec);
	fl = spin_lock_irqsave(&proc_lock);
	c->parent = parent;
	c->sibling = parent->children;
	parent->children = c;
	spin_unlock_irqrestore(&proc_lock, fl);
	if (r->flags & CLONE_VFORK)
		c->vfork = &vd;
	pid = c->pid;
	if (r->flags & CLONE_PARENT_SETTID) /* a bad ptid is ignored, as on Linux */
		(void)copy_to_user((void *)r->ptid, &pid, sizeof(pid));
	proc_attach_main(c, c->thread);
	if (r->flags & CLONE_VFORK) /* c may be gone once done is set */
		waitq_wait(&vd.wq, vfork_finished, &vd, 0);
	return pid;

fail_as:
	uvm_destroy(c->as, &c->vm);
fail_ctx:
	fdtable_release(c->fds);
	vfs_ctx_release(&c->ctx);
fail:
	kfree(c);
	kfree(fs);
	return err;
}

int proc_execve(const char *path, const char *const argv[], const char *const envp[],
		struct exec_entry *out)
{
	struct process *p = current_process();
	struct arch_aspace *old = p->as, *fresh = arch_aspace_create();
	struct vm_map old_vm = p->vm;
	uint64_t entry, rsp, brk_start = p->brk_start, brk = p->brk;
	const char *base;
	int err;

	if (!fresh)
		return -ENOMEM;
	proc_exec_single_thread();
	p->as = fresh;
	uvm_init(p);
	err = proc_load_program(p, path, argv, envp, &entry, &rsp);
	if (err) {
		/* The old image is untouched: go back to it. */
		uvm_destroy(fresh, &p->vm);
		p->as = old;
		p->vm = old_vm;
		p->brk_start = brk_start;
		p->brk = brk;
		return err;
	}
	arch_aspace_switch(fresh);
	uvm_destroy(old, &old_vm);
	p->thread = current_thread();
	proc_vfork_release(p);
	base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	strlcpy(current_thread()->name, p->name, sizeof(current_thread()->name));
	current_uthread()->tls = 0;
	current_uthread()->alt_sp = current_uthread()->alt_size = 0;
	arch_set_tls(0);
	fdtable_exec(p->fds);
	signal_exec(p);
	out->entry = entry;
	out->rsp = rsp;
	return 0;
}

void proc_exec_enter(const struct exec_entry *e)
{
	arch_enter_user(e->entry, e->rsp, current_thread()->kstack_top);
}

/* The parent's half of reaping: the thread is gone, free the rest. */
static void reap(struct process *c)
{
	thread_join(c->thread);
	proc_free(c);
}

void proc_exit(int status)
{
	struct process *p = current_process(), *init, *orphans, *dead, *c;
	struct waitq *wake;
	unsigned long fl;
	bool self_reap;

	KASSERT(p);
	proc_vfork_release(p);
	if (p->ctty && p->pid == p->sid)
		tty_session_leader_exit(p->ctty, p->sid);
	itimer_cancel(p); /* no SIGALRM for a process that is going away */
	/* Memory and files first: nothing of them is needed any more, and a
	 * pipe's reader must see EOF now, not when this process is reaped. */
	arch_aspace_switch(NULL);
	uvm_destroy(p->as, &p->vm);
	p->as = NULL;
	fdtable_release(p->fds);
	p->fds = NULL;
	proc_exec_put(p->exec);
	p->exec = NULL;

	fl = spin_lock_irqsave(&proc_lock);
	init = init_process != p && init_process && !init_process->exited ? init_process : NULL;
	orphans = p->children;
	p->children = NULL;
	dead = NULL;
	for (c = orphans; c;) {
		struct process *next = c->sibling;
		if (c->pdeath_sig && !c->exited)
			signal_send(c, c->pdeath_sig);
		c->parent = init;
		if (init) {
			c->sibling = init->children;
			init->children = c;
		} else if (c->exited) {
			c->sibling = dead; /* a zombie nobody can reap: we do */
			dead = c;
		}
		c = next;
	}
	p->exit_status = status;
	p->exited = true;
	wake = p->parent ? &p->parent->child_wq : &p->exit_wq;
	/* Nobody will wait for a parentless process the kernel did not spawn
	 * (an orphan with no init to adopt it), nor for the child of a parent
	 * that ignores SIGCHLD (wait(2), "NOTES"): it frees itself, and the
	 * scheduler frees its thread. */
	self_reap = !p->parent && !p->kernel_waited;
	if (p->parent && signal_child_autoreap(p->parent)) {
		struct process **pp = &p->parent->children;
		while (*pp && *pp != p)
			pp = &(*pp)->sibling;
		if (*pp)
			*pp = p->sibling;
		self_reap = true;
	} else if (p->parent) {
		signal_child_exit(p, status);
	}
	if (init_process == p)
		init_process = NULL;
	spin_unlock_irqrestore(&proc_lock, fl);

	if (init)
		waitq_wake_all(&init->child_wq); /* it may have zombies to reap now */
	/* Without init, living orphans reap themselves when they exit
	 * (parent NULL); the dead ones were collected under the lock. */
	while (dead) {
		c = dead;
		dead = c->sibling;
		reap(c);
	}
	if (self_reap) {
		current_thread()->user = NULL;
		thread_detach(current_thread());
		vfs_ctx_release(&p->ctx);
		proc_unlist(p);
		signal_release_process(p);
		if (wake != &p->exit_wq) /* the parent may now have none: ECHILD */
			waitq_wake_all(wake);
		kfree(p);
	} else {
		waitq_wake_all(wake);
	}
	thread_exit(status);
}

struct wait_match {
	struct process *self;
	int pid, options;
};

/* Does child c answer wait4's pid argument? (0: the caller's group;
 * below -1: group -pid; -1: any.) */
static bool wait_selects(const struct wait_match *m, const struct process *c)
{
	if (m->pid > 0)
		return c->pid == m->pid;
	if (m->pid == 0)
		return c->pgid == m->self->pgid;
	if (m->pid < -1)
		return c->pgid == -m->pid;
	return true;
}

static bool reportable(const struct wait_match *m, const struct process *c)
{
	return c->exited || ((m->options & WUNTRACED) && c->stopped && c->report_stop) ||
	       ((m->options & WCONTINUED) && c->report_cont);
}

static bool child_ready(void *arg)
{
	struct wait_match *m = arg;
	bool any = false;

	for (struct process *c = m->self->children; c; c = c->sibling) {
		if (!wait_selects(m, c))
			continue;
		any = true;
		if (reportable(m, c))
			return true;
	}
	return !any; /* the last child went away (auto-reaped): ECHILD */
}

void proc_notify_parent(struct process *p)
{
	struct process *parent = p->parent; /* a stale read only wakes in vain */

	if (parent)
		waitq_wake_all(&parent->child_wq);
}

int proc_wait4(int pid, int *status, int options)
{
	struct process *self = current_process();
	struct wait_match m = {self, pid, options};

	if (pid == INT32_MIN)
		return -ESRCH;
	for (;;) {
		unsigned long fl = spin_lock_irqsave(&proc_lock);
		struct process **pp, *found = NULL;
		bool any = false;
		int st = 0;

		for (pp = &self->children; *pp; pp = &(*pp)->sibling) {
			struct process *c = *pp;
			if (!wait_selects(&m, c))
				continue;
			any = true;
			if (c->exited) {
				found = c;
				*pp = c->sibling;
				break;
			}
			if ((options & WUNTRACED) && c->stopped && c->report_stop) {
				c->report_stop = false;
				st = (c->stop_sig << 8) | 0x7f;
				found = c;
				break;
			}
			if ((options & WCONTINUED) && c->report_cont) {
				c->report_cont = false;
				st = 0xffff;
				found = c;
				break;
			}
		}
		spin_unlock_irqrestore(&proc_lock, fl);
		if (found) {
			int cpid = found->pid;
			if (!found->exited || st) {
				*status = st;
				return cpid;
			}
			*status = found->exit_status;
			self->child_ticks += found->thread->ticks + found->child_ticks;
			reap(found);
			return cpid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (waitq_wait_intr(&self->child_wq, child_ready, &m, 0) == -EINTR)
			return -EINTR;
	}
}

void proc_forget_ctty(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);

	for (struct process *p = all_procs; p; p = p->all_next)
		if (p->ctty == t)
			p->ctty = NULL;
	spin_unlock_irqrestore(&proc_lock, fl);
}

bool proc_pgrp_in_session(int pgid, int sid)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	bool found = false;

	for (struct process *p = all_procs; p && !found; p = p->all_next)
		found = !p->exited && p->pgid == pgid && p->sid == sid;
	spin_unlock_irqrestore(&proc_lock, fl);
	return found;
}

int proc_pgid_of(int pid)
{
	struct process *self = current_process();
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	int pgid = -ESRCH;

	for (struct process *c = self->children; c; c = c->sibling)
		if (c->pid == pid)
			pgid = c->pgid;
	spin_unlock_irqrestore(&proc_lock, fl);
	return pgid;
}

/* setpgid(2) for the caller or one of its children, in the same session. */
int proc_setpgid(int pid, int pgid)
{
	struct process *self = current_process(), *target = NULL;
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	int err = 0;

	if (pid == self->pid) {
		target = self;
	} else {
		for (struct process *c = self->children; c; c = c->sibling)
			if (c->pid == pid)
				target = c;
	}
	if (!target)
		err = -ESRCH;
	else if (target->sid != self->sid)
		err = -EPERM;
	else if (target->pid == target->sid)
		err = -EPERM; /* a session leader keeps its group */
	else
		target->pgid = pgid;
	spin_unlock_irqrestore(&proc_lock, fl);
	return err;
}
