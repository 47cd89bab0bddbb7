/*
 * The UDP header (RFC 768).
 */
#ifndef NET_PROTO_UDP_H
#define NET_PROTO_UDP_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define UDP_HLEN 8

struct udp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;  /* header and data */
	uint16_t csum; /* 0: none sent */
} __packed;
_Static_assert(sizeof(struct udp_hdr) == UDP_HLEN, "udp header");

#endif
