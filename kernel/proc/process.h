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
#include "kernel/proc/itimer.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/sched.h"

struct arch_aspace;
struct fdtable;
struct proc_exec_info;
struct tty;
struct sigq;
struct process;

/* What a pending signal carries (the fields of siginfo_t we fill). */
struct ksiginfo {
	int signo, code, err;
	int pid;
	uint32_t uid;
	int status;	/* SIGCHLD */
	uint64_t addr;	/* faults */
	uint64_t value; /* sigqueue(3)'s si_value */
	bool fault;	/* raised by a CPU exception (and logged then) */
};

/* A signal disposition in the layout of Linux's rt_sigaction(2) argument. */
struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};

/*
 * A user thread: the scheduler's thread plus what Linux keeps per task.
 * thread->user points here. Lock legend: the signal fields are sig_lock's
 * (kernel/proc/signal.c); the rest belongs to the thread itself.
 */
struct uthread {
	struct thread *thread;
	struct process *proc;
	int tid;
	uint64_t tls;	  /* FS base */
	uint64_t sigmask; /* blocked signals, bit sig-1 */
	uint64_t pending; /* signals sent to this thread (faults, tgkill) */
	struct ksiginfo info[64];
	struct sigq *rtq;    /* queued real-time signals beyond the first (signal.c) */
	uint64_t saved_mask; /* sigsuspend/ppoll/pselect: restored on return */
	bool restore_mask;
	uint64_t alt_sp, alt_size; /* sigaltstack; alt_size 0: none */
	uint64_t clear_child_tid;  /* set_tid_address(2) */
	struct uthread *next;	   /* the process's threads */
};

/* Resource limits (prlimit64(2)): RLIMIT_NOFILE is enforced by the fd
 * table, the others are reported. */
#define RLIM_NLIMITS  16
#define RLIM_INFINITY (~0ull)
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
struct rlimit64 {
	uint64_t cur, max;
};
void proc_rlimits_init(struct process *p);

struct process {
	int pid;
	int pgid, sid; /* process group and session (setpgid(2), setsid(2)) */
	char name[16];
	struct arch_aspace *as;
	struct vm_map vm;	 /* its areas (kernel/proc/uvm.h), mm_lock */
	struct mutex mm_lock;	 /* the areas against sibling threads (zeroed: unlocked) */
	struct thread *thread;	 /* the main thread */
	struct uthread *threads; /* every thread, main first */
	struct uthread main;	 /* the main thread's user state */
	struct cred cred;
	struct vfs_ctx ctx;
	struct fdtable *fds; /* kernel/proc/fdtable.h; NULL until set up */
	/* Signals (kernel/proc/signal.c), sig_lock: the actions (copied by
	 * fork, reset by exec), signals sent to the process as a whole, and
	 * the job-control stop state that wait4 reports. */
	struct ksigaction sigaction[64];
	uint64_t sig_pending;
	struct ksiginfo sig_info[64];
	struct sigq *rtq; /* queued real-time signals beyond the first */
	unsigned rtq_len; /* instances queued, the threads' included */
	bool stopped;	  /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU */
	int stop_sig;
	bool report_stop;	  /* a stop wait4(WUNTRACED) has not seen yet */
	bool report_cont;	  /* a continue for wait4(WCONTINUED) */
	struct waitq stop_wq;	  /* the stopped threads */
	struct process *all_next; /* every process, proc_lock */
	/* Threads (kernel/proc/thread.c): */
	int nthreads;			    /* proc_lock and sig_lock */
	bool group_exiting;		    /* exit_group/execve is ending the others; proc_lock */
	struct waitq thread_wq;		    /* woken when a thread exits */
	struct vfork_done *vfork;	    /* CLONE_VFORK: the parent waiting for exec/exit */
	struct tty *ctty;		    /* controlling terminal (kernel/tty), NULL none */
	struct rlimit64 rlim[RLIM_NLIMITS]; /* getrlimit(2); fork copies, exec keeps */
	int pdeath_sig;		   /* prctl(PR_SET_PDEATHSIG): sent when the parent exits */
	uint64_t brk_start;	   /* end of the loaded image */
	uint64_t brk;		   /* current break */
	struct itimer_real itimer; /* alarm(2), setitimer(2): itimer_lock (itimer.h) */
	uint64_t child_ticks;	   /* CPU ticks of reaped children and theirs (times(2)) */
	int exit_status;	   /* wait(2) encoding */
	bool exited;
	struct waitq exit_wq; /* the kernel's proc_wait, for processes it spawned */
	bool kernel_waited;   /* proc_spawn's: the kernel reaps it with proc_wait */
	/* /proc/<pid> (kernel/proc/proc_pid.c): exe and argv/env ranges from
	 * the last exec, shared with forked children; dropped at exit. */
	struct proc_exec_info *exec;
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
struct uthread *current_uthread(void);
/* End the calling process with a wait(2) status: release its memory and
 * files, hand its children to init, and leave a zombie for the parent. */
__noreturn void proc_exit(int status);

/* clone(2)'s request (arguments in x86_64 order: flags, stack, ptid, ctid, tls). */
#define CLONE_VM	     0x00000100
#define CLONE_FS	     0x00000200
#define CLONE_FILES	     0x00000400
#define CLONE_SIGHAND	     0x00000800
#define CLONE_VFORK	     0x00004000
#define CLONE_PARENT	     0x00008000
#define CLONE_THREAD	     0x00010000
#define CLONE_SYSVSEM	     0x00040000
#define CLONE_SETTLS	     0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED	     0x00400000
#define CLONE_CHILD_SETTID   0x01000000
struct clone_req {
	unsigned long flags;
	uint64_t stack, ptid, ctid, tls;
};

/* ---- threads (kernel/proc/thread.c) ------------------------------------ */
/* A new thread in the caller's process: its tid, or -errno. */
int proc_clone_thread(const struct clone_req *r);
/* exit(2): end the calling thread; the process ends with the last one. */
__noreturn void proc_thread_exit(int status);
/* exit_group(2) and fatal signals: end every thread, then the process. */
__noreturn void proc_exit_group(int status);
/* execve(2) in a threaded process: end the other threads first. 0. */
int proc_exec_single_thread(void);

/* ---- lifecycle (kernel/proc/lifecycle.c) ----------------------------- */
/* pid 1 once the kernel has started it: orphans are handed to it. */
extern struct process *init_process;
int proc_alloc_pid(void);
/* The pid allocated last (/proc/loadavg, /proc/stat "processes"). */
int proc_last_pid(void);
/* fork (r NULL) or clone without CLONE_THREAD: a copy of the calling
 * process whose thread returns 0 to user mode. The child's pid or -errno.
 * CLONE_VM without CLONE_THREAD (vfork, posix_spawn) also copies the
 * memory: the parent waits for exec or exit as vfork(2) says, so only a
 * child that writes to the parent's memory would notice. */
int proc_fork(const struct clone_req *r);
/* execve: replace the calling process's image. -errno (the old image is
 * intact), or 0 with where the new one starts: the caller frees what it
 * holds, then enters it with proc_exec_enter. */
struct exec_entry {
	uint64_t entry, rsp;
};
int proc_execve(const char *path, const char *const argv[], const char *const envp[],
		struct exec_entry *out);
__noreturn void proc_exec_enter(const struct exec_entry *e);
/* wait4: 0 if WNOHANG found nothing, the child's pid, or -ECHILD/-EFAULT. */
int proc_wait4(int pid, int *status, int options);

/* Look a process up by pid, and walk every process (kill(2)), with
 * proc_lock held by the caller through proc_lock_irqsave. Zombies included. */
struct process *proc_find_locked(int pid);
struct process *proc_first_locked(void);
void proc_lock_irqsave(unsigned long *fl);
void proc_unlock_irqrestore(unsigned long fl);
/* A stopped or continued child for wait4: wake its parent's waiters. */
void proc_notify_parent(struct process *p);

/* A tty is going away: no process keeps it as controlling terminal. */
void proc_forget_ctty(struct tty *t);
/* Is there a process in group pgid and session sid? (tcsetpgrp(3).) */
bool proc_pgrp_in_session(int pgid, int sid);

/* Process groups: the pgid of a child (or -ESRCH), and setpgid(2). */
int proc_pgid_of(int pid);
int proc_setpgid(int pid, int pgid);

/* Shared by process.c and lifecycle.c. */
int proc_load_program(struct process *p, const char *path, const char *const argv[],
		      const char *const envp[], uint64_t *entry, uint64_t *rsp);
void proc_put_frame(uint64_t pa);
void proc_free(struct process *p);
/* Set up p->main for thread t and put p on the process list. */
void proc_attach_main(struct process *p, struct thread *t);
/* CLONE_VFORK: let the waiting parent go (exec or exit). */
void proc_vfork_release(struct process *p);
/* Off the process list: the last step before the memory goes. */
void proc_unlist(struct process *p);

#endif
