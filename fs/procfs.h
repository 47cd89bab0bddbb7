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
 * The per-process part (fs/procfs_pid.c) is not registered file by file:
 * a provider (kernel/proc/proc_pid.c) installs struct procfs_pid_ops, and
 * procfs then shows /proc/<pid> for every pid it lists, after the
 * registered entries, plus the symlinks /proc/self and /proc/thread-self.
 * Each /proc/<pid> (and /proc/<pid>/task/<tid>) holds the provider's
 * entries; procfs owns the names, inode numbers, directory walks and file
 * snapshots, the provider only answers about processes. Calls go one way:
 * fs/ never includes a process header.
 *
 * Lock legend: the registry is guarded by procfs_lock inside procfs.c;
 * entries are never removed. The provider pointer is set once at boot.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#define PROCFS_MAX_SIZE (64 * 1024)

typedef int (*procfs_show_t)(char *buf, size_t size, void *arg);

/* Register "proc" and the built-in files; safe to call more than once. */
int procfs_init(void);
/* 0, -EEXIST (the path is taken), -EINVAL (bad path), -ENOMEM. */
int procfs_register(const char *path, procfs_show_t show, void *arg);

/* ---- the per-process part ------------------------------------------------ */

enum procfs_pid_kind {
	PROCFS_PID_FILE,     /* content from show, snapshot at open */
	PROCFS_PID_LINK,     /* symlink whose target show produces */
	PROCFS_PID_FD_DIR,   /* one symlink per open fd (fd_link) */
	PROCFS_PID_TASK_DIR, /* one directory per thread, with the same entries */
};

/*
 * One entry of /proc/<pid>/ (and of /proc/<pid>/task/<tid>/, where
 * TASK_DIR entries are left out). show(pid, tid, buf, size) works as
 * procfs_show_t: at most size bytes into buf, returns the full length or
 * -errno (-ENOENT when the process is gone, -EACCES when the caller may
 * not see it). tid is 0 for the process as a whole.
 */
struct procfs_pid_entry {
	const char *name;
	enum procfs_pid_kind kind;
	uint16_t mode; /* permission bits; the owner is the process's (owner) */
	int (*show)(int pid, int tid, char *buf, size_t size);
};

struct procfs_pid_ops {
	const struct procfs_pid_entry *entries;
	size_t nentries;
	/* The smallest pid above `after` of a process that exists (zombies
	 * too), or 0 when there is none. */
	int (*next_pid)(int after);
	/* The smallest thread id of pid above `after`, or 0. */
	int (*next_tid)(int pid, int after);
	/* The smallest open fd of pid above `after` (-1 to start), or -1. */
	int (*next_fd)(int pid, int after);
	/* 0 if pid exists (and tid is one of its threads, when nonzero),
	 * with the owner its files show (effective ids); else -ENOENT. */
	int (*owner)(int pid, int tid, uint32_t *uid, uint32_t *gid);
	/* The target of /proc/<pid>/fd/<fd> ("/dev/ttyS0", "pipe:[7]"), as
	 * show does. May sleep. */
	int (*fd_link)(int pid, int fd, char *buf, size_t size);
	/* The caller's pid and tid; 0 and 0 for a kernel thread. */
	void (*self)(int *pid, int *tid);
};

/* Install the provider (once, at boot); NULL removes it. */
void procfs_set_pid_provider(const struct procfs_pid_ops *ops);

#endif
