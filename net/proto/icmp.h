/*
 * ICMP for IPv4 (RFC 792). Echo and the error messages the stack sends and
 * understands; errors quote the offending IP header and at least 8 bytes
 * of its payload.
 */
#ifndef NET_PROTO_ICMP_H
#define NET_PROTO_ICMP_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define ICMP_ECHO_REPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT	   5
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROBLEM 12

/* ICMP_DEST_UNREACH codes */
#define ICMP_NET_UNREACH  0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED  4
/* ICMP_TIME_EXCEEDED codes */
#define ICMP_EXC_TTL	  0
#define ICMP_EXC_FRAGTIME 1

struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	union {
		struct {
			uint16_t id;
			uint16_t seq;
		} __packed echo;
		uint32_t unused;
		struct {
			uint16_t unused;
			uint16_t mtu;
		} __packed frag;
	} un;
} __packed;
_Static_assert(sizeof(struct icmp_hdr) == 8, "icmp header");

#endif
