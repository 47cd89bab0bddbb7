/*
 * tmpfs (fs/tmpfs.c, fs/tmpfs_file.c): a filesystem that lives in memory.
 * Registered as "tmpfs" (no device). Mount options, comma-separated:
 *   size=N[k|m|g]   bytes of file data allowed (default 64 MiB), -ENOSPC
 *                   beyond; 0 means no limit
 *   nr_inodes=N     inodes allowed (default 1048576), 0 means no limit
 *   mode=OOOO       permissions of the root directory (default 1777)
 *   uid=N, gid=N    owner of the root directory
 * devfs is a tmpfs too and reuses tmpfs_mount and tmpfs_super_ops.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include "fs/vfs.h"

#define TMPFS_MAGIC 0x01021994

/* Register "tmpfs"; safe to call more than once. */
int tmpfs_init(void);
int tmpfs_mount(struct blkdev *dev, unsigned flags, const char *data, struct super_block **out);
extern const struct super_ops tmpfs_super_ops;

#endif
