/*
 * The Linux x86_64 system-call table (numbers from the kernel's
 * arch/x86/entry/syscalls/syscall_64.tbl; semantics from the man pages).
 * This file holds the table, the dispatcher and the small calls (identity,
 * time, uname); the larger families install themselves from
 * sys_file.c, sys_path.c and sys_proc.c. A number nobody installed returns
 * -ENOSYS and is counted, never a panic. Arguments come in Linux's order: rdi, rsi, rdx, r10, r8, r9.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/clock.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"
#include "kernel/version.h"

#define SYS_nanosleep	    35
#define SYS_getpid	    39
#define SYS_uname	    63
#define SYS_getuid	    102
#define SYS_getgid	    104
#define SYS_geteuid	    107
#define SYS_getegid	    108
#define SYS_arch_prctl	    158
#define SYS_gettid	    186
#define SYS_set_tid_address 218
#define SYS_clock_gettime   228
#define NR_SYSCALLS	    512

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define IOV_MAX	    1024

static uint64_t unknown_calls;

static long sys_arch_prctl(const long a[6])
{
	struct process *p = current_process();

	switch (a[0]) {
	case ARCH_SET_FS:
		if ((uint64_t)a[1] >= ARCH_USER_TOP)
			return -EPERM;
		p->tls = (uint64_t)a[1];
		arch_set_tls(p->tls);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)a[1], &p->tls, sizeof(p->tls));
	default:
		return -EINVAL;
	}
}

static long sys_set_tid_address(const long a[6])
{
	return current_process()->pid;
}

static long sys_getpid(const long a[6])
{
	return current_process()->pid;
}

static long sys_getuid(const long a[6])
{
	return current_process()->cred.uid;
}

static long sys_geteuid(const long a[6])
{
	return current_process()->cred.euid;
}

static long sys_getgid(const long a[6])
{
	return current_process()->cred.gid;
}

static long sys_getegid(const long a[6])
{
	return current_process()->cred.egid;
}

struct utsname_user {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long sys_uname(const long a[6])
{
	static struct utsname_user u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname)); /* what programs expect to see */
	strlcpy(u.nodename, "appliance", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-appliance", sizeof(u.release));
	strlcpy(u.version, KERNEL_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user((void *)a[0], &u, sizeof(u));
}

struct timespec_user {
	int64_t sec, nsec;
};

static long sys_clock_gettime(const long a[6])
{
	struct timespec_user ts;
	uint64_t ns;

	switch (a[0]) {
	case 0: /* CLOCK_REALTIME */
		ns = ksvc_realtime_ns();
		break;
	case 1: /* CLOCK_MONOTONIC */
	case 4: /* CLOCK_MONOTONIC_RAW */
	case 7: /* CLOCK_BOOTTIME */
		ns = arch_time_ns();
		break;
	default:
		return -EINVAL;
	}
	ts.sec = (int64_t)(ns / 1000000000);
	ts.nsec = (int64_t)(ns % 1000000000);
	return copy_to_user((void *)a[1], &ts, sizeof(ts));
}

static long sys_nanosleep(const long a[6])
{
	struct timespec_user ts;

	if (copy_from_user(&ts, (const void *)a[0], sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	sched_sleep_ms(
		(unsigned)MIN((uint64_t)ts.sec * 1000 + (uint64_t)ts.nsec / 1000000, 1u << 30));
	return 0;
}

static syscall_fn table[NR_SYSCALLS] = {
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_getpid] = sys_getpid,
	[SYS_uname] = sys_uname,
	[SYS_getuid] = sys_getuid,
	[SYS_getgid] = sys_getgid,
	[SYS_geteuid] = sys_geteuid,
	[SYS_getegid] = sys_getegid,
	[SYS_arch_prctl] = sys_arch_prctl,
	[SYS_gettid] = sys_getpid,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_clock_gettime] = sys_clock_gettime,
};

void syscall_set(int nr, syscall_fn fn)
{
	KASSERT(nr >= 0 && nr < NR_SYSCALLS);
	table[nr] = fn;
}

void syscall_init(void)
{
	sys_file_init();
	sys_path_init();
	sys_proc_init();
	sys_misc_init();
	sys_mem_init();
}

long syscall_table_dispatch(long nr, const long args[6])
{
	if (nr < 0 || nr >= NR_SYSCALLS || !table[nr]) {
		if (unknown_calls++ < 16)
			pr_info("syscall: pid %d: %ld not implemented (-ENOSYS)\n",
				current_process() ? current_process()->pid : -1, nr);
		return -ENOSYS;
	}
	return table[nr](args);
}
