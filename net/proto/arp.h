/*
 * ARP packets for IPv4 over Ethernet (RFC 826).
 */
#ifndef NET_PROTO_ARP_H
#define NET_PROTO_ARP_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define ARP_HRD_ETHER  1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct arp_pkt {
	uint16_t hrd; /* hardware type, 1 for Ethernet */
	uint16_t pro; /* protocol type, 0x0800 */
	uint8_t hln;  /* 6 */
	uint8_t pln;  /* 4 */
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa; /* big-endian */
	uint8_t tha[6];
	uint32_t tpa;
} __packed;
_Static_assert(sizeof(struct arp_pkt) == 28, "arp packet");

#endif
