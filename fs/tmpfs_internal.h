/*
 * tmpfs internals shared by tmpfs.c (superblock, directories, links) and
 * tmpfs_file.c (regular-file pages).
 *
 * Every live tmpfs inode is pinned in the VFS inode cache: tmpfs holds one
 * reference while its link count is above zero (as Linux's dentries pin
 * shmem inodes), so struct inode is the only copy of its metadata and
 * read_inode is never needed. The pin goes when the last link does; the
 * inode is then evicted at its last vfs_iput and evict_inode frees the
 * data. A directory entry points at its inode without a reference. A
 * directory holds a reference to its parent (as a dentry does), so ".."
 * of a removed directory still leads where it used to; those references
 * are dropped iteratively (parent_put), never by recursion, however long a
 * chain of removed directories gets.
 *
 * Lock legend: the fields below belong to the filesystem's callers, which
 * run to completion one at a time (fs/vfs.h); issue 4 adds a per-sb lock.
 */
#ifndef FS_TMPFS_INTERNAL_H
#define FS_TMPFS_INTERNAL_H

#include <ksvc.h>
#include "fs/vfs.h"
#include "fs/tmpfs.h"

#define TMPFS_PAGE	   4096u
#define TMPFS_PAGE_SHIFT   12
#define TMPFS_RADIX_SHIFT  9 /* 512 pointers per page-sized node */
#define TMPFS_RADIX_HEIGHT 4 /* 2^36 pages */
#define TMPFS_MAX_BYTES	   (1ull << (TMPFS_PAGE_SHIFT + TMPFS_RADIX_SHIFT * TMPFS_RADIX_HEIGHT))

struct tmpfs_sb {
	uint64_t next_ino;
	uint64_t max_bytes, used_bytes; /* file data pages; max 0 = no limit */
	uint64_t max_inodes, inodes;	/* max 0 = no limit */
	struct tmpfs_node *nodes;	/* pinned (linked) inodes */
	struct tmpfs_node *put_list;	/* parents waiting for their iputs */
	bool putting;			/* put_list is being drained */
};

struct tmpfs_dirent {
	struct tmpfs_dirent *next;
	struct inode *inode; /* no reference: the inode's pin keeps it */
	uint64_t cookie;     /* readdir position, >= 2, grows per dir */
	size_t len;
	char name[];
};

struct tmpfs_node {
	struct inode *inode;
	struct tmpfs_node *prev, *next; /* tmpfs_sb.nodes while pinned */
	bool pinned;
	/* directories */
	struct tmpfs_dirent *entries, **tail;
	uint64_t next_cookie;
	struct inode *parent; /* "..", referenced; the root's is itself (unreferenced) */
	unsigned parent_puts; /* references to drop, while on put_list */
	struct tmpfs_node *put_next;
	/* regular files: a radix tree of pages, height levels */
	void *radix;
	unsigned height;
	uint64_t npages;
	/* symlinks */
	char *target;
};

static inline struct tmpfs_node *tmpfs_node(const struct inode *ino)
{
	return ino->priv;
}

static inline struct tmpfs_sb *tmpfs_sb(const struct super_block *sb)
{
	return sb->priv;
}

extern const struct file_ops tmpfs_file_ops;

/* tmpfs_file.c */
int tmpfs_resize(struct inode *ino, uint64_t size);
void tmpfs_free_pages(struct inode *ino);

#endif
