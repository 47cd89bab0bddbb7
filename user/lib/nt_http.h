/*
 * HTTP/1.1 client parsing for wget (pure; host unit tests in
 * tests/unit/test_nettools.c and the fuzz target tests/fuzz/fuzz_http.c):
 * URLs and redirect targets (RFC 3986 section 5, the subset a Location
 * header needs), the response head (RFC 9112 sections 4-6: status line,
 * Content-Length, Transfer-Encoding, Location) and the chunked transfer
 * coding (RFC 9112 section 7.1) decoded in place. Every input is
 * untrusted: lengths are checked, numbers bounded, and a malformed reply
 * is -EBADMSG, never a crash.
 */
#ifndef NT_HTTP_H
#define NT_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define NT_URL_HOST_MAX 256
#define NT_URL_PATH_MAX 2048

struct nt_url {
	char host[NT_URL_HOST_MAX];
	uint16_t port; /* 80 unless given */
	bool port_given;
	char path[NT_URL_PATH_MAX]; /* starts with '/'; the query is kept */
};

/* "http://host[:port][/path][?query]" (the fragment is dropped).
 * 0, -EPROTONOSUPPORT for another scheme, -EINVAL when malformed or too
 * long. */
int nt_url_parse(const char *s, struct nt_url *u);
/* A Location value against the URL it came from: absolute "http://...",
 * "//host/path", "/path" or a path relative to base's directory. */
int nt_url_resolve(const struct nt_url *base, const char *loc, struct nt_url *out);

struct nt_http_resp {
	int minor; /* HTTP/1.minor */
	int status;
	char reason[128];
	bool chunked;
	bool has_length;
	uint64_t length;
	bool close; /* Connection: close */
	char location[NT_URL_PATH_MAX + NT_URL_HOST_MAX + 16];
};

#define NT_HTTP_HEAD_MAX 16384

/*
 * Parse a response head from the start of buf: returns the head's length
 * (through the empty line) when complete, 0 when more bytes are needed,
 * -EBADMSG when malformed (bad status line, header without a colon, bad
 * or conflicting Content-Length, an unknown transfer coding) and -E2BIG
 * when no end was found within NT_HTTP_HEAD_MAX bytes.
 */
int nt_http_parse_head(const char *buf, size_t len, struct nt_http_resp *r);
/* Whether a response to GET has a body (not 1xx, 204 or 304). */
bool nt_http_has_body(int status);

enum nt_chunk_state {
	NT_CH_SIZE = 0,
	NT_CH_EXT,
	NT_CH_SIZE_LF,
	NT_CH_DATA,
	NT_CH_DATA_CR,
	NT_CH_DATA_LF,
	NT_CH_TRAILER,	    /* at the start of a trailer line */
	NT_CH_TRAILER_LINE, /* inside one */
	NT_CH_TRAILER_LF,   /* a CR ended the empty line */
	NT_CH_DONE,
};

struct nt_chunked {
	enum nt_chunk_state state;
	uint64_t remain; /* of the current chunk */
	unsigned digits; /* of its size so far */
	bool size_ws;	 /* whitespace seen after the size */
	uint64_t total;	 /* data bytes decoded */
};

/*
 * Decode buf[0..len) in place: the data bytes are moved to the front and
 * their count stored in *out. *used is how many input bytes were consumed
 * (all of them unless the message ended). Returns 0 (need more), 1 (the
 * last chunk and the trailers are done) or -EBADMSG. Chunk sizes are at
 * most 15 hex digits; bare LF line ends are accepted.
 */
int nt_chunked_decode(struct nt_chunked *c, uint8_t *buf, size_t len, size_t *out, size_t *used);

#endif
