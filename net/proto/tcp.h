/*
 * TCP wire format (RFC 9293 section 3.1, options from RFC 9293 3.2 and
 * RFC 7323): the fixed header and option kinds. Multi-byte fields are in
 * network byte order on the wire; the engine reads and writes them with the
 * byte helpers in net/tcp_internal.h, never through this struct's fields, so
 * the struct only documents the layout and its size.
 */
#ifndef NET_PROTO_TCP_H
#define NET_PROTO_TCP_H

#include <stdint.h>

#define IPPROTO_TCP 6

struct tcp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t off;   /* data offset in 32-bit words, high nibble */
	uint8_t flags; /* TCP_F_* */
	uint16_t win;
	uint16_t csum;
	uint16_t urp;
} __attribute__((packed));
_Static_assert(sizeof(struct tcp_hdr) == 20, "TCP header is 20 bytes");

#define TCP_HDR_LEN	20
#define TCP_OPT_MAX_LEN 40 /* data offset 15 words, less the fixed header */
#define TCP_HDR_MAX_LEN (TCP_HDR_LEN + TCP_OPT_MAX_LEN)

/* Byte offsets of the fields. */
#define TCP_OFF_SPORT 0
#define TCP_OFF_DPORT 2
#define TCP_OFF_SEQ   4
#define TCP_OFF_ACK   8
#define TCP_OFF_DOFF  12
#define TCP_OFF_FLAGS 13
#define TCP_OFF_WIN   14
#define TCP_OFF_CSUM  16
#define TCP_OFF_URP   18

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

/* Option kinds and lengths. */
#define TCP_OPT_EOL	 0
#define TCP_OPT_NOP	 1
#define TCP_OPT_MSS	 2 /* length 4, SYN only */
#define TCP_OPT_WS	 3 /* length 3, SYN only (RFC 7323 2) */
#define TCP_OPT_SACK_OK	 4
#define TCP_OPT_TS	 8 /* length 10 (RFC 7323 3) */
#define TCP_OPTLEN_MSS	 4
#define TCP_OPTLEN_WS	 3
#define TCP_OPTLEN_TS	 10
#define TCP_WS_MAX_SHIFT 14 /* RFC 7323 2.3 */

#endif
