/*
 * The network stack's kernel side (net/net.h): the net thread, the
 * environment services of net/netdev.h, /proc/net, ip= at boot, ping.
 *
 * The net thread is the softirq of this kernel: drivers' interrupt
 * handlers mark their device and wake it; it runs each marked device's
 * poll (receive and transmit completion), then the loopback backlog, and
 * every NET_TICK_MS the ARP and reassembly timers. All protocol input
 * therefore runs in this one thread, never in interrupt context.
 */
#include <ksvc.h>
#include "fs/procfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/random.h"
#include "kernel/sched/sched.h"
#include "net/arp.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/proto/inet.h"
#include "net/stack.h"

static struct waitq net_wq = WAITQ_INIT;
static volatile int net_work; /* set from any context, cleared by the net thread */

uint64_t net_now_ms(void)
{
	return arch_time_ns() / 1000000;
}

void net_kick(void)
{
	__atomic_store_n(&net_work, 1, __ATOMIC_SEQ_CST);
	waitq_wake_one(&net_wq);
}

void net_schedule_poll(struct netdev *dev)
{
	__atomic_store_n(&dev->poll_pending, 1, __ATOMIC_SEQ_CST);
	net_kick();
}

static bool work_pending(void *arg)
{
	return __atomic_load_n(&net_work, __ATOMIC_SEQ_CST) != 0;
}

static void net_thread(void *arg)
{
	uint64_t next_tick = net_now_ms() + NET_TICK_MS;

	for (;;) {
		uint64_t now = net_now_ms();
		uint64_t until = MIN(next_tick, net_timers_next());

		if (until > now)
			waitq_wait(&net_wq, work_pending, NULL, (unsigned)(until - now));
		__atomic_store_n(&net_work, 0, __ATOMIC_SEQ_CST);
		for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d))
			if (__atomic_exchange_n(&d->poll_pending, 0, __ATOMIC_SEQ_CST) &&
			    d->ops->poll)
				d->ops->poll(d);
		netdev_backlog_run();
		ipv4_batch_end(); /* TCP sends the ACKs this batch held */
		net_calls_run();
		now = net_now_ms();
		net_timers_run(now); /* DHCP, DNS and TFTP (net/net_work.c) */
		if (now >= next_tick) {
			arp_timer(now);
			ipv4_timer(now);
			next_tick = now + NET_TICK_MS;
		}
		if (__atomic_load_n(&net_work, __ATOMIC_SEQ_CST))
			sched_yield(); /* a poll ran out of budget: let others in first */
	}
}

/* ---- ping ------------------------------------------------------------------ */

static struct mutex ping_lock = MUTEX_INIT;
static struct waitq ping_wq = WAITQ_INIT;
static struct {
	uint16_t id, seq;
	uint32_t dst;
	volatile bool got;
	uint64_t at_ns;
} ping; /* ping_lock; `got` and `at_ns` written by the net thread */

static void ping_reply(void *ctx, uint32_t src, uint16_t id, uint16_t seq, const uint8_t *data,
		       size_t len)
{
	if (id != ping.id || seq != ping.seq || src != ping.dst || ping.got)
		return;
	ping.at_ns = arch_time_ns();
	ping.got = true;
	waitq_wake_all(&ping_wq);
}

static bool ping_done(void *arg)
{
	return ping.got;
}

int net_ping(uint32_t dst, uint16_t seq, size_t len, unsigned timeout_ms, uint64_t *rtt_ns)
{
	static uint16_t next_id = 0x4b00;
	uint8_t data[1472];
	uint64_t t0;
	int err;

	if (len > sizeof(data))
		return -EMSGSIZE;
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(0x10 + i);
	mutex_lock(&ping_lock);
	ping.id = next_id++;
	ping.seq = seq;
	ping.dst = dst;
	ping.got = false;
	t0 = arch_time_ns();
	err = icmp_send_echo(dst, ping.id, seq, data, len);
	if (!err)
		err = waitq_wait_intr(&ping_wq, ping_done, NULL, timeout_ms);
	if (!err && rtt_ns)
		*rtt_ns = ping.at_ns - t0;
	ping.id = 0;
	mutex_unlock(&ping_lock);
	return err;
}

/* ---- boot ------------------------------------------------------------------- */

__weak int net_dhcp_start(struct netdev *dev)
{
	pr_warn("ip=dhcp: DHCP client not yet wired (%s stays unconfigured)\n", dev->name);
	return -ENOSYS;
}

void net_init(void)
{
	uint16_t seed;
	struct thread *t;

	random_get_bytes(&seed, sizeof(seed));
	ipv4_seed_id(seed);
	net_stack_init();
	icmp_set_echo_handler(ping_reply, NULL);
	procfs_init();
	procfs_register("net/dev", netdev_proc_show, NULL);
	procfs_register("net/arp", arp_proc_show, NULL);
	procfs_register("net/route", ipv4_route_proc_show, NULL);
	procfs_register("net/pnp", net_pnp_proc_show, NULL);
	net_dns_init();
	t = thread_create("net", net_thread, NULL, -10, 0);
	if (!t)
		panic("net: cannot start the net thread");
	net_work_set_thread(t);
	thread_detach(t);
}

void net_config_boot(const struct boot_options *o)
{
	struct netdev *eth0 = netdev_find("eth0");
	char a[16], g[16];
	int err;

	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d)) {
		if (d->hwtype == ARPHRD_LOOPBACK)
			continue;
		err = netdev_up(d);
		if (err)
			pr_warn("net: %s: cannot bring up (%d)\n", d->name, err);
	}
	/* root=tftp without ip= asks for DHCP: that is where the server and
	 * the file come from (and a URL's host needs a route). */
	bool dhcp = o->ip == IP_DHCP || (o->ip == IP_DEFAULT &&
					 (o->root == ROOT_TFTP_DHCP || o->root == ROOT_TFTP_URL));
	if (o->ip == IP_DEFAULT && !dhcp)
		return;
	if (!eth0) {
		pr_warn("net: ip= given but there is no eth0\n");
		return;
	}
	if (dhcp) {
		net_dhcp_start(eth0);
		return;
	}
	err = ipv4_set_addr(eth0, o->ip_addr, o->ip_prefix);
	if (!err && o->ip_gw)
		err = ipv4_route_add(0, 0, o->ip_gw, eth0, 0);
	if (err)
		pr_warn("net: eth0: ip= not applied (%d)\n", err);
	else
		pr_info("net: eth0 %s/%u%s%s\n", net_fmt_ip(a, o->ip_addr), o->ip_prefix,
			o->ip_gw ? " gateway " : "", o->ip_gw ? net_fmt_ip(g, o->ip_gw) : "");
}
