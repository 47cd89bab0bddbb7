/*
 * ext2 through the real VFS (fs/vfs*.c, with the VFS tests' host support
 * test_vfs_host.c): an image made by mke2fs is mounted on /mnt of a tmpfs
 * root with vfs_mount, then used with the system-call-level functions:
 * open flags, read/write/lseek/O_APPEND, getdents in small buffers, stat,
 * rename of files and directories, link, symlink and path following,
 * truncate, chmod/chown/utimens, statfs, permission denials for an
 * ordinary user, fsync and sync. After vfs_umount, e2fsck must find the
 * image clean and debugfs must read back what was written; no kernel heap
 * object may remain. A write-protected device mounts read-only (EROFS) and
 * an ext3 image is refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "test_vfs_host.h"
#include "test_ext2_host.h"
#include "fs/bcache.h"
#include "fs/ext2/ext2.h"

static struct vfs_ctx ctx;
static char img[T2_PATH], src[T2_PATH];
static long allocs_before_mount;

static void suite_setup(void)
{
	t2h_base_init();
}

static void suite_teardown(void)
{
	t2h_base_fini();
}

static void setup(void)
{
	ck_assert_int_eq(th_world_init(NULL), 0);
	ck_assert_int_eq(ext2_init(), 0);
	ck_assert_int_eq(vfs_ctx_init(&ctx, &root_cred), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt", 0755), 0);
	bcache_init(16 << 20);
	host_log_clear();
}

static void teardown(void)
{
	struct bcache_stats st;

	vfs_ctx_release(&ctx);
	ck_assert_int_eq(th_world_fini(), 0);
	bcache_get_stats(&st);
	ck_assert_uint_eq(st.bytes_cached, 0);
	ck_assert_uint_eq(host_pages_outstanding(), 0);
	ck_assert_int_eq(host_locks_held(), 0);
}

static void make_image(const char *type)
{
	char *out;

	snprintf(src, sizeof(src), "%s", t2h_tmpdir("src"));
	t2h_stage_tree(src);
	snprintf(img, sizeof(img), "%s/v.img", t2h_tmpdir("img"));
	ck_assert_msg(t2h_sh(&out, "mke2fs -q -t %s -b 1024 -d '%s' -F '%s' 32M", type, src, img) ==
			      0,
		      "%s", out);
	free(out);
}

static struct blkdev *mount_image(bool ro_dev, int expect)
{
	struct blkdev *dev = host_blk_open(img, ro_dev);

	ck_assert_ptr_nonnull(dev);
	allocs_before_mount = th_live_allocs();
	ck_assert_int_eq(vfs_mount(&ctx, dev, "/mnt", "ext2", 0, NULL), expect);
	if (expect)
		ck_assert_int_eq(th_live_allocs(), allocs_before_mount);
	return dev;
}

static void umount_image(struct blkdev *dev)
{
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt"), 0);
	host_blk_close(dev);
	/* Unmounted: ext2, the VFS and the buffer cache keep nothing. */
	ck_assert_int_eq(th_live_allocs(), allocs_before_mount);
}

static void fsck_clean(void)
{
	char *out;
	int st = t2h_sh(&out, "e2fsck -fn '%s'", img);

	ck_assert_msg(st == 0 && !strstr(out, "? no"), "e2fsck exited %d:\n%s", st, out);
	free(out);
}

static uint8_t *debugfs_cat(const char *path, size_t *len)
{
	char tmp[T2_PATH];

	snprintf(tmp, sizeof(tmp), "%s/out", t2h_tmpdir("cat"));
	ck_assert_int_eq(t2h_sh(NULL, "debugfs -R 'dump %s %s' '%s'", path, tmp, img), 0);
	return t2h_read(tmp, len);
}

static long write_all(const char *path, int flags, const void *buf, size_t len)
{
	struct file *f;
	long n;
	int err = vfs_open(&ctx, path, flags, 0644, &f);

	if (err)
		return err;
	n = vfs_write(f, buf, len);
	ck_assert_int_eq(vfs_close(f), 0);
	return n;
}

static uint8_t *read_all(struct vfs_ctx *c, const char *path, size_t *len)
{
	struct kstat st;
	struct file *f;
	uint8_t *buf;
	size_t got = 0;

	ck_assert_int_eq(vfs_open(c, path, O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	buf = malloc(st.size + 1);
	for (;;) {
		long n = vfs_read(f, buf + got, 7777);

		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		got += (size_t)n;
		ck_assert_uint_le(got, st.size);
	}
	ck_assert_uint_eq(got, st.size);
	ck_assert_int_eq(vfs_close(f), 0);
	*len = got;
	return buf;
}

/* Entries of a directory through getdents64 with a small buffer. */
static unsigned count_entries(const char *path)
{
	uint8_t buf[200];
	struct file *f;
	unsigned n = 0;
	long got;

	ck_assert_int_eq(vfs_open(&ctx, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	while ((got = vfs_getdents(f, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			ck_assert_uint_ne(d->d_ino, 0);
			n++;
			off += d->d_reclen;
		}
	}
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(vfs_close(f), 0);
	return n;
}

START_TEST(test_through_vfs)
{
	static const uint32_t none[1];
	struct cred user = th_cred(1000, 1000, 0, none);
	struct vfs_ctx uctx;
	struct blkdev *dev;
	struct kstatfs sfs;
	struct kstat st;
	struct file *f;
	uint8_t *data, *host, big[100000];
	size_t len, hlen;
	char link[64];
	char path[T2_PATH * 2];

	make_image("ext2");
	dev = mount_image(false, 0);
	ck_assert_int_eq(vfs_statfs(&ctx, "/mnt/sub", &sfs), 0);
	ck_assert_uint_eq(sfs.type, 0xEF53);

	/* Reading what mke2fs put there, through symlinks too. */
	data = read_all(&ctx, "/mnt/big", &len);
	snprintf(path, sizeof(path), "%s/big", src);
	host = t2h_read(path, &hlen);
	ck_assert_uint_eq(len, hlen);
	ck_assert(!memcmp(data, host, len));
	free(data);
	free(host);
	data = read_all(&ctx, "/mnt/sub/up", &len); /* -> ../k4097 */
	ck_assert_uint_eq(len, 4097);
	free(data);
	ck_assert_int_eq(vfs_readlink(&ctx, "/mnt/link_short", link, sizeof(link)), 3);
	ck_assert_uint_eq(count_entries("/mnt/sub/many"), 152);

	/* Writing: create, truncate on open, append, sparse extension. */
	t2h_fill(big, sizeof(big), 77);
	ck_assert_int_eq(write_all("/mnt/new", O_WRONLY | O_CREAT | O_EXCL, big, sizeof(big)),
			 (long)sizeof(big));
	ck_assert_int_eq(write_all("/mnt/new", O_WRONLY | O_APPEND, "tail", 4), 4);
	ck_assert_int_eq(write_all("/mnt/k1024", O_WRONLY | O_TRUNC, "short", 5), 5);
	ck_assert_int_eq(vfs_truncate(&ctx, "/mnt/k4097", 1 << 20), 0);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/new", &st, true), 0);
	ck_assert_uint_eq(st.size, sizeof(big) + 4);
	ck_assert_uint_eq(st.mode, S_IFREG | 0644);
	ck_assert_int_eq(vfs_open(&ctx, "/mnt/new", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_lseek(f, 50000, SEEK_SET), 50000);
	ck_assert_int_eq(vfs_write(f, "MID", 3), 3);
	ck_assert_int_eq(vfs_fsync(f), 0);
	ck_assert_int_eq(vfs_close(f), 0);
	memcpy(big + 50000, "MID", 3);

	/* Namespace. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt/d", 0750), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/mnt/sub/deeper", "/mnt/d/deeper"), 0);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/d/deeper/../deeper/c", &st, true), 0);
	ck_assert_uint_eq(st.size, 12345);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/d", &st, true), 0);
	ck_assert_uint_eq(st.nlink, 3);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/mnt/d"), -ENOTEMPTY);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/mnt/emptydir"), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/mnt/new", "/mnt/d/hard"), 0);
	ck_assert_int_eq(vfs_unlink(&ctx, "/mnt/one"), 0);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/link_short", &st, true), -ENOENT); /* dangling */
	ck_assert_int_eq(vfs_symlink(&ctx, "d/hard", "/mnt/tohard"), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/mnt/k70000", "/mnt/k1023"), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/mnt/d", 0700), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/mnt/d/hard", 1000, 1000, true), 0);
	ck_assert_int_eq(vfs_utimens(&ctx, "/mnt/tohard", NULL, false), 0);

	/* An ordinary user. */
	ck_assert_int_eq(vfs_ctx_init(&uctx, &user), 0);
	ck_assert_int_eq(vfs_open(&uctx, "/mnt/d/deeper/c", O_RDONLY, 0, &f), -EACCES);
	ck_assert_int_eq(vfs_mkdir(&uctx, "/mnt/x", 0755), -EACCES);
	ck_assert_int_eq(vfs_unlink(&uctx, "/mnt/new"), -EACCES);
	vfs_ctx_release(&uctx);

	ck_assert_int_eq(vfs_sync(), 0);
	umount_image(dev);

	fsck_clean();
	data = debugfs_cat("/new", &len);
	ck_assert_uint_eq(len, sizeof(big) + 4);
	ck_assert(!memcmp(data, big, sizeof(big)));
	ck_assert(!memcmp(data + sizeof(big), "tail", 4));
	free(data);
	data = debugfs_cat("/k1024", &len);
	ck_assert_uint_eq(len, 5);
	free(data);
	data = debugfs_cat("/k1023", &len); /* was /k70000 */
	ck_assert_uint_eq(len, 70000);
	free(data);

	/* Mounted again: the changes are there. */
	dev = mount_image(false, 0);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/d/hard", &st, true), 0);
	ck_assert_uint_eq(st.nlink, 2);
	ck_assert_uint_eq(st.uid, 1000);
	ck_assert_int_eq(vfs_stat(&ctx, "/mnt/k4097", &st, true), 0);
	ck_assert_uint_eq(st.size, 1 << 20);
	umount_image(dev);
	fsck_clean();
}
END_TEST

START_TEST(test_readonly_device)
{
	struct blkdev *dev;
	struct file *f;
	char *before, *after;

	make_image("ext2");
	ck_assert_int_eq(t2h_sh(&before, "md5sum < '%s'", img), 0);
	dev = mount_image(true, 0);
	ck_assert_int_eq(vfs_open(&ctx, "/mnt/x", O_WRONLY | O_CREAT, 0644, &f), -EROFS);
	ck_assert_int_eq(vfs_open(&ctx, "/mnt/k1023", O_WRONLY, 0, &f), -EROFS);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt/d", 0755), -EROFS);
	ck_assert_int_eq(vfs_unlink(&ctx, "/mnt/k1023"), -EROFS);
	ck_assert_int_eq(vfs_open(&ctx, "/mnt/k1023", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_close(f), 0);
	umount_image(dev);
	ck_assert_int_eq(t2h_sh(&after, "md5sum < '%s'", img), 0);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_refuse_ext3)
{
	struct blkdev *dev;

	make_image("ext3");
	dev = mount_image(false, -EINVAL);
	ck_assert(host_log_contains("unsupported feature has_journal, not mounting"));
	host_blk_close(dev);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ext2_vfs");
	TCase *tc = tcase_create("vfs");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_through_vfs);
	tcase_add_test(tc, test_readonly_device);
	tcase_add_test(tc, test_refuse_ext3);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
