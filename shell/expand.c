/*
 * osh word expansion (XCU 2.6): tilde, parameters (${x:-w} family, ${#x},
 * ${x%p} family), command substitution, arithmetic, field splitting on IFS,
 * pathname expansion (glob(3)) and quote removal.
 *
 * The expander builds a string of (char, flags) cells: a cell knows whether
 * it was quoted (never split or globbed) and whether it came from an
 * unquoted expansion (split on IFS). Field breaks ("$@") and "a quote was
 * here" markers (so "" yields an empty field) are flag-only cells. Pure
 * apart from glob(3) and getpwnam(3); the shell's state is reached only
 * through struct exp_ops.
 */
#include <fnmatch.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

#define F_Q    1  /* quoted */
#define F_X    2  /* result of an unquoted expansion: subject to splitting */
#define F_BRK  4  /* field break ("$@") */
#define F_MARK 8  /* a quote was here: the field exists even if empty */
#define F_NONE 16 /* deleted marker */

struct cell {
	char c;
	unsigned char f;
};

struct cbuf {
	struct cell *v;
	size_t n, cap;
};

void strv_push(struct strv *s, char *str)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = realloc(s->v, s->cap * sizeof(char *));
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static void cpush(struct cbuf *b, char c, unsigned f)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = realloc(b->v, b->cap * sizeof(struct cell));
	}
	b->v[b->n].c = c;
	b->v[b->n].f = f;
	b->n++;
}

static void cpush_str(struct cbuf *b, const char *s, unsigned f)
{
	while (*s)
		cpush(b, *s++, f);
}

struct exp {
	const struct exp_ops *ops;
	int flags;
	int err;
};

static void exp_error(struct exp *e, const char *msg)
{
	if (e->ops->error)
		e->ops->error(e->ops->ctx, msg);
	e->err = 1;
}

static const char *getvar(struct exp *e, const char *name)
{
	return e->ops->getvar ? e->ops->getvar(e->ops->ctx, name) : NULL;
}

static void expand_into(struct exp *e, const char *w, size_t len, int in_dq, struct cbuf *b);

/* Expands a sub-word (the w of ${x:-w}, an arithmetic expression) to a
 * plain string, as inside double quotes when in_dq. */
static char *expand_sub(struct exp *e, const char *w, size_t len, int mode)
{
	struct cbuf b = {0};
	int saved = e->flags;
	e->flags = mode & ~EXP_DQWORD;
	/* The word of "${x:-word}" is expanded as inside double quotes, where
	 * a nested "..." only groups. */
	expand_into(e, w, len, (mode & EXP_DQWORD) != 0, &b);
	e->flags = saved;
	char *r = malloc(2 * b.n + 1), *o = r;
	for (size_t i = 0; i < b.n; i++) {
		if (b.v[i].f & (F_MARK | F_NONE))
			continue;
		if ((mode & EXP_PATTERN) && (b.v[i].f & F_Q) && strchr("*?[]\\", b.v[i].c))
			*o++ = '\\';
		*o++ = b.v[i].c;
	}
	*o = 0;
	free(b.v);
	return r;
}

static void push_value(struct cbuf *b, const char *v, int in_dq)
{
	cpush_str(b, v, in_dq ? F_Q : F_X);
}

static char *do_cmdsubst(struct exp *e, const char *cmd)
{
	char *out = e->ops->cmdsubst ? e->ops->cmdsubst(e->ops->ctx, cmd) : NULL;
	if (!out)
		return strdup("");
	size_t n = strlen(out);
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = 0;
	return out;
}

/* Removes the shortest/longest prefix/suffix matching pat. */
static char *trim(const char *val, const char *pat, int suffix, int longest)
{
	size_t n = strlen(val);
	char *tmp = malloc(n + 1);
	if (!suffix) {
		for (size_t k = 0; k <= n; k++) {
			size_t i = longest ? n - k : k;
			memcpy(tmp, val, i);
			tmp[i] = 0;
			if (fnmatch(pat, tmp, 0) == 0) {
				free(tmp);
				return strdup(val + i);
			}
		}
	} else {
		for (size_t k = 0; k <= n; k++) {
			size_t i = longest ? k : n - k;
			if (fnmatch(pat, val + i, 0) == 0) {
				memcpy(tmp, val, i);
				tmp[i] = 0;
				return tmp;
			}
		}
	}
	free(tmp);
	return strdup(val);
}

static void expand_params_at(struct exp *e, struct cbuf *b, int in_dq, int star, size_t dq_mark)
{
	int np = e->ops->nparams ? e->ops->nparams(e->ops->ctx) : 0;
	if (np == 0 && in_dq && !star && dq_mark != (size_t)-1)
		b->v[dq_mark].f = F_NONE; /* "$@" with no parameters: no field */
	const char *ifs = getvar(e, "IFS");
	char sep = ifs ? ifs[0] : ' ';
	for (int i = 1; i <= np; i++) {
		if (i > 1) {
			if (star && in_dq) {
				if (sep)
					cpush(b, sep, F_Q);
			} else {
				cpush(b, 0, F_BRK);
				if (in_dq)
					cpush(b, 0, F_MARK); /* "$@" keeps empty parameters */
			}
		}
		push_value(b, e->ops->param(e->ops->ctx, i), in_dq);
	}
}

static void expand_brace(struct exp *e, const char *s, size_t len, int in_dq, struct cbuf *b,
			 size_t dq_mark)
{
	/* s/len: the text between { and } */
	char name[256];
	size_t i = 0;
	int length = 0;
	if (len > 1 && s[0] == '#') {
		length = 1;
		i = 1;
	}
	size_t ns = i;
	if (i < len &&
	    (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
		while (i < len && is_name(s + ns, i - ns + 1))
			i++;
	} else if (i < len && s[i] >= '0' && s[i] <= '9') {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else if (i < len && strchr("@*#?$!-", s[i])) {
		i++;
	}
	if (i == ns || i - ns >= sizeof(name)) {
		exp_error(e, "bad substitution");
		return;
	}
	memcpy(name, s + ns, i - ns);
	name[i - ns] = 0;
	if (length && i != len) {
		exp_error(e, "bad substitution");
		return;
	}
	if ((name[0] == '@' || name[0] == '*') && i == len && !length) {
		expand_params_at(e, b, in_dq, name[0] == '*', dq_mark);
		return;
	}
	const char *val = getvar(e, name);
	if (!val && e->ops->nounset && i == len && !length && strcmp(name, "!")) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s: parameter not set", name);
		exp_error(e, msg);
		return;
	}
	if (length) {
		char num[32];
		snprintf(num, sizeof(num), "%zu", val ? strlen(val) : (size_t)0);
		push_value(b, num, in_dq);
		return;
	}
	if (i == len) {
		if (val)
			push_value(b, val, in_dq);
		return;
	}
	int colon = 0;
	if (s[i] == ':') {
		colon = 1;
		i++;
	}
	if (i >= len) {
		exp_error(e, "bad substitution");
		return;
	}
	char op = s[i++];
	int dbl = 0;
	if ((op == '%' || op == '#') && i < len && s[i] == op && !colon) {
		dbl = 1;
		i++;
	}
	const char *w = s + i;
	size_t wl = len - i;
	int set = val && (!colon || val[0]);
	switch (op) {
	case '-':
	case '=':
	case '?':
	case '+': {
		if (op == '+') {
			if (set) {
				char *x = expand_sub(e, w, wl, in_dq ? EXP_DQWORD : 0);
				push_value(b, x, in_dq);
				free(x);
			}
			return;
		}
		if (set) {
			push_value(b, val, in_dq);
			return;
		}
		char *x = expand_sub(e, w, wl, in_dq ? EXP_DQWORD : 0);
		if (op == '=') {
			if (e->ops->setvar)
				e->ops->setvar(e->ops->ctx, name, x);
		} else if (op == '?') {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s: %s", name, x[0] ? x : "parameter not set");
			exp_error(e, msg);
			free(x);
			return;
		}
		push_value(b, x, in_dq);
		free(x);
		return;
	}
	case '%':
	case '#': {
		if (colon) {
			exp_error(e, "bad substitution");
			return;
		}
		char *pat = expand_sub(e, w, wl, EXP_PATTERN);
		char *r = trim(val ? val : "", pat, op == '%', dbl);
		push_value(b, r, in_dq);
		free(r);
		free(pat);
		return;
	}
	default:
		exp_error(e, "bad substitution");
	}
}

/* Handles the $ at w[*ip]; advances *ip past the construct. */
static void expand_dollar(struct exp *e, const char *w, size_t len, size_t *ip, int in_dq,
			  struct cbuf *b, size_t dq_mark)
{
	size_t i = *ip;
	if (i + 1 >= len) {
		cpush(b, '$', in_dq ? F_Q : 0);
		*ip = i + 1;
		return;
	}
	char c = w[i + 1];
	if (c == '(' || c == '{') {
		size_t n = lex_subst_len(w + i, len - i);
		if (n == 0) {
			exp_error(e, "unterminated substitution");
			*ip = len;
			return;
		}
		*ip = i + n;
		if (c == '{') {
			expand_brace(e, w + i + 2, n - 3, in_dq, b, dq_mark);
		} else if (w[i + 2] == '(') {
			char *expr = expand_sub(e, w + i + 3, n - 5, EXP_HEREDOC);
			long v = 0;
			if (arith_eval(e->ops, expr, &v) < 0)
				e->err = 1;
			free(expr);
			char num[32];
			snprintf(num, sizeof(num), "%ld", v);
			push_value(b, num, in_dq);
		} else {
			char *cmd = strndup(w + i + 2, n - 3);
			char *out = do_cmdsubst(e, cmd);
			free(cmd);
			push_value(b, out, in_dq);
			free(out);
		}
		return;
	}
	char name[256];
	size_t j = i + 1;
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		while (j < len && j - i - 1 < sizeof(name) - 1 && is_name(w + i + 1, j - i))
			j++;
	} else if ((c >= '0' && c <= '9') || strchr("@*#?$!-", c)) {
		j++;
	} else {
		cpush(b, '$', in_dq ? F_Q : 0);
		*ip = i + 1;
		return;
	}
	memcpy(name, w + i + 1, j - i - 1);
	name[j - i - 1] = 0;
	*ip = j;
	if (name[0] == '@' || name[0] == '*') {
		expand_params_at(e, b, in_dq, name[0] == '*', dq_mark);
		return;
	}
	const char *val = getvar(e, name);
	if (!val && e->ops->nounset && strcmp(name, "!")) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s: parameter not set", name);
		exp_error(e, msg);
		return;
	}
	if (val)
		push_value(b, val, in_dq);
}

static void expand_bquote(struct exp *e, const char *w, size_t len, size_t *ip, int in_dq,
			  struct cbuf *b)
{
	size_t n = lex_subst_len(w + *ip, len - *ip);
	if (n == 0) {
		exp_error(e, "unterminated `");
		*ip = len;
		return;
	}
	/* Inside backquotes, \ quotes only $ ` \ (and " within double quotes). */
	char *cmd = malloc(n), *o = cmd;
	for (size_t k = *ip + 1; k < *ip + n - 1; k++) {
		if (w[k] == '\\' && k + 1 < *ip + n - 1 &&
		    (w[k + 1] == '$' || w[k + 1] == '`' || w[k + 1] == '\\' ||
		     (in_dq && w[k + 1] == '"')))
			k++;
		*o++ = w[k];
	}
	*o = 0;
	*ip += n;
	char *out = do_cmdsubst(e, cmd);
	free(cmd);
	push_value(b, out, in_dq);
	free(out);
}

static void expand_into(struct exp *e, const char *w, size_t len, int in_dq, struct cbuf *b)
{
	int heredoc = e->flags & EXP_HEREDOC;
	size_t dq_mark = (size_t)-1;
	size_t i = 0;
	if (!heredoc && !(e->flags & EXP_NOTILDE) && len > 0 && w[0] == '~') {
		size_t j = 1;
		while (j < len && w[j] != '/' && (is_name(w + 1, j) || w[j] == '-' || w[j] == '.'))
			j++;
		if (j == len || w[j] == '/') {
			const char *home = NULL;
			if (j == 1) {
				home = getvar(e, "HOME");
			} else {
				char user[256];
				if (j - 1 < sizeof(user)) {
					memcpy(user, w + 1, j - 1);
					user[j - 1] = 0;
					struct passwd *pw = getpwnam(user);
					if (pw)
						home = pw->pw_dir;
				}
			}
			if (home) {
				cpush_str(b, home, F_Q);
				cpush(b, 0, F_MARK);
				i = j;
			}
		}
	}
	for (; i < len; i++) {
		char c = w[i];
		if (c == '\'' && !in_dq && !heredoc) {
			cpush(b, 0, F_MARK);
			for (i++; i < len && w[i] != '\''; i++)
				cpush(b, w[i], F_Q);
		} else if (c == '"' && !heredoc) {
			in_dq = !in_dq;
			if (in_dq) {
				dq_mark = b->n;
				cpush(b, 0, F_MARK);
			}
		} else if (c == '\\') {
			if (i + 1 >= len) {
				cpush(b, '\\', F_Q);
			} else if (w[i + 1] == '\n') {
				i++;
			} else if (in_dq || heredoc) {
				char d = w[i + 1];
				if (d == '$' || d == '`' || d == '\\' || (d == '"' && !heredoc)) {
					cpush(b, d, F_Q);
					i++;
				} else {
					cpush(b, '\\', F_Q);
				}
			} else {
				cpush(b, w[++i], F_Q);
			}
		} else if (c == '$') {
			size_t j = i;
			expand_dollar(e, w, len, &j, in_dq || heredoc, b,
				      in_dq ? dq_mark : (size_t)-1);
			i = j - 1;
		} else if (c == '`') {
			size_t j = i;
			expand_bquote(e, w, len, &j, in_dq || heredoc, b);
			i = j - 1;
		} else {
			cpush(b, c, (in_dq || heredoc) ? F_Q : 0);
		}
		if (e->err)
			return;
	}
}

static int has_glob(const struct cell *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(v[i].f & (F_Q | F_MARK | F_NONE | F_BRK)) &&
		    (v[i].c == '*' || v[i].c == '?' || v[i].c == '['))
			return 1;
	return 0;
}

static void emit_field(const struct cell *v, size_t n, int do_glob, struct strv *out)
{
	char *lit = malloc(n + 1), *o = lit;
	for (size_t i = 0; i < n; i++)
		if (!(v[i].f & (F_MARK | F_NONE | F_BRK)))
			*o++ = v[i].c;
	*o = 0;
	if (do_glob && has_glob(v, n)) {
		char *pat = malloc(2 * n + 1);
		o = pat;
		for (size_t i = 0; i < n; i++) {
			if (v[i].f & (F_MARK | F_NONE | F_BRK))
				continue;
			if ((v[i].f & F_Q) && strchr("*?[]\\", v[i].c))
				*o++ = '\\';
			*o++ = v[i].c;
		}
		*o = 0;
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++)
				strv_push(out, strdup(g.gl_pathv[k]));
			globfree(&g);
			free(pat);
			free(lit);
			return;
		}
		free(pat);
	}
	strv_push(out, lit);
}

int expand_word(const struct exp_ops *ops, const char *w, int flags, struct strv *out)
{
	struct exp e = {.ops = ops, .flags = flags};
	struct cbuf b = {0};
	expand_into(&e, w, strlen(w), 0, &b);
	if (e.err) {
		free(b.v);
		return -1;
	}
	if (!(flags & EXP_SPLIT)) {
		char *r = malloc(2 * b.n + 1), *o = r;
		for (size_t i = 0; i < b.n; i++) {
			if (b.v[i].f & (F_MARK | F_NONE))
				continue;
			if (b.v[i].f & F_BRK) {
				*o++ = ' ';
				continue;
			}
			if ((flags & EXP_PATTERN) && (b.v[i].f & F_Q) && strchr("*?[]\\", b.v[i].c))
				*o++ = '\\';
			*o++ = b.v[i].c;
		}
		*o = 0;
		strv_push(out, r);
		free(b.v);
		return 0;
	}
	const char *ifs = getvar(&e, "IFS");
	if (!ifs)
		ifs = " \t\n";
	size_t start = 0;
	int has = 0, after_ws = 0;
	for (size_t i = 0; i < b.n; i++) {
		struct cell *c = &b.v[i];
		if (c->f & F_BRK) {
			if (has)
				emit_field(b.v + start, i - start, !(flags & EXP_NOGLOB), out);
			start = i + 1;
			has = 0;
			after_ws = 0;
			continue;
		}
		if ((c->f & F_X) && !(c->f & F_Q) && c->c && strchr(ifs, c->c)) {
			int ws = c->c == ' ' || c->c == '\t' || c->c == '\n';
			if (ws) {
				if (has) {
					emit_field(b.v + start, i - start, !(flags & EXP_NOGLOB),
						   out);
					after_ws = 1;
				}
			} else {
				if (has || !after_ws)
					emit_field(b.v + start, i - start, !(flags & EXP_NOGLOB),
						   out);
				after_ws = 0;
			}
			start = i + 1;
			has = 0;
			continue;
		}
		if (c->f & F_NONE)
			continue;
		has = 1;
		after_ws = 0;
	}
	if (has)
		emit_field(b.v + start, b.n - start, !(flags & EXP_NOGLOB), out);
	free(b.v);
	return 0;
}

char *expand_one(const struct exp_ops *ops, const char *w, int flags)
{
	struct strv v = {0};
	if (expand_word(ops, w, flags & ~EXP_SPLIT, &v) < 0)
		return NULL;
	char *r = v.v[0];
	free(v.v);
	return r;
}

int glob_match(const char *pat, const char *s)
{
	return fnmatch(pat, s, 0) == 0;
}
