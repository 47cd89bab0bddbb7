/*
 * The text of /proc/<pid>/stat and status (kernel/proc/proc_fmt.c): pure formatting of numbers that
 * kernel/proc/proc_pid.c gathers, built into the kernel and tested on the
 * host (tests/unit/test_proc_fmt.c). Field order and spelling are Linux's
 * (proc(5), fs/proc/array.c) so that ps, top and friends parse them.
 */
#ifndef KERNEL_PROC_PROC_FMT_H
#define KERNEL_PROC_PROC_FMT_H

#include <ksvc.h>

#define PROC_CLK_TCK 100 /* USER_HZ: the unit of every tick count shown */

/* Every field of /proc/<pid>/stat, in its order (proc(5) numbers them
 * 1-52). Fields we do not track stay 0. */
struct proc_stat_fields {
	int pid;				/* (1) */
	char comm[16];				/* (2), shown in parentheses */
	char state;				/* (3) R S D T Z */
	int ppid, pgrp, session, tty_nr, tpgid; /* (4)-(8); tpgid -1: none */
	unsigned flags;				/* (9) */
	uint64_t minflt, cminflt, majflt, cmajflt;
	uint64_t utime, stime;					   /* (14), (15) clock ticks */
	int64_t cutime, cstime;					   /* (16), (17) */
	int64_t priority, nice;					   /* (18), (19) */
	int64_t num_threads;					   /* (20) */
	int64_t itrealvalue;					   /* (21) always 0 */
	uint64_t starttime;					   /* (22) clock ticks after boot */
	uint64_t vsize;						   /* (23) bytes */
	int64_t rss;						   /* (24) pages */
	uint64_t rsslim;					   /* (25) */
	uint64_t startcode, endcode, startstack, kstkesp, kstkeip; /* (26)-(30) */
	uint64_t signal, blocked, sigignore, sigcatch;		   /* (31)-(34) */
	uint64_t wchan, nswap, cnswap;				   /* (35)-(37) */
	int exit_signal, processor;				   /* (38), (39) */
	unsigned rt_priority, policy;				   /* (40), (41) */
	uint64_t delayacct_blkio_ticks, guest_time;		   /* (42), (43) */
	int64_t cguest_time;					   /* (44) */
	uint64_t start_data, end_data, start_brk;		   /* (45)-(47) */
	uint64_t arg_start, arg_end, env_start, env_end;	   /* (48)-(51) */
	int exit_code;						   /* (52) */
};

/* The Linux state letter's long form for status ("S (sleeping)"). */
const char *proc_state_name(char state);

/* One line, '\n'-terminated. Returns the length as snprintf does. */
int proc_fmt_stat(char *buf, size_t size, const struct proc_stat_fields *s);

struct proc_status_fields {
	char name[16];
	uint32_t umask; /* ~0u: not shown (zombies) */
	char state;
	int tgid, pid, ppid, tracer_pid;
	uint32_t uid[4], gid[4]; /* real, effective, saved, fs */
	unsigned fdsize;
	unsigned ngroups;
	const uint32_t *groups;
	bool has_mm; /* Vm* lines (not for zombies) */
	uint64_t vm_kb, rss_kb, data_kb, stack_kb, exe_kb;
	int threads;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
};

int proc_fmt_status(char *buf, size_t size, const struct proc_status_fields *s);

#endif
