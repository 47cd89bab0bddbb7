/*
 * System calls that name paths: stat and friends, mkdir, rmdir, unlink,
 * rename, link, symlink, readlink, chmod, chown, truncate, utimensat,
 * statfs, chdir and getcwd, with their *at forms (Linux x86_64 numbers;
 * semantics from the man pages). How *at calls resolve dirfd is described
 * in sys_file.c.
 */
#include "kernel/syscall/sys_file_internal.h"

/* ---- stat ------------------------------------------------------------------ */

static long stat_out(long ubuf, const struct kstat *k)
{
	struct stat_user s;

	memset(&s, 0, sizeof(s));
	s.dev = k->dev;
	s.ino = k->ino;
	s.nlink = k->nlink;
	s.mode = k->mode;
	s.uid = k->uid;
	s.gid = k->gid;
	s.rdev = k->rdev;
	s.size = (int64_t)k->size;
	s.blksize = (int64_t)k->blksize;
	s.blocks = (int64_t)k->blocks;
	s.atime = k->atime.tv_sec;
	s.atime_nsec = k->atime.tv_nsec;
	s.mtime = k->mtime.tv_sec;
	s.mtime_nsec = k->mtime.tv_nsec;
	s.ctime = k->ctime.tv_sec;
	s.ctime_nsec = k->ctime.tv_nsec;
	return copy_to_user((void *)ubuf, &s, sizeof(s));
}

static long fstat_fd(long fd, long ubuf)
{
	struct file *f = fd_get(fds(), (int)fd);
	struct kstat k;
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fstat(f, &k);
	vfs_close(f);
	return r ? r : stat_out(ubuf, &k);
}

static long stat_at(long dirfd, long upath, long ubuf, long flags)
{
	char *path;
	struct at_ctx at;
	struct kstat k;
	long r;

	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	path = path_in(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!path[0] && !(flags & AT_EMPTY_PATH)) {
		/* Linux refuses an empty path before looking at dirfd. */
		kfree(path);
		return -ENOENT;
	}
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		if ((int)dirfd != AT_FDCWD) {
			kfree(path);
			return fstat_fd(dirfd, ubuf);
		}
		strlcpy(path, ".", PATH_MAX);
	}
	r = at_begin(dirfd, path, &at);
	if (!r) {
		r = vfs_stat(&at.ctx, path, &k, !(flags & AT_SYMLINK_NOFOLLOW));
		at_end(&at);
	}
	kfree(path);
	return r ? r : stat_out(ubuf, &k);
}

static long sys_stat(const long a[6])
{
	return stat_at(AT_FDCWD, a[0], a[1], 0);
}

static long sys_lstat(const long a[6])
{
	return stat_at(AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

static long sys_fstat(const long a[6])
{
	return fstat_fd(a[0], a[1]);
}

static long sys_newfstatat(const long a[6])
{
	return stat_at(a[0], a[1], a[2], a[3]);
}

static long statfs_out(long ubuf, const struct kstatfs *k)
{
	struct statfs_user s;

	memset(&s, 0, sizeof(s));
	s.type = (int64_t)k->type;
	s.bsize = (int64_t)k->bsize;
	s.blocks = k->blocks;
	s.bfree = k->bfree;
	s.bavail = k->bavail;
	s.files = k->files;
	s.ffree = k->ffree;
	s.namelen = (int64_t)k->namelen;
	s.frsize = (int64_t)k->frsize;
	s.flags = (int64_t)k->flags;
	return copy_to_user((void *)ubuf, &s, sizeof(s));
}

static long sys_statfs(const long a[6])
{
	char *path = path_in(a[0]);
	struct kstatfs k;
	long r;

	if (IS_ERR(path))
		return PTR_ERR(path);
	r = vfs_statfs(&current_process()->ctx, path, &k);
	kfree(path);
	return r ? r : statfs_out(a[1], &k);
}

static long sys_fstatfs(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	struct vfs_ctx ctx;
	struct kstatfs k;
	long r;

	if (!f)
		return -EBADF;
	r = file_ctx(f, &ctx);
	if (!r)
		r = vfs_statfs(&ctx, "/", &k);
	vfs_close(f);
	return r ? r : statfs_out(a[1], &k);
}

/* ---- path operations --------------------------------------------------------- */

/* Run op on one path relative to dirfd. */
struct path_op {
	int (*fn)(struct vfs_ctx *ctx, const char *path, const long *arg);
	long arg[3];
};

static long path_at(long dirfd, long upath, const struct path_op *op)
{
	char *path = path_in(upath);
	struct at_ctx at;
	long r;

	if (IS_ERR(path))
		return PTR_ERR(path);
	r = at_begin(dirfd, path, &at);
	if (!r) {
		r = op->fn(&at.ctx, path, op->arg);
		at_end(&at);
	}
	kfree(path);
	return r;
}

static int op_access(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_access(ctx, path, (int)arg[0]);
}

static int op_mkdir(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_mkdir(ctx, path, (uint32_t)arg[0]);
}

static int op_rmdir(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_rmdir(ctx, path);
}

static int op_unlink(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_unlink(ctx, path);
}

static int op_chmod(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_chmod(ctx, path, (uint32_t)arg[0]);
}

static int op_chown(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_chown(ctx, path, (uint32_t)arg[0], (uint32_t)arg[1], arg[2] != 0);
}

static int op_truncate(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return arg[0] < 0 ? -EINVAL : vfs_truncate(ctx, path, (uint64_t)arg[0]);
}

static int op_chdir(struct vfs_ctx *ctx, const char *path, const long *arg)
{
	return vfs_chdir(&current_process()->ctx, path);
}

static long sys_access(const long a[6])
{
	struct path_op op = {op_access, {a[1]}};

	return a[1] & ~7l ? -EINVAL : path_at(AT_FDCWD, a[0], &op);
}

static long sys_faccessat(const long a[6])
{
	struct path_op op = {op_access, {a[2]}};

	return a[2] & ~7l ? -EINVAL : path_at(a[0], a[1], &op);
}

static long sys_faccessat2(const long a[6])
{
	/* Root's real and effective ids agree until setuid arrives: AT_EACCESS
	 * changes nothing yet. */
	if (a[3] & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	return sys_faccessat(a);
}

static long sys_mkdir(const long a[6])
{
	struct path_op op = {op_mkdir, {a[1]}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_mkdirat(const long a[6])
{
	struct path_op op = {op_mkdir, {a[2]}};

	return path_at(a[0], a[1], &op);
}

static long sys_rmdir(const long a[6])
{
	struct path_op op = {op_rmdir, {0}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_unlink(const long a[6])
{
	struct path_op op = {op_unlink, {0}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_unlinkat(const long a[6])
{
	struct path_op op = {(a[2] & AT_REMOVEDIR) ? op_rmdir : op_unlink, {0}};

	if (a[2] & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	return path_at(a[0], a[1], &op);
}

static long sys_chmod(const long a[6])
{
	struct path_op op = {op_chmod, {a[1]}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_fchmodat(const long a[6])
{
	struct path_op op = {op_chmod, {a[2]}};

	return path_at(a[0], a[1], &op);
}

static long sys_chown(const long a[6])
{
	struct path_op op = {op_chown, {a[1], a[2], 1}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_lchown(const long a[6])
{
	struct path_op op = {op_chown, {a[1], a[2], 0}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_truncate(const long a[6])
{
	struct path_op op = {op_truncate, {a[1]}};

	return path_at(AT_FDCWD, a[0], &op);
}

static long sys_chdir(const long a[6])
{
	struct path_op op = {op_chdir, {0}};

	return path_at(AT_FDCWD, a[0], &op);
}

/* Run op on the open file at fd as path "/" of a context rooted at it. */
static long file_op(long fd, const struct path_op *op)
{
	struct file *f = fd_get(fds(), (int)fd);
	struct vfs_ctx ctx;
	long r;

	if (!f)
		return -EBADF;
	r = file_ctx(f, &ctx);
	if (!r)
		r = op->fn(&ctx, "/", op->arg);
	vfs_close(f);
	return r;
}

static long sys_fchmod(const long a[6])
{
	struct path_op op = {op_chmod, {a[1]}};

	return file_op(a[0], &op);
}

static long sys_fchown(const long a[6])
{
	struct path_op op = {op_chown, {a[1], a[2], 1}};

	return file_op(a[0], &op);
}

static long sys_fchownat(const long a[6])
{
	struct path_op op = {op_chown, {a[2], a[3], !(a[4] & AT_SYMLINK_NOFOLLOW)}};
	char c;

	if (a[4] & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((a[4] & AT_EMPTY_PATH) && copy_from_user(&c, (const void *)a[1], 1) == 0 && !c)
		return file_op(a[0], &op);
	return path_at(a[0], a[1], &op);
}

/* The absolute path of the directory open at fd (or the working
 * directory for AT_FDCWD), into buf (PATH_MAX). */
static int dir_path(long fd, char *buf)
{
	struct at_ctx at;
	int r = at_begin(fd, "", &at);

	if (r)
		return r;
	r = vfs_getcwd(&at.ctx, buf, PATH_MAX);
	at_end(&at);
	return r < 0 ? r : 0;
}

static long sys_fchdir(const long a[6])
{
	char *buf = kmalloc(PATH_MAX);
	long r;

	if (!buf)
		return -ENOMEM;
	r = a[0] < 0 ? -EBADF : dir_path(a[0], buf);
	if (!r)
		r = vfs_chdir(&current_process()->ctx, buf);
	kfree(buf);
	return r;
}

static long sys_getcwd(const long a[6])
{
	char *buf = kmalloc(PATH_MAX);
	size_t size = MIN((size_t)a[1], (size_t)PATH_MAX);
	long r;

	if (!buf)
		return -ENOMEM;
	r = vfs_getcwd(&current_process()->ctx, buf, size);
	if (r >= 0) {
		r = (long)strlen(buf) + 1;
		if (copy_to_user((void *)a[0], buf, (size_t)r))
			r = -EFAULT;
	}
	kfree(buf);
	return r;
}

static long sys_umask(const long a[6])
{
	struct vfs_ctx *ctx = &current_process()->ctx;
	long old = ctx->umask;

	ctx->umask = (uint32_t)a[0] & 0777;
	return old;
}

/* ---- two-path operations ------------------------------------------------------- */

/*
 * Make a relative `path` at `dirfd` absolute (in place, PATH_MAX buffer),
 * for calls whose two paths are relative to different directories: one
 * context cannot serve both.
 */
static int absolutize(long dirfd, char *path)
{
	char *dir;
	size_t dl, pl = strlen(path);
	int r;

	if (path[0] == '/')
		return 0;
	dir = kmalloc(PATH_MAX);
	if (!dir)
		return -ENOMEM;
	r = dir_path(dirfd, dir);
	dl = strlen(dir);
	if (!r && dl + 1 + pl >= PATH_MAX)
		r = -ENAMETOOLONG;
	if (!r) {
		memmove(path + dl + 1, path, pl + 1);
		memcpy(path, dir, dl);
		path[dl] = '/';
	}
	kfree(dir);
	return r;
}

enum two_path_kind { TWO_RENAME, TWO_LINK };

static int two_op(struct vfs_ctx *ctx, enum two_path_kind kind, const char *o, const char *n)
{
	return kind == TWO_RENAME ? vfs_rename(ctx, o, n) : vfs_link(ctx, o, n);
}

static long two_path(long odfd, long uold, long ndfd, long unew, enum two_path_kind kind)
{
	char *o = path_in(uold), *n = IS_ERR(o) ? NULL : path_in(unew);
	struct at_ctx at;
	long r;

	if (IS_ERR(o) || IS_ERR(n)) {
		r = IS_ERR(o) ? PTR_ERR(o) : PTR_ERR(n);
		goto out;
	}
	/* One context resolves both: old's directory, or new's if old is
	 * absolute; a relative new at another directory is made absolute. */
	if (o[0] != '/' && n[0] != '/' && (int)odfd != (int)ndfd)
		r = absolutize(ndfd, n);
	else
		r = 0;
	if (!r)
		r = at_begin(o[0] != '/' ? odfd : ndfd, o[0] != '/' ? o : n, &at);
	if (!r) {
		r = two_op(&at.ctx, kind, o, n);
		at_end(&at);
	}
out:
	if (!IS_ERR(o))
		kfree(o);
	if (n && !IS_ERR(n))
		kfree(n);
	return r;
}

static long sys_rename(const long a[6])
{
	return two_path(AT_FDCWD, a[0], AT_FDCWD, a[1], TWO_RENAME);
}

static long sys_renameat(const long a[6])
{
	return two_path(a[0], a[1], a[2], a[3], TWO_RENAME);
}

static long sys_renameat2(const long a[6])
{
	if (a[4])
		return -EINVAL; /* RENAME_NOREPLACE/EXCHANGE/WHITEOUT: not yet */
	return two_path(a[0], a[1], a[2], a[3], TWO_RENAME);
}

static long sys_link(const long a[6])
{
	return two_path(AT_FDCWD, a[0], AT_FDCWD, a[1], TWO_LINK);
}

static long sys_linkat(const long a[6])
{
	/* vfs_link never follows a final symlink in oldpath; AT_SYMLINK_FOLLOW
	 * is accepted and, like Linux's default, not honoured here. */
	if (a[4] & ~(long)AT_SYMLINK_FOLLOW)
		return -EINVAL;
	return two_path(a[0], a[1], a[2], a[3], TWO_LINK);
}

static long symlink_at(long utarget, long dirfd, long ulink)
{
	char *t = path_in(utarget), *l;
	struct at_ctx at;
	long r;

	if (IS_ERR(t))
		return PTR_ERR(t);
	l = path_in(ulink);
	if (IS_ERR(l)) {
		kfree(t);
		return PTR_ERR(l);
	}
	r = at_begin(dirfd, l, &at);
	if (!r) {
		r = vfs_symlink(&at.ctx, t, l);
		at_end(&at);
	}
	kfree(l);
	kfree(t);
	return r;
}

static long sys_symlink(const long a[6])
{
	return symlink_at(a[0], AT_FDCWD, a[1]);
}

static long sys_symlinkat(const long a[6])
{
	return symlink_at(a[0], a[1], a[2]);
}

static long readlink_at(long dirfd, long upath, long ubuf, long size)
{
	char *path, *kbuf;
	struct at_ctx at;
	long r;

	if (size <= 0)
		return -EINVAL;
	path = path_in(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	kbuf = kmalloc(PATH_MAX);
	r = kbuf ? at_begin(dirfd, path, &at) : -ENOMEM;
	if (!r) {
		r = vfs_readlink(&at.ctx, path, kbuf, MIN((size_t)size, (size_t)PATH_MAX));
		at_end(&at);
	}
	if (r > 0 && copy_to_user((void *)ubuf, kbuf, (size_t)r))
		r = -EFAULT;
	kfree(kbuf);
	kfree(path);
	return r;
}

static long sys_readlink(const long a[6])
{
	return readlink_at(AT_FDCWD, a[0], a[1], a[2]);
}

static long sys_readlinkat(const long a[6])
{
	return readlink_at(a[0], a[1], a[2], a[3]);
}

static long sys_utimensat(const long a[6])
{
	struct timespec64 ts[2];
	struct vfs_ctx ctx;
	struct file *f;
	long r;

	if (a[3] & ~(long)AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	if (a[2] && copy_from_user(ts, (const void *)a[2], sizeof(ts)))
		return -EFAULT;
	if (a[1]) {
		char *path = path_in(a[1]);
		struct at_ctx at;
		if (IS_ERR(path))
			return PTR_ERR(path);
		r = at_begin(a[0], path, &at);
		if (!r) {
			r = vfs_utimens(&at.ctx, path, a[2] ? ts : NULL,
					!(a[3] & AT_SYMLINK_NOFOLLOW));
			at_end(&at);
		}
		kfree(path);
		return r;
	}
	f = fd_get(fds(), (int)a[0]); /* futimens: path NULL */
	if (!f)
		return -EBADF;
	r = file_ctx(f, &ctx);
	if (!r)
		r = vfs_utimens(&ctx, "/", a[2] ? ts : NULL, true);
	vfs_close(f);
	return r;
}

void sys_path_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_stat, sys_stat},
		{SYS_fstat, sys_fstat},
		{SYS_lstat, sys_lstat},
		{SYS_access, sys_access},
		{SYS_truncate, sys_truncate},
		{SYS_getcwd, sys_getcwd},
		{SYS_chdir, sys_chdir},
		{SYS_fchdir, sys_fchdir},
		{SYS_rename, sys_rename},
		{SYS_mkdir, sys_mkdir},
		{SYS_rmdir, sys_rmdir},
		{SYS_link, sys_link},
		{SYS_unlink, sys_unlink},
		{SYS_symlink, sys_symlink},
		{SYS_readlink, sys_readlink},
		{SYS_chmod, sys_chmod},
		{SYS_fchmod, sys_fchmod},
		{SYS_chown, sys_chown},
		{SYS_fchown, sys_fchown},
		{SYS_lchown, sys_lchown},
		{SYS_umask, sys_umask},
		{SYS_statfs, sys_statfs},
		{SYS_fstatfs, sys_fstatfs},
		{SYS_mkdirat, sys_mkdirat},
		{SYS_fchownat, sys_fchownat},
		{SYS_newfstatat, sys_newfstatat},
		{SYS_unlinkat, sys_unlinkat},
		{SYS_renameat, sys_renameat},
		{SYS_linkat, sys_linkat},
		{SYS_symlinkat, sys_symlinkat},
		{SYS_readlinkat, sys_readlinkat},
		{SYS_fchmodat, sys_fchmodat},
		{SYS_faccessat, sys_faccessat},
		{SYS_utimensat, sys_utimensat},
		{SYS_renameat2, sys_renameat2},
		{SYS_faccessat2, sys_faccessat2},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
