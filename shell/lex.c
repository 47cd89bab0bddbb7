/*
 * osh lexer: POSIX.1-2017 XCU 2.3 token recognition.
 *
 * A word keeps its raw text (quotes, backslashes, $(...), `...`) for the
 * expander; the lexer only finds where it ends, which needs a small
 * recursive scan of nested quotes and substitutions. Operators are the
 * longest match. A here-document body is read right after the newline that
 * ends the line holding its `<<` (2.7.4); the parser registers the pending
 * here-documents in lx->pending. Pure: no I/O, only malloc.
 */
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "shell_internal.h"

void lex_init(struct lexer *lx, const char *src, size_t len, int line)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->line = line;
}

static int peekc(struct lexer *lx, size_t off)
{
	return lx->pos + off < lx->len ? (unsigned char)lx->src[lx->pos + off] : -1;
}

static int is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
	       c == '>' || c == '(' || c == ')';
}

static void advance(struct lexer *lx)
{
	if (lx->pos < lx->len && lx->src[lx->pos] == '\n')
		lx->line++;
	lx->pos++;
}

static int scan_until(struct lexer *lx, int close);

/* Skips a single-quoted string; pos is after the opening quote. */
static int scan_squote(struct lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);
		if (c < 0)
			return -1;
		advance(lx);
		if (c == '\'')
			return 0;
	}
}

/* Skips $..., pos at '$'. */
static int scan_dollar(struct lexer *lx)
{
	advance(lx);
	int c = peekc(lx, 0);
	if (c == '(') {
		advance(lx);
		if (peekc(lx, 0) == '(') {
			advance(lx);
			/* $(( ... )) */
			if (scan_until(lx, ')') < 0)
				return -1;
			if (peekc(lx, 0) != ')')
				return -1;
			advance(lx);
			return 0;
		}
		return scan_until(lx, ')');
	}
	if (c == '{') {
		advance(lx);
		return scan_until(lx, '}');
	}
	return 0;
}

static int scan_bquote(struct lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);
		if (c < 0)
			return -1;
		advance(lx);
		if (c == '\\') {
			if (peekc(lx, 0) < 0)
				return -1;
			advance(lx);
		} else if (c == '`') {
			return 0;
		}
	}
}

static int scan_dquote(struct lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);
		if (c < 0)
			return -1;
		if (c == '"') {
			advance(lx);
			return 0;
		}
		if (c == '\\') {
			advance(lx);
			if (peekc(lx, 0) < 0)
				return -1;
			advance(lx);
		} else if (c == '$') {
			if (scan_dollar(lx) < 0)
				return -1;
		} else if (c == '`') {
			advance(lx);
			if (scan_bquote(lx) < 0)
				return -1;
		} else {
			advance(lx);
		}
	}
}

/* Scans to the matching close char (')' or '}'), skipping nested quotes,
 * substitutions and parentheses; pos ends after the close char. Inside
 * $( ), a case pattern's ')' is counted as closing a '(' too; scripts that
 * use unbalanced case patterns inside $( ) should write "(pat)". */
static int scan_until(struct lexer *lx, int close)
{
	int depth = 0;
	for (;;) {
		int c = peekc(lx, 0);
		if (c < 0)
			return -1;
		if (c == '\\') {
			advance(lx);
			if (peekc(lx, 0) < 0)
				return -1;
			advance(lx);
			continue;
		}
		if (c == '\'') {
			advance(lx);
			if (scan_squote(lx) < 0)
				return -1;
			continue;
		}
		if (c == '"') {
			advance(lx);
			if (scan_dquote(lx) < 0)
				return -1;
			continue;
		}
		if (c == '`') {
			advance(lx);
			if (scan_bquote(lx) < 0)
				return -1;
			continue;
		}
		if (c == '$') {
			if (scan_dollar(lx) < 0)
				return -1;
			continue;
		}
		if (c == '#' && close == ')' && (lx->pos == 0 || is_meta(lx->src[lx->pos - 1]))) {
			while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
				advance(lx);
			continue;
		}
		advance(lx);
		if (close == ')' && c == '(')
			depth++;
		else if (c == close) {
			if (depth == 0)
				return 0;
			depth--;
		}
	}
}

static char *substr(const char *s, size_t n)
{
	char *r = malloc(n + 1);
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

/* Reads the bodies of pending here-documents (after a newline). */
static int read_heredocs(struct lexer *lx)
{
	struct heredoc *h;
	while ((h = lx->pending) != NULL) {
		struct redir *r = h->redir;
		size_t cap = 64, n = 0;
		char *body = malloc(cap);
		int done = 0;
		while (lx->pos < lx->len) {
			size_t start = lx->pos, end = start;
			while (end < lx->len && lx->src[end] != '\n')
				end++;
			const char *line = lx->src + start;
			size_t ll = end - start;
			if (r->strip_tabs)
				while (ll > 0 && *line == '\t')
					line++, ll--;
			int has_nl = end < lx->len;
			lx->pos = has_nl ? end + 1 : end;
			if (has_nl)
				lx->line++;
			if (ll == strlen(h->delim) && memcmp(line, h->delim, ll) == 0) {
				done = 1;
				break;
			}
			if (!has_nl)
				break; /* last line without newline: incomplete */
			while (n + ll + 2 > cap)
				body = realloc(body, cap *= 2);
			memcpy(body + n, line, ll);
			n += ll;
			body[n++] = '\n';
		}
		body[n] = 0;
		r->body = body;
		arena_track(lx->arena, body);
		lx->pending = h->next;
		free(h->delim);
		free(h);
		if (!done) {
			lx->incomplete = 1;
			return -1;
		}
	}
	return 0;
}

enum tok_type lex_next(struct lexer *lx)
{
	free(lx->text);
	lx->text = NULL;
	for (;;) {
		int c = peekc(lx, 0);
		if (c == ' ' || c == '\t') {
			advance(lx);
		} else if (c == '\\' && peekc(lx, 1) == '\n') {
			advance(lx);
			advance(lx);
		} else if (c == '#') {
			while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
				advance(lx);
		} else {
			break;
		}
	}
	lx->tok_line = lx->line;
	lx->tok_start = lx->pos;
	int c = peekc(lx, 0), c1 = peekc(lx, 1), c2 = peekc(lx, 2);
	if (c < 0) {
		if (lx->pending) {
			lx->incomplete = 1;
			lx->err = "here-document";
			return lx->tok = T_ERROR;
		}
		return lx->tok = T_EOF;
	}
#define OP(n, t)                               \
	do {                                   \
		for (int i_ = 0; i_ < n; i_++) \
			advance(lx);           \
		return lx->tok = t;            \
	} while (0)
	switch (c) {
	case '\n':
		advance(lx);
		if (lx->pending && read_heredocs(lx) < 0) {
			lx->err = "here-document";
			return lx->tok = T_ERROR;
		}
		return lx->tok = T_NEWLINE;
	case ';':
		if (c1 == ';')
			OP(2, T_DSEMI);
		OP(1, T_SEMI);
	case '&':
		if (c1 == '&')
			OP(2, T_AND);
		if (c1 == '>')
			OP(2, T_ANDGREAT);
		OP(1, T_AMP);
	case '|':
		if (c1 == '|')
			OP(2, T_OR);
		OP(1, T_PIPE);
	case '(':
		OP(1, T_LPAREN);
	case ')':
		OP(1, T_RPAREN);
	case '<':
		if (c1 == '<' && c2 == '-')
			OP(3, T_DLESSDASH);
		if (c1 == '<')
			OP(2, T_DLESS);
		if (c1 == '&')
			OP(2, T_LESSAND);
		if (c1 == '>')
			OP(2, T_LESSGREAT);
		OP(1, T_LESS);
	case '>':
		if (c1 == '>')
			OP(2, T_DGREAT);
		if (c1 == '&')
			OP(2, T_GREATAND);
		if (c1 == '|')
			OP(2, T_CLOBBER);
		OP(1, T_GREAT);
	}
#undef OP
	/* A word. */
	size_t start = lx->pos;
	int all_digits = 1;
	for (;;) {
		c = peekc(lx, 0);
		if (c < 0 || is_meta(c))
			break;
		if (c < '0' || c > '9')
			all_digits = 0;
		int r = 0;
		if (c == '\\') {
			advance(lx);
			if (peekc(lx, 0) < 0)
				break;
			advance(lx);
		} else if (c == '\'') {
			advance(lx);
			r = scan_squote(lx);
		} else if (c == '"') {
			advance(lx);
			r = scan_dquote(lx);
		} else if (c == '`') {
			advance(lx);
			r = scan_bquote(lx);
		} else if (c == '$') {
			r = scan_dollar(lx);
		} else {
			advance(lx);
		}
		if (r < 0) {
			lx->incomplete = 1;
			lx->err = "unterminated quote or substitution";
			return lx->tok = T_ERROR;
		}
	}
	lx->text = substr(lx->src + start, lx->pos - start);
	c = peekc(lx, 0);
	if (all_digits && lx->pos - start < 4 && (c == '<' || c == '>'))
		return lx->tok = T_IONUMBER;
	return lx->tok = T_WORD;
}

void lex_splice(struct lexer *lx, size_t from, size_t to, const char *text)
{
	size_t tl = strlen(text), nlen = lx->len - (to - from) + tl;
	char *n = malloc(nlen + 1);
	memcpy(n, lx->src, from);
	memcpy(n + from, text, tl);
	memcpy(n + from + tl, lx->src + to, lx->len - to);
	n[nlen] = 0;
	free(lx->owned);
	lx->owned = n;
	lx->src = n;
	lx->len = nlen;
	lx->pos = from;
	lx->line = lx->tok_line;
}

const char *tok_name(enum tok_type t, const char *text)
{
	static const char *names[] = {
		[T_EOF] = "end of file", [T_NEWLINE] = "newline", [T_SEMI] = ";",
		[T_DSEMI] = ";;",	 [T_AMP] = "&",		  [T_AND] = "&&",
		[T_PIPE] = "|",		 [T_OR] = "||",		  [T_LPAREN] = "(",
		[T_RPAREN] = ")",	 [T_LESS] = "<",	  [T_GREAT] = ">",
		[T_DGREAT] = ">>",	 [T_LESSAND] = "<&",	  [T_GREATAND] = ">&",
		[T_DLESS] = "<<",	 [T_DLESSDASH] = "<<-",	  [T_LESSGREAT] = "<>",
		[T_CLOBBER] = ">|",	 [T_ANDGREAT] = "&>",	  [T_ERROR] = "error",
	};
	if ((t == T_WORD || t == T_IONUMBER) && text)
		return text;
	return names[t] ? names[t] : "?";
}

/* Length of the substitution starting at s ($..., `...`), for the
 * expander; 0 if unterminated. */
size_t lex_subst_len(const char *s, size_t len)
{
	struct lexer lx;
	lex_init(&lx, s, len, 1);
	int r;
	if (s[0] == '`') {
		advance(&lx);
		r = scan_bquote(&lx);
	} else {
		r = scan_dollar(&lx);
	}
	return r < 0 ? 0 : lx.pos;
}
