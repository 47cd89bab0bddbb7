/*
 * The kernel's string and memory functions (declared in kernel/lib/string.h).
 * Host builds of pure logic use the C library's instead, so this file is only
 * built into the kernel.
 *
 * GCC recognises byte loops as memset/memcpy patterns and would compile them
 * into calls to the very function being defined, even with -fno-builtin; the
 * NO_LOOP_PATTERNS attribute turns that transformation off for each function.
 */
#include <ksvc.h>

#if defined(__GNUC__) && !defined(__clang__)
#define NO_LOOP_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LOOP_PATTERNS
#endif

/*
 * The copies move 8-byte words, 32 bytes per turn, whatever the pointers'
 * alignment: x86 allows unaligned loads and stores, and under QEMU's TCG
 * every guest memory access costs the same softmmu lookup whatever its
 * size, so a byte loop is about eight times slower than this. Each turn
 * loads all four words before it stores any, which makes the forward copy
 * safe for a destination below the source, and copy_bwd safe for one
 * above it.
 */
static inline uint64_t ld64(const unsigned char *p)
{
	uint64_t w;

	__builtin_memcpy(&w, p, 8);
	return w;
}

static inline void st64(unsigned char *p, uint64_t w)
{
	__builtin_memcpy(p, &w, 8);
}

NO_LOOP_PATTERNS static void copy_fwd(unsigned char *d, const unsigned char *s, size_t n)
{
	while (n >= 32) {
		uint64_t a = ld64(s), b = ld64(s + 8), c = ld64(s + 16), e = ld64(s + 24);

		st64(d, a);
		st64(d + 8, b);
		st64(d + 16, c);
		st64(d + 24, e);
		d += 32;
		s += 32;
		n -= 32;
	}
	while (n >= 8) {
		st64(d, ld64(s));
		d += 8;
		s += 8;
		n -= 8;
	}
	while (n--)
		*d++ = *s++;
}

NO_LOOP_PATTERNS static void copy_bwd(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	while (n >= 32) {
		uint64_t a = ld64(s - 8), b = ld64(s - 16), c = ld64(s - 24), e = ld64(s - 32);

		st64(d - 8, a);
		st64(d - 16, b);
		st64(d - 24, c);
		st64(d - 32, e);
		d -= 32;
		s -= 32;
		n -= 32;
	}
	while (n >= 8) {
		d -= 8;
		s -= 8;
		n -= 8;
		st64(d, ld64(s));
	}
	while (n--)
		*--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_fwd(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d - (uintptr_t)s >= n)
		copy_fwd(d, s, n); /* d is below s, or past the end of s */
	else
		copy_bwd(d, s, n);
	return dst;
}

NO_LOOP_PATTERNS void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * 0x0101010101010101ULL;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = (unsigned char)c;
		n--;
	}
	while (n >= 8) {
		__builtin_memcpy(d, &w, 8);
		d += 8;
		n -= 8;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

NO_LOOP_PATTERNS int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

NO_LOOP_PATTERNS void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

NO_LOOP_PATTERNS size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

NO_LOOP_PATTERNS size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

NO_LOOP_PATTERNS int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

NO_LOOP_PATTERNS int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

NO_LOOP_PATTERNS char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

NO_LOOP_PATTERNS char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* OpenBSD strlcpy(3): copy at most size-1 bytes, always terminate when
 * size > 0, and return strlen(src) so truncation can be detected. */
NO_LOOP_PATTERNS size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
