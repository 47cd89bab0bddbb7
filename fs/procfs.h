/*
 * procfs (fs/procfs.c): the "proc" filesystem. Files are registered by
 * path with a show function that produces their whole content when the
 * file is opened (like Linux seq_file single_open); reads then come from
 * that snapshot. Directories on the way (e.g. "bus" for "bus/pci") are
 * created as needed. Built in: "mounts" (vfs_mounts_show).
 *
 * show writes at most `size` bytes into buf and returns the length the
 * full content needs, as snprintf does, or -errno; a result of `size` or
 * more is retried with a larger buffer, up to PROCFS_MAX_SIZE, and cut
 * there.
 *
 * Lock legend: the registry is guarded by procfs_lock inside procfs.c;
 * entries are never removed.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <stddef.h>

#define PROCFS_MAX_SIZE (64 * 1024)

typedef int (*procfs_show_t)(char *buf, size_t size, void *arg);

/* Register "proc" and the built-in files; safe to call more than once. */
int procfs_init(void);
/* 0, -EEXIST (the path is taken), -EINVAL (bad path), -ENOMEM. */
int procfs_register(const char *path, procfs_show_t show, void *arg);

#endif
