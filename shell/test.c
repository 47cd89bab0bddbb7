/*
 * osh test / [ builtin (XCU test): unary file and string primaries, binary
 * string and integer comparisons, !, -a, -o and parentheses, evaluated by
 * recursive descent over the arguments.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

struct targs {
	char **v;
	int n, i;
	int err;
};

static int t_or(struct targs *t);

static int is_int(const char *s, long *v)
{
	char *end;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	*v = strtol(s, &end, 10);
	return *end == 0;
}

static int unary(const char *op, const char *a)
{
	struct stat st;
	switch (op[1]) {
	case 'n':
		return a[0] != 0;
	case 'z':
		return a[0] == 0;
	case 'e':
		return stat(a, &st) == 0;
	case 'f':
		return stat(a, &st) == 0 && S_ISREG(st.st_mode);
	case 'd':
		return stat(a, &st) == 0 && S_ISDIR(st.st_mode);
	case 'c':
		return stat(a, &st) == 0 && S_ISCHR(st.st_mode);
	case 'b':
		return stat(a, &st) == 0 && S_ISBLK(st.st_mode);
	case 'p':
		return stat(a, &st) == 0 && S_ISFIFO(st.st_mode);
	case 'S':
		return stat(a, &st) == 0 && S_ISSOCK(st.st_mode);
	case 'h':
	case 'L':
		return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
	case 's':
		return stat(a, &st) == 0 && st.st_size > 0;
	case 'r':
		return access(a, R_OK) == 0;
	case 'w':
		return access(a, W_OK) == 0;
	case 'x':
		return access(a, X_OK) == 0;
	case 't':
		return isatty(atoi(a));
	}
	return 0;
}

static int is_unary(const char *s)
{
	return s[0] == '-' && s[1] && !s[2] && strchr("nzefdcbpSLhsrwxt", s[1]);
}

static const char *const binops[] = {"=",   "!=",  "==",  "-eq", "-ne", "-lt",
				     "-le", "-gt", "-ge", "<",	 ">",	NULL};

static int is_binop(const char *s)
{
	for (int i = 0; binops[i]; i++)
		if (strcmp(s, binops[i]) == 0)
			return 1;
	return 0;
}

static int binary(struct targs *t, const char *a, const char *op, const char *b)
{
	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return strcmp(a, b) == 0;
	if (!strcmp(op, "!="))
		return strcmp(a, b) != 0;
	if (!strcmp(op, "<"))
		return strcmp(a, b) < 0;
	if (!strcmp(op, ">"))
		return strcmp(a, b) > 0;
	long x, y;
	if (!is_int(a, &x) || !is_int(b, &y)) {
		sh_error("test: %s: bad number", is_int(a, &x) ? b : a);
		t->err = 1;
		return 0;
	}
	if (!strcmp(op, "-eq"))
		return x == y;
	if (!strcmp(op, "-ne"))
		return x != y;
	if (!strcmp(op, "-lt"))
		return x < y;
	if (!strcmp(op, "-le"))
		return x <= y;
	if (!strcmp(op, "-gt"))
		return x > y;
	return x >= y;
}

static int primary(struct targs *t)
{
	if (t->i >= t->n) {
		t->err = 1;
		return 0;
	}
	const char *a = t->v[t->i];
	if (!strcmp(a, "!")) {
		t->i++;
		return !primary(t);
	}
	if (!strcmp(a, "(") && t->n - t->i > 2) {
		t->i++;
		int r = t_or(t);
		if (t->i >= t->n || strcmp(t->v[t->i], ")")) {
			t->err = 1;
			return 0;
		}
		t->i++;
		return r;
	}
	if (t->n - t->i >= 3 && is_binop(t->v[t->i + 1])) {
		int r = binary(t, a, t->v[t->i + 1], t->v[t->i + 2]);
		t->i += 3;
		return r;
	}
	if (is_unary(a) && t->n - t->i >= 2) {
		t->i += 2;
		return unary(a, t->v[t->i - 1]);
	}
	t->i++;
	return a[0] != 0;
}

static int t_and(struct targs *t)
{
	int r = primary(t);
	while (t->i < t->n && !strcmp(t->v[t->i], "-a")) {
		t->i++;
		int s = primary(t);
		r = r && s;
	}
	return r;
}

static int t_or(struct targs *t)
{
	int r = t_and(t);
	while (t->i < t->n && !strcmp(t->v[t->i], "-o")) {
		t->i++;
		int s = t_and(t);
		r = r || s;
	}
	return r;
}

int builtin_test(int argc, char **argv)
{
	if (!strcmp(argv[0], "[")) {
		if (strcmp(argv[argc - 1], "]")) {
			sh_error("[: missing ]");
			return 2;
		}
		argc--;
	}
	struct targs t = {.v = argv + 1, .n = argc - 1};
	if (t.n == 0)
		return 1;
	int r;
	/* POSIX's argument-count rules for the common short forms. */
	if (t.n == 1)
		r = t.v[0][0] != 0;
	else if (t.n == 2 && !strcmp(t.v[0], "!"))
		r = t.v[1][0] == 0;
	else if (t.n == 2 && is_unary(t.v[0]))
		r = unary(t.v[0], t.v[1]);
	else if (t.n == 3 && is_binop(t.v[1]))
		r = binary(&t, t.v[0], t.v[1], t.v[2]);
	else {
		r = t_or(&t);
		if (t.i != t.n)
			t.err = 1;
	}
	if (t.err) {
		if (t.i != t.n)
			sh_error("%s: syntax error", argv[0]);
		return 2;
	}
	return !r;
}
