/*
 * Namespace operations (fs/vfs.h): mkdir, mknod, rmdir, unlink, link,
 * symlink and rename. Each checks in the order Linux does, so the same
 * errno comes out when several things are wrong: fs/namei.c
 * filename_create, may_create, may_delete, do_unlinkat, do_rmdir,
 * do_linkat (with protected_hardlinks on, as Debian ships), do_symlinkat
 * and do_renameat2/vfs_rename; man pages mkdir(2), mknod(2), unlink(2),
 * rmdir(2), link(2), symlink(2), rename(2).
 *
 * The last component of the path being changed is looked up without
 * crossing mounts, so a mountpoint is seen as such (-EBUSY).
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"

#define ANCESTOR_MAX 4096 /* deeper than any sane tree: a corrupt ".." loop */

/* filename_create: walk to the parent of a new name; -EEXIST if it exists
 * or is ".", ".." or "/", -ENOENT for "name/" unless a directory is being
 * made, -EROFS. The nameidata is released by the caller. */
static int create_prepare(struct nameidata *nd, struct vfs_ctx *ctx, const char *path, bool is_dir)
{
	struct inode *child;
	int err;

	err = namei_parent(nd, ctx, path);
	if (err)
		return err;
	if (nd->last_type != LAST_NORM)
		return -EEXIST;
	err = vfs_lookup_child(nd->path.inode, nd->last, nd->last_len, &child);
	if (!err) {
		vfs_iput(child);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	if (nd->trailing && !is_dir)
		return -ENOENT;
	if (mnt_rdonly(nd->path.mnt))
		return -EROFS;
	return 0;
}

/* may_create: a live directory we may write and search. */
static int may_create(struct vpath *dir, const struct cred *cred)
{
	if (dir->inode->nlink == 0)
		return -ENOENT;
	return vfs_may(dir, cred, MAY_WRITE | MAY_EXEC);
}

static int may_delete(struct vpath *dir, struct inode *victim, bool is_dir, const struct cred *cred)
{
	int err = vfs_may(dir, cred, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if (vfs_check_sticky(dir->inode, victim, cred))
		return -EPERM;
	if (is_dir && !S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (!is_dir && S_ISDIR(victim->mode))
		return -EISDIR;
	if (dir->inode->nlink == 0)
		return -ENOENT;
	return 0;
}

int vfs_mkdir(struct vfs_ctx *ctx, const char *path, uint32_t mode)
{
	struct nameidata nd;
	struct inode *dir, *ino;
	int err;

	err = create_prepare(&nd, ctx, path, true);
	if (err)
		goto out;
	err = may_create(&nd.path, ctx->cred);
	if (err)
		goto out;
	dir = nd.path.inode;
	if (!dir->iops->mkdir) {
		err = -EPERM;
		goto out;
	}
	mode = S_IFDIR | (mode & 01777 & ~ctx->umask);
	err = dir->iops->mkdir(dir, nd.last, nd.last_len, mode, ctx->cred, &ino);
	if (!err)
		vfs_iput(ino);
out:
	namei_release(&nd);
	return err;
}

int vfs_mknod(struct vfs_ctx *ctx, const char *path, uint32_t mode, uint32_t rdev)
{
	struct nameidata nd;
	struct inode *dir, *ino;
	int err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = create_prepare(&nd, ctx, path, false);
	if (err)
		goto out;
	err = may_create(&nd.path, ctx->cred);
	if (err)
		goto out;
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && ctx->cred->fsuid != 0) {
		err = -EPERM; /* CAP_MKNOD */
		goto out;
	}
	dir = nd.path.inode;
	if (!dir->iops->create) {
		err = -EPERM;
		goto out;
	}
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		rdev = 0;
	mode = (mode & S_IFMT) | (mode & 07777 & ~ctx->umask);
	err = dir->iops->create(dir, nd.last, nd.last_len, mode, rdev, ctx->cred, &ino);
	if (!err)
		vfs_iput(ino);
out:
	namei_release(&nd);
	return err;
}

int vfs_unlink(struct vfs_ctx *ctx, const char *path)
{
	struct nameidata nd;
	struct inode *victim = NULL;
	int err;

	err = namei_parent(&nd, ctx, path);
	if (err)
		goto out;
	if (nd.last_type != LAST_NORM) {
		err = -EISDIR;
		goto out;
	}
	if (mnt_rdonly(nd.path.mnt)) {
		err = -EROFS;
		goto out;
	}
	err = vfs_lookup_child(nd.path.inode, nd.last, nd.last_len, &victim);
	if (err)
		goto out;
	if (nd.trailing) {
		err = S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
		goto out;
	}
	err = may_delete(&nd.path, victim, false, ctx->cred);
	if (err)
		goto out;
	if (victim->mounted_here) {
		err = -EBUSY;
		goto out;
	}
	if (!nd.path.inode->iops->unlink) {
		err = -EPERM;
		goto out;
	}
	err = nd.path.inode->iops->unlink(nd.path.inode, nd.last, nd.last_len);
out:
	vfs_iput(victim);
	namei_release(&nd);
	return err;
}

int vfs_rmdir(struct vfs_ctx *ctx, const char *path)
{
	struct nameidata nd;
	struct inode *victim = NULL;
	int err;

	err = namei_parent(&nd, ctx, path);
	if (err)
		goto out;
	switch (nd.last_type) {
	case LAST_DOTDOT:
		err = -ENOTEMPTY;
		goto out;
	case LAST_DOT:
		err = -EINVAL;
		goto out;
	case LAST_ROOT:
		err = -EBUSY;
		goto out;
	}
	if (mnt_rdonly(nd.path.mnt)) {
		err = -EROFS;
		goto out;
	}
	err = vfs_lookup_child(nd.path.inode, nd.last, nd.last_len, &victim);
	if (err)
		goto out;
	err = may_delete(&nd.path, victim, true, ctx->cred);
	if (err)
		goto out;
	if (victim->mounted_here || victim == ctx->root.inode) {
		err = -EBUSY;
		goto out;
	}
	if (!nd.path.inode->iops->rmdir) {
		err = -EPERM;
		goto out;
	}
	err = nd.path.inode->iops->rmdir(nd.path.inode, nd.last, nd.last_len);
out:
	vfs_iput(victim);
	namei_release(&nd);
	return err;
}

/* may_linkat with protected_hardlinks = 1: a non-owner may only link a
 * regular, non-setuid file it can read and write. */
static int may_linkat(struct vpath *old, const struct cred *cred)
{
	struct inode *ino = old->inode;

	if (vfs_owner_or_root(ino, cred))
		return 0;
	if (S_ISREG(ino->mode) && !(ino->mode & S_ISUID) &&
	    (ino->mode & (S_ISGID | 010)) != (S_ISGID | 010) &&
	    !vfs_permission(ino, cred, MAY_READ | MAY_WRITE))
		return 0;
	return -EPERM;
}

int vfs_link(struct vfs_ctx *ctx, const char *oldpath, const char *newpath)
{
	struct vpath old = {NULL, NULL};
	struct nameidata nd;
	struct inode *dir;
	int err;

	memset(&nd, 0, sizeof(nd));
	err = vfs_lookup(ctx, oldpath, 0, &old);
	if (err)
		goto out;
	err = create_prepare(&nd, ctx, newpath, false);
	if (err)
		goto out;
	if (old.mnt != nd.path.mnt) {
		err = -EXDEV;
		goto out;
	}
	err = may_linkat(&old, ctx->cred);
	if (err)
		goto out;
	err = may_create(&nd.path, ctx->cred);
	if (err)
		goto out;
	dir = nd.path.inode;
	if (S_ISDIR(old.inode->mode) || !dir->iops->link) {
		err = -EPERM;
		goto out;
	}
	if (old.inode->nlink == 0) {
		err = -ENOENT;
		goto out;
	}
	err = dir->iops->link(dir, nd.last, nd.last_len, old.inode);
out:
	vpath_put(&old);
	namei_release(&nd);
	return err;
}

int vfs_symlink(struct vfs_ctx *ctx, const char *target, const char *linkpath)
{
	size_t tlen = strnlen(target, PATH_MAX);
	struct nameidata nd;
	struct inode *dir, *ino;
	int err;

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	err = create_prepare(&nd, ctx, linkpath, false);
	if (err)
		goto out;
	err = may_create(&nd.path, ctx->cred);
	if (err)
		goto out;
	dir = nd.path.inode;
	if (!dir->iops->symlink) {
		err = -EPERM;
		goto out;
	}
	err = dir->iops->symlink(dir, nd.last, nd.last_len, target, ctx->cred, &ino);
	if (!err)
		vfs_iput(ino);
out:
	namei_release(&nd);
	return err;
}

/* Whether directory `anc` is `ino` or one of its ancestors within their
 * filesystem: 1, 0 or -errno. */
static int is_ancestor(struct inode *anc, struct inode *ino)
{
	struct inode *cur = ino, *parent;
	int depth, ret = 0;

	vfs_igrab(cur);
	for (depth = 0; depth < ANCESTOR_MAX; depth++) {
		if (cur == anc) {
			ret = 1;
			break;
		}
		if (cur->ino == cur->sb->root_ino)
			break;
		ret = vfs_lookup_child(cur, "..", 2, &parent);
		if (ret)
			break;
		vfs_iput(cur);
		cur = parent;
	}
	if (depth == ANCESTOR_MAX) {
		pr_err("vfs: directory loop above inode %llu\n", (unsigned long long)ino->ino);
		ret = -EUCLEAN;
	}
	vfs_iput(cur);
	return ret;
}

/* The rename(2) checks once both entries are known (vfs_rename). */
static int rename_checks(struct vfs_ctx *ctx, struct nameidata *ond, struct inode *old,
			 struct nameidata *nnd, struct inode *new)
{
	const struct cred *cred = ctx->cred;
	bool is_dir = S_ISDIR(old->mode);
	int err;

	if (!is_dir && (ond->trailing || nnd->trailing))
		return -ENOTDIR;
	if (ond->path.inode != nnd->path.inode) {
		/* lock_rename's trap: neither may contain the other. */
		if (is_dir) {
			err = is_ancestor(old, nnd->path.inode);
			if (err)
				return err < 0 ? err : -EINVAL;
		}
		if (new &&S_ISDIR(new->mode)) {
			err = is_ancestor(new, ond->path.inode);
			if (err)
				return err < 0 ? err : -ENOTEMPTY;
		}
	}
	if (old == new)
		return 1; /* hard links to one inode: nothing to do */
	err = may_delete(&ond->path, old, is_dir, cred);
	if (err)
		return err;
	err = new ? may_delete(&nnd->path, new, is_dir, cred) : may_create(&nnd->path, cred);
	if (err)
		return err;
	if (is_dir && ond->path.inode != nnd->path.inode) {
		struct vpath op = {ond->path.mnt, old};

		err = vfs_may(&op, cred, MAY_WRITE); /* its ".." changes */
		if (err)
			return err;
	}
	if (old->mounted_here || (new &&new->mounted_here) || old == ctx->root.inode ||
	    new == ctx->root.inode)
		return -EBUSY;
	if (new &&is_dir) {
		struct vpath np = {nnd->path.mnt, new};

		err = vfs_dir_nonempty(&np);
		if (err)
			return err < 0 ? err : -ENOTEMPTY;
	}
	return 0;
}

int vfs_rename(struct vfs_ctx *ctx, const char *oldpath, const char *newpath)
{
	struct nameidata ond, nnd;
	struct inode *old = NULL, *new = NULL, *odir;
	int err;

	memset(&nnd, 0, sizeof(nnd));
	err = namei_parent(&ond, ctx, oldpath);
	if (err)
		goto out;
	err = namei_parent(&nnd, ctx, newpath);
	if (err)
		goto out;
	if (ond.path.mnt != nnd.path.mnt) {
		err = -EXDEV;
		goto out;
	}
	if (ond.last_type != LAST_NORM || nnd.last_type != LAST_NORM) {
		err = -EBUSY;
		goto out;
	}
	if (mnt_rdonly(ond.path.mnt)) {
		err = -EROFS;
		goto out;
	}
	odir = ond.path.inode;
	err = vfs_lookup_child(odir, ond.last, ond.last_len, &old);
	if (err)
		goto out;
	err = vfs_lookup_child(nnd.path.inode, nnd.last, nnd.last_len, &new);
	if (err == -ENOENT)
		new = NULL;
	else if (err)
		goto out;
	err = rename_checks(ctx, &ond, old, &nnd, new);
	if (err) {
		if (err > 0)
			err = 0;
		goto out;
	}
	if (!odir->iops->rename) {
		err = -EPERM;
		goto out;
	}
	err = odir->iops->rename(odir, ond.last, ond.last_len, nnd.path.inode, nnd.last,
				 nnd.last_len);
out:
	vfs_iput(old);
	vfs_iput(new);
	namei_release(&nnd);
	namei_release(&ond);
	return err;
}
