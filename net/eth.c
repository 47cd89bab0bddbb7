/*
 * Ethernet II input and output (net/eth.h). The NIC filters by address in
 * hardware except in promiscuous mode, so input checks again: unicast
 * frames for another MAC are counted and dropped (the stack does not
 * forward). Short frames are padded by the driver, not here.
 */
#include <ksvc.h>
#include "net/arp.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/eth.h"
#include "net/proto/inet.h"

const uint8_t eth_broadcast_addr[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
struct eth_stats eth_stats;

void eth_input(struct netdev *dev, struct netbuf *nb)
{
	const struct eth_hdr *h = (const struct eth_hdr *)nb->data;
	uint16_t type;

	if (nb->len < ETH_HLEN) {
		eth_stats.rx_short++;
		dev->stats.rx_length_errors++;
		netbuf_free(nb);
		return;
	}
	if (h->dst[0] & 1) {
		if (memcmp(h->dst, eth_broadcast_addr, 6) != 0)
			dev->stats.multicast++;
	} else if (memcmp(h->dst, dev->mac, 6) != 0 && dev->hwtype != ARPHRD_LOOPBACK) {
		eth_stats.rx_not_for_us++;
		netbuf_free(nb);
		return;
	}
	type = net_ntohs(h->type);
	netbuf_pull(nb, ETH_HLEN);
	switch (type) {
	case ETH_P_IP:
		ipv4_input(dev, nb);
		break;
	case ETH_P_ARP:
		arp_input(dev, nb);
		break;
	default:
		eth_stats.rx_unknown_type++;
		netbuf_free(nb);
		break;
	}
}

int eth_output(struct netdev *dev, const uint8_t dst[6], uint16_t type, struct netbuf *nb)
{
	struct eth_hdr *h = netbuf_push(nb, ETH_HLEN);

	if (!h) {
		dev->stats.tx_errors++;
		netbuf_free(nb);
		return -EINVAL;
	}
	memcpy(h->dst, dst, 6);
	memcpy(h->src, dev->mac, 6);
	h->type = net_htons(type);
	return netdev_xmit(dev, nb);
}

void eth_ipv4_multicast_mac(uint32_t group, uint8_t mac[6])
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (group >> 16) & 0x7f;
	mac[4] = (group >> 8) & 0xff;
	mac[5] = group & 0xff;
}
