/*
 * Internals shared by the ext2 files: the in-memory superblock and inode
 * information, and the functions each file offers the others.
 *
 *   super.c   mount, features, group descriptors, statfs, sync, unmount
 *   balloc.c  block bitmaps: allocation near a goal, freeing, validity
 *   ialloc.c  inode bitmaps: allocation near the parent, freeing
 *   inode.c   inode table I/O, read_inode/write_inode/evict, setattr
 *   bmap.c    logical to physical block mapping, truncation
 *   dir.c     directory blocks: lookup, add, remove, readdir
 *   namei.c   create, mkdir, symlink, link, unlink, rmdir, rename
 *   file.c    file read/write/fsync and the operation tables
 *
 * Reference: Dave Poirier, "The Second Extended File System: Internal
 * Layout"; Linux fs/ext2 for behaviour the document leaves open.
 *
 * Lock legend: ext2 has no lock of its own yet. The VFS runs filesystem
 * operations to completion on one CPU (fs/vfs.h), so every structure here,
 * on disk and in memory, is touched by one operation at a time; issue 4
 * brings a per-superblock sleeping lock. Buffers come referenced from the
 * buffer cache and are released before an operation returns, except the
 * superblock and group descriptor buffers, held while mounted.
 *
 * Corrupt metadata never panics: it is reported with ext2_err (naming the
 * device, and the inode or block) and the operation fails with -EUCLEAN
 * (or -EIO for device errors). Every walk over on-disk structures is
 * bounded by sizes checked at mount.
 */
#ifndef FS_EXT2_EXT2_INTERNAL_H
#define FS_EXT2_EXT2_INTERNAL_H

#include <ksvc.h>
#include "fs/vfs.h"
#include "fs/bcache.h"
#include "fs/ext2/ext2_format.h"
#include "kernel/lib/err.h"

#define EXT2_STATFS_MAGIC 0xEF53

struct ext2_sb_info {
	struct super_block *sb;
	struct blkdev *dev;
	const char *name; /* the device's, for messages */

	struct bcache_buf *sb_buf;   /* the block holding the superblock */
	struct ext2_super_block *es; /* inside sb_buf->data */
	struct bcache_buf **gd_bufs; /* the group descriptor blocks */
	uint32_t gd_blocks;

	uint32_t block_size, block_bits; /* block_size == 1 << block_bits */
	uint32_t addr_per_block, addr_bits;
	uint32_t blocks_count, first_data_block, blocks_per_group;
	uint32_t inodes_count, inodes_per_group, inode_size, first_ino;
	uint32_t inodes_per_block, itb_per_group; /* inode table blocks per group */
	uint32_t groups_count, desc_per_block;
	uint32_t reserved_gdt; /* s_reserved_gdt_blocks, after each GDT copy */
	uint32_t compat, incompat, ro_compat;
	uint32_t rev;
	bool rdonly;
	bool filetype;		 /* directory entries carry the file type */
	uint64_t max_size;	 /* largest file size this fs can map */
	uint32_t last_dir_group; /* where the last directory went */
	unsigned errors;	 /* corruption reports since mount */
};

/* Per-inode information, in struct inode's priv. */
struct ext2_inode_info {
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_flags;
	uint32_t i_file_acl;
	uint32_t i_dir_acl; /* directories: the i_size_high slot, kept as is */
	uint32_t i_dtime;
	uint32_t i_generation;
	uint32_t block_group;
	/* Allocation goal: the physical block after the last one allocated
	 * for logical block last_lblock. */
	uint64_t last_lblock;
	uint32_t last_pblock;
	/* File read-ahead: the next logical block a sequential reader wants,
	 * how far read-ahead has been started, and the window. */
	uint64_t ra_next, ra_end;
	unsigned ra_window;
};

static inline struct ext2_sb_info *ext2_sbi(const struct super_block *sb)
{
	return sb->priv;
}

static inline struct ext2_inode_info *ext2_ei(const struct inode *ino)
{
	return ino->priv;
}

static inline struct ext2_sb_info *ext2_isbi(const struct inode *ino)
{
	return ino->sb->priv;
}

/* Report corruption (or another fs-level error) on `sbi`'s device and mark
 * the filesystem as having errors, as Linux's ext2_error does. */
#define ext2_err(sbi, fmt, ...)                                            \
	do {                                                               \
		pr_err("ext2: %s: " fmt "\n", (sbi)->name, ##__VA_ARGS__); \
		ext2_mark_error(sbi);                                      \
	} while (0)

/* super.c */
void ext2_mark_error(struct ext2_sb_info *sbi);
struct ext2_group_desc *ext2_gd(struct ext2_sb_info *sbi, uint32_t group);
void ext2_gd_dirty(struct ext2_sb_info *sbi, uint32_t group);
void ext2_sb_dirty(struct ext2_sb_info *sbi);
void ext2_set_large_file(struct ext2_sb_info *sbi);
int ext2_sync_fs(struct super_block *sb);
int ext2_statfs(struct super_block *sb, struct kstatfs *st);
void ext2_put_super(struct super_block *sb);

/* balloc.c */
bool ext2_group_has_super(const struct ext2_sb_info *sbi, uint32_t group);
uint32_t ext2_group_first_block(const struct ext2_sb_info *sbi, uint32_t group);
uint32_t ext2_group_nblocks(const struct ext2_sb_info *sbi, uint32_t group);
/* Whether blk may hold file data or an indirect block: inside the fs and
 * not the superblock, descriptors, bitmaps or inode table of its group. */
bool ext2_data_block_ok(struct ext2_sb_info *sbi, uint32_t blk);
/* A metadata block read (bitmap, inode table, directory, indirect). */
struct bcache_buf *ext2_bread(struct ext2_sb_info *sbi, uint32_t blk);
int ext2_new_block(struct ext2_sb_info *sbi, uint32_t goal, uint32_t *out);
int ext2_free_block(struct ext2_sb_info *sbi, uint32_t blk);

/* ialloc.c */
/* Allocate an inode near `dir` and initialize it on disk (mode, owner,
 * times, nlink 1 or 2 for directories); *out is the VFS inode. */
int ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t rdev, const struct cred *cred,
		   struct inode **out);
int ext2_free_inode(struct ext2_sb_info *sbi, uint32_t ino, bool is_dir);

/* inode.c */
int ext2_inode_loc(struct ext2_sb_info *sbi, uint64_t ino, uint32_t *blk, uint32_t *off);
bool ext2_ino_ok(struct ext2_sb_info *sbi, uint64_t ino);
int ext2_read_inode(struct inode *ino);
int ext2_write_inode(struct inode *ino);
void ext2_evict_inode(struct inode *ino);
int ext2_setattr(struct inode *ino, const struct iattr *attr);
/* Whether i_block holds block pointers (not a fast symlink or device). */
bool ext2_has_blocks(const struct inode *ino);
void ext2_set_ops(struct inode *ino);
void ext2_touch(struct inode *ino, bool mtime); /* ctime (and mtime) = now */

/* bmap.c */
/* The physical block of logical block `lblock`: 0 for a hole unless
 * `create`, which allocates (and zeroes any new indirect blocks). *fresh,
 * if given, says whether the data block was allocated now. The caller
 * writes the inode back. */
int ext2_bmap(struct inode *ino, uint64_t lblock, bool create, uint32_t *pblock, bool *fresh);
/* Free every block past `size` and zero the tail of the last block. */
int ext2_truncate(struct inode *ino, uint64_t size);
/* Zero the bytes of the block holding `size` from there to its end. */
int ext2_zero_tail(struct inode *ino, uint64_t size);
/* Drop the inode's extended attribute block reference. */
int ext2_release_xattr(struct inode *ino);

/* dir.c */
uint8_t ext2_mode_to_ft(uint32_t mode);
int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino);
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
/* Remove the entry `name`; if `ino` is nonzero it must point there. */
int ext2_dir_remove(struct inode *dir, const char *name, size_t len, uint32_t ino);
/* Point the existing entry `name` at `ino` (rename over, '..' moves). */
int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
/* 1 if only '.' and '..' are left, 0 if not, or -errno. */
int ext2_dir_empty(struct inode *dir);
/* Write the first block of a new directory: '.' and '..'. */
int ext2_dir_init(struct inode *dir, uint32_t parent);
int ext2_readdir(struct file *file, uint64_t *pos, filldir_t fill, void *ctx);

/* namei.c */
int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		const struct cred *cred, struct inode **out);
int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
	       const struct cred *cred, struct inode **out);
int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		 const struct cred *cred, struct inode **out);
int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target);
int ext2_unlink(struct inode *dir, const char *name, size_t len);
int ext2_rmdir(struct inode *dir, const char *name, size_t len);
int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		const char *nname, size_t nlen);
int ext2_readlink(struct inode *ino, char *buf, size_t size);

/* file.c */
extern const struct inode_ops ext2_dir_iops, ext2_file_iops, ext2_symlink_iops, ext2_special_iops;
extern const struct file_ops ext2_dir_fops, ext2_file_fops;
extern const struct super_ops ext2_super_ops;

#endif
