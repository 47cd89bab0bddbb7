/*
 * Host tests for ext2 mount refusals and corrupt metadata: ext3 (journal)
 * and ext4 images and unknown incompatible features are refused with the
 * feature named; read-only-compatible ones mount read-only; a bad magic,
 * impossible geometry, bad group descriptors and a device smaller than the
 * filesystem are refused. On mounted images, bad directory entries
 * (rec_len, name_len, inode numbers), bad block pointers, deleted inodes
 * behind names, lying bitmaps and directory loops give -EUCLEAN (or are
 * worked around) with a log line naming the inode or block, never a crash,
 * never an access outside the filesystem, and the error state is recorded.
 */
#include "test_ext2_lib.h"
#include "fs/ext2/ext2_format.h"

#define SB_OFF 1024 /* superblock byte offset in the image */

static const char *new_image(const char *type, unsigned bs, bool stage)
{
	static char img[T2_PATH];
	char src[T2_PATH];

	snprintf(img, sizeof(img), "%s/c.img", t2h_tmpdir("img"));
	if (stage) {
		snprintf(src, sizeof(src), "%s", t2h_tmpdir("src"));
		t2h_stage_tree(src);
	}
	t2_mke2fs(img, type, bs, stage ? src : NULL, "16M", "");
	return img;
}

static void patch32(const char *img, uint64_t off, uint32_t v)
{
	t2h_patch(img, off, &v, 4);
}

static void patch16(const char *img, uint64_t off, uint16_t v)
{
	t2h_patch(img, off, &v, 2);
}

static uint32_t peek32(const char *img, uint64_t off)
{
	uint32_t v;

	t2h_peek(img, off, &v, 4);
	return v;
}

static void debugfs_w(const char *img, const char *cmd)
{
	char *out;
	int st = t2h_sh(&out, "debugfs -w -R '%s' '%s'", cmd, img);

	ck_assert_msg(st == 0 && !strstr(out, "rror"), "debugfs %s:\n%s", cmd, out);
	free(out);
}

/* The physical block of a file's logical block, per debugfs. */
static uint32_t debugfs_bmap(const char *img, const char *path, unsigned lblock)
{
	char *out, *nl;
	uint32_t v;

	ck_assert_int_eq(t2h_sh(&out, "debugfs -R 'bmap %s %u' '%s'", path, lblock, img), 0);
	nl = strchr(out, '\n');
	v = (uint32_t)strtoul(nl ? nl + 1 : out, NULL, 10);
	free(out);
	ck_assert_uint_ne(v, 0);
	return v;
}

/* Byte offset in the image of the entry `name` in directory block blk. */
static uint64_t find_dirent(const char *img, uint32_t blk, unsigned bs, const char *name)
{
	uint8_t buf[4096];
	uint32_t off = 0;

	t2h_peek(img, (uint64_t)blk * bs, buf, bs);
	while (off < bs) {
		struct ext2_dir_entry *de = (struct ext2_dir_entry *)(buf + off);

		ck_assert_uint_ge(de->rec_len, 12);
		if (de->name_len == strlen(name) && !memcmp(de->name, name, de->name_len))
			return (uint64_t)blk * bs + off;
		off += de->rec_len;
	}
	ck_abort_msg("no entry %s in block %u", name, blk);
	return 0;
}

static uint16_t super_state(const char *img)
{
	uint16_t v;

	t2h_peek(img, SB_OFF + 58, &v, 2);
	return v;
}

static void same_image(const char *img, const char *before)
{
	char *out;

	ck_assert_int_eq(t2h_sh(&out, "md5sum < '%s'", img), 0);
	ck_assert_str_eq(out, before);
	free(out);
}

START_TEST(test_refuse_ext3)
{
	const char *img = new_image("ext3", 1024, false);
	struct t2_fs fs;
	char *sum;

	ck_assert_int_eq(t2h_sh(&sum, "md5sum < '%s'", img), 0);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EINVAL);
	ck_assert(host_log_contains("unsupported feature has_journal, not mounting"));
	ck_assert(host_log_contains("ext2: hd"));
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), -EINVAL);
	same_image(img, sum);
	free(sum);
}
END_TEST

START_TEST(test_refuse_ext4)
{
	const char *img = new_image("ext4", 4096, false);
	struct t2_fs fs;

	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EINVAL);
	ck_assert(host_log_contains("unsupported feature has_journal, not mounting"));
	ck_assert(host_log_contains("unsupported feature extents, not mounting"));
	ck_assert(host_log_contains("unsupported feature 64bit, not mounting"));
	ck_assert(host_log_contains("unsupported feature flex_bg, not mounting"));
}
END_TEST

START_TEST(test_unknown_incompat)
{
	const char *img = new_image("ext2", 1024, false);
	struct t2_fs fs;

	patch32(img, SB_OFF + 0x60, peek32(img, SB_OFF + 0x60) | 0x100000);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EINVAL);
	ck_assert(host_log_contains("unsupported incompat feature 0x100000, not mounting"));
}
END_TEST

START_TEST(test_bad_magic)
{
	const char *img = new_image("ext2", 1024, false);
	struct t2_fs fs;

	patch16(img, SB_OFF + 56, 0x1234);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EINVAL);
	ck_assert(host_log_contains("bad magic 0x1234"));
	/* All zeros: not a filesystem either. */
	ck_assert_int_eq(t2h_sh(NULL, "dd if=/dev/zero of='%s' bs=1k count=64 conv=notrunc", img),
			 0);
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), -EINVAL);
}
END_TEST

START_TEST(test_ro_compat_readonly)
{
	const char *img = new_image("ext2", 1024, true);
	struct t2_fs fs;

	debugfs_w(img, "feature huge_file");
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_uint_eq(fs.sb->flags & SB_RDONLY, SB_RDONLY);
	ck_assert(host_log_contains("unsupported feature huge_file, mounting read-only"));
	ck_assert_int_eq(t2_create(&fs, "/x", 0644), -EROFS);
	ck_assert_int_eq(t2_write(&fs, "/k1023", 0, "x", 1), -EROFS);
	t2_umount(&fs);

	debugfs_w(img, "feature -huge_file");
	patch32(img, SB_OFF + 0x64, peek32(img, SB_OFF + 0x64) | 0x80000);
	host_log_clear();
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_uint_eq(fs.sb->flags & SB_RDONLY, SB_RDONLY);
	ck_assert(host_log_contains("unsupported ro_compat feature 0x80000, mounting read-only"));
	t2_umount(&fs);
}
END_TEST

/* Superblock fields made impossible: offset, value, expected error. */
static const struct {
	uint32_t off, value;
	int err;
	const char *log;
} geometry[] = {
	{24, 20, -EINVAL, "unsupported block size (s_log_block_size 20)"}, /* s_log_block_size */
	{76, 5, -EINVAL, "unsupported revision 5"},			   /* s_rev_level */
	{40, 0, -EUCLEAN, "bad inodes per group"},			   /* s_inodes_per_group */
	{32, 7, -EUCLEAN, "bad blocks per group"},			   /* s_blocks_per_group */
	{88, 100, -EUCLEAN, "bad inode size 100"},   /* s_inode_size (16 bits) */
	{20, 7, -EUCLEAN, "bad first data block"},   /* s_first_data_block */
	{0, 12345, -EUCLEAN, "inode count 12345"},   /* s_inodes_count */
	{4, 0x7fffffff, -EINVAL, "the device only"}, /* s_blocks_count */
	{84, 3, -EUCLEAN, "bad first inode 3"},	     /* s_first_ino */
};

START_TEST(test_bad_geometry)
{
	const char *img = new_image("ext2", 1024, false);
	struct t2_fs fs;

	if (geometry[_i].off == 88)
		patch16(img, SB_OFF + geometry[_i].off, (uint16_t)geometry[_i].value);
	else
		patch32(img, SB_OFF + geometry[_i].off, geometry[_i].value);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), geometry[_i].err);
	ck_assert_msg(host_log_contains(geometry[_i].log), "log: %s", host_log_last());
}
END_TEST

START_TEST(test_bad_descriptors)
{
	static const char *const cmds[] = {
		"set_bg 0 inode_table 99999",
		"set_bg 1 block_bitmap 3",
		"set_bg 0 inode_bitmap 0",
		"set_bg 1 free_blocks_count 60000",
	};
	static const char *const logs[] = {
		"group 0: bad inode table",
		"group 1: bad block bitmap",
		"group 0: bad inode bitmap",
		"group 1: bad counts",
	};
	const char *img = new_image("ext2", 1024, false);
	struct t2_fs fs;

	debugfs_w(img, cmds[_i]);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EUCLEAN);
	ck_assert_msg(host_log_contains(logs[_i]), "log: %s", host_log_last());
}
END_TEST

START_TEST(test_device_too_small)
{
	const char *img = new_image("ext2", 1024, false);
	struct t2_fs fs;

	ck_assert_int_eq(t2h_sh(NULL, "truncate -s 8M '%s'", img), 0);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), -EINVAL);
	ck_assert(host_log_contains("filesystem has 16384 blocks, the device only 8192"));
}
END_TEST

/* Damage to one entry of /sub/deeper's first block. */
enum { D_REC13, D_REC4, D_REC0, D_CROSS, D_NAMELEN, D_INODE, D_NCASES };

START_TEST(test_bad_dir_entries)
{
	const char *img = new_image("ext2", 1024, true);
	uint32_t blk = debugfs_bmap(img, "/sub/deeper", 0);
	uint64_t dot = find_dirent(img, blk, 1024, "."), dotdot = find_dirent(img, blk, 1024, "..");
	uint64_t bbin = find_dirent(img, blk, 1024, "b.bin");
	struct inode *ino;
	struct t2_fs fs;
	char list[256];
	uint8_t v8 = 250;

	switch (_i) {
	case D_REC13:
		patch16(img, dotdot + 4, 13);
		break;
	case D_REC4:
		patch16(img, dotdot + 4, 4);
		break;
	case D_REC0:
		patch16(img, dotdot + 4, 0);
		break;
	case D_CROSS:
		patch16(img, dot + 4, 2000);
		break;
	case D_NAMELEN:
		t2h_patch(img, bbin + 6, &v8, 1);
		break;
	case D_INODE:
		patch32(img, bbin, 99999999);
		break;
	}
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/sub/deeper/c", &ino), -EUCLEAN);
	ck_assert(host_log_contains("block 0: "));
	ck_assert_int_eq(t2_list(&fs, "/sub/deeper", list, sizeof(list)), -EUCLEAN);
	ck_assert_int_eq(t2_create(&fs, "/sub/deeper/new", 0644), -EUCLEAN);
	ck_assert_int_eq(t2_rmdir(&fs, "/sub/deeper"), -EUCLEAN);
	ck_assert_int_eq(t2_unlink(&fs, "/sub/deeper/c"), -EUCLEAN);
	/* The rest of the filesystem is fine. */
	ck_assert_int_eq(t2_lookup(&fs, "/sub/a.txt", &ino), 0);
	vfs_iput(ino);
	ck_assert_int_eq(t2_create(&fs, "/sub/new", 0644), 0);
	t2_umount(&fs);
	/* Recorded for e2fsck: errors, not clean. */
	ck_assert_uint_eq(super_state(img), EXT2_ERROR_FS);
}
END_TEST

START_TEST(test_reserved_inode_entry)
{
	const char *img = new_image("ext2", 1024, true);
	uint32_t blk = debugfs_bmap(img, "/sub/deeper", 0);
	struct inode *ino;
	struct t2_fs fs;

	patch32(img, find_dirent(img, blk, 1024, "b.bin"), 5);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/sub/deeper/b.bin", &ino), -EUCLEAN);
	ck_assert(host_log_contains("entry 'b.bin' names bad inode 5"));
	ck_assert_int_eq(t2_lookup(&fs, "/sub/deeper/c", &ino), 0);
	vfs_iput(ino);
	t2_umount(&fs);
}
END_TEST

START_TEST(test_bad_block_pointers)
{
	const char *img = new_image("ext2", 1024, true);
	uint8_t gdt_before[1024], gdt_after[1024], buf[100];
	struct t2_fs fs;

	t2h_peek(img, 2 * 1024, gdt_before, sizeof(gdt_before));
	debugfs_w(img, "sif /k4097 block[2] 9999999");
	debugfs_w(img, "sif /k70000 block[IND] 2"); /* the group descriptors */
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_pread(&fs, "/k4097", 2048, buf, 10), -EUCLEAN);
	ck_assert(host_log_contains("bad block pointer 9999999"));
	ck_assert_int_eq(t2_pread(&fs, "/k4097", 0, buf, 10), 10);
	ck_assert_int_eq(t2_pread(&fs, "/k70000", 20 * 1024, buf, 10), -EUCLEAN);
	ck_assert(host_log_contains("bad block pointer 2"));
	ck_assert_int_eq(t2_write(&fs, "/k70000", 30 * 1024, "abc", 3), -EUCLEAN);
	/* Deleting them frees the good blocks and refuses the bad ones. */
	ck_assert_int_eq(t2_unlink(&fs, "/k4097"), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/k70000"), 0);
	t2_umount(&fs);
	t2h_peek(img, 2 * 1024, gdt_after, sizeof(gdt_after));
	/* The descriptor block was never treated as file data (only its free
	 * counts changed, in the first descriptor). */
	ck_assert(!memcmp(gdt_before + 32, gdt_after + 32, sizeof(gdt_before) - 32));
	ck_assert_uint_eq(super_state(img), EXT2_ERROR_FS);
}
END_TEST

START_TEST(test_deleted_inode_named)
{
	const char *img = new_image("ext2", 1024, true);
	struct inode *ino;
	struct t2_fs fs;

	debugfs_w(img, "sif /one links_count 0");
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/one", &ino), -EUCLEAN);
	ck_assert(host_log_contains("is in use but deleted"));
	ck_assert_int_eq(t2_unlink(&fs, "/one"), -EUCLEAN);
	t2_umount(&fs);
}
END_TEST

static uint32_t first_inode_table(const char *img)
{
	char *out, *p;
	uint32_t v;

	ck_assert_int_eq(t2h_sh(&out, "dumpe2fs '%s'", img), 0);
	p = strstr(out, "Inode table at ");
	ck_assert_ptr_nonnull(p);
	v = (uint32_t)strtoul(p + strlen("Inode table at "), NULL, 10);
	free(out);
	return v;
}

static uint32_t free_blocks(const char *img)
{
	char *out, *p;
	uint32_t v;

	ck_assert_int_eq(t2h_sh(&out, "dumpe2fs -h '%s'", img), 0);
	p = strstr(out, "Free blocks:");
	ck_assert_ptr_nonnull(p);
	v = (uint32_t)strtoul(p + strlen("Free blocks:"), NULL, 10);
	free(out);
	return v;
}

START_TEST(test_bitmap_frees_metadata)
{
	char img[T2_PATH], cmd[64];
	uint8_t before[20 * 1024], after[20 * 1024], buf[8192] = {1};
	uint32_t itable;
	struct t2_fs fs;

	/* One group; its bitmap calls 20 inode table blocks free. Filling the
	 * disk wraps the search around to them: they must be skipped. */
	snprintf(img, sizeof(img), "%s/m.img", t2h_tmpdir("img"));
	t2_mke2fs(img, "ext2", 1024, NULL, "8M", "");
	itable = first_inode_table(img);
	snprintf(cmd, sizeof(cmd), "freeb %u 20", itable + 5);
	debugfs_w(img, cmd);
	/* debugfs leaves the count alone: make it agree with the bitmap, or
	 * the allocator stops before it gets there. */
	snprintf(cmd, sizeof(cmd), "set_bg 0 free_blocks_count %u", free_blocks(img) + 20);
	debugfs_w(img, cmd);
	t2h_peek(img, (uint64_t)(itable + 5) * 1024, before, sizeof(before));
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_create(&fs, "/fill", 0644), 0);
	for (uint64_t off = 0;; off += sizeof(buf)) {
		long n = t2_write(&fs, "/fill", off, buf, sizeof(buf));

		if (n != (long)sizeof(buf))
			break;
	}
	ck_assert(host_log_contains("marks metadata block"));
	t2_umount(&fs);
	t2h_peek(img, (uint64_t)(itable + 5) * 1024, after, sizeof(after));
	ck_assert(!memcmp(before, after, sizeof(before)));
}
END_TEST

START_TEST(test_lying_bitmaps)
{
	const char *img = new_image("ext2", 1024, true);
	uint8_t one[1], data[20000];
	struct t2_fs fs;
	char cmd[64];

	/* Bitmaps that call a live inode and a used data block free. */
	debugfs_w(img, "freei /one");
	snprintf(cmd, sizeof(cmd), "freeb %u", debugfs_bmap(img, "/k1024", 0));
	debugfs_w(img, cmd);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/k1024"), 0);
	ck_assert(host_log_contains("which is already free"));
	for (int i = 0; i < 20; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/n%d", i);
		ck_assert_int_eq(t2_create(&fs, path, 0644), 0);
		t2h_fill(data, sizeof(data), (uint64_t)i);
		ck_assert_int_eq(t2_write(&fs, path, 0, data, sizeof(data)), (long)sizeof(data));
	}
	ck_assert(host_log_contains("is in use but free in the bitmap"));
	/* The live inode was not handed out again: /one is intact. */
	ck_assert_int_eq(t2_pread(&fs, "/one", 0, one, 1), 1);
	t2h_fill(data, 1, t2h_seed("one"));
	ck_assert_uint_eq(one[0], data[0]);
	t2_umount(&fs);
}
END_TEST

START_TEST(test_never_outside_fs)
{
	char img[T2_PATH], src[T2_PATH];
	struct host_blk_counts c;
	struct t2_fs fs;
	uint8_t buf[8192];
	char cmd[64];

	/* An 8 MiB filesystem at the start of a 16 MiB device. */
	snprintf(src, sizeof(src), "%s", t2h_tmpdir("src"));
	t2h_stage_tree(src);
	ck_assert_int_eq(t2h_sh(NULL, "rm -f '%s/big'", src), 0);
	snprintf(img, sizeof(img), "%s/o.img", t2h_tmpdir("img"));
	ck_assert_int_eq(t2h_sh(NULL, "truncate -s 16M '%s'", img), 0);
	t2_mke2fs(img, "ext2", 1024, src, "8M", "");
	snprintf(cmd, sizeof(cmd), "sif /k4097 block[1] %u", 8192 + 100);
	debugfs_w(img, cmd);
	debugfs_w(img, "sif /k70000 block[DIND] 9000");
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(host_blk_fail(fs.dev, BLK_READ, 16384, 16384), 0);
	ck_assert_int_eq(host_blk_fail(fs.dev, BLK_WRITE, 16384, 16384), 0);
	ck_assert_int_eq(t2_pread(&fs, "/k4097", 1024, buf, 10), -EUCLEAN);
	ck_assert_int_eq(t2_write(&fs, "/k4097", 1024, buf, 10), -EUCLEAN);
	ck_assert_int_eq(t2_write(&fs, "/k70000", 300 * 1024, buf, 10), -EUCLEAN);
	/* Fill the filesystem: allocation stays inside it. */
	ck_assert_int_eq(t2_create(&fs, "/fill", 0644), 0);
	for (uint64_t off = 0;; off += sizeof(buf)) {
		long n = t2_write(&fs, "/fill", off, buf, sizeof(buf));

		if (n != (long)sizeof(buf)) {
			ck_assert(n == -ENOSPC || (n >= 0 && n < (long)sizeof(buf)));
			break;
		}
	}
	ck_assert_int_eq(t2_unlink(&fs, "/k4097"), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/k70000"), 0);
	host_blk_counts(fs.dev, &c);
	ck_assert_uint_eq(c.failed, 0);
	t2_umount(&fs);
}
END_TEST

START_TEST(test_directory_loop)
{
	const char *img = new_image("ext2", 1024, true);
	uint32_t blk = debugfs_bmap(img, "/sub/deeper", 0);
	uint64_t bbin = find_dirent(img, blk, 1024, "b.bin");
	char path[1024] = "/sub";
	struct inode *sub, *ino;
	struct t2_fs fs;
	uint8_t ft = EXT2_FT_DIR;
	uint32_t sub_ino;

	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/sub", &sub), 0);
	sub_ino = (uint32_t)sub->ino;
	vfs_iput(sub);
	t2_umount(&fs);
	/* /sub/deeper/b.bin names /sub: a cycle. */
	patch32(img, bbin, sub_ino);
	t2h_patch(img, bbin + 7, &ft, 1);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	for (int i = 0; i < 40; i++)
		strncat(path, "/deeper/b.bin", sizeof(path) - strlen(path) - 1);
	ck_assert_int_eq(t2_lookup(&fs, path, &ino), 0);
	ck_assert(S_ISDIR(ino->mode));
	vfs_iput(ino);
	ck_assert_int_eq(t2_rmdir(&fs, "/sub/deeper/b.bin"), -ENOTEMPTY);
	t2_umount(&fs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ext2_corrupt");
	TCase *tc = tcase_create("corrupt");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, t2_suite_setup, t2_suite_teardown);
	tcase_add_checked_fixture(tc, t2_test_setup, t2_test_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_refuse_ext3);
	tcase_add_test(tc, test_refuse_ext4);
	tcase_add_test(tc, test_unknown_incompat);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_ro_compat_readonly);
	tcase_add_loop_test(tc, test_bad_geometry, 0, ARRAY_SIZE(geometry));
	tcase_add_loop_test(tc, test_bad_descriptors, 0, 4);
	tcase_add_test(tc, test_device_too_small);
	tcase_add_loop_test(tc, test_bad_dir_entries, 0, D_NCASES);
	tcase_add_test(tc, test_reserved_inode_entry);
	tcase_add_test(tc, test_bad_block_pointers);
	tcase_add_test(tc, test_deleted_inode_named);
	tcase_add_test(tc, test_bitmap_frees_metadata);
	tcase_add_test(tc, test_lying_bitmaps);
	tcase_add_test(tc, test_never_outside_fs);
	tcase_add_test(tc, test_directory_loop);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
