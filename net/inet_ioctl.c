/*
 * Interface and route ioctls on AF_INET sockets (netdevice(7), route(8)'s
 * SIOCADDRT/SIOCDELRT), as busybox ifconfig and route issue them: the
 * SIOCGIF* queries on any socket, the SIOCSIF* changes and route changes
 * for root only (EPERM), an unknown interface ENODEV, an interface without
 * an IPv4 address EADDRNOTAVAIL for its address queries.
 *
 * Layouts are Linux x86_64's: struct ifreq is 40 bytes (a 16-byte name,
 * then a 24-byte union), struct ifconf 16, struct rtentry 120.
 * SIOCSIFADDR gives the interface the classful netmask of the new address
 * as Linux does; SIOCSIFNETMASK then narrows or widens it.
 *
 * Lock legend: no state of its own; interface fields are written here as
 * net/netdev.h allows configuration code to.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/inet.h"

#define SIOCADDRT      0x890B
#define SIOCDELRT      0x890C
#define SIOCGIFNAME    0x8910
#define SIOCGIFCONF    0x8912
#define SIOCGIFFLAGS   0x8913
#define SIOCSIFFLAGS   0x8914
#define SIOCGIFADDR    0x8915
#define SIOCSIFADDR    0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCSIFBRDADDR 0x891a
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC  0x891d
#define SIOCSIFMETRIC  0x891e
#define SIOCGIFMTU     0x8921
#define SIOCSIFMTU     0x8922
#define SIOCGIFHWADDR  0x8927
#define SIOCGIFINDEX   0x8933
#define SIOCGIFTXQLEN  0x8942
#define SIOCGIFMAP     0x8970

#define IFNAMSIZ 16

struct ifreq_k {
	char name[IFNAMSIZ];
	union {
		struct sockaddr_in_k addr;
		struct {
			uint16_t family;
			uint8_t data[14];
		} hw;
		int16_t flags;
		int32_t ivalue;
		uint8_t raw[24];
	} u;
};
_Static_assert(sizeof(struct ifreq_k) == 40, "struct ifreq");

struct ifconf_k {
	int32_t len;
	int32_t pad;
	uint64_t buf;
};
_Static_assert(sizeof(struct ifconf_k) == 16, "struct ifconf");

struct rtentry_k {
	uint64_t pad1;
	struct sockaddr_in_k dst, gateway, genmask;
	uint16_t flags;
	int16_t pad2;
	uint64_t pad3;
	uint64_t pad4;
	int16_t metric;
	uint64_t dev; /* user pointer to the name, or 0 */
	uint64_t mtu, window;
	uint16_t irtt;
};
_Static_assert(sizeof(struct rtentry_k) == 120, "struct rtentry");

/* The prefix length of a contiguous netmask, or -1. */
static int mask_prefix(uint32_t mask)
{
	int p = 0;

	while (p < 32 && (mask & (0x80000000u >> p)))
		p++;
	return ipv4_prefix_mask((unsigned)p) == mask ? p : -1;
}

static uint8_t classful_prefix(uint32_t a)
{
	if ((a >> 31) == 0)
		return 8;
	if ((a >> 30) == 2)
		return 16;
	return 24;
}

static int ifconf(unsigned long arg)
{
	struct ifconf_k ic;
	int off = 0;

	if (copy_from_user(&ic, (const void *)arg, sizeof(ic)))
		return -EFAULT;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d)) {
		struct ifreq_k r;
		if (!d->ip_addr)
			continue;
		if (ic.buf) {
			if (off + (int)sizeof(r) > ic.len)
				break;
			memset(&r, 0, sizeof(r));
			memcpy(r.name, d->name, MIN(strlen(d->name), (size_t)IFNAMSIZ - 1));
			r.u.addr.family = AF_INET;
			r.u.addr.addr = net_htonl(d->ip_addr);
			if (copy_to_user((uint8_t *)ic.buf + off, &r, sizeof(r)))
				return -EFAULT;
		}
		off += (int)sizeof(r);
	}
	ic.len = off;
	return copy_to_user((void *)arg, &ic, sizeof(ic));
}

static void put_addr(struct ifreq_k *r, uint32_t ip)
{
	memset(&r->u, 0, sizeof(r->u));
	r->u.addr.family = AF_INET;
	r->u.addr.addr = net_htonl(ip);
}

static int get_addr(const struct ifreq_k *r, uint32_t *ip)
{
	if (r->u.addr.family != AF_INET)
		return -EINVAL;
	*ip = net_ntohl(r->u.addr.addr);
	return 0;
}

static int route_ioctl(unsigned cmd, unsigned long arg)
{
	struct rtentry_k rt;
	struct netdev *dev = NULL;
	uint32_t dst, gw = 0, mask, nexthop, src;
	char name[IFNAMSIZ];
	int prefix;

	if (!inet_privileged())
		return -EPERM;
	if (copy_from_user(&rt, (const void *)arg, sizeof(rt)))
		return -EFAULT;
	if (rt.dst.family != AF_INET)
		return -EAFNOSUPPORT;
	dst = net_ntohl(rt.dst.addr);
	mask = (rt.flags & RTF_HOST) ? 0xffffffffu : net_ntohl(rt.genmask.addr);
	prefix = mask_prefix(mask);
	if (prefix < 0 || (dst & ~mask))
		return -EINVAL;
	if (rt.dev) {
		if (strncpy_from_user(name, (const char *)rt.dev, sizeof(name)) < 0)
			return -EFAULT;
		name[IFNAMSIZ - 1] = 0;
		dev = netdev_find(name);
		if (!dev)
			return -ENODEV;
	}
	if (cmd == SIOCDELRT)
		return ipv4_route_del(dst, (uint8_t)prefix, dev);
	if (rt.flags & RTF_GATEWAY) {
		if (rt.gateway.family != AF_INET)
			return -EINVAL;
		gw = net_ntohl(rt.gateway.addr);
		if (!dev) {
			/* The interface that reaches the gateway directly. */
			if (ipv4_route_lookup(gw, &dev, &nexthop, &src) || nexthop != gw)
				return -ENETUNREACH;
		}
	}
	if (!dev)
		return -ENODEV;
	/* route(8) passes metric + 1 (Linux subtracts one). */
	return ipv4_route_add(dst, (uint8_t)prefix, gw, dev,
			      rt.metric > 0 ? (unsigned)(rt.metric - 1) : 0);
}

static int set_ioctl(struct netdev *dev, unsigned cmd, struct ifreq_k *r)
{
	uint32_t ip;
	int prefix, err;

	if (!inet_privileged())
		return -EPERM;
	switch (cmd) {
	case SIOCSIFFLAGS: {
		unsigned want = (uint16_t)r->u.flags;
		if ((want & IFF_UP) && !(dev->flags & IFF_UP)) {
			err = netdev_up(dev);
			if (err)
				return err;
		} else if (!(want & IFF_UP) && (dev->flags & IFF_UP)) {
			netdev_down(dev);
		}
		netdev_set_flags(dev, want & (IFF_PROMISC | IFF_ALLMULTI),
				 ~want & (IFF_PROMISC | IFF_ALLMULTI));
		return 0;
	}
	case SIOCSIFADDR:
		err = get_addr(r, &ip);
		if (err)
			return err;
		if (ip == dev->ip_addr)
			return 0;
		return ipv4_set_addr(dev, ip, ip ? classful_prefix(ip) : 0);
	case SIOCSIFNETMASK:
		err = get_addr(r, &ip);
		if (err)
			return err;
		if (!dev->ip_addr)
			return -EADDRNOTAVAIL;
		prefix = mask_prefix(ip);
		if (prefix < 0)
			return -EINVAL;
		if (prefix == dev->ip_prefix)
			return 0;
		return ipv4_set_addr(dev, dev->ip_addr, (uint8_t)prefix);
	case SIOCSIFBRDADDR:
		return dev->ip_addr ? 0 : -EADDRNOTAVAIL; /* always the subnet's */
	case SIOCSIFMETRIC:
		return 0;
	case SIOCSIFMTU: {
		int mtu = r->u.ivalue;
		int max = dev->hwtype == ARPHRD_LOOPBACK ? 65536 : 1500;
		if (mtu < 68 || mtu > max)
			return -EINVAL;
		dev->mtu = (unsigned)mtu;
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

int inet_dev_ioctl(unsigned cmd, unsigned long arg)
{
	struct ifreq_k r;
	struct netdev *dev;
	int err = 0;

	switch (cmd) {
	case SIOCGIFCONF:
		return ifconf(arg);
	case SIOCADDRT:
	case SIOCDELRT:
		return route_ioctl(cmd, arg);
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCSIFFLAGS:
	case SIOCGIFADDR:
	case SIOCSIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCSIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCSIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCSIFMETRIC:
	case SIOCGIFMTU:
	case SIOCSIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
	case SIOCGIFMAP:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&r, (const void *)arg, sizeof(r)))
		return -EFAULT;
	if (cmd == SIOCGIFNAME) {
		dev = netdev_by_index(r.u.ivalue);
		if (!dev)
			return -ENODEV;
		memset(r.name, 0, sizeof(r.name));
		memcpy(r.name, dev->name, MIN(strlen(dev->name), (size_t)IFNAMSIZ - 1));
		return copy_to_user((void *)arg, &r, sizeof(r));
	}
	r.name[IFNAMSIZ - 1] = 0;
	dev = netdev_find(r.name);
	if (!dev)
		return -ENODEV;
	switch (cmd) {
	case SIOCGIFFLAGS:
		memset(&r.u, 0, sizeof(r.u));
		r.u.flags = (int16_t)dev->flags;
		break;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
		if (!dev->ip_addr)
			return -EADDRNOTAVAIL;
		put_addr(&r, dev->ip_addr);
		break;
	case SIOCGIFBRDADDR:
		if (!dev->ip_addr)
			return -EADDRNOTAVAIL;
		put_addr(&r, netdev_ip_broadcast(dev));
		break;
	case SIOCGIFNETMASK:
		if (!dev->ip_addr)
			return -EADDRNOTAVAIL;
		put_addr(&r, netdev_ip_mask(dev));
		break;
	case SIOCGIFMETRIC:
		memset(&r.u, 0, sizeof(r.u));
		break;
	case SIOCGIFMTU:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = (int32_t)dev->mtu;
		break;
	case SIOCGIFHWADDR:
		memset(&r.u, 0, sizeof(r.u));
		r.u.hw.family = dev->hwtype;
		memcpy(r.u.hw.data, dev->mac, 6);
		break;
	case SIOCGIFINDEX:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = dev->ifindex;
		break;
	case SIOCGIFTXQLEN:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = 1000;
		break;
	case SIOCGIFMAP:
		memset(&r.u, 0, sizeof(r.u));
		break;
	default:
		err = set_ioctl(dev, cmd, &r);
		return err;
	}
	return copy_to_user((void *)arg, &r, sizeof(r));
}
