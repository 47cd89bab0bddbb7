/*
 * System-wide calls (Linux x86_64 numbers; semantics from the man pages):
 * uname with a settable host and domain name (sethostname(2),
 * setdomainname(2)), sysinfo(2), reboot(2), the scheduler's sched_yield,
 * getpriority/setpriority (nice), sched_getaffinity/sched_setaffinity and
 * getcpu on this one-CPU kernel, and syncfs.
 *
 * reboot(2) syncs and unmounts every filesystem (root_shutdown) before it
 * powers off, restarts or halts, so the disks are clean even when the
 * caller did not sync (busybox `poweroff -f`). It does not stop other
 * processes: init does that first, as on Linux.
 *
 * getpriority/setpriority reach only the calling process (who 0, or the
 * caller's own pid, process group or uid): there is no process table to
 * search yet; other targets are -ESRCH.
 *
 * Lock legend: the host and domain names are written only by privileged
 * callers through sethostname/setdomainname and copied whole by uname;
 * with one CPU and no kernel preemption neither can see half a name.
 */
#include <ksvc.h>
#include "fs/bcache.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/process.h"
#include "kernel/root.h"
#include "kernel/sched/loadavg.h"
#include "kernel/syscall/syscall.h"
#include "kernel/version.h"

#define SYS_sched_yield	      24
#define SYS_uname	      63
#define SYS_sysinfo	      99
#define SYS_getpriority	      140
#define SYS_setpriority	      141
#define SYS_reboot	      169
#define SYS_sethostname	      170
#define SYS_setdomainname     171
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_syncfs	      306
#define SYS_getcpu	      309

/* <linux/reboot.h> */
#define LINUX_REBOOT_MAGIC1	   0xfee1deadu
#define LINUX_REBOOT_MAGIC2	   672274793u
#define LINUX_REBOOT_MAGIC2A	   85072278u
#define LINUX_REBOOT_MAGIC2B	   369367448u
#define LINUX_REBOOT_MAGIC2C	   537993216u
#define LINUX_REBOOT_CMD_RESTART   0x01234567u
#define LINUX_REBOOT_CMD_HALT	   0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON	   0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF   0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define LINUX_REBOOT_CMD_RESTART2  0xa1b2c3d4u

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
#define UTS_LEN	     64 /* __NEW_UTS_LEN */

char uts_hostname[UTS_LEN + 1] = KERNEL_UTS_NODENAME;
char uts_domainname[UTS_LEN + 1] = "(none)";
static bool cad_enabled = true; /* LINUX_REBOOT_CMD_CAD_ON/OFF; Linux's default */

static bool privileged(void)
{
	return cred_privileged(&current_process()->cred);
}

/* ---- names ---------------------------------------------------------------- */

struct utsname_user {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long sys_uname(const long a[6])
{
	struct utsname_user u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, KERNEL_UTS_SYSNAME, sizeof(u.sysname)); /* what programs expect */
	strlcpy(u.nodename, uts_hostname, sizeof(u.nodename));
	strlcpy(u.release, KERNEL_UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, KERNEL_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, uts_domainname, sizeof(u.domainname));
	return copy_to_user((void *)a[0], &u, sizeof(u));
}

/* sethostname/setdomainname(name, len): exactly len bytes, no NUL needed. */
static long set_name(char *dst, long uname, long len)
{
	char buf[UTS_LEN + 1];

	if (!privileged())
		return -EPERM;
	if (len < 0 || len > UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, (const void *)uname, (size_t)len))
		return -EFAULT;
	buf[len] = '\0';
	memcpy(dst, buf, (size_t)len + 1);
	return 0;
}

static long sys_sethostname(const long a[6])
{
	return set_name(uts_hostname, a[0], a[1]);
}

static long sys_setdomainname(const long a[6])
{
	return set_name(uts_domainname, a[0], a[1]);
}

/* ---- sysinfo -------------------------------------------------------------- */

struct sysinfo_user {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
};
_Static_assert(sizeof(struct sysinfo_user) == 112, "Linux x86_64 struct sysinfo");

static long sys_sysinfo(const long a[6])
{
	struct sysinfo_user si;
	struct sched_stats st;
	struct bcache_stats bs;
	uint64_t ns = arch_time_ns();

	memset(&si, 0, sizeof(si));
	bcache_get_stats(&bs);
	/* Whole seconds, rounded up as Linux does (do_sysinfo); loads in
	 * 1/65536ths (SI_LOAD_SHIFT) from the scheduler's averages. */
	si.uptime = (int64_t)(ns / 1000000000 + (ns % 1000000000 ? 1 : 0));
	sched_get_stats(&st);
	for (int i = 0; i < 3; i++)
		si.loads[i] = st.load[i] << (16 - LOAD_FSHIFT);
	si.totalram = kernel_pmm.usable_frames * PAGE_SIZE;
	si.freeram = kernel_pmm.free_frames * PAGE_SIZE;
	si.bufferram = bs.bytes_cached;
	si.procs = (uint16_t)MIN(sched_thread_count(), 0xffffu);
	si.mem_unit = 1;
	return copy_to_user((void *)a[0], &si, sizeof(si));
}

/* ---- reboot --------------------------------------------------------------- */

static long sys_reboot(const long a[6])
{
	uint32_t magic2 = (uint32_t)a[1], cmd = (uint32_t)a[2];

	if (!privileged())
		return -EPERM; /* checked first, as Linux does */
	if ((uint32_t)a[0] != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
		cad_enabled = true;
		return 0;
	case LINUX_REBOOT_CMD_CAD_OFF:
		cad_enabled = false;
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2: /* the command string is not used */
		root_shutdown();
		pr_notice("reboot: Restarting system\n");
		arch_reboot();
	case LINUX_REBOOT_CMD_HALT:
		root_shutdown();
		pr_notice("reboot: System halted\n");
		arch_halt_forever();
	case LINUX_REBOOT_CMD_POWER_OFF:
		root_shutdown();
		pr_notice("reboot: Power down\n");
		arch_poweroff();
	default:
		return -EINVAL; /* software suspend and kexec are not built in */
	}
}

/* ---- scheduling ----------------------------------------------------------- */

static long sys_sched_yield(const long a[6])
{
	sched_yield();
	return 0;
}

/* Is (which, who) the calling process? 0, -EINVAL or -ESRCH. */
static int prio_target(long which, long who)
{
	struct process *p = current_process();

	switch (which) {
	case PRIO_PROCESS:
		return who == 0 || who == p->pid ? 0 : -ESRCH;
	case PRIO_PGRP:
		return who == 0 || who == p->pgid ? 0 : -ESRCH;
	case PRIO_USER:
		return who == 0 || (uint32_t)who == p->cred.uid ? 0 : -ESRCH;
	default:
		return -EINVAL;
	}
}

/* The raw call returns 20 - nice (1..40) so it is never negative; the
 * library turns it back into a nice value. */
static long sys_getpriority(const long a[6])
{
	int err = prio_target(a[0], a[1]);

	return err ? err : 20 - current_thread()->nice;
}

static long sys_setpriority(const long a[6])
{
	int err = prio_target(a[0], a[1]);
	long nice = a[2];

	if (err)
		return err;
	nice = MAX(MIN(nice, 19l), -20l);
	/* Raising the priority needs CAP_SYS_NICE (setpriority(2) EACCES). */
	if (nice < current_thread()->nice && !privileged())
		return -EACCES;
	thread_set_nice(current_thread(), (int)nice);
	return 0;
}

/* pid 0 or the caller's own: 0, else -ESRCH. */
static int self_pid(long pid)
{
	return pid == 0 || pid == current_process()->pid ? 0 : -ESRCH;
}

/* The mask is one unsigned long with CPU 0; the call returns its size. */
static long sys_sched_getaffinity(const long a[6])
{
	uint64_t mask = 1;
	int err = self_pid(a[0]);

	if (err)
		return err;
	if ((unsigned long)a[1] < sizeof(mask) || (a[1] & (long)(sizeof(mask) - 1)))
		return -EINVAL;
	if (copy_to_user((void *)a[2], &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

static long sys_sched_setaffinity(const long a[6])
{
	uint8_t first = 0;
	int err = self_pid(a[0]);

	if (err)
		return err;
	if (a[1] <= 0)
		return -EINVAL;
	if (copy_from_user(&first, (const void *)a[2], 1))
		return -EFAULT;
	return (first & 1) ? 0 : -EINVAL; /* the set must include CPU 0 */
}

static long sys_getcpu(const long a[6])
{
	uint32_t zero = 0;

	if (a[0] && copy_to_user((void *)a[0], &zero, sizeof(zero)))
		return -EFAULT;
	if (a[1] && copy_to_user((void *)a[1], &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

/* syncfs(fd): everything is written back, which includes fd's filesystem. */
static long sys_syncfs(const long a[6])
{
	struct file *f = fd_get(current_process()->fds, (int)a[0]);

	if (!f)
		return -EBADF;
	vfs_close(f);
	return vfs_sync();
}

void sys_sys_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_sched_yield, sys_sched_yield},
		{SYS_uname, sys_uname},
		{SYS_sysinfo, sys_sysinfo},
		{SYS_getpriority, sys_getpriority},
		{SYS_setpriority, sys_setpriority},
		{SYS_reboot, sys_reboot},
		{SYS_sethostname, sys_sethostname},
		{SYS_setdomainname, sys_setdomainname},
		{SYS_sched_setaffinity, sys_sched_setaffinity},
		{SYS_sched_getaffinity, sys_sched_getaffinity},
		{SYS_syncfs, sys_syncfs},
		{SYS_getcpu, sys_getcpu},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
