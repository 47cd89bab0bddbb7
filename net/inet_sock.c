/*
 * The AF_INET family (net/inet.h): socket(AF_INET, ...) picks the protocol
 * glue; this file also holds what the protocols share: sockaddr_in, the
 * SOL_SOCKET options of socket(7) and timed interruptible waits.
 *
 * Sleeping: a socket's sleepers wait on its inet_common.wq for its event
 * count `seq` to move past the value they read under the protocol's lock
 * before the attempt that would have blocked; every protocol event bumps
 * it and wakes them (inet_wake). So no wake-up is lost between the attempt
 * and the sleep, and the protocol's lock is never held while sleeping.
 *
 * Protocol choice as Linux's inet_create: SOCK_STREAM with 0 or
 * IPPROTO_TCP; SOCK_DGRAM with 0 or IPPROTO_UDP, or IPPROTO_ICMP (a ping
 * socket, open to every user: ping_group_range is "0 4294967294" here);
 * SOCK_RAW with IPPROTO_ICMP for root only (EPERM otherwise).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/process.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/inet.h"

struct timeval_k {
	int64_t sec, usec;
};

struct linger_k {
	int32_t onoff, linger;
};

void inet_common_init(struct inet_common *c, struct socket *s, int protocol)
{
	c->sock = s;
	c->protocol = protocol;
	waitq_init(&c->wq);
}

void inet_wake(struct inet_common *c)
{
	__atomic_add_fetch(&c->seq, 1, __ATOMIC_SEQ_CST);
	waitq_wake_all(&c->wq);
}

struct seq_wait {
	struct inet_common *c;
	uint32_t seen;
};

static bool seq_moved(void *arg)
{
	struct seq_wait *w = arg;

	return __atomic_load_n(&w->c->seq, __ATOMIC_SEQ_CST) != w->seen;
}

int inet_wait(struct inet_common *c, uint32_t seen, unsigned timeout_ms)
{
	struct seq_wait w = {c, seen};
	int err = waitq_wait_intr(&c->wq, seq_moved, &w, timeout_ms);

	return err == -ETIMEDOUT ? -EAGAIN : err;
}

uint64_t inet_deadline(unsigned timeout_ms)
{
	return timeout_ms ? arch_time_ns() / 1000000 + timeout_ms : 0;
}

int inet_time_left(uint64_t deadline, unsigned *left_ms)
{
	uint64_t now;

	*left_ms = 0;
	if (!deadline)
		return 0;
	now = arch_time_ns() / 1000000;
	if (now >= deadline)
		return -EAGAIN;
	*left_ms = (unsigned)MIN(deadline - now, (uint64_t)UINT32_MAX);
	return 0;
}

bool inet_nonblock(const struct inet_common *c, unsigned msg_flags)
{
	return (msg_flags & MSG_DONTWAIT) || sock_nonblock(c->sock);
}

/* ---- addresses ---------------------------------------------------------------- */

int inet_addr_in(const void *addr, unsigned len, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in_k sa;

	if (len < sizeof(sa))
		return -EINVAL;
	memcpy(&sa, addr, sizeof(sa));
	if (sa.family != AF_INET)
		return -EAFNOSUPPORT;
	*ip = net_ntohl(sa.addr);
	*port = net_ntohs(sa.port);
	return 0;
}

bool inet_addr_unspec(const void *addr, unsigned len)
{
	uint16_t family;

	if (len < sizeof(family))
		return false;
	memcpy(&family, addr, sizeof(family));
	return family == AF_UNSPEC;
}

void inet_addr_out(void *addr, unsigned *len, uint32_t ip, uint16_t port)
{
	struct sockaddr_in_k sa = {
		.family = AF_INET,
		.port = net_htons(port),
		.addr = net_htonl(ip),
	};

	memcpy(addr, &sa, MIN(*len, (unsigned)sizeof(sa)));
	*len = sizeof(sa);
}

bool inet_addr_bindable(uint32_t ip)
{
	if (ip == 0 || ipv4_is_local(ip) || ip == IPV4_BROADCAST)
		return true;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d))
		if (ipv4_is_broadcast(d, ip))
			return true;
	return false;
}

bool inet_is_broadcast(uint32_t ip)
{
	if (ip == IPV4_BROADCAST)
		return true;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d))
		if (d->ip_addr && ipv4_is_broadcast(d, ip))
			return true;
	return false;
}

bool inet_privileged(void)
{
	struct process *p = current_process();

	return !p || cred_privileged(&p->cred);
}

/* ---- SOL_SOCKET options ---------------------------------------------------------- */

int inet_put_int(void *val, unsigned *len, int v)
{
	/* Linux copies min(len, sizeof(int)); a shorter buffer is allowed. */
	if (*len > sizeof(int))
		*len = sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}

int inet_get_int(const void *val, unsigned len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

static int timeout_in(const void *val, unsigned len, unsigned *ms)
{
	struct timeval_k tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0) {
		*ms = 0; /* Linux treats a negative time as "no wait" after a warning */
		return 0;
	}
	if (tv.sec > UINT32_MAX / 1000 - 1)
		*ms = 0; /* too large: for ever */
	else
		*ms = (unsigned)(tv.sec * 1000 + (tv.usec + 999) / 1000);
	return 0;
}

static int timeout_out(void *val, unsigned *len, unsigned ms)
{
	struct timeval_k tv = {ms / 1000, (int64_t)(ms % 1000) * 1000};

	if (*len < sizeof(tv))
		return -EINVAL;
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

int inet_common_setsockopt(struct inet_common *c, int name, const void *val, unsigned len)
{
	struct linger_k l;
	int v = 0, err;

	switch (name) {
	case SO_RCVTIMEO:
		return timeout_in(val, len, &c->rcvtimeo_ms);
	case SO_SNDTIMEO:
		return timeout_in(val, len, &c->sndtimeo_ms);
	case SO_LINGER:
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		c->linger_on = l.onoff != 0;
		c->linger_s = l.linger < 0 ? 0 : l.linger;
		return 0;
	default:
		break;
	}
	err = inet_get_int(val, len, &v);
	switch (name) {
	case SO_REUSEADDR:
		if (err)
			return err;
		c->reuseaddr = v != 0;
		return 0;
	case SO_KEEPALIVE:
		if (err)
			return err;
		c->keepalive = v != 0;
		return 0;
	case SO_BROADCAST:
		if (err)
			return err;
		c->broadcast = v != 0;
		return 0;
	case SO_RCVBUF:
	case SO_SNDBUF:
		if (err)
			return err;
		if (v < 0)
			v = 0;
		if (name == SO_RCVBUF)
			c->rcvbuf = v;
		else
			c->sndbuf = v;
		return 0;
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_NO_CHECK:
	case SO_PRIORITY:
	case SO_REUSEPORT:
	case SO_RCVLOWAT:
	case SO_TIMESTAMP:
		return err; /* accepted, nothing to tune */
	case SO_SNDLOWAT:
		return err ? err : -ENOPROTOOPT; /* Linux: not changeable */
	case SO_TYPE:
	case SO_ERROR:
	case SO_PROTOCOL:
	case SO_DOMAIN:
	case SO_ACCEPTCONN:
		return -ENOPROTOOPT;
	default:
		return -ENOPROTOOPT;
	}
}

int inet_common_getsockopt(struct inet_common *c, int name, void *val, unsigned *len)
{
	struct linger_k l;

	switch (name) {
	case SO_RCVTIMEO:
		return timeout_out(val, len, c->rcvtimeo_ms);
	case SO_SNDTIMEO:
		return timeout_out(val, len, c->sndtimeo_ms);
	case SO_LINGER:
		if (*len < sizeof(l)) {
			if (*len == 0)
				return 0;
		}
		l.onoff = c->linger_on;
		l.linger = c->linger_s;
		*len = MIN(*len, (unsigned)sizeof(l));
		memcpy(val, &l, *len);
		return 0;
	case SO_REUSEADDR:
		return inet_put_int(val, len, c->reuseaddr);
	case SO_KEEPALIVE:
		return inet_put_int(val, len, c->keepalive);
	case SO_BROADCAST:
		return inet_put_int(val, len, c->broadcast);
	case SO_PROTOCOL:
		return inet_put_int(val, len, c->protocol);
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_NO_CHECK:
	case SO_PRIORITY:
	case SO_REUSEPORT:
	case SO_TIMESTAMP:
		return inet_put_int(val, len, 0);
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		return inet_put_int(val, len, 1);
	default:
		return -ENOPROTOOPT;
	}
}

/* ---- the family ------------------------------------------------------------------ */

static int inet_create(struct socket *s, int type, int protocol)
{
	switch (type) {
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		return inet_tcp_create(s, IPPROTO_TCP);
	case SOCK_DGRAM:
		if (protocol == IPPROTO_ICMP)
			return inet_icmp_create(s, type, protocol);
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		return inet_udp_create(s, IPPROTO_UDP);
	case SOCK_RAW:
		if (!inet_privileged())
			return -EPERM;
		if (protocol != IPPROTO_ICMP)
			return -EPROTONOSUPPORT;
		return inet_icmp_create(s, type, protocol);
	default:
		return -ESOCKTNOSUPPORT;
	}
}

void inet_init(void)
{
	inet_tcp_init();
	inet_udp_init();
	inet_icmp_init();
	inet_proc_init();
	if (sock_register(AF_INET, inet_create))
		pr_err("inet: cannot register AF_INET\n");
}
