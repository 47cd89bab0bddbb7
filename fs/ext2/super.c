/*
 * ext2 superblock handling: mount (superblock and group descriptor
 * validation, feature checks), the clean/error state, statfs, sync and
 * unmount, and registration of the "ext2" filesystem type.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", sections 3.1 (superblock: s_state, s_mnt_count, revision and
 * feature fields), 3.2 (block group descriptor table) and 2.x (sparse
 * superblock backups); Linux fs/ext2/super.c for the mount-time checks
 * (ext2_fill_super, ext2_check_descriptors, ext2_max_size).
 *
 * The state flag: a read-write mount clears EXT2_VALID_FS on disk at once
 * and a clean unmount sets it again (if it was set when mounted), so a
 * filesystem that was not unmounted cleanly is checked by e2fsck. Detected
 * corruption sets EXT2_ERROR_FS.
 */
#include "fs/ext2/ext2_internal.h"
#include "fs/ext2/ext2.h"
#include "drivers/blkdev.h"
#include "kernel/mm/heap.h"

struct feature_name {
	uint32_t bit;
	const char *name;
};

/* e2fsprogs' names (lib/e2p/feature.c), as dumpe2fs prints them. */
static const struct feature_name incompat_names[] = {
	{EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression"},
	{EXT2_FEATURE_INCOMPAT_FILETYPE, "filetype"},
	{EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery"},
	{EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev"},
	{EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg"},
	{EXT4_FEATURE_INCOMPAT_EXTENTS, "extents"},
	{EXT4_FEATURE_INCOMPAT_64BIT, "64bit"},
	{EXT4_FEATURE_INCOMPAT_MMP, "mmp"},
	{EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg"},
	{EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode"},
	{EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata"},
	{EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed"},
	{EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir"},
	{EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data"},
	{EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt"},
	{EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold"},
};

static const struct feature_name ro_compat_names[] = {
	{EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER, "sparse_super"},
	{EXT2_FEATURE_RO_COMPAT_LARGE_FILE, "large_file"},
	{EXT2_FEATURE_RO_COMPAT_BTREE_DIR, "btree_dir"},
	{EXT4_FEATURE_RO_COMPAT_HUGE_FILE, "huge_file"},
	{EXT4_FEATURE_RO_COMPAT_GDT_CSUM, "uninit_bg"},
	{EXT4_FEATURE_RO_COMPAT_DIR_NLINK, "dir_nlink"},
	{EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE, "extra_isize"},
	{EXT4_FEATURE_RO_COMPAT_QUOTA, "quota"},
	{EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc"},
	{EXT4_FEATURE_RO_COMPAT_METADATA_CSUM, "metadata_csum"},
	{EXT4_FEATURE_RO_COMPAT_READONLY, "read-only"},
	{EXT4_FEATURE_RO_COMPAT_PROJECT, "project"},
	{EXT4_FEATURE_RO_COMPAT_VERITY, "verity"},
};

/* What this driver implements. Other compat features are harmless except
 * the journal (refused: a journal may hold updates we would ignore) and
 * sparse_super2 (backup groups we do not know: read-only). */
#define INCOMPAT_SUPP  EXT2_FEATURE_INCOMPAT_FILETYPE
#define RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

static const char *feature_name(const struct feature_name *t, size_t n, uint32_t bit)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].bit == bit)
			return t[i].name;
	}
	return NULL;
}

/* Log each bit of `bits` by name; returns how many there were. */
static unsigned log_features(const char *dev, const struct feature_name *t, size_t n, uint32_t bits,
			     const char *kind, const char *what)
{
	unsigned count = 0;

	for (unsigned b = 0; b < 32; b++) {
		const char *name;

		if (!(bits & (1u << b)))
			continue;
		name = feature_name(t, n, 1u << b);
		if (name)
			pr_err("ext2: %s: unsupported feature %s, %s\n", dev, name, what);
		else
			pr_err("ext2: %s: unsupported %s feature 0x%x, %s\n", dev, kind, 1u << b,
			       what);
		count++;
	}
	return count;
}

/* -EINVAL if the features forbid mounting; *ro set if they allow reading
 * only. */
static int check_features(struct ext2_sb_info *sbi, bool *ro)
{
	const char *dev = sbi->name;
	uint32_t bad;
	int err = 0;

	if (sbi->rev == EXT2_GOOD_OLD_REV) {
		/* Revision 0 has no feature fields. */
		sbi->compat = sbi->incompat = sbi->ro_compat = 0;
		return 0;
	}
	if (sbi->compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) {
		pr_err("ext2: %s: unsupported feature has_journal, not mounting\n", dev);
		err = -EINVAL;
	}
	bad = sbi->incompat & ~INCOMPAT_SUPP;
	if (bad && log_features(dev, incompat_names, ARRAY_SIZE(incompat_names), bad, "incompat",
				"not mounting"))
		err = -EINVAL;
	if (err)
		return err;
	bad = sbi->ro_compat & ~RO_COMPAT_SUPP;
	if (bad) {
		log_features(dev, ro_compat_names, ARRAY_SIZE(ro_compat_names), bad, "ro_compat",
			     "mounting read-only");
		*ro = true;
	}
	if (sbi->compat & EXT4_FEATURE_COMPAT_SPARSE_SUPER2) {
		pr_err("ext2: %s: unsupported feature sparse_super2, mounting read-only\n", dev);
		*ro = true;
	}
	return 0;
}

/* Largest file: what the block tree maps, and what i_blocks (512-byte
 * units, 32 bits) can count including indirect blocks (ext2_max_size). */
static uint64_t max_file_size(const struct ext2_sb_info *sbi)
{
	unsigned bits = sbi->block_bits, ab = sbi->addr_bits;
	uint64_t res, limit, meta;

	if (sbi->rev == EXT2_GOOD_OLD_REV)
		return 0x7fffffffULL;
	limit = ((1ULL << 32) - 1) >> (bits - 9);
	meta = 1 + (1 + (1ULL << ab)) + (1 + (1ULL << ab) + (1ULL << (2 * ab)));
	limit = (limit - meta) << bits;
	res = EXT2_NDIR_BLOCKS + (1ULL << ab) + (1ULL << (2 * ab)) + (1ULL << (3 * ab));
	res <<= bits;
	return MIN(res, limit);
}

static int load_geometry(struct ext2_sb_info *sbi, const struct ext2_super_block *es)
{
	const char *dev = sbi->name;
	uint64_t dev_blocks;

	sbi->block_bits = EXT2_MIN_BLOCK_LOG + es->s_log_block_size;
	sbi->block_size = 1u << sbi->block_bits;
	sbi->addr_per_block = sbi->block_size / 4;
	sbi->addr_bits = sbi->block_bits - 2;
	sbi->rev = es->s_rev_level;
	sbi->blocks_count = es->s_blocks_count;
	sbi->first_data_block = es->s_first_data_block;
	sbi->blocks_per_group = es->s_blocks_per_group;
	sbi->inodes_count = es->s_inodes_count;
	sbi->inodes_per_group = es->s_inodes_per_group;
	if (sbi->rev == EXT2_GOOD_OLD_REV) {
		sbi->inode_size = EXT2_GOOD_OLD_INO_SZ;
		sbi->first_ino = EXT2_GOOD_OLD_FIRST_I;
	} else {
		sbi->inode_size = es->s_inode_size;
		sbi->first_ino = es->s_first_ino;
		sbi->compat = es->s_feature_compat;
		sbi->incompat = es->s_feature_incompat;
		sbi->ro_compat = es->s_feature_ro_compat;
	}

	if (sbi->inode_size < EXT2_GOOD_OLD_INO_SZ || sbi->inode_size > sbi->block_size ||
	    (sbi->inode_size & (sbi->inode_size - 1))) {
		pr_err("ext2: %s: bad inode size %u\n", dev, sbi->inode_size);
		return -EUCLEAN;
	}
	dev_blocks = sbi->dev->sectors / (sbi->block_size / 512);
	if (sbi->blocks_count > dev_blocks) {
		pr_err("ext2: %s: filesystem has %u blocks, the device only %llu\n", dev,
		       sbi->blocks_count, (unsigned long long)dev_blocks);
		return -EINVAL;
	}
	sbi->inodes_per_block = sbi->block_size / sbi->inode_size;
	sbi->desc_per_block = sbi->block_size / sizeof(struct ext2_group_desc);
	if (sbi->first_data_block != (sbi->block_size == 1024 ? 1u : 0u) ||
	    sbi->blocks_count <= sbi->first_data_block) {
		pr_err("ext2: %s: bad first data block %u or block count %u\n", dev,
		       sbi->first_data_block, sbi->blocks_count);
		return -EUCLEAN;
	}
	/* Per-group counts are 16 bits wide. */
	if (sbi->blocks_per_group < 8 || sbi->blocks_per_group > sbi->block_size * 8 ||
	    sbi->blocks_per_group > 65528 || sbi->blocks_per_group % 8) {
		pr_err("ext2: %s: bad blocks per group %u\n", dev, sbi->blocks_per_group);
		return -EUCLEAN;
	}
	if (sbi->inodes_per_group < sbi->inodes_per_block ||
	    sbi->inodes_per_group > sbi->block_size * 8 || sbi->inodes_per_group > 65528 ||
	    sbi->inodes_per_group % sbi->inodes_per_block) {
		pr_err("ext2: %s: bad inodes per group %u\n", dev, sbi->inodes_per_group);
		return -EUCLEAN;
	}
	sbi->itb_per_group = sbi->inodes_per_group / sbi->inodes_per_block;
	sbi->groups_count =
		(sbi->blocks_count - sbi->first_data_block + sbi->blocks_per_group - 1) /
		sbi->blocks_per_group;
	if ((uint64_t)sbi->inodes_per_group * sbi->groups_count != sbi->inodes_count) {
		pr_err("ext2: %s: inode count %u is not %u groups of %u\n", dev, sbi->inodes_count,
		       sbi->groups_count, sbi->inodes_per_group);
		return -EUCLEAN;
	}
	if (sbi->first_ino < EXT2_GOOD_OLD_FIRST_I || sbi->first_ino >= sbi->inodes_count) {
		pr_err("ext2: %s: bad first inode %u\n", dev, sbi->first_ino);
		return -EUCLEAN;
	}
	sbi->gd_blocks = (sbi->groups_count + sbi->desc_per_block - 1) / sbi->desc_per_block;
	if (sbi->rev != EXT2_GOOD_OLD_REV && (sbi->compat & EXT2_FEATURE_COMPAT_RESIZE_INODE))
		sbi->reserved_gdt = es->s_reserved_gdt_blocks;
	if (sbi->reserved_gdt > sbi->addr_per_block ||
	    (uint64_t)sbi->first_data_block + 1 + sbi->gd_blocks + sbi->reserved_gdt >=
		    sbi->blocks_count) {
		pr_err("ext2: %s: group descriptors do not fit\n", dev);
		return -EUCLEAN;
	}
	sbi->filetype =
		sbi->rev != EXT2_GOOD_OLD_REV && (sbi->incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	sbi->max_size = max_file_size(sbi);
	return 0;
}

/* Each group's bitmaps and inode table lie inside the group (no flex_bg)
 * and its counts are possible. */
static int check_descriptors(struct ext2_sb_info *sbi)
{
	uint64_t free_blocks = 0, free_inodes = 0;

	for (uint32_t g = 0; g < sbi->groups_count; g++) {
		struct ext2_group_desc *gd = ext2_gd(sbi, g);
		uint32_t first = ext2_group_first_block(sbi, g);
		uint64_t end = (uint64_t)first + ext2_group_nblocks(sbi, g);
		uint64_t it = gd->bg_inode_table;
		const char *what = NULL;

		if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= end)
			what = "block bitmap";
		else if (gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= end ||
			 gd->bg_inode_bitmap == gd->bg_block_bitmap)
			what = "inode bitmap";
		else if (it < first || it + sbi->itb_per_group > end ||
			 (gd->bg_block_bitmap >= it &&
			  gd->bg_block_bitmap < it + sbi->itb_per_group) ||
			 (gd->bg_inode_bitmap >= it &&
			  gd->bg_inode_bitmap < it + sbi->itb_per_group))
			what = "inode table";
		else if (gd->bg_free_blocks_count > end - first ||
			 gd->bg_free_inodes_count > sbi->inodes_per_group ||
			 gd->bg_used_dirs_count > sbi->inodes_per_group)
			what = "counts";
		if (what) {
			pr_err("ext2: %s: group %u: bad %s in descriptor\n", sbi->name, g, what);
			return -EUCLEAN;
		}
		free_blocks += gd->bg_free_blocks_count;
		free_inodes += gd->bg_free_inodes_count;
	}
	/* As Linux does, the superblock's totals follow the descriptors. */
	sbi->es->s_free_blocks_count = (uint32_t)free_blocks;
	sbi->es->s_free_inodes_count = (uint32_t)free_inodes;
	return 0;
}

static void release_buffers(struct ext2_sb_info *sbi)
{
	if (sbi->gd_bufs) {
		for (uint32_t i = 0; i < sbi->gd_blocks; i++)
			brelse(sbi->gd_bufs[i]);
		kfree(sbi->gd_bufs);
		sbi->gd_bufs = NULL;
	}
	brelse(sbi->sb_buf);
	sbi->sb_buf = NULL;
}

static int load_descriptors(struct ext2_sb_info *sbi)
{
	sbi->gd_bufs = kzalloc(sizeof(*sbi->gd_bufs) * sbi->gd_blocks);
	if (!sbi->gd_bufs)
		return -ENOMEM;
	for (uint32_t i = 0; i < sbi->gd_blocks; i++) {
		struct bcache_buf *b =
			bread(sbi->dev, sbi->first_data_block + 1 + i, sbi->block_size);

		if (IS_ERR(b)) {
			pr_err("ext2: %s: cannot read group descriptors\n", sbi->name);
			return (int)PTR_ERR(b);
		}
		sbi->gd_bufs[i] = b;
	}
	return check_descriptors(sbi);
}

/* Read the superblock with 1 KiB blocks (its size and offset do not depend
 * on the block size), then keep the filesystem block that holds it. */
static int load_super(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es;
	struct bcache_buf *b;
	uint32_t blk, off;
	int err;

	/* Buffers of another block size may alias these bytes; start afresh. */
	bcache_invalidate(sbi->dev);
	b = bread(sbi->dev, 1, EXT2_SUPER_SIZE);
	if (IS_ERR(b)) {
		pr_err("ext2: %s: cannot read the superblock\n", sbi->name);
		return (int)PTR_ERR(b);
	}
	es = (struct ext2_super_block *)b->data;
	if (es->s_magic != EXT2_SUPER_MAGIC) {
		pr_err("ext2: %s: bad magic 0x%04x, not an ext2 filesystem\n", sbi->name,
		       es->s_magic);
		err = -EINVAL;
		goto out_rel;
	}
	if (es->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG) {
		pr_err("ext2: %s: unsupported block size (s_log_block_size %u)\n", sbi->name,
		       es->s_log_block_size);
		err = -EINVAL;
		goto out_rel;
	}
	if (es->s_rev_level > EXT2_DYNAMIC_REV) {
		pr_err("ext2: %s: unsupported revision %u\n", sbi->name, es->s_rev_level);
		err = -EINVAL;
		goto out_rel;
	}
	err = load_geometry(sbi, es);
out_rel:
	brelse(b);
	if (err)
		return err;

	if (sbi->block_size != EXT2_SUPER_SIZE)
		bcache_invalidate(sbi->dev);
	blk = EXT2_SUPER_OFFSET / sbi->block_size;
	off = EXT2_SUPER_OFFSET % sbi->block_size;
	b = bread(sbi->dev, blk, sbi->block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	sbi->sb_buf = b;
	sbi->es = (struct ext2_super_block *)(b->data + off);
	return 0;
}

static int ext2_mount(struct blkdev *dev, unsigned flags, const char *data,
		      struct super_block **out)
{
	struct ext2_sb_info *sbi;
	struct super_block *sb;
	struct ext2_super_block *es;
	bool ro;
	int err;

	if (!dev)
		return -ENOTBLK;
	ro = (flags & SB_RDONLY) || dev->readonly;
	sb = kzalloc(sizeof(*sb));
	sbi = kzalloc(sizeof(*sbi));
	if (!sb || !sbi) {
		err = -ENOMEM;
		goto out_free;
	}
	sbi->sb = sb;
	sbi->dev = dev;
	sbi->name = dev->name;
	sb->priv = sbi;

	err = load_super(sbi);
	if (err)
		goto out_free;
	err = check_features(sbi, &ro);
	if (err)
		goto out_release;
	err = load_descriptors(sbi);
	if (err)
		goto out_release;
	es = sbi->es;
	sbi->rdonly = ro;

	if (!ro) {
		struct timespec64 now = vfs_now();

		if (!(es->s_state & EXT2_VALID_FS))
			pr_warn("ext2: %s: mounting a filesystem that was not cleanly unmounted\n",
				sbi->name);
		if (es->s_state & EXT2_ERROR_FS)
			pr_warn("ext2: %s: mounting a filesystem with errors\n", sbi->name);
		if (es->s_max_mnt_count && (int16_t)es->s_max_mnt_count > 0 &&
		    es->s_mnt_count >= es->s_max_mnt_count)
			pr_warn("ext2: %s: maximal mount count reached, running e2fsck is "
				"recommended\n",
				sbi->name);
		/* Remember the state at mount for the clean unmount. */
		sbi->errors = (es->s_state & EXT2_ERROR_FS) ? 1 : 0;
		if (!(es->s_state & EXT2_VALID_FS))
			sbi->errors++;
		es->s_state &= (uint16_t)~EXT2_VALID_FS;
		es->s_mnt_count++;
		es->s_mtime = (uint32_t)now.tv_sec;
		es->s_wtime = (uint32_t)now.tv_sec;
		bdirty(sbi->sb_buf);
		err = bwrite(sbi->sb_buf);
		if (err) {
			pr_err("ext2: %s: cannot write the superblock\n", sbi->name);
			goto out_release;
		}
	}

	sb->ops = &ext2_super_ops;
	sb->dev = dev;
	sb->dev_id = vfs_new_dev_id();
	sb->flags = ro ? SB_RDONLY : 0;
	sb->root_ino = EXT2_ROOT_INO;
	sb->block_size = sbi->block_size;
	pr_info("ext2: %s: mounted %s, %u blocks of %u bytes, %u inodes\n", sbi->name,
		ro ? "read-only" : "read-write", sbi->blocks_count, sbi->block_size,
		sbi->inodes_count);
	*out = sb;
	return 0;

out_release:
	release_buffers(sbi);
	bcache_invalidate(dev);
out_free:
	kfree(sbi);
	kfree(sb);
	return err;
}

void ext2_mark_error(struct ext2_sb_info *sbi)
{
	sbi->errors++;
	if (!sbi->rdonly && sbi->sb_buf && !(sbi->es->s_state & EXT2_ERROR_FS)) {
		sbi->es->s_state |= EXT2_ERROR_FS;
		bdirty(sbi->sb_buf);
	}
}

struct ext2_group_desc *ext2_gd(struct ext2_sb_info *sbi, uint32_t group)
{
	struct bcache_buf *b = sbi->gd_bufs[group / sbi->desc_per_block];

	return (struct ext2_group_desc *)b->data + group % sbi->desc_per_block;
}

void ext2_gd_dirty(struct ext2_sb_info *sbi, uint32_t group)
{
	bdirty(sbi->gd_bufs[group / sbi->desc_per_block]);
}

void ext2_sb_dirty(struct ext2_sb_info *sbi)
{
	bdirty(sbi->sb_buf);
}

void ext2_set_large_file(struct ext2_sb_info *sbi)
{
	if (sbi->ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
		return;
	sbi->ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	sbi->es->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	ext2_sb_dirty(sbi);
}

int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb_info *sbi = ext2_sbi(sb);

	if (sbi->rdonly)
		return 0;
	sbi->es->s_wtime = (uint32_t)vfs_now().tv_sec;
	ext2_sb_dirty(sbi);
	return bcache_sync(sbi->dev);
}

int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb_info *sbi = ext2_sbi(sb);
	const struct ext2_super_block *es = sbi->es;

	memset(st, 0, sizeof(*st));
	st->type = EXT2_STATFS_MAGIC;
	st->bsize = sbi->block_size;
	st->frsize = sbi->block_size;
	st->blocks = sbi->blocks_count - sbi->first_data_block;
	st->bfree = es->s_free_blocks_count;
	st->bavail = st->bfree > es->s_r_blocks_count ? st->bfree - es->s_r_blocks_count : 0;
	st->files = sbi->inodes_count;
	st->ffree = es->s_free_inodes_count;
	st->namelen = EXT2_NAME_LEN;
	st->flags = sbi->rdonly ? SB_RDONLY : 0;
	return 0;
}

void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = ext2_sbi(sb);
	struct blkdev *dev = sbi->dev;

	if (!sbi->rdonly) {
		struct ext2_super_block *es = sbi->es;

		/* Clean only if it was clean at mount and stayed so. */
		if (!sbi->errors)
			es->s_state |= EXT2_VALID_FS;
		es->s_wtime = (uint32_t)vfs_now().tv_sec;
		ext2_sb_dirty(sbi);
		if (bcache_sync(dev))
			pr_err("ext2: %s: write-back failed at unmount\n", sbi->name);
	}
	release_buffers(sbi);
	bcache_invalidate(dev);
	pr_info("ext2: %s: unmounted\n", sbi->name);
	kfree(sbi);
	/* The super_block was allocated by ext2_mount; nothing of it stays. */
	kfree(sb);
}

static struct fs_type ext2_fs_type = {
	.name = "ext2",
	.needs_dev = true,
	.mount = ext2_mount,
};

int ext2_init(void)
{
	return vfs_register_fs(&ext2_fs_type);
}
