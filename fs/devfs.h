/*
 * devfs (fs/devfs.c): the device registry, the character/block device
 * switch, and the "devfs" filesystem mounted at /dev.
 *
 * Drivers register a device by name and major/minor with the file_ops
 * that serve it. The registry is the device switch: vfs_open of any
 * S_IFCHR or S_IFBLK inode, on devfs or on another filesystem such as
 * ext2, finds its file_ops here by (type, rdev) through devsw_open. A
 * mounted devfs is a tmpfs populated with one node per registered device
 * (like Linux devtmpfs), so /dev also takes directories and symlinks.
 *
 * Built in (devfs_init): null (1,3), zero (1,5), full (1,7), random (1,8),
 * urandom (1,9), and console (5,1) whose ops the tty layer sets later with
 * devfs_set_ops; until then opening it gives -ENXIO.
 *
 * Lock legend: the registry is guarded by devfs_lock (inside devfs.c);
 * an entry's ops/priv may be replaced by devfs_set_ops at any time and a
 * file keeps whatever it got at open.
 */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H

#include <stddef.h>
#include <stdint.h>
#include "fs/vfs.h"

struct blkdev;

#define DEVFS_NAME_MAX 32

/* Register the "devfs" filesystem type and the built-in devices; safe to
 * call more than once. 0 or -errno. */
int devfs_init(void);

/* A character device `name` (a file in /dev, or "dir/name") with permission
 * bits `mode` (e.g. 0666). ops may be NULL until devfs_set_ops. -EEXIST
 * for a name or number already taken, -EINVAL for a bad name. */
int devfs_register_chr(const char *name, uint32_t major, uint32_t minor, uint32_t mode,
		       const struct file_ops *ops, void *priv);
/* A directory `name` in /dev (e.g. "pts"); devices may then be named
 * "pts/0". A device name holds at most one '/', and its directory is made
 * on demand if not registered. */
int devfs_register_dir(const char *name, uint32_t mode);
/* Forget a device (or an empty directory) and remove its node from every
 * mounted devfs: files already open keep their ops. 0 or -ENOENT. */
int devfs_unregister(const char *name);
/* A block device node served by devfs's own block file_ops: reads and
 * writes at any offset and length go through blk_rw_sync with bounce
 * buffers (read-modify-write for partial sectors). */
int devfs_register_blk(const char *name, uint32_t major, uint32_t minor, uint32_t mode,
		       struct blkdev *dev);
/* Replace the ops (and priv) of a registered device: -ENOENT if absent. */
int devfs_set_ops(const char *name, const struct file_ops *ops, void *priv);

/* The device switch, for vfs_open: set f->ops and f->priv from the
 * registry entry of ino's type and rdev and run ops->open. -ENXIO when
 * no device (or no ops) is registered there. */
int devsw_open(struct inode *ino, struct file *f);
/* Size in bytes of the block device behind an open file (SEEK_END); 0 for
 * anything else. */
uint64_t devsw_size(const struct file *f);

#endif
