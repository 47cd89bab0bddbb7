/*
 * Scripted tests of the TCP engine (net/tcp.h), connections: one engine at
 * 10.0.0.1 is fed hand-built segments from a pretend peer at 10.0.0.2
 * (tcp_script.h) and the segments it emits are checked field by field.
 * Covers the handshakes (passive, active, simultaneous), every closing
 * path with TIME_WAIT, and resets and attacks: RST and SYN handling under
 * RFC 5961, challenge-ACK limits, blind data injection and PAWS. The data
 * phase and the timers are in test_tcp_data.c.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "tcp_script.h"

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

Suite *tcp_suite(void);
Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("connections");

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
