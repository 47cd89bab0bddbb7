/*
 * TCP engine: the stack object, protocol control blocks and the calls the
 * socket layer makes (net/tcp.h): bind, listen, connect, accept, send,
 * receive, shutdown, close, options. Segment arrival is tcp_in.c, segment
 * output tcp_out.c, timers tcp_timer.c.
 *
 * References: RFC 9293 3.9 (user calls and their errors), RFC 6528 (initial
 * sequence numbers: a keyed hash of the 4-tuple plus a 4 us clock; the hash
 * here is SipHash-2-4), RFC 6335 (ephemeral port range), RFC 2525 2.17 (a
 * close with unread data resets the connection), RFC 1122 4.2.3.3 (receiver
 * window updates).
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

static uint32_t clamp_buf(uint32_t v)
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
	st->cfg.sndbuf = clamp_buf(st->cfg.sndbuf);
	st->cfg.rcvbuf = clamp_buf(st->cfg.rcvbuf);
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
static void child_detach(struct tcp_pcb *pcb)
{
	struct tcp_pcb *l = pcb->listener;

	if (!l)
		return;
	if (pcb->flags & TF_ACCEPTQ)
		acceptq_remove(l, pcb);
	else
		l->synq_len--;
	pcb->flags &= ~TF_ACCEPTQ;
	pcb->listener = NULL;
}

static void pcb_bury(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->flags & TF_DEAD)
		return;
	if (pcb->state == TCP_TIME_WAIT)
		st->time_wait_count--;
	pcb->state = TCP_CLOSED;
	child_detach(pcb);
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

/* ---- binding ------------------------------------------------------------------ */

static bool port_conflict(struct tcp_stack *st, struct tcp_pcb *self, uint32_t ip, uint16_t port)
{
	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		if (p == self || p->lport != port)
			continue;
		if (p->lip && ip && p->lip != ip)
			continue;
		/* SO_REUSEADDR: only a listener or another bound, idle socket
		 * blocks the port, not connections (TIME_WAIT included). */
		if (self && (self->flags & TF_REUSEADDR) && p->state != TCP_LISTEN &&
		    p->state != TCP_CLOSED)
			continue;
		return true;
	}
	return false;
}

static int pick_ephemeral(struct tcp_stack *st, struct tcp_pcb *pcb, uint32_t ip)
{
	const unsigned range = TCP_EPHEMERAL_HI - TCP_EPHEMERAL_LO + 1;

	for (unsigned i = 0; i < range; i++) {
		uint16_t port = (uint16_t)(TCP_EPHEMERAL_LO + st->next_ephemeral++ % range);

		if (!port_conflict(st, NULL, ip, port))
			return port;
	}
	return -EADDRINUSE;
}

int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->state != TCP_CLOSED || (pcb->flags & (TF_BOUND | TF_CONNECTED)) ||
	    pcb->error_fatal)
		return -EINVAL;
	if (port == 0) {
		int p = pick_ephemeral(st, pcb, ip);

		if (p < 0)
			return p;
		port = (uint16_t)p;
	} else if (port_conflict(st, pcb, ip, port)) {
		return -EADDRINUSE;
	}
	pcb->lip = ip;
	pcb->lport = port;
	tcp_pcb_link(pcb);
	return 0;
}

int tcp_listen(struct tcp_pcb *pcb, int backlog)
{
	int err;

	if (pcb->state == TCP_LISTEN) {
		/* listen() again only changes the backlog. */
	} else if (pcb->state != TCP_CLOSED || (pcb->flags & TF_CONNECTED) || pcb->error_fatal) {
		return -EINVAL;
	} else if (!(pcb->flags & TF_BOUND)) {
		err = tcp_bind(pcb, 0, 0);
		if (err)
			return err;
	}
	if (backlog < 1)
		backlog = 1;
	if (backlog > TCP_BACKLOG_MAX)
		backlog = TCP_BACKLOG_MAX;
	pcb->backlog = (unsigned)backlog;
	/* The SYN queue (half-open connections) holds twice the backlog, at
	 * least 8; SYNs beyond it are dropped (docs/network.md). */
	pcb->synq_max = MAX(2 * pcb->backlog, 8u);
	tcp_set_state(pcb, TCP_LISTEN);
	return 0;
}

int tcp_open_active(struct tcp_pcb *pcb, uint32_t lip, uint32_t rip, uint16_t rport)
{
	struct tcp_stack *st = pcb->st;
	struct tcp_pcb *old;
	int err;

	if (pcb->state == TCP_SYN_SENT)
		return -EALREADY;
	if (pcb->state != TCP_CLOSED || (pcb->flags & TF_CONNECTED) || pcb->error_fatal)
		return -EISCONN;
	if (rip == 0 || rport == 0)
		return -EINVAL;
	if (pcb->flags & TF_BOUND) {
		if (pcb->lip == 0 && lip == 0)
			return -EINVAL;
		if (pcb->lip == 0)
			pcb->lip = lip;
	} else {
		if (lip == 0)
			return -EINVAL;
		err = tcp_bind(pcb, lip, 0);
		if (err)
			return err;
	}
	old = tcp_lookup(st, pcb->lip, pcb->lport, rip, rport);
	if (old) {
		/* The 4-tuple is taken. A TIME_WAIT pcb may be recycled when
		 * timestamps (PAWS) protect the new connection from its old
		 * duplicates (RFC 6191's reasoning, as Linux's tcp_tw_reuse). */
		if (old->state != TCP_TIME_WAIT || !(old->flags & TF_TS) || (old->flags & TF_USER))
			return -EADDRINUSE;
		tcp_pcb_done(old, 0);
	}
	err = tcp_pcb_alloc_bufs(pcb);
	if (err)
		return err;
	pcb->rip = rip;
	pcb->rport = rport;
	tcp_pcb_init_conn(pcb);
	tcp_set_state(pcb, TCP_SYN_SENT);
	st->stats.active_opens++;
	tcp_output(pcb);
	tcp_reap(st);
	return 0;
}

struct tcp_pcb *tcp_pcb_new(struct tcp_stack *st, void *user)
{
	struct tcp_pcb *pcb = tcp_pcb_alloc(st);

	if (pcb) {
		pcb->flags |= TF_USER;
		pcb->user = user;
	}
	return pcb;
}

void tcp_set_user(struct tcp_pcb *pcb, void *user)
{
	pcb->user = user;
}

struct tcp_pcb *tcp_accept_next(struct tcp_pcb *l, void *user)
{
	struct tcp_pcb *pcb;

	if (l->state != TCP_LISTEN || !(pcb = l->acceptq_head))
		return NULL;
	child_detach(pcb);
	pcb->flags |= TF_USER;
	pcb->user = user;
	return pcb;
}

/* ---- data ------------------------------------------------------------------------ */

long tcp_send(struct tcp_pcb *pcb, const void *data, size_t len)
{
	const uint8_t *src = data;
	uint32_t room, n, tail, first;

	switch (pcb->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	case TCP_CLOSED:
		if (pcb->error)
			return tcp_take_error(pcb);
		return (pcb->flags & TF_CONNECTED) ? -EPIPE : -ENOTCONN;
	case TCP_LISTEN:
		return -ENOTCONN;
	default:
		return -EPIPE;
	}
	if (pcb->flags & TF_FIN_QUEUED)
		return -EPIPE;
	if (len == 0)
		return 0;
	room = pcb->sbuf_size - pcb->sbuf_len;
	if (room == 0)
		return -EAGAIN;
	n = len < room ? (uint32_t)len : room;
	tail = (pcb->sbuf_head + pcb->sbuf_len) % pcb->sbuf_size;
	first = MIN(n, pcb->sbuf_size - tail);
	memcpy(pcb->sbuf + tail, src, first);
	memcpy(pcb->sbuf, src + first, n - first);
	pcb->sbuf_len += n;
	if (tcp_synchronized(pcb->state))
		tcp_output(pcb);
	tcp_reap(pcb->st);
	return n;
}

/* After the user read: tell the peer about a window that grew a lot
 * (RFC 1122 4.2.3.3; the "twice the current window" rule is Linux's). */
static void window_update(struct tcp_pcb *pcb)
{
	uint32_t cur, now;

	if (!tcp_synchronized(pcb->state) || (pcb->flags & TF_RCVD_FIN))
		return;
	cur = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	now = tcp_rcv_window(pcb);
	if (now >= cur + pcb->rcv_mss && (now >= 2 * cur || cur < pcb->rcv_mss))
		tcp_send_ack_now(pcb);
}

long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len, bool peek)
{
	uint32_t n, first;

	if (pcb->state == TCP_LISTEN)
		return -ENOTCONN;
	if (pcb->rbuf_len > 0 && len > 0) {
		n = len < pcb->rbuf_len ? (uint32_t)len : pcb->rbuf_len;
		if (buf) {
			first = MIN(n, pcb->rbuf_size - pcb->rbuf_head);
			memcpy(buf, pcb->rbuf + pcb->rbuf_head, first);
			memcpy((uint8_t *)buf + first, pcb->rbuf, n - first);
		}
		if (!peek) {
			pcb->rbuf_head = (pcb->rbuf_head + n) % pcb->rbuf_size;
			pcb->rbuf_len -= n;
			window_update(pcb);
			tcp_reap(pcb->st);
		}
		return n;
	}
	if (pcb->rbuf_len > 0)
		return 0;
	if (pcb->flags & (TF_RCVD_FIN | TF_SHUT_RD))
		return 0;
	if (pcb->error)
		return tcp_take_error(pcb);
	if (pcb->state == TCP_CLOSED)
		return (pcb->flags & TF_CONNECTED) ? 0 : -ENOTCONN;
	return -EAGAIN;
}

int tcp_shutdown_write(struct tcp_pcb *pcb)
{
	switch (pcb->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		/* The FIN follows once the handshake completes (tcp_in.c). */
		pcb->flags |= TF_FIN_QUEUED;
		return 0;
	case TCP_ESTABLISHED:
		tcp_set_state(pcb, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(pcb, TCP_LAST_ACK);
		break;
	case TCP_CLOSED:
	case TCP_LISTEN:
		return -ENOTCONN;
	default:
		return 0; /* already shut */
	}
	pcb->flags |= TF_FIN_QUEUED;
	tcp_output(pcb);
	tcp_reap(pcb->st);
	return 0;
}

void tcp_shutdown_read(struct tcp_pcb *pcb)
{
	pcb->flags |= TF_SHUT_RD;
	/* Drop what is queued, as Linux does for SHUT_RD. */
	pcb->rbuf_head = (pcb->rbuf_head + pcb->rbuf_len) % (pcb->rbuf_size ? pcb->rbuf_size : 1);
	pcb->rbuf_len = 0;
	window_update(pcb);
	tcp_reap(pcb->st);
}

/* Abort every child of a closing listener. */
static void listener_close(struct tcp_pcb *l)
{
	struct tcp_pcb *p, *next;

	for (p = l->st->pcbs; p; p = next) {
		next = p->next;
		if (p->listener != l)
			continue;
		if (p->flags & TF_ACCEPTQ)
			tcp_send_rst(p);
		tcp_pcb_done(p, 0);
	}
}

void tcp_close(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	pcb->flags = (pcb->flags & ~TF_USER) | TF_ORPHAN;
	switch (pcb->state) {
	case TCP_LISTEN:
		listener_close(pcb);
		/* fall through */
	case TCP_CLOSED:
	case TCP_SYN_SENT:
		tcp_pcb_done(pcb, 0);
		break;
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		if (pcb->rbuf_len > 0) {
			/* RFC 2525 2.17: unread data is lost, so say so. */
			tcp_send_rst(pcb);
			tcp_pcb_done(pcb, 0);
			break;
		}
		pcb->flags |= TF_SHUT_RD;
		if (pcb->state == TCP_CLOSE_WAIT)
			tcp_set_state(pcb, TCP_LAST_ACK);
		else if (pcb->state == TCP_ESTABLISHED)
			tcp_set_state(pcb, TCP_FIN_WAIT_1);
		pcb->flags |= TF_FIN_QUEUED;
		tcp_output(pcb);
		break;
	case TCP_FIN_WAIT_2:
		pcb->flags |= TF_SHUT_RD;
		pcb->t_2msl = st->now + st->cfg.fin_wait2_ms;
		break;
	case TCP_TIME_WAIT:
		break;
	default:
		pcb->flags |= TF_SHUT_RD;
		break;
	}
	tcp_reap(st);
}

void tcp_abort(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	pcb->flags = (pcb->flags & ~TF_USER) | TF_ORPHAN;
	if (pcb->state == TCP_LISTEN)
		listener_close(pcb);
	else if (pcb->state >= TCP_SYN_RCVD && pcb->state != TCP_TIME_WAIT)
		tcp_send_rst(pcb);
	tcp_pcb_done(pcb, 0);
	tcp_reap(st);
}

/* ---- options and queries -------------------------------------------------------- */

int tcp_setopt(struct tcp_pcb *pcb, enum tcp_opt opt, int val)
{
	switch (opt) {
	case TCP_OPT_NODELAY:
		if (val)
			pcb->flags |= TF_NODELAY;
		else
			pcb->flags &= ~TF_NODELAY;
		if (val && tcp_synchronized(pcb->state)) {
			tcp_output(pcb);
			tcp_reap(pcb->st);
		}
		return 0;
	case TCP_OPT_KEEPALIVE:
		if (val)
			pcb->flags |= TF_KEEPALIVE;
		else
			pcb->flags &= ~TF_KEEPALIVE;
		tcp_arm_keepalive(pcb);
		return 0;
	case TCP_OPT_KEEPIDLE:
	case TCP_OPT_KEEPINTVL:
		if (val < 1 || val > 32767)
			return -EINVAL;
		if (opt == TCP_OPT_KEEPIDLE)
			pcb->keep_idle_ms = (uint32_t)val * 1000;
		else
			pcb->keep_intvl_ms = (uint32_t)val * 1000;
		tcp_arm_keepalive(pcb);
		return 0;
	case TCP_OPT_KEEPCNT:
		if (val < 1 || val > 127)
			return -EINVAL;
		pcb->keep_cnt = (uint32_t)val;
		return 0;
	case TCP_OPT_SNDBUF:
	case TCP_OPT_RCVBUF:
		/* The buffers (and the window scale derived from the receive
		 * buffer) are fixed once a connection starts. */
		if (val < 0)
			return -EINVAL;
		if (pcb->sbuf || pcb->rbuf || pcb->state != TCP_CLOSED)
			return 0;
		if (opt == TCP_OPT_SNDBUF)
			pcb->sbuf_size = clamp_buf((uint32_t)val);
		else
			pcb->rbuf_size = clamp_buf((uint32_t)val);
		return 0;
	case TCP_OPT_REUSEADDR:
		if (val)
			pcb->flags |= TF_REUSEADDR;
		else
			pcb->flags &= ~TF_REUSEADDR;
		return 0;
	default:
		return -EINVAL;
	}
}

int tcp_getopt(struct tcp_pcb *pcb, enum tcp_opt opt, int *val)
{
	switch (opt) {
	case TCP_OPT_NODELAY:
		*val = !!(pcb->flags & TF_NODELAY);
		return 0;
	case TCP_OPT_KEEPALIVE:
		*val = !!(pcb->flags & TF_KEEPALIVE);
		return 0;
	case TCP_OPT_KEEPIDLE:
		*val = (int)(pcb->keep_idle_ms / 1000);
		return 0;
	case TCP_OPT_KEEPINTVL:
		*val = (int)(pcb->keep_intvl_ms / 1000);
		return 0;
	case TCP_OPT_KEEPCNT:
		*val = (int)pcb->keep_cnt;
		return 0;
	case TCP_OPT_SNDBUF:
		*val = (int)pcb->sbuf_size;
		return 0;
	case TCP_OPT_RCVBUF:
		*val = (int)pcb->rbuf_size;
		return 0;
	case TCP_OPT_REUSEADDR:
		*val = !!(pcb->flags & TF_REUSEADDR);
		return 0;
	case TCP_OPT_MAXSEG:
		*val = pcb->mss ? pcb->mss : TCP_MSS_DEFAULT;
		return 0;
	default:
		return -EINVAL;
	}
}

int tcp_take_error(struct tcp_pcb *pcb)
{
	int e = pcb->error;

	pcb->error = 0;
	return e;
}

enum tcp_state tcp_get_state(const struct tcp_pcb *pcb)
{
	return pcb->state;
}

uint32_t tcp_send_space(const struct tcp_pcb *pcb)
{
	return pcb->sbuf_size - pcb->sbuf_len;
}

uint32_t tcp_recv_avail(const struct tcp_pcb *pcb)
{
	return pcb->rbuf_len;
}

unsigned tcp_poll_events(const struct tcp_pcb *pcb)
{
	unsigned ev = 0;

	if (pcb->state == TCP_LISTEN)
		return pcb->acceptq_len ? TCP_POLL_IN : 0;
	if (pcb->error)
		ev |= TCP_POLL_ERR | TCP_POLL_IN | TCP_POLL_OUT;
	if (pcb->rbuf_len || (pcb->flags & (TF_RCVD_FIN | TF_SHUT_RD)))
		ev |= TCP_POLL_IN;
	if (pcb->flags & TF_RCVD_FIN)
		ev |= TCP_POLL_RDHUP;
	if ((pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT) &&
	    !(pcb->flags & TF_FIN_QUEUED) && pcb->sbuf_len < pcb->sbuf_size)
		ev |= TCP_POLL_OUT;
	if (pcb->state == TCP_CLOSED && (pcb->flags & TF_CONNECTED || pcb->error_fatal))
		ev |= TCP_POLL_HUP | TCP_POLL_IN | TCP_POLL_OUT;
	if ((pcb->flags & TF_RCVD_FIN) && (pcb->flags & TF_FIN_QUEUED))
		ev |= TCP_POLL_HUP;
	return ev;
}

void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = pcb->state;
	info->lip = pcb->lip;
	info->rip = pcb->rip;
	info->lport = pcb->lport;
	info->rport = pcb->rport;
	info->snd_queued = pcb->sbuf_len;
	info->rcv_queued = pcb->rbuf_len;
	info->srtt_ms = pcb->srtt8 / 8;
	info->rto_ms = pcb->rto;
	info->cwnd = pcb->cwnd;
	info->ssthresh = pcb->ssthresh;
	info->mss = pcb->mss;
	info->snd_wnd = pcb->snd_wnd;
	info->rcv_wnd = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	info->retransmits = pcb->retransmits;
	info->snd_wscale = pcb->snd_wscale;
	info->rcv_wscale = pcb->rcv_wscale;
	info->ts_ok = !!(pcb->flags & TF_TS);
}

/* ---- invariants (tests, fuzzing) ---------------------------------------------- */

void tcp_check_invariants(struct tcp_stack *st)
{
	unsigned tw = 0;

	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		KASSERT(p->st == st);
		KASSERT((unsigned)p->state < TCP_NSTATES);
		KASSERT(p->flags & TF_BOUND);
		KASSERT(!(p->flags & TF_DEAD));
		if (p->state == TCP_TIME_WAIT)
			tw++;
		if (p->state == TCP_LISTEN) {
			KASSERT(p->acceptq_len <= p->backlog);
			KASSERT(p->synq_len <= p->synq_max);
			continue;
		}
		KASSERT(p->sbuf_len <= p->sbuf_size);
		KASSERT(p->rbuf_len <= p->rbuf_size);
		if (p->state == TCP_CLOSED)
			continue;
		KASSERT(SEQ_LEQ(p->snd_una, p->snd_nxt));
		KASSERT(SEQ_LEQ(p->snd_nxt, p->snd_max));
		/* The buffer starts at snd_una, one after it while the SYN is
		 * unacknowledged, one before it once the FIN is acknowledged. */
		KASSERT((uint32_t)(p->snd_buf_seq - p->snd_una + 1) <= 2);
		/* Sent data lies within the buffer (plus SYN and FIN). */
		KASSERT(SEQ_LEQ(p->snd_max, p->snd_buf_seq + p->sbuf_len + 1));
		KASSERT(p->ooo_n <= TCP_OOO_MAX);
		for (unsigned i = 0; i < p->ooo_n; i++) {
			KASSERT(SEQ_GT(p->ooo[i].start, p->rcv_nxt));
			KASSERT(SEQ_LT(p->ooo[i].start, p->ooo[i].end));
			KASSERT(p->ooo[i].end - p->rcv_nxt <= p->rbuf_size - p->rbuf_len);
			if (i > 0)
				KASSERT(SEQ_GT(p->ooo[i].start, p->ooo[i - 1].end));
		}
		if (p->state >= TCP_ESTABLISHED)
			KASSERT(p->cwnd >= 1 && p->mss >= 1);
		KASSERT(p->rto >= st->cfg.rto_min_ms || p->rto == st->cfg.rto_initial_ms);
	}
	KASSERT(tw == st->time_wait_count);
	for (struct tcp_pcb *p = st->graveyard; p; p = p->next)
		KASSERT(p->flags & TF_DEAD);
}
