/*
 * Host tests for kernel/lib/string.c, which host builds otherwise replace
 * with the C library's: the file is compiled here with its functions
 * renamed (k_memcpy, ...) and checked against simple references. The word
 * copies of memcpy and memmove get every pairing of source and destination
 * alignment, lengths around each turn size, and every overlap in both
 * directions; the rest get their edge cases.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ksvc.h> /* first: its strlcpy macro gives way to the one below */

#undef strlcpy
#define memcpy	k_memcpy
#define memmove k_memmove
#define memset	k_memset
#define memcmp	k_memcmp
#define memchr	k_memchr
#define strlen	k_strlen
#define strnlen k_strnlen
#define strcmp	k_strcmp
#define strncmp k_strncmp
#define strchr	k_strchr
#define strrchr k_strrchr
#define strlcpy k_strlcpy
#include "kernel/lib/string.h"
#include "kernel/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy

#define BUF 512

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

START_TEST(test_memcpy_alignments)
{
	static const size_t lens[] = {0, 1, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100, 257, 400};
	uint8_t src[BUF], dst[BUF], want[BUF];

	fill(src, BUF, 1);
	for (size_t so = 0; so < 8; so++)
		for (size_t d0 = 0; d0 < 8; d0++)
			for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
				size_t n = lens[li];

				memset(dst, 0xee, BUF);
				memset(want, 0xee, BUF);
				memcpy(want + d0, src + so, n);
				ck_assert_ptr_eq(k_memcpy(dst + d0, src + so, n), dst + d0);
				ck_assert_msg(memcmp(dst, want, BUF) == 0,
					      "memcpy src+%zu dst+%zu len %zu", so, d0, n);
			}
}
END_TEST

START_TEST(test_memmove_overlaps)
{
	uint8_t buf[BUF], want[BUF];

	/* Every distance between the two ranges, either way, at lengths
	 * that exercise the 32-, 8- and 1-byte loops. */
	for (size_t n = 0; n <= 80; n += (n < 40 ? 1 : 13))
		for (size_t s = 100; s < 108; s++)
			for (size_t d = s - 72; d <= s + 72; d++) {
				fill(buf, BUF, (unsigned)(n + d));
				memcpy(want, buf, BUF);
				memmove(want + d, want + s, n);
				ck_assert_ptr_eq(k_memmove(buf + d, buf + s, n), buf + d);
				ck_assert_msg(memcmp(buf, want, BUF) == 0,
					      "memmove dst %zu src %zu len %zu", d, s, n);
			}
}
END_TEST

START_TEST(test_memset_and_compare)
{
	uint8_t a[BUF], b[BUF];

	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 70; n++) {
			memset(a, 1, BUF);
			memset(b, 1, BUF);
			memset(b + off, 0xa5, n);
			k_memset(a + off, 0xa5, n);
			ck_assert_int_eq(memcmp(a, b, BUF), 0);
		}
	ck_assert_int_eq(k_memcmp("abc", "abd", 3), -1);
	ck_assert_int_eq(k_memcmp("abd", "abc", 3), 1);
	ck_assert_int_eq(k_memcmp("\x80", "\x01", 1), 1); /* unsigned bytes */
	ck_assert_int_eq(k_memcmp("abc", "abd", 2), 0);
	ck_assert_ptr_eq(k_memchr("hello", 'l', 5), (const char *)"hello" + 2);
	ck_assert_ptr_null(k_memchr("hello", 'z', 5));
}
END_TEST

START_TEST(test_strings)
{
	char out[8];

	ck_assert_uint_eq(k_strlen(""), 0);
	ck_assert_uint_eq(k_strnlen("abcdef", 3), 3);
	ck_assert_int_lt(k_strcmp("a", "b"), 0);
	ck_assert_int_gt(k_strcmp("ab", "a"), 0);
	ck_assert_int_eq(k_strncmp("abcx", "abcy", 3), 0);
	ck_assert_ptr_eq(k_strrchr("a/b/c", '/'), (const char *)"a/b/c" + 3);
	ck_assert_ptr_eq(k_strchr("abc", '\0'), (const char *)"abc" + 3);
	ck_assert_uint_eq(k_strlcpy(out, "0123456789", sizeof(out)), 10);
	ck_assert_str_eq(out, "0123456");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("string");
	TCase *tc = tcase_create("string");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_memcpy_alignments);
	tcase_add_test(tc, test_memmove_overlaps);
	tcase_add_test(tc, test_memset_and_compare);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
