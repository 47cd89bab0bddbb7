/*
 * osh: our own POSIX-style shell (issue 6, docs/shell.md).
 *
 * The grammar (lex.c, parse.c) and the word expansion (expand.c) are pure
 * C with no process side effects, so they build on the host for the unit
 * tests and the libFuzzer target; expansion reaches the outside world only
 * through the callbacks of struct exp_ops. exec.c, builtin.c and main.c are
 * the parts that fork, exec and touch file descriptors.
 * Grammar reference: POSIX.1-2017 XCU 2.3 (token recognition), 2.9/2.10
 * (shell commands and grammar), 2.6 (word expansions).
 */
#ifndef OSH_SHELL_H
#define OSH_SHELL_H

#include <stddef.h>

/* ---- tokens (lex.c) ---- */
enum tok_type {
	T_EOF,
	T_NEWLINE,
	T_WORD,
	T_SEMI,	     /* ; */
	T_DSEMI,     /* ;; */
	T_AMP,	     /* & */
	T_AND,	     /* && */
	T_PIPE,	     /* | */
	T_OR,	     /* || */
	T_LPAREN,    /* ( */
	T_RPAREN,    /* ) */
	T_LESS,	     /* < */
	T_GREAT,     /* > */
	T_DGREAT,    /* >> */
	T_LESSAND,   /* <& */
	T_GREATAND,  /* >& */
	T_DLESS,     /* << */
	T_DLESSDASH, /* <<- */
	T_LESSGREAT, /* <> */
	T_CLOBBER,   /* >| */
	T_ANDGREAT,  /* &> */
	T_IONUMBER,
	T_ERROR, /* lexical error; lex->err says why */
};

struct heredoc;

struct lexer {
	const char *src;
	size_t len, pos;
	int line;	   /* line of the next character (1-based) */
	size_t tok_start;  /* offset of the current token in src */
	char *owned;	   /* src after an alias splice (lex_splice), malloc'd */
	int tok_line;	   /* line of the current token */
	enum tok_type tok; /* current token */
	char *text;	   /* current token text (T_WORD, T_IONUMBER), malloc'd */
	int incomplete;	   /* input ended inside a quote or construct */
	const char *err;
	struct heredoc *pending; /* here-documents whose bodies follow the next newline */
	struct node *arena;	 /* owner of here-document bodies (parse.c) */
};

void lex_init(struct lexer *lx, const char *src, size_t len, int line);
enum tok_type lex_next(struct lexer *lx);
/* Replaces src[from, to) by text and goes back to read from `from`. */
void lex_splice(struct lexer *lx, size_t from, size_t to, const char *text);
const char *tok_name(enum tok_type t, const char *text);

/* ---- AST (parse.c) ---- */
enum redir_type { R_IN, R_OUT, R_APPEND, R_DUPIN, R_DUPOUT, R_HEREDOC, R_RDWR, R_CLOBBER, R_BOTH };

struct redir {
	enum redir_type type;
	int fd;		/* target descriptor */
	char *word;	/* file name / fd word / here-doc delimiter (raw) */
	char *body;	/* here-document body */
	int quoted;	/* here-doc delimiter was quoted: no expansion */
	int strip_tabs; /* <<- */
	struct redir *next;
};

enum node_type {
	N_CMD,
	N_PIPE,
	N_AND,
	N_OR,
	N_NOT,
	N_SEQ,
	N_BG,
	N_SUBSHELL,
	N_GROUP,
	N_IF,
	N_WHILE,
	N_UNTIL,
	N_FOR,
	N_CASE,
	N_FUNC,
};

struct case_item {
	char **pats;
	int npats;
	struct node *body; /* may be NULL */
	struct case_item *next;
};

struct node {
	enum node_type type;
	int line;
	struct node *a, *b, *c; /* children: see parse.c for each type */
	char **words;		/* N_CMD argv (raw), N_FOR list */
	int nwords;
	char **assigns; /* N_CMD NAME=value prefixes (raw) */
	int nassigns;
	char *name; /* N_FOR variable, N_FUNC name, N_CASE subject */
	int for_has_in;
	struct case_item *items;
	struct redir *redirs;
	void **allocs; /* root only: every allocation of this tree (parse.c) */
	int nallocs, capallocs;
	int refs; /* root of a function body only: users (tree.c) */
};

enum parse_status { P_OK, P_EMPTY, P_EOF, P_INCOMPLETE, P_ERROR };

struct parser {
	struct lexer lx;
	int peeked;
	struct node *root; /* owns this parse's allocations */
	void *jmp;	   /* jmp_buf of the running parse_next */
	/* Optional: the value of alias name, or NULL (XCU 2.3.1). */
	const char *(*alias)(const char *name);
	struct {
		char *name;
		size_t end; /* offset in lx.src where its expansion ends */
	} aliases[16];	    /* expansions being read: not expanded again */
	int naliases;
	size_t alias_next; /* a word starting here is alias-checked (trailing blank) */
	int alias_again;   /* the first word of an expansion is checked too */
	char errmsg[256];
	int errline;
};

void parser_init(struct parser *p, const char *src, size_t len, int line);
/* Parses the next complete command (up to a newline at top level). */
enum parse_status parse_next(struct parser *p, struct node **out);
void node_free(struct node *n);
void parser_free(struct parser *p);
void arena_track(struct node *root, void *ptr);
/* tree.c: a copy of n as the root of its own tree, refs = 1; tree_put
 * drops a reference and frees the tree at zero. */
struct node *node_copy(const struct node *n);
void tree_put(struct node *root);
/* Prints the AST in a canonical, re-parsable-ish s-expression form. */
size_t node_print(const struct node *n, char *buf, size_t size);
int is_name(const char *s, size_t n);
size_t lex_subst_len(const char *s, size_t len);

/* ---- expansion (expand.c) ---- */
struct exp_ops {
	void *ctx;
	const char *(*getvar)(void *ctx, const char *name); /* NULL if unset */
	int (*setvar)(void *ctx, const char *name, const char *val);
	int (*nparams)(void *ctx);
	const char *(*param)(void *ctx, int i);	       /* $0..$n */
	char *(*cmdsubst)(void *ctx, const char *cmd); /* malloc'd output or NULL */
	void (*error)(void *ctx, const char *msg);
	int nounset; /* set -u: expanding an unset variable is an error */
};

struct strv {
	char **v;
	int n, cap;
};
void strv_push(struct strv *s, char *str);
void strv_free(struct strv *s);

#define EXP_SPLIT   1 /* field splitting and globbing (argument words) */
#define EXP_NOTILDE 2
#define EXP_HEREDOC 4  /* body of an unquoted here-document */
#define EXP_PATTERN 8  /* case pattern: keep quoted glob chars escaped */
#define EXP_NOGLOB  16 /* split, but no pathname expansion (set -f, fuzzing) */
#define EXP_DQWORD  32 /* internal: the word of ${x-w} inside "..." */
/* Expands raw word w, appending fields to out. Returns 0, or -1 on error
 * (e.g. ${x?msg}, bad arithmetic). */
int expand_word(const struct exp_ops *ops, const char *w, int flags, struct strv *out);
/* Expands to exactly one string (assignments, redirection targets). */
char *expand_one(const struct exp_ops *ops, const char *w, int flags);
int arith_eval(const struct exp_ops *ops, const char *expr, long *result);
int glob_match(const char *pat, const char *s);

#endif
