/*
 * In-kernel self-tests, run by `selftest[=GROUP]` on the command line
 * (kernel/selftest/selftest.c). A test returns 0 on success or writes why it
 * failed into `why` and returns nonzero. Tests register themselves with
 * SELFTEST(group, name) in the .selftests section; EXPLICIT_SELFTEST ones run
 * only when their group is named (the `panic` group, which kills the kernel
 * on purpose).
 */
#ifndef KERNEL_SELFTEST_SELFTEST_H
#define KERNEL_SELFTEST_SELFTEST_H

#include <stddef.h>
#include <stdbool.h>
#include "kernel/lib/compiler.h"
#include "kernel/lib/printf.h"

struct selftest {
	const char *group;
	const char *name;
	int (*fn)(char *why, size_t size);
	bool explicit_only;
};

#define SELFTEST_DEFINE(g, n, expl)                                                          \
	static int selftest_##g##_##n(char *why, size_t size);                               \
	static const struct selftest selftest_entry_##g##_##n __used __section(".selftests") \
		__aligned(8) = {#g, #n, selftest_##g##_##n, expl};                           \
	static int selftest_##g##_##n(char *why, size_t size)

#define SELFTEST(g, n)		SELFTEST_DEFINE(g, n, false)
#define EXPLICIT_SELFTEST(g, n) SELFTEST_DEFINE(g, n, true)

/* Fail the current test with a formatted reason. */
#define ST_FAIL(...)                               \
	do {                                       \
		ksnprintf(why, size, __VA_ARGS__); \
		return 1;                          \
	} while (0)
#define ST_CHECK(cond, ...)                   \
	do {                                  \
		if (!(cond))                  \
			ST_FAIL(__VA_ARGS__); \
	} while (0)

/* Run the tests of `group` (every non-explicit test if empty), print one
 * line per test and a summary, and return the number of failures. */
int selftest_run(const char *group, unsigned *passed);

#endif
