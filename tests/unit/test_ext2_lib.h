/*
 * Helpers shared by the ext2 host tests (test_ext2_lib.c): temporary
 * directories, images made with mke2fs and genext2fs from staged trees,
 * mounting through the "ext2" fs_type over host_blk, path operations that
 * resolve simple absolute paths with ->lookup (and repeat each change on a
 * host "mirror" directory that holds what the image should contain), and
 * the checks: e2fsck -fn, and debugfs reading the image back (rdump of the
 * whole tree compared byte for byte with the mirror, cat, ls).
 *
 * The helpers assert with Check's ck_assert, so they are called from tests.
 */
#ifndef TEST_EXT2_LIB_H
#define TEST_EXT2_LIB_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "host_blk.h"
#include "host_vfs_shim.h"
#include "fs/vfs.h"
#include "fs/bcache.h"
#include "fs/ext2/ext2.h"
#include "test_ext2_host.h"

struct t2_fs {
	char img[T2_PATH];
	char mirror[T2_PATH]; /* "" when changes are not mirrored */
	struct blkdev *dev;
	struct super_block *sb;
	struct inode *root;
};

/* Suite-level (unchecked fixture, parent process): the temporary root. */
void t2_suite_setup(void);
void t2_suite_teardown(void);
/* Per test (checked fixture): ext2 registered, cache sized, log cleared. */
void t2_test_setup(void);
void t2_test_teardown(void);

/* Temporary directories, commands, content and the staged tree: the
 * t2h_ functions of test_ext2_host.h. t2h_stage_tree makes files of 0, 1,
 * 1023, 1024, 4097, 70000 and about 5 MB, short and long symlinks, and
 * nested and wide directories. */

/* Images. size is mke2fs's size argument ("16M"); extra options may be "". */
void t2_mke2fs(const char *img, const char *type, unsigned bs, const char *src, const char *size,
	       const char *extra);
void t2_genext2fs(const char *img, unsigned bs, unsigned blocks, const char *src);

/* Mount `img` (read-only device if ro_dev); 0 or the mount error. */
int t2_mount(struct t2_fs *fs, const char *img, unsigned flags, bool ro_dev);
/* Sync (must succeed), release the root, put_super, close the device; no
 * inode may stay referenced. */
void t2_umount(struct t2_fs *fs);
/* Start mirroring into `dir` (which must match the image's content). */
void t2_mirror(struct t2_fs *fs, const char *dir);

/* Path operations (absolute paths, no symlinks followed). Each returns
 * what the ext2 operation returned; on success, it is repeated on the
 * mirror. */
int t2_lookup(struct t2_fs *fs, const char *path, struct inode **out);
int t2_mkdir(struct t2_fs *fs, const char *path, uint32_t mode);
int t2_create(struct t2_fs *fs, const char *path, uint32_t mode);
int t2_mknod(struct t2_fs *fs, const char *path, uint32_t mode, uint32_t rdev); /* not mirrored */
long t2_write(struct t2_fs *fs, const char *path, uint64_t off, const void *buf, size_t len);
long t2_pread(struct t2_fs *fs, const char *path, uint64_t off, void *buf, size_t len);
int t2_read_file(struct t2_fs *fs, const char *path, uint8_t **buf, size_t *len);
int t2_truncate(struct t2_fs *fs, const char *path, uint64_t size);
int t2_unlink(struct t2_fs *fs, const char *path);
int t2_rmdir(struct t2_fs *fs, const char *path);
int t2_rename(struct t2_fs *fs, const char *from, const char *to);
int t2_symlink(struct t2_fs *fs, const char *target, const char *path);
int t2_link(struct t2_fs *fs, const char *old, const char *path);
int t2_readlink(struct t2_fs *fs, const char *path, char *buf, size_t size);
int t2_fsync(struct t2_fs *fs, const char *path);
/* Names in a directory (without . and ..), sorted, joined by '/'. */
int t2_list(struct t2_fs *fs, const char *path, char *out, size_t size);

/* Checks. */
/* e2fsck -fn must exit 0 and report nothing; its output is printed if not. */
void t2_fsck(const char *img);
/* debugfs rdump of the whole image equals `dir` (lost+found ignored). */
void t2_compare_rdump(const char *img, const char *dir);
/* debugfs cat of `path` equals the bytes. */
void t2_debugfs_cat(const char *img, const char *path, const void *expect, size_t len);
/* debugfs ls -l of `dir` lists `name` with `size` bytes. */
void t2_debugfs_ls(const char *img, const char *dir, const char *name, uint64_t size);
/* Through the driver: the tree at `path` equals the host directory. */
void t2_compare_tree(struct t2_fs *fs, const char *path, const char *dir);
/* Umount, fsck, rdump compare with the mirror, and cat `nsample` files
 * named in `samples` (may be NULL). */
void t2_verify(struct t2_fs *fs, const char *const *samples, unsigned nsample);

#endif
