/*
 * A fake network interface for host tests and the fuzz target of the
 * network stack: frames the stack transmits are captured in memory, the
 * clock is set by the test, and frames are injected as if a NIC had
 * received them. Also provides the stack's environment services
 * (net_now_ms, net_kick) for the host.
 */
#ifndef TESTS_UNIT_NET_FAKE_H
#define TESTS_UNIT_NET_FAKE_H

#include <stddef.h>
#include <stdint.h>
#include "net/netdev.h"

#define FAKE_FRAMES_MAX 512

struct fake_frame {
	uint8_t data[1600];
	size_t len;
};

extern struct netdev fake_dev;
extern struct fake_frame fake_frames[FAKE_FRAMES_MAX];
extern unsigned fake_nframes;
extern uint64_t fake_now;
extern const uint8_t fake_mac[6], peer_mac[6];

/* Stack up, "eth0" registered and up with 10.0.2.15/24, default route
 * through 10.0.2.2 unless gw is 0. The captured frames are cleared. */
void fake_net_setup(uint32_t gw);
void fake_clear(void);
/* A frame as received by the fake NIC; runs the loopback backlog after. */
void fake_inject(const void *frame, size_t len);
/* Build an Ethernet + IPv4 frame into buf (size >= 14 + 20 + len):
 * its length. frag_off is the host-order flags+offset field. */
size_t fake_build_ip(uint8_t *buf, const uint8_t dst_mac[6], uint32_t src, uint32_t dst,
		     uint8_t proto, uint16_t id, uint16_t frag_off, const void *payload,
		     size_t len);
/* An ARP packet in an Ethernet frame: its length. */
size_t fake_build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[6], uint32_t spa,
		      const uint8_t tha[6], uint32_t tpa, const uint8_t eth_dst[6]);
/* Advance the clock and run the stack's timers. */
void fake_advance(uint64_t ms);

#endif
