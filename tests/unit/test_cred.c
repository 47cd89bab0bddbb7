/*
 * Host tests for the credential rules (kernel/proc/cred.c): the set*id
 * family as setresuid(2), setreuid(2), setuid(2), setfsuid(2) and
 * setgroups(2) state it, execve of set-ID files, and kill(2)'s check.
 */
#include <check.h>
#include <stdlib.h>
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/proc/cred.h"

static struct cred mk(uint32_t r, uint32_t e, uint32_t s, uint32_t g)
{
	struct cred c;

	memset(&c, 0, sizeof(c));
	c.uid = r;
	c.euid = c.fsuid = e;
	c.suid = s;
	c.gid = c.egid = c.sgid = c.fsgid = g;
	return c;
}

START_TEST(test_root_setuid_drops_everything)
{
	struct cred c = mk(0, 0, 0, 0);

	ck_assert_int_eq(cred_setuid(&c, 1000), 0);
	ck_assert_uint_eq(c.uid, 1000);
	ck_assert_uint_eq(c.euid, 1000);
	ck_assert_uint_eq(c.suid, 1000);
	ck_assert_uint_eq(c.fsuid, 1000);
	/* No way back. */
	ck_assert_int_eq(cred_setuid(&c, 0), -EPERM);
	ck_assert_int_eq(cred_setresuid(&c, CRED_KEEP, 0, CRED_KEEP), -EPERM);
	ck_assert_int_eq(cred_setuid(&c, CRED_KEEP), -EINVAL);
}
END_TEST

START_TEST(test_saved_uid_allows_return)
{
	struct cred c = mk(0, 0, 0, 0);

	ck_assert_int_eq(cred_setresuid(&c, 1000, 1000, CRED_KEEP), 0);
	ck_assert_uint_eq(c.suid, 0);
	ck_assert_uint_eq(c.fsuid, 1000);
	ck_assert(!cred_privileged(&c));
	/* Unprivileged: only the real, effective or saved value. */
	ck_assert_int_eq(cred_setresuid(&c, CRED_KEEP, 2000, CRED_KEEP), -EPERM);
	ck_assert_uint_eq(c.euid, 1000); /* unchanged on failure */
	ck_assert_int_eq(cred_setresuid(&c, CRED_KEEP, 0, CRED_KEEP), 0);
	ck_assert_uint_eq(c.euid, 0);
	ck_assert_uint_eq(c.fsuid, 0);
	ck_assert_uint_eq(c.uid, 1000);
	ck_assert(cred_privileged(&c));
}
END_TEST

START_TEST(test_unprivileged_setuid_sets_euid_only)
{
	struct cred c = mk(1000, 0, 0, 0); /* a set-user-ID-root program */

	c.euid = c.fsuid = 1000;
	c.suid = 0;
	ck_assert_int_eq(cred_setuid(&c, 0), 0); /* to the saved ID */
	ck_assert_uint_eq(c.euid, 0);
	/* Now privileged again: setuid changes all three. */
	ck_assert_int_eq(cred_setuid(&c, 1000), 0);
	ck_assert_uint_eq(c.suid, 1000);

	c = mk(1000, 1000, 0, 0);
	ck_assert_int_eq(cred_setuid(&c, 5), -EPERM);
	ck_assert_int_eq(cred_setuid(&c, 0), 0);
	ck_assert_uint_eq(c.uid, 1000);
	ck_assert_uint_eq(c.euid, 0);
}
END_TEST

START_TEST(test_setreuid_rules)
{
	struct cred c = mk(1000, 1001, 1002, 0);

	/* Real may become the effective ID, not the saved one. */
	ck_assert_int_eq(cred_setreuid(&c, 1002, CRED_KEEP), -EPERM);
	ck_assert_int_eq(cred_setreuid(&c, 1001, CRED_KEEP), 0);
	ck_assert_uint_eq(c.uid, 1001);
	ck_assert_uint_eq(c.suid, 1001); /* real was set: saved = effective */

	c = mk(1000, 1001, 1002, 0);
	/* Effective may become the saved ID; it differs from the old real
	 * ID, so the saved ID follows. */
	ck_assert_int_eq(cred_setreuid(&c, CRED_KEEP, 1002), 0);
	ck_assert_uint_eq(c.euid, 1002);
	ck_assert_uint_eq(c.suid, 1002);

	c = mk(1000, 1001, 1002, 0);
	/* Effective back to the real ID: the saved ID stays. */
	ck_assert_int_eq(cred_setreuid(&c, CRED_KEEP, 1000), 0);
	ck_assert_uint_eq(c.suid, 1002);
	ck_assert_int_eq(cred_setreuid(&c, CRED_KEEP, 7), -EPERM);

	c = mk(0, 0, 0, 0);
	ck_assert_int_eq(cred_setreuid(&c, 5, 6), 0);
	ck_assert_uint_eq(c.uid, 5);
	ck_assert_uint_eq(c.euid, 6);
	ck_assert_uint_eq(c.suid, 6);
	ck_assert_uint_eq(c.fsuid, 6);
}
END_TEST

START_TEST(test_group_rules)
{
	struct cred c = mk(0, 0, 0, 0);
	uint32_t g[3] = {1000, 10, 20};

	ck_assert_int_eq(cred_setgroups(&c, g, 3), 0);
	ck_assert_uint_eq(c.ngroups, 3);
	ck_assert_uint_eq(c.groups[0], 10); /* sorted, as Linux keeps them */
	ck_assert_uint_eq(c.groups[2], 1000);
	ck_assert_int_eq(cred_setgroups(&c, g, NGROUPS_MAX + 1), -EINVAL);
	ck_assert_int_eq(cred_setresgid(&c, 100, 100, CRED_KEEP), 0);
	ck_assert_uint_eq(c.fsgid, 100);
	ck_assert_uint_eq(c.sgid, 0);
	/* Group changes need the effective uid 0, not gid 0. */
	ck_assert_int_eq(cred_setuid(&c, 1000), 0);
	ck_assert_int_eq(cred_setgroups(&c, g, 1), -EPERM);
	ck_assert_int_eq(cred_setresgid(&c, CRED_KEEP, 5, CRED_KEEP), -EPERM);
	ck_assert_int_eq(cred_setresgid(&c, CRED_KEEP, 0, CRED_KEEP), 0); /* the saved gid */
	ck_assert_uint_eq(c.egid, 0);
	ck_assert_int_eq(cred_setgid(&c, 100), 0); /* the real gid */
	ck_assert_uint_eq(c.egid, 100);
	ck_assert_uint_eq(c.sgid, 0);
	ck_assert_int_eq(cred_setgid(&c, 7), -EPERM);
	ck_assert_int_eq(cred_setgid(&c, CRED_KEEP), -EINVAL);
	ck_assert_int_eq(cred_setregid(&c, 0, CRED_KEEP), -EPERM); /* real: r or e only */
	ck_assert_int_eq(cred_setregid(&c, CRED_KEEP, 0), 0);
	ck_assert_uint_eq(c.sgid, 0);
}
END_TEST

START_TEST(test_fsuid)
{
	struct cred c = mk(1000, 1000, 1000, 1000);

	ck_assert_uint_eq(cred_setfsuid(&c, 0), 1000);
	ck_assert_uint_eq(c.fsuid, 1000); /* refused, old value returned */
	ck_assert_uint_eq(cred_setfsuid(&c, CRED_KEEP), 1000);
	c = mk(1000, 0, 0, 1000);
	ck_assert_uint_eq(cred_setfsuid(&c, 1000), 0);
	ck_assert_uint_eq(c.fsuid, 1000);
	ck_assert_uint_eq(cred_setfsuid(&c, 0), 1000); /* euid 0 is still privileged */
	ck_assert_uint_eq(c.fsuid, 0);
	ck_assert_uint_eq(cred_setfsgid(&c, 55), 1000);
	ck_assert_uint_eq(c.fsgid, 55);
	/* A set*id call resets the fs ID to the effective one. */
	ck_assert_int_eq(cred_setresuid(&c, CRED_KEEP, 1000, CRED_KEEP), 0);
	ck_assert_uint_eq(c.fsuid, 1000);
}
END_TEST

START_TEST(test_exec_setid)
{
	struct cred c = mk(1000, 1000, 1000, 1000);

	ck_assert(!cred_exec(&c, S_IFREG | 0755, 0, 0));
	ck_assert_uint_eq(c.euid, 1000);
	ck_assert(cred_exec(&c, S_IFREG | S_ISUID | 0755, 0, 0));
	ck_assert_uint_eq(c.uid, 1000);
	ck_assert_uint_eq(c.euid, 0);
	ck_assert_uint_eq(c.suid, 0);
	ck_assert_uint_eq(c.fsuid, 0);
	/* A later plain exec keeps the effective ID and saves it. */
	c.euid = 1000;
	c.suid = 0;
	ck_assert(!cred_exec(&c, S_IFREG | 0755, 0, 0));
	ck_assert_uint_eq(c.suid, 1000);

	c = mk(1000, 1000, 1000, 1000);
	ck_assert(!cred_exec(&c, S_IFREG | S_ISGID | 0745, 0, 50)); /* no g+x: locking mark */
	ck_assert_uint_eq(c.egid, 1000);
	ck_assert(cred_exec(&c, S_IFREG | S_ISGID | 0755, 0, 50));
	ck_assert_uint_eq(c.egid, 50);
	ck_assert_uint_eq(c.sgid, 50);
	ck_assert_uint_eq(c.fsgid, 50);
}
END_TEST

START_TEST(test_may_signal)
{
	struct cred root = mk(0, 0, 0, 0), a = mk(1000, 1000, 1000, 1000);
	struct cred b = mk(2000, 2000, 2000, 2000), suid = mk(1000, 0, 0, 1000);

	ck_assert(cred_may_signal(&root, &a));
	ck_assert(cred_may_signal(&a, &a));
	ck_assert(!cred_may_signal(&a, &b));
	ck_assert(!cred_may_signal(&a, &root));
	/* A set-user-ID-root program started by a: a's real uid matches. */
	ck_assert(cred_may_signal(&a, &suid));
	/* Target whose saved uid is the sender's. */
	b.suid = 1000;
	ck_assert(cred_may_signal(&a, &b));
	/* Sender whose real uid matches though its effective does not. */
	b = mk(2000, 2000, 2000, 2000);
	a.euid = 3000;
	b.uid = 1000;
	ck_assert(cred_may_signal(&a, &b));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cred");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_root_setuid_drops_everything);
	tcase_add_test(tc, test_saved_uid_allows_return);
	tcase_add_test(tc, test_unprivileged_setuid_sets_euid_only);
	tcase_add_test(tc, test_setreuid_rules);
	tcase_add_test(tc, test_group_rules);
	tcase_add_test(tc, test_fsuid);
	tcase_add_test(tc, test_exec_setid);
	tcase_add_test(tc, test_may_signal);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
