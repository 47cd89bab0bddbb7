/*
 * IPv4 input and output (net/ipv4.h; RFC 791, RFC 1122 3.2.1).
 *
 * Input checks, in RFC 1122 3.2.1's order: length, version, header
 * length, header checksum, total length (trailing link padding is cut),
 * source address sanity; then the destination must be ours, a broadcast,
 * or - while the interface has no address yet, so DHCP can work - anything.
 * Fragments go to reassembly (ipv4_frag.c). A protocol nobody registered
 * gets ICMP protocol unreachable.
 *
 * Output picks the route, fills the header (no options; DF clear; a
 * global identification counter) and fragments at the interface MTU on
 * 8-byte boundaries; each piece is handed to ARP, or sent straight to a
 * broadcast/multicast MAC, or to lo. Pure logic.
 */
#include <ksvc.h>
#include "net/arp.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/eth.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"

struct ipv4_stats ipv4_stats;

static struct spinlock proto_lock = SPINLOCK_INIT("ipv4-proto");
static struct {
	ipv4_deliver_t fn;
	void (*batch_end)(void *ctx);
	void *ctx;
} protos[256]; /* proto_lock */
/* Those with a batch_end: written under proto_lock, the count last, and
 * read by ipv4_batch_end without it. */
static uint8_t batch_protos[4], batch_nprotos;

static uint16_t next_id; /* proto_lock */
static const struct ipv4_rx_info *rx_current;

int ipv4_register_proto(uint8_t proto, ipv4_deliver_t fn, void *ctx)
{
	unsigned long fl = spin_lock_irqsave(&proto_lock);
	int err = 0;

	if (fn && protos[proto].fn)
		err = -EEXIST;
	else {
		protos[proto].fn = fn;
		protos[proto].ctx = ctx;
	}
	spin_unlock_irqrestore(&proto_lock, fl);
	return err;
}

int ipv4_register_batch_end(uint8_t proto, void (*fn)(void *ctx))
{
	unsigned long fl = spin_lock_irqsave(&proto_lock);
	int err = 0;

	if (protos[proto].batch_end || batch_nprotos == sizeof(batch_protos))
		err = -EEXIST;
	else {
		protos[proto].batch_end = fn;
		batch_protos[batch_nprotos] = proto;
		__atomic_store_n(&batch_nprotos, batch_nprotos + 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&proto_lock, fl);
	return err;
}

void ipv4_batch_end(void)
{
	for (unsigned i = 0; i < __atomic_load_n(&batch_nprotos, __ATOMIC_ACQUIRE); i++) {
		uint8_t p = batch_protos[i];

		protos[p].batch_end(protos[p].ctx);
	}
}

void ipv4_seed_id(uint16_t seed)
{
	next_id = seed;
}

const struct ipv4_rx_info *ipv4_rx_current(void)
{
	return rx_current;
}

static void deliver(struct netdev *dev, const uint8_t *hdr, size_t hlen, const uint8_t *payload,
		    size_t len, bool to_broadcast)
{
	const struct ipv4_hdr *h = (const struct ipv4_hdr *)hdr;
	struct ipv4_rx_info info = {dev, hdr, hlen, payload, len, to_broadcast};
	const struct ipv4_rx_info *saved = rx_current;
	unsigned long fl = spin_lock_irqsave(&proto_lock);
	ipv4_deliver_t fn = protos[h->proto].fn;
	void *ctx = protos[h->proto].ctx;

	spin_unlock_irqrestore(&proto_lock, fl);
	rx_current = &info;
	if (fn) {
		ipv4_stats.in_delivers++;
		fn(ctx, net_ntohl(h->src), net_ntohl(h->dst), payload, len);
	} else {
		ipv4_stats.in_unknown_protos++;
		icmp_send_error(ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	}
	rx_current = saved;
}

void ipv4_input(struct netdev *dev, struct netbuf *nb)
{
	const struct ipv4_hdr *h = (const struct ipv4_hdr *)nb->data;
	size_t hlen, tlen;
	uint32_t src, dst;
	uint16_t fo;
	bool bcast;

	ipv4_stats.in_receives++;
	if (nb->len < IPV4_HLEN_MIN || (h->ver_ihl >> 4) != 4)
		goto hdr_error;
	hlen = (size_t)(h->ver_ihl & 0xf) * 4;
	tlen = net_ntohs(h->total_len);
	if (hlen < IPV4_HLEN_MIN || hlen > nb->len || inet_csum(h, hlen) != 0)
		goto hdr_error;
	if (tlen < hlen || tlen > nb->len)
		goto hdr_error;
	netbuf_trim(nb, tlen); /* Ethernet pads short frames */
	src = net_ntohl(h->src);
	dst = net_ntohl(h->dst);
	/* RFC 1122 3.2.1.3: silently discard bad source addresses. */
	if (src == IPV4_BROADCAST || ipv4_is_multicast(src) || ((src >> 24) == 0 && src) ||
	    (ipv4_is_loopback(src) && dev->hwtype != ARPHRD_LOOPBACK) ||
	    (src && src == netdev_ip_broadcast(dev)))
		goto addr_error;
	bcast = ipv4_is_broadcast(dev, dst) || ipv4_is_multicast(dst);
	if (ipv4_is_multicast(dst) && dst != IPV4(224, 0, 0, 1))
		goto addr_error; /* no group memberships yet */
	if (!bcast && !ipv4_is_local(dst) && dev->ip_addr != 0)
		goto addr_error; /* a host does not forward */
	if (ipv4_is_loopback(dst) && dev->hwtype != ARPHRD_LOOPBACK)
		goto addr_error;

	fo = net_ntohs(h->frag_off);
	if (fo & (IPV4_FLAG_MF | IPV4_OFF_MASK)) {
		struct netbuf *whole = ipv4_reasm_input(nb->data, hlen, nb->data + hlen,
							tlen - hlen, net_now_ms());
		netbuf_free(nb);
		if (!whole)
			return;
		nb = whole;
		h = (const struct ipv4_hdr *)nb->data;
		hlen = (size_t)(h->ver_ihl & 0xf) * 4;
		tlen = nb->len;
	}
	deliver(dev, nb->data, hlen, nb->data + hlen, tlen - hlen, bcast);
	netbuf_free(nb);
	return;

hdr_error:
	ipv4_stats.in_hdr_errors++;
	dev->stats.rx_errors++;
	netbuf_free(nb);
	return;
addr_error:
	ipv4_stats.in_addr_errors++;
	netbuf_free(nb);
}

static void reasm_expired(const uint8_t *hdr, size_t hlen, const uint8_t *data, size_t len)
{
	struct ipv4_rx_info info = {NULL, hdr, hlen, data, len, false};

	rx_current = &info;
	icmp_send_error(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
	rx_current = NULL;
}

void ipv4_timer(uint64_t now)
{
	ipv4_reasm_timer(now, reasm_expired);
}

/* Hand one finished datagram to the link. Consumes nb. */
static int send_on_link(struct netdev *dev, uint32_t nexthop, uint32_t dst, struct netbuf *nb)
{
	static const uint8_t zero_mac[6];
	uint8_t mac[6];

	if (dev->hwtype == ARPHRD_LOOPBACK)
		return eth_output(dev, zero_mac, ETH_P_IP, nb);
	if (ipv4_is_broadcast(dev, dst))
		return eth_output(dev, eth_broadcast_addr, ETH_P_IP, nb);
	if (ipv4_is_multicast(dst)) {
		eth_ipv4_multicast_mac(dst, mac);
		return eth_output(dev, mac, ETH_P_IP, nb);
	}
	return arp_output(dev, nexthop, nb);
}

static void fill_header(struct ipv4_hdr *h, size_t total, uint16_t id, uint16_t frag_off,
			uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst)
{
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->total_len = net_htons((uint16_t)total);
	h->id = net_htons(id);
	h->frag_off = net_htons(frag_off);
	h->ttl = ttl;
	h->proto = proto;
	h->csum = 0;
	h->src = net_htonl(src);
	h->dst = net_htonl(dst);
	h->csum = inet_csum(h, IPV4_HLEN_MIN);
}

static int output(struct netdev *dev, uint32_t nexthop, uint32_t src, uint32_t dst, uint8_t proto,
		  uint8_t ttl, const uint8_t *buf, size_t len)
{
	size_t mtu = dev->mtu, maxfrag;
	unsigned long fl;
	uint16_t id;
	int err = 0;

	if (len > IPV4_MAX_LEN - IPV4_HLEN_MIN)
		return -EMSGSIZE;
	if (mtu < 68)
		mtu = 68; /* RFC 791: every host takes 68 bytes unfragmented */
	fl = spin_lock_irqsave(&proto_lock);
	id = next_id++;
	spin_unlock_irqrestore(&proto_lock, fl);
	ipv4_stats.out_requests++;

	if (IPV4_HLEN_MIN + len <= mtu) {
		struct netbuf *nb = netbuf_alloc(NET_HEADROOM, IPV4_HLEN_MIN + len);
		if (!nb) {
			ipv4_stats.out_discards++;
			return -ENOMEM;
		}
		fill_header(netbuf_put(nb, IPV4_HLEN_MIN), IPV4_HLEN_MIN + len, id, 0, ttl, proto,
			    src, dst);
		memcpy(netbuf_put(nb, len), buf, len);
		return send_on_link(dev, nexthop, dst, nb);
	}
	/* RFC 791 3.2 "An Example Fragmentation Procedure": every piece but
	 * the last carries a multiple of 8 bytes and has MF set. */
	maxfrag = (mtu - IPV4_HLEN_MIN) & ~(size_t)7;
	for (size_t off = 0; off < len; off += maxfrag) {
		size_t n = MIN(maxfrag, len - off);
		uint16_t fo = (uint16_t)(off / 8) | (off + n < len ? IPV4_FLAG_MF : 0);
		struct netbuf *nb = netbuf_alloc(NET_HEADROOM, IPV4_HLEN_MIN + n);
		int e;
		if (!nb) {
			ipv4_stats.frag_fails++;
			return -ENOMEM;
		}
		fill_header(netbuf_put(nb, IPV4_HLEN_MIN), IPV4_HLEN_MIN + n, id, fo, ttl, proto,
			    src, dst);
		memcpy(netbuf_put(nb, n), buf + off, n);
		ipv4_stats.frag_creates++;
		e = send_on_link(dev, nexthop, dst, nb);
		if (e && !err)
			err = e;
	}
	if (err)
		ipv4_stats.frag_fails++;
	else
		ipv4_stats.frag_oks++;
	return err;
}

static struct netdev *first_up_device(void)
{
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d))
		if ((d->flags & IFF_UP) && d->hwtype != ARPHRD_LOOPBACK)
			return d;
	return NULL;
}

int ipv4_output(uint32_t src, uint32_t dst, uint8_t proto, const void *buf, size_t len)
{
	struct netdev *dev;
	uint32_t nexthop, rsrc;

	if (ipv4_route_lookup(dst, &dev, &nexthop, &rsrc)) {
		if (dst != IPV4_BROADCAST || !(dev = first_up_device())) {
			ipv4_stats.out_no_routes++;
			return -ENETUNREACH;
		}
		nexthop = dst;
		rsrc = dev->ip_addr;
	}
	if (!(dev->flags & IFF_UP))
		return -ENETDOWN;
	return output(dev, nexthop, src ? src : rsrc, dst, proto, IPV4_DEFAULT_TTL, buf, len);
}

int ipv4_output_dev(struct netdev *dev, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
		    const void *buf, size_t len)
{
	struct netdev *rdev;
	uint32_t nexthop = dst, rsrc;

	if (!(dev->flags & IFF_UP))
		return -ENETDOWN;
	if (ipv4_route_lookup(dst, &rdev, &nexthop, &rsrc) == 0 && rdev != dev)
		nexthop = dst;
	return output(dev, nexthop, src ? src : dev->ip_addr, dst, proto,
		      ttl ? ttl : IPV4_DEFAULT_TTL, buf, len);
}
