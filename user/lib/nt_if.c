/*
 * Interface queries for ifconfig and netstat -i (see nt_if.h).
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "nt_if.h"
#include "nt_util.h"

int nt_if_list(int fd, struct nt_ifinfo *ifs, int max)
{
	size_t len;
	char *text = nt_read_file("/proc/net/dev", &len);
	int n = 0;

	if (text) {
		const char *p = text;
		char line[512];

		while (n < max && nt_next_line(&p, text + len, line, sizeof(line))) {
			memset(&ifs[n], 0, sizeof(ifs[n]));
			if (nt_procnet_dev_line(line, &ifs[n].stats) == 0) {
				memcpy(ifs[n].name, ifs[n].stats.name, NT_IFNAMSIZ);
				ifs[n].have_stats = true;
				n++;
			}
		}
		free(text);
		return n;
	} else {
		struct ifreq req[NT_MAX_IFS];
		struct ifconf ifc = {.ifc_len = sizeof(req), .ifc_req = req};
		int i, cnt;

		if (ioctl(fd, SIOCGIFCONF, &ifc) < 0)
			return -1;
		cnt = ifc.ifc_len / (int)sizeof(struct ifreq);
		for (i = 0; i < cnt && n < max; i++) {
			memset(&ifs[n], 0, sizeof(ifs[n]));
			memcpy(ifs[n].name, req[i].ifr_name, IFNAMSIZ);
			ifs[n].name[NT_IFNAMSIZ - 1] = '\0';
			n++;
		}
		return n;
	}
}

void nt_ifr_init(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
}

static bool get(int fd, unsigned long req, const char *name, struct ifreq *ifr)
{
	nt_ifr_init(ifr, name);
	return ioctl(fd, req, ifr) == 0;
}

static struct in_addr sin_addr(const struct sockaddr *sa)
{
	struct sockaddr_in sin;

	memcpy(&sin, sa, sizeof(sin));
	return sin.sin_addr;
}

void nt_if_query(int fd, struct nt_ifinfo *i)
{
	struct ifreq ifr;

	if ((i->have_flags = get(fd, SIOCGIFFLAGS, i->name, &ifr)))
		i->flags = (unsigned)(unsigned short)ifr.ifr_flags;
	if ((i->have_mtu = get(fd, SIOCGIFMTU, i->name, &ifr)))
		i->mtu = ifr.ifr_mtu;
	if ((i->have_addr = get(fd, SIOCGIFADDR, i->name, &ifr)))
		i->addr = sin_addr(&ifr.ifr_addr);
	if (i->have_addr) {
		if ((i->have_mask = get(fd, SIOCGIFNETMASK, i->name, &ifr)))
			i->mask = sin_addr(&ifr.ifr_netmask);
		if ((i->have_brd = get(fd, SIOCGIFBRDADDR, i->name, &ifr)))
			i->brd = sin_addr(&ifr.ifr_broadaddr);
	}
	if ((i->have_hw = get(fd, SIOCGIFHWADDR, i->name, &ifr))) {
		i->hwfamily = ifr.ifr_hwaddr.sa_family;
		memcpy(i->hw, ifr.ifr_hwaddr.sa_data, 6);
	}
}

void nt_if_flag_names(unsigned flags, char *out, size_t size)
{
	static const char *const names[] = {
		"UP",	     "BROADCAST", "DEBUG",     "LOOPBACK", "POINTOPOINT", "NOTRAILERS",
		"RUNNING",   "NOARP",	  "PROMISC",   "ALLMULTI", "MASTER",	  "SLAVE",
		"MULTICAST", "PORTSEL",	  "AUTOMEDIA", "DYNAMIC",
	};
	size_t n = 0, b;

	out[0] = '\0';
	for (b = 0; b < 16; b++) {
		if (!(flags & (1u << b)))
			continue;
		n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n ? "," : "",
				      names[b]);
		if (n >= size)
			break;
	}
}
