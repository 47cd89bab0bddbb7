/*
 * TCP test harness (tcp_harness.h): a capturing stack for scripted tests
 * and a deterministic simulated link between two stacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tcp_harness.h"

uint64_t th_rand(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void th_random(void *ctx, void *buf, size_t len)
{
	static uint64_t s = 0x1234567887654321ULL;
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(th_rand(&s) >> 24);
}

void th_event_cb(void *ctx, struct tcp_pcb *pcb, void *user, unsigned ev)
{
	struct th_sock *s = user;

	if (!s)
		return;
	s->events |= ev;
	s->n_events++;
}

/* ---- capture ------------------------------------------------------------- */

static int cap_output(void *ctx, uint32_t src, uint32_t dst, uint8_t proto, const void *buf,
		      size_t len)
{
	struct th_cap *c = ctx;
	struct th_cap_seg *s = &c->segs[c->n % TH_CAP_MAX];

	if (proto != IPPROTO_TCP || len > sizeof(s->buf))
		panic("cap_output: proto %u len %zu", proto, len);
	memcpy(s->buf, buf, len);
	s->raw_len = len;
	if (tcp_parse(&s->s, src, dst, s->buf, len))
		panic("cap_output: engine emitted a bad segment (len %zu)", len);
	c->n++;
	return 0;
}

static unsigned cap_mtu(void *ctx, uint32_t dst)
{
	return ((struct th_cap *)ctx)->mtu;
}

struct tcp_stack *th_cap_init(struct th_cap *c, const struct tcp_config *cfg)
{
	static const struct tcp_stack_ops ops = {
		.ip_output = cap_output,
		.random = th_random,
		.route_mtu = cap_mtu,
		.event = th_event_cb,
	};

	c->n = 0;
	c->now = 1000;
	if (!c->mtu)
		c->mtu = 1500;
	c->st = tcp_stack_create(&ops, c, cfg, c->now);
	return c->st;
}

void th_cap_clear(struct th_cap *c)
{
	c->n = 0;
}

const struct tcp_seg *th_cap_get(struct th_cap *c, unsigned i)
{
	if (i >= c->n)
		panic("th_cap_get: %u of %u", i, c->n);
	return &c->segs[i % TH_CAP_MAX].s;
}

const struct tcp_seg *th_cap_last(struct th_cap *c)
{
	return c->n ? th_cap_get(c, c->n - 1) : NULL;
}

size_t th_build(uint8_t *h, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const struct th_opts *o,
		const void *data, size_t len)
{
	unsigned n = TCP_HDR_LEN;
	uint16_t csum;

	if (o && o->mss) {
		h[n++] = TCP_OPT_MSS;
		h[n++] = 4;
		tcp_put16(h + n, o->mss_val);
		n += 2;
	}
	if (o && o->ws) {
		h[n++] = TCP_OPT_NOP;
		h[n++] = TCP_OPT_WS;
		h[n++] = 3;
		h[n++] = o->ws_val;
	}
	if (o && o->ts) {
		h[n++] = TCP_OPT_NOP;
		h[n++] = TCP_OPT_NOP;
		h[n++] = TCP_OPT_TS;
		h[n++] = 10;
		tcp_put32(h + n, o->ts_val);
		tcp_put32(h + n + 4, o->ts_ecr);
		n += 8;
	}
	tcp_put16(h + TCP_OFF_SPORT, sport);
	tcp_put16(h + TCP_OFF_DPORT, dport);
	tcp_put32(h + TCP_OFF_SEQ, seq);
	tcp_put32(h + TCP_OFF_ACK, ack);
	h[TCP_OFF_DOFF] = (uint8_t)((n / 4) << 4);
	h[TCP_OFF_FLAGS] = flags;
	tcp_put16(h + TCP_OFF_WIN, win);
	tcp_put16(h + TCP_OFF_CSUM, 0);
	tcp_put16(h + TCP_OFF_URP, 0);
	if (len)
		memcpy(h + n, data, len);
	csum = tcp_checksum(src, dst, h, n + len);
	memcpy(h + TCP_OFF_CSUM, &csum, 2);
	return n + len;
}

void th_inject(struct th_cap *c, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	       uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const struct th_opts *o,
	       const void *data, size_t len)
{
	static uint8_t buf[TCP_HDR_MAX_LEN + 65536];
	size_t n = th_build(buf, src, sport, dst, dport, seq, ack, flags, win, o, data, len);

	tcp_input(c->st, src, dst, buf, n, c->now);
	tcp_check_invariants(c->st);
}

void th_advance(struct th_cap *c, uint64_t ms)
{
	c->now += ms;
	tcp_poll(c->st, c->now);
	tcp_check_invariants(c->st);
}

/* ---- simulated link ------------------------------------------------------ */

static void link_enqueue(struct th_sim *sim, int from, uint64_t at, uint32_t src, uint32_t dst,
			 const void *buf, size_t len)
{
	struct th_link *l = &sim->link[from];
	struct th_pkt *p = malloc(sizeof(*p) + len), **pp;

	if (!p)
		abort();
	p->at_us = at;
	p->src = src;
	p->dst = dst;
	p->len = len;
	memcpy(p->data, buf, len);
	/* Insert after every packet due at or before `at` (FIFO for ties). */
	for (pp = &l->q; *pp && (*pp)->at_us <= at; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
}

static int sim_output(void *ctx, uint32_t src, uint32_t dst, uint8_t proto, const void *buf,
		      size_t len)
{
	struct th_sim *sim = ((struct th_sim **)ctx)[0];
	int from = src == sim->ip[0] ? 0 : 1;
	struct th_link *l;
	uint64_t depart, at;
	struct tcp_seg seg;

	l = &sim->link[from];
	if (tcp_parse(&seg, src, dst, buf, len))
		panic("sim_output: bad segment");
	l->sent++;
	l->bytes += len;
	if (sim->filter && sim->filter(sim, from, &seg, sim->filter_arg)) {
		l->lost++;
		return 0;
	}
	if (l->loss_ppm && th_rand(&sim->rng) % 1000000 < l->loss_ppm) {
		l->lost++;
		return 0;
	}
	/* Serialization at the link rate behind a drop-tail queue. */
	depart = sim->now_us;
	if (l->rate_bps) {
		uint64_t tx_us = (len + 40) * 8 * 1000000ULL / l->rate_bps;

		if (l->busy_until_us > sim->now_us) {
			if (l->qlimit &&
			    (l->busy_until_us - sim->now_us) / (tx_us ? tx_us : 1) >= l->qlimit) {
				l->qdrops++;
				return 0;
			}
			depart = l->busy_until_us;
		}
		depart += tx_us;
		l->busy_until_us = depart;
	}
	at = depart + l->delay_us;
	if (l->jitter_us)
		at += th_rand(&sim->rng) % l->jitter_us;
	link_enqueue(sim, from, at, src, dst, buf, len);
	if (l->dup_ppm && th_rand(&sim->rng) % 1000000 < l->dup_ppm) {
		l->dups++;
		link_enqueue(sim, from, at + 1 + th_rand(&sim->rng) % (l->jitter_us + 1), src, dst,
			     buf, len);
	}
	return 0;
}

static unsigned sim_mtu(void *ctx, uint32_t dst)
{
	return (*(struct th_sim **)ctx)->mtu;
}

/* Each stack's ctx points at a slot holding the sim pointer. */
static struct th_sim *sim_ctx_slot[2];

void th_sim_init(struct th_sim *sim, const struct tcp_config *cfg, uint64_t seed)
{
	static const struct tcp_stack_ops ops = {
		.ip_output = sim_output,
		.random = th_random,
		.route_mtu = sim_mtu,
		.event = th_event_cb,
	};

	memset(sim, 0, sizeof(*sim));
	sim->rng = seed ? seed : 88172645463325252ULL;
	sim->now_us = 1000000;
	sim->ip[0] = TH_IP_A;
	sim->ip[1] = TH_IP_B;
	sim->mtu = 1500;
	for (int i = 0; i < 2; i++) {
		sim_ctx_slot[i] = sim;
		sim->st[i] = tcp_stack_create(&ops, &sim_ctx_slot[i], cfg, sim->now_us / 1000);
		sim->link[i].delay_us = 1000;
	}
}

void th_sim_destroy(struct th_sim *sim)
{
	for (int i = 0; i < 2; i++) {
		struct th_pkt *p, *n;

		tcp_stack_destroy(sim->st[i]);
		for (p = sim->link[i].q; p; p = n) {
			n = p->next;
			free(p);
		}
		sim->link[i].q = NULL;
	}
}

bool th_sim_run(struct th_sim *sim, bool (*done)(struct th_sim *, void *), void *arg,
		uint64_t limit_us)
{
	uint64_t end = sim->now_us + limit_us;

	if (sim->app)
		sim->app(sim, sim->app_arg);
	while (!(done && done(sim, arg))) {
		uint64_t next = UINT64_MAX;

		for (int i = 0; i < 2; i++) {
			uint64_t d = tcp_next_deadline(sim->st[i]);

			if (sim->link[i].q && sim->link[i].q->at_us < next)
				next = sim->link[i].q->at_us;
			if (d != UINT64_MAX && d * 1000 < next)
				next = d * 1000;
		}
		if (next == UINT64_MAX || next > end) {
			sim->now_us = end;
			return done ? done(sim, arg) : false;
		}
		if (next > sim->now_us)
			sim->now_us = next;
		sim->steps++;
		for (int i = 0; i < 2; i++) {
			struct th_pkt *p;

			while ((p = sim->link[i].q) && p->at_us <= sim->now_us) {
				sim->link[i].q = p->next;
				tcp_input(sim->st[1 - i], p->src, p->dst, p->data, p->len,
					  sim->now_us / 1000);
				free(p);
			}
		}
		for (int i = 0; i < 2; i++) {
			if (tcp_next_deadline(sim->st[i]) <= sim->now_us / 1000)
				tcp_poll(sim->st[i], sim->now_us / 1000);
		}
		if (sim->app)
			sim->app(sim, sim->app_arg);
	}
	return true;
}
