/*
 * Processes (kernel/proc/process.c): an address space, a thread running in
 * it, credentials and a filesystem context. This first cut runs one static
 * ELF program from the root filesystem (the init program); fork, exec,
 * signals and fd tables come with the rest of issue 4.
 *
 * Lock legend: a process's fields are touched only by its own thread, and
 * by the scheduler's switch hook (as, tls), which runs with sched_lock.
 */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/vfs.h"
#include "kernel/sched/sched.h"

struct arch_aspace;
struct fdtable;

struct process {
	int pid;
	char name[16];
	struct arch_aspace *as;
	struct thread *thread;
	struct cred cred;
	struct vfs_ctx ctx;
	struct fdtable *fds; /* kernel/proc/fdtable.h; NULL until set up */
	uint64_t tls;	    /* FS base */
	uint64_t brk_start; /* end of the loaded image */
	uint64_t brk;	    /* current break */
	uint64_t mmap_next; /* next address for anonymous mappings (grows down) */
	int exit_status;    /* wait(2) encoding */
	bool exited;
	struct waitq exit_wq;
};

/* Install the system-call and fault handlers and the switch hook. */
void proc_init(void);
/* Start `path` as a new process with argv/envp; returns it, or ERR_PTR. */
struct process *proc_spawn(struct vfs_ctx *parent, const char *path, const char *const argv[],
			   const char *const envp[]);
/* Wait for a process to exit; returns its wait status. */
int proc_wait(struct process *p);
struct process *current_process(void);
/* End the calling process with a wait(2) status. */
__noreturn void proc_exit(int status);

#endif
