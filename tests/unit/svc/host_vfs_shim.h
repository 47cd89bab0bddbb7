/*
 * A minimal host stand-in for the VFS core (host_vfs_shim.c) so that a
 * filesystem can be tested on its own: the inode cache calls of fs/vfs.h
 * (vfs_iget, vfs_iput, vfs_igrab), vfs_register_fs, vfs_new_dev_id and
 * vfs_now. Unlike the real cache, an inode is evicted as soon as its last
 * reference goes, so every operation must survive its inodes being read
 * back from disk. Tests drive the filesystem through its fs_type and ops.
 */
#ifndef HOST_VFS_SHIM_H
#define HOST_VFS_SHIM_H

#include <ksvc.h>
#include "fs/vfs.h"

/* The registered type called `name`, or NULL. */
struct fs_type *host_vfs_find_fs(const char *name);
/* Inodes of `sb` in the cache (referenced): 0 after a clean test. */
unsigned host_vfs_inodes(const struct super_block *sb);
/* Fix the clock vfs_now reports (0: the real time again). */
void host_vfs_set_now(int64_t sec);

#endif
