/*
 * Host tests for kernel/proc/exec_stack.c: the built initial stack is
 * walked as a process's start code would walk it (System V ABI AMD64,
 * 3.4.1 "Initial Stack and Register State"): argc, argv, envp, auxv,
 * alignment, AT_RANDOM, AT_EXECFN, and the exact -E2BIG boundary.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/proc/elf_format.h"
#include "kernel/proc/exec_stack.h"
#include "host_svc.h"

/* ---- the initial stack ---- */

#define STACK_TOP 0x7ffffffff000ULL

static uint64_t stk_word(const uint8_t *buf, size_t size, uint64_t addr)
{
	uint64_t v;

	ck_assert_uint_ge(addr, STACK_TOP - size);
	ck_assert_uint_le(addr + 8, STACK_TOP);
	memcpy(&v, buf + (addr - (STACK_TOP - size)), 8);
	return v;
}

static const char *stk_str(const uint8_t *buf, size_t size, uint64_t addr)
{
	const char *s;

	ck_assert_uint_ge(addr, STACK_TOP - size);
	ck_assert_uint_lt(addr, STACK_TOP);
	s = (const char *)buf + (addr - (STACK_TOP - size));
	ck_assert_msg(memchr(s, 0, STACK_TOP - addr) != NULL, "unterminated string");
	return s;
}

/*
 * Walk the stack from rsp as a C runtime does and check it against args.
 * Returns the number of auxv entries before AT_NULL.
 */
static unsigned walk_stack(const uint8_t *buf, size_t size, const struct exec_stack_layout *lay,
			   const struct exec_stack_args *a)
{
	uint64_t p = lay->rsp, v;
	unsigned naux = 0;
	bool seen_random = false, seen_execfn = false, seen_platform = false;

	ck_assert_uint_eq(lay->rsp % 16, 0);
	ck_assert_uint_eq(stk_word(buf, size, p), a->argc);
	p += 8;
	ck_assert_uint_eq(p, lay->argv);
	for (size_t i = 0; i < a->argc; i++, p += 8)
		ck_assert_str_eq(stk_str(buf, size, stk_word(buf, size, p)), a->argv[i]);
	ck_assert_uint_eq(stk_word(buf, size, p), 0);
	p += 8;
	ck_assert_uint_eq(p, lay->envp);
	for (size_t i = 0; i < a->envc; i++, p += 8)
		ck_assert_str_eq(stk_str(buf, size, stk_word(buf, size, p)), a->envp[i]);
	ck_assert_uint_eq(stk_word(buf, size, p), 0);
	p += 8;
	ck_assert_uint_eq(p, lay->auxv);
	for (;; p += 16, naux++) {
		uint64_t type = stk_word(buf, size, p);

		v = stk_word(buf, size, p + 8);
		if (type == AT_NULL)
			break;
		ck_assert_uint_lt(naux, 100);
		if (type == AT_RANDOM) {
			ck_assert(!seen_random);
			seen_random = true;
			ck_assert_uint_eq(v, lay->random);
			ck_assert_uint_le(v + 16, STACK_TOP);
			ck_assert_mem_eq(buf + (v - (STACK_TOP - size)), a->random, 16);
		} else if (type == AT_EXECFN) {
			ck_assert(!seen_execfn);
			seen_execfn = true;
			ck_assert_str_eq(stk_str(buf, size, v), a->execfn);
		} else if (type == AT_PLATFORM) {
			ck_assert(!seen_platform);
			seen_platform = true;
			ck_assert_ptr_nonnull(a->platform);
			ck_assert_str_eq(stk_str(buf, size, v), a->platform);
		} else {
			bool found = false;

			for (size_t i = 0; i < a->auxc; i++)
				if (a->auxv[i].type == type && a->auxv[i].val == v)
					found = true;
			ck_assert_msg(found, "unexpected auxv %lu", (unsigned long)type);
		}
	}
	ck_assert(seen_random && seen_execfn);
	ck_assert(seen_platform == (a->platform != NULL));
	/* The tables end below the random bytes, which end below the strings. */
	ck_assert_uint_le(p + 16, lay->random);
	ck_assert_uint_le(lay->random + 16, lay->arg_start);
	ck_assert_uint_eq(stk_word(buf, size, STACK_TOP - 8), 0);
	return naux;
}

static const uint8_t rnd[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const char *const test_argv[] = {"prog", "-a", "hello world"};
static const char *const test_envp[] = {"HOME=/", "PATH=/bin:/usr/bin"};
static const struct exec_auxv test_auxv[] = {
	{AT_PHDR, 0x400040},  {AT_PHENT, 56},	 {AT_PHNUM, 4},	  {AT_PAGESZ, 4096},
	{AT_ENTRY, 0x401000}, {AT_UID, 1000},	 {AT_EUID, 1000}, {AT_GID, 100},
	{AT_EGID, 100},	      {AT_RANDOM, 1234}, {AT_NULL, 0},	  {AT_HWCAP, 0x178bfbff},
	{AT_CLKTCK, 100},     {AT_SECURE, 0},
};

static struct exec_stack_args test_args(void)
{
	return (struct exec_stack_args){
		.argv = test_argv,
		.argc = 3,
		.envp = test_envp,
		.envc = 2,
		.auxv = test_auxv,
		.auxc = ARRAY_SIZE(test_auxv),
		.random = rnd,
		.execfn = "/bin/prog",
		.platform = "x86_64",
	};
}

START_TEST(test_stack_walk)
{
	static uint8_t buf[8192];
	struct exec_stack_args a = test_args();
	struct exec_stack_layout lay;

	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(exec_stack_build(buf, sizeof(buf), STACK_TOP, &a, &lay), 0);
	/* 12 caller entries (AT_RANDOM and AT_NULL skipped) + platform, execfn, random. */
	ck_assert_uint_eq(walk_stack(buf, sizeof(buf), &lay, &a), 15);
	ck_assert_uint_eq(lay.arg_end - lay.arg_start, sizeof("prog-ahello world") + 2);
	ck_assert_mem_eq(stk_str(buf, sizeof(buf), lay.arg_start), "prog\0-a\0hello world", 20);
	ck_assert_mem_eq(stk_str(buf, sizeof(buf), lay.env_start), "HOME=/\0PATH=", 12);
	ck_assert_uint_eq(lay.env_end, lay.execfn);
	ck_assert_uint_eq(lay.low, lay.rsp);
	/* Nothing below rsp was touched. */
	for (uint64_t addr = STACK_TOP - sizeof(buf); addr < lay.rsp; addr++)
		ck_assert_uint_eq(buf[addr - (STACK_TOP - sizeof(buf))], 0xaa);
}
END_TEST

START_TEST(test_stack_empty)
{
	static uint8_t buf[512];
	struct exec_stack_args a = {.random = rnd, .execfn = "x"};
	struct exec_stack_layout lay;

	ck_assert_int_eq(exec_stack_build(buf, sizeof(buf), STACK_TOP, &a, &lay), 0);
	ck_assert_uint_eq(walk_stack(buf, sizeof(buf), &lay, &a), 2);
	ck_assert_uint_eq(lay.arg_start, lay.arg_end);
}
END_TEST

/* rsp stays 16-aligned whatever the string lengths and counts. */
START_TEST(test_stack_alignment)
{
	static uint8_t buf[16384];
	static char strs[8][64];
	const char *argv[8];
	struct exec_stack_layout lay;

	for (unsigned argc = 0; argc < 8; argc++) {
		for (unsigned len = 0; len < 40; len++) {
			for (unsigned auxc = 0; auxc < 3; auxc++) {
				struct exec_stack_args a = test_args();

				for (unsigned i = 0; i < argc; i++) {
					memset(strs[i], 'a' + i, len + i);
					strs[i][len + i] = '\0';
					argv[i] = strs[i];
				}
				a.argv = argv;
				a.argc = argc;
				a.envc = len % 3;
				a.auxc = auxc;
				a.platform = (len & 1) ? "x86_64" : NULL;
				ck_assert_int_eq(
					exec_stack_build(buf, sizeof(buf), STACK_TOP, &a, &lay), 0);
				walk_stack(buf, sizeof(buf), &lay, &a);
			}
		}
	}
}
END_TEST

/* The smallest buffer that fits works, every smaller one gives -E2BIG. */
START_TEST(test_stack_e2big)
{
	struct exec_stack_args a = test_args();
	struct exec_stack_layout lay;
	size_t need = 0;

	for (size_t size = 0; size <= 4096; size++) {
		uint8_t *buf = malloc(size ? size : 1); /* exact size: ASan sees overruns */
		int rc = exec_stack_build(buf, size, STACK_TOP, &a, &lay);

		if (rc == 0) {
			if (!need)
				need = size;
			walk_stack(buf, size, &lay, &a);
			ck_assert_uint_ge(lay.low, STACK_TOP - size);
		} else {
			ck_assert_int_eq(rc, -E2BIG);
			ck_assert_uint_eq(need, 0);
		}
		free(buf);
	}
	ck_assert_uint_gt(need, 300);
	ck_assert_uint_lt(need, 600);
}
END_TEST

START_TEST(test_stack_limits)
{
	size_t big = 200 * 1024;
	char *huge = malloc(big + 1);
	uint8_t *buf = malloc(128 * 1024);
	const char *argv[1] = {huge};
	struct exec_stack_args a = test_args();
	struct exec_stack_layout lay;

	memset(huge, 'x', big);
	huge[big] = '\0';
	a.argv = argv;
	a.argc = 1;
	ck_assert_int_eq(exec_stack_build(buf, 128 * 1024, STACK_TOP, &a, &lay), -E2BIG);
	a.argv = test_argv;
	a.argc = 3;
	a.execfn = huge;
	ck_assert_int_eq(exec_stack_build(buf, 128 * 1024, STACK_TOP, &a, &lay), -E2BIG);
	a.execfn = "/x";
	ck_assert_int_eq(exec_stack_build(buf, 128 * 1024, STACK_TOP + 8, &a, &lay), -EINVAL);
	ck_assert_int_eq(exec_stack_build(buf, 128 * 1024, 64, &a, &lay), -EINVAL);
	a.random = NULL;
	ck_assert_int_eq(exec_stack_build(buf, 128 * 1024, STACK_TOP, &a, &lay), -EINVAL);
	free(buf);
	free(huge);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exec_stack");
	TCase *stack = tcase_create("stack");
	SRunner *sr;
	int failed;

	tcase_add_test(stack, test_stack_walk);
	tcase_add_test(stack, test_stack_empty);
	tcase_add_test(stack, test_stack_alignment);
	tcase_add_test(stack, test_stack_e2big);
	tcase_add_test(stack, test_stack_limits);
	tcase_set_timeout(stack, 60);
	suite_add_tcase(s, stack);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
