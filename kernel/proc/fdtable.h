/*
 * Per-process file descriptor tables (kernel/proc/fdtable.c): up to
 * FD_MAX open files, each slot a referenced struct file with its own
 * close-on-exec bit. References: open(2), dup(2), fcntl(2) (FD_CLOEXEC),
 * execve(2) ("file descriptors marked close-on-exec are closed").
 *
 * Lock legend: fdtable.lock (an IRQ-saving spinlock) guards files[] and
 * cloexec[]. It is never held across a call into the VFS: a file taken
 * out of a slot is closed after the lock is dropped.
 */
#ifndef KERNEL_PROC_FDTABLE_H
#define KERNEL_PROC_FDTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/vfs.h"

#define FD_MAX 256

struct fdtable;

/* An empty table; NULL without memory. */
struct fdtable *fdtable_create(void);
/* A table with fds 0, 1 and 2 open on /dev/console (the first process). */
struct fdtable *fdtable_create_console(struct vfs_ctx *ctx);
/* fork: a copy whose files each get another reference. NULL without memory. */
struct fdtable *fdtable_dup(struct fdtable *t);
/* Close every fd and free the table; NULL is allowed. */
void fdtable_release(struct fdtable *t);
/* RLIMIT_NOFILE: new fds stay below n (at most FD_MAX); open ones stay. */
void fdtable_set_limit(struct fdtable *t, unsigned long n);
/* execve: close the fds marked close-on-exec. */
void fdtable_exec(struct fdtable *t);

/* Put `f` (its reference passes to the table) in the lowest free slot
 * >= min: the fd, or -EMFILE (the reference is then still the caller's). */
int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec);
/* Put `f` at `fd`, closing what was there (dup2/dup3). fd or -EBADF. */
int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec);
/* The file at fd with a new reference (vfs_close it), or NULL. */
struct file *fd_get(struct fdtable *t, int fd);
/* 0 or -EBADF. */
int fd_close(struct fdtable *t, int fd);
/* The smallest open fd above `after` (-1 to start), or -1 (/proc/<pid>/fd). */
int fd_next_open(struct fdtable *t, int after);
/* FD_CLOEXEC of fd: 0/1, or -EBADF; set: 0 or -EBADF. */
int fd_get_cloexec(struct fdtable *t, int fd);
int fd_set_cloexec(struct fdtable *t, int fd, bool on);

/*
 * A file with no path (pipes, the fallback console), served by `ops` with
 * `ino` as its inode (not in the inode cache: the caller owns it and it
 * must outlive the file). vfs_close frees it like any other file. NULL
 * without memory.
 */
struct file *file_alloc_anon(struct inode *ino, const struct file_ops *ops, unsigned flags,
			     void *priv);
/* An inode for file_alloc_anon on the anonymous superblock: zeroed but for
 * sb, mode and times. */
void anon_inode_init(struct inode *ino, uint32_t mode);

#endif
