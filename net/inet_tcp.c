/*
 * AF_INET SOCK_STREAM (tcp(7)) over the pure TCP engine (net/tcp.h), as
 * its "What the socket glue must do" section in docs/tcp.md asks:
 *
 *  - one engine instance for the whole kernel, serialised by tcp_lock (a
 *    mutex; no engine call sleeps, so it is never held across a sleep);
 *    tcp_enter()/tcp_leave() bracket every engine call: enter sets the
 *    engine's clock, leave re-arms the timer to tcp_next_deadline();
 *  - input: IPv4 protocol 6 delivers to tcp_input in the net thread
 *    (broadcast and multicast destinations dropped first); ICMP
 *    destination unreachables go to tcp_icmp_error, which fails a
 *    connection in SYN_SENT;
 *  - output: the engine's ip_output is ipv4_output; the MSS comes from the
 *    route's interface MTU;
 *  - timers: the "tcp" kernel thread sleeps until the engine's deadline
 *    (or until a call makes it earlier) and runs tcp_poll;
 *  - events: the engine's callback only bumps the socket's event count and
 *    wakes its sleepers (inet_wake); it never calls back in.
 *
 * Socket semantics follow Linux's inet_stream_connect, tcp_sendmsg,
 * tcp_recvmsg and tcp_poll: a second connect while one is in progress is
 * EALREADY, after it completed 0 once and then EISCONN, after it failed
 * the error once (then ECONNABORTED) and the socket may connect again;
 * a nonblocking connect is EINPROGRESS and reports through POLLOUT and
 * SO_ERROR; SO_LINGER with a zero time closes with RST.
 *
 * Lock legend: tcp_lock guards the engine, every pcb and every
 * tcp_sock's pcb/connecting fields. tcp_armed/tcp_rearm are written under
 * tcp_lock and read by the timer thread's wait condition.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/random.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/sched.h"
#include "net/icmp.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/inet.h"
#include "net/tcp.h"

struct tcp_sock {
	struct inet_common c; /* first: inet_common helpers take it */
	struct tcp_pcb *pcb;  /* tcp_lock */
	bool connecting;      /* connect() started and not yet reported; tcp_lock */
	bool nodelay;
	int keepidle, keepintvl, keepcnt; /* 0: the engine's default */
};

static struct mutex tcp_lock = MUTEX_INIT;
static struct tcp_stack *tcp_st; /* set once at boot */
static struct waitq tcp_timer_wq = WAITQ_INIT;
static volatile uint64_t tcp_armed = UINT64_MAX; /* the timer thread's deadline */
static volatile int tcp_rearm;			 /* a call made the deadline earlier */
static bool tcp_batch_open;			 /* net thread only: its input began a batch */
static unsigned tcp_nsockets;			 /* tcp_lock; /proc/net/sockstat */

static const struct proto_ops tcp_ops;

/* ---- the engine under its lock ------------------------------------------------ */

static void tcp_enter(void)
{
	mutex_lock(&tcp_lock);
	tcp_set_time(tcp_st, net_now_ms());
}

static void tcp_leave(void)
{
	uint64_t d = tcp_next_deadline(tcp_st);
	bool kick = d < tcp_armed;

	if (kick) {
		tcp_armed = d;
		tcp_rearm = 1;
	}
	mutex_unlock(&tcp_lock);
	if (kick)
		waitq_wake_all(&tcp_timer_wq);
}

static bool rearm_asked(void *arg)
{
	return __atomic_load_n(&tcp_rearm, __ATOMIC_SEQ_CST) != 0;
}

static void tcp_timer_thread(void *arg)
{
	for (;;) {
		uint64_t now, d;
		unsigned wait;

		mutex_lock(&tcp_lock);
		now = net_now_ms();
		if (tcp_next_deadline(tcp_st) <= now)
			tcp_poll(tcp_st, now);
		d = tcp_next_deadline(tcp_st);
		tcp_armed = d;
		tcp_rearm = 0;
		mutex_unlock(&tcp_lock);
		if (d == UINT64_MAX)
			wait = 0; /* nothing due: sleep until a call arms a timer */
		else
			wait = d > now ? (unsigned)MIN(d - now, (uint64_t)3600000) : 1;
		waitq_wait(&tcp_timer_wq, rearm_asked, NULL, wait);
	}
}

static int tcp_ip_output(void *ctx, uint32_t src, uint32_t dst, uint8_t proto, const void *buf,
			 size_t len)
{
	return ipv4_output(src, dst, proto, buf, len);
}

static void tcp_random(void *ctx, void *buf, size_t len)
{
	random_get_bytes(buf, len);
}

static unsigned tcp_route_mtu(void *ctx, uint32_t dst)
{
	struct netdev *dev;
	uint32_t nexthop, src;

	if (ipv4_route_lookup(dst, &dev, &nexthop, &src))
		return 0;
	return dev->mtu;
}

static void tcp_event_cb(void *ctx, struct tcp_pcb *pcb, void *user, unsigned events)
{
	struct tcp_sock *t = user;

	if (t)
		inet_wake(&t->c);
}

static void tcp_deliver(void *ctx, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();

	if (rx && rx->to_broadcast)
		return; /* RFC 1122 4.2.3.10: no TCP to broadcast or multicast */
	mutex_lock(&tcp_lock);
	if (!tcp_batch_open) {
		tcp_batch_begin(tcp_st);
		tcp_batch_open = true;
	}
	tcp_input(tcp_st, src, dst, seg, len, net_now_ms());
	tcp_leave();
}

/* The net thread's poll is over (ipv4_batch_end): send what it held. */
static void tcp_batch_done(void *ctx)
{
	if (!tcp_batch_open)
		return;
	mutex_lock(&tcp_lock);
	tcp_batch_open = false;
	tcp_batch_end(tcp_st, net_now_ms());
	tcp_leave();
}

static void tcp_icmp(void *ctx, uint8_t type, uint8_t code, uint32_t orig_src, uint32_t orig_dst,
		     const uint8_t *payload, size_t len)
{
	tcp_enter();
	tcp_icmp_error(tcp_st, type, code, orig_src, orig_dst, payload, len);
	tcp_leave();
}

static const struct tcp_stack_ops tcp_stack_ops = {
	.ip_output = tcp_ip_output,
	.random = tcp_random,
	.route_mtu = tcp_route_mtu,
	.event = tcp_event_cb,
};

void inet_tcp_init(void)
{
	struct thread *th;

	tcp_st = tcp_stack_create(&tcp_stack_ops, NULL, NULL, net_now_ms());
	if (!tcp_st)
		panic("tcp: no memory for the stack");
	if (ipv4_register_proto(IPPROTO_TCP, tcp_deliver, NULL))
		pr_err("tcp: protocol 6 already registered\n");
	if (ipv4_register_batch_end(IPPROTO_TCP, tcp_batch_done))
		pr_err("tcp: cannot register the batch end\n");
	icmp_register_err(IPPROTO_TCP, tcp_icmp, NULL);
	th = thread_create("tcp", tcp_timer_thread, NULL, -10, 0);
	if (!th)
		panic("tcp: cannot start the timer thread");
	thread_detach(th);
}

/* ---- sockets ------------------------------------------------------------------ */

static struct tcp_sock *tcp_sock_new(struct socket *s)
{
	struct tcp_sock *t = kzalloc(sizeof(*t));

	if (t)
		inet_common_init(&t->c, s, IPPROTO_TCP);
	return t;
}

/* A fresh pcb carrying the socket's options; tcp_lock held. */
static struct tcp_pcb *pcb_new_locked(struct tcp_sock *t)
{
	struct tcp_pcb *pcb = tcp_pcb_new(tcp_st, t);

	if (!pcb)
		return NULL;
	tcp_setopt(pcb, TCP_OPT_REUSEADDR, t->c.reuseaddr);
	tcp_setopt(pcb, TCP_OPT_NODELAY, t->nodelay);
	if (t->c.rcvbuf)
		tcp_setopt(pcb, TCP_OPT_RCVBUF, t->c.rcvbuf);
	if (t->c.sndbuf)
		tcp_setopt(pcb, TCP_OPT_SNDBUF, t->c.sndbuf);
	if (t->keepidle)
		tcp_setopt(pcb, TCP_OPT_KEEPIDLE, t->keepidle);
	if (t->keepintvl)
		tcp_setopt(pcb, TCP_OPT_KEEPINTVL, t->keepintvl);
	if (t->keepcnt)
		tcp_setopt(pcb, TCP_OPT_KEEPCNT, t->keepcnt);
	tcp_setopt(pcb, TCP_OPT_KEEPALIVE, t->c.keepalive);
	return pcb;
}

int inet_tcp_create(struct socket *s, int protocol)
{
	struct tcp_sock *t = tcp_sock_new(s);

	if (!t)
		return -ENOMEM;
	tcp_enter();
	t->pcb = pcb_new_locked(t);
	if (t->pcb)
		tcp_nsockets++;
	tcp_leave();
	if (!t->pcb) {
		kfree(t);
		return -ENOMEM;
	}
	s->sk = t;
	s->ops = &tcp_ops;
	return 0;
}

static int tcp_sock_bind(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct tcp_sock *t = s->sk;
	uint32_t ip = 0;
	uint16_t port = 0;
	int err = inet_addr_in(addr, len, &ip, &port);

	/* Linux accepts AF_UNSPEC with INADDR_ANY for compatibility. */
	if (err == -EAFNOSUPPORT && inet_addr_unspec(addr, len) && ip == 0)
		err = 0;
	if (err)
		return err;
	if (!inet_addr_bindable(ip) || ip == IPV4_BROADCAST || ipv4_is_multicast(ip))
		return -EADDRNOTAVAIL;
	if (port && port < INET_PROT_SOCK && !inet_privileged())
		return -EACCES;
	tcp_enter();
	tcp_setopt(t->pcb, TCP_OPT_REUSEADDR, t->c.reuseaddr);
	err = tcp_bind(t->pcb, ip, port);
	tcp_leave();
	return err;
}

static int tcp_sock_listen(struct socket *s, int backlog)
{
	struct tcp_sock *t = s->sk;
	int err;

	tcp_enter();
	if (t->connecting || tcp_get_state(t->pcb) != TCP_CLOSED)
		err = tcp_get_state(t->pcb) == TCP_LISTEN ? tcp_listen(t->pcb, backlog) : -EINVAL;
	else
		err = tcp_listen(t->pcb, backlog);
	tcp_leave();
	return err;
}

static int tcp_sock_accept(struct socket *s, struct socket *ns)
{
	struct tcp_sock *t = s->sk, *nt = tcp_sock_new(ns);
	uint64_t deadline = inet_deadline(t->c.rcvtimeo_ms);
	struct tcp_pcb *child;
	unsigned left;
	uint32_t seen;
	int err;

	if (!nt)
		return -ENOMEM;
	/* Options an accepted socket inherits from its listener. */
	nt->c.rcvtimeo_ms = t->c.rcvtimeo_ms;
	nt->c.sndtimeo_ms = t->c.sndtimeo_ms;
	nt->c.keepalive = t->c.keepalive;
	nt->c.linger_on = t->c.linger_on;
	nt->c.linger_s = t->c.linger_s;
	nt->c.reuseaddr = t->c.reuseaddr;
	nt->nodelay = t->nodelay;
	for (;;) {
		tcp_enter();
		if (tcp_get_state(t->pcb) != TCP_LISTEN) {
			tcp_leave();
			err = -EINVAL;
			break;
		}
		seen = t->c.seq;
		child = tcp_accept_next(t->pcb, nt);
		if (child) {
			nt->pcb = child;
			tcp_setopt(child, TCP_OPT_NODELAY, nt->nodelay);
			tcp_setopt(child, TCP_OPT_KEEPALIVE, nt->c.keepalive);
			tcp_nsockets++;
		}
		tcp_leave();
		if (child) {
			ns->sk = nt;
			ns->ops = &tcp_ops;
			return 0;
		}
		if (inet_nonblock(&t->c, 0)) {
			err = -EAGAIN;
			break;
		}
		err = inet_time_left(deadline, &left);
		if (!err)
			err = inet_wait(&t->c, seen, left);
		if (err)
			break;
	}
	kfree(nt);
	return err;
}

/* Replace a failed or disconnected pcb with a fresh one; tcp_lock held. */
static int pcb_renew_locked(struct tcp_sock *t)
{
	struct tcp_pcb *pcb = pcb_new_locked(t);

	if (!pcb)
		return -ENOMEM;
	tcp_abort(t->pcb);
	t->pcb = pcb;
	return 0;
}

static bool synchronized(enum tcp_state st)
{
	return st >= TCP_ESTABLISHED;
}

/* Wait for connect()'s outcome; tcp_lock held on entry and on return. */
static int connect_wait_locked(struct tcp_sock *t, bool nonblock)
{
	uint64_t deadline = inet_deadline(t->c.sndtimeo_ms);
	enum tcp_state st;
	unsigned left;
	uint32_t seen;
	int err;

	for (;;) {
		st = tcp_get_state(t->pcb);
		if (st == TCP_SYN_SENT || st == TCP_SYN_RCVD) {
			if (nonblock)
				return -EALREADY;
			seen = t->c.seq;
			tcp_leave();
			err = inet_time_left(deadline, &left);
			if (!err)
				err = inet_wait(&t->c, seen, left);
			tcp_enter();
			if (err == -EAGAIN)
				return -EINPROGRESS; /* SO_SNDTIMEO passed, as Linux */
			if (err)
				return err;
			continue;
		}
		t->connecting = false;
		if (synchronized(st))
			return 0;
		/* It failed: the error once, then the socket can connect again. */
		err = tcp_take_error(t->pcb);
		if (!err)
			err = -ECONNABORTED;
		pcb_renew_locked(t);
		return err;
	}
}

static int tcp_sock_connect(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct tcp_sock *t = s->sk;
	bool nonblock = inet_nonblock(&t->c, 0);
	struct tcp_info info;
	struct netdev *dev;
	uint32_t rip, lip, nexthop;
	uint16_t rport;
	int err;

	if (inet_addr_unspec(addr, len)) {
		/* AF_UNSPEC: disconnect (Linux's tcp_disconnect), reset the peer. */
		tcp_enter();
		err = tcp_get_state(t->pcb) == TCP_CLOSED && !t->connecting ? 0
									    : pcb_renew_locked(t);
		t->connecting = false;
		tcp_leave();
		inet_wake(&t->c);
		return err;
	}
	err = inet_addr_in(addr, len, &rip, &rport);
	if (err)
		return err;
	if (rip == 0)
		rip = IPV4(127, 0, 0, 1); /* INADDR_ANY means this host, as on Linux */
	if (rip == IPV4_BROADCAST || ipv4_is_multicast(rip))
		return -ENETUNREACH;
	tcp_enter();
	if (t->connecting) {
		err = connect_wait_locked(t, nonblock);
		goto out;
	}
	tcp_get_info(t->pcb, &info);
	if (info.state != TCP_CLOSED) {
		err = -EISCONN;
		goto out;
	}
	if (rport == 0) {
		err = -ECONNREFUSED; /* Linux sends the SYN and gets refused */
		goto out;
	}
	lip = info.lip;
	if (!lip) {
		err = ipv4_route_lookup(rip, &dev, &nexthop, &lip);
		if (err)
			goto out;
	}
	err = tcp_open_active(t->pcb, lip, rip, rport);
	if (err)
		goto out;
	t->connecting = true;
	if (nonblock) {
		err = -EINPROGRESS;
		goto out;
	}
	err = connect_wait_locked(t, false);
out:
	tcp_leave();
	return err;
}

/*
 * What send and receive do after a try that moved nothing (r < 0): wait
 * for the socket to change when r is -EAGAIN and the call may block (0:
 * try again), else the call's result: the bytes moved so far, or r.
 */
static long stream_wait(struct tcp_sock *t, long r, size_t done, unsigned flags, uint64_t deadline,
			uint32_t seen)
{
	unsigned left;

	if (r == -EAGAIN && !inet_nonblock(&t->c, flags)) {
		r = inet_time_left(deadline, &left);
		if (!r)
			r = inet_wait(&t->c, seen, left);
		if (!r)
			return 0;
	}
	return done ? (long)done : r;
}

static long tcp_sock_sendmsg(struct socket *s, struct sock_msg *m)
{
	struct tcp_sock *t = s->sk;
	uint64_t deadline = inet_deadline(t->c.sndtimeo_ms);
	const uint8_t *p = m->data;
	size_t done = 0;
	uint32_t seen;
	long r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		tcp_enter();
		seen = t->c.seq;
		r = tcp_send(t->pcb, p + done, m->len - done);
		tcp_leave();
		if (r > 0) {
			done += (size_t)r;
			if (done == m->len)
				break;
			continue;
		}
		if (r == 0)
			break;
		if (r == -ENOTCONN)
			r = -EPIPE; /* never connected, or listening: Linux says EPIPE */
		r = stream_wait(t, r, done, m->flags, deadline, seen);
		if (r)
			return r;
	}
	return (long)done;
}

static long tcp_sock_recvmsg(struct socket *s, struct sock_msg *m)
{
	struct tcp_sock *t = s->sk;
	bool peek = m->flags & MSG_PEEK;
	bool waitall = (m->flags & MSG_WAITALL) && !peek;
	uint64_t deadline = inet_deadline(t->c.rcvtimeo_ms);
	uint8_t *p = m->data;
	size_t done = 0;
	uint32_t seen;
	long r;

	if (m->flags & MSG_OOB)
		return -EINVAL; /* no urgent data is ever kept */
	m->flags &= ~(unsigned)(MSG_TRUNC | MSG_CTRUNC);
	if (m->addr)
		m->addrlen = 0;
	if (m->len == 0)
		return 0;
	for (;;) {
		tcp_enter();
		seen = t->c.seq;
		r = tcp_recv(t->pcb, p + done, m->len - done, peek);
		tcp_leave();
		if (r > 0) {
			done += (size_t)r;
			if (!waitall || done == m->len)
				break;
			continue;
		}
		if (r == 0)
			break;
		r = stream_wait(t, r, done, m->flags, deadline, seen);
		if (r)
			return r;
	}
	return (long)done;
}

static int tcp_sock_shutdown(struct socket *s, int how)
{
	struct tcp_sock *t = s->sk;
	enum tcp_state st;
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	tcp_enter();
	st = tcp_get_state(t->pcb);
	if (st == TCP_CLOSED) {
		err = -ENOTCONN;
	} else if (st != TCP_LISTEN) {
		if (how != SHUT_WR)
			tcp_shutdown_read(t->pcb);
		if (how != SHUT_RD)
			err = tcp_shutdown_write(t->pcb);
	}
	tcp_leave();
	inet_wake(&t->c);
	return err;
}

static int tcp_sock_getname(struct socket *s, void *addr, unsigned *len, bool peer)
{
	struct tcp_sock *t = s->sk;
	struct tcp_info info;

	tcp_enter();
	tcp_get_info(t->pcb, &info);
	tcp_leave();
	if (!peer) {
		inet_addr_out(addr, len, info.lip, info.lport);
		return 0;
	}
	if (info.state == TCP_CLOSED || info.state == TCP_LISTEN || info.state == TCP_SYN_SENT)
		return -ENOTCONN;
	inet_addr_out(addr, len, info.rip, info.rport);
	return 0;
}

static unsigned tcp_sock_poll(struct socket *s, struct poll_table *pt)
{
	struct tcp_sock *t = s->sk;
	unsigned ev, mask = 0;
	enum tcp_state st;

	poll_wait(pt, &t->c.wq);
	tcp_enter();
	ev = tcp_poll_events(t->pcb);
	st = tcp_get_state(t->pcb);
	tcp_leave();
	if (ev & TCP_POLL_IN)
		mask |= POLLIN | POLLRDNORM;
	if (ev & TCP_POLL_OUT)
		mask |= POLLOUT | POLLWRNORM;
	if (ev & TCP_POLL_ERR)
		mask |= POLLERR;
	if (ev & TCP_POLL_HUP)
		mask |= POLLHUP;
	if (ev & TCP_POLL_RDHUP)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	/* A socket that never connected: Linux's tcp_poll says HUP and OUT. */
	if (st == TCP_CLOSED && !(ev & TCP_POLL_HUP))
		mask |= POLLOUT | POLLWRNORM | POLLHUP;
	return mask;
}

static int tcp_sock_ioctl(struct socket *s, unsigned cmd, unsigned long arg)
{
	struct tcp_sock *t = s->sk;
	struct tcp_info info;
	int n;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return inet_dev_ioctl(cmd, arg);
	tcp_enter();
	tcp_get_info(t->pcb, &info);
	tcp_leave();
	if (info.state == TCP_LISTEN)
		return -EINVAL;
	n = (int)(cmd == SIOCINQ ? info.rcv_queued : info.snd_queued);
	return copy_to_user((void *)arg, &n, sizeof(n));
}

static int tcp_sock_get_error(struct socket *s)
{
	struct tcp_sock *t = s->sk;
	int e;

	tcp_enter();
	e = tcp_take_error(t->pcb);
	tcp_leave();
	return e;
}

static int tcp_sock_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	struct tcp_sock *t = s->sk;
	enum tcp_opt opt;
	int v = 0, err;

	if (level == SOL_SOCKET) {
		err = inet_common_setsockopt(&t->c, name, val, len);
		if (err)
			return err;
		tcp_enter();
		switch (name) {
		case SO_REUSEADDR:
			tcp_setopt(t->pcb, TCP_OPT_REUSEADDR, t->c.reuseaddr);
			break;
		case SO_KEEPALIVE:
			tcp_setopt(t->pcb, TCP_OPT_KEEPALIVE, t->c.keepalive);
			break;
		case SO_RCVBUF:
			tcp_setopt(t->pcb, TCP_OPT_RCVBUF, t->c.rcvbuf);
			break;
		case SO_SNDBUF:
			tcp_setopt(t->pcb, TCP_OPT_SNDBUF, t->c.sndbuf);
			break;
		}
		tcp_leave();
		return 0;
	}
	if (level == SOL_IP)
		return name == IP_TOS || name == IP_TTL || name == IP_RECVERR ||
				       name == IP_MTU_DISCOVER
			       ? inet_get_int(val, len, &v)
			       : -ENOPROTOOPT;
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	err = inet_get_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		t->nodelay = v != 0;
		opt = TCP_OPT_NODELAY;
		break;
	case TCP_KEEPIDLE:
		opt = TCP_OPT_KEEPIDLE;
		break;
	case TCP_KEEPINTVL:
		opt = TCP_OPT_KEEPINTVL;
		break;
	case TCP_KEEPCNT:
		opt = TCP_OPT_KEEPCNT;
		break;
	case TCP_MAXSEG:
		return v < 0 || v > 65535 ? -EINVAL : 0; /* accepted, not applied */
	case TCP_CORK:
	case TCP_QUICKACK:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	tcp_enter();
	err = tcp_setopt(t->pcb, opt, v);
	tcp_leave();
	if (!err && name == TCP_KEEPIDLE)
		t->keepidle = v;
	if (!err && name == TCP_KEEPINTVL)
		t->keepintvl = v;
	if (!err && name == TCP_KEEPCNT)
		t->keepcnt = v;
	return err;
}

static int tcp_sock_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	struct tcp_sock *t = s->sk;
	enum tcp_opt opt;
	int v = 0, err;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ACCEPTCONN:
			tcp_enter();
			v = tcp_get_state(t->pcb) == TCP_LISTEN;
			tcp_leave();
			return inet_put_int(val, len, v);
		case SO_RCVBUF:
		case SO_SNDBUF:
			tcp_enter();
			tcp_getopt(t->pcb, name == SO_RCVBUF ? TCP_OPT_RCVBUF : TCP_OPT_SNDBUF, &v);
			tcp_leave();
			return inet_put_int(val, len, v);
		default:
			return inet_common_getsockopt(&t->c, name, val, len);
		}
	}
	if (level == SOL_IP) {
		if (name == IP_TTL)
			return inet_put_int(val, len, IPV4_DEFAULT_TTL);
		if (name == IP_TOS)
			return inet_put_int(val, len, 0);
		return -ENOPROTOOPT;
	}
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case TCP_NODELAY:
		opt = TCP_OPT_NODELAY;
		break;
	case TCP_MAXSEG:
		opt = TCP_OPT_MAXSEG;
		break;
	case TCP_KEEPIDLE:
		opt = TCP_OPT_KEEPIDLE;
		break;
	case TCP_KEEPINTVL:
		opt = TCP_OPT_KEEPINTVL;
		break;
	case TCP_KEEPCNT:
		opt = TCP_OPT_KEEPCNT;
		break;
	case TCP_CORK:
	case TCP_QUICKACK:
		return inet_put_int(val, len, 0);
	default:
		return -ENOPROTOOPT;
	}
	tcp_enter();
	err = tcp_getopt(t->pcb, opt, &v);
	tcp_leave();
	return err ? err : inet_put_int(val, len, v);
}

static void tcp_sock_release(struct socket *s)
{
	struct tcp_sock *t = s->sk;

	tcp_enter();
	tcp_set_user(t->pcb, NULL);
	if (t->c.linger_on && t->c.linger_s == 0)
		tcp_abort(t->pcb);
	else
		tcp_close(t->pcb);
	tcp_nsockets--;
	tcp_leave();
	kfree(t);
}

static const struct proto_ops tcp_ops = {
	.family = AF_INET,
	.bind = tcp_sock_bind,
	.connect = tcp_sock_connect,
	.listen = tcp_sock_listen,
	.accept = tcp_sock_accept,
	.sendmsg = tcp_sock_sendmsg,
	.recvmsg = tcp_sock_recvmsg,
	.shutdown = tcp_sock_shutdown,
	.getname = tcp_sock_getname,
	.getsockopt = tcp_sock_getsockopt,
	.setsockopt = tcp_sock_setsockopt,
	.poll = tcp_sock_poll,
	.ioctl = tcp_sock_ioctl,
	.get_error = tcp_sock_get_error,
	.release = tcp_sock_release,
};

/* ---- /proc/net/tcp ------------------------------------------------------------- */

/* Linux's numbering of TCP states (include/net/tcp_states.h). */
static const uint8_t linux_state[TCP_NSTATES] = {
	[TCP_CLOSED] = 7,      [TCP_LISTEN] = 10,    [TCP_SYN_SENT] = 2,   [TCP_SYN_RCVD] = 3,
	[TCP_ESTABLISHED] = 1, [TCP_FIN_WAIT_1] = 4, [TCP_FIN_WAIT_2] = 5, [TCP_CLOSE_WAIT] = 8,
	[TCP_CLOSING] = 11,    [TCP_LAST_ACK] = 9,   [TCP_TIME_WAIT] = 6,
};

struct proc_walk {
	char *buf;
	size_t size, off;
	int n;
};

static void proc_line(void *arg, const struct tcp_info *i)
{
	struct proc_walk *w = arg;
	char line[160];
	int n;

	if (i->state == TCP_CLOSED)
		return;
	ksnprintf(line, sizeof(line),
		  "%4d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 %08X %5u %8d %lu", w->n++,
		  net_htonl(i->lip), i->lport, net_htonl(i->rip), i->rport, linux_state[i->state],
		  i->snd_queued, i->state == TCP_LISTEN ? 0 : i->rcv_queued, i->retransmits, 0, 0,
		  0ul);
	n = ksnprintf(w->off < w->size ? w->buf + w->off : NULL,
		      w->off < w->size ? w->size - w->off : 0, "%-149s\n", line);
	w->off += (size_t)n;
}

int inet_tcp_proc_show(char *buf, size_t size, void *arg)
{
	struct proc_walk w = {buf, size, 0, 0};

	w.off = (size_t)ksnprintf(buf, size, "%-149s\n",
				  "  sl  local_address rem_address   st tx_queue rx_queue tr "
				  "tm->when retrnsmt   uid  timeout inode");
	tcp_enter();
	tcp_foreach(tcp_st, proc_line, &w);
	tcp_leave();
	return (int)w.off;
}

static void count_established(void *arg, const struct tcp_info *i)
{
	unsigned *n = arg;

	*n += i->state == TCP_ESTABLISHED || i->state == TCP_CLOSE_WAIT;
}

unsigned inet_tcp_sockets(void)
{
	return tcp_nsockets;
}

void inet_tcp_stats(struct tcp_stats *out, unsigned *established)
{
	tcp_enter();
	*out = *tcp_stack_stats(tcp_st);
	*established = 0;
	tcp_foreach(tcp_st, count_established, established);
	tcp_leave();
}
