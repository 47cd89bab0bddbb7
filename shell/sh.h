/*
 * osh runtime state and the interfaces between exec.c (running the AST),
 * var.c (variables and parameters), builtin.c and main.c. Single-threaded:
 * one global struct sh.
 */
#ifndef OSH_SH_H
#define OSH_SH_H

#include <signal.h>
#include <sys/types.h>

#include "shell.h"

struct var {
	char *name, *val;
	int exported;
	int readonly;
};

struct func {
	char *name;
	struct node *body; /* a tree of its own (node_copy); the function holds a ref */
	struct func *next;
};

struct local_save {
	char *name, *val; /* val NULL: was unset */
	int exported;
	struct local_save *next;
};

struct sh {
	struct var *vars;
	int nvars, capvars;
	char *arg0;
	char **params; /* $1.. */
	int nparams;
	char **params_alloc; /* the array `set --` made in this scope, or NULL */
	int var_soft;	     /* >0: a readonly assignment is not fatal (read) */
	int status;	     /* $? */
	pid_t last_bg;	     /* $! */
	pid_t rootpid;	     /* $$: the top shell, also in subshells */
	int opt_e, opt_x, opt_f, opt_u;
	int interactive;
	int cond; /* >0: inside a condition, set -e does not apply */
	int loop_depth;
	int brk, cont; /* pending break/continue levels */
	int returning; /* return pending */
	int func_depth;
	struct local_save *locals; /* saves of the innermost function */
	struct func *funcs;
	int lineno;
	struct exp_ops ops;
	pid_t *bg; /* unwaited background pids */
	int nbg;
	int in_child; /* forked subshell */
};

extern struct sh sh;

#define EX_EXEC 1 /* last command of a forked child: exec without fork */

/* var.c */
void var_init(char **envp);
const char *var_get(const char *name);
int var_set(const char *name, const char *val, int export);
int var_unset(const char *name);
void var_export(const char *name);
void var_readonly(const char *name);
char **var_environ(void);
void var_local(const char *name);
void var_pop_locals(struct local_save *upto);
void params_free(char **v);

/* exec.c */
int exec_node(struct node *n, int flags);
int run_string(const char *src, const char *name, int line);
void sh_error(const char *fmt, ...);
_Noreturn int sh_exit(int status);
void reap_bg(int block, pid_t pid, int *status);
void func_unset(const char *name);

/* jobs.c */
pid_t sh_fork(void);
void job_init(void);
void job_set_cmd(const char *line);
pid_t job_fork(int fg);
int job_wait(pid_t *pids, int n);
void job_background(pid_t pid);
void job_notify(void);
int bi_jobs(int argc, char **argv);
pid_t job_spec_pgid(const char *spec);
int bi_fg(int argc, char **argv);
int bi_bg(int argc, char **argv);

/* trap.c */
extern volatile sig_atomic_t trap_any;
void trap_init(void);
void trap_child(void);
void trap_run_pending(void);
int trap_pending_sig(void);
char *trap_take_exit(void);
int sig_number(const char *s);
int bi_trap(int argc, char **argv);
int bi_kill(int argc, char **argv);

/* bi_var.c */
int bi_export(int argc, char **argv);
int bi_readonly(int argc, char **argv);
int bi_unset(int argc, char **argv);
int bi_local(int argc, char **argv);
int bi_set(int argc, char **argv);
int bi_shift(int argc, char **argv);
int bi_read(int argc, char **argv);
int bi_getopts(int argc, char **argv);

/* bi_sys.c */
int bi_umask(int argc, char **argv);
int bi_times(int argc, char **argv);
int bi_ulimit(int argc, char **argv);
int bi_hash(int argc, char **argv);
void hash_remember(const char *name, const char *path);
const char *hash_lookup(const char *name);
void hash_clear(void);

/* alias.c */
void sh_putq(const char *s);
int bi_alias(int argc, char **argv);
int bi_unalias(int argc, char **argv);

/* builtin.c */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_find(const char *name, int *special);
const char *alias_get(const char *name);
int builtin_test(int argc, char **argv);

#endif
