/*
 * TCP engine: the calls the socket layer makes (net/tcp.h): bind, listen,
 * connect, accept, send, receive, shutdown, close and abort, options and
 * queries, and the invariant check the tests and fuzzers run. The pcbs
 * these act on live in tcp_pcb.c.
 *
 * References: RFC 9293 3.9 (user calls and their errors), RFC 6335
 * (ephemeral port range), RFC 2525 2.17 (a close with unread data resets
 * the connection), RFC 1122 4.2.3.3 (receiver window updates).
 *
 * Lock legend: all of it runs under the caller's stack lock (net/tcp.h).
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "net/tcp_internal.h"

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
	 * least 8; those beyond the backlog's room wait parked, and SYNs
	 * beyond the queue are dropped (docs/tcp.md). */
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
	tcp_child_detach(pcb);
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
			pcb->sbuf_size = tcp_clamp_buf((uint32_t)val);
		else
			pcb->rbuf_size = tcp_clamp_buf((uint32_t)val);
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

	/* A deferred pcb is alive, and deferred only while a batch is open. */
	KASSERT(st->batching || !st->deferred);
	for (struct tcp_pcb *p = st->deferred; p; p = p->deferred_next) {
		KASSERT(p->flags & TF_DEFERRED);
		KASSERT(!(p->flags & TF_DEAD));
	}
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
			KASSERT(p->synq_parked <= p->synq_len);
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
