/*
 * User threads (clone(2) with CLONE_THREAD, exit(2), exit_group(2)).
 *
 * A thread group is one struct process: the address space, files,
 * filesystem context, credentials and signal actions are the process's,
 * and each thread adds a struct uthread (tid, TLS, signal mask, pending
 * signals, clear_child_tid) on its own scheduler thread. The process's
 * list of uthreads is changed with proc_lock and sig_lock both held, so
 * either lock is enough to walk it.
 *
 * Exits: exit(2) ends one thread; when it is the last one, the process
 * exits with its status. exit_group(2), a fatal signal and execve(2) end
 * every other thread first: each gets SIGKILL, which ends its current
 * sleep (or it notices at its next return to user mode), and the caller
 * waits until it is alone. The thread that calls proc_exit is the one the
 * parent's wait joins (p->thread).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"

struct thread_start {
	uint8_t regs[ARCH_USER_REGS_SIZE];
	struct uthread *ut;
};

static void user_thread_start(void *arg)
{
	struct thread_start ts = *(struct thread_start *)arg;
	struct uthread *ut = ts.ut;

	kfree(arg);
	arch_aspace_switch(ut->proc->as);
	arch_set_kernel_stack(current_thread()->kstack_top);
	arch_set_tls(ut->tls);
	arch_return_to_user(ts.regs, 0);
}

int proc_clone_thread(const struct clone_req *r)
{
	struct process *p = current_process();
	struct uthread *self = current_uthread(), *ut = kzalloc(sizeof(*ut));
	struct thread_start *ts = kzalloc(sizeof(*ts));
	unsigned long fl, sfl;
	struct thread *t;
	int tid;

	if (!ut || !ts)
		goto nomem;
	tid = proc_alloc_pid();
	ut->proc = p;
	ut->tid = tid;
	ut->tls = (r->flags & CLONE_SETTLS) ? r->tls : self->tls;
	ut->sigmask = self->sigmask;
	if (r->flags & CLONE_CHILD_CLEARTID)
		ut->clear_child_tid = r->ctid;
	arch_save_user_regs(current_thread()->kstack_top, ts->regs);
	if (r->stack)
		arch_regs_set_sp(ts->regs, r->stack);
	ts->ut = ut;
	/* The thread ids are written before either side runs on (clone(2)):
	 * one address space, so the parent can write both. */
	if ((r->flags & CLONE_PARENT_SETTID) && copy_to_user((void *)r->ptid, &tid, sizeof(tid)))
		goto fault;
	if ((r->flags & CLONE_CHILD_SETTID) && copy_to_user((void *)r->ctid, &tid, sizeof(tid)))
		goto fault;
	t = thread_create(p->name, user_thread_start, ts, current_thread()->nice, 0);
	if (!t)
		goto nomem;
	ut->thread = t;
	proc_lock_irqsave(&fl);
	sfl = signal_lock_irqsave();
	t->user = ut;
	ut->next = p->threads;
	p->threads = ut;
	p->nthreads++;
	signal_unlock_irqrestore(sfl);
	proc_unlock_irqrestore(fl);
	return tid;

fault:
	kfree(ut);
	kfree(ts);
	return -EFAULT;
nomem:
	kfree(ut);
	kfree(ts);
	return -EAGAIN; /* clone(2): "too many processes", or no memory */
}

/* Take ut off its process's list. Returns how many threads remain. */
static int unlink_thread(struct process *p, struct uthread *ut)
{
	unsigned long fl, sfl;
	struct uthread **pp;
	int left;

	proc_lock_irqsave(&fl);
	sfl = signal_lock_irqsave();
	for (pp = &p->threads; *pp && *pp != ut; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = ut->next;
	left = --p->nthreads;
	signal_unlock_irqrestore(sfl);
	proc_unlock_irqrestore(fl);
	return left;
}

/* CLONE_CHILD_CLEARTID: "clear the child thread ID at ctid in child
 * memory when the child exits, and do a wakeup on the futex at that
 * address" (pthread_join waits on it). */
static void clear_child_tid(struct uthread *ut)
{
	int zero = 0;

	if (!ut->clear_child_tid)
		return;
	if (!copy_to_user((void *)ut->clear_child_tid, &zero, sizeof(zero)))
		futex_wake_addr(ut->proc, ut->clear_child_tid, 1);
	ut->clear_child_tid = 0;
}

/* One thread leaves while others go on. */
static __noreturn void exit_one(struct process *p, struct uthread *ut)
{
	struct thread *t = current_thread();

	clear_child_tid(ut);
	unlink_thread(p, ut);
	signal_release_thread(ut);     /* unreachable now: free its queued signals */
	waitq_wake_all(&p->thread_wq); /* an exit_group may be waiting */
	t->user = NULL;
	if (p->thread == t)
		p->thread = NULL;
	if (ut != &p->main)
		kfree(ut);
	thread_detach(t);
	thread_exit(0);
}

static bool alone(void *arg)
{
	struct process *p = arg;

	return p->nthreads <= 1;
}

/* Kill every other thread of the caller's process and wait for them.
 * Returns false if another thread got there first (the caller must then
 * just exit). */
static bool kill_others(struct process *p, struct uthread *self)
{
	unsigned long fl;
	bool first;

	proc_lock_irqsave(&fl);
	first = !p->group_exiting;
	p->group_exiting = true;
	proc_unlock_irqrestore(fl);
	if (!first)
		return false;
	for (;;) {
		signal_kill_threads(p, self);
		if (waitq_wait(&p->thread_wq, alone, p, 50) == 0)
			break;
	}
	proc_lock_irqsave(&fl);
	p->group_exiting = false;
	proc_unlock_irqrestore(fl);
	return true;
}

void proc_exit_group(int status)
{
	struct process *p = current_process();
	struct uthread *ut = current_uthread();

	if (p->nthreads > 1 && !kill_others(p, ut))
		exit_one(p, ut); /* another thread is ending the group */
	clear_child_tid(ut);
	p->thread = current_thread();
	proc_exit(status);
}

void proc_thread_exit(int status)
{
	struct process *p = current_process();
	struct uthread *ut = current_uthread();
	unsigned long fl;
	bool last;

	proc_lock_irqsave(&fl);
	last = p->nthreads <= 1 && !p->group_exiting;
	proc_unlock_irqrestore(fl);
	if (!last)
		exit_one(p, ut);
	clear_child_tid(ut);
	p->thread = current_thread();
	proc_exit(status);
}

int proc_exec_single_thread(void)
{
	struct process *p = current_process();
	struct uthread *ut = current_uthread();

	if (p->nthreads <= 1)
		return 0;
	if (!kill_others(p, ut))
		exit_one(p, ut);
	ut->tid = p->pid; /* execve(2): the thread takes the process's id */
	return 0;
}
