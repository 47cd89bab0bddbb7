/*
 * find and xargs (POSIX.1-2017 XCU): find's expression parser, its
 * evaluator and the directory walk; xargs's argument reader and the
 * commands it runs (statuses 123-127 as POSIX says).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

/* ---- find --------------------------------------------------------------- */

enum fnode_kind { F_AND, F_OR, F_NOT, F_NAME, F_INAME, F_TYPE, F_PRINT, F_PRINT0, F_EXEC, F_TRUE };

struct fnode {
	enum fnode_kind kind;
	struct fnode *l, *r;
	const char *arg;
	char **argv; /* -exec: the command, NULL-terminated, "{}" replaced per file */
	int argc;
};

struct find_state {
	char **av;
	int ac, pos;
	int has_action, maxdepth, mindepth, error;
	const char *bad;
};

static struct fnode *fnew(enum fnode_kind k, struct fnode *l, struct fnode *r)
{
	struct fnode *n = calloc(1, sizeof(*n));
	if (!n)
		exit(1);
	n->kind = k;
	n->l = l;
	n->r = r;
	return n;
}

static struct fnode *find_or(struct find_state *s);

static struct fnode *find_primary(struct find_state *s)
{
	if (s->pos >= s->ac) {
		s->bad = "expression expected";
		return NULL;
	}
	const char *t = s->av[s->pos++];
	if (!strcmp(t, "!") || !strcmp(t, "-not")) {
		struct fnode *x = find_primary(s);
		return x ? fnew(F_NOT, x, NULL) : NULL;
	}
	if (!strcmp(t, "(")) {
		struct fnode *x = find_or(s);
		if (!x)
			return NULL;
		if (s->pos >= s->ac || strcmp(s->av[s->pos], ")")) {
			s->bad = "missing ')'";
			return NULL;
		}
		s->pos++;
		return x;
	}
	if (!strcmp(t, "-print") || !strcmp(t, "-print0")) {
		s->has_action = 1;
		return fnew(t[6] ? F_PRINT0 : F_PRINT, NULL, NULL);
	}
	if (!strcmp(t, "-maxdepth") || !strcmp(t, "-mindepth")) {
		char *end;
		if (s->pos >= s->ac) {
			s->bad = t;
			return NULL;
		}
		long v = strtol(s->av[s->pos++], &end, 10);
		if (*end || v < 0) {
			s->bad = t;
			return NULL;
		}
		if (t[2] == 'a')
			s->maxdepth = (int)v;
		else
			s->mindepth = (int)v;
		return fnew(F_TRUE, NULL, NULL);
	}
	if (!strcmp(t, "-exec")) {
		struct fnode *n = fnew(F_EXEC, NULL, NULL);
		int start = s->pos;
		while (s->pos < s->ac && strcmp(s->av[s->pos], ";"))
			s->pos++;
		if (s->pos >= s->ac || s->pos == start) {
			s->bad = "missing argument to '-exec'";
			return NULL;
		}
		n->argc = s->pos - start;
		n->argv = s->av + start;
		s->pos++;
		s->has_action = 1;
		return n;
	}
	if (!strcmp(t, "-name") || !strcmp(t, "-iname") || !strcmp(t, "-type")) {
		if (s->pos >= s->ac) {
			s->bad = t;
			return NULL;
		}
		struct fnode *n = fnew(t[1] == 'n'   ? F_NAME
				       : t[1] == 'i' ? F_INAME
						     : F_TYPE,
				       NULL, NULL);
		n->arg = s->av[s->pos++];
		if (n->kind == F_TYPE && (strlen(n->arg) != 1 || !strchr("fdlcbps", n->arg[0]))) {
			s->bad = t;
			return NULL;
		}
		return n;
	}
	s->bad = t;
	return NULL;
}

static struct fnode *find_and(struct find_state *s)
{
	struct fnode *l = find_primary(s);
	while (l && s->pos < s->ac && strcmp(s->av[s->pos], "-o") && strcmp(s->av[s->pos], ")")) {
		if (!strcmp(s->av[s->pos], "-a"))
			s->pos++;
		struct fnode *r = find_primary(s);
		if (!r)
			return NULL;
		l = fnew(F_AND, l, r);
	}
	return l;
}

static struct fnode *find_or(struct find_state *s)
{
	struct fnode *l = find_and(s);
	while (l && s->pos < s->ac && !strcmp(s->av[s->pos], "-o")) {
		s->pos++;
		struct fnode *r = find_and(s);
		if (!r)
			return NULL;
		l = fnew(F_OR, l, r);
	}
	return l;
}

static int find_exec(const struct fnode *n, const char *path, struct find_state *s)
{
	char **argv = calloc((size_t)n->argc + 1, sizeof(char *));
	if (!argv)
		return 0;
	for (int i = 0; i < n->argc; i++) {
		const char *a = n->argv[i], *hit = strstr(a, "{}");
		if (!hit) {
			argv[i] = (char *)a;
			continue;
		}
		/* Every "{}" in the argument becomes the path (as GNU). */
		size_t cap = strlen(a) + 1;
		for (const char *p = hit; p; p = strstr(p + 2, "{}"))
			cap += strlen(path);
		char *buf = malloc(cap), *w = buf;
		for (const char *p = a; *p;) {
			if (p[0] == '{' && p[1] == '}') {
				w = stpcpy(w, path);
				p += 2;
			} else {
				*w++ = *p++;
			}
		}
		*w = '\0';
		argv[i] = buf;
	}
	fflush(stdout);
	pid_t pid = fork();
	int status = 0;
	if (pid == 0) {
		execvp(argv[0], argv);
		tool_warn_errno("%s", argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		tool_warn_errno("fork");
		s->error = 1;
		status = 1;
	}
	for (int i = 0; i < n->argc; i++)
		if (argv[i] != n->argv[i])
			free(argv[i]);
	free(argv);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int find_eval(const struct fnode *n, const char *path, const struct stat *st,
		     struct find_state *s)
{
	const char *base;
	switch (n->kind) {
	case F_AND:
		return find_eval(n->l, path, st, s) && find_eval(n->r, path, st, s);
	case F_OR:
		return find_eval(n->l, path, st, s) || find_eval(n->r, path, st, s);
	case F_NOT:
		return !find_eval(n->l, path, st, s);
	case F_NAME:
	case F_INAME: {
		/* The last component, trailing slashes aside ("/" itself stays "/"). */
		char tmp[PATH_MAX];
		size_t len = strlen(path);
		snprintf(tmp, sizeof(tmp), "%s", path);
		while (len > 1 && tmp[len - 1] == '/')
			tmp[--len] = '\0';
		base = strrchr(tmp, '/');
		base = base && base[1] ? base + 1 : tmp;
		return fnmatch(n->arg, base, n->kind == F_INAME ? FNM_CASEFOLD : 0) == 0;
	}
	case F_TYPE:
		switch (n->arg[0]) {
		case 'f':
			return S_ISREG(st->st_mode);
		case 'd':
			return S_ISDIR(st->st_mode);
		case 'l':
			return S_ISLNK(st->st_mode);
		case 'c':
			return S_ISCHR(st->st_mode);
		case 'b':
			return S_ISBLK(st->st_mode);
		case 'p':
			return S_ISFIFO(st->st_mode);
		default:
			return S_ISSOCK(st->st_mode);
		}
	case F_PRINT:
		printf("%s\n", path);
		return 1;
	case F_PRINT0:
		fputs(path, stdout);
		putchar('\0');
		return 1;
	case F_EXEC:
		return find_exec(n, path, s);
	case F_TRUE:
		return 1;
	}
	return 0;
}

static void find_walk(const char *path, int depth, const struct fnode *expr, struct find_state *s)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		tool_warn_errno("'%s'", path);
		s->error = 1;
		return;
	}
	if (depth >= s->mindepth) {
		int m = expr ? find_eval(expr, path, &st, s) : 1;
		if (m && !s->has_action)
			printf("%s\n", path);
	}
	if (!S_ISDIR(st.st_mode) || (s->maxdepth >= 0 && depth >= s->maxdepth))
		return;
	DIR *d = opendir(path);
	if (!d) {
		tool_warn_errno("'%s'", path);
		s->error = 1;
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		find_walk(child, depth + 1, expr, s);
	}
	closedir(d);
}

int find_main(int argc, char **argv)
{
	struct find_state s = {0};
	int first_expr = 1;
	s.maxdepth = -1;
	while (first_expr < argc && argv[first_expr][0] != '-' && strcmp(argv[first_expr], "!") &&
	       strcmp(argv[first_expr], "("))
		first_expr++;
	s.av = argv + first_expr;
	s.ac = argc - first_expr;
	struct fnode *expr = NULL;
	if (s.ac > 0) {
		expr = find_or(&s);
		if (!expr || s.pos < s.ac) {
			tool_warn("invalid expression at '%s'",
				  s.bad ? s.bad : (s.pos < s.ac ? s.av[s.pos] : ""));
			return tool_usage(1, "[PATH]... [-maxdepth N] [-mindepth N] [EXPRESSION]\n"
					     "  EXPRESSION: -name PAT -iname PAT -type [fdlcbps] "
					     "-print -print0 -exec CMD {} ; ! ( ) -a -o");
		}
	}
	if (first_expr == 1)
		find_walk(".", 0, expr, &s);
	for (int i = 1; i < first_expr; i++)
		find_walk(argv[i], 0, expr, &s);
	return s.error;
}

/* ---- xargs -------------------------------------------------------------- */

/* The next argument from stdin: blank-separated with '' "" and \ quoting, or NUL-separated (-0). */
static char *xargs_next(int nul, int whole_line)
{
	size_t cap = 64, n = 0;
	char *buf = malloc(cap);
	int ch, quote = 0, any = 0;
	if (!buf)
		exit(1);
	while ((ch = getchar()) != EOF) {
		if (nul) {
			if (ch == '\0')
				break;
		} else if (quote) {
			if (ch == quote) {
				quote = 0;
				continue;
			}
		} else if (whole_line ? ch == '\n' : (ch == ' ' || ch == '\t' || ch == '\n')) {
			if (any)
				break;
			continue;
		} else if (!whole_line && (ch == '\'' || ch == '"')) {
			quote = ch;
			any = 1;
			continue;
		} else if (ch == '\\') {
			ch = getchar();
			if (ch == EOF)
				break;
		}
		if (whole_line && !any && (ch == ' ' || ch == '\t'))
			continue; /* -I: leading blanks are dropped */
		any = 1;
		if (n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		buf[n++] = (char)ch;
	}
	if (quote) {
		tool_warn("unmatched %s quote", quote == '"' ? "double" : "single");
		exit(1);
	}
	if (!any && (nul ? ch == EOF && n == 0 : 1)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Run argv; returns the xargs status contribution (POSIX: 126, 127, 124, 123). */
static int xargs_run(char **argv, int trace)
{
	if (trace) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	fflush(stdout);
	pid_t pid = fork();
	int status;
	if (pid == 0) {
		execvp(argv[0], argv);
		int e = errno;
		tool_warn_errno("%s", argv[0]);
		_exit(e == ENOENT ? 127 : 126);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		tool_warn_errno("fork");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		tool_warn("%s: terminated by signal %d", argv[0], WTERMSIG(status));
		return 125;
	}
	int rc = WEXITSTATUS(status);
	if (rc == 126 || rc == 127)
		return rc;
	if (rc == 255) {
		tool_warn("%s: exited with status 255; aborting", argv[0]);
		return 124;
	}
	return rc ? 123 : 0;
}

int xargs_main(int argc, char **argv)
{
	static const char use[] = "[-0t] [-n MAX] [-I REPLACE] [COMMAND [ARG]...]";
	int nul = 0, trace = 0, c, rc = 0;
	long maxn = 0;
	const char *repl = NULL;
	while ((c = getopt(argc, argv, "+0tn:I:")) != -1) {
		char *end;
		switch (c) {
		case '0':
			nul = 1;
			break;
		case 't':
			trace = 1;
			break;
		case 'n':
			maxn = strtol(optarg, &end, 10);
			if (*end || maxn <= 0) {
				tool_warn("invalid number '%s' for -n", optarg);
				return 1;
			}
			break;
		case 'I':
			repl = optarg;
			break;
		default:
			return tool_usage(1, use);
		}
	}
	static char *echo[] = {"echo", NULL};
	char **cmd = optind < argc ? argv + optind : echo;
	int ncmd = optind < argc ? argc - optind : 1;
	size_t cap = (size_t)ncmd + 64, n = 0;
	char **args = calloc(cap + 1, sizeof(char *));
	char *a;
	if (!args)
		return 1;
	if (repl) {
		/* -I: one command per input line, REPLACE substituted in every argument. */
		while ((a = xargs_next(nul, !nul))) {
			for (int i = 0; i < ncmd; i++) {
				const char *arg = cmd[i];
				size_t len = strlen(arg) + 1;
				for (const char *p = strstr(arg, repl); p;
				     p = strstr(p + strlen(repl), repl))
					len += strlen(a);
				char *buf = malloc(len), *w = buf;
				for (const char *p = arg; *p;) {
					if (*repl && !strncmp(p, repl, strlen(repl))) {
						w = stpcpy(w, a);
						p += strlen(repl);
					} else {
						*w++ = *p++;
					}
				}
				*w = '\0';
				args[i] = buf;
			}
			args[ncmd] = NULL;
			int r = xargs_run(args, trace);
			for (int i = 0; i < ncmd; i++)
				free(args[i]);
			free(a);
			if (r > rc)
				rc = r;
			if (r >= 124) {
				free(args);
				return r;
			}
		}
		free(args);
		return rc;
	}
	int ran = 0, more = 1;
	while (more) {
		n = 0;
		for (int i = 0; i < ncmd; i++)
			args[n++] = cmd[i];
		while (!maxn || (long)(n - (size_t)ncmd) < maxn) {
			a = xargs_next(nul, 0);
			if (!a) {
				more = 0;
				break;
			}
			if (n == cap) {
				cap *= 2;
				args = realloc(args, (cap + 1) * sizeof(char *));
				if (!args)
					return 1;
			}
			args[n++] = a;
		}
		if (n == (size_t)ncmd && ran)
			break;
		args[n] = NULL;
		int r = xargs_run(args, trace);
		ran = 1;
		for (size_t i = (size_t)ncmd; i < n; i++)
			free(args[i]);
		if (r > rc)
			rc = r;
		if (r >= 124)
			break;
	}
	free(args);
	return rc;
}
