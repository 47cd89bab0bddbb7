/*
 * Host tests for kernel/lib/printf.c. Most cases compare ksnprintf with the C
 * library's snprintf, both for fixed formats and for thousands of random
 * format/value combinations restricted to what C99 defines identically for
 * both; %p, "(null)", unknown conversions and buffer bounds are checked
 * against fixed expectations.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include "host_svc.h"
#include "kernel/lib/printf.h"

/* The corner cases under test (flags that C99 says are ignored, runtime
 * formats) are exactly what -Wformat warns about. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#define BUF 512

/* Format with both implementations and compare output and return value. */
#define SAME(...)                                                                                \
	do {                                                                                     \
		char k_[BUF], h_[BUF];                                                           \
		int kn_, hn_;                                                                    \
		memset(k_, 'K', sizeof(k_));                                                     \
		memset(h_, 'H', sizeof(h_));                                                     \
		kn_ = ksnprintf(k_, sizeof(k_), __VA_ARGS__);                                    \
		hn_ = snprintf(h_, sizeof(h_), __VA_ARGS__);                                     \
		ck_assert_msg(kn_ == hn_, "%s: returned %d, libc %d", #__VA_ARGS__, kn_, hn_);   \
		ck_assert_msg(!strcmp(k_, h_), "%s: \"%s\", libc \"%s\"", #__VA_ARGS__, k_, h_); \
	} while (0)

static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(test_plain)
{
	SAME("hello");
	SAME("");
	SAME("%%");
	SAME("a%%b%%%%c");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("[%s]", "string");
	SAME("[%10s][%-10s][%.2s][%10.3s][%-10.3s]", "abcdef", "abcdef", "abcdef", "abcdef",
	     "abcdef");
	SAME("[%5c][%-5c]", 'x', 'y');
}
END_TEST

START_TEST(test_signed)
{
	SAME("%d %i %d %d", 0, 42, -42, INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%ld %ld", LONG_MAX, LONG_MIN);
	SAME("%lld %lld", LLONG_MAX, LLONG_MIN);
	SAME("%jd %zd %td", (intmax_t)INT64_MIN, (ssize_t)-5, (ptrdiff_t)-77);
	SAME("%hd %hd %hhd %hhd", 70000, -32769, 200, -129);
	SAME("[%+d][% d][%+d][% d][%+ d][% +d]", 5, 5, -5, -5, 5, 5);
	SAME("[%05d][%-5d][%-05d][%+05d][% 05d]", -42, -42, -42, 42, 42);
	SAME("[%.0d][%.0d][%5.0d][%-5.0d][%+.0d][% .0d]", 0, 1, 0, 0, 0, 0);
	SAME("[%.5d][%8.5d][%-8.5d][%08.5d][%.5d]", 42, -42, 42, 42, -42);
	SAME("[%020lld][%-+25lld]", LLONG_MIN, LLONG_MIN);
}
END_TEST

START_TEST(test_unsigned)
{
	SAME("%u %u %lu %llu", 0u, UINT_MAX, ULONG_MAX, ULLONG_MAX);
	SAME("%o %o %lo %llo", 0u, 8u, ULONG_MAX, ULLONG_MAX);
	SAME("%x %X %lx %llX", 0u, 0xabcdefu, ULONG_MAX, 0x0123456789abcdefULL);
	SAME("%hu %hhu %hx %hhx %ho", 70000u, 300u, 0x12345u, 0x1ffu, 65537u);
	SAME("%zu %zx %ju %tx", (size_t)-1, (size_t)4096, (uintmax_t)UINT64_MAX, (ptrdiff_t)0x7f);
	/* '#': 0x only for non-zero, octal gets a leading zero, also with
	 * precision 0 and value 0. */
	SAME("[%#x][%#X][%#x][%#o][%#o][%#.0o][%#.0x][%#5o][%#.3o][%#.3x]", 255u, 255u, 0u, 8u, 0u,
	     0u, 0u, 0u, 8u, 1u);
	SAME("[%#010x][%-#10x][%#-010x][%#10.4x][%#010o]", 255u, 255u, 255u, 255u, 8u);
	SAME("[%.0u][%.0x][%.0o][%3.0u][%-3.0x]", 0u, 0u, 0u, 0u, 0u);
	SAME("[%018llo][%.24llo]", ULLONG_MAX, 1ULL);
}
END_TEST

START_TEST(test_sign_flags_unsigned)
{
	char buf[64];

	/* '+' and ' ' apply to signed conversions only; glibc ignores them
	 * elsewhere and so does the kernel. */
	kfmt(buf, sizeof(buf), "[%+u][% u][%+x][% o][%+5X]", 5u, 5u, 5u, 5u, 10u);
	ck_assert_str_eq(buf, "[5][5][5][5][    A]");
}
END_TEST

START_TEST(test_star)
{
	SAME("[%*d][%-*d][%*d]", 6, 42, 6, 42, -6, 42);
	SAME("[%.*d][%.*d][%.*s][%.*s]", 4, 7, -1, 7, 2, "abc", -3, "abc");
	SAME("[%*.*x][%-*.*x]", 10, 4, 0xabu, 10, 4, 0xabu);
	SAME("[%0*d][%0*d]", 5, -1, -5, -1);
}
END_TEST

START_TEST(test_pointer)
{
	char buf[64];
	int n;

	n = ksnprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80001234UL);
	ck_assert_int_eq(n, 18);
	ck_assert_str_eq(buf, "0xffffffff80001234");
	n = ksnprintf(buf, sizeof(buf), "%p", NULL);
	ck_assert_int_eq(n, 18);
	ck_assert_str_eq(buf, "0x0000000000000000");
	ksnprintf(buf, sizeof(buf), "[%p]", (void *)0x10);
	ck_assert_str_eq(buf, "[0x0000000000000010]");
	ksnprintf(buf, sizeof(buf), "[%22p][%-22p]", (void *)1, (void *)1);
	ck_assert_str_eq(buf, "[    0x0000000000000001][0x0000000000000001    ]");
	/* Flags that make no sense for %p do not change the 18 characters. */
	kfmt(buf, sizeof(buf), "[%+#020p]", (void *)0xab);
	ck_assert_str_eq(buf, "[  0x00000000000000ab]");
}
END_TEST

START_TEST(test_null_string)
{
	char buf[64];

	ck_assert_int_eq(kfmt(buf, sizeof(buf), "%s", (char *)NULL), 6);
	ck_assert_str_eq(buf, "(null)");
	kfmt(buf, sizeof(buf), "[%8s][%.3s]", (char *)NULL, (char *)NULL);
	ck_assert_str_eq(buf, "[  (null)][(nu]");
}
END_TEST

START_TEST(test_unknown_conversion)
{
	char buf[64];
	int n;

	n = kfmt(buf, sizeof(buf), "a%qb");
	ck_assert_str_eq(buf, "a%qb");
	ck_assert_int_eq(n, 4);
	kfmt(buf, sizeof(buf), "[%-5y][%lw]");
	ck_assert_str_eq(buf, "[%-5y][%lw]");
	n = kfmt(buf, sizeof(buf), "end%");
	ck_assert_str_eq(buf, "end%");
	ck_assert_int_eq(n, 4);
	kfmt(buf, sizeof(buf), "x%5");
	ck_assert_str_eq(buf, "x%5");
	/* Consumes no argument: the next conversion still gets its own. */
	kfmt(buf, sizeof(buf), "%k%d", 7);
	ck_assert_str_eq(buf, "%k7");
}
END_TEST

START_TEST(test_string_precision_unterminated)
{
	/* With a precision, %s must not read past it (ASan checks). */
	char *s = malloc(3);
	char buf[16];

	memcpy(s, "abc", 3);
	ck_assert_int_eq(ksnprintf(buf, sizeof(buf), "%.3s|", s), 4);
	ck_assert_str_eq(buf, "abc|");
	free(s);
}
END_TEST

START_TEST(test_truncation)
{
	char buf[16];
	size_t size;

	/* Every buffer size: terminated, never written past `size`, and the
	 * return value is the full length. */
	for (size = 0; size <= sizeof(buf); size++) {
		int n;

		memset(buf, '#', sizeof(buf));
		n = ksnprintf(buf, size, "%s-%05d", "hello", 42);
		ck_assert_int_eq(n, 11);
		if (size) {
			size_t kept = size - 1 < 11 ? size - 1 : 11;

			ck_assert(!memcmp(buf, "hello-00042", kept));
			ck_assert_int_eq(buf[kept], '\0');
		}
		for (size_t i = size; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], '#');
	}
	/* size 0 with NULL: measuring only. */
	ck_assert_int_eq(ksnprintf(NULL, 0, "%d%s", 12345, "abc"), 8);
}
END_TEST

START_TEST(test_huge_width)
{
	char buf[8];
	int n;

	n = ksnprintf(buf, sizeof(buf), "%100000d", 1);
	ck_assert_int_eq(n, 100000);
	ck_assert_str_eq(buf, "       ");
	n = ksnprintf(buf, sizeof(buf), "%-100000d|", 1);
	ck_assert_int_eq(n, 100001);
	ck_assert_str_eq(buf, "1      ");
	/* Widths that overflow int saturate and the total does not fit. */
	n = kfmt(buf, sizeof(buf), "%99999999999d", 1);
	ck_assert_int_eq(n, INT_MAX);
	n = kfmt(buf, sizeof(buf), "%2147483647d%d", 1, 2);
	ck_assert_int_eq(n, -EOVERFLOW);
	ck_assert_int_eq(buf[sizeof(buf) - 1], '\0');
}
END_TEST

START_TEST(test_int_min_star)
{
	char buf[8];

	/* '*' with INT_MIN: left-justify with width INT_MAX, no overflow. */
	ck_assert_int_eq(kfmt(buf, sizeof(buf), "%*d", INT_MIN, 1), INT_MAX);
	ck_assert_str_eq(buf, "1      ");
}
END_TEST

/*
 * Differential test: random specifications from the subset where C99 leaves
 * nothing implementation-defined, checked against glibc, with random buffer
 * sizes. Seeded, so a failure reproduces.
 */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_value(void)
{
	static const uint64_t special[] = {0,
					   1,
					   7,
					   8,
					   9,
					   10,
					   255,
					   256,
					   0x7f,
					   0x80,
					   0x7fff,
					   0x8000,
					   0xffff,
					   0x7fffffff,
					   0x80000000,
					   0xffffffff,
					   0x100000000ULL,
					   0x7fffffffffffffffULL,
					   0x8000000000000000ULL,
					   0xffffffffffffffffULL};

	switch (rnd() % 4) {
	case 0:
		return special[rnd() % ARRAY_SIZE(special)];
	case 1:
		return rnd() % 1000;
	case 2:
		return -(rnd() % 1000);
	default:
		return rnd();
	}
}

static const char *const length_mods[] = {"", "hh", "h", "l", "ll", "z", "j", "t"};

struct spec {
	char fmt[64];
	bool use_star_w, use_star_p;
	int star_w, star_p;
	char conv;
	int len;
};

static void make_spec(struct spec *s)
{
	static const char convs[] = "diuoxXcs%";
	char *f = s->fmt;

	memset(s, 0, sizeof(*s));
	s->conv = convs[rnd() % (sizeof(convs) - 1)];
	*f++ = '%';
	if (s->conv != '%') {
		if (rnd() % 3 == 0)
			*f++ = '-';
		/* '+', ' ', '#' and '0' only where C99 defines them. */
		if (strchr("di", s->conv)) {
			if (rnd() % 3 == 0)
				*f++ = '+';
			if (rnd() % 3 == 0)
				*f++ = ' ';
		}
		if (strchr("oxX", s->conv) && rnd() % 2)
			*f++ = '#';
		if (strchr("diuoxX", s->conv) && rnd() % 3 == 0)
			*f++ = '0';
		switch (rnd() % 4) {
		case 0:
			f += sprintf(f, "%d", (int)(rnd() % 30));
			break;
		case 1:
			*f++ = '*';
			s->use_star_w = true;
			s->star_w = (int)(rnd() % 61) - 30;
			break;
		}
		if (s->conv != 'c') {
			switch (rnd() % 4) {
			case 0:
				f += sprintf(f, ".%d", (int)(rnd() % 25));
				break;
			case 1:
				*f++ = '.';
				break;
			case 2:
				f += sprintf(f, ".*");
				s->use_star_p = true;
				s->star_p = (int)(rnd() % 30) - 5;
				break;
			}
		}
		if (strchr("diuoxX", s->conv)) {
			s->len = (int)(rnd() % ARRAY_SIZE(length_mods));
			f += sprintf(f, "%s", length_mods[s->len]);
		}
	}
	*f++ = s->conv;
	*f = '\0';
}

/* Call fn (ksnprintf or snprintf) with the arguments the spec needs, passing
 * integers in the exact type its length modifier names. */
#define CALL_SPEC(fn, buf, size, s, v, str)                                              \
	({                                                                               \
		int r_;                                                                  \
		if ((s)->use_star_w && (s)->use_star_p)                                  \
			r_ = CALL_V(fn, buf, size, s, v, str, (s)->star_w, (s)->star_p); \
		else if ((s)->use_star_w)                                                \
			r_ = CALL_V(fn, buf, size, s, v, str, (s)->star_w);              \
		else if ((s)->use_star_p)                                                \
			r_ = CALL_V(fn, buf, size, s, v, str, (s)->star_p);              \
		else                                                                     \
			r_ = CALL_V(fn, buf, size, s, v, str);                           \
		r_;                                                                      \
	})

#define CALL_V(fn, buf, size, s, v, str, ...)                                                      \
	({                                                                                         \
		int q_;                                                                            \
		bool sig_ = (s)->conv == 'd' || (s)->conv == 'i';                                  \
		switch ((s)->conv) {                                                               \
		case 's':                                                                          \
			q_ = fn(buf, size, (s)->fmt, ##__VA_ARGS__, str);                          \
			break;                                                                     \
		case 'c':                                                                          \
			q_ = fn(buf, size, (s)->fmt, ##__VA_ARGS__, (int)(v & 0xff));              \
			break;                                                                     \
		case '%':                                                                          \
			q_ = fn(buf, size, (s)->fmt);                                              \
			break;                                                                     \
		default:                                                                           \
			switch ((s)->len) {                                                        \
			case 0:                                                                    \
			case 1:                                                                    \
			case 2:                                                                    \
				q_ = sig_ ? fn(buf, size, (s)->fmt, ##__VA_ARGS__, (int)(v))       \
					  : fn(buf, size, (s)->fmt, ##__VA_ARGS__, (unsigned)(v)); \
				break;                                                             \
			case 3:                                                                    \
				q_ = sig_ ? fn(buf, size, (s)->fmt, ##__VA_ARGS__, (long)(v))      \
					  : fn(buf, size, (s)->fmt, ##__VA_ARGS__,                 \
					       (unsigned long)(v));                                \
				break;                                                             \
			case 4:                                                                    \
				q_ = sig_ ? fn(buf, size, (s)->fmt, ##__VA_ARGS__, (long long)(v)) \
					  : fn(buf, size, (s)->fmt, ##__VA_ARGS__,                 \
					       (unsigned long long)(v));                           \
				break;                                                             \
			case 5:                                                                    \
				q_ = sig_ ? fn(buf, size, (s)->fmt, ##__VA_ARGS__, (ssize_t)(v))   \
					  : fn(buf, size, (s)->fmt, ##__VA_ARGS__, (size_t)(v));   \
				break;                                                             \
			case 6:                                                                    \
				q_ = sig_ ? fn(buf, size, (s)->fmt, ##__VA_ARGS__, (intmax_t)(v))  \
					  : fn(buf, size, (s)->fmt, ##__VA_ARGS__,                 \
					       (uintmax_t)(v));                                    \
				break;                                                             \
			default:                                                                   \
				q_ = fn(buf, size, (s)->fmt, ##__VA_ARGS__, (ptrdiff_t)(v));       \
				break;                                                             \
			}                                                                          \
		}                                                                                  \
		q_;                                                                                \
	})

START_TEST(test_random_differential)
{
	static const char *const strs[] = {"", "a", "hello", "with space", "0123456789abcdef"};
	int iter;

	rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	for (iter = 0; iter < 20000; iter++) {
		char kbuf[128], hbuf[128], fmt[256];
		struct spec s;
		uint64_t v = rnd_value();
		const char *str = strs[rnd() % ARRAY_SIZE(strs)];
		size_t size = rnd() % 3 ? sizeof(kbuf) : rnd() % 12;
		int kn, hn;

		make_spec(&s);
		/* Surround the conversion with literal text now and then. */
		if (rnd() % 2) {
			snprintf(fmt, sizeof(fmt), "<%s>", s.fmt);
			strcpy(s.fmt, fmt);
		}
		memset(kbuf, 'K', sizeof(kbuf));
		memset(hbuf, 'K', sizeof(hbuf));
		kn = CALL_SPEC(ksnprintf, kbuf, size, &s, v, str);
		hn = CALL_SPEC(snprintf, hbuf, size, &s, v, str);
		ck_assert_msg(kn == hn, "fmt \"%s\" v=%#llx size=%zu: returned %d, libc %d", s.fmt,
			      (unsigned long long)v, size, kn, hn);
		ck_assert_msg(!memcmp(kbuf, hbuf, sizeof(kbuf)),
			      "fmt \"%s\" v=%#llx size=%zu: \"%.*s\", libc \"%.*s\"", s.fmt,
			      (unsigned long long)v, size, (int)size, kbuf, (int)size, hbuf);
	}
}
END_TEST

static Suite *printf_suite(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_signed);
	tcase_add_test(tc, test_unsigned);
	tcase_add_test(tc, test_sign_flags_unsigned);
	tcase_add_test(tc, test_star);
	tcase_add_test(tc, test_pointer);
	tcase_add_test(tc, test_null_string);
	tcase_add_test(tc, test_unknown_conversion);
	tcase_add_test(tc, test_string_precision_unterminated);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_huge_width);
	tcase_add_test(tc, test_int_min_star);
	tcase_add_loop_test(tc, test_random_differential, 0, 5);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(printf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
