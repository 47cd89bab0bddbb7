/*
 * osh variables and special parameters: a flat table of NAME=value with
 * an export flag, the positional parameters, and the save list that makes
 * `local` work (restored when the function returns).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

static struct var *find(const char *name)
{
	for (int i = 0; i < sh.nvars; i++)
		if (strcmp(sh.vars[i].name, name) == 0)
			return &sh.vars[i];
	return NULL;
}

void var_init(char **envp)
{
	for (char **e = envp; e && *e; e++) {
		char *eq = strchr(*e, '=');
		if (!eq || !is_name(*e, eq - *e))
			continue;
		char *name = strndup(*e, eq - *e);
		var_set(name, eq + 1, 1);
		free(name);
	}
	char cwd[4096];
	const char *pwd = var_get("PWD");
	struct stat a, b;
	/* PWD names the working directory (XCU 2.5.3): keep an inherited one
	 * only if it is right. */
	if (getcwd(cwd, sizeof(cwd)) &&
	    (!pwd || pwd[0] != '/' || stat(pwd, &a) < 0 || stat(cwd, &b) < 0 ||
	     a.st_dev != b.st_dev || a.st_ino != b.st_ino))
		var_set("PWD", cwd, 1);
	char ppid[24];
	snprintf(ppid, sizeof(ppid), "%d", (int)getppid());
	var_set("PPID", ppid, 0);
	if (!var_get("IFS"))
		var_set("IFS", " \t\n", 0);
	if (!var_get("PS1"))
		var_set("PS1", "\\w \\$ ", 0);
	if (!var_get("PS2"))
		var_set("PS2", "> ", 0);
	if (!var_get("PATH"))
		var_set("PATH", "/bin:/usr/bin:/sbin:/usr/sbin", 0);
}

/* Assigning or unsetting a readonly variable: an error that ends a
 * non-interactive shell or a subshell with status 2 (XCU 2.8.1, as busybox
 * and dash), unless the caller handles it (read: sh.var_soft). */
static int readonly_error(const char *name)
{
	sh_error("%s: is read only", name);
	if (!sh.var_soft && (!sh.interactive || sh.in_child))
		sh_exit(2);
	return -1;
}

void params_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

const char *var_get(const char *name)
{
	static char buf[64];
	if (name[1] == 0 || (name[0] >= '0' && name[0] <= '9')) {
		switch (name[0]) {
		case '?':
			snprintf(buf, sizeof(buf), "%d", sh.status);
			return buf;
		case '$':
			snprintf(buf, sizeof(buf), "%d", (int)sh.rootpid);
			return buf;
		case '!':
			if (!sh.last_bg)
				return "";
			snprintf(buf, sizeof(buf), "%d", (int)sh.last_bg);
			return buf;
		case '#':
			snprintf(buf, sizeof(buf), "%d", sh.nparams);
			return buf;
		case '-':
			snprintf(buf, sizeof(buf), "%s%s%s", sh.opt_e ? "e" : "",
				 sh.opt_x ? "x" : "", sh.interactive ? "i" : "");
			return buf;
		}
		if (name[0] >= '0' && name[0] <= '9') {
			int i = atoi(name);
			if (i == 0)
				return sh.arg0;
			return i <= sh.nparams ? sh.params[i - 1] : NULL;
		}
	}
	if (strcmp(name, "LINENO") == 0) {
		snprintf(buf, sizeof(buf), "%d", sh.lineno);
		return buf;
	}
	struct var *v = find(name);
	return v ? v->val : NULL;
}

int var_set(const char *name, const char *val, int export)
{
	struct var *v = find(name);
	if (v && v->readonly)
		return readonly_error(name);
	if (!v) {
		if (sh.nvars == sh.capvars) {
			sh.capvars = sh.capvars ? sh.capvars * 2 : 64;
			sh.vars = realloc(sh.vars, sh.capvars * sizeof(*v));
		}
		v = &sh.vars[sh.nvars++];
		v->name = strdup(name);
		v->val = NULL;
		v->exported = 0;
		v->readonly = 0;
	}
	if (strcmp(name, "PATH") == 0)
		hash_clear(); /* remembered locations are for the old PATH */
	char *nv = strdup(val);
	free(v->val);
	v->val = nv;
	if (export)
		v->exported = 1;
	return 0;
}

int var_unset(const char *name)
{
	struct var *v = find(name);
	if (!v)
		return 0;
	if (v->readonly)
		return readonly_error(name);
	free(v->name);
	free(v->val);
	*v = sh.vars[--sh.nvars];
	return 0;
}

void var_readonly(const char *name)
{
	struct var *v = find(name);
	if (!v) {
		var_set(name, "", 0);
		v = find(name);
	}
	v->readonly = 1;
}

void var_export(const char *name)
{
	struct var *v = find(name);
	if (v)
		v->exported = 1;
	else {
		var_set(name, "", 1);
		/* exported but unset: POSIX keeps it unset; close enough for now */
	}
}

char **var_environ(void)
{
	char **env = calloc(sh.nvars + 1, sizeof(char *));
	int n = 0;
	for (int i = 0; i < sh.nvars; i++) {
		if (!sh.vars[i].exported)
			continue;
		size_t l = strlen(sh.vars[i].name) + strlen(sh.vars[i].val) + 2;
		env[n] = malloc(l);
		snprintf(env[n++], l, "%s=%s", sh.vars[i].name, sh.vars[i].val);
	}
	return env;
}

void var_local(const char *name)
{
	for (struct local_save *s = sh.locals; s; s = s->next)
		if (s->name && strcmp(s->name, name) == 0)
			return; /* already local in this function */
	struct local_save *s = calloc(1, sizeof(*s));
	struct var *v = find(name);
	s->name = strdup(name);
	s->val = v ? strdup(v->val) : NULL;
	s->exported = v ? v->exported : 0;
	s->next = sh.locals;
	sh.locals = s;
}

void var_pop_locals(struct local_save *upto)
{
	while (sh.locals && sh.locals != upto) {
		struct local_save *s = sh.locals;
		sh.locals = s->next;
		if (s->val) {
			var_set(s->name, s->val, 0);
			find(s->name)->exported = s->exported;
		} else {
			var_unset(s->name);
		}
		free(s->name);
		free(s->val);
		free(s);
	}
}
