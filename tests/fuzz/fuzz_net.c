/*
 * libFuzzer target for the network input path: Ethernet, ARP, IPv4 with
 * reassembly, ICMP and UDP (net/). The input is a sequence of records,
 * each a 2-byte little-endian length and then that many bytes, of which
 * the first selects an action:
 *   0..0xef  a frame, received on the fake eth0 as is
 *   0xf0..   advance the clock by (byte & 0x0f) * 2 s and run the timers
 * To reach deep states, a frame's IPv4 header checksum is fixed up when
 * the frame looks like IPv4 and the action byte is odd.
 *
 * Invariants checked after every record: reassembly memory stays within
 * its limit; ARP's pending queue within its bound. At the end, after the
 * timers ran far into the future and queues were flushed, no packet
 * buffer and no reassembly buffer is left.
 */
#include <stdlib.h>
#include <ksvc.h>
#include "net/arp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/eth.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"
#include "net/udp.h"
#include "tests/unit/net_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void echo_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		      const uint8_t *d, size_t len)
{
	udp_sendto(dport, 0, src, sport, d, len); /* answering from the callback must work */
}

static const struct udp_ops echo_ops = {echo_recv, NULL};

static void check_bounds(void)
{
	if (ipv4_reasm_mem() > IPV4_REASM_MEM_MAX || ipv4_reasm_count() > IPV4_REASM_DGRAMS_MAX)
		abort();
	if (arp_queued() > ARP_QUEUE_TOTAL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	uint8_t frame[2048];

	if (!ready) {
		fake_net_setup(IPV4(10, 0, 2, 2));
		udp_bind(7, &echo_ops, NULL);
		ready = true;
	}
	while (size >= 3) {
		size_t len = (size_t)data[0] | (size_t)data[1] << 8;
		uint8_t action = data[2];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (action >= 0xf0) {
			fake_advance((uint64_t)(action & 0x0f) * 2000);
		} else if (len > 1) {
			size_t flen = MIN(len - 1, sizeof(frame));
			memcpy(frame, data + 1, flen);
			if ((action & 1) && flen >= ETH_HLEN + IPV4_HLEN_MIN && frame[12] == 0x08 &&
			    frame[13] == 0x00) {
				struct ipv4_hdr *h = (struct ipv4_hdr *)(frame + ETH_HLEN);
				size_t hlen = (size_t)(h->ver_ihl & 0xf) * 4;
				if (hlen >= IPV4_HLEN_MIN && ETH_HLEN + hlen <= flen) {
					h->csum = 0;
					h->csum = inet_csum(h, hlen);
				}
			}
			fake_inject(frame, flen);
		}
		data += len;
		size -= len;
		fake_clear();
		check_bounds();
	}
	/* Everything held must be released by time and flushing. */
	fake_advance(IPV4_REASM_TIMEOUT_MS + ARP_REACHABLE_MS + 10000);
	fake_advance(10000);
	arp_flush(NULL);
	netdev_backlog_run();
	fake_clear();
	if (ipv4_reasm_mem() != 0 || ipv4_reasm_count() != 0 || netbuf_live() != 0)
		abort();
	return 0;
}
