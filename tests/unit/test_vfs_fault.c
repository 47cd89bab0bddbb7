/*
 * Allocation-failure sweep over the VFS stack: a workload that touches
 * every layer (mounts, path walks, symlinks, tmpfs data, devfs, procfs,
 * getdents, rename, getcwd) is run again and again, with the n-th kmalloc
 * failing on run n (and, separately, the n-th page allocation). Every run
 * must either succeed or fail cleanly with -ENOMEM, and after tearing the
 * world down nothing may be left allocated or referenced.
 */
#include "test_vfs_util.h"

static char buf[8192];
static int failed_line;

/* Each step may fail; the first error ends the workload. Files are closed
 * on every path. */
static int workload(struct vfs_ctx *c)
{
	struct file *f = NULL;
	long n;
	int err;

#define STEP(x)                                 \
	do {                                    \
		err = (x);                      \
		if (err < 0) {                  \
			failed_line = __LINE__; \
			goto out;               \
		}                               \
	} while (0)

	STEP(vfs_mkdir(c, "/a", 0755));
	STEP(vfs_mkdir(c, "/a/b", 0755));
	STEP(put_file(c, "/a/b/f", "some data", 0644));
	STEP(vfs_symlink(c, "/a/b", "/a/l"));
	STEP(vfs_link(c, "/a/b/f", "/a/hard"));
	STEP(vfs_rename(c, "/a/hard", "/a/l/g"));
	STEP(vfs_mkdir(c, "/a/m", 0755));
	STEP(vfs_mount(c, NULL, "/a/m", "tmpfs", 0, "size=1m"));
	STEP(vfs_open(c, "/a/m/big", O_RDWR | O_CREAT, 0644, &f));
	memset(buf, 'z', sizeof(buf));
	STEP((int)vfs_pwrite(f, buf, sizeof(buf), 12345));
	STEP((int)vfs_pread(f, buf, sizeof(buf), 10000));
	STEP(vfs_ftruncate(f, 100));
	vfs_close(f);
	f = NULL;
	STEP(vfs_mkdir(c, "/dev", 0755));
	STEP(vfs_mount(c, NULL, "/dev", "devfs", 0, NULL));
	STEP(vfs_open(c, "/dev/urandom", O_RDONLY, 0, &f));
	STEP((int)vfs_read(f, buf, 64));
	vfs_close(f);
	f = NULL;
	STEP(vfs_mkdir(c, "/proc", 0555));
	STEP(vfs_mount(c, NULL, "/proc", "proc", 0, NULL));
	STEP((int)get_file(c, "/proc/mounts", buf, sizeof(buf)));
	STEP(vfs_open(c, "/a", O_RDONLY | O_DIRECTORY, 0, &f));
	while ((n = vfs_getdents(f, buf, 64)) > 0)
		;
	STEP((int)n);
	vfs_close(f);
	f = NULL;
	STEP(vfs_chdir(c, "/a/m"));
	STEP(vfs_getcwd(c, buf, sizeof(buf)));
	STEP(vfs_chdir(c, "/"));
	STEP(vfs_unlink(c, "/a/l/g"));
	STEP(vfs_umount(c, "/a/m"));
	STEP(vfs_rmdir(c, "/a/m"));
	err = 0;
out:
	if (f)
		vfs_close(f);
#undef STEP
	return err;
}

/* One run with allocation n failing. Returns whether the workload got as
 * far as allocation n. */
static bool run_once(long n)
{
	struct vfs_ctx c;
	unsigned long calls;
	int err;

	ck_assert_int_eq(th_world_init(NULL), 0);
	ck_assert_int_eq(vfs_ctx_init(&c, &root_cred), 0);
	calls = th_alloc_calls();
	th_fail_alloc_nth(n);
	err = workload(&c);
	th_fail_alloc_nth(-1);
	calls = th_alloc_calls() - calls;
	ck_assert_msg(err == 0 || err == -ENOMEM, "run %ld: unexpected error %d at line %d", n, err,
		      failed_line);
	ck_assert_int_eq(vfs_chdir(&c, "/"), 0);
	vfs_ctx_release(&c);
	ck_assert_int_eq(th_world_fini(), 0);
	ck_assert_int_eq(th_live_allocs(), base_allocs);
	ck_assert_uint_eq(host_pages_outstanding(), 0);
	ck_assert_int_eq(host_locks_held(), 0);
	return calls > (unsigned long)n;
}

START_TEST(test_kmalloc_failures)
{
	long n;

	for (n = 0; n < 100000; n++) {
		if (!run_once(n))
			break;
	}
	/* The workload needs a good number of allocations, and every one of
	 * them was made to fail once. */
	ck_assert_int_gt(n, 80);
	ck_assert_int_lt(n, 100000);
}
END_TEST

/* tmpfs data pages and radix nodes that cannot be had. */
START_TEST(test_page_failures)
{
	struct vfs_ctx c;
	struct file *f;
	struct kstat st;

	ck_assert_int_eq(th_world_init(NULL), 0);
	ck_assert_int_eq(vfs_ctx_init(&c, &root_cred), 0);
	host_pages_fail_next(1); /* the radix leaf */
	ck_assert_int_eq(put_file(&c, "/f", "x", 0644), -ENOMEM);
	ck_assert_int_eq(vfs_stat(&c, "/f", &st, true), 0);
	ck_assert_uint_eq(st.size, 0);
	ck_assert_int_eq(put_file(&c, "/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_open(&c, "/f", O_RDWR, 0, &f), 0);
	host_pages_fail_next(1); /* a data page */
	ck_assert_int_eq(vfs_pwrite(f, buf, 10, 4096), -ENOMEM);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.size, 1);
	host_pages_fail_next(1); /* the second page of a two-page write */
	ck_assert_int_eq(vfs_pwrite(f, buf, 8192, 0), 4096);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.size, 4096);
	host_pages_fail_next(1); /* a new root to grow the tree */
	ck_assert_int_eq(vfs_pwrite(f, buf, 10, 1ull << 30), -ENOMEM);
	ck_assert_int_eq(vfs_pwrite(f, buf, 10, 1ull << 40), 10);
	ck_assert_int_eq(vfs_pread(f, buf, 10, 4000), 10);
	ck_assert_int_eq(vfs_fstat(f, &st), 0);
	ck_assert_uint_eq(st.size, (1ull << 40) + 10);
	vfs_close(f);
	vfs_ctx_release(&c);
	ck_assert_int_eq(th_world_fini(), 0);
	ck_assert_int_eq(th_live_allocs(), base_allocs);
	ck_assert_uint_eq(host_pages_outstanding(), 0);
}
END_TEST

static void fault_setup(void)
{
	ck_assert_int_eq(tmpfs_init(), 0);
	ck_assert_int_eq(devfs_init(), 0);
	ck_assert_int_eq(procfs_init(), 0);
	base_allocs = th_live_allocs();
}

int main(void)
{
	Suite *s = suite_create("vfs_fault");
	TCase *tc = tcase_create("fault");

	tcase_add_checked_fixture(tc, fault_setup, NULL);
	tcase_add_test(tc, test_kmalloc_failures);
	tcase_add_test(tc, test_page_failures);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
