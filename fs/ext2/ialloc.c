/*
 * ext2 inode allocation: the inode bitmaps, the choice of a group (spread
 * directories over groups with room, keep files next to their directory),
 * the free and directory counts, and the initialization of a new on-disk
 * inode.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", sections 3.2 (bg_free_inodes_count, bg_used_dirs_count), 3.4
 * (inode bitmap) and 3.5 (inode table); Linux fs/ext2/ialloc.c for the
 * group choice (find_group_dir, find_group_other).
 */
#include "fs/ext2/ext2_internal.h"

/* A group for a new directory: one with at least the average number of
 * free inodes, and among those the most free blocks. */
static int64_t find_group_dir(struct ext2_sb_info *sbi)
{
	uint32_t avg = sbi->es->s_free_inodes_count / sbi->groups_count;
	int64_t best = -1;
	uint32_t best_blocks = 0;

	for (uint32_t i = 0; i < sbi->groups_count; i++) {
		/* Start after the last choice so ties rotate. */
		uint32_t g = (sbi->last_dir_group + 1 + i) % sbi->groups_count;
		struct ext2_group_desc *gd = ext2_gd(sbi, g);

		if (!gd->bg_free_inodes_count || gd->bg_free_inodes_count < avg)
			continue;
		if (best < 0 || gd->bg_free_blocks_count > best_blocks) {
			best = g;
			best_blocks = gd->bg_free_blocks_count;
		}
	}
	if (best >= 0)
		sbi->last_dir_group = (uint32_t)best;
	return best;
}

/* A group for anything else: the parent's if it has inodes and blocks,
 * else a quadratic probe, else the first with a free inode. */
static int64_t find_group_other(struct ext2_sb_info *sbi, uint32_t parent)
{
	uint32_t n = sbi->groups_count, g;
	struct ext2_group_desc *gd;

	parent %= n;
	gd = ext2_gd(sbi, parent);
	if (gd->bg_free_inodes_count && gd->bg_free_blocks_count)
		return parent;
	for (uint32_t i = 1; i < n; i <<= 1) {
		g = (parent + i) % n;
		gd = ext2_gd(sbi, g);
		if (gd->bg_free_inodes_count && gd->bg_free_blocks_count)
			return g;
	}
	for (uint32_t i = 1; i <= n; i++) {
		g = (parent + i) % n; /* the parent's own group comes last */
		if (ext2_gd(sbi, g)->bg_free_inodes_count)
			return g;
	}
	return -1;
}

/* Whether inode `ino`'s on-disk copy looks live (its bitmap bit is clear:
 * then the bitmap is wrong). -errno on I/O errors. */
static int inode_looks_live(struct ext2_sb_info *sbi, uint32_t ino)
{
	const struct ext2_inode *raw;
	struct bcache_buf *b;
	uint32_t blk, off;
	int live;

	if (ext2_inode_loc(sbi, ino, &blk, &off))
		return -EUCLEAN;
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	raw = (const struct ext2_inode *)(b->data + off);
	live = raw->i_links_count && !raw->i_dtime && raw->i_mode;
	brelse(b);
	return live;
}

/* Take a free inode in group g. 1 and *ino when found, 0 if the group
 * has none, or -errno. */
static int alloc_in_group(struct ext2_sb_info *sbi, uint32_t g, bool is_dir, uint32_t *ino)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t bit = g == 0 ? sbi->first_ino - 1 : 0;
	struct bcache_buf *b;

	if (!gd->bg_free_inodes_count)
		return 0;
	b = ext2_bread(sbi, gd->bg_inode_bitmap);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	for (; bit < sbi->inodes_per_group; bit++) {
		int live;

		if (b->data[bit >> 3] == 0xff && (bit & 7) == 0) {
			bit += 7;
			continue;
		}
		if (b->data[bit >> 3] & (1u << (bit & 7)))
			continue;
		*ino = g * sbi->inodes_per_group + bit + 1;
		b->data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		bdirty(b);
		live = inode_looks_live(sbi, *ino);
		if (live < 0) {
			b->data[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
			brelse(b);
			return live;
		}
		if (live) {
			/* Keep the bit set: the inode is in use. */
			ext2_err(sbi, "inode %u is in use but free in the bitmap", *ino);
			continue;
		}
		brelse(b);
		gd->bg_free_inodes_count--;
		if (is_dir)
			gd->bg_used_dirs_count++;
		ext2_gd_dirty(sbi, g);
		if (sbi->es->s_free_inodes_count)
			sbi->es->s_free_inodes_count--;
		ext2_sb_dirty(sbi);
		return 1;
	}
	brelse(b);
	ext2_err(sbi, "group %u: free inode count %u but the bitmap is full", g,
		 gd->bg_free_inodes_count);
	return 0;
}

/* Write a fresh on-disk inode: everything zero but what is given. Mode 0
 * writes a deleted inode instead. */
static int init_raw_inode(struct ext2_sb_info *sbi, uint32_t ino, uint32_t mode, uint32_t uid,
			  uint32_t gid)
{
	struct timespec64 now = vfs_now();
	struct ext2_inode *raw;
	struct bcache_buf *b;
	uint32_t blk, off;

	if (ext2_inode_loc(sbi, ino, &blk, &off))
		return -EUCLEAN;
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data + off, 0, sbi->inode_size);
	raw = (struct ext2_inode *)(b->data + off);
	raw->i_mode = (uint16_t)mode;
	raw->i_uid = (uint16_t)uid;
	raw->i_uid_high = (uint16_t)(uid >> 16);
	raw->i_gid = (uint16_t)gid;
	raw->i_gid_high = (uint16_t)(gid >> 16);
	raw->i_links_count = mode == 0 ? 0 : S_ISDIR(mode) ? 2 : 1;
	raw->i_dtime = mode == 0 ? (uint32_t)now.tv_sec : 0;
	raw->i_atime = raw->i_ctime = raw->i_mtime = (uint32_t)now.tv_sec;
	raw->i_generation = (uint32_t)(now.tv_nsec ^ (ino * 2654435761u));
	bdirty(b);
	brelse(b);
	return 0;
}

int ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t rdev, const struct cred *cred,
		   struct inode **out)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	bool is_dir = S_ISDIR(mode);
	uint32_t ino = 0, uid, gid;
	int64_t g0;
	int err = 0, r = 0;

	if (sbi->rdonly)
		return -EROFS;
	if (sbi->es->s_free_inodes_count == 0)
		return -ENOSPC;
	g0 = is_dir ? find_group_dir(sbi) : find_group_other(sbi, ext2_ei(dir)->block_group);
	if (g0 < 0)
		return -ENOSPC;
	for (uint32_t i = 0; i < sbi->groups_count && r == 0; i++)
		r = alloc_in_group(sbi, ((uint32_t)g0 + i) % sbi->groups_count, is_dir, &ino);
	if (r <= 0)
		return r < 0 ? r : -ENOSPC;

	/* Ownership as on Linux (the VFS's one rule for every filesystem): a
	 * setgid directory passes on its group, and its setgid bit to
	 * subdirectories. */
	vfs_inode_init_owner(dir, mode, cred, &uid, &gid, &mode);
	err = init_raw_inode(sbi, ino, mode, uid, gid);
	if (!err) {
		err = vfs_iget(dir->sb, ino, out);
		if (err) /* deleted, as e2fsck expects of a free inode */
			init_raw_inode(sbi, ino, 0, 0, 0);
	}
	if (err) {
		ext2_free_inode(sbi, ino, is_dir);
		return err;
	}
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		(*out)->rdev = rdev;
		err = ext2_write_inode(*out);
		if (err) {
			(*out)->nlink = 0;
			vfs_iput(*out);
			*out = NULL;
		}
	}
	return err;
}

int ext2_free_inode(struct ext2_sb_info *sbi, uint32_t ino, bool is_dir)
{
	struct ext2_group_desc *gd;
	struct bcache_buf *b;
	uint32_t g, bit;

	if (ino < sbi->first_ino || ino > sbi->inodes_count) {
		ext2_err(sbi, "freeing reserved or bad inode %u", ino);
		return -EUCLEAN;
	}
	g = (ino - 1) / sbi->inodes_per_group;
	bit = (ino - 1) % sbi->inodes_per_group;
	gd = ext2_gd(sbi, g);
	b = ext2_bread(sbi, gd->bg_inode_bitmap);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	if (!(b->data[bit >> 3] & (1u << (bit & 7)))) {
		brelse(b);
		ext2_err(sbi, "freeing inode %u, which is already free", ino);
		return -EUCLEAN;
	}
	b->data[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
	bdirty(b);
	brelse(b);
	if (gd->bg_free_inodes_count < sbi->inodes_per_group)
		gd->bg_free_inodes_count++;
	if (is_dir && gd->bg_used_dirs_count)
		gd->bg_used_dirs_count--;
	ext2_gd_dirty(sbi, g);
	if (sbi->es->s_free_inodes_count < sbi->inodes_count)
		sbi->es->s_free_inodes_count++;
	ext2_sb_dirty(sbi);
	return 0;
}
