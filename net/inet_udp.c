/*
 * AF_INET SOCK_DGRAM (udp(7)) over the kernel's UDP endpoints (net/udp.h):
 * a socket owns one port of the UDP table, bound explicitly or on its
 * first send or connect (an ephemeral port). Datagrams arrive through the
 * endpoint's recv callback in the net thread and wait in the socket's
 * queue (net/inet_dgram.c).
 *
 * As Linux: a socket bound to a specific address receives only datagrams
 * for it; a connected socket only those from its peer, and gets
 * ECONNREFUSED (once, on its next call) when the peer's port is
 * unreachable; sending to a broadcast address needs SO_BROADCAST (else
 * EACCES); port 0 as a destination is EINVAL; connect with AF_UNSPEC
 * dissolves the association. Sends never block: the datagram goes to IP
 * at once (no send buffer).
 *
 * Lock legend: a socket's fields are dgram_lock's (net/inet_dgram.c). The
 * port table has its own udp_lock (net/udp.c). The kernel is not
 * preempted, so a socket's callback cannot be running while its release
 * unbinds the port.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"
#include "net/udp.h"

#define UDP_MAX_PAYLOAD 65507 /* 65535 - IP header - UDP header */

static const struct proto_ops udp_sock_ops;

static void udp_sock_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
			  const uint8_t *data, size_t len)
{
	struct dgram_sock *d = ctx;
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	bool woke = false;

	if (d->lip && d->lip != dst)
		goto out; /* bound to one address: only datagrams sent to it */
	if (d->connected && (src != d->rip || sport != d->rport))
		goto out;
	woke = dgram_queue_locked(d, src, sport, NULL, 0, data, len);
out:
	spin_unlock_irqrestore(&dgram_lock, fl);
	if (woke)
		waitq_wake_all(&d->c.wq);
}

static void udp_sock_error(void *ctx, uint8_t type, uint8_t code, uint32_t dst, uint16_t dport)
{
	struct dgram_sock *d = ctx;
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	int err = 0;

	/* Linux reports errors only on connected sockets (without IP_RECVERR). */
	if (d->connected && d->rip == dst && d->rport == dport && type == ICMP_DEST_UNREACH) {
		switch (code) {
		case ICMP_PORT_UNREACH:
		case 2: /* protocol */
			err = ECONNREFUSED;
			break;
		case 0:
			err = ENETUNREACH;
			break;
		case 1:
			err = EHOSTUNREACH;
			break;
		default:
			break;
		}
		if (err)
			dgram_set_error_locked(d, err);
	}
	spin_unlock_irqrestore(&dgram_lock, fl);
	if (err)
		waitq_wake_all(&d->c.wq);
}

static const struct udp_ops udp_endpoint_ops = {
	.recv = udp_sock_recv,
	.error = udp_sock_error,
};

/* Take a port (0: an ephemeral one) for d: 0 or -errno. */
static int udp_sock_bind_port(struct dgram_sock *d, uint32_t ip, uint16_t port)
{
	unsigned long fl;
	int r;

	fl = spin_lock_irqsave(&dgram_lock);
	r = d->lport ? -EINVAL : 0;
	spin_unlock_irqrestore(&dgram_lock, fl);
	if (r)
		return r;
	r = udp_bind(port, &udp_endpoint_ops, d);
	if (r == -ENOSPC)
		r = port ? -ENOBUFS : -EADDRINUSE;
	if (r < 0)
		return r;
	fl = spin_lock_irqsave(&dgram_lock);
	d->lport = (uint16_t)r;
	d->lip = ip;
	spin_unlock_irqrestore(&dgram_lock, fl);
	return 0;
}

static int udp_autobind(struct dgram_sock *d)
{
	return d->lport ? 0 : udp_sock_bind_port(d, 0, 0);
}

static int udp_sock_bind(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct dgram_sock *d = s->sk;
	uint32_t ip = 0;
	uint16_t port = 0;
	int err = inet_addr_in(addr, len, &ip, &port);

	if (err == -EAFNOSUPPORT && inet_addr_unspec(addr, len) && ip == 0)
		err = 0;
	if (err)
		return err;
	if (!inet_addr_bindable(ip) && !ipv4_is_multicast(ip))
		return -EADDRNOTAVAIL;
	if (port && port < INET_PROT_SOCK && !inet_privileged())
		return -EACCES;
	return udp_sock_bind_port(d, ip, port);
}

static int udp_sock_connect(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct dgram_sock *d = s->sk;
	struct netdev *dev;
	uint32_t rip, src = 0, nexthop;
	uint16_t rport;
	int err;

	if (inet_addr_unspec(addr, len)) {
		dgram_disconnect(d);
		return 0;
	}
	err = inet_addr_in(addr, len, &rip, &rport);
	if (err)
		return err;
	if (rip == 0)
		rip = IPV4(127, 0, 0, 1);
	if (inet_is_broadcast(rip) && !d->c.broadcast)
		return -EACCES;
	if (rip != IPV4_BROADCAST) {
		err = ipv4_route_lookup(rip, &dev, &nexthop, &src);
		if (err)
			return err;
	}
	err = udp_autobind(d);
	if (err)
		return err;
	dgram_set_peer(d, rip, rport, src);
	return 0;
}

static long udp_sock_sendmsg(struct socket *s, struct sock_msg *m)
{
	struct dgram_sock *d = s->sk;
	uint32_t dst, src;
	uint16_t dport, sport;
	unsigned long fl;
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	/* Linux's inet_send_prepare binds a port before anything else. */
	err = udp_autobind(d);
	if (err)
		return err;
	if (m->len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (m->addr && !inet_addr_unspec(m->addr, m->addrlen)) {
		err = inet_addr_in(m->addr, m->addrlen, &dst, &dport);
		if (err)
			return err;
		if (dst == 0)
			dst = IPV4(127, 0, 0, 1);
	} else {
		fl = spin_lock_irqsave(&dgram_lock);
		dst = d->rip;
		dport = d->rport;
		err = d->connected ? 0 : -EDESTADDRREQ;
		spin_unlock_irqrestore(&dgram_lock, fl);
		if (err)
			return err;
	}
	if (dport == 0)
		return -EINVAL;
	if (d->shut & 2)
		return -EPIPE;
	if (!d->c.broadcast && inet_is_broadcast(dst))
		return -EACCES;
	err = dgram_take_error(d);
	if (err)
		return err;
	fl = spin_lock_irqsave(&dgram_lock);
	sport = d->lport;
	src = d->lip;
	spin_unlock_irqrestore(&dgram_lock, fl);
	if (src == IPV4_BROADCAST || ipv4_is_multicast(src))
		src = 0;
	err = udp_sendto(sport, src, dst, dport, m->data, m->len);
	if (err == -ENETDOWN)
		err = -ENETUNREACH;
	return err ? err : (long)m->len;
}

static void udp_sock_release(struct socket *s)
{
	struct dgram_sock *d = s->sk;

	if (d->lport)
		udp_unbind(d->lport);
	dgram_sock_free(d);
}

static const struct proto_ops udp_sock_ops = {
	.family = AF_INET,
	.bind = udp_sock_bind,
	.connect = udp_sock_connect,
	.sendmsg = udp_sock_sendmsg,
	.recvmsg = dgram_recvmsg,
	.shutdown = dgram_shutdown,
	.getname = dgram_getname,
	.getsockopt = dgram_getsockopt,
	.setsockopt = dgram_setsockopt,
	.poll = dgram_poll,
	.ioctl = dgram_ioctl,
	.get_error = dgram_get_error,
	.release = udp_sock_release,
};

int inet_udp_create(struct socket *s, int protocol)
{
	if (!dgram_sock_new(s, DGRAM_UDP, protocol))
		return -ENOMEM;
	s->ops = &udp_sock_ops;
	return 0;
}

void inet_udp_init(void)
{
}

/* ---- /proc/net/udp ---------------------------------------------------------------- */

int inet_udp_proc_show(char *buf, size_t size, void *arg)
{
	size_t off = (size_t)ksnprintf(buf, size, "%-127s\n",
				       "   sl  local_address rem_address   st tx_queue rx_queue tr "
				       "tm->when retrnsmt   uid  timeout inode ref pointer drops");
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	int i = 0;

	for (struct dgram_sock *d = dgram_socks; d; d = d->next) {
		char line[160];
		uint32_t lip = d->lip ? d->lip : d->conn_src;
		if (d->kind != DGRAM_UDP || !d->lport)
			continue;
		/* State 07 (TCP_CLOSE) unbound-peer, 01 (ESTABLISHED) connected. */
		ksnprintf(line, sizeof(line),
			  "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d "
			  "%lu 2 0000000000000000 %llu",
			  i++, net_htonl(lip), d->lport, net_htonl(d->rip), d->rport,
			  d->connected ? 1 : 7, 0, (unsigned)d->bytes, 0, 0, 0ul,
			  (unsigned long long)d->drops);
		off += (size_t)ksnprintf(off < size ? buf + off : NULL, off < size ? size - off : 0,
					 "%-127s\n", line);
	}
	spin_unlock_irqrestore(&dgram_lock, fl);
	return (int)off;
}

unsigned inet_udp_sockets(void)
{
	unsigned long fl = spin_lock_irqsave(&dgram_lock);
	unsigned n = 0;

	for (struct dgram_sock *d = dgram_socks; d; d = d->next)
		n += d->kind == DGRAM_UDP;
	spin_unlock_irqrestore(&dgram_lock, fl);
	return n;
}
