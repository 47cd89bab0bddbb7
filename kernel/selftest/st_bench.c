/*
 * In-kernel benchmarks for scripts/bench/run, which boots this kernel and
 * the Linux peer on the same disk image and compares the "BENCH name value
 * unit" lines (docs/bench.md). Explicit groups only: bench_boot,
 * bench_seqread (cold then warm read of /bench/big) and bench_create (1000
 * small files, then sync).
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/root.h"
#include "kernel/selftest/selftest.h"

#define CHUNK (1 << 20)

/* Print value/unit with one decimal, from a numerator and a time in ns. */
static void report(const char *name, uint64_t amount_x10, uint64_t ns, const char *unit)
{
	uint64_t tenths = ns ? amount_x10 * 1000000000ull / ns : 0;

	pr_notice("BENCH %s %llu.%llu %s\n", name, (unsigned long long)(tenths / 10),
		  (unsigned long long)(tenths % 10), unit);
}

EXPLICIT_SELFTEST(bench_boot, ready)
{
	pr_notice("bench: ready boot\n");
	return 0;
}

static int read_all(struct vfs_ctx *ctx, const char *path, uint8_t *buf, uint64_t *bytes)
{
	struct file *f;
	int err = vfs_open(ctx, path, O_RDONLY, 0, &f);
	long r;

	*bytes = 0;
	if (err)
		return err;
	while ((r = vfs_read(f, buf, CHUNK)) > 0)
		*bytes += (uint64_t)r;
	vfs_close(f);
	return r < 0 ? (int)r : 0;
}

EXPLICIT_SELFTEST(bench_seqread, big_file)
{
	struct vfs_ctx *ctx = root_ctx();
	uint8_t *buf = kmalloc(CHUNK);
	uint64_t bytes, t0, t1;
	int err;

	ST_CHECK(ctx && buf, "no root or no memory");
	pr_notice("bench: ready seqread\n");
	for (int pass = 0; pass < 2; pass++) {
		t0 = arch_time_ns();
		err = read_all(ctx, "/bench/big", buf, &bytes);
		t1 = arch_time_ns();
		ST_CHECK(err == 0, "reading /bench/big: %d", err);
		ST_CHECK(bytes >= CHUNK, "/bench/big is only %llu bytes",
			 (unsigned long long)bytes);
		/* MB/s as Linux's dd counts it: 10^6 bytes. */
		report(pass ? "seqread_warm" : "seqread_cold", bytes * 10 / 1000000, t1 - t0,
		       "MBps");
	}
	kfree(buf);
	return 0;
}

EXPLICIT_SELFTEST(bench_create, files_1000)
{
	struct vfs_ctx *ctx = root_ctx();
	static const char data[100] = "a small file for the create benchmark\n";
	char path[48];
	uint64_t t0, t1;
	int err;

	ST_CHECK(ctx, "no root filesystem");
	pr_notice("bench: ready create\n");
	t0 = arch_time_ns();
	err = vfs_mkdir(ctx, "/bench/c", 0755);
	ST_CHECK(err == 0 || err == -EEXIST, "mkdir /bench/c: %d", err);
	for (int i = 0; i < 1000; i++) {
		struct file *f;
		ksnprintf(path, sizeof(path), "/bench/c/f%04d", i);
		err = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
		ST_CHECK(err == 0, "create %s: %d", path, err);
		ST_CHECK(vfs_write(f, data, sizeof(data)) == sizeof(data), "write %s", path);
		vfs_close(f);
	}
	err = vfs_sync();
	t1 = arch_time_ns();
	ST_CHECK(err == 0, "sync: %d", err);
	report("create_1000", 10000, t1 - t0, "files_per_s");
	return 0;
}
