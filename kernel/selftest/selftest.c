/*
 * The self-test runner. Prints "selftest: ok G.N" or "selftest: FAIL G.N:
 * why" per test and "selftest: N passed, N failed" at the end
 * (docs/boot-log.md); kernel/main.c turns the result into a QEMU exit status.
 * Tests of one file run in source order, so later ones may build on earlier
 * ones (the fs workload is written, then read back).
 */
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/selftest/selftest.h"

extern const struct selftest __selftests_start[], __selftests_end[];

int selftest_run(const char *group, unsigned *passed)
{
	unsigned ok = 0, failed = 0;
	char why[160];

	/* GCC emits a file's tests into .selftests in reverse order; walking
	 * the section backwards runs each file's tests in source order. */
	for (const struct selftest *t = __selftests_end - 1; t >= __selftests_start; t--) {
		if (group[0] ? strcmp(group, t->group) != 0 : t->explicit_only)
			continue;
		why[0] = '\0';
		if (t->fn(why, sizeof(why)) == 0) {
			ok++;
			pr_notice("selftest: ok %s.%s\n", t->group, t->name);
		} else {
			failed++;
			pr_notice("selftest: FAIL %s.%s: %s\n", t->group, t->name,
				  why[0] ? why : "(no reason given)");
		}
	}
	if (ok + failed == 0) {
		pr_notice("selftest: no tests in group \"%s\"\n", group);
		failed = 1;
	}
	pr_notice("selftest: %u passed, %u failed\n", ok, failed);
	*passed = ok;
	return failed;
}
