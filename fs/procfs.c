/*
 * procfs (fs/procfs.h): a tree of registered entries shown as the "proc"
 * filesystem. The tree is global, so every mount of proc shows the same
 * files; inode numbers are the entries' numbers and inodes are made from
 * the tree by read_inode whenever the cache has none. A file's content is
 * generated at open into a kmalloc'd snapshot (Linux fs/seq_file.c
 * single_open) and freed at release; st_size is 0 as on Linux. Nothing
 * here can be written, renamed or removed. The root directory goes on
 * with the per-process part (procfs_pid.c) after the registered entries.
 * Reference: proc(5).
 */
#include <ksvc.h>
#include "fs/procfs_internal.h"
#include "kernel/mm/heap.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_FIRST_SIZE	 4096

struct proc_entry {
	const char *name; /* kmalloc'd, NUL-terminated */
	size_t len;
	uint64_t ino;
	bool dir;
	procfs_show_t show;
	void *arg;
	struct proc_entry *parent;
	struct proc_entry *children, **tail; /* in registration order */
	struct proc_entry *sibling;
	struct proc_entry *all_next; /* every entry, for lookup by number */
	uint32_t nsubdirs;
};

struct proc_snapshot {
	size_t len;
	char data[];
};

static struct spinlock procfs_lock = SPINLOCK_INIT("procfs");
static struct proc_entry proc_root = {
	.name = "",
	.ino = PROC_ROOT_INO,
	.dir = true,
	.parent = &proc_root,
	.tail = &proc_root.children,
};
/* Mounted instances, to keep cached directory link counts right. */
struct proc_sb {
	struct super_block *sb;
	struct proc_sb *next;
};

static struct proc_entry *all_entries = &proc_root; /* procfs_lock */
static struct proc_sb *instances;		    /* procfs_lock */
static uint64_t next_ino = PROC_ROOT_INO + 1;	    /* procfs_lock */
static bool procfs_ready;			    /* procfs_lock */

static const struct inode_ops proc_dir_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

/* Entries are never removed and are complete before they are linked, so
 * readers walk the tree without the lock. */
static struct proc_entry *entry_by_ino(uint64_t ino)
{
	struct proc_entry *e;

	for (e = all_entries; e; e = e->all_next) {
		if (e->ino == ino)
			return e;
	}
	return NULL;
}

static struct proc_entry *child_named(struct proc_entry *dir, const char *name, size_t len)
{
	struct proc_entry *e;

	for (e = dir->children; e; e = e->sibling) {
		if (e->len == len && !memcmp(e->name, name, len))
			return e;
	}
	return NULL;
}

/* ---- registration -------------------------------------------------------------- */

/* procfs_lock held. */
static struct proc_entry *entry_new(struct proc_entry *parent, const char *name, size_t len,
				    bool dir)
{
	struct proc_entry *e = kzalloc(sizeof(*e));
	char *copy = kmalloc(len + 1);

	if (!e || !copy) {
		kfree(e);
		kfree(copy);
		return NULL;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	e->name = copy;
	e->len = len;
	e->ino = next_ino++;
	e->dir = dir;
	e->parent = parent;
	e->tail = &e->children;
	*parent->tail = e;
	parent->tail = &e->sibling;
	e->all_next = all_entries;
	all_entries = e;
	if (dir)
		parent->nsubdirs++;
	return e;
}

/* A directory gained subdirectories: every mounted instance's cached
 * inodes of the directories along `path` get their new link counts.
 * Mounts and unmounts cannot run meanwhile (filesystem code runs to
 * completion), so the instance list is stable. */
static void refresh_nlinks(const char *path)
{
	struct proc_entry *dir = &proc_root;
	struct proc_sb *in;

	for (;;) {
		const char *end;

		for (in = instances; in; in = in->next) {
			struct inode *ino;

			if (!vfs_iget(in->sb, dir->ino, &ino)) {
				ino->nlink = 2 + dir->nsubdirs;
				vfs_iput(ino);
			}
		}
		while (*path == '/')
			path++;
		for (end = path; *end && *end != '/'; end++)
			;
		dir = child_named(dir, path, (size_t)(end - path));
		if (!dir || !dir->dir)
			return;
		path = end;
	}
}

/* Non-empty components, none "." or "..", none longer than NAME_MAX. */
static bool path_ok(const char *s)
{
	bool any = false;

	for (;;) {
		const char *end;
		size_t len;

		while (*s == '/')
			s++;
		if (!*s)
			return any;
		for (end = s; *end && *end != '/'; end++)
			;
		len = (size_t)(end - s);
		if (len > NAME_MAX || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		any = true;
		s = end;
	}
}

int procfs_register(const char *path, procfs_show_t show, void *arg)
{
	struct proc_entry *dir = &proc_root, *e;
	const char *s = path;
	unsigned long fl;
	int err = 0;

	if (!show || !path_ok(path))
		return -EINVAL;
	fl = spin_lock_irqsave(&procfs_lock);
	for (;;) {
		const char *end;
		size_t len;

		while (*s == '/')
			s++;
		for (end = s; *end && *end != '/'; end++)
			;
		len = (size_t)(end - s);
		if (len == 0 || len > NAME_MAX || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.')) {
			err = -EINVAL;
			break;
		}
		e = child_named(dir, s, len);
		while (*end == '/')
			end++;
		if (!*end) {
			/* The file itself. */
			if (e) {
				err = -EEXIST;
				break;
			}
			e = entry_new(dir, s, len, false);
			if (!e) {
				err = -ENOMEM;
				break;
			}
			e->show = show;
			e->arg = arg;
			break;
		}
		if (e && !e->dir) {
			err = -ENOTDIR;
			break;
		}
		if (!e)
			e = entry_new(dir, s, len, true);
		if (!e) {
			err = -ENOMEM;
			break;
		}
		dir = e;
		s = end;
	}
	spin_unlock_irqrestore(&procfs_lock, fl);
	if (!err)
		refresh_nlinks(path);
	return err;
}

/* ---- inodes -------------------------------------------------------------------- */

static int proc_read_inode(struct inode *ino)
{
	struct proc_entry *e;

	if (procfs_is_dyn(ino->ino))
		return procfs_dyn_read_inode(ino);
	e = entry_by_ino(ino->ino);
	if (!e)
		return -ENOENT;
	ino->mode = e->dir ? S_IFDIR | 0555 : S_IFREG | 0444;
	ino->nlink = e->dir ? 2 + e->nsubdirs : 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	ino->iops = e->dir ? &proc_dir_iops : NULL;
	ino->fops = e->dir ? &proc_dir_fops : &proc_file_fops;
	ino->priv = e;
	return 0;
}

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct proc_entry *d = dir->priv, *e;

	if (len == 1 && name[0] == '.')
		e = d;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		e = d->parent;
	else
		e = child_named(d, name, len);
	if (!e && d == &proc_root)
		return procfs_dyn_root_lookup(dir, name, len, out);
	if (!e)
		return -ENOENT;
	return vfs_iget(dir->sb, e->ino, out);
}

static int proc_readdir(struct file *file, uint64_t *pos, filldir_t fill, void *ctx)
{
	struct proc_entry *d = file->inode->priv, *e;
	uint64_t i;

	if (*pos == 0) {
		if (fill(ctx, ".", 1, d->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (fill(ctx, "..", 2, d->parent->ino, DT_DIR))
			return 0;
		*pos = 2;
	}
	for (e = d->children, i = 2; e; e = e->sibling, i++) {
		if (i < *pos)
			continue;
		if (fill(ctx, e->name, e->len, e->ino, e->dir ? DT_DIR : DT_REG))
			return 0;
		*pos = i + 1;
	}
	if (d == &proc_root)
		return procfs_dyn_root_readdir(pos, i, fill, ctx);
	return 0;
}

/* ---- file contents ------------------------------------------------------------ */

int procfs_snapshot(struct file *file, procfs_gen_t gen, void *ctx)
{
	size_t size = PROC_FIRST_SIZE;
	struct proc_snapshot *s;
	int n;

	for (;;) {
		s = kmalloc(sizeof(*s) + size);
		if (!s)
			return -ENOMEM;
		n = gen(ctx, s->data, size);
		if (n < 0) {
			kfree(s);
			return n;
		}
		if ((size_t)n < size) {
			s->len = (size_t)n;
			break;
		}
		if (size >= PROCFS_MAX_SIZE) {
			s->len = size - 1; /* cut; the last byte may be a NUL */
			break;
		}
		kfree(s);
		size *= 2;
	}
	file->priv = s;
	return 0;
}

void procfs_snapshot_release(struct file *file)
{
	kfree(file->priv);
	file->priv = NULL;
}

long procfs_snapshot_read(struct file *file, void *buf, size_t len, uint64_t off)
{
	struct proc_snapshot *s = file->priv;

	if (off >= s->len)
		return 0;
	if (len > s->len - off)
		len = (size_t)(s->len - off);
	memcpy(buf, s->data + off, len);
	return (long)len;
}

static int entry_gen(void *ctx, char *buf, size_t size)
{
	struct proc_entry *e = ctx;

	return e->show(buf, size, e->arg);
}

static int proc_open(struct inode *ino, struct file *file)
{
	return procfs_snapshot(file, entry_gen, ino->priv);
}

static const struct inode_ops proc_dir_iops = {.lookup = proc_lookup};
static const struct file_ops proc_dir_fops = {.readdir = proc_readdir};
static const struct file_ops proc_file_fops = {
	.open = proc_open,
	.release = procfs_snapshot_release,
	.read = procfs_snapshot_read,
};

/* ---- superblock ---------------------------------------------------------------- */

static int proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = PROC_SUPER_MAGIC;
	st->bsize = st->frsize = 4096;
	st->namelen = NAME_MAX;
	return 0;
}

static void proc_put_super(struct super_block *sb)
{
	unsigned long fl = spin_lock_irqsave(&procfs_lock);
	struct proc_sb **pp, *in;

	for (pp = &instances; *pp && (*pp)->sb != sb; pp = &(*pp)->next)
		;
	in = *pp;
	if (in)
		*pp = in->next;
	spin_unlock_irqrestore(&procfs_lock, fl);
	kfree(in);
	kfree(sb);
}

static const struct super_ops proc_super_ops = {
	.read_inode = proc_read_inode,
	.statfs = proc_statfs,
	.put_super = proc_put_super,
};

static int proc_mount(struct blkdev *dev, unsigned flags, const char *data,
		      struct super_block **out)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	struct proc_sb *in = kzalloc(sizeof(*in));
	unsigned long fl;

	if (!sb || !in) {
		kfree(sb);
		kfree(in);
		return -ENOMEM;
	}
	in->sb = sb;
	fl = spin_lock_irqsave(&procfs_lock);
	in->next = instances;
	instances = in;
	spin_unlock_irqrestore(&procfs_lock, fl);
	sb->ops = &proc_super_ops;
	sb->dev_id = vfs_new_dev_id();
	sb->flags = flags;
	sb->root_ino = PROC_ROOT_INO;
	sb->block_size = 4096;
	*out = sb;
	return 0;
}

static struct fs_type proc_type = {
	.name = "proc",
	.needs_dev = false,
	.mount = proc_mount,
};

static int show_mounts(char *buf, size_t size, void *arg)
{
	return vfs_mounts_show(buf, size);
}

int procfs_init(void)
{
	unsigned long fl = spin_lock_irqsave(&procfs_lock);
	bool ready = procfs_ready;
	int err;

	procfs_ready = true;
	spin_unlock_irqrestore(&procfs_lock, fl);
	if (ready)
		return 0;
	err = vfs_register_fs(&proc_type);
	if (!err)
		err = procfs_register("mounts", show_mounts, NULL);
	if (err)
		pr_err("procfs: init failed: %d\n", err);
	return err;
}
