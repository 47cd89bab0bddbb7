/*
 * Internals shared by procfs.c (the registered tree, the superblock and
 * file snapshots) and procfs_pid.c (the per-process part). Nothing else
 * includes this.
 *
 * Inode numbers: registered entries count up from PROC_ROOT_INO; the
 * per-process ones have bit 63 set and encode (pid, tid, index), so they
 * never collide with the others and stay the same for as long as the pid
 * lives (see procfs_pid.c).
 */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include "fs/procfs.h"
#include "fs/vfs.h"

#define PROC_ROOT_INO 1
#define PROC_DYN_FLAG (1ull << 63)

static inline bool procfs_is_dyn(uint64_t ino)
{
	return (ino & PROC_DYN_FLAG) != 0;
}

/* Content generator for a snapshot, as procfs_show_t with a context. */
typedef int (*procfs_gen_t)(void *ctx, char *buf, size_t size);
/* Generate the whole content into file->priv (read by procfs_file_fops'
 * read, freed at release). 0 or -errno. */
int procfs_snapshot(struct file *file, procfs_gen_t gen, void *ctx);
long procfs_snapshot_read(struct file *file, void *buf, size_t len, uint64_t off);
void procfs_snapshot_release(struct file *file);

/* ---- procfs_pid.c --------------------------------------------------------- */
int procfs_dyn_read_inode(struct inode *ino);
/* Names of the root directory beyond the registered entries: "self",
 * "thread-self" and the pids. -ENOENT when it is none of them. */
int procfs_dyn_root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
/* Continue a readdir of the root after the registered entries, which
 * took positions below `first`. */
int procfs_dyn_root_readdir(uint64_t *pos, uint64_t first, filldir_t fill, void *ctx);

#endif
