/*
 * TCP engine: the stack object and the life of protocol control blocks
 * (net/tcp.h): creation, the connection and listener lists, lookup, the
 * accept and SYN queues, burial, ISNs and timestamp offsets, and ICMP
 * errors. The calls the socket layer makes (bind, listen, connect, accept,
 * send, receive, shutdown, close, options) are tcp_user.c; segment arrival
 * is tcp_in.c, segment output tcp_out.c, timers tcp_timer.c.
 *
 * References: RFC 6528 (initial sequence numbers: a keyed hash of the
 * 4-tuple plus a 4 us clock; the hash here is SipHash-2-4), RFC 5927 and
 * RFC 1122 4.2.3.9 (ICMP errors).
 *
 * Lock legend: all of it runs under the caller's stack lock (net/tcp.h).
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "net/tcp_internal.h"

static const char *const state_names[TCP_NSTATES] = {
	[TCP_CLOSED] = "CLOSED",	   [TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN_SENT",	   [TCP_SYN_RCVD] = "SYN_RCVD",
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2",   [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_CLOSING] = "CLOSING",	   [TCP_LAST_ACK] = "LAST_ACK",
	[TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	return (unsigned)s < TCP_NSTATES ? state_names[s] : "?";
}

void tcp_config_default(struct tcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rto_min_ms = 200;
	cfg->rto_max_ms = 60000;
	cfg->rto_initial_ms = 1000;
	cfg->delack_ms = 40;
	cfg->msl_ms = 30000;
	cfg->fin_wait2_ms = 60000;
	cfg->syn_retries = 6;
	cfg->synack_retries = 5;
	cfg->max_retries = 15;
	cfg->time_wait_max = 4096;
	cfg->challenge_ack_per_s = 100;
	cfg->sndbuf = 256 * 1024;
	cfg->rcvbuf = 256 * 1024;
	cfg->keep_idle_ms = 7200 * 1000;
	cfg->keep_intvl_ms = 75 * 1000;
	cfg->keep_cnt = 9;
	cfg->window_scaling = true;
	cfg->timestamps = true;
}

uint32_t tcp_clamp_buf(uint32_t v)
{
	return v < TCP_BUF_MIN ? TCP_BUF_MIN : v > TCP_BUF_MAX ? TCP_BUF_MAX : v;
}

struct tcp_stack *tcp_stack_create(const struct tcp_stack_ops *ops, void *ctx,
				   const struct tcp_config *cfg, uint64_t now_ms)
{
	struct tcp_stack *st = kzalloc(sizeof(*st));
	uint16_t r;

	if (!st)
		return NULL;
	st->ops = *ops;
	st->ctx = ctx;
	if (cfg)
		st->cfg = *cfg;
	else
		tcp_config_default(&st->cfg);
	st->cfg.sndbuf = tcp_clamp_buf(st->cfg.sndbuf);
	st->cfg.rcvbuf = tcp_clamp_buf(st->cfg.rcvbuf);
	if (st->cfg.rto_min_ms == 0)
		st->cfg.rto_min_ms = 1;
	if (st->cfg.rto_max_ms < st->cfg.rto_min_ms)
		st->cfg.rto_max_ms = st->cfg.rto_min_ms;
	st->now = now_ms;
	st->txbuf_size = TCP_HDR_MAX_LEN + 65535;
	st->txbuf = kmalloc(st->txbuf_size);
	if (!st->txbuf) {
		kfree(st);
		return NULL;
	}
	ops->random(ctx, st->isn_key, sizeof(st->isn_key));
	ops->random(ctx, st->ts_key, sizeof(st->ts_key));
	ops->random(ctx, &r, sizeof(r));
	st->next_ephemeral = r;
	return st;
}

static void pcb_free(struct tcp_pcb *pcb)
{
	kfree(pcb->sbuf);
	kfree(pcb->rbuf);
	kfree(pcb);
}

static void list_del(struct tcp_pcb **head, struct tcp_pcb *pcb)
{
	if (pcb->prev)
		pcb->prev->next = pcb->next;
	else
		*head = pcb->next;
	if (pcb->next)
		pcb->next->prev = pcb->prev;
	pcb->next = pcb->prev = NULL;
}

static void list_add(struct tcp_pcb **head, struct tcp_pcb *pcb)
{
	pcb->prev = NULL;
	pcb->next = *head;
	if (*head)
		(*head)->prev = pcb;
	*head = pcb;
}

void tcp_stack_destroy(struct tcp_stack *st)
{
	struct tcp_pcb *pcb;

	if (!st)
		return;
	while ((pcb = st->pcbs)) {
		list_del(&st->pcbs, pcb);
		pcb_free(pcb);
	}
	tcp_reap(st);
	kfree(st->txbuf);
	kfree(st);
}

const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *st)
{
	return &st->stats;
}

void tcp_set_time(struct tcp_stack *st, uint64_t now_ms)
{
	if (now_ms > st->now)
		st->now = now_ms;
}

/* ---- ISNs and timestamps (RFC 6528) ---------------------------------------- */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                     \
	do {                         \
		v0 += v1;            \
		v1 = ROTL64(v1, 13); \
		v1 ^= v0;            \
		v0 = ROTL64(v0, 32); \
		v2 += v3;            \
		v3 = ROTL64(v3, 16); \
		v3 ^= v2;            \
		v0 += v3;            \
		v3 = ROTL64(v3, 21); \
		v3 ^= v0;            \
		v2 += v1;            \
		v1 = ROTL64(v1, 17); \
		v1 ^= v2;            \
		v2 = ROTL64(v2, 32); \
	} while (0)

static uint64_t key64(const uint8_t *k)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | k[i];
	return v;
}

/* SipHash-2-4 of the 12-byte 4-tuple under a 128-bit key. */
static uint64_t tuple_hash(const uint8_t key[16], uint32_t lip, uint16_t lport, uint32_t rip,
			   uint16_t rport)
{
	uint64_t k0 = key64(key), k1 = key64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m[2] = {((uint64_t)lip << 32) | rip,
			 ((uint64_t)12 << 56) | ((uint64_t)lport << 16) | rport};

	for (int i = 0; i < 2; i++) {
		v3 ^= m[i];
		SIPROUND;
		SIPROUND;
		v0 ^= m[i];
	}
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t tcp_isn(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	/* RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. */
	return (uint32_t)(st->now * 250) +
	       (uint32_t)tuple_hash(st->isn_key, lip, lport, rip, rport);
}

uint32_t tcp_ts_offset(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		       uint16_t rport)
{
	return (uint32_t)tuple_hash(st->ts_key, lip, lport, rip, rport);
}

/* ---- pcbs -------------------------------------------------------------------- */

uint16_t tcp_mss_for(struct tcp_stack *st, uint32_t rip)
{
	unsigned mtu = st->ops.route_mtu ? st->ops.route_mtu(st->ctx, rip) : TCP_MTU_DEFAULT;

	if (mtu < TCP_MTU_MIN)
		mtu = TCP_MTU_MIN;
	if (mtu > 65535)
		mtu = 65535;
	return (uint16_t)(mtu - 40); /* IPv4 and TCP headers without options */
}

uint8_t tcp_wscale_for(uint32_t bufsize)
{
	uint8_t s = 0;

	while (s < TCP_WS_MAX_SHIFT && (bufsize >> s) > 65535)
		s++;
	return s;
}

struct tcp_pcb *tcp_pcb_alloc(struct tcp_stack *st)
{
	struct tcp_pcb *pcb = kzalloc(sizeof(*pcb));

	if (!pcb)
		return NULL;
	pcb->st = st;
	pcb->state = TCP_CLOSED;
	pcb->sbuf_size = st->cfg.sndbuf;
	pcb->rbuf_size = st->cfg.rcvbuf;
	pcb->keep_idle_ms = st->cfg.keep_idle_ms;
	pcb->keep_intvl_ms = st->cfg.keep_intvl_ms;
	pcb->keep_cnt = st->cfg.keep_cnt;
	if (st->cfg.timestamps)
		pcb->flags |= TF_SEND_TS_SYN;
	if (st->cfg.window_scaling)
		pcb->flags |= TF_SEND_WS_SYN;
	tcp_timers_stop(pcb);
	return pcb;
}

void tcp_pcb_link(struct tcp_pcb *pcb)
{
	if (!(pcb->flags & TF_BOUND)) {
		list_add(&pcb->st->pcbs, pcb);
		pcb->flags |= TF_BOUND;
	}
}

int tcp_pcb_alloc_bufs(struct tcp_pcb *pcb)
{
	if (!pcb->sbuf)
		pcb->sbuf = kmalloc(pcb->sbuf_size);
	if (!pcb->rbuf)
		pcb->rbuf = kmalloc(pcb->rbuf_size);
	return pcb->sbuf && pcb->rbuf ? 0 : -ENOMEM;
}

/* Sequence state for a new connection whose 4-tuple is set. */
void tcp_pcb_init_conn(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	pcb->iss = tcp_isn(st, pcb->lip, pcb->lport, pcb->rip, pcb->rport);
	pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->iss;
	pcb->snd_buf_seq = pcb->iss + 1;
	pcb->recover = pcb->prev_una = pcb->iss;
	pcb->rcv_mss = tcp_mss_for(st, pcb->rip);
	pcb->mss = TCP_MSS_DEFAULT < pcb->rcv_mss ? TCP_MSS_DEFAULT : pcb->rcv_mss;
	pcb->rto = st->cfg.rto_initial_ms;
	pcb->ssthresh = TCP_CWND_MAX;
	pcb->cwnd = pcb->mss;
	pcb->ts_offset = tcp_ts_offset(st, pcb->lip, pcb->lport, pcb->rip, pcb->rport);
	pcb->rcv_wscale = (pcb->flags & TF_SEND_WS_SYN) ? tcp_wscale_for(pcb->rbuf_size) : 0;
	pcb->last_rcv_ms = pcb->last_snd_ms = st->now;
}

void tcp_event(struct tcp_pcb *pcb, unsigned ev)
{
	struct tcp_stack *st = pcb->st;

	if (!(pcb->flags & TF_USER) || !st->ops.event)
		return;
	st->ops.event(st->ctx, pcb, pcb->user, ev);
}

void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state s)
{
	if (pcb->state == TCP_TIME_WAIT)
		pcb->st->time_wait_count--;
	if (s == TCP_TIME_WAIT)
		pcb->st->time_wait_count++;
	if (s == TCP_ESTABLISHED)
		pcb->flags |= TF_CONNECTED;
	pcb->state = s;
}

static void acceptq_remove(struct tcp_pcb *l, struct tcp_pcb *pcb)
{
	struct tcp_pcb **pp = &l->acceptq_head, *prev = NULL;

	while (*pp && *pp != pcb) {
		prev = *pp;
		pp = &(*pp)->acceptq_next;
	}
	if (!*pp)
		return;
	*pp = pcb->acceptq_next;
	if (l->acceptq_tail == pcb)
		l->acceptq_tail = prev;
	pcb->acceptq_next = NULL;
	l->acceptq_len--;
}

/* Detach a child from its listener's queues. */
void tcp_child_detach(struct tcp_pcb *pcb)
{
	struct tcp_pcb *l = pcb->listener;

	if (!l)
		return;
	if (pcb->flags & TF_ACCEPTQ)
		acceptq_remove(l, pcb);
	else
		l->synq_len--;
	if (pcb->flags & TF_PARKED)
		l->synq_parked--;
	pcb->flags &= ~(TF_ACCEPTQ | TF_PARKED);
	pcb->listener = NULL;
	tcp_listener_unpark(l); /* its place is free */
}

static void pcb_bury(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->flags & TF_DEAD)
		return;
	if (pcb->state == TCP_TIME_WAIT)
		st->time_wait_count--;
	pcb->state = TCP_CLOSED;
	tcp_undefer(pcb);
	tcp_child_detach(pcb);
	if (pcb->flags & TF_BOUND)
		list_del(&st->pcbs, pcb);
	pcb->flags = (pcb->flags & ~TF_BOUND) | TF_DEAD;
	list_add(&st->graveyard, pcb);
}

void tcp_reap(struct tcp_stack *st)
{
	struct tcp_pcb *pcb;

	while ((pcb = st->graveyard)) {
		list_del(&st->graveyard, pcb);
		pcb_free(pcb);
	}
}

void tcp_pcb_done(struct tcp_pcb *pcb, int error)
{
	tcp_timers_stop(pcb);
	if (!(pcb->flags & TF_USER)) {
		pcb_bury(pcb);
		return;
	}
	/* The caller still holds it: keep the pcb, report the outcome. The
	 * port stays bound until tcp_close. */
	tcp_set_state(pcb, TCP_CLOSED);
	pcb->ooo_n = 0;
	if (error) {
		pcb->error = error;
		pcb->error_fatal = true;
		tcp_event(pcb, TCP_EV_ERROR | TCP_EV_READABLE | TCP_EV_WRITABLE);
	} else {
		tcp_event(pcb, TCP_EV_CLOSED | TCP_EV_READABLE | TCP_EV_WRITABLE);
	}
}

struct tcp_pcb *tcp_lookup(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
			   uint16_t rport)
{
	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		if (p->state <= TCP_LISTEN)
			continue;
		if (p->lport == lport && p->rport == rport && p->lip == lip && p->rip == rip)
			return p;
	}
	return NULL;
}

struct tcp_pcb *tcp_lookup_listener(struct tcp_stack *st, uint32_t lip, uint16_t lport)
{
	struct tcp_pcb *any = NULL;

	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		if (p->state != TCP_LISTEN || p->lport != lport)
			continue;
		if (p->lip == lip)
			return p;
		if (p->lip == 0)
			any = p;
	}
	return any;
}

void tcp_foreach(struct tcp_stack *st, void (*fn)(void *arg, const struct tcp_info *info),
		 void *arg)
{
	struct tcp_info info;

	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		tcp_get_info(p, &info);
		fn(arg, &info);
	}
}

/* ---- ICMP errors ------------------------------------------------------------ */

#define ICMP_TYPE_DEST_UNREACH 3

void tcp_icmp_error(struct tcp_stack *st, uint8_t type, uint8_t code, uint32_t src, uint32_t dst,
		    const void *seg, size_t len)
{
	const uint8_t *b = seg;
	struct tcp_pcb *pcb;
	uint16_t sport, dport;
	uint32_t seq;
	int err;

	if (len < 8 || type != ICMP_TYPE_DEST_UNREACH)
		return;
	sport = (uint16_t)(b[0] << 8 | b[1]);
	dport = (uint16_t)(b[2] << 8 | b[3]);
	seq = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	pcb = tcp_lookup(st, src, sport, dst, dport);
	if (!pcb || pcb->state != TCP_SYN_SENT)
		return;
	/* RFC 5927 4.1: only an error quoting a sequence number in flight. */
	if (SEQ_LT(seq, pcb->snd_una) || SEQ_GT(seq, pcb->snd_nxt))
		return;
	switch (code) {
	case 0: /* net unreachable */
	case 6: /* net unknown */
		err = -ENETUNREACH;
		break;
	case 1: /* host unreachable */
	case 7: /* host unknown */
		err = -EHOSTUNREACH;
		break;
	case 2:	 /* protocol unreachable */
	case 3:	 /* port unreachable */
	case 13: /* administratively prohibited */
		err = -ECONNREFUSED;
		break;
	default:
		return; /* soft errors (fragmentation needed, ...) */
	}
	tcp_pcb_done(pcb, err);
	tcp_reap(st);
}
