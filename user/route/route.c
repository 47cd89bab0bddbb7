/*
 * route: show the IPv4 routing table (/proc/net/route, in `route -n`'s
 * layout; names are never looked up) and add or delete routes with
 * SIOCADDRT/SIOCDELRT:
 *   route [-n]
 *   route add|del default [gw GW] [dev IF] [metric N]
 *   route add|del -net NET[/PREFIX] [netmask MASK] [gw GW] [dev IF] [metric N]
 *   route add|del -host ADDR [gw GW] [dev IF] [metric N]
 * docs/nettools.md. Exit status: 0, or 1 on an error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_show.h"
#include "nt_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: route [-n]\n"
		   "       route add|del default [gw GW] [dev IF] [metric N]\n"
		   "       route add|del -net NET[/PREFIX] [netmask MASK] [gw GW] [dev IF] [metric "
		   "N]\n"
		   "       route add|del -host ADDR [gw GW] [dev IF] [metric N]\n");
}

static void put_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};

	memcpy(sa, &sin, sizeof(sin));
}

static int modify(bool add, int argc, char **argv)
{
	struct rtentry rt;
	struct in_addr dst = {0}, mask = {0}, gw = {0};
	char dev[IFNAMSIZ] = "";
	bool host = false, have_gw = false, have_mask = false;
	unsigned long metric = 0;
	int i = 0, fd;

	if (argc < 1) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[0], "default")) {
		i = 1;
	} else if (!strcmp(argv[0], "-net") || !strcmp(argv[0], "-host")) {
		char buf[32], *slash;

		host = !strcmp(argv[0], "-host");
		if (argc < 2 || strlen(argv[1]) >= sizeof(buf)) {
			nt_err("%s needs an address", argv[0]);
			return 1;
		}
		strcpy(buf, argv[1]);
		slash = strchr(buf, '/');
		if (slash) {
			unsigned long prefix;

			*slash = '\0';
			if (host || nt_parse_ulong(slash + 1, 0, 32, &prefix)) {
				nt_err("bad prefix: %s", argv[1]);
				return 1;
			}
			mask.s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0);
			have_mask = true;
		}
		if (!strcmp(buf, "default")) {
			dst.s_addr = 0;
		} else if (nt_parse_ipv4(buf, &dst)) {
			nt_err("bad address: %s", argv[1]);
			return 1;
		}
		i = 2;
	} else {
		nt_err("expected default, -net or -host, not %s", argv[0]);
		return 1;
	}
	for (; i < argc; i++) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			nt_err("%s needs a value", w);
			return 1;
		}
		if (!strcmp(w, "gw") || !strcmp(w, "gateway")) {
			if (nt_parse_ipv4(v, &gw)) {
				nt_err("bad gateway: %s", v);
				return 1;
			}
			have_gw = true;
		} else if (!strcmp(w, "netmask") || !strcmp(w, "genmask")) {
			if (nt_parse_ipv4(v, &mask)) {
				nt_err("bad netmask: %s", v);
				return 1;
			}
			have_mask = true;
		} else if (!strcmp(w, "dev")) {
			if (strlen(v) >= IFNAMSIZ) {
				nt_err("bad interface: %s", v);
				return 1;
			}
			strcpy(dev, v);
		} else if (!strcmp(w, "metric")) {
			if (nt_parse_ulong(v, 0, 65535, &metric)) {
				nt_err("bad metric: %s", v);
				return 1;
			}
		} else {
			nt_err("unknown keyword: %s", w);
			return 1;
		}
		i++;
	}
	if (host)
		mask.s_addr = 0xffffffff;
	else if (!have_mask && dst.s_addr)
		mask.s_addr = 0xffffffff; /* a network with no mask: a host route */
	if (dst.s_addr & ~mask.s_addr) {
		nt_err("netmask does not match the route address");
		return 1;
	}
	memset(&rt, 0, sizeof(rt));
	put_sin(&rt.rt_dst, dst);
	put_sin(&rt.rt_genmask, mask);
	put_sin(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP;
	if (have_gw)
		rt.rt_flags |= RTF_GATEWAY;
	if (mask.s_addr == 0xffffffff)
		rt.rt_flags |= RTF_HOST;
	/* net-tools passes metric + 1: the kernel stores rt_metric - 1. */
	rt.rt_metric = (short)(metric + 1);
	if (dev[0])
		rt.rt_dev = dev;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		nt_perr("socket");
		return 1;
	}
	if (ioctl(fd, add ? SIOCADDRT : SIOCDELRT, &rt) < 0) {
		nt_perr("%s", add ? "SIOCADDRT" : "SIOCDELRT");
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	nt_prog = "route";
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	while (i < argc && (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-e")))
		i++;
	if (i == argc)
		return nt_show_routes(NT_ROUTE_ROUTE);
	if (!strcmp(argv[i], "add"))
		return modify(true, argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "del") || !strcmp(argv[i], "delete"))
		return modify(false, argc - i - 1, argv + i + 1);
	usage(stderr);
	return 1;
}
