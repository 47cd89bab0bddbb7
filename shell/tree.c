/*
 * osh parse-tree copies for functions. A parse tree is freed as soon as its
 * command has run (main.c, run_string); defining a function copies the
 * body into a tree of its own (node_copy), whose root counts references:
 * one for the definition, one for each running call, so a function that
 * redefines or unsets itself keeps running on its old body, which is freed
 * when the last call returns (tree_put).
 */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static void *track(struct node *root, void *p)
{
	arena_track(root, p);
	return p;
}

static char *dup_str(struct node *root, const char *s)
{
	return s ? track(root, strdup(s)) : NULL;
}

static char **dup_words(struct node *root, char **v, int n)
{
	if (!v)
		return NULL;
	char **c = track(root, calloc(n + 1, sizeof(char *)));
	for (int i = 0; i < n; i++)
		c[i] = dup_str(root, v[i]);
	return c;
}

static struct node *copy(struct node *root, const struct node *n)
{
	if (!n)
		return NULL;
	struct node *m = track(root, malloc(sizeof(*m)));
	*m = *n;
	m->allocs = NULL;
	m->nallocs = m->capallocs = 0;
	m->refs = 0;
	m->a = copy(root, n->a);
	m->b = copy(root, n->b);
	m->c = copy(root, n->c);
	m->words = dup_words(root, n->words, n->nwords);
	m->assigns = dup_words(root, n->assigns, n->nassigns);
	m->name = dup_str(root, n->name);
	struct case_item **it_tail = &m->items;
	for (const struct case_item *it = n->items; it; it = it->next) {
		struct case_item *c = track(root, calloc(1, sizeof(*c)));
		c->pats = dup_words(root, it->pats, it->npats);
		c->npats = it->npats;
		c->body = copy(root, it->body);
		*it_tail = c;
		it_tail = &c->next;
	}
	*it_tail = NULL;
	struct redir **r_tail = &m->redirs;
	for (const struct redir *r = n->redirs; r; r = r->next) {
		struct redir *c = track(root, malloc(sizeof(*c)));
		*c = *r;
		c->word = dup_str(root, r->word);
		c->body = dup_str(root, r->body);
		*r_tail = c;
		r_tail = &c->next;
	}
	*r_tail = NULL;
	return m;
}

struct node *node_copy(const struct node *n)
{
	struct node *root = calloc(1, sizeof(*root));
	struct node *top = copy(root, n);
	void **allocs = root->allocs;
	int na = root->nallocs, ca = root->capallocs;
	*root = *top; /* top stays in the arena, freed with it */
	root->allocs = allocs;
	root->nallocs = na;
	root->capallocs = ca;
	root->refs = 1;
	return root;
}

void tree_put(struct node *root)
{
	if (root && --root->refs <= 0)
		node_free(root);
}
