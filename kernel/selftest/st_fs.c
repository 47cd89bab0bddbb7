/*
 * Filesystem self-tests on the mounted root (issue 3). Group `fs` writes a
 * workload under /fstest that tests/integration/test_fs.py reads back with
 * debugfs after the kernel has synced and unmounted: 200 patterned files,
 * a 3 MiB file, a sparse file, a symlink, a hard link, a rename into a
 * subdirectory, an unlink, a truncate and a 12-deep tree. It also checks
 * permission denials for an ordinary user. Group `fs_ro` runs on a
 * read-only disk and expects EROFS.
 */
#include <ksvc.h>
#include "fs/bcache.h"
#include "fs/stat.h"
#include "fs/vfs.h"
#include "kernel/mm/heap.h"
#include "kernel/root.h"
#include "kernel/sched/sched.h"
#include "kernel/selftest/selftest.h"

#define NFILES 200

static uint8_t pattern(unsigned i, size_t j)
{
	return (uint8_t)(i * 131 + j * 7 + j / 251);
}

static int write_file(struct vfs_ctx *ctx, const char *path, unsigned i, size_t size)
{
	struct file *f;
	uint8_t *buf = kmalloc(4096);
	int err = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);

	if (!buf || err) {
		kfree(buf);
		return err ? err : -ENOMEM;
	}
	for (size_t off = 0; off < size && !err; off += 4096) {
		size_t n = MIN(4096, size - off);
		for (size_t j = 0; j < n; j++)
			buf[j] = pattern(i, off + j);
		long w = vfs_write(f, buf, n);
		if (w != (long)n)
			err = w < 0 ? (int)w : -EIO;
	}
	vfs_close(f);
	kfree(buf);
	return err;
}

/* 0 if `path` holds exactly pattern(i) for `size` bytes (first `keep`
 * bytes of it when keep < size... callers pass the final size). */
static int check_file(struct vfs_ctx *ctx, const char *path, unsigned i, size_t size)
{
	struct file *f;
	struct kstat st;
	uint8_t *buf = kmalloc(4096);
	int err = vfs_open(ctx, path, O_RDONLY, 0, &f);
	size_t off = 0;

	if (!buf || err) {
		kfree(buf);
		return err ? err : -ENOMEM;
	}
	if (vfs_fstat(f, &st) || st.size != size)
		err = -EINVAL;
	while (!err) {
		long r = vfs_read(f, buf, 4096);
		if (r < 0) {
			err = (int)r;
			break;
		}
		if (r == 0)
			break;
		for (long j = 0; j < r; j++)
			if (buf[j] != pattern(i, off + (size_t)j))
				err = -EILSEQ;
		off += (size_t)r;
	}
	if (!err && off != size)
		err = -ENODATA;
	vfs_close(f);
	kfree(buf);
	return err;
}

EXPLICIT_SELFTEST(fs, workload_files)
{
	struct vfs_ctx *ctx = root_ctx();
	char path[64];
	int err;

	ST_CHECK(ctx, "no root filesystem");
	err = vfs_mkdir(ctx, "/fstest", 0755);
	ST_CHECK(err == 0, "mkdir /fstest: %d", err);
	ST_CHECK(vfs_mkdir(ctx, "/fstest", 0755) == -EEXIST, "second mkdir not EEXIST");
	ST_CHECK(vfs_mkdir(ctx, "/fstest/sub", 0755) == 0, "mkdir /fstest/sub");
	for (unsigned i = 0; i < NFILES; i++) {
		ksnprintf(path, sizeof(path), "/fstest/f%03u", i);
		err = write_file(ctx, path, i, (i * 997) % 20000);
		ST_CHECK(err == 0, "write %s: %d", path, err);
	}
	err = write_file(ctx, "/fstest/big", 999, 3 << 20);
	ST_CHECK(err == 0, "write /fstest/big: %d", err);
	ST_CHECK(vfs_symlink(ctx, "f001", "/fstest/link") == 0, "symlink");
	ST_CHECK(vfs_link(ctx, "/fstest/f004", "/fstest/hard") == 0, "link");
	ST_CHECK(vfs_rename(ctx, "/fstest/f002", "/fstest/sub/renamed") == 0, "rename");
	ST_CHECK(vfs_unlink(ctx, "/fstest/f003") == 0, "unlink");
	ST_CHECK(vfs_unlink(ctx, "/fstest/f003") == -ENOENT, "second unlink not ENOENT");
	ST_CHECK(vfs_truncate(ctx, "/fstest/f005", 10) == 0, "truncate");
	ST_CHECK(vfs_rmdir(ctx, "/fstest/sub") == -ENOTEMPTY, "rmdir of a full dir");
	return 0;
}

EXPLICIT_SELFTEST(fs, workload_sparse_and_deep)
{
	struct vfs_ctx *ctx = root_ctx();
	char *path = kzalloc(256);
	struct file *f;
	size_t len = 0;
	int err;

	ST_CHECK(ctx && path, "no root or no memory");
	err = vfs_open(ctx, "/fstest/sparse", O_WRONLY | O_CREAT, 0644, &f);
	ST_CHECK(err == 0, "create sparse: %d", err);
	ST_CHECK(vfs_pwrite(f, "x", 1, 8 << 20) == 1, "write at 8 MiB");
	vfs_close(f);
	len = (size_t)ksnprintf(path, 256, "/fstest");
	for (int k = 1; k <= 12; k++) {
		len += (size_t)ksnprintf(path + len, 256 - len, "/d%d", k);
		err = vfs_mkdir(ctx, path, 0755);
		ST_CHECK(err == 0, "mkdir %s: %d", path, err);
	}
	ksnprintf(path + len, 256 - len, "/leaf");
	err = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_EXCL, 0644, &f);
	ST_CHECK(err == 0, "create %s: %d", path, err);
	ST_CHECK(vfs_write(f, "leaf\n", 5) == 5, "write leaf");
	vfs_close(f);
	kfree(path);
	return 0;
}

EXPLICIT_SELFTEST(fs, workload_reads_back)
{
	struct vfs_ctx *ctx = root_ctx();
	char path[64], target[16];
	struct kstat st;
	int err;

	ST_CHECK(ctx, "no root filesystem");
	for (unsigned i = 0; i < NFILES; i++) {
		size_t len = (i * 997) % 20000;
		if (i == 2 || i == 3)
			continue;
		if (i == 5)
			len = 10;
		ksnprintf(path, sizeof(path), "/fstest/f%03u", i);
		err = check_file(ctx, path, i, len);
		ST_CHECK(err == 0, "%s reads back wrong: %d", path, err);
	}
	err = check_file(ctx, "/fstest/big", 999, 3 << 20);
	ST_CHECK(err == 0, "/fstest/big reads back wrong: %d", err);
	err = check_file(ctx, "/fstest/sub/renamed", 2, (2 * 997) % 20000);
	ST_CHECK(err == 0, "renamed file reads back wrong: %d", err);
	ST_CHECK(vfs_readlink(ctx, "/fstest/link", target, sizeof(target)) == 4 &&
			 memcmp(target, "f001", 4) == 0,
		 "readlink");
	ST_CHECK(vfs_stat(ctx, "/fstest/f004", &st, true) == 0 && st.nlink == 2, "nlink of f004");
	ST_CHECK(vfs_stat(ctx, "/fstest/sparse", &st, true) == 0 && st.size == (8 << 20) + 1 &&
			 st.blocks < 64,
		 "sparse file: size %llu blocks %llu", (unsigned long long)st.size,
		 (unsigned long long)st.blocks);
	return 0;
}

EXPLICIT_SELFTEST(fs, permission_denials)
{
	static struct cred user = {.uid = 1000,
				   .euid = 1000,
				   .suid = 1000,
				   .fsuid = 1000,
				   .gid = 1000,
				   .egid = 1000,
				   .sgid = 1000,
				   .fsgid = 1000};
	struct vfs_ctx uctx;
	struct file *f;
	int err;

	ST_CHECK(root_ctx(), "no root filesystem");
	ST_CHECK(vfs_ctx_init(&uctx, &user) == 0, "user context");
	err = vfs_open(&uctx, "/etc/passwd", O_WRONLY, 0, &f);
	ST_CHECK(err == -EACCES, "writing /etc/passwd as a user gave %d", err);
	err = vfs_open(&uctx, "/etc/passwd", O_RDONLY, 0, &f);
	ST_CHECK(err == 0, "reading /etc/passwd as a user gave %d", err);
	vfs_close(f);
	err = vfs_open(&uctx, "/root/x", O_WRONLY | O_CREAT, 0644, &f);
	ST_CHECK(err == -EACCES, "creating in /root as a user gave %d", err);
	err = vfs_mkdir(&uctx, "/etc/x", 0755);
	ST_CHECK(err == -EACCES, "mkdir in /etc as a user gave %d", err);
	err = vfs_unlink(&uctx, "/fstest/f001");
	ST_CHECK(err == -EACCES, "unlink in root's /fstest as a user gave %d", err);
	err = vfs_open(&uctx, "/home/user/mine", O_WRONLY | O_CREAT, 0600, &f);
	ST_CHECK(err == 0, "creating in /home/user as its owner gave %d", err);
	vfs_close(f);
	ST_CHECK(vfs_unlink(&uctx, "/home/user/mine") == 0, "unlink own file");
	err = vfs_chown(&uctx, "/fstest/f001", 1000, 1000, true);
	ST_CHECK(err == -EPERM, "chown by a user gave %d", err);
	vfs_ctx_release(&uctx);
	return 0;
}

EXPLICIT_SELFTEST(fs_ro, writes_give_erofs)
{
	struct vfs_ctx *ctx = root_ctx();
	struct file *f;
	int err;

	ST_CHECK(ctx, "no root filesystem");
	err = vfs_open(ctx, "/etc/passwd", O_RDONLY, 0, &f);
	ST_CHECK(err == 0, "reading /etc/passwd gave %d", err);
	vfs_close(f);
	ST_CHECK(vfs_open(ctx, "/etc/passwd", O_WRONLY, 0, &f) == -EROFS, "open for write");
	ST_CHECK(vfs_mkdir(ctx, "/newdir", 0755) == -EROFS, "mkdir");
	ST_CHECK(vfs_unlink(ctx, "/etc/hostname") == -EROFS, "unlink");
	ST_CHECK(vfs_open(ctx, "/new", O_WRONLY | O_CREAT, 0644, &f) == -EROFS, "create");
	return 0;
}

/* Read a whole small file into buf (NUL-terminated); length or -errno. */
static long slurp(struct vfs_ctx *ctx, const char *path, char *buf, size_t size)
{
	struct file *f;
	long n = 0, r;
	int err = vfs_open(ctx, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	while (n < (long)size - 1 && (r = vfs_read(f, buf + n, size - 1 - (size_t)n)) > 0)
		n += r;
	vfs_close(f);
	buf[n] = '\0';
	return n;
}

/* The start of the line of `hay` that contains `needle`, or NULL. */
static char *strstr_line(char *hay, const char *needle)
{
	size_t m = strlen(needle);
	char *line = hay;

	for (char *p = hay; *p; p++) {
		if (*p == '\n')
			line = p + 1;
		else if (strncmp(p, needle, m) == 0)
			return line;
	}
	return NULL;
}

static bool has(const char *hay, const char *needle)
{
	size_t m = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, m) == 0)
			return true;
	return false;
}

EXPLICIT_SELFTEST(fs, proc_and_dev)
{
	struct vfs_ctx *ctx = root_ctx();
	char *buf = kmalloc(8192);
	struct file *f;
	uint8_t b[16];
	char rootdev[16], path[32];
	long n;

	ST_CHECK(ctx && buf, "no root or no memory");
	ST_CHECK(slurp(ctx, "/proc/mounts", buf, 8192) > 0, "read /proc/mounts");
	ST_CHECK(has(buf, " / ext2 rw"), "/proc/mounts lacks the root: %s", buf);
	ST_CHECK(has(buf, " /dev devfs ") && has(buf, " /tmp tmpfs ") && has(buf, " /proc proc "),
		 "/proc/mounts lacks a standard mount");
	/* The root is vda1 on a disk and ram0 on a RAM disk: name it from
	 * /proc/mounts' first field. */
	{
		char *root = strstr_line(buf, " / ext2 ");
		ST_CHECK(root, "no root line");
		ksnprintf(rootdev, sizeof(rootdev), "%.*s", (int)(strchr(root, ' ') - root), root);
	}
	ST_CHECK(slurp(ctx, "/proc/partitions", buf, 8192) > 0 && has(buf, rootdev),
		 "/proc/partitions lacks %s", rootdev);
	ST_CHECK(slurp(ctx, "/proc/bus/pci/devices", buf, 8192) > 0 && has(buf, "\t80861237\t"),
		 "/proc/bus/pci/devices lacks the host bridge");
	ST_CHECK(slurp(ctx, "/proc/meminfo", buf, 8192) > 0 && has(buf, "MemTotal:"),
		 "/proc/meminfo");
	ST_CHECK(slurp(ctx, "/proc/uptime", buf, 8192) > 0, "/proc/uptime");

	ST_CHECK(vfs_open(ctx, "/dev/zero", O_RDONLY, 0, &f) == 0, "open /dev/zero");
	memset(b, 0xff, sizeof(b));
	n = vfs_read(f, b, sizeof(b));
	vfs_close(f);
	ST_CHECK(n == sizeof(b) && b[0] == 0 && b[15] == 0, "/dev/zero");
	ST_CHECK(vfs_open(ctx, "/dev/full", O_WRONLY, 0, &f) == 0, "open /dev/full");
	n = vfs_write(f, b, 1);
	vfs_close(f);
	ST_CHECK(n == -ENOSPC, "/dev/full write gave %ld", n);
	ST_CHECK(vfs_open(ctx, "/dev/urandom", O_RDONLY, 0, &f) == 0, "open /dev/urandom");
	n = vfs_read(f, b, sizeof(b));
	vfs_close(f);
	ST_CHECK(n == sizeof(b) && (b[0] | b[1] | b[2] | b[3]), "/dev/urandom");
	/* The root device's ext2 superblock magic 0xef53 sits at byte 1080. */
	ksnprintf(path, sizeof(path), "/dev/%s", rootdev);
	ST_CHECK(vfs_open(ctx, path, O_RDONLY, 0, &f) == 0, "open %s", path);
	n = vfs_pread(f, b, 2, 1080);
	vfs_close(f);
	ST_CHECK(n == 2 && b[0] == 0x53 && b[1] == 0xef, "no ext2 magic through %s", path);
	kfree(buf);
	return 0;
}

EXPLICIT_SELFTEST(fs, periodic_writeback)
{
	struct vfs_ctx *ctx = root_ctx();
	struct bcache_stats before, now;
	struct file *f;
	int err;

	ST_CHECK(ctx, "no root filesystem");
	bcache_get_stats(&before);
	err = vfs_open(ctx, "/fstest/writeback", O_WRONLY | O_CREAT, 0644, &f);
	ST_CHECK(err == 0, "create: %d", err);
	ST_CHECK(vfs_write(f, "written back\n", 13) == 13, "write");
	vfs_close(f);
	/* No sync here: the worker must write the blocks within its period. */
	for (int i = 0; i < 80; i++) {
		sched_sleep_ms(100);
		bcache_get_stats(&now);
		if (now.writebacks > before.writebacks)
			return 0;
	}
	ST_FAIL("no write-back within 8 s (writebacks %llu)", (unsigned long long)now.writebacks);
}
