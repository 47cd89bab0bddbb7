/*
 * osh builtins that work on variables and parameters: export, readonly,
 * unset, local, set (options and positional parameters), shift, read and
 * getopts (XCU 2.14 and the utilities' pages). Assigning a readonly
 * variable is fatal in a non-interactive shell (var.c); read reports it
 * with status 2 and goes on, as busybox and dash do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

int bi_export(int argc, char **argv)
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

int bi_readonly(int argc, char **argv)
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

int bi_unset(int argc, char **argv)
{
	int i = 1, funcs = 0;
	if (i < argc && (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "-f") == 0))
		funcs = argv[i++][1] == 'f';
	for (; i < argc; i++) {
		if (funcs) {
			func_unset(argv[i]);
		} else {
			var_unset(argv[i]);
		}
	}
	return 0;
}

int bi_local(int argc, char **argv)
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

int bi_set(int argc, char **argv)
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
		/* New positional parameters; the array set by an earlier `set --`
		 * in this scope (function, script or the shell) is freed. */
		char **np = calloc(argc - i + 1, sizeof(char *));
		for (int k = i; k < argc; k++)
			np[k - i] = strdup(argv[k]);
		params_free(sh.params_alloc);
		sh.params_alloc = np;
		sh.params = np;
		sh.nparams = argc - i;
	}
	return 0;
}

int bi_shift(int argc, char **argv)
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

int bi_read(int argc, char **argv)
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
		sh.var_soft++;
		int bad = var_set("REPLY", line, 0) < 0;
		sh.var_soft--;
		free(line);
		return bad ? 2 : got_nl ? 0 : 1;
	}
	int bad = 0;
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
		sh.var_soft++;
		if (var_set(argv[i + v], val, 0) < 0)
			bad = 1;
		sh.var_soft--;
		free(val);
	}
	free(line);
	return bad ? 2 : got_nl ? 0 : 1;
}

/* getopts optstring name [arg...] (XCU getopts): OPTIND is the next
 * argument; the position inside a grouped "-ab" is kept here. */
int bi_getopts(int argc, char **argv)
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
