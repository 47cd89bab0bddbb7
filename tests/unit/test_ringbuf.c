/*
 * Host tests for kernel/lib/ringbuf.c, the byte ring behind pipes, pty
 * masters and sockets: partial puts when full, wrap-around in both
 * directions, odd sizes, and a long random run checked against a simple
 * model queue.
 */
#include <check.h>
#include <stdlib.h>
#include "kernel/lib/ringbuf.h"
#include "host_svc.h"

START_TEST(test_fill_and_drain)
{
	uint8_t mem[8], out[16];
	struct ringbuf rb;

	ringbuf_init(&rb, mem, sizeof(mem));
	ck_assert_uint_eq(ringbuf_room(&rb), 8);
	ck_assert_uint_eq(ringbuf_put(&rb, "abcdefghij", 10), 8);
	ck_assert_uint_eq(ringbuf_used(&rb), 8);
	ck_assert_uint_eq(ringbuf_room(&rb), 0);
	ck_assert_uint_eq(ringbuf_put(&rb, "x", 1), 0);
	ck_assert_uint_eq(ringbuf_get(&rb, out, 3), 3);
	ck_assert_mem_eq(out, "abc", 3);
	ck_assert_uint_eq(ringbuf_get(&rb, out, 16), 5);
	ck_assert_mem_eq(out, "defgh", 5);
	ck_assert_uint_eq(ringbuf_get(&rb, out, 16), 0);
}
END_TEST

START_TEST(test_wrap)
{
	uint8_t mem[7], out[16];
	struct ringbuf rb;

	ringbuf_init(&rb, mem, sizeof(mem));
	ck_assert_uint_eq(ringbuf_put(&rb, "12345", 5), 5);
	ck_assert_uint_eq(ringbuf_get(&rb, out, 4), 4);
	/* head at 4, one byte queued: a put of 6 wraps past the end. */
	ck_assert_uint_eq(ringbuf_put(&rb, "abcdef", 6), 6);
	ck_assert_uint_eq(ringbuf_used(&rb), 7);
	ck_assert_uint_eq(ringbuf_get(&rb, out, 7), 7);
	ck_assert_mem_eq(out, "5abcdef", 7);
	ringbuf_put(&rb, "zz", 2);
	ringbuf_clear(&rb);
	ck_assert_uint_eq(ringbuf_used(&rb), 0);
	ck_assert_uint_eq(ringbuf_room(&rb), 7);
}
END_TEST

START_TEST(test_random_against_model)
{
	enum { SIZE = 97, MODEL = 1 << 16 };
	uint8_t mem[SIZE], buf[200], *model = malloc(MODEL);
	size_t mhead = 0, mtail = 0;
	struct ringbuf rb;
	uint8_t next = 0;

	srand(7);
	ringbuf_init(&rb, mem, sizeof(mem));
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)rand() % 150;
		if (rand() & 1) {
			for (size_t k = 0; k < n; k++)
				buf[k] = next++;
			size_t put = ringbuf_put(&rb, buf, n);
			ck_assert_uint_eq(put,
					  n < SIZE - (mtail - mhead) ? n : SIZE - (mtail - mhead));
			next = (uint8_t)(next - (n - put)); /* bytes not taken are offered again */
			for (size_t k = 0; k < put; k++)
				model[mtail++ % MODEL] = buf[k];
		} else {
			size_t got = ringbuf_get(&rb, buf, n);
			ck_assert_uint_eq(got, n < mtail - mhead ? n : mtail - mhead);
			for (size_t k = 0; k < got; k++)
				ck_assert_uint_eq(buf[k], model[mhead++ % MODEL]);
		}
		ck_assert_uint_eq(ringbuf_used(&rb), mtail - mhead);
	}
	free(model);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ringbuf");
	TCase *tc = tcase_create("ringbuf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_fill_and_drain);
	tcase_add_test(tc, test_wrap);
	tcase_add_test(tc, test_random_against_model);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
