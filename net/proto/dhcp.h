/*
 * DHCP wire format (RFC 2131 section 2, RFC 951 BOOTP, RFC 2132 options).
 * Fixed-width types, shared by net/dhcp.c, host tests and fuzz targets.
 * Multi-byte fields are big-endian on the wire; code reads them byte by
 * byte, never through this struct's integer fields, so no alignment or
 * byte-order assumption leaks out of this header.
 */
#ifndef NET_PROTO_DHCP_H
#define NET_PROTO_DHCP_H

#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define BOOTP_REQUEST	     1
#define BOOTP_REPLY	     2
#define BOOTP_HTYPE_ETHER    1
#define BOOTP_FLAG_BROADCAST 0x8000

#define DHCP_MAGIC 0x63825363u /* RFC 2131 section 3: the options' cookie */

/* The fixed BOOTP part, 236 bytes, followed by the 4-byte cookie. */
struct bootp_hdr {
	uint8_t op, htype, hlen, hops;
	uint8_t xid[4];
	uint8_t secs[2], flags[2];
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
} __attribute__((packed));
_Static_assert(sizeof(struct bootp_hdr) == 236, "BOOTP header is 236 bytes");

#define BOOTP_OFF_XID	 4
#define BOOTP_OFF_FLAGS	 10
#define BOOTP_OFF_CIADDR 12
#define BOOTP_OFF_YIADDR 16
#define BOOTP_OFF_SIADDR 20
#define BOOTP_OFF_CHADDR 28
#define BOOTP_OFF_SNAME	 44
#define BOOTP_OFF_FILE	 108
#define DHCP_OFF_COOKIE	 236
#define DHCP_OFF_OPTIONS 240
#define BOOTP_MIN_LEN	 300 /* RFC 951 packets are at least 300 bytes; some relays drop less */

/* Message types (option 53). */
#define DHCPDISCOVER 1
#define DHCPOFFER    2
#define DHCPREQUEST  3
#define DHCPDECLINE  4
#define DHCPACK	     5
#define DHCPNAK	     6
#define DHCPRELEASE  7
#define DHCPINFORM   8

/* Options (RFC 2132). */
#define DHCP_OPT_PAD	     0
#define DHCP_OPT_SUBNET	     1
#define DHCP_OPT_ROUTER	     3
#define DHCP_OPT_DNS	     6
#define DHCP_OPT_HOSTNAME    12
#define DHCP_OPT_DOMAIN	     15
#define DHCP_OPT_MTU	     26
#define DHCP_OPT_BROADCAST   28
#define DHCP_OPT_REQ_ADDR    50
#define DHCP_OPT_LEASE	     51
#define DHCP_OPT_OVERLOAD    52
#define DHCP_OPT_MSG_TYPE    53
#define DHCP_OPT_SERVER_ID   54
#define DHCP_OPT_PARAM_LIST  55
#define DHCP_OPT_MESSAGE     56
#define DHCP_OPT_MAX_SIZE    57
#define DHCP_OPT_T1	     58
#define DHCP_OPT_T2	     59
#define DHCP_OPT_CLIENT_ID   61
#define DHCP_OPT_TFTP_SERVER 66
#define DHCP_OPT_BOOTFILE    67
#define DHCP_OPT_END	     255

/* Option 52 values: which of the fixed fields also hold options. */
#define DHCP_OVERLOAD_FILE  1
#define DHCP_OVERLOAD_SNAME 2

#endif
