/*
 * osh arithmetic expansion $((...)) (XCU 2.6.4): signed long arithmetic
 * with C precedence for the operators sh requires: unary + - ! ~,
 * * / %, + -, << >>, < <= > >=, == !=, &, ^, |, &&, ||, ?:, and
 * assignment (= += -= *= /= %=) to variables. The expression arrives with
 * parameters already expanded; bare names are read through exp_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

struct ar {
	const struct exp_ops *ops;
	const char *s;
	int err;
	int noeval; /* inside the untaken side of && || ?: */
};

static void ws(struct ar *a)
{
	while (*a->s == ' ' || *a->s == '\t' || *a->s == '\n')
		a->s++;
}

static void fail(struct ar *a, const char *msg)
{
	if (!a->err && a->ops->error)
		a->ops->error(a->ops->ctx, msg);
	a->err = 1;
}

static long ternary(struct ar *a);

static long varval(struct ar *a, const char *name)
{
	const char *v = a->ops->getvar ? a->ops->getvar(a->ops->ctx, name) : NULL;
	return v && *v ? strtol(v, NULL, 0) : 0;
}

static void setnum(struct ar *a, const char *name, long v)
{
	if (a->noeval || !a->ops->setvar)
		return;
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", v);
	a->ops->setvar(a->ops->ctx, name, buf);
}

static long primary(struct ar *a)
{
	ws(a);
	char c = *a->s;
	if (c == '(') {
		a->s++;
		long v = ternary(a);
		ws(a);
		if (*a->s != ')')
			fail(a, "arithmetic syntax error");
		else
			a->s++;
		return v;
	}
	if ((c == '+' || c == '-') && a->s[1] == c) {
		/* ++name / --name */
		a->s += 2;
		ws(a);
		const char *st = a->s;
		while (is_name(st, a->s - st + 1))
			a->s++;
		if (a->s == st) {
			fail(a, "arithmetic syntax error");
			return 0;
		}
		char name[128];
		size_t n = a->s - st < 127 ? (size_t)(a->s - st) : 127;
		memcpy(name, st, n);
		name[n] = 0;
		long v = (long)((unsigned long)varval(a, name) + (c == '+' ? 1UL : -1UL));
		setnum(a, name, v);
		return v;
	}
	if (c == '-' || c == '+' || c == '!' || c == '~') {
		a->s++;
		long v = primary(a);
		return c == '-'	  ? (long)(0UL - (unsigned long)v)
		       : c == '+' ? v
		       : c == '!' ? !v
				  : ~v;
	}
	if (c >= '0' && c <= '9') {
		char *end;
		long v = strtol(a->s, &end, 0);
		a->s = end;
		return v;
	}
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		const char *st = a->s;
		while (is_name(st, a->s - st + 1))
			a->s++;
		char name[128];
		size_t n = a->s - st;
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, st, n);
		name[n] = 0;
		ws(a);
		if ((a->s[0] == '+' || a->s[0] == '-') && a->s[1] == a->s[0]) {
			/* name++ / name-- */
			long old = varval(a, name);
			setnum(a, name, (long)((unsigned long)old + (a->s[0] == '+' ? 1UL : -1UL)));
			a->s += 2;
			return old;
		}
		static const char *const asg[] = {"+=", "-=", "*=", "/=", "%=", "="};
		for (int k = 0; k < 6; k++) {
			size_t l = strlen(asg[k]);
			if (strncmp(a->s, asg[k], l) == 0 && !(l == 1 && a->s[1] == '=')) {
				a->s += l;
				long r = ternary(a), old = varval(a, name);
				switch (asg[k][0]) {
				case '+':
					r = (long)((unsigned long)old + (unsigned long)r);
					break;
				case '-':
					r = (long)((unsigned long)old - (unsigned long)r);
					break;
				case '*':
					r = (long)((unsigned long)old * (unsigned long)r);
					break;
				case '/':
				case '%':
					if (r == 0) {
						fail(a, "division by zero");
						return 0;
					}
					if (r == -1)
						r = asg[k][0] == '/'
							    ? (long)(0UL - (unsigned long)old)
							    : 0;
					else
						r = asg[k][0] == '/' ? old / r : old % r;
					break;
				}
				if (!a->noeval && a->ops->setvar) {
					char buf[32];
					snprintf(buf, sizeof(buf), "%ld", r);
					a->ops->setvar(a->ops->ctx, name, buf);
				}
				return r;
			}
		}
		return varval(a, name);
	}
	fail(a, "arithmetic syntax error");
	return 0;
}

/* Binary operators by precedence level, loosest first. */
static const char *const levels[][6] = {
	{"||"},
	{"&&"},
	{"|"},
	{"^"},
	{"&"},
	{"==", "!="},
	{"<=", ">=", "<", ">"},
	{"<<", ">>"},
	{"+", "-"},
	{"*", "/", "%"},
};
#define NLEVELS 10

static int match_op(struct ar *a, int lvl)
{
	ws(a);
	for (int k = 0; k < 6 && levels[lvl][k]; k++) {
		const char *op = levels[lvl][k];
		size_t l = strlen(op);
		if (strncmp(a->s, op, l) != 0)
			continue;
		/* "|" must not match "||", "&" not "&&", "<" not "<<" or "<=". */
		if (l == 1 && (a->s[1] == op[0] || a->s[1] == '='))
			continue;
		a->s += l;
		return k;
	}
	return -1;
}

static long binary(struct ar *a, int lvl)
{
	if (lvl == NLEVELS)
		return primary(a);
	long v = binary(a, lvl + 1);
	int k;
	while (!a->err && (k = match_op(a, lvl)) >= 0) {
		const char *op = levels[lvl][k];
		int skip =
			(op[0] == '|' && op[1] == '|' && v) || (op[0] == '&' && op[1] == '&' && !v);
		a->noeval += skip;
		long r = binary(a, lvl + 1);
		a->noeval -= skip;
		if (op[1] == 0) {
			switch (op[0]) {
			case '|':
				v |= r;
				break;
			case '^':
				v ^= r;
				break;
			case '&':
				v &= r;
				break;
			case '<':
				v = v < r;
				break;
			case '>':
				v = v > r;
				break;
			case '+':
				v = (long)((unsigned long)v + (unsigned long)r);
				break;
			case '-':
				v = (long)((unsigned long)v - (unsigned long)r);
				break;
			case '*':
				v = (long)((unsigned long)v * (unsigned long)r);
				break;
			case '/':
			case '%':
				if (r == 0) {
					if (!a->noeval)
						fail(a, "division by zero");
					return 0;
				}
				if (r == -1) /* LONG_MIN / -1 traps */
					v = op[0] == '/' ? (long)(0UL - (unsigned long)v) : 0;
				else
					v = op[0] == '/' ? v / r : v % r;
				break;
			}
		} else if (!strcmp(op, "||"))
			v = v || r;
		else if (!strcmp(op, "&&"))
			v = v && r;
		else if (!strcmp(op, "=="))
			v = v == r;
		else if (!strcmp(op, "!="))
			v = v != r;
		else if (!strcmp(op, "<="))
			v = v <= r;
		else if (!strcmp(op, ">="))
			v = v >= r;
		else if (!strcmp(op, "<<"))
			v = (long)((unsigned long)v << (r & 63));
		else if (!strcmp(op, ">>"))
			v = v >> (r & 63);
	}
	return v;
}

static long ternary(struct ar *a)
{
	long c = binary(a, 0);
	ws(a);
	if (*a->s != '?')
		return c;
	a->s++;
	a->noeval += !c;
	long x = ternary(a);
	a->noeval -= !c;
	ws(a);
	if (*a->s != ':') {
		fail(a, "arithmetic syntax error");
		return 0;
	}
	a->s++;
	a->noeval += !!c;
	long y = ternary(a);
	a->noeval -= !!c;
	return c ? x : y;
}

int arith_eval(const struct exp_ops *ops, const char *expr, long *result)
{
	struct ar a = {.ops = ops, .s = expr};
	*result = ternary(&a);
	ws(&a);
	if (!a.err && *a.s)
		fail(&a, "arithmetic syntax error");
	return a.err ? -1 : 0;
}
