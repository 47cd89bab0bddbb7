/*
 * Tools that walk or describe files: find, du, xargs, stat, hexdump, df and
 * chown (POSIX.1-2017 XCU; hexdump -C, stat -c and df -h as the util-linux
 * and GNU tools print them).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

/* ---- find --------------------------------------------------------------- */

enum fnode_kind { F_AND, F_OR, F_NOT, F_NAME, F_INAME, F_TYPE, F_PRINT, F_PRINT0, F_EXEC, F_TRUE };

struct fnode {
	enum fnode_kind kind;
	struct fnode *l, *r;
	const char *arg;
	char **argv; /* -exec: the command, NULL-terminated, "{}" replaced per file */
	int argc;
};

struct find_state {
	char **av;
	int ac, pos;
	int has_action, maxdepth, mindepth, error;
	const char *bad;
};

static struct fnode *fnew(enum fnode_kind k, struct fnode *l, struct fnode *r)
{
	struct fnode *n = calloc(1, sizeof(*n));
	if (!n)
		exit(1);
	n->kind = k;
	n->l = l;
	n->r = r;
	return n;
}

static struct fnode *find_or(struct find_state *s);

static struct fnode *find_primary(struct find_state *s)
{
	if (s->pos >= s->ac) {
		s->bad = "expression expected";
		return NULL;
	}
	const char *t = s->av[s->pos++];
	if (!strcmp(t, "!") || !strcmp(t, "-not")) {
		struct fnode *x = find_primary(s);
		return x ? fnew(F_NOT, x, NULL) : NULL;
	}
	if (!strcmp(t, "(")) {
		struct fnode *x = find_or(s);
		if (!x)
			return NULL;
		if (s->pos >= s->ac || strcmp(s->av[s->pos], ")")) {
			s->bad = "missing ')'";
			return NULL;
		}
		s->pos++;
		return x;
	}
	if (!strcmp(t, "-print") || !strcmp(t, "-print0")) {
		s->has_action = 1;
		return fnew(t[6] ? F_PRINT0 : F_PRINT, NULL, NULL);
	}
	if (!strcmp(t, "-maxdepth") || !strcmp(t, "-mindepth")) {
		char *end;
		if (s->pos >= s->ac) {
			s->bad = t;
			return NULL;
		}
		long v = strtol(s->av[s->pos++], &end, 10);
		if (*end || v < 0) {
			s->bad = t;
			return NULL;
		}
		if (t[2] == 'a')
			s->maxdepth = (int)v;
		else
			s->mindepth = (int)v;
		return fnew(F_TRUE, NULL, NULL);
	}
	if (!strcmp(t, "-exec")) {
		struct fnode *n = fnew(F_EXEC, NULL, NULL);
		int start = s->pos;
		while (s->pos < s->ac && strcmp(s->av[s->pos], ";"))
			s->pos++;
		if (s->pos >= s->ac || s->pos == start) {
			s->bad = "missing argument to '-exec'";
			return NULL;
		}
		n->argc = s->pos - start;
		n->argv = s->av + start;
		s->pos++;
		s->has_action = 1;
		return n;
	}
	if (!strcmp(t, "-name") || !strcmp(t, "-iname") || !strcmp(t, "-type")) {
		if (s->pos >= s->ac) {
			s->bad = t;
			return NULL;
		}
		struct fnode *n = fnew(t[1] == 'n'   ? F_NAME
				       : t[1] == 'i' ? F_INAME
						     : F_TYPE,
				       NULL, NULL);
		n->arg = s->av[s->pos++];
		if (n->kind == F_TYPE && (strlen(n->arg) != 1 || !strchr("fdlcbps", n->arg[0]))) {
			s->bad = t;
			return NULL;
		}
		return n;
	}
	s->bad = t;
	return NULL;
}

static struct fnode *find_and(struct find_state *s)
{
	struct fnode *l = find_primary(s);
	while (l && s->pos < s->ac && strcmp(s->av[s->pos], "-o") && strcmp(s->av[s->pos], ")")) {
		if (!strcmp(s->av[s->pos], "-a"))
			s->pos++;
		struct fnode *r = find_primary(s);
		if (!r)
			return NULL;
		l = fnew(F_AND, l, r);
	}
	return l;
}

static struct fnode *find_or(struct find_state *s)
{
	struct fnode *l = find_and(s);
	while (l && s->pos < s->ac && !strcmp(s->av[s->pos], "-o")) {
		s->pos++;
		struct fnode *r = find_and(s);
		if (!r)
			return NULL;
		l = fnew(F_OR, l, r);
	}
	return l;
}

static int find_exec(const struct fnode *n, const char *path, struct find_state *s)
{
	char **argv = calloc((size_t)n->argc + 1, sizeof(char *));
	if (!argv)
		return 0;
	for (int i = 0; i < n->argc; i++) {
		const char *a = n->argv[i], *hit = strstr(a, "{}");
		if (!hit) {
			argv[i] = (char *)a;
			continue;
		}
		/* Every "{}" in the argument becomes the path (as GNU). */
		size_t cap = strlen(a) + 1;
		for (const char *p = hit; p; p = strstr(p + 2, "{}"))
			cap += strlen(path);
		char *buf = malloc(cap), *w = buf;
		for (const char *p = a; *p;) {
			if (p[0] == '{' && p[1] == '}') {
				w = stpcpy(w, path);
				p += 2;
			} else {
				*w++ = *p++;
			}
		}
		*w = '\0';
		argv[i] = buf;
	}
	fflush(stdout);
	pid_t pid = fork();
	int status = 0;
	if (pid == 0) {
		execvp(argv[0], argv);
		tool_warn_errno("%s", argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		tool_warn_errno("fork");
		s->error = 1;
		status = 1;
	}
	for (int i = 0; i < n->argc; i++)
		if (argv[i] != n->argv[i])
			free(argv[i]);
	free(argv);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int find_eval(const struct fnode *n, const char *path, const struct stat *st,
		     struct find_state *s)
{
	const char *base;
	switch (n->kind) {
	case F_AND:
		return find_eval(n->l, path, st, s) && find_eval(n->r, path, st, s);
	case F_OR:
		return find_eval(n->l, path, st, s) || find_eval(n->r, path, st, s);
	case F_NOT:
		return !find_eval(n->l, path, st, s);
	case F_NAME:
	case F_INAME: {
		/* The last component, trailing slashes aside ("/" itself stays "/"). */
		char tmp[PATH_MAX];
		size_t len = strlen(path);
		snprintf(tmp, sizeof(tmp), "%s", path);
		while (len > 1 && tmp[len - 1] == '/')
			tmp[--len] = '\0';
		base = strrchr(tmp, '/');
		base = base && base[1] ? base + 1 : tmp;
		return fnmatch(n->arg, base, n->kind == F_INAME ? FNM_CASEFOLD : 0) == 0;
	}
	case F_TYPE:
		switch (n->arg[0]) {
		case 'f':
			return S_ISREG(st->st_mode);
		case 'd':
			return S_ISDIR(st->st_mode);
		case 'l':
			return S_ISLNK(st->st_mode);
		case 'c':
			return S_ISCHR(st->st_mode);
		case 'b':
			return S_ISBLK(st->st_mode);
		case 'p':
			return S_ISFIFO(st->st_mode);
		default:
			return S_ISSOCK(st->st_mode);
		}
	case F_PRINT:
		printf("%s\n", path);
		return 1;
	case F_PRINT0:
		fputs(path, stdout);
		putchar('\0');
		return 1;
	case F_EXEC:
		return find_exec(n, path, s);
	case F_TRUE:
		return 1;
	}
	return 0;
}

static void find_walk(const char *path, int depth, const struct fnode *expr, struct find_state *s)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		tool_warn_errno("'%s'", path);
		s->error = 1;
		return;
	}
	if (depth >= s->mindepth) {
		int m = expr ? find_eval(expr, path, &st, s) : 1;
		if (m && !s->has_action)
			printf("%s\n", path);
	}
	if (!S_ISDIR(st.st_mode) || (s->maxdepth >= 0 && depth >= s->maxdepth))
		return;
	DIR *d = opendir(path);
	if (!d) {
		tool_warn_errno("'%s'", path);
		s->error = 1;
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		find_walk(child, depth + 1, expr, s);
	}
	closedir(d);
}

int find_main(int argc, char **argv)
{
	struct find_state s = {0};
	int first_expr = 1;
	s.maxdepth = -1;
	while (first_expr < argc && argv[first_expr][0] != '-' && strcmp(argv[first_expr], "!") &&
	       strcmp(argv[first_expr], "("))
		first_expr++;
	s.av = argv + first_expr;
	s.ac = argc - first_expr;
	struct fnode *expr = NULL;
	if (s.ac > 0) {
		expr = find_or(&s);
		if (!expr || s.pos < s.ac) {
			tool_warn("invalid expression at '%s'",
				  s.bad ? s.bad : (s.pos < s.ac ? s.av[s.pos] : ""));
			return tool_usage(1, "[PATH]... [-maxdepth N] [-mindepth N] [EXPRESSION]\n"
					     "  EXPRESSION: -name PAT -iname PAT -type [fdlcbps] "
					     "-print -print0 -exec CMD {} ; ! ( ) -a -o");
		}
	}
	if (first_expr == 1)
		find_walk(".", 0, expr, &s);
	for (int i = 1; i < first_expr; i++)
		find_walk(argv[i], 0, expr, &s);
	return s.error;
}

/* ---- du ----------------------------------------------------------------- */

struct du_state {
	int all, summary, human, error;
	dev_t *devs;
	ino_t *inos;
	size_t nseen, capseen;
};

static void du_show(unsigned long long blocks512, const char *path, const struct du_state *s)
{
	if (s->human) {
		char b[32];
		fmt_human(blocks512 * 512, b, sizeof(b));
		printf("%s\t%s\n", b, path);
	} else {
		printf("%llu\t%s\n", (blocks512 + 1) / 2, path);
	}
}

/* Hard links are counted once (POSIX du). */
static int du_seen(struct du_state *s, const struct stat *st)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (s->devs[i] == st->st_dev && s->inos[i] == st->st_ino)
			return 1;
	if (s->nseen == s->capseen) {
		s->capseen = s->capseen ? s->capseen * 2 : 64;
		s->devs = realloc(s->devs, s->capseen * sizeof(dev_t));
		s->inos = realloc(s->inos, s->capseen * sizeof(ino_t));
		if (!s->devs || !s->inos)
			exit(1);
	}
	s->devs[s->nseen] = st->st_dev;
	s->inos[s->nseen++] = st->st_ino;
	return 0;
}

static unsigned long long du_walk(const char *path, int depth, struct du_state *s)
{
	struct stat st;
	if ((depth ? lstat(path, &st) : stat(path, &st)) < 0) {
		tool_warn_errno("cannot access '%s'", path);
		s->error = 1;
		return 0;
	}
	if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && du_seen(s, &st))
		return 0;
	unsigned long long total = (unsigned long long)st.st_blocks;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			tool_warn_errno("cannot read directory '%s'", path);
			s->error = 1;
		} else {
			struct dirent *e;
			while ((e = readdir(d))) {
				char child[PATH_MAX];
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				snprintf(child, sizeof(child), "%s%s%s", path,
					 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
				total += du_walk(child, depth + 1, s);
			}
			closedir(d);
		}
		if (!s->summary || depth == 0)
			du_show(total, path, s);
	} else if ((s->all && !s->summary) || depth == 0) {
		du_show(total, path, s);
	}
	return total;
}

int du_main(int argc, char **argv)
{
	struct du_state s = {0};
	int c;
	while ((c = getopt(argc, argv, "ahks")) != -1) {
		if (c == 'a')
			s.all = 1;
		else if (c == 'h')
			s.human = 1;
		else if (c == 's')
			s.summary = 1;
		else if (c != 'k')
			return tool_usage(1, "[-a|-s] [-hk] [FILE]...");
	}
	if (optind >= argc)
		du_walk(".", 0, &s);
	for (int i = optind; i < argc; i++)
		du_walk(argv[i], 0, &s);
	free(s.devs);
	free(s.inos);
	return s.error;
}

/* ---- xargs -------------------------------------------------------------- */

/* The next argument from stdin: blank-separated with '' "" and \ quoting, or NUL-separated (-0). */
static char *xargs_next(int nul, int whole_line)
{
	size_t cap = 64, n = 0;
	char *buf = malloc(cap);
	int ch, quote = 0, any = 0;
	if (!buf)
		exit(1);
	while ((ch = getchar()) != EOF) {
		if (nul) {
			if (ch == '\0')
				break;
		} else if (quote) {
			if (ch == quote) {
				quote = 0;
				continue;
			}
		} else if (whole_line ? ch == '\n' : (ch == ' ' || ch == '\t' || ch == '\n')) {
			if (any)
				break;
			continue;
		} else if (!whole_line && (ch == '\'' || ch == '"')) {
			quote = ch;
			any = 1;
			continue;
		} else if (ch == '\\') {
			ch = getchar();
			if (ch == EOF)
				break;
		}
		if (whole_line && !any && (ch == ' ' || ch == '\t'))
			continue; /* -I: leading blanks are dropped */
		any = 1;
		if (n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		buf[n++] = (char)ch;
	}
	if (quote) {
		tool_warn("unmatched %s quote", quote == '"' ? "double" : "single");
		exit(1);
	}
	if (!any && (nul ? ch == EOF && n == 0 : 1)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Run argv; returns the xargs status contribution (POSIX: 126, 127, 124, 123). */
static int xargs_run(char **argv, int trace)
{
	if (trace) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	fflush(stdout);
	pid_t pid = fork();
	int status;
	if (pid == 0) {
		execvp(argv[0], argv);
		int e = errno;
		tool_warn_errno("%s", argv[0]);
		_exit(e == ENOENT ? 127 : 126);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		tool_warn_errno("fork");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		tool_warn("%s: terminated by signal %d", argv[0], WTERMSIG(status));
		return 125;
	}
	int rc = WEXITSTATUS(status);
	if (rc == 126 || rc == 127)
		return rc;
	if (rc == 255) {
		tool_warn("%s: exited with status 255; aborting", argv[0]);
		return 124;
	}
	return rc ? 123 : 0;
}

int xargs_main(int argc, char **argv)
{
	static const char use[] = "[-0t] [-n MAX] [-I REPLACE] [COMMAND [ARG]...]";
	int nul = 0, trace = 0, c, rc = 0;
	long maxn = 0;
	const char *repl = NULL;
	while ((c = getopt(argc, argv, "+0tn:I:")) != -1) {
		char *end;
		switch (c) {
		case '0':
			nul = 1;
			break;
		case 't':
			trace = 1;
			break;
		case 'n':
			maxn = strtol(optarg, &end, 10);
			if (*end || maxn <= 0) {
				tool_warn("invalid number '%s' for -n", optarg);
				return 1;
			}
			break;
		case 'I':
			repl = optarg;
			break;
		default:
			return tool_usage(1, use);
		}
	}
	static char *echo[] = {"echo", NULL};
	char **cmd = optind < argc ? argv + optind : echo;
	int ncmd = optind < argc ? argc - optind : 1;
	size_t cap = (size_t)ncmd + 64, n = 0;
	char **args = calloc(cap + 1, sizeof(char *));
	char *a;
	if (!args)
		return 1;
	if (repl) {
		/* -I: one command per input line, REPLACE substituted in every argument. */
		while ((a = xargs_next(nul, !nul))) {
			for (int i = 0; i < ncmd; i++) {
				const char *arg = cmd[i];
				size_t len = strlen(arg) + 1;
				for (const char *p = strstr(arg, repl); p;
				     p = strstr(p + strlen(repl), repl))
					len += strlen(a);
				char *buf = malloc(len), *w = buf;
				for (const char *p = arg; *p;) {
					if (*repl && !strncmp(p, repl, strlen(repl))) {
						w = stpcpy(w, a);
						p += strlen(repl);
					} else {
						*w++ = *p++;
					}
				}
				*w = '\0';
				args[i] = buf;
			}
			args[ncmd] = NULL;
			int r = xargs_run(args, trace);
			for (int i = 0; i < ncmd; i++)
				free(args[i]);
			free(a);
			if (r > rc)
				rc = r;
			if (r >= 124) {
				free(args);
				return r;
			}
		}
		free(args);
		return rc;
	}
	int ran = 0, more = 1;
	while (more) {
		n = 0;
		for (int i = 0; i < ncmd; i++)
			args[n++] = cmd[i];
		while (!maxn || (long)(n - (size_t)ncmd) < maxn) {
			a = xargs_next(nul, 0);
			if (!a) {
				more = 0;
				break;
			}
			if (n == cap) {
				cap *= 2;
				args = realloc(args, (cap + 1) * sizeof(char *));
				if (!args)
					return 1;
			}
			args[n++] = a;
		}
		if (n == (size_t)ncmd && ran)
			break;
		args[n] = NULL;
		int r = xargs_run(args, trace);
		ran = 1;
		for (size_t i = (size_t)ncmd; i < n; i++)
			free(args[i]);
		if (r > rc)
			rc = r;
		if (r >= 124)
			break;
	}
	free(args);
	return rc;
}

/* ---- stat --------------------------------------------------------------- */

static const char *file_type(mode_t m, off_t size)
{
	if (S_ISREG(m))
		return size ? "regular file" : "regular empty file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symbolic link";
	if (S_ISCHR(m))
		return "character special file";
	if (S_ISBLK(m))
		return "block special file";
	if (S_ISFIFO(m))
		return "fifo";
	return "socket";
}

static void stat_time(const struct timespec *t)
{
	struct tm tm;
	char buf[64], zone[16];
	localtime_r(&t->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	printf("%s.%09ld %s\n", buf, t->tv_nsec, zone);
}

static void stat_format(const char *fmt, const char *path, const struct stat *st)
{
	struct passwd *pw;
	struct group *gr;
	char mode[11];
	for (const char *p = fmt; *p; p++) {
		if (*p == '\\' && p[1] == 'n') {
			putchar('\n');
			p++;
			continue;
		}
		if (*p != '%' || !p[1]) {
			putchar(*p);
			continue;
		}
		switch (*++p) {
		case '%':
			putchar('%');
			break;
		case 'n':
			fputs(path, stdout);
			break;
		case 's':
			printf("%lld", (long long)st->st_size);
			break;
		case 'a':
			printf("%o", (unsigned)(st->st_mode & 07777));
			break;
		case 'A':
			fmt_mode(st->st_mode, mode);
			fputs(mode, stdout);
			break;
		case 'b':
			printf("%lld", (long long)st->st_blocks);
			break;
		case 'F':
			fputs(file_type(st->st_mode, st->st_size), stdout);
			break;
		case 'f':
			printf("%x", (unsigned)st->st_mode);
			break;
		case 'h':
			printf("%lu", (unsigned long)st->st_nlink);
			break;
		case 'i':
			printf("%llu", (unsigned long long)st->st_ino);
			break;
		case 'u':
			printf("%u", (unsigned)st->st_uid);
			break;
		case 'g':
			printf("%u", (unsigned)st->st_gid);
			break;
		case 'U':
			pw = getpwuid(st->st_uid);
			fputs(pw ? pw->pw_name : "UNKNOWN", stdout);
			break;
		case 'G':
			gr = getgrgid(st->st_gid);
			fputs(gr ? gr->gr_name : "UNKNOWN", stdout);
			break;
		case 'o':
			printf("%ld", (long)st->st_blksize);
			break;
		case 'X':
			printf("%lld", (long long)st->st_atim.tv_sec);
			break;
		case 'Y':
			printf("%lld", (long long)st->st_mtim.tv_sec);
			break;
		case 'Z':
			printf("%lld", (long long)st->st_ctim.tv_sec);
			break;
		case 'd':
			printf("%llu", (unsigned long long)st->st_dev);
			break;
		default:
			putchar('?');
		}
	}
	putchar('\n');
}

int stat_main(int argc, char **argv)
{
	const char *fmt = NULL;
	int deref = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "c:L")) != -1) {
		if (c == 'c')
			fmt = optarg;
		else if (c == 'L')
			deref = 1;
		else
			return tool_usage(1, "[-L] [-c FORMAT] FILE...");
	}
	if (optind >= argc) {
		tool_warn("missing operand");
		return tool_usage(1, "[-L] [-c FORMAT] FILE...");
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if ((deref ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
			tool_warn_errno("cannot stat '%s'", argv[i]);
			rc = 1;
			continue;
		}
		if (fmt) {
			stat_format(fmt, argv[i], &st);
			continue;
		}
		char mode[11], link[PATH_MAX] = "";
		struct passwd *pw = getpwuid(st.st_uid);
		struct group *gr = getgrgid(st.st_gid);
		ssize_t k = S_ISLNK(st.st_mode) ? readlink(argv[i], link, sizeof(link) - 1) : -1;
		if (k >= 0)
			link[k] = '\0';
		fmt_mode(st.st_mode, mode);
		printf("  File: %s%s%s\n", argv[i], k >= 0 ? " -> " : "", link);
		printf("  Size: %-10lld\tBlocks: %-10lld IO Block: %-6ld %s\n",
		       (long long)st.st_size, (long long)st.st_blocks, (long)st.st_blksize,
		       file_type(st.st_mode, st.st_size));
		printf("Device: %u,%u\tInode: %-11llu Links: %lu\n", major(st.st_dev),
		       minor(st.st_dev), (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
		printf("Access: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n",
		       (unsigned)(st.st_mode & 07777), mode, (unsigned)st.st_uid,
		       pw ? pw->pw_name : "UNKNOWN", (unsigned)st.st_gid,
		       gr ? gr->gr_name : "UNKNOWN");
		printf("Access: ");
		stat_time(&st.st_atim);
		printf("Modify: ");
		stat_time(&st.st_mtim);
		printf("Change: ");
		stat_time(&st.st_ctim);
	}
	return rc;
}

/* ---- hexdump ------------------------------------------------------------ */

static void hex_line(const unsigned char *b, size_t n, unsigned long long off, int canon)
{
	if (canon) {
		printf("%08llx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				putchar(' ');
			if (i < n)
				printf(" %02x", b[i]);
			else
				printf("   ");
		}
		printf("  |");
		for (size_t i = 0; i < n; i++)
			putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
		printf("|\n");
		return;
	}
	printf("%07llx", off);
	for (size_t i = 0; i < 16; i += 2) {
		if (i < n)
			printf(" %04x", b[i] | (i + 1 < n ? b[i + 1] << 8 : 0));
		else
			printf("     "); /* util-linux pads a short last line */
	}
	putchar('\n');
}

int hexdump_main(int argc, char **argv)
{
	static char *dash[] = {"-", NULL};
	int canon = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "C")) != -1) {
		if (c != 'C')
			return tool_usage(1, "[-C] [FILE]...");
		canon = 1;
	}
	/* The files are one stream, as util-linux hexdump reads them. */
	unsigned char line[16], prev[16];
	size_t have = 0;
	unsigned long long off = 0;
	int star = 0, has_prev = 0;
	char **files = optind < argc ? argv + optind : dash;
	for (; *files; files++) {
		FILE *f = open_input(*files);
		if (!f) {
			rc = 1;
			continue;
		}
		int ch;
		while ((ch = getc(f)) != EOF) {
			line[have++] = (unsigned char)ch;
			if (have < 16)
				continue;
			if (has_prev && !memcmp(line, prev, 16)) {
				if (!star)
					puts("*");
				star = 1;
			} else {
				hex_line(line, 16, off, canon);
				star = 0;
			}
			memcpy(prev, line, 16);
			has_prev = 1;
			off += 16;
			have = 0;
		}
		close_input(f);
	}
	if (have) {
		hex_line(line, have, off, canon);
		off += have;
	}
	if (off || have || has_prev)
		printf(canon ? "%08llx\n" : "%07llx\n", off);
	return rc;
}

/* ---- df ----------------------------------------------------------------- */

static void df_size(unsigned long long bytes, int human, char *buf, size_t len)
{
	if (human)
		fmt_human(bytes, buf, len);
	else
		snprintf(buf, len, "%llu", (bytes + 1023) / 1024);
}

int df_main(int argc, char **argv)
{
	int human = 0, all = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "ahkP")) != -1) {
		if (c == 'h')
			human = 1;
		else if (c == 'a')
			all = 1;
		else if (c != 'k' && c != 'P')
			return tool_usage(1, "[-ahkP] [FILE]...");
	}
	FILE *m = fopen("/proc/mounts", "r");
	if (!m) {
		tool_warn_errno("/proc/mounts");
		return 1;
	}
	struct mnt {
		char dev[256], dir[256];
		dev_t id;
	} *mnts = NULL;
	size_t n = 0;
	char line[1024];
	while (fgets(line, sizeof(line), m)) {
		struct mnt x;
		struct stat st;
		if (sscanf(line, "%255s %255s", x.dev, x.dir) != 2)
			continue;
		x.id = stat(x.dir, &st) == 0 ? st.st_dev : (dev_t)-1;
		mnts = realloc(mnts, (n + 1) * sizeof(*mnts));
		if (!mnts)
			return 1;
		mnts[n++] = x;
	}
	fclose(m);
	printf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", human ? "Size" : "1K-blocks", "Used",
	       human ? "Avail" : "Available", "Use%", "Mounted on");
	for (size_t i = 0; i < n || (optind < argc && i == 0); i++) {
		const struct mnt *x = NULL;
		if (optind < argc) {
			/* FILE operands: the mount each lives on (the last one with its device). */
			if (i + (size_t)optind >= (size_t)argc)
				break;
			struct stat st;
			const char *path = argv[optind + (int)i];
			if (stat(path, &st) < 0) {
				tool_warn_errno("%s", path);
				rc = 1;
				continue;
			}
			for (size_t k = 0; k < n; k++)
				if (mnts[k].id == st.st_dev)
					x = &mnts[k];
			if (!x) {
				tool_warn("%s: no mount found", path);
				rc = 1;
				continue;
			}
		} else {
			x = &mnts[i];
		}
		struct statvfs vs;
		if (statvfs(x->dir, &vs) < 0) {
			tool_warn_errno("%s", x->dir);
			rc = 1;
			continue;
		}
		if (vs.f_blocks == 0 && !all && optind >= argc)
			continue;
		unsigned long long fr = vs.f_frsize ? vs.f_frsize : vs.f_bsize;
		unsigned long long total = vs.f_blocks * fr, avail = vs.f_bavail * fr;
		unsigned long long used = (vs.f_blocks - vs.f_bfree) * fr;
		char a[32], b[32], cc[32], pct[8] = "-";
		df_size(total, human, a, sizeof(a));
		df_size(used, human, b, sizeof(b));
		df_size(avail, human, cc, sizeof(cc));
		if (used + avail)
			snprintf(pct, sizeof(pct), "%llu%%",
				 (used * 100 + used + avail - 1) / (used + avail));
		printf("%-20s %10s %10s %10s %4s %s\n", x->dev, a, b, cc, pct, x->dir);
	}
	free(mnts);
	return rc;
}

/* ---- chown -------------------------------------------------------------- */

/* "USER[:GROUP]", ":GROUP", names or numbers; -1 for "unchanged". */
static int parse_owner(const char *spec, uid_t *uid, gid_t *gid)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", spec);
	char *colon = strchr(buf, ':');
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (colon)
		*colon++ = '\0';
	if (buf[0]) {
		struct passwd *pw = getpwnam(buf);
		char *end;
		if (pw) {
			*uid = pw->pw_uid;
		} else {
			unsigned long v = strtoul(buf, &end, 10);
			if (*end)
				return -1;
			*uid = (uid_t)v;
		}
	}
	if (colon && colon[0]) {
		struct group *gr = getgrnam(colon);
		char *end;
		if (gr) {
			*gid = gr->gr_gid;
		} else {
			unsigned long v = strtoul(colon, &end, 10);
			if (*end)
				return -2;
			*gid = (gid_t)v;
		}
	}
	return 0;
}

static int chown_walk(const char *path, uid_t u, gid_t g, int recursive, int top)
{
	struct stat st;
	int rc = 0;
	if ((top ? stat(path, &st) : lstat(path, &st)) < 0) {
		tool_warn_errno("cannot access '%s'", path);
		return -1;
	}
	if ((top ? chown(path, u, g) : lchown(path, u, g)) < 0) {
		tool_warn_errno("changing ownership of '%s'", path);
		rc = -1;
	}
	if (!recursive || !S_ISDIR(st.st_mode))
		return rc;
	DIR *d = opendir(path);
	if (!d) {
		tool_warn_errno("cannot read directory '%s'", path);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		if (chown_walk(child, u, g, 1, 0) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int chown_main(int argc, char **argv)
{
	static const char use[] = "[-R] OWNER[:GROUP] FILE...";
	int recursive = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "R")) != -1) {
		if (c != 'R')
			return tool_usage(1, use);
		recursive = 1;
	}
	if (argc - optind < 2) {
		tool_warn("missing operand");
		return tool_usage(1, use);
	}
	uid_t u;
	gid_t g;
	int r = parse_owner(argv[optind], &u, &g);
	if (r < 0) {
		tool_warn("invalid %s: '%s'", r == -1 ? "user" : "group", argv[optind]);
		return 1;
	}
	for (int i = optind + 1; i < argc; i++)
		if (chown_walk(argv[i], u, g, recursive, 1) < 0)
			rc = 1;
	return rc;
}
