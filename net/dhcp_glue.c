/*
 * ip=dhcp (net/net.h "DHCP"): the DHCP client engine of net/dhcp.c run on
 * eth0 from the net thread (net/net_work.c), for as long as the system
 * runs, and the interface configured from its events:
 *   BOUND     address and prefix, default route through the first router,
 *             DNS servers (net/dns_glue.c), MTU (option 26, only lower),
 *             the UTS hostname when the server sent one (option 12; as
 *             Linux's ipconfig, the DNS domain of option 15 is not the UTS
 *             domainname, which is NIS's);
 *   RENEWED   whatever changed;
 *   EXPIRED, NAK_LOST  address, route and DNS servers removed; the engine
 *             starts over with DISCOVER.
 * Renewal at T1 and rebinding at T2 are the engine's timers.
 *
 * At boot net_dhcp_start waits NET_DHCP_BOOT_WAIT_MS for the first lease,
 * logs it in one line and returns either way; a late lease is applied when
 * it comes. The first retransmission comes after 2 s rather than RFC 2131's
 * 4 s (as Linux's ipconfig), so that a lost DISCOVER or OFFER costs little
 * of the boot wait.
 *
 * The lease is published for other threads (net_dhcp_get_lease,
 * net_dhcp_boot_target for root=tftp, /proc/net/pnp, which is resolv.conf
 * syntax: the image links /etc/resolv.conf to it, as Linux's nfsroot
 * documentation suggests).
 *
 * Lock legend: `dh` belongs to the net thread (dh.dev is set once before
 * the client starts); lease_lock guards `pub`.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "kernel/lib/random.h"
#include "kernel/sched/sched.h"
#include "kernel/version.h"
#include "net/dhcp.h"
#include "net/dns.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/proto/inet.h"
#include "net/udp.h"

#define DHCP_CLIENT_PORT  68
#define DHCP_FIRST_RTO_MS 2000

static struct {
	struct dhcp_client c;
	struct netdev *dev;
	struct net_timer timer;
	unsigned orig_mtu;
	uint32_t router; /* the default route we added, 0 none */
	uint64_t start_ms;
	int bind_err;
} dh; /* net thread */

static struct spinlock lease_lock = SPINLOCK_INIT("dhcp_lease");
static struct {
	bool started;
	bool bound;
	struct dhcp_lease lease;
} pub; /* lease_lock */
static struct waitq lease_wq = WAITQ_INIT;

static int dhcp_send(void *ctx, uint32_t dst, uint16_t dport, const void *buf, size_t len)
{
	uint32_t src = dhcp_source_addr(&dh.c);

	/* No route exists before the lease: broadcasts leave through eth0
	 * as link broadcasts (udp_sendto_dev), renewals route normally. */
	if (dst == 0xffffffffu)
		return udp_sendto_dev(dh.dev, DHCP_CLIENT_PORT, src, dst, dport, buf, len);
	return udp_sendto(DHCP_CLIENT_PORT, src, dst, dport, buf, len);
}

static uint32_t dhcp_random(void *ctx)
{
	return (uint32_t)random_u64();
}

static void rearm(void)
{
	net_timer_arm(&dh.timer, dhcp_next_deadline(&dh.c));
}

/* A contiguous mask's prefix length, or -1. */
static int mask_prefix(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return (n == 32 || (mask << n) == 0) ? n : -1;
}

static int lease_prefix(const struct dhcp_lease *l)
{
	int p = l->mask ? mask_prefix(l->mask) : -1;

	if (p > 0)
		return p;
	/* No (or a broken) option 1: the classful default, as RFC 2131 leaves
	 * it to the client. */
	if ((l->addr >> 31) == 0)
		return 8;
	if ((l->addr >> 30) == 2)
		return 16;
	return 24;
}

static void log_lease(const char *what, const struct dhcp_lease *l, uint64_t took_ms)
{
	char a[16], r[16], s[16], n[16], dns[3 * 16 + 2] = "";
	char lease[24];

	for (unsigned i = 0, off = 0; i < l->ndns && off < sizeof(dns); i++) {
		char one[16];
		off += (unsigned)ksnprintf(dns + off, sizeof(dns) - off, "%s%s", i ? "," : "",
					   net_fmt_ip(one, l->dns[i]));
	}
	if (l->lease_s == 0xffffffffu)
		strlcpy(lease, "infinite", sizeof(lease));
	else
		ksnprintf(lease, sizeof(lease), "%us", l->lease_s);
	pr_notice("dhcp: %s %s %s/%d router %s dns %s lease %s server %s next-server %s "
		  "file \"%s\"%s%s%s%s in %llu ms\n",
		  dh.dev->name, what, net_fmt_ip(a, l->addr), lease_prefix(l),
		  l->router ? net_fmt_ip(r, l->router) : "none", l->ndns ? dns : "none", lease,
		  net_fmt_ip(s, l->server_id), net_fmt_ip(n, l->siaddr),
		  l->bootfile[0] ? l->bootfile : l->file, l->hostname[0] ? " hostname " : "",
		  l->hostname, l->domain[0] ? " domain " : "", l->domain,
		  (unsigned long long)took_ms);
}

static void apply(const struct dhcp_lease *l, bool fresh)
{
	struct netdev *dev = dh.dev;
	int prefix = lease_prefix(l);
	int err = 0;

	if (dev->ip_addr != l->addr || dev->ip_prefix != prefix)
		err = ipv4_set_addr(dev, l->addr, (uint8_t)prefix);
	if (!err && (fresh || l->router != dh.router)) {
		if (dh.router)
			ipv4_route_del(0, 0, dev);
		dh.router = 0;
		if (l->router) {
			err = ipv4_route_add(0, 0, l->router, dev, 0);
			if (!err)
				dh.router = l->router;
		}
	}
	if (err)
		pr_warn("dhcp: %s: cannot apply the lease (%d)\n", dev->name, err);
	if (l->mtu >= 576 && l->mtu <= dh.orig_mtu)
		dev->mtu = l->mtu;
	net_dns_set_servers(l->dns, l->ndns);
	if (l->hostname[0] && strcmp(uts_hostname, l->hostname) != 0)
		strlcpy(uts_hostname, l->hostname, sizeof(uts_hostname));
}

static void unapply(void)
{
	struct netdev *dev = dh.dev;

	if (dh.router)
		ipv4_route_del(0, 0, dev);
	dh.router = 0;
	ipv4_set_addr(dev, 0, 0);
	dev->mtu = dh.orig_mtu;
	net_dns_set_servers(NULL, 0);
}

static void publish(const struct dhcp_lease *l)
{
	unsigned long fl = spin_lock_irqsave(&lease_lock);

	pub.bound = l != NULL;
	if (l)
		pub.lease = *l;
	spin_unlock_irqrestore(&lease_lock, fl);
	waitq_wake_all(&lease_wq);
}

static void dhcp_event(void *ctx, enum dhcp_event ev, const struct dhcp_lease *l)
{
	char a[16];

	switch (ev) {
	case DHCP_EV_BOUND:
		apply(l, true);
		publish(l);
		log_lease("bound", l, net_now_ms() - dh.start_ms);
		break;
	case DHCP_EV_RENEWED:
		apply(l, false);
		publish(l);
		pr_info("dhcp: %s renewed %s for %us\n", dh.dev->name, net_fmt_ip(a, l->addr),
			l->lease_s);
		break;
	case DHCP_EV_EXPIRED:
	case DHCP_EV_NAK_LOST:
		pr_warn("dhcp: %s: lease on %s %s: address removed, looking for a new one\n",
			dh.dev->name, net_fmt_ip(a, dh.dev->ip_addr),
			ev == DHCP_EV_EXPIRED ? "expired" : "refused (NAK)");
		unapply();
		publish(NULL);
		dh.start_ms = net_now_ms();
		break;
	case DHCP_EV_GAVE_UP:
		pr_warn("dhcp: %s: no answer from any DHCP server\n", dh.dev->name);
		break;
	}
}

static void dhcp_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		      const uint8_t *data, size_t len)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();

	if (rx && rx->dev != dh.dev)
		return; /* another interface's DHCP traffic */
	dhcp_input(&dh.c, data, len, src, sport, net_now_ms());
	rearm();
}

static const struct udp_ops dhcp_udp_ops = {dhcp_recv, NULL};

static void dhcp_timer(void *arg)
{
	dhcp_poll(&dh.c, net_now_ms());
	rearm();
}

static void start_client(void *arg)
{
	static const struct dhcp_ops ops = {dhcp_send, dhcp_random, dhcp_event};
	struct dhcp_config cfg;
	int r = udp_bind(DHCP_CLIENT_PORT, &dhcp_udp_ops, NULL);

	if (r < 0) {
		dh.bind_err = r;
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, dh.dev->mac, sizeof(cfg.mac));
	cfg.initial_rto_ms = DHCP_FIRST_RTO_MS;
	dhcp_init(&dh.c, &cfg, &ops, NULL);
	net_timer_init(&dh.timer, dhcp_timer, NULL);
	dh.start_ms = net_now_ms();
	dhcp_start(&dh.c, dh.start_ms);
	rearm();
}

int net_dhcp_start(struct netdev *dev)
{
	unsigned long fl = spin_lock_irqsave(&lease_lock);
	bool again = pub.started;

	pub.started = true;
	spin_unlock_irqrestore(&lease_lock, fl);
	if (again)
		return -EALREADY;
	dh.dev = dev;
	dh.orig_mtu = dev->mtu;
	net_call(start_client, NULL);
	if (dh.bind_err) {
		pr_err("dhcp: %s: cannot bind UDP port 68 (%d)\n", dev->name, dh.bind_err);
		return dh.bind_err;
	}
	pr_info("dhcp: %s: waiting up to %u s for a lease\n", dev->name,
		NET_DHCP_BOOT_WAIT_MS / 1000);
	if (net_dhcp_wait(NET_DHCP_BOOT_WAIT_MS) != 0)
		pr_warn("dhcp: %s: no lease after %u s; booting on, the client keeps trying\n",
			dev->name, NET_DHCP_BOOT_WAIT_MS / 1000);
	return 0;
}

int net_dhcp_get_lease(struct dhcp_lease *out)
{
	unsigned long fl = spin_lock_irqsave(&lease_lock);
	int err = pub.bound ? 0 : -ENOENT;

	if (pub.bound)
		*out = pub.lease;
	spin_unlock_irqrestore(&lease_lock, fl);
	return err;
}

static bool have_lease(void *arg)
{
	return pub.bound;
}

int net_dhcp_wait(unsigned timeout_ms)
{
	if (!pub.started)
		return -ENODEV;
	return waitq_wait(&lease_wq, have_lease, NULL, timeout_ms);
}

int net_dhcp_boot_target(uint32_t *server, char *file, size_t size)
{
	struct dhcp_lease l; /* about 700 bytes */
	const char *name;
	int err = net_dhcp_get_lease(&l);

	*server = 0;
	if (size)
		file[0] = '\0';
	if (err)
		return err;
	if (l.tftp_server[0]) {
		/* Option 66 is a name; dnsmasq and others often put an address
		 * there, which dns_resolve answers at once. */
		err = dns_resolve(l.tftp_server, server, 5000);
		if (err) {
			pr_warn("dhcp: TFTP server \"%s\" (option 66): cannot resolve (%d)\n",
				l.tftp_server, err);
			return err;
		}
	} else {
		/* siaddr is the BOOTP next server; a server that leaves it
		 * empty is most likely the TFTP server itself. */
		*server = l.siaddr ? l.siaddr : l.server_id;
	}
	name = l.bootfile[0] ? l.bootfile : l.file;
	if (!*server || !name[0])
		return -ENOENT;
	if (strlcpy(file, name, size) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int net_pnp_proc_show(char *buf, size_t size, void *arg)
{
	uint32_t ns[DNS_MAX_SERVERS];
	size_t off = 0, n = net_dns_get_servers(ns, DNS_MAX_SERVERS);
	struct dhcp_lease l;
	bool dhcp = net_dhcp_get_lease(&l) == 0;
	char a[16];

#define EMIT(...)                                                                            \
	off += (size_t)ksnprintf(off < size ? buf + off : NULL, off < size ? size - off : 0, \
				 __VA_ARGS__)
	EMIT("%s\n", dhcp ? "#PROTO: DHCP" : "#MANUAL");
	if (dhcp && l.domain[0])
		EMIT("domain %s\n", l.domain);
	for (size_t i = 0; i < n; i++)
		EMIT("nameserver %s\n", net_fmt_ip(a, ns[i]));
	if (dhcp && l.siaddr)
		EMIT("bootserver %s\n", net_fmt_ip(a, l.siaddr));
#undef EMIT
	return (int)off;
}
