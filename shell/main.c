/*
 * osh entry point: `osh [-ex] [-c cmd [name args...]] | [file [args...]]`,
 * or commands from standard input (interactive with line editing when it
 * is a terminal). Input is fed to the parser a line at a time and each
 * complete command runs as soon as it is parsed, so a later syntax error
 * does not stop earlier commands, and a script may read its own stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

extern char **environ;
void exec_init_ops(void);
int main_run_file(const char *path, int argc, char **argv);

static char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = 0;
	close(fd);
	return buf;
}

int main_run_file(const char *path, int argc, char **argv)
{
	char *src = read_file(path);
	if (!src) {
		sh_error("%s: %s", path, strerror(errno));
		return 127;
	}
	char **oparams = sh.params, **oalloc = sh.params_alloc;
	int onparams = sh.nparams;
	if (argc > 0) {
		sh.params = argv;
		sh.nparams = argc;
		sh.params_alloc = NULL;
	}
	sh.status = 0;
	int st = run_string(src, path, 1);
	if (sh.returning)
		sh.returning = 0;
	if (argc > 0) {
		params_free(sh.params_alloc);
		sh.params_alloc = oalloc;
		sh.params = oparams;
		sh.nparams = onparams;
	}
	free(src); /* functions defined by the file have their own trees */
	return st;
}

/* Reads one line (with its newline) from fd 0, a byte at a time so that
 * what follows stays for the commands. NULL at end of input. */
static char *read_line_raw(void)
{
	size_t cap = 128, n = 0;
	char *line = malloc(cap);
	for (;;) {
		char c;
		ssize_t r = edit_read_input(&c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (n + 2 >= cap)
			line = realloc(line, cap *= 2);
		line[n++] = c;
		if (c == '\n')
			break;
	}
	if (n == 0) {
		free(line);
		return NULL;
	}
	line[n] = 0;
	return line;
}

static void run_input(void)
{
	char *buf = NULL;
	size_t len = 0;
	int line = 1;
	for (;;) {
		char *l;
		if (trap_any)
			trap_run_pending();
		if (sh.interactive) {
			job_notify();
			reap_bg(0, -1, NULL);
			char *ps = prompt_expand(len ? var_get("PS2") : var_get("PS1"));
			l = edit_readline(ps);
			free(ps);
			if (l == EDIT_INTERRUPTED) {
				free(buf);
				buf = NULL;
				len = 0;
				sh.status = 130;
				continue;
			}
			if (l && strchr(l, '!')) {
				char *x = edit_history_expand(l);
				free(l);
				if (!x)
					continue;
				l = x;
			}
		} else {
			l = read_line_raw();
		}
		if (!l) {
			if (len) {
				/* Incomplete at end of input. */
				buf[len] = 0;
				sh.status = 2;
				sh.lineno = line;
				sh_error("syntax error: unexpected end of file");
			}
			break;
		}
		size_t ll = strlen(l);
		buf = realloc(buf, len + ll + 1);
		memcpy(buf + len, l, ll + 1);
		len += ll;
		free(l);
		struct parser p;
		parser_init(&p, buf, len, line);
		p.alias = alias_get;
		struct node *n;
		enum parse_status r = parse_next(&p, &n);
		if (r == P_INCOMPLETE) {
			parser_free(&p);
			continue; /* read the next line */
		}
		if (sh.interactive)
			edit_history_add(buf);
		if (r == P_ERROR) {
			sh.lineno = p.errline;
			sh_error("%s", p.errmsg);
			sh.status = 2;
			parser_free(&p);
			if (!sh.interactive)
				sh_exit(2);
		} else if (r == P_OK) {
			job_set_cmd(buf);
			exec_node(n, 0);
			sh.returning = sh.brk = sh.cont = 0;
			parser_free(&p);
			node_free(n); /* a function keeps a copy of its body */
		} else {
			parser_free(&p);
		}
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\n')
				line++;
		free(buf);
		buf = NULL;
		len = 0;
	}
	free(buf);
}

int main(int argc, char **argv)
{
	sh.rootpid = getpid();
	sh.arg0 = argv[0];
	trap_init();
	var_init(environ);
	exec_init_ops();
	int i = 1;
	const char *cmd = NULL;
	int force_i = 0, read_stdin = 0, login = argv[0][0] == '-';
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		int on = argv[i][0] == '-';
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'c':
				cmd = "";
				break;
			case 'e':
				sh.opt_e = on;
				break;
			case 'x':
				sh.opt_x = on;
				break;
			case 'i':
				force_i = 1;
				break;
			case 's':
				read_stdin = 1;
				break;
			case 'l':
				login = 1;
				break;
			default:
				fprintf(stderr,
					"osh: -%c: invalid option\nusage: osh [-eilx] [-c cmd | "
					"file] [arg...]\n",
					*o);
				return 2;
			}
		}
	}
	if (cmd) {
		if (i >= argc) {
			fprintf(stderr, "osh: -c: option requires an argument\n");
			return 2;
		}
		cmd = argv[i++];
		if (i < argc)
			sh.arg0 = argv[i++];
		sh.params = argv + i;
		sh.nparams = argc - i;
		run_string(cmd, NULL, 1);
		sh_exit(sh.status);
	}
	if (i < argc && !read_stdin) {
		sh.arg0 = argv[i];
		sh.params = argv + i + 1;
		sh.nparams = argc - i - 1;
		char *src = read_file(argv[i]);
		if (!src) {
			fprintf(stderr, "osh: can't open %s: %s\n", argv[i], strerror(errno));
			return 127;
		}
		run_string(src, argv[i], 1);
		sh_exit(sh.status);
	}
	sh.params = argv + i;
	sh.nparams = argc - i;
	sh.interactive = force_i || (isatty(0) && isatty(2));
	if (login) {
		/* A login shell reads /etc/profile, then ~/.profile. */
		if (access("/etc/profile", R_OK) == 0)
			main_run_file("/etc/profile", 0, NULL);
		const char *home = var_get("HOME");
		if (home) {
			char prof[4096];
			snprintf(prof, sizeof(prof), "%s/.profile", home);
			if (access(prof, R_OK) == 0)
				main_run_file(prof, 0, NULL);
		}
	}
	if (sh.interactive) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTSTP, SIG_IGN);
		signal(SIGTTOU, SIG_IGN);
		edit_init();
		job_init();
	}
	run_input();
	sh_exit(sh.status); /* saves the history */
}
