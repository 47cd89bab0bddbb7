/*
 * The Internet checksum (RFC 1071): the one's-complement sum of 16-bit
 * big-endian words, folded and complemented. Sums are kept as host-order
 * numbers of the big-endian words, so an odd final byte counts as its
 * high half. Pure logic, shared by IPv4, ICMP, UDP and TCP.
 */
#include <ksvc.h>
#include "net/proto/inet.h"

uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t inet_csum(const void *buf, size_t len)
{
	return net_htons(inet_csum_fold(inet_csum_add(0, buf, len)));
}

uint32_t inet_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint64_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;

	return (uint32_t)s;
}
