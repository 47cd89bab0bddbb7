/*
 * system: uname, sysinfo, getrandom, reboot (only its refusals: a bad
 * magic, and EPERM as TEST_UID; never a real reboot), getrlimit and
 * prlimit64, set_robust_list, prctl(PR_SET_NAME/PR_GET_NAME), syslog
 * (reads as root, since Debian's kernels restrict dmesg; CLEAR refused to
 * TEST_UID; argument errors).
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define S		   syscall
#define REBOOT_MAGIC1	   0xfee1deadu
#define REBOOT_MAGIC2	   672274793
#define REBOOT_CMD_CAD_OFF 0
#define SYSLOG_READ_ALL	   3
#define SYSLOG_CLEAR	   5
#define SYSLOG_CONSOLE_LVL 8
#define SYSLOG_SIZE_BUFFER 10

static int u_reboot(void *p)
{
	(void)p;
	/* CAD_OFF with the right magic would only change a setting, and
	 * an ordinary user must get EPERM before anything happens. */
	return S(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_CMD_CAD_OFF, NULL) < 0 ? errno
											 : 0;
}

static int u_syslog_clear(void *p)
{
	(void)p;
	return S(SYS_syslog, SYSLOG_CLEAR, NULL, 0) < 0 ? errno : 0;
}

/* READ_ALL returns whole records, so the first byte opens a "<N>" level. */
static int c_syslog_read_all(char *msg)
{
	static char buf[4096];
	long n = S(SYS_syslog, SYSLOG_READ_ALL, buf, sizeof(buf));
	REQUIRE(n > 3 && n <= (long)sizeof(buf), "expected 3 < n <= %zu got %ld (errno %s)",
		sizeof(buf), n, t_errname(errno));
	REQUIRE(buf[0] == '<' && buf[2] == '>' && buf[n - 1] == '\n',
		"expected <N>...\\n records got %.8s...", buf);
	return 0;
}

static int c_nofile_limit(char *msg)
{
	struct rlimit rl = {10, 10};
	int last = -1, fd;
	REQUIRE(S(SYS_prlimit64, 0, RLIMIT_NOFILE, &rl, NULL) == 0,
		"prlimit64 set failed (errno %s)", t_errname(errno));
	while ((fd = dup(0)) >= 0)
		last = fd;
	REQUIRE(errno == EMFILE && last <= 9 && last >= 3,
		"expected EMFILE at 10 descriptors got errno %s after fd %d", t_errname(errno),
		last);
	return 0;
}

void group_system(void)
{
	struct utsname u;
	struct sysinfo si;
	struct rlimit rl, old;
	unsigned char a[16], b[16];

	T_OK("uname", S(SYS_uname, &u));
	T_TRUE("uname_values", !strcmp(u.sysname, "Linux") && !strcmp(u.machine, "x86_64"),
	       "expected Linux x86_64 got %s %s", u.sysname, u.machine);
	T_ERR("uname_efault", S(SYS_uname, KADDR), EFAULT);

	memset(&si, 0, sizeof(si));
	T_OK("sysinfo", S(SYS_sysinfo, &si));
	T_TRUE("sysinfo_values",
	       si.totalram > 0 && si.mem_unit >= 1 && si.freeram <= si.totalram && si.procs > 0,
	       "expected memory and process counts got total %lu free %lu unit %u procs %u",
	       si.totalram, si.freeram, si.mem_unit, si.procs);
	T_ERR("sysinfo_efault", S(SYS_sysinfo, BADP), EFAULT);

	T_EQ("getrandom", S(SYS_getrandom, a, sizeof(a), 0), 16);
	T_EQ("getrandom_nonblock", S(SYS_getrandom, b, sizeof(b), 1 /* GRND_NONBLOCK */), 16);
	T_TRUE("getrandom_differs", memcmp(a, b, sizeof(a)) != 0, "expected two different draws");
	T_EQ("getrandom_zero", S(SYS_getrandom, a, 0, 0), 0);
	T_ERR("getrandom_einval_flags", S(SYS_getrandom, a, sizeof(a), 0x100), EINVAL);
	T_ERR("getrandom_efault", S(SYS_getrandom, KADDR, 16, 0), EFAULT);

	if (geteuid() == 0)
		T_ERR("reboot_einval_magic", S(SYS_reboot, 1, 2, REBOOT_CMD_CAD_OFF, NULL), EINVAL);
	else
		t_skip("reboot_einval_magic", "not root");
	t_as_user("reboot_eperm_user", u_reboot, NULL, EPERM);

	if (geteuid() == 0) {
		char b[8];
		T_TRUE("syslog_size_buffer", S(SYS_syslog, SYSLOG_SIZE_BUFFER, NULL, 0) >= 4096,
		       "expected a ring of at least 4096 bytes got errno %s", t_errname(errno));
		t_run("syslog_read_all", c_syslog_read_all, 5000);
		T_EQ("syslog_read_all_zero", S(SYS_syslog, SYSLOG_READ_ALL, b, 0), 0);
		T_ERR("syslog_einval_null", S(SYS_syslog, SYSLOG_READ_ALL, NULL, 8), EINVAL);
		T_ERR("syslog_einval_len", S(SYS_syslog, SYSLOG_READ_ALL, b, -1), EINVAL);
		T_ERR("syslog_einval_level", S(SYS_syslog, SYSLOG_CONSOLE_LVL, NULL, 9), EINVAL);
		T_ERR("syslog_einval_type", S(SYS_syslog, 99, NULL, 0), EINVAL);
	} else {
		t_skip("syslog_size_buffer", "not root");
	}
	t_as_user("syslog_clear_eperm_user", u_syslog_clear, NULL, EPERM);

	T_OK("getrlimit", S(SYS_getrlimit, RLIMIT_NOFILE, &rl));
	T_TRUE("getrlimit_values", rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max,
	       "expected 0 < cur <= max got %llu %llu", (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
	T_ERR("getrlimit_einval", S(SYS_getrlimit, 99, &rl), EINVAL);
	T_ERR("getrlimit_efault", S(SYS_getrlimit, RLIMIT_NOFILE, KADDR), EFAULT);
	T_OK("prlimit64_get", S(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &old));
	T_OK("prlimit64_self_pid", S(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &old));
	T_ERR("prlimit64_esrch", S(SYS_prlimit64, 999999, RLIMIT_NOFILE, NULL, &old), ESRCH);
	rl.rlim_cur = 100;
	rl.rlim_max = 50;
	T_ERR("prlimit64_einval_cur_above_max", S(SYS_prlimit64, 0, RLIMIT_NOFILE, &rl, NULL),
	      EINVAL);
	T_ERR("prlimit64_einval_resource", S(SYS_prlimit64, 0, 99, NULL, &old), EINVAL);
	t_run("rlimit_nofile_enforced", c_nofile_limit, 5000);

	{
		static long head[3];
		T_OK("set_robust_list", S(SYS_set_robust_list, head, 24));
		T_ERR("set_robust_list_einval", S(SYS_set_robust_list, head, 23), EINVAL);
	}
	{
		char name[32] = {0};
		T_OK("prctl_set_name", S(SYS_prctl, PR_SET_NAME, "conform-x", 0, 0, 0));
		T_OK("prctl_get_name", S(SYS_prctl, PR_GET_NAME, name, 0, 0, 0));
		T_TRUE("prctl_name_value", !strcmp(name, "conform-x"), "expected conform-x got %s",
		       name);
		T_ERR("prctl_einval", S(SYS_prctl, 0x7fff, 0, 0, 0, 0), EINVAL);
	}
}
