/*
 * ext2 directories: linked-list entries in directory blocks. Lookup, adding
 * an entry (reusing a free entry or splitting the slack of a live one,
 * else appending a block), removing one (merging it into the previous
 * entry's rec_len), retargeting one (rename, '..'), the empty test,
 * the first block of a new directory, and readdir.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", section 4.1 (linked directory entries: inode, rec_len, name_len,
 * file_type, 4-byte alignment, entries never cross a block) and 4.1.5
 * (file type values); Linux fs/ext2/dir.c (ext2_add_link, ext2_delete_entry,
 * ext2_check_page) for the splitting and merging rules.
 *
 * Every directory block is checked when it is read: rec_len a multiple of
 * 4, at least 12, not crossing the block end; name_len fitting in rec_len;
 * inode numbers in range. A bad block fails the operation with -EUCLEAN and
 * a log line naming the directory inode and block. dir_index hash trees are
 * not used: their blocks read as ordinary entries, and any change clears
 * EXT2_INDEX_FL so that e2fsck does not expect a valid tree.
 */
#include "fs/ext2/ext2_internal.h"

#define NO_ENTRY UINT32_MAX

static uint32_t rec_len_get(const struct ext2_sb_info *sbi, const struct ext2_dir_entry *de)
{
	/* 64 KiB blocks store a whole-block rec_len as 65535 (or 0). */
	if (sbi->block_size == 65536 && (de->rec_len == 0 || de->rec_len == 65535))
		return 65536;
	return de->rec_len;
}

static void rec_len_set(const struct ext2_sb_info *sbi, struct ext2_dir_entry *de, uint32_t len)
{
	de->rec_len = (uint16_t)(len == 65536 ? 65535 : len);
}

uint8_t ext2_mode_to_ft(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static unsigned ft_to_dt(uint8_t ft)
{
	static const unsigned dt[EXT2_FT_MAX] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR,		[EXT2_FT_CHRDEV] = DT_CHR,
		[EXT2_FT_BLKDEV] = DT_BLK,	[EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = DT_SOCK,	[EXT2_FT_SYMLINK] = DT_LNK,
	};

	return ft < EXT2_FT_MAX ? dt[ft] : DT_UNKNOWN;
}

static inline struct ext2_dir_entry *entry_at(struct bcache_buf *b, uint32_t off)
{
	return (struct ext2_dir_entry *)(b->data + off);
}

static int check_block(struct inode *dir, uint32_t idx, const uint8_t *data)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	uint32_t off = 0, rec = 0;
	const char *bad = NULL;

	while (off < sbi->block_size) {
		const struct ext2_dir_entry *de = (const void *)(data + off);

		if (sbi->block_size - off < EXT2_DIR_REC_LEN(1)) {
			bad = "entry crosses the block end";
			break;
		}
		rec = rec_len_get(sbi, de);
		if (rec < EXT2_DIR_REC_LEN(1) || rec % 4 || rec > sbi->block_size - off) {
			bad = "bad rec_len";
			break;
		}
		if ((uint32_t)de->name_len + 8 > rec) {
			bad = "name_len exceeds rec_len";
			break;
		}
		if (de->inode > sbi->inodes_count) {
			bad = "inode number out of range";
			break;
		}
		off += rec;
	}
	if (!bad)
		return 0;
	ext2_err(sbi, "directory inode %llu, block %u: %s at offset %u (rec_len %u)",
		 (unsigned long long)dir->ino, idx, bad, off, rec);
	return -EUCLEAN;
}

/* Directory block idx, read and checked. */
static struct bcache_buf *dir_block(struct inode *dir, uint32_t idx)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	struct bcache_buf *b;
	uint32_t blk;
	int err;

	err = ext2_bmap(dir, idx, false, &blk, NULL);
	if (err)
		return ERR_PTR(err);
	if (!blk) {
		ext2_err(sbi, "directory inode %llu has a hole at block %u",
			 (unsigned long long)dir->ino, idx);
		return ERR_PTR(-EUCLEAN);
	}
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return b;
	err = check_block(dir, idx, b->data);
	if (err) {
		brelse(b);
		return ERR_PTR(err);
	}
	return b;
}

static uint32_t dir_nblocks(const struct inode *dir)
{
	return (uint32_t)(dir->size >> ext2_isbi(dir)->block_bits);
}

struct dir_pos {
	struct bcache_buf *b; /* referenced */
	uint32_t off;	      /* the entry */
	uint32_t prev;	      /* the entry before it in the block, or NO_ENTRY */
};

static bool name_is(const struct ext2_dir_entry *de, const char *name, size_t len)
{
	return de->name_len == len && !memcmp(de->name, name, len);
}

static int find_entry(struct inode *dir, const char *name, size_t len, struct dir_pos *pos)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	uint32_t n = dir_nblocks(dir);

	for (uint32_t idx = 0; idx < n; idx++) {
		struct bcache_buf *b = dir_block(dir, idx);
		uint32_t off = 0, prev = NO_ENTRY;

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		while (off < sbi->block_size) {
			struct ext2_dir_entry *de = entry_at(b, off);

			if (de->inode && name_is(de, name, len)) {
				pos->b = b;
				pos->off = off;
				pos->prev = prev;
				return 0;
			}
			prev = off;
			off += rec_len_get(sbi, de);
		}
		brelse(b);
	}
	return -ENOENT;
}

/* A directory changed: times, and no more hash tree. */
static int dir_changed(struct inode *dir)
{
	ext2_ei(dir)->i_flags &= ~EXT2_INDEX_FL;
	ext2_touch(dir, true);
	return ext2_write_inode(dir);
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino)
{
	struct dir_pos pos;
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	err = find_entry(dir, name, len, &pos);
	if (err)
		return err;
	*ino = entry_at(pos.b, pos.off)->inode;
	brelse(pos.b);
	return 0;
}

static void fill_entry(struct ext2_sb_info *sbi, struct ext2_dir_entry *de, const char *name,
		       size_t len, uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = sbi->filetype ? ext2_mode_to_ft(mode) : 0;
	memcpy(de->name, name, len);
}

/* Room for an entry of `need` bytes in block b: its offset, or NO_ENTRY.
 * A live entry with enough slack is split and the offset is the new one. */
static uint32_t find_room(struct ext2_sb_info *sbi, struct bcache_buf *b, uint32_t need)
{
	uint32_t off = 0;

	while (off < sbi->block_size) {
		struct ext2_dir_entry *de = entry_at(b, off);
		uint32_t rec = rec_len_get(sbi, de);
		uint32_t used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;

		if (rec >= used + need) {
			if (!used)
				return off;
			rec_len_set(sbi, de, used);
			rec_len_set(sbi, entry_at(b, off + used), rec - used);
			return off + used;
		}
		off += rec;
	}
	return NO_ENTRY;
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	uint32_t need = EXT2_DIR_REC_LEN(len), n = dir_nblocks(dir), off, blk;
	struct bcache_buf *b;
	int err;

	if (len == 0)
		return -EINVAL;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (uint32_t idx = 0; idx < n; idx++) {
		b = dir_block(dir, idx);
		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		off = find_room(sbi, b, need);
		if (off != NO_ENTRY)
			goto found;
		brelse(b);
	}

	/* No room: a new block holding one entry that spans it. */
	if (dir->size + sbi->block_size > (1ULL << 32) - sbi->block_size)
		return -EFBIG;
	err = ext2_bmap(dir, n, true, &blk, NULL);
	if (err) {
		ext2_write_inode(dir); /* i_blocks may have changed */
		return err;
	}
	b = bget(sbi->dev, blk, sbi->block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data, 0, sbi->block_size);
	rec_len_set(sbi, entry_at(b, 0), sbi->block_size);
	dir->size += sbi->block_size;
	off = 0;
found:
	fill_entry(sbi, entry_at(b, off), name, len, ino, mode);
	bdirty(b);
	brelse(b);
	return dir_changed(dir);
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len, uint32_t ino)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	struct ext2_dir_entry *de;
	struct dir_pos pos;
	int err;

	err = find_entry(dir, name, len, &pos);
	if (err)
		return err;
	de = entry_at(pos.b, pos.off);
	if (ino && de->inode != ino) {
		brelse(pos.b);
		return -ENOENT;
	}
	if (pos.prev != NO_ENTRY) {
		struct ext2_dir_entry *pde = entry_at(pos.b, pos.prev);

		rec_len_set(sbi, pde, rec_len_get(sbi, pde) + rec_len_get(sbi, de));
	}
	de->inode = 0;
	bdirty(pos.b);
	brelse(pos.b);
	return dir_changed(dir);
}

int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	struct ext2_dir_entry *de;
	struct dir_pos pos;
	int err;

	err = find_entry(dir, name, len, &pos);
	if (err)
		return err;
	de = entry_at(pos.b, pos.off);
	de->inode = ino;
	de->file_type = sbi->filetype ? ext2_mode_to_ft(mode) : 0;
	bdirty(pos.b);
	brelse(pos.b);
	return dir_changed(dir);
}

int ext2_dir_empty(struct inode *dir)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	uint32_t n = dir_nblocks(dir);

	for (uint32_t idx = 0; idx < n; idx++) {
		struct bcache_buf *b = dir_block(dir, idx);
		uint32_t off = 0;

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		while (off < sbi->block_size) {
			struct ext2_dir_entry *de = entry_at(b, off);

			if (de->inode && !name_is(de, ".", 1) && !name_is(de, "..", 2)) {
				brelse(b);
				return 0;
			}
			off += rec_len_get(sbi, de);
		}
		brelse(b);
	}
	return 1;
}

int ext2_dir_init(struct inode *dir, uint32_t parent)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	struct ext2_dir_entry *de;
	struct bcache_buf *b;
	uint32_t blk;
	int err;

	err = ext2_bmap(dir, 0, true, &blk, NULL);
	if (err)
		return err;
	b = bget(sbi->dev, blk, sbi->block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data, 0, sbi->block_size);
	de = entry_at(b, 0);
	fill_entry(sbi, de, ".", 1, (uint32_t)dir->ino, S_IFDIR);
	rec_len_set(sbi, de, EXT2_DIR_REC_LEN(1));
	de = entry_at(b, EXT2_DIR_REC_LEN(1));
	fill_entry(sbi, de, "..", 2, parent, S_IFDIR);
	rec_len_set(sbi, de, sbi->block_size - EXT2_DIR_REC_LEN(1));
	bdirty(b);
	brelse(b);
	dir->size = sbi->block_size;
	return ext2_write_inode(dir);
}

int ext2_readdir(struct file *file, uint64_t *pos, filldir_t fill, void *ctx)
{
	struct inode *dir = file->inode;
	struct ext2_sb_info *sbi = ext2_isbi(dir);

	while (*pos < dir->size) {
		uint32_t idx = (uint32_t)(*pos >> sbi->block_bits);
		uint32_t start = (uint32_t)(*pos & (sbi->block_size - 1)), off = 0;
		uint64_t base = (uint64_t)idx << sbi->block_bits;
		struct bcache_buf *b = dir_block(dir, idx);

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		/* Entries start where the walk from the block start says: a
		 * position inside an entry (the directory changed) moves on to
		 * the next one. */
		while (off < sbi->block_size) {
			struct ext2_dir_entry *de = entry_at(b, off);
			uint32_t rec = rec_len_get(sbi, de);

			if (off >= start && de->inode) {
				unsigned type =
					sbi->filetype ? ft_to_dt(de->file_type) : DT_UNKNOWN;

				*pos = base + off;
				if (fill(ctx, de->name, de->name_len, de->inode, type)) {
					brelse(b);
					return 0;
				}
				*pos = base + off + rec;
			}
			off += rec;
		}
		brelse(b);
		*pos = base + sbi->block_size;
	}
	return 0;
}
