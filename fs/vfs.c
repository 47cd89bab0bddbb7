/*
 * The VFS core (fs/vfs.h): filesystem types, the inode cache, the mount
 * table, caller contexts, and /proc/mounts. Path walking is in namei.c,
 * permission rules in perm.c, open files in vfs_file.c and the namespace
 * and attribute operations in vfs_ops.c and vfs_attr.c.
 *
 * The inode cache hashes on (sb, ino). An inode whose last reference goes
 * stays cached (up to ICACHE_UNUSED_MAX of them) unless its link count is
 * zero or its filesystem is being unmounted; then evict_inode runs and the
 * struct inode (always allocated here) is freed. Each mount counts the
 * vpaths that refer into it (open files, working directories, walks in
 * progress), which is what makes umount say -EBUSY.
 *
 * References: Linux fs/inode.c (iget/iput/evict), fs/namespace.c (mount
 * semantics), proc(5) for the /proc/mounts format.
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"
#include "drivers/blkdev.h"
#include "kernel/mm/heap.h"
#include "kernel/lib/printf.h"

const struct cred root_cred;

struct spinlock vfs_lock = SPINLOCK_INIT("vfs");
struct mount *vfs_mount_list;
struct mount *vfs_root_mnt;

static struct fs_type *fs_types; /* vfs_lock */
static uint32_t next_dev_id = 16;

#define ICACHE_BUCKETS	  512
#define ICACHE_UNUSED_MAX 1024

static struct inode *icache[ICACHE_BUCKETS]; /* vfs_lock */
static unsigned icache_unused;		     /* vfs_lock: cached, refcnt 0 */
static unsigned icache_sweep;		     /* vfs_lock: next bucket to shrink */

/* ---- filesystem types ---------------------------------------------------- */

int vfs_register_fs(struct fs_type *type)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	struct fs_type *t;
	int err = 0;

	for (t = fs_types; t; t = t->next) {
		if (t == type || !strcmp(t->name, type->name)) {
			err = -EBUSY;
			goto out;
		}
	}
	type->next = fs_types;
	fs_types = type;
out:
	spin_unlock_irqrestore(&vfs_lock, fl);
	return err;
}

/* In registration order (the list is newest first): "nodev\tproc". */
int vfs_filesystems_show(char *buf, size_t size)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	const struct fs_type *t;
	size_t n = 0, count = 0;

	for (t = fs_types; t; t = t->next)
		count++;
	while (count--) {
		size_t i = 0;
		int w;

		for (t = fs_types; i < count; t = t->next)
			i++;
		w = ksnprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, "%s\t%s\n",
			      t->needs_dev ? "" : "nodev", t->name);
		n += w > 0 ? (size_t)w : 0;
	}
	spin_unlock_irqrestore(&vfs_lock, fl);
	return (int)n;
}

static struct fs_type *find_fs(const char *name)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	struct fs_type *t;

	for (t = fs_types; t; t = t->next) {
		if (!strcmp(t->name, name))
			break;
	}
	spin_unlock_irqrestore(&vfs_lock, fl);
	return t;
}

int vfs_fs_needs_dev(const char *name)
{
	struct fs_type *t = find_fs(name);

	return t ? t->needs_dev : -ENODEV;
}

uint32_t vfs_new_dev_id(void)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	uint32_t id = next_dev_id++;

	spin_unlock_irqrestore(&vfs_lock, fl);
	return id;
}

struct timespec64 vfs_now(void)
{
	uint64_t ns = ksvc_realtime_ns();
	struct timespec64 ts = {
		.tv_sec = (int64_t)(ns / 1000000000u),
		.tv_nsec = (int64_t)(ns % 1000000000u),
	};

	return ts;
}

/* ---- inode cache ---------------------------------------------------------- */

static unsigned ihash(const struct super_block *sb, uint64_t ino)
{
	uint64_t h = ((uintptr_t)sb >> 4) ^ (ino * 0x9e3779b97f4a7c15ull);

	return (unsigned)((h ^ (h >> 29)) % ICACHE_BUCKETS);
}

/* vfs_lock held. */
static struct inode *icache_find(const struct super_block *sb, uint64_t ino)
{
	struct inode *i;

	for (i = icache[ihash(sb, ino)]; i; i = i->hash_next) {
		if (i->sb == sb && i->ino == ino)
			return i;
	}
	return NULL;
}

/* vfs_lock held. */
static void icache_unhash(struct inode *ino)
{
	struct inode **pp = &icache[ihash(ino->sb, ino->ino)];

	while (*pp && *pp != ino)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = ino->hash_next;
	ino->hash_next = NULL;
}

static void inode_evict(struct inode *ino)
{
	if (ino->sb->ops->evict_inode)
		ino->sb->ops->evict_inode(ino);
	kfree(ino);
}

/* Evict a list (linked through hash_next) built under vfs_lock. */
static void evict_list(struct inode *list)
{
	while (list) {
		struct inode *next = list->hash_next;

		list->hash_next = NULL;
		inode_evict(list);
		list = next;
	}
}

/* vfs_lock held: unhash unused inodes, from a rotating bucket on, until at
 * most half the limit stay; returns them for eviction without the lock. */
static struct inode *icache_shrink(void)
{
	struct inode *victims = NULL;
	unsigned scanned;

	for (scanned = 0; scanned < ICACHE_BUCKETS && icache_unused > ICACHE_UNUSED_MAX / 2;
	     scanned++) {
		struct inode **pp = &icache[icache_sweep];

		icache_sweep = (icache_sweep + 1) % ICACHE_BUCKETS;
		while (*pp) {
			struct inode *i = *pp;

			if (i->refcnt) {
				pp = &i->hash_next;
				continue;
			}
			*pp = i->hash_next;
			i->hash_next = victims;
			victims = i;
			icache_unused--;
		}
	}
	return victims;
}

int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	struct inode *i = icache_find(sb, ino);
	int err;

	if (i) {
		if (i->refcnt++ == 0)
			icache_unused--;
		spin_unlock_irqrestore(&vfs_lock, fl);
		*out = i;
		return 0;
	}
	spin_unlock_irqrestore(&vfs_lock, fl);

	i = kzalloc(sizeof(*i));
	if (!i)
		return -ENOMEM;
	i->sb = sb;
	i->ino = ino;
	i->refcnt = 1;
	err = sb->ops->read_inode(i);
	if (err) {
		kfree(i);
		return err;
	}
	/* Filesystem code runs to completion (vfs.h), so nobody can have
	 * entered the same inode while read_inode ran. */
	fl = spin_lock_irqsave(&vfs_lock);
	i->hash_next = icache[ihash(sb, ino)];
	icache[ihash(sb, ino)] = i;
	spin_unlock_irqrestore(&vfs_lock, fl);
	*out = i;
	return 0;
}

int vfs_new_inode(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *i = kzalloc(sizeof(*i));
	unsigned long fl;

	if (!i)
		return -ENOMEM;
	i->sb = sb;
	i->ino = ino;
	i->refcnt = 1;
	fl = spin_lock_irqsave(&vfs_lock);
	if (icache_find(sb, ino)) {
		spin_unlock_irqrestore(&vfs_lock, fl);
		kfree(i);
		pr_err("vfs: new inode %llu already cached\n", (unsigned long long)ino);
		return -EEXIST;
	}
	i->hash_next = icache[ihash(sb, ino)];
	icache[ihash(sb, ino)] = i;
	spin_unlock_irqrestore(&vfs_lock, fl);
	*out = i;
	return 0;
}

void vfs_igrab(struct inode *ino)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);

	if (ino->refcnt++ == 0)
		icache_unused--;
	spin_unlock_irqrestore(&vfs_lock, fl);
}

void vfs_iput(struct inode *ino)
{
	struct inode *victims = NULL;
	unsigned long fl;

	if (!ino)
		return;
	fl = spin_lock_irqsave(&vfs_lock);
	KASSERT(ino->refcnt > 0);
	if (--ino->refcnt > 0) {
		spin_unlock_irqrestore(&vfs_lock, fl);
		return;
	}
	if (ino->nlink == 0 || (ino->sb->flags & SB_DYING)) {
		icache_unhash(ino);
		spin_unlock_irqrestore(&vfs_lock, fl);
		inode_evict(ino);
		return;
	}
	if (++icache_unused > ICACHE_UNUSED_MAX)
		victims = icache_shrink();
	spin_unlock_irqrestore(&vfs_lock, fl);
	evict_list(victims);
}

/* Evict every unused cached inode of sb; returns how many are still in
 * use (referenced). */
static unsigned icache_purge_sb(struct super_block *sb)
{
	struct inode *victims = NULL;
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	unsigned b, busy = 0;

	for (b = 0; b < ICACHE_BUCKETS; b++) {
		struct inode **pp = &icache[b];

		while (*pp) {
			struct inode *i = *pp;

			if (i->sb != sb) {
				pp = &i->hash_next;
			} else if (i->refcnt) {
				busy++;
				pp = &i->hash_next;
			} else {
				*pp = i->hash_next;
				i->hash_next = victims;
				victims = i;
				icache_unused--;
			}
		}
	}
	spin_unlock_irqrestore(&vfs_lock, fl);
	evict_list(victims);
	return busy;
}

/* After put_super nothing of sb may stay: unhash (and leak) what does. */
static void icache_forget_sb(struct super_block *sb)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	unsigned b, left = 0;

	for (b = 0; b < ICACHE_BUCKETS; b++) {
		struct inode **pp = &icache[b];

		while (*pp) {
			if ((*pp)->sb == sb) {
				if (!(*pp)->refcnt)
					icache_unused--;
				*pp = (*pp)->hash_next;
				left++;
			} else {
				pp = &(*pp)->hash_next;
			}
		}
	}
	spin_unlock_irqrestore(&vfs_lock, fl);
	if (left)
		pr_err("vfs: %u inodes still referenced after unmount (leaked)\n", left);
}

/* ---- vpaths and mounts ---------------------------------------------------- */

void vpath_get(const struct vpath *p)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);

	p->mnt->refcnt++;
	if (p->inode->refcnt++ == 0)
		icache_unused--;
	spin_unlock_irqrestore(&vfs_lock, fl);
}

void vpath_put(struct vpath *p)
{
	unsigned long fl;

	if (!p->inode)
		return;
	fl = spin_lock_irqsave(&vfs_lock);
	KASSERT(p->mnt->refcnt > 0);
	p->mnt->refcnt--;
	spin_unlock_irqrestore(&vfs_lock, fl);
	vfs_iput(p->inode);
	p->inode = NULL;
	p->mnt = NULL;
}

void vpath_adopt(struct vpath *p, struct mount *mnt, struct inode *ino)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);

	mnt->refcnt++;
	spin_unlock_irqrestore(&vfs_lock, fl);
	p->mnt = mnt;
	p->inode = ino;
}

void vfs_follow_mounts(struct vpath *p)
{
	while (p->inode->mounted_here) {
		struct vpath next = {p->inode->mounted_here, p->inode->mounted_here->root};

		vpath_get(&next);
		vpath_put(p);
		*p = next;
	}
}

static bool blkdev_mounted(const struct blkdev *dev)
{
	struct mount *m;

	for (m = vfs_mount_list; m; m = m->next) {
		if (m->sb->dev == dev)
			return true;
	}
	return false;
}

static void sb_release(struct super_block *sb)
{
	sb->flags |= SB_DYING;
	icache_purge_sb(sb);
	if (sb->ops->put_super)
		sb->ops->put_super(sb);
	icache_forget_sb(sb);
}

int vfs_mount(struct vfs_ctx *ctx, struct blkdev *dev, const char *target, const char *fstype,
	      unsigned flags, const char *data)
{
	struct fs_type *type = find_fs(fstype);
	struct vpath mp = {NULL, NULL};
	struct super_block *sb = NULL;
	struct inode *root = NULL;
	struct mount *m;
	unsigned long fl;
	int err;

	if (!type)
		return -ENODEV;
	if (type->needs_dev && !dev)
		return -ENOTBLK;
	if (ctx && ctx->cred->euid != 0)
		return -EPERM;
	if (dev && blkdev_mounted(dev))
		return -EBUSY;
	if (!vfs_root_mnt) {
		if (strcmp(target, "/"))
			return -ENOENT;
	} else {
		if (!ctx)
			return -EINVAL;
		err = vfs_lookup(ctx, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
		if (err)
			return err;
		/* "." can name a directory that something was mounted on
		 * after it became the working directory. */
		vfs_follow_mounts(&mp);
		/* A removed directory (a working directory can be one). */
		if (mp.inode->nlink == 0) {
			err = -ENOENT;
			goto out_mp;
		}
		/* Already a mount's root: something is mounted here. */
		if (mp.inode == mp.mnt->root) {
			err = -EBUSY;
			goto out_mp;
		}
	}
	if (dev && dev->readonly && !(flags & SB_RDONLY)) {
		pr_warn("vfs: %s is write-protected, mounting read-only\n", dev->name);
		flags |= SB_RDONLY;
	}
	err = type->mount(dev, flags & SB_RDONLY, data, &sb);
	if (err)
		goto out_mp;
	sb->type = type;
	sb->dev = dev;
	sb->flags |= flags & SB_RDONLY;
	err = vfs_iget(sb, sb->root_ino, &root);
	if (err)
		goto out_sb;
	if (!S_ISDIR(root->mode)) {
		pr_err("vfs: %s: root inode is not a directory\n", fstype);
		err = -EUCLEAN;
		goto out_sb;
	}
	m = kzalloc(sizeof(*m));
	if (!m) {
		err = -ENOMEM;
		goto out_sb;
	}
	m->sb = sb;
	m->root = root;
	strlcpy(m->devname, dev ? dev->name : type->name, sizeof(m->devname));
	fl = spin_lock_irqsave(&vfs_lock);
	if (mp.inode) {
		m->parent = mp.mnt;
		m->mountpoint = mp.inode;
		mp.inode->refcnt++; /* kept by the mount; mp's own ref goes below */
		mp.inode->mounted_here = m;
	} else {
		vfs_root_mnt = m;
	}
	/* Append, so /proc/mounts lists mounts in the order they were made. */
	{
		struct mount **pp = &vfs_mount_list;

		while (*pp)
			pp = &(*pp)->next;
		*pp = m;
	}
	spin_unlock_irqrestore(&vfs_lock, fl);
	vpath_put(&mp);
	return 0;

out_sb:
	if (root)
		vfs_iput(root);
	sb_release(sb);
out_mp:
	vpath_put(&mp);
	return err;
}

int vfs_umount(struct vfs_ctx *ctx, const char *target)
{
	struct vpath p;
	struct mount *m, **pp;
	unsigned long fl;
	int err;

	if (ctx->cred->euid != 0)
		return -EPERM;
	err = vfs_lookup(ctx, target, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	m = p.mnt;
	if (p.inode != m->root) {
		vpath_put(&p);
		return -EINVAL;
	}
	vpath_put(&p);

	fl = spin_lock_irqsave(&vfs_lock);
	if (m->refcnt) {
		spin_unlock_irqrestore(&vfs_lock, fl);
		return -EBUSY;
	}
	for (pp = &vfs_mount_list; *pp; pp = &(*pp)->next) {
		if ((*pp)->parent == m) {
			spin_unlock_irqrestore(&vfs_lock, fl);
			return -EBUSY;
		}
	}
	for (pp = &vfs_mount_list; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	if (m->mountpoint)
		m->mountpoint->mounted_here = NULL;
	if (vfs_root_mnt == m)
		vfs_root_mnt = NULL;
	spin_unlock_irqrestore(&vfs_lock, fl);

	if (m->sb->ops->sync && !mnt_rdonly(m)) {
		err = m->sb->ops->sync(m->sb);
		if (err)
			pr_err("vfs: sync of %s failed at unmount: %d\n", m->devname, err);
	}
	vfs_iput(m->mountpoint);
	vfs_iput(m->root);
	sb_release(m->sb);
	kfree(m);
	return 0;
}

int vfs_ctx_init(struct vfs_ctx *ctx, const struct cred *cred)
{
	unsigned long fl = spin_lock_irqsave(&vfs_lock);
	struct mount *m = vfs_root_mnt;

	if (!m) {
		spin_unlock_irqrestore(&vfs_lock, fl);
		return -ENOENT;
	}
	m->refcnt += 2;
	if (m->root->refcnt == 0)
		icache_unused--;
	m->root->refcnt += 2;
	spin_unlock_irqrestore(&vfs_lock, fl);
	ctx->root.mnt = ctx->cwd.mnt = m;
	ctx->root.inode = ctx->cwd.inode = m->root;
	ctx->cred = cred;
	ctx->umask = 022;
	return 0;
}

void vfs_ctx_dup(struct vfs_ctx *dst, const struct vfs_ctx *src, const struct cred *cred)
{
	*dst = *src;
	vpath_get(&dst->root);
	vpath_get(&dst->cwd);
	dst->cred = cred;
}

void vfs_ctx_release(struct vfs_ctx *ctx)
{
	vpath_put(&ctx->root);
	vpath_put(&ctx->cwd);
}

int vfs_sync(void)
{
	struct mount *m;
	int err = 0;

	/* No lock across the calls: mounts cannot change while filesystem code
	 * runs (run to completion, vfs.h). */
	for (m = vfs_mount_list; m; m = m->next) {
		if (m->sb->ops->sync && !mnt_rdonly(m)) {
			int e = m->sb->ops->sync(m->sb);

			if (e && !err)
				err = e;
		}
	}
	return err;
}

int vfs_shutdown(void)
{
	struct mount *order[64];
	size_t n = 0;
	unsigned long fl;
	int err = vfs_sync();

	/* Mounts are listed parents first: release in reverse, children
	 * first, so each filesystem records a clean unmount. */
	for (struct mount *m = vfs_mount_list; m && n < ARRAY_SIZE(order); m = m->next)
		order[n++] = m;
	fl = spin_lock_irqsave(&vfs_lock);
	vfs_mount_list = NULL;
	vfs_root_mnt = NULL;
	spin_unlock_irqrestore(&vfs_lock, fl);
	while (n--) {
		if (order[n]->mountpoint)
			vfs_iput(order[n]->mountpoint);
		vfs_iput(order[n]->root);
		sb_release(order[n]->sb);
		pr_info("vfs: %s unmounted for shutdown\n", order[n]->devname);
	}
	return err;
}

/* ---- helpers for the other VFS files ---------------------------------------- */

int vfs_may(const struct vpath *p, const struct cred *cred, int mask)
{
	uint32_t type = p->inode->mode & S_IFMT;

	if ((mask & MAY_WRITE) && mnt_rdonly(p->mnt) &&
	    (type == S_IFREG || type == S_IFDIR || type == S_IFLNK))
		return -EROFS;
	return vfs_permission(p->inode, cred, mask);
}

int vfs_setattr(struct inode *ino, struct iattr *attr)
{
	int err;

	if (!ino->iops || !ino->iops->setattr)
		return -EPERM;
	err = ino->iops->setattr(ino, attr);
	if (!err && ino->sb->ops->write_inode)
		err = ino->sb->ops->write_inode(ino);
	return err;
}

int vfs_dir_open_tmp(struct vpath *p, struct file *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	if (!S_ISDIR(p->inode->mode))
		return -ENOTDIR;
	if (!p->inode->fops || !p->inode->fops->readdir)
		return -ENOTDIR;
	f->path = *p;
	f->inode = p->inode;
	f->ops = p->inode->fops;
	f->flags = O_RDONLY | O_DIRECTORY;
	f->refcnt = 1;
	if (f->ops->open) {
		err = f->ops->open(f->inode, f);
		if (err)
			return err;
	}
	return 0;
}

void vfs_dir_close_tmp(struct file *f)
{
	if (f->ops && f->ops->release)
		f->ops->release(f);
}

static int count_entry(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	int *found = ctx;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	*found = 1;
	return 1;
}

int vfs_dir_nonempty(struct vpath *dir)
{
	struct file f;
	uint64_t pos = 0;
	int found = 0, err;

	err = vfs_dir_open_tmp(dir, &f);
	if (err)
		return err;
	err = f.ops->readdir(&f, &pos, count_entry, &found);
	vfs_dir_close_tmp(&f);
	return err ? err : found;
}

/* ---- /proc/mounts ---------------------------------------------------------- */

static size_t put_raw(char *buf, size_t size, size_t at, const char *s)
{
	for (; *s; s++, at++) {
		if (at + 1 < size)
			buf[at] = *s;
	}
	return at;
}

/* Copy s with the escapes /proc/mounts uses (\040 for a space ...). */
static size_t put_escaped(char *buf, size_t size, size_t at, const char *s)
{
	char one[2] = {0, 0};

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
			char esc[8];

			ksnprintf(esc, sizeof(esc), "\\%03o", (unsigned char)*s);
			at = put_raw(buf, size, at, esc);
		} else {
			one[0] = *s;
			at = put_raw(buf, size, at, one);
		}
	}
	return at;
}

/* Returns the length the whole text needs (as snprintf); buf holds as much
 * of it as fits, NUL-terminated. */
int vfs_mounts_show(char *buf, size_t size)
{
	struct vpath root;
	unsigned long fl;
	struct mount *m;
	size_t at = 0;
	char *path;

	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	fl = spin_lock_irqsave(&vfs_lock);
	root.mnt = vfs_root_mnt;
	root.inode = vfs_root_mnt ? vfs_root_mnt->root : NULL;
	spin_unlock_irqrestore(&vfs_lock, fl);
	/* The list cannot change under us: filesystem code runs to completion. */
	for (m = vfs_mount_list; m && root.mnt; m = m->next) {
		struct vpath p = {m, m->root};
		long start = vfs_path_build(&p, &root, path, PATH_MAX);

		at = put_escaped(buf, size, at, m->devname);
		at = put_raw(buf, size, at, " ");
		at = put_escaped(buf, size, at, start >= 0 ? path + start : "?");
		at = put_raw(buf, size, at, " ");
		at = put_escaped(buf, size, at, m->sb->type->name);
		at = put_raw(buf, size, at, mnt_rdonly(m) ? " ro 0 0\n" : " rw 0 0\n");
	}
	if (size)
		buf[at < size ? at : size - 1] = '\0';
	kfree(path);
	return (int)at;
}
