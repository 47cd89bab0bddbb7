/*
 * Internals shared by the file system calls: sys_file.c (descriptors and
 * their I/O) and sys_path.c (calls that name paths). Not for other files.
 */
#ifndef KERNEL_SYSCALL_SYS_FILE_INTERNAL_H
#define KERNEL_SYSCALL_SYS_FILE_INTERNAL_H

#include <ksvc.h>
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/err.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/pipe.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_read       0
#define SYS_write      1
#define SYS_open       2
#define SYS_close      3
#define SYS_stat       4
#define SYS_fstat      5
#define SYS_lstat      6
#define SYS_lseek      8
#define SYS_ioctl      16
#define SYS_pread64    17
#define SYS_pwrite64   18
#define SYS_readv      19
#define SYS_writev     20
#define SYS_access     21
#define SYS_pipe       22
#define SYS_dup	       32
#define SYS_dup2       33
#define SYS_sendfile   40
#define SYS_fcntl      72
#define SYS_fsync      74
#define SYS_fdatasync  75
#define SYS_truncate   76
#define SYS_ftruncate  77
#define SYS_getcwd     79
#define SYS_chdir      80
#define SYS_fchdir     81
#define SYS_rename     82
#define SYS_mkdir      83
#define SYS_rmdir      84
#define SYS_creat      85
#define SYS_link       86
#define SYS_unlink     87
#define SYS_symlink    88
#define SYS_readlink   89
#define SYS_chmod      90
#define SYS_fchmod     91
#define SYS_chown      92
#define SYS_fchown     93
#define SYS_lchown     94
#define SYS_umask      95
#define SYS_statfs     137
#define SYS_fstatfs    138
#define SYS_sync       162
#define SYS_getdents64 217
#define SYS_openat     257
#define SYS_mkdirat    258
#define SYS_fchownat   260
#define SYS_newfstatat 262
#define SYS_unlinkat   263
#define SYS_renameat   264
#define SYS_linkat     265
#define SYS_symlinkat  266
#define SYS_readlinkat 267
#define SYS_fchmodat   268
#define SYS_faccessat  269
#define SYS_utimensat  280
#define SYS_dup3       292
#define SYS_pipe2      293
#define SYS_renameat2  316
#define SYS_faccessat2 439

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR	    0x200
#define AT_EACCESS	    0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH	    0x1000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC	1

#define BOUNCE_SIZE  16384
#define IOV_MAX	     1024
#define GETDENTS_MAX 65536

/* struct stat and struct statfs as Linux x86_64 lays them out (asm/stat.h,
 * asm-generic/statfs.h). */
struct stat_user {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct stat_user) == 144, "Linux x86_64 struct stat");

struct statfs_user {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags;
	int64_t spare[4];
};
_Static_assert(sizeof(struct statfs_user) == 120, "Linux x86_64 struct statfs");

struct iovec_user {
	uint64_t base, len;
};

struct at_ctx {
	struct vfs_ctx ctx;
	struct file *dir; /* referenced while in use, or NULL */
};

struct fdtable *fds(void);
char *path_in(long upath);
int at_begin(long dirfd, const char *path, struct at_ctx *a);
void at_end(struct at_ctx *a);
int file_ctx(struct file *f, struct vfs_ctx *ctx);
bool seekable(const struct file *f);
bool whole_reads(const struct file *f);

#endif
