/*
 * Attribute operations (fs/vfs.h): stat/lstat, access, readlink, chmod,
 * chown, truncate, utimens and statfs, with the checks of Linux fs/stat.c,
 * fs/open.c (do_faccessat, chmod_common, chown_common, vfs_truncate),
 * fs/utimes.c and fs/statfs.c; the permission rules themselves are in
 * perm.c. Changes reach the filesystem through setattr (vfs_setattr).
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"

#define ST_RDONLY 0x0001
#define ST_VALID  0x0020
#define OFF_MAX	  0x7fffffffffffffffull

int vfs_stat(struct vfs_ctx *ctx, const char *path, struct kstat *st, bool follow)
{
	struct vpath p;
	int err = vfs_lookup(ctx, path, follow ? LOOKUP_FOLLOW : 0, &p);

	if (err)
		return err;
	vfs_fill_kstat(p.inode, st);
	vpath_put(&p);
	return 0;
}

int vfs_access(struct vfs_ctx *ctx, const char *path, int mode)
{
	struct vfs_ctx real = *ctx;
	struct cred cred = *ctx->cred;
	struct vpath p;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	/* access(2) checks with the real ids, the whole walk included. */
	cred.fsuid = cred.uid;
	cred.fsgid = cred.gid;
	real.cred = &cred;
	err = vfs_lookup(&real, path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	if (mode != F_OK)
		err = vfs_may(&p, &cred, mode); /* R_OK/W_OK/X_OK == MAY_READ/WRITE/EXEC */
	vpath_put(&p);
	return err;
}

int vfs_readlink(struct vfs_ctx *ctx, const char *path, char *buf, size_t size)
{
	struct vpath p;
	int err;

	if (size == 0 || size > 0x7fffffff)
		return -EINVAL;
	err = vfs_lookup(ctx, path, 0, &p);
	if (err)
		return err;
	if (!S_ISLNK(p.inode->mode) || !p.inode->iops || !p.inode->iops->readlink)
		err = -EINVAL;
	else
		err = p.inode->iops->readlink(p.inode, buf, size);
	vpath_put(&p);
	return err;
}

int vfs_chmod(struct vfs_ctx *ctx, const char *path, uint32_t mode)
{
	struct iattr attr = {.valid = ATTR_CTIME};
	struct vpath p;
	int err;

	err = vfs_lookup(ctx, path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	if (mnt_rdonly(p.mnt)) {
		err = -EROFS;
		goto out;
	}
	err = vfs_chmod_prepare(p.inode, ctx->cred, mode, &attr);
	if (err)
		goto out;
	attr.ctime = vfs_now();
	err = vfs_setattr(p.inode, &attr);
out:
	vpath_put(&p);
	return err;
}

int vfs_chown(struct vfs_ctx *ctx, const char *path, uint32_t uid, uint32_t gid, bool follow)
{
	struct iattr attr = {.valid = ATTR_CTIME};
	struct vpath p;
	int err;

	err = vfs_lookup(ctx, path, follow ? LOOKUP_FOLLOW : 0, &p);
	if (err)
		return err;
	if (mnt_rdonly(p.mnt)) {
		err = -EROFS;
		goto out;
	}
	err = vfs_chown_prepare(p.inode, ctx->cred, uid, gid, &attr);
	if (err)
		goto out;
	attr.ctime = vfs_now();
	err = vfs_setattr(p.inode, &attr);
out:
	vpath_put(&p);
	return err;
}

int vfs_do_truncate(struct inode *ino, uint64_t size, const struct cred *cred, bool always_mtime)
{
	struct iattr attr = {.valid = ATTR_SIZE, .size = size};
	uint32_t kill = vfs_kill_suid_mode(ino, cred);

	if (size != ino->size || always_mtime || kill) {
		attr.valid |= ATTR_MTIME | ATTR_CTIME;
		attr.mtime = attr.ctime = vfs_now();
	}
	if (kill) {
		attr.valid |= ATTR_MODE;
		attr.mode = (ino->mode & 07777) & ~kill;
	}
	return vfs_setattr(ino, &attr);
}

int vfs_truncate(struct vfs_ctx *ctx, const char *path, uint64_t size)
{
	struct vpath p;
	int err;

	if (size > OFF_MAX)
		return -EINVAL;
	err = vfs_lookup(ctx, path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	if (S_ISDIR(p.inode->mode))
		err = -EISDIR;
	else if (!S_ISREG(p.inode->mode))
		err = -EINVAL;
	else if (mnt_rdonly(p.mnt))
		err = -EROFS;
	else
		err = vfs_may(&p, ctx->cred, MAY_WRITE);
	if (!err)
		err = vfs_do_truncate(p.inode, size, ctx->cred, false);
	vpath_put(&p);
	return err;
}

static bool nsec_valid(int64_t nsec)
{
	return nsec == UTIME_NOW || nsec == UTIME_OMIT || (nsec >= 0 && nsec < 1000000000);
}

int vfs_utimens(struct vfs_ctx *ctx, const char *path, const struct timespec64 times[2],
		bool follow)
{
	struct iattr attr = {.valid = ATTR_CTIME};
	struct timespec64 now = vfs_now();
	struct vpath p;
	int err, i;

	if (times) {
		if (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec))
			return -EINVAL;
		/* utimensat: nothing to do, and the path is not even looked at. */
		if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	err = vfs_lookup(ctx, path, follow ? LOOKUP_FOLLOW : 0, &p);
	if (err)
		return err;
	if (mnt_rdonly(p.mnt)) {
		err = -EROFS;
		goto out;
	}
	err = vfs_utimens_check(p.inode, ctx->cred, times, vfs_may(&p, ctx->cred, MAY_WRITE));
	if (err)
		goto out;
	attr.ctime = now;
	for (i = 0; i < 2; i++) {
		struct timespec64 t = now;

		if (times && times[i].tv_nsec == UTIME_OMIT)
			continue;
		if (times && times[i].tv_nsec != UTIME_NOW)
			t = times[i];
		if (i == 0) {
			attr.valid |= ATTR_ATIME;
			attr.atime = t;
		} else {
			attr.valid |= ATTR_MTIME;
			attr.mtime = t;
		}
	}
	err = vfs_setattr(p.inode, &attr);
out:
	vpath_put(&p);
	return err;
}

int vfs_statfs(struct vfs_ctx *ctx, const char *path, struct kstatfs *st)
{
	struct super_block *sb;
	struct vpath p;
	int err;

	err = vfs_lookup(ctx, path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	sb = p.inode->sb;
	memset(st, 0, sizeof(*st));
	if (!sb->ops->statfs) {
		err = -ENOSYS;
	} else {
		err = sb->ops->statfs(sb, st);
		if (!st->frsize)
			st->frsize = st->bsize;
		if (!st->namelen)
			st->namelen = NAME_MAX;
		st->flags |= ST_VALID | (mnt_rdonly(p.mnt) ? ST_RDONLY : 0);
	}
	vpath_put(&p);
	return err;
}
