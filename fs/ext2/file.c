/*
 * ext2 regular files and the operation tables: read (holes read as zeros,
 * with file-level read-ahead of the next physically contiguous runs),
 * write (allocating on demand, extending sparsely), fsync (the file's
 * data, indirect and inode blocks), and the inode_ops, file_ops and
 * super_ops that the VFS calls.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", section 3.5 (i_size with i_size_high for files over 4 GiB when
 * large_file is set); Linux fs/ext2/file.c and mm/readahead.c for the
 * growing read-ahead window.
 *
 * Access times are not updated on read (as with Linux's noatime), which
 * keeps reads from writing inode blocks.
 */
#include "fs/ext2/ext2_internal.h"

#define FILE_RA_MIN 8  /* first read-ahead window, in blocks */
#define FILE_RA_MAX 64 /* largest window */

/*
 * Read-ahead for a read of logical block lb. A sequential reader (the
 * block after the last one, or block 0) gets a window that doubles up to
 * FILE_RA_MAX and is refilled when half used; the window's blocks are
 * mapped and handed to the buffer cache in physically contiguous runs, so
 * the read of lb itself joins the first run when it is not cached yet.
 */
static void file_readahead(struct inode *ino, uint64_t lb)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	uint64_t nblocks = (ino->size + sbi->block_size - 1) >> sbi->block_bits;
	uint64_t from, to, l;
	uint32_t run_start = 0, run_len = 0;

	if (lb != ei->ra_next && lb != 0) {
		/* Random access: start over. */
		ei->ra_window = 0;
		ei->ra_end = lb + 1;
		ei->ra_next = lb + 1;
		return;
	}
	ei->ra_next = lb + 1;
	if (lb == 0 && ei->ra_end > 1 && ei->ra_window)
		ei->ra_end = 0; /* reading again from the start */
	if (ei->ra_end > lb + ei->ra_window / 2)
		return;
	ei->ra_window = ei->ra_window ? MIN(ei->ra_window * 2, FILE_RA_MAX) : FILE_RA_MIN;
	from = MAX(ei->ra_end, lb);
	to = MIN(lb + ei->ra_window, nblocks);
	for (l = from; l < to; l++) {
		uint32_t pb;

		if (ext2_bmap(ino, l, false, &pb, NULL))
			break;
		if (pb && run_len && pb == run_start + run_len) {
			run_len++;
			continue;
		}
		if (run_len)
			bcache_readahead(sbi->dev, run_start, sbi->block_size, run_len);
		run_start = pb;
		run_len = pb ? 1 : 0;
	}
	if (run_len)
		bcache_readahead(sbi->dev, run_start, sbi->block_size, run_len);
	ei->ra_end = MAX(to, l);
}

static long ext2_file_read(struct file *file, void *buf, size_t len, uint64_t off)
{
	struct inode *ino = file->inode;
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	size_t done = 0;
	int err = 0;

	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (off >= ino->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, ino->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = (uint32_t)(pos & (sbi->block_size - 1)), pb;
		size_t n = MIN((size_t)(sbi->block_size - boff), len - done);
		struct bcache_buf *b;

		file_readahead(ino, pos >> sbi->block_bits);
		err = ext2_bmap(ino, pos >> sbi->block_bits, false, &pb, NULL);
		if (err)
			break;
		if (!pb) {
			memset((uint8_t *)buf + done, 0, n);
		} else {
			b = ext2_bread(sbi, pb);
			if (IS_ERR(b)) {
				err = (int)PTR_ERR(b);
				break;
			}
			memcpy((uint8_t *)buf + done, b->data + boff, n);
			brelse(b);
		}
		done += n;
	}
	return done ? (long)done : err;
}

static long ext2_file_write(struct file *file, const void *buf, size_t len, uint64_t off)
{
	struct inode *ino = file->inode;
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	size_t done = 0;
	int err = 0, werr;

	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (sbi->rdonly)
		return -EROFS;
	if (len == 0)
		return 0;
	if (off >= sbi->max_size)
		return -EFBIG;
	len = (size_t)MIN((uint64_t)len, sbi->max_size - off);
	/* Bytes past the old end in its last block must read as zeros. */
	if (off > ino->size) {
		err = ext2_zero_tail(ino, ino->size);
		if (err)
			return err;
	}
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = (uint32_t)(pos & (sbi->block_size - 1)), pb;
		size_t n = MIN((size_t)(sbi->block_size - boff), len - done);
		struct bcache_buf *b;
		bool fresh;

		err = ext2_bmap(ino, pos >> sbi->block_bits, true, &pb, &fresh);
		if (err)
			break;
		if (fresh || n == sbi->block_size) {
			b = bget(sbi->dev, pb, sbi->block_size);
			if (!IS_ERR(b) && fresh && n != sbi->block_size)
				memset(b->data, 0, sbi->block_size);
		} else {
			b = ext2_bread(sbi, pb);
		}
		if (IS_ERR(b)) {
			err = (int)PTR_ERR(b);
			break;
		}
		memcpy(b->data + boff, (const uint8_t *)buf + done, n);
		bdirty(b);
		brelse(b);
		done += n;
	}
	if (done) {
		if (off + done > ino->size)
			ino->size = off + done;
		ext2_touch(ino, true);
	}
	/* Always: blocks may have been allocated even when nothing was written. */
	werr = ext2_write_inode(ino);
	if (done)
		return (long)done;
	return err ? err : werr;
}

/* Write back the block `blk` and, for indirect blocks (depth > 0), every
 * block below it. *budget bounds the visits: corrupt trees may point at the
 * same blocks over and over. */
static int sync_tree(struct inode *ino, uint32_t blk, int depth, uint64_t *budget)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct bcache_buf *b;
	int err, e;

	if (!ext2_data_block_ok(sbi, blk) || (*budget)-- == 0)
		return -EUCLEAN;
	err = bcache_sync_block(sbi->dev, blk, sbi->block_size);
	if (depth == 0)
		return err;
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	for (uint32_t i = 0; i < sbi->addr_per_block; i++) {
		uint32_t p = ((const uint32_t *)b->data)[i];

		if (!p)
			continue;
		e = sync_tree(ino, p, depth - 1, budget);
		if (e && !err)
			err = e;
		if (e == -EUCLEAN)
			break;
	}
	brelse(b);
	return err;
}

static int ext2_fsync(struct file *file)
{
	struct inode *ino = file->inode;
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	uint32_t blk, off;
	int err = 0, e;

	if (sbi->rdonly)
		return 0;
	if (ext2_has_blocks(ino)) {
		uint64_t budget = sbi->blocks_count;

		for (int i = 0; i < EXT2_N_BLOCKS; i++) {
			int depth = i < EXT2_NDIR_BLOCKS ? 0 : i - EXT2_NDIR_BLOCKS + 1;

			if (ei->i_block[i] &&
			    (e = sync_tree(ino, ei->i_block[i], depth, &budget)) && !err)
				err = e;
		}
	}
	if (!ext2_inode_loc(sbi, ino->ino, &blk, &off) &&
	    (e = bcache_sync_block(sbi->dev, blk, sbi->block_size)) && !err)
		err = e;
	e = bcache_flush(sbi->dev);
	return err ? err : e;
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_special_iops = {
	.setattr = ext2_setattr,
};

const struct file_ops ext2_dir_fops = {
	.readdir = ext2_readdir,
	.fsync = ext2_fsync,
};

const struct file_ops ext2_file_fops = {
	.read = ext2_file_read,
	.write = ext2_file_write,
	.fsync = ext2_fsync,
};

const struct super_ops ext2_super_ops = {
	.read_inode = ext2_read_inode,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.sync = ext2_sync_fs,
	.statfs = ext2_statfs,
	.put_super = ext2_put_super,
};
