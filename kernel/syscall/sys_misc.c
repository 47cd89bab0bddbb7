/*
 * Small system calls that static programs (musl's and glibc's start-up
 * code, busybox) make before doing anything useful: set_robust_list,
 * prlimit64/getrlimit and getrandom. The signal calls
 * are in sys_signal.c.
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

void sys_misc_init(void)
{
	syscall_set(SYS_getrlimit, sys_getrlimit);
	syscall_set(SYS_set_robust_list, sys_set_robust_list);
	syscall_set(SYS_prlimit64, sys_prlimit64);
	syscall_set(SYS_getrandom, sys_getrandom);
}
