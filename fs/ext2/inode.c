/*
 * ext2 inodes: locating them in the inode tables, reading an on-disk inode
 * into a VFS inode (with validation), writing it back, deleting it when the
 * last link and reference are gone, and setattr.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", section 3.5 (inode table, i_mode, i_size/i_dir_acl, i_blocks,
 * i_block, osd2 uid/gid high halves) and 5.3 (fast symbolic links); Linux
 * fs/ext2/inode.c for device numbers in i_block (old and new encoding) and
 * deletion (i_dtime set, blocks freed, then the bitmap bit).
 *
 * Bad on-disk inodes (link count 0 behind a directory entry, unknown type,
 * impossible sizes, ext4 extent or inline-data flags) fail read_inode with
 * -EUCLEAN and a log line naming the inode.
 */
#include "fs/ext2/ext2_internal.h"
#include "kernel/mm/heap.h"

bool ext2_ino_ok(struct ext2_sb_info *sbi, uint64_t ino)
{
	return ino == EXT2_ROOT_INO || (ino >= sbi->first_ino && ino <= sbi->inodes_count);
}

int ext2_inode_loc(struct ext2_sb_info *sbi, uint64_t ino, uint32_t *blk, uint32_t *off)
{
	uint32_t g, idx;
	uint64_t byte;

	if (ino < 1 || ino > sbi->inodes_count)
		return -EUCLEAN;
	g = (uint32_t)((ino - 1) / sbi->inodes_per_group);
	idx = (uint32_t)((ino - 1) % sbi->inodes_per_group);
	byte = (uint64_t)idx * sbi->inode_size;
	*blk = ext2_gd(sbi, g)->bg_inode_table + (uint32_t)(byte >> sbi->block_bits);
	*off = (uint32_t)(byte & (sbi->block_size - 1));
	return 0;
}

/* Device numbers: struct inode's rdev is Linux's new_encode_dev form
 * (minor low 8 bits, major 12 bits, minor high 12 bits), which is also
 * what ext2 keeps in i_block[1]; small numbers use the old 16-bit form in
 * i_block[0] (Linux ext2_set_inode / old_encode_dev). */
static uint32_t decode_rdev(const uint32_t *ib)
{
	if (ib[0])
		return ((ib[0] >> 8) & 0xff) << 8 | (ib[0] & 0xff);
	return ib[1];
}

static void encode_rdev(uint32_t *ib, uint32_t rdev)
{
	uint32_t major = (rdev >> 8) & 0xfff, minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);

	memset(ib, 0, EXT2_N_BLOCKS * sizeof(*ib));
	if (major < 256 && minor < 256)
		ib[0] = major << 8 | minor;
	else
		ib[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

bool ext2_has_blocks(const struct inode *ino)
{
	const struct ext2_inode_info *ei = ext2_ei(ino);
	uint64_t ea_blocks;

	if (S_ISREG(ino->mode) || S_ISDIR(ino->mode))
		return true;
	if (!S_ISLNK(ino->mode))
		return false;
	/* A fast symlink has no blocks but maybe an attribute block. */
	ea_blocks = ei->i_file_acl ? ext2_isbi(ino)->block_size / 512 : 0;
	return ino->blocks > ea_blocks;
}

void ext2_set_ops(struct inode *ino)
{
	switch (ino->mode & S_IFMT) {
	case S_IFDIR:
		ino->iops = &ext2_dir_iops;
		ino->fops = &ext2_dir_fops;
		break;
	case S_IFREG:
		ino->iops = &ext2_file_iops;
		ino->fops = &ext2_file_fops;
		break;
	case S_IFLNK:
		ino->iops = &ext2_symlink_iops;
		ino->fops = NULL;
		break;
	default:
		ino->iops = &ext2_special_iops;
		ino->fops = NULL;
		break;
	}
}

void ext2_touch(struct inode *ino, bool mtime)
{
	struct timespec64 now = vfs_now();

	now.tv_nsec = 0; /* ext2 keeps seconds */
	ino->ctime = now;
	if (mtime)
		ino->mtime = now;
}

static struct timespec64 disk_time(uint32_t t)
{
	struct timespec64 ts = {.tv_sec = (int32_t)t, .tv_nsec = 0};

	return ts;
}

/* Sanity of a freshly read inode; NULL if fine, else what is wrong. */
static const char *check_inode(struct ext2_sb_info *sbi, const struct inode *ino,
			       const struct ext2_inode_info *ei)
{
	switch (ino->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return "has an unknown file type";
	}
	if (ext2_has_blocks(ino) && (ei->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL)))
		return "uses ext4 extents or inline data";
	/* Size 0 is a directory being made (mkdir reads it back before its
	 * first block is written); on disk it is merely empty. */
	if (S_ISDIR(ino->mode) &&
	    (ino->size & (sbi->block_size - 1) || ino->size > (1ULL << 32) - sbi->block_size))
		return "is a directory of impossible size";
	if (S_ISREG(ino->mode) && ino->size > sbi->max_size)
		return "is larger than the filesystem can map";
	if (S_ISLNK(ino->mode)) {
		if (!ext2_has_blocks(ino) && ino->size >= EXT2_FAST_SYMLINK_MAX)
			return "is a fast symlink of impossible size";
		if (ext2_has_blocks(ino) && (ino->size == 0 || ino->size >= sbi->block_size))
			return "is a symlink of impossible size";
	}
	return NULL;
}

int ext2_read_inode(struct inode *ino)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei;
	const struct ext2_inode *raw;
	struct bcache_buf *b;
	const char *bad;
	uint32_t blk, off;

	if (!ext2_ino_ok(sbi, ino->ino)) {
		ext2_err(sbi, "bad inode number %llu", (unsigned long long)ino->ino);
		return -EUCLEAN;
	}
	ext2_inode_loc(sbi, ino->ino, &blk, &off);
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	raw = (const struct ext2_inode *)(b->data + off);
	if (raw->i_links_count == 0) {
		brelse(b);
		ext2_err(sbi, "inode %llu is in use but deleted", (unsigned long long)ino->ino);
		return -EUCLEAN;
	}
	ei = kzalloc(sizeof(*ei));
	if (!ei) {
		brelse(b);
		return -ENOMEM;
	}
	ino->mode = raw->i_mode;
	ino->uid = raw->i_uid | (uint32_t)raw->i_uid_high << 16;
	ino->gid = raw->i_gid | (uint32_t)raw->i_gid_high << 16;
	ino->nlink = raw->i_links_count;
	ino->size = raw->i_size;
	if (S_ISREG(ino->mode))
		ino->size |= (uint64_t)raw->i_size_high << 32;
	else if (S_ISDIR(ino->mode))
		ei->i_dir_acl = raw->i_size_high;
	ino->blocks = raw->i_blocks;
	ino->atime = disk_time(raw->i_atime);
	ino->mtime = disk_time(raw->i_mtime);
	ino->ctime = disk_time(raw->i_ctime);
	memcpy(ei->i_block, raw->i_block, sizeof(ei->i_block));
	ei->i_flags = raw->i_flags;
	ei->i_file_acl = raw->i_file_acl;
	ei->i_dtime = raw->i_dtime;
	ei->i_generation = raw->i_generation;
	ei->block_group = (uint32_t)((ino->ino - 1) / sbi->inodes_per_group);
	brelse(b);

	ino->priv = ei;
	bad = check_inode(sbi, ino, ei);
	if (bad) {
		ext2_err(sbi, "inode %llu %s", (unsigned long long)ino->ino, bad);
		ino->priv = NULL;
		kfree(ei);
		return -EUCLEAN;
	}
	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode))
		ino->rdev = decode_rdev(ei->i_block);
	ext2_set_ops(ino);
	return 0;
}

int ext2_write_inode(struct inode *ino)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	struct ext2_inode *raw;
	struct bcache_buf *b;
	uint32_t blk, off;

	if (sbi->rdonly)
		return -EROFS;
	if (ext2_inode_loc(sbi, ino->ino, &blk, &off))
		return -EUCLEAN;
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	raw = (struct ext2_inode *)(b->data + off);
	raw->i_mode = (uint16_t)ino->mode;
	raw->i_uid = (uint16_t)ino->uid;
	raw->i_uid_high = (uint16_t)(ino->uid >> 16);
	raw->i_gid = (uint16_t)ino->gid;
	raw->i_gid_high = (uint16_t)(ino->gid >> 16);
	raw->i_links_count = (uint16_t)MIN(ino->nlink, 0xffffu);
	raw->i_size = (uint32_t)ino->size;
	if (S_ISREG(ino->mode)) {
		raw->i_size_high = (uint32_t)(ino->size >> 32);
		if (ino->size > 0x7fffffffULL)
			ext2_set_large_file(sbi);
	} else if (S_ISDIR(ino->mode)) {
		raw->i_size_high = ei->i_dir_acl;
	} else {
		raw->i_size_high = 0;
	}
	raw->i_atime = (uint32_t)ino->atime.tv_sec;
	raw->i_mtime = (uint32_t)ino->mtime.tv_sec;
	raw->i_ctime = (uint32_t)ino->ctime.tv_sec;
	raw->i_dtime = ei->i_dtime;
	raw->i_blocks = (uint32_t)ino->blocks;
	raw->i_flags = ei->i_flags;
	raw->i_file_acl = ei->i_file_acl;
	raw->i_generation = ei->i_generation;
	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode))
		encode_rdev(ei->i_block, ino->rdev);
	memcpy(raw->i_block, ei->i_block, sizeof(raw->i_block));
	if (sbi->inode_size > EXT2_GOOD_OLD_INO_SZ) {
		/* Large inodes (ext4 layout) may carry nanoseconds and epoch
		 * bits for these times: ours are whole seconds. */
		uint8_t *extra = (uint8_t *)raw + EXT2_GOOD_OLD_INO_SZ;
		uint16_t isize;

		memcpy(&isize, extra, sizeof(isize));
		if (isize >= EXT2_EXTRA_TIMES_END)
			memset(extra + EXT2_EXTRA_TIMES_OFF, 0,
			       EXT2_EXTRA_TIMES_END - EXT2_EXTRA_TIMES_OFF);
	}
	bdirty(b);
	brelse(b);
	return 0;
}

void ext2_evict_inode(struct inode *ino)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);

	if (!ei)
		return;
	if (ino->nlink == 0 && !sbi->rdonly) {
		/* Linux's order: blocks first, then the inode is marked deleted
		 * and its bitmap bit cleared. Errors were logged; carry on so
		 * that what can be freed is. */
		if (ext2_has_blocks(ino))
			ext2_truncate(ino, 0);
		ext2_release_xattr(ino);
		ino->size = 0;
		ei->i_dtime = (uint32_t)vfs_now().tv_sec;
		ext2_write_inode(ino);
		ext2_free_inode(sbi, (uint32_t)ino->ino, S_ISDIR(ino->mode));
	}
	ino->priv = NULL;
	kfree(ei);
}

int ext2_setattr(struct inode *ino, const struct iattr *attr)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	bool changed = false;
	int err;

	if (sbi->rdonly)
		return -EROFS;
	if (attr->valid & ATTR_SIZE) {
		if (S_ISDIR(ino->mode))
			return -EISDIR;
		if (!S_ISREG(ino->mode))
			return -EINVAL;
		if (attr->size > sbi->max_size)
			return -EFBIG;
		if (attr->size < ino->size)
			err = ext2_truncate(ino, attr->size);
		else
			err = ext2_zero_tail(ino, ino->size);
		if (err)
			return err;
		if (attr->size != ino->size && !(attr->valid & ATTR_MTIME))
			ext2_touch(ino, true);
		ino->size = attr->size;
	}
	if (attr->valid & ATTR_MODE) {
		ino->mode = (ino->mode & S_IFMT) | (attr->mode & 07777);
		changed = true;
	}
	if (attr->valid & ATTR_UID) {
		ino->uid = attr->uid;
		changed = true;
	}
	if (attr->valid & ATTR_GID) {
		ino->gid = attr->gid;
		changed = true;
	}
	if (attr->valid & ATTR_ATIME)
		ino->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		ino->mtime = attr->mtime;
	if (attr->valid & ATTR_CTIME)
		ino->ctime = attr->ctime;
	else if (changed)
		ext2_touch(ino, false);
	return ext2_write_inode(ino);
}
