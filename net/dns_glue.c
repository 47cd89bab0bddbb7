/*
 * The kernel's DNS stub resolver (net/net.h "DNS"): the pure engine of
 * net/dns.c run in the net thread (net/net_work.c), one UDP endpoint on a
 * random ephemeral port (RFC 5452), and dns_resolve() for kernel callers
 * (root=tftp's option 66, later the sockets' resolver needs nothing: user
 * space has its own, fed by /etc/resolv.conf -> /proc/net/pnp).
 *
 * Servers come from the DHCP lease (net/dhcp_glue.c calls
 * net_dns_set_servers). Without any, an interface in QEMU's user network
 * 10.0.2.0/24 uses slirp's resolver 10.0.2.3, so a static
 * ip=10.0.2.15/24,10.0.2.2 can resolve too.
 *
 * Lock legend: `res`, `port` and `timer` belong to the net thread;
 * servers_lock guards the configured list, which any thread may set.
 */
#include <ksvc.h>
#include "kernel/lib/random.h"
#include "kernel/sched/sched.h"
#include "net/dns.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/proto/inet.h"
#include "net/udp.h"

#define SLIRP_NET IPV4(10, 0, 2, 0)
#define SLIRP_DNS IPV4(10, 0, 2, 3)

static struct dns_resolver res; /* net thread */
static int port;		/* net thread; 0 until the first lookup */
static struct net_timer timer;	/* net thread */
static struct waitq done_wq = WAITQ_INIT;

static struct spinlock servers_lock = SPINLOCK_INIT("dns_servers");
static uint32_t servers[DNS_MAX_SERVERS]; /* servers_lock */
static size_t nservers;			  /* servers_lock */
static bool servers_changed;		  /* servers_lock */

static uint32_t dns_random(void *ctx)
{
	return (uint32_t)random_u64();
}

static int dns_send(void *ctx, uint32_t dst, uint16_t dport, const void *buf, size_t len)
{
	return udp_sendto((uint16_t)port, 0, dst, dport, buf, len);
}

static void rearm(void)
{
	net_timer_arm(&timer, dns_next_deadline(&res));
}

static void dns_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const uint8_t *data, size_t len)
{
	dns_input(&res, data, len, src, sport, net_now_ms());
	rearm();
}

static const struct udp_ops dns_udp_ops = {dns_recv, NULL};

static void dns_timer(void *arg)
{
	dns_poll(&res, net_now_ms());
	rearm();
}

/* The list lookups use: the configured one, or slirp's resolver. */
size_t net_dns_get_servers(uint32_t *out, size_t max)
{
	unsigned long fl = spin_lock_irqsave(&servers_lock);
	size_t n = MIN(nservers, max);

	memcpy(out, servers, n * sizeof(*out));
	spin_unlock_irqrestore(&servers_lock, fl);
	if (n || !max)
		return n;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d))
		if (d->hwtype != ARPHRD_LOOPBACK && d->ip_addr &&
		    (d->ip_addr & 0xffffff00u) == SLIRP_NET && d->ip_prefix == 24) {
			out[0] = SLIRP_DNS;
			return 1;
		}
	return 0;
}

void net_dns_set_servers(const uint32_t *list, size_t n)
{
	unsigned long fl = spin_lock_irqsave(&servers_lock);

	nservers = MIN(n, (size_t)DNS_MAX_SERVERS);
	memcpy(servers, list, nservers * sizeof(*list));
	servers_changed = true;
	spin_unlock_irqrestore(&servers_lock, fl);
}

void net_dns_init(void)
{
	static const struct dns_ops ops = {dns_send, dns_random};
	struct dns_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	dns_init(&res, &cfg, &ops, NULL);
	net_timer_init(&timer, dns_timer, NULL);
}

/* Net thread: bring the engine's server list up to date. */
static void sync_servers(void)
{
	uint32_t list[DNS_MAX_SERVERS];
	size_t n = net_dns_get_servers(list, DNS_MAX_SERVERS);
	bool same = n == res.cfg.nservers && memcmp(list, res.cfg.servers, n * sizeof(*list)) == 0;

	if (!same) {
		dns_set_servers(&res, list, n);
		dns_flush(&res); /* answers from the old servers may not hold for the new */
	}
}

struct lookup {
	const char *name;
	struct dns_result *out;
	int ret;
	volatile bool done;
};

static void lookup_done(void *cookie, const char *name, const struct dns_result *r)
{
	struct lookup *l = cookie;

	*l->out = *r;
	l->ret = r->error;
	__atomic_store_n(&l->done, true, __ATOMIC_SEQ_CST);
	waitq_wake_all(&done_wq);
}

static void start_lookup(void *arg)
{
	struct lookup *l = arg;

	if (port <= 0)
		port = net_udp_bind_random(&dns_udp_ops, NULL);
	if (port <= 0) {
		l->ret = port ? port : -ENOSPC;
		l->done = true;
		return;
	}
	sync_servers();
	l->ret = dns_lookup(&res, l->name, net_now_ms(), lookup_done, l, l->out);
	if (l->ret != -EINPROGRESS) {
		if (l->ret == 0)
			l->ret = l->out->error;
		l->done = true;
	}
	rearm();
}

static void cancel_lookup(void *arg)
{
	dns_cancel(&res, lookup_done, arg);
	rearm();
}

static bool lookup_finished(void *arg)
{
	return ((struct lookup *)arg)->done;
}

int dns_resolve_full(const char *name, struct dns_result *out, unsigned timeout_ms)
{
	struct lookup l = {name, out, 0, false};
	int err;

	memset(out, 0, sizeof(*out));
	if (net_in_thread())
		return -EDEADLK; /* it would wait for itself */
	if (dns_parse_ipv4(name, strlen(name), &out->addrs[0]) == 0) {
		out->naddrs = 1;
		strlcpy(out->cname, name, sizeof(out->cname));
		return 0;
	}
	net_call(start_lookup, &l);
	/* Without a caller's limit the engine's own (2 s x servers x 2) ends
	 * the lookup; the extra margin only guards against a lost callback. */
	err = waitq_wait(&done_wq, lookup_finished, &l, timeout_ms ? timeout_ms : 60000);
	if (err) {
		net_call(cancel_lookup, &l); /* afterwards no callback can touch l */
		if (!l.done)
			return -ETIMEDOUT;
	}
	return l.ret;
}

int dns_resolve(const char *name, uint32_t *addr, unsigned timeout_ms)
{
	struct dns_result r; /* about 300 bytes */
	int err = dns_resolve_full(name, &r, timeout_ms);

	if (!err && r.naddrs == 0)
		err = -ENODATA;
	if (!err)
		*addr = r.addrs[0];
	return err;
}
