/*
 * /proc/net files of the AF_INET sockets, in Linux's formats so that
 * netstat (busybox and net-tools) parse them:
 *   tcp       every pcb: listeners, connections, TIME_WAIT (net/inet_tcp.c)
 *   udp       every bound UDP socket (net/inet_udp.c)
 *   snmp      "Ip:", "Icmp:", "Tcp:" and "Udp:" header/value line pairs
 *   sockstat  socket counts
 * Fields the kernel does not track (uid, inode, timers) read 0.
 */
#include <ksvc.h>
#include "fs/procfs.h"
#include "kernel/lib/printf.h"
#include "net/icmp.h"
#include "net/inet.h"
#include "net/ipv4.h"
#include "net/tcp.h"
#include "net/udp.h"

struct out {
	char *buf;
	size_t size, off;
};

static void __printf(2, 3) out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	o->off += (size_t)kvsnprintf(o->off < o->size ? o->buf + o->off : NULL,
				     o->off < o->size ? o->size - o->off : 0, fmt, ap);
	va_end(ap);
}

#define U(x) ((unsigned long long)(x))

static int snmp_show(char *buf, size_t size, void *arg)
{
	struct out o = {buf, size, 0};
	struct tcp_stats t;
	unsigned estab;

	inet_tcp_stats(&t, &estab);
	out_printf(&o,
		   "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors "
		   "ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests "
		   "OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails "
		   "FragOKs FragFails FragCreates\n"
		   "Ip: 2 64 %llu %llu %llu 0 %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
		   "%llu %llu %llu\n",
		   U(ipv4_stats.in_receives), U(ipv4_stats.in_hdr_errors),
		   U(ipv4_stats.in_addr_errors), U(ipv4_stats.in_unknown_protos),
		   U(ipv4_stats.in_discards), U(ipv4_stats.in_delivers), U(ipv4_stats.out_requests),
		   U(ipv4_stats.out_discards), U(ipv4_stats.out_no_routes),
		   U(ipv4_stats.reasm_timeouts), U(ipv4_stats.reasm_reqds), U(ipv4_stats.reasm_oks),
		   U(ipv4_stats.reasm_fails), U(ipv4_stats.frag_oks), U(ipv4_stats.frag_fails),
		   U(ipv4_stats.frag_creates));
	out_printf(&o,
		   "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InEchos "
		   "InEchoReps OutMsgs OutDestUnreachs OutTimeExcds OutEchos OutEchoReps\n"
		   "Icmp: %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
		   U(icmp_stats.in_msgs), U(icmp_stats.in_errors), U(icmp_stats.in_csum_errors),
		   U(icmp_stats.in_dest_unreachs), U(icmp_stats.in_time_excds),
		   U(icmp_stats.in_echos), U(icmp_stats.in_echo_reps), U(icmp_stats.out_msgs),
		   U(icmp_stats.out_dest_unreachs), U(icmp_stats.out_time_excds),
		   U(icmp_stats.out_echos), U(icmp_stats.out_echo_reps));
	out_printf(&o,
		   "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
		   "AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs "
		   "OutRsts InCsumErrors\n"
		   "Tcp: 1 200 60000 -1 %llu %llu %llu %llu %u %llu %llu %llu %llu %llu 0\n",
		   U(t.active_opens), U(t.passive_opens), U(t.conn_timeouts), U(t.rst_in), estab,
		   U(t.segs_in), U(t.segs_out), U(t.retransmits), U(t.bad_segs), U(t.rst_out));
	out_printf(&o,
		   "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
		   "InCsumErrors\n"
		   "Udp: %llu %llu %llu %llu 0 0 %llu\n",
		   U(udp_stats.in_datagrams), U(udp_stats.no_ports), U(udp_stats.in_errors),
		   U(udp_stats.out_datagrams), U(udp_stats.in_csum_errors));
	return (int)o.off;
}

static int sockstat_show(char *buf, size_t size, void *arg)
{
	struct out o = {buf, size, 0};
	unsigned tcp = inet_tcp_sockets(), udp = inet_udp_sockets();

	out_printf(&o,
		   "sockets: used %u\n"
		   "TCP: inuse %u orphan 0 tw 0 alloc %u mem 0\n"
		   "UDP: inuse %u mem 0\n"
		   "UDPLITE: inuse 0\n"
		   "RAW: inuse 0\n"
		   "FRAG: inuse %u memory %zu\n",
		   tcp + udp, tcp, tcp, udp, ipv4_reasm_count(), ipv4_reasm_mem());
	return (int)o.off;
}

void inet_proc_init(void)
{
	procfs_init();
	procfs_register("net/tcp", inet_tcp_proc_show, NULL);
	procfs_register("net/udp", inet_udp_proc_show, NULL);
	procfs_register("net/snmp", snmp_show, NULL);
	procfs_register("net/sockstat", sockstat_show, NULL);
}
