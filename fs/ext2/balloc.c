/*
 * ext2 block allocation: the block bitmaps, allocation near a goal block
 * (for contiguous files), freeing, the free counts in the group descriptors
 * and the superblock, and the test that a block number may hold data.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", sections 2.2-2.4 (block groups, sparse superblock backups),
 * 3.2 (group descriptors) and 3.3 (block bitmap); Linux fs/ext2/balloc.c
 * (ext2_new_blocks searches the goal's group first, then the others).
 *
 * A bitmap bit that calls a group's own metadata block free is corruption:
 * it is reported and skipped, so allocation never hands out the inode
 * table or a bitmap. Freeing a block that is already free, or one that is
 * not a data block, is reported and refused; counts never underflow.
 */
#include "fs/ext2/ext2_internal.h"

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(const struct ext2_sb_info *sbi, uint32_t group)
{
	if (!(sbi->ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	if (group <= 1)
		return true;
	if (!(group & 1))
		return false;
	return is_power_of(group, 3) || is_power_of(group, 5) || is_power_of(group, 7);
}

uint32_t ext2_group_first_block(const struct ext2_sb_info *sbi, uint32_t group)
{
	return sbi->first_data_block + group * sbi->blocks_per_group;
}

uint32_t ext2_group_nblocks(const struct ext2_sb_info *sbi, uint32_t group)
{
	if (group == sbi->groups_count - 1)
		return sbi->blocks_count - ext2_group_first_block(sbi, group);
	return sbi->blocks_per_group;
}

/* Whether blk (inside the fs) is its group's superblock copy, descriptor
 * copy, bitmap or inode table. */
static bool is_meta(struct ext2_sb_info *sbi, uint32_t blk)
{
	uint32_t g = (blk - sbi->first_data_block) / sbi->blocks_per_group;
	uint32_t first = ext2_group_first_block(sbi, g);
	struct ext2_group_desc *gd = ext2_gd(sbi, g);

	if (ext2_group_has_super(sbi, g) &&
	    blk < (uint64_t)first + 1 + sbi->gd_blocks + sbi->reserved_gdt)
		return true;
	if (blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap)
		return true;
	return blk >= gd->bg_inode_table && blk < (uint64_t)gd->bg_inode_table + sbi->itb_per_group;
}

bool ext2_data_block_ok(struct ext2_sb_info *sbi, uint32_t blk)
{
	return blk >= sbi->first_data_block && blk < sbi->blocks_count && !is_meta(sbi, blk);
}

struct bcache_buf *ext2_bread(struct ext2_sb_info *sbi, uint32_t blk)
{
	struct bcache_buf *b;

	if (blk >= sbi->blocks_count) {
		ext2_err(sbi, "block %u out of range", blk);
		return ERR_PTR(-EUCLEAN);
	}
	b = bread(sbi->dev, blk, sbi->block_size);
	if (IS_ERR(b))
		pr_err("ext2: %s: I/O error reading block %u\n", sbi->name, blk);
	return b;
}

/* The first clear bit in [from, limit), or -1. */
static int64_t find_zero(const uint8_t *map, uint32_t limit, uint32_t from)
{
	uint32_t i = from;

	while (i < limit) {
		if ((i & 63) == 0 && i + 64 <= limit) {
			uint64_t w;

			memcpy(&w, map + i / 8, sizeof(w));
			if (w == ~0ULL) {
				i += 64;
				continue;
			}
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
		i++;
	}
	return -1;
}

static void take_block(struct ext2_sb_info *sbi, uint32_t g)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);

	if (gd->bg_free_blocks_count)
		gd->bg_free_blocks_count--;
	ext2_gd_dirty(sbi, g);
	if (sbi->es->s_free_blocks_count)
		sbi->es->s_free_blocks_count--;
	ext2_sb_dirty(sbi);
}

/* Search group g's bitmap in [from, limit) for a free data block. 1 and
 * *out set when found (and taken), 0 if none, or -errno. */
static int alloc_in_group(struct ext2_sb_info *sbi, uint32_t g, uint32_t from, uint32_t limit,
			  uint32_t *out)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t first = ext2_group_first_block(sbi, g);
	struct bcache_buf *b;
	int64_t bit = from;

	b = ext2_bread(sbi, gd->bg_block_bitmap);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	while ((bit = find_zero(b->data, limit, (uint32_t)bit)) >= 0) {
		uint32_t blk = first + (uint32_t)bit;

		if (!is_meta(sbi, blk)) {
			b->data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
			bdirty(b);
			brelse(b);
			take_block(sbi, g);
			*out = blk;
			return 1;
		}
		ext2_err(sbi, "group %u: bitmap marks metadata block %u free", g, blk);
		bit++;
	}
	brelse(b);
	return 0;
}

int ext2_new_block(struct ext2_sb_info *sbi, uint32_t goal, uint32_t *out)
{
	uint32_t g0, start;

	if (sbi->rdonly)
		return -EROFS;
	if (sbi->es->s_free_blocks_count == 0)
		return -ENOSPC;
	if (goal < sbi->first_data_block || goal >= sbi->blocks_count)
		goal = sbi->first_data_block;
	g0 = (goal - sbi->first_data_block) / sbi->blocks_per_group;
	start = goal - ext2_group_first_block(sbi, g0);

	/* The goal's group from the goal on, every other group, and finally
	 * the start of the goal's group. */
	for (uint32_t i = 0; i <= sbi->groups_count; i++) {
		uint32_t g = (g0 + i) % sbi->groups_count;
		uint32_t from = i == 0 ? start : 0;
		uint32_t limit = i == sbi->groups_count ? start : ext2_group_nblocks(sbi, g);
		int r;

		if (from >= limit || ext2_gd(sbi, g)->bg_free_blocks_count == 0)
			continue;
		r = alloc_in_group(sbi, g, from, limit, out);
		if (r)
			return r < 0 ? r : 0;
		if (i > 0 && i < sbi->groups_count)
			ext2_err(sbi, "group %u: free block count %u but the bitmap is full", g,
				 ext2_gd(sbi, g)->bg_free_blocks_count);
	}
	return -ENOSPC;
}

int ext2_free_block(struct ext2_sb_info *sbi, uint32_t blk)
{
	struct ext2_group_desc *gd;
	struct bcache_buf *b;
	uint32_t g, bit;

	if (!ext2_data_block_ok(sbi, blk)) {
		ext2_err(sbi, "freeing block %u, which is not a data block", blk);
		return -EUCLEAN;
	}
	g = (blk - sbi->first_data_block) / sbi->blocks_per_group;
	bit = blk - ext2_group_first_block(sbi, g);
	gd = ext2_gd(sbi, g);
	b = ext2_bread(sbi, gd->bg_block_bitmap);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	if (!(b->data[bit >> 3] & (1u << (bit & 7)))) {
		brelse(b);
		ext2_err(sbi, "freeing block %u, which is already free", blk);
		return -EUCLEAN;
	}
	b->data[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
	bdirty(b);
	brelse(b);
	if (gd->bg_free_blocks_count < ext2_group_nblocks(sbi, g))
		gd->bg_free_blocks_count++;
	ext2_gd_dirty(sbi, g);
	if (sbi->es->s_free_blocks_count < sbi->blocks_count)
		sbi->es->s_free_blocks_count++;
	ext2_sb_dirty(sbi);
	return 0;
}
