/*
 * The IPv4 header (RFC 791 section 3.1).
 */
#ifndef NET_PROTO_IPV4_H
#define NET_PROTO_IPV4_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define IPV4_HLEN_MIN 20
#define IPV4_HLEN_MAX 60
#define IPV4_MAX_LEN  65535

#define IPV4_FLAG_DF  0x4000 /* in frag_off, host order */
#define IPV4_FLAG_MF  0x2000
#define IPV4_OFF_MASK 0x1fff /* in 8-byte units */

#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

struct ipv4_hdr {
	uint8_t ver_ihl; /* version 4 in the high nibble, header words low */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag_off; /* flags and offset */
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum;
	uint32_t src;
	uint32_t dst;
} __packed;
_Static_assert(sizeof(struct ipv4_hdr) == IPV4_HLEN_MIN, "ipv4 header");

#endif
