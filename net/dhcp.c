/*
 * DHCP client engine: RFC 2131 (the client state machine of section 4.4,
 * retransmission in 4.1, timers in 4.4.5) with the options of RFC 2132.
 * Interface, glue duties and locking: net/dhcp.h. Wire format:
 * net/proto/dhcp.h.
 *
 * Input is untrusted: every option is bounds-checked against the field it
 * lives in (options, or file/sname when option 52 overloads them), strings
 * are cut to their buffers and always terminated, and every rejected packet
 * is counted in struct dhcp_stats.
 *
 * QEMU's slirp (DESIGN.md): replies are broadcast, siaddr is 10.0.2.2 and
 * the boot file is in the BOOTP `file` field rather than option 67; both
 * are reported separately in struct dhcp_lease and the caller chooses.
 */
#include <ksvc.h>
#include "net/dhcp.h"
#include "net/proto/dhcp.h"

#define DHCP_DEF_RTO	    4000
#define DHCP_DEF_MAX_RTO    64000
#define DHCP_DEF_JITTER	    1000
#define DHCP_DEF_MAX_REQ    4
#define DHCP_RENEW_MIN_WAIT 60000 /* RFC 2131 4.4.5: retransmit no faster than 60 s */
#define DHCP_INFINITE	    0xffffffffu
#define DHCP_NEVER	    UINT64_MAX

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Copy an option's bytes as a string: stop at an embedded NUL, cut to fit. */
static void copy_str(char *dst, size_t size, const uint8_t *src, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < size && src[n] != '\0') {
		dst[n] = (char)src[n];
		n++;
	}
	dst[n] = '\0';
}

/* ---- parsing ------------------------------------------------------------ */

struct dhcp_parse_state {
	struct dhcp_lease *lease;
	uint8_t msg_type;
	uint8_t overload;
	bool have_lease, have_t1, have_t2;
	char *message;
	size_t message_size;
};

/* One option with a known length. Wrong lengths are ignored (the option is
 * skipped), not fatal: the rest of the message may still be useful. */
static void dhcp_option(struct dhcp_parse_state *ps, uint8_t code, const uint8_t *v, size_t len)
{
	struct dhcp_lease *l = ps->lease;
	size_t i;

	switch (code) {
	case DHCP_OPT_SUBNET:
		if (len == 4)
			l->mask = get32(v);
		break;
	case DHCP_OPT_ROUTER:
		if (len >= 4 && len % 4 == 0)
			l->router = get32(v);
		break;
	case DHCP_OPT_DNS:
		if (len % 4)
			break;
		l->ndns = 0;
		for (i = 0; i + 4 <= len && l->ndns < DHCP_MAX_DNS; i += 4)
			l->dns[l->ndns++] = get32(v + i);
		break;
	case DHCP_OPT_HOSTNAME:
		copy_str(l->hostname, sizeof(l->hostname), v, len);
		break;
	case DHCP_OPT_DOMAIN:
		copy_str(l->domain, sizeof(l->domain), v, len);
		break;
	case DHCP_OPT_MTU:
		if (len == 2)
			l->mtu = (uint16_t)(v[0] << 8 | v[1]);
		break;
	case DHCP_OPT_BROADCAST:
		if (len == 4)
			l->broadcast = get32(v);
		break;
	case DHCP_OPT_LEASE:
		if (len == 4) {
			l->lease_s = get32(v);
			ps->have_lease = true;
		}
		break;
	case DHCP_OPT_OVERLOAD:
		if (len == 1)
			ps->overload = v[0] & (DHCP_OVERLOAD_FILE | DHCP_OVERLOAD_SNAME);
		break;
	case DHCP_OPT_MSG_TYPE:
		if (len == 1)
			ps->msg_type = v[0];
		break;
	case DHCP_OPT_SERVER_ID:
		if (len == 4)
			l->server_id = get32(v);
		break;
	case DHCP_OPT_MESSAGE:
		if (ps->message)
			copy_str(ps->message, ps->message_size, v, len);
		break;
	case DHCP_OPT_T1:
		if (len == 4) {
			l->t1_s = get32(v);
			ps->have_t1 = true;
		}
		break;
	case DHCP_OPT_T2:
		if (len == 4) {
			l->t2_s = get32(v);
			ps->have_t2 = true;
		}
		break;
	case DHCP_OPT_TFTP_SERVER:
		copy_str(l->tftp_server, sizeof(l->tftp_server), v, len);
		break;
	case DHCP_OPT_BOOTFILE:
		copy_str(l->bootfile, sizeof(l->bootfile), v, len);
		break;
	default:
		break;
	}
}

/* Walk one options area. The END option stops it; an area that just runs
 * out is accepted (servers disagree on trailing padding), but an option
 * whose length byte or value runs past the area is malformed. */
static int dhcp_walk(struct dhcp_parse_state *ps, const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i++];

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return 0;
		if (i >= len)
			return -EBADMSG;
		size_t olen = p[i++];
		if (olen > len - i)
			return -EBADMSG;
		dhcp_option(ps, code, p + i, olen);
		i += olen;
	}
	return 0;
}

int dhcp_parse(const void *pkt, size_t len, struct dhcp_lease *lease, uint8_t *msg_type,
	       char *message, size_t message_size)
{
	const uint8_t *p = pkt;
	struct dhcp_parse_state ps = {
		.lease = lease, .message = message, .message_size = message_size};
	int err;

	memset(lease, 0, sizeof(*lease));
	if (message && message_size)
		message[0] = '\0';
	*msg_type = 0;
	if (len < DHCP_OFF_OPTIONS || get32(p + DHCP_OFF_COOKIE) != DHCP_MAGIC)
		return -EBADMSG;
	lease->addr = get32(p + BOOTP_OFF_YIADDR);
	lease->siaddr = get32(p + BOOTP_OFF_SIADDR);

	err = dhcp_walk(&ps, p + DHCP_OFF_OPTIONS, len - DHCP_OFF_OPTIONS);
	if (err)
		return err;
	/* RFC 2132 9.3: option 52 in the options area says the file and/or
	 * sname fields hold more options, parsed in that order. */
	uint8_t overload = ps.overload;
	if (overload & DHCP_OVERLOAD_FILE) {
		err = dhcp_walk(&ps, p + BOOTP_OFF_FILE, 128);
		if (err)
			return err;
	} else {
		copy_str(lease->file, sizeof(lease->file), p + BOOTP_OFF_FILE, 128);
	}
	if (overload & DHCP_OVERLOAD_SNAME) {
		err = dhcp_walk(&ps, p + BOOTP_OFF_SNAME, 64);
		if (err)
			return err;
	} else {
		copy_str(lease->sname, sizeof(lease->sname), p + BOOTP_OFF_SNAME, 64);
	}

	/* Lease times (RFC 2131 4.4.5): no lease time means a BOOTP-style
	 * permanent address; T1/T2 default to 0.5 and 0.875 of the lease and
	 * inconsistent values fall back to the defaults. */
	if (!ps.have_lease)
		lease->lease_s = DHCP_INFINITE;
	if (lease->lease_s == DHCP_INFINITE) {
		lease->t1_s = lease->t2_s = DHCP_INFINITE;
	} else {
		uint32_t d1 = lease->lease_s / 2;
		uint32_t d2 = (uint32_t)((uint64_t)lease->lease_s * 7 / 8);

		if (!ps.have_t2)
			lease->t2_s = d2;
		if (!ps.have_t1)
			lease->t1_s = MIN(d1, lease->t2_s);
		if (lease->t1_s > lease->t2_s || lease->t2_s > lease->lease_s) {
			lease->t1_s = d1;
			lease->t2_s = d2;
		}
	}
	*msg_type = ps.msg_type;
	return 0;
}

/* ---- building ----------------------------------------------------------- */

static const uint8_t dhcp_param_list[] = {
	DHCP_OPT_SUBNET,    DHCP_OPT_ROUTER, DHCP_OPT_DNS,	 DHCP_OPT_HOSTNAME,
	DHCP_OPT_DOMAIN,    DHCP_OPT_MTU,    DHCP_OPT_BROADCAST, DHCP_OPT_LEASE,
	DHCP_OPT_SERVER_ID, DHCP_OPT_T1,     DHCP_OPT_T2,	 DHCP_OPT_TFTP_SERVER,
	DHCP_OPT_BOOTFILE,
};

static uint8_t *opt_put(uint8_t *o, uint8_t code, const void *v, size_t len)
{
	*o++ = code;
	*o++ = (uint8_t)len;
	memcpy(o, v, len);
	return o + len;
}

static uint8_t *opt_put32(uint8_t *o, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return opt_put(o, code, b, 4);
}

/* Build and send one DISCOVER or REQUEST for the current state. */
static void dhcp_send(struct dhcp_client *c, uint8_t type, uint64_t now)
{
	uint8_t buf[DHCP_PKT_MAX], *o;
	uint32_t ciaddr = 0, dst = 0xffffffffu;
	uint64_t secs = (now - c->state_start_ms) / 1000;
	uint8_t cid[7];
	int err;

	memset(buf, 0, sizeof(buf));
	buf[0] = BOOTP_REQUEST;
	buf[1] = BOOTP_HTYPE_ETHER;
	buf[2] = 6;
	put32(buf + BOOTP_OFF_XID, c->xid);
	if (secs > 0xffff)
		secs = 0xffff;
	buf[8] = (uint8_t)(secs >> 8);
	buf[9] = (uint8_t)secs;
	if (c->state == DHCP_RENEWING || c->state == DHCP_REBINDING)
		ciaddr = c->lease.addr;
	if (c->state == DHCP_RENEWING)
		dst = c->lease.server_id;
	/* The broadcast flag only matters while we have no address. */
	if (!ciaddr && !c->cfg.no_broadcast_flag)
		buf[BOOTP_OFF_FLAGS] = BOOTP_FLAG_BROADCAST >> 8;
	put32(buf + BOOTP_OFF_CIADDR, ciaddr);
	memcpy(buf + BOOTP_OFF_CHADDR, c->cfg.mac, 6);
	put32(buf + DHCP_OFF_COOKIE, DHCP_MAGIC);

	o = buf + DHCP_OFF_OPTIONS;
	o = opt_put(o, DHCP_OPT_MSG_TYPE, &type, 1);
	cid[0] = BOOTP_HTYPE_ETHER;
	memcpy(cid + 1, c->cfg.mac, 6);
	o = opt_put(o, DHCP_OPT_CLIENT_ID, cid, sizeof(cid));
	if (type == DHCPREQUEST && c->state == DHCP_REQUESTING) {
		o = opt_put32(o, DHCP_OPT_REQ_ADDR, c->offer_addr);
		o = opt_put32(o, DHCP_OPT_SERVER_ID, c->offer_server);
	}
	uint8_t maxsz[2] = {DHCP_PKT_MAX >> 8, DHCP_PKT_MAX & 0xff};
	o = opt_put(o, DHCP_OPT_MAX_SIZE, maxsz, 2);
	o = opt_put(o, DHCP_OPT_PARAM_LIST, dhcp_param_list, sizeof(dhcp_param_list));
	size_t hl = strnlen(c->cfg.hostname, sizeof(c->cfg.hostname) - 1);
	if (hl)
		o = opt_put(o, DHCP_OPT_HOSTNAME, c->cfg.hostname, hl);
	*o++ = DHCP_OPT_END;

	size_t len = (size_t)(o - buf);
	if (len < BOOTP_MIN_LEN)
		len = BOOTP_MIN_LEN;
	c->stats.tx++;
	if (c->attempts)
		c->stats.retransmits++;
	c->attempts++;
	if (type == DHCPREQUEST)
		c->request_sent_ms = now;
	err = c->ops.send(c->ctx, dst, DHCP_SERVER_PORT, buf, len);
	if (err)
		c->stats.tx_errors++;
}

/* ---- state machine ------------------------------------------------------ */

/* rto +- jitter, never below half of rto. */
static uint64_t dhcp_jittered(struct dhcp_client *c, uint32_t rto)
{
	uint32_t j = c->cfg.jitter_ms;
	uint64_t r = c->ops.random(c->ctx) % (2 * (uint64_t)j + 1);
	int64_t v = (int64_t)rto + (int64_t)r - (int64_t)j;

	if (v < (int64_t)rto / 2)
		v = rto / 2;
	if (v < 1)
		v = 1;
	return (uint64_t)v;
}

static void dhcp_backoff(struct dhcp_client *c, uint64_t now)
{
	c->next_tx = now + dhcp_jittered(c, c->rto_ms);
	c->rto_ms = c->rto_ms >= c->cfg.max_rto_ms / 2 ? c->cfg.max_rto_ms : c->rto_ms * 2;
}

static void dhcp_discover(struct dhcp_client *c, uint64_t now)
{
	c->state = DHCP_SELECTING;
	c->xid = c->ops.random(c->ctx);
	c->attempts = 0;
	c->rto_ms = c->cfg.initial_rto_ms;
	c->state_start_ms = now;
	c->discovers++;
	dhcp_send(c, DHCPDISCOVER, now);
	dhcp_backoff(c, now);
}

static void dhcp_clear_lease(struct dhcp_client *c)
{
	memset(&c->lease, 0, sizeof(c->lease));
	c->t1_at = c->t2_at = c->expire_at = DHCP_NEVER;
}

static uint64_t at_s(uint64_t base, uint32_t s)
{
	return s == DHCP_INFINITE ? DHCP_NEVER : base + (uint64_t)s * 1000;
}

/* Renewal retransmission: half the time left to `limit`, at least 60 s,
 * never past `limit` (RFC 2131 4.4.5). */
static void dhcp_renew_timer(struct dhcp_client *c, uint64_t now, uint64_t limit)
{
	uint64_t wait = limit > now ? (limit - now) / 2 : 0;

	if (wait < DHCP_RENEW_MIN_WAIT)
		wait = DHCP_RENEW_MIN_WAIT;
	c->next_tx = limit - now < wait ? limit : now + wait;
}

void dhcp_init(struct dhcp_client *c, const struct dhcp_config *cfg, const struct dhcp_ops *ops,
	       void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->cfg.hostname[sizeof(c->cfg.hostname) - 1] = '\0';
	if (!c->cfg.initial_rto_ms)
		c->cfg.initial_rto_ms = DHCP_DEF_RTO;
	if (!c->cfg.max_rto_ms)
		c->cfg.max_rto_ms = DHCP_DEF_MAX_RTO;
	if (c->cfg.max_rto_ms < c->cfg.initial_rto_ms)
		c->cfg.max_rto_ms = c->cfg.initial_rto_ms;
	if (!c->cfg.jitter_ms)
		c->cfg.jitter_ms = DHCP_DEF_JITTER;
	if (!c->cfg.max_request)
		c->cfg.max_request = DHCP_DEF_MAX_REQ;
	c->ops = *ops;
	c->ctx = ctx;
	c->state = DHCP_STOPPED;
	c->next_tx = DHCP_NEVER;
	dhcp_clear_lease(c);
}

void dhcp_start(struct dhcp_client *c, uint64_t now)
{
	dhcp_clear_lease(c);
	c->discovers = 0;
	dhcp_discover(c, now);
}

void dhcp_stop(struct dhcp_client *c)
{
	dhcp_clear_lease(c);
	c->state = DHCP_STOPPED;
	c->next_tx = DHCP_NEVER;
}

/* Back to INIT after a NAK or an expiry: a fresh DISCOVER goes out now. */
static void dhcp_restart(struct dhcp_client *c, uint64_t now)
{
	dhcp_clear_lease(c);
	c->discovers = 0;
	dhcp_discover(c, now);
}

static void dhcp_bind(struct dhcp_client *c, const struct dhcp_lease *l, uint32_t src_ip)
{
	bool renewal = c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;
	uint64_t base = c->request_sent_ms;

	c->lease = *l;
	if (!c->lease.server_id)
		c->lease.server_id = src_ip;
	c->lease.acquired_ms = base;
	c->t1_at = at_s(base, l->t1_s);
	c->t2_at = at_s(base, l->t2_s);
	c->expire_at = at_s(base, l->lease_s);
	c->state = DHCP_BOUND;
	c->next_tx = DHCP_NEVER;
	c->attempts = 0;
	c->discovers = 0;
	if (renewal) {
		c->stats.renewals++;
		c->ops.event(c->ctx, DHCP_EV_RENEWED, &c->lease);
	} else {
		c->stats.leases++;
		c->ops.event(c->ctx, DHCP_EV_BOUND, &c->lease);
	}
}

/* An address a server may hand out: not 0, broadcast, loopback or class D/E. */
static bool dhcp_addr_ok(uint32_t a)
{
	return a != 0 && (a >> 24) != 127 && (a >> 24) != 0 && a < 0xe0000000u;
}

int dhcp_input(struct dhcp_client *c, const void *pkt, size_t len, uint32_t src_ip,
	       uint16_t src_port, uint64_t now)
{
	const uint8_t *p = pkt;
	struct dhcp_lease l;
	uint8_t type;

	c->stats.rx++;
	if (len < DHCP_OFF_OPTIONS) {
		c->stats.rx_short++;
		return -EBADMSG;
	}
	if (p[0] != BOOTP_REPLY) {
		c->stats.rx_not_reply++;
		return -EBADMSG;
	}
	if (get32(p + BOOTP_OFF_XID) != c->xid || memcmp(p + BOOTP_OFF_CHADDR, c->cfg.mac, 6)) {
		c->stats.rx_bad_xid++;
		return -ENOENT;
	}
	if (get32(p + DHCP_OFF_COOKIE) != DHCP_MAGIC) {
		c->stats.rx_bad_cookie++;
		return -EBADMSG;
	}
	if (dhcp_parse(pkt, len, &l, &type, NULL, 0) || !type) {
		c->stats.rx_bad_options++;
		return -EBADMSG;
	}

	switch (c->state) {
	case DHCP_SELECTING:
		if (type != DHCPOFFER)
			break;
		if (!dhcp_addr_ok(l.addr)) {
			c->stats.rx_bad_addr++;
			return -EBADMSG;
		}
		c->stats.offers++;
		c->offer_addr = l.addr;
		c->offer_server = l.server_id ? l.server_id : src_ip;
		c->state = DHCP_REQUESTING;
		c->attempts = 0;
		c->rto_ms = c->cfg.initial_rto_ms;
		dhcp_send(c, DHCPREQUEST, now);
		dhcp_backoff(c, now);
		return 0;
	case DHCP_REQUESTING:
		if (type != DHCPACK && type != DHCPNAK)
			break;
		if (l.server_id && l.server_id != c->offer_server) {
			c->stats.rx_bad_addr++;
			return -ENOENT;
		}
		if (type == DHCPNAK) {
			c->stats.naks++;
			dhcp_restart(c, now);
			return 0;
		}
		if (l.addr != c->offer_addr) {
			c->stats.rx_bad_addr++;
			return -EBADMSG;
		}
		c->stats.acks++;
		dhcp_bind(c, &l, src_ip);
		return 0;
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		if (type != DHCPACK && type != DHCPNAK)
			break;
		/* While renewing only our server may answer; while rebinding
		 * any server may (RFC 2131 4.4.5). */
		if (c->state == DHCP_RENEWING && l.server_id && l.server_id != c->lease.server_id) {
			c->stats.rx_bad_addr++;
			return -ENOENT;
		}
		if (type == DHCPNAK) {
			c->stats.naks++;
			c->ops.event(c->ctx, DHCP_EV_NAK_LOST, &c->lease);
			dhcp_restart(c, now);
			return 0;
		}
		if (l.addr != c->lease.addr) {
			c->stats.rx_bad_addr++;
			return -EBADMSG;
		}
		c->stats.acks++;
		dhcp_bind(c, &l, src_ip);
		return 0;
	default:
		break;
	}
	c->stats.rx_unexpected++;
	return -EAGAIN;
}

void dhcp_poll(struct dhcp_client *c, uint64_t now)
{
	/* A late poll may cross several deadlines (T1, T2 and expiry at once);
	 * each pass handles one and the bound keeps a confused clock finite. */
	for (int pass = 0; pass < 4; pass++) {
		switch (c->state) {
		case DHCP_INIT:
			dhcp_discover(c, now);
			return;
		case DHCP_SELECTING:
			if (now < c->next_tx)
				return;
			if (c->cfg.max_discover && c->discovers >= c->cfg.max_discover) {
				c->state = DHCP_STOPPED;
				c->next_tx = DHCP_NEVER;
				c->ops.event(c->ctx, DHCP_EV_GAVE_UP, NULL);
				return;
			}
			c->discovers++;
			dhcp_send(c, DHCPDISCOVER, now);
			dhcp_backoff(c, now);
			return;
		case DHCP_REQUESTING:
			if (now < c->next_tx)
				return;
			if (c->attempts >= c->cfg.max_request) {
				dhcp_discover(c, now);
				return;
			}
			dhcp_send(c, DHCPREQUEST, now);
			dhcp_backoff(c, now);
			return;
		case DHCP_BOUND:
		case DHCP_RENEWING:
		case DHCP_REBINDING:
			if (now >= c->expire_at) {
				c->stats.expiries++;
				c->ops.event(c->ctx, DHCP_EV_EXPIRED, &c->lease);
				dhcp_restart(c, now);
				return;
			}
			if (c->state != DHCP_REBINDING && now >= c->t2_at) {
				c->state = DHCP_REBINDING;
				c->xid = c->ops.random(c->ctx);
				c->attempts = 0;
				c->state_start_ms = now;
				dhcp_send(c, DHCPREQUEST, now);
				dhcp_renew_timer(c, now, c->expire_at);
				continue;
			}
			if (c->state == DHCP_BOUND && now >= c->t1_at) {
				c->state = DHCP_RENEWING;
				c->xid = c->ops.random(c->ctx);
				c->attempts = 0;
				c->state_start_ms = now;
				dhcp_send(c, DHCPREQUEST, now);
				dhcp_renew_timer(c, now, c->t2_at);
				continue;
			}
			if (c->state != DHCP_BOUND && now >= c->next_tx) {
				dhcp_send(c, DHCPREQUEST, now);
				dhcp_renew_timer(c, now,
						 c->state == DHCP_RENEWING ? c->t2_at
									   : c->expire_at);
			}
			return;
		case DHCP_STOPPED:
			return;
		}
	}
}

uint64_t dhcp_next_deadline(const struct dhcp_client *c)
{
	uint64_t d;

	switch (c->state) {
	case DHCP_INIT:
		return 0;
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		return c->next_tx;
	case DHCP_BOUND:
		return MIN(c->t1_at, MIN(c->t2_at, c->expire_at));
	case DHCP_RENEWING:
		d = MIN(c->next_tx, c->t2_at);
		return MIN(d, c->expire_at);
	case DHCP_REBINDING:
		return MIN(c->next_tx, c->expire_at);
	case DHCP_STOPPED:
		break;
	}
	return DHCP_NEVER;
}

uint32_t dhcp_source_addr(const struct dhcp_client *c)
{
	return dhcp_lease(c) ? c->lease.addr : 0;
}

const struct dhcp_lease *dhcp_lease(const struct dhcp_client *c)
{
	if (c->state == DHCP_BOUND || c->state == DHCP_RENEWING || c->state == DHCP_REBINDING)
		return &c->lease;
	return NULL;
}

const char *dhcp_state_name(enum dhcp_state s)
{
	static const char *const names[] = {
		[DHCP_STOPPED] = "stopped",	[DHCP_INIT] = "init",
		[DHCP_SELECTING] = "selecting", [DHCP_REQUESTING] = "requesting",
		[DHCP_BOUND] = "bound",		[DHCP_RENEWING] = "renewing",
		[DHCP_REBINDING] = "rebinding",
	};

	if ((unsigned)s < ARRAY_SIZE(names))
		return names[s];
	return "?";
}
