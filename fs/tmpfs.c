/*
 * tmpfs (fs/tmpfs.h): superblock, inodes, directories, symlinks, device
 * nodes and links of the in-memory filesystem; regular-file data is in
 * tmpfs_file.c. The VFS has done path walking and permission checks
 * before any of these run (fs/vfs.h); tmpfs keeps link counts and
 * timestamps as POSIX says each operation changes them, and statfs
 * answers like Linux's tmpfs (magic 0x01021994). Reference: Linux
 * mm/shmem.c and fs/libfs.c (simple_* directory operations).
 */
#include <ksvc.h>
#include "fs/tmpfs_internal.h"
#include "kernel/mm/heap.h"

#define TMPFS_DEFAULT_BYTES  MiB(64)
#define TMPFS_DEFAULT_INODES 1048576
#define TMPFS_ROOT_INO	     1

static const struct inode_ops tmpfs_dir_iops, tmpfs_iops;
static const struct file_ops tmpfs_dir_fops;

/* ---- nodes -------------------------------------------------------------------- */

static void node_unpin(struct inode *ino)
{
	struct tmpfs_node *n = tmpfs_node(ino);
	struct tmpfs_sb *tsb = tmpfs_sb(ino->sb);

	if (!n->pinned)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		tsb->nodes = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->prev = n->next = NULL;
	n->pinned = false;
	vfs_iput(ino);
}

/* One link fewer; the last one unpins the inode. */
static void node_drop_link(struct inode *ino)
{
	if (ino->nlink)
		ino->nlink--;
	ino->ctime = vfs_now();
	if (!ino->nlink)
		node_unpin(ino);
}

/* A new pinned inode; *out carries the caller's reference. */
static int node_new(struct super_block *sb, uint32_t mode, uint32_t uid, uint32_t gid,
		    uint32_t rdev, struct inode **out)
{
	struct tmpfs_sb *tsb = tmpfs_sb(sb);
	struct tmpfs_node *n;
	struct inode *ino;
	int err;

	if (tsb->max_inodes && tsb->inodes >= tsb->max_inodes)
		return -ENOSPC;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	err = vfs_new_inode(sb, tsb->next_ino, &ino);
	if (err) {
		kfree(n);
		return err;
	}
	tsb->next_ino++;
	tsb->inodes++;
	ino->mode = mode;
	ino->uid = uid;
	ino->gid = gid;
	ino->rdev = rdev;
	ino->nlink = S_ISDIR(mode) ? 2 : 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	ino->priv = n;
	n->inode = ino;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		ino->iops = &tmpfs_dir_iops;
		ino->fops = &tmpfs_dir_fops;
		n->tail = &n->entries;
		n->next_cookie = 2;
		n->parent = ino;
		break;
	case S_IFREG:
		ino->iops = &tmpfs_iops;
		ino->fops = &tmpfs_file_ops;
		break;
	default: /* symlinks, devices (the device switch serves them), fifos */
		ino->iops = &tmpfs_iops;
		break;
	}
	vfs_igrab(ino); /* the pin */
	n->pinned = true;
	n->next = tsb->nodes;
	if (tsb->nodes)
		tsb->nodes->prev = n;
	tsb->nodes = n;
	*out = ino;
	return 0;
}

/* Drop a directory's reference to its parent. Evicting the parent may
 * drop the grandparent's, and so on: the puts queue on the superblock and
 * the outermost call drains them in a loop, so the stack stays flat. */
static void parent_put(struct inode *parent)
{
	struct tmpfs_sb *tsb = tmpfs_sb(parent->sb);
	struct tmpfs_node *p = tmpfs_node(parent);

	if (p->parent_puts++ == 0) {
		p->put_next = tsb->put_list;
		tsb->put_list = p;
	}
	if (tsb->putting)
		return;
	tsb->putting = true;
	while (tsb->put_list) {
		struct tmpfs_node *n = tsb->put_list;
		struct inode *ino = n->inode;
		unsigned k = n->parent_puts;

		tsb->put_list = n->put_next;
		n->parent_puts = 0;
		/* Each put is a reference held, so only the last can evict. */
		while (k--)
			vfs_iput(ino);
	}
	tsb->putting = false;
}

/* A node that never got a name: unpin and drop the caller's reference. */
static void node_discard(struct inode *ino)
{
	ino->nlink = 0;
	node_unpin(ino);
	vfs_iput(ino);
}

/* ---- directory entries ---------------------------------------------------------- */

static struct tmpfs_dirent **dirent_find(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent **pp;

	for (pp = &tmpfs_node(dir)->entries; *pp; pp = &(*pp)->next) {
		if ((*pp)->len == len && !memcmp((*pp)->name, name, len))
			return pp;
	}
	return NULL;
}

static int dirent_add(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	struct tmpfs_node *d = tmpfs_node(dir);
	struct tmpfs_dirent *e;

	if (len == 0 || len > NAME_MAX)
		return len ? -ENAMETOOLONG : -ENOENT;
	e = kmalloc(sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->inode = ino;
	e->cookie = d->next_cookie++;
	e->len = len;
	memcpy(e->name, name, len);
	*d->tail = e;
	d->tail = &e->next;
	dir->mtime = dir->ctime = vfs_now();
	return 0;
}

static void dirent_remove(struct inode *dir, struct tmpfs_dirent **pp)
{
	struct tmpfs_node *d = tmpfs_node(dir);
	struct tmpfs_dirent *e = *pp;

	*pp = e->next;
	if (d->tail == &e->next)
		d->tail = pp;
	kfree(e);
	dir->mtime = dir->ctime = vfs_now();
}

static unsigned dt_type(uint32_t mode)
{
	return (mode & S_IFMT) >> 12; /* DT_* are the S_IFMT values shifted */
}

/* ---- inode operations ------------------------------------------------------------ */

static int tmpfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct tmpfs_dirent **pp;
	struct inode *ino;

	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1 && name[0] == '.') {
		ino = dir;
	} else if (len == 2 && name[0] == '.' && name[1] == '.') {
		ino = tmpfs_node(dir)->parent;
	} else {
		pp = dirent_find(dir, name, len);
		if (!pp)
			return -ENOENT;
		ino = (*pp)->inode;
	}
	vfs_igrab(ino);
	*out = ino;
	return 0;
}

static int make_node(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		     const struct cred *cred, struct inode **out)
{
	uint32_t uid, gid;
	struct inode *ino;
	int err;

	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (dirent_find(dir, name, len))
		return -EEXIST;
	vfs_inode_init_owner(dir, mode, cred, &uid, &gid, &mode);
	err = node_new(dir->sb, mode, uid, gid, rdev, &ino);
	if (err)
		return err;
	err = dirent_add(dir, name, len, ino);
	if (err) {
		node_discard(ino);
		return err;
	}
	*out = ino;
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			uint32_t rdev, const struct cred *cred, struct inode **out)
{
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EINVAL;
	return make_node(dir, name, len, mode, rdev, cred, out);
}

static int tmpfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
		       const struct cred *cred, struct inode **out)
{
	int err = make_node(dir, name, len, S_IFDIR | (mode & 07777), 0, cred, out);

	if (err)
		return err;
	tmpfs_node(*out)->parent = dir;
	vfs_igrab(dir);
	dir->nlink++;
	return 0;
}

static int tmpfs_symlink(struct inode *dir, const char *name, size_t len, const char *target,
			 const struct cred *cred, struct inode **out)
{
	size_t tlen = strnlen(target, PATH_MAX);
	struct inode *ino;
	char *copy;
	int err;

	if (tlen == 0 || tlen >= PATH_MAX)
		return tlen ? -ENAMETOOLONG : -ENOENT;
	copy = kmalloc(tlen + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, tlen + 1);
	err = make_node(dir, name, len, S_IFLNK | 0777, 0, cred, &ino);
	if (err) {
		kfree(copy);
		return err;
	}
	tmpfs_node(ino)->target = copy;
	ino->size = tlen;
	*out = ino;
	return 0;
}

static int tmpfs_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	int err;

	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (dirent_find(dir, name, len))
		return -EEXIST;
	if (!target->nlink || S_ISDIR(target->mode))
		return -ENOENT;
	err = dirent_add(dir, name, len, target);
	if (err)
		return err;
	target->nlink++;
	target->ctime = vfs_now();
	return 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent **pp = dirent_find(dir, name, len);
	struct inode *ino;

	if (!pp)
		return -ENOENT;
	ino = (*pp)->inode;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	dirent_remove(dir, pp);
	node_drop_link(ino);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent **pp = dirent_find(dir, name, len);
	struct inode *ino;

	if (!pp)
		return -ENOENT;
	ino = (*pp)->inode;
	if (!S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (tmpfs_node(ino)->entries)
		return -ENOTEMPTY;
	dirent_remove(dir, pp);
	dir->nlink--;
	ino->nlink = 1;
	node_drop_link(ino);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
			const char *nname, size_t nlen)
{
	struct tmpfs_dirent **opp = dirent_find(odir, oname, olen), **npp;
	struct inode *ino, *victim = NULL;
	bool is_dir;
	int err;

	if (!opp)
		return -ENOENT;
	if (nlen > NAME_MAX)
		return -ENAMETOOLONG;
	ino = (*opp)->inode;
	is_dir = S_ISDIR(ino->mode);
	npp = dirent_find(ndir, nname, nlen);
	if (npp) {
		victim = (*npp)->inode;
		if (victim == ino)
			return 0;
		if (is_dir && !S_ISDIR(victim->mode))
			return -ENOTDIR;
		if (!is_dir && S_ISDIR(victim->mode))
			return -EISDIR;
		if (is_dir && tmpfs_node(victim)->entries)
			return -ENOTEMPTY;
		/* The entry now names the moved inode. */
		(*npp)->inode = ino;
		ndir->mtime = ndir->ctime = vfs_now();
		if (is_dir) {
			ndir->nlink--;
			victim->nlink = 1;
		}
		node_drop_link(victim);
		/* opp may have moved if it was the entry before npp: find again. */
		opp = dirent_find(odir, oname, olen);
	} else {
		err = dirent_add(ndir, nname, nlen, ino);
		if (err)
			return err;
	}
	dirent_remove(odir, opp);
	if (is_dir && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
		vfs_igrab(ndir);
		tmpfs_node(ino)->parent = ndir;
		parent_put(odir);
	}
	ino->ctime = vfs_now();
	return 0;
}

static int tmpfs_readlink(struct inode *ino, char *buf, size_t size)
{
	const char *t = tmpfs_node(ino)->target;
	size_t n;

	if (!t)
		return -EINVAL;
	n = MIN(size, (size_t)ino->size);
	memcpy(buf, t, n);
	return (int)n;
}

static int tmpfs_setattr(struct inode *ino, const struct iattr *attr)
{
	if (attr->valid & ATTR_SIZE) {
		int err;

		if (!S_ISREG(ino->mode))
			return -EINVAL;
		err = tmpfs_resize(ino, attr->size);
		if (err)
			return err;
	}
	if (attr->valid & ATTR_MODE)
		ino->mode = (ino->mode & S_IFMT) | (attr->mode & 07777);
	if (attr->valid & ATTR_UID)
		ino->uid = attr->uid;
	if (attr->valid & ATTR_GID)
		ino->gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		ino->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		ino->mtime = attr->mtime;
	if (attr->valid & ATTR_CTIME)
		ino->ctime = attr->ctime;
	return 0;
}

static const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
};

/* ---- directory files ------------------------------------------------------------ */

static int tmpfs_readdir(struct file *file, uint64_t *pos, filldir_t fill, void *ctx)
{
	struct inode *dir = file->inode;
	struct tmpfs_node *d = tmpfs_node(dir);
	struct tmpfs_dirent *e;

	if (*pos == 0) {
		if (fill(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (fill(ctx, "..", 2, d->parent->ino, DT_DIR))
			return 0;
		*pos = 2;
	}
	/* Entries are in cookie order; ones added during a listing come last. */
	for (e = d->entries; e; e = e->next) {
		if (e->cookie < *pos)
			continue;
		if (fill(ctx, e->name, e->len, e->inode->ino, dt_type(e->inode->mode)))
			return 0;
		*pos = e->cookie + 1;
	}
	return 0;
}

static int tmpfs_dir_fsync(struct file *file)
{
	return 0;
}

static const struct file_ops tmpfs_dir_fops = {
	.readdir = tmpfs_readdir,
	.fsync = tmpfs_dir_fsync,
};

/* ---- superblock ------------------------------------------------------------------- */

static int tmpfs_read_inode(struct inode *ino)
{
	return -ENOENT; /* every live tmpfs inode is pinned in the cache */
}

static void tmpfs_evict_inode(struct inode *ino)
{
	struct tmpfs_node *n = tmpfs_node(ino);
	struct tmpfs_dirent *e, *next;

	if (!n)
		return;
	if (S_ISDIR(ino->mode) && n->parent != ino)
		parent_put(n->parent);
	for (e = n->entries; e; e = next) {
		next = e->next;
		kfree(e);
	}
	tmpfs_free_pages(ino);
	kfree(n->target);
	kfree(n);
	ino->priv = NULL;
	tmpfs_sb(ino->sb)->inodes--;
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb *tsb = tmpfs_sb(sb);

	st->type = TMPFS_MAGIC;
	st->bsize = st->frsize = TMPFS_PAGE;
	if (tsb->max_bytes) {
		st->blocks = tsb->max_bytes / TMPFS_PAGE;
		st->bfree = st->bavail = (tsb->max_bytes - tsb->used_bytes) / TMPFS_PAGE;
	}
	if (tsb->max_inodes) {
		st->files = tsb->max_inodes;
		st->ffree = tsb->max_inodes - tsb->inodes;
	}
	st->namelen = NAME_MAX;
	return 0;
}

static void tmpfs_put_super(struct super_block *sb)
{
	struct tmpfs_sb *tsb = tmpfs_sb(sb);

	/* Each inode is evicted as its pin goes: with no links left, even
	 * when put_super runs for a mount that failed half-way and the VFS
	 * never saw this superblock. */
	while (tsb->nodes) {
		tsb->nodes->inode->nlink = 0;
		node_unpin(tsb->nodes->inode);
	}
	if (tsb->inodes || tsb->used_bytes)
		pr_err("tmpfs: %llu inodes, %llu bytes left at unmount\n",
		       (unsigned long long)tsb->inodes, (unsigned long long)tsb->used_bytes);
	kfree(tsb);
	kfree(sb);
}

const struct super_ops tmpfs_super_ops = {
	.read_inode = tmpfs_read_inode,
	.evict_inode = tmpfs_evict_inode,
	.statfs = tmpfs_statfs,
	.put_super = tmpfs_put_super,
};

/* ---- mount options ---------------------------------------------------------------- */

struct tmpfs_opts {
	uint64_t size, nr_inodes;
	uint32_t mode, uid, gid;
};

/* Digits in `base` with an optional k/m/g suffix (base 10 only). */
static int parse_num(const char *s, size_t len, unsigned base, bool suffix, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	size_t i;

	if (suffix && len > 1) {
		char c = s[len - 1];

		if (c == 'k' || c == 'K')
			mult = KiB(1);
		else if (c == 'm' || c == 'M')
			mult = MiB(1);
		else if (c == 'g' || c == 'G')
			mult = GiB(1);
		if (mult != 1)
			len--;
	}
	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d >= base || v > (UINT64_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (v > UINT64_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int parse_opts(const char *data, struct tmpfs_opts *o)
{
	const char *s = data;

	while (s && *s) {
		const char *end = s, *eq;
		size_t klen, vlen;
		uint64_t v;
		int err;

		while (*end && *end != ',')
			end++;
		for (eq = s; eq < end && *eq != '='; eq++)
			;
		if (eq == end)
			goto bad;
		klen = (size_t)(eq - s);
		vlen = (size_t)(end - eq - 1);
		if (klen == 4 && !memcmp(s, "size", 4)) {
			err = parse_num(eq + 1, vlen, 10, true, &o->size);
		} else if (klen == 9 && !memcmp(s, "nr_inodes", 9)) {
			err = parse_num(eq + 1, vlen, 10, true, &o->nr_inodes);
		} else if (klen == 4 && !memcmp(s, "mode", 4)) {
			err = parse_num(eq + 1, vlen, 8, false, &v);
			err = err ? err : v > 07777 ? -EINVAL : 0;
			o->mode = (uint32_t)v;
		} else if ((klen == 3 && !memcmp(s, "uid", 3)) ||
			   (klen == 3 && !memcmp(s, "gid", 3))) {
			err = parse_num(eq + 1, vlen, 10, false, &v);
			err = err ? err : v > 0xfffffffeu ? -EINVAL : 0;
			if (s[0] == 'u')
				o->uid = (uint32_t)v;
			else
				o->gid = (uint32_t)v;
		} else {
			goto bad;
		}
		if (err)
			goto bad;
		s = *end ? end + 1 : end;
		continue;
bad:
		pr_err("tmpfs: bad mount option \"%.*s\"\n", (int)(end - s), s);
		return -EINVAL;
	}
	return 0;
}

int tmpfs_mount(struct blkdev *dev, unsigned flags, const char *data, struct super_block **out)
{
	struct tmpfs_opts o = {TMPFS_DEFAULT_BYTES, TMPFS_DEFAULT_INODES, 01777, 0, 0};
	struct super_block *sb;
	struct tmpfs_sb *tsb;
	struct inode *root;
	int err;

	err = parse_opts(data, &o);
	if (err)
		return err;
	sb = kzalloc(sizeof(*sb));
	tsb = kzalloc(sizeof(*tsb));
	if (!sb || !tsb) {
		err = -ENOMEM;
		goto fail;
	}
	tsb->next_ino = TMPFS_ROOT_INO;
	tsb->max_bytes = o.size;
	tsb->max_inodes = o.nr_inodes;
	sb->ops = &tmpfs_super_ops;
	sb->dev_id = vfs_new_dev_id();
	sb->flags = flags;
	sb->root_ino = TMPFS_ROOT_INO;
	sb->block_size = TMPFS_PAGE;
	sb->priv = tsb;
	err = node_new(sb, S_IFDIR | o.mode, o.uid, o.gid, 0, &root);
	if (err)
		goto fail;
	vfs_iput(root); /* the pin keeps it */
	*out = sb;
	return 0;
fail:
	kfree(tsb);
	kfree(sb);
	return err;
}

static struct fs_type tmpfs_type = {
	.name = "tmpfs",
	.needs_dev = false,
	.mount = tmpfs_mount,
};

int tmpfs_init(void)
{
	int err = vfs_register_fs(&tmpfs_type);

	return err == -EBUSY ? 0 : err;
}
