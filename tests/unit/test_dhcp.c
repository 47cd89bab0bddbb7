/*
 * Host tests for the DHCP client engine (net/dhcp.c): server replies are
 * built here as byte arrays (slirp-like ones with the BOOTP file field,
 * ones with options 66/67 and overloaded fields, NAKs, malformed ones),
 * and the retransmission, renewal, rebinding and expiry timelines are
 * checked against RFC 2131's numbers with a deterministic clock and
 * deterministic randomness.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/dhcp.h"
#include "net/proto/dhcp.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define BCAST	       0xffffffffu
#define SLIRP	       IP(10, 0, 2, 2)

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* ---- the fake environment ---- */

#define MAX_SENT 64
struct sent {
	uint32_t dst;
	uint16_t port;
	uint64_t at;
	size_t len;
	uint8_t buf[DHCP_PKT_MAX];
};

static struct sent sent[MAX_SENT];
static int nsent;
static uint64_t clock_now;
static uint32_t rnd_value, rnd_count;
static enum dhcp_event events[16];
static struct dhcp_lease ev_lease;
static int nevents;

static int fake_send(void *ctx, uint32_t dst, uint16_t port, const void *buf, size_t len)
{
	ck_assert_int_lt(nsent, MAX_SENT);
	ck_assert_uint_le(len, DHCP_PKT_MAX);
	sent[nsent].dst = dst;
	sent[nsent].port = port;
	sent[nsent].at = clock_now;
	sent[nsent].len = len;
	memcpy(sent[nsent].buf, buf, len);
	nsent++;
	return 0;
}

/* Randomness: rnd_value plus a multiple of 2001, so that successive xids
 * differ while the jitter (random % 2001 with the default 1000 ms) stays. */
static uint32_t fake_random(void *ctx)
{
	return rnd_value + 2001u * 32 * rnd_count++;
}

static void fake_event(void *ctx, enum dhcp_event ev, const struct dhcp_lease *l)
{
	ck_assert_int_lt(nevents, 16);
	events[nevents++] = ev;
	if (l)
		ev_lease = *l;
}

static const struct dhcp_ops ops = {fake_send, fake_random, fake_event};
static struct dhcp_client cl;

static void setup(void)
{
	struct dhcp_config cfg = {0};

	memcpy(cfg.mac, mac, 6);
	nsent = nevents = 0;
	clock_now = 0;
	rnd_value = 1000; /* with the default 1000 ms jitter: no offset */
	rnd_count = 0;
	dhcp_init(&cl, &cfg, &ops, NULL);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The value of option `code` in a sent packet, or NULL. */
static const uint8_t *sent_opt(const struct sent *s, uint8_t code, size_t *len)
{
	size_t i = DHCP_OFF_OPTIONS;

	while (i < s->len && s->buf[i] != DHCP_OPT_END) {
		if (s->buf[i] == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (s->buf[i] == code) {
			*len = s->buf[i + 1];
			return s->buf + i + 2;
		}
		i += 2 + s->buf[i + 1];
	}
	return NULL;
}

static uint8_t sent_type(const struct sent *s)
{
	size_t len;
	const uint8_t *v = sent_opt(s, DHCP_OPT_MSG_TYPE, &len);

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 1);
	return v[0];
}

static uint32_t sent_xid(const struct sent *s)
{
	return get32(s->buf + BOOTP_OFF_XID);
}

/* ---- server replies ---- */

struct reply {
	uint8_t op; /* 0 = BOOTREPLY */
	uint32_t xid;
	uint32_t yiaddr, siaddr;
	const char *file, *sname;
	const uint8_t *opts; /* raw options after the cookie */
	size_t optlen;
	bool bad_cookie;
};

static size_t build(uint8_t *b, const struct reply *r)
{
	memset(b, 0, 548);
	b[0] = r->op ? r->op : BOOTP_REPLY;
	b[1] = 1;
	b[2] = 6;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(r->xid >> (24 - 8 * i));
		b[16 + i] = (uint8_t)(r->yiaddr >> (24 - 8 * i));
		b[20 + i] = (uint8_t)(r->siaddr >> (24 - 8 * i));
	}
	memcpy(b + BOOTP_OFF_CHADDR, mac, 6);
	if (r->sname)
		memcpy(b + BOOTP_OFF_SNAME, r->sname, strlen(r->sname));
	if (r->file)
		memcpy(b + BOOTP_OFF_FILE, r->file, strlen(r->file));
	b[236] = 0x63;
	b[237] = 0x82;
	b[238] = 0x53;
	b[239] = r->bad_cookie ? 0x64 : 0x63;
	memcpy(b + 240, r->opts, r->optlen);
	return 240 + r->optlen;
}

static int deliver(const struct reply *r)
{
	uint8_t b[548];
	size_t len = build(b, r);

	return dhcp_input(&cl, b, len, SLIRP, DHCP_SERVER_PORT, clock_now);
}

/* What slirp (libslirp 4.7) sends: broadcast, siaddr 10.0.2.2, the boot
 * file in the file field, no option 67. */
static const uint8_t slirp_offer[] = {
	53, 1, DHCPOFFER, 54,  4,   10, 0, 2, 2,  51, 4, 0, 1, 0x51, 0x80, /* 86400 s */
	1,  4, 255,	  255, 255, 0,	3, 4, 10, 0,  2, 2, 6, 4,    10,   0, 2, 3, 255,
};
static const uint8_t slirp_ack[] = {
	53,  1,	  DHCPACK, 54, 4, 10, 0,  2, 2, 51, 4, 0, 1,  0x51, 0x80, 1, 4,
	255, 255, 255,	   0,  3, 4,  10, 0, 2, 2,  6, 4, 10, 0,    2,	  3, 255,
};

static void reply_with(uint32_t xid, const uint8_t *opts, size_t len, uint32_t yiaddr)
{
	struct reply r = {.xid = xid,
			  .yiaddr = yiaddr,
			  .siaddr = SLIRP,
			  .file = "boot.ipxe",
			  .opts = opts,
			  .optlen = len};

	ck_assert_int_eq(deliver(&r), 0);
}

/* DISCOVER -> slirp OFFER -> REQUEST -> slirp ACK. */
static void bind_slirp(void)
{
	dhcp_start(&cl, clock_now);
	reply_with(sent_xid(&sent[nsent - 1]), slirp_offer, sizeof(slirp_offer), IP(10, 0, 2, 15));
	reply_with(sent_xid(&sent[nsent - 1]), slirp_ack, sizeof(slirp_ack), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_BOUND);
}

START_TEST(test_discover_format)
{
	size_t len;
	const uint8_t *v;

	dhcp_start(&cl, 0);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	const struct sent *s = &sent[0];
	ck_assert_uint_eq(s->dst, BCAST);
	ck_assert_uint_eq(s->port, DHCP_SERVER_PORT);
	ck_assert_uint_ge(s->len, BOOTP_MIN_LEN);
	ck_assert_uint_eq(s->buf[0], BOOTP_REQUEST);
	ck_assert_uint_eq(s->buf[1], 1);
	ck_assert_uint_eq(s->buf[2], 6);
	ck_assert_mem_eq(s->buf + BOOTP_OFF_CHADDR, mac, 6);
	ck_assert_uint_eq(s->buf[BOOTP_OFF_FLAGS], 0x80); /* broadcast flag */
	ck_assert_uint_eq(get32(s->buf + BOOTP_OFF_CIADDR), 0);
	ck_assert_uint_eq(get32(s->buf + DHCP_OFF_COOKIE), DHCP_MAGIC);
	ck_assert_uint_eq(sent_type(s), DHCPDISCOVER);
	ck_assert_uint_eq(sent_xid(s), 1000); /* from the random callback */
	v = sent_opt(s, DHCP_OPT_CLIENT_ID, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 7);
	ck_assert_uint_eq(v[0], 1);
	ck_assert_mem_eq(v + 1, mac, 6);
	v = sent_opt(s, DHCP_OPT_PARAM_LIST, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(memchr(v, DHCP_OPT_BOOTFILE, len));
	ck_assert_ptr_nonnull(memchr(v, DHCP_OPT_TFTP_SERVER, len));
	ck_assert_ptr_null(sent_opt(s, DHCP_OPT_REQ_ADDR, &len));
	ck_assert_uint_eq(dhcp_source_addr(&cl), 0);
	ck_assert_ptr_null(dhcp_lease(&cl));
}
END_TEST

START_TEST(test_slirp_exchange)
{
	size_t len;
	const uint8_t *v;

	dhcp_start(&cl, 0);
	uint32_t xid = sent_xid(&sent[0]);
	clock_now = 5;
	reply_with(xid, slirp_offer, sizeof(slirp_offer), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_REQUESTING);
	ck_assert_int_eq(nsent, 2);
	ck_assert_uint_eq(sent_type(&sent[1]), DHCPREQUEST);
	ck_assert_uint_eq(sent_xid(&sent[1]), xid);
	ck_assert_uint_eq(sent[1].dst, BCAST);
	v = sent_opt(&sent[1], DHCP_OPT_REQ_ADDR, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(get32(v), IP(10, 0, 2, 15));
	v = sent_opt(&sent[1], DHCP_OPT_SERVER_ID, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(get32(v), SLIRP);
	ck_assert_uint_eq(get32(sent[1].buf + BOOTP_OFF_CIADDR), 0);

	clock_now = 9;
	reply_with(xid, slirp_ack, sizeof(slirp_ack), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_BOUND);
	ck_assert_int_eq(nevents, 1);
	ck_assert_int_eq(events[0], DHCP_EV_BOUND);
	const struct dhcp_lease *l = dhcp_lease(&cl);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->addr, IP(10, 0, 2, 15));
	ck_assert_uint_eq(l->mask, IP(255, 255, 255, 0));
	ck_assert_uint_eq(l->router, SLIRP);
	ck_assert_uint_eq(l->ndns, 1);
	ck_assert_uint_eq(l->dns[0], IP(10, 0, 2, 3));
	ck_assert_uint_eq(l->server_id, SLIRP);
	ck_assert_uint_eq(l->siaddr, SLIRP);
	ck_assert_str_eq(l->file, "boot.ipxe");
	ck_assert_str_eq(l->bootfile, "");
	ck_assert_str_eq(l->tftp_server, "");
	ck_assert_uint_eq(l->lease_s, 86400);
	ck_assert_uint_eq(l->t1_s, 43200);
	ck_assert_uint_eq(l->t2_s, 75600);
	ck_assert_uint_eq(l->acquired_ms, 5);
	ck_assert_uint_eq(ev_lease.addr, IP(10, 0, 2, 15));
	ck_assert_uint_eq(dhcp_source_addr(&cl), IP(10, 0, 2, 15));
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 5 + 43200ull * 1000);
	ck_assert_uint_eq(cl.stats.leases, 1);
	/* A stray ACK while bound is counted, not acted on. */
	struct reply r = {.xid = xid,
			  .yiaddr = IP(10, 0, 2, 15),
			  .opts = slirp_ack,
			  .optlen = sizeof(slirp_ack)};
	ck_assert_int_eq(deliver(&r), -EAGAIN);
	ck_assert_uint_eq(cl.stats.rx_unexpected, 1);
	ck_assert_int_eq(nevents, 1);
}
END_TEST

START_TEST(test_options_66_67)
{
	static const uint8_t ack[] = {
		53,   1,    DHCPACK, 54,   4,	 192,  168, 1,	 1,   51,  4,	0,   0,
		0x0e, 0x10,			       /* 3600 s */
		58,   4,    0,	     0,	   0x03, 0x84, /* T1 900 */
		59,   4,    0,	     0,	   0x07, 0x08, /* T2 1800 */
		6,    12,   192,     168,  1,	 1,    8,   8,	 8,   8,   1,	1,   1,
		1, /* 3 servers */
		12,   5,    'g',     'u',  'e',	 's',  't', 15,	 8,   'l', 'a', 'b', '.',
		't',  'e',  's',     't',  66,	 10,   't', 'f', 't', 'p', '.', 'l', 'o',
		'c',  'a',  'l',     67,   12,	 'i',  'm', 'a', 'g', 'e', 's', '/', 'r',
		'o',  'o',  't',     0, /* a trailing NUL, as some servers send */
		26,   2,    0x05,    0xdc, 28,	 4,    192, 168, 1,   255, 0,	0,   255,
	};
	struct dhcp_lease l;
	uint8_t b[548], type;
	struct reply r = {.xid = 1,
			  .yiaddr = IP(192, 168, 1, 50),
			  .siaddr = IP(192, 168, 1, 2),
			  .opts = ack,
			  .optlen = sizeof(ack)};
	size_t len = build(b, &r);

	ck_assert_int_eq(dhcp_parse(b, len, &l, &type, NULL, 0), 0);
	ck_assert_uint_eq(type, DHCPACK);
	ck_assert_uint_eq(l.addr, IP(192, 168, 1, 50));
	ck_assert_uint_eq(l.siaddr, IP(192, 168, 1, 2));
	ck_assert_uint_eq(l.ndns, 3);
	ck_assert_uint_eq(l.dns[2], IP(1, 1, 1, 1));
	ck_assert_str_eq(l.hostname, "guest");
	ck_assert_str_eq(l.domain, "lab.test");
	ck_assert_str_eq(l.tftp_server, "tftp.local");
	ck_assert_str_eq(l.bootfile, "images/root");
	ck_assert_str_eq(l.file, "");
	ck_assert_uint_eq(l.mtu, 1500);
	ck_assert_uint_eq(l.broadcast, IP(192, 168, 1, 255));
	ck_assert_uint_eq(l.lease_s, 3600);
	ck_assert_uint_eq(l.t1_s, 900);
	ck_assert_uint_eq(l.t2_s, 1800);
	ck_assert_uint_eq(l.mask, 0);
}
END_TEST

START_TEST(test_overload_and_defaults)
{
	/* Option 52 = 3: the file field holds option 67, sname option 66.
	 * T1 > T2 is inconsistent: both fall back to 0.5/0.875. */
	static const uint8_t opts[] = {
		53, 1, DHCPACK, 52, 1,	  3,	51, 4, 0, 0, 0x03, 0xe8, /* 1000 s */
		58, 4, 0,	0,  0x03, 0x00, 59, 4, 0, 0, 0x01, 0x00, 255,
	};
	struct reply r = {
		.xid = 1, .yiaddr = IP(10, 1, 1, 9), .opts = opts, .optlen = sizeof(opts)};
	uint8_t b[548], type;
	struct dhcp_lease l;
	size_t len = build(b, &r);
	static const uint8_t file_opts[] = {67, 4, 'k', 'e', 'r', 'n', 255};
	static const uint8_t sname_opts[] = {0, 0, 66, 3, 's', 'r', 'v', 12, 2, 'h', 'n', 255};

	memcpy(b + BOOTP_OFF_FILE, file_opts, sizeof(file_opts));
	memcpy(b + BOOTP_OFF_SNAME, sname_opts, sizeof(sname_opts));
	ck_assert_int_eq(dhcp_parse(b, len, &l, &type, NULL, 0), 0);
	ck_assert_str_eq(l.bootfile, "kern");
	ck_assert_str_eq(l.tftp_server, "srv");
	ck_assert_str_eq(l.hostname, "hn");
	ck_assert_str_eq(l.file, ""); /* overloaded: not a name */
	ck_assert_str_eq(l.sname, "");
	ck_assert_uint_eq(l.t2_s, 875);
	ck_assert_uint_eq(l.t1_s, 500);

	/* An option in the overloaded file field that runs past it. */
	b[BOOTP_OFF_FILE + 1] = 200;
	ck_assert_int_eq(dhcp_parse(b, len, &l, &type, NULL, 0), -EBADMSG);

	/* No lease time: a permanent (BOOTP-style) address. */
	static const uint8_t bootp[] = {53, 1, DHCPACK};
	r.opts = bootp;
	r.optlen = sizeof(bootp); /* no END at all: accepted */
	len = build(b, &r);
	ck_assert_int_eq(dhcp_parse(b, len, &l, &type, NULL, 0), 0);
	ck_assert_uint_eq(l.lease_s, 0xffffffffu);
	ck_assert_uint_eq(l.t1_s, 0xffffffffu);
}
END_TEST

START_TEST(test_nak_restarts)
{
	static const uint8_t nak[] = {53, 1,  DHCPNAK, 54,  4,	 10,  0,  2,
				      2,  56, 3,       'n', 'o', '!', 255};

	dhcp_start(&cl, 0);
	uint32_t xid = sent_xid(&sent[0]);
	reply_with(xid, slirp_offer, sizeof(slirp_offer), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_REQUESTING);
	clock_now = 100;
	reply_with(xid, nak, sizeof(nak), 0);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	ck_assert_int_eq(nsent, 3);
	ck_assert_uint_eq(sent_type(&sent[2]), DHCPDISCOVER);
	ck_assert_uint_ne(sent_xid(&sent[2]), xid);
	ck_assert_uint_eq(cl.stats.naks, 1);
	ck_assert_int_eq(nevents, 0);
	/* The old offer's xid is dead now. */
	struct reply r = {.xid = xid,
			  .yiaddr = IP(10, 0, 2, 15),
			  .opts = slirp_offer,
			  .optlen = sizeof(slirp_offer)};
	ck_assert_int_eq(deliver(&r), -ENOENT);
	ck_assert_uint_eq(cl.stats.rx_bad_xid, 1);
}
END_TEST

START_TEST(test_backoff)
{
	/* RFC 2131 4.1: 4, 8, 16, 32, 64, 64 s; jitter centred here. */
	static const uint64_t want[] = {0, 4000, 12000, 28000, 60000, 124000, 188000};

	dhcp_start(&cl, 0);
	for (size_t i = 1; i < ARRAY_SIZE(want); i++) {
		clock_now = dhcp_next_deadline(&cl);
		ck_assert_uint_eq(clock_now, want[i]);
		dhcp_poll(&cl, clock_now - 1); /* early: nothing */
		ck_assert_int_eq(nsent, (int)i);
		dhcp_poll(&cl, clock_now);
		ck_assert_int_eq(nsent, (int)i + 1);
		ck_assert_uint_eq(sent_type(&sent[i]), DHCPDISCOVER);
		ck_assert_uint_eq(sent_xid(&sent[i]), sent_xid(&sent[0]));
		/* secs counts from the first DISCOVER */
		ck_assert_uint_eq(sent[i].buf[8] << 8 | sent[i].buf[9], want[i] / 1000);
	}
	ck_assert_uint_eq(cl.stats.retransmits, ARRAY_SIZE(want) - 1);
}
END_TEST

START_TEST(test_jitter_range)
{
	/* Random 0 is -1 s, random 2000 is +1 s. */
	rnd_value = 0;
	dhcp_start(&cl, 0);
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 3000);
	setup();
	rnd_value = 2000;
	dhcp_start(&cl, 0);
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 5000);
}
END_TEST

START_TEST(test_give_up)
{
	struct dhcp_config cfg = {.max_discover = 3, .initial_rto_ms = 1000};

	memcpy(cfg.mac, mac, 6);
	dhcp_init(&cl, &cfg, &ops, NULL);
	dhcp_start(&cl, 0);
	for (int i = 0; i < 10 && cl.state != DHCP_STOPPED; i++) {
		clock_now = dhcp_next_deadline(&cl);
		dhcp_poll(&cl, clock_now);
	}
	ck_assert_int_eq(cl.state, DHCP_STOPPED);
	ck_assert_int_eq(nsent, 3);
	ck_assert_int_eq(nevents, 1);
	ck_assert_int_eq(events[0], DHCP_EV_GAVE_UP);
	ck_assert_uint_eq(dhcp_next_deadline(&cl), UINT64_MAX);
}
END_TEST

START_TEST(test_request_retries_then_discover)
{
	dhcp_start(&cl, 0);
	reply_with(sent_xid(&sent[0]), slirp_offer, sizeof(slirp_offer), IP(10, 0, 2, 15));
	for (int i = 0; i < 3; i++) {
		clock_now = dhcp_next_deadline(&cl);
		dhcp_poll(&cl, clock_now);
		ck_assert_uint_eq(sent_type(&sent[nsent - 1]), DHCPREQUEST);
	}
	ck_assert_int_eq(nsent, 5); /* DISCOVER + 4 REQUESTs */
	clock_now = dhcp_next_deadline(&cl);
	dhcp_poll(&cl, clock_now);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	ck_assert_uint_eq(sent_type(&sent[nsent - 1]), DHCPDISCOVER);
	ck_assert_uint_ne(sent_xid(&sent[nsent - 1]), sent_xid(&sent[0]));
}
END_TEST

/* A 1000 s lease: T1 500 s, T2 875 s. */
static const uint8_t short_ack[] = {
	53, 1, DHCPACK, 54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0x03, 0xe8, 1, 4, 255, 255, 255, 0, 255,
};

static void bind_short(void)
{
	dhcp_start(&cl, 0);
	reply_with(sent_xid(&sent[0]), slirp_offer, sizeof(slirp_offer), IP(10, 0, 2, 15));
	reply_with(sent_xid(&sent[0]), short_ack, sizeof(short_ack), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_BOUND);
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 500000);
}

START_TEST(test_renewal)
{
	bind_short();
	int before = nsent;
	clock_now = 499999;
	dhcp_poll(&cl, clock_now);
	ck_assert_int_eq(nsent, before);
	clock_now = 500000;
	dhcp_poll(&cl, clock_now);
	ck_assert_int_eq(cl.state, DHCP_RENEWING);
	ck_assert_int_eq(nsent, before + 1);
	const struct sent *s = &sent[nsent - 1];
	size_t len;
	ck_assert_uint_eq(sent_type(s), DHCPREQUEST);
	ck_assert_uint_eq(s->dst, SLIRP); /* unicast to the server */
	ck_assert_uint_eq(get32(s->buf + BOOTP_OFF_CIADDR), IP(10, 0, 2, 15));
	ck_assert_uint_eq(s->buf[BOOTP_OFF_FLAGS], 0);
	ck_assert_ptr_null(sent_opt(s, DHCP_OPT_REQ_ADDR, &len));
	ck_assert_ptr_null(sent_opt(s, DHCP_OPT_SERVER_ID, &len));
	ck_assert_uint_eq(dhcp_source_addr(&cl), IP(10, 0, 2, 15));
	/* Half the time to T2 (187.5 s) is more than 60 s. */
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 500000 + 187500);

	clock_now = 500020;
	reply_with(sent_xid(s), short_ack, sizeof(short_ack), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_BOUND);
	ck_assert_int_eq(events[nevents - 1], DHCP_EV_RENEWED);
	ck_assert_uint_eq(cl.stats.renewals, 1);
	/* The new lease counts from the renewal REQUEST. */
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 500000 + 500000);
	ck_assert_uint_eq(cl.lease.acquired_ms, 500000);
}
END_TEST

START_TEST(test_rebinding_timeline)
{
	/* Renewing from 500 s: retransmit at half the time to T2, at least
	 * 60 s, never past T2 (875 s); then broadcast REBINDING REQUESTs
	 * until expiry at 1000 s. */
	static const uint64_t renew[] = {500000, 687500, 781250, 841250, 875000};
	bind_short();
	int first = nsent;
	for (size_t i = 0; i < ARRAY_SIZE(renew); i++) {
		clock_now = dhcp_next_deadline(&cl);
		ck_assert_uint_eq(clock_now, renew[i]);
		dhcp_poll(&cl, clock_now);
		ck_assert_int_eq(nsent, first + (int)i + 1);
	}
	ck_assert_int_eq(cl.state, DHCP_REBINDING);
	const struct sent *s = &sent[nsent - 1];
	ck_assert_uint_eq(s->dst, BCAST);
	ck_assert_uint_eq(get32(s->buf + BOOTP_OFF_CIADDR), IP(10, 0, 2, 15));
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(sent[first + i].dst, SLIRP);
	/* Rebinding: half of 125 s is 62.5 s. */
	ck_assert_uint_eq(dhcp_next_deadline(&cl), 875000 + 62500);

	/* Any server's ACK while rebinding is taken. */
	static const uint8_t other_ack[] = {
		53, 1, DHCPACK, 54, 4, 10, 0, 2, 9, 51, 4, 0, 0, 0x03, 0xe8, 255,
	};
	clock_now = 900000;
	reply_with(sent_xid(s), other_ack, sizeof(other_ack), IP(10, 0, 2, 15));
	ck_assert_int_eq(cl.state, DHCP_BOUND);
	ck_assert_uint_eq(cl.lease.server_id, IP(10, 0, 2, 9));
	ck_assert_int_eq(events[nevents - 1], DHCP_EV_RENEWED);
}
END_TEST

START_TEST(test_expiry)
{
	bind_short();
	while (cl.state != DHCP_SELECTING) {
		clock_now = dhcp_next_deadline(&cl);
		ck_assert_uint_le(clock_now, 1000000);
		dhcp_poll(&cl, clock_now);
	}
	ck_assert_uint_eq(clock_now, 1000000);
	ck_assert_int_eq(events[nevents - 1], DHCP_EV_EXPIRED);
	ck_assert_uint_eq(ev_lease.addr, IP(10, 0, 2, 15));
	ck_assert_uint_eq(sent_type(&sent[nsent - 1]), DHCPDISCOVER);
	ck_assert_ptr_null(dhcp_lease(&cl));
	ck_assert_uint_eq(dhcp_source_addr(&cl), 0);
	ck_assert_uint_eq(cl.stats.expiries, 1);
}
END_TEST

START_TEST(test_late_poll_expires)
{
	/* A poll long after expiry goes straight to EXPIRED. */
	bind_short();
	clock_now = 5000000;
	dhcp_poll(&cl, clock_now);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	ck_assert_int_eq(events[nevents - 1], DHCP_EV_EXPIRED);
}
END_TEST

START_TEST(test_nak_while_renewing)
{
	static const uint8_t nak[] = {53, 1, DHCPNAK, 54, 4, 10, 0, 2, 2, 255};

	bind_short();
	clock_now = 500000;
	dhcp_poll(&cl, clock_now);
	ck_assert_int_eq(cl.state, DHCP_RENEWING);
	reply_with(sent_xid(&sent[nsent - 1]), nak, sizeof(nak), 0);
	ck_assert_int_eq(events[nevents - 1], DHCP_EV_NAK_LOST);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	ck_assert_uint_eq(sent_type(&sent[nsent - 1]), DHCPDISCOVER);
}
END_TEST

START_TEST(test_malformed)
{
	uint8_t b[548];
	struct reply r = {
		.yiaddr = IP(10, 0, 2, 15), .opts = slirp_offer, .optlen = sizeof(slirp_offer)};
	size_t len;

	dhcp_start(&cl, 0);
	r.xid = sent_xid(&sent[0]);

	len = build(b, &r);
	for (size_t n = 0; n < DHCP_OFF_OPTIONS; n += 7)
		ck_assert_int_eq(dhcp_input(&cl, b, n, SLIRP, 67, 0), -EBADMSG);
	ck_assert_uint_eq(cl.stats.rx_short, (DHCP_OFF_OPTIONS + 6) / 7);

	r.op = BOOTP_REQUEST;
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	ck_assert_uint_eq(cl.stats.rx_not_reply, 1);
	r.op = 0;

	r.bad_cookie = true;
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	ck_assert_uint_eq(cl.stats.rx_bad_cookie, 1);
	r.bad_cookie = false;

	len = build(b, &r);
	b[BOOTP_OFF_CHADDR + 5] ^= 1; /* someone else's */
	ck_assert_int_eq(dhcp_input(&cl, b, len, SLIRP, 67, 0), -ENOENT);

	/* An option whose length runs past the packet, at every cut. */
	for (size_t cut = 1; cut < sizeof(slirp_offer) - 1; cut++) {
		len = build(b, &r);
		uint8_t *o = b + DHCP_OFF_OPTIONS;
		size_t i = 0;
		while (i < cut)
			i += 2 + o[i + 1]; /* to the start of the option holding cut */
		if (i >= sizeof(slirp_offer) - 1 || i == cut)
			continue;
		ck_assert_int_eq(dhcp_input(&cl, b, DHCP_OFF_OPTIONS + cut, SLIRP, 67, 0),
				 -EBADMSG);
	}
	uint64_t bad = cl.stats.rx_bad_options;
	ck_assert_uint_gt(bad, 0);

	/* A length byte that is missing entirely. */
	static const uint8_t no_len[] = {53, 1, DHCPOFFER, 54};
	r.opts = no_len;
	r.optlen = sizeof(no_len);
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	ck_assert_uint_eq(cl.stats.rx_bad_options, bad + 1);

	/* No message type. */
	static const uint8_t no_type[] = {54, 4, 10, 0, 2, 2, 255};
	r.opts = no_type;
	r.optlen = sizeof(no_type);
	ck_assert_int_eq(deliver(&r), -EBADMSG);

	/* Wrong-length options are skipped, the rest is used. */
	static const uint8_t odd[] = {53, 1, DHCPOFFER, 1, 3,  255, 255, 255, 6, 5, 1,
				      2,  3, 4,		5, 54, 4,   10,	 0,   2, 2, 255};
	r.opts = odd;
	r.optlen = sizeof(odd);
	/* An offer of 0.0.0.0 or 127.x or a multicast address is refused. */
	r.yiaddr = 0;
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	r.yiaddr = IP(224, 0, 0, 1);
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	ck_assert_uint_eq(cl.stats.rx_bad_addr, 2);
	ck_assert_int_eq(cl.state, DHCP_SELECTING);
	r.yiaddr = IP(10, 0, 2, 15);
	ck_assert_int_eq(deliver(&r), 0);
	ck_assert_int_eq(cl.state, DHCP_REQUESTING);

	/* An ACK for a different address than offered, or from another server. */
	static const uint8_t ack_other[] = {53, 1, DHCPACK, 54, 4, 10, 0, 2, 7, 255};
	r.opts = ack_other;
	r.optlen = sizeof(ack_other);
	ck_assert_int_eq(deliver(&r), -ENOENT);
	r.opts = slirp_ack;
	r.optlen = sizeof(slirp_ack);
	r.yiaddr = IP(10, 0, 2, 16);
	ck_assert_int_eq(deliver(&r), -EBADMSG);
	/* An OFFER now is unexpected. */
	r.opts = slirp_offer;
	r.optlen = sizeof(slirp_offer);
	ck_assert_int_eq(deliver(&r), -EAGAIN);
	ck_assert_uint_eq(cl.stats.rx_unexpected, 1);
	ck_assert_int_eq(cl.state, DHCP_REQUESTING);
	ck_assert_int_eq(nevents, 0);
}
END_TEST

START_TEST(test_hostname_sent_and_rebind_no_flag)
{
	struct dhcp_config cfg = {.no_broadcast_flag = true};
	size_t len;

	memcpy(cfg.mac, mac, 6);
	strcpy(cfg.hostname, "kernel");
	dhcp_init(&cl, &cfg, &ops, NULL);
	dhcp_start(&cl, 0);
	const uint8_t *v = sent_opt(&sent[0], DHCP_OPT_HOSTNAME, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 6);
	ck_assert_mem_eq(v, "kernel", 6);
	ck_assert_uint_eq(sent[0].buf[BOOTP_OFF_FLAGS], 0);
	dhcp_stop(&cl);
	ck_assert_int_eq(cl.state, DHCP_STOPPED);
	ck_assert_uint_eq(dhcp_next_deadline(&cl), UINT64_MAX);
	ck_assert_str_eq(dhcp_state_name(DHCP_REBINDING), "rebinding");
}
END_TEST

START_TEST(test_bind_slirp_helper)
{
	bind_slirp();
	ck_assert_int_eq(events[0], DHCP_EV_BOUND);
}
END_TEST

static Suite *dhcp_suite(void)
{
	Suite *s = suite_create("dhcp");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_discover_format);
	tcase_add_test(tc, test_slirp_exchange);
	tcase_add_test(tc, test_options_66_67);
	tcase_add_test(tc, test_overload_and_defaults);
	tcase_add_test(tc, test_nak_restarts);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_jitter_range);
	tcase_add_test(tc, test_give_up);
	tcase_add_test(tc, test_request_retries_then_discover);
	tcase_add_test(tc, test_renewal);
	tcase_add_test(tc, test_rebinding_timeline);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_late_poll_expires);
	tcase_add_test(tc, test_nak_while_renewing);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_hostname_sent_and_rebind_no_flag);
	tcase_add_test(tc, test_bind_slirp_helper);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dhcp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
