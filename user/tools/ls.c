/*
 * ls (POSIX.1-2017 XCU ls, GNU's -h): -a -A -d -l -h -R -1 -r -t -S, name
 * order by byte value (the C locale), columns sized to the terminal
 * width (TIOCGWINSZ, else $COLUMNS, else 80) when stdout is a tty, with
 * fixed colours (directories blue, links cyan, executables green).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

struct ls_opts {
	int all, almost_all, dir_only, longfmt, human, recursive, one, reverse, color;
	char sort; /* 'n'ame, 't'ime, 'S'ize */
	int width;
};

struct entry {
	char *name; /* as shown */
	char *path; /* for stat and recursion */
	struct stat st;
	int ok;
};

static const struct ls_opts *cmp_opts;

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = 0;
	if (cmp_opts->sort == 't') {
		if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec)
			r = x->st.st_mtim.tv_sec > y->st.st_mtim.tv_sec ? -1 : 1;
		else if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
			r = x->st.st_mtim.tv_nsec > y->st.st_mtim.tv_nsec ? -1 : 1;
	} else if (cmp_opts->sort == 'S' && x->st.st_size != y->st.st_size) {
		r = x->st.st_size > y->st.st_size ? -1 : 1;
	}
	if (r == 0)
		r = strcmp(x->name, y->name);
	return cmp_opts->reverse ? -r : r;
}

static const char *color_of(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return "\033[01;34m";
	if (S_ISLNK(st->st_mode))
		return "\033[01;36m";
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return "\033[01;33m";
	if (S_ISFIFO(st->st_mode))
		return "\033[33m";
	if (S_ISSOCK(st->st_mode))
		return "\033[01;35m";
	if (st->st_mode & 0111)
		return "\033[01;32m";
	return NULL;
}

static void print_name(const struct entry *e, const struct ls_opts *o)
{
	const char *c = o->color && e->ok ? color_of(&e->st) : NULL;
	if (c)
		printf("%s%s\033[0m", c, e->name);
	else
		fputs(e->name, stdout);
}

static int num_width(unsigned long long v)
{
	int w = 1;
	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

static void owner_names(const struct stat *st, char *u, size_t ul, char *g, size_t gl)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	if (pw)
		snprintf(u, ul, "%s", pw->pw_name);
	else
		snprintf(u, ul, "%u", (unsigned)st->st_uid);
	if (gr)
		snprintf(g, gl, "%s", gr->gr_name);
	else
		snprintf(g, gl, "%u", (unsigned)st->st_gid);
}

static void size_text(const struct stat *st, const struct ls_opts *o, char *buf, size_t len)
{
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		snprintf(buf, len, "%u, %u", major(st->st_rdev), minor(st->st_rdev));
	else if (o->human)
		fmt_human((uint64_t)st->st_size, buf, len);
	else
		snprintf(buf, len, "%lld", (long long)st->st_size);
}

static void print_long(struct entry *v, size_t n, const struct ls_opts *o)
{
	int wl = 1, wu = 1, wg = 1, ws = 1;
	char u[64], g[64], s[32];
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].ok)
			continue;
		owner_names(&v[i].st, u, sizeof(u), g, sizeof(g));
		size_text(&v[i].st, o, s, sizeof(s));
		int w = num_width(v[i].st.st_nlink);
		wl = w > wl ? w : wl;
		wu = (int)strlen(u) > wu ? (int)strlen(u) : wu;
		wg = (int)strlen(g) > wg ? (int)strlen(g) : wg;
		ws = (int)strlen(s) > ws ? (int)strlen(s) : ws;
	}
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &v[i];
		char mode[11], when[32];
		struct tm tm;
		if (!e->ok)
			continue;
		fmt_mode(e->st.st_mode, mode);
		owner_names(&e->st, u, sizeof(u), g, sizeof(g));
		size_text(&e->st, o, s, sizeof(s));
		localtime_r(&e->st.st_mtim.tv_sec, &tm);
		/* Older than six months or in the future: the year instead of the time (POSIX). */
		if (e->st.st_mtim.tv_sec > now || now - e->st.st_mtim.tv_sec > 15778476)
			strftime(when, sizeof(when), "%b %e  %Y", &tm);
		else
			strftime(when, sizeof(when), "%b %e %H:%M", &tm);
		printf("%s %*lu %-*s %-*s %*s %s ", mode, wl, (unsigned long)e->st.st_nlink, wu, u,
		       wg, g, ws, s, when);
		print_name(e, o);
		if (S_ISLNK(e->st.st_mode)) {
			char target[PATH_MAX];
			ssize_t k = readlink(e->path, target, sizeof(target) - 1);
			if (k >= 0) {
				target[k] = '\0';
				printf(" -> %s", target);
			}
		}
		putchar('\n');
	}
}

/* Move from column FROM to TO with tabs where a tab stop (every 8) fits, as GNU ls. */
static void pad_to(size_t from, size_t to)
{
	while (from < to) {
		if (to / 8 > (from + 1) / 8) {
			putchar('\t');
			from += 8 - from % 8;
		} else {
			putchar(' ');
			from++;
		}
	}
}

/* Columns down then across, as GNU ls -C: the most columns that fit the width. */
static void print_columns(struct entry *v, size_t n, const struct ls_opts *o)
{
	size_t cols = 1, rows = n;
	size_t *wid = NULL;
	if (n == 0)
		return;
	for (size_t c = n; c >= 1; c--) {
		size_t r = (n + c - 1) / c;
		size_t total = 0;
		size_t *w = calloc(c, sizeof(size_t));
		if (!w)
			break;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(v[i].name) + 2;
			if (len > w[i / r])
				w[i / r] = len;
		}
		for (size_t k = 0; k < c; k++)
			total += w[k];
		if (total - 2 < (size_t)o->width || c == 1) {
			cols = c;
			rows = r;
			wid = w;
			break;
		}
		free(w);
	}
	for (size_t r = 0; r < rows; r++) {
		size_t pos = 0;
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				break;
			print_name(&v[i], o);
			size_t next = (c + 1) * rows + r;
			if (next < n && wid)
				pad_to(pos + strlen(v[i].name), pos + wid[c]);
			pos += wid ? wid[c] : 0;
		}
		putchar('\n');
	}
	free(wid);
}

static void print_entries(struct entry *v, size_t n, const struct ls_opts *o)
{
	if (o->longfmt)
		print_long(v, n, o);
	else if (o->one)
		for (size_t i = 0; i < n; i++) {
			print_name(&v[i], o);
			putchar('\n');
		}
	else
		print_columns(v, n, o);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

static int list_dir(const char *path, const struct ls_opts *o, int header, int *first, int top)
{
	DIR *d = opendir(path);
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if (!d) {
		tool_warn_errno("cannot open directory '%s'", path);
		return top ? 2 : 1;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (nm[0] == '.' && !o->all &&
		    (!o->almost_all || !strcmp(nm, ".") || !strcmp(nm, "..")))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct entry *nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		struct entry *e = &v[n++];
		e->name = strdup(nm);
		e->path = malloc(strlen(path) + strlen(nm) + 2);
		sprintf(e->path, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", nm);
		e->ok = lstat(e->path, &e->st) == 0;
		if (!e->ok) {
			tool_warn_errno("cannot access '%s'", e->path);
			rc = 1;
		}
	}
	closedir(d);
	cmp_opts = o;
	qsort(v, n, sizeof(*v), entry_cmp);
	if (header) {
		printf("%s%s:\n", *first ? "" : "\n", path);
	}
	*first = 0;
	if (o->longfmt) {
		unsigned long long blocks = 0;
		for (size_t i = 0; i < n; i++)
			if (v[i].ok)
				blocks += (unsigned long long)v[i].st.st_blocks;
		if (o->human) {
			char b[32];
			fmt_human(blocks * 512, b, sizeof(b));
			printf("total %s\n", b);
		} else {
			printf("total %llu\n", blocks / 2);
		}
	}
	print_entries(v, n, o);
	if (o->recursive)
		for (size_t i = 0; i < n; i++)
			if (v[i].ok && S_ISDIR(v[i].st.st_mode) && strcmp(v[i].name, ".") &&
			    strcmp(v[i].name, ".."))
				rc |= list_dir(v[i].path, o, 1, first, 0);
	free_entries(v, n);
	return rc;
}

int ls_main(int argc, char **argv)
{
	static const char use[] = "[-1AaCdhlRrSt] [FILE]...";
	struct ls_opts o = {0};
	int c, rc = 0;
	o.sort = 'n';
	o.width = 80;
	int tty = isatty(1);
	o.one = !tty;
	o.color = tty;
	while ((c = getopt(argc, argv, "1AaCdhlRrSt")) != -1) {
		switch (c) {
		case '1':
			o.one = 1;
			break;
		case 'A':
			o.almost_all = 1;
			break;
		case 'a':
			o.all = 1;
			break;
		case 'C':
			o.one = 0;
			break;
		case 'd':
			o.dir_only = 1;
			break;
		case 'h':
			o.human = 1;
			break;
		case 'l':
			o.longfmt = 1;
			break;
		case 'R':
			o.recursive = 1;
			break;
		case 'r':
			o.reverse = 1;
			break;
		case 'S':
			o.sort = 'S';
			break;
		case 't':
			o.sort = 't';
			break;
		default:
			return tool_usage(2, use);
		}
	}
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	if (tty && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		o.width = ws.ws_col;
	else if (cols && atoi(cols) > 0)
		o.width = atoi(cols);

	/* Operands: files first (as one listing), then each directory. */
	static char *dot[] = {".", NULL};
	char **ops = optind < argc ? argv + optind : dot;
	int nops = optind < argc ? argc - optind : 1;
	struct entry *files = calloc((size_t)nops, sizeof(*files));
	struct entry *dirs = calloc((size_t)nops, sizeof(*dirs));
	size_t nf = 0, nd = 0;
	if (!files || !dirs)
		return 2;
	for (int i = 0; i < nops; i++) {
		struct entry e = {ops[i], ops[i], {0}, 1};
		int r = o.longfmt || o.dir_only ? lstat(ops[i], &e.st) : stat(ops[i], &e.st);
		if (r < 0 && errno == ENOENT && lstat(ops[i], &e.st) == 0)
			r = 0; /* a dangling symbolic link */
		if (r < 0) {
			tool_warn_errno("cannot access '%s'", ops[i]);
			rc = 2;
			continue;
		}
		if (S_ISLNK(e.st.st_mode) && o.longfmt && !o.dir_only) {
			struct stat t;
			if (stat(ops[i], &t) == 0 && S_ISDIR(t.st_mode) &&
			    ops[i][strlen(ops[i]) - 1] == '/')
				e.st = t;
		}
		if (S_ISDIR(e.st.st_mode) && !o.dir_only)
			dirs[nd++] = e;
		else
			files[nf++] = e;
	}
	cmp_opts = &o;
	qsort(files, nf, sizeof(*files), entry_cmp);
	qsort(dirs, nd, sizeof(*dirs), entry_cmp);
	print_entries(files, nf, &o);
	int first = nf == 0;
	for (size_t i = 0; i < nd; i++) {
		int r = list_dir(dirs[i].path, &o, nops > 1 || o.recursive, &first, 1);
		if (r > rc)
			rc = r;
	}
	free(files);
	free(dirs);
	return rc;
}
