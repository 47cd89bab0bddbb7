/*
 * TCP engine, input side: parsing a segment, finding its connection, and
 * the event processing of RFC 9293 3.10.7 (LISTEN, SYN_SENT, and the
 * sequence/RST/SYN/ACK/text/FIN steps of the other states), including
 * simultaneous open and close; SYNs parked until the listener's backlog
 * has room (tcp_listener_unpark); receive batches, which hold the output
 * of in-order arrivals until tcp_batch_end.
 *
 * References: RFC 9293 3.10.7 (segment arrival), 3.4 (acceptability);
 * RFC 5961 3.2, 4.2, 5.2 (challenge ACKs for RSTs and SYNs that are not
 * exactly at RCV.NXT, and the ACK range check against blind data
 * injection); RFC 7323 4.3 and 5.3 (TS.Recent, PAWS); RFC 5681 3.2 and 4.2
 * (duplicate ACKs, fast retransmit, immediate ACKs for out-of-order data,
 * ACK every second full segment); RFC 6582 3.2 (NewReno partial ACKs);
 * RFC 6298 (RTT samples; Karn's rule); RFC 1337 (RST in TIME_WAIT is
 * ignored); RFC 6191 and RFC 1122 4.2.2.13 (a SYN may reopen a TIME_WAIT
 * connection).
 *
 * Lock legend: the caller's stack lock (net/tcp.h).
 */
#include <ksvc.h>
#include "net/tcp_internal.h"

#define TCP_MIN_SND_MSS 64 /* refuse to be talked into tinier segments */

/* ---- parsing ------------------------------------------------------------------ */

static void parse_options(struct tcp_seg *seg, const uint8_t *o, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t kind = o[i], olen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = o[i + 1];
		if (olen < 2 || i + olen > len)
			break; /* malformed: ignore the rest */
		switch (kind) {
		case TCP_OPT_MSS:
			if (olen == TCP_OPTLEN_MSS && (seg->flags & TCP_F_SYN)) {
				seg->has_mss = true;
				seg->opt_mss = tcp_get16(o + i + 2);
			}
			break;
		case TCP_OPT_WS:
			if (olen == TCP_OPTLEN_WS && (seg->flags & TCP_F_SYN)) {
				seg->has_ws = true;
				seg->opt_ws = o[i + 2];
			}
			break;
		case TCP_OPT_TS:
			if (olen == TCP_OPTLEN_TS) {
				seg->has_ts = true;
				seg->ts_val = tcp_get32(o + i + 2);
				seg->ts_ecr = tcp_get32(o + i + 6);
			}
			break;
		default:
			break;
		}
		i += olen;
	}
}

int tcp_parse(struct tcp_seg *seg, uint32_t src, uint32_t dst, const uint8_t *buf, size_t len)
{
	unsigned hlen;

	memset(seg, 0, sizeof(*seg));
	if (len < TCP_HDR_LEN || len > 65535)
		return -EINVAL;
	hlen = (buf[TCP_OFF_DOFF] >> 4) * 4u;
	if (hlen < TCP_HDR_LEN || hlen > len)
		return -EINVAL;
	if (tcp_checksum(src, dst, buf, len) != 0)
		return -EINVAL;
	seg->src = src;
	seg->dst = dst;
	seg->sport = tcp_get16(buf + TCP_OFF_SPORT);
	seg->dport = tcp_get16(buf + TCP_OFF_DPORT);
	if (seg->sport == 0 || seg->dport == 0)
		return -EINVAL;
	seg->seq = tcp_get32(buf + TCP_OFF_SEQ);
	seg->ack = tcp_get32(buf + TCP_OFF_ACK);
	seg->flags = buf[TCP_OFF_FLAGS] & 0x3f;
	seg->wnd = tcp_get16(buf + TCP_OFF_WIN);
	seg->data = buf + hlen;
	seg->len = (uint32_t)(len - hlen);
	parse_options(seg, buf + TCP_HDR_LEN, hlen - TCP_HDR_LEN);
	return 0;
}

/* ---- helpers --------------------------------------------------------------------- */

static void challenge_ack(struct tcp_pcb *pcb)
{
	if (tcp_challenge_ack_allowed(pcb->st))
		tcp_send_ack_now(pcb);
}

/* Options of the peer's SYN: MSS, window scale, timestamps (RFC 7323 1.3:
 * scaling and timestamps are on only if both SYNs carry them). */
static void take_syn_options(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t mss = seg->has_mss ? seg->opt_mss : TCP_MSS_DEFAULT;

	if (mss > pcb->rcv_mss)
		mss = pcb->rcv_mss;
	if (mss < TCP_MIN_SND_MSS)
		mss = TCP_MIN_SND_MSS;
	if (seg->has_ws && (pcb->flags & TF_SEND_WS_SYN)) {
		pcb->flags |= TF_WS;
		pcb->snd_wscale = seg->opt_ws > TCP_WS_MAX_SHIFT ? TCP_WS_MAX_SHIFT : seg->opt_ws;
	} else {
		pcb->flags &= ~TF_SEND_WS_SYN;
		pcb->snd_wscale = pcb->rcv_wscale = 0;
	}
	if (seg->has_ts && (pcb->flags & TF_SEND_TS_SYN)) {
		pcb->flags |= TF_TS;
		pcb->ts_recent = seg->ts_val;
		pcb->ts_recent_age = pcb->st->now;
		mss -= 12; /* the timestamp option rides in every segment */
	} else {
		pcb->flags &= ~TF_SEND_TS_SYN;
	}
	pcb->mss = (uint16_t)mss;
}

static uint32_t initial_cwnd(const struct tcp_pcb *pcb)
{
	if (pcb->mss > 2190)
		return 2u * pcb->mss;
	if (pcb->mss > 1095)
		return 3u * pcb->mss;
	return 4u * pcb->mss;
}

static void rtt_from_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = pcb->st;

	if ((pcb->flags & TF_TS) && seg->has_ts && seg->ts_ecr) {
		/* RFC 7323 4.1: valid for retransmissions too, as TSecr
		 * names the transmission that is being acknowledged. */
		tcp_rtt_sample(pcb, (uint32_t)st->now + pcb->ts_offset - seg->ts_ecr);
	} else if ((pcb->flags & TF_RTT_TIMING) && SEQ_GT(seg->ack, pcb->rtt_seq)) {
		pcb->flags &= ~TF_RTT_TIMING;
		tcp_rtt_sample(pcb, (uint32_t)(st->now - pcb->rtt_start));
	}
}

/* The handshake is over (either side): the window, cwnd, timers. */
static void conn_established(struct tcp_pcb *pcb, const struct tcp_seg *seg, uint32_t wnd)
{
	pcb->snd_una = seg->ack;
	if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
		pcb->snd_nxt = pcb->snd_una;
	pcb->snd_wnd = wnd;
	pcb->max_sndwnd = wnd;
	pcb->snd_wl1 = seg->seq;
	pcb->snd_wl2 = seg->ack;
	pcb->cwnd = initial_cwnd(pcb);
	rtt_from_ack(pcb, seg);
	pcb->rtx_shift = 0;
	pcb->t_rtx = TCP_TIMER_OFF;
	if (pcb->flags & TF_FIN_QUEUED)
		tcp_set_state(pcb, TCP_FIN_WAIT_1);
	else
		tcp_set_state(pcb, TCP_ESTABLISHED);
	tcp_arm_keepalive(pcb);
}

/* ---- LISTEN ------------------------------------------------------------------------ */

static void listen_input(struct tcp_pcb *l, const struct tcp_seg *seg)
{
	struct tcp_stack *st = l->st;
	struct tcp_pcb *c;

	if (seg->flags & TCP_F_RST)
		return;
	if (seg->flags & TCP_F_ACK) {
		tcp_send_rst_for(st, seg);
		return;
	}
	if (!(seg->flags & TCP_F_SYN))
		return;
	/* A full accept queue or SYN queue drops the SYN: the peer retries
	 * (Linux's behaviour without SYN cookies; docs/tcp.md). */
	if (l->acceptq_len >= l->backlog) {
		st->stats.accept_overflows++;
		return;
	}
	if (l->synq_len >= l->synq_max) {
		st->stats.synq_overflows++;
		return;
	}
	c = tcp_pcb_alloc(st);
	if (!c)
		return;
	c->sbuf_size = l->sbuf_size;
	c->rbuf_size = l->rbuf_size;
	c->flags |= l->flags & (TF_NODELAY | TF_KEEPALIVE);
	c->keep_idle_ms = l->keep_idle_ms;
	c->keep_intvl_ms = l->keep_intvl_ms;
	c->keep_cnt = l->keep_cnt;
	c->lip = seg->dst;
	c->lport = seg->dport;
	c->rip = seg->src;
	c->rport = seg->sport;
	c->listener = l;
	c->flags |= TF_PASSIVE;
	l->synq_len++;
	tcp_pcb_link(c);
	tcp_pcb_init_conn(c);
	c->irs = seg->seq;
	c->rcv_nxt = c->rcv_adv = seg->seq + 1;
	take_syn_options(c, seg);
	c->snd_wnd = seg->wnd; /* a SYN's window is never scaled */
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
	tcp_set_state(c, TCP_SYN_RCVD);
	st->stats.passive_opens++;
	/*
	 * Answer only a SYN whose connection will find room in the accept
	 * queue however many of the answered ones complete: the rest wait,
	 * parked, and are answered as room appears (tcp_listener_unpark).
	 * Answering them all (Linux's way) lets a burst of clients complete
	 * into a full queue whose final ACKs are ignored; a client that sent
	 * data with its ACK must then retransmit it, and slirp did not within
	 * 30 s. Dropping the SYN instead costs the client its SYN backoff.
	 */
	if (l->acceptq_len + l->synq_len - l->synq_parked > l->backlog) {
		c->flags |= TF_PARKED;
		l->synq_parked++;
		c->t_rtx = st->now + TCP_PARK_MS;
		st->stats.syns_parked++;
		return;
	}
	tcp_output(c);
}

void tcp_listener_unpark(struct tcp_pcb *l)
{
	struct tcp_stack *st = l->st;

	if (l->state != TCP_LISTEN || (l->flags & TF_ORPHAN))
		return; /* closing: its children are going */
	while (l->synq_parked && l->acceptq_len + l->synq_len - l->synq_parked < l->backlog) {
		struct tcp_pcb *c = NULL;

		/* The oldest parked child: the earliest expiry. */
		for (struct tcp_pcb *p = st->pcbs; p; p = p->next)
			if (p->listener == l && (p->flags & TF_PARKED) &&
			    (!c || p->t_rtx < c->t_rtx))
				c = p;
		if (!c)
			return;
		c->flags &= ~TF_PARKED;
		l->synq_parked--;
		c->t_rtx = TCP_TIMER_OFF;
		tcp_output(c); /* the SYN-ACK; it arms the retransmission timer */
	}
}

/* ---- SYN_SENT ---------------------------------------------------------------------- */

static void syn_sent_input(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = pcb->st;
	bool ack = seg->flags & TCP_F_ACK;

	if (ack && (SEQ_LEQ(seg->ack, pcb->iss) || SEQ_GT(seg->ack, pcb->snd_max))) {
		tcp_send_rst_for(st, seg);
		return;
	}
	if (seg->flags & TCP_F_RST) {
		if (ack) {
			st->stats.rst_in++;
			tcp_pcb_done(pcb, -ECONNREFUSED);
		}
		return;
	}
	if (!(seg->flags & TCP_F_SYN))
		return;
	pcb->irs = seg->seq;
	pcb->rcv_nxt = pcb->rcv_adv = seg->seq + 1;
	take_syn_options(pcb, seg);
	if (ack) {
		conn_established(pcb, seg, seg->wnd);
		tcp_event(pcb, TCP_EV_CONNECTED | TCP_EV_WRITABLE);
		/* Data on a SYN-ACK is not kept; the peer sends it again. */
		pcb->flags |= TF_ACKNOW;
		tcp_output(pcb);
		return;
	}
	/* Simultaneous open (RFC 9293 figure 7): answer with SYN-ACK. */
	pcb->snd_wnd = seg->wnd;
	pcb->snd_wl1 = seg->seq;
	pcb->snd_wl2 = pcb->iss;
	tcp_set_state(pcb, TCP_SYN_RCVD);
	pcb->flags &= ~TF_RTT_TIMING;
	tcp_retransmit_at(pcb, pcb->iss);
}

/* ---- ACK processing ------------------------------------------------------------------ */

/* Drop acked bytes from the send buffer; returns whether our FIN is acked. */
static bool sbuf_ack(struct tcp_pcb *pcb, uint32_t ack)
{
	uint32_t n = ack - pcb->snd_buf_seq;
	bool fin = false;

	if (SEQ_LEQ(ack, pcb->snd_buf_seq))
		n = 0;
	if (n > pcb->sbuf_len) {
		fin = (pcb->flags & TF_FIN_QUEUED) != 0;
		n = pcb->sbuf_len;
	}
	pcb->sbuf_head = pcb->sbuf_size ? (pcb->sbuf_head + n) % pcb->sbuf_size : 0;
	pcb->sbuf_len -= n;
	pcb->snd_buf_seq += n;
	pcb->snd_una = ack;
	if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
		pcb->snd_nxt = pcb->snd_una;
	return fin;
}

static void enter_fast_retransmit(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	/* RFC 5681 3.2 steps 2-4 with RFC 6582 3.2 step 2. */
	pcb->ssthresh = MAX(tcp_flight(pcb) / 2, 2u * pcb->mss);
	pcb->recover = pcb->snd_max;
	pcb->flags |= TF_RECOVERY | TF_FIRST_PARTIAL;
	pcb->flags &= ~TF_RTT_TIMING;
	st->stats.fast_retransmits++;
	tcp_retransmit_at(pcb, pcb->snd_una);
	pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
}

/* Congestion control for an ACK of `acked` new bytes. */
static void cc_new_ack(struct tcp_pcb *pcb, uint32_t ack, uint32_t acked)
{
	if (pcb->flags & TF_RECOVERY) {
		if (SEQ_GEQ(ack, pcb->recover)) {
			/* Full acknowledgment (RFC 6582 3.2 step 3, option 1). */
			pcb->cwnd = MIN(pcb->ssthresh,
					MAX(pcb->snd_max - ack, (uint32_t)pcb->mss) + pcb->mss);
			pcb->flags &= ~(TF_RECOVERY | TF_FIRST_PARTIAL);
			pcb->dupacks = 0;
			pcb->bytes_acked = 0;
			return;
		}
		/* Partial acknowledgment: resend the next hole, deflate. */
		pcb->st->stats.partial_acks++;
		tcp_retransmit_at(pcb, ack);
		pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
		if (acked >= pcb->mss)
			pcb->cwnd += pcb->mss;
		if (pcb->cwnd < pcb->mss)
			pcb->cwnd = pcb->mss;
		if (pcb->flags & TF_FIRST_PARTIAL) {
			pcb->flags &= ~TF_FIRST_PARTIAL;
			tcp_arm_rtx(pcb);
		}
		return;
	}
	pcb->dupacks = 0;
	if (pcb->cwnd < pcb->ssthresh) {
		/* Slow start, with RFC 3465's L = 2 SMSS for delayed ACKs. */
		pcb->cwnd += MIN(acked, 2u * pcb->mss);
	} else {
		pcb->bytes_acked += acked;
		if (pcb->bytes_acked >= pcb->cwnd) {
			pcb->bytes_acked -= pcb->cwnd;
			pcb->cwnd += pcb->mss;
		}
	}
	if (pcb->cwnd > TCP_CWND_MAX)
		pcb->cwnd = TCP_CWND_MAX;
}

/* RFC 9293 3.10.7.4 fifth check for synchronized states. Returns false
 * when the segment must not be processed further. */
static bool ack_input(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = pcb->st;
	uint32_t ack = seg->ack, wnd = seg->wnd << pcb->snd_wscale;
	bool win_changed = false, fin_acked;

	if (SEQ_GT(ack, pcb->snd_max)) {
		/* Acks something not yet sent. */
		challenge_ack(pcb);
		return false;
	}
	if (SEQ_LT(ack, pcb->snd_una - pcb->max_sndwnd)) {
		/* RFC 5961 5.2: too old to be genuine (blind injection). */
		challenge_ack(pcb);
		return false;
	}
	/* Window update (RFC 9293 3.10.7.4, SND.WL1/WL2). */
	if (SEQ_LT(pcb->snd_wl1, seg->seq) ||
	    (pcb->snd_wl1 == seg->seq && SEQ_LEQ(pcb->snd_wl2, ack))) {
		win_changed = pcb->snd_wnd != wnd;
		pcb->snd_wnd = wnd;
		pcb->snd_wl1 = seg->seq;
		pcb->snd_wl2 = ack;
		if (wnd > pcb->max_sndwnd)
			pcb->max_sndwnd = wnd;
		if (wnd > 0)
			pcb->persist_shift = 0;
	}
	if (SEQ_LEQ(ack, pcb->snd_una)) {
		/* RFC 5681 2: a duplicate ACK carries no data and no window
		 * change while data is outstanding. */
		if (ack == pcb->snd_una && seg->len == 0 &&
		    !(seg->flags & (TCP_F_SYN | TCP_F_FIN)) && !win_changed &&
		    pcb->snd_max != pcb->snd_una) {
			pcb->dupacks++;
			if (pcb->flags & TF_RECOVERY) {
				pcb->cwnd += pcb->mss; /* inflate: one more left the network */
			} else if (pcb->dupacks == 3 && (SEQ_GT(ack, pcb->recover) ||
							 (pcb->cwnd > pcb->mss &&
							  ack - pcb->prev_una <= 4u * pcb->mss))) {
				/* RFC 6582 3.2 step 2, with the ACK heuristic of
				 * 4.2 so that a loss soon after a timeout is
				 * still repaired without another one. */
				enter_fast_retransmit(pcb);
			}
		} else if (ack == pcb->snd_una && seg->len == 0 && win_changed) {
			/* A window update is not a duplicate ACK. */
		} else {
			pcb->dupacks = 0;
		}
		return true;
	}

	/* New data acknowledged. */
	pcb->prev_una = pcb->snd_una;
	rtt_from_ack(pcb, seg);
	cc_new_ack(pcb, ack, ack - pcb->snd_una);
	fin_acked = sbuf_ack(pcb, ack);
	if (pcb->snd_una == pcb->snd_max)
		pcb->t_rtx = TCP_TIMER_OFF;
	else
		tcp_arm_rtx(pcb); /* RFC 6298 5.3 */
	pcb->t_persist = TCP_TIMER_OFF;
	tcp_event(pcb, TCP_EV_WRITABLE);
	if (!fin_acked)
		return true;
	switch (pcb->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(pcb, TCP_FIN_WAIT_2);
		if (pcb->flags & TF_ORPHAN)
			pcb->t_2msl = st->now + st->cfg.fin_wait2_ms;
		return true;
	case TCP_CLOSING:
		tcp_enter_time_wait(pcb);
		return false;
	case TCP_LAST_ACK:
		tcp_pcb_done(pcb, 0);
		return false;
	default:
		return true;
	}
}

/* ---- data and FIN ------------------------------------------------------------------ */

static bool ooo_insert(struct tcp_pcb *pcb, uint32_t s, uint32_t e)
{
	struct tcp_range *r = pcb->ooo;
	unsigned n = pcb->ooo_n, i = 0, j;

	while (i < n && SEQ_LT(r[i].end, s))
		i++;
	j = i;
	while (j < n && SEQ_LEQ(r[j].start, e))
		j++;
	if (i == j) {
		if (n == TCP_OOO_MAX)
			return false;
		memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
		r[i].start = s;
		r[i].end = e;
		pcb->ooo_n = n + 1;
		return true;
	}
	r[i].start = SEQ_MIN(s, r[i].start);
	r[i].end = SEQ_MAX(e, r[j - 1].end);
	memmove(&r[i + 1], &r[j], (n - j) * sizeof(*r));
	pcb->ooo_n = n - (j - i - 1);
	return true;
}

/* Copy into the receive ring at offset `off` past the in-order data. */
static void rbuf_write(struct tcp_pcb *pcb, uint32_t off, const uint8_t *data, uint32_t len)
{
	uint32_t pos = (pcb->rbuf_head + pcb->rbuf_len + off) % pcb->rbuf_size;
	uint32_t first = MIN(len, pcb->rbuf_size - pos);

	memcpy(pcb->rbuf + pos, data, first);
	memcpy(pcb->rbuf, data + first, len - first);
}

static void fin_input(struct tcp_pcb *pcb)
{
	pcb->rcv_nxt++;
	pcb->flags |= TF_RCVD_FIN;
	pcb->flags &= ~TF_OOO_FIN;
	pcb->ooo_n = 0; /* nothing is valid past the FIN */
	tcp_event(pcb, TCP_EV_READABLE);
	switch (pcb->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(pcb, TCP_CLOSE_WAIT);
		tcp_send_ack_now(pcb);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN is not acked yet (else we would be in FIN_WAIT_2):
		 * simultaneous close. */
		tcp_set_state(pcb, TCP_CLOSING);
		tcp_send_ack_now(pcb);
		break;
	case TCP_FIN_WAIT_2:
		tcp_send_ack_now(pcb);
		tcp_enter_time_wait(pcb);
		break;
	default:
		break;
	}
}

/* Segment text (RFC 9293 3.10.7.4 seventh and eighth checks), already
 * trimmed to the window: seq..seq+len, then maybe a FIN. */
static void data_input(struct tcp_pcb *pcb, uint32_t seq, const uint8_t *data, uint32_t len,
		       bool fin)
{
	struct tcp_stack *st = pcb->st;
	bool filled = false;

	if (len && (pcb->flags & TF_ORPHAN)) {
		/* Nobody will read it: reset, as Linux does. */
		tcp_send_rst(pcb);
		tcp_pcb_done(pcb, 0);
		return;
	}
	if (seq != pcb->rcv_nxt) {
		/* Out of order: keep it in place, ACK at once (RFC 5681 4.2). */
		st->stats.ooo_segs++;
		if (len && !(pcb->flags & TF_SHUT_RD)) {
			if (ooo_insert(pcb, seq, seq + len))
				rbuf_write(pcb, seq - pcb->rcv_nxt, data, len);
			else
				st->stats.ooo_drops++;
		}
		if (fin) {
			pcb->flags |= TF_OOO_FIN;
			pcb->ooo_fin_seq = seq + len;
		}
		pcb->flags |= TF_ACKNOW;
		return;
	}
	if (len) {
		if (!(pcb->flags & TF_SHUT_RD)) {
			rbuf_write(pcb, 0, data, len);
			pcb->rbuf_len += len;
		}
		pcb->rcv_nxt += len;
		st->stats.bytes_in += len;
		while (pcb->ooo_n && SEQ_LEQ(pcb->ooo[0].start, pcb->rcv_nxt)) {
			if (SEQ_GT(pcb->ooo[0].end, pcb->rcv_nxt)) {
				uint32_t n = pcb->ooo[0].end - pcb->rcv_nxt;

				pcb->rbuf_len += n;
				pcb->rcv_nxt += n;
				st->stats.bytes_in += n;
			}
			memmove(&pcb->ooo[0], &pcb->ooo[1], --pcb->ooo_n * sizeof(pcb->ooo[0]));
			filled = true;
		}
		if (!(pcb->flags & TF_SHUT_RD))
			tcp_event(pcb, TCP_EV_READABLE);
		/* Delayed ACK: every second full-sized segment, else the timer;
		 * at once when a hole was filled or one remains. */
		pcb->rcv_unacked += len;
		if (filled || pcb->ooo_n)
			pcb->flags |= TF_ACKNOW;
		else if (pcb->rcv_unacked >= 2u * pcb->rcv_mss - ((pcb->flags & TF_TS) ? 24u : 0u))
			pcb->flags |= TF_ACKNOW;
		else if (pcb->t_delack == TCP_TIMER_OFF)
			pcb->t_delack = st->now + st->cfg.delack_ms;
	}
	if (!fin && (pcb->flags & TF_OOO_FIN) && pcb->ooo_n == 0 &&
	    pcb->rcv_nxt == pcb->ooo_fin_seq)
		fin = true;
	if (fin)
		fin_input(pcb);
}

/* ---- synchronized states (and SYN_RCVD) ------------------------------------------ */

static bool seg_acceptable(const struct tcp_pcb *pcb, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
	uint32_t nxt = pcb->rcv_nxt;

	if (seglen == 0)
		return wnd == 0 ? seq == nxt : SEQ_LEQ(nxt, seq) && SEQ_LT(seq, nxt + wnd);
	if (wnd == 0)
		return false;
	return (SEQ_LEQ(nxt, seq) && SEQ_LT(seq, nxt + wnd)) ||
	       (SEQ_LEQ(nxt, seq + seglen - 1) && SEQ_LT(seq + seglen - 1, nxt + wnd));
}

static void conn_input(struct tcp_pcb *pcb, struct tcp_seg *seg)
{
	struct tcp_stack *st = pcb->st;
	uint32_t seq = seg->seq, len = seg->len, wnd, right, seglen;
	const uint8_t *data = seg->data;
	bool fin = seg->flags & TCP_F_FIN;
	uint8_t flags = seg->flags;

	if (pcb->flags & TF_PARKED) {
		/* We have not answered yet: the peer's retransmitted SYN waits
		 * with the first one; only a reset ends it. */
		if (flags & TCP_F_RST)
			tcp_pcb_done(pcb, 0);
		return;
	}
	pcb->last_rcv_ms = st->now;
	if (pcb->t_keep != TCP_TIMER_OFF)
		tcp_arm_keepalive(pcb);

	if (pcb->state == TCP_SYN_RCVD && (flags & TCP_F_SYN) && seq == pcb->irs &&
	    !(flags & TCP_F_RST)) {
		if (!(flags & TCP_F_ACK)) {
			/* The peer did not get our SYN-ACK: send it again. */
			tcp_retransmit_at(pcb, pcb->iss);
			return;
		}
		/* Simultaneous open: the peer's SYN-ACK repeats its SYN. */
		flags &= ~TCP_F_SYN;
		seq++;
	}

	/* PAWS (RFC 7323 5.3). */
	if ((pcb->flags & TF_TS) && seg->has_ts && !(flags & TCP_F_RST) &&
	    SEQ_LT(seg->ts_val, pcb->ts_recent) &&
	    st->now - pcb->ts_recent_age < TCP_PAWS_IDLE_MS) {
		st->stats.paws_drops++;
		tcp_send_ack_now(pcb);
		return;
	}

	/* First: is it in the window? */
	seglen = len + !!(flags & TCP_F_SYN) + !!fin;
	wnd = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	if (!seg_acceptable(pcb, seq, seglen, wnd)) {
		if (wnd == 0 && seq == pcb->rcv_nxt && !(flags & (TCP_F_RST | TCP_F_SYN))) {
			/* Zero window: take the ACK, not the text (RFC 9293). */
			len = 0;
			fin = false;
			pcb->flags |= TF_ACKNOW;
		} else {
			if (flags & TCP_F_RST)
				return;
			st->stats.dup_segs++;
			if (pcb->state == TCP_TIME_WAIT && fin)
				pcb->t_2msl = st->now + 2ULL * st->cfg.msl_ms;
			tcp_send_ack_now(pcb);
			return;
		}
	}
	/* RFC 7323 4.3: remember the timestamp to echo. */
	if ((pcb->flags & TF_TS) && seg->has_ts && SEQ_GEQ(seg->ts_val, pcb->ts_recent) &&
	    SEQ_LEQ(seq, pcb->last_ack_sent)) {
		pcb->ts_recent = seg->ts_val;
		pcb->ts_recent_age = st->now;
	}

	/* Second: RST (RFC 5961 3.2). */
	if (flags & TCP_F_RST) {
		if (seq != pcb->rcv_nxt) {
			challenge_ack(pcb);
			return;
		}
		st->stats.rst_in++;
		switch (pcb->state) {
		case TCP_SYN_RCVD:
			tcp_pcb_done(pcb, (pcb->flags & TF_PASSIVE) ? 0 : -ECONNREFUSED);
			break;
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
		case TCP_CLOSE_WAIT:
			tcp_pcb_done(pcb, -ECONNRESET);
			break;
		case TCP_TIME_WAIT:
			break; /* RFC 1337: no TIME_WAIT assassination */
		default:
			tcp_pcb_done(pcb, 0);
			break;
		}
		return;
	}

	/* Fourth: a SYN here is either an attack or stale (RFC 5961 4.2). */
	if (flags & TCP_F_SYN) {
		challenge_ack(pcb);
		return;
	}

	/* Trim the text to the window and the buffer space. */
	if (SEQ_LT(seq, pcb->rcv_nxt)) {
		uint32_t d = pcb->rcv_nxt - seq;

		if (d > len)
			d = len;
		data += d;
		len -= d;
		seq += d;
	}
	right = pcb->rcv_nxt + MIN(wnd, pcb->rbuf_size - pcb->rbuf_len);
	if (SEQ_GT(seq + len, right)) {
		len = SEQ_GT(right, seq) ? right - seq : 0;
		fin = false;
	}

	/* Fifth: the ACK field. */
	if (!(flags & TCP_F_ACK))
		return;
	if (pcb->state == TCP_SYN_RCVD) {
		struct tcp_pcb *l = pcb->listener;

		if (!SEQ_GT(seg->ack, pcb->snd_una) || SEQ_GT(seg->ack, pcb->snd_max)) {
			tcp_send_rst_for(st, seg);
			return;
		}
		if (l && l->acceptq_len >= l->backlog) {
			/* No room to accept: ignore the ACK; our SYN-ACK
			 * retransmissions keep the handshake alive. */
			st->stats.accept_overflows++;
			return;
		}
		if (tcp_pcb_alloc_bufs(pcb)) {
			tcp_send_rst(pcb);
			tcp_pcb_done(pcb, -ENOMEM);
			return;
		}
		conn_established(pcb, seg, seg->wnd << pcb->snd_wscale);
		if (l) {
			l->synq_len--;
			pcb->flags |= TF_ACCEPTQ;
			if (l->acceptq_tail)
				l->acceptq_tail->acceptq_next = pcb;
			else
				l->acceptq_head = pcb;
			l->acceptq_tail = pcb;
			l->acceptq_len++;
			tcp_event(l, TCP_EV_ACCEPT);
		} else {
			tcp_event(pcb, TCP_EV_CONNECTED | TCP_EV_WRITABLE);
		}
	} else if (!ack_input(pcb, seg)) {
		return;
	}

	/* Seventh and eighth: text and FIN. */
	switch (pcb->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		if (len || fin)
			data_input(pcb, seq, data, len, fin);
		break;
	default:
		break; /* the peer's FIN is in: anything more is a duplicate */
	}
	if (st->batching && !pcb->ooo_n)
		tcp_defer_output(pcb);
	else
		tcp_output(pcb);
}

/* ---- entry ----------------------------------------------------------------------------- */

/* RFC 6191 (timestamps) or RFC 1122 4.2.2.13 (sequence numbers): may this
 * SYN open a new connection over a TIME_WAIT one? */
static bool time_wait_reusable(const struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (pcb->flags & TF_USER)
		return false;
	if ((pcb->flags & TF_TS) && seg->has_ts)
		return SEQ_GT(seg->ts_val, pcb->ts_recent);
	return SEQ_GT(seg->seq, pcb->rcv_nxt);
}

void tcp_input(struct tcp_stack *st, uint32_t src, uint32_t dst, const void *buf, size_t len,
	       uint64_t now_ms)
{
	struct tcp_seg seg;
	struct tcp_pcb *pcb, *l;

	tcp_set_time(st, now_ms);
	st->stats.segs_in++;
	if (tcp_parse(&seg, src, dst, buf, len)) {
		st->stats.bad_segs++;
		return;
	}
	pcb = tcp_lookup(st, dst, seg.dport, src, seg.sport);
	if (pcb && pcb->state == TCP_TIME_WAIT &&
	    (seg.flags & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) == TCP_F_SYN &&
	    time_wait_reusable(pcb, &seg)) {
		tcp_pcb_done(pcb, 0);
		pcb = NULL;
	}
	if (!pcb) {
		l = tcp_lookup_listener(st, dst, seg.dport);
		if (l)
			listen_input(l, &seg);
		else
			tcp_send_rst_for(st, &seg);
	} else if (pcb->state == TCP_SYN_SENT) {
		syn_sent_input(pcb, &seg);
	} else {
		conn_input(pcb, &seg);
	}
	tcp_reap(st);
}

/* ---- batches ------------------------------------------------------------------------ */

void tcp_defer_output(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->flags & TF_DEFERRED) {
		st->stats.batched_acks++;
		return;
	}
	pcb->flags |= TF_DEFERRED;
	pcb->deferred_next = st->deferred;
	st->deferred = pcb;
}

void tcp_undefer(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if (!(pcb->flags & TF_DEFERRED))
		return;
	for (struct tcp_pcb **pp = &st->deferred; *pp; pp = &(*pp)->deferred_next)
		if (*pp == pcb) {
			*pp = pcb->deferred_next;
			break;
		}
	pcb->flags &= ~TF_DEFERRED;
	pcb->deferred_next = NULL;
}

void tcp_batch_begin(struct tcp_stack *st)
{
	st->batching = true;
}

void tcp_batch_end(struct tcp_stack *st, uint64_t now_ms)
{
	struct tcp_pcb *pcb;

	st->batching = false;
	if (!st->deferred)
		return;
	tcp_set_time(st, now_ms);
	while ((pcb = st->deferred)) {
		tcp_undefer(pcb);
		tcp_output(pcb);
	}
	tcp_reap(st);
}
