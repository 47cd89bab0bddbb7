/*
 * Scripted tests of the TCP engine (net/tcp.h): one engine at 10.0.0.1 is
 * fed hand-built segments from a pretend peer at 10.0.0.2 and the segments
 * it emits are checked field by field. Covers every state transition, RST
 * and SYN handling under RFC 5961, the ACK range check, PAWS, options,
 * delayed ACKs, Nagle, zero windows and persist probes, RTO backoff and the
 * connect timeout, fast retransmit, keepalive, the listen backlog and
 * TIME_WAIT reuse.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "tcp_harness.h"

#define LIP   TH_IP_A
#define RIP   TH_IP_B
#define LPORT 80
#define RPORT 40000

static struct th_cap *C;

/* The pretend peer. */
struct peer {
	uint16_t port, lport;
	uint32_t nxt;	/* next sequence number it sends */
	uint32_t ack;	/* what it acknowledges */
	uint16_t win;	/* raw window field */
	bool ts;	/* send timestamps */
	uint32_t tsval; /* its clock */
	uint32_t tsecr; /* last TSval seen from the engine */
};

static struct tcp_config cfg;

static void setup(void)
{
	C = calloc(1, sizeof(*C));
	tcp_config_default(&cfg);
}

static void start(void)
{
	ck_assert_ptr_nonnull(th_cap_init(C, &cfg));
}

static void teardown(void)
{
	tcp_stack_destroy(C->st);
	free(C);
}

static void peer_send(struct peer *p, uint8_t flags, const void *data, size_t len)
{
	struct th_opts o = {0};

	if (p->ts) {
		o.ts = true;
		o.ts_val = p->tsval;
		o.ts_ecr = p->tsecr;
	}
	th_inject(C, RIP, p->port, LIP, p->lport, p->nxt, p->ack, flags, p->win, &o, data, len);
	p->nxt += (uint32_t)len + !!(flags & TCP_F_SYN) + !!(flags & TCP_F_FIN);
}

/* Take in what the engine's last segment says (its seq space and TSval). */
static const struct tcp_seg *peer_see(struct peer *p)
{
	const struct tcp_seg *s = th_cap_last(C);

	ck_assert_ptr_nonnull(s);
	if (s->has_ts)
		p->tsecr = s->ts_val;
	return s;
}

static struct tcp_pcb *listen_on(uint16_t port, int backlog, struct th_sock *ls)
{
	struct tcp_pcb *l = tcp_pcb_new(C->st, ls);

	ck_assert_int_eq(tcp_bind(l, 0, port), 0);
	ck_assert_int_eq(tcp_listen(l, backlog), 0);
	if (ls)
		ls->pcb = l;
	return l;
}

/* Full passive handshake with timestamps; returns the accepted pcb. */
static struct tcp_pcb *passive_open(struct peer *p, struct th_sock *s, bool ts)
{
	static struct th_sock ls;
	struct tcp_pcb *l = listen_on(LPORT, 8, &ls), *c;
	struct th_opts o = {
		.mss = true, .mss_val = 1460, .ws = true, .ws_val = 2, .ts = ts, .ts_val = 100};
	const struct tcp_seg *sa;

	p->port = RPORT;
	p->lport = LPORT;
	p->nxt = 5000;
	p->win = 16384;
	p->ts = ts;
	p->tsval = 100;
	th_cap_clear(C);
	th_inject(C, RIP, p->port, LIP, LPORT, p->nxt, 0, TCP_F_SYN, p->win, &o, NULL, 0);
	p->nxt++;
	ck_assert_uint_eq(C->n, 1);
	sa = peer_see(p);
	ck_assert_uint_eq(sa->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(sa->ack, 5001);
	p->ack = sa->seq + 1;
	p->tsval++;
	th_cap_clear(C);
	peer_send(p, TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	ck_assert(ls.events & TCP_EV_ACCEPT);
	c = tcp_accept_next(l, s);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	s->pcb = c;
	return c;
}

/* ---- handshakes ---------------------------------------------------------- */

START_TEST(test_passive_open)
{
	struct th_sock ls = {0}, s = {0};
	struct tcp_pcb *l, *c;
	struct th_opts o = {
		.mss = true, .mss_val = 1460, .ws = true, .ws_val = 7, .ts = true, .ts_val = 77};
	const struct tcp_seg *sa;

	start();
	l = listen_on(LPORT, 4, &ls);
	ck_assert_int_eq(tcp_get_state(l), TCP_LISTEN);
	th_inject(C, RIP, RPORT, LIP, LPORT, 1000, 0, TCP_F_SYN, 65535, &o, NULL, 0);
	ck_assert_uint_eq(C->n, 1);
	sa = th_cap_get(C, 0);
	ck_assert_uint_eq(sa->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(sa->ack, 1001);
	ck_assert_uint_eq(sa->sport, LPORT);
	ck_assert_uint_eq(sa->dport, RPORT);
	ck_assert(sa->has_mss && sa->opt_mss == 1460);
	ck_assert(sa->has_ws && sa->opt_ws == 3); /* 256 KiB buffer */
	ck_assert(sa->has_ts && sa->ts_ecr == 77);
	ck_assert_ptr_null(tcp_accept_next(l, &s));
	/* The final ACK completes it. */
	th_inject(C, RIP, RPORT, LIP, LPORT, 1001, sa->seq + 1, TCP_F_ACK, 512,
		  &(struct th_opts){.ts = true, .ts_val = 78, .ts_ecr = sa->ts_val}, NULL, 0);
	ck_assert(ls.events & TCP_EV_ACCEPT);
	ck_assert_uint_eq(tcp_poll_events(l) & TCP_POLL_IN, TCP_POLL_IN);
	c = tcp_accept_next(l, &s);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	{
		struct tcp_info i;

		tcp_get_info(c, &i);
		ck_assert_uint_eq(i.snd_wnd, 512u << 7); /* the peer's scale */
		ck_assert_uint_eq(i.mss, 1460 - 12);
		ck_assert(i.ts_ok);
		ck_assert_uint_eq(i.lport, LPORT);
		ck_assert_uint_eq(i.rip, RIP);
	}
	ck_assert_ptr_null(tcp_accept_next(l, &s));
}
END_TEST

START_TEST(test_active_open)
{
	struct th_sock s = {0};
	struct tcp_pcb *pcb;
	const struct tcp_seg *syn, *ack;
	struct th_opts o = {.mss = true, .mss_val = 1000, .ts = true, .ts_val = 9};

	C->mtu = 1200;
	start();
	pcb = tcp_pcb_new(C->st, &s);
	ck_assert_int_eq(tcp_open_active(pcb, LIP, RIP, 8080), 0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_SENT);
	ck_assert_int_eq(tcp_open_active(pcb, LIP, RIP, 8080), -EALREADY);
	ck_assert_uint_eq(C->n, 1);
	syn = th_cap_get(C, 0);
	ck_assert_uint_eq(syn->flags, TCP_F_SYN);
	ck_assert(syn->has_mss && syn->opt_mss == 1160); /* route MTU - 40 */
	ck_assert(syn->has_ws && syn->has_ts);
	ck_assert(syn->sport >= TCP_EPHEMERAL_LO);
	ck_assert_uint_eq(syn->dport, 8080);
	/* SYN-ACK without window scaling: scaling stays off on both sides. */
	o.ts_ecr = syn->ts_val;
	th_inject(C, RIP, 8080, LIP, syn->sport, 7000, syn->seq + 1, TCP_F_SYN | TCP_F_ACK, 30000,
		  &o, NULL, 0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_ESTABLISHED);
	ck_assert(s.events & TCP_EV_CONNECTED);
	ack = th_cap_last(C);
	ck_assert_uint_eq(ack->flags, TCP_F_ACK);
	ck_assert_uint_eq(ack->seq, syn->seq + 1);
	ck_assert_uint_eq(ack->ack, 7001);
	ck_assert(ack->has_ts && ack->ts_ecr == 9);
	{
		struct tcp_info i;

		tcp_get_info(pcb, &i);
		ck_assert_uint_eq(i.snd_wnd, 30000);
		ck_assert_uint_eq(i.rcv_wscale, 0);
		ck_assert_uint_eq(i.mss, 1000 - 12);
	}
	ck_assert(tcp_poll_events(pcb) & TCP_POLL_OUT);
	tcp_abort(pcb);
	ck_assert_uint_eq(th_cap_last(C)->flags & TCP_F_RST, TCP_F_RST);
}
END_TEST

START_TEST(test_simultaneous_open)
{
	struct th_sock s = {0};
	struct tcp_pcb *pcb = NULL;
	const struct tcp_seg *syn, *sa;

	start();
	pcb = tcp_pcb_new(C->st, &s);
	ck_assert_int_eq(tcp_bind(pcb, LIP, 5555), 0);
	ck_assert_int_eq(tcp_open_active(pcb, 0, RIP, 6666), 0);
	syn = th_cap_get(C, 0);
	/* The peer's SYN crosses ours. */
	th_inject(C, RIP, 6666, LIP, 5555, 3000, 0, TCP_F_SYN, 8000,
		  &(struct th_opts){.mss = true, .mss_val = 1460}, NULL, 0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_RCVD);
	sa = th_cap_last(C);
	ck_assert_uint_eq(sa->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(sa->seq, syn->seq);
	ck_assert_uint_eq(sa->ack, 3001);
	ck_assert(!sa->has_ts); /* the peer offered none */
	/* The peer's SYN-ACK (its SYN again, acking ours). */
	th_inject(C, RIP, 6666, LIP, 5555, 3000, syn->seq + 1, TCP_F_SYN | TCP_F_ACK, 8000,
		  &(struct th_opts){.mss = true, .mss_val = 1460}, NULL, 0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_ESTABLISHED);
	ck_assert(s.events & TCP_EV_CONNECTED);
	/* Data flows afterwards. */
	th_inject(C, RIP, 6666, LIP, 5555, 3001, syn->seq + 1, TCP_F_ACK | TCP_F_PSH, 8000, NULL,
		  "hi", 2);
	{
		char b[4];

		ck_assert_int_eq(tcp_recv(pcb, b, sizeof(b), false), 2);
	}
	tcp_close(pcb);
}
END_TEST

/* ---- closing ------------------------------------------------------------------ */

START_TEST(test_active_close_time_wait)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	const struct tcp_seg *fin;

	cfg.msl_ms = 1000;
	start();
	c = passive_open(&p, &s, true);
	th_cap_clear(C);
	ck_assert_int_eq(tcp_shutdown_write(c), 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_FIN_WAIT_1);
	fin = peer_see(&p);
	ck_assert_uint_eq(fin->flags, TCP_F_FIN | TCP_F_ACK);
	ck_assert_int_eq(tcp_send(c, "x", 1), -EPIPE);
	p.ack = fin->seq + 1;
	p.tsval++;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_FIN_WAIT_2);
	/* Half-closed: the peer may still send. */
	peer_send(&p, TCP_F_ACK | TCP_F_PSH, "abc", 3);
	ck_assert_int_eq(tcp_recv_avail(c), 3);
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_TIME_WAIT);
	ck_assert_uint_eq(peer_see(&p)->ack, p.nxt);
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	/* A retransmitted FIN is acknowledged again. */
	th_cap_clear(C);
	p.nxt--;
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	/* An RST does not end TIME_WAIT (RFC 1337). */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_TIME_WAIT);
	th_advance(C, 1999);
	ck_assert_int_eq(tcp_get_state(c), TCP_TIME_WAIT);
	th_advance(C, 2);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSED);
	ck_assert(s.events & TCP_EV_CLOSED);
	ck_assert_uint_eq(C->st->time_wait_count, 0);
	{
		char b[8];

		ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 3);
		ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 0);
	}
	tcp_close(c);
}
END_TEST

START_TEST(test_passive_close_last_ack)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	const struct tcp_seg *f;
	char b[4];

	start();
	c = passive_open(&p, &s, false);
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSE_WAIT);
	ck_assert_uint_eq(peer_see(&p)->ack, p.nxt); /* FIN acked at once */
	ck_assert(s.events & TCP_EV_READABLE);
	ck_assert(tcp_poll_events(c) & TCP_POLL_RDHUP);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 0);
	/* Writing in CLOSE_WAIT is fine. */
	ck_assert_int_eq(tcp_send(c, "bye", 3), 3);
	th_cap_clear(C);
	tcp_close(c);
	f = peer_see(&p);
	ck_assert_uint_eq(f->flags & TCP_F_FIN, TCP_F_FIN);
	ck_assert_uint_eq(f->len, 0); /* "bye" went out before */
	p.ack = f->seq + 1;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_ptr_null(C->st->pcbs->next); /* only the listener is left */
	ck_assert_int_eq(C->st->pcbs->state, TCP_LISTEN);
}
END_TEST

START_TEST(test_simultaneous_close)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	const struct tcp_seg *fin;
	uint32_t our_fin;

	start();
	c = passive_open(&p, &s, true);
	tcp_shutdown_write(c);
	fin = peer_see(&p);
	our_fin = fin->seq;
	/* The peer's FIN crosses ours (it has not seen ours). */
	p.tsval++;
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSING);
	ck_assert_uint_eq(peer_see(&p)->ack, p.nxt);
	p.ack = our_fin + 1;
	p.tsval++;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_TIME_WAIT);
	tcp_close(c); /* the engine finishes TIME_WAIT */
	th_advance(C, 2 * cfg.msl_ms + 1);
	ck_assert_int_eq(C->st->pcbs->state, TCP_LISTEN);
	ck_assert_ptr_null(C->st->pcbs->next);
}
END_TEST

START_TEST(test_fin_wait_1_fin_ack)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	start();
	c = passive_open(&p, &s, false);
	tcp_close(c);
	p.ack = peer_see(&p)->seq + 1;
	/* FIN and the ACK of our FIN in one segment: straight to TIME_WAIT. */
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
}
END_TEST

START_TEST(test_close_unread_data_resets)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	start();
	c = passive_open(&p, &s, false);
	peer_send(&p, TCP_F_ACK, "unread", 6);
	th_cap_clear(C);
	tcp_close(c);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->flags & TCP_F_RST, TCP_F_RST);
	ck_assert_ptr_null(C->st->pcbs->next);
}
END_TEST

START_TEST(test_orphan_fin_wait_2_timeout)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	cfg.fin_wait2_ms = 5000;
	start();
	c = passive_open(&p, &s, false);
	tcp_close(c);
	p.ack = peer_see(&p)->seq + 1;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(C->st->pcbs->state, TCP_FIN_WAIT_2);
	th_advance(C, 5001);
	ck_assert_int_eq(C->st->pcbs->state, TCP_LISTEN);
	ck_assert_ptr_null(C->st->pcbs->next);
}
END_TEST

/* ---- resets and attacks ---------------------------------------------------------- */

START_TEST(test_rst_to_closed_port)
{
	const struct tcp_seg *r;

	start();
	th_inject(C, RIP, RPORT, LIP, 81, 1234, 0, TCP_F_SYN, 1000, NULL, NULL, 0);
	r = th_cap_last(C);
	ck_assert_uint_eq(r->flags, TCP_F_RST | TCP_F_ACK);
	ck_assert_uint_eq(r->seq, 0);
	ck_assert_uint_eq(r->ack, 1235);
	th_inject(C, RIP, RPORT, LIP, 81, 1234, 999, TCP_F_ACK, 1000, NULL, "x", 1);
	r = th_cap_last(C);
	ck_assert_uint_eq(r->flags, TCP_F_RST);
	ck_assert_uint_eq(r->seq, 999);
	/* Never a RST for a RST. */
	th_cap_clear(C);
	th_inject(C, RIP, RPORT, LIP, 81, 1234, 999, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	/* A listener answers a stray ACK with RST. */
	listen_on(81, 1, NULL);
	th_inject(C, RIP, RPORT, LIP, 81, 1234, 999, TCP_F_ACK, 1000, NULL, NULL, 0);
	ck_assert_uint_eq(th_cap_last(C)->flags, TCP_F_RST);
}
END_TEST

START_TEST(test_connection_refused)
{
	struct th_sock s = {0};
	struct tcp_pcb *pcb;
	const struct tcp_seg *syn;

	start();
	pcb = tcp_pcb_new(C->st, &s);
	tcp_open_active(pcb, LIP, RIP, 9);
	syn = th_cap_get(C, 0);
	/* A RST with a wrong ACK is ignored; a SYN-ACK with a bad ACK gets RST. */
	th_inject(C, RIP, 9, LIP, syn->sport, 0, syn->seq + 5, TCP_F_RST | TCP_F_ACK, 0, NULL, NULL,
		  0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_SENT);
	th_inject(C, RIP, 9, LIP, syn->sport, 0, syn->seq + 1, TCP_F_RST | TCP_F_ACK, 0, NULL, NULL,
		  0);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_CLOSED);
	ck_assert(s.events & TCP_EV_ERROR);
	ck_assert_int_eq(tcp_take_error(pcb), -ECONNREFUSED);
	ck_assert_int_eq(tcp_take_error(pcb), 0);
	tcp_close(pcb);
}
END_TEST

START_TEST(test_rst_window_rules)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	const struct tcp_seg *a;

	start();
	c = passive_open(&p, &s, false);
	/* Outside the window: silently dropped. */
	th_cap_clear(C);
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt + 10000000, 0, TCP_F_RST, 0, NULL, NULL, 0);
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt - 100000, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	/* In the window but not at RCV.NXT: challenge ACK (RFC 5961 3.2). */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt + 100, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 1);
	a = th_cap_last(C);
	ck_assert_uint_eq(a->flags, TCP_F_ACK);
	ck_assert_uint_eq(a->ack, p.nxt);
	ck_assert_uint_eq(a->seq, p.ack);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->challenge_acks, 1);
	/* Exactly at RCV.NXT: the connection is reset. */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSED);
	ck_assert(s.events & TCP_EV_ERROR);
	{
		char b[4];

		ck_assert_int_eq(tcp_recv(c, b, 4, false), -ECONNRESET);
		ck_assert_int_eq(tcp_recv(c, b, 4, false), 0);
		ck_assert_int_eq(tcp_send(c, b, 4), -EPIPE);
	}
	ck_assert(tcp_poll_events(c) & TCP_POLL_HUP);
	tcp_close(c);
}
END_TEST

START_TEST(test_syn_in_established_challenge)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	const struct tcp_seg *a;

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	/* In-window SYN and an out-of-window one: both get a challenge ACK. */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt + 5, 0, TCP_F_SYN, 1000, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 1);
	a = th_cap_last(C);
	ck_assert_uint_eq(a->flags, TCP_F_ACK);
	ck_assert_uint_eq(a->ack, p.nxt);
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt - 77777, 0, TCP_F_SYN, 1000, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 2);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_challenge_ack_rate_limit)
{
	struct peer p;
	struct th_sock s = {0};

	cfg.challenge_ack_per_s = 5;
	start();
	passive_open(&p, &s, false);
	th_cap_clear(C);
	for (int i = 0; i < 20; i++)
		th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt + 1 + i, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 5);
	th_advance(C, 1000);
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt + 1, 0, TCP_F_RST, 0, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 6);
}
END_TEST

START_TEST(test_blind_data_injection)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	char b[8];

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	/* Data in the window but acking far in the past: dropped, challenged. */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt, p.ack - 0x40000000, TCP_F_ACK, 1000, NULL,
		  "evil", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), -EAGAIN);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	/* Acking data never sent: dropped too. */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt, p.ack + 1000, TCP_F_ACK, 1000, NULL, "evil", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), -EAGAIN);
	/* Data without ACK is dropped. */
	th_inject(C, RIP, RPORT, LIP, LPORT, p.nxt, 0, 0, 1000, NULL, "evil", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), -EAGAIN);
	/* Bad checksum: dropped and counted. */
	{
		uint8_t seg[64];
		size_t n = th_build(seg, RIP, RPORT, LIP, LPORT, p.nxt, p.ack, TCP_F_ACK, 1000,
				    NULL, "good", 4);

		seg[n - 1] ^= 1;
		tcp_input(C->st, RIP, LIP, seg, n, C->now);
		ck_assert_uint_eq(tcp_stack_stats(C->st)->bad_segs, 1);
	}
	peer_send(&p, TCP_F_ACK, "good", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 4);
	ck_assert_mem_eq(b, "good", 4);
}
END_TEST

START_TEST(test_paws)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	char b[8];

	start();
	c = passive_open(&p, &s, true);
	p.tsval = 1000;
	peer_send(&p, TCP_F_ACK, "new", 3);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 3);
	/* An old timestamp on in-window data: a wrapped-around duplicate. */
	p.tsval = 500;
	th_cap_clear(C);
	peer_send(&p, TCP_F_ACK, "old", 3);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), -EAGAIN);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->paws_drops, 1);
	ck_assert_uint_eq(C->n, 1); /* answered with an ACK */
	ck_assert_uint_eq(th_cap_last(C)->ts_ecr, 1000);
}
END_TEST

/* ---- data transfer details -------------------------------------------------------- */

START_TEST(test_delayed_ack)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t seg[1460];

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 0);
	th_advance(C, 39);
	ck_assert_uint_eq(C->n, 0);
	th_advance(C, 1);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	/* Every second full-sized segment is acknowledged at once. */
	peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 1);
	peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 2);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	ck_assert_uint_eq(tcp_next_deadline(C->st), UINT64_MAX);
	/* Data we send carries the pending ACK. */
	peer_send(&p, TCP_F_ACK, seg, 100);
	tcp_send(c, "reply", 5);
	ck_assert_uint_eq(C->n, 3);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	ck_assert_uint_eq(th_cap_last(C)->len, 5);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	char b[32];
	uint32_t base;

	start();
	c = passive_open(&p, &s, false);
	base = p.nxt;
	th_cap_clear(C);
	/* Segments 3, 2, a duplicate of 3, then 1. */
	p.nxt = base + 8;
	peer_send(&p, TCP_F_ACK, "IJKL", 4);
	ck_assert_uint_eq(th_cap_last(C)->ack, base); /* immediate duplicate ACK */
	p.nxt = base + 4;
	peer_send(&p, TCP_F_ACK, "EFGH", 4);
	ck_assert_uint_eq(th_cap_last(C)->ack, base);
	p.nxt = base + 8;
	peer_send(&p, TCP_F_ACK, "IJKL", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), -EAGAIN);
	ck_assert_uint_eq(c->ooo_n, 1);
	p.nxt = base;
	peer_send(&p, TCP_F_ACK, "ABCD", 4);
	ck_assert_uint_eq(th_cap_last(C)->ack, base + 12); /* hole filled: ACK at once */
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 12);
	ck_assert_mem_eq(b, "ABCDEFGHIJKL", 12);
	/* An out-of-order FIN is held until the data before it arrives. */
	p.nxt = base + 14;
	peer_send(&p, TCP_F_ACK | TCP_F_FIN, "OP", 2);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	p.nxt = base + 12;
	peer_send(&p, TCP_F_ACK, "MN", 2);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSE_WAIT);
	ck_assert_uint_eq(th_cap_last(C)->ack, base + 17);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 4);
	ck_assert_mem_eq(b, "MNOP", 4);
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), 0);
	/* Overlapping retransmissions are trimmed. */
}
END_TEST

START_TEST(test_ooo_queue_bounded)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	uint32_t base;

	start();
	c = passive_open(&p, &s, false);
	base = p.nxt;
	for (unsigned i = 0; i < TCP_OOO_MAX + 5; i++) {
		p.nxt = base + 10 + 20 * i;
		peer_send(&p, TCP_F_ACK, "0123456789", 10);
	}
	ck_assert_uint_eq(c->ooo_n, TCP_OOO_MAX);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->ooo_drops, 5);
}
END_TEST

START_TEST(test_nagle)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	ck_assert_int_eq(tcp_send(c, "aaaa", 4), 4);
	ck_assert_uint_eq(C->n, 1); /* nothing in flight: goes at once */
	ck_assert_int_eq(tcp_send(c, "bbbb", 4), 4);
	ck_assert_int_eq(tcp_send(c, "cccc", 4), 4);
	ck_assert_uint_eq(C->n, 1); /* held: a small segment is in flight */
	p.ack += 4;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->n, 2);
	ck_assert_uint_eq(th_cap_last(C)->len, 8); /* coalesced */
	/* TCP_NODELAY sends each write. */
	tcp_setopt(c, TCP_OPT_NODELAY, 1);
	ck_assert_int_eq(tcp_send(c, "dddd", 4), 4);
	ck_assert_uint_eq(C->n, 3);
	ck_assert_int_eq(tcp_send(c, "eeee", 4), 4);
	ck_assert_uint_eq(C->n, 4);
	{
		int v;

		ck_assert_int_eq(tcp_getopt(c, TCP_OPT_NODELAY, &v), 0);
		ck_assert_int_eq(v, 1);
	}
}
END_TEST

START_TEST(test_zero_window_persist)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t data[3000];
	uint32_t start_seq;

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	start_seq = p.ack;
	/* The peer acknowledges and closes its window. */
	p.win = 0;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_int_eq(tcp_send(c, data, sizeof(data)), 3000);
	ck_assert_uint_eq(C->n, 0);
	ck_assert_uint_ne(c->t_persist, TCP_TIMER_OFF);
	/* Probes back off from the RTO (200 ms here) with a 500 ms floor:
	 * 500, 500, 800, 1600 ms. */
	th_advance(C, 499);
	ck_assert_uint_eq(C->n, 0);
	th_advance(C, 1);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->seq, start_seq - 1);
	ck_assert_uint_eq(th_cap_last(C)->len, 0);
	peer_send(&p, TCP_F_ACK, NULL, 0); /* still zero */
	th_advance(C, 500);
	ck_assert_uint_eq(C->n, 2);
	th_advance(C, 799);
	ck_assert_uint_eq(C->n, 2);
	th_advance(C, 1);
	ck_assert_uint_eq(C->n, 3);
	th_cap_clear(C);
	/* The window opens: data flows. */
	p.win = 500; /* 2000 bytes with the peer's scale of 2 */
	peer_send(&p, TCP_F_ACK, NULL, 0);
	/* One full segment; the 540-byte rest of the window is too small to
	 * use while more data waits (sender SWS avoidance). */
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_get(C, 0)->seq, start_seq);
	ck_assert_uint_eq(th_cap_get(C, 0)->len, 1460);
	ck_assert_uint_eq(c->t_persist, TCP_TIMER_OFF);
	ck_assert_uint_ne(c->t_rtx, TCP_TIMER_OFF);
}
END_TEST

START_TEST(test_receiver_zero_window)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t data[TCP_BUF_MIN], b[TCP_BUF_MIN];

	start();
	{
		/* A listener with a tiny receive buffer; children inherit it. */
		struct tcp_pcb *l = tcp_pcb_new(C->st, NULL);

		tcp_setopt(l, TCP_OPT_RCVBUF, TCP_BUF_MIN);
		tcp_bind(l, 0, 81);
		tcp_listen(l, 1);
		th_inject(C, RIP, RPORT, LIP, 81, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
		p = (struct peer){.port = RPORT, .lport = 81, .nxt = 101, .win = 5000};
		p.ack = th_cap_last(C)->seq + 1;
		ck_assert_uint_eq(th_cap_last(C)->wnd, TCP_BUF_MIN);
		peer_send(&p, TCP_F_ACK, NULL, 0);
		c = tcp_accept_next(l, &s);
		ck_assert_ptr_nonnull(c);
	}
	for (int i = 0; i < 8; i++)
		peer_send(&p, TCP_F_ACK, data, 512);
	ck_assert_uint_eq(tcp_recv_avail(c), TCP_BUF_MIN);
	th_advance(C, 200);
	ck_assert_uint_eq(th_cap_last(C)->wnd, 0);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	/* More data is refused; a zero-window probe is answered. */
	th_cap_clear(C);
	peer_send(&p, TCP_F_ACK, data, 100);
	p.nxt -= 100;
	ck_assert_uint_eq(tcp_recv_avail(c), TCP_BUF_MIN);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	ck_assert_uint_eq(th_cap_last(C)->wnd, 0);
	/* A small read does not reopen the window (receiver SWS avoidance)... */
	ck_assert_int_eq(tcp_recv(c, b, 100, false), 100);
	ck_assert_uint_eq(C->n, 1);
	/* ...reading it all does. */
	ck_assert_int_eq(tcp_recv(c, b, sizeof(b), false), TCP_BUF_MIN - 100);
	ck_assert_uint_eq(C->n, 2);
	ck_assert_uint_eq(th_cap_last(C)->wnd, TCP_BUF_MIN);
}
END_TEST

START_TEST(test_rto_backoff)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	uint64_t t0;
	uint32_t rto;

	cfg.max_retries = 4;
	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	tcp_send(c, "data", 4);
	ck_assert_uint_eq(C->n, 1);
	t0 = C->now;
	/* The handshake measured 0 ms: the RTO is the 200 ms minimum. */
	rto = c->rto;
	ck_assert_uint_eq(rto, 200);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t due = t0 + (rto << i);

		C->now = due - 1;
		tcp_poll(C->st, C->now);
		ck_assert_uint_eq(C->n, i + 1);
		th_advance(C, 1);
		ck_assert_uint_eq(C->n, i + 2);
		ck_assert_uint_eq(th_cap_last(C)->seq, p.ack);
		ck_assert_uint_eq(th_cap_last(C)->len, 4);
		t0 = due;
		ck_assert_uint_eq(c->cwnd, c->mss);
	}
	th_advance(C, (rto << 4) - 1);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	th_advance(C, 1);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSED);
	ck_assert_int_eq(tcp_take_error(c), -ETIMEDOUT);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->rto_fired, 4);
}
END_TEST

START_TEST(test_connect_timeout)
{
	struct th_sock s = {0};
	struct tcp_pcb *pcb;

	cfg.syn_retries = 3;
	start();
	pcb = tcp_pcb_new(C->st, &s);
	tcp_open_active(pcb, LIP, RIP, 7);
	/* SYN at 0, retries at 1, 3, 7 s; the timeout at 15 s. */
	th_advance(C, 1000);
	th_advance(C, 2000);
	th_advance(C, 4000);
	ck_assert_uint_eq(C->n, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(th_cap_get(C, i)->flags, TCP_F_SYN);
	ck_assert_uint_eq(th_cap_get(C, 0)->seq, th_cap_get(C, 3)->seq);
	th_advance(C, 7999);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_SENT);
	th_advance(C, 1);
	ck_assert_int_eq(tcp_get_state(pcb), TCP_CLOSED);
	ck_assert(s.events & TCP_EV_ERROR);
	ck_assert_int_eq(tcp_take_error(pcb), -ETIMEDOUT);
	tcp_close(pcb);
}
END_TEST

/* An ICMP port unreachable quoting our SYN fails SYN_SENT with
 * ECONNREFUSED; one quoting a sequence number not in flight is ignored. */
START_TEST(test_icmp_unreachable_syn_sent)
{
	struct th_sock s = {0};
	struct tcp_pcb *pcb;
	const struct tcp_seg *syn;
	uint8_t q[8];

	start();
	pcb = tcp_pcb_new(C->st, &s);
	tcp_open_active(pcb, LIP, RIP, 7);
	syn = th_cap_get(C, 0);
	q[0] = (uint8_t)(syn->sport >> 8);
	q[1] = (uint8_t)syn->sport;
	q[2] = 0;
	q[3] = 7;
	q[4] = (uint8_t)((syn->seq + 1000) >> 24);
	q[5] = (uint8_t)((syn->seq + 1000) >> 16);
	q[6] = (uint8_t)((syn->seq + 1000) >> 8);
	q[7] = (uint8_t)(syn->seq + 1000);
	tcp_icmp_error(C->st, 3, 3, LIP, RIP, q, sizeof(q));
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_SENT);
	q[4] = (uint8_t)(syn->seq >> 24);
	q[5] = (uint8_t)(syn->seq >> 16);
	q[6] = (uint8_t)(syn->seq >> 8);
	q[7] = (uint8_t)syn->seq;
	tcp_icmp_error(C->st, 3, 4, LIP, RIP, q, sizeof(q)); /* frag needed: soft */
	ck_assert_int_eq(tcp_get_state(pcb), TCP_SYN_SENT);
	tcp_icmp_error(C->st, 3, 3, LIP, RIP, q, sizeof(q));
	ck_assert_int_eq(tcp_get_state(pcb), TCP_CLOSED);
	ck_assert(s.events & TCP_EV_ERROR);
	ck_assert_int_eq(tcp_take_error(pcb), -ECONNREFUSED);
	tcp_close(pcb);
}
END_TEST

START_TEST(test_rtt_estimate)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	start();
	c = passive_open(&p, &s, false);
	tcp_setopt(c, TCP_OPT_NODELAY, 1);
	/* Without timestamps one segment at a time is timed: 300 ms RTT. */
	for (int i = 0; i < 30; i++) {
		tcp_send(c, "x", 1);
		th_advance(C, 300);
		p.ack += 1;
		peer_send(&p, TCP_F_ACK, NULL, 0);
	}
	ck_assert_uint_ge(c->srtt8 / 8, 290);
	ck_assert_uint_le(c->srtt8 / 8, 310);
	ck_assert_uint_ge(c->rto, 300);
	ck_assert_uint_le(c->rto, 600);
	/* Karn: a retransmitted segment gives no sample. */
	tcp_send(c, "y", 1);
	th_advance(C, c->rto);
	ck_assert(!(c->flags & TF_RTT_TIMING));
}
END_TEST

START_TEST(test_fast_retransmit)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t data[1460 * 8];
	unsigned n0;
	uint32_t una;

	start();
	c = passive_open(&p, &s, false);
	p.win = 65535;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	c->cwnd = 10 * c->mss; /* as if slow start had run */
	th_cap_clear(C);
	tcp_send(c, data, sizeof(data));
	ck_assert_uint_eq(C->n, 8);
	una = p.ack;
	/* The first segment is lost: three duplicate ACKs. */
	peer_send(&p, TCP_F_ACK, NULL, 0);
	peer_send(&p, TCP_F_ACK, NULL, 0);
	n0 = C->n;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->n, n0 + 1);
	ck_assert_uint_eq(th_cap_last(C)->seq, una);
	ck_assert_uint_eq(th_cap_last(C)->len, 1460);
	ck_assert(c->flags & TF_RECOVERY);
	ck_assert_uint_eq(c->ssthresh, 4 * 1460);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->fast_retransmits, 1);
	/* Everything acked: recovery ends with cwnd = ssthresh. */
	p.ack = una + sizeof(data);
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert(!(c->flags & TF_RECOVERY));
	ck_assert_uint_le(c->cwnd, c->ssthresh);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->rto_fired, 0);
}
END_TEST

START_TEST(test_keepalive)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	start();
	c = passive_open(&p, &s, false);
	tcp_setopt(c, TCP_OPT_KEEPIDLE, 10);
	tcp_setopt(c, TCP_OPT_KEEPINTVL, 2);
	tcp_setopt(c, TCP_OPT_KEEPCNT, 3);
	tcp_setopt(c, TCP_OPT_KEEPALIVE, 1);
	th_cap_clear(C);
	th_advance(C, 9999);
	ck_assert_uint_eq(C->n, 0);
	th_advance(C, 1);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->seq, p.ack - 1); /* keepalive probe */
	ck_assert_uint_eq(th_cap_last(C)->len, 0);
	/* The peer answers: idle again. */
	peer_send(&p, TCP_F_ACK, NULL, 0);
	th_advance(C, 9999);
	ck_assert_uint_eq(C->n, 1);
	th_advance(C, 1);
	ck_assert_uint_eq(C->n, 2);
	/* No answers: 3 probes 2 s apart, then RST and ETIMEDOUT. */
	th_advance(C, 2000);
	th_advance(C, 2000);
	ck_assert_uint_eq(C->n, 4);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	th_advance(C, 2000);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSED);
	ck_assert_uint_eq(th_cap_last(C)->flags & TCP_F_RST, TCP_F_RST);
	ck_assert_int_eq(tcp_take_error(c), -ETIMEDOUT);
}
END_TEST

START_TEST(test_backlog_overflow)
{
	struct th_sock ls = {0}, s = {0};
	struct tcp_pcb *l;
	uint32_t isn1;

	start();
	l = listen_on(LPORT, 1, &ls);
	/* One connection completes and waits in the accept queue. */
	th_inject(C, RIP, 1001, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	isn1 = th_cap_last(C)->seq;
	th_inject(C, RIP, 1001, LIP, LPORT, 101, isn1 + 1, TCP_F_ACK, 5000, NULL, NULL, 0);
	ck_assert_uint_eq(l->acceptq_len, 1);
	/* A full accept queue: SYNs are dropped silently. */
	th_cap_clear(C);
	th_inject(C, RIP, 1002, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->accept_overflows, 1);
	s.pcb = tcp_accept_next(l, &s);
	ck_assert_ptr_nonnull(s.pcb);
	tcp_abort(s.pcb);
}
END_TEST

START_TEST(test_synq_overflow)
{
	struct th_sock ls = {0};
	struct tcp_pcb *l;

	start();
	l = listen_on(LPORT, 2, &ls); /* SYN queue: max(2 * 2, 8) = 8 */
	for (uint16_t i = 0; i < 12; i++)
		th_inject(C, RIP, (uint16_t)(2000 + i), LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL,
			  NULL, 0);
	ck_assert_uint_eq(C->n, 8);
	ck_assert_uint_eq(l->synq_len, 8);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->synq_overflows, 4);
	/* Half-open connections give up after the SYN-ACK retries. */
	for (int i = 0; i < 70; i++)
		th_advance(C, 1000);
	ck_assert_uint_eq(l->synq_len, 0);
	ck_assert_ptr_null(C->st->pcbs->next);
	/* Closing the listener aborts queued children. */
	th_inject(C, RIP, 3000, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	tcp_close(l);
	ck_assert_ptr_null(C->st->pcbs);
}
END_TEST

START_TEST(test_time_wait_reuse)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	uint32_t tw_seq;

	start();
	c = passive_open(&p, &s, true);
	/* We close first: our side ends in TIME_WAIT. */
	tcp_close(c);
	p.ack = peer_see(&p)->seq + 1;
	p.tsval++;
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	tw_seq = p.nxt;
	/* A new SYN with an older timestamp is refused (challenge ACK)... */
	th_cap_clear(C);
	th_inject(C, RIP, RPORT, LIP, LPORT, tw_seq + 100000, 0, TCP_F_SYN, 5000,
		  &(struct th_opts){.ts = true, .ts_val = p.tsval - 50}, NULL, 0);
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	ck_assert(C->n <= 1);
	if (C->n)
		ck_assert_uint_eq(th_cap_last(C)->flags, TCP_F_ACK);
	/* ...one with a newer timestamp reopens the 4-tuple. */
	th_cap_clear(C);
	th_inject(C, RIP, RPORT, LIP, LPORT, tw_seq + 100000, 0, TCP_F_SYN, 5000,
		  &(struct th_opts){.ts = true, .ts_val = p.tsval + 50}, NULL, 0);
	ck_assert_uint_eq(C->st->time_wait_count, 0);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(th_cap_last(C)->ack, tw_seq + 100001);
}
END_TEST

START_TEST(test_time_wait_cap)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;

	cfg.time_wait_max = 1;
	start();
	c = passive_open(&p, &s, false);
	tcp_close(c);
	p.ack = peer_see(&p)->seq + 1;
	peer_send(&p, TCP_F_FIN | TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	/* A second connection closing the same way skips TIME_WAIT. */
	{
		struct th_opts o = {0};
		struct tcp_pcb *l = C->st->pcbs;
		uint32_t isn;

		while (l->state != TCP_LISTEN)
			l = l->next;
		th_inject(C, RIP, 999, LIP, LPORT, 10, 0, TCP_F_SYN, 5000, &o, NULL, 0);
		isn = th_cap_last(C)->seq;
		th_inject(C, RIP, 999, LIP, LPORT, 11, isn + 1, TCP_F_ACK, 5000, &o, NULL, 0);
		c = tcp_accept_next(l, &s);
		tcp_close(c);
		th_inject(C, RIP, 999, LIP, LPORT, 11, isn + 2, TCP_F_ACK | TCP_F_FIN, 5000, &o,
			  NULL, 0);
	}
	ck_assert_uint_eq(C->st->time_wait_count, 1);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->time_wait_overflows, 1);
}
END_TEST

START_TEST(test_isn_unpredictable)
{
	uint32_t a, b, c2, d;

	start();
	a = tcp_isn(C->st, LIP, 1000, RIP, 80);
	b = tcp_isn(C->st, LIP, 1001, RIP, 80);
	c2 = tcp_isn(C->st, LIP, 1000, RIP + 1, 80);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_ne(a, c2);
	/* The same 4-tuple moves forward with the clock (4 us ticks). */
	C->now += 1000;
	tcp_set_time(C->st, C->now);
	d = tcp_isn(C->st, LIP, 1000, RIP, 80);
	ck_assert_uint_eq(d - a, 250000);
	/* Not a simple function of the tuple: neighbours differ in many bits. */
	ck_assert_uint_ge(__builtin_popcount(a ^ b), 6);
}
END_TEST

START_TEST(test_bind_rules)
{
	struct tcp_pcb *a, *b, *c;

	start();
	a = tcp_pcb_new(C->st, NULL);
	b = tcp_pcb_new(C->st, NULL);
	c = tcp_pcb_new(C->st, NULL);
	ck_assert_int_eq(tcp_bind(a, 0, 80), 0);
	ck_assert_int_eq(tcp_bind(b, LIP, 80), -EADDRINUSE);
	ck_assert_int_eq(tcp_bind(b, LIP, 81), 0);
	ck_assert_int_eq(tcp_listen(a, 5), 0);
	tcp_setopt(c, TCP_OPT_REUSEADDR, 1);
	ck_assert_int_eq(tcp_bind(c, 0, 80), -EADDRINUSE); /* a listener blocks it */
	ck_assert_int_eq(tcp_bind(c, 0, 0), 0);
	ck_assert_uint_ge(c->lport, TCP_EPHEMERAL_LO);
	ck_assert_int_eq(tcp_send(a, "x", 1), -ENOTCONN);
	ck_assert_int_eq(tcp_send(b, "x", 1), -ENOTCONN);
	tcp_close(a);
	tcp_close(b);
	tcp_close(c);
	ck_assert_ptr_null(C->st->pcbs);
}
END_TEST

START_TEST(test_send_buffer_bounded)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t big[300 * 1024];

	start();
	c = passive_open(&p, &s, false);
	ck_assert_int_eq(tcp_send(c, big, sizeof(big)), 256 * 1024);
	ck_assert_int_eq(tcp_send(c, big, 1), -EAGAIN);
	ck_assert(!(tcp_poll_events(c) & TCP_POLL_OUT));
	s.events = 0;
	p.ack += 1460;
	peer_send(&p, TCP_F_ACK, NULL, 0);
	ck_assert(s.events & TCP_EV_WRITABLE);
	ck_assert_int_eq(tcp_send(c, big, sizeof(big)), 1460);
}
END_TEST

Suite *tcp_suite(void);
Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("script");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_passive_open);
	tcase_add_test(tc, test_active_open);
	tcase_add_test(tc, test_simultaneous_open);
	tcase_add_test(tc, test_active_close_time_wait);
	tcase_add_test(tc, test_passive_close_last_ack);
	tcase_add_test(tc, test_simultaneous_close);
	tcase_add_test(tc, test_fin_wait_1_fin_ack);
	tcase_add_test(tc, test_close_unread_data_resets);
	tcase_add_test(tc, test_orphan_fin_wait_2_timeout);
	tcase_add_test(tc, test_rst_to_closed_port);
	tcase_add_test(tc, test_connection_refused);
	tcase_add_test(tc, test_rst_window_rules);
	tcase_add_test(tc, test_syn_in_established_challenge);
	tcase_add_test(tc, test_challenge_ack_rate_limit);
	tcase_add_test(tc, test_blind_data_injection);
	tcase_add_test(tc, test_paws);
	tcase_add_test(tc, test_delayed_ack);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_ooo_queue_bounded);
	tcase_add_test(tc, test_nagle);
	tcase_add_test(tc, test_zero_window_persist);
	tcase_add_test(tc, test_receiver_zero_window);
	tcase_add_test(tc, test_rto_backoff);
	tcase_add_test(tc, test_connect_timeout);
	tcase_add_test(tc, test_icmp_unreachable_syn_sent);
	tcase_add_test(tc, test_rtt_estimate);
	tcase_add_test(tc, test_fast_retransmit);
	tcase_add_test(tc, test_keepalive);
	tcase_add_test(tc, test_backlog_overflow);
	tcase_add_test(tc, test_synq_overflow);
	tcase_add_test(tc, test_time_wait_reuse);
	tcase_add_test(tc, test_time_wait_cap);
	tcase_add_test(tc, test_isn_unpredictable);
	tcase_add_test(tc, test_bind_rules);
	tcase_add_test(tc, test_send_buffer_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tcp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
