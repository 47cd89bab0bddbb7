/*
 * Shared fixture and helpers of the VFS test files (test_vfs_*.c): a fresh
 * world per test (Check runs each test in its own process) with a leak
 * check at the end, and short forms of common operations.
 */
#ifndef TEST_VFS_UTIL_H
#define TEST_VFS_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "test_vfs_host.h"
#include "fs/vfs.h"
#include "fs/devfs.h"
#include "fs/procfs.h"
#include "fs/tmpfs.h"

static struct vfs_ctx ctx;   /* root, cwd "/", umask 022 */
static long base_allocs;     /* registries that live for the whole process */
static long registry_allocs; /* added by a test that registers devices */

static inline void world_setup(void)
{
	ck_assert_int_eq(tmpfs_init(), 0);
	ck_assert_int_eq(devfs_init(), 0);
	ck_assert_int_eq(procfs_init(), 0);
	base_allocs = th_live_allocs();
	ck_assert_int_eq(th_world_init(NULL), 0);
	ck_assert_int_eq(vfs_ctx_init(&ctx, &root_cred), 0);
}

static inline void world_teardown(void)
{
	vfs_ctx_release(&ctx);
	ck_assert_int_eq(th_world_fini(), 0);
	ck_assert_int_eq(th_live_allocs(), base_allocs + registry_allocs);
	ck_assert_uint_eq(host_pages_outstanding(), 0);
	ck_assert_int_eq(host_locks_held(), 0);
}

/* A context acting as `cred`, cwd "/", umask 0 (modes are as given). */
static inline struct vfs_ctx user_ctx(const struct cred *cred)
{
	struct vfs_ctx c;

	ck_assert_int_eq(vfs_ctx_init(&c, cred), 0);
	c.umask = 0;
	return c;
}

static inline int put_file(struct vfs_ctx *c, const char *path, const char *data, uint32_t mode)
{
	struct file *f;
	int err = vfs_open(c, path, O_WRONLY | O_CREAT | O_TRUNC, mode, &f);
	long n;

	if (err)
		return err;
	n = vfs_write(f, data, strlen(data));
	vfs_close(f);
	return n < 0 ? (int)n : 0;
}

/* The file's content as a NUL-terminated string in buf; length or -errno. */
static inline long get_file(struct vfs_ctx *c, const char *path, char *buf, size_t size)
{
	struct file *f;
	long n, total = 0;
	int err = vfs_open(c, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	while ((size_t)total < size - 1 && (n = vfs_read(f, buf + total, size - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	vfs_close(f);
	return total;
}

static inline int open_err(struct vfs_ctx *c, const char *path, int flags, uint32_t mode)
{
	struct file *f;
	int err = vfs_open(c, path, flags, mode, &f);

	if (!err)
		vfs_close(f);
	return err;
}

static inline struct kstat st_of(struct vfs_ctx *c, const char *path)
{
	struct kstat st;

	ck_assert_int_eq(vfs_stat(c, path, &st, true), 0);
	return st;
}

static inline struct kstat lst_of(struct vfs_ctx *c, const char *path)
{
	struct kstat st;

	ck_assert_int_eq(vfs_stat(c, path, &st, false), 0);
	return st;
}

static inline int stat_err(struct vfs_ctx *c, const char *path)
{
	struct kstat st;

	return vfs_stat(c, path, &st, true);
}

static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
