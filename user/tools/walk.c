/*
 * Tools that walk a file tree: du (hard links counted once) and chown -R
 * (POSIX.1-2017 XCU). find is in find.c and cp -r in files.c.
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
