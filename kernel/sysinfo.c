/*
 * The kernel's own /proc files: meminfo, uptime, partitions, bus/pci and
 * kmsg-style log access through dmesg later. Each show function formats
 * into the buffer procfs gives it and returns the length.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/pci.h"
#include "fs/bcache.h"
#include "fs/procfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/sysinfo.h"

/* Append to buf, never past size; returns the new length. */
static size_t put(char *buf, size_t size, size_t n, const char *fmt, ...) __printf(4, 5);

static size_t put(char *buf, size_t size, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n >= size)
		return n;
	va_start(ap, fmt);
	w = kvsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	return w < 0 ? n : MIN(size, n + (size_t)w);
}

static int show_meminfo(char *buf, size_t size, void *arg)
{
	struct heap_stats hs;
	struct bcache_stats bs;
	size_t n = 0;

	heap_get_stats(&hs);
	bcache_get_stats(&bs);
	n = put(buf, size, n, "MemTotal:       %8llu kB\n",
		(unsigned long long)(kernel_pmm.usable_frames * PAGE_SIZE / 1024));
	n = put(buf, size, n, "MemFree:        %8llu kB\n",
		(unsigned long long)(kernel_pmm.free_frames * PAGE_SIZE / 1024));
	n = put(buf, size, n, "Buffers:        %8llu kB\n",
		(unsigned long long)(bs.bytes_cached / 1024));
	n = put(buf, size, n, "Slab:           %8llu kB\n",
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
	size_t n = put(buf, size, 0, "major minor  #blocks  name\n\n");

	for (struct blkdev *d = blkdev_next(NULL); d; d = blkdev_next(d))
		n = put(buf, size, n, "%5u %5u %10llu %s\n", (unsigned)d->major, (unsigned)d->minor,
			(unsigned long long)(d->sectors / 2), d->name);
	return (int)n;
}

static int show_pci(char *buf, size_t size, void *arg)
{
	return pci_list_show(buf, size);
}

void sysinfo_init(void)
{
	procfs_register("meminfo", show_meminfo, NULL);
	procfs_register("uptime", show_uptime, NULL);
	procfs_register("partitions", show_partitions, NULL);
	procfs_register("bus/pci", show_pci, NULL);
}
