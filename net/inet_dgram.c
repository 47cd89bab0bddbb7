/*
 * What the datagram sockets of AF_INET share (net/inet.h): UDP sockets
 * (net/inet_udp.c), ping sockets and raw ICMP sockets (net/inet_icmp.c)
 * keep arriving datagrams in a per-socket queue bounded by SO_RCVBUF
 * (a datagram is admitted while the queue holds less, as Linux does) and
 * share recv, poll, FIONREAD, shutdown, getsockname/getpeername and the
 * options here.
 *
 * Errors from ICMP (port unreachable on a connected UDP socket, host
 * unreachable for a ping) are kept as the socket's pending error and
 * reported once by the next recv or send, or by SO_ERROR.
 *
 * Lock legend: dgram_lock (an IRQ-saving spinlock) guards every field of
 * every dgram_sock after inet_common, and the list of them. Datagrams are
 * queued by the net thread under it; readers copy out under it; wake-ups
 * go out after it is dropped.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "net/inet.h"
#include "net/proto/inet.h"

struct spinlock dgram_lock = SPINLOCK_INIT("dgram");
struct dgram_sock *dgram_socks;

struct dgram_sock *dgram_sock_new(struct socket *s, enum dgram_kind kind, int protocol)
{
	struct dgram_sock *d = kzalloc(sizeof(*d));
	unsigned long fl;

	if (!d)
		return NULL;
	inet_common_init(&d->c, s, protocol);
	d->kind = kind;
	d->limit = DGRAM_RCVBUF_DEFAULT;
	fl = spin_lock_irqsave(&dgram_lock);
	d->next = dgram_socks;
	dgram_socks = d;
	spin_unlock_irqrestore(&dgram_lock, fl);
	s->sk = d;
	return d;
}

static struct dgram *pop_locked(struct dgram_sock *d)
{
	struct dgram *g = d->head;

	if (!g)
		return NULL;
	d->head = g->next;
	if (!d->head)
		d->tail = NULL;
	d->bytes -= g->len;
	d->count--;
	return g;
}

void dgram_sock_free(struct dgram_sock *d)
{
	struct dgram *queued, *g;
	struct dgram_sock **pp;
	unsigned long fl = spin_lock_irqsave(&dgram_lock);

	for (pp = &dgram_socks; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	queued = d->head;
	d->head = d->tail = NULL;
	spin_unlock_irqrestore(&dgram_lock, fl);
	while ((g = queued)) {
		queued = g->next;
		kfree(g);
	}
	kfree(d);
}

bool dgram_queue_locked(struct dgram_sock *d, uint32_t src, uint16_t sport, const void *pre,
			size_t prelen, const void *data, size_t len)
{
	struct dgram *g;

	if (d->bytes >= d->limit || (d->shut & 1)) {
		d->drops++;
		return false;
	}
	g = kmalloc(sizeof(*g) + prelen + len + 1);
	if (!g) {
		d->drops++;
		return false;
	}
	g->next = NULL;
	g->src = src;
	g->sport = sport;
	g->len = prelen + len;
	if (prelen)
		memcpy(g->data, pre, prelen);
	memcpy(g->data + prelen, data, len);
	if (d->tail)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
	d->bytes += g->len;
	d->count++;
	__atomic_add_fetch(&d->c.seq, 1, __ATOMIC_SEQ_CST);
	return true;
}

void dgram_set_error_locked(struct dgram_sock *d, int err)
{
	d->err = err;
	__atomic_add_fetch(&d->c.seq, 1, __ATOMIC_SEQ_CST);
}

int dgram_take_error(struct dgram_sock *d)
{
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	int e = d->err;

	d->err = 0;
	spin_unlock_irqrestore(&dgram_lock, fl);
	return -e;
}

void dgram_disconnect(struct dgram_sock *d)
{
	unsigned long fl = spin_lock_irqsave(&dgram_lock);

	d->connected = false;
	d->rip = 0;
	d->rport = 0;
	d->conn_src = 0;
	spin_unlock_irqrestore(&dgram_lock, fl);
}

void dgram_set_peer(struct dgram_sock *d, uint32_t rip, uint16_t rport, uint32_t src)
{
	unsigned long fl = spin_lock_irqsave(&dgram_lock);

	d->rip = rip;
	d->rport = rport;
	d->conn_src = src;
	d->connected = true;
	d->err = 0;
	spin_unlock_irqrestore(&dgram_lock, fl);
}

long dgram_recvmsg(struct socket *s, struct sock_msg *m)
{
	struct dgram_sock *d = s->sk;
	bool peek = m->flags & MSG_PEEK, want_len = m->flags & MSG_TRUNC;
	uint64_t deadline = inet_deadline(d->c.rcvtimeo_ms);
	struct dgram *g;
	unsigned long fl;
	unsigned left;
	uint32_t seen;
	size_t n;
	long r;
	int e;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	m->flags &= ~(unsigned)(MSG_TRUNC | MSG_CTRUNC);
	for (;;) {
		fl = spin_lock_irqsave(&dgram_lock);
		seen = d->c.seq;
		if (d->err) {
			e = d->err;
			d->err = 0;
			spin_unlock_irqrestore(&dgram_lock, fl);
			return -e;
		}
		g = d->head;
		if (g) {
			n = MIN(m->len, g->len);
			memcpy(m->data, g->data, n);
			if (n < g->len)
				m->flags |= MSG_TRUNC;
			r = want_len ? (long)g->len : (long)n;
			if (m->addr && m->addrlen)
				inet_addr_out(m->addr, &m->addrlen, g->src, g->sport);
			else if (m->addr)
				m->addrlen = sizeof(struct sockaddr_in_k);
			g = peek ? NULL : pop_locked(d);
			spin_unlock_irqrestore(&dgram_lock, fl);
			kfree(g);
			return r;
		}
		if (d->shut & 1) {
			spin_unlock_irqrestore(&dgram_lock, fl);
			return 0;
		}
		spin_unlock_irqrestore(&dgram_lock, fl);
		if (inet_nonblock(&d->c, m->flags))
			return -EAGAIN;
		r = inet_time_left(deadline, &left);
		if (!r)
			r = inet_wait(&d->c, seen, left);
		if (r)
			return r;
	}
}

int dgram_shutdown(struct socket *s, int how)
{
	struct dgram_sock *d = s->sk;
	unsigned long fl;
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	fl = spin_lock_irqsave(&dgram_lock);
	if (!d->connected)
		err = -ENOTCONN; /* Linux: the flags are still set */
	d->shut |= how + 1;
	spin_unlock_irqrestore(&dgram_lock, fl);
	inet_wake(&d->c);
	return err;
}

int dgram_getname(struct socket *s, void *addr, unsigned *len, bool peer)
{
	struct dgram_sock *d = s->sk;
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	uint32_t ip = peer ? d->rip : (d->lip ? d->lip : d->conn_src);
	uint16_t port = peer ? d->rport : d->lport;
	bool ok = !peer || d->connected;

	spin_unlock_irqrestore(&dgram_lock, fl);
	if (!ok)
		return -ENOTCONN;
	if (d->kind == DGRAM_RAW)
		port = 0;
	inet_addr_out(addr, len, ip, port);
	return 0;
}

unsigned dgram_poll(struct socket *s, struct poll_table *pt)
{
	struct dgram_sock *d = s->sk;
	unsigned mask = POLLOUT | POLLWRNORM;
	unsigned long fl;

	poll_wait(pt, &d->c.wq);
	fl = spin_lock_irqsave(&dgram_lock);
	if (d->head)
		mask |= POLLIN | POLLRDNORM;
	if (d->err)
		mask |= POLLERR;
	if (d->shut & 1)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (d->shut == 3)
		mask |= POLLHUP;
	spin_unlock_irqrestore(&dgram_lock, fl);
	return mask;
}

int dgram_ioctl(struct socket *s, unsigned cmd, unsigned long arg)
{
	struct dgram_sock *d = s->sk;
	unsigned long fl;
	int n;

	if (cmd == SIOCOUTQ) {
		n = 0; /* datagrams leave at once */
		return copy_to_user((void *)arg, &n, sizeof(n));
	}
	if (cmd != SIOCINQ)
		return inet_dev_ioctl(cmd, arg);
	fl = spin_lock_irqsave(&dgram_lock);
	n = d->head ? (int)d->head->len : 0; /* the next datagram, as Linux's UDP */
	spin_unlock_irqrestore(&dgram_lock, fl);
	return copy_to_user((void *)arg, &n, sizeof(n));
}

int dgram_get_error(struct socket *s)
{
	return dgram_take_error(s->sk);
}

int dgram_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	struct dgram_sock *d = s->sk;
	unsigned long fl;
	int v, err;

	if (level == SOL_SOCKET) {
		err = inet_common_setsockopt(&d->c, name, val, len);
		if (!err && name == SO_RCVBUF) {
			/* Linux doubles the value for bookkeeping; the floor is 2304. */
			fl = spin_lock_irqsave(&dgram_lock);
			d->limit = MAX((size_t)d->c.rcvbuf, (size_t)2304);
			spin_unlock_irqrestore(&dgram_lock, fl);
		}
		return err;
	}
	if (level == SOL_IP) {
		switch (name) {
		case IP_TOS:
		case IP_TTL:
		case IP_RECVERR:
		case IP_MTU_DISCOVER:
			return inet_get_int(val, len, &v);
		case IP_HDRINCL:
			return d->kind == DGRAM_RAW ? inet_get_int(val, len, &v) : -ENOPROTOOPT;
		default:
			return -ENOPROTOOPT;
		}
	}
	return -ENOPROTOOPT;
}

int dgram_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	struct dgram_sock *d = s->sk;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_RCVBUF:
			return inet_put_int(val, len, (int)d->limit);
		case SO_SNDBUF:
			return inet_put_int(val, len,
					    d->c.sndbuf ? d->c.sndbuf : DGRAM_RCVBUF_DEFAULT);
		case SO_ACCEPTCONN:
			return inet_put_int(val, len, 0);
		default:
			return inet_common_getsockopt(&d->c, name, val, len);
		}
	}
	if (level == SOL_IP) {
		if (name == IP_TTL)
			return inet_put_int(val, len, 64);
		if (name == IP_TOS)
			return inet_put_int(val, len, 0);
		return -ENOPROTOOPT;
	}
	return -ENOPROTOOPT;
}
