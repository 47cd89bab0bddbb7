/* osh internals shared by lex.c and parse.c: the pending here-document list. */
#ifndef OSH_SHELL_INTERNAL_H
#define OSH_SHELL_INTERNAL_H

struct heredoc {
	struct redir *redir; /* receives the body */
	char *delim;	     /* delimiter with quotes removed */
	struct heredoc *next;
};

#endif
