/*
 * Ethernet input and output (net/eth.c): frames are filtered by
 * destination, dispatched by EtherType to ARP and IPv4, and built by
 * pushing the 14-byte header in front of a packet.
 *
 * Lock legend: no state of its own beyond counters, which the net thread
 * updates.
 */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <stdint.h>
#include <stdbool.h>
#include "net/pktbuf.h"

struct netdev;

extern const uint8_t eth_broadcast_addr[6];

struct eth_stats {
	uint64_t rx_short;	  /* shorter than a header */
	uint64_t rx_not_for_us;	  /* unicast to another MAC (promiscuous mode) */
	uint64_t rx_unknown_type; /* neither IPv4 nor ARP */
};
extern struct eth_stats eth_stats;

/* A frame received on dev (the net thread). Consumes nb. */
void eth_input(struct netdev *dev, struct netbuf *nb);
/* Push an Ethernet header (dev's MAC as source) and transmit. Consumes nb,
 * which needs ETH_HLEN bytes of headroom. 0 or -errno. */
int eth_output(struct netdev *dev, const uint8_t dst[6], uint16_t type, struct netbuf *nb);
/* The multicast MAC of an IPv4 group (RFC 1112 section 6.4). */
void eth_ipv4_multicast_mac(uint32_t group, uint8_t mac[6]);

#endif
