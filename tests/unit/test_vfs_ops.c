/*
 * Host tests of open files and namespace operations over tmpfs (fs/vfs_file.c,
 * fs/vfs_ops.c, fs/vfs_attr.c, fs/tmpfs*.c): open(2) flags, read/write and
 * lseek, getdents64 over 1000 entries, rename(2), unlink(2), rmdir(2),
 * mkdir(2), mknod(2), link(2), symlink(2)/readlink(2), truncate, stat
 * fields, statfs, a read-only mount, and tmpfs sparse files and size limit.
 * Expected errno values are Linux's.
 */
#include "test_vfs_util.h"

START_TEST(test_open_create_flags)
{
	struct file *f;
	char buf[32];

	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY | O_CREAT, 0644), 0);
	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY | O_CREAT, 0644), 0);
	ck_assert_int_eq(open_err(&ctx, "/nodir/f", O_WRONLY | O_CREAT, 0644), -ENOENT);
	ck_assert_int_eq(open_err(&ctx, "/f/g", O_WRONLY | O_CREAT, 0644), -ENOTDIR);
	/* Trailing slashes and directories. */
	ck_assert_int_eq(open_err(&ctx, "/new/", O_WRONLY | O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/f/", O_RDONLY | O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/f/", O_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0755), 0);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY | O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	ck_assert_int_eq(open_err(&ctx, ".", O_RDONLY | O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, ".", O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	ck_assert_int_eq(open_err(&ctx, "/", O_RDONLY | O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_WRONLY, 0), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDWR, 0), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY | O_TRUNC, 0), -EISDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/d/", O_RDONLY, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY | O_DIRECTORY, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	ck_assert_int_eq(open_err(&ctx, "/d", O_RDONLY | O_DIRECTORY | O_CREAT, 0), -EINVAL);
	/* Symlinks. */
	ck_assert_int_eq(vfs_symlink(&ctx, "/target", "/dangling"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/f", "/lf"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/d", "/ld"), 0);
	ck_assert_int_eq(open_err(&ctx, "/dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	ck_assert_int_eq(stat_err(&ctx, "/target"), -ENOENT);
	ck_assert_int_eq(open_err(&ctx, "/dangling", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644),
			 -ELOOP);
	ck_assert_int_eq(open_err(&ctx, "/dangling", O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_uint_eq(st_of(&ctx, "/target").mode, S_IFREG | 0600);
	ck_assert_int_eq(open_err(&ctx, "/lf", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	ck_assert_int_eq(open_err(&ctx, "/ld", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	ck_assert_int_eq(open_err(&ctx, "/ld", O_RDONLY | O_NOFOLLOW | O_DIRECTORY, 0), -ENOTDIR);
	ck_assert_int_eq(open_err(&ctx, "/ld/", O_RDONLY | O_NOFOLLOW, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/ld/../lf", O_RDONLY, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/lf", O_RDONLY, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/ld", O_RDONLY | O_DIRECTORY, 0), 0);
	/* O_TRUNC. */
	ck_assert_int_eq(put_file(&ctx, "/f", "0123456789", 0644), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDONLY | O_TRUNC, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 0);
	vfs_close(f);
	ck_assert_uint_eq(st_of(&ctx, "/f").size, 0);
	/* O_EXCL without O_CREAT is ignored. */
	ck_assert_int_eq(open_err(&ctx, "/f", O_RDONLY | O_EXCL, 0), 0);
}
END_TEST

START_TEST(test_read_write_seek)
{
	struct file *f, *r, *d;
	char buf[64];

	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDWR | O_CREAT, 0644, &f), 0);
	ck_assert_int_eq(vfs_write(f, "hello world", 11), 11);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_CUR), 11);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 0);
	ck_assert_int_eq(vfs_lseek(f, 6, SEEK_SET), 6);
	ck_assert_int_eq(vfs_read(f, buf, 5), 5);
	ck_assert_int_eq(memcmp(buf, "world", 5), 0);
	ck_assert_int_eq(vfs_lseek(f, -5, SEEK_END), 6);
	ck_assert_int_eq(vfs_lseek(f, -2, SEEK_CUR), 4);
	ck_assert_int_eq(vfs_lseek(f, -5, SEEK_CUR), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, -1, SEEK_SET), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, 0, 3), -EINVAL);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_CUR), 4);
	ck_assert_int_eq(vfs_lseek(f, INT64_MAX, SEEK_SET), INT64_MAX);
	ck_assert_int_eq(vfs_lseek(f, 1, SEEK_CUR), -EINVAL);
	/* A hole past the end reads as zeros. */
	ck_assert_int_eq(vfs_lseek(f, 10000, SEEK_SET), 10000);
	ck_assert_int_eq(vfs_write(f, "X", 1), 1);
	ck_assert_uint_eq(st_of(&ctx, "/f").size, 10001);
	ck_assert_int_eq(vfs_pread(f, buf, 4, 9998), 3);
	ck_assert_int_eq(memcmp(buf, "\0\0X", 3), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 4, 20), 4);
	ck_assert_int_eq(memcmp(buf, "\0\0\0\0", 4), 0);
	ck_assert_int_eq(vfs_pwrite(f, "HELLO", 5, 0), 5);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_CUR), 10001);
	ck_assert_int_eq(vfs_pread(f, buf, 11, 0), 11);
	ck_assert_int_eq(memcmp(buf, "HELLO world", 11), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 1, UINT64_MAX), -EINVAL);
	/* Access modes. */
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDONLY, 0, &r), 0);
	ck_assert_int_eq(vfs_write(r, "x", 1), -EBADF);
	ck_assert_int_eq(vfs_pwrite(r, "x", 1, 0), -EBADF);
	ck_assert_int_eq(vfs_ftruncate(r, 0), -EINVAL);
	vfs_close(r);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_WRONLY, 0, &r), 0);
	ck_assert_int_eq(vfs_read(r, buf, 1), -EBADF);
	vfs_close(r);
	ck_assert_int_eq(vfs_fsync(f), 0);
	vfs_close(f);
	/* Directories. */
	ck_assert_int_eq(vfs_open(&ctx, "/", O_RDONLY, 0, &d), 0);
	ck_assert_int_eq(vfs_read(d, buf, 1), -EISDIR);
	ck_assert_int_eq(vfs_lseek(d, 0, SEEK_END), -EINVAL);
	ck_assert_int_eq(vfs_lseek(d, 0, SEEK_SET), 0);
	ck_assert_int_eq(vfs_ftruncate(d, 0), -EINVAL);
	ck_assert_int_eq(vfs_fsync(d), 0);
	vfs_close(d);
}
END_TEST

START_TEST(test_append)
{
	struct file *f, *g;
	char buf[32];

	ck_assert_int_eq(put_file(&ctx, "/log", "abc", 0644), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/log", O_WRONLY | O_APPEND, 0, &f), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/log", O_WRONLY, 0, &g), 0);
	ck_assert_int_eq(vfs_write(f, "d", 1), 1);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_SET), 0);
	ck_assert_int_eq(vfs_write(f, "e", 1), 1);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_CUR), 5);
	/* Another writer extends the file; appends still go to the end. */
	ck_assert_int_eq(vfs_pwrite(g, "XYZ", 3, 5), 3);
	ck_assert_int_eq(vfs_write(f, "f", 1), 1);
	ck_assert_int_eq(vfs_pwrite(f, "g", 1, 0), 1); /* Linux: appends */
	vfs_close(f);
	vfs_close(g);
	ck_assert_int_eq(get_file(&ctx, "/log", buf, sizeof(buf)), 10);
	ck_assert_str_eq(buf, "abcdeXYZfg");
}
END_TEST

struct seen {
	int count[1000];
	int dots, dotdots, other;
};

static void parse_dents(const char *buf, long n, struct seen *s, int64_t *last_off)
{
	long at = 0;

	while (at < n) {
		const struct linux_dirent64 *d = (const void *)(buf + at);
		int i;

		ck_assert_int_eq(d->d_reclen % 8, 0);
		ck_assert_int_ge(d->d_reclen, 20);
		ck_assert_int_le(at + d->d_reclen, n);
		*last_off = d->d_off;
		if (!strcmp(d->d_name, ".")) {
			s->dots++;
			ck_assert_int_eq(d->d_type, DT_DIR);
		} else if (!strcmp(d->d_name, "..")) {
			s->dotdots++;
		} else if (sscanf(d->d_name, "file%d", &i) == 1 && i >= 0 && i < 1000) {
			s->count[i]++;
			ck_assert_int_eq(d->d_type, i % 10 ? DT_REG : DT_LNK);
		} else {
			s->other++;
		}
		at += d->d_reclen;
	}
}

START_TEST(test_getdents_many)
{
	static const size_t sizes[] = {32, 40, 100, 280, 1000, 4096, 65536};
	char *buf = malloc(65536);
	char name[32];
	unsigned k;
	int i;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/big", 0755), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "/big/file%d", i);
		if (i % 10)
			ck_assert_int_eq(open_err(&ctx, name, O_CREAT | O_WRONLY, 0644), 0);
		else
			ck_assert_int_eq(vfs_symlink(&ctx, "x", name), 0);
	}
	ck_assert_uint_eq(st_of(&ctx, "/big").nlink, 2);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct seen s;
		struct file *d;
		int64_t last = 0;
		long n;

		memset(&s, 0, sizeof(s));
		ck_assert_int_eq(vfs_open(&ctx, "/big", O_RDONLY | O_DIRECTORY, 0, &d), 0);
		while ((n = vfs_getdents(d, buf, sizes[k])) > 0) {
			ck_assert_int_le(n, (long)sizes[k]);
			parse_dents(buf, n, &s, &last);
			/* The last record's d_off is where the next call starts. */
			ck_assert_int_eq(last, vfs_lseek(d, 0, SEEK_CUR));
		}
		ck_assert_int_eq(n, 0);
		ck_assert_int_eq(s.dots, 1);
		ck_assert_int_eq(s.dotdots, 1);
		ck_assert_int_eq(s.other, 0);
		for (i = 0; i < 1000; i++)
			ck_assert_int_eq(s.count[i], 1);
		/* Rewind and see everything again. */
		ck_assert_int_eq(vfs_lseek(d, 0, SEEK_SET), 0);
		memset(&s, 0, sizeof(s));
		while ((n = vfs_getdents(d, buf, 65536)) > 0)
			parse_dents(buf, n, &s, &last);
		ck_assert_int_eq(s.dots, 1);
		ck_assert_int_eq(s.count[999], 1);
		vfs_close(d);
	}
	free(buf);
}
END_TEST

START_TEST(test_getdents_edges)
{
	char buf[256];
	struct file *d, *f;
	struct seen s;
	int64_t last = 0, resume;
	long n;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/e", 0755), 0);
	ck_assert_int_eq(open_err(&ctx, "/e/file1", O_CREAT | O_WRONLY, 0644), 0);
	ck_assert_int_eq(open_err(&ctx, "/e/file2", O_CREAT | O_WRONLY, 0644), 0);
	ck_assert_int_eq(open_err(&ctx, "/e/file3", O_CREAT | O_WRONLY, 0644), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/e", O_RDONLY, 0, &d), 0);
	/* Too small for even one record. */
	ck_assert_int_eq(vfs_getdents(d, buf, 10), -EINVAL);
	ck_assert_int_eq(vfs_getdents(d, buf, 0), -EINVAL);
	/* One record: "." (24 bytes). */
	ck_assert_int_eq(vfs_getdents(d, buf, 24), 24);
	ck_assert_str_eq(((struct linux_dirent64 *)buf)->d_name, ".");
	ck_assert_int_eq(vfs_getdents(d, buf, 55), 24); /* "..": 24, "file1": 32 */
	ck_assert_int_eq(vfs_lseek(d, 1, SEEK_SET), 1);
	ck_assert_int_eq(vfs_getdents(d, buf, 56), 56);
	resume = ((struct linux_dirent64 *)buf)->d_off; /* after ".." */
	/* Entries removed or added meanwhile do not disturb the rest. */
	ck_assert_int_eq(vfs_unlink(&ctx, "/e/file2"), 0);
	ck_assert_int_eq(open_err(&ctx, "/e/file4", O_CREAT | O_WRONLY, 0644), 0);
	memset(&s, 0, sizeof(s));
	while ((n = vfs_getdents(d, buf, sizeof(buf))) > 0)
		parse_dents(buf, n, &s, &last);
	ck_assert_int_eq(s.count[1], 0);
	ck_assert_int_eq(s.count[2], 0);
	ck_assert_int_eq(s.count[3], 1);
	ck_assert_int_eq(s.count[4], 1);
	/* Seeking to a d_off resumes there (telldir/seekdir). */
	ck_assert_int_eq(vfs_lseek(d, resume, SEEK_SET), resume);
	memset(&s, 0, sizeof(s));
	while ((n = vfs_getdents(d, buf, sizeof(buf))) > 0)
		parse_dents(buf, n, &s, &last);
	ck_assert_int_eq(s.dotdots, 0);
	ck_assert_int_eq(s.count[1], 1);
	ck_assert_int_eq(s.count[3], 1);
	vfs_close(d);
	ck_assert_int_eq(vfs_open(&ctx, "/e/file1", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_getdents(f, buf, sizeof(buf)), -ENOTDIR);
	vfs_close(f);
}
END_TEST

START_TEST(test_rename_rules)
{
	struct kstat a, st;
	char buf[16];

	ck_assert_int_eq(vfs_mkdir(&ctx, "/a", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/b", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/b/c", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/empty", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/full", 0755), 0);
	ck_assert_int_eq(put_file(&ctx, "/full/x", "x", 0644), 0);
	ck_assert_int_eq(put_file(&ctx, "/f1", "one", 0644), 0);
	ck_assert_int_eq(put_file(&ctx, "/f2", "two", 0644), 0);
	/* File to a new name and over another file. */
	a = st_of(&ctx, "/f1");
	ck_assert_int_eq(vfs_rename(&ctx, "/f1", "/g1"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/f1"), -ENOENT);
	ck_assert_uint_eq(st_of(&ctx, "/g1").ino, a.ino);
	ck_assert_int_eq(vfs_rename(&ctx, "/g1", "/f2"), 0);
	ck_assert_int_eq(get_file(&ctx, "/f2", buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "one");
	ck_assert_uint_eq(st_of(&ctx, "/f2").nlink, 1);
	/* Type mismatches. */
	ck_assert_int_eq(vfs_rename(&ctx, "/empty", "/f2"), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/empty"), -EISDIR);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2/", "/g"), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/g/"), -ENOTDIR);
	ck_assert_int_eq(vfs_rename(&ctx, "/nonexistent", "/g"), -ENOENT);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/nodir/g"), -ENOENT);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/f2/g"), -ENOTDIR);
	/* Directories: over an empty one, not over a full one. */
	ck_assert_int_eq(vfs_rename(&ctx, "/empty", "/full"), -ENOTEMPTY);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/empty2", 0755), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/empty", "/empty2/"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/empty"), -ENOENT);
	/* Into its own subtree, onto an ancestor. */
	ck_assert_int_eq(vfs_rename(&ctx, "/a", "/a/b/c/d"), -EINVAL);
	ck_assert_int_eq(vfs_rename(&ctx, "/a", "/a/d"), -EINVAL);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/b", "/a/b/c/d"), -EINVAL);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/b/c", "/a"), -ENOTEMPTY);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/b", "/a"), -ENOTEMPTY);
	/* The same inode: nothing happens. */
	ck_assert_int_eq(vfs_link(&ctx, "/f2", "/hard"), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/hard"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/f2"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/hard"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/f2").nlink, 2);
	ck_assert_int_eq(vfs_rename(&ctx, "/a", "/a"), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/b/", "/a/b"), 0);
	/* Dots and roots. */
	ck_assert_int_eq(vfs_rename(&ctx, "/a/.", "/z"), -EBUSY);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/..", "/z"), -EBUSY);
	ck_assert_int_eq(vfs_rename(&ctx, "/", "/z"), -EBUSY);
	ck_assert_int_eq(vfs_rename(&ctx, "/a", "/empty2/."), -EBUSY);
	/* Moving a directory updates both parents' link counts and "..". */
	ck_assert_uint_eq(st_of(&ctx, "/a").nlink, 3);
	ck_assert_uint_eq(st_of(&ctx, "/empty2").nlink, 2);
	ck_assert_int_eq(vfs_rename(&ctx, "/a/b", "/empty2/b"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/a").nlink, 2);
	ck_assert_uint_eq(st_of(&ctx, "/empty2").nlink, 3);
	ck_assert_uint_eq(st_of(&ctx, "/empty2/b/..").ino, st_of(&ctx, "/empty2").ino);
	ck_assert_uint_eq(st_of(&ctx, "/empty2/b/c/../..").ino, st_of(&ctx, "/empty2").ino);
	/* Replacing a directory moved between parents. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/a/victim", 0755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/a").nlink, 3);
	ck_assert_int_eq(vfs_rename(&ctx, "/empty2/b/c", "/a/victim"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/a").nlink, 3);
	ck_assert_uint_eq(st_of(&ctx, "/empty2/b").nlink, 2);
	/* Across mounts. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/mnt", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/mnt", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_rename(&ctx, "/f2", "/mnt/f2"), -EXDEV);
	ck_assert_int_eq(vfs_rename(&ctx, "/mnt", "/mnt2"), -EBUSY);
	ck_assert_int_eq(vfs_rename(&ctx, "/a", "/mnt"), -EBUSY);
	st = st_of(&ctx, "/mnt");
	ck_assert_uint_ne(st.dev, st_of(&ctx, "/").dev);
}
END_TEST

START_TEST(test_unlink_rmdir_mkdir)
{
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/.", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/..", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/x/y", 0755), -ENOENT);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/sub/", 0755), 0);
	ck_assert_int_eq(put_file(&ctx, "/d/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/f/x", 0755), -ENOTDIR);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/f", 0755), -EEXIST);
	ck_assert_int_eq(vfs_mkdir(&ctx, "", 0755), -ENOENT);
	ck_assert_uint_eq(st_of(&ctx, "/d").nlink, 3);
	/* unlink */
	ck_assert_int_eq(vfs_unlink(&ctx, "/d"), -EISDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/"), -EISDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/f/"), -ENOTDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/."), -EISDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/"), -EISDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/nonexistent"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/nonexistent/"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/f/x"), -ENOTDIR);
	/* rmdir */
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d"), -ENOTEMPTY);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d/f"), -ENOTDIR);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d/."), -EINVAL);
	ck_assert_int_eq(vfs_rmdir(&ctx, "."), -EINVAL);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d/.."), -ENOTEMPTY);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/"), -EBUSY);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d/nonexistent"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(&ctx, "/d/f"), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d/sub/"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/d").nlink, 2);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/d"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/d"), -ENOENT);
	/* A symlink to a directory is unlinked, not rmdir'ed. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/t", 0755), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/t", "/lt"), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/lt"), -ENOTDIR);
	ck_assert_int_eq(vfs_unlink(&ctx, "/lt/"), -ENOTDIR); /* the link is no dir */
	ck_assert_int_eq(vfs_unlink(&ctx, "/lt"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/t"), 0);
	/* Mount points. */
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/t", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/t"), -EBUSY);
	ck_assert_int_eq(vfs_umount(&ctx, "/t"), 0);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/t"), 0);
	/* mknod */
	ck_assert_int_eq(vfs_mknod(&ctx, "/n", S_IFDIR | 0755, 0), -EPERM);
	ck_assert_int_eq(vfs_mknod(&ctx, "/n", 0170000 | 0644, 0), -EINVAL);
	ck_assert_int_eq(vfs_mknod(&ctx, "/n/", S_IFIFO | 0644, 0), -ENOENT);
	ck_assert_int_eq(vfs_mknod(&ctx, "/n", S_IFIFO | 0644, 0), 0);
	ck_assert_int_eq(vfs_mknod(&ctx, "/n", S_IFIFO | 0644, 0), -EEXIST);
	ck_assert_int_eq(open_err(&ctx, "/n", O_RDONLY, 0), -ENXIO);
	ck_assert_int_eq(vfs_mknod(&ctx, "/sock", S_IFSOCK | 0644, 0), 0);
	ck_assert_int_eq(open_err(&ctx, "/sock", O_RDONLY, 0), -ENXIO);
	ck_assert(S_ISSOCK(lst_of(&ctx, "/sock").mode));
}
END_TEST

START_TEST(test_links_and_symlinks)
{
	struct file *f;
	char buf[64];

	ck_assert_int_eq(put_file(&ctx, "/f", "data", 0644), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/f", "/g"), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/f", "/h"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/f").nlink, 3);
	ck_assert_uint_eq(st_of(&ctx, "/g").ino, st_of(&ctx, "/f").ino);
	ck_assert_int_eq(vfs_link(&ctx, "/f", "/g"), -EEXIST);
	ck_assert_int_eq(vfs_link(&ctx, "/nonexistent", "/x"), -ENOENT);
	ck_assert_int_eq(vfs_link(&ctx, "/f", "/x/"), -ENOENT);
	ck_assert_int_eq(vfs_link(&ctx, "/f/", "/x"), -ENOTDIR);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0755), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/d", "/dl"), -EPERM);
	ck_assert_int_eq(vfs_unlink(&ctx, "/g"), 0);
	ck_assert_uint_eq(st_of(&ctx, "/f").nlink, 2);
	/* link does not follow a symlink: it links the symlink itself. */
	ck_assert_int_eq(vfs_symlink(&ctx, "f", "/sl"), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/sl", "/sl2"), 0);
	ck_assert(S_ISLNK(lst_of(&ctx, "/sl2").mode));
	ck_assert_uint_eq(lst_of(&ctx, "/sl2").ino, lst_of(&ctx, "/sl").ino);
	ck_assert_uint_eq(lst_of(&ctx, "/sl").nlink, 2);
	/* Across mounts. */
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/d", "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/f", "/d/f"), -EXDEV);
	ck_assert_int_eq(vfs_umount(&ctx, "/d"), 0);
	/* symlink and readlink. */
	ck_assert_int_eq(vfs_symlink(&ctx, "", "/empty"), -ENOENT);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/f"), -EEXIST);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/new/"), -ENOENT);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/nodir/new"), -ENOENT);
	ck_assert_int_eq(vfs_symlink(&ctx, "some/where/else", "/rl"), 0);
	ck_assert_int_eq(vfs_readlink(&ctx, "/rl", buf, sizeof(buf)), 15);
	ck_assert_int_eq(memcmp(buf, "some/where/else", 15), 0);
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(vfs_readlink(&ctx, "/rl", buf, 4), 4);
	ck_assert_int_eq(memcmp(buf, "some#", 5), 0);
	ck_assert_int_eq(vfs_readlink(&ctx, "/rl", buf, 0), -EINVAL);
	ck_assert_int_eq(vfs_readlink(&ctx, "/f", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vfs_readlink(&ctx, "/d", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vfs_readlink(&ctx, "/nonexistent", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(vfs_readlink(&ctx, "/sl/", buf, sizeof(buf)), -ENOTDIR);
	ck_assert_uint_eq(lst_of(&ctx, "/rl").size, 15);
	/* Data through a symlink. */
	ck_assert_int_eq(vfs_open(&ctx, "/sl", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 4);
	vfs_close(f);
}
END_TEST

START_TEST(test_unlink_open_file)
{
	long before_allocs;
	struct file *f;
	struct kstat st;
	char buf[8192];
	unsigned i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDWR | O_CREAT, 0644, &f), 0);
	before_allocs = th_live_allocs();
	ck_assert_int_eq(vfs_write(f, buf, sizeof(buf)), (long)sizeof(buf));
	ck_assert_uint_eq(host_pages_outstanding(), 2 + 1); /* data + radix leaf */
	ck_assert_int_eq(vfs_unlink(&ctx, "/f"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/f"), -ENOENT);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.nlink, 0);
	ck_assert_uint_eq(st.size, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(vfs_pread(f, buf, sizeof(buf), 0), (long)sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], (char)(i * 7));
	ck_assert_int_eq(vfs_write(f, "more", 4), 4);
	/* A new file with the name is a different file. */
	ck_assert_int_eq(put_file(&ctx, "/f", "new", 0644), 0);
	ck_assert_uint_ne(st_of(&ctx, "/f").ino, st.ino);
	ck_assert_int_eq(vfs_unlink(&ctx, "/f"), 0);
	ck_assert_uint_eq(host_pages_outstanding(), 3 + 1);
	vfs_close(f);
	/* The last close frees the data and the inode. */
	ck_assert_uint_eq(host_pages_outstanding(), 0);
	ck_assert_int_lt(th_live_allocs(), before_allocs);
}
END_TEST

START_TEST(test_truncate_and_sparse)
{
	struct kstatfs sfs;
	struct file *f;
	char buf[8192];
	struct kstat st;

	ck_assert_int_eq(put_file(&ctx, "/f", "abcdefghij", 0644), 0);
	ck_assert_int_eq(vfs_truncate(&ctx, "/f", 4), 0);
	ck_assert_int_eq(get_file(&ctx, "/f", buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "abcd");
	/* Growing again shows zeros, not the old bytes. */
	ck_assert_int_eq(vfs_truncate(&ctx, "/f", 10), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, buf, sizeof(buf)), 10);
	ck_assert_int_eq(memcmp(buf, "abcd\0\0\0\0\0\0", 10), 0);
	vfs_close(f);
	/* A terabyte-sized sparse file costs nothing. */
	ck_assert_int_eq(vfs_truncate(&ctx, "/f", 1ull << 40), 0);
	st = st_of(&ctx, "/f");
	ck_assert_uint_eq(st.size, 1ull << 40);
	ck_assert_uint_eq(st.blocks, 8);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_pwrite(f, "end", 3, (1ull << 40) - 3), 3);
	ck_assert_int_eq(vfs_pread(f, buf, 8, (1ull << 40) - 5), 5);
	ck_assert_int_eq(memcmp(buf, "\0\0end", 5), 0);
	/* 2 data pages; radix: the old leaf, 3 new levels above it, and the
	 * 3 nodes down to the last page. */
	ck_assert_uint_eq(host_pages_outstanding(), 2 + 7);
	ck_assert_int_eq(vfs_ftruncate(f, 2), 0);
	ck_assert_uint_eq(host_pages_outstanding(), 1 + 1); /* and the tree shrank */
	ck_assert_int_eq(vfs_pread(f, buf, 8, 0), 2);
	vfs_close(f);
	ck_assert_int_eq(vfs_truncate(&ctx, "/f", 1ull << 50), -EFBIG);
	ck_assert_int_eq(vfs_truncate(&ctx, "/f", 1ull << 63), -EINVAL);
	ck_assert_int_eq(vfs_truncate(&ctx, "/", 0), -EISDIR);
	ck_assert_int_eq(vfs_mknod(&ctx, "/p", S_IFIFO | 0644, 0), 0);
	ck_assert_int_eq(vfs_truncate(&ctx, "/p", 0), -EINVAL);
	ck_assert_int_eq(vfs_truncate(&ctx, "/nonexistent", 0), -ENOENT);
	/* A size-limited tmpfs. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/small", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/small", "tmpfs", 0, "size=16k,nr_inodes=4"), 0);
	ck_assert_int_eq(vfs_statfs(&ctx, "/small", &sfs), 0);
	ck_assert_uint_eq(sfs.type, TMPFS_MAGIC);
	ck_assert_uint_eq(sfs.bsize, 4096);
	ck_assert_uint_eq(sfs.blocks, 4);
	ck_assert_uint_eq(sfs.bfree, 4);
	ck_assert_uint_eq(sfs.files, 4);
	ck_assert_uint_eq(sfs.ffree, 3);
	ck_assert_uint_eq(sfs.namelen, 255);
	ck_assert_int_eq(vfs_open(&ctx, "/small/f", O_RDWR | O_CREAT, 0644, &f), 0);
	ck_assert_int_eq(vfs_write(f, buf, 6000), 6000);
	ck_assert_int_eq(vfs_write(f, buf, sizeof(buf)), sizeof(buf));
	ck_assert_int_eq(vfs_write(f, buf, sizeof(buf)), 16384 - 6000 - sizeof(buf));
	ck_assert_int_eq(vfs_write(f, buf, 1), -ENOSPC);
	ck_assert_int_eq(vfs_statfs(&ctx, "/small/f", &sfs), 0);
	ck_assert_uint_eq(sfs.bfree, 0);
	ck_assert_int_eq(vfs_ftruncate(f, 4096), 0);
	ck_assert_int_eq(vfs_pwrite(f, buf, 100, 8192), 100);
	vfs_close(f);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/small/d1", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/small/d2", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/small/d3", 0755), -ENOSPC);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/small/l"), -ENOSPC);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/small/d2"), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/small/l"), 0);
}
END_TEST

START_TEST(test_stat_fields)
{
	struct timespec64 t0 = vfs_now();
	struct kstat st, d1, d2;
	struct kstatfs sfs;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0755), 0);
	d1 = st_of(&ctx, "/d");
	ck_assert_uint_eq(d1.nlink, 2);
	ck_assert_uint_eq(d1.blksize, 4096);
	ck_assert_uint_eq(d1.dev, st_of(&ctx, "/").dev);
	ck_assert_int_ge(d1.mtime.tv_sec, t0.tv_sec);
	ck_assert_int_eq(put_file(&ctx, "/d/f", "12345", 0640), 0);
	st = st_of(&ctx, "/d/f");
	ck_assert_uint_eq(st.mode, S_IFREG | 0640);
	ck_assert_uint_eq(st.size, 5);
	ck_assert_uint_eq(st.nlink, 1);
	ck_assert_uint_eq(st.uid, 0);
	ck_assert_uint_eq(st.blocks, 8);
	ck_assert_uint_ne(st.ino, d1.ino);
	d2 = st_of(&ctx, "/d");
	ck_assert(d2.mtime.tv_sec > d1.mtime.tv_sec ||
		  (d2.mtime.tv_sec == d1.mtime.tv_sec && d2.mtime.tv_nsec >= d1.mtime.tv_nsec));
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d/sub", 0755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/d").nlink, 3);
	ck_assert_uint_eq(st_of(&ctx, "/").nlink, 3);
	ck_assert_int_eq(vfs_statfs(&ctx, "/d/f", &sfs), 0);
	ck_assert_uint_eq(sfs.type, TMPFS_MAGIC);
	ck_assert_uint_eq(sfs.flags & 1, 0);
	ck_assert_int_eq(vfs_statfs(&ctx, "/nonexistent", &sfs), -ENOENT);
	ck_assert_int_eq(vfs_sync(), 0);
}
END_TEST

START_TEST(test_readonly_mount)
{
	struct timespec64 t[2] = {{1, 0}, {2, 0}};
	struct kstatfs sfs;
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/ro", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/ro", "tmpfs", SB_RDONLY, NULL), 0);
	ck_assert_int_eq(vfs_statfs(&ctx, "/ro", &sfs), 0);
	ck_assert_uint_eq(sfs.flags & 1, 1);
	ck_assert_int_eq(open_err(&ctx, "/ro/f", O_WRONLY | O_CREAT, 0644), -EROFS);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/ro/d", 0755), -EROFS);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/ro/d/e", 0755), -ENOENT);
	ck_assert_int_eq(vfs_mknod(&ctx, "/ro/p", S_IFIFO | 0644, 0), -EROFS);
	ck_assert_int_eq(vfs_symlink(&ctx, "x", "/ro/l"), -EROFS);
	ck_assert_int_eq(vfs_unlink(&ctx, "/ro/x"), -EROFS);
	ck_assert_int_eq(vfs_rmdir(&ctx, "/ro/x"), -EROFS);
	ck_assert_int_eq(vfs_rename(&ctx, "/ro/x", "/ro/y"), -EROFS);
	ck_assert_int_eq(vfs_chmod(&ctx, "/ro", 0777), -EROFS);
	ck_assert_int_eq(vfs_chown(&ctx, "/ro", 1, 1, true), -EROFS);
	ck_assert_int_eq(vfs_utimens(&ctx, "/ro", t, true), -EROFS);
	ck_assert_int_eq(vfs_utimens(&ctx, "/ro", NULL, true), -EROFS);
	ck_assert_int_eq(open_err(&ctx, "/ro", O_RDONLY, 0), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/ro/.", O_RDONLY, 0, &f), 0);
	vfs_close(f);
	ck_assert_int_eq(vfs_link(&ctx, "/ro", "/ro/x"), -EROFS);
	ck_assert_int_eq(vfs_umount(&ctx, "/ro"), 0);
}
END_TEST

START_TEST(test_file_refs)
{
	struct file *f, *g;
	char buf[8];

	ck_assert_int_eq(put_file(&ctx, "/f", "abc", 0644), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/f", O_RDONLY, 0, &f), 0);
	g = vfs_file_get(f);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(vfs_read(f, buf, 1), 1);
	ck_assert_int_eq(vfs_close(f), 0);
	/* Still open through the second reference, sharing the position. */
	ck_assert_int_eq(vfs_read(g, buf, 8), 2);
	ck_assert_int_eq(memcmp(buf, "bc", 2), 0);
	ck_assert_int_eq(vfs_close(g), 0);
}
END_TEST

static Suite *ops_suite(void)
{
	Suite *s = suite_create("vfs_ops");
	TCase *tc = tcase_create("ops");

	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_add_test(tc, test_open_create_flags);
	tcase_add_test(tc, test_read_write_seek);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_getdents_many);
	tcase_add_test(tc, test_getdents_edges);
	tcase_add_test(tc, test_rename_rules);
	tcase_add_test(tc, test_unlink_rmdir_mkdir);
	tcase_add_test(tc, test_links_and_symlinks);
	tcase_add_test(tc, test_unlink_open_file);
	tcase_add_test(tc, test_truncate_and_sparse);
	tcase_add_test(tc, test_stat_fields);
	tcase_add_test(tc, test_readonly_mount);
	tcase_add_test(tc, test_file_refs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(ops_suite());
}
