/*
 * Line filters: cut, tr, sort, uniq and grep (POSIX.1-2017 XCU). grep uses
 * the C library's regcomp/regexec (musl's POSIX BRE and ERE), so back-
 * references and intervals work in basic expressions.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

/* ---- cut ---------------------------------------------------------------- */

/* A LIST of ranges "1,3-5,7-" as a bitmap of the first 4096 positions plus an open end. */
struct cut_list {
	unsigned char on[4096];
	size_t open_from; /* every position >= this is selected; 0: none */
};

static int cut_parse(const char *s, struct cut_list *l)
{
	memset(l, 0, sizeof(*l));
	while (*s) {
		char *end;
		size_t lo = 1, hi;
		if (*s != '-') {
			lo = strtoul(s, &end, 10);
			if (end == s || lo == 0)
				return -1;
			s = end;
		}
		hi = lo;
		if (*s == '-') {
			s++;
			if (*s >= '0' && *s <= '9') {
				hi = strtoul(s, &end, 10);
				s = end;
				if (hi < lo)
					return -1;
			} else {
				hi = 0; /* open */
			}
		}
		if (hi == 0) {
			if (!l->open_from || lo < l->open_from)
				l->open_from = lo;
			hi = sizeof(l->on) - 1;
		}
		for (size_t i = lo; i <= hi && i < sizeof(l->on); i++)
			l->on[i] = 1;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

static int cut_has(const struct cut_list *l, size_t pos)
{
	return pos < sizeof(l->on) ? l->on[pos] : (l->open_from && pos >= l->open_from);
}

int cut_main(int argc, char **argv)
{
	static const char use[] = "-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...";
	static char *dash[] = {"-", NULL};
	struct cut_list list;
	char mode = 0, delim = '\t';
	int only_delim = 0, c, rc = 0;
	const char *spec = NULL;
	while ((c = getopt(argc, argv, "b:c:f:d:sn")) != -1) {
		switch (c) {
		case 'b':
		case 'c':
		case 'f':
			if (mode) {
				tool_warn("only one type of list may be specified");
				return tool_usage(1, use);
			}
			mode = c == 'b' ? 'c' : (char)c;
			spec = optarg;
			break;
		case 'd':
			if (strlen(optarg) != 1) {
				tool_warn("the delimiter must be a single character");
				return tool_usage(1, use);
			}
			delim = optarg[0];
			break;
		case 's':
			only_delim = 1;
			break;
		case 'n':
			break;
		default:
			return tool_usage(1, use);
		}
	}
	if (!mode) {
		tool_warn("you must specify a list of bytes, characters, or fields");
		return tool_usage(1, use);
	}
	if (cut_parse(spec, &list) < 0) {
		tool_warn("invalid list '%s'", spec);
		return 1;
	}
	char **files = optind < argc ? argv + optind : dash;
	char *line = NULL;
	size_t cap = 0;
	for (; *files; files++) {
		FILE *f = open_input(*files);
		ssize_t len;
		if (!f) {
			rc = 1;
			continue;
		}
		while ((len = getline(&line, &cap, f)) >= 0) {
			int nl = len > 0 && line[len - 1] == '\n';
			if (nl)
				line[--len] = '\0';
			if (mode == 'c') {
				for (ssize_t i = 0; i < len; i++)
					if (cut_has(&list, (size_t)i + 1))
						putchar(line[i]);
			} else if (!memchr(line, delim, (size_t)len)) {
				if (only_delim)
					continue;
				fwrite(line, 1, (size_t)len, stdout);
			} else {
				size_t field = 1;
				int printed = 0;
				char *p = line, *end = line + len;
				while (p <= end) {
					char *q = memchr(p, delim, (size_t)(end - p));
					if (!q)
						q = end;
					if (cut_has(&list, field)) {
						if (printed)
							putchar(delim);
						fwrite(p, 1, (size_t)(q - p), stdout);
						printed = 1;
					}
					p = q + 1;
					field++;
				}
			}
			putchar('\n');
		}
		close_input(f);
	}
	free(line);
	return rc;
}

/* ---- tr ----------------------------------------------------------------- */

/* Expand a tr SET (ranges a-z, \n \\ \NNN octal, [:class:]) into out; returns its length or -1. */
static int tr_expand(const char *s, unsigned char *out, size_t cap)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank},
		       {"cntrl", iscntrl}, {"digit", isdigit}, {"graph", isgraph},
		       {"lower", islower}, {"print", isprint}, {"punct", ispunct},
		       {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit}};
	size_t n = 0;
	while (*s) {
		int ch;
		if (s[0] == '[' && s[1] == ':') {
			const char *e = strstr(s + 2, ":]");
			size_t k;
			for (k = 0; e && k < sizeof(classes) / sizeof(classes[0]); k++)
				if (strlen(classes[k].name) == (size_t)(e - s - 2) &&
				    !strncmp(s + 2, classes[k].name, (size_t)(e - s - 2)))
					break;
			if (!e || k == sizeof(classes) / sizeof(classes[0]))
				return -1;
			for (int x = 0; x < 256 && n < cap; x++)
				if (classes[k].fn(x))
					out[n++] = (unsigned char)x;
			s = e + 2;
			continue;
		}
		if (*s == '\\' && s[1]) {
			s++;
			if (*s >= '0' && *s <= '7') {
				ch = 0;
				for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++)
					ch = ch * 8 + (*s++ - '0');
			} else {
				const char *esc = "n\nt\tr\rb\bf\fv\va\a\\\\";
				const char *m = strchr(esc, *s);
				ch = m && (m - esc) % 2 == 0 ? m[1] : *s;
				s++;
			}
		} else {
			ch = (unsigned char)*s++;
		}
		if (*s == '-' && s[1]) {
			int hi = (unsigned char)s[1];
			s += 2;
			if (hi < ch)
				return -1;
			for (int x = ch; x <= hi && n < cap; x++)
				out[n++] = (unsigned char)x;
			continue;
		}
		if (n < cap)
			out[n++] = (unsigned char)ch;
	}
	return (int)n;
}

int tr_main(int argc, char **argv)
{
	static const char use[] = "[-cds] SET1 [SET2]";
	unsigned char s1[4096], s2[4096], map[256], in1[256] = {0}, in2[256] = {0};
	int del = 0, squeeze = 0, comp = 0, c;
	while ((c = getopt(argc, argv, "cCds")) != -1) {
		if (c == 'c' || c == 'C')
			comp = 1;
		else if (c == 'd')
			del = 1;
		else if (c == 's')
			squeeze = 1;
		else
			return tool_usage(1, use);
	}
	int nargs = argc - optind;
	int need = del && squeeze ? 2 : (del || (squeeze && nargs == 1) ? 1 : 2);
	if (nargs < need || nargs > 2 || (del && !squeeze && nargs != 1)) {
		tool_warn(nargs < need ? "missing operand" : "extra operand");
		return tool_usage(1, use);
	}
	int n1 = tr_expand(argv[optind], s1, sizeof(s1));
	int n2 = nargs > 1 ? tr_expand(argv[optind + 1], s2, sizeof(s2)) : 0;
	if (n1 < 0 || n2 < 0) {
		tool_warn("invalid set");
		return 1;
	}
	for (int i = 0; i < n1; i++)
		in1[s1[i]] = 1;
	if (comp) {
		/* The complement of SET1 in byte order. */
		n1 = 0;
		for (int x = 0; x < 256; x++)
			if (!in1[x])
				s1[n1++] = (unsigned char)x;
		memset(in1, 0, sizeof(in1));
		for (int i = 0; i < n1; i++)
			in1[s1[i]] = 1;
	}
	for (int x = 0; x < 256; x++)
		map[x] = (unsigned char)x;
	int translate = !del && nargs == 2;
	if (translate) {
		if (n2 == 0) {
			tool_warn("when translating, SET2 must not be empty");
			return 1;
		}
		for (int i = 0; i < n1; i++)
			map[s1[i]] = s2[i < n2 ? i : n2 - 1];
	}
	/* The squeeze set: SET2 when translating or deleting, else SET1. */
	if (squeeze) {
		if (nargs == 2)
			for (int i = 0; i < n2; i++)
				in2[s2[i]] = 1;
		else
			memcpy(in2, in1, sizeof(in2));
	}
	int last = -1, ch;
	while ((ch = getchar()) != EOF) {
		if (del && in1[ch])
			continue;
		ch = map[ch];
		if (squeeze && in2[ch] && ch == last)
			continue;
		last = ch;
		putchar(ch);
	}
	return 0;
}

/* ---- sort --------------------------------------------------------------- */

struct sort_opts {
	int numeric, reverse, unique, fold, blanks;
	int key_start, key_end; /* fields, 1-based; 0: whole line / to end */
	int sep;		/* -t character, or -1 for blank runs */
};

static const struct sort_opts *sort_cfg;

/* The key of LINE per -k/-t: [*start, *end). */
static void sort_key(const char *line, const char **start, const char **end)
{
	const struct sort_opts *o = sort_cfg;
	const char *p = line, *e = line + strlen(line);
	if (!o->key_start) {
		*start = p;
		*end = e;
		return;
	}
	const char *fs = e, *fe = e;
	for (int field = 1; p <= e; field++) {
		const char *q;
		if (o->sep >= 0) {
			q = strchr(p, o->sep);
			if (!q)
				q = e;
		} else {
			/* Blank-separated: a field includes its leading blanks (POSIX). */
			q = p;
			while (q < e && isblank((unsigned char)*q))
				q++;
			while (q < e && !isblank((unsigned char)*q))
				q++;
		}
		if (field == o->key_start)
			fs = p;
		if (o->key_end && field == o->key_end) {
			fe = q;
			break;
		}
		if (q >= e)
			break;
		p = o->sep >= 0 ? q + 1 : q;
	}
	if (fs > fe)
		fs = fe;
	*start = fs;
	*end = fe;
}

static int sort_cmp_lines(const char *a, const char *b)
{
	const struct sort_opts *o = sort_cfg;
	const char *as, *ae, *bs, *be;
	int r;
	sort_key(a, &as, &ae);
	sort_key(b, &bs, &be);
	if (o->blanks || o->numeric) {
		while (as < ae && isblank((unsigned char)*as))
			as++;
		while (bs < be && isblank((unsigned char)*bs))
			bs++;
	}
	if (o->numeric) {
		double x = strtod(as, NULL), y = strtod(bs, NULL);
		r = x < y ? -1 : x > y;
	} else {
		size_t la = (size_t)(ae - as), lb = (size_t)(be - bs), n = la < lb ? la : lb;
		r = 0;
		for (size_t i = 0; i < n && !r; i++) {
			int ca = (unsigned char)as[i], cb = (unsigned char)bs[i];
			if (o->fold) {
				ca = toupper(ca);
				cb = toupper(cb);
			}
			r = ca - cb;
		}
		if (!r)
			r = la < lb ? -1 : la > lb;
	}
	return o->reverse ? -r : r;
}

static int sort_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int r = sort_cmp_lines(x, y);
	if (r || sort_cfg->unique)
		return r;
	/* Last resort: the whole line by bytes (as GNU without -s). */
	r = strcmp(x, y);
	return sort_cfg->reverse ? -r : r;
}

int sort_main(int argc, char **argv)
{
	static const char use[] = "[-bfnru] [-t CHAR] [-k START[,END]] [-o FILE] [FILE]...";
	static char *dash[] = {"-", NULL};
	struct sort_opts o = {0, 0, 0, 0, 0, 0, 0, -1};
	const char *outfile = NULL;
	int c, rc = 0;
	while ((c = getopt(argc, argv, "bfnrut:k:o:")) != -1) {
		switch (c) {
		case 'b':
			o.blanks = 1;
			break;
		case 'f':
			o.fold = 1;
			break;
		case 'n':
			o.numeric = 1;
			break;
		case 'r':
			o.reverse = 1;
			break;
		case 'u':
			o.unique = 1;
			break;
		case 't':
			if (strlen(optarg) != 1) {
				tool_warn("multi-character tab '%s'", optarg);
				return 2;
			}
			o.sep = (unsigned char)optarg[0];
			break;
		case 'k': {
			char *end;
			o.key_start = (int)strtol(optarg, &end, 10);
			o.key_end = 0;
			for (; *end; end++) {
				if (*end == 'n')
					o.numeric = 1;
				else if (*end == 'r')
					o.reverse = 1;
				else if (*end == 'b')
					o.blanks = 1;
				else if (*end == 'f')
					o.fold = 1;
				else if (*end == ',' && !o.key_end)
					o.key_end = (int)strtol(end + 1, &end, 10), end--;
				else if (!strchr(".0123456789", *end))
					break;
			}
			if (o.key_start <= 0 || *end || o.key_end < 0) {
				tool_warn("invalid key '%s'", optarg);
				return 2;
			}
			break;
		}
		case 'o':
			outfile = optarg;
			break;
		default:
			return tool_usage(2, use);
		}
	}
	char **files = optind < argc ? argv + optind : dash;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	for (; *files; files++) {
		FILE *f = open_input(*files);
		char *line = NULL;
		size_t lcap = 0;
		ssize_t len;
		if (!f) {
			rc = 2;
			continue;
		}
		while ((len = getline(&line, &lcap, f)) >= 0) {
			if (len > 0 && line[len - 1] == '\n')
				line[len - 1] = '\0';
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				char **nl = realloc(lines, cap * sizeof(*lines));
				if (!nl) {
					tool_warn("out of memory");
					return 2;
				}
				lines = nl;
			}
			lines[n++] = strdup(line);
		}
		free(line);
		close_input(f);
	}
	if (rc)
		return rc;
	sort_cfg = &o;
	qsort(lines, n, sizeof(*lines), sort_cmp);
	if (outfile && !freopen(outfile, "w", stdout)) {
		tool_warn_errno("%s", outfile);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (!o.unique || i == 0 || sort_cmp_lines(lines[i - 1], lines[i]) != 0)
			puts(lines[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
}

/* ---- uniq --------------------------------------------------------------- */

int uniq_main(int argc, char **argv)
{
	static const char use[] = "[-c|-d|-u] [-i] [INPUT [OUTPUT]]";
	int count = 0, dups = 0, uniques = 0, fold = 0, c;
	while ((c = getopt(argc, argv, "cdui")) != -1) {
		if (c == 'c')
			count = 1;
		else if (c == 'd')
			dups = 1;
		else if (c == 'u')
			uniques = 1;
		else if (c == 'i')
			fold = 1;
		else
			return tool_usage(1, use);
	}
	if (argc - optind > 2) {
		tool_warn("extra operand '%s'", argv[optind + 2]);
		return tool_usage(1, use);
	}
	FILE *in = open_input(optind < argc ? argv[optind] : "-");
	if (!in)
		return 1;
	if (argc - optind == 2 && !freopen(argv[optind + 1], "w", stdout)) {
		tool_warn_errno("%s", argv[optind + 1]);
		return 1;
	}
	char *prev = NULL, *line = NULL;
	size_t cap = 0;
	long long times = 0;
	ssize_t len;
	for (;;) {
		len = getline(&line, &cap, in);
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (len >= 0 && prev && (fold ? strcasecmp(prev, line) : strcmp(prev, line)) == 0) {
			times++;
			continue;
		}
		if (prev &&
		    ((!dups && !uniques) || (dups && times > 1) || (uniques && times == 1))) {
			if (count)
				printf("%7lld %s\n", times, prev);
			else
				puts(prev);
		}
		free(prev);
		prev = NULL;
		if (len < 0)
			break;
		prev = strdup(line);
		times = 1;
	}
	free(line);
	close_input(in);
	return 0;
}

/* ---- grep --------------------------------------------------------------- */

struct grep_opts {
	regex_t re;
	int invert, number, list, count, quiet, recursive, with_name, no_msgs, word, only;
	int implicit_dot; /* -r without operands: names without "./", as GNU */
	int matched, error;
};

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * Walk the matches of LINE left to right (for -w and -o): with -w a match
 * counts only when no word character touches either end. Prints each
 * non-empty match after PREFIX when print is set; returns whether any
 * counted.
 */
static int grep_matches(struct grep_opts *o, const char *line, const char *prefix, int print)
{
	size_t len = strlen(line), off = 0;
	int any = 0;
	regmatch_t m;
	while (off <= len && regexec(&o->re, line + off, 1, &m, off ? REG_NOTBOL : 0) == 0) {
		size_t s = off + (size_t)m.rm_so, e = off + (size_t)m.rm_eo;
		int ok = !o->word || ((s == 0 || !word_char(line[s - 1])) &&
				      (e == len || !word_char(line[e])) && e > s);
		if (ok) {
			any = 1;
			if (!print)
				return 1;
			if (e > s)
				printf("%s%.*s\n", prefix, (int)(e - s), line + s);
		}
		off = ok && e > s ? e : s + 1;
	}
	return any;
}

static void grep_stream(FILE *f, const char *name, struct grep_opts *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long long lineno = 0, hits = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		lineno++;
		int m = (o->word || o->only) ? grep_matches(o, line, NULL, 0)
					     : regexec(&o->re, line, 0, NULL, 0) == 0;
		if (m == o->invert)
			continue;
		hits++;
		o->matched = 1;
		if (o->quiet)
			break;
		if (o->list)
			break;
		if (o->count)
			continue;
		if (o->with_name)
			printf("%s:", name);
		if (o->only && !o->invert) {
			char prefix[PATH_MAX + 32];
			snprintf(prefix, sizeof(prefix), "%s%s", o->with_name ? name : "",
				 o->with_name ? ":" : "");
			if (o->number)
				snprintf(prefix + strlen(prefix), sizeof(prefix) - strlen(prefix),
					 "%lld:", lineno);
			grep_matches(o, line, prefix, 1);
			continue;
		}
		if (o->number)
			printf("%lld:", lineno);
		puts(line);
	}
	free(line);
	if (o->quiet)
		return;
	if (o->list && hits)
		puts(name);
	else if (o->count) {
		if (o->with_name)
			printf("%s:", name);
		printf("%lld\n", hits);
	}
}

static void grep_path(const char *path, struct grep_opts *o, int top)
{
	struct stat st;
	if (o->recursive && strcmp(path, "-") && (top ? stat(path, &st) : lstat(path, &st)) == 0 &&
	    S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			if (!o->no_msgs)
				tool_warn_errno("%s", path);
			o->error = 1;
			return;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			char child[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (top && o->implicit_dot)
				snprintf(child, sizeof(child), "%s", e->d_name);
			else
				snprintf(child, sizeof(child), "%s%s%s", path,
					 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
			grep_path(child, o, 0);
		}
		closedir(d);
		return;
	}
	if (!top && o->recursive && S_ISLNK(st.st_mode))
		return;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		if (!o->no_msgs)
			tool_warn_errno("%s", path);
		o->error = 1;
		return;
	}
	if (!o->recursive && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!o->no_msgs)
			tool_warn("%s: Is a directory", path);
		o->error = 1;
		close_input(f);
		return;
	}
	grep_stream(f, strcmp(path, "-") == 0 ? "(standard input)" : path, o);
	close_input(f);
}

int grep_main(int argc, char **argv)
{
	static const char use[] = "[-EFcHhilnoqrsvwx] [-e PATTERN]... [PATTERN] [FILE]...";
	struct grep_opts o = {0};
	int flags = 0, c, force_name = -1, fixed = 0, whole = 0;
	char *pattern = NULL;
	while ((c = getopt(argc, argv, "EFcHhilnoqrRsvwxe:")) != -1) {
		switch (c) {
		case 'E':
			flags |= REG_EXTENDED;
			break;
		case 'F':
			fixed = 1;
			break;
		case 'c':
			o.count = 1;
			break;
		case 'H':
			force_name = 1;
			break;
		case 'h':
			force_name = 0;
			break;
		case 'i':
			flags |= REG_ICASE;
			break;
		case 'l':
			o.list = 1;
			break;
		case 'n':
			o.number = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'r':
		case 'R':
			o.recursive = 1;
			break;
		case 's':
			o.no_msgs = 1;
			break;
		case 'v':
			o.invert = 1;
			break;
		case 'x':
			whole = 1;
			break;
		case 'w':
			o.word = 1;
			break;
		case 'o':
			o.only = 1;
			break;
		case 'e':
			if (pattern) {
				/* Several -e patterns: alternatives, one per line as POSIX says. */
				char *p = malloc(strlen(pattern) + strlen(optarg) + 2);
				sprintf(p, "%s\n%s", pattern, optarg);
				free(pattern);
				pattern = p;
			} else {
				pattern = strdup(optarg);
			}
			break;
		default:
			return tool_usage(2, use);
		}
	}
	if (!pattern) {
		if (optind >= argc)
			return tool_usage(2, use);
		pattern = strdup(argv[optind++]);
	}
	/* Build one expression: newline-separated patterns become alternatives (ERE). */
	size_t plen = strlen(pattern);
	char *expr = malloc(plen * 4 + 16);
	char *w = expr;
	int ere = (flags & REG_EXTENDED) != 0;
	if (strchr(pattern, '\n') || fixed || whole) {
		/* Convert to ERE so alternatives work; BRE metacharacters are kept as they are. */
		w += sprintf(w, "%s((", whole ? "^" : "");
		for (const char *p = pattern; *p; p++) {
			if (*p == '\n') {
				*w++ = ')';
				*w++ = '|';
				*w++ = '(';
				continue;
			}
			if (fixed && strchr("\\^$.[]|()*+?{}", *p))
				*w++ = '\\';
			else if (!fixed && !ere && strchr("|+?(){}", *p)) {
				*w++ = '\\'; /* literal in BRE */
			} else if (!fixed && !ere && *p == '\\' && p[1] &&
				   strchr("(){}|+?", p[1])) {
				p++; /* BRE \( is ERE ( */
			}
			*w++ = *p;
		}
		w += sprintf(w, "))%s", whole ? "$" : "");
		*w = '\0';
		flags |= REG_EXTENDED;
	} else {
		strcpy(expr, pattern);
	}
	int err = regcomp(&o.re, expr, flags);
	if (err) {
		char msg[128];
		regerror(err, &o.re, msg, sizeof(msg));
		tool_warn("%s: %s", pattern, msg);
		free(expr);
		free(pattern);
		return 2;
	}
	static char *dash[] = {"-", NULL};
	char **files = optind < argc ? argv + optind : dash;
	if (optind >= argc && o.recursive) {
		static char *dot[] = {".", NULL};
		files = dot;
		o.implicit_dot = 1;
	}
	o.with_name = force_name >= 0 ? force_name : (argc - optind > 1 || o.recursive);
	for (; *files; files++) {
		grep_path(*files, &o, 1);
		if (o.quiet && o.matched)
			break;
	}
	regfree(&o.re);
	free(expr);
	free(pattern);
	if (o.quiet && o.matched)
		return 0;
	return o.error ? 2 : (o.matched ? 0 : 1);
}
