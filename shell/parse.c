/*
 * osh parser: recursive descent over the POSIX shell grammar (XCU 2.10.2)
 * into the AST of shell.h. One call of parse_next yields one complete
 * command (a list ended by a newline at the top level). Every allocation of
 * that command's tree is tracked in its root node, so node_free(root) frees
 * it all and a syntax error (a longjmp out of the descent) leaks nothing.
 *
 * Node children: N_PIPE/N_AND/N_OR/N_SEQ a,b; N_NOT/N_BG/N_SUBSHELL/N_GROUP a;
 * N_IF a=cond b=then c=else (an N_IF for elif); N_WHILE/N_UNTIL a=cond
 * b=body; N_FOR name, words, b=body; N_CASE name=subject, items;
 * N_FUNC name, a=body.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "shell_internal.h"

void arena_track(struct node *root, void *ptr)
{
	if (root->nallocs == root->capallocs) {
		root->capallocs = root->capallocs ? root->capallocs * 2 : 16;
		root->allocs = realloc(root->allocs, root->capallocs * sizeof(void *));
	}
	root->allocs[root->nallocs++] = ptr;
}

static void *p_alloc(struct parser *p, size_t n)
{
	void *r = calloc(1, n);
	arena_track(p->root, r);
	return r;
}

static char *p_strdup(struct parser *p, const char *s)
{
	char *r = p_alloc(p, strlen(s) + 1);
	strcpy(r, s);
	return r;
}

static struct node *new_node(struct parser *p, enum node_type t)
{
	struct node *n = p_alloc(p, sizeof(*n));
	n->type = t;
	n->line = p->lx.tok_line;
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nallocs; i++)
		free(n->allocs[i]);
	free(n->allocs);
	free(n);
}

void parser_init(struct parser *p, const char *src, size_t len, int line)
{
	memset(p, 0, sizeof(*p));
	lex_init(&p->lx, src, len, line);
	p->alias_next = (size_t)-1;
}

void parser_free(struct parser *p)
{
	free(p->lx.text);
	p->lx.text = NULL;
	if (p->lx.owned && p->lx.src == p->lx.owned) {
		p->lx.src = ""; /* nothing more to read from a freed splice */
		p->lx.len = p->lx.pos = 0;
	}
	free(p->lx.owned);
	p->lx.owned = NULL;
	for (int i = 0; i < p->naliases; i++)
		free(p->aliases[i].name);
	p->naliases = 0;
	while (p->lx.pending) {
		struct heredoc *h = p->lx.pending;
		p->lx.pending = h->next;
		free(h->delim);
		free(h);
	}
}

static enum tok_type cur(struct parser *p)
{
	if (!p->peeked) {
		lex_next(&p->lx);
		p->peeked = 1;
	}
	return p->lx.tok;
}

static void consume(struct parser *p)
{
	cur(p);
	p->peeked = 0;
}

static _Noreturn void syntax_error(struct parser *p)
{
	enum tok_type t = cur(p);
	p->errline = p->lx.tok_line;
	if (t == T_EOF || (t == T_ERROR && p->lx.incomplete)) {
		snprintf(p->errmsg, sizeof(p->errmsg), "syntax error: unexpected end of file");
		longjmp(*(jmp_buf *)p->jmp, P_INCOMPLETE);
	}
	if (t == T_ERROR)
		snprintf(p->errmsg, sizeof(p->errmsg), "syntax error: %s", p->lx.err);
	else
		snprintf(p->errmsg, sizeof(p->errmsg), "syntax error near unexpected token `%s'",
			 tok_name(t, p->lx.text));
	longjmp(*(jmp_buf *)p->jmp, P_ERROR);
}

static int is_word(struct parser *p, const char *w)
{
	return cur(p) == T_WORD && strcmp(p->lx.text, w) == 0;
}

static void expect_word(struct parser *p, const char *w)
{
	if (!is_word(p, w))
		syntax_error(p);
	consume(p);
}

static void linebreak(struct parser *p)
{
	while (cur(p) == T_NEWLINE)
		consume(p);
}

static const char *const stop_words[] = {"then", "else", "elif", "fi", "do",
					 "done", "esac", "}",	 NULL};
static const char *const reserved[] = {"if",   "then", "else", "elif",	"fi",	 "do",
				       "done", "case", "esac", "while", "until", "for",
				       "{",    "}",    "!",    "in",	NULL};

static int in_set(const char *s, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

static int at_list_end(struct parser *p)
{
	enum tok_type t = cur(p);
	if (t == T_EOF || t == T_RPAREN || t == T_DSEMI)
		return 1;
	return t == T_WORD && in_set(p->lx.text, stop_words);
}

int is_name(const char *s, size_t n)
{
	if (n == 0 ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static void push_word(struct parser *p, char ***v, int *n, const char *w)
{
	char **nv = p_alloc(p, (*n + 2) * sizeof(char *));
	if (*n)
		memcpy(nv, *v, *n * sizeof(char *));
	nv[(*n)++] = p_strdup(p, w);
	*v = nv;
}

static struct node *parse_list(struct parser *p, int top);
static struct node *parse_command(struct parser *p);

/* Removes quotes from a here-document delimiter; sets *quoted if any. */
static char *unquote_delim(const char *w, int *quoted)
{
	size_t n = strlen(w);
	char *r = malloc(n + 1), *o = r;
	*quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '\'' || w[i] == '"') {
			*quoted = 1;
			continue;
		}
		if (w[i] == '\\' && i + 1 < n) {
			*quoted = 1;
			i++;
		}
		*o++ = w[i];
	}
	*o = 0;
	return r;
}

static int is_redir_tok(enum tok_type t)
{
	return t == T_LESS || t == T_GREAT || t == T_DGREAT || t == T_LESSAND || t == T_GREATAND ||
	       t == T_DLESS || t == T_DLESSDASH || t == T_LESSGREAT || t == T_CLOBBER ||
	       t == T_ANDGREAT || t == T_IONUMBER;
}

static void parse_redir(struct parser *p, struct redir ***tail)
{
	int fd = -1;
	if (cur(p) == T_IONUMBER) {
		fd = atoi(p->lx.text);
		consume(p);
	}
	enum tok_type t = cur(p);
	struct redir *r = p_alloc(p, sizeof(*r));
	switch (t) {
	case T_LESS:
		r->type = R_IN;
		break;
	case T_GREAT:
		r->type = R_OUT;
		break;
	case T_DGREAT:
		r->type = R_APPEND;
		break;
	case T_LESSAND:
		r->type = R_DUPIN;
		break;
	case T_GREATAND:
		r->type = R_DUPOUT;
		break;
	case T_DLESS:
		r->type = R_HEREDOC;
		break;
	case T_DLESSDASH:
		r->type = R_HEREDOC;
		r->strip_tabs = 1;
		break;
	case T_LESSGREAT:
		r->type = R_RDWR;
		break;
	case T_CLOBBER:
		r->type = R_CLOBBER;
		break;
	case T_ANDGREAT:
		r->type = R_BOTH;
		break;
	default:
		syntax_error(p);
	}
	consume(p);
	if (fd < 0)
		fd = (r->type == R_IN || r->type == R_DUPIN || r->type == R_HEREDOC ||
		      r->type == R_RDWR)
			     ? 0
			     : 1;
	r->fd = fd;
	if (cur(p) != T_WORD)
		syntax_error(p);
	r->word = p_strdup(p, p->lx.text);
	consume(p);
	if (r->type == R_HEREDOC) {
		struct heredoc *h = calloc(1, sizeof(*h)), **hp = &p->lx.pending;
		h->redir = r;
		h->delim = unquote_delim(r->word, &r->quoted);
		while (*hp)
			hp = &(*hp)->next;
		*hp = h;
	}
	**tail = r;
	*tail = &r->next;
}

static void parse_redirs(struct parser *p, struct node *n)
{
	struct redir **tail = &n->redirs;
	while (*tail)
		tail = &(*tail)->next;
	while (is_redir_tok(cur(p)))
		parse_redir(p, &tail);
}

/* A compound list inside a construct: must not be empty. */
static struct node *compound_list(struct parser *p)
{
	linebreak(p);
	if (at_list_end(p))
		syntax_error(p);
	return parse_list(p, 0);
}

static struct node *parse_if(struct parser *p)
{
	struct node *n = new_node(p, N_IF);
	consume(p); /* if / elif */
	n->a = compound_list(p);
	expect_word(p, "then");
	n->b = compound_list(p);
	if (is_word(p, "elif")) {
		n->c = parse_if(p);
		return n;
	}
	if (is_word(p, "else")) {
		consume(p);
		n->c = compound_list(p);
	}
	expect_word(p, "fi");
	return n;
}

static struct node *parse_do_group(struct parser *p)
{
	expect_word(p, "do");
	struct node *body = compound_list(p);
	expect_word(p, "done");
	return body;
}

static struct node *parse_for(struct parser *p)
{
	struct node *n = new_node(p, N_FOR);
	consume(p);
	if (cur(p) != T_WORD || !is_name(p->lx.text, strlen(p->lx.text)))
		syntax_error(p);
	n->name = p_strdup(p, p->lx.text);
	consume(p);
	linebreak(p);
	if (is_word(p, "in")) {
		consume(p);
		n->for_has_in = 1;
		while (cur(p) == T_WORD)
			push_word(p, &n->words, &n->nwords, p->lx.text), consume(p);
		if (cur(p) != T_SEMI && cur(p) != T_NEWLINE)
			syntax_error(p);
		consume(p);
		linebreak(p);
	} else if (cur(p) == T_SEMI) {
		consume(p);
		linebreak(p);
	}
	n->b = parse_do_group(p);
	return n;
}

static struct node *parse_case(struct parser *p)
{
	struct node *n = new_node(p, N_CASE);
	consume(p);
	if (cur(p) != T_WORD)
		syntax_error(p);
	n->name = p_strdup(p, p->lx.text);
	consume(p);
	linebreak(p);
	expect_word(p, "in");
	linebreak(p);
	struct case_item **tail = &n->items;
	while (!is_word(p, "esac")) {
		struct case_item *it = p_alloc(p, sizeof(*it));
		if (cur(p) == T_LPAREN)
			consume(p);
		for (;;) {
			if (cur(p) != T_WORD)
				syntax_error(p);
			push_word(p, &it->pats, &it->npats, p->lx.text);
			consume(p);
			if (cur(p) != T_PIPE)
				break;
			consume(p);
		}
		if (cur(p) != T_RPAREN)
			syntax_error(p);
		consume(p);
		linebreak(p);
		if (!at_list_end(p))
			it->body = parse_list(p, 0);
		*tail = it;
		tail = &it->next;
		if (cur(p) == T_DSEMI) {
			consume(p);
			linebreak(p);
		} else if (!is_word(p, "esac")) {
			syntax_error(p);
		}
	}
	consume(p);
	return n;
}

/* Alias substitution (XCU 2.3.1): if the current word is an unquoted
 * alias name, its value replaces it in the input, which is read again.
 * An alias is not expanded inside its own expansion (the recursion
 * guard); a value ending in a blank makes the next word a candidate too. */
static int try_alias(struct parser *p)
{
	if (!p->alias || cur(p) != T_WORD)
		return 0;
	const char *w = p->lx.text;
	size_t start = p->lx.tok_start, to = p->lx.pos;
	if (strpbrk(w, "'\"\\$`=") || in_set(w, reserved))
		return 0;
	int k = 0;
	for (int i = 0; i < p->naliases; i++) {
		if (p->aliases[i].end > start)
			p->aliases[k++] = p->aliases[i];
		else
			free(p->aliases[i].name);
	}
	p->naliases = k;
	for (int i = 0; i < p->naliases; i++)
		if (strcmp(p->aliases[i].name, w) == 0)
			return 0;
	const char *v = p->alias(w);
	if (!v || p->naliases == (int)(sizeof(p->aliases) / sizeof(p->aliases[0])))
		return 0;
	size_t vl = strlen(v);
	for (int i = 0; i < p->naliases; i++)
		p->aliases[i].end += vl - (to - start); /* they enclose the word */
	p->aliases[p->naliases].name = strdup(w);
	p->aliases[p->naliases++].end = start + vl;
	p->alias_next = vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t') ? start + vl : (size_t)-1;
	lex_splice(&p->lx, start, to, v);
	p->peeked = 0;
	p->alias_again = 1;
	return 1;
}

static struct node *parse_command(struct parser *p)
{
	struct node *n;
	p->alias_next = (size_t)-1;
	while (try_alias(p))
		;
	enum tok_type t = cur(p);
	if (t == T_LPAREN) {
		n = new_node(p, N_SUBSHELL);
		consume(p);
		n->a = compound_list(p);
		if (cur(p) != T_RPAREN)
			syntax_error(p);
		consume(p);
		parse_redirs(p, n);
		return n;
	}
	if (t == T_WORD && in_set(p->lx.text, reserved)) {
		const char *w = p->lx.text;
		if (strcmp(w, "{") == 0) {
			n = new_node(p, N_GROUP);
			consume(p);
			n->a = compound_list(p);
			expect_word(p, "}");
		} else if (strcmp(w, "if") == 0) {
			n = parse_if(p);
		} else if (strcmp(w, "while") == 0 || strcmp(w, "until") == 0) {
			n = new_node(p, w[0] == 'w' ? N_WHILE : N_UNTIL);
			consume(p);
			n->a = compound_list(p);
			n->b = parse_do_group(p);
		} else if (strcmp(w, "for") == 0) {
			n = parse_for(p);
		} else if (strcmp(w, "case") == 0) {
			n = parse_case(p);
		} else if (strcmp(w, "in") == 0) {
			goto simple; /* "in" is reserved only after for/case */
		} else {
			syntax_error(p);
		}
		parse_redirs(p, n);
		return n;
	}
simple:
	n = new_node(p, N_CMD);
	struct redir **tail = &n->redirs;
	for (;;) {
		t = cur(p);
		if (is_redir_tok(t)) {
			parse_redir(p, &tail);
		} else if (t == T_WORD) {
			int check = n->nwords == 0 || p->lx.tok_start >= p->alias_next ||
				    p->alias_again;
			p->alias_again = 0;
			if (check && try_alias(p))
				continue;
			if (p->lx.tok_start >= p->alias_next)
				p->alias_next = (size_t)-1;
			const char *w = p->lx.text;
			const char *eq = strchr(w, '=');
			if (n->nwords == 0 && eq && is_name(w, eq - w))
				push_word(p, &n->assigns, &n->nassigns, w);
			else
				push_word(p, &n->words, &n->nwords, w);
			consume(p);
			if (n->nwords == 1 && n->nassigns == 0 && !n->redirs &&
			    cur(p) == T_LPAREN) {
				/* name ( ) compound-command */
				if (!is_name(n->words[0], strlen(n->words[0])))
					syntax_error(p);
				consume(p);
				if (cur(p) != T_RPAREN)
					syntax_error(p);
				consume(p);
				linebreak(p);
				struct node *f = new_node(p, N_FUNC);
				f->name = n->words[0];
				if (cur(p) != T_LPAREN &&
				    !(cur(p) == T_WORD && in_set(p->lx.text, reserved)))
					syntax_error(p);
				f->a = parse_command(p);
				if (f->a->type == N_CMD)
					syntax_error(p);
				return f;
			}
		} else {
			break;
		}
	}
	if (n->nwords == 0 && n->nassigns == 0 && !n->redirs)
		syntax_error(p);
	return n;
}

static struct node *parse_pipeline(struct parser *p)
{
	int neg = 0;
	while (is_word(p, "!")) {
		neg = !neg;
		consume(p);
	}
	struct node *n = parse_command(p);
	while (cur(p) == T_PIPE) {
		struct node *pn = new_node(p, N_PIPE);
		consume(p);
		linebreak(p);
		pn->a = n;
		pn->b = parse_command(p);
		n = pn;
	}
	if (neg) {
		struct node *nn = new_node(p, N_NOT);
		nn->a = n;
		n = nn;
	}
	return n;
}

static struct node *parse_and_or(struct parser *p)
{
	struct node *n = parse_pipeline(p);
	while (cur(p) == T_AND || cur(p) == T_OR) {
		struct node *an = new_node(p, cur(p) == T_AND ? N_AND : N_OR);
		consume(p);
		linebreak(p);
		an->a = n;
		an->b = parse_pipeline(p);
		n = an;
	}
	return n;
}

static struct node *seq(struct parser *p, struct node *a, struct node *b)
{
	if (!a)
		return b;
	struct node *s = new_node(p, N_SEQ);
	s->a = a;
	s->b = b;
	return s;
}

static struct node *parse_list(struct parser *p, int top)
{
	struct node *list = NULL;
	for (;;) {
		if (top ? (cur(p) == T_NEWLINE || cur(p) == T_EOF) : at_list_end(p))
			break;
		struct node *n = parse_and_or(p);
		enum tok_type t = cur(p);
		if (t == T_AMP) {
			struct node *bg = new_node(p, N_BG);
			bg->a = n;
			n = bg;
			consume(p);
			if (!top)
				linebreak(p); /* separator_op linebreak */
		} else if (t == T_SEMI) {
			consume(p);
			if (!top)
				linebreak(p);
		} else if (t == T_NEWLINE) {
			list = seq(p, list, n);
			if (top)
				break;
			linebreak(p);
			continue;
		} else if (!(top ? t == T_EOF : at_list_end(p))) {
			syntax_error(p);
		}
		list = seq(p, list, n);
	}
	return list;
}

enum parse_status parse_next(struct parser *p, struct node **out)
{
	jmp_buf jb;
	*out = NULL;
	p->root = calloc(1, sizeof(struct node));
	p->lx.arena = p->root;
	p->jmp = &jb;
	int r = setjmp(jb);
	if (r) {
		node_free(p->root);
		p->root = NULL;
		parser_free(p);
		return r;
	}
	enum tok_type t = cur(p);
	if (t == T_EOF) {
		node_free(p->root);
		p->root = NULL;
		return P_EOF;
	}
	struct node *n = NULL;
	if (t != T_NEWLINE)
		n = parse_list(p, 1);
	if (cur(p) == T_NEWLINE)
		consume(p); /* reads pending here-document bodies */
	if (p->lx.pending)
		syntax_error(p); /* at EOF: the body has not arrived yet */
	p->peeked = 0;		 /* lookahead at EOF only: nothing consumed past the newline */
	/* The root owns the allocations: copy the top node into it. */
	if (!n) {
		node_free(p->root);
		p->root = NULL;
		return P_EMPTY;
	}
	struct node *root = p->root;
	void **allocs = root->allocs;
	int na = root->nallocs, ca = root->capallocs;
	*root = *n;
	root->allocs = allocs;
	root->nallocs = na;
	root->capallocs = ca;
	p->root = NULL;
	*out = root;
	return P_OK;
}

/* ---- printing (for the tests) ---- */

struct pbuf {
	char *buf;
	size_t size, n;
};

static void pput(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		if (b->n + 1 < b->size)
			b->buf[b->n] = *s;
		b->n++;
	}
}

static void print_redirs(struct pbuf *b, const struct redir *r)
{
	static const char *const ops[] = {[R_IN] = "<",	    [R_OUT] = ">",	[R_APPEND] = ">>",
					  [R_DUPIN] = "<&", [R_DUPOUT] = ">&",	[R_HEREDOC] = "<<",
					  [R_RDWR] = "<>",  [R_CLOBBER] = ">|", [R_BOTH] = "&>"};
	for (; r; r = r->next) {
		char num[16];
		snprintf(num, sizeof(num), " %d", r->fd);
		pput(b, num);
		pput(b, ops[r->type]);
		if (r->type == R_HEREDOC && r->strip_tabs)
			pput(b, "-");
		pput(b, r->word);
		if (r->type == R_HEREDOC) {
			pput(b, r->quoted ? "[q:" : "[");
			pput(b, r->body ? r->body : "");
			pput(b, "]");
		}
	}
}

static void print_node(struct pbuf *b, const struct node *n)
{
	static const char *const names[] = {
		[N_CMD] = "cmd",     [N_PIPE] = "pipe", [N_AND] = "and",     [N_OR] = "or",
		[N_NOT] = "not",     [N_SEQ] = "seq",	[N_BG] = "bg",	     [N_SUBSHELL] = "sub",
		[N_GROUP] = "group", [N_IF] = "if",	[N_WHILE] = "while", [N_UNTIL] = "until",
		[N_FOR] = "for",     [N_CASE] = "case", [N_FUNC] = "func",
	};
	if (!n) {
		pput(b, "()");
		return;
	}
	pput(b, "(");
	pput(b, names[n->type]);
	switch (n->type) {
	case N_CMD:
		for (int i = 0; i < n->nassigns; i++) {
			pput(b, " ");
			pput(b, n->assigns[i]);
		}
		for (int i = 0; i < n->nwords; i++) {
			pput(b, " ");
			pput(b, n->words[i]);
		}
		break;
	case N_FOR:
		pput(b, " ");
		pput(b, n->name);
		if (n->for_has_in) {
			pput(b, " (in");
			for (int i = 0; i < n->nwords; i++) {
				pput(b, " ");
				pput(b, n->words[i]);
			}
			pput(b, ")");
		}
		pput(b, " ");
		print_node(b, n->b);
		break;
	case N_CASE:
		pput(b, " ");
		pput(b, n->name);
		for (const struct case_item *it = n->items; it; it = it->next) {
			pput(b, " (");
			for (int i = 0; i < it->npats; i++) {
				if (i)
					pput(b, "|");
				pput(b, it->pats[i]);
			}
			pput(b, " ");
			print_node(b, it->body);
			pput(b, ")");
		}
		break;
	case N_FUNC:
		pput(b, " ");
		pput(b, n->name);
		pput(b, " ");
		print_node(b, n->a);
		break;
	default:
		if (n->a) {
			pput(b, " ");
			print_node(b, n->a);
		}
		if (n->b) {
			pput(b, " ");
			print_node(b, n->b);
		}
		if (n->c) {
			pput(b, " ");
			print_node(b, n->c);
		}
	}
	print_redirs(b, n->redirs);
	pput(b, ")");
}

size_t node_print(const struct node *n, char *buf, size_t size)
{
	struct pbuf b = {buf, size, 0};
	print_node(&b, n);
	if (size)
		buf[b.n < size ? b.n : size - 1] = 0;
	return b.n;
}
