/*
 * creds: the uid and gid calls with Linux's rules (credentials(7),
 * setresuid(2)): root may set anything, an ordinary user only what it
 * already has among its real, effective and saved ids; supplementary
 * groups need root. Each case runs in a child that starts as root; on a
 * host that is not root they are skipped.
 */
#include <grp.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define S syscall

/* What a child found, in order; the parent turns it into cases. */
struct cred_result {
	long r[24];
	int e[24];
	int n;
	int nosys;
};

static struct cred_result *res;

static void rec(long r)
{
	if (res->n < 24) {
		res->e[res->n] = r < 0 ? errno : 0;
		res->r[res->n++] = r;
	}
}

static int body(void *arg)
{
	int p = *(int *)arg;
	uid_t ru, eu, su;
	gid_t groups[8];

	/* 0: setgroups */
	gid_t g2[2] = {5, 6};
	rec(S(SYS_setgroups, 2, g2));
	/* 1: getgroups count, 2: first group */
	rec(S(SYS_getgroups, 8, groups));
	rec(groups[0] + groups[1] * 100);
	/* 3: getgroups with a too small buffer */
	rec(S(SYS_getgroups, 1, groups));
	/* 4: setgroups EFAULT */
	rec(S(SYS_setgroups, 1, KADDR));
	/* 5: setresuid(-1, TEST_UID, -1): only the effective uid */
	rec(S(SYS_setresuid, -1, TEST_UID, -1));
	/* 6: getresuid */
	S(SYS_getresuid, &ru, &eu, &su);
	rec(ru * 1000000L + eu * 1000L + su);
	/* 7: back to root through the saved uid */
	rec(S(SYS_setresuid, -1, 0, -1));
	/* 8: setgid(TEST_GID) as root sets all three */
	rec(S(SYS_setgid, TEST_GID));
	rec(S(SYS_getgid) * 1000L + S(SYS_getegid));
	/* 10: setuid(TEST_UID) as root drops everything */
	rec(S(SYS_setuid, TEST_UID));
	if (res->e[10] == ENOSYS)
		res->nosys = 1;
	S(SYS_getresuid, &ru, &eu, &su);
	rec(ru * 1000000L + eu * 1000L + su);
	/* 12: no way back */
	rec(S(SYS_setuid, 0));
	/* 13: setuid to itself is allowed */
	rec(S(SYS_setuid, TEST_UID));
	/* 14: setgroups as a user */
	rec(S(SYS_setgroups, 1, g2));
	/* 15: setgid to another group as a user */
	rec(S(SYS_setgid, 0));
	/* 16: setresuid to a foreign uid as a user */
	rec(S(SYS_setresuid, 2000, -1, -1));
	/* 17: getuid/geteuid */
	rec(S(SYS_getuid) * 1000L + S(SYS_geteuid));
	/* 18: setreuid(-1,-1) is a no-op that succeeds */
	rec(S(SYS_setreuid, -1, -1));
	/* 19: getresuid EFAULT */
	rec(S(SYS_getresuid, KADDR, KADDR, KADDR));
	(void)p;
	return 0;
}

void group_creds(void)
{
	static struct cred_result shared;
	int p[2], st;
	pid_t pid;

	T_EQ("getuid_matches_geteuid", S(SYS_getuid), S(SYS_geteuid));
	T_EQ("getgid_matches_getegid", S(SYS_getgid), S(SYS_getegid));
	{
		uid_t r = 99, e = 99, s = 99;
		T_OK("getresuid", S(SYS_getresuid, &r, &e, &s));
		T_TRUE("getresuid_values", r == getuid() && e == geteuid() && s == geteuid(),
		       "expected %d %d %d got %d %d %d", (int)getuid(), (int)geteuid(),
		       (int)geteuid(), (int)r, (int)e, (int)s);
		gid_t gr = 99, ge = 99, gs = 99;
		T_OK("getresgid", S(SYS_getresgid, &gr, &ge, &gs));
		T_TRUE("getresgid_values", gr == getgid() && ge == getegid(),
		       "expected %d %d got %d %d", (int)getgid(), (int)getegid(), (int)gr, (int)ge);
	}
	T_TRUE("getgroups_count", S(SYS_getgroups, 0, NULL) >= 0, "expected >= 0 (errno %s)",
	       t_errname(errno));
	T_ERR("getgroups_einval", S(SYS_getgroups, -1, NULL), EINVAL);
	if (geteuid() != 0) {
		t_skip("set_ids", "not root: the credential changes need a root start");
		return;
	}
	pipe(p);
	pid = fork();
	if (pid == 0) {
		int dummy = 0;
		res = &shared;
		body(&dummy);
		write(p[1], &shared, sizeof(shared));
		_exit(0);
	}
	close(p[1]);
	memset(&shared, 0, sizeof(shared));
	read(p[0], &shared, sizeof(shared));
	close(p[0]);
	waitpid(pid, &st, 0);
	if (shared.n < 20) {
		t_fail("set_ids_child", "expected 20 results got %d (child %s)", shared.n,
		       t_status(st));
		return;
	}
#define R(i, name, want)                                                                     \
	T_TRUE(name, shared.r[i] == (want), "expected %ld got %ld (errno %s)", (long)(want), \
	       shared.r[i], t_errname(shared.e[i]))
#define E(i, name, err)                                                            \
	T_TRUE(name, shared.r[i] == -1 && shared.e[i] == (err),                    \
	       "expected -1 (%s) got %ld (errno %s)", t_errname(err), shared.r[i], \
	       t_errname(shared.e[i]))
	if (shared.nosys || shared.e[10] == ENOSYS) {
		t_skip("setuid", "setuid is ENOSYS: credentials not implemented yet");
		return;
	}
	R(0, "setgroups", 0);
	R(1, "getgroups_after_setgroups", 2);
	R(2, "getgroups_values", 5 + 600);
	E(3, "getgroups_einval_small", EINVAL);
	E(4, "setgroups_efault", EFAULT);
	R(5, "setresuid_euid_only", 0);
	R(6, "getresuid_after_seteuid", 0 * 1000000L + TEST_UID * 1000L + 0);
	R(7, "setresuid_back_via_saved", 0);
	R(8, "setgid_root", 0);
	R(9, "setgid_effect", TEST_GID * 1000L + TEST_GID);
	R(10, "setuid_root_drops", 0);
	R(11, "setuid_sets_all_three", TEST_UID * 1000000L + TEST_UID * 1000L + TEST_UID);
	E(12, "setuid_back_eperm", EPERM);
	R(13, "setuid_same_ok", 0);
	E(14, "setgroups_user_eperm", EPERM);
	E(15, "setgid_user_eperm", EPERM);
	E(16, "setresuid_user_eperm", EPERM);
	R(17, "getuid_geteuid_user", TEST_UID * 1000L + TEST_UID);
	R(18, "setreuid_noop", 0);
	E(19, "getresuid_efault", EFAULT);
}
