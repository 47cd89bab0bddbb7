/*
 * Scripted tests of the TCP engine (net/tcp.h), the data phase and the
 * timers, on the same fixture as test_tcp.c (tcp_script.h): delayed and
 * batched ACKs, the out-of-order queue, Nagle, zero windows and persist
 * probes, RTO backoff and the connect timeout, ICMP errors, RTT
 * estimation, fast retransmit, keepalive, the listen backlog and SYN
 * queue, TIME_WAIT reuse and its cap, ISNs, bind rules and the send
 * buffer's bound.
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "tcp_script.h"

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

/* A receive batch (tcp_batch_begin/end): one ACK for a poll's worth of
 * in-order segments; out-of-order ones still answer at once; a pcb that
 * dies inside the batch is dropped from it. */
START_TEST(test_batched_acks)
{
	struct peer p;
	struct th_sock s = {0};
	struct tcp_pcb *c;
	static uint8_t seg[1460];
	uint32_t base;

	start();
	c = passive_open(&p, &s, false);
	th_cap_clear(C);
	tcp_batch_begin(C->st);
	for (int i = 0; i < 10; i++)
		peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 0);
	tcp_batch_end(C->st, C->now);
	ck_assert_uint_eq(C->n, 1);
	ck_assert_uint_eq(th_cap_last(C)->ack, p.nxt);
	ck_assert_uint_ge(tcp_stack_stats(C->st)->batched_acks, 4);
	tcp_batch_end(C->st, C->now); /* an empty batch sends nothing */
	ck_assert_uint_eq(C->n, 1);

	/* Out of order inside a batch: each gets its duplicate ACK at once;
	 * the segment that fills the hole waits for the batch end. */
	base = p.nxt;
	tcp_batch_begin(C->st);
	p.nxt = base + 1460;
	peer_send(&p, TCP_F_ACK, seg, 1460);
	peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 3);
	ck_assert_uint_eq(th_cap_last(C)->ack, base);
	p.nxt = base;
	peer_send(&p, TCP_F_ACK, seg, 1460);
	ck_assert_uint_eq(C->n, 3);
	tcp_batch_end(C->st, C->now);
	ck_assert_uint_eq(C->n, 4);
	ck_assert_uint_eq(th_cap_last(C)->ack, base + 3 * 1460);

	/* Reset and closed while its ACK waits: the batch forgets it (ASan
	 * would see a use after free). */
	p.nxt = base + 3 * 1460;
	tcp_batch_begin(C->st);
	peer_send(&p, TCP_F_ACK, seg, 1460);
	peer_send(&p, TCP_F_RST, NULL, 0);
	ck_assert_int_eq(tcp_get_state(c), TCP_CLOSED);
	tcp_close(c);
	tcp_batch_end(C->st, C->now);
	ck_assert_uint_eq(C->n, 4);
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
	/* SYNs beyond the backlog's room wait parked: while one handshake is
	 * under way a second SYN gets no answer, so the first one's ACK, with
	 * data, always finds room; the accept then answers the second. */
	th_inject(C, RIP, 1003, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	isn1 = th_cap_last(C)->seq;
	ck_assert_uint_eq(l->synq_len, 1);
	th_cap_clear(C);
	th_inject(C, RIP, 1004, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	ck_assert_uint_eq(l->synq_parked, 1);
	th_inject(C, RIP, 1003, LIP, LPORT, 101, isn1 + 1, TCP_F_ACK, 5000, NULL, "data", 4);
	ck_assert_uint_eq(l->acceptq_len, 1);
	ck_assert_uint_eq(C->n, 0); /* still no room for 1004 */
	s.pcb = tcp_accept_next(l, &s);
	ck_assert_ptr_nonnull(s.pcb);
	char b[8];
	ck_assert_int_eq(tcp_recv(s.pcb, b, sizeof(b), false), 4);
	ck_assert_mem_eq(b, "data", 4);
	ck_assert_uint_eq(C->n, 1); /* the accept answered the parked SYN */
	ck_assert_uint_eq(th_cap_last(C)->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(th_cap_last(C)->dport, 1004);
	ck_assert_uint_eq(l->synq_parked, 0);
	tcp_abort(s.pcb);
	/* Closing the listener answers no parked child as the others go. */
	th_inject(C, RIP, 1005, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	ck_assert_uint_eq(l->synq_parked, 1);
	th_cap_clear(C);
	tcp_close(l);
	for (unsigned i = 0; i < C->n; i++)
		ck_assert(!(th_cap_get(C, i)->flags & TCP_F_SYN));
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
	/* Two answered (the backlog's room), six parked, four dropped. */
	ck_assert_uint_eq(C->n, 2);
	ck_assert_uint_eq(l->synq_len, 8);
	ck_assert_uint_eq(l->synq_parked, 6);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->syns_parked, 6);
	ck_assert_uint_eq(tcp_stack_stats(C->st)->synq_overflows, 4);
	/* A parked SYN retransmitted gets no answer yet. */
	th_inject(C, RIP, 2005, LIP, LPORT, 100, 0, TCP_F_SYN, 5000, NULL, NULL, 0);
	ck_assert_uint_eq(C->n, 2);
	/* Unanswered, the parked ones are forgotten after TCP_PARK_MS. */
	th_advance(C, TCP_PARK_MS);
	ck_assert_uint_eq(l->synq_parked, 0);
	ck_assert_uint_eq(l->synq_len, 2);
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

Suite *tcp_data_suite(void);
Suite *tcp_data_suite(void)
{
	Suite *s = suite_create("tcp_data");
	TCase *tc = tcase_create("data");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_delayed_ack);
	tcase_add_test(tc, test_batched_acks);
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
	SRunner *sr = srunner_create(tcp_data_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
