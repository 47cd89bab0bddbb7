/*
 * DNS wire format (RFC 1035 section 4.1). Shared by net/dns.c, host tests
 * and fuzz targets. Every multi-byte field is big-endian; code reads them
 * byte by byte at the offsets below.
 */
#ifndef NET_PROTO_DNS_H
#define NET_PROTO_DNS_H

#include <stdint.h>

#define DNS_PORT 53

/* The 12-byte header. */
struct dns_hdr {
	uint8_t id[2];
	uint8_t flags[2];
	uint8_t qdcount[2], ancount[2], nscount[2], arcount[2];
} __attribute__((packed));
_Static_assert(sizeof(struct dns_hdr) == 12, "DNS header is 12 bytes");

#define DNS_HDR_LEN 12

/* Flag bits of the 16-bit flags word. */
#define DNS_FLAG_QR	0x8000
#define DNS_OPCODE_MASK 0x7800
#define DNS_FLAG_AA	0x0400
#define DNS_FLAG_TC	0x0200
#define DNS_FLAG_RD	0x0100
#define DNS_FLAG_RA	0x0080
#define DNS_RCODE_MASK	0x000f

#define DNS_RCODE_OK	   0
#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP   4
#define DNS_RCODE_REFUSED  5

#define DNS_TYPE_A     1
#define DNS_TYPE_NS    2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA   6
#define DNS_TYPE_AAAA  28
#define DNS_CLASS_IN   1

/* Name encoding: a label is a length byte (at most 63) and its bytes; the
 * top two bits 11 mark a 14-bit compression pointer (RFC 1035 4.1.4);
 * 01 and 10 are reserved. A whole name is at most 255 bytes on the wire. */
#define DNS_LABEL_MAX	  63
#define DNS_WIRE_NAME_MAX 255
#define DNS_PTR_MASK	  0xc0

#endif
