/*
 * Host tests of path resolution and mounts (fs/namei.c, fs/vfs.c,
 * fs/vfs_cwd.c) on a tmpfs root: slashes, "." and "..", symlinks and their
 * limits, ENAMETOOLONG, search permission, mounts in both directions,
 * mount and umount errors, chdir and getcwd. Expected errno values are
 * Linux's (path_resolution(7), mount(2), umount(2), getcwd(2)).
 */
#include "test_vfs_util.h"

static void tree(void)
{
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/b", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/b/c", 0755), 0);
	ck_assert_int_eq(put_file(&ctx, "/a/file", "hello", 0644), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/a/b", "/link_abs"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "a/b", "/link_rel"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "../..", "/a/b/up"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/nonexistent", "/dangling"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "loop2", "/loop1"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "loop1", "/loop2"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "self", "/self"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/a/file", "/filelink"), 0);
}

START_TEST(test_plain_paths)
{
	struct kstat c, r;

	tree();
	c = st_of(&ctx, "/a/b/c");
	ck_assert(S_ISDIR(c.mode));
	ck_assert_uint_eq(st_of(&ctx, "a/b/c").ino, c.ino);
	ck_assert_uint_eq(st_of(&ctx, "//a///b//c//").ino, c.ino);
	ck_assert_uint_eq(st_of(&ctx, "/a/./b/./c/.").ino, c.ino);
	ck_assert_uint_eq(st_of(&ctx, "/a/../a/b/c").ino, c.ino);
	r = st_of(&ctx, "/");
	ck_assert_uint_eq(st_of(&ctx, "/..").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, "/../../..").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, "/a/b/../..").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, "..").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, "///").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, ".").ino, r.ino);
	ck_assert(S_ISREG(st_of(&ctx, "/a/file").mode));
}
END_TEST

START_TEST(test_path_errors)
{
	tree();
	ck_assert_int_eq(stat_err(&ctx, ""), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/a/file/"), -ENOTDIR);
	ck_assert_int_eq(stat_err(&ctx, "/a/file/x"), -ENOTDIR);
	ck_assert_int_eq(stat_err(&ctx, "/a/file/."), -ENOTDIR);
	ck_assert_int_eq(stat_err(&ctx, "/a/file/.."), -ENOTDIR);
	ck_assert_int_eq(stat_err(&ctx, "/a/nonexistent"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/a/nonexistent/x"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/a/nonexistent/"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/filelink/"), -ENOTDIR);
	ck_assert_int_eq(stat_err(&ctx, "/filelink/x"), -ENOTDIR);
}
END_TEST

START_TEST(test_symlinks)
{
	struct kstat b, st;
	char buf[64];

	tree();
	b = st_of(&ctx, "/a/b");
	ck_assert_uint_eq(st_of(&ctx, "/link_abs").ino, b.ino);
	ck_assert(S_ISLNK(lst_of(&ctx, "/link_abs").mode));
	ck_assert_uint_eq(lst_of(&ctx, "/link_abs").size, 4);
	ck_assert_uint_eq(st_of(&ctx, "/link_abs/c").ino, st_of(&ctx, "/a/b/c").ino);
	ck_assert_uint_eq(st_of(&ctx, "/link_rel/c").ino, st_of(&ctx, "/a/b/c").ino);
	/* A trailing slash follows even lstat. */
	ck_assert_uint_eq(lst_of(&ctx, "/link_abs/").ino, b.ino);
	/* "up" is relative to the directory holding it. */
	ck_assert_uint_eq(st_of(&ctx, "/a/b/up").ino, st_of(&ctx, "/").ino);
	ck_assert_uint_eq(st_of(&ctx, "/a/b/up/a/b/up/a").ino, st_of(&ctx, "/a").ino);
	ck_assert_uint_eq(st_of(&ctx, "/link_abs/up/link_rel/c").ino, st_of(&ctx, "/a/b/c").ino);
	ck_assert_int_eq(stat_err(&ctx, "/dangling"), -ENOENT);
	ck_assert_int_eq(vfs_stat(&ctx, "/dangling", &st, false), 0);
	ck_assert_int_eq(stat_err(&ctx, "/loop1"), -ELOOP);
	ck_assert_int_eq(stat_err(&ctx, "/loop1/x"), -ELOOP);
	ck_assert_int_eq(stat_err(&ctx, "/self"), -ELOOP);
	ck_assert_int_eq(vfs_stat(&ctx, "/loop1", &st, false), 0);
	ck_assert_int_eq(vfs_stat(&ctx, "/loop1/", &st, false), -ELOOP);
	ck_assert_int_eq(get_file(&ctx, "/filelink", buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(vfs_readlink(&ctx, "/link_rel", buf, sizeof(buf)), 3);
	ck_assert_int_eq(memcmp(buf, "a/b", 3), 0);
}
END_TEST

/* Linux follows at most 40 links per lookup (SYMLOOP_MAX). */
START_TEST(test_symlink_limit)
{
	char name[32], target[32];
	int i;

	tree();
	ck_assert_int_eq(vfs_mkdir(&ctx, "/ch", 0755), 0);
	for (i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "/ch/l%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "/a/file");
		else
			snprintf(target, sizeof(target), "l%d", i + 1);
		ck_assert_int_eq(vfs_symlink(&ctx, target, name), 0);
	}
	/* l1 -> ... -> l40 -> file: 40 links. */
	ck_assert(S_ISREG(st_of(&ctx, "/ch/l1").mode));
	ck_assert_int_eq(stat_err(&ctx, "/ch/l0"), -ELOOP);
	/* Links in the middle count too: l1 is 40, plus one to get there. */
	ck_assert_int_eq(vfs_symlink(&ctx, "/ch", "/chlink"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/chlink/l1"), -ELOOP);
	ck_assert(S_ISREG(st_of(&ctx, "/chlink/l2").mode));
}
END_TEST

START_TEST(test_name_too_long)
{
	char *p = malloc(PATH_MAX + 8);
	size_t i;

	tree();
	p[0] = '/';
	memset(p + 1, 'n', 256);
	p[257] = '\0';
	ck_assert_int_eq(stat_err(&ctx, p), -ENAMETOOLONG);
	ck_assert_int_eq(vfs_mkdir(&ctx, p, 0755), -ENAMETOOLONG);
	ck_assert_int_eq(open_err(&ctx, p, O_CREAT | O_WRONLY, 0644), -ENAMETOOLONG);
	p[256] = '\0'; /* 255 characters: fine */
	ck_assert_int_eq(stat_err(&ctx, p), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(&ctx, p, 0755), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, p), 0);
	/* A long component in the middle. */
	memcpy(p, "/a/", 3);
	memset(p + 3, 'm', 256);
	strcpy(p + 259, "/x");
	ck_assert_int_eq(stat_err(&ctx, p), -ENAMETOOLONG);
	/* ... but a missing directory before it is found first. */
	memcpy(p, "/z/", 3);
	ck_assert_int_eq(stat_err(&ctx, p), -ENOENT);
	/* Whole paths: 4095 bytes are walked, 4096 are refused. */
	for (i = 0; i < PATH_MAX - 2; i++)
		p[i] = '/';
	p[PATH_MAX - 2] = 'x';
	p[PATH_MAX - 1] = '\0';
	ck_assert_uint_eq(strlen(p), 4095);
	ck_assert_int_eq(stat_err(&ctx, p), -ENOENT);
	p[PATH_MAX - 1] = 'y';
	p[PATH_MAX] = '\0';
	ck_assert_int_eq(stat_err(&ctx, p), -ENAMETOOLONG);
	ck_assert_int_eq(vfs_mkdir(&ctx, p, 0755), -ENAMETOOLONG);
	ck_assert_int_eq(vfs_unlink(&ctx, p), -ENAMETOOLONG);
	/* Symlink targets must be shorter than PATH_MAX too. */
	ck_assert_int_eq(vfs_symlink(&ctx, p, "/toolong"), -ENAMETOOLONG);
	p[PATH_MAX - 1] = '\0';
	ck_assert_int_eq(vfs_symlink(&ctx, p, "/long"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/long"), -ENOENT);
	free(p);
}
END_TEST

START_TEST(test_search_permission)
{
	struct cred u = th_cred(1000, 1000, 0, NULL);
	struct vfs_ctx uc;
	struct kstat st;

	tree();
	ck_assert_int_eq(vfs_mkdir(&ctx, "/priv", 0700), 0);
	ck_assert_int_eq(put_file(&ctx, "/priv/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/rd", 0744), 0); /* read, no search */
	ck_assert_int_eq(put_file(&ctx, "/rd/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/xo", 0711), 0); /* search, no read */
	ck_assert_int_eq(put_file(&ctx, "/xo/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/priv/f", "/via"), 0);
	uc = user_ctx(&u);
	ck_assert_int_eq(vfs_stat(&uc, "/priv", &st, true), 0);
	ck_assert_int_eq(stat_err(&uc, "/priv/f"), -EACCES);
	ck_assert_int_eq(stat_err(&uc, "/priv/nonexistent"), -EACCES);
	ck_assert_int_eq(stat_err(&uc, "/priv/."), -EACCES);
	ck_assert_int_eq(stat_err(&uc, "/priv/.."), -EACCES);
	ck_assert_int_eq(stat_err(&uc, "/rd/f"), -EACCES);
	ck_assert_int_eq(stat_err(&uc, "/xo/f"), 0);
	ck_assert_int_eq(stat_err(&uc, "/via"), -EACCES);
	ck_assert_int_eq(vfs_stat(&uc, "/via", &st, false), 0);
	ck_assert_int_eq(open_err(&uc, "/xo", O_RDONLY | O_DIRECTORY, 0), -EACCES);
	ck_assert_int_eq(vfs_chdir(&uc, "/rd"), -EACCES);
	ck_assert_int_eq(vfs_chdir(&uc, "/xo"), 0);
	ck_assert_int_eq(stat_err(&uc, "f"), 0);
	/* Root searches anything. */
	ck_assert_int_eq(vfs_chmod(&ctx, "/priv", 0), 0);
	ck_assert_int_eq(stat_err(&ctx, "/priv/f"), 0);
	vfs_ctx_release(&uc);
}
END_TEST

START_TEST(test_mount_crossing)
{
	struct kstat root, mnt, under;
	struct file *f;

	tree();
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt", 0755), 0);
	ck_assert_int_eq(put_file(&ctx, "/mnt/hidden", "under", 0644), 0);
	under = st_of(&ctx, "/mnt");
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/mnt", "tmpfs", 0, "mode=0755"), 0);
	mnt = st_of(&ctx, "/mnt");
	root = st_of(&ctx, "/");
	ck_assert_uint_ne(mnt.dev, root.dev);
	ck_assert_uint_ne(mnt.dev, under.dev);
	ck_assert_uint_eq(mnt.mode, S_IFDIR | 0755);
	ck_assert_int_eq(stat_err(&ctx, "/mnt/hidden"), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt/sub", 0755), 0);
	ck_assert_int_eq(put_file(&ctx, "/mnt/sub/f", "over", 0644), 0);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/..").ino, root.ino);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/..").dev, root.dev);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/sub/../..").ino, root.ino);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/sub/../../a").ino, st_of(&ctx, "/a").ino);
	/* A nested mount, and ".." out of both. */
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/mnt/sub", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(stat_err(&ctx, "/mnt/sub/f"), -ENOENT);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/sub/..").ino, mnt.ino);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/sub/..").dev, mnt.dev);
	ck_assert_uint_eq(st_of(&ctx, "/mnt/sub/../../a/b/..").ino, st_of(&ctx, "/a").ino);
	/* A symlink into the mount from outside. */
	ck_assert_int_eq(vfs_symlink(&ctx, "/mnt/sub", "/a/tosub"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/a/tosub").dev, st_of(&ctx, "/mnt/sub").dev);
	ck_assert_uint_eq(st_of(&ctx, "/a/tosub/..").dev, mnt.dev);
	/* Busy: a child mount, an open file, a working directory. */
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt"), -EBUSY);
	ck_assert_int_eq(vfs_open(&ctx, "/mnt/sub/.", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt/sub"), -EBUSY);
	vfs_close(f);
	ck_assert_int_eq(vfs_chdir(&ctx, "/mnt/sub"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt/sub"), -EBUSY);
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt/sub"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/mnt/sub/f"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/mnt"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/mnt/hidden"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/mnt").dev, root.dev);
}
END_TEST

static int fake_mount(struct blkdev *dev, unsigned flags, const char *data,
		      struct super_block **out)
{
	return tmpfs_mount(NULL, flags, NULL, out);
}

static struct fs_type fake_blk_fs = {.name = "fakeblk", .needs_dev = true, .mount = fake_mount};

START_TEST(test_mount_errors)
{
	struct cred u = th_cred(1000, 1000, 0, NULL);
	static uint8_t disk_ro[4096], disk_rw[4096];
	struct blkdev *ro = host_blk_mem(disk_ro, sizeof(disk_ro), true);
	struct blkdev *rw = host_blk_mem(disk_rw, sizeof(disk_rw), false);
	struct vfs_ctx uc;
	char buf[512];

	tree();
	ck_assert_int_eq(vfs_mkdir(&ctx, "/m1", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/m2", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m1", "nosuchfs", 0, NULL), -ENODEV);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/a/file", "tmpfs", 0, NULL), -ENOTDIR);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/nonexistent", "tmpfs", 0, NULL), -ENOENT);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m1", "tmpfs", 0, "size=12q"), -EINVAL);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m1", "tmpfs", 0, "bogus=1"), -EINVAL);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/", "tmpfs", 0, NULL), -EBUSY);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m1", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m1", "tmpfs", 0, NULL), -EBUSY);
	uc = user_ctx(&u);
	ck_assert_int_eq(vfs_mount(&uc, NULL, "/m2", "tmpfs", 0, NULL), -EPERM);
	ck_assert_int_eq(vfs_umount(&uc, "/m1"), -EPERM);
	vfs_ctx_release(&uc);
	ck_assert_int_eq(vfs_umount(&ctx, "/a"), -EINVAL);
	/* Not on a removed directory, even as the working directory. */
	ck_assert_int_eq(vfs_chdir(&ctx, "/m2"), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/m2"), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, ".", "tmpfs", 0, NULL), -ENOENT);
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/m2", 0755), 0);
	/* Nor twice on a working directory, which "." still names. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/m4", 0755), 0);
	ck_assert_int_eq(vfs_chdir(&ctx, "/m4"), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, ".", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, ".", "tmpfs", 0, NULL), -EBUSY);
	ck_assert_int_eq(vfs_umount(&ctx, "."), -EINVAL); /* the covered directory */
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/m4"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/nonexistent"), -ENOENT);

	/* Filesystems on block devices. */
	ck_assert_int_eq(vfs_register_fs(&fake_blk_fs), 0);
	ck_assert_int_eq(vfs_register_fs(&fake_blk_fs), -EBUSY);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/m2", "fakeblk", 0, NULL), -ENOTBLK);
	host_log_clear();
	ck_assert_int_eq(vfs_mount(&ctx, ro, "/m2", "fakeblk", 0, NULL), 0);
	ck_assert(host_log_contains("hd0 is write-protected, mounting read-only"));
	ck_assert_int_eq(vfs_mkdir(&ctx, "/m2/x", 0755), -EROFS);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/m3", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, ro, "/a/m3", "fakeblk", 0, NULL), -EBUSY);
	ck_assert_int_eq(vfs_mount(&ctx, rw, "/a/m3", "fakeblk", 0, NULL), 0);
	ck_assert_int_gt(vfs_mounts_show(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "tmpfs / tmpfs rw 0 0\n"
			      "tmpfs /m1 tmpfs rw 0 0\n"
			      "hd0 /m2 fakeblk ro 0 0\n"
			      "hd1 /a/m3 fakeblk rw 0 0\n");
	/* Truncated output still says how long the whole is. */
	ck_assert_int_eq(vfs_mounts_show(buf, 10), (int)strlen("tmpfs / tmpfs rw 0 0\n"
							       "tmpfs /m1 tmpfs rw 0 0\n"
							       "hd0 /m2 fakeblk ro 0 0\n"
							       "hd1 /a/m3 fakeblk rw 0 0\n"));
	ck_assert_str_eq(buf, "tmpfs / t");
	ck_assert_int_eq(vfs_umount(&ctx, "/a/m3"), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/m2"), 0);
	host_blk_close(ro);
	host_blk_close(rw);
}
END_TEST

START_TEST(test_mount_escapes)
{
	char buf[256];

	ck_assert_int_eq(vfs_mkdir(&ctx, "/with space", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/with space", "tmpfs", SB_RDONLY, NULL), 0);
	vfs_mounts_show(buf, sizeof(buf));
	ck_assert_str_eq(buf, "tmpfs / tmpfs rw 0 0\ntmpfs /with\\040space tmpfs ro 0 0\n");
}
END_TEST

START_TEST(test_chroot_context)
{
	struct vfs_ctx jail;
	char buf[64];

	tree();
	ck_assert_int_eq(vfs_ctx_init(&jail, &root_cred), 0);
	ck_assert_int_eq(vfs_chdir(&jail, "/a"), 0);
	/* Make /a the jail's root (what chroot will do). */
	{
		struct vpath old = jail.root;

		jail.root = jail.cwd;
		jail.cwd = old;
		ck_assert_int_eq(vfs_chdir(&jail, "/"), 0);
	}
	ck_assert_uint_eq(st_of(&jail, "/").ino, st_of(&ctx, "/a").ino);
	ck_assert_uint_eq(st_of(&jail, "/..").ino, st_of(&ctx, "/a").ino);
	ck_assert_uint_eq(st_of(&jail, "/b/../../..").ino, st_of(&ctx, "/a").ino);
	/* An absolute symlink resolves from the jail's root. */
	ck_assert_int_eq(vfs_symlink(&ctx, "/b/c", "/a/abs"), 0);
	ck_assert_uint_eq(st_of(&jail, "/abs").ino, st_of(&ctx, "/a/b/c").ino);
	ck_assert_int_eq(vfs_chdir(&jail, "/b/c"), 0);
	ck_assert_int_eq(vfs_getcwd(&jail, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/b/c");
	vfs_ctx_release(&jail);
}
END_TEST

START_TEST(test_getcwd)
{
	char buf[64];

	tree();
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(vfs_chdir(&ctx, "/a/b/c"), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "/a/b/c");
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, 6), -ERANGE);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, 7), 7);
	ck_assert_int_eq(vfs_chdir(&ctx, ".."), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/a/b");
	ck_assert_int_eq(stat_err(&ctx, "c"), 0);
	ck_assert_int_eq(vfs_chdir(&ctx, "/link_rel"), 0); /* through a symlink */
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/a/b");
	/* Across mounts. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/mnt", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/a/mnt", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/mnt/deep", 0755), 0);
	ck_assert_int_eq(vfs_chdir(&ctx, "/a/mnt/deep"), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "/a/mnt/deep");
	ck_assert_int_eq(vfs_chdir(&ctx, ".."), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "/a/mnt");
	/* An unlinked working directory has no name. */
	ck_assert_int_eq(vfs_chdir(&ctx, "deep"), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/a/mnt/deep"), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(open_err(&ctx, "newfile", O_CREAT | O_WRONLY, 0644), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(&ctx, "newdir", 0755), -ENOENT);
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
}
END_TEST

/* ".." from removed directories leads back the way it came, as on Linux,
 * and the removed chain is freed when the last user lets go. */
START_TEST(test_removed_directories)
{
	char path[64], buf[256];
	struct file *d;
	struct kstat r;
	long n;
	int i;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/r", 0755), 0);
	r = st_of(&ctx, "/r");
	strcpy(path, "/r");
	for (i = 0; i < 5; i++) {
		strcat(path, "/d");
		ck_assert_int_eq(vfs_mkdir(&ctx, path, 0755), 0);
	}
	ck_assert_int_eq(vfs_chdir(&ctx, path), 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(vfs_rmdir(&ctx, path), 0);
		path[strlen(path) - 2] = '\0';
	}
	ck_assert_uint_eq(st_of(&ctx, ".").nlink, 0);
	ck_assert_uint_eq(st_of(&ctx, "../../../../..").ino, r.ino);
	ck_assert_uint_eq(st_of(&ctx, "../../../../../..").ino, st_of(&ctx, "/").ino);
	ck_assert_int_eq(vfs_open(&ctx, ".", O_RDONLY, 0, &d), 0);
	n = vfs_getdents(d, buf, sizeof(buf));
	ck_assert_int_eq(n, 48); /* "." and ".." only */
	vfs_close(d);
	ck_assert_int_eq(vfs_chdir(&ctx, "../.."), 0);
	ck_assert_int_eq(vfs_getcwd(&ctx, buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/r"), 0);
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
	/* A long removed chain goes away without recursion (and without
	 * leaks: the fixture checks). */
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(vfs_mkdir(&ctx, "x", 0755), 0);
		ck_assert_int_eq(vfs_chdir(&ctx, "x"), 0);
	}
	for (i = 100; i > 0; i--) {
		int k;

		buf[0] = '\0';
		for (k = 0; k < i; k++)
			strcat(buf, "/x");
		ck_assert_int_eq(vfs_rmdir(&ctx, buf), 0);
	}
	ck_assert_int_eq(stat_err(&ctx, "/x"), -ENOENT);
	ck_assert_uint_eq(st_of(&ctx, "..").nlink, 0);
	ck_assert_int_eq(vfs_chdir(&ctx, "/"), 0);
}
END_TEST

START_TEST(test_chdir_errors)
{
	tree();
	ck_assert_int_eq(vfs_chdir(&ctx, "/a/file"), -ENOTDIR);
	ck_assert_int_eq(vfs_chdir(&ctx, "/filelink"), -ENOTDIR);
	ck_assert_int_eq(vfs_chdir(&ctx, "/nonexistent"), -ENOENT);
	ck_assert_int_eq(vfs_chdir(&ctx, ""), -ENOENT);
	ck_assert_int_eq(vfs_chdir(&ctx, "/loop1"), -ELOOP);
	ck_assert_int_eq(vfs_chdir(&ctx, "/a"), 0);
	ck_assert_int_eq(stat_err(&ctx, "b/c"), 0);
	ck_assert_int_eq(stat_err(&ctx, "./b/../file"), 0);
}
END_TEST

static Suite *path_suite(void)
{
	Suite *s = suite_create("vfs_path");
	TCase *tc = tcase_create("path");

	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_add_test(tc, test_plain_paths);
	tcase_add_test(tc, test_path_errors);
	tcase_add_test(tc, test_symlinks);
	tcase_add_test(tc, test_symlink_limit);
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_search_permission);
	tcase_add_test(tc, test_mount_crossing);
	tcase_add_test(tc, test_mount_errors);
	tcase_add_test(tc, test_mount_escapes);
	tcase_add_test(tc, test_chroot_context);
	tcase_add_test(tc, test_getcwd);
	tcase_add_test(tc, test_removed_directories);
	tcase_add_test(tc, test_chdir_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(path_suite());
}
