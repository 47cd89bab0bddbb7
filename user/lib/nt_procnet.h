/*
 * Parsers for the Linux /proc/net texts the tools show (pure; host unit
 * tests in tests/unit/test_nettools.c): dev, route, arp, tcp and udp, in
 * Linux's formats, which our kernel also uses (docs/network.md
 * "Configuration and /proc"). Addresses in route, tcp and udp are the
 * network-order word printed as a native (little-endian, x86) integer; the
 * parsers return them in host byte order. Each *_line function parses one
 * line and returns 0, or -1 for a header or malformed line.
 */
#ifndef NT_PROCNET_H
#define NT_PROCNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define NT_IFNAMSIZ 16

struct nt_ifstats {
	char name[NT_IFNAMSIZ];
	uint64_t rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame, rx_compressed,
		rx_multicast;
	uint64_t tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls, tx_carrier,
		tx_compressed;
};

struct nt_route {
	char iface[NT_IFNAMSIZ];
	uint32_t dst, gw, mask; /* host byte order */
	unsigned flags;		/* RTF_UP 1, RTF_GATEWAY 2, RTF_HOST 4, ... */
	int refcnt;
	unsigned use;
	int metric;
	unsigned mtu, window, irtt;
};

struct nt_arp {
	char ip[16];
	unsigned hwtype, flags; /* ATF_COM 2, ATF_PERM 4, ATF_PUBL 8 */
	char hw[18];
	char mask[16];
	char dev[NT_IFNAMSIZ];
};

struct nt_sock {
	uint32_t laddr, raddr; /* host byte order */
	uint16_t lport, rport;
	unsigned state; /* TCP_ESTABLISHED 1 ... TCP_LISTEN 10 */
	uint32_t txq, rxq;
	unsigned uid;
	unsigned long inode;
};

/* Copy the next line of [*p, end) into buf (truncated to size-1, without
 * the newline) and advance *p; false when no line is left. */
bool nt_next_line(const char **p, const char *end, char *buf, size_t size);

int nt_procnet_dev_line(const char *line, struct nt_ifstats *s);
int nt_procnet_route_line(const char *line, struct nt_route *r);
int nt_procnet_arp_line(const char *line, struct nt_arp *a);
int nt_procnet_sock_line(const char *line, struct nt_sock *s);

/* "ESTABLISHED", "LISTEN", ... ("" for 0 or an unknown state). */
const char *nt_tcp_state_name(unsigned state);
/* route(8)'s flag letters ("UG", "UH", ...) into out (at least 16 bytes). */
void nt_route_flags(unsigned flags, char *out);
/* "a.b.c.d" of a host-order address into out (at least 16 bytes). */
void nt_ipv4_str(uint32_t addr, char *out);

#endif
