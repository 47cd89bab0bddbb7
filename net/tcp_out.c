/*
 * TCP engine, output side: building segments (header, options, checksum
 * over the IPv4 pseudo-header) and deciding what to send.
 *
 * References: RFC 9293 3.1 (header), 3.7.1 (MSS option), 3.8.6.2 (sender
 * silly-window avoidance and Nagle's algorithm, RFC 896), 3.10.7.1 (RST for
 * segments to no connection); RFC 7323 2 and 3 (window scale and timestamp
 * options; the SYN window is never scaled); RFC 1122 4.2.3.3 (receiver SWS
 * avoidance); RFC 5681 4.1 (restart window after idle); RFC 5961 7 (challenge
 * ACK rate limit); RFC 1071 (checksum).
 *
 * Lock legend: the caller's stack lock (net/tcp.h).
 */
#include <ksvc.h>
#include "net/tcp_internal.h"

/* ---- checksum ------------------------------------------------------------------ */

/* One's-complement sum of native-order 16-bit words (RFC 1071 1.2(B): the
 * sum does not depend on byte order as long as it is stored back the same
 * way). */
static uint64_t csum_partial(const uint8_t *p, size_t len, uint64_t sum)
{
	while (len >= 8) {
		uint64_t v;

		__builtin_memcpy(&v, p, 8);
		sum += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t v;

		__builtin_memcpy(&v, p, 2);
		sum += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		uint16_t v;

		__builtin_memcpy(&v, last, 2);
		sum += v;
	}
	return sum;
}

/* The value to store (native order) at the checksum field; over a segment
 * whose checksum field is already filled in, 0 means valid. */
uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	uint8_t ph[12];
	uint64_t sum;

	tcp_put32(ph, src);
	tcp_put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	tcp_put16(ph + 10, (uint16_t)len);
	sum = csum_partial(seg, len, csum_partial(ph, sizeof(ph), 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- building ---------------------------------------------------------------------- */

/* Write options for pcb's segment; returns their length (a multiple of 4). */
static unsigned put_options(struct tcp_pcb *pcb, uint8_t *o, uint8_t flags)
{
	unsigned n = 0;
	bool syn = flags & TCP_F_SYN;
	bool ts = syn ? !!(pcb->flags & TF_SEND_TS_SYN) : !!(pcb->flags & TF_TS);

	if (syn) {
		o[n++] = TCP_OPT_MSS;
		o[n++] = TCP_OPTLEN_MSS;
		tcp_put16(o + n, pcb->rcv_mss);
		n += 2;
		if (pcb->flags & TF_SEND_WS_SYN) {
			o[n++] = TCP_OPT_NOP;
			o[n++] = TCP_OPT_WS;
			o[n++] = TCP_OPTLEN_WS;
			o[n++] = pcb->rcv_wscale;
		}
	}
	if (ts && !(flags & TCP_F_RST)) {
		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_TS;
		o[n++] = TCP_OPTLEN_TS;
		tcp_put32(o + n, (uint32_t)pcb->st->now + pcb->ts_offset);
		/* TSecr is only meaningful with ACK (RFC 7323 3.2). */
		tcp_put32(o + n + 4, (flags & TCP_F_ACK) ? pcb->ts_recent : 0);
		n += 8;
	}
	return n;
}

/* The receive window we would advertise now, in bytes (unscaled). */
uint32_t tcp_rcv_window(const struct tcp_pcb *pcb)
{
	uint32_t free = pcb->rbuf_size - pcb->rbuf_len;
	uint32_t cur = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	uint32_t max = (uint32_t)65535 << pcb->rcv_wscale;

	/* Receiver SWS avoidance: move the right edge only by a useful amount. */
	if (free <= cur || free - cur < MIN(pcb->rbuf_size / 2, (uint32_t)pcb->rcv_mss))
		free = cur;
	return free < max ? free : max;
}

static void copy_from_sbuf(const struct tcp_pcb *pcb, uint8_t *dst, uint32_t off, uint32_t len)
{
	uint32_t pos = (pcb->sbuf_head + off) % pcb->sbuf_size;
	uint32_t first = MIN(len, pcb->sbuf_size - pos);

	memcpy(dst, pcb->sbuf + pos, first);
	memcpy(dst + first, pcb->sbuf, len - first);
}

/* Build and send one segment of pcb: seq, flags, and len data bytes taken
 * from the send buffer at seq. */
static void send_seg(struct tcp_pcb *pcb, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct tcp_stack *st = pcb->st;
	uint8_t *h = st->txbuf;
	unsigned optlen = put_options(pcb, h + TCP_HDR_LEN, flags);
	unsigned hlen = TCP_HDR_LEN + optlen;
	uint32_t wnd = 0, field = 0;
	uint16_t csum;

	KASSERT(hlen + len <= st->txbuf_size);
	tcp_put16(h + TCP_OFF_SPORT, pcb->lport);
	tcp_put16(h + TCP_OFF_DPORT, pcb->rport);
	tcp_put32(h + TCP_OFF_SEQ, seq);
	tcp_put32(h + TCP_OFF_ACK, (flags & TCP_F_ACK) ? pcb->rcv_nxt : 0);
	h[TCP_OFF_DOFF] = (uint8_t)((hlen / 4) << 4);
	h[TCP_OFF_FLAGS] = flags;
	if (!(flags & TCP_F_RST)) {
		wnd = tcp_rcv_window(pcb);
		if (flags & TCP_F_SYN) {
			field = wnd > 65535 ? 65535 : wnd; /* never scaled (RFC 7323 2.2) */
			wnd = field;
		} else {
			uint32_t cur = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt)
					       ? pcb->rcv_adv - pcb->rcv_nxt
					       : 0;

			field = wnd >> pcb->rcv_wscale;
			/* Rounding down must not shrink the window we offered. */
			if ((field << pcb->rcv_wscale) < cur)
				field = (cur + (1u << pcb->rcv_wscale) - 1) >> pcb->rcv_wscale;
			if (field > 65535)
				field = 65535;
			wnd = field << pcb->rcv_wscale;
		}
	}
	tcp_put16(h + TCP_OFF_WIN, (uint16_t)field);
	tcp_put16(h + TCP_OFF_CSUM, 0);
	tcp_put16(h + TCP_OFF_URP, 0);
	if (len)
		copy_from_sbuf(pcb, h + hlen, seq - pcb->snd_buf_seq, len);
	csum = tcp_checksum(pcb->lip, pcb->rip, h, hlen + len);
	memcpy(h + TCP_OFF_CSUM, &csum, 2);

	if (flags & TCP_F_ACK) {
		pcb->last_ack_sent = pcb->rcv_nxt;
		if (SEQ_GT(pcb->rcv_nxt + wnd, pcb->rcv_adv))
			pcb->rcv_adv = pcb->rcv_nxt + wnd;
		pcb->flags &= ~TF_ACKNOW;
		pcb->t_delack = TCP_TIMER_OFF;
		pcb->rcv_unacked = 0;
	}
	if (flags & TCP_F_RST)
		st->stats.rst_out++;
	st->stats.segs_out++;
	st->stats.bytes_out += len;
	pcb->last_snd_ms = st->now;
	st->ops.ip_output(st->ctx, pcb->lip, pcb->rip, IPPROTO_TCP, h, hlen + len);
}

/* ---- what to send ------------------------------------------------------------------ */

static void start_rtt(struct tcp_pcb *pcb, uint32_t seq)
{
	/* With timestamps every ACK carries an RTT sample (RFC 7323 4.1);
	 * otherwise time one segment at a time (RFC 6298 3). */
	if (!(pcb->flags & (TF_TS | TF_RTT_TIMING))) {
		pcb->flags |= TF_RTT_TIMING;
		pcb->rtt_seq = seq;
		pcb->rtt_start = pcb->st->now;
	}
}

static uint32_t initial_window(const struct tcp_pcb *pcb)
{
	/* RFC 5681 3.1. */
	if (pcb->mss > 2190)
		return 2u * pcb->mss;
	if (pcb->mss > 1095)
		return 3u * pcb->mss;
	return 4u * pcb->mss;
}

static void send_syn(struct tcp_pcb *pcb)
{
	uint8_t flags = TCP_F_SYN | (pcb->state == TCP_SYN_RCVD ? TCP_F_ACK : 0);

	send_seg(pcb, pcb->iss, 0, flags);
	if (pcb->t_rtx == TCP_TIMER_OFF)
		tcp_arm_rtx(pcb);
}

void tcp_output(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;
	bool sent = false;

	if (pcb->flags & TF_PARKED)
		return; /* its SYN-ACK waits for room (tcp_listener_unpark) */

	switch (pcb->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		return;
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		if (pcb->snd_nxt == pcb->iss) {
			start_rtt(pcb, pcb->iss);
			send_syn(pcb);
			pcb->snd_nxt = pcb->snd_max = pcb->iss + 1;
		} else if ((pcb->flags & TF_ACKNOW) && pcb->state == TCP_SYN_RCVD) {
			send_seg(pcb, pcb->snd_nxt, 0, TCP_F_ACK);
		}
		pcb->flags &= ~TF_ACKNOW;
		return;
	case TCP_TIME_WAIT:
		if (pcb->flags & TF_ACKNOW)
			send_seg(pcb, pcb->snd_nxt, 0, TCP_F_ACK);
		return;
	default:
		break;
	}

	/* RFC 5681 4.1: after an idle period longer than the RTO, restart
	 * from the initial window. */
	if (pcb->snd_max == pcb->snd_una && st->now - pcb->last_snd_ms > tcp_current_rto(pcb) &&
	    pcb->cwnd > initial_window(pcb))
		pcb->cwnd = initial_window(pcb);

	for (;;) {
		uint32_t off = pcb->snd_nxt - pcb->snd_buf_seq;
		uint32_t avail = off < pcb->sbuf_len ? pcb->sbuf_len - off : 0;
		bool fin_pending = (pcb->flags & TF_FIN_QUEUED) && off <= pcb->sbuf_len;
		/* RFC 3042 limited transmit: each of the first two duplicate
		 * ACKs lets one new segment out beyond cwnd. */
		uint32_t lt = (pcb->flags & TF_RECOVERY) ? 0 : MIN(pcb->dupacks, 2u) * pcb->mss;
		uint32_t wnd = MIN(pcb->snd_wnd, pcb->cwnd + lt);
		uint32_t inflight = pcb->snd_nxt - pcb->snd_una;
		uint32_t usable = wnd > inflight ? wnd - inflight : 0;
		uint32_t len = MIN(MIN(avail, (uint32_t)pcb->mss), usable);
		bool fin = fin_pending && off + len == pcb->sbuf_len;
		bool rexmit = SEQ_LT(pcb->snd_nxt, pcb->snd_max);
		bool go = false;
		uint8_t flags = TCP_F_ACK;

		if (len > 0) {
			if (len == pcb->mss || rexmit)
				go = true;
			else if (len == avail &&
				 ((pcb->flags & TF_NODELAY) || pcb->snd_max == pcb->snd_una || fin))
				go = true; /* Nagle: one small segment in flight at most */
			else if (pcb->max_sndwnd && len >= pcb->max_sndwnd / 2)
				go = true;
		} else if (fin && avail == 0) {
			go = true;
		}
		if (!go)
			break;
		if (fin)
			flags |= TCP_F_FIN;
		if (len && len == avail)
			flags |= TCP_F_PSH;
		if (rexmit) {
			st->stats.retransmits++;
			pcb->retransmits++;
		} else {
			start_rtt(pcb, pcb->snd_nxt);
		}
		send_seg(pcb, pcb->snd_nxt, len, flags);
		sent = true;
		pcb->snd_nxt += len + (fin ? 1 : 0);
		pcb->snd_max = SEQ_MAX(pcb->snd_max, pcb->snd_nxt);
		if (pcb->t_rtx == TCP_TIMER_OFF)
			tcp_arm_rtx(pcb);
		pcb->t_persist = TCP_TIMER_OFF;
		pcb->persist_shift = 0;
	}
	if (pcb->flags & TF_ACKNOW)
		send_seg(pcb, pcb->snd_nxt, 0, TCP_F_ACK);

	/* Data waits with nothing in flight to clock it out (zero or tiny
	 * window): the persist timer probes (RFC 9293 3.8.6.1). */
	if (!sent && pcb->snd_max == pcb->snd_una && pcb->t_rtx == TCP_TIMER_OFF &&
	    pcb->t_persist == TCP_TIMER_OFF && pcb->snd_nxt - pcb->snd_buf_seq < pcb->sbuf_len) {
		uint64_t d = (uint64_t)tcp_current_rto(pcb) << pcb->persist_shift;

		if (d < TCP_PERSIST_MIN_MS)
			d = TCP_PERSIST_MIN_MS;
		if (d > st->cfg.rto_max_ms)
			d = st->cfg.rto_max_ms;
		pcb->t_persist = st->now + d;
	}
}

/* Window probe with no data: forced out by the persist timer when the
 * window is 0, or with the window open but below what we would send. */
void tcp_send_probe(struct tcp_pcb *pcb, bool data_ok)
{
	uint32_t off = pcb->snd_nxt - pcb->snd_buf_seq;
	uint32_t avail = off < pcb->sbuf_len ? pcb->sbuf_len - off : 0;
	uint32_t len;

	if (data_ok && pcb->snd_wnd > 0 && avail > 0) {
		len = MIN(MIN(avail, pcb->snd_wnd), (uint32_t)pcb->mss);
		send_seg(pcb, pcb->snd_nxt, len, TCP_F_ACK | (len == avail ? TCP_F_PSH : 0));
		pcb->snd_nxt += len;
		pcb->snd_max = SEQ_MAX(pcb->snd_max, pcb->snd_nxt);
		if (pcb->t_rtx == TCP_TIMER_OFF)
			tcp_arm_rtx(pcb);
		return;
	}
	/* An old sequence number makes the peer answer with an ACK carrying
	 * its window (as Linux's tcp_xmit_probe_skb); keepalive uses it too. */
	send_seg(pcb, pcb->snd_una - 1, 0, TCP_F_ACK);
}

uint32_t tcp_retransmit_at(struct tcp_pcb *pcb, uint32_t seq)
{
	uint32_t off, avail, len;
	uint8_t flags = TCP_F_ACK;

	if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD) {
		send_syn(pcb);
		return 1;
	}
	off = seq - pcb->snd_buf_seq;
	if (off > pcb->sbuf_len)
		return 0;
	avail = pcb->sbuf_len - off;
	len = MIN(avail, (uint32_t)pcb->mss);
	len = MIN(len, pcb->snd_max - seq);
	if ((pcb->flags & TF_FIN_QUEUED) && off + len == pcb->sbuf_len &&
	    SEQ_GT(pcb->snd_max, pcb->snd_buf_seq + pcb->sbuf_len))
		flags |= TCP_F_FIN;
	if (len == 0 && !(flags & TCP_F_FIN))
		return 0;
	pcb->st->stats.retransmits++;
	pcb->retransmits++;
	send_seg(pcb, seq, len, flags);
	return len + !!(flags & TCP_F_FIN);
}

void tcp_send_ack_now(struct tcp_pcb *pcb)
{
	pcb->flags |= TF_ACKNOW;
	tcp_output(pcb);
	if (pcb->flags & TF_ACKNOW) /* states where tcp_output sends nothing */
		send_seg(pcb, pcb->snd_nxt, 0, TCP_F_ACK);
}

void tcp_send_rst(struct tcp_pcb *pcb)
{
	send_seg(pcb, pcb->snd_max, 0, TCP_F_RST | TCP_F_ACK);
}

/* RFC 9293 3.10.7.1: the reset for a segment that has no connection. */
void tcp_send_rst_for(struct tcp_stack *st, const struct tcp_seg *seg)
{
	uint8_t *h = st->txbuf;
	uint32_t seq = 0, ack = 0;
	uint8_t flags = TCP_F_RST;
	uint16_t csum;

	if (seg->flags & TCP_F_RST)
		return;
	if (seg->flags & TCP_F_ACK) {
		seq = seg->ack;
	} else {
		ack = seg->seq + seg->len + !!(seg->flags & TCP_F_SYN) + !!(seg->flags & TCP_F_FIN);
		flags |= TCP_F_ACK;
	}
	memset(h, 0, TCP_HDR_LEN);
	tcp_put16(h + TCP_OFF_SPORT, seg->dport);
	tcp_put16(h + TCP_OFF_DPORT, seg->sport);
	tcp_put32(h + TCP_OFF_SEQ, seq);
	tcp_put32(h + TCP_OFF_ACK, ack);
	h[TCP_OFF_DOFF] = (TCP_HDR_LEN / 4) << 4;
	h[TCP_OFF_FLAGS] = flags;
	csum = tcp_checksum(seg->dst, seg->src, h, TCP_HDR_LEN);
	memcpy(h + TCP_OFF_CSUM, &csum, 2);
	st->stats.rst_out++;
	st->stats.segs_out++;
	st->ops.ip_output(st->ctx, seg->dst, seg->src, IPPROTO_TCP, h, TCP_HDR_LEN);
}

bool tcp_challenge_ack_allowed(struct tcp_stack *st)
{
	if (st->now - st->challenge_window_start >= 1000) {
		st->challenge_window_start = st->now;
		st->challenge_count = 0;
	}
	if (st->challenge_count >= st->cfg.challenge_ack_per_s)
		return false;
	st->challenge_count++;
	st->stats.challenge_acks++;
	return true;
}
