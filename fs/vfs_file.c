/*
 * Open files (fs/vfs.h): open(2) with its flags, close, read/write and
 * their positional forms, lseek, getdents64, fstat, fsync and ftruncate.
 *
 * open follows Linux fs/namei.c path_openat/do_open/may_open: the last
 * component is resolved here so that O_CREAT, O_EXCL and O_NOFOLLOW see
 * it before any symlink is followed; a newly created file is opened
 * without a permission check (so O_CREAT|O_RDWR with mode 0444 works).
 * Device nodes open through the device switch (fs/devfs.h). A file keeps
 * its opener's fs ids: a write by a non-root opener clears setuid/setgid as
 * Linux file_remove_privs does.
 *
 * Lock legend: struct file refcnt is guarded by vfs_lock; f->pos belongs
 * to whoever holds the file (issue 4 adds a per-file lock).
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"
#include "fs/devfs.h"
#include "kernel/mm/heap.h"

#define MAX_RW_COUNT 0x7ffff000ul /* Linux's per-call limit (INT_MAX, page aligned) */
#define OFF_MAX	     0x7fffffffffffffffull

struct vfs_file {
	struct file file;
	uint32_t fsuid, fsgid; /* the opener's, for suid clearing on write */
};

static bool readable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;

	return acc == O_RDONLY || acc == O_RDWR;
}

static bool writable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;

	return acc == O_WRONLY || acc == O_RDWR;
}

/* may_open: the checks on what is being opened. *trunc is cleared for
 * files O_TRUNC does not apply to. */
static int may_open(struct vpath *p, const struct cred *cred, int may, bool *trunc)
{
	uint32_t mode = p->inode->mode;

	switch (mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;
	case S_IFDIR:
		if (may & MAY_WRITE)
			return -EISDIR;
		break;
	case S_IFREG:
		break;
	default:
		*trunc = false;
		break;
	}
	return may ? vfs_may(p, cred, may) : 0;
}

static int create_file(struct nameidata *nd, uint32_t mode, struct vpath *out)
{
	struct vpath *dir = &nd->path;
	struct inode *ino;
	int err;

	if (dir->inode->nlink == 0)
		return -ENOENT;
	if (mnt_rdonly(dir->mnt))
		return -EROFS;
	err = vfs_may(dir, nd->cred, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	if (!dir->inode->iops->create)
		return -EACCES;
	mode = S_IFREG | (mode & 07777 & ~nd->ctx->umask);
	err = dir->inode->iops->create(dir->inode, nd->last, nd->last_len, mode, 0, nd->cred, &ino);
	if (err)
		return err;
	vpath_adopt(out, dir->mnt, ino);
	return 0;
}

/* Resolve the last component for O_CREAT: *created tells whether it made
 * the file. */
static int open_create(struct nameidata *nd, int flags, uint32_t mode, struct vpath *out,
		       bool *created)
{
	struct inode *child;
	int err;

	for (;;) {
		if (nd->last_type != LAST_NORM) {
			if (flags & O_EXCL)
				return -EEXIST;
			/* "/", "." or "..": a directory, refused below. */
			return namei_last(nd, 0, out);
		}
		if (nd->trailing)
			return -EISDIR;
		err = vfs_lookup_child(nd->path.inode, nd->last, nd->last_len, &child);
		if (err == -ENOENT) {
			*created = true;
			return create_file(nd, mode, out);
		}
		if (err)
			return err;
		vpath_adopt(out, nd->path.mnt, child);
		vfs_follow_mounts(out);
		if (flags & O_EXCL) {
			vpath_put(out);
			return -EEXIST;
		}
		if (!S_ISLNK(out->inode->mode) || (flags & O_NOFOLLOW))
			return 0;
		err = namei_follow_last(nd, out->inode);
		vpath_put(out);
		if (err)
			return err;
	}
}

int vfs_open(struct vfs_ctx *ctx, const char *path, int flags, uint32_t mode, struct file **out)
{
	unsigned acc = flags & O_ACCMODE;
	int may = acc == O_RDONLY ? MAY_READ : acc == O_WRONLY ? MAY_WRITE : MAY_READ | MAY_WRITE;
	struct nameidata nd;
	struct vpath p = {NULL, NULL};
	bool created = false, trunc;
	struct vfs_file *vf;
	struct file *f;
	int err;

	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (flags & O_TRUNC)
		may |= MAY_WRITE;
	err = namei_parent(&nd, ctx, path);
	if (err)
		goto out_nd;
	if (flags & O_CREAT) {
		err = open_create(&nd, flags, mode, &p, &created);
		if (err)
			goto out_nd;
		if (S_ISDIR(p.inode->mode)) {
			err = -EISDIR;
			goto out_path;
		}
	} else {
		err = namei_last(&nd,
				 ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
					 ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0),
				 &p);
		if (err)
			goto out_nd;
	}
	trunc = (flags & O_TRUNC) && !created && S_ISREG(p.inode->mode);
	if (created) {
		may = 0; /* the creator may open what it just made */
	} else if (trunc && mnt_rdonly(p.mnt)) {
		err = -EROFS;
		goto out_path;
	}
	err = may_open(&p, ctx->cred, may, &trunc);
	if (err)
		goto out_path;
	if (S_ISFIFO(p.inode->mode) || S_ISSOCK(p.inode->mode)) {
		err = -ENXIO; /* pipes come with issue 4 */
		goto out_path;
	}

	vf = kzalloc(sizeof(*vf));
	if (!vf) {
		err = -ENOMEM;
		goto out_path;
	}
	vf->fsuid = ctx->cred->fsuid;
	vf->fsgid = ctx->cred->fsgid;
	f = &vf->file;
	f->path = p;
	f->inode = p.inode;
	f->ops = p.inode->fops;
	f->flags = (unsigned)flags & ~(unsigned)(O_CREAT | O_EXCL | O_TRUNC);
	f->refcnt = 1;
	if (S_ISCHR(p.inode->mode) || S_ISBLK(p.inode->mode))
		err = devsw_open(p.inode, f);
	else if (f->ops && f->ops->open)
		err = f->ops->open(p.inode, f);
	if (err) {
		kfree(vf);
		goto out_path;
	}
	p.inode = NULL; /* the file owns the path now */
	if (nd.last_type == LAST_NORM && !S_ISDIR(f->inode->mode)) {
		/* For vfs_file_path; a file without it still works. */
		f->name = kmalloc(nd.last_len + 1);
		if (f->name) {
			memcpy(f->name, nd.last, nd.last_len);
			f->name[nd.last_len] = '\0';
			f->dir = nd.path;
			vpath_get(&f->dir);
		}
	}
	if (trunc) {
		err = vfs_do_truncate(f->inode, 0, ctx->cred, true);
		if (err) {
			vfs_close(f);
			goto out_nd;
		}
	}
	*out = f;
	goto out_nd;

out_path:
	vpath_put(&p);
out_nd:
	namei_release(&nd);
	return err;
}

struct file *vfs_file_get(struct file *f)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);

	f->refcnt++;
	spin_unlock_irqrestore(&vfs_lock, fl);
	return f;
}

int vfs_close(struct file *f)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	int left;

	KASSERT(f->refcnt > 0);
	left = --f->refcnt;
	spin_unlock_irqrestore(&vfs_lock, fl);
	if (left)
		return 0;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	vpath_put(&f->path);
	vpath_put(&f->dir);
	kfree(f->name);
	kfree(container_of(f, struct vfs_file, file));
	return 0;
}

static long do_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	if (!readable(f))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (off > OFF_MAX)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	return f->ops->read(f, buf, len, off);
}

static long do_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct inode *ino = f->inode;
	struct cred cred;
	uint32_t kill;

	if (!writable(f))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (off > OFF_MAX)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	memset(&cred, 0, sizeof(cred));
	cred.fsuid = cred.uid = cred.euid = container_of(f, struct vfs_file, file)->fsuid;
	cred.fsgid = cred.gid = cred.egid = container_of(f, struct vfs_file, file)->fsgid;
	kill = vfs_kill_suid_mode(ino, &cred);
	if (kill) {
		struct iattr attr = {.valid = ATTR_MODE | ATTR_CTIME};
		int err;

		attr.mode = (ino->mode & 07777) & ~kill;
		attr.ctime = vfs_now();
		err = vfs_setattr(ino, &attr);
		if (err)
			return err;
	}
	return f->ops->write(f, buf, len, off);
}

long vfs_read(struct file *f, void *buf, size_t len)
{
	long n = do_read(f, buf, len, f->pos);

	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

long vfs_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	return do_read(f, buf, len, off);
}

long vfs_write(struct file *f, const void *buf, size_t len)
{
	long n;

	if ((f->flags & O_APPEND) && S_ISREG(f->inode->mode))
		f->pos = f->inode->size;
	n = do_write(f, buf, len, f->pos);
	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

long vfs_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	/* As on Linux, pwrite on an O_APPEND file appends. */
	if ((f->flags & O_APPEND) && S_ISREG(f->inode->mode))
		off = f->inode->size;
	return do_write(f, buf, len, off);
}

long vfs_lseek(struct file *f, int64_t off, int whence)
{
	bool dir = S_ISDIR(f->inode->mode);
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		if (dir)
			return -EINVAL;
		base = S_ISBLK(f->inode->mode) ? (int64_t)devsw_size(f) : (int64_t)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (long)f->pos;
}

struct getdents_ctx {
	char *buf;
	size_t size, used;
	struct linux_dirent64 *prev;
	const uint64_t *pos;
	int err;
};

static int getdents_fill(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct getdents_ctx *c = arg;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 *d;

	if (c->used + reclen > c->size) {
		if (!c->used)
			c->err = -EINVAL;
		return 1;
	}
	/* The previous record continues where this one starts. */
	if (c->prev)
		c->prev->d_off = (int64_t)*c->pos;
	d = (struct linux_dirent64 *)(c->buf + c->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = 0;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, len);
	c->prev = d;
	c->used += reclen;
	return 0;
}

long vfs_getdents(struct file *f, void *buf, size_t size)
{
	struct getdents_ctx c = {buf, size, 0, NULL, NULL, 0};
	uint64_t pos = f->pos;
	int err;

	if (!S_ISDIR(f->inode->mode) || !f->ops || !f->ops->readdir)
		return -ENOTDIR;
	c.pos = &pos;
	err = f->ops->readdir(f, &pos, getdents_fill, &c);
	if (c.prev)
		c.prev->d_off = (int64_t)pos;
	f->pos = pos;
	if (c.used)
		return (long)c.used;
	return c.err ? c.err : err;
}

void vfs_fill_kstat(const struct inode *ino, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = ino->sb->dev_id;
	st->ino = ino->ino;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->uid = ino->uid;
	st->gid = ino->gid;
	st->rdev = ino->rdev;
	st->size = ino->size;
	st->blksize = ino->sb->block_size ? ino->sb->block_size : 4096;
	st->blocks = ino->blocks;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	vfs_fill_kstat(f->inode, st);
	return 0;
}

int vfs_fsync(struct file *f)
{
	if (!f->ops || !f->ops->fsync)
		return -EINVAL;
	return f->ops->fsync(f);
}

int vfs_ftruncate(struct file *f, uint64_t size)
{
	struct cred cred;

	if (!S_ISREG(f->inode->mode) || !writable(f))
		return -EINVAL;
	if (size > OFF_MAX)
		return -EINVAL;
	memset(&cred, 0, sizeof(cred));
	cred.fsuid = container_of(f, struct vfs_file, file)->fsuid;
	cred.fsgid = container_of(f, struct vfs_file, file)->fsgid;
	return vfs_do_truncate(f->inode, size, &cred, false);
}
