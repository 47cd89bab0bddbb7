/*
 * osh execution: walks the AST. Simple commands expand their words, then
 * run a function, a builtin (in the shell, with redirections saved and
 * restored) or a program (fork + execve, PATH search). Pipelines fork one
 * child per stage; every descriptor the shell opens for itself is
 * close-on-exec (pipe2(O_CLOEXEC), F_DUPFD_CLOEXEC for saved fds), so
 * children inherit only 0, 1, 2 and what redirections asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

struct sh sh;

void sh_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (sh.interactive)
		fprintf(stderr, "osh: %s\n", buf);
	else
		fprintf(stderr, "osh: line %d: %s\n", sh.lineno, buf);
}

_Noreturn int sh_exit(int status)
{
	char *t = trap_take_exit();
	if (t) {
		sh.status = status;
		run_string(t, NULL, sh.lineno);
		free(t);
	}
	if (sh.interactive && !sh.in_child)
		edit_save_history();
	fflush(stdout);
#ifdef __SANITIZE_ADDRESS__
	/* Host ASan build (docs/shell.md "Leaks"): _exit skips LeakSanitizer's
	 * own check, so ask for it; what the shell still holds is reachable. */
	if (!sh.in_child)
		__lsan_do_leak_check();
#endif
	_exit(status & 0xff);
}

static int wait_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

pid_t sh_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		sh.in_child = 1;
		sh.nbg = 0;
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		signal(SIGTTOU, SIG_DFL);
		signal(SIGTTIN, SIG_DFL);
		trap_child(); /* a subshell starts without the parent's command traps */
	} else if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
	}
	return pid;
}

static int wait_pid(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return wait_status(st);
}

void reap_bg(int block, pid_t pid, int *status)
{
	for (int i = 0; i < sh.nbg; i++) {
		if (pid > 0 && sh.bg[i] != pid)
			continue;
		int st;
		pid_t r = waitpid(sh.bg[i], &st, block ? 0 : WNOHANG);
		if (r == sh.bg[i] || (r < 0 && errno == ECHILD)) {
			if (status)
				*status = r > 0 ? wait_status(st) : 127;
			sh.bg[i--] = sh.bg[--sh.nbg];
		}
	}
}

/* ---- expansion glue ---- */

static const char *ops_getvar(void *ctx, const char *name)
{
	return var_get(name);
}

static int ops_setvar(void *ctx, const char *name, const char *val)
{
	return var_set(name, val, 0);
}

static int ops_nparams(void *ctx)
{
	return sh.nparams;
}

static const char *ops_param(void *ctx, int i)
{
	return i == 0 ? sh.arg0 : sh.params[i - 1];
}

static char *ops_cmdsubst(void *ctx, const char *cmd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid_t pid = sh_fork();
	if (pid == 0) {
		dup2(p[1], 1);
		run_string(cmd, NULL, sh.lineno);
		sh_exit(sh.status);
	}
	close(p[1]);
	size_t cap = 256, n = 0;
	char *out = malloc(cap);
	for (;;) {
		if (n + 1 == cap)
			out = realloc(out, cap *= 2);
		ssize_t r = read(p[0], out + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	out[n] = 0;
	close(p[0]);
	if (pid > 0)
		sh.status = wait_pid(pid);
	return out;
}

static void ops_error(void *ctx, const char *msg)
{
	sh_error("%s", msg);
}

void exec_init_ops(void);
void exec_init_ops(void)
{
	sh.ops.getvar = ops_getvar;
	sh.ops.setvar = ops_setvar;
	sh.ops.nparams = ops_nparams;
	sh.ops.param = ops_param;
	sh.ops.cmdsubst = ops_cmdsubst;
	sh.ops.error = ops_error;
}

/* ---- redirections ---- */

struct saved_fd {
	int fd, copy; /* copy -1: fd was closed */
	struct saved_fd *next;
};

static void restore_fds(struct saved_fd *s)
{
	while (s) {
		struct saved_fd *n = s->next;
		if (s->copy >= 0) {
			dup2(s->copy, s->fd);
			close(s->copy);
		} else {
			close(s->fd);
		}
		free(s);
		s = n;
	}
}

static void save_fd(struct saved_fd **list, int fd)
{
	for (struct saved_fd *s = *list; s; s = s->next)
		if (s->fd == fd)
			return;
	struct saved_fd *s = malloc(sizeof(*s));
	s->fd = fd;
	s->copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	s->next = *list;
	*list = s;
}

static int heredoc_fd(struct redir *r)
{
	char *body = r->quoted ? strdup(r->body) : expand_one(&sh.ops, r->body, EXP_HEREDOC);
	if (!body)
		return -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(body);
		return -1;
	}
	size_t len = strlen(body);
	if (len <= 4096) {
		if (write(p[1], body, len) < 0) {
		}
	} else {
		pid_t pid = sh_fork();
		if (pid == 0) {
			close(p[0]);
			size_t off = 0;
			while (off < len) {
				ssize_t w = write(p[1], body + off, len - off);
				if (w <= 0)
					break;
				off += w;
			}
			_exit(0);
		}
	}
	close(p[1]);
	free(body);
	return p[0];
}

/* Applies redirections; with save != NULL, records how to undo them. */
static int apply_redirs(struct redir *r, struct saved_fd **save)
{
	for (; r; r = r->next) {
		int fd = -1;
		if (r->type == R_HEREDOC) {
			fd = heredoc_fd(r);
			if (fd < 0) {
				sh_error("here-document: %s", strerror(errno));
				return 1;
			}
		} else {
			char *w = expand_one(&sh.ops, r->word, 0);
			if (!w)
				return 1;
			if (r->type == R_DUPIN || r->type == R_DUPOUT) {
				if (save)
					save_fd(save, r->fd);
				if (strcmp(w, "-") == 0) {
					close(r->fd);
				} else {
					char *end;
					long src = strtol(w, &end, 10);
					if (*end || end == w || src < 0) {
						sh_error("%s: bad file descriptor", w);
						free(w);
						return 1;
					}
					if (src != r->fd && dup2(src, r->fd) < 0) {
						sh_error("%ld: %s", src, strerror(errno));
						free(w);
						return 1;
					}
				}
				free(w);
				continue;
			}
			int fl = 0;
			switch (r->type) {
			case R_IN:
				fl = O_RDONLY;
				break;
			case R_OUT:
			case R_CLOBBER:
			case R_BOTH:
				fl = O_WRONLY | O_CREAT | O_TRUNC;
				break;
			case R_APPEND:
				fl = O_WRONLY | O_CREAT | O_APPEND;
				break;
			case R_RDWR:
				fl = O_RDWR | O_CREAT;
				break;
			default:
				break;
			}
			fd = open(w, fl | O_CLOEXEC, 0666);
			if (fd < 0) {
				sh_error("can't open %s: %s", w, strerror(errno));
				free(w);
				return 1;
			}
			free(w);
		}
		if (save) {
			save_fd(save, r->fd);
			if (r->type == R_BOTH)
				save_fd(save, 2);
		}
		if (fd != r->fd) {
			dup2(fd, r->fd);
			close(fd);
		} else {
			fcntl(fd, F_SETFD, 0);
		}
		if (r->type == R_BOTH)
			dup2(r->fd, 2);
	}
	return 0;
}

/* ---- commands ---- */

static char *find_in_path(const char *cmd)
{
	if (strchr(cmd, '/'))
		return strdup(cmd);
	const char *h = hash_lookup(cmd);
	if (h && access(h, X_OK) == 0)
		return strdup(h);
	const char *path = var_get("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	while (1) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		char *full = malloc(n + strlen(cmd) + 2);
		if (n == 0)
			sprintf(full, "%s", cmd);
		else
			sprintf(full, "%.*s/%s", (int)n, path, cmd);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
			hash_remember(cmd, full);
			return full;
		}
		free(full);
		if (!colon)
			return NULL;
		path = colon + 1;
	}
}

char *exec_lookup(const char *cmd);
char *exec_lookup(const char *cmd)
{
	return find_in_path(cmd);
}

/* Runs argv[0] found at path (NULL: not found) in place of this process. */
static _Noreturn void exec_program(char **argv, char *path)
{
	if (!path) {
		sh_error("%s: not found", argv[0]);
		sh_exit(127);
	}
	char **env = var_environ();
	execve(path, argv, env);
	int err = errno;
	if (err == ENOEXEC) {
		/* A script without #!: run it with this shell. */
		int n = 0;
		while (argv[n])
			n++;
		char **nargv = calloc(n + 2, sizeof(char *));
		nargv[0] = "/bin/osh";
		nargv[1] = path;
		for (int i = 1; i < n; i++)
			nargv[i + 1] = argv[i];
		execve("/proc/self/exe", nargv, env);
		execve("/bin/osh", nargv, env);
	}
	sh_error("%s: %s", argv[0], strerror(err));
	sh_exit(err == ENOENT ? 127 : 126);
}

static struct func *func_find(const char *name)
{
	for (struct func *f = sh.funcs; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int exec_func_defined(const char *name);
int exec_func_defined(const char *name)
{
	return func_find(name) != NULL;
}

static int call_function(struct func *f, int argc, char **argv)
{
	char **oparams = sh.params, **oalloc = sh.params_alloc;
	int onparams = sh.nparams;
	struct local_save *olocals = sh.locals;
	sh.params_alloc = NULL;
	sh.locals = NULL;
	sh.params = argv + 1;
	sh.nparams = argc - 1;
	struct node *body = f->body; /* f may be redefined or unset while it runs */
	body->refs++;
	sh.func_depth++;
	int st = exec_node(body, 0);
	sh.func_depth--;
	tree_put(body);
	if (sh.returning) {
		sh.returning = 0;
		st = sh.status;
	}
	var_pop_locals(NULL);
	sh.locals = olocals;
	params_free(sh.params_alloc);
	sh.params_alloc = oalloc;
	sh.params = oparams;
	sh.nparams = onparams;
	return st;
}

static void xtrace(char **argv, char **assigns, int nassigns)
{
	if (!sh.opt_x)
		return;
	const char *ps4 = var_get("PS4");
	fputs(ps4 ? ps4 : "+ ", stderr);
	for (int i = 0; i < nassigns; i++)
		fprintf(stderr, "%s%s", i ? " " : "", assigns[i]);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", (i || nassigns) ? " " : "", argv[i]);
	fputc('\n', stderr);
}

static int exec_simple(struct node *n, int flags)
{
	struct strv args = {0};
	sh.lineno = n->line;
	int cmdsub_status = -1, saved_status = sh.status;
	for (int i = 0; i < n->nwords; i++) {
		if (expand_word(&sh.ops, n->words[i], EXP_SPLIT | (sh.opt_f ? EXP_NOGLOB : 0),
				&args) < 0) {
			strv_free(&args);
			if (!sh.interactive && !sh.in_child)
				sh_exit(2);
			return 2;
		}
	}
	if (sh.status != saved_status)
		cmdsub_status = sh.status;
	char **assigns = calloc(n->nassigns + 1, sizeof(char *));
	for (int i = 0; i < n->nassigns; i++) {
		char *eq = strchr(n->assigns[i], '=');
		char *v = expand_one(&sh.ops, eq + 1, 0);
		if (!v) {
			for (int k = 0; k < i; k++)
				free(assigns[k]);
			free(assigns);
			strv_free(&args);
			return 2;
		}
		size_t nl = eq - n->assigns[i];
		assigns[i] = malloc(nl + strlen(v) + 2);
		sprintf(assigns[i], "%.*s=%s", (int)nl, n->assigns[i], v);
		free(v);
	}
	if (sh.status != saved_status)
		cmdsub_status = sh.status;
	if (!args.v) {
		args.v = calloc(1, sizeof(char *));
	}
	xtrace(args.v, assigns, n->nassigns);
	int st = 0;
	if (args.n == 0) {
		for (int i = 0; i < n->nassigns; i++) {
			char *eq = strchr(assigns[i], '=');
			*eq = 0;
			var_set(assigns[i], eq + 1, 0);
		}
		struct saved_fd *save = NULL;
		st = apply_redirs(n->redirs, &save);
		restore_fds(save);
		if (st == 0 && cmdsub_status >= 0)
			st = cmdsub_status;
		goto out;
	}
	if (args.n == 1 && strcmp(args.v[0], "exec") == 0) {
		/* exec with only redirections: they apply to the shell itself. */
		st = apply_redirs(n->redirs, NULL);
		if (st && !sh.interactive && !sh.in_child)
			sh_exit(st);
		goto out;
	}
	int special = 0;
	builtin_fn bf = builtin_find(args.v[0], &special);
	struct func *f = func_find(args.v[0]);
	if (bf && !special && f)
		bf = NULL; /* functions come before regular builtins */
	if (bf || f) {
		/* Prefix assignments: permanent for special builtins, temporary otherwise. */
		struct saved_var {
			char *name, *val;
			int exported;
		} *saved = calloc(n->nassigns + 1, sizeof(*saved));
		for (int i = 0; i < n->nassigns; i++) {
			char *eq = strchr(assigns[i], '=');
			*eq = 0;
			if (!special) {
				const char *old = var_get(assigns[i]);
				saved[i].name = strdup(assigns[i]);
				saved[i].val = old ? strdup(old) : NULL;
			}
			/* exec's are exported: they are for the program it runs. */
			var_set(assigns[i], eq + 1, !special || strcmp(args.v[0], "exec") == 0);
		}
		struct saved_fd *save = NULL;
		if (apply_redirs(n->redirs, &save) != 0) {
			st = 1;
			if (special && !sh.interactive && !sh.in_child)
				sh_exit(1);
		} else if (bf) {
			st = bf(args.n, args.v);
			fflush(stdout);
		} else {
			st = call_function(f, args.n, args.v);
		}
		restore_fds(save);
		for (int i = n->nassigns - 1; i >= 0; i--) {
			if (!saved[i].name)
				continue;
			if (saved[i].val)
				var_set(saved[i].name, saved[i].val, 0);
			else
				var_unset(saved[i].name);
			free(saved[i].name);
			free(saved[i].val);
		}
		free(saved);
		goto out;
	}
	/* The PATH search happens here, in the shell, so `hash` remembers it. */
	char *path = find_in_path(args.v[0]);
	pid_t pid = (flags & EX_EXEC) ? 0 : job_fork(1);
	if (pid == 0) {
		for (int i = 0; i < n->nassigns; i++) {
			char *eq = strchr(assigns[i], '=');
			*eq = 0;
			var_set(assigns[i], eq + 1, 1);
		}
		if (apply_redirs(n->redirs, NULL) != 0)
			sh_exit(1);
		exec_program(args.v, path);
	}
	free(path);
	st = pid < 0 ? 2 : job_wait(&pid, 1);
out:
	for (int i = 0; i < n->nassigns; i++)
		free(assigns[i]);
	free(assigns);
	strv_free(&args);
	return st;
}

static int exec_pipeline(struct node *n)
{
	struct node *stages[256];
	int ns = 0;
	/* The tree is left-deep: ((a | b) | c). */
	struct node *t = n;
	while (t->type == N_PIPE && ns < 255) {
		stages[ns++] = t->b;
		t = t->a;
	}
	stages[ns++] = t;
	pid_t pids[256];
	int in = -1;
	for (int i = ns - 1, k = 0; i >= 0; i--, k++) {
		int p[2] = {-1, -1};
		if (i > 0 && pipe2(p, O_CLOEXEC) < 0) {
			sh_error("pipe: %s", strerror(errno));
			break;
		}
		pid_t pid = job_fork(1);
		if (pid == 0) {
			if (in >= 0) {
				dup2(in, 0);
			}
			if (p[1] >= 0) {
				dup2(p[1], 1);
			}
			sh_exit(exec_node(stages[i], EX_EXEC));
		}
		pids[k] = pid;
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
	if (in >= 0)
		close(in);
	return job_wait(pids, ns);
}

static int exec_loop(struct node *n)
{
	int st = 0;
	sh.loop_depth++;
	for (;;) {
		sh.cond++;
		int c = exec_node(n->a, 0);
		sh.cond--;
		if (sh.returning || sh.brk)
			break;
		if ((n->type == N_WHILE) != (c == 0))
			break;
		st = exec_node(n->b, 0);
		if (sh.returning)
			break;
		if (sh.brk) {
			break;
		}
		if (sh.cont) {
			if (--sh.cont > 0)
				break;
		}
	}
	if (sh.brk)
		sh.brk--;
	sh.loop_depth--;
	return st;
}

static int exec_for(struct node *n)
{
	struct strv items = {0};
	if (n->for_has_in) {
		for (int i = 0; i < n->nwords; i++)
			if (expand_word(&sh.ops, n->words[i],
					EXP_SPLIT | (sh.opt_f ? EXP_NOGLOB : 0), &items) < 0) {
				strv_free(&items);
				return 1;
			}
	} else {
		for (int i = 0; i < sh.nparams; i++)
			strv_push(&items, strdup(sh.params[i]));
	}
	int st = 0;
	sh.loop_depth++;
	for (int i = 0; i < items.n; i++) {
		var_set(n->name, items.v[i], 0);
		st = exec_node(n->b, 0);
		if (sh.returning || sh.brk)
			break;
		if (sh.cont && --sh.cont > 0)
			break;
	}
	if (sh.brk)
		sh.brk--;
	sh.loop_depth--;
	strv_free(&items);
	return st;
}

static int exec_case(struct node *n)
{
	char *subj = expand_one(&sh.ops, n->name, 0);
	if (!subj)
		return 1;
	int st = 0;
	for (struct case_item *it = n->items; it; it = it->next) {
		for (int i = 0; i < it->npats; i++) {
			char *pat = expand_one(&sh.ops, it->pats[i], EXP_PATTERN);
			int m = pat && glob_match(pat, subj);
			free(pat);
			if (m) {
				st = it->body ? exec_node(it->body, 0) : 0;
				free(subj);
				return st;
			}
		}
	}
	free(subj);
	return st;
}

static int exec_node_inner(struct node *n, int flags)
{
	int st;
	switch (n->type) {
	case N_CMD:
		return exec_simple(n, flags);
	case N_PIPE:
		return exec_pipeline(n);
	case N_AND:
	case N_OR:
		sh.cond++;
		st = exec_node(n->a, 0);
		sh.cond--;
		if (sh.returning || sh.brk || sh.cont)
			return st;
		if ((n->type == N_AND) == (st == 0))
			st = exec_node(n->b, flags);
		return st;
	case N_NOT:
		sh.cond++;
		st = exec_node(n->a, 0);
		sh.cond--;
		return !st;
	case N_SEQ:
		exec_node(n->a, 0);
		if (sh.returning || sh.brk || sh.cont)
			return sh.status;
		return exec_node(n->b, flags);
	case N_BG: {
		pid_t pid = job_fork(0);
		if (pid == 0) {
			if (!sh.interactive) {
				/* Without job control an async list ignores ^C (XCU 2.11). */
				signal(SIGINT, SIG_IGN);
				signal(SIGQUIT, SIG_IGN);
				int fd = open("/dev/null", O_RDONLY);
				if (fd >= 0 && fd != 0) {
					dup2(fd, 0);
					close(fd);
				}
			}
			sh_exit(exec_node(n->a, EX_EXEC));
		}
		if (pid > 0) {
			sh.last_bg = pid;
			sh.bg = realloc(sh.bg, (sh.nbg + 1) * sizeof(pid_t));
			sh.bg[sh.nbg++] = pid;
			job_background(pid);
		}
		return 0;
	}
	case N_SUBSHELL: {
		pid_t pid = (flags & EX_EXEC) ? 0 : job_fork(1);
		if (pid == 0) {
			if (apply_redirs(n->redirs, NULL) != 0)
				sh_exit(1);
			sh_exit(exec_node(n->a, 0));
		}
		return pid < 0 ? 2 : job_wait(&pid, 1);
	}
	case N_GROUP:
		return exec_node(n->a, 0);
	case N_IF:
		sh.cond++;
		st = exec_node(n->a, 0);
		sh.cond--;
		if (sh.returning || sh.brk || sh.cont)
			return st;
		if (st == 0)
			return exec_node(n->b, 0);
		return n->c ? exec_node(n->c, 0) : 0;
	case N_WHILE:
	case N_UNTIL:
		return exec_loop(n);
	case N_FOR:
		return exec_for(n);
	case N_CASE:
		return exec_case(n);
	case N_FUNC: {
		struct func *f = func_find(n->name);
		if (!f) {
			f = calloc(1, sizeof(*f));
			f->name = strdup(n->name);
			f->next = sh.funcs;
			sh.funcs = f;
		}
		struct node *old = f->body;
		f->body = node_copy(n->a); /* n itself is freed once it has run */
		tree_put(old);
		return 0;
	}
	}
	return 0;
}

int exec_node(struct node *n, int flags)
{
	int st;
	if (n->redirs && n->type != N_CMD && n->type != N_SUBSHELL) {
		struct saved_fd *save = NULL;
		if (apply_redirs(n->redirs, &save) != 0) {
			restore_fds(save);
			return sh.status = 1;
		}
		st = exec_node_inner(n, 0);
		restore_fds(save);
	} else {
		st = exec_node_inner(n, flags);
	}
	if (!sh.returning)
		sh.status = st;
	if (trap_any)
		trap_run_pending();
	if (sh.opt_e && st != 0 && !sh.cond && n->type != N_AND && n->type != N_OR &&
	    n->type != N_NOT && n->type != N_SEQ && !sh.returning && !sh.brk && !sh.cont)
		sh_exit(st);
	return st;
}

void func_unset(const char *name)
{
	for (struct func **fp = &sh.funcs; *fp; fp = &(*fp)->next) {
		struct func *f = *fp;
		if (strcmp(f->name, name) == 0) {
			*fp = f->next;
			tree_put(f->body);
			free(f->name);
			free(f);
			return;
		}
	}
}

/* Parses and runs src one complete command at a time. */
int run_string(const char *src, const char *name, int line)
{
	struct parser p;
	parser_init(&p, src, strlen(src), line);
	p.alias = alias_get;
	for (;;) {
		struct node *n;
		enum parse_status r = parse_next(&p, &n);
		if (r == P_EOF)
			break;
		if (r == P_EMPTY)
			continue;
		if (r == P_ERROR || r == P_INCOMPLETE) {
			sh.lineno = p.errline;
			sh_error("%s", p.errmsg);
			sh.status = 2;
			if (!sh.interactive && !sh.in_child)
				sh_exit(2);
			break;
		}
		exec_node(n, 0);
		node_free(n);
		if (sh.returning || sh.brk || sh.cont)
			break;
	}
	parser_free(&p);
	return sh.status;
}
