/*
 * Ethernet II framing (IEEE 802.3 clause 3, with EtherType). A frame as the
 * stack sees it has no preamble and no FCS: the NIC strips and adds those.
 */
#ifndef NET_PROTO_ETH_H
#define NET_PROTO_ETH_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_ZLEN      60 /* shortest frame without FCS: shorter ones are padded */
#define ETH_DATA_LEN  1500
#define ETH_FRAME_MAX (ETH_HLEN + ETH_DATA_LEN)

#define ETH_P_IP  0x0800
#define ETH_P_ARP 0x0806

struct eth_hdr {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	uint16_t type; /* big-endian */
} __packed;
_Static_assert(sizeof(struct eth_hdr) == ETH_HLEN, "eth header");

#endif
