/*
 * Host tests for the pure helpers of the tools (user/tools/fmt.c): ls -h
 * sizes against GNU ls's figures, ls -l mode strings, and chmod mode
 * expressions (octal, symbolic clauses, X, the umask for who-less clauses),
 * and dmesg's record prefixes and console-level names.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "user/tools/fmt.h"

static const char *human(uint64_t n)
{
	static char buf[32];
	fmt_human(n, buf, sizeof(buf));
	return buf;
}

START_TEST(test_human)
{
	ck_assert_str_eq(human(0), "0");
	ck_assert_str_eq(human(1023), "1023");
	ck_assert_str_eq(human(1024), "1.0K");
	ck_assert_str_eq(human(1025), "1.1K");
	ck_assert_str_eq(human(1536), "1.5K");
	ck_assert_str_eq(human(10239), "10K");
	ck_assert_str_eq(human(10240), "10K");
	ck_assert_str_eq(human(10241), "11K");
	ck_assert_str_eq(human(1048575), "1.0M");
	ck_assert_str_eq(human(1048576), "1.0M");
	ck_assert_str_eq(human(5ULL << 30), "5.0G");
	ck_assert_str_eq(human(4096), "4.0K");
}
END_TEST

static const char *mode(mode_t m)
{
	static char buf[11];
	fmt_mode(m, buf);
	return buf;
}

START_TEST(test_mode_string)
{
	ck_assert_str_eq(mode(S_IFREG | 0644), "-rw-r--r--");
	ck_assert_str_eq(mode(S_IFDIR | 0755), "drwxr-xr-x");
	ck_assert_str_eq(mode(S_IFLNK | 0777), "lrwxrwxrwx");
	ck_assert_str_eq(mode(S_IFDIR | 01777), "drwxrwxrwt");
	ck_assert_str_eq(mode(S_IFDIR | 01770), "drwxrwx--T");
	ck_assert_str_eq(mode(S_IFREG | 04755), "-rwsr-xr-x");
	ck_assert_str_eq(mode(S_IFREG | 02644), "-rw-r-Sr--");
	ck_assert_str_eq(mode(S_IFCHR | 0600), "crw-------");
	ck_assert_str_eq(mode(S_IFBLK | 0660), "brw-rw----");
	ck_assert_str_eq(mode(S_IFIFO | 0644), "prw-r--r--");
}
END_TEST

static int parse(const char *s, mode_t old, mode_t um)
{
	mode_t out;
	if (mode_parse(s, old, um, &out) < 0)
		return -1;
	return (int)out;
}

START_TEST(test_mode_parse)
{
	mode_t f = S_IFREG | 0644, d = S_IFDIR | 0755;
	ck_assert_int_eq(parse("755", f, 022), 0755);
	ck_assert_int_eq(parse("4755", f, 022), 04755);
	ck_assert_int_eq(parse("0", f, 022), 0);
	ck_assert_int_eq(parse("u+x", f, 022), 0744);
	ck_assert_int_eq(parse("go-r", f, 022), 0600);
	ck_assert_int_eq(parse("a=r", f, 022), 0444);
	ck_assert_int_eq(parse("u+x,go-w", S_IFREG | 0666, 022), 0744);
	ck_assert_int_eq(parse("+x", f, 022), 0755);
	ck_assert_int_eq(parse("+w", f, 022), 0644); /* umask 022 filters g and o */
	ck_assert_int_eq(parse("a+w", f, 022), 0666);
	ck_assert_int_eq(parse("a+X", f, 022), 0644);
	ck_assert_int_eq(parse("a+X", d, 022), 0755);
	ck_assert_int_eq(parse("a+X", S_IFREG | 0744, 022), 0755);
	ck_assert_int_eq(parse("u+s", f, 022), 04644);
	ck_assert_int_eq(parse("+t", d, 022), 01755);
	ck_assert_int_eq(parse("o=", f, 022), 0640);
	ck_assert_int_eq(parse("u=rwx,g=rx,o=", f, 022), 0750);
	ck_assert_int_eq(parse("u+r-w", f, 022), 0444);
	ck_assert_int_eq(parse("8", f, 022), -1);
	ck_assert_int_eq(parse("77777", f, 022), -1);
	ck_assert_int_eq(parse("u", f, 022), -1);
	ck_assert_int_eq(parse("u+q", f, 022), -1);
	ck_assert_int_eq(parse("u+x,", f, 022), -1);
	ck_assert_int_eq(parse("", f, 022), -1);
}
END_TEST

static int prefix(const char *rec, int *level)
{
	return (int)log_prefix_len(rec, strlen(rec), level);
}

START_TEST(test_log_prefix)
{
	int level;

	ck_assert_int_eq(prefix("<6>[    1.000] hi\n", &level), 3);
	ck_assert_int_eq(level, 6);
	ck_assert_int_eq(prefix("<30>systemd\n", &level), 4);
	ck_assert_int_eq(level, 30);
	ck_assert_int_eq(prefix("no prefix\n", &level), 0);
	ck_assert_int_eq(level, -1);
	ck_assert_int_eq(prefix("<>x", &level), 0);
	ck_assert_int_eq(prefix("<6", &level), 0);
	ck_assert_int_eq(prefix("<6x>", &level), 0);
	ck_assert_int_eq(prefix("<12345>x", &level), 0);
	ck_assert_int_eq(prefix("", &level), 0);
	ck_assert_int_eq(log_prefix_len("<6>", 2, &level), 0);
}
END_TEST

START_TEST(test_console_level)
{
	ck_assert_int_eq(log_console_level("1"), 1);
	ck_assert_int_eq(log_console_level("8"), 8);
	ck_assert_int_eq(log_console_level("emerg"), 1);
	ck_assert_int_eq(log_console_level("err"), 4);
	ck_assert_int_eq(log_console_level("debug"), 8);
	ck_assert_int_eq(log_console_level("0"), -1);
	ck_assert_int_eq(log_console_level("9"), -1);
	ck_assert_int_eq(log_console_level("12"), -1);
	ck_assert_int_eq(log_console_level("warning"), -1);
	ck_assert_int_eq(log_console_level(""), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tools_fmt");
	TCase *tc = tcase_create("fmt");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_human);
	tcase_add_test(tc, test_mode_string);
	tcase_add_test(tc, test_mode_parse);
	tcase_add_test(tc, test_log_prefix);
	tcase_add_test(tc, test_console_level);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
