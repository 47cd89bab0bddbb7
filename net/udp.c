/*
 * UDP (net/udp.h; RFC 768). Checksums are always sent (RFC 1122 4.1.3.4)
 * and checked when present; a computed checksum of 0 goes out as 0xffff.
 * Pure logic.
 */
#include <ksvc.h>
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"
#include "net/proto/udp.h"
#include "net/udp.h"

struct udp_stats udp_stats;

static struct spinlock udp_lock = SPINLOCK_INIT("udp");
static struct {
	uint16_t port; /* 0: free */
	const struct udp_ops *ops;
	void *ctx;
} ports[UDP_PORTS_MAX];		/* udp_lock */
static uint32_t ephemeral_next; /* udp_lock */

static int find_locked(uint16_t port)
{
	for (int i = 0; i < UDP_PORTS_MAX; i++)
		if (ports[i].port == port && port)
			return i;
	return -1;
}

int udp_bind(uint16_t port, const struct udp_ops *ops, void *ctx)
{
	unsigned long fl = spin_lock_irqsave(&udp_lock);
	int slot = -1, ret;

	for (int i = 0; i < UDP_PORTS_MAX && slot < 0; i++)
		if (!ports[i].port)
			slot = i;
	if (slot < 0) {
		ret = -ENOSPC;
		goto out;
	}
	if (!port) {
		const uint32_t range = UDP_EPHEMERAL_HIGH - UDP_EPHEMERAL_LOW + 1;
		for (uint32_t tries = 0; tries < range && !port; tries++) {
			uint16_t p = (uint16_t)(UDP_EPHEMERAL_LOW + ephemeral_next++ % range);
			if (find_locked(p) < 0)
				port = p;
		}
	} else if (find_locked(port) >= 0) {
		ret = -EADDRINUSE;
		goto out;
	}
	ports[slot].port = port;
	ports[slot].ops = ops;
	ports[slot].ctx = ctx;
	ret = port;
out:
	spin_unlock_irqrestore(&udp_lock, fl);
	return ret;
}

int udp_unbind(uint16_t port)
{
	unsigned long fl = spin_lock_irqsave(&udp_lock);
	int i = find_locked(port);

	if (i >= 0)
		ports[i].port = 0;
	spin_unlock_irqrestore(&udp_lock, fl);
	return i >= 0 ? 0 : -ENOENT;
}

static uint16_t udp_csum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	uint32_t sum = inet_csum_pseudo(src, dst, IPPROTO_UDP, (uint16_t)len);

	return net_htons(inet_csum_fold(inet_csum_add(sum, seg, len)));
}

/* Build the segment in a temporary buffer; the IP layer copies it. */
static int build_and_send(struct netdev *dev, uint16_t sport, uint32_t src, uint32_t dst,
			  uint16_t dport, const void *buf, size_t len)
{
	struct netbuf *seg;
	struct udp_hdr *h;
	struct netdev *rdev = dev;
	uint32_t nexthop, rsrc = 0;
	int err;

	if (len > IPV4_MAX_LEN - IPV4_HLEN_MIN - UDP_HLEN)
		return -EMSGSIZE;
	/* The checksum covers the source address, so pick it now. */
	if (!src) {
		if (dev)
			src = dev->ip_addr;
		else if (ipv4_route_lookup(dst, &rdev, &nexthop, &rsrc) == 0)
			src = rsrc;
		else if (dst != IPV4_BROADCAST)
			return -ENETUNREACH;
	}
	seg = netbuf_alloc(0, UDP_HLEN + len);
	if (!seg)
		return -ENOMEM;
	h = netbuf_put(seg, UDP_HLEN);
	h->sport = net_htons(sport);
	h->dport = net_htons(dport);
	h->len = net_htons((uint16_t)(UDP_HLEN + len));
	h->csum = 0;
	memcpy(netbuf_put(seg, len), buf, len);
	h->csum = udp_csum(src, dst, seg->data, seg->len);
	if (h->csum == 0)
		h->csum = 0xffff;
	if (dev)
		err = ipv4_output_dev(dev, src, dst, IPPROTO_UDP, 0, seg->data, seg->len);
	else
		err = ipv4_output(src, dst, IPPROTO_UDP, seg->data, seg->len);
	netbuf_free(seg);
	if (err == 0)
		udp_stats.out_datagrams++;
	return err;
}

int udp_sendto(uint16_t sport, uint32_t src, uint32_t dst, uint16_t dport, const void *buf,
	       size_t len)
{
	return build_and_send(NULL, sport, src, dst, dport, buf, len);
}

int udp_sendto_dev(struct netdev *dev, uint16_t sport, uint32_t src, uint32_t dst, uint16_t dport,
		   const void *buf, size_t len)
{
	return build_and_send(dev, sport, src, dst, dport, buf, len);
}

void udp_input(void *ctx, uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();
	const struct udp_hdr *h = (const struct udp_hdr *)p;
	const struct udp_ops *ops = NULL;
	void *octx = NULL;
	size_t ulen;
	uint16_t dport;
	unsigned long fl;
	int i;

	if (len < UDP_HLEN) {
		udp_stats.in_errors++;
		return;
	}
	ulen = net_ntohs(h->len);
	if (ulen < UDP_HLEN || ulen > len) {
		udp_stats.in_errors++;
		return;
	}
	if (h->csum && udp_csum(src, dst, p, ulen) != 0) {
		udp_stats.in_csum_errors++;
		udp_stats.in_errors++;
		return;
	}
	dport = net_ntohs(h->dport);
	fl = spin_lock_irqsave(&udp_lock);
	i = find_locked(dport);
	if (i >= 0) {
		ops = ports[i].ops;
		octx = ports[i].ctx;
	}
	spin_unlock_irqrestore(&udp_lock, fl);
	if (!ops) {
		udp_stats.no_ports++;
		if (!rx || !rx->to_broadcast)
			icmp_send_error(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		return;
	}
	udp_stats.in_datagrams++;
	if (ops->recv)
		ops->recv(octx, src, net_ntohs(h->sport), dst, dport, p + UDP_HLEN,
			  ulen - UDP_HLEN);
}

static void udp_icmp_error(void *ctx, uint8_t type, uint8_t code, uint32_t orig_src,
			   uint32_t orig_dst, const uint8_t *payload, size_t len)
{
	const struct udp_hdr *h = (const struct udp_hdr *)payload;
	const struct udp_ops *ops = NULL;
	void *octx = NULL;
	unsigned long fl;
	int i;

	if (len < 4)
		return;
	fl = spin_lock_irqsave(&udp_lock);
	i = find_locked(net_ntohs(h->sport));
	if (i >= 0) {
		ops = ports[i].ops;
		octx = ports[i].ctx;
	}
	spin_unlock_irqrestore(&udp_lock, fl);
	if (ops && ops->error)
		ops->error(octx, type, code, orig_dst, net_ntohs(h->dport));
}

void udp_init(void)
{
	ipv4_register_proto(IPPROTO_UDP, udp_input, NULL);
	icmp_register_err(IPPROTO_UDP, udp_icmp_error, NULL);
}
