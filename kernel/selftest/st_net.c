/*
 * Network self-tests (`selftest=net`), run with a QEMU RTL8139 on slirp and
 * ip=10.0.2.15/24,10.0.2.2 (tests/integration/test_net.py). In order:
 * the interfaces exist and are up; ping over lo; 20 pings to the gateway
 * with RTT figures; a UDP exchange through slirp with a host echo server
 * (`netecho=PORT`: the host's 127.0.0.1:PORT is 10.0.2.2:PORT to us),
 * including a datagram that must be fragmented and reassembled; a UDP echo
 * service the host reaches through hostfwd (`netserve=N`: echo N
 * datagrams); a burst of junk frames on eth1 (`netjunk=N`, eth1 on a QEMU
 * socket backend the host writes to) after which the stack still works;
 * and last the counters, printed to the log.
 *
 * The options above are read from the raw command line; the parser warns
 * about them as unknown keys, which is harmless.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/lib/cmdline.h"
#include "kernel/sched/sched.h"
#include "kernel/selftest/selftest.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/proto/inet.h"
#include "net/udp.h"

#define PINGS 20

/* The number after " key=" on the command line, or -1. */
static long cmdline_number(const char *key)
{
	const char *s = boot_info.cmdline;
	size_t klen = strlen(key);

	for (; *s; s++) {
		if ((s == boot_info.cmdline || s[-1] == ' ') && strncmp(s, key, klen) == 0 &&
		    s[klen] == '=') {
			long v = 0;
			const char *p = s + klen + 1;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (*p++ - '0');
			return v;
		}
	}
	return -1;
}

static uint32_t gateway(void)
{
	return boot_options.ip_gw ? boot_options.ip_gw : IPV4(10, 0, 2, 2);
}

EXPLICIT_SELFTEST(net, interfaces)
{
	struct netdev *lo = netdev_find("lo"), *eth0 = netdev_find("eth0");
	static const uint8_t zero[6];

	ST_CHECK(lo && lo->ip_addr == IPV4(127, 0, 0, 1) && (lo->flags & IFF_UP),
		 "lo missing or not 127.0.0.1");
	ST_CHECK(eth0, "no eth0 (is there an RTL8139?)");
	ST_CHECK(eth0->flags & IFF_UP, "eth0 is down");
	ST_CHECK(netdev_link_up(eth0), "eth0 has no link");
	ST_CHECK(memcmp(eth0->mac, zero, 6) != 0, "eth0 has no MAC");
	if (boot_options.ip == IP_STATIC)
		ST_CHECK(eth0->ip_addr == boot_options.ip_addr, "eth0 lacks the ip= address");
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d)) {
		char mac[18], ip[16];
		pr_info("net: %s mtu %u mac %s addr %s/%u flags 0x%x\n", d->name, d->mtu,
			net_fmt_mac(mac, d->mac), net_fmt_ip(ip, d->ip_addr), d->ip_prefix,
			d->flags);
	}
	return 0;
}

EXPLICIT_SELFTEST(net, ping_loopback)
{
	uint64_t rtt;
	int err = net_ping(IPV4(127, 0, 0, 1), 1, 56, 1000, &rtt);

	ST_CHECK(err == 0, "ping 127.0.0.1: %d", err);
	err = net_ping(boot_options.ip_addr ? boot_options.ip_addr : IPV4(127, 0, 0, 2), 2, 56,
		       1000, &rtt);
	ST_CHECK(err == 0, "ping own address: %d", err);
	return 0;
}

EXPLICIT_SELFTEST(net, ping_gateway)
{
	uint64_t min = UINT64_MAX, max = 0, sum = 0, rest = 0, rtt;
	unsigned ok = 0, nrest = 0;
	char ip[16];
	int err = 0;

	net_fmt_ip(ip, gateway());
	for (int i = 0; i < PINGS; i++) {
		err = net_ping(gateway(), (uint16_t)i, 56, 2000, &rtt);
		if (err) {
			pr_info("net: ping %s seq %d: %d\n", ip, i, err);
			continue;
		}
		ok++;
		sum += rtt;
		if (i > 0) { /* the first one waits for ARP */
			rest += rtt;
			nrest++;
		}
		min = MIN(min, rtt);
		max = MAX(max, rtt);
	}
	ST_CHECK(ok > 0, "no reply from %s (%d)", ip, err);
	pr_notice("net: ping %s: %u/%d replies, rtt min/avg/max = %llu/%llu/%llu us, "
		  "avg without the first (ARP) %llu us\n",
		  ip, ok, PINGS, (unsigned long long)(min / 1000),
		  (unsigned long long)(sum / ok / 1000), (unsigned long long)(max / 1000),
		  (unsigned long long)(nrest ? rest / nrest / 1000 : 0));
	ST_CHECK(ok == PINGS, "%u of %d pings answered", ok, PINGS);
	return 0;
}

/* ---- UDP through slirp to a host echo server ------------------------------- */

static struct waitq udp_wq = WAITQ_INIT;
static volatile size_t udp_got_len;
static volatile bool udp_got;
static uint8_t udp_buf[4096];

static void udp_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const uint8_t *data, size_t len)
{
	if (udp_got)
		return;
	len = MIN(len, sizeof(udp_buf));
	memcpy(udp_buf, data, len);
	udp_got_len = len;
	udp_got = true;
	waitq_wake_all(&udp_wq);
}

static bool udp_done(void *arg)
{
	return udp_got;
}

static const struct udp_ops udp_client_ops = {udp_recv, NULL};

EXPLICIT_SELFTEST(net, udp_echo_host)
{
	static const size_t sizes[] = {1, 32, 512, 1472, 3000, 4000};
	static uint8_t msg[4096];
	long port = cmdline_number("netecho");
	int sport, err = 0;

	if (port <= 0) {
		pr_info("net: no netecho= port, UDP exchange skipped\n");
		return 0;
	}
	sport = udp_bind(0, &udp_client_ops, NULL);
	ST_CHECK(sport > 0, "udp_bind: %d", sport);
	for (size_t i = 0; i < ARRAY_SIZE(sizes) && !err; i++) {
		size_t n = sizes[i];
		for (size_t k = 0; k < n; k++)
			msg[k] = (uint8_t)(k * 7 + i);
		udp_got = false;
		err = udp_sendto((uint16_t)sport, 0, gateway(), (uint16_t)port, msg, n);
		if (err)
			break;
		err = waitq_wait(&udp_wq, udp_done, NULL, 3000);
		if (err)
			break;
		if (udp_got_len != n || memcmp(udp_buf, msg, n) != 0)
			err = -EIO;
		else
			pr_info("net: udp echo of %zu bytes ok\n", n);
	}
	udp_unbind((uint16_t)sport);
	ST_CHECK(err == 0, "udp echo through 10.0.2.2:%ld failed: %d", port, err);
	return 0;
}

/* ---- a UDP echo service for the host (hostfwd) --------------------------- */

static volatile unsigned served;

static void echo_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		      const uint8_t *data, size_t len)
{
	if (udp_sendto(dport, dst, src, sport, data, len) == 0)
		served++;
	waitq_wake_all(&udp_wq);
}

static const struct udp_ops echo_server_ops = {echo_recv, NULL};

static bool served_enough(void *arg)
{
	return served >= (unsigned long)arg;
}

EXPLICIT_SELFTEST(net, udp_echo_server)
{
	long n = cmdline_number("netserve");
	int err;

	if (n <= 0)
		return 0;
	ST_CHECK(udp_bind(7, &echo_server_ops, NULL) == 7, "port 7 taken");
	pr_notice("net: udp echo server on port 7, waiting for %ld datagrams\n", n);
	err = waitq_wait(&udp_wq, served_enough, (void *)(unsigned long)n, 60000);
	udp_unbind(7);
	ST_CHECK(err == 0, "served %u of %ld datagrams", served, n);
	pr_notice("net: udp echo server answered %u datagrams\n", served);
	return 0;
}

/* ---- junk frames on eth1 ---------------------------------------------------- */

#define JUNK_DONE_PORT 9999

static volatile bool junk_done;

static void junk_done_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
			   const uint8_t *data, size_t len)
{
	if (len >= 9 && memcmp(data, "junk-done", 9) == 0) {
		junk_done = true;
		waitq_wake_all(&udp_wq);
	}
}

static const struct udp_ops junk_done_ops = {junk_done_recv, NULL};

static bool junk_finished(void *arg)
{
	return junk_done;
}

/*
 * The host sends netjunk=N malformed and random frames to eth1, then an
 * ARP request and a ping for 192.168.77.1 (it checks the answers itself),
 * then a UDP "junk-done" to port 9999. Afterwards the stack must still
 * work and hold no more than its reassembly limit.
 */
EXPLICIT_SELFTEST(net, junk_frames)
{
	long n = cmdline_number("netjunk");
	struct netdev *eth1 = netdev_find("eth1");
	uint64_t rtt;
	int err;

	if (n <= 0)
		return 0;
	ST_CHECK(eth1, "no eth1 for the junk test");
	ST_CHECK(ipv4_set_addr(eth1, IPV4(192, 168, 77, 1), 24) == 0, "cannot address eth1");
	ST_CHECK(udp_bind(JUNK_DONE_PORT, &junk_done_ops, NULL) == JUNK_DONE_PORT,
		 "port 9999 taken");
	pr_notice("net: eth1 ready for junk, %ld frames expected\n", n);
	err = waitq_wait(&udp_wq, junk_finished, NULL, 120000);
	udp_unbind(JUNK_DONE_PORT);
	pr_notice("net: eth1 got %llu frames (%llu errors, %llu dropped), reassembly holds %zu "
		  "bytes in %u datagrams\n",
		  (unsigned long long)eth1->stats.rx_packets,
		  (unsigned long long)(eth1->stats.rx_errors + eth1->stats.rx_length_errors +
				       eth1->stats.rx_frame_errors),
		  (unsigned long long)eth1->stats.rx_dropped, ipv4_reasm_mem(), ipv4_reasm_count());
	ST_CHECK(err == 0, "no junk-done datagram (%llu frames arrived)",
		 (unsigned long long)eth1->stats.rx_packets);
	ST_CHECK(ipv4_reasm_mem() <= IPV4_REASM_MEM_MAX, "reassembly over its limit");
	err = net_ping(gateway(), 100, 56, 2000, &rtt);
	ST_CHECK(err == 0, "ping through eth0 after the junk: %d", err);
	return 0;
}

/* ---- counters ----------------------------------------------------------------- */

static void log_text(int (*show)(char *, size_t, void *))
{
	static char buf[4096];
	int n = show(buf, sizeof(buf), NULL);
	char *line = buf;

	if (n < 0)
		return;
	buf[MIN((size_t)n, sizeof(buf) - 1)] = '\0';
	while (*line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		pr_info("net: | %s\n", line);
		if (!nl)
			break;
		line = nl + 1;
	}
}

EXPLICIT_SELFTEST(net, counters)
{
	struct netdev *eth0 = netdev_find("eth0");

	log_text(netdev_proc_show);
	log_text(arp_proc_show);
	log_text(ipv4_route_proc_show);
	pr_info("net: ip in %llu delivered %llu hdrerr %llu addrerr %llu out %llu noroute %llu "
		"reasm ok %llu fail %llu frag created %llu\n",
		(unsigned long long)ipv4_stats.in_receives,
		(unsigned long long)ipv4_stats.in_delivers,
		(unsigned long long)ipv4_stats.in_hdr_errors,
		(unsigned long long)ipv4_stats.in_addr_errors,
		(unsigned long long)ipv4_stats.out_requests,
		(unsigned long long)ipv4_stats.out_no_routes,
		(unsigned long long)ipv4_stats.reasm_oks,
		(unsigned long long)ipv4_stats.reasm_fails,
		(unsigned long long)ipv4_stats.frag_creates);
	pr_info("net: icmp in %llu echo-replies %llu out %llu; udp in %llu noport %llu out %llu; "
		"arp req %llu/%llu rep %llu/%llu\n",
		(unsigned long long)icmp_stats.in_msgs, (unsigned long long)icmp_stats.in_echo_reps,
		(unsigned long long)icmp_stats.out_msgs, (unsigned long long)udp_stats.in_datagrams,
		(unsigned long long)udp_stats.no_ports, (unsigned long long)udp_stats.out_datagrams,
		(unsigned long long)arp_stats.requests_sent,
		(unsigned long long)arp_stats.requests_recv,
		(unsigned long long)arp_stats.replies_sent,
		(unsigned long long)arp_stats.replies_recv);
	ST_CHECK(eth0, "no eth0");
	pr_notice("net: eth0 rx %llu packets %llu bytes, tx %llu packets %llu bytes, "
		  "rx errors %llu dropped %llu, tx errors %llu dropped %llu\n",
		  (unsigned long long)eth0->stats.rx_packets,
		  (unsigned long long)eth0->stats.rx_bytes,
		  (unsigned long long)eth0->stats.tx_packets,
		  (unsigned long long)eth0->stats.tx_bytes,
		  (unsigned long long)eth0->stats.rx_errors,
		  (unsigned long long)eth0->stats.rx_dropped,
		  (unsigned long long)eth0->stats.tx_errors,
		  (unsigned long long)eth0->stats.tx_dropped);
	ST_CHECK(eth0->stats.rx_packets > 0 && eth0->stats.tx_packets > 0, "eth0 moved no traffic");
	return 0;
}
