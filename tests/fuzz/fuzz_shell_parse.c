/*
 * libFuzzer target for osh's grammar and expansion (shell/lex.c, parse.c,
 * expand.c, arith.c): the input is parsed command by command until EOF or
 * a syntax error; each tree is printed, and the words of its simple
 * commands are expanded against fake variables (command substitution
 * returns its text; no globbing, no I/O).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"

static const char *f_getvar(void *ctx, const char *name)
{
	if (!strcmp(name, "IFS"))
		return " :";
	return name[0] == 'x' ? "a b*c" : NULL;
}

static int f_setvar(void *ctx, const char *name, const char *val)
{
	return 0;
}

static int f_nparams(void *ctx)
{
	return 2;
}

static const char *f_param(void *ctx, int i)
{
	return i == 1 ? "p 1" : "";
}

static char *f_cmdsubst(void *ctx, const char *cmd)
{
	return strdup(cmd);
}

static const struct exp_ops ops = {.getvar = f_getvar,
				   .setvar = f_setvar,
				   .nparams = f_nparams,
				   .param = f_param,
				   .cmdsubst = f_cmdsubst};

static void expand_tree(const struct node *n, int depth)
{
	if (!n || depth > 50)
		return;
	for (int i = 0; i < n->nwords; i++) {
		struct strv v = {0};
		expand_word(&ops, n->words[i], EXP_SPLIT | EXP_NOGLOB, &v);
		strv_free(&v);
	}
	for (int i = 0; i < n->nassigns; i++)
		free(expand_one(&ops, n->assigns[i], 0));
	for (const struct redir *r = n->redirs; r; r = r->next)
		if (r->body && !r->quoted)
			free(expand_one(&ops, r->body, EXP_HEREDOC));
	for (const struct case_item *it = n->items; it; it = it->next) {
		for (int i = 0; i < it->npats; i++)
			free(expand_one(&ops, it->pats[i], EXP_PATTERN));
		expand_tree(it->body, depth + 1);
	}
	expand_tree(n->a, depth + 1);
	expand_tree(n->b, depth + 1);
	expand_tree(n->c, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1);
	memcpy(src, data, size);
	src[size] = 0;
	struct parser p;
	parser_init(&p, src, strlen(src), 1);
	static char buf[65536];
	for (int k = 0; k < 1000; k++) {
		struct node *n;
		enum parse_status r = parse_next(&p, &n);
		if (r == P_EMPTY)
			continue;
		if (r != P_OK)
			break;
		node_print(n, buf, sizeof(buf));
		expand_tree(n, 0);
		node_free(n);
	}
	parser_free(&p);
	free(src);
	return 0;
}
