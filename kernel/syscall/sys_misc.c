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

#define SYS_getrlimit	    97
#define SYS_setrlimit	    160
#define SYS_set_robust_list 273
#define SYS_prlimit64	    302
#define SYS_getrandom	    318

static long sys_set_robust_list(const long a[6])
{
	return a[1] == 24 ? 0 : -EINVAL; /* sizeof(struct robust_list_head) */
}

/*
 * prlimit64(2) on the caller (pid 0 or its own): the old limits out, new
 * ones in. A soft limit above the hard one is EINVAL; raising a hard limit
 * needs root; RLIMIT_NOFILE cannot go above the fd table (EPERM, as Linux
 * above nr_open).
 */
static long sys_prlimit64(const long a[6])
{
	struct process *p = current_process();
	int res = (int)a[1];
	struct rlimit64 old, nl;

	if (a[0] != 0 && a[0] != p->pid)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	old = p->rlim[res];
	if (a[2]) {
		if (copy_from_user(&nl, (const void *)a[2], sizeof(nl)))
			return -EFAULT;
		if (nl.cur > nl.max)
			return -EINVAL;
		if (nl.max > old.max && p->cred.euid != 0)
			return -EPERM;
		if (res == RLIMIT_NOFILE && nl.max > FD_MAX)
			return -EPERM;
	}
	if (a[3] && copy_to_user((void *)a[3], &old, sizeof(old)))
		return -EFAULT;
	if (a[2]) {
		p->rlim[res] = nl;
		if (res == RLIMIT_NOFILE)
			fdtable_set_limit(p->fds, nl.cur);
	}
	return 0;
}

static long sys_getrlimit(const long a[6])
{
	long args[6] = {0, a[0], 0, a[1], 0, 0};

	return sys_prlimit64(args);
}

static long sys_setrlimit(const long a[6])
{
	long args[6] = {0, a[0], a[1], 0, 0, 0};

	return sys_prlimit64(args);
}

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4

/* getrandom(2): the ChaCha20 generator is seeded at boot, so no flag ever
 * waits; unknown flags, and GRND_INSECURE with GRND_RANDOM, are EINVAL. */
static long sys_getrandom(const long a[6])
{
	unsigned flags = (unsigned)a[2];
	uint8_t buf[256];
	size_t len = MIN((size_t)a[1], (size_t)(32 << 20)), done = 0;

	if ((flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
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
	syscall_set(SYS_setrlimit, sys_setrlimit);
	syscall_set(SYS_set_robust_list, sys_set_robust_list);
	syscall_set(SYS_prlimit64, sys_prlimit64);
	syscall_set(SYS_getrandom, sys_getrandom);
}
