/*
 * Small system calls that static programs (musl's and glibc's start-up
 * code, busybox) make before doing anything useful:
 * set_robust_list, prlimit64/getrlimit, getrandom, and the signal-state
 * calls rt_sigaction and rt_sigprocmask. Signal delivery does not exist
 * yet (issue 4): these two record and report the process's dispositions
 * and mask exactly as Linux would, so programs that save and restore them
 * work, but nothing is delivered except the kill on a CPU fault.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/random.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_rt_sigaction    13
#define SYS_rt_sigprocmask  14
#define SYS_getrlimit	    97
#define SYS_set_robust_list 273
#define SYS_prlimit64	    302
#define SYS_getrandom	    318
#define SYS_poll	    7

#define POLLIN	 0x001
#define POLLOUT	 0x004
#define POLLNVAL 0x020
#define POLL_MAX 1024

#define SIG_BLOCK      0
#define SIG_UNBLOCK    1
#define SIG_SETMASK    2
#define SIGKILL	       9
#define SIGSTOP	       19
#define RLIM_INFINITY  (~0ull)
#define RLIMIT_STACK   3
#define RLIMIT_NOFILE  7
#define RLIMIT_NLIMITS 16

static long sys_set_robust_list(const long a[6])
{
	return a[1] == 24 ? 0 : -EINVAL; /* sizeof(struct robust_list_head) */
}

struct rlimit_user {
	uint64_t cur, max;
};

static void rlimit_of(int res, struct rlimit_user *r)
{
	r->cur = r->max = RLIM_INFINITY;
	if (res == RLIMIT_STACK)
		r->cur = 8 << 20;
	else if (res == RLIMIT_NOFILE)
		r->cur = r->max = 256; /* the fd table's size */
}

static long sys_prlimit64(const long a[6])
{
	struct rlimit_user r;

	if (a[0] != 0 && a[0] != current_process()->pid)
		return -ESRCH;
	if (a[1] < 0 || a[1] >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (a[2])
		return -EPERM; /* limits cannot be changed yet */
	rlimit_of((int)a[1], &r);
	return a[3] ? copy_to_user((void *)a[3], &r, sizeof(r)) : 0;
}

static long sys_getrlimit(const long a[6])
{
	long args[6] = {0, a[0], 0, a[1], 0, 0};

	return sys_prlimit64(args);
}

static long sys_getrandom(const long a[6])
{
	uint8_t buf[256];
	size_t len = MIN((size_t)a[1], (size_t)(32 << 20)), done = 0;

	while (done < len) {
		size_t n = MIN(sizeof(buf), len - done);
		random_get_bytes(buf, n);
		if (copy_to_user((uint8_t *)a[0] + done, buf, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

struct sigaction_user {
	uint64_t handler, flags, restorer, mask;
};

static long sys_rt_sigaction(const long a[6])
{
	struct process *p = current_process();
	int sig = (int)a[0];
	struct sigaction_user act;

	if (sig < 1 || sig > 64 || a[3] != 8)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a[2] && copy_to_user((void *)a[2], &p->sigaction[sig - 1], sizeof(act)))
		return -EFAULT;
	if (a[1]) {
		if (copy_from_user(&act, (const void *)a[1], sizeof(act)))
			return -EFAULT;
		memcpy(&p->sigaction[sig - 1], &act, sizeof(act));
	}
	return 0;
}

static long sys_rt_sigprocmask(const long a[6])
{
	struct process *p = current_process();
	uint64_t set, unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

	if (a[3] != 8)
		return -EINVAL;
	if (a[2] && copy_to_user((void *)a[2], &p->sigmask, sizeof(p->sigmask)))
		return -EFAULT;
	if (!a[1])
		return 0;
	if (copy_from_user(&set, (const void *)a[1], sizeof(set)))
		return -EFAULT;
	switch (a[0]) {
	case SIG_BLOCK:
		p->sigmask |= set;
		break;
	case SIG_UNBLOCK:
		p->sigmask &= ~set;
		break;
	case SIG_SETMASK:
		p->sigmask = set;
		break;
	default:
		return -EINVAL;
	}
	p->sigmask &= ~unblockable;
	return 0;
}

struct pollfd_user {
	int32_t fd;
	int16_t events, revents;
};

/*
 * poll(2), first cut: files have no readiness interface yet, so every open
 * fd is reported ready for the input and output it asks about, and a read
 * that follows blocks where the device would have made poll wait (a
 * tty read waits for a line). Closed fds get POLLNVAL. Enough for
 * programs that poll one fd before reading it (busybox's line editor);
 * real readiness with timeouts comes with the rest of issue 4.
 */
static long sys_poll(const long a[6])
{
	struct pollfd_user pfd;
	long ready = 0;

	if ((unsigned long)a[1] > POLL_MAX)
		return -EINVAL;
	for (long i = 0; i < a[1]; i++) {
		struct pollfd_user *u = (struct pollfd_user *)a[0] + i;
		struct file *f;
		if (copy_from_user(&pfd, u, sizeof(pfd)))
			return -EFAULT;
		pfd.revents = 0;
		if (pfd.fd >= 0) {
			f = fd_get(current_process()->fds, pfd.fd);
			if (f) {
				pfd.revents = pfd.events & (POLLIN | POLLOUT);
				vfs_close(f); /* drop fd_get's reference */
			} else {
				pfd.revents = POLLNVAL;
			}
		}
		if (pfd.revents)
			ready++;
		if (copy_to_user(&u->revents, &pfd.revents, sizeof(pfd.revents)))
			return -EFAULT;
	}
	return ready;
}

void sys_misc_init(void)
{
	syscall_set(SYS_poll, sys_poll);
	syscall_set(SYS_rt_sigaction, sys_rt_sigaction);
	syscall_set(SYS_rt_sigprocmask, sys_rt_sigprocmask);
	syscall_set(SYS_getrlimit, sys_getrlimit);
	syscall_set(SYS_set_robust_list, sys_set_robust_list);
	syscall_set(SYS_prlimit64, sys_prlimit64);
	syscall_set(SYS_getrandom, sys_getrandom);
}
