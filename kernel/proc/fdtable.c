/*
 * File descriptor tables: slot allocation (lowest free fd, open(2)),
 * dup/fork sharing of open files (dup(2): both fds refer to one open file
 * description), close-on-exec (fcntl(2) FD_CLOEXEC, execve(2)), and the
 * standard fds of the first process.
 *
 * Files without a path (pipes, the fallback console) are built here too,
 * because fs/vfs.h has no constructor for them yet: see file_alloc_anon.
 */
#include <ksvc.h>
#include "kernel/lib/console.h"
#include "kernel/lib/err.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"

#define CLOEXEC_WORDS (FD_MAX / 64)

struct fdtable {
	struct spinlock lock;
	struct file *files[FD_MAX];	 /* lock; each holds a reference */
	uint64_t cloexec[CLOEXEC_WORDS]; /* lock; bit per fd */
	int limit;			 /* lock; RLIMIT_NOFILE: new fds stay below */
};

static bool valid_fd(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

static void set_cloexec_locked(struct fdtable *t, int fd, bool on)
{
	uint64_t bit = 1ull << (fd % 64);

	if (on)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

static bool cloexec_locked(const struct fdtable *t, int fd)
{
	return (t->cloexec[fd / 64] >> (fd % 64)) & 1;
}

struct fdtable *fdtable_create(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (t) {
		spin_init(&t->lock, "fdtable");
		t->limit = FD_MAX;
	}
	return t;
}

struct fdtable *fdtable_dup(struct fdtable *t)
{
	struct fdtable *n = fdtable_create();
	unsigned long fl;

	if (!n || !t)
		return n;
	fl = spin_lock_irqsave(&t->lock);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->files[fd])
			n->files[fd] = vfs_file_get(t->files[fd]);
	memcpy(n->cloexec, t->cloexec, sizeof(n->cloexec));
	n->limit = t->limit;
	spin_unlock_irqrestore(&t->lock, fl);
	return n;
}

void fdtable_set_limit(struct fdtable *t, unsigned long n)
{
	unsigned long fl;

	if (!t)
		return;
	fl = spin_lock_irqsave(&t->lock);
	t->limit = n > FD_MAX ? FD_MAX : (int)n;
	spin_unlock_irqrestore(&t->lock, fl);
}

/* Take out every file (or the close-on-exec ones), closing each unlocked. */
static void close_where(struct fdtable *t, bool only_cloexec)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		unsigned long fl = spin_lock_irqsave(&t->lock);
		struct file *f = t->files[fd];

		if (f && (!only_cloexec || cloexec_locked(t, fd))) {
			t->files[fd] = NULL;
			set_cloexec_locked(t, fd, false);
		} else {
			f = NULL;
		}
		spin_unlock_irqrestore(&t->lock, fl);
		if (f)
			vfs_close(f);
	}
}

void fdtable_release(struct fdtable *t)
{
	if (!t)
		return;
	close_where(t, false);
	kfree(t);
}

void fdtable_exec(struct fdtable *t)
{
	if (t)
		close_where(t, true);
}

int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
	unsigned long fl;
	int fd;

	if (!t || min < 0)
		return -EMFILE;
	fl = spin_lock_irqsave(&t->lock);
	if (min >= t->limit) {
		spin_unlock_irqrestore(&t->lock, fl);
		return -EINVAL; /* fcntl(2) F_DUPFD: at or above RLIMIT_NOFILE */
	}
	for (fd = min; fd < t->limit && t->files[fd]; fd++)
		;
	if (fd < t->limit) {
		t->files[fd] = f;
		set_cloexec_locked(t, fd, cloexec);
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return fd < t->limit ? fd : -EMFILE;
}

int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	struct file *old;
	unsigned long fl;

	if (!t || !valid_fd(fd))
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	if (fd >= t->limit) {
		spin_unlock_irqrestore(&t->lock, fl);
		return -EBADF; /* dup2(2): newfd at or above RLIMIT_NOFILE */
	}
	old = t->files[fd];
	t->files[fd] = f;
	set_cloexec_locked(t, fd, cloexec);
	spin_unlock_irqrestore(&t->lock, fl);
	if (old)
		vfs_close(old);
	return fd;
}

struct file *fd_get(struct fdtable *t, int fd)
{
	struct file *f = NULL;
	unsigned long fl;

	if (!t || !valid_fd(fd))
		return NULL;
	fl = spin_lock_irqsave(&t->lock);
	if (t->files[fd])
		f = vfs_file_get(t->files[fd]);
	spin_unlock_irqrestore(&t->lock, fl);
	return f;
}

int fd_close(struct fdtable *t, int fd)
{
	struct file *f = NULL;
	unsigned long fl;

	if (!t || !valid_fd(fd))
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	f = t->files[fd];
	t->files[fd] = NULL;
	set_cloexec_locked(t, fd, false);
	spin_unlock_irqrestore(&t->lock, fl);
	if (!f)
		return -EBADF;
	vfs_close(f);
	return 0;
}

int fd_get_cloexec(struct fdtable *t, int fd)
{
	unsigned long fl;
	int r;

	if (!t || !valid_fd(fd))
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	r = t->files[fd] ? (int)cloexec_locked(t, fd) : -EBADF;
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}

int fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	unsigned long fl;
	int r = -EBADF;

	if (!t || !valid_fd(fd))
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	if (t->files[fd]) {
		set_cloexec_locked(t, fd, on);
		r = 0;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}

/* ---- files without a path ---------------------------------------------- */

/*
 * vfs_close frees every file with kfree and vfs_write reads the opener's
 * fsuid/fsgid stored right after struct file (struct vfs_file, in
 * fs/vfs_file.c); an anonymous file has the same shape, zeroed (root's
 * ids: an anonymous inode has no suid bits to clear anyway). This goes
 * once fs/vfs.h offers a constructor for path-less files.
 */
struct anon_file {
	struct file file;
	uint32_t fsuid, fsgid;
};

static struct super_block anon_sb = {.block_size = 4096};

struct file *file_alloc_anon(struct inode *ino, const struct file_ops *ops, unsigned flags,
			     void *priv)
{
	struct anon_file *af = kzalloc(sizeof(*af));

	if (!af)
		return NULL;
	af->file.inode = ino;
	af->file.ops = ops;
	af->file.flags = flags;
	af->file.refcnt = 1;
	af->file.priv = priv;
	return &af->file;
}

int fd_next_open(struct fdtable *t, int after)
{
	unsigned long fl;
	int fd;

	if (!t)
		return -1;
	fl = spin_lock_irqsave(&t->lock);
	for (fd = after < 0 ? 0 : after + 1; fd < FD_MAX && !t->files[fd]; fd++)
		;
	spin_unlock_irqrestore(&t->lock, fl);
	return fd < FD_MAX ? fd : -1;
}

void anon_inode_init(struct inode *ino, uint32_t mode)
{
	static uint64_t next_ino = 1; /* st_ino and "pipe:[N]" tell them apart */

	memset(ino, 0, sizeof(*ino));
	ino->sb = &anon_sb;
	ino->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	ino->mode = mode;
	ino->nlink = 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
}

/* ---- the first process's standard fds ---------------------------------- */

/*
 * Until the tty layer gives /dev/console its ops (devfs answers -ENXIO),
 * fds 0-2 are this built-in console: writes go to the raw console, reads
 * see end of file. Delete this block and the fallback call in
 * console_file() once the tty helper lands.
 */
static long fallback_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	return 0;
}

static long fallback_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	console_write_raw(buf, len);
	return (long)len;
}

static const struct file_ops fallback_console_ops = {
	.read = fallback_read,
	.write = fallback_write,
};

static struct inode fallback_console_inode;

static struct file *fallback_console_open(void)
{
	if (!fallback_console_inode.sb)
		anon_inode_init(&fallback_console_inode, S_IFCHR | 0620);
	return file_alloc_anon(&fallback_console_inode, &fallback_console_ops, O_RDWR, NULL);
}

static struct file *console_file(struct vfs_ctx *ctx)
{
	struct file *f;

	if (vfs_open(ctx, "/dev/console", O_RDWR | O_NOCTTY, 0, &f) == 0)
		return f;
	return fallback_console_open();
}

struct fdtable *fdtable_create_console(struct vfs_ctx *ctx)
{
	struct fdtable *t = fdtable_create();

	for (int fd = 0; t && fd < 3; fd++) {
		struct file *f = console_file(ctx);

		if (!f || fd_install(t, f, fd, false) != fd) {
			if (f)
				vfs_close(f);
			fdtable_release(t);
			return NULL;
		}
	}
	return t;
}
