/*
 * Host tests for reading ext2 (fs/ext2/) through its fs_type and
 * operations: images made by mke2fs (1, 2 and 4 KiB blocks) and genext2fs
 * (1 and 4 KiB, revision 1 without filetype or sparse_super) from a staged
 * tree are mounted, and every file, symlink and directory is compared with
 * its source; directory entry types, statfs against dumpe2fs, read-ahead
 * on sequential reads, device read errors, and read-only mounts (by flag
 * and by a write-protected device) that refuse every change with -EROFS
 * and leave the image byte-identical.
 */
#include "test_ext2_lib.h"
#include "fs/ext2/ext2_internal.h"

static char src_dir[T2_PATH];

/* One staged tree per test process (tests fork from the suite). */
static const char *staged(void)
{
	if (!src_dir[0]) {
		snprintf(src_dir, sizeof(src_dir), "%s", t2h_tmpdir("src"));
		t2h_stage_tree(src_dir);
	}
	return src_dir;
}

static const char *image(const char *tag)
{
	static char img[T2_PATH];

	snprintf(img, sizeof(img), "%s/%s.img", t2h_tmpdir(tag), tag);
	return img;
}

static void read_compare(const char *img, bool rw)
{
	struct t2_fs fs;

	ck_assert_int_eq(t2_mount(&fs, img, rw ? 0 : SB_RDONLY, false), 0);
	ck_assert_uint_eq(fs.sb->flags & SB_RDONLY, rw ? 0 : SB_RDONLY);
	t2_compare_tree(&fs, "/", staged());
	t2_umount(&fs);
	/* A read-write mount and clean unmount leaves nothing to fix. */
	t2_fsck(img);
}

static const unsigned mke2fs_sizes[] = {1024, 2048, 4096};

START_TEST(test_mke2fs_tree)
{
	const char *img = image("mke2fs");

	t2_mke2fs(img, "ext2", mke2fs_sizes[_i], staged(), "32M", "");
	read_compare(img, false);
	read_compare(img, true);
}
END_TEST

static const unsigned genext2fs_sizes[] = {1024, 4096};

START_TEST(test_genext2fs_tree)
{
	const char *img = image("genext2fs");
	unsigned bs = genext2fs_sizes[_i];

	t2_genext2fs(img, bs, (unsigned)(12 << 20) / bs, staged());
	read_compare(img, false);
	read_compare(img, true);
}
END_TEST

struct type_seen {
	unsigned reg, dir, lnk, unknown;
};

static int count_types(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct type_seen *t = ctx;

	t->reg += type == DT_REG;
	t->dir += type == DT_DIR;
	t->lnk += type == DT_LNK;
	t->unknown += type == DT_UNKNOWN;
	return 0;
}

static struct type_seen root_types(struct t2_fs *fs)
{
	struct type_seen t = {0};
	struct file f = {.inode = fs->root, .ops = fs->root->fops};
	uint64_t pos = 0;

	ck_assert_int_eq(fs->root->fops->readdir(&f, &pos, count_types, &t), 0);
	ck_assert_uint_eq(pos, fs->root->size);
	return t;
}

START_TEST(test_readdir_types)
{
	const char *img = image("types");
	struct t2_fs fs;
	struct type_seen t;

	t2_mke2fs(img, "ext2", 1024, staged(), "32M", "");
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	t = root_types(&fs);
	/* ., .., sub, emptydir, lost+found; 7 files; 2 links. */
	ck_assert_uint_eq(t.dir, 5);
	ck_assert_uint_eq(t.reg, 7);
	ck_assert_uint_eq(t.lnk, 2);
	ck_assert_uint_eq(t.unknown, 0);
	t2_umount(&fs);

	img = image("types-gen");
	t2_genext2fs(img, 1024, 12288, staged());
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	t = root_types(&fs);
	ck_assert_uint_eq(t.unknown, 14); /* no filetype feature: all 14 entries */
	t2_umount(&fs);
}
END_TEST

/* Stop after `left` entries: the position must let readdir resume. */
struct stopper {
	int left;
	char seen[400][64];
	int n;
};

static int stop_after(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct stopper *s = ctx;

	if (s->left-- == 0)
		return 1;
	snprintf(s->seen[s->n++], 64, "%.*s", (int)len, name);
	return 0;
}

START_TEST(test_readdir_resume)
{
	const char *img = image("resume");
	struct stopper s;
	struct t2_fs fs;
	struct inode *dir;
	struct file f;
	uint64_t pos = 0;
	char all[8192], joined[8192] = "";

	t2_mke2fs(img, "ext2", 1024, staged(), "32M", "");
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/sub/many", &dir), 0);
	ck_assert_uint_gt(dir->size, 1024); /* several blocks */
	memset(&f, 0, sizeof(f));
	f.inode = dir;
	f.ops = dir->fops;
	memset(&s, 0, sizeof(s));
	/* Seven entries at a time. */
	for (int round = 0; round < 100 && pos < dir->size; round++) {
		s.left = 7;
		ck_assert_int_eq(dir->fops->readdir(&f, &pos, stop_after, &s), 0);
	}
	ck_assert_uint_eq(pos, dir->size);
	ck_assert_int_eq(s.n, 152);
	vfs_iput(dir);
	ck_assert_int_eq(t2_list(&fs, "/sub/many", all, sizeof(all)), 0);
	for (int i = 0; i < s.n; i++) {
		if (!strcmp(s.seen[i], ".") || !strcmp(s.seen[i], ".."))
			continue;
		ck_assert(strstr(all, s.seen[i]) != NULL);
		strcat(joined, "x");
	}
	ck_assert_uint_eq(strlen(joined), 150);
	t2_umount(&fs);
}
END_TEST

static uint64_t dumpe2fs_field(const char *img, const char *field)
{
	char *out, *p;
	uint64_t v;

	ck_assert_int_eq(t2h_sh(&out, "dumpe2fs -h '%s'", img), 0);
	p = strstr(out, field);
	ck_assert_msg(p != NULL, "dumpe2fs: no %s", field);
	v = strtoull(p + strlen(field) + strspn(p + strlen(field), ": \t"), NULL, 10);
	free(out);
	return v;
}

START_TEST(test_statfs)
{
	const char *img = image("statfs");
	struct kstatfs st;
	struct t2_fs fs;

	t2_mke2fs(img, "ext2", 4096, staged(), "32M", "");
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	ck_assert_int_eq(fs.sb->ops->statfs(fs.sb, &st), 0);
	ck_assert_uint_eq(st.type, 0xEF53);
	ck_assert_uint_eq(st.bsize, 4096);
	ck_assert_uint_eq(st.blocks, dumpe2fs_field(img, "Block count"));
	ck_assert_uint_eq(st.bfree, dumpe2fs_field(img, "Free blocks"));
	ck_assert_uint_eq(st.files, dumpe2fs_field(img, "Inode count"));
	ck_assert_uint_eq(st.ffree, dumpe2fs_field(img, "Free inodes"));
	ck_assert_uint_eq(st.bavail, st.bfree - dumpe2fs_field(img, "Reserved block count"));
	ck_assert_uint_eq(st.namelen, 255);
	ck_assert_uint_eq(fs.sb->block_size, 4096);
	t2_umount(&fs);
}
END_TEST

START_TEST(test_readahead)
{
	const char *img = image("ra");
	struct bcache_stats s0, s1;
	struct host_blk_counts c0, c1;
	struct t2_fs fs;
	uint8_t *data;
	size_t len;

	t2_mke2fs(img, "ext2", 1024, staged(), "32M", "");
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	bcache_get_stats(&s0);
	host_blk_counts(fs.dev, &c0);
	ck_assert_int_eq(t2_read_file(&fs, "/big", &data, &len), 0);
	bcache_get_stats(&s1);
	host_blk_counts(fs.dev, &c1);
	ck_assert_uint_eq(len, 5242880 + 123);
	/* About 5140 blocks: nearly all come in through read-ahead, in far
	 * fewer requests than blocks. */
	ck_assert_uint_gt(s1.readahead - s0.readahead, 4500);
	ck_assert_uint_lt(c1.reads - c0.reads, 400);
	free(data);
	t2_umount(&fs);
}
END_TEST

START_TEST(test_read_io_error)
{
	const char *img = image("eio");
	struct t2_fs fs;
	struct inode *ino;
	uint8_t buf[4096];
	uint32_t blk;

	t2_mke2fs(img, "ext2", 1024, staged(), "32M", "");
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/k70000", &ino), 0);
	ck_assert_int_eq(ino->sb->ops == fs.sb->ops, 1);
	/* Fail the disk block behind file block 20 (an indirect mapping). */
	ck_assert_int_eq(ext2_bmap(ino, 20, false, &blk, NULL), 0);
	vfs_iput(ino);
	ck_assert_uint_ne(blk, 0);
	bcache_invalidate(fs.dev);
	ck_assert_int_eq(host_blk_fail(fs.dev, BLK_READ, (uint64_t)blk * 2, 2), 0);
	ck_assert_int_eq(t2_pread(&fs, "/k70000", 20 * 1024, buf, 100), -EIO);
	/* A read that starts before the bad block returns what it got. */
	ck_assert_int_eq(t2_pread(&fs, "/k70000", 19 * 1024, buf, 2048), 1024);
	ck_assert(host_log_contains("I/O error reading block"));
	host_blk_fail_clear(fs.dev);
	ck_assert_int_eq(t2_pread(&fs, "/k70000", 20 * 1024, buf, 100), 100);
	t2_umount(&fs);
}
END_TEST

static void expect_all_erofs(struct t2_fs *fs)
{
	struct inode *ino;
	struct iattr attr = {.valid = ATTR_SIZE, .size = 0};

	ck_assert_int_eq(t2_create(fs, "/new", 0644), -EROFS);
	ck_assert_int_eq(t2_mkdir(fs, "/newdir", 0755), -EROFS);
	ck_assert_int_eq(t2_symlink(fs, "x", "/newlink"), -EROFS);
	ck_assert_int_eq(t2_unlink(fs, "/one"), -EROFS);
	ck_assert_int_eq(t2_rmdir(fs, "/emptydir"), -EROFS);
	ck_assert_int_eq(t2_rename(fs, "/one", "/two"), -EROFS);
	ck_assert_int_eq(t2_link(fs, "/one", "/two"), -EROFS);
	ck_assert_int_eq(t2_write(fs, "/k1023", 0, "x", 1), -EROFS);
	ck_assert_int_eq(t2_lookup(fs, "/k1023", &ino), 0);
	ck_assert_int_eq(ino->iops->setattr(ino, &attr), -EROFS);
	ck_assert_uint_eq(ino->size, 1023);
	vfs_iput(ino);
	ck_assert_int_eq(t2_fsync(fs, "/k1023"), 0);
}

static void image_sum(const char *img, char *sum, size_t size)
{
	char *out;

	ck_assert_int_eq(t2h_sh(&out, "md5sum < '%s'", img), 0);
	snprintf(sum, size, "%s", out);
	free(out);
}

START_TEST(test_readonly)
{
	const char *img = image("ro");
	char before[64], after[64];
	struct t2_fs fs;

	t2_mke2fs(img, "ext2", 1024, staged(), "32M", "");
	image_sum(img, before, sizeof(before));

	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	expect_all_erofs(&fs);
	t2_umount(&fs);

	/* A write-protected device mounts read-only even when asked rw. */
	ck_assert_int_eq(t2_mount(&fs, img, 0, true), 0);
	ck_assert_uint_eq(fs.sb->flags & SB_RDONLY, SB_RDONLY);
	expect_all_erofs(&fs);
	t2_compare_tree(&fs, "/", staged());
	t2_umount(&fs);

	image_sum(img, after, sizeof(after));
	ck_assert_str_eq(before, after);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ext2_read");
	TCase *tc = tcase_create("read");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, t2_suite_setup, t2_suite_teardown);
	tcase_add_checked_fixture(tc, t2_test_setup, t2_test_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_mke2fs_tree, 0, ARRAY_SIZE(mke2fs_sizes));
	tcase_add_loop_test(tc, test_genext2fs_tree, 0, ARRAY_SIZE(genext2fs_sizes));
	tcase_add_test(tc, test_readdir_types);
	tcase_add_test(tc, test_readdir_resume);
	tcase_add_test(tc, test_statfs);
	tcase_add_test(tc, test_readahead);
	tcase_add_test(tc, test_read_io_error);
	tcase_add_test(tc, test_readonly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
