/*
 * osh aliases (XCU 2.3.1, alias, unalias): a list of name=value pairs in
 * definition order. The substitution itself happens in the lexer/parser
 * (parse.c try_alias): the value replaces the command word in the input
 * and is read again, a value ending in a blank makes the next word
 * alias-checked too, and an alias is not expanded again inside its own
 * expansion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct alias {
	char *name, *val;
	struct alias *next;
};
static struct alias *aliases;

const char *alias_get(const char *name)
{
	for (struct alias *a = aliases; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->val;
	return NULL;
}

/* Prints s in single quotes, a ' as '"'"' (the form busybox prints), so
 * the output of alias and trap can be read back by the shell. */
void sh_putq(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\"'\"'", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

static void print_alias(const struct alias *a)
{
	printf("%s=", a->name);
	sh_putq(a->val);
	putchar('\n');
}

int bi_alias(int argc, char **argv)
{
	int st = 0;
	if (argc == 1)
		for (struct alias *a = aliases; a; a = a->next)
			print_alias(a);
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			struct alias *a;
			for (a = aliases; a; a = a->next)
				if (strcmp(a->name, argv[i]) == 0)
					break;
			if (a) {
				print_alias(a);
			} else {
				sh_error("alias: %s not found", argv[i]);
				st = 1;
			}
			continue;
		}
		char *name = strndup(argv[i], eq - argv[i]);
		struct alias **tail = &aliases, *a;
		for (a = aliases; a; tail = &a->next, a = a->next)
			if (strcmp(a->name, name) == 0)
				break;
		if (!a) {
			a = calloc(1, sizeof(*a));
			a->name = name;
			*tail = a;
		} else {
			free(name);
			free(a->val);
		}
		a->val = strdup(eq + 1);
	}
	return st;
}

static void alias_free(struct alias *a)
{
	free(a->name);
	free(a->val);
	free(a);
}

int bi_unalias(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0) {
			while (aliases) {
				struct alias *a = aliases;
				aliases = a->next;
				alias_free(a);
			}
			continue;
		}
		struct alias **a;
		for (a = &aliases; *a; a = &(*a)->next)
			if (strcmp((*a)->name, argv[i]) == 0)
				break;
		if (*a) {
			struct alias *dead = *a;
			*a = dead->next;
			alias_free(dead);
		} else {
			sh_error("unalias: %s not found", argv[i]);
			st = 1;
		}
	}
	return st;
}
