/*
 * Signals (signal(7)): sending, the pending sets, dispositions and the
 * work done on every return to user mode.
 *
 * A signal sent to a process goes to its shared pending set; one sent to a
 * thread (a CPU fault, tgkill) to that thread's. Standard signals do not
 * queue: a second one while the first is pending is merged; real-time
 * ones queue (see "real-time signals queue" below). A thread
 * with a deliverable signal is marked with thread_set_interrupt, which
 * ends its interruptible sleep; the system call then returns -EINTR and
 * the return path below decides:
 *
 *   - a handler runs: the call fails with EINTR, or is restarted if it is
 *     one signal(7) lists as restartable and the handler has SA_RESTART;
 *   - no handler runs (the signal stopped and continued the process, or
 *     was ignored meanwhile): the call is restarted, like Linux's
 *     ERESTARTNOHAND.
 *
 * Default actions: terminate (core-dump signals are reported as plain
 * terminations, no core is written), ignore, stop and continue. A stop
 * puts every thread of the process to sleep in the return path until
 * SIGCONT or SIGKILL, and wait4(WUNTRACED) reports it to the parent.
 *
 * Lock legend: sig_lock guards every process's and thread's signal fields
 * (struct process and struct uthread say which). Order: proc_lock, then
 * sig_lock, then sched_lock. All three save interrupts, so the tty may
 * send signals from its interrupt handler.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

#define BIT(sig)    (1ull << ((sig)-1))
#define STOP_SIGS   (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))
#define IGNORE_SIGS (BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))
#define CORE_SIGS                                                                               \
	(BIT(SIGQUIT) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGABRT) | BIT(SIGBUS) | BIT(SIGFPE) | \
	 BIT(SIGSEGV) | BIT(SIGXCPU) | BIT(SIGXFSZ) | BIT(SIGSYS))
#define SYNC_SIGS   (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGFPE) | BIT(SIGTRAP))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

static struct spinlock sig_lock = SPINLOCK_INIT("signal");

static const char *const sig_names[32] = {
	[SIGHUP] = "SIGHUP",	   [SIGINT] = "SIGINT",	      [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	   [SIGFPE] = "SIGFPE",	      [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	   [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	   [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",	   [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU",	   [SIGURG] = "SIGURG",	      [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ",	   [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",	      [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < 32 && sig_names[sig])
		return sig_names[sig];
	return sig >= 32 && sig <= NSIG ? "SIGRT" : "SIG?";
}

static unsigned long signal_lock(void)
{
	return spin_lock_irqsave(&sig_lock);
}

static void signal_unlock(unsigned long fl)
{
	spin_unlock_irqrestore(&sig_lock, fl);
}

/* ---- real-time signals queue ---------------------------------------------
 * A standard signal is one bit and one siginfo. A real-time one (32-64)
 * queues: the first instance sits in the bit and the info slot, further
 * ones in a list of `struct sigq` on the same owner (process or thread),
 * up to RTQ_MAX per process (Linux's RLIMIT_SIGPENDING, smaller). */
#define RTQ_MAX 256

struct sigq {
	struct sigq *next;
	int sig;
	struct ksiginfo info;
};

/* Add an instance of sig to an owner's set: 0, or -EAGAIN when a real-time
 * signal's queue is full (the instance is dropped). sig_lock held. */
static int queue_locked(struct process *p, uint64_t *pending, struct ksiginfo *slots,
			struct sigq **q, int sig, const struct ksiginfo *info)
{
	struct sigq *n, **pp;

	if (!(*pending & BIT(sig))) {
		slots[sig - 1] = *info;
		*pending |= BIT(sig);
		return 0;
	}
	if (sig < 32)
		return 0; /* standard signals merge */
	if (p->rtq_len >= RTQ_MAX || !(n = kmalloc(sizeof(*n))))
		return -EAGAIN;
	n->next = NULL;
	n->sig = sig;
	n->info = *info;
	for (pp = q; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	p->rtq_len++;
	return 0;
}

/* Take one instance of sig (which is pending) into *out. sig_lock held. */
static void take_locked(struct process *p, uint64_t *pending, struct ksiginfo *slots,
			struct sigq **q, int sig, struct ksiginfo *out)
{
	struct sigq **pp;

	*out = slots[sig - 1];
	for (pp = q; *pp && (*pp)->sig != sig; pp = &(*pp)->next)
		;
	if (*pp) {
		struct sigq *n = *pp;
		slots[sig - 1] = n->info;
		*pp = n->next;
		kfree(n);
		p->rtq_len--;
		return; /* another instance waits: the bit stays */
	}
	*pending &= ~BIT(sig);
}

/* Drop every instance of the signals in `set`. sig_lock held. */
static void discard_locked(struct process *p, uint64_t *pending, struct sigq **q, uint64_t set)
{
	struct sigq **pp = q;

	*pending &= ~set;
	while (*pp) {
		if (set & BIT((*pp)->sig)) {
			struct sigq *n = *pp;
			*pp = n->next;
			kfree(n);
			p->rtq_len--;
		} else {
			pp = &(*pp)->next;
		}
	}
}

void signal_release_thread(struct uthread *ut)
{
	unsigned long fl = spin_lock_irqsave(&sig_lock);

	discard_locked(ut->proc, &ut->pending, &ut->rtq, ~0ull);
	spin_unlock_irqrestore(&sig_lock, fl);
}

void signal_release_process(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&sig_lock);

	discard_locked(p, &p->sig_pending, &p->rtq, ~0ull);
	for (struct uthread *ut = p->threads; ut; ut = ut->next)
		discard_locked(p, &ut->pending, &ut->rtq, ~0ull);
	spin_unlock_irqrestore(&sig_lock, fl);
}

unsigned long signal_lock_irqsave(void)
{
	return signal_lock();
}

void signal_unlock_irqrestore(unsigned long fl)
{
	signal_unlock(fl);
}

/* Is sig, sent to p, thrown away at once? (signal(7): ignored signals are
 * discarded, unless blocked, since the disposition may change by then.) */
static bool ignored_locked(struct process *p, int sig)
{
	uint64_t h = p->sigaction[sig - 1].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	if (p->main.sigmask & BIT(sig))
		return false;
	return h == SIG_IGN || (h == SIG_DFL && (IGNORE_SIGS & BIT(sig)));
}

/* Recompute ut's "deliverable signal" mark. sig_lock held. */
static void recalc_locked(struct uthread *ut)
{
	struct process *p = ut->proc;
	bool on = ((ut->pending | p->sig_pending) & ~ut->sigmask) != 0 || p->stopped;

	if (ut->thread)
		thread_set_interrupt(ut->thread, on);
}

static void recalc_all_locked(struct process *p)
{
	for (struct uthread *ut = p->threads; ut; ut = ut->next)
		recalc_locked(ut);
}

/* SIGCHLD to p's parent for a stop or continue (CLD_STOPPED/CONTINUED),
 * unless it asked for none with SA_NOCLDSTOP. sig_lock held. */
static void send_locked(struct process *p, struct uthread *to, int sig,
			const struct ksiginfo *info);

static void notify_stop_cont_locked(struct process *p, int code, int status)
{
	struct process *parent = p->parent;
	struct ksiginfo si = {.signo = SIGCHLD,
			      .code = code,
			      .pid = p->pid,
			      .uid = p->cred.uid,
			      .status = status};

	if (!parent || parent->exited)
		return;
	if (parent->sigaction[SIGCHLD - 1].flags & SA_NOCLDSTOP)
		return;
	send_locked(parent, NULL, SIGCHLD, &si);
}

#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

static void send_locked(struct process *p, struct uthread *to, int sig, const struct ksiginfo *info)
{
	if (p->exited || !p->threads)
		return;
	if (sig == SIGCONT || sig == SIGKILL) {
		p->sig_pending &= ~STOP_SIGS;
		for (struct uthread *ut = p->threads; ut; ut = ut->next)
			ut->pending &= ~STOP_SIGS;
		if (p->stopped) {
			p->stopped = false;
			p->report_stop = false;
			if (sig == SIGCONT) {
				p->report_cont = true;
				notify_stop_cont_locked(p, CLD_CONTINUED, SIGCONT);
				proc_notify_parent(p);
			}
			waitq_wake_all(&p->stop_wq);
		}
	} else if (BIT(sig) & STOP_SIGS) {
		p->sig_pending &= ~BIT(SIGCONT);
	}
	if (ignored_locked(p, sig))
		return;
	if (to) {
		queue_locked(p, &to->pending, to->info, &to->rtq, sig, info);
		recalc_locked(to);
		return;
	}
	queue_locked(p, &p->sig_pending, p->sig_info, &p->rtq, sig, info);
	/* Wake one thread that can take it (signal(7): any not blocking it). */
	for (struct uthread *ut = p->threads; ut; ut = ut->next) {
		if (!(ut->sigmask & BIT(sig)) || sig == SIGKILL) {
			if (sig == SIGKILL)
				ut->pending |= BIT(SIGKILL);
			recalc_locked(ut);
			if (sig != SIGKILL)
				break;
		}
	}
}

static struct ksiginfo kernel_info(int sig)
{
	return (struct ksiginfo){.signo = sig, .code = 0x80 /* SI_KERNEL */};
}

int signal_send(struct process *p, int sig)
{
	struct ksiginfo si = kernel_info(sig);

	return signal_send_info(p, sig, &si);
}

int signal_send_info(struct process *p, int sig, const struct ksiginfo *info)
{
	unsigned long fl;

	if (!p || sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!sig)
		return 0;
	fl = signal_lock();
	send_locked(p, NULL, sig, info);
	signal_unlock(fl);
	return 0;
}

int signal_send_thread(struct uthread *ut, int sig, const struct ksiginfo *info)
{
	unsigned long fl;

	if (!ut || sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!sig)
		return 0;
	fl = signal_lock();
	send_locked(ut->proc, ut, sig, info);
	signal_unlock(fl);
	return 0;
}

int signal_send_pgrp(int pgid, int sig)
{
	struct ksiginfo si = kernel_info(sig);
	unsigned long pfl, fl;
	bool found = false;

	if (pgid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	proc_lock_irqsave(&pfl);
	fl = signal_lock();
	for (struct process *p = proc_first_locked(); p; p = p->all_next) {
		if (p->pgid != pgid || p->exited)
			continue;
		found = true;
		if (sig)
			send_locked(p, NULL, sig, &si);
	}
	signal_unlock(fl);
	proc_unlock_irqrestore(pfl);
	return found ? 0 : -ESRCH;
}

void signal_raise(int sig)
{
	struct uthread *ut = current_uthread();
	struct ksiginfo si = kernel_info(sig);

	if (ut)
		signal_send_thread(ut, sig, &si);
}

/* A fault: the signal must get through. If the thread blocks or ignores
 * it, the default action (death) is restored, as Linux's force_sig does. */
void signal_force(int sig, const struct ksiginfo *info)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	unsigned long fl = signal_lock();
	struct ksigaction *ka = &p->sigaction[sig - 1];

	if (ka->handler == SIG_IGN || (ut->sigmask & BIT(sig))) {
		ka->handler = SIG_DFL;
		ut->sigmask &= ~BIT(sig);
	}
	send_locked(p, ut, sig, info);
	signal_unlock(fl);
}

bool signal_would_kill(int sig)
{
	struct uthread *ut = current_uthread();
	uint64_t h;

	if (!ut)
		return true;
	h = ut->proc->sigaction[sig - 1].handler;
	return h == SIG_DFL || h == SIG_IGN || (ut->sigmask & BIT(sig));
}

bool signal_blocked_or_ignored(int sig)
{
	struct uthread *ut = current_uthread();

	if (!ut)
		return true;
	return (ut->sigmask & BIT(sig)) || ut->proc->sigaction[sig - 1].handler == SIG_IGN;
}

bool signal_pending_now(void)
{
	struct uthread *ut = current_uthread();

	return ut && ((ut->pending | ut->proc->sig_pending) & ~ut->sigmask);
}

/* ---- masks and actions, for the system calls ---------------------------- */

void signal_set_mask(uint64_t mask)
{
	struct uthread *ut = current_uthread();
	unsigned long fl = signal_lock();

	ut->sigmask = mask & ~UNBLOCKABLE;
	recalc_locked(ut);
	signal_unlock(fl);
}

void signal_suspend_mask(uint64_t tmp)
{
	struct uthread *ut = current_uthread();
	unsigned long fl = signal_lock();

	if (!ut->restore_mask) {
		ut->saved_mask = ut->sigmask;
		ut->restore_mask = true;
	}
	ut->sigmask = tmp & ~UNBLOCKABLE;
	recalc_locked(ut);
	signal_unlock(fl);
}

int signal_action(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	struct process *p = current_process();
	unsigned long fl;

	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	fl = signal_lock();
	if (old)
		*old = p->sigaction[sig - 1];
	if (act) {
		p->sigaction[sig - 1] = *act;
		p->sigaction[sig - 1].mask &= ~UNBLOCKABLE;
		/* Setting a signal to be ignored discards it if pending
		 * (POSIX, 2.4.1). */
		if (act->handler == SIG_IGN ||
		    (act->handler == SIG_DFL && (IGNORE_SIGS & BIT(sig)))) {
			discard_locked(p, &p->sig_pending, &p->rtq, BIT(sig));
			for (struct uthread *ut = p->threads; ut; ut = ut->next)
				discard_locked(p, &ut->pending, &ut->rtq, BIT(sig));
			recalc_all_locked(p);
		}
	}
	signal_unlock(fl);
	return 0;
}

uint64_t signal_pending_set(void)
{
	struct uthread *ut = current_uthread();

	return (ut->pending | ut->proc->sig_pending) & ut->sigmask;
}

/* Take the next signal from `set` (rt_sigtimedwait): its number, or 0. */
int signal_dequeue_from(uint64_t set, struct ksiginfo *info)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	unsigned long fl = signal_lock();
	int sig = 0;

	for (int s = 1; s <= NSIG && !sig; s++) {
		if (!(set & BIT(s)))
			continue;
		if (ut->pending & BIT(s)) {
			take_locked(p, &ut->pending, ut->info, &ut->rtq, s, info);
			sig = s;
		} else if (p->sig_pending & BIT(s)) {
			take_locked(p, &p->sig_pending, p->sig_info, &p->rtq, s, info);
			sig = s;
		}
	}
	recalc_locked(ut);
	signal_unlock(fl);
	return sig;
}

/* ---- the way back to user mode ------------------------------------------ */

/* Linux's siginfo_t for x86_64: signo, errno, code, then a union at 16. */
static void fill_siginfo(uint8_t out[ARCH_SIGINFO_SIZE], const struct ksiginfo *si)
{
	int32_t w[3] = {si->signo, si->err, si->code};

	memset(out, 0, ARCH_SIGINFO_SIZE);
	memcpy(out, w, sizeof(w));
	if (si->signo == SIGSEGV || si->signo == SIGBUS || si->signo == SIGILL ||
	    si->signo == SIGFPE || si->signo == SIGTRAP) {
		if (si->fault) { /* si_addr */
			memcpy(out + 16, &si->addr, 8);
			return;
		}
	}
	memcpy(out + 16, &si->pid, 4);
	memcpy(out + 20, &si->uid, 4);
	if (si->signo == SIGCHLD)
		memcpy(out + 24, &si->status, 4);
	else
		memcpy(out + 24, &si->value, 8); /* si_value (sigqueue) */
}

/* Which syscalls a handler with SA_RESTART restarts (signal(7), "Interruption
 * of system calls and library functions by signal handlers"). */
static bool restartable(long nr)
{
	switch (nr) {
	case 0:	  /* read */
	case 1:	  /* write */
	case 16:  /* ioctl */
	case 17:  /* pread64 */
	case 18:  /* pwrite64 */
	case 19:  /* readv */
	case 20:  /* writev */
	case 2:	  /* open */
	case 257: /* openat */
	case 61:  /* wait4 */
	case 247: /* waitid */
	case 43:  /* accept */
	case 288: /* accept4 */
	case 42:  /* connect */
	case 44:  /* sendto */
	case 45:  /* recvfrom */
	case 46:  /* sendmsg */
	case 47:  /* recvmsg */
	case 202: /* futex */
	case 73:  /* flock */
	case 72:  /* fcntl */
		return true;
	default:
		return false;
	}
}

static bool continued(void *arg)
{
	return !((struct process *)arg)->stopped;
}

/* Stop the process (its default action for a stop signal): report to the
 * parent, then sleep until SIGCONT or SIGKILL. The other threads are
 * interrupted and stop on their way out (user_return). sig_lock held on
 * entry, released on return. */
static void do_stop(struct process *p, int sig, unsigned long fl)
{
	if (!p->stopped) {
		p->stopped = true;
		p->stop_sig = sig;
		p->report_stop = true;
		p->report_cont = false;
		notify_stop_cont_locked(p, CLD_STOPPED, sig);
		recalc_all_locked(p);
	}
	signal_unlock(fl);
	proc_notify_parent(p);
	/* Not an interruptible sleep: other signals wait for SIGCONT. SIGKILL
	 * and SIGCONT clear `stopped` (send_locked). */
	waitq_wait(&p->stop_wq, continued, p, 0);
}

/* Kill the process for signal `sig` by its default action. */
static __noreturn void die(struct process *p, int sig, const struct ksiginfo *si)
{
	/* A fault was logged when it was raised. */
	if ((CORE_SIGS & BIT(sig)) && !si->fault)
		pr_info("proc: pid %d (%s) killed by %s\n", p->pid, p->name, signal_name(sig));
	proc_exit_group(sig); /* wait status: terminated by `sig` (no core file) */
}

static void user_return(struct trap_frame *f)
{
	struct uthread *ut = current_uthread();
	struct process *p;
	long nr = -1, ret = 0;
	bool in_syscall, handled = false;

	if (!ut)
		return;
	p = ut->proc;
	/* The common case, without the lock: nothing to do. A signal sent
	 * after this look is seen at the next kernel entry (a tick at most). */
	if (!((ut->pending | p->sig_pending) & ~ut->sigmask) && !p->stopped && !ut->restore_mask &&
	    !(ut->pending & BIT(SIGKILL)))
		return;
	in_syscall = arch_frame_syscall(f, &nr, &ret);

	for (;;) {
		unsigned long fl = signal_lock();
		uint64_t ready = (ut->pending | p->sig_pending) & ~ut->sigmask;
		struct ksigaction ka;
		struct ksiginfo si;
		int sig = 0;

		if (p->stopped && !(ut->pending & BIT(SIGKILL))) {
			do_stop(p, p->stop_sig, fl); /* another thread stopped us all */
			continue;
		}
		if (ut->pending & BIT(SIGKILL) || p->sig_pending & BIT(SIGKILL)) {
			sig = SIGKILL;
		} else if (ut->pending & ~ut->sigmask & SYNC_SIGS) {
			sig = __builtin_ctzll(ut->pending & ~ut->sigmask & SYNC_SIGS) + 1;
		} else if (ready) {
			sig = __builtin_ctzll(ready) + 1;
		}
		if (!sig) {
			if (ut->restore_mask && !handled) {
				ut->sigmask = ut->saved_mask;
				ut->restore_mask = false;
			}
			recalc_locked(ut);
			signal_unlock(fl);
			break;
		}
		if (ut->pending & BIT(sig))
			take_locked(p, &ut->pending, ut->info, &ut->rtq, sig, &si);
		else
			take_locked(p, &p->sig_pending, p->sig_info, &p->rtq, sig, &si);
		ka = p->sigaction[sig - 1];
		if (sig == SIGKILL)
			ka.handler = SIG_DFL;
		if (ka.handler == SIG_IGN) {
			signal_unlock(fl);
			continue;
		}
		if (ka.handler == SIG_DFL) {
			if (IGNORE_SIGS & BIT(sig)) {
				signal_unlock(fl);
				continue;
			}
			if (STOP_SIGS & BIT(sig)) {
				do_stop(p, sig, fl); /* unlocks */
				continue;
			}
			recalc_locked(ut);
			signal_unlock(fl);
			die(p, sig, &si);
		}

		/* A handler. */
		{
			uint8_t info[ARCH_SIGINFO_SIZE];
			uint64_t old = ut->restore_mask ? ut->saved_mask : ut->sigmask;
			struct arch_signal as = {
				.sig = sig,
				.info = info,
				.handler = ka.handler,
				.restorer = ka.restorer,
				.oldmask = old,
				.fault_addr = si.addr,
				.alt_sp = ut->alt_sp,
				.alt_size = ut->alt_size,
				.on_altstack = (ka.flags & SA_ONSTACK) != 0,
			};
			if (ka.flags & SA_RESETHAND)
				p->sigaction[sig - 1].handler = SIG_DFL;
			ut->sigmask = old | ka.mask;
			if (!(ka.flags & SA_NODEFER))
				ut->sigmask |= BIT(sig);
			ut->sigmask &= ~UNBLOCKABLE;
			ut->restore_mask = false;
			recalc_locked(ut);
			signal_unlock(fl);

			if (in_syscall && ret == -EINTR) {
				if ((ka.flags & SA_RESTART) && restartable(nr))
					arch_frame_restart_syscall(f);
			}
			in_syscall = false;
			fill_siginfo(info, &si);
			if (arch_signal_push(f, &as)) {
				/* No room for the frame: a SIGSEGV the process
				 * cannot catch (Linux's force_sigsegv). */
				pr_warn("proc: pid %d (%s) killed by SIGSEGV: no room for a %s "
					"frame "
					"on the stack at 0x%llx\n",
					p->pid, p->name, signal_name(sig),
					(unsigned long long)arch_frame_sp(f));
				proc_exit_group(SIGSEGV);
			}
			handled = true;
			break; /* one frame per return; the rest at the next */
		}
	}
	/* No handler ran: an interrupted call starts again (ERESTARTNOHAND). */
	if (in_syscall && ret == -EINTR && !handled)
		arch_frame_restart_syscall(f);
}

long signal_return(void)
{
	struct uthread *ut = current_uthread();
	struct trap_frame *f = arch_user_frame(current_thread()->kstack_top);
	uint64_t mask, rax;
	unsigned long fl;

	if (arch_signal_return(f, &mask, &rax)) {
		struct ksiginfo si = kernel_info(SIGSEGV);
		pr_warn("proc: pid %d (%s): bad rt_sigreturn frame at 0x%llx\n", ut->proc->pid,
			ut->proc->name, (unsigned long long)arch_frame_sp(f));
		signal_force(SIGSEGV, &si);
		return 0;
	}
	fl = signal_lock();
	ut->sigmask = mask & ~UNBLOCKABLE;
	recalc_locked(ut);
	signal_unlock(fl);
	return (long)rax; /* the dispatcher stores it in rax again */
}

void signal_init(void)
{
	arch_set_user_return_hook(user_return);
}

/* ---- process-level bookkeeping ------------------------------------------ */

void signal_kill_threads(struct process *p, struct uthread *except)
{
	unsigned long fl = signal_lock();

	for (struct uthread *ut = p->threads; ut; ut = ut->next) {
		if (ut == except)
			continue;
		ut->pending |= BIT(SIGKILL);
		recalc_locked(ut);
	}
	if (p->stopped) {
		p->stopped = false;
		waitq_wake_all(&p->stop_wq);
	}
	signal_unlock(fl);
}

void signal_exec(struct process *p)
{
	unsigned long fl = signal_lock();

	/* Caught signals go back to their defaults; ignored ones stay (execve(2)). */
	for (int i = 0; i < 64; i++)
		if (p->sigaction[i].handler > SIG_IGN)
			p->sigaction[i] = (struct ksigaction){0};
		else
			p->sigaction[i].flags &= ~(uint64_t)SA_ONSTACK;
	signal_unlock(fl);
}

bool signal_child_autoreap(struct process *parent)
{
	struct ksigaction *ka = &parent->sigaction[SIGCHLD - 1];

	return ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

void signal_child_exit(struct process *child, int status)
{
	struct process *parent = child->parent;
	struct ksiginfo si = {.signo = SIGCHLD, .pid = child->pid, .uid = child->cred.uid};
	unsigned long fl;

	if (!parent)
		return;
	if ((status & 0x7f) == 0) {
		si.code = CLD_EXITED;
		si.status = (status >> 8) & 0xff;
	} else {
		si.code = CLD_KILLED;
		si.status = status & 0x7f;
	}
	fl = signal_lock();
	send_locked(parent, NULL, SIGCHLD, &si);
	signal_unlock(fl);
}
