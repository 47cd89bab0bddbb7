/*
 * The processes' side of /proc (kernel/proc/proc_pid.c): the provider
 * behind /proc/<pid> (fs/procfs.h struct procfs_pid_ops), and what exec
 * records for it.
 *
 * Lock legend: a process's exec record (p->exec) is replaced by the
 * process itself at exec and dropped at exit; readers take a reference
 * under proc_lock. References are counted atomically.
 */
#ifndef KERNEL_PROC_PROC_PID_H
#define KERNEL_PROC_PROC_PID_H

#include <stddef.h>
#include <stdint.h>

struct file;
struct process;
struct exec_stack_layout;

/* What exec leaves for /proc/<pid>: exe's path and where the argv and
 * environment strings lie in the new image (cmdline, environ, stat). */
struct proc_exec_info {
	int refs;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t stack_start; /* the initial rsp (stat's startstack) */
	char exe[];	      /* absolute path, NUL-terminated */
};

/* After a successful load of `exe` into p: a new record replaces p->exec.
 * Without memory p keeps no record (its exe, cmdline and environ read as
 * empty). */
void proc_exec_record(struct process *p, struct file *exe, const struct exec_stack_layout *lay);
/* Another reference (fork); NULL passes through. */
struct proc_exec_info *proc_exec_get(struct proc_exec_info *e);
void proc_exec_put(struct proc_exec_info *e);

/* Install the /proc/<pid> provider. */
void proc_pid_init(void);
/* How many processes exist (zombies included): sysinfo(2)'s procs. */
unsigned proc_count(void);

#endif
