/*
 * The per-process part of procfs: /proc/<pid>/ for every process the
 * provider lists (struct procfs_pid_ops, fs/procfs.h), its entries, the
 * fd/ and task/ directories, and the /proc/self and /proc/thread-self
 * symlinks. Nothing is kept here: every inode is made from its number,
 * which says what it is about, and every lookup asks the provider again,
 * so a process that is gone is gone (ENOENT) even from a cached inode.
 *
 * Inode numbers (bit 63 set, so none meets a registered entry's):
 *   bits 39-62  pid (0 for self and thread-self)
 *   bits 15-38  tid (0 for the process as a whole)
 *   bits  0-14  0 the directory; 1.. entry index + 1; FD_BASE + fd
 * Pids past 2^24 - 1 are not shown. The directory walk order of /proc is
 * the registered entries, self, thread-self, then the pids ascending;
 * positions past DYN_POS_BASE carry the last pid shown.
 *
 * Permissions are the VFS's, from the modes and the owner the provider
 * gives (as Linux: fd/ is dr-x------ and environ -r-------- of the
 * process's effective ids); the provider checks the symlinks' targets.
 * Reference: proc(5).
 */
#include <ksvc.h>
#include "fs/procfs_internal.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"

#define PID_SHIFT    39
#define TID_SHIFT    15
#define ID_MASK	     0xffffffull
#define IDX_MASK     0x7fffull
#define FD_BASE	     0x100
#define SELF_IDX     1
#define THRSELF_IDX  2
#define DYN_POS_BASE (1ull << 32)
#define LINK_MAX     4096 /* PATH_MAX: readlink targets are cut there */

static const struct procfs_pid_ops *ops; /* set once at boot */

void procfs_set_pid_provider(const struct procfs_pid_ops *o)
{
	ops = o;
}

static uint64_t dyn_ino(int pid, int tid, unsigned idx)
{
	return PROC_DYN_FLAG | ((uint64_t)pid << PID_SHIFT) | ((uint64_t)tid << TID_SHIFT) | idx;
}

static int ino_pid(uint64_t ino)
{
	return (int)((ino >> PID_SHIFT) & ID_MASK);
}

static int ino_tid(uint64_t ino)
{
	return (int)((ino >> TID_SHIFT) & ID_MASK);
}

static unsigned ino_idx(uint64_t ino)
{
	return (unsigned)(ino & IDX_MASK);
}

static bool id_ok(long id)
{
	return id > 0 && (unsigned long)id <= ID_MASK;
}

/* A decimal name without sign or leading zeros; -1 otherwise. */
static long parse_id(const char *name, size_t len)
{
	long v = 0;

	if (len == 0 || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

/* The provider entry an index names, or NULL. */
static const struct procfs_pid_entry *entry_at(unsigned idx)
{
	if (!ops || idx == 0 || idx > ops->nentries || idx >= FD_BASE)
		return NULL;
	return &ops->entries[idx - 1];
}

static unsigned task_dir_idx(void)
{
	for (size_t i = 0; ops && i < ops->nentries; i++)
		if (ops->entries[i].kind == PROCFS_PID_TASK_DIR)
			return (unsigned)i + 1;
	return 0;
}

static const struct inode_ops dyn_dir_iops, dyn_link_iops;
static const struct file_ops dyn_dir_fops, dyn_file_fops;

/* ---- inodes ---------------------------------------------------------------- */

int procfs_dyn_read_inode(struct inode *ino)
{
	int pid = ino_pid(ino->ino), tid = ino_tid(ino->ino);
	unsigned idx = ino_idx(ino->ino);
	const struct procfs_pid_entry *e;
	uint32_t uid = 0, gid = 0;

	if (!ops)
		return -ENOENT;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	ino->nlink = 1;
	if (pid == 0) {
		if (idx != SELF_IDX && idx != THRSELF_IDX)
			return -ENOENT;
		ino->mode = S_IFLNK | 0777;
		ino->iops = &dyn_link_iops;
		return 0;
	}
	if (ops->owner(pid, tid, &uid, &gid))
		return -ENOENT;
	ino->uid = uid;
	ino->gid = gid;
	if (idx == 0) {
		ino->mode = S_IFDIR | 0555;
		ino->nlink = 2 + (tid ? 1 : 2); /* fd/ (and task/) */
		ino->iops = &dyn_dir_iops;
		ino->fops = &dyn_dir_fops;
		return 0;
	}
	if (idx >= FD_BASE) {
		ino->mode = S_IFLNK | 0700;
		ino->iops = &dyn_link_iops;
		return 0;
	}
	e = entry_at(idx);
	if (!e || (tid && e->kind == PROCFS_PID_TASK_DIR))
		return -ENOENT;
	switch (e->kind) {
	case PROCFS_PID_FILE:
		ino->mode = S_IFREG | e->mode;
		ino->fops = &dyn_file_fops;
		break;
	case PROCFS_PID_LINK:
		ino->mode = S_IFLNK | e->mode;
		ino->iops = &dyn_link_iops;
		break;
	default:
		ino->mode = S_IFDIR | e->mode;
		ino->nlink = 2;
		ino->iops = &dyn_dir_iops;
		ino->fops = &dyn_dir_fops;
		break;
	}
	return 0;
}

/* The inode `ino` of dir's superblock, checked against the provider (the
 * process may be gone though the inode is cached) and given the owner the
 * process has now (it may have changed its ids since). */
static int dyn_iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	int pid = ino_pid(ino), tid = ino_tid(ino);
	uint32_t uid, gid;
	int err;

	if (pid && (!ops || ops->owner(pid, tid, &uid, &gid)))
		return -ENOENT;
	err = vfs_iget(sb, ino, out);
	if (err || !pid)
		return err;
	(*out)->uid = uid;
	(*out)->gid = gid;
	return 0;
}

static bool fd_exists(int pid, int fd)
{
	return fd >= 0 && ops->next_fd(pid, fd - 1) == fd;
}

/* The directory above a dynamic directory. */
static uint64_t dyn_parent(uint64_t ino)
{
	int pid = ino_pid(ino), tid = ino_tid(ino);
	unsigned idx = ino_idx(ino);

	const struct procfs_pid_entry *e = entry_at(idx);

	if (idx == 0)
		return tid ? dyn_ino(pid, 0, task_dir_idx()) : PROC_ROOT_INO;
	return dyn_ino(pid, e && e->kind == PROCFS_PID_TASK_DIR ? 0 : tid, 0);
}

static int dyn_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int pid = ino_pid(dir->ino), tid = ino_tid(dir->ino);
	unsigned idx = ino_idx(dir->ino);
	const struct procfs_pid_entry *e;
	long id;

	if (len == 1 && name[0] == '.')
		return dyn_iget(dir->sb, dir->ino, out);
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dyn_iget(dir->sb, dyn_parent(dir->ino), out);
	if (!ops)
		return -ENOENT;
	if (idx == 0) {
		for (size_t i = 0; i < ops->nentries; i++) {
			e = &ops->entries[i];
			if (tid && e->kind == PROCFS_PID_TASK_DIR)
				continue;
			if (strlen(e->name) == len && !memcmp(e->name, name, len))
				return dyn_iget(dir->sb, dyn_ino(pid, tid, (unsigned)i + 1), out);
		}
		return -ENOENT;
	}
	e = entry_at(idx);
	id = parse_id(name, len);
	if (!e || id < 0)
		return -ENOENT;
	if (e->kind == PROCFS_PID_FD_DIR) {
		if (id > (long)(IDX_MASK - FD_BASE) || !fd_exists(pid, (int)id))
			return -ENOENT;
		return dyn_iget(dir->sb, dyn_ino(pid, tid, FD_BASE + (unsigned)id), out);
	}
	if (e->kind == PROCFS_PID_TASK_DIR && id_ok(id))
		return dyn_iget(dir->sb, dyn_ino(pid, (int)id, 0), out);
	return -ENOENT;
}

int procfs_dyn_root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	long pid;

	if (!ops)
		return -ENOENT;
	if (len == 4 && !memcmp(name, "self", 4))
		return dyn_iget(dir->sb, dyn_ino(0, 0, SELF_IDX), out);
	if (len == 11 && !memcmp(name, "thread-self", 11))
		return dyn_iget(dir->sb, dyn_ino(0, 0, THRSELF_IDX), out);
	pid = parse_id(name, len);
	if (!id_ok(pid))
		return -ENOENT;
	return dyn_iget(dir->sb, dyn_ino((int)pid, 0, 0), out);
}

/* ---- directories ------------------------------------------------------------ */

static unsigned entry_dtype(const struct procfs_pid_entry *e)
{
	switch (e->kind) {
	case PROCFS_PID_FILE:
		return DT_REG;
	case PROCFS_PID_LINK:
		return DT_LNK;
	default:
		return DT_DIR;
	}
}

static int emit_id(filldir_t fill, void *ctx, int id, uint64_t ino, unsigned type)
{
	char name[12];
	int n = ksnprintf(name, sizeof(name), "%d", id);

	return fill(ctx, name, (size_t)n, ino, type);
}

int procfs_dyn_root_readdir(uint64_t *pos, uint64_t first, filldir_t fill, void *ctx)
{
	int pid;

	if (!ops)
		return 0;
	if (*pos == first) {
		if (fill(ctx, "self", 4, dyn_ino(0, 0, SELF_IDX), DT_LNK))
			return 0;
		*pos = first + 1;
	}
	if (*pos == first + 1) {
		if (fill(ctx, "thread-self", 11, dyn_ino(0, 0, THRSELF_IDX), DT_LNK))
			return 0;
		*pos = DYN_POS_BASE;
	}
	if (*pos < DYN_POS_BASE)
		*pos = DYN_POS_BASE;
	for (pid = ops->next_pid((int)(*pos - DYN_POS_BASE)); id_ok(pid);
	     pid = ops->next_pid(pid)) {
		if (emit_id(fill, ctx, pid, dyn_ino(pid, 0, 0), DT_DIR))
			return 0;
		*pos = DYN_POS_BASE + (uint64_t)pid;
	}
	return 0;
}

static int dyn_readdir(struct file *file, uint64_t *pos, filldir_t fill, void *ctx)
{
	uint64_t ino = file->inode->ino;
	int pid = ino_pid(ino), tid = ino_tid(ino);
	unsigned idx = ino_idx(ino);
	const struct procfs_pid_entry *e;

	if (!ops || ops->owner(pid, tid, &(uint32_t){0}, &(uint32_t){0}))
		return -ENOENT;
	if (*pos == 0) {
		if (fill(ctx, ".", 1, ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (fill(ctx, "..", 2, dyn_parent(ino), DT_DIR))
			return 0;
		*pos = 2;
	}
	if (idx == 0) {
		for (uint64_t i = *pos - 2; i < ops->nentries; i++) {
			e = &ops->entries[i];
			if (!(tid && e->kind == PROCFS_PID_TASK_DIR) &&
			    fill(ctx, e->name, strlen(e->name), dyn_ino(pid, tid, (unsigned)i + 1),
				 entry_dtype(e)))
				return 0;
			*pos = i + 3;
		}
		return 0;
	}
	e = entry_at(idx);
	if (e && e->kind == PROCFS_PID_FD_DIR) {
		/* Position 2 + fd: the next fd above pos - 3. */
		for (int fd = ops->next_fd(pid, (int)(*pos - 3));
		     fd >= 0 && fd < (int)(IDX_MASK - FD_BASE); fd = ops->next_fd(pid, fd)) {
			if (emit_id(fill, ctx, fd, dyn_ino(pid, tid, FD_BASE + (unsigned)fd),
				    DT_LNK))
				return 0;
			*pos = 3 + (uint64_t)fd;
		}
	} else if (e && e->kind == PROCFS_PID_TASK_DIR) {
		for (int t = ops->next_tid(pid, (int)(*pos - 2)); id_ok(t);
		     t = ops->next_tid(pid, t)) {
			if (emit_id(fill, ctx, t, dyn_ino(pid, t, 0), DT_DIR))
				return 0;
			*pos = 2 + (uint64_t)t;
		}
	}
	return 0;
}

/* ---- files and symlinks ----------------------------------------------------- */

struct dyn_gen {
	const struct procfs_pid_entry *e;
	int pid, tid;
};

static int dyn_gen(void *ctx, char *buf, size_t size)
{
	struct dyn_gen *g = ctx;

	return g->e->show(g->pid, g->tid, buf, size);
}

static int dyn_open(struct inode *ino, struct file *file)
{
	struct dyn_gen g = {entry_at(ino_idx(ino->ino)), ino_pid(ino->ino), ino_tid(ino->ino)};

	if (!g.e || g.e->kind != PROCFS_PID_FILE)
		return -ENOENT;
	return procfs_snapshot(file, dyn_gen, &g);
}

static int dyn_readlink(struct inode *ino, char *buf, size_t size)
{
	int pid = ino_pid(ino->ino), tid = ino_tid(ino->ino);
	unsigned idx = ino_idx(ino->ino);
	const struct procfs_pid_entry *e;
	char *tmp;
	int n;

	if (!ops)
		return -ENOENT;
	if (pid == 0) {
		int self, self_tid;
		char name[32];

		ops->self(&self, &self_tid);
		if (!self)
			return -ENOENT;
		if (idx == SELF_IDX)
			n = ksnprintf(name, sizeof(name), "%d", self);
		else
			n = ksnprintf(name, sizeof(name), "%d/task/%d", self, self_tid);
		n = MIN(n, (int)size);
		memcpy(buf, name, (size_t)n);
		return n;
	}
	tmp = kmalloc(LINK_MAX);
	if (!tmp)
		return -ENOMEM;
	if (idx >= FD_BASE) {
		n = ops->fd_link(pid, (int)(idx - FD_BASE), tmp, LINK_MAX);
	} else {
		e = entry_at(idx);
		n = e && e->kind == PROCFS_PID_LINK ? e->show(pid, tid, tmp, LINK_MAX) : -ENOENT;
	}
	if (n >= 0) {
		n = MIN(n, MIN((int)size, LINK_MAX - 1));
		memcpy(buf, tmp, (size_t)n);
	}
	kfree(tmp);
	return n;
}

static const struct inode_ops dyn_dir_iops = {.lookup = dyn_lookup};
static const struct inode_ops dyn_link_iops = {.readlink = dyn_readlink};
static const struct file_ops dyn_dir_fops = {.readdir = dyn_readdir};
static const struct file_ops dyn_file_fops = {
	.open = dyn_open,
	.release = procfs_snapshot_release,
	.read = procfs_snapshot_read,
};
