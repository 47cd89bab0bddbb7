/*
 * File and directory system calls (Linux x86_64 numbers from
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
#include <ksvc.h>
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/err.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/pipe.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_read       0
#define SYS_write      1
#define SYS_open       2
#define SYS_close      3
#define SYS_stat       4
#define SYS_fstat      5
#define SYS_lstat      6
#define SYS_lseek      8
#define SYS_ioctl      16
#define SYS_pread64    17
#define SYS_pwrite64   18
#define SYS_readv      19
#define SYS_writev     20
#define SYS_access     21
#define SYS_pipe       22
#define SYS_dup	       32
#define SYS_dup2       33
#define SYS_sendfile   40
#define SYS_fcntl      72
#define SYS_fsync      74
#define SYS_fdatasync  75
#define SYS_truncate   76
#define SYS_ftruncate  77
#define SYS_getcwd     79
#define SYS_chdir      80
#define SYS_fchdir     81
#define SYS_rename     82
#define SYS_mkdir      83
#define SYS_rmdir      84
#define SYS_creat      85
#define SYS_link       86
#define SYS_unlink     87
#define SYS_symlink    88
#define SYS_readlink   89
#define SYS_chmod      90
#define SYS_fchmod     91
#define SYS_chown      92
#define SYS_fchown     93
#define SYS_lchown     94
#define SYS_umask      95
#define SYS_statfs     137
#define SYS_fstatfs    138
#define SYS_sync       162
#define SYS_getdents64 217
#define SYS_openat     257
#define SYS_mkdirat    258
#define SYS_fchownat   260
#define SYS_newfstatat 262
#define SYS_unlinkat   263
#define SYS_renameat   264
#define SYS_linkat     265
#define SYS_symlinkat  266
#define SYS_readlinkat 267
#define SYS_fchmodat   268
#define SYS_faccessat  269
#define SYS_utimensat  280
#define SYS_dup3       292
#define SYS_pipe2      293
#define SYS_renameat2  316
#define SYS_faccessat2 439

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR	    0x200
#define AT_EACCESS	    0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH	    0x1000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC	1

#define BOUNCE_SIZE  16384
#define IOV_MAX	     1024
#define GETDENTS_MAX 65536

/* struct stat and struct statfs as Linux x86_64 lays them out (asm/stat.h,
 * asm-generic/statfs.h). */
struct stat_user {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct stat_user) == 144, "Linux x86_64 struct stat");

struct statfs_user {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags;
	int64_t spare[4];
};
_Static_assert(sizeof(struct statfs_user) == 120, "Linux x86_64 struct statfs");

struct iovec_user {
	uint64_t base, len;
};

/* ---- helpers ------------------------------------------------------------ */

static struct fdtable *fds(void)
{
	return current_process()->fds;
}

/* A user path in a new PATH_MAX buffer (free with kfree), or ERR_PTR. */
static char *path_in(long upath)
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
struct at_ctx {
	struct vfs_ctx ctx;
	struct file *dir; /* referenced while in use, or NULL */
};

static int at_begin(long dirfd, const char *path, struct at_ctx *a)
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

static void at_end(struct at_ctx *a)
{
	if (a->dir)
		vfs_close(a->dir);
}

/* A context in which the path "/" names the open file f itself. */
static int file_ctx(struct file *f, struct vfs_ctx *ctx)
{
	if (!f->path.inode)
		return -EINVAL; /* pipes have no path to act on */
	*ctx = current_process()->ctx;
	ctx->root = ctx->cwd = f->path;
	return 0;
}

static bool seekable(const struct file *f)
{
	return !S_ISFIFO(f->inode->mode) && !S_ISSOCK(f->inode->mode);
}

/* Regular files and block devices are read until the count is met;
 * pipes and character devices return after the first chunk. */
static bool whole_reads(const struct file *f)
{
	return S_ISREG(f->inode->mode) || S_ISBLK(f->inode->mode);
}

/* ---- read and write ------------------------------------------------------ */

/* Move len bytes at ubuf through f: pos < 0 uses and advances f->pos. */
static long do_read(struct file *f, long ubuf, size_t len, int64_t pos)
{
	size_t done = 0, bsz = MIN(len, (size_t)BOUNCE_SIZE);
	char *kbuf = kmalloc(bsz);
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
	kfree(kbuf);
	return done ? (long)done : r;
}

static long do_write(struct file *f, long ubuf, size_t len, int64_t pos)
{
	size_t done = 0, bsz = MIN(len, (size_t)BOUNCE_SIZE);
	char *kbuf = kmalloc(bsz);
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
	kfree(kbuf);
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
	char *kbuf = kmalloc(bsz ? bsz : 1);
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
	kfree(kbuf);
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
	r = f->ops && f->ops->ioctl ? f->ops->ioctl(f, (unsigned)a[1], (unsigned long)a[2])
				    : -ENOTTY;
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
		{SYS_stat, sys_stat},
		{SYS_fstat, sys_fstat},
		{SYS_lstat, sys_lstat},
		{SYS_lseek, sys_lseek},
		{SYS_ioctl, sys_ioctl},
		{SYS_pread64, sys_pread64},
		{SYS_pwrite64, sys_pwrite64},
		{SYS_readv, sys_readv},
		{SYS_writev, sys_writev},
		{SYS_access, sys_access},
		{SYS_pipe, sys_pipe},
		{SYS_dup, sys_dup},
		{SYS_dup2, sys_dup2},
		{SYS_sendfile, sys_sendfile},
		{SYS_fcntl, sys_fcntl},
		{SYS_fsync, sys_fsync},
		{SYS_fdatasync, sys_fsync},
		{SYS_truncate, sys_truncate},
		{SYS_ftruncate, sys_ftruncate},
		{SYS_getcwd, sys_getcwd},
		{SYS_chdir, sys_chdir},
		{SYS_fchdir, sys_fchdir},
		{SYS_rename, sys_rename},
		{SYS_mkdir, sys_mkdir},
		{SYS_rmdir, sys_rmdir},
		{SYS_creat, sys_creat},
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
		{SYS_sync, sys_sync},
		{SYS_getdents64, sys_getdents64},
		{SYS_openat, sys_openat},
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
		{SYS_dup3, sys_dup3},
		{SYS_pipe2, sys_pipe2},
		{SYS_renameat2, sys_renameat2},
		{SYS_faccessat2, sys_faccessat2},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
