/*
 * Pipes (kernel/proc/pipe.c): a pair of path-less files sharing a 64 KiB
 * ring. References: pipe(7) (PIPE_BUF atomicity, O_NONBLOCK, EOF and
 * EPIPE, SIGPIPE), pipe(2), poll(2), ioctl FIONREAD (ioctl_tty(2)).
 *
 * Lock legend: struct pipe's lock (inside pipe.c) guards the ring and the
 * reader/writer counts.
 */
#ifndef KERNEL_PROC_PIPE_H
#define KERNEL_PROC_PIPE_H

#include "fs/vfs.h"

#define PIPE_BUF  4096
#define PIPE_SIZE (64 * 1024)
#define FIONREAD  0x541b

/* A new pipe: *rd open O_RDONLY, *wr O_WRONLY, each with `flags`
 * (O_NONBLOCK) added. 0 or -ENOMEM. */
int pipe_create(unsigned flags, struct file **rd, struct file **wr);
/* True if f is one end of a pipe. */
bool file_is_pipe(const struct file *f);

#endif
