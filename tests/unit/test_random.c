/*
 * Host tests of the ChaCha20 CSPRNG (kernel/lib/random.c): the block
 * function against RFC 8439 (section 2.3.2 and appendix A.1 test vector 1),
 * the fast-key-erasure construction, seeding, and the statistics of the
 * output. Check runs each test in a fresh process, so every test starts
 * from the unseeded all-zero key.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/lib/random.h"

/* RFC 8439 2.3.2: key 00..1f, nonce 000000090000004a00000000, counter 1. */
static const uint8_t rfc_2_3_2[64] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
	0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
	0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
	0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
	0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 A.1 test vector 1: all-zero key and nonce, counter 0. */
static const uint8_t rfc_a_1_1[64] = {
	0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5, 0x53,
	0x86, 0xbd, 0x28, 0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a, 0xa8, 0x36,
	0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7, 0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48,
	0x8d, 0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37, 0x6a, 0x43, 0xb8, 0xf4,
	0x15, 0x18, 0xa1, 0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
};

START_TEST(test_block_vectors)
{
	uint8_t key[32], nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0}, out[64];
	static const uint8_t zero[32];
	int i;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	chacha20_block(key, 1, nonce, out);
	ck_assert_int_eq(memcmp(out, rfc_2_3_2, 64), 0);
	chacha20_block(zero, 0, zero, out);
	ck_assert_int_eq(memcmp(out, rfc_a_1_1, 64), 0);
}
END_TEST

/* Fast key erasure from the zero key: block 0 gives the next key (its
 * first half) and the first 32 output bytes (its second half); later
 * bytes come from blocks 1, 2, ... under the same key. */
START_TEST(test_key_erasure)
{
	static const uint8_t zero[32];
	uint8_t out[96], blk[64], next[64];

	random_get_bytes(out, 96);
	ck_assert_int_eq(memcmp(out, rfc_a_1_1 + 32, 32), 0);
	chacha20_block(zero, 1, zero, blk);
	ck_assert_int_eq(memcmp(out + 32, blk, 64), 0);
	/* The next request runs under the key from block 0. */
	chacha20_block(rfc_a_1_1, 0, zero, next);
	random_get_bytes(out, 32);
	ck_assert_int_eq(memcmp(out, next + 32, 32), 0);
}
END_TEST

START_TEST(test_seeding_changes_output)
{
	uint8_t out[32];

	ck_assert_uint_eq(random_seed_bytes(), 0);
	random_add_entropy("", 0);
	ck_assert_uint_eq(random_seed_bytes(), 0);
	random_add_entropy("tsc:123456789 rdrand:42", 23);
	random_add_entropy("more seed material, longer than one 32-byte chunk", 50);
	ck_assert_uint_eq(random_seed_bytes(), 73);
	random_get_bytes(out, sizeof(out));
	ck_assert_int_ne(memcmp(out, rfc_a_1_1 + 32, 32), 0);
}
END_TEST

START_TEST(test_output_statistics)
{
	size_t n = 1 << 20, i, ones = 0;
	uint8_t *buf = malloc(n);
	uint64_t a, b;

	random_add_entropy("stats", 5);
	random_get_bytes(buf, n);
	for (i = 0; i < n; i++)
		ones += (size_t)__builtin_popcount(buf[i]);
	/* 8 Mbit: the standard deviation is 1448 bits; allow 25 of them. */
	ck_assert_uint_gt(ones, n * 4 - 36000);
	ck_assert_uint_lt(ones, n * 4 + 36000);
	/* Pieces of a long request do not repeat each other. */
	for (i = 1024; i + 1024 <= n; i += 1024)
		ck_assert_int_ne(memcmp(buf, buf + i, 32), 0);
	free(buf);
	a = random_u64();
	b = random_u64();
	ck_assert_uint_ne(a, b);
}
END_TEST

START_TEST(test_odd_sizes)
{
	uint8_t buf[3000], prev[3000];
	size_t len;

	memset(prev, 0, sizeof(prev));
	for (len = 1; len <= sizeof(buf); len += 97) {
		memset(buf, 0, sizeof(buf));
		random_get_bytes(buf, len);
		/* Nothing written past len. */
		ck_assert_int_eq(buf[len], 0);
		ck_assert(len < 8 || memcmp(buf, prev, 8) != 0);
		memcpy(prev, buf, sizeof(buf));
	}
	random_get_bytes(buf, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("random");
	TCase *tc = tcase_create("chacha20");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_block_vectors);
	tcase_add_test(tc, test_key_erasure);
	tcase_add_test(tc, test_seeding_changes_output);
	tcase_add_test(tc, test_output_statistics);
	tcase_add_test(tc, test_odd_sizes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
