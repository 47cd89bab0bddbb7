/*
 * osh builtins (XCU 2.14 special builtins and the regular ones the shell
 * must provide itself): cd pwd export unset exit echo printf read type
 * command exec wait kill umask true false shift . source set local return
 * break continue eval test [ and :.
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

static int bi_export(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-p") == 0)
		i++;
	if (i == argc) {
		for (int k = 0; k < sh.nvars; k++)
			if (sh.vars[k].exported)
				printf("export %s='%s'\n", sh.vars[k].name, sh.vars[k].val);
		return 0;
	}
	int st = 0;
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!is_name(argv[i], n)) {
			sh_error("export: %s: bad variable name", argv[i]);
			st = 1;
			continue;
		}
		if (eq) {
			char *name = strndup(argv[i], n);
			var_set(name, eq + 1, 1);
			free(name);
		} else {
			var_export(argv[i]);
		}
	}
	return st;
}

static int bi_unset(int argc, char **argv)
{
	int i = 1, funcs = 0;
	if (i < argc && (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "-f") == 0))
		funcs = argv[i++][1] == 'f';
	for (; i < argc; i++) {
		if (funcs) {
			for (struct func **f = &sh.funcs; *f; f = &(*f)->next)
				if (strcmp((*f)->name, argv[i]) == 0) {
					*f = (*f)->next;
					break;
				}
		} else {
			var_unset(argv[i]);
		}
	}
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int st = argc > 1 ? atoi(argv[1]) : sh.status;
	sh_exit(st);
}

static int bi_read(int argc, char **argv)
{
	int i = 1, raw = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0)
			raw = 1;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			fputs(argv[++i], stderr);
		} else
			break;
	}
	size_t cap = 128, n = 0;
	char *line = malloc(cap);
	int got_nl = 0;
	for (;;) {
		char c;
		ssize_t r = read(0, &c, 1); /* one byte: leave the rest for the next reader */
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\\' && !raw) {
			r = read(0, &c, 1);
			if (r <= 0)
				break;
			if (c == '\n')
				continue;
			if (n + 3 >= cap)
				line = realloc(line, cap *= 2);
			line[n++] = '\001'; /* marks the next char as escaped */
			line[n++] = c;
			continue;
		}
		if (c == '\n') {
			got_nl = 1;
			break;
		}
		if (n + 2 >= cap)
			line = realloc(line, cap *= 2);
		line[n++] = c;
	}
	line[n] = 0;
	const char *ifs = var_get("IFS");
	if (!ifs)
		ifs = " \t\n";
	/* Split into argc - i fields; the last takes the rest. */
	char *p = line;
	int nvars = argc - i;
	if (nvars == 0) {
		var_set("REPLY", line, 0);
		free(line);
		return got_nl ? 0 : 1;
	}
	for (int v = 0; v < nvars; v++) {
		while (*p && strchr(ifs, *p) && strchr(" \t\n", *p))
			p++;
		char *val = malloc(strlen(p) + 1), *o = val;
		if (v == nvars - 1) {
			for (; *p; p++)
				if (*p != '\001')
					*o++ = *p;
				else if (p[1])
					*o++ = *++p;
			*o = 0;
			/* trailing IFS whitespace is removed */
			while (o > val && strchr(ifs, o[-1]) && strchr(" \t\n", o[-1]))
				*--o = 0;
		} else {
			while (*p && !strchr(ifs, *p)) {
				if (*p == '\001' && p[1])
					p++;
				*o++ = *p++;
			}
			*o = 0;
			while (*p && strchr(ifs, *p) && strchr(" \t\n", *p))
				p++;
			if (*p && strchr(ifs, *p))
				p++;
		}
		var_set(argv[i + v], val, 0);
		free(val);
	}
	free(line);
	return got_nl ? 0 : 1;
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

static int bi_wait(int argc, char **argv)
{
	int st = 0;
	if (argc < 2) {
		while (sh.nbg)
			reap_bg(1, -1, &st);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		pid_t pid = atoi(argv[i]);
		st = 127;
		reap_bg(1, pid, &st);
	}
	return st;
}

static const struct {
	const char *name;
	int sig;
} signames[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
		{"TERM", SIGTERM}, {"STOP", SIGSTOP}, {"CONT", SIGCONT}, {"TSTP", SIGTSTP},
		{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
		{"CHLD", SIGCHLD}};

static int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *s = argv[i] + 1;
		if (strcmp(s, "s") == 0 && i + 1 < argc)
			s = argv[++i];
		if (strcmp(s, "l") == 0) {
			for (size_t k = 0; k < sizeof(signames) / sizeof(signames[0]); k++)
				printf("%d) %s\n", signames[k].sig, signames[k].name);
			return 0;
		}
		if (strncmp(s, "SIG", 3) == 0)
			s += 3;
		sig = -1;
		if (*s >= '0' && *s <= '9')
			sig = atoi(s);
		for (size_t k = 0; k < sizeof(signames) / sizeof(signames[0]); k++)
			if (strcmp(s, signames[k].name) == 0)
				sig = signames[k].sig;
		if (sig < 0) {
			sh_error("kill: %s: invalid signal", argv[i]);
			return 1;
		}
		i++;
	}
	if (i == argc) {
		sh_error("kill: usage: kill [-s sig | -sig] pid...");
		return 2;
	}
	int st = 0;
	for (; i < argc; i++) {
		if (kill(atoi(argv[i]), sig) < 0) {
			sh_error("kill: %s: %s", argv[i], strerror(errno));
			st = 1;
		}
	}
	return st;
}

static int bi_umask(int argc, char **argv)
{
	if (argc < 2) {
		mode_t m = umask(0);
		umask(m);
		printf("%04o\n", (unsigned)m);
		return 0;
	}
	char *end;
	long m = strtol(argv[1], &end, 8);
	if (*end || m < 0 || m > 0777) {
		sh_error("umask: %s: invalid mode", argv[1]);
		return 1;
	}
	umask(m);
	return 0;
}

static int bi_shift(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 0 || n > sh.nparams) {
		sh_error("shift: can't shift that many");
		return 1;
	}
	sh.params += n;
	sh.nparams -= n;
	return 0;
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

static int bi_set(int argc, char **argv)
{
	if (argc == 1) {
		for (int k = 0; k < sh.nvars; k++)
			printf("%s='%s'\n", sh.vars[k].name, sh.vars[k].val);
		return 0;
	}
	int i = 1;
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
		int on = argv[i][0] == '-';
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "+o") == 0) {
			if (i + 1 < argc) {
				i++;
				if (!strcmp(argv[i], "errexit"))
					sh.opt_e = on;
				else if (!strcmp(argv[i], "xtrace"))
					sh.opt_x = on;
			}
			continue;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'e':
				sh.opt_e = on;
				break;
			case 'x':
				sh.opt_x = on;
				break;
			case 'f':
				sh.opt_f = on;
				break;
			case 'u':
				sh.opt_u = sh.ops.nounset = on;
				break;
			default:
				sh_error("set: -%c: invalid option", *o);
				return 2;
			}
		}
	}
	if (i < argc || (i > 1 && strcmp(argv[i - 1], "--") == 0)) {
		/* New positional parameters; the old array is leaked if shifted. */
		char **np = calloc(argc - i + 1, sizeof(char *));
		for (int k = i; k < argc; k++)
			np[k - i] = strdup(argv[k]);
		sh.params = np;
		sh.nparams = argc - i;
	}
	return 0;
}

static int bi_local(int argc, char **argv)
{
	if (!sh.func_depth) {
		sh_error("local: not in a function");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char *name = eq ? strndup(argv[i], eq - argv[i]) : strdup(argv[i]);
		var_local(name);
		if (eq)
			var_set(name, eq + 1, 0);
		free(name);
	}
	return 0;
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

static int bi_readonly(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0) {
			for (int k = 0; k < sh.nvars; k++)
				if (sh.vars[k].readonly)
					printf("readonly %s='%s'\n", sh.vars[k].name,
					       sh.vars[k].val);
			continue;
		}
		char *eq = strchr(argv[i], '=');
		char *name = eq ? strndup(argv[i], eq - argv[i]) : strdup(argv[i]);
		if (!is_name(name, strlen(name))) {
			sh_error("readonly: %s: bad variable name", name);
			st = 2;
		} else if (eq && var_set(name, eq + 1, 0) < 0) {
			st = 2;
		} else {
			var_readonly(name);
		}
		free(name);
	}
	return st;
}

char *exit_trap;

/* getopts optstring name [arg...] (XCU getopts): OPTIND is the next
 * argument; the position inside a grouped "-ab" is kept here. */
static int bi_getopts(int argc, char **argv)
{
	static int pos = 1, last_ind = -1;
	if (argc < 3) {
		sh_error("getopts: usage: getopts optstring name [arg...]");
		return 2;
	}
	const char *opts = argv[1], *name = argv[2];
	char **args = argc > 3 ? argv + 3 : sh.params;
	int nargs = argc > 3 ? argc - 3 : sh.nparams;
	const char *oi = var_get("OPTIND");
	int ind = oi ? atoi(oi) : 1;
	if (ind < 1)
		ind = 1;
	if (ind != last_ind)
		pos = 1;
	int silent = opts[0] == ':';
	char buf[32];
	if (ind > nargs || args[ind - 1][0] != '-' || args[ind - 1][1] == 0 ||
	    (pos == 1 && strcmp(args[ind - 1], "--") == 0)) {
		if (ind <= nargs && strcmp(args[ind - 1], "--") == 0)
			ind++;
		var_set(name, "?", 0);
		snprintf(buf, sizeof(buf), "%d", ind);
		var_set("OPTIND", buf, 0);
		last_ind = ind;
		pos = 1;
		return 1;
	}
	const char *arg = args[ind - 1];
	char c = arg[pos++];
	const char *spec = c != ':' ? strchr(opts + silent, c) : NULL;
	var_unset("OPTARG");
	if (arg[pos] == 0) {
		ind++;
		pos = 1;
	}
	if (!spec) {
		char cs[2] = {c, 0};
		if (silent)
			var_set("OPTARG", cs, 0);
		else
			fprintf(stderr, "osh: getopts: illegal option -- %c\n", c);
		var_set(name, "?", 0);
	} else if (spec[1] == ':') {
		if (pos > 1) {
			var_set("OPTARG", arg + pos, 0);
			ind++;
			pos = 1;
			var_set(name, (char[2]){c, 0}, 0);
		} else if (ind <= nargs) {
			var_set("OPTARG", args[ind - 1], 0);
			ind++;
			var_set(name, (char[2]){c, 0}, 0);
		} else {
			char cs[2] = {c, 0};
			if (silent) {
				var_set("OPTARG", cs, 0);
				var_set(name, ":", 0);
			} else {
				fprintf(stderr, "osh: getopts: option requires an argument -- %c\n",
					c);
				var_set(name, "?", 0);
			}
		}
	} else {
		var_set(name, (char[2]){c, 0}, 0);
	}
	snprintf(buf, sizeof(buf), "%d", ind);
	var_set("OPTIND", buf, 0);
	last_ind = ind;
	return 0;
}

/* trap: only the EXIT (0) action and ignoring or defaulting signals. */
static int bi_trap(int argc, char **argv)
{
	if (argc == 1) {
		if (exit_trap)
			printf("trap -- '%s' EXIT\n", exit_trap);
		return 0;
	}
	const char *action = argv[1];
	int i = 2;
	if (argc == 2) {
		action = "-";
		i = 1;
	}
	int st = 0;
	for (; i < argc; i++) {
		const char *s = argv[i];
		if (strncmp(s, "SIG", 3) == 0)
			s += 3;
		if (strcmp(s, "EXIT") == 0 || strcmp(s, "0") == 0) {
			free(exit_trap);
			exit_trap = strcmp(action, "-") ? strdup(action) : NULL;
			continue;
		}
		int sig = -1;
		if (*s >= '0' && *s <= '9')
			sig = atoi(s);
		for (size_t k = 0; k < sizeof(signames) / sizeof(signames[0]); k++)
			if (strcmp(s, signames[k].name) == 0)
				sig = signames[k].sig;
		if (sig <= 0) {
			sh_error("trap: %s: bad trap", argv[i]);
			st = 1;
		} else if (strcmp(action, "-") == 0) {
			signal(sig, SIG_DFL);
		} else if (action[0] == 0) {
			signal(sig, SIG_IGN);
		} else {
			sh_error("trap: commands for signals are not supported yet (%s)", argv[i]);
			st = 1;
		}
	}
	return st;
}

struct alias {
	char *name, *val;
	struct alias *next;
};
static struct alias *aliases;

const char *alias_get(const char *name)
{
	for (struct alias *a = aliases; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->val;
	return NULL;
}

static int bi_alias(int argc, char **argv)
{
	int st = 0;
	if (argc == 1)
		for (struct alias *a = aliases; a; a = a->next)
			printf("%s='%s'\n", a->name, a->val);
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			const char *v = alias_get(argv[i]);
			if (v)
				printf("%s='%s'\n", argv[i], v);
			else {
				sh_error("alias: %s not found", argv[i]);
				st = 1;
			}
			continue;
		}
		char *name = strndup(argv[i], eq - argv[i]);
		struct alias *a;
		for (a = aliases; a; a = a->next)
			if (strcmp(a->name, name) == 0)
				break;
		if (!a) {
			a = calloc(1, sizeof(*a));
			a->name = name;
			a->next = aliases;
			aliases = a;
		} else {
			free(name);
			free(a->val);
		}
		a->val = strdup(eq + 1);
	}
	return st;
}

static int bi_unalias(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0) {
			aliases = NULL;
			continue;
		}
		struct alias **a;
		for (a = &aliases; *a; a = &(*a)->next)
			if (strcmp((*a)->name, argv[i]) == 0)
				break;
		if (*a)
			*a = (*a)->next;
		else {
			sh_error("unalias: %s not found", argv[i]);
			st = 1;
		}
	}
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
