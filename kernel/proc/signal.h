/*
 * Signals (kernel/proc/signal.c): Linux's numbering and default actions,
 * pending sets per process and per thread, masks, handlers entered through
 * an rt_sigframe on the user stack (kernel/arch/x86_64/signal.c) and left
 * through rt_sigreturn, and the job-control stops. Other subsystems only
 * raise signals through the calls below.
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SIGHUP	  1
#define SIGINT	  2
#define SIGQUIT	  3
#define SIGILL	  4
#define SIGTRAP	  5
#define SIGABRT	  6
#define SIGBUS	  7
#define SIGFPE	  8
#define SIGKILL	  9
#define SIGUSR1	  10
#define SIGSEGV	  11
#define SIGUSR2	  12
#define SIGPIPE	  13
#define SIGALRM	  14
#define SIGTERM	  15
#define SIGSTKFLT 16
#define SIGCHLD	  17
#define SIGCONT	  18
#define SIGSTOP	  19
#define SIGTSTP	  20
#define SIGTTIN	  21
#define SIGTTOU	  22
#define SIGURG	  23
#define SIGXCPU	  24
#define SIGXFSZ	  25
#define SIGVTALRM 26
#define SIGPROF	  27
#define SIGWINCH  28
#define SIGIO	  29
#define SIGPWR	  30
#define SIGSYS	  31
#define NSIG	  64 /* 1..64; SIGRTMIN is 32 */

struct process;
struct uthread;
struct ksiginfo;
struct ksigaction;

/* Send `sig` to process p from the kernel (no permission check). 0 or
 * -EINVAL. sig 0 only checks that p exists. */
int signal_send(struct process *p, int sig);
/* Send to every process in group pgid (the tty's ^C, ^Z, ^\, SIGHUP,
 * SIGWINCH). 0, or -ESRCH when the group is empty. */
int signal_send_pgrp(int pgid, int sig);
/* Raise `sig` in the calling thread (SIGPIPE on a broken pipe, SIGXFSZ). */
void signal_raise(int sig);

/* With a siginfo: to a process, or to one thread (tgkill). 0 or -EINVAL. */
int signal_send_info(struct process *p, int sig, const struct ksiginfo *info);
int signal_send_thread(struct uthread *ut, int sig, const struct ksiginfo *info);
/* A CPU fault's signal to the calling thread; a blocked or ignored one is
 * reset to its default action so that it kills. */
void signal_force(int sig, const struct ksiginfo *info);
/* Would `sig` kill the calling thread by its default action now? (For the
 * one-line fault report.) */
bool signal_would_kill(int sig);
/* Is `sig` blocked or ignored by the calling thread? (SIGTTIN/SIGTTOU.) */
bool signal_blocked_or_ignored(int sig);
/* Does the calling thread have a deliverable signal? */
bool signal_pending_now(void);
const char *signal_name(int sig);

/* For the system calls (kernel/syscall/sys_signal.c), on the caller. */
void signal_set_mask(uint64_t mask);
/* A temporary mask until the next return to user mode, where the old one
 * comes back (or goes into the handler's frame): sigsuspend, ppoll,
 * pselect6. */
void signal_suspend_mask(uint64_t mask);
int signal_action(int sig, const struct ksigaction *act, struct ksigaction *old);
uint64_t signal_pending_set(void); /* pending and blocked: rt_sigpending */
int signal_dequeue_from(uint64_t set, struct ksiginfo *info);
long signal_return(void); /* rt_sigreturn: the restored rax */

/* Free queued real-time signals: a thread that exits, a process freed. */
void signal_release_thread(struct uthread *ut);
void signal_release_process(struct process *p);
/* For kernel/proc. sig_lock, for changing a process's thread list. */
unsigned long signal_lock_irqsave(void);
void signal_unlock_irqrestore(unsigned long fl);
/* SIGKILL to every thread of p but `except` (exit_group, execve). */
void signal_kill_threads(struct process *p, struct uthread *except);
void signal_init(void);					   /* install the user-return hook */
void signal_exec(struct process *p);			   /* handlers back to SIG_DFL */
bool signal_child_autoreap(struct process *parent);	   /* SIGCHLD SIG_IGN/SA_NOCLDWAIT */
void signal_child_exit(struct process *child, int status); /* SIGCHLD */

#endif
