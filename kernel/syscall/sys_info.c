/*
 * sysinfo(2): uptime, load averages, memory and the number of processes,
 * which busybox's uptime and free read instead of /proc. The layout is
 * x86_64 Linux's struct sysinfo (112 bytes); loads are scaled by
 * 1 << SI_LOAD_SHIFT (16) as include/uapi/linux/sysinfo.h says.
 */
#include <ksvc.h>
#include "fs/bcache.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/proc_pid.h"
#include "kernel/sched/loadavg.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"

#define SYS_sysinfo   99
#define SI_LOAD_SHIFT 16

struct sysinfo_user {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	uint8_t reserved[4];
};
_Static_assert(sizeof(struct sysinfo_user) == 112, "struct sysinfo as on x86_64 Linux");

static long sys_sysinfo(const long a[6])
{
	struct sysinfo_user si;
	struct sched_stats st;
	struct bcache_stats bs;
	unsigned procs = proc_count();

	memset(&si, 0, sizeof(si));
	sched_get_stats(&st);
	bcache_get_stats(&bs);
	si.uptime = (int64_t)(arch_time_ns() / 1000000000ull);
	for (int i = 0; i < 3; i++)
		si.loads[i] = st.load[i] << (SI_LOAD_SHIFT - LOAD_FSHIFT);
	si.totalram = kernel_pmm.usable_frames * PAGE_SIZE;
	si.freeram = kernel_pmm.free_frames * PAGE_SIZE;
	si.bufferram = bs.bytes_cached;
	si.procs = (uint16_t)MIN(procs, 0xffffu);
	si.mem_unit = 1;
	return copy_to_user((void *)a[0], &si, sizeof(si));
}

void sys_info_init(void)
{
	syscall_set(SYS_sysinfo, sys_sysinfo);
}
