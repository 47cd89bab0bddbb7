/*
 * ext2 block mapping: logical file blocks to disk blocks through the
 * direct, single, double and triple indirect pointers of i_block, with
 * allocation on write (near the previous block of the file, for
 * contiguity), holes that read as zeros, and truncation that frees data
 * and indirect blocks past a new size. Extended attribute blocks are
 * released here too, as part of freeing an inode's blocks.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", section 3.5.x (i_block: 12 direct pointers, then indirect,
 * doubly-indirect and triply-indirect blocks; i_blocks counts every block
 * in 512-byte units, indirect ones included); Linux fs/ext2/inode.c
 * (ext2_block_to_path, ext2_find_goal, ext2_free_branches).
 *
 * Every pointer read from an indirect block or i_block is checked with
 * ext2_data_block_ok before use: a bad one is reported and gives -EUCLEAN,
 * so corrupt metadata never leads to a read or write outside the data area.
 * The tree has at most four levels, so every walk is bounded.
 */
#include "fs/ext2/ext2_internal.h"

#define MAX_DEPTH 4

/* Split a logical block into the indexes at each level of the tree.
 * Returns the depth (1..4), or 0 if the block is beyond triple indirect. */
static int block_to_path(const struct ext2_sb_info *sbi, uint64_t lb, uint32_t off[MAX_DEPTH])
{
	uint64_t apb = sbi->addr_per_block;
	unsigned ab = sbi->addr_bits;

	if (lb < EXT2_NDIR_BLOCKS) {
		off[0] = (uint32_t)lb;
		return 1;
	}
	lb -= EXT2_NDIR_BLOCKS;
	if (lb < apb) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (uint32_t)lb;
		return 2;
	}
	lb -= apb;
	if (lb < apb << ab) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (uint32_t)(lb >> ab);
		off[2] = (uint32_t)(lb & (apb - 1));
		return 3;
	}
	lb -= apb << ab;
	if (lb < apb << (2 * ab)) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = (uint32_t)(lb >> (2 * ab));
		off[2] = (uint32_t)((lb >> ab) & (apb - 1));
		off[3] = (uint32_t)(lb & (apb - 1));
		return 4;
	}
	return 0;
}

static int bad_pointer(struct inode *ino, uint32_t blk)
{
	ext2_err(ext2_isbi(ino), "inode %llu: bad block pointer %u", (unsigned long long)ino->ino,
		 blk);
	return -EUCLEAN;
}

/* Where to put a new block for the inode: after its last allocation when
 * this write continues it, else after the nearest block already mapped
 * next to it, else in the inode's group just past its inode table. */
static uint32_t find_goal(struct inode *ino, uint64_t lb, const uint32_t *siblings, uint32_t index,
			  uint32_t parent)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	struct ext2_group_desc *gd;

	if (ei->last_pblock && lb == ei->last_lblock + 1)
		return ei->last_pblock + 1;
	for (uint32_t i = index; i-- > 0;) {
		if (siblings[i])
			return siblings[i] + 1;
	}
	if (parent)
		return parent + 1;
	gd = ext2_gd(sbi, ei->block_group);
	return gd->bg_inode_table + sbi->itb_per_group;
}

/* Allocate a block for the inode; indirect blocks are zeroed. */
static int alloc_block(struct inode *ino, uint32_t goal, bool indirect, uint32_t *out)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	int err = ext2_new_block(sbi, goal, out);

	if (err)
		return err;
	ino->blocks += sbi->block_size / 512;
	if (indirect) {
		struct bcache_buf *b = bget(sbi->dev, *out, sbi->block_size);

		if (IS_ERR(b)) {
			ext2_free_block(sbi, *out);
			ino->blocks -= sbi->block_size / 512;
			return (int)PTR_ERR(b);
		}
		memset(b->data, 0, sbi->block_size);
		bdirty(b);
		brelse(b);
	}
	return 0;
}

int ext2_bmap(struct inode *ino, uint64_t lblock, bool create, uint32_t *pblock, bool *fresh)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	uint32_t off[MAX_DEPTH], blk, parent = 0;
	int depth = block_to_path(sbi, lblock, off);
	bool new_data = false;
	int err;

	*pblock = 0;
	if (fresh)
		*fresh = false;
	if (!depth)
		return -EFBIG;
	if (create && sbi->rdonly)
		return -EROFS;

	/* Level 0: the pointer in the inode. */
	blk = ei->i_block[off[0]];
	if (!blk) {
		if (!create)
			return 0;
		err = alloc_block(ino, find_goal(ino, lblock, ei->i_block, off[0], 0), depth > 1,
				  &blk);
		if (err)
			return err;
		ei->i_block[off[0]] = blk;
		new_data = depth == 1;
	} else if (!ext2_data_block_ok(sbi, blk)) {
		return bad_pointer(ino, blk);
	}

	for (int level = 1; level < depth; level++) {
		struct bcache_buf *b = ext2_bread(sbi, blk);
		uint32_t *ptrs, next;

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		ptrs = (uint32_t *)b->data;
		next = ptrs[off[level]];
		parent = blk;
		if (!next) {
			if (!create) {
				brelse(b);
				return 0;
			}
			err = alloc_block(ino, find_goal(ino, lblock, ptrs, off[level], parent),
					  level < depth - 1, &next);
			if (err) {
				brelse(b);
				return err;
			}
			ptrs[off[level]] = next;
			bdirty(b);
			new_data = level == depth - 1;
		} else if (!ext2_data_block_ok(sbi, next)) {
			brelse(b);
			return bad_pointer(ino, next);
		}
		brelse(b);
		blk = next;
	}
	if (new_data) {
		ei->last_lblock = lblock;
		ei->last_pblock = blk;
	}
	if (fresh)
		*fresh = new_data;
	*pblock = blk;
	return 0;
}

static void drop_block(struct inode *ino, uint32_t blk, int *err)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	int e = ext2_free_block(sbi, blk);

	if (e) {
		if (!*err)
			*err = e;
		return;
	}
	if (ino->blocks >= sbi->block_size / 512)
		ino->blocks -= sbi->block_size / 512;
}

/*
 * Free everything from entry `start` on in the subtree whose root pointer
 * is *slot, `depth` levels of indirection deep (1: *slot points to a block
 * of data block pointers). start is counted in data blocks. If start is 0
 * the whole subtree goes and *slot is cleared. The first error is kept in
 * *err and ends the walk.
 */
static void free_tree(struct inode *ino, uint32_t *slot, int depth, uint64_t start, int *err)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	uint64_t span = 1ULL << (sbi->addr_bits * (unsigned)(depth - 1));
	struct bcache_buf *b;
	uint32_t *ptrs, first;

	if (!ext2_data_block_ok(sbi, *slot)) {
		if (!*err)
			*err = bad_pointer(ino, *slot);
		*slot = 0; /* drop the bad pointer rather than follow it */
		return;
	}
	b = ext2_bread(sbi, *slot);
	if (IS_ERR(b)) {
		if (!*err)
			*err = (int)PTR_ERR(b);
		return;
	}
	ptrs = (uint32_t *)b->data;
	first = (uint32_t)(start / span);
	for (uint32_t i = first; i < sbi->addr_per_block; i++) {
		uint64_t child_start = i == first ? start % span : 0;

		/* After corruption (a block freed twice means shared or looping
		 * pointers) stop: the walk stays bounded by the blocks that
		 * really exist. */
		if (*err)
			break;
		if (!ptrs[i])
			continue;
		if (depth == 1) {
			drop_block(ino, ptrs[i], err);
			ptrs[i] = 0;
		} else {
			free_tree(ino, &ptrs[i], depth - 1, child_start, err);
		}
	}
	if (start == 0) {
		brelse(b);
		drop_block(ino, *slot, err);
		*slot = 0;
		return;
	}
	bdirty(b);
	brelse(b);
}

int ext2_zero_tail(struct inode *ino, uint64_t size)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	uint32_t boff = (uint32_t)(size & (sbi->block_size - 1)), blk;
	struct bcache_buf *b;
	int err;

	if (!boff)
		return 0;
	err = ext2_bmap(ino, size >> sbi->block_bits, false, &blk, NULL);
	if (err || !blk)
		return err;
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data + boff, 0, sbi->block_size - boff);
	bdirty(b);
	brelse(b);
	return 0;
}

int ext2_truncate(struct inode *ino, uint64_t size)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	uint64_t first = (size + sbi->block_size - 1) >> sbi->block_bits;
	uint64_t base = EXT2_NDIR_BLOCKS;
	int err = 0;

	if (sbi->rdonly)
		return -EROFS;
	if (!ext2_has_blocks(ino))
		return 0;
	err = ext2_zero_tail(ino, size);

	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
		if (!ei->i_block[i])
			continue;
		drop_block(ino, ei->i_block[i], &err);
		ei->i_block[i] = 0;
	}
	for (int depth = 1; depth <= 3; depth++) {
		uint64_t span = 1ULL << (sbi->addr_bits * (unsigned)depth);
		uint32_t *slot = &ei->i_block[EXT2_IND_BLOCK + depth - 1];

		if (*slot && first < base + span)
			free_tree(ino, slot, depth, first > base ? first - base : 0, &err);
		base += span;
	}
	ei->last_pblock = 0;
	ei->ra_end = ei->ra_next = 0;
	return err;
}

int ext2_release_xattr(struct inode *ino)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	struct ext2_inode_info *ei = ext2_ei(ino);
	struct ext2_ext_attr_header *h;
	struct bcache_buf *b;
	uint32_t blk = ei->i_file_acl;
	int err = 0;

	if (!blk)
		return 0;
	ei->i_file_acl = 0;
	if (!ext2_data_block_ok(sbi, blk))
		return bad_pointer(ino, blk);
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	h = (struct ext2_ext_attr_header *)b->data;
	if (h->h_magic != EXT2_EXT_ATTR_MAGIC || h->h_refcount == 0) {
		brelse(b);
		ext2_err(sbi, "inode %llu: bad extended attribute block %u",
			 (unsigned long long)ino->ino, blk);
		return -EUCLEAN;
	}
	if (--h->h_refcount > 0) {
		/* Shared: the others keep it, this inode stops counting it. */
		bdirty(b);
		brelse(b);
		if (ino->blocks >= sbi->block_size / 512)
			ino->blocks -= sbi->block_size / 512;
		return 0;
	}
	brelse(b);
	drop_block(ino, blk, &err);
	return err;
}
