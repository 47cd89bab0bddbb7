/*
 * Host-side helpers of the ext2 tests (test_ext2_host.c): shell commands,
 * deterministic content, the staged source tree, and the POSIX operations
 * on the host "mirror" directory and on dumped trees. Kept apart from
 * test_ext2_lib.c because the C library's <sys/stat.h> and <fcntl.h> clash
 * with the kernel's fs/stat.h: this header includes neither.
 */
#ifndef TEST_EXT2_HOST_H
#define TEST_EXT2_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define T2_PATH 512

/* The temporary root (created by t2h_base_init, removed by t2h_base_fini). */
void t2h_base_init(void);
void t2h_base_fini(void);
/* A fresh directory under it; returns a static copy. */
const char *t2h_tmpdir(const char *tag);
/* Run `sh -c`; *out (if given) gets stdout+stderr, to free(). Exit status. */
int t2h_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint64_t t2h_seed(const char *s);
void t2h_fill(uint8_t *buf, size_t len, uint64_t seed);
void t2h_stage_tree(const char *dir);

/* Host file operations; they assert success. */
void t2h_mkdir(const char *path, uint32_t mode);
void t2h_create(const char *path, uint32_t mode);
void t2h_pwrite(const char *path, uint64_t off, const void *buf, size_t len);
void t2h_truncate(const char *path, uint64_t size);
void t2h_unlink(const char *path);
void t2h_rmdir(const char *path);
void t2h_rename(const char *from, const char *to);
void t2h_symlink(const char *target, const char *path);
void t2h_link(const char *old, const char *path);
/* Read or overwrite bytes of a file (images) in place. */
void t2h_peek(const char *path, uint64_t off, void *buf, size_t len);
void t2h_patch(const char *path, uint64_t off, const void *buf, size_t len);
/* Whole file, to free(). */
uint8_t *t2h_read(const char *path, size_t *len);

struct t2h_stat {
	uint32_t type; /* 'd', 'f', 'l' or '?' */
	uint32_t mode; /* permission bits */
	uint64_t size;
	uint64_t nlink;
};
void t2h_lstat(const char *path, struct t2h_stat *st);
int t2h_readlink(const char *path, char *buf, size_t size);

/* Sorted entry names of a host directory (without . and ..; lost+found
 * too if skip_lost). */
struct t2h_names {
	char **names;
	size_t n, cap;
};
void t2h_names_add(struct t2h_names *l, const char *name, size_t len);
void t2h_names_sort(struct t2h_names *l);
void t2h_names_free(struct t2h_names *l);
void t2h_list(const char *dir, bool skip_lost, struct t2h_names *l);
/* Assert two sorted lists are equal. */
void t2h_names_equal(const char *where, const struct t2h_names *a, const struct t2h_names *b);
/* Assert two host trees hold the same names, types, contents and links. */
void t2h_compare_trees(const char *a, const char *b, bool top);

#endif
