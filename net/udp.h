/*
 * UDP (net/udp.c; RFC 768, RFC 1122 4.1) with kernel endpoints: a port is
 * bound with a receive callback, datagrams go out with udp_sendto. The
 * socket layer (AF_INET, later) sits on the same calls. A datagram for a
 * port nobody bound gets ICMP port unreachable; ICMP errors about our
 * datagrams reach the endpoint's error callback.
 *
 * Lock legend: udp_lock guards the port table; callbacks run with it
 * dropped, in the net thread. An endpoint may be unbound from its own
 * callback; unbinding from another thread while a datagram is being
 * delivered is the caller's problem to avoid.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stddef.h>
#include <stdint.h>

struct netdev;

#define UDP_PORTS_MAX	   64
#define UDP_EPHEMERAL_LOW  49152 /* IANA dynamic ports (RFC 6335) */
#define UDP_EPHEMERAL_HIGH 65535

struct udp_ops {
	void (*recv)(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const uint8_t *data, size_t len);
	/* ICMP error about a datagram sent from this port. Optional. */
	void (*error)(void *ctx, uint8_t type, uint8_t code, uint32_t dst, uint16_t dport);
};

struct udp_stats {
	uint64_t in_datagrams, no_ports, in_errors, in_csum_errors, out_datagrams;
};
extern struct udp_stats udp_stats;

/* Register UDP with IPv4 and ICMP. */
void udp_init(void);
/* Bind `port` (0: pick a free ephemeral one). The port, or -EADDRINUSE,
 * -ENOSPC. */
int udp_bind(uint16_t port, const struct udp_ops *ops, void *ctx);
int udp_unbind(uint16_t port);
/* Send from sport (src 0: the route's address). 0 or -errno. */
int udp_sendto(uint16_t sport, uint32_t src, uint32_t dst, uint16_t dport, const void *buf,
	       size_t len);
/* The same out of a given interface (DHCP: src 0, dst 255.255.255.255). */
int udp_sendto_dev(struct netdev *dev, uint16_t sport, uint32_t src, uint32_t dst, uint16_t dport,
		   const void *buf, size_t len);
/* The IPv4 deliver function for protocol 17. */
void udp_input(void *ctx, uint32_t src, uint32_t dst, const uint8_t *p, size_t len);

#endif
