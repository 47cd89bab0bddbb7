/*
 * /proc/<pid>/stat and status as text (kernel/proc/proc_fmt.h). The
 * layouts follow Linux's fs/proc/array.c as proc(5) documents them:
 * stat is one line of 52 space-separated fields; status is "Key:\tvalue"
 * lines with tabs between the four ids and " kB" memory figures right
 * aligned in 8 columns. Pure code: no locks, no process structures.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "kernel/proc/proc_fmt.h"

/* Append to buf, never past size; returns the new length (the full
 * length, as snprintf, once past size). */
static size_t put(char *buf, size_t size, size_t n, const char *fmt, ...) __printf(4, 5);

static size_t put(char *buf, size_t size, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = kvsnprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, fmt, ap);
	va_end(ap);
	return w < 0 ? n : n + (size_t)w;
}

const char *proc_state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "X (dead)";
	}
}

int proc_fmt_stat(char *buf, size_t size, const struct proc_stat_fields *s)
{
	typedef unsigned long long ull;
	typedef long long ll;
	size_t n = 0;

	n = put(buf, size, n, "%d (%s) %c %d %d %d %d %d %u ", s->pid, s->comm, s->state, s->ppid,
		s->pgrp, s->session, s->tty_nr, s->tpgid, s->flags);
	n = put(buf, size, n, "%llu %llu %llu %llu %llu %llu %lld %lld %lld %lld %lld %lld ",
		(ull)s->minflt, (ull)s->cminflt, (ull)s->majflt, (ull)s->cmajflt, (ull)s->utime,
		(ull)s->stime, (ll)s->cutime, (ll)s->cstime, (ll)s->priority, (ll)s->nice,
		(ll)s->num_threads, (ll)s->itrealvalue);
	n = put(buf, size, n, "%llu %llu %lld %llu %llu %llu %llu %llu %llu ", (ull)s->starttime,
		(ull)s->vsize, (ll)s->rss, (ull)s->rsslim, (ull)s->startcode, (ull)s->endcode,
		(ull)s->startstack, (ull)s->kstkesp, (ull)s->kstkeip);
	n = put(buf, size, n, "%llu %llu %llu %llu %llu %llu %llu %d %d %u %u %llu %llu %lld ",
		(ull)s->signal, (ull)s->blocked, (ull)s->sigignore, (ull)s->sigcatch, (ull)s->wchan,
		(ull)s->nswap, (ull)s->cnswap, s->exit_signal, s->processor, s->rt_priority,
		s->policy, (ull)s->delayacct_blkio_ticks, (ull)s->guest_time, (ll)s->cguest_time);
	n = put(buf, size, n, "%llu %llu %llu %llu %llu %llu %llu %d\n", (ull)s->start_data,
		(ull)s->end_data, (ull)s->start_brk, (ull)s->arg_start, (ull)s->arg_end,
		(ull)s->env_start, (ull)s->env_end, s->exit_code);
	return (int)n;
}

static size_t put_kb(char *buf, size_t size, size_t n, const char *key, uint64_t kb)
{
	return put(buf, size, n, "%s:\t%8llu kB\n", key, (unsigned long long)kb);
}

int proc_fmt_status(char *buf, size_t size, const struct proc_status_fields *s)
{
	typedef unsigned long long ull;
	size_t n = 0;

	n = put(buf, size, n, "Name:\t%s\n", s->name);
	if (s->umask != ~0u)
		n = put(buf, size, n, "Umask:\t%04o\n", s->umask);
	n = put(buf, size, n, "State:\t%s\n", proc_state_name(s->state));
	n = put(buf, size, n, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n", s->tgid,
		s->pid, s->ppid, s->tracer_pid);
	n = put(buf, size, n, "Uid:\t%u\t%u\t%u\t%u\n", s->uid[0], s->uid[1], s->uid[2], s->uid[3]);
	n = put(buf, size, n, "Gid:\t%u\t%u\t%u\t%u\n", s->gid[0], s->gid[1], s->gid[2], s->gid[3]);
	n = put(buf, size, n, "FDSize:\t%u\nGroups:\t", s->fdsize);
	for (unsigned i = 0; i < s->ngroups; i++)
		n = put(buf, size, n, "%u ", s->groups[i]);
	n = put(buf, size, n, "\nNStgid:\t%d\nNSpid:\t%d\n", s->tgid, s->pid);
	if (s->has_mm) {
		n = put_kb(buf, size, n, "VmPeak", s->vm_kb);
		n = put_kb(buf, size, n, "VmSize", s->vm_kb);
		n = put_kb(buf, size, n, "VmLck", 0);
		n = put_kb(buf, size, n, "VmPin", 0);
		n = put_kb(buf, size, n, "VmHWM", s->rss_kb);
		n = put_kb(buf, size, n, "VmRSS", s->rss_kb);
		n = put_kb(buf, size, n, "RssAnon", s->rss_kb);
		n = put_kb(buf, size, n, "RssFile", 0);
		n = put_kb(buf, size, n, "RssShmem", 0);
		n = put_kb(buf, size, n, "VmData", s->data_kb);
		n = put_kb(buf, size, n, "VmStk", s->stack_kb);
		n = put_kb(buf, size, n, "VmExe", s->exe_kb);
		n = put_kb(buf, size, n, "VmLib", 0);
		n = put_kb(buf, size, n, "VmPTE", 0);
		n = put_kb(buf, size, n, "VmSwap", 0);
	}
	n = put(buf, size, n, "Threads:\t%d\nSigQ:\t0/0\n", s->threads);
	n = put(buf, size, n, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
		(ull)s->sig_pnd, (ull)s->shd_pnd, (ull)s->sig_blk);
	n = put(buf, size, n, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", (ull)s->sig_ign,
		(ull)s->sig_cgt);
	n = put(buf, size, n,
		"CapInh:\t0000000000000000\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		"CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n",
		s->uid[1] == 0 ? 0x1ffffffffffull : 0ull, s->uid[1] == 0 ? 0x1ffffffffffull : 0ull);
	n = put(buf, size, n, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return (int)n;
}
