/*
 * devfs (fs/devfs.h): the device registry and switch, the built-in memory
 * devices, block-device files, and the "devfs" filesystem.
 *
 * The registry maps (char|block, major:minor) to file_ops; vfs_open comes
 * here for every device inode whatever filesystem holds it, as Linux's
 * chrdev_open/blkdev_open do. A mounted devfs is a tmpfs whose root gets
 * one node per registered device, now and for devices registered later
 * (Linux devtmpfs). Memory devices follow Linux drivers/char/mem.c:
 * /dev/null reads EOF and swallows writes, /dev/zero reads zeros, /dev/full
 * reads zeros and fails writes with -ENOSPC, /dev/random and /dev/urandom
 * read the CSPRNG and mix written data into it. Block files follow
 * block/fops.c: reads stop at the end of the device, writes there give
 * -ENOSPC, writes to a read-only device -EPERM.
 */
#include <ksvc.h>
#include "fs/devfs.h"
#include "fs/tmpfs.h"
#include "drivers/blkdev.h"
#include "kernel/lib/random.h"
#include "kernel/mm/heap.h"

#define BLK_BOUNCE KiB(64) /* bytes per blk_rw_sync call of a block file */

struct devfs_entry {
	char name[DEVFS_NAME_MAX];
	bool blk;
	bool dir; /* a directory (devfs_register_dir), no device */
	uint32_t rdev;
	uint32_t mode; /* permission bits */
	const struct file_ops *ops;
	void *priv;
	struct devfs_entry *next;
};

struct devfs_instance {
	struct super_block *sb;
	struct devfs_instance *next;
};

static struct spinlock devfs_lock = SPINLOCK_INIT("devfs");
static struct devfs_entry *devices;	 /* devfs_lock */
static struct devfs_instance *instances; /* devfs_lock */
static bool devfs_ready;		 /* devfs_lock */

/* ---- memory devices ------------------------------------------------------------- */

static long null_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	return 0;
}

static long null_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	memset(buf, 0, len);
	return (long)len;
}

static long full_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	return -ENOSPC;
}

static long random_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	random_get_bytes(buf, len);
	return (long)len;
}

static long random_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	random_add_entropy(buf, len);
	return (long)len;
}

static const struct file_ops null_fops = {.read = null_read, .write = null_write};
static const struct file_ops zero_fops = {.read = zero_read, .write = null_write};
static const struct file_ops full_fops = {.read = zero_read, .write = full_write};
static const struct file_ops random_fops = {.read = random_read, .write = random_write};

/* ---- block devices ---------------------------------------------------------------- */

static uint64_t blk_bytes(const struct blkdev *dev)
{
	return dev->sectors * SECTOR_SIZE;
}

static long blk_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct blkdev *dev = f->priv;
	uint8_t *bounce;
	size_t done = 0;
	int err = 0;

	if (off >= blk_bytes(dev))
		return 0;
	if (len > blk_bytes(dev) - off)
		len = (size_t)(blk_bytes(dev) - off);
	bounce = kmalloc(BLK_BOUNCE);
	if (!bounce)
		return -ENOMEM;
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t skip = (uint32_t)(pos % SECTOR_SIZE);
		uint64_t want = ALIGN_UP(skip + (uint64_t)(len - done), SECTOR_SIZE) / SECTOR_SIZE;
		uint32_t nsec = (uint32_t)MIN(want, BLK_BOUNCE / SECTOR_SIZE);
		size_t chunk = MIN((size_t)nsec * SECTOR_SIZE - skip, len - done);

		err = blk_rw_sync(dev, BLK_READ, pos / SECTOR_SIZE, nsec, bounce);
		if (err)
			break;
		memcpy((uint8_t *)buf + done, bounce + skip, chunk);
		done += chunk;
	}
	kfree(bounce);
	return done ? (long)done : err;
}

static long blk_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct blkdev *dev = f->priv;
	uint8_t *bounce;
	size_t done = 0;
	int err = 0;

	if (dev->readonly)
		return -EPERM;
	if (off >= blk_bytes(dev))
		return -ENOSPC;
	if (len > blk_bytes(dev) - off)
		len = (size_t)(blk_bytes(dev) - off);
	bounce = kmalloc(BLK_BOUNCE);
	if (!bounce)
		return -ENOMEM;
	while (done < len) {
		uint64_t pos = off + done, sector = pos / SECTOR_SIZE;
		uint32_t skip = (uint32_t)(pos % SECTOR_SIZE);
		uint64_t want = ALIGN_UP(skip + (uint64_t)(len - done), SECTOR_SIZE) / SECTOR_SIZE;
		uint32_t nsec = (uint32_t)MIN(want, BLK_BOUNCE / SECTOR_SIZE);
		size_t chunk = MIN((size_t)nsec * SECTOR_SIZE - skip, len - done);
		uint32_t end = (uint32_t)((skip + chunk) % SECTOR_SIZE);

		/* Partial sectors at either end: read them, then merge. */
		if (skip)
			err = blk_rw_sync(dev, BLK_READ, sector, 1, bounce);
		if (!err && end && (nsec > 1 || !skip))
			err = blk_rw_sync(dev, BLK_READ, sector + nsec - 1, 1,
					  bounce + (size_t)(nsec - 1) * SECTOR_SIZE);
		if (err)
			break;
		memcpy(bounce + skip, (const uint8_t *)buf + done, chunk);
		err = blk_rw_sync(dev, BLK_WRITE, sector, nsec, bounce);
		if (err)
			break;
		done += chunk;
	}
	kfree(bounce);
	return done ? (long)done : err;
}

static int blk_fsync(struct file *f)
{
	return blk_rw_sync(f->priv, BLK_FLUSH, 0, 0, NULL);
}

static const struct file_ops blk_fops = {
	.read = blk_read,
	.write = blk_write,
	.fsync = blk_fsync,
};

uint64_t devsw_size(const struct file *f)
{
	return f->ops == &blk_fops ? blk_bytes(f->priv) : 0;
}

/* ---- registry ---------------------------------------------------------------------- */

/* devfs_lock held. */
static struct devfs_entry *find_dev(bool blk, uint32_t rdev)
{
	struct devfs_entry *e;

	for (e = devices; e; e = e->next) {
		if (!e->dir && e->blk == blk && e->rdev == rdev)
			return e;
	}
	return NULL;
}

/* devfs_lock held. */
static struct devfs_entry *find_name(const char *name)
{
	struct devfs_entry *e;

	for (e = devices; e; e = e->next) {
		if (!strcmp(e->name, name))
			return e;
	}
	return NULL;
}

int devsw_open(struct inode *ino, struct file *f)
{
	unsigned long fl = spin_lock_irqsave(&devfs_lock);
	struct devfs_entry *e = find_dev(S_ISBLK(ino->mode), ino->rdev);
	const struct file_ops *ops = e ? e->ops : NULL;
	void *priv = e ? e->priv : NULL;

	spin_unlock_irqrestore(&devfs_lock, fl);
	if (!ops)
		return -ENXIO;
	f->ops = ops;
	f->priv = priv;
	return ops->open ? ops->open(ino, f) : 0;
}

/* The directory a name lives in within sb ("pts/3": /dev/pts, made if
 * missing; "null": the root), referenced, and the last component. */
static int node_parent(struct super_block *sb, const char *name, struct inode **dir,
		       const char **last)
{
	const char *slash = strchr(name, '/');
	struct inode *root = NULL, *sub = NULL;
	int err;

	*dir = NULL;
	*last = name;
	err = vfs_iget(sb, sb->root_ino, &root);
	if (err)
		return err;
	if (!slash) {
		*dir = root;
		return 0;
	}
	err = root->iops->lookup(root, name, (size_t)(slash - name), &sub);
	if (err == -ENOENT)
		err = root->iops->mkdir(root, name, (size_t)(slash - name), S_IFDIR | 0755,
					&root_cred, &sub);
	vfs_iput(root);
	if (err)
		return err;
	*dir = sub;
	*last = slash + 1;
	return 0;
}

/* Make the node for e in a mounted devfs. */
static int add_node(struct super_block *sb, const struct devfs_entry *e)
{
	struct inode *dir, *ino;
	const char *last;
	int err;

	err = node_parent(sb, e->name, &dir, &last);
	if (err)
		goto fail;
	if (e->dir)
		err = dir->iops->mkdir(dir, last, strlen(last), S_IFDIR | (e->mode & 07777),
				       &root_cred, &ino);
	else
		err = dir->iops->create(dir, last, strlen(last),
					(e->blk ? S_IFBLK : S_IFCHR) | (e->mode & 07777), e->rdev,
					&root_cred, &ino);
	vfs_iput(dir);
	if (err == -EEXIST && e->dir)
		return 0; /* made already as the parent of a node */
	if (err)
		goto fail;
	vfs_iput(ino);
	return 0;
fail:
	pr_warn("devfs: cannot create /dev/%s: %d\n", e->name, err);
	return err;
}

/* Remove e's node from a mounted devfs. */
static void remove_node(struct super_block *sb, const struct devfs_entry *e)
{
	struct inode *dir;
	const char *last;

	if (node_parent(sb, e->name, &dir, &last))
		return;
	dir->iops->unlink(dir, last, strlen(last));
	vfs_iput(dir);
}

static bool component_ok(const char *name, size_t len)
{
	return len && !(len == 1 && name[0] == '.') && !(len == 2 && !memcmp(name, "..", 2));
}

/* "name" or "dir/name": one level of directory at most. */
static bool name_ok(const char *name)
{
	size_t len = strnlen(name, DEVFS_NAME_MAX);
	const char *slash = strchr(name, '/');

	if (!len || len >= DEVFS_NAME_MAX)
		return false;
	if (!slash)
		return component_ok(name, len);
	return !strchr(slash + 1, '/') && component_ok(name, (size_t)(slash - name)) &&
	       component_ok(slash + 1, strlen(slash + 1));
}

static int register_dev(const char *name, bool blk, bool dir, uint32_t major, uint32_t minor,
			uint32_t mode, const struct file_ops *ops, void *priv)
{
	struct devfs_instance *in;
	struct devfs_entry *e;
	unsigned long fl;

	if (!name_ok(name) || major > 0xfff || minor > 0xfffff)
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	strlcpy(e->name, name, sizeof(e->name));
	e->blk = blk;
	e->dir = dir;
	e->rdev = MKDEV(major, minor);
	e->mode = mode & 07777;
	e->ops = ops;
	e->priv = priv;
	fl = spin_lock_irqsave(&devfs_lock);
	if (find_name(name) || (!dir && find_dev(blk, e->rdev))) {
		spin_unlock_irqrestore(&devfs_lock, fl);
		kfree(e);
		return -EEXIST;
	}
	e->next = devices;
	devices = e;
	spin_unlock_irqrestore(&devfs_lock, fl);
	/* Instances change only at mount and unmount, which cannot run now
	 * (filesystem code runs to completion). */
	for (in = instances; in; in = in->next)
		add_node(in->sb, e);
	return 0;
}

int devfs_register_chr(const char *name, uint32_t major, uint32_t minor, uint32_t mode,
		       const struct file_ops *ops, void *priv)
{
	return register_dev(name, false, false, major, minor, mode, ops, priv);
}

int devfs_register_dir(const char *name, uint32_t mode)
{
	if (strchr(name, '/'))
		return -EINVAL;
	return register_dev(name, false, true, 0, 0, mode, NULL, NULL);
}

int devfs_unregister(const char *name)
{
	struct devfs_entry **pp, *e;
	struct devfs_instance *in;
	unsigned long fl = spin_lock_irqsave(&devfs_lock);

	for (pp = &devices; *pp && strcmp((*pp)->name, name); pp = &(*pp)->next)
		;
	e = *pp;
	if (e)
		*pp = e->next;
	spin_unlock_irqrestore(&devfs_lock, fl);
	if (!e)
		return -ENOENT;
	/* As in register_dev: instances cannot change under us. */
	for (in = instances; in; in = in->next)
		remove_node(in->sb, e);
	kfree(e);
	return 0;
}

int devfs_register_blk(const char *name, uint32_t major, uint32_t minor, uint32_t mode,
		       struct blkdev *dev)
{
	if (!dev)
		return -EINVAL;
	return register_dev(name, true, false, major, minor, mode, &blk_fops, dev);
}

int devfs_set_ops(const char *name, const struct file_ops *ops, void *priv)
{
	unsigned long fl = spin_lock_irqsave(&devfs_lock);
	struct devfs_entry *e = find_name(name);

	if (e) {
		e->ops = ops;
		e->priv = priv;
	}
	spin_unlock_irqrestore(&devfs_lock, fl);
	return e ? 0 : -ENOENT;
}

/* ---- the filesystem ----------------------------------------------------------------- */

static struct super_ops devfs_super_ops; /* tmpfs's, with put_super wrapped */

static void devfs_put_super(struct super_block *sb)
{
	struct devfs_instance **pp, *in;
	unsigned long fl = spin_lock_irqsave(&devfs_lock);

	for (pp = &instances; *pp && (*pp)->sb != sb; pp = &(*pp)->next)
		;
	in = *pp;
	if (in)
		*pp = in->next;
	spin_unlock_irqrestore(&devfs_lock, fl);
	kfree(in);
	tmpfs_super_ops.put_super(sb);
}

static int devfs_mount(struct blkdev *dev, unsigned flags, const char *data,
		       struct super_block **out)
{
	struct devfs_instance *in = kzalloc(sizeof(*in));
	struct devfs_entry *e;
	struct super_block *sb;
	unsigned long fl;
	int err;

	if (!in)
		return -ENOMEM;
	err = tmpfs_mount(NULL, flags, data && *data ? data : "mode=0755", &sb);
	if (err) {
		kfree(in);
		return err;
	}
	sb->ops = &devfs_super_ops;
	for (e = devices; e; e = e->next) {
		err = add_node(sb, e);
		if (err) {
			tmpfs_super_ops.put_super(sb);
			kfree(in);
			return err;
		}
	}
	in->sb = sb;
	fl = spin_lock_irqsave(&devfs_lock);
	in->next = instances;
	instances = in;
	spin_unlock_irqrestore(&devfs_lock, fl);
	*out = sb;
	return 0;
}

static struct fs_type devfs_type = {
	.name = "devfs",
	.needs_dev = false,
	.mount = devfs_mount,
};

int devfs_init(void)
{
	static const struct {
		const char *name;
		uint32_t minor;
		const struct file_ops *ops;
	} mem[] = {
		{"null", 3, &null_fops},     {"zero", 5, &zero_fops},	   {"full", 7, &full_fops},
		{"random", 8, &random_fops}, {"urandom", 9, &random_fops},
	};
	unsigned long fl = spin_lock_irqsave(&devfs_lock);
	bool ready = devfs_ready;
	unsigned i;
	int err;

	devfs_ready = true;
	spin_unlock_irqrestore(&devfs_lock, fl);
	if (ready)
		return 0;
	devfs_super_ops = tmpfs_super_ops;
	devfs_super_ops.put_super = devfs_put_super;
	err = tmpfs_init();
	if (!err)
		err = vfs_register_fs(&devfs_type);
	for (i = 0; !err && i < ARRAY_SIZE(mem); i++)
		err = devfs_register_chr(mem[i].name, 1, mem[i].minor, 0666, mem[i].ops, NULL);
	if (!err)
		err = devfs_register_chr("console", 5, 1, 0600, NULL, NULL);
	if (err)
		pr_err("devfs: init failed: %d\n", err);
	return err;
}
