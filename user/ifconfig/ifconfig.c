/*
 * ifconfig: show interfaces as net-tools' ifconfig does (flags, MTU,
 * address, netmask, broadcast, MAC, and the RX/TX counters of
 * /proc/net/dev), or configure one with the standard ioctls:
 *   ifconfig IF [ADDR[/PREFIX]] [netmask M] [broadcast B] [mtu N]
 *               [up|down] [promisc|-promisc]
 * (SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFBRDADDR, SIOCSIFMTU, SIOCSIFFLAGS).
 * docs/nettools.md. Exit status: 0, or 1 on any error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_if.h"
#include "nt_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ifconfig [-a] [IF]\n"
		   "       ifconfig IF [ADDR[/PREFIX]] [netmask MASK] [broadcast ADDR] [mtu N]\n"
		   "                   [up|down] [promisc|-promisc]\n"
		   "Without arguments, shows the interfaces that are up (-a: all of them).\n");
}

/* net-tools' "(4.4 KiB)" */
static void human(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	uint64_t v = bytes * 10;
	size_t u = 0;

	if (bytes > UINT64_MAX / 10)
		v = UINT64_MAX;
	while (v > 10240 && u < 6) {
		v /= 1024;
		u++;
	}
	snprintf(out, size, "%lu.%lu %s", (unsigned long)(v / 10), (unsigned long)(v % 10),
		 units[u]);
}

static void show(const struct nt_ifinfo *i)
{
	char fl[160], a[40], b[16];

	nt_if_flag_names(i->flags, fl, sizeof(fl));
	if (i->have_flags)
		printf("%s: flags=%u<%s>", i->name, i->flags, fl);
	else
		printf("%s: flags=?", i->name);
	if (i->have_mtu)
		printf("  mtu %d", i->mtu);
	printf("\n");
	if (i->have_addr) {
		inet_ntop(AF_INET, &i->addr, a, sizeof(a));
		printf("        inet %s", a);
		if (i->have_mask) {
			inet_ntop(AF_INET, &i->mask, b, sizeof(b));
			printf("  netmask %s", b);
		}
		if (i->have_brd && (i->flags & IFF_BROADCAST) && i->brd.s_addr) {
			inet_ntop(AF_INET, &i->brd, b, sizeof(b));
			printf("  broadcast %s", b);
		}
		printf("\n");
	}
	if (i->flags & IFF_LOOPBACK)
		printf("        loop  (Local Loopback)\n");
	else if (i->have_hw && i->hwfamily == ARPHRD_ETHER)
		printf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet)\n", i->hw[0],
		       i->hw[1], i->hw[2], i->hw[3], i->hw[4], i->hw[5]);
	if (i->have_stats) {
		const struct nt_ifstats *s = &i->stats;

		human(s->rx_bytes, a, sizeof(a));
		printf("        RX packets %lu  bytes %lu (%s)\n", (unsigned long)s->rx_packets,
		       (unsigned long)s->rx_bytes, a);
		printf("        RX errors %lu  dropped %lu  overruns %lu  frame %lu\n",
		       (unsigned long)s->rx_errs, (unsigned long)s->rx_drop,
		       (unsigned long)s->rx_fifo, (unsigned long)s->rx_frame);
		human(s->tx_bytes, a, sizeof(a));
		printf("        TX packets %lu  bytes %lu (%s)\n", (unsigned long)s->tx_packets,
		       (unsigned long)s->tx_bytes, a);
		printf("        TX errors %lu  dropped %lu overruns %lu  carrier %lu  collisions "
		       "%lu\n",
		       (unsigned long)s->tx_errs, (unsigned long)s->tx_drop,
		       (unsigned long)s->tx_fifo, (unsigned long)s->tx_carrier,
		       (unsigned long)s->tx_colls);
	}
	printf("\n");
}

static int list(int fd, bool all, const char *only)
{
	static struct nt_ifinfo ifs[NT_MAX_IFS];
	int n = nt_if_list(fd, ifs, NT_MAX_IFS), i, shown = 0;

	if (n < 0) {
		nt_perr("cannot list interfaces");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (only && strcmp(ifs[i].name, only))
			continue;
		nt_if_query(fd, &ifs[i]);
		if (!only && !all && ifs[i].have_flags && !(ifs[i].flags & IFF_UP))
			continue;
		if (only && !ifs[i].have_flags && !ifs[i].have_stats)
			break;
		show(&ifs[i]);
		shown++;
	}
	if (only && !shown) {
		nt_err("%s: no such interface", only);
		return 1;
	}
	return 0;
}

static int set_addr(int fd, const char *ifn, unsigned long req, const char *what, struct in_addr a)
{
	struct ifreq ifr;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};

	nt_ifr_init(&ifr, ifn);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	if (ioctl(fd, req, &ifr) < 0) {
		nt_perr("%s: cannot set %s", ifn, what);
		return -1;
	}
	return 0;
}

static int change_flags(int fd, const char *ifn, unsigned set, unsigned clear)
{
	struct ifreq ifr;

	nt_ifr_init(&ifr, ifn);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		nt_perr("%s: cannot get flags", ifn);
		return -1;
	}
	ifr.ifr_flags = (short)(((unsigned)(unsigned short)ifr.ifr_flags | set) & ~clear);
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		nt_perr("%s: cannot set flags", ifn);
		return -1;
	}
	return 0;
}

static int need_addr(const char *s, struct in_addr *a, const char *what)
{
	if (!s) {
		nt_err("%s needs an address", what);
		return -1;
	}
	if (nt_parse_ipv4(s, a)) {
		nt_err("bad %s: %s", what, s);
		return -1;
	}
	return 0;
}

static int configure(int fd, const char *ifn, int argc, char **argv)
{
	unsigned set = 0, clear = 0;
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		struct in_addr a;

		if (!strcmp(w, "up")) {
			set |= IFF_UP;
			clear &= ~(unsigned)IFF_UP;
		} else if (!strcmp(w, "down")) {
			clear |= IFF_UP;
			set &= ~(unsigned)IFF_UP;
		} else if (!strcmp(w, "promisc")) {
			set |= IFF_PROMISC;
		} else if (!strcmp(w, "-promisc")) {
			clear |= IFF_PROMISC;
		} else if (!strcmp(w, "netmask")) {
			if (need_addr(next, &a, "netmask") ||
			    set_addr(fd, ifn, SIOCSIFNETMASK, "netmask", a))
				return 1;
			i++;
		} else if (!strcmp(w, "broadcast")) {
			if (need_addr(next, &a, "broadcast") ||
			    set_addr(fd, ifn, SIOCSIFBRDADDR, "broadcast", a))
				return 1;
			i++;
		} else if (!strcmp(w, "mtu")) {
			unsigned long mtu;
			struct ifreq ifr;

			if (!next || nt_parse_ulong(next, 68, 65536, &mtu)) {
				nt_err("bad mtu: %s", next ? next : "(missing)");
				return 1;
			}
			nt_ifr_init(&ifr, ifn);
			ifr.ifr_mtu = (int)mtu;
			if (ioctl(fd, SIOCSIFMTU, &ifr) < 0) {
				nt_perr("%s: cannot set mtu", ifn);
				return 1;
			}
			i++;
		} else {
			char buf[32];
			char *slash;
			unsigned long prefix = 33;

			if (strlen(w) >= sizeof(buf)) {
				nt_err("bad address: %s", w);
				return 1;
			}
			strcpy(buf, w);
			slash = strchr(buf, '/');
			if (slash) {
				*slash = '\0';
				if (nt_parse_ulong(slash + 1, 0, 32, &prefix)) {
					nt_err("bad prefix length: %s", w);
					return 1;
				}
			}
			if (nt_parse_ipv4(buf, &a)) {
				nt_err("bad address or keyword: %s", w);
				return 1;
			}
			if (set_addr(fd, ifn, SIOCSIFADDR, "address", a))
				return 1;
			if (prefix <= 32) {
				struct in_addr m = {htonl(prefix ? ~0u << (32 - prefix) : 0)};

				if (set_addr(fd, ifn, SIOCSIFNETMASK, "netmask", m))
					return 1;
			}
		}
	}
	if ((set || clear) && change_flags(fd, ifn, set, clear))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	bool all = false;
	int fd, argi = 1, rc;

	nt_prog = "ifconfig";
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-a")) {
		all = true;
		argi++;
	}
	if (argi < argc && argv[argi][0] == '-') {
		usage(stderr);
		return 1;
	}
	if (argi < argc && strlen(argv[argi]) >= IFNAMSIZ) {
		nt_err("%s: interface name too long", argv[argi]);
		return 1;
	}
	/* Without an AF_INET socket the ioctls fail and only the
	 * /proc/net/dev part can be shown. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && argi < argc - 1) {
		nt_perr("socket");
		return 1;
	}
	if (fd < 0)
		nt_perr("socket (showing /proc/net/dev only)");
	if (argi >= argc)
		rc = list(fd, all, NULL);
	else if (argi == argc - 1)
		rc = list(fd, true, argv[argi]);
	else
		rc = configure(fd, argv[argi], argc - argi - 1, argv + argi + 1);
	if (fd >= 0)
		close(fd);
	return rc;
}
