/*
 * DNS stub resolver engine: query building and response parsing after
 * RFC 1035 section 4 (names and compression in 4.1.4), A and CNAME records
 * (3.3.1, 3.4.1), retries across servers, and a TTL-honouring cache.
 * Interface, glue duties and locking: net/dns.h. Wire format:
 * net/proto/dns.h.
 *
 * Responses are untrusted: every read is bounds-checked, compression
 * pointers must point backwards ("a prior occurance", 4.1.4) and are
 * followed at most DNS_MAX_JUMPS times, names never exceed 255 wire bytes,
 * and an answer is accepted only from a configured server, with the query's
 * id and an identical question.
 */
#include <ksvc.h>
#include "net/dns.h"
#include "net/proto/dns.h"

#define DNS_DEF_TIMEOUT	 2000
#define DNS_DEF_ATTEMPTS 2
#define DNS_DEF_MAX_TTL	 86400
#define DNS_NEVER	 UINT64_MAX

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- names -------------------------------------------------------------- */

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

int dns_name_normalize(const char *name, char *out)
{
	size_t len = strnlen(name, DNS_NAME_MAX), label = 0;

	if (len == DNS_NAME_MAX)
		return -EINVAL;
	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return -EINVAL;
			label = 0;
		} else if (!host_char(name[i]) || ++label > DNS_LABEL_MAX) {
			return -EINVAL;
		}
	}
	if (label == 0)
		return -EINVAL;
	memcpy(out, name, len);
	out[len] = '\0';
	return 0;
}

bool dns_name_equal(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

int dns_parse_ipv4(const char *s, size_t len, uint32_t *addr)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -EINVAL;
		a = a << 8 | v;
	}
	if (i != len)
		return -EINVAL;
	*addr = a;
	return 0;
}

int dns_build_query(void *buf, size_t size, uint16_t id, const char *name, uint16_t qtype)
{
	char norm[DNS_NAME_MAX];
	uint8_t *p = buf;
	size_t n, o;

	if (dns_name_normalize(name, norm))
		return -EINVAL;
	n = strlen(norm);
	/* header, the name (one length byte per label plus the root), type, class */
	if (size < DNS_HDR_LEN + n + 2 + 4)
		return -ENOSPC;
	memset(p, 0, DNS_HDR_LEN);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = DNS_FLAG_RD >> 8;
	p[5] = 1; /* qdcount */
	o = DNS_HDR_LEN;
	for (size_t start = 0; start < n;) {
		size_t end = start;

		while (end < n && norm[end] != '.')
			end++;
		p[o++] = (uint8_t)(end - start);
		memcpy(p + o, norm + start, end - start);
		o += end - start;
		start = end + 1;
	}
	p[o++] = 0;
	p[o++] = (uint8_t)(qtype >> 8);
	p[o++] = (uint8_t)qtype;
	p[o++] = 0;
	p[o++] = DNS_CLASS_IN;
	return (int)o;
}

int dns_name_decode(const uint8_t *msg, size_t len, size_t off, char *out, size_t *next)
{
	size_t o = 0, wire = 0, pos = off;
	bool jumped = false;
	int jumps = 0;

	for (;;) {
		if (pos >= len)
			return -EBADMSG;
		uint8_t l = msg[pos];

		if ((l & DNS_PTR_MASK) == DNS_PTR_MASK) {
			if (pos + 1 >= len)
				return -EBADMSG;
			size_t target = (size_t)(l & 0x3f) << 8 | msg[pos + 1];

			/* Only backwards, and only so many: loops cannot hang us. */
			if (target >= pos || ++jumps > DNS_MAX_JUMPS)
				return -EBADMSG;
			if (!jumped)
				*next = pos + 2;
			jumped = true;
			pos = target;
			continue;
		}
		if (l & DNS_PTR_MASK)
			return -EBADMSG; /* 01 and 10: reserved label types */
		if (l == 0) {
			if (!jumped)
				*next = pos + 1;
			break;
		}
		wire += 1 + (size_t)l;
		if (wire + 1 > DNS_WIRE_NAME_MAX || pos + 1 + l > len)
			return -EBADMSG;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)msg[pos + 1 + i];

			/* A '.' or a control byte inside a label would make the
			 * text form ambiguous: refuse it. */
			if (c == '.' || (uint8_t)c <= 0x20 || (uint8_t)c >= 0x7f)
				return -EBADMSG;
			out[o++] = c;
		}
		pos += 1 + (size_t)l;
	}
	out[o] = '\0';
	return 0;
}

/* ---- responses ---------------------------------------------------------- */

struct dns_rr {
	size_t owner_off; /* where the owner name starts */
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata, rdlen;
};

/* Skip the question, then call back for each answer RR. */
static int dns_next_rr(const uint8_t *p, size_t len, size_t *off, struct dns_rr *rr)
{
	char name[DNS_NAME_MAX];
	size_t o;

	rr->owner_off = *off;
	if (dns_name_decode(p, len, *off, name, &o))
		return -EBADMSG;
	if (len - o < 10)
		return -EBADMSG;
	rr->type = get16(p + o);
	rr->class = get16(p + o + 2);
	rr->ttl = get32(p + o + 4);
	rr->rdlen = get16(p + o + 8);
	rr->rdata = o + 10;
	if (rr->rdlen > len - rr->rdata)
		return -EBADMSG;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

static uint32_t ttl_clamp(uint32_t ttl)
{
	/* RFC 2181 8: a TTL with the top bit set is to be treated as zero. */
	return ttl & 0x80000000u ? 0 : ttl;
}

int dns_parse_response(const void *pkt, size_t len, uint16_t id, const char *qname,
		       struct dns_result *res)
{
	const uint8_t *p = pkt;
	char name[DNS_NAME_MAX], cur[DNS_NAME_MAX];
	size_t off, ans_off;
	uint16_t flags, qd, an;
	struct dns_rr rr;
	uint32_t ttl = UINT32_MAX;
	int hops = 0;

	memset(res, 0, sizeof(*res));
	if (len < DNS_HDR_LEN || get16(p) != id)
		return -EBADMSG;
	flags = get16(p + 2);
	qd = get16(p + 4);
	an = get16(p + 6);
	if (!(flags & DNS_FLAG_QR) || (flags & DNS_OPCODE_MASK) || qd != 1)
		return -EBADMSG;
	/* The question must be ours, or the answer is for someone else. */
	if (dns_name_decode(p, len, DNS_HDR_LEN, name, &off) || len - off < 4)
		return -EBADMSG;
	if (!dns_name_equal(name, qname) || get16(p + off) != DNS_TYPE_A ||
	    get16(p + off + 2) != DNS_CLASS_IN)
		return -EBADMSG;
	off += 4;
	if (flags & DNS_FLAG_TC)
		return -EMSGSIZE;
	switch (flags & DNS_RCODE_MASK) {
	case DNS_RCODE_OK:
		break;
	case DNS_RCODE_NXDOMAIN:
		return -ENOENT;
	default:
		return -EIO;
	}
	/* Check the whole answer section once, so the walks below cannot
	 * fail halfway through. */
	ans_off = off;
	for (unsigned i = 0; i < an; i++)
		if (dns_next_rr(p, len, &off, &rr))
			return -EBADMSG;

	/* Follow CNAMEs from the question's name, in any order in which the
	 * server listed them. */
	strlcpy(cur, qname, sizeof(cur));
	for (;;) {
		bool moved = false;

		off = ans_off;
		for (unsigned i = 0; i < an && !moved; i++) {
			dns_next_rr(p, len, &off, &rr);
			if (rr.type != DNS_TYPE_CNAME || rr.class != DNS_CLASS_IN)
				continue;
			dns_name_decode(p, len, rr.owner_off, name, &(size_t){0});
			if (!dns_name_equal(name, cur))
				continue;
			size_t end;
			if (dns_name_decode(p, len, rr.rdata, name, &end) ||
			    end > rr.rdata + rr.rdlen)
				return -EBADMSG;
			if (++hops > DNS_MAX_CNAME)
				return -ELOOP;
			strlcpy(cur, name, sizeof(cur));
			ttl = MIN(ttl, ttl_clamp(rr.ttl));
			moved = true;
		}
		if (!moved)
			break;
	}
	/* The A records of the chain's end. */
	off = ans_off;
	for (unsigned i = 0; i < an; i++) {
		dns_next_rr(p, len, &off, &rr);
		if (rr.type != DNS_TYPE_A || rr.class != DNS_CLASS_IN || rr.rdlen != 4)
			continue;
		dns_name_decode(p, len, rr.owner_off, name, &(size_t){0});
		if (!dns_name_equal(name, cur))
			continue;
		ttl = MIN(ttl, ttl_clamp(rr.ttl));
		if (res->naddrs < DNS_MAX_ADDRS)
			res->addrs[res->naddrs++] = get32(p + rr.rdata);
	}
	strlcpy(res->cname, cur, sizeof(res->cname));
	res->ttl = ttl == UINT32_MAX ? 0 : ttl;
	if (res->naddrs)
		return 0;
	if (hops)
		return 1; /* a chain without its end: ask for cur */
	return -ENODATA;
}

/* ---- cache -------------------------------------------------------------- */

static struct dns_cache_entry *cache_find(struct dns_resolver *r, const char *name, uint64_t now)
{
	for (size_t i = 0; i < DNS_CACHE_SIZE; i++) {
		struct dns_cache_entry *e = &r->cache[i];

		if (!e->used)
			continue;
		if (now >= e->expires_ms) {
			e->used = false;
			continue;
		}
		if (dns_name_equal(e->name, name))
			return e;
	}
	return NULL;
}

static void cache_store(struct dns_resolver *r, const char *name, const struct dns_result *res,
			uint64_t now)
{
	uint32_t ttl = MIN(res->ttl, r->cfg.max_ttl_s);
	struct dns_cache_entry *e, *victim = NULL;

	if (ttl == 0)
		return; /* RFC 1035 3.2.1: zero means use only for this answer */
	e = cache_find(r, name, now);
	for (size_t i = 0; !e && i < DNS_CACHE_SIZE; i++) {
		struct dns_cache_entry *c = &r->cache[i];

		if (!c->used) {
			e = c;
		} else if (!victim || c->last_used < victim->last_used) {
			victim = c;
		}
	}
	if (!e)
		e = victim; /* the least recently used */
	e->used = true;
	e->expires_ms = now + (uint64_t)ttl * 1000;
	e->last_used = ++r->tick;
	strlcpy(e->name, name, sizeof(e->name));
	e->res = *res;
}

void dns_flush(struct dns_resolver *r)
{
	for (size_t i = 0; i < DNS_CACHE_SIZE; i++)
		r->cache[i].used = false;
}

/* ---- the resolver ------------------------------------------------------- */

void dns_init(struct dns_resolver *r, const struct dns_config *cfg, const struct dns_ops *ops,
	      void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	if (r->cfg.nservers > DNS_MAX_SERVERS)
		r->cfg.nservers = DNS_MAX_SERVERS;
	if (!r->cfg.timeout_ms)
		r->cfg.timeout_ms = DNS_DEF_TIMEOUT;
	if (!r->cfg.attempts)
		r->cfg.attempts = DNS_DEF_ATTEMPTS;
	if (!r->cfg.max_ttl_s)
		r->cfg.max_ttl_s = DNS_DEF_MAX_TTL;
	r->ops = *ops;
	r->ctx = ctx;
}

void dns_set_servers(struct dns_resolver *r, const uint32_t *servers, size_t n)
{
	if (n > DNS_MAX_SERVERS)
		n = DNS_MAX_SERVERS;
	memcpy(r->cfg.servers, servers, n * sizeof(*servers));
	r->cfg.nservers = (uint8_t)n;
}

/* Send the query to its current server and arm its timeout. */
static void dns_send(struct dns_resolver *r, struct dns_query *q, uint64_t now)
{
	uint8_t buf[DNS_QUERY_MAX_LEN];
	int len = dns_build_query(buf, sizeof(buf), q->id, q->qname, DNS_TYPE_A);

	q->deadline = now + r->cfg.timeout_ms;
	if (len < 0 || !r->cfg.nservers)
		return; /* normalized names always build; a lost list times out */
	if (q->server >= r->cfg.nservers)
		q->server = 0;
	r->stats.sends++;
	r->ops.send(r->ctx, r->cfg.servers[q->server], DNS_PORT, buf, (size_t)len);
}

static void dns_finish(struct dns_resolver *r, struct dns_query *q, struct dns_result *res)
{
	q->active = false;
	q->done(q->cookie, q->name, res);
}

static void dns_fail(struct dns_resolver *r, struct dns_query *q, int err)
{
	struct dns_result res;

	memset(&res, 0, sizeof(res));
	res.error = err;
	strlcpy(res.cname, q->qname, sizeof(res.cname));
	dns_finish(r, q, &res);
}

/* The current server failed or timed out: the next one, or give up. */
static void dns_next_server(struct dns_resolver *r, struct dns_query *q, uint64_t now, int err)
{
	if (++q->server >= r->cfg.nservers) {
		q->server = 0;
		if (++q->round >= r->cfg.attempts) {
			dns_fail(r, q, err);
			return;
		}
	}
	dns_send(r, q, now);
}

/* A random id no outstanding query uses (at most DNS_MAX_QUERIES are). */
static uint16_t dns_new_id(struct dns_resolver *r)
{
	uint16_t id = (uint16_t)r->ops.random(r->ctx);

	for (size_t i = 0; i < DNS_MAX_QUERIES; i++) {
		if (r->q[i].active && r->q[i].id == id) {
			id++;
			i = (size_t)-1; /* start over with the next id */
		}
	}
	return id;
}

int dns_lookup(struct dns_resolver *r, const char *name, uint64_t now, dns_done_fn done,
	       void *cookie, struct dns_result *out)
{
	char norm[DNS_NAME_MAX];
	struct dns_cache_entry *e;
	struct dns_query *q = NULL;
	uint32_t a;

	r->stats.queries++;
	if (!dns_parse_ipv4(name, strnlen(name, DNS_NAME_MAX), &a)) {
		memset(out, 0, sizeof(*out));
		out->naddrs = 1;
		out->addrs[0] = a;
		strlcpy(out->cname, name, sizeof(out->cname));
		return 0;
	}
	if (dns_name_normalize(name, norm))
		return -EINVAL;
	e = cache_find(r, norm, now);
	if (e) {
		r->stats.cache_hits++;
		e->last_used = ++r->tick;
		*out = e->res;
		out->ttl = (uint32_t)((e->expires_ms - now + 999) / 1000);
		return 0;
	}
	r->stats.cache_misses++;
	if (!r->cfg.nservers)
		return -ENETUNREACH;
	for (size_t i = 0; i < DNS_MAX_QUERIES && !q; i++)
		if (!r->q[i].active)
			q = &r->q[i];
	if (!q)
		return -EAGAIN;
	memset(q, 0, sizeof(*q));
	q->active = true;
	q->id = dns_new_id(r);
	q->ttl = UINT32_MAX;
	strlcpy(q->name, norm, sizeof(q->name));
	strlcpy(q->qname, norm, sizeof(q->qname));
	q->done = done;
	q->cookie = cookie;
	dns_send(r, q, now);
	return -EINPROGRESS;
}

void dns_cancel(struct dns_resolver *r, dns_done_fn done, void *cookie)
{
	for (size_t i = 0; i < DNS_MAX_QUERIES; i++)
		if (r->q[i].active && r->q[i].done == done && r->q[i].cookie == cookie)
			r->q[i].active = false;
}

static bool dns_known_server(const struct dns_resolver *r, uint32_t ip)
{
	for (size_t i = 0; i < r->cfg.nservers; i++)
		if (r->cfg.servers[i] == ip)
			return true;
	return false;
}

int dns_input(struct dns_resolver *r, const void *pkt, size_t len, uint32_t src_ip,
	      uint16_t src_port, uint64_t now)
{
	struct dns_query *q = NULL;
	struct dns_result res;
	int ret;

	r->stats.rx++;
	if (len < DNS_HDR_LEN) {
		r->stats.rx_short++;
		return -EBADMSG;
	}
	uint16_t id = get16(pkt);
	for (size_t i = 0; i < DNS_MAX_QUERIES && !q; i++)
		if (r->q[i].active && r->q[i].id == id)
			q = &r->q[i];
	/* Late answers from a server we already gave up on are still good:
	 * any configured server may answer. */
	if (!q || src_port != DNS_PORT || !dns_known_server(r, src_ip)) {
		r->stats.rx_no_match++;
		return -ENOENT;
	}
	ret = dns_parse_response(pkt, len, id, q->qname, &res);
	switch (ret) {
	case 0:
		r->stats.answers++;
		res.ttl = MIN(res.ttl, q->ttl);
		cache_store(r, q->name, &res, now);
		dns_finish(r, q, &res);
		return 0;
	case 1:
		if (q->requeries >= DNS_MAX_REQUERY) {
			dns_fail(r, q, -ELOOP);
			return 0;
		}
		r->stats.requeries++;
		q->requeries++;
		q->ttl = MIN(q->ttl, res.ttl);
		strlcpy(q->qname, res.cname, sizeof(q->qname));
		q->id = dns_new_id(r);
		q->server = 0;
		q->round = 0;
		dns_send(r, q, now);
		return 0;
	case -ENOENT:
		r->stats.nxdomain++;
		dns_fail(r, q, -ENOENT);
		return 0;
	case -ENODATA:
	case -ELOOP:
		r->stats.nodata++;
		dns_fail(r, q, ret);
		return 0;
	case -EMSGSIZE:
	case -EIO:
		if (ret == -EMSGSIZE)
			r->stats.rx_truncated++;
		else
			r->stats.rx_servfail++;
		dns_next_server(r, q, now, -EIO);
		return 0;
	default:
		/* Malformed, or the question differs: maybe forged; keep
		 * waiting for the real answer. */
		r->stats.rx_bad++;
		return -EBADMSG;
	}
}

void dns_poll(struct dns_resolver *r, uint64_t now)
{
	for (size_t i = 0; i < DNS_MAX_QUERIES; i++) {
		struct dns_query *q = &r->q[i];

		if (q->active && now >= q->deadline) {
			r->stats.timeouts++;
			dns_next_server(r, q, now, -ETIMEDOUT);
		}
	}
}

uint64_t dns_next_deadline(const struct dns_resolver *r)
{
	uint64_t d = DNS_NEVER;

	for (size_t i = 0; i < DNS_MAX_QUERIES; i++)
		if (r->q[i].active && r->q[i].deadline < d)
			d = r->q[i].deadline;
	return d;
}

/* ---- /etc/hosts and /etc/resolv.conf ------------------------------------ */

/* Split text into lines with '#' comments removed and fields separated by
 * blanks; call fn for each line with its fields. */
#define DNS_LINE_FIELDS 16
struct dns_field {
	const char *s;
	size_t len;
};

static size_t dns_fields(const char *line, size_t len, struct dns_field *f)
{
	size_t n = 0, i = 0;

	while (i < len && n < DNS_LINE_FIELDS) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		f[n].s = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
		       line[i] != '#')
			i++;
		f[n].len = (size_t)(line + i - f[n].s);
		n++;
	}
	return n;
}

static bool field_is(const struct dns_field *f, const char *name)
{
	size_t n = strlen(name);

	if (f->len && f->s[f->len - 1] == '.' && f->len - 1 == n)
		n++; /* "host." matches "host" */
	if (f->len != n)
		return false;
	for (size_t i = 0; i < strlen(name); i++)
		if (lower(f->s[i]) != lower(name[i]))
			return false;
	return true;
}

int dns_hosts_lookup(const char *text, size_t len, const char *name, uint32_t *addr)
{
	struct dns_field f[DNS_LINE_FIELDS];
	char norm[DNS_NAME_MAX];
	size_t i = 0;

	if (dns_name_normalize(name, norm))
		return -ENOENT;
	while (i < len) {
		size_t start = i, n;
		uint32_t a;

		while (i < len && text[i] != '\n')
			i++;
		n = dns_fields(text + start, i - start, f);
		i++;
		if (n < 2 || dns_parse_ipv4(f[0].s, f[0].len, &a))
			continue;
		for (size_t k = 1; k < n; k++) {
			if (field_is(&f[k], norm)) {
				*addr = a;
				return 0;
			}
		}
	}
	return -ENOENT;
}

size_t dns_resolv_conf_parse(const char *text, size_t len, uint32_t *servers, size_t max)
{
	struct dns_field f[DNS_LINE_FIELDS];
	size_t i = 0, count = 0;

	while (i < len && count < max) {
		size_t start = i, n;
		uint32_t a;

		while (i < len && text[i] != '\n')
			i++;
		n = dns_fields(text + start, i - start, f);
		i++;
		if (n >= 2 && f[0].len == 10 && !memcmp(f[0].s, "nameserver", 10) &&
		    !dns_parse_ipv4(f[1].s, f[1].len, &a))
			servers[count++] = a;
	}
	return count;
}
