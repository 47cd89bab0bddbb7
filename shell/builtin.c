/*
 * osh builtins (XCU 2.14 special builtins and the regular ones the shell
 * must provide itself) and the table that names them all. Here: : true
 * false echo printf cd pwd exit type command exec wait . source return
 * break continue eval. Elsewhere: variables and parameters in bi_var.c,
 * trap and kill in trap.c, umask times ulimit hash in bi_sys.c, alias in
 * alias.c, jobs fg bg in jobs.c, test and [ in test.c, history in edit.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

char *exec_lookup(const char *cmd);
int exec_func_defined(const char *name);
int main_run_file(const char *path, int argc, char **argv);

static int bi_true(int argc, char **argv)
{
	return 0;
}
static int bi_false(int argc, char **argv)
{
	return 1;
}

static int bi_echo(int argc, char **argv)
{
	int i = 1, nl = 1, esc = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i] + 1;
		if (strspn(o, "neE") != strlen(o))
			break;
		for (; *o; o++)
			*o == 'n' ? (nl = 0) : *o == 'e' ? (esc = 1) : (esc = 0);
	}
	for (int first = 1; i < argc; i++, first = 0) {
		if (!first)
			putchar(' ');
		for (const char *s = argv[i]; *s; s++) {
			if (esc && *s == '\\' && s[1]) {
				s++;
				switch (*s) {
				case 'n':
					putchar('\n');
					break;
				case 't':
					putchar('\t');
					break;
				case '\\':
					putchar('\\');
					break;
				case 'c':
					fflush(stdout);
					return 0;
				default:
					putchar('\\');
					putchar(*s);
				}
			} else {
				putchar(*s);
			}
		}
	}
	if (nl)
		putchar('\n');
	return ferror(stdout) ? 1 : 0;
}

/* Writes s with printf's backslash escapes; returns 1 at \c. */
static int put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			putchar('\n');
			break;
		case 't':
			putchar('\t');
			break;
		case 'r':
			putchar('\r');
			break;
		case 'a':
			putchar('\a');
			break;
		case 'b':
			putchar('\b');
			break;
		case 'f':
			putchar('\f');
			break;
		case 'v':
			putchar('\v');
			break;
		case '\\':
			putchar('\\');
			break;
		case 'c':
			return 1;
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7': {
			int v = 0, k = 0;
			if (*s == '0')
				s++;
			while (k < 3 && *s >= '0' && *s <= '7')
				v = v * 8 + (*s++ - '0'), k++;
			s--;
			putchar(v);
			break;
		}
		default:
			putchar('\\');
			putchar(*s);
		}
	}
	return 0;
}

static int bi_printf(int argc, char **argv)
{
	if (argc < 2) {
		sh_error("printf: usage: printf format [arg ...]");
		return 2;
	}
	const char *fmt = argv[1];
	int ai = 2, st = 0;
	do {
		int used = 0;
		for (const char *f = fmt; *f; f++) {
			if (*f == '\\') {
				char tmp[8] = {0};
				int k = 0;
				tmp[k++] = *f++;
				if (*f >= '0' && *f <= '7') {
					while (k < 4 && *f >= '0' && *f <= '7')
						tmp[k++] = *f++;
					f--;
				} else if (*f) {
					tmp[k++] = *f;
				} else {
					f--;
				}
				if (put_escaped(tmp))
					return st;
				continue;
			}
			if (*f != '%') {
				putchar(*f);
				continue;
			}
			if (f[1] == '%') {
				putchar('%');
				f++;
				continue;
			}
			char spec[64];
			int k = 0;
			spec[k++] = *f++;
			while (*f && strchr("-+ #0123456789.", *f) && k < 60)
				spec[k++] = *f++;
			char conv = *f;
			if (!conv)
				break;
			const char *arg = ai < argc ? argv[ai++] : NULL;
			used = 1;
			if (conv == 'd' || conv == 'i' || conv == 'x' || conv == 'X' ||
			    conv == 'o' || conv == 'u' || conv == 'c') {
				if (conv == 'c') {
					spec[k++] = 'c';
					spec[k] = 0;
					printf(spec, arg && arg[0] ? arg[0] : 0);
					continue;
				}
				long v = 0;
				if (arg && (arg[0] == '\'' || arg[0] == '"'))
					v = (unsigned char)arg[1];
				else if (arg && *arg) {
					char *end;
					errno = 0;
					v = strtol(arg, &end, 0);
					if (*end || errno) {
						sh_error("printf: %s: invalid number", arg);
						st = 1;
					}
				}
				spec[k++] = 'l';
				spec[k++] = conv;
				spec[k] = 0;
				printf(spec, v);
			} else if (conv == 'f' || conv == 'e' || conv == 'g' || conv == 'E' ||
				   conv == 'G') {
				spec[k++] = conv;
				spec[k] = 0;
				printf(spec, arg ? strtod(arg, NULL) : 0.0);
			} else if (conv == 's') {
				spec[k++] = 's';
				spec[k] = 0;
				printf(spec, arg ? arg : "");
			} else if (conv == 'b') {
				if (put_escaped(arg ? arg : ""))
					return st;
			} else {
				sh_error("printf: %%%c: invalid directive", conv);
				return 1;
			}
		}
		if (!used)
			break;
	} while (ai < argc);
	return st;
}

static int bi_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	int print = 0;
	if (!dir) {
		sh_error("cd: HOME not set");
		return 1;
	}
	if (strcmp(dir, "-") == 0) {
		dir = var_get("OLDPWD");
		if (!dir) {
			sh_error("cd: OLDPWD not set");
			return 1;
		}
		print = 1;
	}
	char *target = NULL;
	const char *cdpath = var_get("CDPATH");
	if (dir[0] != '/' && strncmp(dir, "./", 2) && strncmp(dir, "../", 3) && strcmp(dir, ".") &&
	    strcmp(dir, "..") && cdpath) {
		const char *p = cdpath;
		for (;;) {
			const char *c = strchr(p, ':');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			char *cand = malloc(n + strlen(dir) + 2);
			sprintf(cand, "%.*s%s%s", (int)n, p, n ? "/" : "", dir);
			struct stat st;
			if (n && stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
				target = cand;
				print = 1;
				break;
			}
			free(cand);
			if (!c)
				break;
			p = c + 1;
		}
	}
	if (!target)
		target = strdup(dir);
	if (chdir(target) < 0) {
		sh_error("cd: can't cd to %s", dir);
		free(target);
		return 2;
	}
	free(target);
	char cwd[PATH_MAX];
	const char *old = var_get("PWD");
	if (old)
		var_set("OLDPWD", old, 0);
	if (getcwd(cwd, sizeof(cwd))) {
		var_set("PWD", cwd, 0);
		if (print)
			printf("%s\n", cwd);
	}
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int st = argc > 1 ? atoi(argv[1]) : sh.status;
	sh_exit(st);
}

static int bi_type(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		int special;
		if (exec_func_defined(argv[i]))
			printf("%s is a function\n", argv[i]);
		else if (builtin_find(argv[i], &special))
			printf("%s is a %sshell builtin\n", argv[i], special ? "special " : "");
		else {
			char *p = exec_lookup(argv[i]);
			if (p && access(p, X_OK) == 0)
				printf("%s is %s\n", argv[i], p);
			else {
				printf("%s: not found\n", argv[i]);
				st = 127;
			}
			free(p);
		}
	}
	return st;
}

static int bi_command(int argc, char **argv)
{
	if (argc > 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "-V") == 0)) {
		if (argv[1][1] == 'V')
			return bi_type(argc - 1, argv + 1);
		int special;
		if (builtin_find(argv[2], &special) || exec_func_defined(argv[2])) {
			printf("%s\n", argv[2]);
			return 0;
		}
		char *p = exec_lookup(argv[2]);
		if (p && access(p, X_OK) == 0) {
			printf("%s\n", p);
			free(p);
			return 0;
		}
		free(p);
		return 1;
	}
	if (argc < 2)
		return 0;
	int special;
	builtin_fn bf = builtin_find(argv[1], &special);
	if (bf)
		return bf(argc - 1, argv + 1);
	/* Run as a program, bypassing functions. */
	pid_t pid = fork();
	int st = 127;
	if (pid == 0) {
		char *path = exec_lookup(argv[1]);
		if (!path) {
			sh_error("%s: not found", argv[1]);
			_exit(127);
		}
		execve(path, argv + 1, var_environ());
		sh_error("%s: %s", argv[1], strerror(errno));
		_exit(126);
	}
	int ws;
	if (pid > 0 && waitpid(pid, &ws, 0) == pid)
		st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return st;
}

static int bi_exec(int argc, char **argv)
{
	if (argc < 2)
		return 0; /* redirections stay: exec_simple restores them, see docs/shell.md */
	char *path = exec_lookup(argv[1]);
	if (!path) {
		sh_error("%s: not found", argv[1]);
		sh_exit(127);
	}
	execve(path, argv + 1, var_environ());
	sh_error("exec: %s: %s", argv[1], strerror(errno));
	sh_exit(126);
}

static int bg_has(pid_t pid)
{
	for (int i = 0; i < sh.nbg; i++)
		if (sh.bg[i] == pid)
			return 1;
	return 0;
}

/* wait [pid...]: a trapped signal ends the wait with 128 + its number
 * (XCU 2.11), and its action runs right after. */
static int bi_wait(int argc, char **argv)
{
	int st = 0, sig;
	if (argc < 2) {
		while (sh.nbg) {
			reap_bg(1, -1, NULL);
			if ((sig = trap_pending_sig()))
				return 128 + sig;
		}
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		pid_t pid = atoi(argv[i]);
		st = 127;
		while (bg_has(pid)) {
			reap_bg(1, pid, &st);
			if ((sig = trap_pending_sig()))
				return 128 + sig;
		}
	}
	return st;
}

static int bi_dot(int argc, char **argv)
{
	if (argc < 2) {
		sh_error(".: filename argument required");
		return 2;
	}
	char *path = strchr(argv[1], '/') ? strdup(argv[1]) : exec_lookup(argv[1]);
	if (!path && access(argv[1], R_OK) == 0)
		path = strdup(argv[1]);
	if (!path) {
		sh_error(".: %s: not found", argv[1]);
		if (!sh.interactive)
			sh_exit(2);
		return 2;
	}
	int st = main_run_file(path, argc - 2, argv + 2);
	free(path);
	return st;
}

static int bi_return(int argc, char **argv)
{
	int st = argc > 1 ? atoi(argv[1]) : sh.status;
	sh.status = st & 0xff;
	sh.returning = 1;
	return st & 0xff;
}

static int loop_ctl(int argc, char **argv, int *which)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 1) {
		sh_error("%s: bad number", argv[0]);
		return 1;
	}
	if (sh.loop_depth == 0)
		return 0;
	if (n > sh.loop_depth)
		n = sh.loop_depth;
	*which = n;
	return 0;
}

static int bi_break(int argc, char **argv)
{
	int n = 0, r = loop_ctl(argc, argv, &n);
	if (n) {
		sh.brk = n;
	}
	return r;
}

static int bi_continue(int argc, char **argv)
{
	int n = 0, r = loop_ctl(argc, argv, &n);
	if (n == 1)
		sh.cont = 1;
	else if (n > 1) {
		sh.brk = n - 1;
		sh.cont = 1;
	}
	return r;
}

static int bi_eval(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	s[0] = 0;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	sh.status = 0;
	int st = run_string(s, NULL, sh.lineno);
	free(s);
	return st;
}

static const struct builtin {
	const char *name;
	builtin_fn fn;
	int special;
} builtins[] = {
	{":", bi_true, 1},
	{".", bi_dot, 1},
	{"break", bi_break, 1},
	{"continue", bi_continue, 1},
	{"eval", bi_eval, 1},
	{"exec", bi_exec, 1},
	{"exit", bi_exit, 1},
	{"export", bi_export, 1},
	{"return", bi_return, 1},
	{"set", bi_set, 1},
	{"shift", bi_shift, 1},
	{"unset", bi_unset, 1},
	{"source", bi_dot, 0},
	{"true", bi_true, 0},
	{"false", bi_false, 0},
	{"echo", bi_echo, 0},
	{"printf", bi_printf, 0},
	{"cd", bi_cd, 0},
	{"pwd", bi_pwd, 0},
	{"read", bi_read, 0},
	{"type", bi_type, 0},
	{"command", bi_command, 0},
	{"wait", bi_wait, 0},
	{"kill", bi_kill, 0},
	{"umask", bi_umask, 0},
	{"local", bi_local, 0},
	{"test", builtin_test, 0},
	{"[", builtin_test, 0},
	{"history", edit_history_builtin, 0},
	{"readonly", bi_readonly, 1},
	{"trap", bi_trap, 1},
	{"getopts", bi_getopts, 0},
	{"jobs", bi_jobs, 0},
	{"times", bi_times, 1},
	{"ulimit", bi_ulimit, 0},
	{"hash", bi_hash, 0},
	{"alias", bi_alias, 0},
	{"unalias", bi_unalias, 0},
	{"fg", bi_fg, 0},
	{"bg", bi_bg, 0},
};

builtin_fn builtin_find(const char *name, int *special)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0) {
			*special = builtins[i].special;
			return builtins[i].fn;
		}
	return NULL;
}
