/*
 * Host tests for writing ext2 (fs/ext2/): scenarios run through the ext2
 * operations while a host mirror directory gets the same changes; after
 * each, the image is synced and unmounted, `e2fsck -fn` must find it
 * clean, `debugfs rdump` of the whole image must equal the mirror byte for
 * byte, and `debugfs cat` reads back sample files.
 *
 * Scenarios: basic file and directory operations (1 and 4 KiB blocks),
 * thousands of files created, appended, truncated, renamed and deleted
 * across directories (also under a tiny buffer cache), a 50-deep tree,
 * sparse files and a file past 5 GiB, rename corner cases, running out of
 * space and inodes, writes on a genext2fs image (no filetype), device
 * nodes, device write errors, fsync, the clean flag and mount count, and
 * persistence across remounts.
 */
#include "test_ext2_lib.h"

static char src_dir[T2_PATH];

static const char *staged(void)
{
	if (!src_dir[0]) {
		snprintf(src_dir, sizeof(src_dir), "%s", t2h_tmpdir("src"));
		t2h_stage_tree(src_dir);
	}
	return src_dir;
}

/* A mounted read-write image with its mirror: made by mke2fs from the
 * staged tree (stage) or empty. */
static void new_fs(struct t2_fs *fs, unsigned bs, const char *size, bool stage)
{
	char img[T2_PATH], mirror[T2_PATH];

	snprintf(img, sizeof(img), "%s/fs.img", t2h_tmpdir("img"));
	snprintf(mirror, sizeof(mirror), "%s", t2h_tmpdir("mirror"));
	if (stage)
		ck_assert_int_eq(t2h_sh(NULL, "cp -a '%s/.' '%s'", staged(), mirror), 0);
	t2_mke2fs(img, "ext2", bs, stage ? staged() : NULL, size, "");
	ck_assert_int_eq(t2_mount(fs, img, 0, false), 0);
	t2_mirror(fs, mirror);
}

static void remount(struct t2_fs *fs)
{
	char img[T2_PATH], mirror[T2_PATH];

	snprintf(img, sizeof(img), "%s", fs->img);
	snprintf(mirror, sizeof(mirror), "%s", fs->mirror);
	t2_umount(fs);
	ck_assert_int_eq(t2_mount(fs, img, 0, false), 0);
	t2_mirror(fs, mirror);
}

/* Write `len` seeded bytes at `off` and expect all of them written. */
static void put(struct t2_fs *fs, const char *path, uint64_t off, size_t len, uint64_t seed)
{
	uint8_t *buf = malloc(len ? len : 1);

	t2h_fill(buf, len, seed);
	ck_assert_int_eq(t2_write(fs, path, off, buf, len), (long)len);
	free(buf);
}

static void expect_size(struct t2_fs *fs, const char *path, uint64_t size)
{
	struct inode *ino;

	ck_assert_int_eq(t2_lookup(fs, path, &ino), 0);
	ck_assert_uint_eq(ino->size, size);
	vfs_iput(ino);
}

static uint32_t nlink_of(struct t2_fs *fs, const char *path)
{
	struct inode *ino;
	uint32_t n;

	ck_assert_int_eq(t2_lookup(fs, path, &ino), 0);
	n = ino->nlink;
	vfs_iput(ino);
	return n;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static const unsigned block_sizes[] = {1024, 4096};

START_TEST(test_basic)
{
	static const char *const samples[] = {"/k1023", "/big", "/sparse", "/hl", "/d1/d2/x"};
	char target[300], buf[300], img[T2_PATH];
	uint8_t z[4096];
	struct t2_fs fs;

	new_fs(&fs, block_sizes[_i], "32M", true);
	/* New files of every interesting size. */
	static const size_t sizes[] = {0, 1, 1023, 1024, 4097, 70000, 300000};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/new%zu", i);
		ck_assert_int_eq(t2_create(&fs, path, 0644), 0);
		put(&fs, path, 0, sizes[i], 100 + i);
		expect_size(&fs, path, sizes[i]);
	}
	/* Append, overwrite in the middle, shrink, extend sparsely. */
	put(&fs, "/k1023", 1023, 5000, 1);
	put(&fs, "/big", 1000000, 10000, 2);
	ck_assert_int_eq(t2_truncate(&fs, "/k70000", 5000), 0);
	ck_assert_int_eq(t2_truncate(&fs, "/k70000", 100000), 0);
	ck_assert_int_eq(t2_pread(&fs, "/k70000", 5000, z, sizeof(z)), (long)sizeof(z));
	ck_assert(all_zero(z, sizeof(z)));
	ck_assert_int_eq(t2_truncate(&fs, "/big", 300000), 0);
	put(&fs, "/big", 299990, 20, 3);
	/* A sparse file: data far out, holes read as zeros. */
	ck_assert_int_eq(t2_create(&fs, "/sparse", 0600), 0);
	put(&fs, "/sparse", 10 << 20, 100, 4);
	put(&fs, "/sparse", 3000, 10, 5);
	ck_assert_int_eq(t2_pread(&fs, "/sparse", 5 << 20, z, sizeof(z)), (long)sizeof(z));
	ck_assert(all_zero(z, sizeof(z)));
	ck_assert_int_eq(t2_pread(&fs, "/sparse", 0, z, 3000), 3000);
	ck_assert(all_zero(z, 3000));
	expect_size(&fs, "/sparse", (10 << 20) + 100);
	/* Directories. */
	ck_assert_int_eq(t2_mkdir(&fs, "/d1", 0755), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/d1/d2", 0700), 0);
	ck_assert_int_eq(t2_create(&fs, "/d1/d2/x", 0644), 0);
	put(&fs, "/d1/d2/x", 0, 2000, 6);
	ck_assert_uint_eq(nlink_of(&fs, "/d1"), 3);
	ck_assert_int_eq(t2_rmdir(&fs, "/d1"), -ENOTEMPTY);
	ck_assert_int_eq(t2_rmdir(&fs, "/d1/d2/x"), -ENOTDIR);
	ck_assert_int_eq(t2_unlink(&fs, "/d1/d2"), -EISDIR);
	ck_assert_int_eq(t2_rmdir(&fs, "/emptydir"), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/emptydir", &(struct inode *){NULL}), -ENOENT);
	ck_assert_int_eq(t2_mkdir(&fs, "/d1/gone", 0755), 0);
	ck_assert_int_eq(t2_rmdir(&fs, "/d1/gone"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/d1"), 3);
	/* Symlinks: fast, slow, and the longest a 1 KiB block allows. */
	ck_assert_int_eq(t2_symlink(&fs, "k1023", "/sl_short"), 0);
	memset(target, 'y', sizeof(target));
	target[200] = '\0';
	ck_assert_int_eq(t2_symlink(&fs, target, "/sl_long"), 0);
	ck_assert_int_eq(t2_readlink(&fs, "/sl_long", buf, sizeof(buf)), 200);
	ck_assert(!memcmp(buf, target, 200));
	ck_assert_int_eq(t2_readlink(&fs, "/sl_short", buf, 3), 3); /* truncated */
	ck_assert(!memcmp(buf, "k10", 3));
	target[59] = '\0'; /* 59 bytes: the longest fast symlink */
	ck_assert_int_eq(t2_symlink(&fs, target, "/sl_59"), 0);
	target[59] = 'y';
	target[60] = '\0';
	ck_assert_int_eq(t2_symlink(&fs, target, "/sl_60"), 0);
	ck_assert_int_eq(t2_symlink(&fs, "", "/sl_empty"), -ENOENT);
	/* Hard links. */
	ck_assert_int_eq(t2_link(&fs, "/sub/a.txt", "/hl"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/hl"), 2);
	ck_assert_int_eq(t2_unlink(&fs, "/sub/a.txt"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/hl"), 1);
	ck_assert_int_eq(t2_unlink(&fs, "/one"), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/one"), -ENOENT);
	ck_assert_int_eq(t2_unlink(&fs, "/link_long"), 0);
	ck_assert_int_eq(t2_fsync(&fs, "/k1023"), 0);
	/* Names: too long, and one of exactly 255 bytes. */
	memset(target, 'n', 256);
	target[0] = '/';
	target[257] = '\0';
	ck_assert_int_eq(t2_create(&fs, target, 0644), -ENAMETOOLONG);
	target[256] = '\0';
	ck_assert_int_eq(t2_create(&fs, target, 0644), 0);

	/* What the driver itself sees matches the mirror. */
	t2_compare_tree(&fs, "/", fs.mirror);
	snprintf(img, sizeof(img), "%s", fs.img);
	t2_verify(&fs, samples, ARRAY_SIZE(samples));
	t2_debugfs_ls(img, "/d1/d2", "x", 2000);
	t2_debugfs_ls(img, "/", "sparse", (10 << 20) + 100);
	t2_debugfs_ls(img, "/", "sl_long", 200);
}
END_TEST

/* Thousands of files across directories, in a 1 KiB-block image. */
#define MANY_FILES 3000
#define MANY_DIRS  30

/* A roomy cache, then a tiny one that forces eviction and write-back
 * under the operations (with fewer files, to keep the run short). */
static const size_t cache_sizes[] = {32 << 20, 192 << 10};
static const int file_counts[] = {MANY_FILES, 1000};

START_TEST(test_many_files)
{
	static char names[MANY_FILES][32];
	static const char *const samples[] = {"/d03/f00003", "/d09/r00002", "/d05/f02975"};
	struct t2_fs fs;
	char path[32];
	unsigned live = 0;

	int nfiles = file_counts[_i];

	bcache_init(cache_sizes[_i]);
	new_fs(&fs, 1024, "48M", false);
	for (int d = 0; d < MANY_DIRS; d++) {
		snprintf(path, sizeof(path), "/d%02d", d);
		ck_assert_int_eq(t2_mkdir(&fs, path, 0755), 0);
	}
	for (int i = 0; i < nfiles; i++) {
		snprintf(names[i], sizeof(names[i]), "/d%02d/f%05d", i % MANY_DIRS, i);
		ck_assert_int_eq(t2_create(&fs, names[i], 0644), 0);
		put(&fs, names[i], 0, (size_t)(i * 131) % 3000, (uint64_t)i);
	}
	for (int i = 0; i < nfiles; i++) {
		if (i % 3 == 0)
			put(&fs, names[i], (size_t)(i * 131) % 3000, 777, (uint64_t)i + 7);
		if (i % 5 == 1)
			ck_assert_int_eq(t2_truncate(&fs, names[i], (uint64_t)(i % 700)), 0);
		if (i % 4 == 2) {
			char to[32];

			snprintf(to, sizeof(to), "/d%02d/r%05d", (i + 7) % MANY_DIRS, i);
			ck_assert_int_eq(t2_rename(&fs, names[i], to), 0);
			memcpy(names[i], to, sizeof(to));
		}
	}
	for (int i = 0; i < nfiles; i++) {
		if (i % 3 == 1)
			ck_assert_int_eq(t2_unlink(&fs, names[i]), 0);
		else
			live++;
	}
	/* Empty one directory completely and remove it. */
	for (int i = 0; i < nfiles; i++) {
		if (i % 3 != 1 && !strncmp(names[i], "/d29/", 5)) {
			ck_assert_int_eq(t2_unlink(&fs, names[i]), 0);
			live--;
		}
	}
	ck_assert_int_eq(t2_rmdir(&fs, "/d29"), 0);
	ck_assert_uint_gt(live, (unsigned)nfiles * 3 / 5);
	t2_verify(&fs, samples, _i == 0 ? ARRAY_SIZE(samples) : 2);
}
END_TEST

START_TEST(test_deep_tree)
{
	static const char *const samples[] = {"/top/moved/f", "/top/l01/f"};
	char path[1024] = "/top", half[1024] = "";
	struct t2_fs fs;
	size_t len;

	new_fs(&fs, 1024, "16M", false);
	ck_assert_int_eq(t2_mkdir(&fs, path, 0755), 0);
	for (int depth = 1; depth <= 50; depth++) {
		char file[1100];

		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/l%02d", depth);
		ck_assert_int_eq(t2_mkdir(&fs, path, 0755), 0);
		snprintf(file, sizeof(file), "%s/f", path);
		ck_assert_int_eq(t2_create(&fs, file, 0644), 0);
		put(&fs, file, 0, (size_t)depth * 100, (uint64_t)depth);
		if (depth == 25)
			memcpy(half, path, sizeof(half));
	}
	ck_assert_int_eq(t2_symlink(&fs, half + 1, "/to_half"), 0);
	/* Move the lower half of the tree up, to another parent. */
	ck_assert_uint_eq(nlink_of(&fs, "/top"), 3);
	ck_assert_int_eq(t2_rename(&fs, half, "/top/moved"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/top"), 4);
	ck_assert_uint_eq(nlink_of(&fs, "/top/moved"), 3);
	/* Remove the deepest directory (empty after its file goes). */
	snprintf(path, sizeof(path), "/top/moved");
	for (int depth = 26; depth <= 50; depth++) {
		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/l%02d", depth);
	}
	len = strlen(path);
	snprintf(path + len, sizeof(path) - len, "/f");
	ck_assert_int_eq(t2_unlink(&fs, path), 0);
	path[len] = '\0';
	ck_assert_int_eq(t2_rmdir(&fs, path), 0);
	t2_verify(&fs, samples, ARRAY_SIZE(samples));
}
END_TEST

static uint64_t debugfs_number(const char *img, const char *cmd, const char *field)
{
	char *out, *p;
	uint64_t v;

	ck_assert_int_eq(t2h_sh(&out, "debugfs -R '%s' '%s'", cmd, img), 0);
	p = strstr(out, field);
	ck_assert_msg(p != NULL, "debugfs %s: no '%s' in\n%s", cmd, field, out);
	v = strtoull(p + strlen(field), NULL, 10);
	free(out);
	return v;
}

/* The bytes of file block `lblock` as debugfs maps it, read from the image. */
static void image_block(const char *img, const char *path, uint64_t lblock, uint8_t *buf)
{
	char cmd[128], *out;
	uint64_t pblk;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "bmap %s %llu", path, (unsigned long long)lblock);
	ck_assert_int_eq(t2h_sh(&out, "debugfs -R '%s' '%s'", cmd, img), 0);
	/* After debugfs's banner line: the block number. */
	pblk = strtoull(strchr(out, '\n') ? strchr(out, '\n') + 1 : out, NULL, 10);
	free(out);
	ck_assert_uint_ne(pblk, 0);
	f = fopen(img, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseeko(f, (off_t)(pblk * 1024), SEEK_SET), 0);
	ck_assert_uint_eq(fread(buf, 1, 1024, f), 1024);
	fclose(f);
}

START_TEST(test_huge_sparse)
{
	const uint64_t five_g = 5ULL << 30, four_g = 4ULL << 30;
	uint8_t data[4096], got[4096], blk[1024];
	struct kstatfs st0, st1;
	struct t2_fs fs;
	char img[T2_PATH];

	new_fs(&fs, 1024, "64M", false);
	fs.mirror[0] = '\0'; /* a 5 GiB mirror is not worth it: checked below */
	snprintf(img, sizeof(img), "%s", fs.img);
	ck_assert_int_eq(fs.sb->ops->statfs(fs.sb, &st0), 0);
	ck_assert_int_eq(t2_create(&fs, "/huge", 0644), 0);
	t2h_fill(data, sizeof(data), 55);
	ck_assert_int_eq(t2_write(&fs, "/huge", five_g, data, sizeof(data)), 4096);
	ck_assert_int_eq(t2_write(&fs, "/huge", four_g - 10, data, 20), 20);
	ck_assert_int_eq(t2_write(&fs, "/huge", 0, data, 100), 100);
	expect_size(&fs, "/huge", five_g + 4096);
	ck_assert_int_eq(t2_pread(&fs, "/huge", five_g, got, sizeof(got)), 4096);
	ck_assert(!memcmp(got, data, sizeof(data)));
	ck_assert_int_eq(t2_pread(&fs, "/huge", four_g - 10, got, 20), 20);
	ck_assert(!memcmp(got, data, 20));
	ck_assert_int_eq(t2_pread(&fs, "/huge", (3ULL << 30) + 5, got, sizeof(got)), 4096);
	ck_assert(all_zero(got, sizeof(got)));
	ck_assert_int_eq(t2_pread(&fs, "/huge", five_g + 4096, got, 1), 0);
	/* Beyond what 1 KiB blocks can map (about 16 GiB): EFBIG. */
	ck_assert_int_eq(t2_write(&fs, "/huge", 17ULL << 30, data, 1), -EFBIG);
	ck_assert_int_eq(fs.sb->ops->statfs(fs.sb, &st1), 0);
	/* 7 data blocks, plus triple, double and single indirect blocks. */
	ck_assert_uint_lt(st0.bfree - st1.bfree, 20);
	t2_umount(&fs);

	t2_fsck(img);
	ck_assert_uint_eq(debugfs_number(img, "stat /huge", "Size: "), five_g + 4096);
	for (int i = 0; i < 4; i++) {
		image_block(img, "/huge", (five_g >> 10) + (uint64_t)i, blk);
		ck_assert(!memcmp(blk, data + i * 1024, 1024));
	}
	image_block(img, "/huge", 0, blk);
	ck_assert(!memcmp(blk, data, 100));
	ck_assert(all_zero(blk + 100, 924));

	/* Shrink below 4 GiB + a bit, then delete: every block comes back. */
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_truncate(&fs, "/huge", four_g + 5), 0);
	ck_assert_int_eq(t2_pread(&fs, "/huge", four_g - 10, got, 20), 15);
	ck_assert(!memcmp(got, data, 15));
	t2_umount(&fs);
	t2_fsck(img);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/huge"), 0);
	ck_assert_int_eq(fs.sb->ops->statfs(fs.sb, &st1), 0);
	ck_assert_uint_eq(st1.bfree, st0.bfree);
	ck_assert_uint_eq(st1.ffree, st0.ffree);
	t2_umount(&fs);
	t2_fsck(img);
}
END_TEST

START_TEST(test_large_file_feature)
{
	char img[T2_PATH], *out;
	struct t2_fs fs;

	/* genext2fs makes no large_file feature: a file over 2 GiB sets it. */
	snprintf(img, sizeof(img), "%s/g.img", t2h_tmpdir("lf"));
	t2_genext2fs(img, 1024, 8192, staged());
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	ck_assert_int_eq(t2_create(&fs, "/over2g", 0644), 0);
	ck_assert_int_eq(t2_write(&fs, "/over2g", 3ULL << 30, "abc", 3), 3);
	t2_umount(&fs);
	t2_fsck(img);
	ck_assert_int_eq(t2h_sh(&out, "dumpe2fs -h '%s'", img), 0);
	ck_assert(strstr(out, "large_file") != NULL);
	free(out);
}
END_TEST

START_TEST(test_rename)
{
	static const char *const samples[] = {"/b/x/inner", "/b/f2", "/c/x2/inner2"};
	struct inode *ino;
	struct t2_fs fs;

	new_fs(&fs, 4096, "16M", false);
	ck_assert_int_eq(t2_mkdir(&fs, "/a", 0755), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/b", 0755), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/c", 0755), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/a/x", 0755), 0);
	ck_assert_int_eq(t2_create(&fs, "/a/x/inner", 0644), 0);
	put(&fs, "/a/x/inner", 0, 5000, 1);
	ck_assert_int_eq(t2_create(&fs, "/a/f1", 0644), 0);
	put(&fs, "/a/f1", 0, 100, 2);
	ck_assert_int_eq(t2_create(&fs, "/b/f2", 0644), 0);
	put(&fs, "/b/f2", 0, 200, 3);

	/* A file over an existing file, across directories. */
	ck_assert_int_eq(t2_rename(&fs, "/a/f1", "/b/f2"), 0);
	ck_assert_int_eq(t2_lookup(&fs, "/a/f1", &ino), -ENOENT);
	expect_size(&fs, "/b/f2", 100);
	/* Same name, same inode: nothing happens. */
	ck_assert_int_eq(t2_rename(&fs, "/b/f2", "/b/f2"), 0);
	ck_assert_int_eq(t2_link(&fs, "/b/f2", "/b/f2link"), 0);
	ck_assert_int_eq(t2_rename(&fs, "/b/f2", "/b/f2link"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/b/f2"), 2);
	/* A directory to another parent: '..' and link counts move. */
	ck_assert_uint_eq(nlink_of(&fs, "/a"), 3);
	ck_assert_int_eq(t2_rename(&fs, "/a/x", "/b/x"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/a"), 2);
	ck_assert_uint_eq(nlink_of(&fs, "/b"), 3);
	ck_assert_int_eq(t2_lookup(&fs, "/b/x/../f2", &ino), 0);
	vfs_iput(ino);
	/* A directory over an empty directory. */
	ck_assert_int_eq(t2_mkdir(&fs, "/c/x2", 0755), 0);
	ck_assert_int_eq(t2_create(&fs, "/c/x2/inner2", 0644), 0);
	put(&fs, "/c/x2/inner2", 0, 3000, 4);
	ck_assert_int_eq(t2_mkdir(&fs, "/a/empty", 0700), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/a"), 3);
	ck_assert_int_eq(t2_rename(&fs, "/b/x", "/a/empty"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/a"), 3);
	ck_assert_uint_eq(nlink_of(&fs, "/b"), 2);
	ck_assert_int_eq(t2_rename(&fs, "/a/empty", "/b/x"), 0);
	/* Over a non-empty directory, dir over file, file over dir. */
	ck_assert_int_eq(t2_rename(&fs, "/b/x", "/c/x2"), -ENOTEMPTY);
	ck_assert_int_eq(t2_rename(&fs, "/b/x", "/b/f2"), -ENOTDIR);
	ck_assert_int_eq(t2_rename(&fs, "/b/f2", "/c/x2"), -EISDIR);
	ck_assert_int_eq(t2_rename(&fs, "/nothere", "/b/y"), -ENOENT);
	/* Within one directory, over a directory in the same parent. */
	ck_assert_int_eq(t2_mkdir(&fs, "/c/e1", 0755), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/c/e2", 0755), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/c"), 5);
	ck_assert_int_eq(t2_rename(&fs, "/c/e1", "/c/e2"), 0);
	ck_assert_uint_eq(nlink_of(&fs, "/c"), 4);
	ck_assert_int_eq(t2_rename(&fs, "/c/e2", "/c/e3"), 0);
	ck_assert_int_eq(t2_rename(&fs, "/b/f2link", "/c/e3/f"), 0);
	t2_verify(&fs, samples, ARRAY_SIZE(samples));
}
END_TEST

START_TEST(test_enospc)
{
	struct t2_fs fs;
	uint8_t *buf = malloc(1 << 20);
	long n, total = 0;
	int files = 0, err = 0;
	char path[32];

	new_fs(&fs, 1024, "2M", false);
	t2h_fill(buf, 1 << 20, 9);
	ck_assert_int_eq(t2_create(&fs, "/fill", 0644), 0);
	for (int i = 0; i < 10; i++) {
		n = t2_write(&fs, "/fill", (uint64_t)total, buf, 1 << 20);
		if (n < 0) {
			ck_assert_int_eq(n, -ENOSPC);
			break;
		}
		total += n;
	}
	ck_assert_int_gt(total, 1 << 20);
	ck_assert_int_lt(total, 2 << 20);
	expect_size(&fs, "/fill", (uint64_t)total);
	/* Empty files still fit until the inodes run out. */
	for (files = 0; files < 10000; files++) {
		snprintf(path, sizeof(path), "/e%d", files);
		err = t2_create(&fs, path, 0644);
		if (err)
			break;
	}
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_int_eq(t2_mkdir(&fs, "/nodir", 0755), -ENOSPC);
	/* Free space, and writing works again. */
	ck_assert_int_eq(t2_truncate(&fs, "/fill", 1000), 0);
	ck_assert_int_eq(t2_unlink(&fs, "/e0"), 0);
	ck_assert_int_eq(t2_mkdir(&fs, "/dir", 0755), 0);
	ck_assert_int_eq(t2_create(&fs, "/dir/again", 0644), 0);
	put(&fs, "/dir/again", 0, 50000, 10);
	free(buf);
	t2_verify(&fs, NULL, 0);
}
END_TEST

START_TEST(test_genext2fs_write)
{
	static const char *const samples[] = {"/sub/deeper/c", "/newdir/new", "/k4097"};
	char img[T2_PATH], mirror[T2_PATH];
	struct t2_fs fs;

	snprintf(img, sizeof(img), "%s/g.img", t2h_tmpdir("gen"));
	snprintf(mirror, sizeof(mirror), "%s", t2h_tmpdir("mirror"));
	ck_assert_int_eq(t2h_sh(NULL, "cp -a '%s/.' '%s'", staged(), mirror), 0);
	t2_genext2fs(img, 1024, 16384, staged());
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	t2_mirror(&fs, mirror);
	ck_assert_int_eq(t2_mkdir(&fs, "/newdir", 0755), 0);
	ck_assert_int_eq(t2_create(&fs, "/newdir/new", 0644), 0);
	put(&fs, "/newdir/new", 0, 150000, 11);
	ck_assert_int_eq(t2_rename(&fs, "/sub/many", "/newdir/many"), 0);
	for (int i = 0; i < 150; i += 2) {
		char path[64];

		snprintf(path, sizeof(path), "/newdir/many/file-%03d", i);
		ck_assert_int_eq(t2_unlink(&fs, path), 0);
	}
	ck_assert_int_eq(t2_symlink(&fs, "newdir/new", "/tonew"), 0);
	put(&fs, "/k4097", 4097, 9000, 12);
	ck_assert_int_eq(t2_unlink(&fs, "/big"), 0);
	t2_verify(&fs, samples, ARRAY_SIZE(samples));
}
END_TEST

START_TEST(test_special_files)
{
	/* Linux's new_encode_dev layout of (major, minor). */
#define DEV(ma, mi) (((mi)&0xff) | ((ma) << 8) | (((mi) & ~0xffu) << 12))
	static const struct {
		const char *path;
		uint32_t mode, rdev;
		const char *debugfs;
	} nodes[] = {
		{"/tty1", S_IFCHR | 0620, DEV(4, 1), "Device major/minor number: 04:01"},
		{"/sdb1", S_IFBLK | 0660, DEV(8, 17), "Device major/minor number: 08:17"},
		{"/bigdev", S_IFCHR | 0600, DEV(300, 70000),
		 "Device major/minor number: 300:70000"},
		{"/fifo", S_IFIFO | 0644, 0, "Type: FIFO"},
		{"/sock", S_IFSOCK | 0755, 0, "Type: socket"},
	};
	struct t2_fs fs;
	char img[T2_PATH], *out;

	new_fs(&fs, 1024, "8M", false);
	snprintf(img, sizeof(img), "%s", fs.img);
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		ck_assert_int_eq(t2_mknod(&fs, nodes[i].path, nodes[i].mode, nodes[i].rdev), 0);
	t2_umount(&fs);
	t2_fsck(img);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		struct inode *ino;
		char cmd[64];

		ck_assert_int_eq(t2_lookup(&fs, nodes[i].path, &ino), 0);
		ck_assert_uint_eq(ino->mode, nodes[i].mode);
		ck_assert_uint_eq(ino->rdev, nodes[i].rdev);
		ck_assert_uint_eq(ino->blocks, 0);
		vfs_iput(ino);
		snprintf(cmd, sizeof(cmd), "stat %s", nodes[i].path);
		ck_assert_int_eq(t2h_sh(&out, "debugfs -R '%s' '%s'", cmd, img), 0);
		ck_assert_msg(strstr(out, nodes[i].debugfs) != NULL, "%s:\n%s", nodes[i].path, out);
		free(out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		ck_assert_int_eq(t2_unlink(&fs, nodes[i].path), 0);
	t2_umount(&fs);
	t2_fsck(img);
}
END_TEST

START_TEST(test_write_errors)
{
	static const char *const samples[] = {"/w/a", "/w/b"};
	struct t2_fs fs;

	new_fs(&fs, 1024, "8M", false);
	ck_assert_int_eq(t2_mkdir(&fs, "/w", 0755), 0);
	ck_assert_int_eq(t2_create(&fs, "/w/a", 0644), 0);
	put(&fs, "/w/a", 0, 20000, 1);
	/* The disk refuses every write: sync fails, nothing is lost. */
	ck_assert_int_eq(host_blk_fail(fs.dev, BLK_WRITE, 0, fs.dev->sectors), 0);
	ck_assert_int_eq(fs.sb->ops->sync(fs.sb), -EIO);
	ck_assert_int_eq(t2_fsync(&fs, "/w/a"), -EIO);
	ck_assert_int_eq(t2_create(&fs, "/w/b", 0644), 0);
	put(&fs, "/w/b", 0, 3000, 2);
	ck_assert_int_eq(fs.sb->ops->sync(fs.sb), -EIO);
	host_blk_fail_clear(fs.dev);
	t2_verify(&fs, samples, ARRAY_SIZE(samples));
}
END_TEST

START_TEST(test_fsync)
{
	struct t2_fs fs;
	uint8_t data[5000];

	new_fs(&fs, 1024, "8M", false);
	ck_assert_int_eq(t2_create(&fs, "/f", 0644), 0);
	t2h_fill(data, sizeof(data), 3);
	ck_assert_int_eq(t2_write(&fs, "/f", 0, data, sizeof(data)), (long)sizeof(data));
	ck_assert_int_eq(t2_fsync(&fs, "/f"), 0);
	/* On disk now, while still mounted (the directory entry too, which
	 * mkfs-time blocks of / hold after this sync). */
	ck_assert_int_eq(fs.sb->ops->sync(fs.sb), 0);
	put(&fs, "/f", 0, 1000, 4);
	t2h_fill(data, 1000, 4);
	ck_assert_int_eq(t2_fsync(&fs, "/f"), 0);
	t2_debugfs_cat(fs.img, "/f", data, sizeof(data));
	t2_verify(&fs, NULL, 0);
}
END_TEST

/* s_state and s_mnt_count straight from the image. */
static void super_state(const char *img, uint16_t *state, uint16_t *mnt_count)
{
	uint8_t sb[1024];
	FILE *f = fopen(img, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 1024, SEEK_SET), 0);
	ck_assert_uint_eq(fread(sb, 1, sizeof(sb), f), sizeof(sb));
	fclose(f);
	*mnt_count = (uint16_t)(sb[52] | sb[53] << 8);
	*state = (uint16_t)(sb[58] | sb[59] << 8);
}

START_TEST(test_clean_flag)
{
	uint16_t state, count0, count;
	struct t2_fs fs;
	char img[T2_PATH];
	char *out;

	snprintf(img, sizeof(img), "%s/s.img", t2h_tmpdir("state"));
	t2_mke2fs(img, "ext2", 1024, NULL, "8M", "");
	super_state(img, &state, &count0);
	ck_assert_uint_eq(state, 1);
	ck_assert_int_eq(t2_mount(&fs, img, 0, false), 0);
	super_state(img, &state, &count);
	ck_assert_uint_eq(state & 1, 0); /* mounted: not clean */
	ck_assert_uint_eq(count, count0 + 1);
	/* e2fsck sees a filesystem in use that was not cleanly unmounted. */
	ck_assert_int_eq(t2h_sh(&out, "dumpe2fs -h '%s'", img), 0);
	ck_assert(strstr(out, "not clean") != NULL);
	free(out);
	t2_umount(&fs);
	super_state(img, &state, &count);
	ck_assert_uint_eq(state, 1);
	ck_assert_uint_eq(count, count0 + 1);
	/* Read-only mounts change nothing. */
	ck_assert_int_eq(t2_mount(&fs, img, SB_RDONLY, false), 0);
	t2_umount(&fs);
	super_state(img, &state, &count);
	ck_assert_uint_eq(count, count0 + 1);
	t2_fsck(img);
}
END_TEST

START_TEST(test_remount_persists)
{
	struct t2_fs fs;

	new_fs(&fs, 4096, "32M", true);
	ck_assert_int_eq(t2_mkdir(&fs, "/p", 0750), 0);
	for (int i = 0; i < 40; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/p/f%d", i);
		ck_assert_int_eq(t2_create(&fs, path, 0640), 0);
		put(&fs, path, (uint64_t)i * 1000, (size_t)i * 333, (uint64_t)i);
	}
	ck_assert_int_eq(t2_rename(&fs, "/sub", "/p/sub"), 0);
	ck_assert_int_eq(t2_truncate(&fs, "/big", 12345), 0);
	remount(&fs);
	t2_compare_tree(&fs, "/", fs.mirror);
	ck_assert_int_eq(t2_unlink(&fs, "/p/f3"), 0);
	remount(&fs);
	t2_compare_tree(&fs, "/", fs.mirror);
	t2_verify(&fs, NULL, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ext2_write");
	TCase *tc = tcase_create("write");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, t2_suite_setup, t2_suite_teardown);
	tcase_add_checked_fixture(tc, t2_test_setup, t2_test_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_basic, 0, ARRAY_SIZE(block_sizes));
	tcase_add_loop_test(tc, test_many_files, 0, ARRAY_SIZE(cache_sizes));
	tcase_add_test(tc, test_deep_tree);
	tcase_add_test(tc, test_huge_sparse);
	tcase_add_test(tc, test_large_file_feature);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_enospc);
	tcase_add_test(tc, test_genext2fs_write);
	tcase_add_test(tc, test_special_files);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_fsync);
	tcase_add_test(tc, test_clean_flag);
	tcase_add_test(tc, test_remount_persists);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
