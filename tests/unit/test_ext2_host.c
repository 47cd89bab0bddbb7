/*
 * Host-side helpers of the ext2 tests (test_ext2_host.h): everything that
 * needs the C library's file API, which cannot share a file with the
 * kernel's fs/stat.h. Failures are Check assertions.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_ext2_host.h"

static char base_dir[200];
static unsigned tmp_seq;

void t2h_base_init(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(base_dir, sizeof(base_dir), "%s/ext2-test-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(base_dir)) {
		perror("mkdtemp");
		abort();
	}
}

void t2h_base_fini(void)
{
	if (!base_dir[0] || getenv("T2_KEEP"))
		return;
	if (t2h_sh(NULL, "rm -rf '%s'", base_dir) != 0)
		fprintf(stderr, "cannot remove %s\n", base_dir);
}

const char *t2h_tmpdir(const char *tag)
{
	static char path[T2_PATH];

	snprintf(path, sizeof(path), "%s/%s-%d-%u", base_dir, tag, (int)getpid(), tmp_seq++);
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s", path);
	return path;
}

int t2h_sh(char **out, const char *fmt, ...)
{
	char cmd[4096];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "popen %s", cmd);
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len - 1, p);
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

uint64_t t2h_seed(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

void t2h_fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed | 1;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		buf[i] = (uint8_t)(x >> (8 * (i % 8)));
	}
}

static void write_seeded(const char *path, size_t len, uint64_t seed)
{
	uint8_t *buf = malloc(len ? len : 1);
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "create %s", path);
	t2h_fill(buf, len, seed);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
}

void t2h_stage_tree(const char *dir)
{
	static const struct {
		const char *name;
		size_t size;
	} files[] = {
		{"empty", 0},
		{"one", 1},
		{"k1023", 1023},
		{"k1024", 1024},
		{"k4097", 4097},
		{"k70000", 70000},
		{"big", 5242880 + 123},
		{"sub/a.txt", 300},
		{"sub/deeper/b.bin", 3000},
		{"sub/deeper/c", 12345},
	};
	char path[T2_PATH], target[200];

	ck_assert_int_eq(
		t2h_sh(NULL, "mkdir -p '%s/sub/deeper' '%s/sub/many' '%s/emptydir'", dir, dir, dir),
		0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		write_seeded(path, files[i].size, t2h_seed(files[i].name));
	}
	for (int i = 0; i < 150; i++) {
		char name[32];

		snprintf(name, sizeof(name), "sub/many/file-%03d", i);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		write_seeded(path, (size_t)(i * 37) % 700, t2h_seed(name));
	}
	snprintf(path, sizeof(path), "%s/link_short", dir);
	ck_assert_int_eq(symlink("one", path), 0);
	memset(target, 'x', sizeof(target));
	memcpy(target, "sub/deeper/", 11);
	target[150] = '\0';
	snprintf(path, sizeof(path), "%s/link_long", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/sub/up", dir);
	ck_assert_int_eq(symlink("../k4097", path), 0);
	snprintf(path, sizeof(path), "%s/sub/deeper/c", dir);
	ck_assert_int_eq(chmod(path, 0640), 0);
}

void t2h_mkdir(const char *path, uint32_t mode)
{
	ck_assert_msg(mkdir(path, mode) == 0, "mkdir %s", path);
	ck_assert_int_eq(chmod(path, mode), 0); /* no umask */
}

void t2h_create(const char *path, uint32_t mode)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, mode);

	ck_assert_msg(fd >= 0, "create %s", path);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

void t2h_pwrite(const char *path, uint64_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	ck_assert_msg(fd >= 0, "open %s", path);
	ck_assert_int_eq(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void t2h_truncate(const char *path, uint64_t size)
{
	ck_assert_msg(truncate(path, (off_t)size) == 0, "truncate %s", path);
}

void t2h_unlink(const char *path)
{
	ck_assert_msg(unlink(path) == 0, "unlink %s", path);
}

void t2h_rmdir(const char *path)
{
	ck_assert_msg(rmdir(path) == 0, "rmdir %s", path);
}

void t2h_rename(const char *from, const char *to)
{
	ck_assert_msg(rename(from, to) == 0, "rename %s %s", from, to);
}

void t2h_symlink(const char *target, const char *path)
{
	ck_assert_msg(symlink(target, path) == 0, "symlink %s", path);
}

void t2h_link(const char *old, const char *path)
{
	ck_assert_msg(link(old, path) == 0, "link %s %s", old, path);
}

void t2h_peek(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "open %s", path);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void t2h_patch(const char *path, uint64_t off, const void *buf, size_t len)
{
	t2h_pwrite(path, off, buf, len);
}

uint8_t *t2h_read(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "open %s", path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len ? *len : 1);
	while (got < *len) {
		ssize_t n = read(fd, buf + got, *len - got);

		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	close(fd);
	return buf;
}

void t2h_lstat(const char *path, struct t2h_stat *s)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "lstat %s", path);
	s->type = S_ISDIR(st.st_mode)	? 'd'
		  : S_ISREG(st.st_mode) ? 'f'
		  : S_ISLNK(st.st_mode) ? 'l'
					: '?';
	s->mode = st.st_mode & 07777;
	s->size = (uint64_t)st.st_size;
	s->nlink = st.st_nlink;
}

int t2h_readlink(const char *path, char *buf, size_t size)
{
	return (int)readlink(path, buf, size);
}

void t2h_names_add(struct t2h_names *l, const char *name, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->names = realloc(l->names, l->cap * sizeof(*l->names));
	}
	l->names[l->n++] = strndup(name, len);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void t2h_names_sort(struct t2h_names *l)
{
	if (l->n)
		qsort(l->names, l->n, sizeof(*l->names), cmp_str);
}

void t2h_names_free(struct t2h_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

void t2h_list(const char *dir, bool skip_lost, struct t2h_names *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	memset(l, 0, sizeof(*l));
	ck_assert_msg(d != NULL, "opendir %s", dir);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (skip_lost && !strcmp(e->d_name, "lost+found"))
			continue;
		t2h_names_add(l, e->d_name, strlen(e->d_name));
	}
	closedir(d);
	t2h_names_sort(l);
}

void t2h_names_equal(const char *where, const struct t2h_names *a, const struct t2h_names *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++)
		ck_assert_msg(!strcmp(a->names[i], b->names[i]), "%s: entry %s vs %s", where,
			      a->names[i], b->names[i]);
	ck_assert_msg(a->n == b->n, "%s: %zu entries vs %zu (first extra: %s)", where, a->n, b->n,
		      a->n > b->n ? a->names[i] : b->names[i]);
}

void t2h_compare_trees(const char *a, const char *b, bool top)
{
	struct t2h_names la, lb;

	t2h_list(a, top, &la);
	t2h_list(b, top, &lb);
	t2h_names_equal(b, &la, &lb);
	for (size_t i = 0; i < la.n; i++) {
		char pa[T2_PATH * 2], pb[T2_PATH * 2];
		struct t2h_stat sa, sb;

		snprintf(pa, sizeof(pa), "%s/%s", a, la.names[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, la.names[i]);
		t2h_lstat(pa, &sa);
		t2h_lstat(pb, &sb);
		ck_assert_msg(sa.type == sb.type, "%s: type %c vs %c", pb, sa.type, sb.type);
		if (sb.type == 'd') {
			t2h_compare_trees(pa, pb, false);
		} else if (sb.type == 'l') {
			char ta[4096], tb[4096];
			int na = t2h_readlink(pa, ta, sizeof(ta)),
			    nb = t2h_readlink(pb, tb, sizeof(tb));

			ck_assert_msg(na == nb && na >= 0 && !memcmp(ta, tb, (size_t)na),
				      "%s: link target", pb);
		} else if (sb.type == 'f') {
			size_t na, nb;
			uint8_t *da = t2h_read(pa, &na), *db = t2h_read(pb, &nb);

			ck_assert_msg(na == nb, "%s: size %zu vs %zu", pb, na, nb);
			ck_assert_msg(!memcmp(da, db, na), "%s: contents differ", pb);
			free(da);
			free(db);
		}
	}
	t2h_names_free(&la);
	t2h_names_free(&lb);
}
