/*
 * IPv4 interface addresses and the routing table (net/ipv4.h). One table:
 * connected routes (added with an address), static routes and the default
 * gateway (prefix 0). Lookup is longest prefix first, then lowest metric,
 * over routes whose interface is up. Pure logic.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "net/arp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/inet.h"

static struct spinlock route_lock = SPINLOCK_INIT("route");
static struct ipv4_route routes[IPV4_ROUTES_MAX]; /* route_lock; flags 0 = free */

static int prefix_len(uint32_t mask)
{
	int n = 0;

	while (mask & 0x80000000u) { /* masks are contiguous */
		n++;
		mask <<= 1;
	}
	return n;
}

int ipv4_route_add(uint32_t dst, uint8_t prefix, uint32_t gw, struct netdev *dev, unsigned metric)
{
	uint32_t mask = ipv4_prefix_mask(prefix);
	struct ipv4_route *slot = NULL;
	unsigned long fl;
	int err = 0;

	if (prefix > 32 || !dev)
		return -EINVAL;
	dst &= mask;
	fl = spin_lock_irqsave(&route_lock);
	for (int i = 0; i < IPV4_ROUTES_MAX; i++) {
		struct ipv4_route *r = &routes[i];
		if (!r->flags) {
			if (!slot)
				slot = r;
			continue;
		}
		if (r->dst == dst && r->mask == mask && r->dev == dev && r->metric == metric) {
			err = -EEXIST;
			goto out;
		}
	}
	if (!slot) {
		err = -ENOSPC;
		goto out;
	}
	slot->dst = dst;
	slot->mask = mask;
	slot->gw = gw;
	slot->dev = dev;
	slot->metric = metric;
	slot->flags = RTF_UP | (gw ? RTF_GATEWAY : 0) | (prefix == 32 ? RTF_HOST : 0);
out:
	spin_unlock_irqrestore(&route_lock, fl);
	return err;
}

int ipv4_route_del(uint32_t dst, uint8_t prefix, struct netdev *dev)
{
	uint32_t mask = ipv4_prefix_mask(prefix);
	unsigned long fl = spin_lock_irqsave(&route_lock);
	int err = -ESRCH;

	for (int i = 0; i < IPV4_ROUTES_MAX; i++) {
		struct ipv4_route *r = &routes[i];
		if (r->flags && r->dst == (dst & mask) && r->mask == mask &&
		    (!dev || r->dev == dev)) {
			r->flags = 0;
			err = 0;
		}
	}
	spin_unlock_irqrestore(&route_lock, fl);
	return err;
}

void ipv4_route_flush(struct netdev *dev)
{
	unsigned long fl = spin_lock_irqsave(&route_lock);

	for (int i = 0; i < IPV4_ROUTES_MAX; i++)
		if (routes[i].flags && (!dev || routes[i].dev == dev))
			routes[i].flags = 0;
	spin_unlock_irqrestore(&route_lock, fl);
}

int ipv4_set_addr(struct netdev *dev, uint32_t addr, uint8_t prefix)
{
	uint32_t old_mask = netdev_ip_mask(dev);

	if (prefix > 32 || (addr && (addr == IPV4_BROADCAST || ipv4_is_multicast(addr))))
		return -EINVAL;
	if (dev->ip_addr) {
		unsigned long fl = spin_lock_irqsave(&route_lock);
		for (int i = 0; i < IPV4_ROUTES_MAX; i++) {
			struct ipv4_route *r = &routes[i];
			if (r->flags && r->dev == dev && !(r->flags & RTF_GATEWAY) &&
			    r->mask == old_mask && r->dst == (dev->ip_addr & old_mask))
				r->flags = 0;
		}
		spin_unlock_irqrestore(&route_lock, fl);
	}
	dev->ip_addr = addr;
	dev->ip_prefix = addr ? prefix : 0;
	if (!addr)
		return 0;
	if (prefix < 32) {
		int err = ipv4_route_add(addr, prefix, 0, dev, 0);
		if (err && err != -EEXIST)
			return err;
	}
	arp_announce(dev);
	return 0;
}

bool ipv4_is_local(uint32_t addr)
{
	if (addr == 0)
		return false;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d)) {
		if (d->ip_addr == addr)
			return true;
		if (d->hwtype == ARPHRD_LOOPBACK && ipv4_is_loopback(addr) && (d->flags & IFF_UP))
			return true;
	}
	return false;
}

bool ipv4_is_broadcast(struct netdev *dev, uint32_t addr)
{
	return addr == IPV4_BROADCAST || (dev && addr == netdev_ip_broadcast(dev) && addr != 0);
}

int ipv4_route_lookup(uint32_t dst, struct netdev **dev, uint32_t *nexthop, uint32_t *src)
{
	struct netdev *lo = loopback_dev();
	const struct ipv4_route *best = NULL;
	unsigned long fl;

	if (lo && (lo->flags & IFF_UP) && ipv4_is_local(dst)) {
		*dev = lo;
		*nexthop = dst;
		*src = ipv4_is_loopback(dst) ? lo->ip_addr : dst;
		return 0;
	}
	fl = spin_lock_irqsave(&route_lock);
	for (int i = 0; i < IPV4_ROUTES_MAX; i++) {
		const struct ipv4_route *r = &routes[i];
		if (!r->flags || (dst & r->mask) != r->dst || !(r->dev->flags & IFF_UP))
			continue;
		if (!best || prefix_len(r->mask) > prefix_len(best->mask) ||
		    (r->mask == best->mask && r->metric < best->metric))
			best = r;
	}
	if (best) {
		*dev = best->dev;
		*nexthop = (best->flags & RTF_GATEWAY) ? best->gw : dst;
		*src = best->dev->ip_addr;
	}
	spin_unlock_irqrestore(&route_lock, fl);
	return best ? 0 : -ENETUNREACH;
}

/* Linux's rt_cache_seq_show / fib_route_seq_show layout: addresses as the
 * hex of the network-order word read as a little-endian number, each line
 * padded to 127 characters. */
int ipv4_route_proc_show(char *buf, size_t size, void *arg)
{
	size_t off = 0;
	int n = ksnprintf(buf, size, "%-127s\n",
			  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU"
			  "\tWindow\tIRTT");
	unsigned long fl;

	off += (size_t)n;
	fl = spin_lock_irqsave(&route_lock);
	for (int i = 0; i < IPV4_ROUTES_MAX; i++) {
		const struct ipv4_route *r = &routes[i];
		char line[128];
		if (!r->flags)
			continue;
		ksnprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
			  r->dev->name, net_htonl(r->dst), net_htonl(r->gw), r->flags, 0, 0,
			  (int)r->metric, net_htonl(r->mask), 0, 0, 0);
		n = ksnprintf(off < size ? buf + off : NULL, off < size ? size - off : 0,
			      "%-127s\n", line);
		off += (size_t)n;
	}
	spin_unlock_irqrestore(&route_lock, fl);
	return (int)off;
}
