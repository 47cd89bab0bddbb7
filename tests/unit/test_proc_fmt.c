/*
 * Host tests for kernel/proc/proc_fmt.c (/proc/<pid>/stat and status) and
 * kernel/sched/loadavg.h. The stat line is split the way procps and
 * busybox split it (after the last ')') and every one of the 52 fields is
 * checked in place; the load average is checked against the values Linux's
 * fixed-point recurrence gives.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/proc/proc_fmt.h"
#include "kernel/sched/loadavg.h"

static struct proc_stat_fields sample(void)
{
	struct proc_stat_fields s = {0};

	s.pid = 42;
	strcpy(s.comm, "a) b");
	s.state = 'S';
	s.ppid = 1, s.pgrp = 42, s.session = 7, s.tty_nr = 0x440, s.tpgid = 42;
	s.utime = 14, s.stime = 15;
	s.priority = 20, s.nice = 0, s.num_threads = 3;
	s.starttime = 22, s.vsize = 23 * 4096, s.rss = 24, s.rsslim = ~0ull;
	s.startstack = 28;
	s.signal = 31, s.blocked = 32, s.sigignore = 33, s.sigcatch = 34;
	s.exit_signal = 17;
	s.start_brk = 47, s.arg_start = 48, s.arg_end = 49, s.env_start = 50, s.env_end = 51;
	s.exit_code = 52;
	return s;
}

START_TEST(test_stat_fields)
{
	struct proc_stat_fields s = sample();
	char buf[1024], *rest, *tok, *save;
	unsigned long long f[53] = {0};
	int n = proc_fmt_stat(buf, sizeof(buf), &s), i;

	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert(!strncmp(buf, "42 (a) b) S 1 42 7 1088 42 ", 27));
	rest = strrchr(buf, ')') + 2;
	ck_assert_int_eq(rest[0], 'S');
	/* Fields 4..52 after the state. */
	for (i = 4, tok = strtok_r(rest + 2, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		f[i++] = strtoull(tok, NULL, 10);
	ck_assert_int_eq(i, 53);
	ck_assert_uint_eq(f[4], 1);
	ck_assert_uint_eq(f[14], 14);
	ck_assert_uint_eq(f[15], 15);
	ck_assert_uint_eq(f[18], 20);
	ck_assert_uint_eq(f[20], 3);
	ck_assert_uint_eq(f[22], 22);
	ck_assert_uint_eq(f[23], 23 * 4096);
	ck_assert_uint_eq(f[24], 24);
	ck_assert_uint_eq(f[25], ~0ull);
	ck_assert_uint_eq(f[28], 28);
	for (i = 31; i <= 34; i++)
		ck_assert_uint_eq(f[i], (unsigned)i);
	ck_assert_uint_eq(f[38], 17);
	for (i = 47; i <= 52; i++)
		ck_assert_uint_eq(f[i], (unsigned)i);
}
END_TEST

START_TEST(test_stat_negative_and_truncated)
{
	struct proc_stat_fields s = sample();
	char full[1024], small[40];
	int n;

	s.tpgid = -1;
	s.nice = -5;
	s.priority = 15;
	n = proc_fmt_stat(full, sizeof(full), &s);
	ck_assert(strstr(full, " 1088 -1 0 ") != NULL);
	ck_assert(strstr(full, " 15 -5 3 0 22 ") != NULL);
	/* Cut output still reports the full length, like snprintf. */
	ck_assert_int_eq(proc_fmt_stat(small, sizeof(small), &s), n);
	ck_assert_int_eq((int)strlen(small), (int)sizeof(small) - 1);
	ck_assert(!strncmp(small, full, sizeof(small) - 1));
}
END_TEST

START_TEST(test_status)
{
	static const uint32_t groups[] = {10, 20};
	struct proc_status_fields s = {0};
	char buf[4096];

	strcpy(s.name, "sh");
	s.umask = 022;
	s.state = 'T';
	s.tgid = s.pid = 5, s.ppid = 1;
	s.uid[0] = 1000, s.uid[1] = 0, s.uid[2] = 2, s.uid[3] = 3;
	s.gid[0] = 100, s.gid[1] = 101, s.gid[2] = 102, s.gid[3] = 103;
	s.fdsize = 256, s.ngroups = 2, s.groups = groups;
	s.has_mm = true, s.vm_kb = 2360, s.rss_kb = 2360;
	s.threads = 2;
	s.sig_blk = 0x10000, s.sig_cgt = 0x4002;
	ck_assert_int_eq(proc_fmt_status(buf, sizeof(buf), &s), (int)strlen(buf));
	ck_assert(!strncmp(buf, "Name:\tsh\nUmask:\t0022\nState:\tT (stopped)\nTgid:\t5\n", 46));
	ck_assert(strstr(buf, "\nPid:\t5\nPPid:\t1\n") != NULL);
	ck_assert(strstr(buf, "\nUid:\t1000\t0\t2\t3\nGid:\t100\t101\t102\t103\n") != NULL);
	ck_assert(strstr(buf, "\nGroups:\t10 20 \n") != NULL);
	ck_assert(strstr(buf, "\nVmRSS:\t    2360 kB\n") != NULL);
	ck_assert(strstr(buf, "\nThreads:\t2\n") != NULL);
	ck_assert(strstr(buf, "\nSigBlk:\t0000000000010000\n") != NULL);
	ck_assert(strstr(buf, "\nSigCgt:\t0000000000004002\n") != NULL);

	/* A zombie: no umask, no memory lines. */
	s.umask = ~0u;
	s.state = 'Z';
	s.has_mm = false;
	proc_fmt_status(buf, sizeof(buf), &s);
	ck_assert(strstr(buf, "Umask") == NULL);
	ck_assert(strstr(buf, "VmRSS") == NULL);
	ck_assert(strstr(buf, "State:\tZ (zombie)\n") != NULL);
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(proc_state_name('R'), "R (running)");
	ck_assert_str_eq(proc_state_name('S'), "S (sleeping)");
	ck_assert_str_eq(proc_state_name('D'), "D (disk sleep)");
	ck_assert_str_eq(proc_state_name('Z'), "Z (zombie)");
	ck_assert_str_eq(proc_state_name('?'), "X (dead)");
}
END_TEST

START_TEST(test_loadavg)
{
	unsigned long l1 = 0, l5 = 0, l15 = 0;
	int i;

	/* One task busy for a minute (12 steps of 5 s): the 1-minute average
	 * reaches 1 - 1/e (0.63), the 5 and 15-minute ones far less. */
	for (i = 0; i < 12; i++) {
		l1 = loadavg_step(l1, LOAD_EXP_1, LOAD_FIXED_1);
		l5 = loadavg_step(l5, LOAD_EXP_5, LOAD_FIXED_1);
		l15 = loadavg_step(l15, LOAD_EXP_15, LOAD_FIXED_1);
	}
	ck_assert_uint_eq(loadavg_int(l1), 0);
	ck_assert_uint_ge(loadavg_frac(l1), 62);
	ck_assert_uint_le(loadavg_frac(l1), 64);
	ck_assert_uint_ge(loadavg_frac(l5), 17);
	ck_assert_uint_le(loadavg_frac(l5), 19);
	ck_assert_uint_ge(loadavg_frac(l15), 5);
	ck_assert_uint_le(loadavg_frac(l15), 7);
	/* Long enough at 2 tasks: 2.00; then idle decays towards 0. */
	for (i = 0; i < 1000; i++)
		l1 = loadavg_step(l1, LOAD_EXP_1, 2 * LOAD_FIXED_1);
	ck_assert_uint_eq(loadavg_int(l1), 2);
	ck_assert_uint_eq(loadavg_frac(l1), 0);
	for (i = 0; i < 1000; i++)
		l1 = loadavg_step(l1, LOAD_EXP_1, 0);
	ck_assert_uint_eq(l1, 0);
}
END_TEST

static Suite *proc_fmt_suite(void)
{
	Suite *s = suite_create("proc_fmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_stat_fields);
	tcase_add_test(tc, test_stat_negative_and_truncated);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_loadavg);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proc_fmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
