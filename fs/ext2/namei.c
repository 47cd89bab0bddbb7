/*
 * ext2 namespace operations (struct inode_ops): lookup, create (regular
 * files, devices, fifos, sockets), mkdir, symlink (fast and slow), link,
 * unlink, rmdir, rename and readlink. The VFS has walked the path and
 * checked permissions and types; these keep the on-disk link counts right:
 * a directory has 2 + its subdirectories, and moving a directory to
 * another parent moves its '..' reference.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout", sections 3.5 (i_links_count), 4.1 (directory entries) and 5.3
 * (symbolic links: targets under 60 bytes live in i_block); Linux
 * fs/ext2/namei.c for the order of updates in rename.
 */
#include "fs/ext2/ext2_internal.h"

static int check_name(struct ext2_sb_info *sbi, size_t len, bool write)
{
	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (write && sbi->rdonly)
		return -EROFS;
	return 0;
}

/* The inode an entry of `dir` names, referenced. */
static int get_child(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	uint32_t ino;
	int err;

	err = ext2_dir_find(dir, name, len, &ino);
	if (err)
		return err;
	if (!ext2_ino_ok(sbi, ino)) {
		ext2_err(sbi, "directory inode %llu: entry '%.*s' names bad inode %u",
			 (unsigned long long)dir->ino, (int)len, name, ino);
		return -EUCLEAN;
	}
	return vfs_iget(dir->sb, ino, out);
}

int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int err = check_name(ext2_isbi(dir), len, false);

	return err ? err : get_child(dir, name, len, out);
}

/* Link a new inode into dir, or delete it again. */
static int add_new(struct inode *dir, const char *name, size_t len, struct inode *ino,
		   struct inode **out)
{
	int err = ext2_dir_add(dir, name, len, (uint32_t)ino->ino, ino->mode);

	if (err) {
		ino->nlink = 0;
		vfs_iput(ino);
		return err;
	}
	*out = ino;
	return 0;
}

int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		const struct cred *cred, struct inode **out)
{
	struct inode *ino;
	int err = check_name(ext2_isbi(dir), len, true);

	if (err)
		return err;
	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EINVAL;
	err = ext2_new_inode(dir, mode, rdev, cred, &ino);
	if (err)
		return err;
	return add_new(dir, name, len, ino, out);
}

int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
	       const struct cred *cred, struct inode **out)
{
	struct inode *ino;
	int err = check_name(ext2_isbi(dir), len, true);

	if (err)
		return err;
	if (dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_new_inode(dir, S_IFDIR | (mode & 07777), 0, cred, &ino);
	if (err)
		return err;
	err = ext2_dir_init(ino, (uint32_t)dir->ino);
	if (err) {
		ino->nlink = 0;
		vfs_iput(ino);
		return err;
	}
	err = add_new(dir, name, len, ino, out);
	if (err)
		return err;
	dir->nlink++;
	return ext2_write_inode(dir);
}

int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		 const struct cred *cred, struct inode **out)
{
	struct ext2_sb_info *sbi = ext2_isbi(dir);
	size_t tlen = strnlen(target, PATH_MAX);
	struct inode *ino;
	int err = check_name(sbi, len, true);

	if (err)
		return err;
	if (tlen == 0)
		return -ENOENT;
	/* e2fsck wants a slow symlink's target, NUL included, in one block. */
	if (tlen >= sbi->block_size || tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	err = ext2_new_inode(dir, S_IFLNK | 0777, 0, cred, &ino);
	if (err)
		return err;
	if (tlen < EXT2_FAST_SYMLINK_MAX) {
		memcpy(ext2_ei(ino)->i_block, target, tlen);
	} else {
		struct bcache_buf *b;
		uint32_t blk;

		err = ext2_bmap(ino, 0, true, &blk, NULL);
		if (err)
			goto out_drop;
		b = bget(sbi->dev, blk, sbi->block_size);
		if (IS_ERR(b)) {
			err = (int)PTR_ERR(b);
			goto out_drop;
		}
		memset(b->data, 0, sbi->block_size);
		memcpy(b->data, target, tlen);
		bdirty(b);
		brelse(b);
	}
	ino->size = tlen;
	err = ext2_write_inode(ino);
	if (err)
		goto out_drop;
	return add_new(dir, name, len, ino, out);

out_drop:
	ino->nlink = 0;
	vfs_iput(ino);
	return err;
}

int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	int err = check_name(ext2_isbi(dir), len, true);

	if (err)
		return err;
	if (S_ISDIR(target->mode))
		return -EPERM;
	if (target->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_dir_add(dir, name, len, (uint32_t)target->ino, target->mode);
	if (err)
		return err;
	target->nlink++;
	ext2_touch(target, false);
	return ext2_write_inode(target);
}

/* One link fewer; a corrupt count of 0 is reported, not wrapped. */
static void drop_link(struct inode *ino)
{
	if (ino->nlink == 0)
		ext2_err(ext2_isbi(ino), "inode %llu: unlinking with a link count of 0",
			 (unsigned long long)ino->ino);
	else
		ino->nlink--;
}

int ext2_unlink(struct inode *dir, const char *name, size_t len)
{
	struct inode *ino;
	int err = check_name(ext2_isbi(dir), len, true);

	if (err)
		return err;
	err = get_child(dir, name, len, &ino);
	if (err)
		return err;
	if (S_ISDIR(ino->mode)) {
		err = -EISDIR;
		goto out;
	}
	err = ext2_dir_remove(dir, name, len, (uint32_t)ino->ino);
	if (err)
		goto out;
	drop_link(ino);
	ext2_touch(ino, false);
	err = ext2_write_inode(ino);
out:
	vfs_iput(ino); /* the last one deletes it (evict_inode) */
	return err;
}

int ext2_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct inode *ino;
	int err = check_name(ext2_isbi(dir), len, true);

	if (err)
		return err;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	err = get_child(dir, name, len, &ino);
	if (err)
		return err;
	if (!S_ISDIR(ino->mode)) {
		err = -ENOTDIR;
		goto out;
	}
	err = ext2_dir_empty(ino);
	if (err <= 0) {
		err = err ? err : -ENOTEMPTY;
		goto out;
	}
	err = ext2_dir_remove(dir, name, len, (uint32_t)ino->ino);
	if (err)
		goto out;
	ino->nlink = 0; /* its name and its '.' */
	ext2_touch(ino, false);
	err = ext2_write_inode(ino);
	drop_link(dir); /* its '..' */
	if (!err)
		err = ext2_write_inode(dir);
out:
	vfs_iput(ino);
	return err;
}

int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		const char *nname, size_t nlen)
{
	struct ext2_sb_info *sbi = ext2_isbi(odir);
	struct inode *old = NULL, *target = NULL;
	bool is_dir;
	int err;

	err = check_name(sbi, olen, true);
	if (!err)
		err = check_name(sbi, nlen, true);
	if (err)
		return err;
	err = get_child(odir, oname, olen, &old);
	if (err)
		return err;
	is_dir = S_ISDIR(old->mode);
	err = get_child(ndir, nname, nlen, &target);
	if (err == -ENOENT) {
		target = NULL;
	} else if (err) {
		goto out;
	} else if (target == old) {
		err = 0; /* two names of one inode: nothing to do */
		goto out;
	} else if (is_dir) {
		if (!S_ISDIR(target->mode)) {
			err = -ENOTDIR;
			goto out;
		}
		err = ext2_dir_empty(target);
		if (err <= 0) {
			err = err ? err : -ENOTEMPTY;
			goto out;
		}
	} else if (S_ISDIR(target->mode)) {
		err = -EISDIR;
		goto out;
	}
	if (is_dir && odir != ndir && !target && ndir->nlink >= EXT2_LINK_MAX) {
		err = -EMLINK;
		goto out;
	}

	/* The new name first, so a failure leaves the old one in place. */
	if (target) {
		err = ext2_dir_set(ndir, nname, nlen, (uint32_t)old->ino, old->mode);
		if (err)
			goto out;
		if (is_dir) {
			target->nlink = 0;
			drop_link(ndir); /* the target's '..' */
		} else {
			drop_link(target);
		}
		ext2_touch(target, false);
		err = ext2_write_inode(target);
	} else {
		err = ext2_dir_add(ndir, nname, nlen, (uint32_t)old->ino, old->mode);
	}
	if (err)
		goto out;
	err = ext2_dir_remove(odir, oname, olen, (uint32_t)old->ino);
	if (err) {
		ext2_err(sbi, "rename: inode %llu has lost its old name",
			 (unsigned long long)old->ino);
		goto out;
	}
	ext2_touch(old, false);
	err = ext2_write_inode(old);
	if (err)
		goto out;
	if (is_dir && odir != ndir) {
		err = ext2_dir_set(old, "..", 2, (uint32_t)ndir->ino, S_IFDIR);
		if (err)
			goto out;
		drop_link(odir);
		ndir->nlink++;
	}
	err = ext2_write_inode(odir);
	if (!err && ndir != odir)
		err = ext2_write_inode(ndir);
out:
	vfs_iput(target);
	vfs_iput(old);
	return err;
}

int ext2_readlink(struct inode *ino, char *buf, size_t size)
{
	struct ext2_sb_info *sbi = ext2_isbi(ino);
	size_t n = (size_t)MIN((uint64_t)size, ino->size);
	struct bcache_buf *b;
	uint32_t blk;
	int err;

	if (!S_ISLNK(ino->mode))
		return -EINVAL;
	if (!ext2_has_blocks(ino)) {
		memcpy(buf, ext2_ei(ino)->i_block, n);
		return (int)n;
	}
	err = ext2_bmap(ino, 0, false, &blk, NULL);
	if (err)
		return err;
	if (!blk) {
		ext2_err(sbi, "symlink inode %llu has no block", (unsigned long long)ino->ino);
		return -EUCLEAN;
	}
	b = ext2_bread(sbi, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memcpy(buf, b->data, n);
	brelse(b);
	return (int)n;
}
