/*
 * Internals shared by the VFS files (vfs.c, namei.c, perm.c, vfs_file.c,
 * vfs_ops.c, vfs_attr.c, vfs_cwd.c): the mount structure, path-walk state
 * and helpers. Filesystems never include this; they see only fs/vfs.h.
 *
 * Lock legend: vfs_lock guards the mount list, every struct mount's
 * refcnt, the inode hash and inode refcnt/mounted_here. It is never held
 * across a call into a filesystem. Filesystem operations run to completion
 * on one CPU until issue 4 brings threads.
 */
#ifndef FS_VFS_INTERNAL_H
#define FS_VFS_INTERNAL_H

#include <ksvc.h>
#include "fs/vfs.h"

/* A superblock being unmounted: its inodes are evicted at their last iput
 * instead of staying cached. VFS-private bit of super_block.flags. */
#define SB_DYING 0x80000000u

struct mount {
	struct super_block *sb;
	struct inode *root;	  /* referenced */
	struct mount *parent;	  /* NULL for the root mount */
	struct inode *mountpoint; /* in parent, referenced; NULL for root */
	char devname[24];	  /* first field of /proc/mounts */
	int refcnt;		  /* vfs_lock: vpaths held (files, cwd, walks) */
	struct mount *next;	  /* vfs_lock: mount list, in mount order */
};

extern struct spinlock vfs_lock;
extern struct mount *vfs_mount_list; /* vfs_lock */
extern struct mount *vfs_root_mnt;   /* vfs_lock */

void vpath_get(const struct vpath *p);
void vpath_put(struct vpath *p);
/* p = (mnt, ino), taking a mount reference; the inode reference (from
 * vfs_iget or a lookup) passes to p. */
void vpath_adopt(struct vpath *p, struct mount *mnt, struct inode *ino);
static inline bool vpath_equal(const struct vpath *a, const struct vpath *b)
{
	return a->mnt == b->mnt && a->inode == b->inode;
}
static inline bool mnt_rdonly(const struct mount *m)
{
	return (m->sb->flags & SB_RDONLY) != 0;
}

/* ---- path walk (namei.c) ---------------------------------------------- */

#define NAMEI_BUF (2 * PATH_MAX) /* room for the path with symlinks spliced in */

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

#define LOOKUP_FOLLOW	 0x1 /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2 /* the result must be a directory */

struct nameidata {
	struct vfs_ctx *ctx;
	const struct cred *cred; /* whose permissions the walk checks */
	struct vpath path;	 /* current directory, then the parent; referenced */
	char *buf;		 /* the rest of the path sits at its end */
	size_t pos;		 /* index of the unwalked rest in buf */
	char *link;		 /* symlink target scratch (PATH_MAX), on demand */
	int depth;		 /* symlinks followed so far */
	int last_type;		 /* LAST_* */
	bool trailing;		 /* the last component was followed by '/' */
	size_t last_len;
	char last[NAME_MAX + 1];
};

/* Check the path (-ENOENT empty, -ENAMETOOLONG >= PATH_MAX), copy it and
 * walk to the parent of its last component (nd->last). 0 or -errno; the
 * nameidata must be released with namei_release either way. */
int namei_parent(struct nameidata *nd, struct vfs_ctx *ctx, const char *path);
/* Resolve the last component from the parent: crosses mounts, follows a
 * final symlink if LOOKUP_FOLLOW or a trailing slash asks for it.
 * *out is referenced. */
int namei_last(struct nameidata *nd, unsigned flags, struct vpath *out);
void namei_release(struct nameidata *nd);
/* Follow the final symlink `link` found in nd->path: splice its target and
 * walk to the new parent (counts against SYMLOOP_MAX). */
int namei_follow_last(struct nameidata *nd, struct inode *link);
/* The whole walk. */
int vfs_lookup(struct vfs_ctx *ctx, const char *path, unsigned flags, struct vpath *out);
/* Look `name` up in directory `dir` through the filesystem; no mount
 * crossing, no permission check. -ENAMETOOLONG, -ENOENT, ... */
int vfs_lookup_child(struct inode *dir, const char *name, size_t len, struct inode **out);
/* Move p down through mounts stacked on it. */
void vfs_follow_mounts(struct vpath *p);

/* ---- permissions (perm.c, pure) --------------------------------------- */

bool cred_in_group(const struct cred *cred, uint32_t gid);
/* The sticky-directory rule for deleting or renaming `victim` out of
 * `dir`: 0 or -EPERM. */
int vfs_check_sticky(const struct inode *dir, const struct inode *victim, const struct cred *cred);
/* Owner or root (inode_owner_or_capable). */
bool vfs_owner_or_root(const struct inode *ino, const struct cred *cred);
/* chmod: checks and the mode to store in attr (EPERM). */
int vfs_chmod_prepare(const struct inode *ino, const struct cred *cred, uint32_t mode,
		      struct iattr *attr);
/* chown: checks and attr (uid/gid (uint32_t)-1 = unchanged) including
 * the suid/sgid clearing Linux does; EPERM. */
int vfs_chown_prepare(const struct inode *ino, const struct cred *cred, uint32_t uid, uint32_t gid,
		      struct iattr *attr);
/* Mode bits a write or truncate by `cred` must clear (0 if none), as
 * Linux should_remove_suid. */
uint32_t vfs_kill_suid_mode(const struct inode *ino, const struct cred *cred);
/* utimensat's rules: 0, -EPERM or -EACCES (writable is the result of the
 * MAY_WRITE check, which the caller computes). */
int vfs_utimens_check(const struct inode *ino, const struct cred *cred,
		      const struct timespec64 times[2], int write_err);

/* ---- vfs.c helpers ----------------------------------------------------- */

/* inode_permission: -EROFS for writes to files, dirs and links on a
 * read-only mount, then vfs_permission. */
int vfs_may(const struct vpath *p, const struct cred *cred, int mask);
/* Apply attr through the filesystem's setattr (then write_inode). */
int vfs_setattr(struct inode *ino, struct iattr *attr);
/* A temporary open of a directory for readdir (getcwd, emptiness). */
int vfs_dir_open_tmp(struct vpath *p, struct file *f);
void vfs_dir_close_tmp(struct file *f);
/* Whether a directory has entries besides "." and "..": 1, 0 or -errno. */
int vfs_dir_nonempty(struct vpath *dir);
/* struct kstat from an inode (stat, fstat). */
void vfs_fill_kstat(const struct inode *ino, struct kstat *st);
/* Truncate (or extend) ino to size for `cred`: mtime/ctime when the size
 * changes or `always_mtime` (O_TRUNC), and the suid/sgid bits a write by
 * a non-root caller drops. */
int vfs_do_truncate(struct inode *ino, uint64_t size, const struct cred *cred, bool always_mtime);
/* The path of p from root into the end of buf (size bytes); returns the
 * index of the path's first byte in buf, or -ERANGE / -ENAMETOOLONG. */
long vfs_path_build(const struct vpath *p, const struct vpath *root, char *buf, size_t size);

#endif
