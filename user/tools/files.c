/*
 * Tools that change the file tree: mkdir, rmdir, rm, touch, ln, chmod, cp
 * and mv (POSIX.1-2017 XCU). cp -r walks directories itself; mv falls back
 * to copy-and-remove when rename(2) says EXDEV.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

static mode_t current_umask(void)
{
	mode_t m = umask(0);
	umask(m);
	return m;
}

/* mkdir -p: create every missing parent of PATH, then PATH with MODE. */
static int mkdir_parents(char *path, mode_t mode)
{
	struct stat st;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			tool_warn_errno("cannot create directory '%s'", path);
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) < 0) {
		if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		tool_warn_errno("cannot create directory '%s'", path);
		return -1;
	}
	return 0;
}

int mkdir_main(int argc, char **argv)
{
	int parents = 0, c, rc = 0, have_mode = 0;
	mode_t mode = 0777;
	while ((c = getopt(argc, argv, "pm:")) != -1) {
		if (c == 'p') {
			parents = 1;
		} else if (c == 'm') {
			if (mode_parse(optarg, S_IFDIR | 0777, 0, &mode) < 0) {
				tool_warn("invalid mode '%s'", optarg);
				return 1;
			}
			have_mode = 1;
		} else {
			return tool_usage(1, "[-p] [-m MODE] DIR...");
		}
	}
	if (optind >= argc) {
		tool_warn("missing operand");
		return tool_usage(1, "[-p] [-m MODE] DIR...");
	}
	for (int i = optind; i < argc; i++) {
		int r;
		if (parents) {
			char *copy = strdup(argv[i]);
			r = copy ? mkdir_parents(copy, mode) : -1;
			free(copy);
		} else {
			r = mkdir(argv[i], mode);
			if (r < 0)
				tool_warn_errno("cannot create directory '%s'", argv[i]);
		}
		/* -m is the exact mode, not filtered by the umask (POSIX). */
		if (r == 0 && have_mode && chmod(argv[i], mode) < 0)
			r = -1;
		if (r < 0)
			rc = 1;
	}
	return rc;
}

int rmdir_main(int argc, char **argv)
{
	int parents = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "p")) != -1) {
		if (c != 'p')
			return tool_usage(1, "[-p] DIR...");
		parents = 1;
	}
	if (optind >= argc) {
		tool_warn("missing operand");
		return tool_usage(1, "[-p] DIR...");
	}
	for (int i = optind; i < argc; i++) {
		char *path = strdup(argv[i]);
		if (!path)
			return 1;
		for (;;) {
			if (rmdir(path) < 0) {
				tool_warn_errno("failed to remove '%s'", path);
				rc = 1;
				break;
			}
			if (!parents)
				break;
			char *slash = strrchr(path, '/');
			while (slash && slash > path && slash[1] == '\0')
				slash = memrchr(path, '/', (size_t)(slash - path));
			if (!slash || slash == path)
				break;
			*slash = '\0';
		}
		free(path);
	}
	return rc;
}

struct rm_opts {
	int force, recursive, interactive;
};

static int ask(const char *fmt, const char *path)
{
	char line[64];
	fprintf(stderr, fmt, tool_name, path);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int rm_path(const char *path, const struct rm_opts *o)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (o->force && errno == ENOENT)
			return 0;
		tool_warn_errno("cannot remove '%s'", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!o->recursive) {
			errno = EISDIR;
			tool_warn_errno("cannot remove '%s'", path);
			return -1;
		}
		if (o->interactive && !ask("%s: descend into directory '%s'? ", path))
			return 0;
		DIR *d = opendir(path);
		int rc = 0;
		if (!d) {
			tool_warn_errno("cannot remove '%s'", path);
			return -1;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			char child[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
			if (rm_path(child, o) < 0)
				rc = -1;
		}
		closedir(d);
		if (o->interactive && !ask("%s: remove directory '%s'? ", path))
			return rc;
		if (rmdir(path) < 0) {
			tool_warn_errno("cannot remove '%s'", path);
			return -1;
		}
		return rc;
	}
	if (o->interactive && !ask("%s: remove '%s'? ", path))
		return 0;
	if (unlink(path) < 0) {
		tool_warn_errno("cannot remove '%s'", path);
		return -1;
	}
	return 0;
}

int rm_main(int argc, char **argv)
{
	struct rm_opts o = {0, 0, 0};
	int c, rc = 0;
	while ((c = getopt(argc, argv, "fiRr")) != -1) {
		if (c == 'f') {
			o.force = 1;
			o.interactive = 0;
		} else if (c == 'i') {
			o.interactive = 1;
			o.force = 0;
		} else if (c == 'r' || c == 'R') {
			o.recursive = 1;
		} else {
			return tool_usage(1, "[-fiRr] FILE...");
		}
	}
	if (optind >= argc && !o.force) {
		tool_warn("missing operand");
		return tool_usage(1, "[-fiRr] FILE...");
	}
	for (int i = optind; i < argc; i++) {
		const char *b = strrchr(argv[i], '/');
		b = b ? b + 1 : argv[i];
		if (!strcmp(b, ".") || !strcmp(b, "..")) {
			tool_warn("refusing to remove '.' or '..' directory: skipping '%s'",
				  argv[i]);
			rc = 1;
			continue;
		}
		if (rm_path(argv[i], &o) < 0)
			rc = 1;
	}
	return rc;
}

/* touch -t [[CC]YY]MMDDhhmm[.SS] in local time; -1 when malformed. */
static int parse_touch_t(const char *s, struct timespec *ts)
{
	struct tm tm;
	time_t now = time(NULL);
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	int v[7] = {0}, k = 0;

	localtime_r(&now, &tm);
	if ((n != 8 && n != 10 && n != 12) || (dot && strlen(dot) != 3))
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		if (s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9')
			return -1;
		v[k++] = (s[i] - '0') * 10 + (s[i + 1] - '0');
	}
	int j = 0;
	if (n == 12)
		tm.tm_year = v[0] * 100 + v[1] - 1900, j = 2;
	else if (n == 10)
		tm.tm_year = (v[0] < 69 ? 100 : 0) + v[0], j = 1;
	tm.tm_mon = v[j] - 1;
	tm.tm_mday = v[j + 1];
	tm.tm_hour = v[j + 2];
	tm.tm_min = v[j + 3];
	tm.tm_sec = 0;
	if (dot) {
		if (dot[1] < '0' || dot[1] > '9' || dot[2] < '0' || dot[2] > '9')
			return -1;
		tm.tm_sec = (dot[1] - '0') * 10 + (dot[2] - '0');
	}
	tm.tm_isdst = -1;
	ts->tv_sec = mktime(&tm);
	ts->tv_nsec = 0;
	return 0;
}

int touch_main(int argc, char **argv)
{
	static const char use[] = "[-acm] [-t [[CC]YY]MMDDhhmm[.SS] | -d @EPOCH] FILE...";
	struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	int no_create = 0, only_a = 0, only_m = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "acmt:d:")) != -1) {
		switch (c) {
		case 'a':
			only_a = 1;
			break;
		case 'c':
			no_create = 1;
			break;
		case 'm':
			only_m = 1;
			break;
		case 't':
			if (parse_touch_t(optarg, &ts[0]) < 0) {
				tool_warn("invalid date format '%s'", optarg);
				return 1;
			}
			ts[1] = ts[0];
			break;
		case 'd': {
			char *end;
			if (optarg[0] != '@' || !optarg[1] ||
			    (ts[0].tv_sec = strtoll(optarg + 1, &end, 10), *end)) {
				tool_warn("invalid date format '%s' (only @EPOCH)", optarg);
				return 1;
			}
			ts[0].tv_nsec = 0;
			ts[1] = ts[0];
			break;
		}
		default:
			return tool_usage(1, use);
		}
	}
	if (only_a && !only_m)
		ts[1].tv_nsec = UTIME_OMIT;
	if (only_m && !only_a)
		ts[0].tv_nsec = UTIME_OMIT;
	if (optind >= argc) {
		tool_warn("missing file operand");
		return tool_usage(1, use);
	}
	for (int i = optind; i < argc; i++) {
		if (utimensat(AT_FDCWD, argv[i], ts, 0) == 0)
			continue;
		if (errno == ENOENT) {
			if (no_create)
				continue;
			int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
			if (fd >= 0) {
				int r = futimens(fd, ts);
				close(fd);
				if (r == 0)
					continue;
			}
		}
		tool_warn_errno("cannot touch '%s'", argv[i]);
		rc = 1;
	}
	return rc;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/basename(SRC) into buf. */
static void join_base(char *buf, size_t len, const char *dir, const char *src)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", src);
	snprintf(buf, len, "%s/%s", dir, basename(tmp));
}

int ln_main(int argc, char **argv)
{
	static const char use[] = "[-fs] TARGET [LINK] | [-fs] TARGET... DIR";
	int sym = 0, force = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "fs")) != -1) {
		if (c == 's')
			sym = 1;
		else if (c == 'f')
			force = 1;
		else
			return tool_usage(1, use);
	}
	int n = argc - optind;
	if (n < 1) {
		tool_warn("missing file operand");
		return tool_usage(1, use);
	}
	const char *last = argv[argc - 1];
	int into_dir = n >= 2 && is_dir(last);
	if (n > 2 && !into_dir) {
		tool_warn("target '%s' is not a directory", last);
		return 1;
	}
	int nsrc = n == 1 ? 1 : n - 1;
	for (int i = 0; i < nsrc; i++) {
		const char *src = argv[optind + i];
		char dst[PATH_MAX];
		if (n == 1 || into_dir)
			join_base(dst, sizeof(dst), n == 1 ? "." : last, src);
		else
			snprintf(dst, sizeof(dst), "%s", last);
		if (force)
			unlink(dst);
		if ((sym ? symlink(src, dst) : link(src, dst)) < 0) {
			tool_warn_errno("failed to create %s link '%s'", sym ? "symbolic" : "hard",
					dst);
			rc = 1;
		}
	}
	return rc;
}

static int chmod_path(const char *path, const char *expr, int recursive, mode_t um)
{
	struct stat st;
	mode_t mode;
	int rc = 0;
	if (stat(path, &st) < 0) {
		tool_warn_errno("cannot access '%s'", path);
		return -1;
	}
	if (mode_parse(expr, st.st_mode, um, &mode) < 0) {
		tool_warn("invalid mode: '%s'", expr);
		return -2;
	}
	if (chmod(path, mode) < 0) {
		tool_warn_errno("changing permissions of '%s'", path);
		rc = -1;
	}
	if (recursive && S_ISDIR(st.st_mode)) {
		struct stat lst;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
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
			if (lstat(child, &lst) == 0 && S_ISLNK(lst.st_mode))
				continue;
			int r = chmod_path(child, expr, 1, um);
			if (r < 0)
				rc = r;
		}
		closedir(d);
	}
	return rc;
}

int chmod_main(int argc, char **argv)
{
	static const char use[] = "[-R] MODE FILE...";
	int recursive = 0, rc = 0;
	/* Not getopt: "-w" or "-x" is a mode, not an option. */
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-R")) {
			recursive = 1;
			continue;
		}
		if (strspn(argv[i] + 1, "rwxXst") == strlen(argv[i] + 1))
			break;
		tool_warn("invalid option -- '%s'", argv[i] + 1);
		return tool_usage(1, use);
	}
	if (argc - i < 2) {
		tool_warn("missing operand");
		return tool_usage(1, use);
	}
	const char *expr = argv[i];
	mode_t probe;
	if (mode_parse(expr, S_IFREG | 0644, 0, &probe) < 0) {
		tool_warn("invalid mode: '%s'", expr);
		return 1;
	}
	mode_t um = current_umask();
	for (i++; i < argc; i++)
		if (chmod_path(argv[i], expr, recursive, um) < 0)
			rc = 1;
	return rc;
}

struct cp_opts {
	int recursive, preserve, force;
};

static void cp_preserve(const char *dst, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	if (lchown(dst, st->st_uid, st->st_gid) < 0)
		(void)0; /* as GNU: a non-root user keeps its own ownership */
	if (!S_ISLNK(st->st_mode))
		chmod(dst, st->st_mode & 07777);
	utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

static int cp_file(const char *src, const char *dst, const struct stat *st, const struct cp_opts *o)
{
	int in = open(src, O_RDONLY), out;
	if (in < 0) {
		tool_warn_errno("cannot open '%s' for reading", src);
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 0777);
	if (out < 0 && o->force && unlink(dst) == 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 0777);
	if (out < 0) {
		tool_warn_errno("cannot create regular file '%s'", dst);
		close(in);
		return -1;
	}
	int rc = 0;
	if (copy_fd(in, out) < 0) {
		tool_warn_errno("error copying '%s' to '%s'", src, dst);
		rc = -1;
	}
	close(in);
	if (close(out) < 0 && rc == 0) {
		tool_warn_errno("error writing '%s'", dst);
		rc = -1;
	}
	return rc;
}

static int cp_path(const char *src, const char *dst, const struct cp_opts *o, int top)
{
	struct stat st;
	int rc = 0;
	if ((o->recursive && !top ? lstat(src, &st) : stat(src, &st)) < 0) {
		tool_warn_errno("cannot stat '%s'", src);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!o->recursive) {
			tool_warn("-r not specified; omitting directory '%s'", src);
			return -1;
		}
		if (mkdir(dst, (st.st_mode & 0777) | 0700) < 0 && errno != EEXIST) {
			tool_warn_errno("cannot create directory '%s'", dst);
			return -1;
		}
		DIR *d = opendir(src);
		if (!d) {
			tool_warn_errno("cannot access '%s'", src);
			return -1;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			char s[PATH_MAX], t[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(s, sizeof(s), "%s/%s", src, e->d_name);
			snprintf(t, sizeof(t), "%s/%s", dst, e->d_name);
			if (cp_path(s, t, o, 0) < 0)
				rc = -1;
		}
		closedir(d);
		if (o->preserve)
			cp_preserve(dst, &st);
		else
			chmod(dst, st.st_mode & 0777);
		return rc;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0) {
			tool_warn_errno("cannot read link '%s'", src);
			return -1;
		}
		target[n] = '\0';
		if (o->force)
			unlink(dst);
		if (symlink(target, dst) < 0) {
			tool_warn_errno("cannot create symbolic link '%s'", dst);
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		if (cp_file(src, dst, &st, o) < 0)
			return -1;
	} else {
		if (mknod(dst, st.st_mode, st.st_rdev) < 0) {
			tool_warn_errno("cannot create special file '%s'", dst);
			return -1;
		}
	}
	if (o->preserve)
		cp_preserve(dst, &st);
	return 0;
}

/* Shared by cp and mv: SRC... DEST or SRC DEST; fn copies or moves one. */
static int each_operand(int argc, char **argv, const char *use,
			int (*fn)(const char *, const char *, const void *), const void *arg)
{
	int n = argc - optind, rc = 0;
	if (n < 2) {
		tool_warn(n ? "missing destination file operand after '%s'"
			    : "missing file operand",
			  n ? argv[optind] : "");
		return tool_usage(1, use);
	}
	const char *dest = argv[argc - 1];
	int into = is_dir(dest);
	if (n > 2 && !into) {
		tool_warn("target '%s' is not a directory", dest);
		return 1;
	}
	for (int i = optind; i < argc - 1; i++) {
		char dst[PATH_MAX];
		if (into)
			join_base(dst, sizeof(dst), dest, argv[i]);
		else
			snprintf(dst, sizeof(dst), "%s", dest);
		if (fn(argv[i], dst, arg) < 0)
			rc = 1;
	}
	return rc;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Whether DST (which may not exist yet) lies under directory SRC. */
static int inside(const char *src, const char *dst)
{
	char s[PATH_MAX], parent[PATH_MAX], p[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", dst);
	if (!realpath(src, s) || !realpath(dirname(parent), p))
		return 0;
	size_t n = strlen(s);
	return strncmp(p, s, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

static int cp_one(const char *src, const char *dst, const void *arg)
{
	if (same_file(src, dst)) {
		tool_warn("'%s' and '%s' are the same file", src, dst);
		return -1;
	}
	if (is_dir(src) && ((const struct cp_opts *)arg)->recursive && inside(src, dst)) {
		tool_warn("cannot copy a directory, '%s', into itself, '%s'", src, dst);
		return -1;
	}
	return cp_path(src, dst, arg, 1);
}

int cp_main(int argc, char **argv)
{
	static const char use[] = "[-fpRr] SOURCE... DEST";
	struct cp_opts o = {0, 0, 0};
	int c;
	while ((c = getopt(argc, argv, "fpRr")) != -1) {
		if (c == 'f')
			o.force = 1;
		else if (c == 'p')
			o.preserve = 1;
		else if (c == 'r' || c == 'R')
			o.recursive = 1;
		else
			return tool_usage(1, use);
	}
	return each_operand(argc, argv, use, cp_one, &o);
}

static int mv_one(const char *src, const char *dst, const void *arg)
{
	(void)arg;
	struct stat st;
	if (lstat(src, &st) < 0) {
		tool_warn_errno("cannot stat '%s'", src);
		return -1;
	}
	if (same_file(src, dst)) {
		tool_warn("'%s' and '%s' are the same file", src, dst);
		return -1;
	}
	if (rename(src, dst) == 0)
		return 0;
	if (errno != EXDEV) {
		tool_warn_errno("cannot move '%s' to '%s'", src, dst);
		return -1;
	}
	/* Across filesystems: copy everything (keeping modes, owners, times), then remove. */
	struct cp_opts co = {1, 1, 1};
	struct rm_opts ro = {1, 1, 0};
	if (is_dir(dst) && S_ISDIR(st.st_mode))
		rmdir(dst);
	if (cp_path(src, dst, &co, 0) < 0)
		return -1;
	return rm_path(src, &ro);
}

int mv_main(int argc, char **argv)
{
	static const char use[] = "[-fi] SOURCE... DEST";
	int c;
	while ((c = getopt(argc, argv, "fi")) != -1)
		if (c != 'f' && c != 'i')
			return tool_usage(1, use);
	return each_operand(argc, argv, use, mv_one, NULL);
}
