/*
 * ICMP sockets (icmp(7)):
 *
 *  - ping sockets, socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), Linux's
 *    unprivileged echo: the user sends an ICMP echo request header plus
 *    data; the kernel puts the socket's id (its "port", chosen at bind or
 *    on the first send) in the header and computes the checksum; echo
 *    replies carrying that id come back as ICMP header plus data. Any
 *    other type or a nonzero code is EINVAL. Open to every user, as with
 *    ping_group_range "0 4294967294".
 *  - raw ICMP sockets, socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), root
 *    only: every ICMP message that arrives is delivered with its IP
 *    header; what is sent is a whole ICMP message, checksum included
 *    (busybox ping, iputils ping as root).
 *
 * Messages come from the ICMP layer's socket hook (icmp_set_sock_hook) in
 * the net thread. Unreachables quoting one of our echo requests become the
 * ping socket's pending error.
 *
 * Lock legend: the sockets' fields and list are dgram_lock's
 * (net/inet_dgram.c); ping_next_id too.
 */
#include <ksvc.h>
#include "kernel/lib/random.h"
#include "kernel/mm/heap.h"
#include "net/icmp.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"

#define PING_MAX_PAYLOAD (65535 - 20 - 8)

static const struct proto_ops ping_ops, raw_ops;
static uint16_t ping_next_id; /* dgram_lock */

/* dgram_lock held. */
static bool id_taken_locked(uint16_t id, const struct dgram_sock *self)
{
	for (struct dgram_sock *d = dgram_socks; d; d = d->next)
		if (d != self && d->kind == DGRAM_PING && d->lport == id)
			return true;
	return false;
}

/* Give a ping socket its id (0: pick one). 0 or -errno. */
static int ping_bind_id(struct dgram_sock *d, uint32_t ip, uint16_t id)
{
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	int err = 0;

	if (d->lport) {
		err = -EINVAL;
	} else if (id) {
		if (id_taken_locked(id, d))
			err = -EADDRINUSE;
	} else {
		for (unsigned tries = 0; tries < 65536 && !id; tries++) {
			uint16_t c = (uint16_t)(ping_next_id++ | 1);
			if (!id_taken_locked(c, d))
				id = c;
		}
		if (!id)
			err = -EADDRINUSE;
	}
	if (!err) {
		d->lport = id;
		d->lip = ip;
	}
	spin_unlock_irqrestore(&dgram_lock, fl);
	return err;
}

static int icmp_sock_bind(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct dgram_sock *d = s->sk;
	unsigned long fl;
	uint32_t ip = 0;
	uint16_t port = 0;
	int err = inet_addr_in(addr, len, &ip, &port);

	if (err)
		return err;
	if (!inet_addr_bindable(ip) || inet_is_broadcast(ip))
		return -EADDRNOTAVAIL;
	if (d->kind == DGRAM_PING)
		return ping_bind_id(d, ip, port);
	fl = spin_lock_irqsave(&dgram_lock);
	d->lip = ip;
	spin_unlock_irqrestore(&dgram_lock, fl);
	return 0;
}

static int icmp_sock_connect(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct dgram_sock *d = s->sk;
	struct netdev *dev;
	uint32_t rip, src = 0, nexthop;
	uint16_t port;
	int err;

	if (inet_addr_unspec(addr, len)) {
		dgram_disconnect(d);
		return 0;
	}
	err = inet_addr_in(addr, len, &rip, &port);
	if (err)
		return err;
	if (rip == 0)
		rip = IPV4(127, 0, 0, 1);
	err = ipv4_route_lookup(rip, &dev, &nexthop, &src);
	if (err)
		return err;
	if (d->kind == DGRAM_PING && !d->lport) {
		err = ping_bind_id(d, 0, 0);
		if (err)
			return err;
	}
	dgram_set_peer(d, rip, 0, src);
	return 0;
}

static long icmp_sock_sendmsg(struct socket *s, struct sock_msg *m)
{
	struct dgram_sock *d = s->sk;
	struct icmp_hdr h;
	unsigned long fl;
	uint32_t dst;
	uint16_t port;
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->addr) {
		err = inet_addr_in(m->addr, m->addrlen, &dst, &port);
		if (err)
			return err;
		if (dst == 0)
			dst = IPV4(127, 0, 0, 1);
	} else {
		fl = spin_lock_irqsave(&dgram_lock);
		dst = d->rip;
		err = d->connected ? 0 : -EDESTADDRREQ;
		spin_unlock_irqrestore(&dgram_lock, fl);
		if (err)
			return err;
	}
	if (inet_is_broadcast(dst) && !d->c.broadcast)
		return -EACCES;
	if (m->len > PING_MAX_PAYLOAD + sizeof(h))
		return -EMSGSIZE;
	if (d->kind == DGRAM_RAW) {
		err = ipv4_output(0, dst, IPPROTO_ICMP, m->data, m->len);
		return err ? err : (long)m->len;
	}
	if (m->len < sizeof(h))
		return -EINVAL;
	memcpy(&h, m->data, sizeof(h));
	if (h.type != ICMP_ECHO || h.code != 0)
		return -EINVAL;
	err = dgram_take_error(d);
	if (err)
		return err;
	if (!d->lport) {
		err = ping_bind_id(d, 0, 0);
		if (err)
			return err;
	}
	err = icmp_send_echo(dst, d->lport, net_ntohs(h.un.echo.seq),
			     (const uint8_t *)m->data + sizeof(h), m->len - sizeof(h));
	if (err == -ENETDOWN)
		err = -ENETUNREACH;
	return err ? err : (long)m->len;
}

/* The hook: every good ICMP message, in the net thread. Sleepers are woken
 * under dgram_lock (sched_lock nests inside it; wait conditions take no
 * lock). */
static void icmp_sock_input(uint32_t src, uint32_t dst, const uint8_t *msg, size_t len)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();
	struct icmp_hdr h;
	unsigned long fl;

	if (len < sizeof(h))
		return;
	memcpy(&h, msg, sizeof(h));
	fl = spin_lock_irqsave(&dgram_lock);
	for (struct dgram_sock *d = dgram_socks; d; d = d->next) {
		bool q = false;
		if (d->kind == DGRAM_PING) {
			if (h.type != ICMP_ECHO_REPLY || d->lport != net_ntohs(h.un.echo.id) ||
			    (d->connected && d->rip != src) || (d->lip && d->lip != dst))
				continue;
			q = dgram_queue_locked(d, src, 0, NULL, 0, msg, len);
		} else if (d->kind == DGRAM_RAW && rx) {
			if ((d->connected && d->rip != src) || (d->lip && d->lip != dst))
				continue;
			q = dgram_queue_locked(d, src, 0, rx->hdr, rx->hlen, msg, len);
		}
		if (q)
			waitq_wake_all(&d->c.wq);
	}
	spin_unlock_irqrestore(&dgram_lock, fl);
}

/* An ICMP error quoting one of our echo requests. */
static void icmp_sock_error(void *ctx, uint8_t type, uint8_t code, uint32_t orig_src,
			    uint32_t orig_dst, const uint8_t *payload, size_t len)
{
	struct dgram_sock *hit = NULL;
	struct icmp_hdr q;
	unsigned long fl;
	int err;

	if (len < sizeof(q) || type != ICMP_DEST_UNREACH)
		return;
	memcpy(&q, payload, sizeof(q));
	if (q.type != ICMP_ECHO)
		return;
	err = code == ICMP_NET_UNREACH				       ? ENETUNREACH
	      : code == ICMP_PORT_UNREACH || code == ICMP_PROT_UNREACH ? ECONNREFUSED
								       : EHOSTUNREACH;
	fl = spin_lock_irqsave(&dgram_lock);
	for (struct dgram_sock *d = dgram_socks; d; d = d->next) {
		if (d->kind == DGRAM_PING && d->lport == net_ntohs(q.un.echo.id)) {
			dgram_set_error_locked(d, err);
			hit = d;
			break;
		}
	}
	spin_unlock_irqrestore(&dgram_lock, fl);
	if (hit)
		waitq_wake_all(&hit->c.wq);
}

static void icmp_sock_release(struct socket *s)
{
	dgram_sock_free(s->sk);
}

static const struct proto_ops ping_ops = {
	.family = AF_INET,
	.bind = icmp_sock_bind,
	.connect = icmp_sock_connect,
	.sendmsg = icmp_sock_sendmsg,
	.recvmsg = dgram_recvmsg,
	.shutdown = dgram_shutdown,
	.getname = dgram_getname,
	.getsockopt = dgram_getsockopt,
	.setsockopt = dgram_setsockopt,
	.poll = dgram_poll,
	.ioctl = dgram_ioctl,
	.get_error = dgram_get_error,
	.release = icmp_sock_release,
};

static const struct proto_ops raw_ops = {
	.family = AF_INET,
	.bind = icmp_sock_bind,
	.connect = icmp_sock_connect,
	.sendmsg = icmp_sock_sendmsg,
	.recvmsg = dgram_recvmsg,
	.shutdown = dgram_shutdown,
	.getname = dgram_getname,
	.getsockopt = dgram_getsockopt,
	.setsockopt = dgram_setsockopt,
	.poll = dgram_poll,
	.ioctl = dgram_ioctl,
	.get_error = dgram_get_error,
	.release = icmp_sock_release,
};

int inet_icmp_create(struct socket *s, int type, int protocol)
{
	bool raw = type == SOCK_RAW;

	if (!dgram_sock_new(s, raw ? DGRAM_RAW : DGRAM_PING, protocol))
		return -ENOMEM;
	s->ops = raw ? &raw_ops : &ping_ops;
	return 0;
}

void inet_icmp_init(void)
{
	uint16_t seed;

	random_get_bytes(&seed, sizeof(seed));
	ping_next_id = seed;
	icmp_set_sock_hook(icmp_sock_input);
	icmp_register_err(IPPROTO_ICMP, icmp_sock_error, NULL);
}
