/*
 * The network stack's kernel side (net/net_glue.c): the net thread that
 * runs driver polls, the loopback backlog and the protocol timers; the
 * /proc/net files; the boot-time configuration from `ip=`; the kernel's
 * ping. The pure protocol code (every other file of net/) never sees
 * threads or clocks except through net_now_ms/net_kick/net_schedule_poll.
 *
 * Order at boot (kernel/main.c): net_init, then the NIC drivers (which
 * register eth0, eth1, ...), then net_config_boot.
 *
 * Lock legend: ping_lock (a mutex) serialises net_ping callers; the rest
 * of the state belongs to the net thread or is set once at boot.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stddef.h>
#include <stdint.h>

struct boot_options;
struct netdev;

#define NET_TICK_MS 100 /* protocol timer period */

void net_init(void);
/* Bring every interface up; apply ip=ADDR/NN,GW to eth0, or start DHCP
 * on it for ip=dhcp. */
void net_config_boot(const struct boot_options *o);
/*
 * The DHCP client's entry point for ip=dhcp. A weak default here only
 * logs that no client is wired; the DHCP glue (net/dhcp_glue.c) supplies
 * the real one. Returns 0 when configuration started.
 */
int net_dhcp_start(struct netdev *dev);
/*
 * One ICMP echo to dst with `len` bytes of data; waits up to timeout_ms
 * for the matching reply. 0 with the round trip in *rtt_ns, -ETIMEDOUT,
 * -EINTR, or a send error.
 */
int net_ping(uint32_t dst, uint16_t seq, size_t len, unsigned timeout_ms, uint64_t *rtt_ns);

#endif
