/*
 * The Internet checksum (RFC 1071): the one's-complement sum of 16-bit
 * big-endian words, folded and complemented. Sums are kept as host-order
 * numbers of the big-endian words, so an odd final byte counts as its
 * high half. Pure logic, shared by IPv4, ICMP, UDP and TCP.
 */
#include <ksvc.h>
#include "net/proto/inet.h"

/*
 * 8-byte loads in the host's order, summed as 32-bit halves: a one's
 * complement sum does not care about byte order as long as it is swapped
 * back once at the end (RFC 1071 2(B)); the result is in the big-endian
 * convention of the rest of the file. A byte-pair loop cost four times as
 * much under QEMU's TCG.
 */
uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = 0;

	while (len >= 8) {
		uint64_t v;

		__builtin_memcpy(&v, p, 8);
		s += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t v;

		__builtin_memcpy(&v, p, 2);
		s += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		uint16_t v;

		__builtin_memcpy(&v, last, 2);
		s += v;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (uint64_t)sum + net_ntohs((uint16_t)s);
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
