/*
 * libFuzzer target for fs/ext2 (and the buffer cache under it): disk
 * metadata is untrusted input. A small valid image (made by mke2fs at build
 * time, tests/fuzz/fuzz.mk, and linked in as fuzz_ext2_seed) is copied and
 * patched by the input, mounted read-write over a memory block device, and
 * walked: every directory listed and every file and symlink read, with
 * bounded depth, entries and bytes. Then a file is created, written, read
 * back, renamed into a new directory and removed, and the filesystem is
 * synced and unmounted. Errors are expected; crashes, hangs, sanitizer
 * reports, leaked inode references or buffers left in the cache are not.
 *
 * Input: records of 5 bytes. op = byte 0, offset = bytes 1-3 (little
 * endian, modulo the image size), value = byte 4. op % 4: 0 sets the byte,
 * 1 xors it, 2 writes the value as a little-endian u16, 3 as a u32 shifted
 * left by 8 * ((op >> 2) % 4) bits (large block numbers, counts, sizes).
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "host_blk.h"
#include "host_vfs_shim.h"
#include "fs/bcache.h"
#include "fs/vfs.h"
#include "fs/ext2/ext2.h"

#define MAX_DEPTH   6
#define MAX_ENTRIES 64		/* per directory */
#define MAX_READ    (256 << 10) /* bytes read per input, all files */
#define MAX_NODES   200		/* inodes visited per input */
#define LONG_TARGET "a-target-longer-than-sixty-bytes-so-that-it-needs-a-block-0123456789"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

extern const uint8_t fuzz_ext2_seed[], fuzz_ext2_seed_end[];

static uint8_t *img;
static size_t img_size;
static struct blkdev *dev;
static struct fs_type *ext2;
static size_t read_budget;
static unsigned node_budget;
static uint8_t iobuf[8192];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void apply_patches(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 5 <= size; i += 5) {
		uint8_t op = data[i], v = data[i + 4];
		size_t off =
			(data[i + 1] | data[i + 2] << 8 | (size_t)data[i + 3] << 16) % img_size;
		uint32_t w;

		switch (op % 4) {
		case 0:
			img[off] = v;
			break;
		case 1:
			img[off] ^= v;
			break;
		case 2:
			if (off + 2 <= img_size) {
				img[off] = v;
				img[off + 1] = 0;
			}
			break;
		case 3:
			w = (uint32_t)v << (8 * ((op >> 2) % 4));
			if (off + 4 <= img_size)
				memcpy(img + off, &w, 4);
			break;
		}
	}
}

struct entry_list {
	char names[MAX_ENTRIES][256];
	size_t lens[MAX_ENTRIES];
	unsigned n;
};

static int collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct entry_list *l = ctx;

	CHECK(len <= 255);
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (l->n == MAX_ENTRIES)
		return 1;
	memcpy(l->names[l->n], name, len);
	l->lens[l->n++] = len;
	return 0;
}

static void read_file(struct inode *ino)
{
	struct file f = {.inode = ino, .ops = ino->fops, .refcnt = 1};
	uint64_t off = 0;

	while (read_budget > 0) {
		size_t want = MIN(sizeof(iobuf), read_budget);
		long n = ino->fops->read(&f, iobuf, want, off);

		CHECK(n <= (long)want);
		if (n <= 0)
			break;
		read_budget -= (size_t)n;
		off += (uint64_t)n;
	}
	/* A read far out, maybe in a hole or past the end. */
	if (ino->size > 4096)
		ino->fops->read(&f, iobuf, 100, ino->size - 4000);
}

static void walk(struct inode *dir, int depth)
{
	static struct entry_list lists[MAX_DEPTH + 1];
	struct entry_list *l = &lists[depth];
	struct file f = {.inode = dir, .ops = dir->fops, .refcnt = 1};
	uint64_t pos = 0;

	l->n = 0;
	if (dir->fops->readdir(&f, &pos, collect, l) < 0 && l->n == 0)
		return;
	for (unsigned i = 0; i < l->n && node_budget; i++) {
		struct inode *child;

		node_budget--;
		if (dir->iops->lookup(dir, l->names[i], l->lens[i], &child))
			continue;
		if (S_ISDIR(child->mode) && depth < MAX_DEPTH) {
			CHECK(child->iops && child->fops && child->fops->readdir);
			walk(child, depth + 1);
		} else if (S_ISREG(child->mode)) {
			CHECK(child->fops && child->fops->read);
			read_file(child);
		} else if (S_ISLNK(child->mode)) {
			int n = child->iops->readlink(child, (char *)iobuf, 4096);

			CHECK(n <= 4096);
		}
		vfs_iput(child);
	}
}

/* Changes on the damaged filesystem: any error is fine, the data that
 * was written and read back must match when both succeeded. */
static void modify(struct inode *root)
{
	static const struct cred cred = {.fsuid = 1, .fsgid = 1};
	struct inode *ino = NULL, *dir = NULL;
	struct file f;
	uint8_t pattern[3000];

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	if (root->iops->create(root, "fz", 2, S_IFREG | 0644, 0, &cred, &ino) == 0) {
		memset(&f, 0, sizeof(f));
		f.inode = ino;
		f.ops = ino->fops;
		if (ino->fops->write(&f, pattern, sizeof(pattern), 5000) == (long)sizeof(pattern) &&
		    ino->fops->read(&f, iobuf, sizeof(pattern), 5000) == (long)sizeof(pattern))
			CHECK(!memcmp(iobuf, pattern, sizeof(pattern)));
		ino->fops->fsync(&f);
		vfs_iput(ino);
	}
	if (root->iops->mkdir(root, "fzd", 3, S_IFDIR | 0755, &cred, &dir) == 0) {
		struct inode *sub = NULL;

		/* A file over another, a directory to another parent ('..'). */
		if (root->iops->link(root, "fzl", 3, dir) == 0)
			CHECK(0); /* directories cannot be linked */
		root->iops->create(root, "fy", 2, S_IFREG | 0600, 0, &cred, &sub);
		vfs_iput(sub);
		root->iops->rename(root, "fz", 2, root, "fy", 2);
		if (root->iops->mkdir(root, "fze", 3, S_IFDIR | 0700, &cred, &sub) == 0) {
			root->iops->rename(root, "fze", 3, dir, "e", 1);
			vfs_iput(sub);
			dir->iops->rmdir(dir, "e", 1);
		}
		root->iops->rename(root, "fy", 2, dir, "moved", 5);
		dir->iops->unlink(dir, "moved", 5);
		vfs_iput(dir);
		root->iops->rmdir(root, "fzd", 3);
	}
	/* Truncation down and up of a file the image had. */
	if (root->iops->lookup(root, "a", 1, &dir) == 0) {
		if (S_ISDIR(dir->mode) && dir->iops->lookup(dir, "indirect", 8, &ino) == 0) {
			struct iattr attr = {.valid = ATTR_SIZE, .size = 3000};

			if (S_ISREG(ino->mode)) {
				ino->iops->setattr(ino, &attr);
				attr.size = 70000;
				ino->iops->setattr(ino, &attr);
				dir->iops->link(dir, "again", 5, ino);
			}
			vfs_iput(ino);
		}
		vfs_iput(dir);
	}
	root->iops->unlink(root, "fz", 2);
	if (root->iops->symlink(root, "sl", 2, LONG_TARGET, &cred, &ino) == 0)
		vfs_iput(ino);
	root->iops->unlink(root, "sl", 2);
	/* Deleting what the image already had exercises truncation. */
	root->iops->unlink(root, "hello", 5);
	root->iops->rmdir(root, "many", 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct super_block *sb = NULL;
	struct inode *root;
	struct bcache_stats st;
	struct kstatfs sfs;

	if (!img) {
		img_size = (size_t)(fuzz_ext2_seed_end - fuzz_ext2_seed);
		img = malloc(img_size);
		CHECK(img != NULL);
		CHECK(ext2_init() == 0);
		ext2 = host_vfs_find_fs("ext2");
		CHECK(ext2 != NULL);
		dev = host_blk_mem(img, img_size, false);
		CHECK(dev != NULL);
		bcache_init(64 << 10); /* small: eviction and write-back run too */
	}
	memcpy(img, fuzz_ext2_seed, img_size);
	apply_patches(data, size);
	host_log_clear();
	read_budget = MAX_READ;
	node_budget = MAX_NODES;

	if (ext2->mount(dev, 0, NULL, &sb) == 0) {
		sb->dev = dev;
		sb->type = ext2;
		if (vfs_iget(sb, sb->root_ino, &root) == 0) {
			if (S_ISDIR(root->mode)) {
				walk(root, 0);
				if (!(sb->flags & SB_RDONLY))
					modify(root);
				walk(root, 0);
			}
			vfs_iput(root);
		}
		sb->ops->statfs(sb, &sfs);
		sb->ops->sync(sb);
		CHECK(host_vfs_inodes(sb) == 0);
		sb->ops->put_super(sb);
	}
	/* Nothing stays cached: no reference leaked, nothing left dirty. */
	bcache_invalidate(dev);
	bcache_get_stats(&st);
	CHECK(st.bytes_cached == 0);
	CHECK(host_locks_held() == 0);
	return 0;
}
