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
#include "kernel/mm/vm.h"
#include "kernel/sched/sched.h"

struct arch_aspace;
struct fdtable;

struct process {
	int pid;
	int pgid, sid; /* process group and session (setpgid(2), setsid(2)) */
	char name[16];
	struct arch_aspace *as;
	struct vm_map vm; /* its areas (kernel/proc/uvm.h) */
	struct thread *thread;
	struct cred cred;
	struct vfs_ctx ctx;
	struct fdtable *fds; /* kernel/proc/fdtable.h; NULL until set up */
	uint64_t tls;	     /* FS base */
	/* Signal state, recorded for rt_sigaction/rt_sigprocmask (sys_misc.c);
	 * delivery comes later. Copied by fork, reset by exec. */
	struct {
		uint64_t handler, flags, restorer, mask;
	} sigaction[64];
	uint64_t sigmask;
	uint64_t brk_start; /* end of the loaded image */
	uint64_t brk;	    /* current break */
	int exit_status;    /* wait(2) encoding */
	bool exited;
	struct waitq exit_wq; /* the kernel's proc_wait, for processes it spawned */
	bool kernel_waited;   /* proc_spawn's: the kernel reaps it with proc_wait */
	/* The process tree, proc_lock (lifecycle.c): */
	struct process *parent; /* NULL: spawned by the kernel */
	struct process *children, *sibling;
	struct waitq child_wq; /* this process waiting for its children */
};

/* Install the system-call and fault handlers and the switch hook. */
void proc_init(void);
/* Start `path` as a new process with argv/envp; returns it, or ERR_PTR. */
struct process *proc_spawn(struct vfs_ctx *parent, const char *path, const char *const argv[],
			   const char *const envp[]);
/* Wait for a process to exit; returns its wait status. */
int proc_wait(struct process *p);
struct process *current_process(void);
/* End the calling process with a wait(2) status: release its memory and
 * files, hand its children to init, and leave a zombie for the parent. */
__noreturn void proc_exit(int status);

/* ---- lifecycle (kernel/proc/lifecycle.c) ----------------------------- */
/* pid 1 once the kernel has started it: orphans are handed to it. */
extern struct process *init_process;
int proc_alloc_pid(void);
/* fork: a copy of the calling process whose thread returns 0 to user mode. */
int proc_fork(void);
/* execve: replace the calling process's image; returns only on failure. */
int proc_execve(const char *path, const char *const argv[], const char *const envp[]);
/* wait4: 0 if WNOHANG found nothing, the child's pid, or -ECHILD/-EFAULT. */
int proc_wait4(int pid, int *status, int options);

/* Process groups: the pgid of a child (or -ESRCH), and setpgid(2). */
int proc_pgid_of(int pid);
int proc_setpgid(int pid, int pgid);

/* Shared by process.c and lifecycle.c. */
int proc_load_program(struct process *p, const char *path, const char *const argv[],
		      const char *const envp[], uint64_t *entry, uint64_t *rsp);
void proc_put_frame(uint64_t pa);
void proc_free(struct process *p);

#endif
