/*
 * libFuzzer target for wget's parsers (user/lib/nt_http.c): the input is
 * taken as a response head, as a chunked body fed in pieces whose sizes
 * come from the first byte, and as URL and Location strings. Checks: no
 * out-of-bounds access (ASan), a head length within the input, decoded
 * output never longer than the input and the same whatever the split.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user/lib/nt_http.h"

static size_t decode_all(const uint8_t *data, size_t len, size_t step, uint8_t *out, int *status)
{
	struct nt_chunked c = {0};
	uint8_t *buf = malloc(len ? len : 1);
	size_t off = 0, olen = 0;

	*status = 0;
	while (off < len && *status == 0) {
		size_t n = len - off < step ? len - off : step, o, used;

		memcpy(buf, data + off, n);
		*status = nt_chunked_decode(&c, buf, n, &o, &used);
		if (*status < 0)
			break;
		if (o > used || used > n)
			abort();
		memcpy(out + olen, buf, o);
		olen += o;
		off += used;
	}
	free(buf);
	return olen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct nt_http_resp r;
	struct nt_url base, u;
	uint8_t *o1, *o2;
	size_t step, l1, l2;
	int s1, s2, h;
	char *str;

	if (len == 0)
		return 0;
	step = (size_t)(data[0] % 16) + 1;
	data++;
	len--;

	h = nt_http_parse_head((const char *)data, len, &r);
	if (h > (int)len)
		abort();

	o1 = malloc(len + 1);
	o2 = malloc(len + 1);
	l1 = decode_all(data, len, len ? len : 1, o1, &s1);
	l2 = decode_all(data, len, step, o2, &s2);
	if (l1 > len || l2 > len)
		abort();
	/* Same verdict and the same bytes for any split (up to an error). */
	if (s1 >= 0 && s2 >= 0 && (s1 != s2 || l1 != l2 || memcmp(o1, o2, l1)))
		abort();
	free(o1);
	free(o2);

	str = malloc(len + 1);
	memcpy(str, data, len);
	str[len] = '\0';
	nt_url_parse(str, &u);
	if (nt_url_parse("http://base.example:8080/dir/file?q", &base) != 0)
		abort();
	if (nt_url_resolve(&base, str, &u) == 0 && (u.path[0] != '/' || !u.host[0]))
		abort();
	free(str);
	return 0;
}
