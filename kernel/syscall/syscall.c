/*
 * The Linux x86_64 system-call table (numbers from the kernel's
 * arch/x86/entry/syscalls/syscall_64.tbl; semantics from the man pages).
 * This file holds the table, the dispatcher and the small calls
 * (clock_gettime, arch_prctl, getpid); the larger families install
 * themselves from the sys_*.c files (syscall.h lists them). A number
 * nobody installed returns -ENOSYS and is counted, never a panic.
 * Arguments come in Linux's order: rdi, rsi, rdx, r10, r8, r9.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/clock.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_getpid	  39
#define SYS_arch_prctl	  158
#define SYS_clock_gettime 228
#define NR_SYSCALLS	  512

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define IOV_MAX	    1024

static uint64_t unknown_calls;

static long sys_arch_prctl(const long a[6])
{
	switch (a[0]) {
	case ARCH_SET_FS:
		if ((uint64_t)a[1] >= ARCH_USER_TOP)
			return -EPERM;
		current_uthread()->tls = (uint64_t)a[1];
		arch_set_tls(current_uthread()->tls);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)a[1], &current_uthread()->tls, sizeof(uint64_t));
	default:
		return -EINVAL;
	}
}

static long sys_getpid(const long a[6])
{
	return current_process()->pid;
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

static syscall_fn table[NR_SYSCALLS] = {
	[SYS_getpid] = sys_getpid,
	[SYS_arch_prctl] = sys_arch_prctl,
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
	sys_signal_init();
	sys_cred_init();
	sys_time_init();
	sys_sys_init();
	sys_statx_init();
	sys_poll_init();
	sys_socket_init();
	sys_mem_init();
	sys_mount_init();
	sys_syslog_init();
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
