/*
 * ICMP for IPv4 (net/icmp.c; RFC 792, RFC 1122 3.2.2). Echo requests are
 * answered; echo replies go to one registered handler (the kernel's ping);
 * errors the stack must send (port and protocol unreachable, reassembly
 * time exceeded) are built from the datagram being delivered; errors that
 * arrive are passed to the transport named in the quoted header.
 *
 * Lock legend: icmp_lock guards the handler tables and the error rate
 * limiter; handlers are called with it dropped.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <stddef.h>
#include <stdint.h>

struct icmp_stats {
	uint64_t in_msgs, in_errors, in_csum_errors, in_echos, in_echo_reps, in_dest_unreachs;
	uint64_t in_time_excds;
	uint64_t out_msgs, out_echos, out_echo_reps, out_dest_unreachs, out_time_excds;
	uint64_t out_rate_limited;
};
extern struct icmp_stats icmp_stats;

#define ICMP_ERR_RATE_PER_S 100 /* errors sent per second at most (RFC 1812 4.3.2.8) */

/* Register the ICMP protocol with IPv4. */
void icmp_init(void);
/* The IPv4 deliver function for protocol 1. */
void icmp_input(void *ctx, uint32_t src, uint32_t dst, const uint8_t *p, size_t len);

/* Send an echo request with `len` bytes of data. 0 or -errno. */
int icmp_send_echo(uint32_t dst, uint16_t id, uint16_t seq, const void *data, size_t len);
typedef void (*icmp_echo_reply_fn)(void *ctx, uint32_t src, uint16_t id, uint16_t seq,
				   const uint8_t *data, size_t len);
/* The one receiver of echo replies (NULL removes it). */
void icmp_set_echo_handler(icmp_echo_reply_fn fn, void *ctx);

/*
 * Every ICMP message that arrives with a good checksum, before the stack
 * acts on it (ipv4_rx_current() describes its datagram): the socket layer's
 * ping and raw ICMP sockets (net/inet_icmp.c). NULL removes the hook.
 */
typedef void (*icmp_sock_fn)(uint32_t src, uint32_t dst, const uint8_t *msg, size_t len);
void icmp_set_sock_hook(icmp_sock_fn fn);

/*
 * An error about a datagram we sent: the quoted original's addresses and
 * its payload's first bytes (at least 8: the transport ports).
 */
typedef void (*icmp_err_fn)(void *ctx, uint8_t type, uint8_t code, uint32_t orig_src,
			    uint32_t orig_dst, const uint8_t *orig_payload, size_t len);
/* One error handler per transport protocol; 0 or -EEXIST. */
int icmp_register_err(uint8_t proto, icmp_err_fn fn, void *ctx);

/*
 * Send an ICMP error about the datagram being delivered (ipv4_rx_current).
 * Follows RFC 1122 3.2.2: never about an ICMP error, a broadcast or
 * multicast, a non-first fragment, or a source that is not a single host;
 * rate limited. `info` fills the header's second word (next-hop MTU for
 * "fragmentation needed"), 0 otherwise.
 */
void icmp_send_error(uint8_t type, uint8_t code, uint32_t info);

#endif
