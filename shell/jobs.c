/*
 * osh job control (XCU 2.11, "Job Control" in the rationale): in an
 * interactive shell every pipeline, external command or subshell runs in
 * a process group of its own; a foreground job gets the terminal with
 * tcsetpgrp and the shell takes it back when the job ends or stops (^Z,
 * seen through WUNTRACED). Stopped and background jobs are listed by
 * `jobs` and resumed with `fg` / `bg` (SIGCONT to the whole group).
 * Without job control (scripts, -c, no tty) job_fork is a plain fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

#define MAX_JOBS  32
#define MAX_PROCS 64

enum job_state { J_FREE, J_RUNNING, J_STOPPED, J_DONE };

struct job {
	enum job_state state;
	pid_t pgid;
	pid_t pids[MAX_PROCS];
	int npids, nlive;
	int wstatus;  /* wait status of the last process to end */
	unsigned seq; /* when it last became current: + is the highest, - the next */
	char cmd[128];
};

static struct job jobs[MAX_JOBS + 1]; /* jobs[0]: the foreground job being built */
static pid_t shell_pgid;
static int job_ctl;
static unsigned job_seq;

pid_t sh_fork(void);

static int st_of(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	if (WIFSTOPPED(ws))
		return 128 + WSTOPSIG(ws);
	return 1;
}

void job_init(void)
{
	if (!isatty(0))
		return;
	shell_pgid = getpid();
	if (getpgrp() != shell_pgid && setpgid(0, 0) < 0)
		return;
	if (tcsetpgrp(0, shell_pgid) < 0)
		return;
	job_ctl = 1;
}

void job_set_cmd(const char *line)
{
	snprintf(jobs[0].cmd, sizeof(jobs[0].cmd), "%s", line);
	char *c = jobs[0].cmd, *nl = strchr(c, '\n');
	if (nl)
		*nl = 0;
	/* Shown as busybox shows it: without the trailing "&". */
	size_t n = strlen(c);
	while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		c[--n] = 0;
	if (n && c[n - 1] == '&' && (n < 2 || c[n - 2] != '&')) {
		c[--n] = 0;
		while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
			c[--n] = 0;
	}
}

/* '+' for the current job, '-' for the previous one, ' ' otherwise. */
static char job_mark(int id)
{
	unsigned best = 0, second = 0;
	for (int i = 1; i <= MAX_JOBS; i++) {
		if (jobs[i].state == J_FREE)
			continue;
		if (jobs[i].seq > best) {
			second = best;
			best = jobs[i].seq;
		} else if (jobs[i].seq > second) {
			second = jobs[i].seq;
		}
	}
	return jobs[id].seq == best ? '+' : jobs[id].seq == second ? '-' : ' ';
}

/* One line in busybox's format: "[1]+  Running                    cmd". */
static void job_print(FILE *f, int id)
{
	struct job *j = &jobs[id];
	char st[64];
	if (j->state == J_RUNNING)
		snprintf(st, sizeof(st), "Running");
	else if (j->state == J_STOPPED)
		snprintf(st, sizeof(st), "Stopped");
	else if (WIFSIGNALED(j->wstatus))
		snprintf(st, sizeof(st), "%s", strsignal(WTERMSIG(j->wstatus)));
	else if (WEXITSTATUS(j->wstatus))
		snprintf(st, sizeof(st), "Done(%d)", WEXITSTATUS(j->wstatus));
	else
		snprintf(st, sizeof(st), "Done");
	fprintf(f, "[%d]%c  %-27s%s\n", id, job_mark(id), st, j->cmd);
}

/* Forks a process of the current job (fg: the job will own the terminal). */
pid_t job_fork(int fg)
{
	int active = job_ctl && !sh.in_child;
	struct job *j = &jobs[0];
	if (active && j->npids == 0)
		j->pgid = 0;
	pid_t pid = sh_fork();
	if (pid == 0) {
		if (active) {
			setpgid(0, j->pgid);
			if (fg)
				tcsetpgrp(0, getpgrp());
		}
		return 0;
	}
	if (pid > 0 && active) {
		if (!j->pgid)
			j->pgid = pid;
		setpgid(pid, j->pgid); /* both sides: whichever runs first */
		if (fg)
			tcsetpgrp(0, j->pgid);
		if (j->npids < MAX_PROCS)
			j->pids[j->npids++] = pid;
	}
	return pid;
}

static int new_job_slot(void)
{
	for (int i = 1; i <= MAX_JOBS; i++)
		if (jobs[i].state == J_FREE)
			return i;
	return -1;
}

/* Moves the job being built into the table (stopped or background). */
static int job_file(enum job_state st)
{
	int n = new_job_slot();
	if (n > 0) {
		jobs[n] = jobs[0];
		jobs[n].state = st;
		jobs[n].seq = ++job_seq;
	}
	memset(&jobs[0].pids, 0, sizeof(jobs[0].pids));
	jobs[0].npids = jobs[0].nlive = 0;
	jobs[0].pgid = 0;
	return n;
}

/* Waits for the given processes of the foreground job; returns the status
 * of the last one. A stop files the job and returns 128 + the signal. */
int job_wait(pid_t *pids, int n)
{
	int st = 0, stopped = 0;
	for (int k = 0; k < n; k++) {
		if (pids[k] <= 0) {
			st = 127;
			continue;
		}
		int ws;
		pid_t r;
		while ((r = waitpid(pids[k], &ws, job_ctl && !sh.in_child ? WUNTRACED : 0)) < 0 &&
		       errno == EINTR)
			;
		if (r < 0) {
			st = 127;
			continue;
		}
		if (WIFSTOPPED(ws)) {
			stopped = 1;
			st = st_of(ws);
			break;
		}
		st = st_of(ws);
		if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGINT && job_ctl && !sh.in_child)
			fputc('\n', stderr);
		else if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGPIPE && WTERMSIG(ws) != SIGINT &&
			 k == n - 1)
			/* As busybox and dash: the job was killed, say by what. */
			fprintf(stderr, "%s\n", strsignal(WTERMSIG(ws)));
	}
	if (job_ctl && !sh.in_child) {
		tcsetpgrp(0, shell_pgid);
		if (stopped) {
			jobs[0].nlive = jobs[0].npids;
			int id = job_file(J_STOPPED);
			if (id > 0) {
				fputc('\n', stderr);
				job_print(stderr, id);
			}
		} else {
			jobs[0].npids = 0;
			jobs[0].pgid = 0;
		}
	}
	return st;
}

void job_background(pid_t pid)
{
	if (!job_ctl || sh.in_child)
		return;
	jobs[0].nlive = jobs[0].npids;
	int id = job_file(J_RUNNING);
	if (id > 0)
		fprintf(stderr, "[%d] %d\n", id, (int)pid);
}

/* Collects finished or stopped background processes (no report). */
static void job_reap(void)
{
	for (int i = 1; i <= MAX_JOBS; i++) {
		struct job *j = &jobs[i];
		if (j->state != J_RUNNING && j->state != J_STOPPED)
			continue;
		for (int k = 0; k < j->npids; k++) {
			int ws;
			if (j->pids[k] <= 0)
				continue;
			pid_t r = waitpid(j->pids[k], &ws, WNOHANG | WUNTRACED | WCONTINUED);
			if (r == j->pids[k] && WIFSTOPPED(ws)) {
				j->state = J_STOPPED;
			} else if (r == j->pids[k] && WIFCONTINUED(ws)) {
				j->state = J_RUNNING;
			} else if (r == j->pids[k] || (r < 0 && errno == ECHILD)) {
				j->pids[k] = -j->pids[k];
				j->nlive--;
				if (r > 0)
					j->wstatus = ws;
			}
		}
		if (j->nlive <= 0)
			j->state = J_DONE;
	}
}

/* Before a prompt: reports and forgets jobs that have ended. */
void job_notify(void)
{
	if (!job_ctl)
		return;
	job_reap();
	for (int i = 1; i <= MAX_JOBS; i++)
		if (jobs[i].state == J_DONE) {
			job_print(stderr, i);
			jobs[i].state = J_FREE;
		}
}

/* Job number of %N, N, %%, %+ (the current job) or %- (the previous). */
static int job_id(const char *spec)
{
	if (*spec == '%')
		spec++;
	char want = 0;
	if (!*spec || !strcmp(spec, "%") || !strcmp(spec, "+"))
		want = '+';
	else if (!strcmp(spec, "-"))
		want = '-';
	for (int i = 1; want && i <= MAX_JOBS; i++)
		if ((jobs[i].state == J_RUNNING || jobs[i].state == J_STOPPED) &&
		    job_mark(i) == want)
			return i;
	if (want)
		return -1;
	int n = atoi(spec);
	if (n >= 1 && n <= MAX_JOBS && (jobs[n].state == J_RUNNING || jobs[n].state == J_STOPPED))
		return n;
	return -1;
}

static int parse_jobspec(int argc, char **argv)
{
	int n = job_id(argc > 1 ? argv[1] : "%+");
	if (n < 0) {
		if (argc > 1)
			sh_error("%s: %s: no such job", argv[0], argv[1]);
		else
			sh_error("%s: no current job", argv[0]);
	}
	return n;
}

int bi_jobs(int argc, char **argv)
{
	if (job_ctl && !sh.in_child)
		job_reap();
	for (int i = 1; i <= MAX_JOBS; i++) {
		if (jobs[i].state == J_FREE)
			continue;
		job_print(stdout, i);
		if (jobs[i].state == J_DONE)
			jobs[i].state = J_FREE; /* reported */
	}
	return 0;
}

/* The process group of job spec %N, %%, %+ or %-, or 0 (error printed). */
pid_t job_spec_pgid(const char *spec)
{
	int id = job_id(spec);
	if (id < 0) {
		sh_error("%s: no such job", spec);
		return 0;
	}
	return jobs[id].pgid;
}

int bi_fg(int argc, char **argv)
{
	if (!job_ctl) {
		sh_error("fg: no job control");
		return 1;
	}
	int n = parse_jobspec(argc, argv);
	if (n < 0)
		return 1;
	struct job *j = &jobs[n];
	printf("%s\n", j->cmd);
	fflush(stdout);
	jobs[0] = *j;
	j->state = J_FREE;
	tcsetpgrp(0, jobs[0].pgid);
	kill(-jobs[0].pgid, SIGCONT);
	pid_t live[MAX_PROCS];
	int nl = 0;
	for (int k = 0; k < jobs[0].npids; k++)
		if (jobs[0].pids[k] > 0)
			live[nl++] = jobs[0].pids[k];
	return job_wait(live, nl);
}

int bi_bg(int argc, char **argv)
{
	if (!job_ctl) {
		sh_error("bg: no job control");
		return 1;
	}
	int n = parse_jobspec(argc, argv);
	if (n < 0)
		return 1;
	jobs[n].state = J_RUNNING;
	jobs[n].seq = ++job_seq;
	kill(-jobs[n].pgid, SIGCONT);
	printf("[%d] %s\n", n, jobs[n].cmd);
	return 0;
}
