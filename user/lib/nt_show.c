/*
 * /proc/net tables printed in net-tools' layouts (see nt_show.h).
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_if.h"
#include "nt_procnet.h"
#include "nt_show.h"
#include "nt_util.h"

static char *read_proc(const char *path, size_t *len)
{
	char *text = nt_read_file(path, len);

	if (!text)
		nt_perr("%s", path);
	return text;
}

int nt_show_routes(enum nt_route_style style)
{
	size_t len;
	char *text = read_proc("/proc/net/route", &len);
	const char *p;
	char line[512];

	if (!text)
		return 1;
	printf("Kernel IP routing table\n");
	if (style == NT_ROUTE_ROUTE)
		printf("Destination     Gateway         Genmask         Flags Metric Ref    Use "
		       "Iface\n");
	else
		printf("Destination     Gateway         Genmask         Flags   MSS Window  irtt "
		       "Iface\n");
	for (p = text; nt_next_line(&p, text + len, line, sizeof(line));) {
		struct nt_route r;
		char d[16], g[16], m[16], f[16];

		if (nt_procnet_route_line(line, &r))
			continue;
		if (!(r.flags & 1))
			continue; /* not RTF_UP */
		nt_ipv4_str(r.dst, d);
		nt_ipv4_str(r.gw, g);
		nt_ipv4_str(r.mask, m);
		nt_route_flags(r.flags, f);
		if (style == NT_ROUTE_ROUTE)
			printf("%-15s %-15s %-15s %-5s %-6d %-3d %6u %s\n", d, g, m, f, r.metric,
			       r.refcnt, r.use, r.iface);
		else
			printf("%-15s %-15s %-15s %-5s %5u %-6u %5u %s\n", d, g, m, f, r.mtu,
			       r.window, r.irtt, r.iface);
	}
	free(text);
	return 0;
}

int nt_show_arp(const char *only_dev)
{
	size_t len;
	char *text = read_proc("/proc/net/arp", &len);
	const char *p;
	char line[512];
	bool header = false;

	if (!text)
		return 1;
	for (p = text; nt_next_line(&p, text + len, line, sizeof(line));) {
		struct nt_arp a;
		char fl[8];
		size_t n = 0;

		if (nt_procnet_arp_line(line, &a))
			continue;
		if (only_dev && strcmp(a.dev, only_dev))
			continue;
		if (!header) {
			printf("Address                  HWtype  HWaddress           Flags Mask    "
			       " "
			       "       Iface\n");
			header = true;
		}
		if (!(a.flags & 0x2)) { /* not ATF_COM */
			printf("%-24s %-27s %s\n", a.ip, "(incomplete)", a.dev);
			continue;
		}
		if (a.flags & 0x2)
			fl[n++] = 'C';
		if (a.flags & 0x4)
			fl[n++] = 'M';
		if (a.flags & 0x8)
			fl[n++] = 'P';
		fl[n] = '\0';
		printf("%-24s %-7s %-19s %-5s %-15s %s\n", a.ip, a.hwtype == 1 ? "ether" : "other",
		       a.hw, fl, strcmp(a.mask, "*") ? a.mask : "", a.dev);
	}
	if (!header)
		printf("arp: no matching entries found\n");
	free(text);
	return 0;
}

int nt_show_iftable(bool all)
{
	static struct nt_ifinfo ifs[NT_MAX_IFS];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int n, i;

	n = nt_if_list(fd, ifs, NT_MAX_IFS);
	if (n < 0) {
		nt_perr("cannot list interfaces");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	printf("Kernel Interface table\n");
	printf("%-10s %5s %8s %6s %6s %6s %8s %6s %6s %6s %s\n", "Iface", "MTU", "RX-OK", "RX-ERR",
	       "RX-DRP", "RX-OVR", "TX-OK", "TX-ERR", "TX-DRP", "TX-OVR", "Flg");
	for (i = 0; i < n; i++) {
		const struct nt_ifstats *s = &ifs[i].stats;
		static const struct {
			unsigned bit;
			char c;
		} fmap[] = {
			{IFF_ALLMULTI, 'A'},   {IFF_BROADCAST, 'B'}, {IFF_DEBUG, 'D'},
			{IFF_LOOPBACK, 'L'},   {IFF_MULTICAST, 'M'}, {IFF_PROMISC, 'P'},
			{IFF_NOTRAILERS, 'N'}, {IFF_NOARP, 'O'},     {IFF_POINTOPOINT, 'P'},
			{IFF_SLAVE, 's'},      {IFF_MASTER, 'm'},    {IFF_RUNNING, 'R'},
			{IFF_UP, 'U'},
		};
		char fl[20];
		size_t k, m = 0;

		if (fd >= 0)
			nt_if_query(fd, &ifs[i]);
		if (!all && ifs[i].have_flags && !(ifs[i].flags & IFF_UP))
			continue;
		for (k = 0; k < sizeof(fmap) / sizeof(fmap[0]); k++)
			if (ifs[i].flags & fmap[k].bit)
				fl[m++] = fmap[k].c;
		fl[m] = '\0';
		printf("%-10s %5d %8lu %6lu %6lu %6lu %8lu %6lu %6lu %6lu %s\n", ifs[i].name,
		       ifs[i].have_mtu ? ifs[i].mtu : 0, (unsigned long)s->rx_packets,
		       (unsigned long)s->rx_errs, (unsigned long)s->rx_drop,
		       (unsigned long)s->rx_fifo, (unsigned long)s->tx_packets,
		       (unsigned long)s->tx_errs, (unsigned long)s->tx_drop,
		       (unsigned long)s->tx_fifo, ifs[i].have_flags ? fl : "-");
	}
	if (fd >= 0)
		close(fd);
	return 0;
}
