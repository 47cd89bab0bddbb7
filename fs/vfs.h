/*
 * The virtual filesystem (fs/vfs*.c): mounts, path lookup, permission
 * checks, the inode cache and open files. Filesystems (ext2, tmpfs, devfs,
 * procfs) supply struct super_ops, inode_ops and file_ops and never walk
 * paths or check permissions themselves: the VFS does both before calling
 * them (DESIGN.md "A single VFS").
 *
 * Errors follow Linux exactly (ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EACCES,
 * EPERM, EEXIST, EISDIR, ENOTEMPTY, EXDEV, EROFS, EBUSY, EINVAL).
 *
 * Lock legend: vfs_lock (in vfs.c) guards the mount list, the inode hash and
 * inode reference counts. A filesystem's own structures are guarded by its
 * own lock. Until issue 4 brings threads, filesystem operations run to
 * completion on one CPU.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/stat.h"

struct blkdev;
struct inode;
struct file;
struct super_block;
struct mount;
struct poll_table;

/* Credentials, as on Linux: the fs ids are what permission checks use. */
#define NGROUPS_MAX 32
struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[NGROUPS_MAX];
};
extern const struct cred root_cred;

/* Permission request bits (vfs_permission). */
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

/* setattr mask bits */
#define ATTR_MODE  0x01
#define ATTR_UID   0x02
#define ATTR_GID   0x04
#define ATTR_SIZE  0x08
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40

struct iattr {
	unsigned valid; /* ATTR_* */
	uint32_t mode;	/* permission bits and S_ISUID/S_ISGID/S_ISVTX only */
	uint32_t uid, gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
};

struct inode_ops {
	/* Find `name` in directory `dir`; *out gets a referenced inode
	 * (vfs_iget). -ENOENT if absent. name is not NUL-terminated. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* Create a new entry of type mode & S_IFMT (regular, fifo, char, block,
	 * socket) with owner from `cred` (gid from a setgid dir as on Linux).
	 * The VFS has checked that the name is absent and dir is writable. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		      const struct cred *cred, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		     const struct cred *cred, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       const struct cred *cred, struct inode **out);
	/* New name for an existing non-directory inode. */
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *target);
	/* Remove a non-directory entry; the inode goes when nlink and refs are 0. */
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	/* Remove an empty directory: -ENOTEMPTY otherwise. */
	int (*rmdir)(struct inode *dir, const char *name, size_t len);
	/* Move an entry, replacing an existing target. The VFS has checked
	 * types (dir over empty dir, non-dir over non-dir), that the target dir
	 * is not inside the source, and permissions. Same superblock only. */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		      const char *nname, size_t nlen);
	/* Copy the link target (no NUL); returns its length or -errno. */
	int (*readlink)(struct inode *ino, char *buf, size_t size);
	/* Apply `attr` (ownership, mode, size, times) after VFS checks.
	 * ATTR_SIZE truncates or extends (sparse). */
	int (*setattr)(struct inode *ino, const struct iattr *attr);
};

/* Directory-entry callback for readdir: return nonzero to stop (the entry
 * is then not consumed). `type` is a DT_* value. */
typedef int (*filldir_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type);

struct file_ops {
	/* Optional; called after the VFS set up `file`. */
	int (*open)(struct inode *ino, struct file *file);
	void (*release)(struct file *file);
	/* Kernel buffers. Return bytes moved or -errno. Reads past the end
	 * return 0. The VFS handles O_APPEND and the file position. */
	long (*read)(struct file *file, void *buf, size_t len, uint64_t off);
	long (*write)(struct file *file, const void *buf, size_t len, uint64_t off);
	/* Emit entries from *pos on, advancing *pos past each emitted one;
	 * "." and ".." included. 0 or -errno. */
	int (*readdir)(struct file *file, uint64_t *pos, filldir_t fill, void *ctx);
	int (*fsync)(struct file *file);
	int (*ioctl)(struct file *file, unsigned cmd, unsigned long arg);
	/* Optional: the POLL* events true now; with a table, also
	 * poll_wait on each queue woken when they change (fs/poll.h).
	 * Without it a file is always readable and writable. */
	unsigned (*poll)(struct file *file, struct poll_table *pt);
};

struct kstatfs {
	uint64_t type; /* Linux magic, e.g. 0xef53 for ext2 */
	uint64_t bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

struct super_ops {
	/* Fill a new inode's fields (mode, uid, ..., iops, fops, priv) from
	 * disk. The VFS has set sb and ino. 0 or -errno. */
	int (*read_inode)(struct inode *ino);
	/* Write the inode's fields back (after setattr or size change). */
	int (*write_inode)(struct inode *ino);
	/* Last reference gone: free fs-private data; delete the inode on disk
	 * if nlink is 0. */
	void (*evict_inode)(struct inode *ino);
	int (*sync)(struct super_block *sb);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Release everything; called once, after sync, on unmount. */
	void (*put_super)(struct super_block *sb);
};

#define SB_RDONLY 0x1 /* also MS_RDONLY in mount flags */

struct super_block {
	const struct fs_type *type;
	const struct super_ops *ops;
	struct blkdev *dev; /* NULL for virtual filesystems */
	uint32_t dev_id;    /* st_dev */
	unsigned flags;	    /* SB_* */
	uint64_t root_ino;
	uint32_t block_size;
	void *priv;
};

struct fs_type {
	const char *name;
	bool needs_dev;
	/* Read the superblock from `dev` (or set up a virtual fs) into a new
	 * struct super_block. Bad or unsupported metadata: -EINVAL/-EUCLEAN
	 * with a log line naming the problem. */
	int (*mount)(struct blkdev *dev, unsigned flags, const char *data,
		     struct super_block **out);
	struct fs_type *next;
};

struct inode {
	struct super_block *sb;
	uint64_t ino;
	uint32_t mode; /* S_IFMT | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t rdev;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	struct timespec64 atime, mtime, ctime;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	void *priv;
	/* VFS-owned, vfs_lock: */
	int refcnt;
	struct mount *mounted_here; /* mount whose mountpoint this inode is */
	struct inode *hash_next;
};

/* A position in the tree: a mount and an inode within it. */
struct vpath {
	struct mount *mnt;
	struct inode *inode;
};

struct file {
	struct vpath path;
	struct inode *inode; /* == path.inode */
	const struct file_ops *ops;
	uint64_t pos;
	unsigned flags; /* O_* as passed to open, minus O_CREAT/O_EXCL/O_TRUNC */
	int refcnt;
	void *priv;
	/* Where a non-directory was opened: the directory it was found in and
	 * its name there (vfs_file_path); VFS-owned, released at the last
	 * close. Empty for directories and for files without a path. */
	struct vpath dir;
	char *name;
};

/* What a caller acts as: its root, working directory, credentials, umask. */
struct vfs_ctx {
	struct vpath root, cwd;
	const struct cred *cred;
	uint32_t umask;
};

/* ---- for filesystems ------------------------------------------------- */
int vfs_register_fs(struct fs_type *type);
/* The cached inode (sb, ino), reading it with read_inode if needed;
 * referenced. ERR-free: 0 or -errno. */
int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out);
void vfs_iput(struct inode *ino);
void vfs_igrab(struct inode *ino);
/* A free st_dev number for a new superblock. */
uint32_t vfs_new_dev_id(void);
struct timespec64 vfs_now(void);
/* For a filesystem creating a file: a new, zeroed inode (sb, ino) entered
 * in the inode cache with one reference and without calling read_inode;
 * the caller fills its fields. -EEXIST if (sb, ino) is already cached. */
int vfs_new_inode(struct super_block *sb, uint64_t ino, struct inode **out);
/* Owner of a new inode in `dir` as Linux inode_init_owner: uid = fsuid;
 * gid = dir's gid if dir is setgid (a new subdirectory then inherits
 * S_ISGID; a new file keeps S_ISGID only if the creator is in that group
 * or is root), else fsgid. `mode` includes S_IFMT; *mode_out is the mode
 * to store. */
void vfs_inode_init_owner(const struct inode *dir, uint32_t mode, const struct cred *cred,
			  uint32_t *uid, uint32_t *gid, uint32_t *mode_out);

/* ---- for the rest of the kernel -------------------------------------- */
/* Mount `fstype` on `target` ("/" for the first mount). */
int vfs_mount(struct vfs_ctx *ctx, struct blkdev *dev, const char *target, const char *fstype,
	      unsigned flags, const char *data);
int vfs_umount(struct vfs_ctx *ctx, const char *target);
/* Does filesystem type `name` mount a block device? 1, 0, or -ENODEV. */
int vfs_fs_needs_dev(const char *name);
/* A context whose root and cwd are the root mount, acting as `cred`. */
int vfs_ctx_init(struct vfs_ctx *ctx, const struct cred *cred);
void vfs_ctx_release(struct vfs_ctx *ctx);
/* A copy of `src` (same root, cwd and umask) acting as `cred`: fork. */
void vfs_ctx_dup(struct vfs_ctx *dst, const struct vfs_ctx *src, const struct cred *cred);

int vfs_open(struct vfs_ctx *ctx, const char *path, int flags, uint32_t mode, struct file **out);
int vfs_close(struct file *f);
/* Another reference to an open file (dup, fork); vfs_close drops one. */
struct file *vfs_file_get(struct file *f);
long vfs_read(struct file *f, void *buf, size_t len);
long vfs_write(struct file *f, const void *buf, size_t len);
long vfs_pread(struct file *f, void *buf, size_t len, uint64_t off);
long vfs_pwrite(struct file *f, const void *buf, size_t len, uint64_t off);
long vfs_lseek(struct file *f, int64_t off, int whence);
/* Fill `buf` with struct linux_dirent64 records; bytes written, 0 at end. */
long vfs_getdents(struct file *f, void *buf, size_t size);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_fsync(struct file *f);
int vfs_ftruncate(struct file *f, uint64_t size);

int vfs_stat(struct vfs_ctx *ctx, const char *path, struct kstat *st, bool follow);
int vfs_access(struct vfs_ctx *ctx, const char *path, int mode); /* F_OK / R_OK ... */
int vfs_mkdir(struct vfs_ctx *ctx, const char *path, uint32_t mode);
int vfs_mknod(struct vfs_ctx *ctx, const char *path, uint32_t mode, uint32_t rdev);
int vfs_rmdir(struct vfs_ctx *ctx, const char *path);
int vfs_unlink(struct vfs_ctx *ctx, const char *path);
int vfs_link(struct vfs_ctx *ctx, const char *oldpath, const char *newpath);
int vfs_symlink(struct vfs_ctx *ctx, const char *target, const char *linkpath);
int vfs_readlink(struct vfs_ctx *ctx, const char *path, char *buf, size_t size);
int vfs_rename(struct vfs_ctx *ctx, const char *oldpath, const char *newpath);
int vfs_chmod(struct vfs_ctx *ctx, const char *path, uint32_t mode);
int vfs_chown(struct vfs_ctx *ctx, const char *path, uint32_t uid, uint32_t gid, bool follow);
int vfs_truncate(struct vfs_ctx *ctx, const char *path, uint64_t size);
/* times NULL: now. UTIME_NOW / UTIME_OMIT in tv_nsec as on Linux. */
int vfs_utimens(struct vfs_ctx *ctx, const char *path, const struct timespec64 times[2],
		bool follow);
int vfs_statfs(struct vfs_ctx *ctx, const char *path, struct kstatfs *st);
int vfs_chdir(struct vfs_ctx *ctx, const char *path);
/* The absolute path of ctx->cwd into buf; length or -ERANGE. */
int vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size);
/* The absolute path of an open file as seen from `root` (NULL: the first
 * mount), " (deleted)" added when it has no links left, as Linux's
 * /proc/<pid>/fd links show it: the length (no NUL is stored), -ENOENT
 * for a file without a path (a pipe), -ENAMETOOLONG. May sleep. */
int vfs_file_path(struct file *f, const struct vpath *root, char *buf, size_t size);
int vfs_sync(void);
/* Power-off and exit path: sync, then release every filesystem, children
 * first, whatever is still open, so each records a clean unmount. No VFS
 * call may follow. 0 or the first sync error. */
int vfs_shutdown(void);

/* Owner/group/other check with root's bypass (not for exec unless some x
 * bit is set), exactly as Linux generic_permission. 0 or -EACCES. */
int vfs_permission(const struct inode *ino, const struct cred *cred, int mask);
/* One line per mount, as /proc/mounts prints it. */
int vfs_mounts_show(char *buf, size_t size);
/* One line per filesystem type, as /proc/filesystems prints it. */
int vfs_filesystems_show(char *buf, size_t size);

#endif
