/*
 * libFuzzer target for user/tools/fmt.c: chmod and mkdir -m parse a mode
 * expression from the command line. Arbitrary bytes (NUL-terminated) go to
 * mode_parse with modes, umasks and file types taken from the input; a
 * result must be 07777-bounded and deterministic, octal input must agree
 * with strtoul, and a symbolic expression that only adds bits never
 * clears one. fmt_human and fmt_mode run on the same bytes as numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "user/tools/fmt.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t bits = 0, um = 022;
	if (size >= 4) {
		memcpy(&bits, data, 2);
		memcpy(&um, data + 2, 2);
		data += 4;
		size -= 4;
	}
	mode_t old = (bits & 0x8000 ? S_IFDIR : S_IFREG) | (bits & 07777);
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	mode_t a, b;
	int ra = mode_parse(s, old, um & 0777, &a);
	int rb = mode_parse(s, old, um & 0777, &b);
	CHECK(ra == rb);
	CHECK(ra == 0 || ra == -1);
	if (ra == 0) {
		CHECK(a == b);
		CHECK((a & ~(mode_t)07777) == 0);
		if (s[0] >= '0' && s[0] <= '7')
			CHECK(a == (mode_t)strtoul(s, NULL, 8));
		if (!strchr(s, '-') && !strchr(s, '=') && !(s[0] >= '0' && s[0] <= '7'))
			CHECK((a & (old & 07777)) == (old & 07777));
	}

	char mode[11], human[32];
	fmt_mode(old, mode);
	CHECK(strlen(mode) == 10);
	uint64_t n = 0;
	memcpy(&n, s, size < sizeof(n) ? size : sizeof(n));
	fmt_human(n, human, sizeof(human));
	CHECK(strlen(human) > 0 && strlen(human) < 8);
	free(s);
	return 0;
}
