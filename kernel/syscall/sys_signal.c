/*
 * The signal system calls (signal(7) and each call's man page):
 * rt_sigaction, rt_sigprocmask, rt_sigreturn, rt_sigpending,
 * rt_sigsuspend, rt_sigtimedwait, sigaltstack, pause, kill, tkill and
 * tgkill. The machinery is kernel/proc/signal.c; this file checks
 * arguments, copies them, and applies kill(2)'s permission rule.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall/syscall.h"

#define SYS_rt_sigaction      13
#define SYS_rt_sigprocmask    14
#define SYS_rt_sigreturn      15
#define SYS_pause	      34
#define SYS_kill	      62
#define SYS_rt_sigpending     127
#define SYS_rt_sigtimedwait   128
#define SYS_rt_sigsuspend     130
#define SYS_sigaltstack	      131
#define SYS_tkill	      200
#define SYS_tgkill	      234
#define SYS_rt_sigqueueinfo   129
#define SYS_rt_tgsigqueueinfo 297

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 2048
#define SI_USER	    0
#define SI_TKILL    (-6)

static long sys_rt_sigaction(const long a[6])
{
	struct ksigaction act, old;
	int err;

	if (a[3] != 8)
		return -EINVAL;
	if (a[1] && copy_from_user(&act, (const void *)a[1], sizeof(act)))
		return -EFAULT;
	err = signal_action((int)a[0], a[1] ? &act : NULL, &old);
	if (err)
		return err;
	if (a[2] && copy_to_user((void *)a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_rt_sigprocmask(const long a[6])
{
	struct uthread *ut = current_uthread();
	uint64_t set, old = ut->sigmask, mask = old;

	if (a[3] != 8)
		return -EINVAL;
	if (a[1]) {
		if (copy_from_user(&set, (const void *)a[1], sizeof(set)))
			return -EFAULT;
		switch (a[0]) {
		case SIG_BLOCK:
			mask = old | set;
			break;
		case SIG_UNBLOCK:
			mask = old & ~set;
			break;
		case SIG_SETMASK:
			mask = set;
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2] && copy_to_user((void *)a[2], &old, sizeof(old)))
		return -EFAULT;
	if (a[1])
		signal_set_mask(mask);
	return 0;
}

static long sys_rt_sigreturn(const long a[6])
{
	return signal_return();
}

static long sys_rt_sigpending(const long a[6])
{
	uint64_t set = signal_pending_set();

	if ((unsigned long)a[1] > 8)
		return -EINVAL;
	return copy_to_user((void *)a[0], &set, (size_t)a[1]) ? -EFAULT : 0;
}

/* Sleep until a handler runs: -EINTR, which the return path turns into
 * a restart when no handler ran (so only a caught signal ends it). */
static long sys_rt_sigsuspend(const long a[6])
{
	struct waitq wq = WAITQ_INIT;
	uint64_t mask;

	if (a[1] != 8)
		return -EINVAL;
	if (copy_from_user(&mask, (const void *)a[0], sizeof(mask)))
		return -EFAULT;
	signal_suspend_mask(mask);
	while (waitq_wait_intr(&wq, NULL, NULL, 0) != -EINTR)
		;
	return -EINTR;
}

static long sys_pause(const long a[6])
{
	struct waitq wq = WAITQ_INIT;

	while (waitq_wait_intr(&wq, NULL, NULL, 0) != -EINTR)
		;
	return -EINTR;
}

struct timespec_user {
	int64_t sec, nsec;
};

/* Linux's siginfo_t prefix: what rt_sigtimedwait reports. */
static int put_siginfo(void *u, const struct ksiginfo *si)
{
	int32_t w[8] = {si->signo, si->err, si->code, 0, si->pid, (int32_t)si->uid, si->status, 0};
	uint8_t buf[ARCH_SIGINFO_SIZE];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, w, sizeof(w));
	if (si->fault)
		memcpy(buf + 16, &si->addr, 8);
	return copy_to_user(u, buf, sizeof(buf));
}

static long sys_rt_sigtimedwait(const long a[6])
{
	struct uthread *ut = current_uthread();
	struct waitq wq = WAITQ_INIT;
	struct timespec_user ts;
	struct ksiginfo si;
	uint64_t set, saved = ut->sigmask;
	unsigned ms = 0;
	int sig, err = 0;

	if (a[3] != 8)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)a[0], sizeof(set)))
		return -EFAULT;
	if (a[2]) {
		if (copy_from_user(&ts, (const void *)a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		ms = ts.sec > 1000000 ? 1000000000u
				      : (unsigned)(ts.sec * 1000 + (ts.nsec + 999999) / 1000000);
	}
	sig = signal_dequeue_from(set, &si);
	if (!sig) {
		if (a[2] && ms == 0)
			return -EAGAIN;
		/* Wait with the set unblocked, so that its signals wake us. */
		signal_set_mask(saved & ~set);
		err = waitq_wait_intr(&wq, NULL, NULL, ms);
		signal_set_mask(saved);
		sig = signal_dequeue_from(set, &si);
	}
	if (!sig)
		return err == -EINTR ? -EINTR : -EAGAIN;
	if (a[1] && put_siginfo((void *)a[1], &si))
		return -EFAULT;
	return sig;
}

struct stack_user {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

static long sys_sigaltstack(const long a[6])
{
	struct uthread *ut = current_uthread();
	struct trap_frame *f = arch_user_frame(current_thread()->kstack_top);
	uint64_t sp = arch_frame_sp(f);
	bool on = ut->alt_size && sp - ut->alt_sp <= ut->alt_size;
	struct stack_user ss, old = {ut->alt_sp, 0, 0, ut->alt_size};

	old.flags = !ut->alt_size ? SS_DISABLE : on ? SS_ONSTACK : 0;
	if (a[0]) {
		if (copy_from_user(&ss, (const void *)a[0], sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.flags & ~(SS_DISABLE | (1 << 31) /* SS_AUTODISARM */))
			return -EINVAL;
		if (ss.flags & SS_DISABLE) {
			ut->alt_sp = ut->alt_size = 0;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -ENOMEM;
			ut->alt_sp = ss.sp;
			ut->alt_size = ss.size;
		}
	}
	if (a[1] && copy_to_user((void *)a[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* kill(2): "the real or effective user ID of the sending process must
 * equal the real or saved set-user-ID of the target process", unless
 * privileged; SIGCONT within a session is always allowed. */
static bool may_signal(const struct process *from, const struct process *to, int sig)
{
	if (sig == SIGCONT && from->sid == to->sid)
		return true;
	return cred_may_signal(&from->cred, &to->cred);
}

static long sys_kill(const long a[6])
{
	struct process *self = current_process();
	int pid = (int)a[0], sig = (int)a[1];
	struct ksiginfo si = {
		.signo = sig, .code = SI_USER, .pid = self->pid, .uid = self->cred.uid};
	unsigned long fl;
	bool found = false, sent = false;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	proc_lock_irqsave(&fl);
	for (struct process *p = proc_first_locked(); p; p = p->all_next) {
		bool match; /* zombies count: kill(2) on one succeeds and does nothing */
		if (pid > 0)
			match = p->pid == pid;
		else if (pid == 0)
			match = p->pgid == self->pgid;
		else if (pid == -1)
			match = p->pid != 1 && p != self;
		else
			match = p->pgid == -pid;
		if (!match)
			continue;
		found = true;
		if (!may_signal(self, p, sig))
			continue;
		sent = true;
		signal_send_info(p, sig, &si);
	}
	proc_unlock_irqrestore(fl);
	if (!found)
		return -ESRCH;
	/* Let the target act on it now, as Linux's wake-up preemption does:
	 * `kill $pid; wait $pid` then finds it dead (shells report a job
	 * reaped on the way differently from one they had to wait for). */
	if (sent && !(pid == self->pid))
		sched_yield();
	return sent ? 0 : -EPERM;
}

/* tgkill/tkill: one thread, by tid (and thread group). */
static long send_tid(int tgid, int tid, int sig)
{
	struct process *self = current_process();
	struct ksiginfo si = {
		.signo = sig, .code = SI_TKILL, .pid = self->pid, .uid = self->cred.uid};
	unsigned long fl;
	long err = -ESRCH;

	if (sig < 0 || sig > NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	proc_lock_irqsave(&fl);
	for (struct process *p = proc_first_locked(); p && err == -ESRCH; p = p->all_next) {
		if (p->exited || (tgid != -1 && p->pid != tgid))
			continue;
		for (struct uthread *ut = p->threads; ut; ut = ut->next) {
			if (ut->tid != tid)
				continue;
			if (!may_signal(self, p, sig))
				err = -EPERM;
			else
				err = signal_send_thread(ut, sig, &si);
			break;
		}
	}
	proc_unlock_irqrestore(fl);
	return err;
}

static long sys_tgkill(const long a[6])
{
	if ((int)a[0] <= 0)
		return -EINVAL; /* -1 is tkill's "any group" only */
	return send_tid((int)a[0], (int)a[1], (int)a[2]);
}

static long sys_tkill(const long a[6])
{
	return send_tid(-1, (int)a[0], (int)a[1]);
}

/* rt_sigqueueinfo(2) and rt_tgsigqueueinfo(2): a signal with the caller's
 * siginfo (sigqueue(3) passes si_value). Only the caller itself may claim
 * a kernel or kill(2) code (si_code >= 0, or SI_TKILL): EPERM. */
static long queue_info(int tgid, int tid, int sig, const void *uinfo)
{
	struct process *self = current_process();
	int32_t w[4];
	uint64_t value;
	struct ksiginfo si;
	unsigned long fl;
	long err = -ESRCH;

	if (sig <= 0 || sig > NSIG)
		return -EINVAL;
	if (copy_from_user(w, uinfo, sizeof(w)) ||
	    copy_from_user(&value, (const uint8_t *)uinfo + 24, sizeof(value)))
		return -EFAULT;
	if ((w[2] >= 0 || w[2] == SI_TKILL) && tgid != self->pid)
		return -EPERM;
	si = (struct ksiginfo){.signo = sig,
			       .code = w[2],
			       .pid = self->pid,
			       .uid = self->cred.uid,
			       .value = value};
	proc_lock_irqsave(&fl);
	for (struct process *p = proc_first_locked(); p; p = p->all_next) {
		if (p->pid != tgid || p->exited)
			continue;
		if (!may_signal(self, p, sig)) {
			err = -EPERM;
			break;
		}
		if (tid < 0) {
			err = signal_send_info(p, sig, &si);
			break;
		}
		for (struct uthread *ut = p->threads; ut; ut = ut->next)
			if (ut->tid == tid)
				err = signal_send_thread(ut, sig, &si);
		break;
	}
	proc_unlock_irqrestore(fl);
	return err;
}

static long sys_rt_sigqueueinfo(const long a[6])
{
	return queue_info((int)a[0], -1, (int)a[1], (const void *)a[2]);
}

static long sys_rt_tgsigqueueinfo(const long a[6])
{
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	return queue_info((int)a[0], (int)a[1], (int)a[2], (const void *)a[3]);
}

void sys_signal_init(void)
{
	static const struct {
		int nr;
		long (*fn)(const long a[6]);
	} calls[] = {
		{SYS_rt_sigaction, sys_rt_sigaction},
		{SYS_rt_sigprocmask, sys_rt_sigprocmask},
		{SYS_rt_sigreturn, sys_rt_sigreturn},
		{SYS_rt_sigpending, sys_rt_sigpending},
		{SYS_rt_sigsuspend, sys_rt_sigsuspend},
		{SYS_rt_sigtimedwait, sys_rt_sigtimedwait},
		{SYS_sigaltstack, sys_sigaltstack},
		{SYS_pause, sys_pause},
		{SYS_kill, sys_kill},
		{SYS_tkill, sys_tkill},
		{SYS_tgkill, sys_tgkill},
		{SYS_rt_sigqueueinfo, sys_rt_sigqueueinfo},
		{SYS_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
