/*
 * The system-call table (kernel/syscall/syscall.c). Each subsystem's calls
 * live in their own file (sys_file.c, sys_proc.c, ...) and install
 * themselves with syscall_set from an init function that syscall_init
 * calls, so no file grows into a list of everything.
 *
 * Handlers get the six raw arguments (rdi, rsi, rdx, r10, r8, r9) and
 * return a value or -errno; user pointers are only touched through
 * copy_from_user / copy_to_user / strncpy_from_user (kernel/arch/arch.h).
 */
#ifndef KERNEL_SYSCALL_SYSCALL_H
#define KERNEL_SYSCALL_SYSCALL_H

#include <ksvc.h>
#include "kernel/mm/heap.h"

#define NR_SYSCALLS 512

typedef long (*syscall_fn)(const long a[6]);

/* Install `fn` as system call `nr` (a Linux x86_64 number). */
void syscall_set(int nr, syscall_fn fn);
/* Install every subsystem's calls; called once by proc_init. */
void syscall_init(void);
long syscall_table_dispatch(long nr, const long args[6]);

/* The subsystems' installers (syscall_init calls them). */
void sys_file_init(void);   /* sys_file.c: descriptors and their I/O */
void sys_path_init(void);   /* sys_path.c: calls that name paths */
void sys_proc_init(void);   /* sys_proc.c: fork, execve, wait4, exit */
void sys_misc_init(void);   /* sys_misc.c: start-up calls */
void sys_signal_init(void); /* sys_signal.c: the signal calls */
void sys_cred_init(void);   /* sys_cred.c: user and group IDs */
void sys_time_init(void);   /* sys_time.c: clocks, sleeps, timers, CPU time */
void sys_sys_init(void);    /* sys_sys.c: uname, sysinfo, reboot, scheduling */
void sys_statx_init(void);  /* sys_statx.c: statx */
void sys_poll_init(void);   /* sys_poll.c: poll, ppoll, select, pselect6 */
void sys_socket_init(void); /* sys_socket.c: sockets (net/socket.h) */
void sys_mount_init(void);  /* sys_mount.c: mount, umount2 */
void sys_mem_init(void);    /* sys_mem.c: mmap, munmap, mprotect, brk, ... */
void sys_syslog_init(void); /* sys_syslog.c: syslog (the kernel log for dmesg) */

/*
 * The kernel buffer a read, write, send or receive moves data through:
 * up to BOUNCE_STACK bytes on the caller's stack, more from the heap. The
 * small calls (busybox moves 1 KiB at a time) then cost no allocation,
 * and with HEAP_DEBUG no poison fill and check either.
 *	struct bounce b;
 *	char *buf = bounce_get(&b, n);	// NULL: -ENOMEM
 *	...
 *	bounce_put(&b);
 */
#define BOUNCE_STACK 1024

struct bounce {
	void *heap;
	char small[BOUNCE_STACK];
};

static inline void *bounce_get(struct bounce *b, size_t n)
{
	b->heap = NULL;
	if (n <= BOUNCE_STACK)
		return b->small;
	return b->heap = kmalloc(n);
}

static inline void bounce_put(struct bounce *b)
{
	kfree(b->heap);
	b->heap = NULL;
}

#endif
