/*
 * TCP engine, timers: retransmission (with SYN and SYN-ACK retries and the
 * connect timeout), persist (zero-window probes), delayed ACK, keepalive,
 * TIME_WAIT and the orphaned FIN_WAIT_2 timeout. Every timer is an absolute
 * deadline in the pcb; tcp_poll() runs those that are due and
 * tcp_next_deadline() tells the caller when to call it next.
 *
 * References: RFC 6298 (RTO: SRTT/RTTVAR, Karn's algorithm, backoff; the
 * minimum here is 200 ms rather than 1 s, see docs/tcp.md), RFC 5681 3.1
 * and RFC 6582 (the loss window and `recover` after a timeout), RFC 9293
 * 3.8.6.1 (zero-window probing), RFC 1122 4.2.3.6 (keepalive), RFC 9293
 * 3.6.1 and 3.10.8 (TIME_WAIT, 2 MSL).
 *
 * Lock legend: the caller's stack lock (net/tcp.h).
 */
#include <ksvc.h>
#include "net/tcp_internal.h"

#define TCP_BACKOFF_MAX 16

void tcp_timers_stop(struct tcp_pcb *pcb)
{
	pcb->t_rtx = pcb->t_persist = pcb->t_delack = pcb->t_keep = pcb->t_2msl = TCP_TIMER_OFF;
}

void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t r)
{
	const struct tcp_config *cfg = &pcb->st->cfg;
	uint32_t rto;

	if (r > 600000) /* nonsense (a peer's bad TSecr) */
		return;
	if (!(pcb->flags & TF_HAVE_RTT)) {
		/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2. */
		pcb->srtt8 = r * 8;
		pcb->rttvar4 = r * 2;
		pcb->flags |= TF_HAVE_RTT;
	} else {
		/* RFC 6298 2.3 with alpha 1/8, beta 1/4, in fixed point. */
		uint32_t r8 = r * 8;
		uint32_t err8 = r8 > pcb->srtt8 ? r8 - pcb->srtt8 : pcb->srtt8 - r8;

		pcb->rttvar4 = pcb->rttvar4 - pcb->rttvar4 / 4 + err8 / 8;
		pcb->srtt8 = pcb->srtt8 - pcb->srtt8 / 8 + r;
	}
	/* RTO = SRTT + max(G, 4 * RTTVAR) with a 1 ms clock granularity G. */
	rto = pcb->srtt8 / 8 + MAX(1u, pcb->rttvar4);
	pcb->rto = MIN(MAX(rto, cfg->rto_min_ms), cfg->rto_max_ms);
	pcb->rtx_shift = 0;
}

uint32_t tcp_current_rto(const struct tcp_pcb *pcb)
{
	uint64_t rto = (uint64_t)pcb->rto << pcb->rtx_shift;

	return rto > pcb->st->cfg.rto_max_ms ? pcb->st->cfg.rto_max_ms : (uint32_t)rto;
}

void tcp_arm_rtx(struct tcp_pcb *pcb)
{
	pcb->t_rtx = pcb->st->now + tcp_current_rto(pcb);
}

void tcp_arm_keepalive(struct tcp_pcb *pcb)
{
	if ((pcb->flags & TF_KEEPALIVE) &&
	    (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT)) {
		pcb->t_keep = pcb->st->now + pcb->keep_idle_ms;
		pcb->keep_probes = 0;
	} else {
		pcb->t_keep = TCP_TIMER_OFF;
	}
}

void tcp_enter_time_wait(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	tcp_timers_stop(pcb);
	if (!(pcb->flags & TF_USER) && st->time_wait_count >= st->cfg.time_wait_max) {
		/* Too many: skip TIME_WAIT for this one (Linux does the same
		 * on "time wait bucket table overflow"). */
		st->stats.time_wait_overflows++;
		tcp_pcb_done(pcb, 0);
		return;
	}
	tcp_set_state(pcb, TCP_TIME_WAIT);
	pcb->t_2msl = st->now + 2ULL * st->cfg.msl_ms;
}

static void rtx_timeout(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;
	uint32_t limit, n;

	pcb->t_rtx = TCP_TIMER_OFF;
	if (pcb->state == TCP_SYN_SENT)
		limit = st->cfg.syn_retries;
	else if (pcb->state == TCP_SYN_RCVD)
		limit = st->cfg.synack_retries;
	else
		limit = st->cfg.max_retries;
	if (pcb->flags & TF_PARKED) {
		/* Never answered: forget it quietly; the peer's next SYN
		 * starts over. */
		tcp_pcb_done(pcb, 0);
		return;
	}
	if (pcb->rtx_shift >= limit) {
		st->stats.conn_timeouts++;
		tcp_pcb_done(pcb, -ETIMEDOUT);
		return;
	}
	if (pcb->rtx_shift < TCP_BACKOFF_MAX)
		pcb->rtx_shift++;
	st->stats.rto_fired++;
	pcb->flags &= ~TF_RTT_TIMING; /* Karn: no sample from a retransmitted segment */
	if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD) {
		pcb->st->stats.retransmits++;
		pcb->retransmits++;
		tcp_retransmit_at(pcb, pcb->iss);
		return;
	}
	/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS); the loss
	 * window is one segment. RFC 6582 4: recover = the highest sequence
	 * sent, so the duplicate ACKs the go-back-N retransmissions cause do
	 * not trigger a false fast retransmit. */
	pcb->ssthresh = MAX(tcp_flight(pcb) / 2, 2u * pcb->mss);
	pcb->cwnd = pcb->mss;
	pcb->bytes_acked = 0;
	pcb->recover = pcb->snd_max;
	pcb->flags &= ~TF_RECOVERY;
	pcb->dupacks = 0;
	pcb->snd_nxt = pcb->snd_una;
	/* Sent whatever the window says: this doubles as the probe of a
	 * window that closed with data outstanding. */
	n = tcp_retransmit_at(pcb, pcb->snd_una);
	pcb->snd_nxt += n;
	tcp_arm_rtx(pcb);
}

static void persist_timeout(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;
	uint64_t d;

	pcb->t_persist = TCP_TIMER_OFF;
	if (pcb->snd_max != pcb->snd_una || pcb->snd_nxt - pcb->snd_buf_seq >= pcb->sbuf_len)
		return;
	tcp_send_probe(pcb, true);
	if (pcb->t_rtx != TCP_TIMER_OFF)
		return; /* data went out: the retransmission timer takes over */
	if (pcb->persist_shift < TCP_BACKOFF_MAX)
		pcb->persist_shift++;
	d = (uint64_t)tcp_current_rto(pcb) << pcb->persist_shift;
	if (d < TCP_PERSIST_MIN_MS)
		d = TCP_PERSIST_MIN_MS;
	if (d > st->cfg.rto_max_ms)
		d = st->cfg.rto_max_ms;
	pcb->t_persist = st->now + d;
}

static void keepalive_timeout(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	pcb->t_keep = TCP_TIMER_OFF;
	if (!(pcb->flags & TF_KEEPALIVE) ||
	    (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT))
		return;
	if (pcb->keep_probes >= pcb->keep_cnt) {
		st->stats.keepalive_drops++;
		tcp_send_rst(pcb);
		tcp_pcb_done(pcb, -ETIMEDOUT);
		return;
	}
	tcp_send_probe(pcb, false);
	pcb->keep_probes++;
	pcb->t_keep = st->now + pcb->keep_intvl_ms;
}

void tcp_poll(struct tcp_stack *st, uint64_t now_ms)
{
	struct tcp_pcb *pcb, *next;

	tcp_set_time(st, now_ms);
	for (pcb = st->pcbs; pcb; pcb = next) {
		uint64_t now = st->now;

		next = pcb->next;
		if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
			continue;
		if (pcb->t_2msl <= now) {
			/* TIME_WAIT over, or an orphan gave up in FIN_WAIT_2. */
			tcp_pcb_done(pcb, 0);
			continue;
		}
		if (pcb->t_rtx <= now) {
			rtx_timeout(pcb);
			if (pcb->state == TCP_CLOSED)
				continue;
		}
		if (pcb->t_persist <= now)
			persist_timeout(pcb);
		if (pcb->t_delack <= now) {
			pcb->t_delack = TCP_TIMER_OFF;
			tcp_send_ack_now(pcb);
		}
		if (pcb->t_keep <= now)
			keepalive_timeout(pcb);
	}
	tcp_reap(st);
}

uint64_t tcp_next_deadline(const struct tcp_stack *st)
{
	uint64_t d = TCP_TIMER_OFF;

	for (const struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		if (p->state == TCP_CLOSED || p->state == TCP_LISTEN)
			continue;
		d = MIN(d, p->t_rtx);
		d = MIN(d, p->t_persist);
		d = MIN(d, p->t_delack);
		d = MIN(d, p->t_keep);
		d = MIN(d, p->t_2msl);
	}
	return d;
}
