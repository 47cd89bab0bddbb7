/*
 * HTTP/1.1 response and URL parsing for wget (see nt_http.h). All
 * functions are pure and bounded: they only read [buf, buf + len).
 */
#include <errno.h>
#include <string.h>

#include "nt_http.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool ieq_n(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* Copy [s, s+n) into out[size] with a NUL; false when it does not fit. */
static bool copy_n(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool valid_host(const char *h)
{
	if (!*h)
		return false;
	for (; *h; h++) {
		char c = *h;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/* authority and path of s (after "http://" or "//"). */
static int parse_authority(const char *s, struct nt_url *u)
{
	size_t alen = strcspn(s, "/?#");
	const char *colon = memchr(s, ':', alen);
	size_t hlen = colon ? (size_t)(colon - s) : alen;
	const char *rest = s + alen;
	size_t plen;

	if (memchr(s, '@', alen))
		return -EINVAL; /* no user info */
	if (!copy_n(u->host, sizeof(u->host), s, hlen) || !valid_host(u->host))
		return -EINVAL;
	u->port = 80;
	u->port_given = false;
	if (colon) {
		unsigned long v = 0;
		const char *p;

		if (colon + 1 == s + alen)
			return -EINVAL;
		for (p = colon + 1; p < s + alen; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > 65535)
				return -EINVAL;
		}
		if (v == 0)
			return -EINVAL;
		u->port = (uint16_t)v;
		u->port_given = true;
	}
	plen = strcspn(rest, "#");
	if (plen == 0) {
		strcpy(u->path, "/");
		return 0;
	}
	if (*rest == '?') {
		if (plen + 1 >= sizeof(u->path))
			return -EINVAL;
		u->path[0] = '/';
		memcpy(u->path + 1, rest, plen);
		u->path[plen + 1] = '\0';
		return 0;
	}
	return copy_n(u->path, sizeof(u->path), rest, plen) ? 0 : -EINVAL;
}

static bool has_bad_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return true;
	return false;
}

int nt_url_parse(const char *s, struct nt_url *u)
{
	memset(u, 0, sizeof(*u));
	if (has_bad_chars(s))
		return -EINVAL;
	if (ieq_n(s, "http://", 7) && strlen(s) >= 7)
		return parse_authority(s + 7, u);
	if (strstr(s, "://"))
		return -EPROTONOSUPPORT;
	return -EINVAL;
}

int nt_url_resolve(const struct nt_url *base, const char *loc, struct nt_url *out)
{
	size_t llen = strlen(loc), dlen;
	const char *slash;

	if (!*loc || has_bad_chars(loc))
		return -EINVAL;
	if (strstr(loc, "://"))
		return nt_url_parse(loc, out);
	if (loc[0] == '/' && loc[1] == '/') {
		memset(out, 0, sizeof(*out));
		return parse_authority(loc + 2, out);
	}
	*out = *base;
	if (loc[0] == '/')
		return copy_n(out->path, sizeof(out->path), loc, strcspn(loc, "#")) ? 0 : -EINVAL;
	/* Relative: replace what follows the base path's last '/' (before
	 * any query). */
	dlen = strcspn(base->path, "?");
	slash = base->path;
	for (size_t i = 0; i < dlen; i++)
		if (base->path[i] == '/')
			slash = base->path + i;
	dlen = (size_t)(slash - base->path) + 1;
	llen = strcspn(loc, "#");
	if (dlen + llen >= sizeof(out->path))
		return -EINVAL;
	memcpy(out->path, base->path, dlen);
	memcpy(out->path + dlen, loc, llen);
	out->path[dlen + llen] = '\0';
	return 0;
}

bool nt_http_has_body(int status)
{
	return !(status < 200 || status == 204 || status == 304);
}

/* Trim spaces and tabs around [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int parse_status_line(const char *l, size_t n, struct nt_http_resp *r)
{
	size_t rl;

	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' || l[8] != ' ')
		return -EBADMSG;
	if (l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9')
		return -EBADMSG;
	if (n > 12 && l[12] != ' ')
		return -EBADMSG;
	r->minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	rl = n > 13 ? n - 13 : 0;
	if (rl >= sizeof(r->reason))
		rl = sizeof(r->reason) - 1;
	if (rl)
		memcpy(r->reason, l + 13, rl);
	r->reason[rl] = '\0';
	return 0;
}

static int parse_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* Transfer-Encoding: "chunked" must be the last coding; anything else
 * (gzip, ...) we cannot decode. Only "chunked" alone is accepted. */
static int parse_te(const char *v, size_t n, struct nt_http_resp *r)
{
	if (n == 7 && ieq_n(v, "chunked", 7)) {
		r->chunked = true;
		return 0;
	}
	if (n == 8 && ieq_n(v, "identity", 8))
		return 0;
	return -EBADMSG;
}

static int parse_header(const char *l, size_t n, struct nt_http_resp *r)
{
	const char *colon = memchr(l, ':', n);
	const char *v;
	size_t nl, vl;

	if (!colon || colon == l)
		return -EBADMSG;
	nl = (size_t)(colon - l);
	if (memchr(l, ' ', nl) || memchr(l, '\t', nl))
		return -EBADMSG; /* RFC 9112 5.1: no whitespace before the colon */
	v = colon + 1;
	vl = n - nl - 1;
	trim(&v, &vl);
	if (nl == 14 && ieq_n(l, "content-length", 14)) {
		uint64_t x;

		if (parse_length(v, vl, &x))
			return -EBADMSG;
		if (r->has_length && r->length != x)
			return -EBADMSG;
		r->has_length = true;
		r->length = x;
	} else if (nl == 17 && ieq_n(l, "transfer-encoding", 17)) {
		return parse_te(v, vl, r);
	} else if (nl == 8 && ieq_n(l, "location", 8)) {
		if (!copy_n(r->location, sizeof(r->location), v, vl))
			return -EBADMSG;
	} else if (nl == 10 && ieq_n(l, "connection", 10)) {
		if (vl == 5 && ieq_n(v, "close", 5))
			r->close = true;
	}
	return 0;
}

int nt_http_parse_head(const char *buf, size_t len, struct nt_http_resp *r)
{
	size_t off = 0, lim = len < NT_HTTP_HEAD_MAX ? len : NT_HTTP_HEAD_MAX;
	bool first = true;

	memset(r, 0, sizeof(*r));
	for (;;) {
		const char *nl = memchr(buf + off, '\n', lim - off);
		size_t n;
		int err;

		if (!nl)
			return len >= NT_HTTP_HEAD_MAX ? -E2BIG : 0;
		n = (size_t)(nl - (buf + off));
		if (n && buf[off + n - 1] == '\r')
			n--;
		if (memchr(buf + off, '\0', n))
			return -EBADMSG;
		if (first) {
			err = parse_status_line(buf + off, n, r);
			first = false;
		} else if (n == 0) {
			if (r->chunked)
				r->has_length = false; /* RFC 9112 6.3: chunked wins */
			return (int)(nl - buf) + 1;
		} else if (buf[off] == ' ' || buf[off] == '\t') {
			err = 0; /* obsolete line folding: ignore the continuation */
		} else {
			err = parse_header(buf + off, n, r);
		}
		if (err)
			return err;
		off = (size_t)(nl - buf) + 1;
	}
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nt_chunked_decode(struct nt_chunked *c, uint8_t *buf, size_t len, size_t *out, size_t *used)
{
	size_t i = 0, o = 0;

	while (i < len && c->state != NT_CH_DONE) {
		uint8_t b = buf[i];

		switch (c->state) {
		case NT_CH_SIZE: {
			int h = hexval(b);

			if (h >= 0 && !c->size_ws) {
				if (++c->digits > 15)
					return -EBADMSG;
				c->remain = c->remain << 4 | (uint64_t)h;
			} else if ((b == ' ' || b == '\t') && c->digits) {
				c->size_ws = true;
			} else if (b == ';' && c->digits) {
				c->state = NT_CH_EXT;
			} else if (b == '\r' && c->digits) {
				c->state = NT_CH_SIZE_LF;
			} else if (b == '\n' && c->digits) {
				goto size_done;
			} else {
				return -EBADMSG;
			}
			i++;
			break;
		}
		case NT_CH_EXT:
			if (b == '\n')
				goto size_done;
			if (b == '\r')
				c->state = NT_CH_SIZE_LF;
			i++;
			break;
		case NT_CH_SIZE_LF:
			if (b != '\n')
				return -EBADMSG;
size_done:
			i++;
			c->digits = 0;
			c->size_ws = false;
			c->state = c->remain ? NT_CH_DATA : NT_CH_TRAILER;
			break;
		case NT_CH_DATA: {
			size_t n = len - i;

			if (n > c->remain)
				n = (size_t)c->remain;
			memmove(buf + o, buf + i, n);
			o += n;
			i += n;
			c->remain -= n;
			c->total += n;
			if (!c->remain)
				c->state = NT_CH_DATA_CR;
			break;
		}
		case NT_CH_DATA_CR:
			if (b == '\r')
				c->state = NT_CH_DATA_LF;
			else if (b == '\n')
				c->state = NT_CH_SIZE;
			else
				return -EBADMSG;
			i++;
			break;
		case NT_CH_DATA_LF:
			if (b != '\n')
				return -EBADMSG;
			c->state = NT_CH_SIZE;
			i++;
			break;
		case NT_CH_TRAILER:
			if (b == '\n')
				c->state = NT_CH_DONE;
			else if (b == '\r')
				c->state = NT_CH_TRAILER_LF;
			else
				c->state = NT_CH_TRAILER_LINE;
			i++;
			break;
		case NT_CH_TRAILER_LINE:
			if (b == '\n')
				c->state = NT_CH_TRAILER;
			i++;
			break;
		case NT_CH_TRAILER_LF:
			if (b != '\n')
				return -EBADMSG;
			c->state = NT_CH_DONE;
			i++;
			break;
		case NT_CH_DONE:
			break;
		}
	}
	*out = o;
	*used = i;
	return c->state == NT_CH_DONE ? 1 : 0;
}
