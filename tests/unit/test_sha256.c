/*
 * Host tests for SHA-256 (kernel/lib/sha256.c): the FIPS 180-2 appendix B
 * vectors (one block, two blocks, a million 'a'), the 896-bit vector of the
 * NIST examples, messages whose lengths sit on the padding edges (55, 56,
 * 63, 64, 65, 119, 120, 128 bytes; expected digests from Python's hashlib),
 * every way of feeding a message in two pieces, and the hex helpers.
 */
#include <check.h>
#include <stdlib.h>
#include <ksvc.h>
#include "kernel/lib/sha256.h"

static void check_digest(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];

	sha256(data, len, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}

START_TEST(test_fips_vectors)
{
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char four[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijk"
				   "lmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_digest(two, strlen(two),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_digest(four, strlen(four),
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(test_million_a_in_odd_pieces)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	while (done < 1000000) {
		size_t n = MIN(step, 1000000 - done);
		sha256_update(&s, a, n);
		done += n;
		step = step % 977 + 13; /* 1..989 bytes: pieces across block edges */
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

static const struct {
	size_t len;
	const char *digest;
} edges[] = {
	{55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
	{56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
	{63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
	{64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
	{65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
	{119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
	{120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
	{128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
};

START_TEST(test_padding_edges_and_splits)
{
	uint8_t msg[128];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (size_t e = 0; e < ARRAY_SIZE(edges); e++) {
		size_t len = edges[e].len;
		check_digest(msg, len, edges[e].digest);
		for (size_t cut = 0; cut <= len; cut++) {
			struct sha256 s;
			uint8_t d[SHA256_DIGEST_SIZE];
			char hex[65];
			sha256_init(&s);
			sha256_update(&s, msg, cut);
			sha256_update(&s, msg + cut, 0);
			sha256_update(&s, msg + cut, len - cut);
			sha256_final(&s, d);
			sha256_hex(d, hex);
			ck_assert_msg(strcmp(hex, edges[e].digest) == 0, "len %zu cut %zu", len,
				      cut);
		}
	}
}
END_TEST

START_TEST(test_hex_parse)
{
	uint8_t d[SHA256_DIGEST_SIZE], e[SHA256_DIGEST_SIZE];
	char hex[65];
	const char *upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";

	sha256("abc", 3, d);
	ck_assert_int_eq(sha256_parse_hex(upper, 64, e), 0);
	ck_assert_mem_eq(d, e, sizeof(d));
	sha256_hex(e, hex);
	ck_assert_int_eq(sha256_parse_hex(hex, 64, e), 0);
	ck_assert_mem_eq(d, e, sizeof(d));
	ck_assert_int_eq(sha256_parse_hex(upper, 63, e), -EINVAL);
	ck_assert_int_eq(sha256_parse_hex(upper, 65, e), -EINVAL);
	hex[10] = 'g';
	ck_assert_int_eq(sha256_parse_hex(hex, 64, e), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_fips_vectors);
	tcase_add_test(tc, test_million_a_in_odd_pieces);
	tcase_add_test(tc, test_padding_edges_and_splits);
	tcase_add_test(tc, test_hex_parse);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
