/*
 * File-descriptor system calls (Linux x86_64 numbers from
 * arch/x86/entry/syscalls/syscall_64.tbl; semantics from the man pages:
 * read(2), write(2), readv(2), pread(2), open(2), close(2), lseek(2),
 * stat(2), access(2), getdents64(2), fcntl(2), dup(2), pipe(2), ioctl(2),
 * chdir(2), getcwd(3), mkdir(2), rmdir(2), unlink(2), rename(2), link(2),
 * symlink(2), readlink(2), chmod(2), chown(2), umask(2), truncate(2),
 * fsync(2), sync(2), utimensat(2), statfs(2), sendfile(2)).
 *
 * Data moves between user and kernel through bounce buffers and the copy
 * helpers only (kernel/arch/arch.h): a bad pointer is -EFAULT. Paths are
 * copied into a kmalloc'd PATH_MAX buffer.
 *
 * The *at calls resolve a relative path against the directory open at
 * dirfd by acting in a copy of the process's vfs_ctx whose cwd is that
 * directory (the file holds its vpath for the whole call). The same trick
 * with the root set to an open file makes "/" name the file itself, which
 * serves the f* calls (fchmod, fchown, fstatfs, futimens) through the
 * path-based VFS API.
 *
 * Open files' flags (F_SETFL) are changed without a lock: a process has
 * one thread until clone(CLONE_FILES) arrives.
 */
#include "kernel/syscall/sys_file_internal.h"

/* ---- helpers ------------------------------------------------------------ */

struct fdtable *fds(void)
{
	return current_process()->fds;
}

/* A user path in a new PATH_MAX buffer (free with kfree), or ERR_PTR. */
char *path_in(long upath)
{
	char *buf = kmalloc(PATH_MAX);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, (const char *)upath, PATH_MAX);
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n);
	}
	return buf;
}

/* Where a *at call resolves its path. */

int at_begin(long dirfd, const char *path, struct at_ctx *a)
{
	a->ctx = current_process()->ctx;
	a->dir = NULL;
	if ((int)dirfd == AT_FDCWD || path[0] == '/')
		return 0;
	a->dir = fd_get(fds(), (int)dirfd);
	if (!a->dir)
		return -EBADF;
	if (!a->dir->path.inode || !S_ISDIR(a->dir->inode->mode)) {
		vfs_close(a->dir);
		a->dir = NULL;
		return -ENOTDIR;
	}
	a->ctx.cwd = a->dir->path;
	return 0;
}

void at_end(struct at_ctx *a)
{
	if (a->dir)
		vfs_close(a->dir);
}

/* A context in which the path "/" names the open file f itself. */
int file_ctx(struct file *f, struct vfs_ctx *ctx)
{
	if (!f->path.inode)
		return -EINVAL; /* pipes have no path to act on */
	*ctx = current_process()->ctx;
	ctx->root = ctx->cwd = f->path;
	return 0;
}

bool seekable(const struct file *f)
{
	return !S_ISFIFO(f->inode->mode) && !S_ISSOCK(f->inode->mode);
}

/* Regular files and block devices are read until the count is met;
 * pipes and character devices return after the first chunk. */
bool whole_reads(const struct file *f)
{
	return S_ISREG(f->inode->mode) || S_ISBLK(f->inode->mode);
}

/* ---- read and write ------------------------------------------------------ */

/* Move len bytes at ubuf through f: pos < 0 uses and advances f->pos. */
static long do_read(struct file *f, long ubuf, size_t len, int64_t pos)
{
	size_t done = 0, bsz = MIN(len, (size_t)BOUNCE_SIZE);
	struct bounce b;
	char *kbuf = bounce_get(&b, bsz);
	long r = 0;

	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		size_t n = MIN(bsz, len - done);
		r = pos < 0 ? vfs_read(f, kbuf, n) : vfs_pread(f, kbuf, n, (uint64_t)pos + done);
		if (r <= 0)
			break;
		if (copy_to_user((char *)ubuf + done, kbuf, (size_t)r)) {
			r = -EFAULT;
			break;
		}
		done += (size_t)r;
		if ((size_t)r < n || !whole_reads(f))
			break;
	}
	bounce_put(&b);
	return done ? (long)done : r;
}

static long do_write(struct file *f, long ubuf, size_t len, int64_t pos)
{
	size_t done = 0, bsz = MIN(len, (size_t)BOUNCE_SIZE);
	struct bounce b;
	char *kbuf = bounce_get(&b, bsz);
	long r = 0;

	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		size_t n = MIN(bsz, len - done);
		if (copy_from_user(kbuf, (const char *)ubuf + done, n)) {
			r = -EFAULT;
			break;
		}
		r = pos < 0 ? vfs_write(f, kbuf, n) : vfs_pwrite(f, kbuf, n, (uint64_t)pos + done);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	bounce_put(&b);
	return done ? (long)done : r;
}

static long rw_fd(long fd, long ubuf, long len, int64_t pos, bool write)
{
	struct file *f = fd_get(fds(), (int)fd);
	long r;

	if (!f)
		return -EBADF;
	if (len < 0)
		r = -EINVAL;
	else if (pos != -1 && (pos < 0 || !seekable(f)))
		r = pos < 0 ? -EINVAL : -ESPIPE;
	else if (len == 0)
		r = 0;
	else if (write)
		r = do_write(f, ubuf, (size_t)len, pos);
	else
		r = do_read(f, ubuf, (size_t)len, pos);
	vfs_close(f);
	return r;
}

static long sys_read(const long a[6])
{
	return rw_fd(a[0], a[1], a[2], -1, false);
}

static long sys_write(const long a[6])
{
	return rw_fd(a[0], a[1], a[2], -1, true);
}

static long sys_pread64(const long a[6])
{
	return a[3] < 0 ? -EINVAL : rw_fd(a[0], a[1], a[2], a[3], false);
}

static long sys_pwrite64(const long a[6])
{
	return a[3] < 0 ? -EINVAL : rw_fd(a[0], a[1], a[2], a[3], true);
}

static long rw_vec(const long a[6], bool write)
{
	struct iovec_user iov;
	long total = 0;

	if (a[2] < 0 || a[2] > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < a[2]; i++) {
		long r;
		if (copy_from_user(&iov, (const struct iovec_user *)a[1] + i, sizeof(iov)))
			return total ? total : -EFAULT;
		if ((long)iov.len < 0)
			return total ? total : -EINVAL;
		r = rw_fd(a[0], (long)iov.base, (long)iov.len, -1, write);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < iov.len)
			break;
	}
	return total;
}

static long sys_readv(const long a[6])
{
	return rw_vec(a, false);
}

static long sys_writev(const long a[6])
{
	return rw_vec(a, true);
}

static long sendfile_loop(struct file *out, struct file *in, int64_t *off, size_t count)
{
	size_t done = 0, bsz = MIN(count, (size_t)BOUNCE_SIZE);
	struct bounce b;
	char *kbuf = bounce_get(&b, bsz);
	long r = 0;

	if (!kbuf)
		return -ENOMEM;
	while (done < count) {
		size_t n = MIN(bsz, count - done);
		r = off ? vfs_pread(in, kbuf, n, (uint64_t)*off) : vfs_read(in, kbuf, n);
		if (r <= 0)
			break;
		n = (size_t)r;
		r = vfs_write(out, kbuf, n);
		if (r <= 0)
			break;
		done += (size_t)r;
		if (off)
			*off += r;
		if ((size_t)r < n)
			break; /* the bytes read but not written are lost, as on a short write */
	}
	bounce_put(&b);
	return done ? (long)done : r;
}

static long sys_sendfile(const long a[6])
{
	struct file *out = fd_get(fds(), (int)a[0]), *in = fd_get(fds(), (int)a[1]);
	int64_t off = 0;
	long r = -EBADF;

	if (!out || !in)
		goto out;
	r = -EFAULT;
	if (a[2] && copy_from_user(&off, (const void *)a[2], sizeof(off)))
		goto out;
	r = -EINVAL;
	if (a[3] < 0 || off < 0 || (a[2] && !seekable(in)))
		goto out;
	r = sendfile_loop(out, in, a[2] ? &off : NULL, (size_t)a[3]);
	if (r >= 0 && a[2] && copy_to_user((void *)a[2], &off, sizeof(off)))
		r = -EFAULT;
out:
	if (out)
		vfs_close(out);
	if (in)
		vfs_close(in);
	return r;
}

static long sys_lseek(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = seekable(f) ? vfs_lseek(f, a[1], (int)a[2]) : -ESPIPE;
	vfs_close(f);
	return r;
}

static long sys_getdents64(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	size_t size = MIN((size_t)a[2], (size_t)GETDENTS_MAX);
	char *kbuf = NULL;
	long r;

	if (!f)
		return -EBADF;
	r = -ENOTDIR;
	if (!S_ISDIR(f->inode->mode))
		goto out;
	r = -ENOMEM;
	kbuf = kmalloc(size ? size : 1);
	if (!kbuf)
		goto out;
	r = vfs_getdents(f, kbuf, size);
	if (r > 0 && copy_to_user((void *)a[1], kbuf, (size_t)r))
		r = -EFAULT;
out:
	kfree(kbuf);
	vfs_close(f);
	return r;
}

/* ---- opening, closing and duplicating -------------------------------------- */

static long open_at(long dirfd, long upath, long flags, long mode)
{
	char *path = path_in(upath);
	struct file *f = NULL;
	struct at_ctx at;
	long r;

	if (IS_ERR(path))
		return PTR_ERR(path);
	r = at_begin(dirfd, path, &at);
	if (r)
		goto out;
	r = vfs_open(&at.ctx, path, (int)(flags & ~O_CLOEXEC), (uint32_t)mode, &f);
	at_end(&at);
	if (r)
		goto out;
	r = fd_install(fds(), f, 0, (flags & O_CLOEXEC) != 0);
	if (r < 0)
		vfs_close(f);
out:
	kfree(path);
	return r;
}

static long sys_open(const long a[6])
{
	return open_at(AT_FDCWD, a[0], a[1], a[2]);
}

static long sys_creat(const long a[6])
{
	return open_at(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
}

static long sys_openat(const long a[6])
{
	return open_at(a[0], a[1], a[2], a[3]);
}

static long sys_close(const long a[6])
{
	return fd_close(fds(), (int)a[0]);
}

/* dup/F_DUPFD: the lowest free fd >= min. */
static long dup_from(long oldfd, long min, bool cloexec)
{
	struct file *f = fd_get(fds(), (int)oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(fds(), f, (int)min, cloexec);
	if (fd < 0)
		vfs_close(f);
	return fd;
}

static long dup_to(long oldfd, long newfd, bool cloexec)
{
	struct file *f = fd_get(fds(), (int)oldfd);
	int r;

	if (!f)
		return -EBADF;
	r = fd_install_at(fds(), (int)newfd, f, cloexec);
	if (r < 0)
		vfs_close(f);
	return r;
}

static long sys_dup(const long a[6])
{
	return dup_from(a[0], 0, false);
}

static long sys_dup2(const long a[6])
{
	if (a[0] == a[1]) {
		struct file *f = fd_get(fds(), (int)a[0]);
		if (!f)
			return -EBADF;
		vfs_close(f);
		return a[1];
	}
	return dup_to(a[0], a[1], false);
}

static long sys_dup3(const long a[6])
{
	if (a[0] == a[1] || (a[2] & ~(long)O_CLOEXEC))
		return -EINVAL;
	return dup_to(a[0], a[1], (a[2] & O_CLOEXEC) != 0);
}

static long fcntl_fl(long fd, long cmd, long arg)
{
	const unsigned settable = O_APPEND | O_NONBLOCK;
	struct file *f = fd_get(fds(), (int)fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if (cmd == F_GETFL)
		r = f->flags;
	else
		f->flags = (f->flags & ~settable) | ((unsigned)arg & settable);
	vfs_close(f);
	return r;
}

static long sys_fcntl(const long a[6])
{
	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a[2] < 0 || a[2] >= FD_MAX)
			return -EINVAL;
		return dup_from(a[0], a[2], a[1] == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fds(), (int)a[0]);
	case F_SETFD:
		return fd_set_cloexec(fds(), (int)a[0], (a[2] & FD_CLOEXEC) != 0);
	case F_GETFL:
	case F_SETFL:
		return fcntl_fl(a[0], a[1], a[2]);
	default:
		return -EINVAL;
	}
}

static long do_pipe(long ufds, long flags)
{
	struct file *rd, *wr;
	int fd[2];
	long r;

	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	r = pipe_create((unsigned)flags & O_NONBLOCK, &rd, &wr);
	if (r)
		return r;
	fd[0] = fd_install(fds(), rd, 0, (flags & O_CLOEXEC) != 0);
	if (fd[0] < 0) {
		vfs_close(rd);
		vfs_close(wr);
		return fd[0];
	}
	fd[1] = fd_install(fds(), wr, 0, (flags & O_CLOEXEC) != 0);
	if (fd[1] < 0) {
		vfs_close(wr);
		fd_close(fds(), fd[0]);
		return fd[1];
	}
	if (copy_to_user((void *)ufds, fd, sizeof(fd))) {
		fd_close(fds(), fd[0]);
		fd_close(fds(), fd[1]);
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe(const long a[6])
{
	return do_pipe(a[0], 0);
}

static long sys_pipe2(const long a[6])
{
	return do_pipe(a[0], a[1]);
}

static long sys_ioctl(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	if ((unsigned)a[1] == FIONREAD && f->inode && S_ISREG(f->inode->mode)) {
		/* As Linux's do_vfs_ioctl: the bytes from the offset to the end. */
		int n = f->pos < f->inode->size ? (int)MIN(f->inode->size - f->pos, INT32_MAX) : 0;
		r = copy_to_user((void *)a[2], &n, sizeof(n)) ? -EFAULT : 0;
	} else {
		r = f->ops && f->ops->ioctl ? f->ops->ioctl(f, (unsigned)a[1], (unsigned long)a[2])
					    : -ENOTTY;
	}
	vfs_close(f);
	return r;
}

static long sys_fsync(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fsync(f);
	vfs_close(f);
	return r;
}

static long sys_sync(const long a[6])
{
	vfs_sync();
	return 0;
}

static long sys_ftruncate(const long a[6])
{
	struct file *f = fd_get(fds(), (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = a[1] < 0 ? -EINVAL : vfs_ftruncate(f, (uint64_t)a[1]);
	vfs_close(f);
	return r;
}

void sys_file_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_read, sys_read},
		{SYS_write, sys_write},
		{SYS_open, sys_open},
		{SYS_close, sys_close},
		{SYS_lseek, sys_lseek},
		{SYS_ioctl, sys_ioctl},
		{SYS_pread64, sys_pread64},
		{SYS_pwrite64, sys_pwrite64},
		{SYS_readv, sys_readv},
		{SYS_writev, sys_writev},
		{SYS_pipe, sys_pipe},
		{SYS_dup, sys_dup},
		{SYS_dup2, sys_dup2},
		{SYS_sendfile, sys_sendfile},
		{SYS_fcntl, sys_fcntl},
		{SYS_fsync, sys_fsync},
		{SYS_fdatasync, sys_fsync},
		{SYS_ftruncate, sys_ftruncate},
		{SYS_creat, sys_creat},
		{SYS_sync, sys_sync},
		{SYS_getdents64, sys_getdents64},
		{SYS_openat, sys_openat},
		{SYS_dup3, sys_dup3},
		{SYS_pipe2, sys_pipe2},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
