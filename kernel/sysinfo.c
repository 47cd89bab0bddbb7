/*
 * The kernel's own /proc files: meminfo, uptime, partitions,
 * stat, loadavg, version, cpuinfo, filesystems, cmdline and
 * sys/kernel/{hostname,ostype,osrelease}. Each show function formats into
 * the buffer procfs gives it and returns the length. Formats are Linux's
 * (proc(5)); tick counts are in USER_HZ (100 per second).
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/pci.h"
#include "fs/bcache.h"
#include "fs/procfs.h"
#include "kernel/arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/proc_fmt.h"
#include "kernel/proc/process.h"
#include "kernel/sched/loadavg.h"
#include "kernel/sched/sched.h"
#include "kernel/sysinfo.h"
#include "kernel/version.h"

static int show_meminfo(char *buf, size_t size, void *arg)
{
	struct heap_stats hs;
	struct bcache_stats bs;
	size_t n = 0;

	heap_get_stats(&hs);
	bcache_get_stats(&bs);
	n = ksnappend(buf, size, n, "MemTotal:       %8llu kB\n",
		      (unsigned long long)(kernel_pmm.usable_frames * PAGE_SIZE / 1024));
	n = ksnappend(buf, size, n, "MemFree:        %8llu kB\n",
		      (unsigned long long)(kernel_pmm.free_frames * PAGE_SIZE / 1024));
	n = ksnappend(buf, size, n, "Buffers:        %8llu kB\n",
		      (unsigned long long)(bs.bytes_cached / 1024));
	n = ksnappend(buf, size, n, "Slab:           %8llu kB\n",
		      (unsigned long long)(hs.pages_in_use * PAGE_SIZE / 1024));
	return (int)n;
}

static int show_uptime(char *buf, size_t size, void *arg)
{
	uint64_t cs = arch_time_ns() / 10000000;

	/* Idle time is not tracked yet; Linux prints it second. */
	return ksnprintf(buf, size, "%llu.%02llu 0.00\n", (unsigned long long)(cs / 100),
			 (unsigned long long)(cs % 100));
}

static int show_partitions(char *buf, size_t size, void *arg)
{
	size_t n = ksnappend(buf, size, 0, "major minor  #blocks  name\n\n");

	for (struct blkdev *d = blkdev_next(NULL); d; d = blkdev_next(d))
		n = ksnappend(buf, size, n, "%5u %5u %10llu %s\n", (unsigned)d->major,
			      (unsigned)d->minor, (unsigned long long)(d->sectors / 2), d->name);
	return (int)n;
}

static uint64_t user_hz(uint64_t ticks)
{
	return ticks * PROC_CLK_TCK / HZ;
}

/* One CPU, so the "cpu" and "cpu0" lines agree. */
static int show_stat(char *buf, size_t size, void *arg)
{
	typedef unsigned long long ull;
	struct sched_stats st;
	uint64_t boot_s = (ksvc_realtime_ns() - arch_time_ns()) / 1000000000ull;
	size_t n = 0;

	sched_get_stats(&st);
	for (int line = 0; line < 2; line++)
		n = ksnappend(buf, size, n, "cpu%s %llu %llu %llu %llu 0 0 0 0 0 0\n",
			      line ? "0" : " ", (ull)user_hz(st.user), (ull)user_hz(st.nice),
			      (ull)user_hz(st.system), (ull)user_hz(st.idle));
	n = ksnappend(buf, size, n, "intr 0\nctxt %llu\nbtime %llu\nprocesses %d\n", (ull)st.ctxt,
		      (ull)boot_s, proc_last_pid());
	n = ksnappend(buf, size, n,
		      "procs_running %u\nprocs_blocked %u\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		      st.running, st.blocked);
	return (int)n;
}

static int show_loadavg(char *buf, size_t size, void *arg)
{
	struct sched_stats st;

	sched_get_stats(&st);
	return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%u %d\n",
			 loadavg_int(st.load[0]), loadavg_frac(st.load[0]), loadavg_int(st.load[1]),
			 loadavg_frac(st.load[1]), loadavg_int(st.load[2]),
			 loadavg_frac(st.load[2]), st.running, st.threads, proc_last_pid());
}

static int show_version(char *buf, size_t size, void *arg)
{
	return ksnprintf(buf, size, "%s version %s (root@%s) (gcc) #1 %s\n", KERNEL_UTS_SYSNAME,
			 KERNEL_UTS_RELEASE, KERNEL_UTS_NODENAME, KERNEL_VERSION);
}

static int show_cpuinfo(char *buf, size_t size, void *arg)
{
	struct arch_cpu_info ci;
	uint64_t khz;
	size_t n = 0;
	int w;

	arch_cpu_info(&ci);
	khz = ci.tsc_hz / 1000;
	n = ksnappend(buf, size, n,
		      "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		      "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %llu.%03llu\n",
		      ci.vendor, ci.family, ci.model, ci.model_name, ci.stepping,
		      (unsigned long long)(khz / 1000), (unsigned long long)(khz % 1000));
	n = ksnappend(buf, size, n,
		      "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
		      "apicid\t\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
		      "wp\t\t: yes\nflags\t\t: ",
		      ci.cpuid_level);
	w = arch_cpu_flags(n < size ? buf + n : NULL, n < size ? size - n : 0);
	n += w > 0 ? (size_t)w : 0;
	n = ksnappend(buf, size, n,
		      "\nbogomips\t: %llu.%02llu\nclflush size\t: 64\n"
		      "cache_alignment\t: 64\naddress sizes\t: 48 bits physical, 48 bits virtual\n"
		      "power management:\n\n",
		      (unsigned long long)(khz * 2 / 1000), /* Linux's: twice the MHz */
		      (unsigned long long)(khz * 2 / 10 % 100));
	return (int)n;
}

static int show_filesystems(char *buf, size_t size, void *arg)
{
	return vfs_filesystems_show(buf, size);
}

static int show_cmdline(char *buf, size_t size, void *arg)
{
	return ksnprintf(buf, size, "%s\n", boot_info.cmdline);
}

static int show_string(char *buf, size_t size, void *arg)
{
	return ksnprintf(buf, size, "%s\n", (const char *)arg);
}

void sysinfo_init(void)
{
	procfs_register("meminfo", show_meminfo, NULL);
	procfs_register("uptime", show_uptime, NULL);
	procfs_register("partitions", show_partitions, NULL);
	sysinfo_hw_init(); /* bus/pci/, iomem (kernel/sysinfo_hw.c) */
	procfs_register("stat", show_stat, NULL);
	procfs_register("loadavg", show_loadavg, NULL);
	procfs_register("version", show_version, NULL);
	procfs_register("cpuinfo", show_cpuinfo, NULL);
	procfs_register("filesystems", show_filesystems, NULL);
	procfs_register("cmdline", show_cmdline, NULL);
	procfs_register("sys/kernel/hostname", show_string, uts_hostname);
	procfs_register("sys/kernel/ostype", show_string, KERNEL_UTS_SYSNAME);
	procfs_register("sys/kernel/osrelease", show_string, KERNEL_UTS_RELEASE);
}
