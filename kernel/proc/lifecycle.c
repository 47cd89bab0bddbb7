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
#include "kernel/proc/process.h"
#include "kernel/proc/uvm.h"

#define WNOHANG 1
#define ARG_MAX (128 * 1024)

static struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct process *init_process; /* proc_lock */
static int next_pid = 1;

int proc_alloc_pid(void)
{
	unsigned long fl = spin_lock_irqsave(&proc_lock);
	int pid = next_pid++;

	spin_unlock_irqrestore(&proc_lock, fl);
	return pid;
}

struct fork_start {
	uint8_t regs[ARCH_USER_REGS_SIZE];
};

static void fork_child_start(void *arg)
{
	struct fork_start fs = *(struct fork_start *)arg;
	struct process *p = current_process();

	kfree(arg);
	arch_aspace_switch(p->as);
	arch_set_kernel_stack(current_thread()->kstack_top);
	arch_set_tls(p->tls);
	arch_return_to_user(fs.regs, 0);
}

int proc_fork(void)
{
	struct process *parent = current_process(), *c;
	struct fork_start *fs = kmalloc(sizeof(*fs));
	unsigned long fl;
	int err = -ENOMEM;

	c = kzalloc(sizeof(*c));
	if (!c || !fs)
		goto fail;
	arch_save_user_regs(current_thread()->kstack_top, fs->regs);
	c->pid = proc_alloc_pid();
	c->pgid = parent->pgid;
	c->sid = parent->sid;
	memcpy(c->name, parent->name, sizeof(c->name));
	c->cred = parent->cred;
	vfs_ctx_dup(&c->ctx, &parent->ctx, &c->cred);
	c->tls = parent->tls;
	memcpy(c->sigaction, parent->sigaction, sizeof(c->sigaction));
	c->sigmask = parent->sigmask;
	c->brk_start = parent->brk_start;
	c->brk = parent->brk;
	uvm_init(c);
	waitq_init(&c->exit_wq);
	waitq_init(&c->child_wq);
	c->fds = fdtable_dup(parent->fds);
	if (parent->fds && !c->fds)
		goto fail_ctx;
	c->as = arch_aspace_create();
	if (!c->as)
		goto fail_ctx;
	err = uvm_fork(c, parent);
	if (err)
		goto fail_as;
	c->thread = thread_create(c->name, fork_child_start, fs, current_thread()->nice, 0);
	if (!c->thread) {
		err = -ENOMEM;
		goto fail_as;
	}
	fs = NULL; /* the child thread frees it */
	fl = spin_lock_irqsave(&proc_lock);
	c->parent = parent;
	c->sibling = parent->children;
	parent->children = c;
	c->thread->user = c;
	spin_unlock_irqrestore(&proc_lock, fl);
	return c->pid;

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

int proc_execve(const char *path, const char *const argv[], const char *const envp[])
{
	struct process *p = current_process();
	struct arch_aspace *old = p->as, *fresh = arch_aspace_create();
	struct vm_map old_vm = p->vm;
	uint64_t entry, rsp, brk_start = p->brk_start, brk = p->brk;
	const char *base;
	int err;

	if (!fresh)
		return -ENOMEM;
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
	base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	strlcpy(current_thread()->name, p->name, sizeof(current_thread()->name));
	p->tls = 0;
	arch_set_tls(0);
	fdtable_exec(p->fds);
	/* Caught signals go back to their defaults; ignored ones stay (execve(2)). */
	for (int i = 0; i < 64; i++)
		if (p->sigaction[i].handler > 1)
			memset(&p->sigaction[i], 0, sizeof(p->sigaction[i]));
	arch_enter_user(entry, rsp, current_thread()->kstack_top);
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
	/* Memory and files first: nothing of them is needed any more, and a
	 * pipe's reader must see EOF now, not when this process is reaped. */
	arch_aspace_switch(NULL);
	uvm_destroy(p->as, &p->vm);
	p->as = NULL;
	fdtable_release(p->fds);
	p->fds = NULL;

	fl = spin_lock_irqsave(&proc_lock);
	init = init_process != p && init_process && !init_process->exited ? init_process : NULL;
	orphans = p->children;
	p->children = NULL;
	dead = NULL;
	for (c = orphans; c;) {
		struct process *next = c->sibling;
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
	 * (an orphan with no init to adopt it): it frees itself, and the
	 * scheduler frees its thread. */
	self_reap = !p->parent && !p->kernel_waited;
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
		kfree(p);
	} else {
		waitq_wake_all(wake);
	}
	thread_exit(status);
}

struct wait_match {
	struct process *self;
	int pid;
};

static bool child_ready(void *arg)
{
	struct wait_match *m = arg;

	for (struct process *c = m->self->children; c; c = c->sibling)
		if ((m->pid <= 0 || c->pid == m->pid) && c->exited)
			return true;
	return false;
}

int proc_wait4(int pid, int *status, int options)
{
	struct process *self = current_process();
	struct wait_match m = {self, pid};

	for (;;) {
		unsigned long fl = spin_lock_irqsave(&proc_lock);
		struct process **pp, *found = NULL;
		bool any = false;

		for (pp = &self->children; *pp; pp = &(*pp)->sibling) {
			struct process *c = *pp;
			if (pid > 0 && c->pid != pid)
				continue; /* pid 0 and < -1 (process groups) act as -1 for now */
			any = true;
			if (c->exited) {
				found = c;
				*pp = c->sibling;
				break;
			}
		}
		spin_unlock_irqrestore(&proc_lock, fl);
		if (found) {
			int cpid = found->pid;
			*status = found->exit_status;
			reap(found);
			return cpid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		waitq_wait(&self->child_wq, child_ready, &m, 0);
	}
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
