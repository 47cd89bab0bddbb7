/*
 * The Linux x86_64 system-call table (numbers from the kernel's
 * arch/x86/entry/syscalls/syscall_64.tbl; semantics from the man pages).
 * This file holds the table, the dispatcher and the small calls (memory,
 * identity, time, uname); the larger families install themselves from
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

#define SYS_mmap	  9
#define SYS_munmap	  11
#define SYS_brk		  12
#define SYS_nanosleep	  35
#define SYS_getpid	  39
#define SYS_uname	  63
#define SYS_getuid	  102
#define SYS_getgid	  104
#define SYS_geteuid	  107
#define SYS_getegid	  108
#define SYS_arch_prctl	  158
#define SYS_clock_gettime 228
#define NR_SYSCALLS	  512

#define ARCH_SET_FS   0x1002
#define ARCH_GET_FS   0x1003
#define PROT_WRITE    0x2
#define PROT_EXEC     0x4
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define IOV_MAX	      1024

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
	strlcpy(u.sysname, KERNEL_UTS_SYSNAME, sizeof(u.sysname)); /* what programs expect */
	strlcpy(u.nodename, KERNEL_UTS_NODENAME, sizeof(u.nodename));
	strlcpy(u.release, KERNEL_UTS_RELEASE, sizeof(u.release));
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

/* Anonymous private memory, mapped eagerly until demand paging arrives. */
static long sys_mmap(const long a[6])
{
	struct process *p = current_process();
	uint64_t len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE), va;
	unsigned flags = VM_WRITE | ((a[2] & PROT_EXEC) ? VM_EXEC : 0);

	if (len == 0 || len > GiB(1))
		return -EINVAL;
	if (!(a[3] & MAP_ANONYMOUS) || !(a[3] & MAP_PRIVATE) || (a[3] & MAP_FIXED))
		return -ENOSYS; /* file and shared mappings come later */
	va = p->mmap_next - len;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;
		if (page_alloc(&pa))
			return -ENOMEM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		if (arch_aspace_map(p->as, va + off, pa, flags)) {
			page_free(pa);
			return -ENOMEM;
		}
	}
	p->mmap_next = va;
	return (long)va;
}

static long sys_munmap(const long a[6])
{
	struct process *p = current_process();
	uint64_t va = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);

	if (!IS_ALIGNED(va, PAGE_SIZE) || len == 0 || va >= ARCH_USER_TOP ||
	    len > ARCH_USER_TOP - va)
		return -EINVAL;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;
		if (arch_aspace_unmap(p->as, va + off, &pa) == 0)
			page_free(pa);
	}
	return 0;
}

static long sys_brk(const long a[6])
{
	struct process *p = current_process();
	uint64_t want = (uint64_t)a[0];

	if (want < p->brk_start || want > p->brk_start + GiB(1))
		return (long)p->brk;
	for (uint64_t va = ALIGN_UP(p->brk, PAGE_SIZE); va < ALIGN_UP(want, PAGE_SIZE);
	     va += PAGE_SIZE) {
		uint64_t pa;
		if (page_alloc(&pa))
			return (long)p->brk;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		if (arch_aspace_map(p->as, va, pa, VM_WRITE)) {
			page_free(pa);
			return (long)p->brk;
		}
	}
	p->brk = want; /* shrinking keeps the pages until the process ends */
	return (long)p->brk;
}

static syscall_fn table[NR_SYSCALLS] = {
	[SYS_mmap] = sys_mmap,
	[SYS_munmap] = sys_munmap,
	[SYS_brk] = sys_brk,
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_getpid] = sys_getpid,
	[SYS_uname] = sys_uname,
	[SYS_getuid] = sys_getuid,
	[SYS_getgid] = sys_getgid,
	[SYS_geteuid] = sys_geteuid,
	[SYS_getegid] = sys_getegid,
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
	sys_info_init();
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
