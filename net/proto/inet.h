/*
 * Byte order and the Internet checksum (RFC 1071) for the network stack.
 * Addresses and ports are kept in host order everywhere above the wire
 * (net-common notes); wire headers hold big-endian fields, converted with
 * net_htons/net_ntohs/net_htonl/net_ntohl. The names avoid htons & co. so
 * that host tests never clash with a libc <arpa/inet.h>.
 *
 * Wire headers in net/proto/ are packed structs: frames arrive at any
 * alignment (an RTL8139 ring packet puts the IP header at 2 mod 4).
 */
#ifndef NET_PROTO_INET_H
#define NET_PROTO_INET_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t net_htons(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint16_t net_ntohs(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint32_t net_htonl(uint32_t v)
{
	return __builtin_bswap32(v);
}
static inline uint32_t net_ntohl(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* Host-order address from four octets: IPV4(10, 0, 2, 15). */
#define IPV4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IPV4_BROADCAST 0xffffffffu

static inline uint32_t ipv4_prefix_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

static inline int ipv4_is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

static inline int ipv4_is_loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

/* One's-complement sum of buf added to `sum`, not folded (net/inet_csum.c). */
uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len);
/* Fold a sum to 16 bits and complement it: the checksum field's value
 * (in network byte order when stored with memcpy of the returned
 * big-endian-ordered bytes; see inet_csum). */
uint16_t inet_csum_fold(uint32_t sum);
/* The checksum of buf, ready to store in a header field as is. A buffer
 * that includes a correct checksum field sums to 0. */
uint16_t inet_csum(const void *buf, size_t len);
/* The IPv4 pseudo-header (RFC 768, RFC 9293 3.1) sum for UDP and TCP. */
uint32_t inet_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif
