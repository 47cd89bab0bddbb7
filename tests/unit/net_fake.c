/*
 * The fake network interface for host tests (net_fake.h).
 */
#include <ksvc.h>
#include "net/arp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/arp.h"
#include "net/proto/eth.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"
#include "net/stack.h"
#include "tests/unit/net_fake.h"

struct netdev fake_dev;
struct fake_frame fake_frames[FAKE_FRAMES_MAX];
unsigned fake_nframes;
uint64_t fake_now = 1000;
const uint8_t fake_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

uint64_t net_now_ms(void)
{
	return fake_now;
}

void net_kick(void)
{
}

static int fake_transmit(struct netdev *dev, struct netbuf *nb)
{
	if (fake_nframes < FAKE_FRAMES_MAX && nb->len <= sizeof(fake_frames[0].data)) {
		memcpy(fake_frames[fake_nframes].data, nb->data, nb->len);
		fake_frames[fake_nframes].len = nb->len;
		fake_nframes++;
	}
	netbuf_free(nb);
	return 0;
}

static const struct netdev_ops fake_ops = {
	.transmit = fake_transmit,
};

void fake_clear(void)
{
	fake_nframes = 0;
}

void fake_net_setup(uint32_t gw)
{
	net_stack_init();
	fake_dev.ops = &fake_ops;
	fake_dev.hwtype = ARPHRD_ETHER;
	fake_dev.flags = IFF_BROADCAST | IFF_MULTICAST;
	memcpy(fake_dev.mac, fake_mac, 6);
	netdev_register(&fake_dev, "eth%d");
	netdev_up(&fake_dev);
	ipv4_set_addr(&fake_dev, IPV4(10, 0, 2, 15), 24);
	if (gw)
		ipv4_route_add(0, 0, gw, &fake_dev, 0);
	fake_clear();
}

void fake_inject(const void *frame, size_t len)
{
	struct netbuf *nb = netbuf_from(0, frame, len);

	if (nb)
		netdev_input(&fake_dev, nb);
	netdev_backlog_run();
}

size_t fake_build_ip(uint8_t *buf, const uint8_t dst_mac[6], uint32_t src, uint32_t dst,
		     uint8_t proto, uint16_t id, uint16_t frag_off, const void *payload, size_t len)
{
	struct eth_hdr *e = (struct eth_hdr *)buf;
	struct ipv4_hdr *h = (struct ipv4_hdr *)(buf + ETH_HLEN);

	memcpy(e->dst, dst_mac, 6);
	memcpy(e->src, peer_mac, 6);
	e->type = net_htons(ETH_P_IP);
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->total_len = net_htons((uint16_t)(20 + len));
	h->id = net_htons(id);
	h->frag_off = net_htons(frag_off);
	h->ttl = 64;
	h->proto = proto;
	h->csum = 0;
	h->src = net_htonl(src);
	h->dst = net_htonl(dst);
	h->csum = inet_csum(h, 20);
	memcpy(buf + ETH_HLEN + 20, payload, len);
	return ETH_HLEN + 20 + len;
}

size_t fake_build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[6], uint32_t spa,
		      const uint8_t tha[6], uint32_t tpa, const uint8_t eth_dst[6])
{
	struct eth_hdr *e = (struct eth_hdr *)buf;
	struct arp_pkt *a = (struct arp_pkt *)(buf + ETH_HLEN);

	memcpy(e->dst, eth_dst, 6);
	memcpy(e->src, sha, 6);
	e->type = net_htons(ETH_P_ARP);
	a->hrd = net_htons(ARP_HRD_ETHER);
	a->pro = net_htons(ETH_P_IP);
	a->hln = 6;
	a->pln = 4;
	a->op = net_htons(op);
	memcpy(a->sha, sha, 6);
	a->spa = net_htonl(spa);
	memcpy(a->tha, tha, 6);
	a->tpa = net_htonl(tpa);
	return ETH_HLEN + sizeof(*a);
}

void fake_advance(uint64_t ms)
{
	fake_now += ms;
	arp_timer(fake_now);
	ipv4_timer(fake_now);
	netdev_backlog_run();
}
