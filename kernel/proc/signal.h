/*
 * Signals (kernel/proc/signal.c): Linux's numbering and default actions,
 * pending sets per process and per thread, masks, handlers entered through
 * an rt_sigframe on the user stack (kernel/arch/x86_64/signal.c) and left
 * through rt_sigreturn, and the job-control stops. Other subsystems only
 * raise signals through the calls below.
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

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

/* Send `sig` to process p from the kernel (no permission check). 0 or
 * -EINVAL. sig 0 only checks that p exists. */
int signal_send(struct process *p, int sig);
/* Send to every process in group pgid (the tty's ^C, ^Z, ^\, SIGHUP,
 * SIGWINCH). 0, or -ESRCH when the group is empty. */
int signal_send_pgrp(int pgid, int sig);
/* Raise `sig` in the calling process (SIGPIPE on a broken pipe, SIGXFSZ). */
void signal_raise(int sig);

#endif
