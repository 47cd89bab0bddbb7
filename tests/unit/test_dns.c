/*
 * Host tests for the DNS stub resolver (net/dns.c): query bytes, response
 * parsing with compression pointers (and pointer loops), truncated
 * packets, CNAME chains inside one answer and across re-queries, error
 * codes, server failover on timeout and SERVFAIL, the TTL cache and its LRU
 * eviction, and the /etc/hosts and /etc/resolv.conf parsers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/dns.h"
#include "net/proto/dns.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define NS1	       IP(10, 0, 2, 3)
#define NS2	       IP(192, 168, 1, 1)
#define NS3	       IP(8, 8, 8, 8)

/* ---- a response builder ---- */

struct msg {
	uint8_t b[1024];
	size_t len;
};

static void put16(struct msg *m, uint16_t v)
{
	m->b[m->len++] = (uint8_t)(v >> 8);
	m->b[m->len++] = (uint8_t)v;
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

/* A name in labels; "@N" appended means "then a pointer to offset N". */
static size_t put_name(struct msg *m, const char *name)
{
	size_t at = m->len;
	const char *p = name;

	while (*p && *p != '@') {
		const char *e = p;
		while (*e && *e != '.' && *e != '@')
			e++;
		m->b[m->len++] = (uint8_t)(e - p);
		memcpy(m->b + m->len, p, (size_t)(e - p));
		m->len += (size_t)(e - p);
		p = *e == '.' ? e + 1 : e;
	}
	if (*p == '@') {
		unsigned off = (unsigned)atoi(p + 1);
		put16(m, (uint16_t)(0xc000 | off));
	} else {
		m->b[m->len++] = 0;
	}
	return at;
}

static void header(struct msg *m, uint16_t id, uint16_t flags, uint16_t an)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

static void question(struct msg *m, const char *name)
{
	put_name(m, name);
	put16(m, DNS_TYPE_A);
	put16(m, DNS_CLASS_IN);
}

static void rr_a(struct msg *m, const char *owner, uint32_t ttl, uint32_t addr)
{
	put_name(m, owner);
	put16(m, DNS_TYPE_A);
	put16(m, DNS_CLASS_IN);
	put32(m, ttl);
	put16(m, 4);
	put32(m, addr);
}

static void rr_cname(struct msg *m, const char *owner, uint32_t ttl, const char *target)
{
	put_name(m, owner);
	put16(m, DNS_TYPE_CNAME);
	put16(m, DNS_CLASS_IN);
	put32(m, ttl);
	size_t rdlen_at = m->len;
	put16(m, 0);
	size_t start = m->len;
	put_name(m, target);
	m->b[rdlen_at] = (uint8_t)((m->len - start) >> 8);
	m->b[rdlen_at + 1] = (uint8_t)(m->len - start);
}

#define RESP (DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA)

/* ---- the fake environment ---- */

struct sent {
	uint32_t dst;
	uint16_t port, id;
	uint64_t at;
	char qname[DNS_NAME_MAX];
};
static struct sent sent[64];
static int nsent;
static uint64_t now;
static uint32_t rnd;
static int ndone;
static struct dns_result last;
static char last_name[DNS_NAME_MAX];
static void *last_cookie;

static int fake_send(void *ctx, uint32_t dst, uint16_t port, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t next;

	ck_assert_int_lt(nsent, 64);
	ck_assert_uint_ge(len, 12 + 1 + 4);
	sent[nsent].dst = dst;
	sent[nsent].port = port;
	sent[nsent].id = (uint16_t)(p[0] << 8 | p[1]);
	sent[nsent].at = now;
	ck_assert_int_eq(dns_name_decode(p, len, 12, sent[nsent].qname, &next), 0);
	ck_assert_uint_eq(next + 4, len);
	nsent++;
	return 0;
}

static uint32_t fake_random(void *ctx)
{
	return rnd++;
}

static void done(void *cookie, const char *name, const struct dns_result *res)
{
	ndone++;
	last = *res;
	last_cookie = cookie;
	strlcpy(last_name, name, sizeof(last_name));
}

static const struct dns_ops ops = {fake_send, fake_random};
static struct dns_resolver *r;

static void setup(void)
{
	struct dns_config cfg = {.servers = {NS1, NS2, NS3}, .nservers = 3};

	r = malloc(sizeof(*r));
	dns_init(r, &cfg, &ops, NULL);
	nsent = ndone = 0;
	now = 1000;
	rnd = 0x1234;
	memset(&last, 0, sizeof(last));
}

static void teardown(void)
{
	free(r);
}

static int answer(const struct msg *m, uint32_t from)
{
	return dns_input(r, m->b, m->len, from, 53, now);
}

static void lookup_pending(const char *name)
{
	struct dns_result out;

	ck_assert_int_eq(dns_lookup(r, name, now, done, (void *)name, &out), -EINPROGRESS);
}

/* ---- tests ---- */

START_TEST(test_query_bytes)
{
	uint8_t b[64];
	static const uint8_t want[] = {0xab, 0xcd, 0x01, 0x00, 0,   1,	 0,   0,   0,	0,   0,
				       0,    3,	   'w',	 'w',  'w', 7,	 'e', 'x', 'a', 'm', 'p',
				       'l',  'e',  3,	 'c',  'o', 'm', 0,   0,   1,	0,   1};

	ck_assert_int_eq(dns_build_query(b, sizeof(b), 0xabcd, "www.example.com.", DNS_TYPE_A),
			 (int)sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_int_eq(dns_build_query(b, 20, 1, "www.example.com", DNS_TYPE_A), -ENOSPC);
	ck_assert_int_eq(dns_build_query(b, sizeof(b), 1, "a..b", DNS_TYPE_A), -EINVAL);
}
END_TEST

START_TEST(test_normalize)
{
	char out[DNS_NAME_MAX], big[300];

	ck_assert_int_eq(dns_name_normalize("Host-1.Lab_x.", out), 0);
	ck_assert_str_eq(out, "Host-1.Lab_x");
	ck_assert_int_eq(dns_name_normalize("", out), -EINVAL);
	ck_assert_int_eq(dns_name_normalize(".", out), -EINVAL);
	ck_assert_int_eq(dns_name_normalize(".a", out), -EINVAL);
	ck_assert_int_eq(dns_name_normalize("a b", out), -EINVAL);
	memset(big, 'a', 64);
	big[64] = '\0';
	ck_assert_int_eq(dns_name_normalize(big, out), -EINVAL); /* 64-byte label */
	big[63] = '\0';
	ck_assert_int_eq(dns_name_normalize(big, out), 0);
	for (int i = 0; i < 255; i++)
		big[i] = i % 2 ? '.' : 'a';
	big[255] = '\0';
	ck_assert_int_eq(dns_name_normalize(big, out), -EINVAL); /* 255 characters */
	big[253] = '\0';
	ck_assert_int_eq(dns_name_normalize(big, out), 0); /* exactly 253 */
	ck_assert_uint_eq(strlen(out), 253);
	ck_assert(dns_name_equal("WWW.Example.COM", "www.example.com"));
	ck_assert(!dns_name_equal("www.example.co", "www.example.com"));

	uint32_t a;
	ck_assert_int_eq(dns_parse_ipv4("10.0.2.3", 8, &a), 0);
	ck_assert_uint_eq(a, NS1);
	ck_assert_int_eq(dns_parse_ipv4("10.0.2.256", 10, &a), -EINVAL);
	ck_assert_int_eq(dns_parse_ipv4("10.0.2", 6, &a), -EINVAL);
	ck_assert_int_eq(dns_parse_ipv4("10.0.2.3.4", 10, &a), -EINVAL);
	ck_assert_int_eq(dns_parse_ipv4("1.2.3.0004", 10, &a), -EINVAL);
}
END_TEST

START_TEST(test_simple_answer)
{
	struct msg m;

	lookup_pending("host.example");
	ck_assert_int_eq(nsent, 1);
	ck_assert_uint_eq(sent[0].dst, NS1);
	ck_assert_uint_eq(sent[0].port, 53);
	ck_assert_str_eq(sent[0].qname, "host.example");
	header(&m, sent[0].id, RESP, 2);
	question(&m, "HOST.example");	      /* case differs: still ours */
	rr_a(&m, "@12", 300, IP(1, 2, 3, 4)); /* owner compressed to the question */
	rr_a(&m, "host.example", 200, IP(1, 2, 3, 5));
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(ndone, 1);
	ck_assert_int_eq(last.error, 0);
	ck_assert_uint_eq(last.naddrs, 2);
	ck_assert_uint_eq(last.addrs[0], IP(1, 2, 3, 4));
	ck_assert_uint_eq(last.addrs[1], IP(1, 2, 3, 5));
	ck_assert_uint_eq(last.ttl, 200);
	ck_assert_str_eq(last.cname, "host.example");
	ck_assert_str_eq(last_name, "host.example");
	ck_assert_ptr_eq(last_cookie, "host.example");
	ck_assert_uint_eq(dns_next_deadline(r), UINT64_MAX);
	/* The same answer again: no query waits for it any more. */
	ck_assert_int_eq(answer(&m, NS1), -ENOENT);
}
END_TEST

START_TEST(test_cname_chain)
{
	struct msg m;

	lookup_pending("www.example.com");
	header(&m, sent[0].id, RESP, 4);
	question(&m, "www.example.com");
	/* listed out of order, names compressed against each other */
	rr_a(&m, "edge.cdn.net", 60, IP(5, 6, 7, 8));
	size_t edge = 12 + 17 + 4;	       /* "edge.cdn.net" starts the answers */
	rr_cname(&m, "@12", 3600, "alias@16"); /* www.example.com -> alias.example.com */
	char target[32];
	snprintf(target, sizeof(target), "@%zu", edge);
	rr_cname(&m, "alias.example.com", 120, target); /* -> edge.cdn.net */
	rr_a(&m, "unrelated.example.com", 60, IP(9, 9, 9, 9));
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(last.error, 0);
	ck_assert_uint_eq(last.naddrs, 1);
	ck_assert_uint_eq(last.addrs[0], IP(5, 6, 7, 8));
	ck_assert_str_eq(last.cname, "edge.cdn.net");
	ck_assert_uint_eq(last.ttl, 60);
}
END_TEST

START_TEST(test_dangling_cname_requery)
{
	struct msg m;

	lookup_pending("a.test");
	header(&m, sent[0].id, RESP, 1);
	question(&m, "a.test");
	rr_cname(&m, "a.test", 100, "b.other");
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(ndone, 0);
	ck_assert_int_eq(nsent, 2);
	ck_assert_str_eq(sent[1].qname, "b.other");
	ck_assert_uint_eq(sent[1].dst, NS1);
	ck_assert_uint_ne(sent[1].id, sent[0].id);
	header(&m, sent[1].id, RESP, 1);
	question(&m, "b.other");
	rr_a(&m, "b.other", 500, IP(7, 7, 7, 7));
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(ndone, 1);
	ck_assert_uint_eq(last.addrs[0], IP(7, 7, 7, 7));
	ck_assert_uint_eq(last.ttl, 100); /* the chain's smallest */
	ck_assert_str_eq(last_name, "a.test");
	/* cached under the name asked for */
	struct dns_result out;
	ck_assert_int_eq(dns_lookup(r, "A.TEST", now, done, NULL, &out), 0);
	ck_assert_uint_eq(out.addrs[0], IP(7, 7, 7, 7));
}
END_TEST

START_TEST(test_cname_loop)
{
	struct msg m;

	lookup_pending("x.test");
	header(&m, sent[0].id, RESP, 2);
	question(&m, "x.test");
	rr_cname(&m, "x.test", 100, "y.test");
	rr_cname(&m, "y.test", 100, "x.test");
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(ndone, 1);
	ck_assert_int_eq(last.error, -ELOOP);
}
END_TEST

START_TEST(test_pointer_loops)
{
	struct msg m;
	char out[DNS_NAME_MAX];
	size_t next;

	/* A pointer to itself, to a later offset, and two pointing at each
	 * other: all rejected, none hangs. */
	header(&m, 1, RESP, 0);
	put16(&m, 0xc000 | 12);
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 12, out, &next), -EBADMSG);
	header(&m, 1, RESP, 0);
	put16(&m, 0xc000 | 14);
	put16(&m, 0xc000 | 12);
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 12, out, &next), -EBADMSG);
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 14, out, &next), -EBADMSG);
	/* A label then a pointer back to that label. */
	header(&m, 1, RESP, 0);
	put_name(&m, "a@12");
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 12, out, &next), -EBADMSG);
	/* A legal chain of backward pointers longer than DNS_MAX_JUMPS. */
	header(&m, 1, RESP, 0);
	m.b[m.len++] = 0; /* the root name at 12; pointer i at 13 + 2i */
	for (int i = 0; i < DNS_MAX_JUMPS + 1; i++)
		put16(&m, (uint16_t)(0xc000 | (i == 0 ? 12 : m.len - 2)));
	ck_assert_int_eq(dns_name_decode(m.b, m.len, m.len - 2, out, &next), -EBADMSG);
	ck_assert_int_eq(dns_name_decode(m.b, m.len, m.len - 4, out, &next), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(next, m.len - 2);
	/* Reserved label types 01 and 10. */
	header(&m, 1, RESP, 0);
	m.b[m.len++] = 0x41;
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 12, out, &next), -EBADMSG);
	/* A name longer than 255 bytes built with pointers. */
	header(&m, 1, RESP, 0);
	size_t prev = m.len;
	m.b[m.len++] = 0;
	for (int i = 0; i < 5; i++) {
		size_t at = m.len;
		m.b[m.len++] = 63;
		memset(m.b + m.len, 'x', 63);
		m.len += 63;
		put16(&m, (uint16_t)(0xc000 | prev));
		prev = at;
	}
	ck_assert_int_eq(dns_name_decode(m.b, m.len, prev, out, &next), -EBADMSG);
	/* A dot inside a label would be ambiguous. */
	header(&m, 1, RESP, 0);
	m.b[m.len++] = 3;
	memcpy(m.b + m.len, "a.b", 3);
	m.len += 3;
	m.b[m.len++] = 0;
	ck_assert_int_eq(dns_name_decode(m.b, m.len, 12, out, &next), -EBADMSG);

	/* A looping answer owner in a real response is a bad message; the
	 * query keeps waiting for a good one. */
	lookup_pending("loop.test");
	header(&m, sent[0].id, RESP, 1);
	question(&m, "loop.test");
	put16(&m, (uint16_t)(0xc000 | m.len)); /* points at itself */
	put16(&m, DNS_TYPE_A);
	ck_assert_int_eq(answer(&m, NS1), -EBADMSG);
	ck_assert_int_eq(ndone, 0);
	ck_assert_uint_eq(r->stats.rx_bad, 1);
}
END_TEST

START_TEST(test_truncated_prefixes)
{
	struct msg m;
	struct dns_result res;

	header(&m, 7, RESP, 2);
	question(&m, "t.example");
	rr_cname(&m, "@12", 10, "u@14");
	rr_a(&m, "u.example", 10, IP(1, 1, 1, 1));
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "t.example", &res), 0);
	ck_assert_uint_eq(res.addrs[0], IP(1, 1, 1, 1));
	for (size_t n = 0; n < m.len; n++)
		ck_assert_int_eq(dns_parse_response(m.b, n, 7, "t.example", &res), -EBADMSG);
	/* Wrong id, not a response, two questions, another question. */
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 8, "t.example", &res), -EBADMSG);
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "x.example", &res), -EBADMSG);
	m.b[2] &= 0x7f;
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "t.example", &res), -EBADMSG);
	m.b[2] |= 0x80;
	m.b[5] = 2;
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "t.example", &res), -EBADMSG);
	m.b[5] = 1;
	/* An A record with a bad rdlength is skipped; a CNAME whose target
	 * runs past its rdata is malformed. */
	header(&m, 7, RESP, 1);
	question(&m, "t.example");
	put_name(&m, "@12");
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	put32(&m, 5);
	put16(&m, 3);
	put16(&m, 0x0102);
	m.b[m.len++] = 3;
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "t.example", &res), -ENODATA);
	header(&m, 7, RESP, 1);
	question(&m, "t.example");
	put_name(&m, "@12");
	put16(&m, DNS_TYPE_CNAME);
	put16(&m, DNS_CLASS_IN);
	put32(&m, 5);
	put16(&m, 1);
	put_name(&m, "longer.name");
	ck_assert_int_eq(dns_parse_response(m.b, m.len, 7, "t.example", &res), -EBADMSG);
}
END_TEST

START_TEST(test_rcodes)
{
	struct msg m;

	lookup_pending("gone.test");
	header(&m, sent[0].id, RESP | DNS_RCODE_NXDOMAIN, 0);
	question(&m, "gone.test");
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(last.error, -ENOENT);
	ck_assert_int_eq(nsent, 1); /* authoritative: no other server asked */

	lookup_pending("empty.test");
	header(&m, sent[1].id, RESP, 0);
	question(&m, "empty.test");
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(last.error, -ENODATA);
	ck_assert_int_eq(ndone, 2);
	/* Negative answers are not cached. */
	lookup_pending("gone.test");
}
END_TEST

START_TEST(test_failover)
{
	struct msg m;

	lookup_pending("f.test");
	/* SERVFAIL from the first: the second is asked at once. */
	header(&m, sent[0].id, RESP | DNS_RCODE_SERVFAIL, 0);
	question(&m, "f.test");
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(nsent, 2);
	ck_assert_uint_eq(sent[1].dst, NS2);
	/* The second times out after 2 s: the third is asked. */
	ck_assert_uint_eq(dns_next_deadline(r), now + 2000);
	now += 1999;
	dns_poll(r, now);
	ck_assert_int_eq(nsent, 2);
	now += 1;
	dns_poll(r, now);
	ck_assert_int_eq(nsent, 3);
	ck_assert_uint_eq(sent[2].dst, NS3);
	/* TC from the third: back to the first, second round. */
	header(&m, sent[2].id, RESP | DNS_FLAG_TC, 0);
	question(&m, "f.test");
	ck_assert_int_eq(answer(&m, NS3), 0);
	ck_assert_int_eq(nsent, 4);
	ck_assert_uint_eq(sent[3].dst, NS1);
	ck_assert_uint_eq(r->stats.rx_truncated, 1);
	/* A late answer from the second server is still good. */
	header(&m, sent[1].id, RESP, 1);
	question(&m, "f.test");
	rr_a(&m, "f.test", 30, IP(4, 4, 4, 4));
	ck_assert_int_eq(dns_input(r, m.b, m.len, NS2, 5353, now), -ENOENT); /* wrong port */
	ck_assert_int_eq(dns_input(r, m.b, m.len, IP(6, 6, 6, 6), 53, now), -ENOENT);
	ck_assert_int_eq(ndone, 0);
	ck_assert_int_eq(answer(&m, NS2), 0);
	ck_assert_int_eq(ndone, 1);
	ck_assert_uint_eq(last.addrs[0], IP(4, 4, 4, 4));
}
END_TEST

START_TEST(test_timeout_all)
{
	lookup_pending("silent.test");
	while (ndone == 0) {
		now = dns_next_deadline(r);
		ck_assert_uint_ne(now, UINT64_MAX);
		dns_poll(r, now);
	}
	/* 2 rounds over 3 servers, 2 s each */
	ck_assert_int_eq(nsent, 6);
	ck_assert_int_eq(last.error, -ETIMEDOUT);
	ck_assert_uint_eq(now, 1000 + 6 * 2000);
	static const uint32_t order[] = {NS1, NS2, NS3};
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(sent[i].dst, order[i % 3]);
}
END_TEST

START_TEST(test_cache_ttl)
{
	struct msg m;
	struct dns_result out;

	lookup_pending("c.test");
	header(&m, sent[0].id, RESP, 1);
	question(&m, "c.test");
	rr_a(&m, "c.test", 60, IP(3, 3, 3, 3));
	ck_assert_int_eq(answer(&m, NS1), 0);
	now += 59999;
	ck_assert_int_eq(dns_lookup(r, "c.test.", now, done, NULL, &out), 0);
	ck_assert_uint_eq(out.addrs[0], IP(3, 3, 3, 3));
	ck_assert_uint_eq(out.ttl, 1);
	ck_assert_int_eq(nsent, 1);
	now += 1;
	lookup_pending("c.test");
	ck_assert_int_eq(nsent, 2);
	ck_assert_uint_eq(r->stats.cache_hits, 1);

	/* TTL 0: used for this answer only. */
	lookup_pending("z.test");
	header(&m, sent[2].id, RESP, 1);
	question(&m, "z.test");
	rr_a(&m, "z.test", 0, IP(3, 3, 3, 4));
	ck_assert_int_eq(answer(&m, NS1), 0);
	ck_assert_int_eq(last.error, 0);
	lookup_pending("z.test");
	ck_assert_int_eq(nsent, 4);
}
END_TEST

START_TEST(test_cache_lru)
{
	struct msg m;
	struct dns_result out;
	char name[32];

	for (int i = 0; i < DNS_CACHE_SIZE + 1; i++) {
		snprintf(name, sizeof(name), "h%d.test", i);
		lookup_pending(name);
		header(&m, sent[nsent - 1].id, RESP, 1);
		question(&m, name);
		rr_a(&m, name, 1000, IP(10, 9, 0, i));
		ck_assert_int_eq(answer(&m, NS1), 0);
		if (i == DNS_CACHE_SIZE - 1) /* touch h0 so h1 is the oldest */
			ck_assert_int_eq(dns_lookup(r, "h0.test", now, done, NULL, &out), 0);
	}
	ck_assert_int_eq(dns_lookup(r, "h0.test", now, done, NULL, &out), 0);
	ck_assert_uint_eq(out.addrs[0], IP(10, 9, 0, 0));
	ck_assert_int_eq(dns_lookup(r, "h2.test", now, done, NULL, &out), 0);
	ck_assert_int_eq(dns_lookup(r, "h16.test", now, done, NULL, &out), 0);
	lookup_pending("h1.test"); /* evicted */
	dns_flush(r);
	lookup_pending("h0.test");
}
END_TEST

START_TEST(test_lookup_errors)
{
	struct dns_result out;
	uint32_t none[1];

	ck_assert_int_eq(dns_lookup(r, "10.1.2.3", now, done, NULL, &out), 0);
	ck_assert_uint_eq(out.addrs[0], IP(10, 1, 2, 3));
	ck_assert_int_eq(dns_lookup(r, "bad name", now, done, NULL, &out), -EINVAL);
	for (int i = 0; i < DNS_MAX_QUERIES; i++) {
		char n[16];
		snprintf(n, sizeof(n), "q%d", i);
		ck_assert_int_eq(dns_lookup(r, n, now, done, NULL, &out), -EINPROGRESS);
	}
	ck_assert_int_eq(dns_lookup(r, "more", now, done, NULL, &out), -EAGAIN);
	/* every outstanding id differs */
	for (int i = 0; i < nsent; i++)
		for (int j = i + 1; j < nsent; j++)
			ck_assert_uint_ne(sent[i].id, sent[j].id);
	dns_set_servers(r, none, 0);
	dns_cancel(r, done, NULL);
	ck_assert_int_eq(dns_lookup(r, "more", now, done, NULL, &out), -ENETUNREACH);
}
END_TEST

START_TEST(test_hosts_file)
{
	static const char hosts[] = "# comment line\n"
				    "127.0.0.1\tlocalhost localhost.localdomain\n"
				    "::1 localhost ip6-localhost\n"
				    "  10.0.2.2   gateway  gw.lab   # the slirp host\n"
				    "999.1.1.1 broken\n"
				    "10.0.2.99 Dup\n"
				    "10.0.2.98 dup\n"
				    "10.0.2.5 last"; /* no final newline */
	uint32_t a;

	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "localhost", &a), 0);
	ck_assert_uint_eq(a, IP(127, 0, 0, 1));
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "GW.lab.", &a), 0);
	ck_assert_uint_eq(a, IP(10, 0, 2, 2));
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "ip6-localhost", &a), -ENOENT);
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "broken", &a), -ENOENT);
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "the", &a), -ENOENT);
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "dup", &a), 0);
	ck_assert_uint_eq(a, IP(10, 0, 2, 99));
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts), "last", &a), 0);
	ck_assert_uint_eq(a, IP(10, 0, 2, 5));
	ck_assert_int_eq(dns_hosts_lookup(hosts, strlen(hosts) - 1, "last", &a), -ENOENT);
}
END_TEST

START_TEST(test_resolv_conf)
{
	static const char conf[] = "search lab\n"
				   "nameserver 10.0.2.3\n"
				   "nameserver ::1\n"
				   "nameserver\t192.168.1.1 # home\n"
				   "#nameserver 1.1.1.1\n"
				   "nameserver 8.8.8.8\n"
				   "nameserver 9.9.9.9\n";
	uint32_t s[3];

	ck_assert_uint_eq(dns_resolv_conf_parse(conf, strlen(conf), s, 3), 3);
	ck_assert_uint_eq(s[0], NS1);
	ck_assert_uint_eq(s[1], NS2);
	ck_assert_uint_eq(s[2], NS3);
	ck_assert_uint_eq(dns_resolv_conf_parse(conf, strlen(conf), s, 1), 1);
}
END_TEST

static Suite *dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_query_bytes);
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_simple_answer);
	tcase_add_test(tc, test_cname_chain);
	tcase_add_test(tc, test_dangling_cname_requery);
	tcase_add_test(tc, test_cname_loop);
	tcase_add_test(tc, test_pointer_loops);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_rcodes);
	tcase_add_test(tc, test_failover);
	tcase_add_test(tc, test_timeout_all);
	tcase_add_test(tc, test_cache_ttl);
	tcase_add_test(tc, test_cache_lru);
	tcase_add_test(tc, test_lookup_errors);
	tcase_add_test(tc, test_hosts_file);
	tcase_add_test(tc, test_resolv_conf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
