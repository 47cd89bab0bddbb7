/*
 * osh prompt strings: PS1/PS2 backslash escapes as busybox's and bash's
 * line editors understand them (\u user, \h host up to the first dot, \H
 * full host, \w working directory with $HOME shown as ~, \W its last
 * component, \$ '#' for root and '$' otherwise, \n, \\, \e, \a, \[ \]).
 * The text between \[ and \] takes no columns on the screen (colour
 * codes); it is marked with PROMPT_IGNORE_START/END for edit.c, which
 * leaves those bytes out of the width. The default PS1 is '\w \$ ', so
 * root in / sees "/ # " as under busybox. $VAR, $(cmd) and $((expr)) are
 * expanded before the escapes, as ash does.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

struct pbuf {
	char *s;
	size_t n, cap;
};

static void put(struct pbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void puts_(struct pbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_cwd(struct pbuf *b, int base_only)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		const char *pwd = var_get("PWD");
		snprintf(cwd, sizeof(cwd), "%s", pwd ? pwd : "?");
	}
	if (base_only) {
		const char *slash = strrchr(cwd, '/');
		puts_(b, slash && slash[1] ? slash + 1 : cwd);
		return;
	}
	/* $HOME shown as ~, but not when HOME is / (every path would start with ~). */
	const char *home = var_get("HOME");
	size_t hl = home ? strlen(home) : 0;
	if (hl > 1 && strncmp(cwd, home, hl) == 0 && (cwd[hl] == '/' || cwd[hl] == 0)) {
		puts_(b, "~");
		puts_(b, cwd + hl);
		return;
	}
	puts_(b, cwd);
}

/*
 * Parameter, command and arithmetic expansion come first, as in ash: the
 * string is expanded like the body of an unquoted here-document, with
 * every backslash doubled beforehand so that the escapes above reach the
 * second step intact (`\$` stays `\$`, not `$`). $? is the same after.
 * NULL when the expansion failed (the error was printed).
 */
static char *prompt_params(const char *ps)
{
	size_t n = 0;
	for (const char *p = ps; *p; p++)
		n += *p == '\\' ? 2 : 1;
	char *dbl = malloc(n + 1), *d = dbl;
	for (const char *p = ps; *p; p++) {
		if (*p == '\\')
			*d++ = '\\';
		*d++ = *p;
	}
	*d = 0;
	int status = sh.status;
	char *r = expand_one(&sh.ops, dbl, EXP_HEREDOC);
	sh.status = status;
	free(dbl);
	return r;
}

char *prompt_expand(const char *ps)
{
	struct pbuf b = {0};
	put(&b, "", 0);
	if (!ps)
		return b.s;
	char *expanded = strchr(ps, '$') || strchr(ps, '`') ? prompt_params(ps) : NULL;
	if (expanded)
		ps = expanded;
	for (const char *p = ps; *p; p++) {
		if (*p != '\\' || !p[1]) {
			put(&b, p, 1);
			continue;
		}
		p++;
		switch (*p) {
		case 'u': {
			struct passwd *pw = getpwuid(geteuid());
			const char *u = pw ? pw->pw_name : var_get("USER");
			puts_(&b, u ? u : "?");
			break;
		}
		case 'h':
		case 'H': {
			struct utsname un;
			if (uname(&un) == 0) {
				size_t n = strlen(un.nodename);
				if (*p == 'h' && strchr(un.nodename, '.'))
					n = strchr(un.nodename, '.') - un.nodename;
				put(&b, un.nodename, n);
			}
			break;
		}
		case 'w':
		case 'W':
			put_cwd(&b, *p == 'W');
			break;
		case '$':
			puts_(&b, geteuid() == 0 ? "#" : "$");
			break;
		case 'n':
			puts_(&b, "\n");
			break;
		case 'e':
			puts_(&b, "\033");
			break;
		case 'a':
			puts_(&b, "\a");
			break;
		case '[':
			put(&b, (char[]){PROMPT_IGNORE_START}, 1);
			break;
		case ']':
			put(&b, (char[]){PROMPT_IGNORE_END}, 1);
			break;
		case '\\':
			puts_(&b, "\\");
			break;
		default:
			put(&b, p - 1, 2);
		}
	}
	free(expanded);
	return b.s;
}
