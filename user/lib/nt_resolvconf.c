/*
 * /etc/resolv.conf beyond the name servers (which net/dns.c's
 * dns_resolv_conf_parse reads): "search" and "domain" (the last one wins,
 * as in resolv.conf(5)), and "options timeout:N attempts:N ndots:N". Also
 * the order in which a name is tried against the search list. Pure: see
 * nt_resolv.h.
 */
#include <string.h>

#include "nt_resolv.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next word of [*p, end) into w (truncated at size-1); false at end. */
static bool next_word(const char **p, const char *end, char *w, size_t size)
{
	size_t n = 0;

	while (*p < end && is_space(**p))
		(*p)++;
	if (*p >= end)
		return false;
	while (*p < end && !is_space(**p)) {
		if (n + 1 < size)
			w[n++] = **p;
		(*p)++;
	}
	w[n] = '\0';
	return true;
}

static unsigned opt_value(const char *w, const char *key, unsigned min, unsigned max, unsigned cur)
{
	size_t kl = strlen(key);
	unsigned long v = 0;
	const char *s;

	if (strncmp(w, key, kl) != 0 || w[kl] != ':')
		return cur;
	s = w + kl + 1;
	if (!*s)
		return cur;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return cur;
		if (v < 1000)
			v = v * 10 + (unsigned long)(*s - '0');
	}
	return v < min ? min : v > max ? max : (unsigned)v;
}

void nt_resolv_conf_parse(const char *text, size_t len, struct nt_resolv_conf *rc)
{
	const char *p = text, *end = text + len;

	memset(rc, 0, sizeof(*rc));
	rc->timeout_s = 5;
	rc->attempts = 2;
	rc->ndots = 1;
	rc->nservers = dns_resolv_conf_parse(text, len, rc->servers, DNS_MAX_SERVERS);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		char w[DNS_NAME_MAX + 2];

		if (next_word(&p, le, w, sizeof(w)) && w[0] != '#' && w[0] != ';') {
			if (!strcmp(w, "search") || !strcmp(w, "domain")) {
				rc->nsearch = 0;
				while (next_word(&p, le, w, sizeof(w)) &&
				       rc->nsearch < NT_MAX_SEARCH) {
					char norm[DNS_NAME_MAX];

					if (w[0] == '#' || w[0] == ';')
						break;
					if (dns_name_normalize(w, norm) == 0)
						memcpy(rc->search[rc->nsearch++], norm,
						       sizeof(norm));
				}
			} else if (!strcmp(w, "options")) {
				while (next_word(&p, le, w, sizeof(w))) {
					rc->timeout_s =
						opt_value(w, "timeout", 1, 30, rc->timeout_s);
					rc->attempts = opt_value(w, "attempts", 1, 5, rc->attempts);
					rc->ndots = opt_value(w, "ndots", 0, 15, rc->ndots);
				}
			}
		}
		p = eol ? eol + 1 : end;
	}
}

static bool add(char out[][DNS_NAME_MAX], size_t *n, size_t max, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;

	if (*n >= max)
		return false;
	if (la + (b ? 1 + lb : 0) >= DNS_NAME_MAX)
		return true; /* too long: skip it */
	memcpy(out[*n], a, la);
	if (b) {
		out[*n][la] = '.';
		memcpy(out[*n] + la + 1, b, lb);
		la += 1 + lb;
	}
	out[*n][la] = '\0';
	(*n)++;
	return true;
}

size_t nt_resolv_candidates(const struct nt_resolv_conf *rc, const char *name,
			    char out[][DNS_NAME_MAX], size_t max)
{
	size_t len = strlen(name), n = 0, dots = 0, i;

	if (len == 0)
		return 0;
	if (name[len - 1] == '.') {
		add(out, &n, max, name, NULL);
		return n;
	}
	for (i = 0; i < len; i++)
		dots += name[i] == '.';
	if (dots >= rc->ndots)
		add(out, &n, max, name, NULL);
	for (i = 0; i < rc->nsearch; i++)
		add(out, &n, max, name, rc->search[i]);
	if (dots < rc->ndots)
		add(out, &n, max, name, NULL);
	return n;
}
