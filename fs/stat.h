/*
 * File types, mode bits, open flags and the kernel's stat and dirent
 * structures, with Linux's values (they cross the syscall ABI unchanged).
 * Shared by the kernel, filesystems and host tests.
 */
#ifndef FS_STAT_H
#define FS_STAT_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define S_IFMT	 0170000
#define S_IFSOCK 0140000
#define S_IFLNK	 0120000
#define S_IFREG	 0100000
#define S_IFBLK	 0060000
#define S_IFDIR	 0040000
#define S_IFCHR	 0020000
#define S_IFIFO	 0010000
#define S_ISUID	 0004000
#define S_ISGID	 0002000
#define S_ISVTX	 0001000

#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

/* Directory entry types (linux_dirent64.d_type). */
#define DT_UNKNOWN 0
#define DT_FIFO	   1
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_BLK	   6
#define DT_REG	   8
#define DT_LNK	   10
#define DT_SOCK	   12

/* open(2) flags, x86_64 values. */
#define O_ACCMODE   0003
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR	    02
#define O_CREAT	    0100
#define O_EXCL	    0200
#define O_NOCTTY    0400
#define O_TRUNC	    01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

#define NAME_MAX    255
#define PATH_MAX    4096
#define SYMLOOP_MAX 40

/* Device numbers as Linux encodes them in a 32-bit dev_t (new_encode_dev,
 * and glibc's makedev for major < 4096, minor < 2^20): inode->rdev and
 * struct kstat's rdev hold this encoding. */
#define MKDEV(ma, mi) ((uint32_t)(((mi)&0xff) | (((ma)&0xfff) << 8) | (((mi) & ~0xffu) << 12)))
#define MAJOR(dev)    ((uint32_t)(((dev) >> 8) & 0xfff))
#define MINOR(dev)    ((uint32_t)(((dev)&0xff) | (((dev) >> 12) & 0xfff00)))

struct timespec64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct kstat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev, size, blksize, blocks;
	struct timespec64 atime, mtime, ctime;
};

/* getdents64 record, as Linux lays it out. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
} __packed;

#endif
