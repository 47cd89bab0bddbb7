/*
 * netstat: IPv4 sockets from /proc/net/tcp and /proc/net/udp with their
 * states (-t, -u, -l listening only, -a all, -n numeric: addresses are
 * always numeric here), the routing table (-r) and the interface table
 * (-i), in net-tools' layouts. docs/nettools.md.
 * Exit status: 0, or 1 on an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nt_procnet.h"
#include "nt_show.h"
#include "nt_util.h"

enum listen_mode { CONNECTED_ONLY, LISTEN_ONLY, ALL };

static void usage(FILE *f)
{
	fprintf(f, "usage: netstat [-t] [-u] [-l|-a] [-n]   sockets (default: TCP and UDP, "
		   "connected)\n"
		   "       netstat -r [-n]                  routing table\n"
		   "       netstat -i [-a]                  interface table\n"
		   "  -t TCP  -u UDP  -l listening only  -a listening and connected\n");
}

static void endpoint(uint32_t addr, uint16_t port, char *out, size_t size)
{
	char a[16];

	nt_ipv4_str(addr, a);
	if (port)
		snprintf(out, size, "%s:%u", a, port);
	else
		snprintf(out, size, "%s:*", a);
}

static int show_socks(const char *proto, const char *path, enum listen_mode mode)
{
	size_t len;
	char *text = nt_read_file(path, &len);
	const char *p;
	char line[512];
	bool tcp = !strcmp(proto, "tcp");

	if (!text) {
		/* No such protocol in this kernel: nothing to show. */
		return 0;
	}
	for (p = text; nt_next_line(&p, text + len, line, sizeof(line));) {
		struct nt_sock s;
		char l[40], r[40];
		bool listening;
		const char *state;

		if (nt_procnet_sock_line(line, &s))
			continue;
		if (tcp) {
			listening = s.state == 10;
			state = nt_tcp_state_name(s.state);
		} else {
			listening = s.raddr == 0 && s.rport == 0;
			state = s.state == 1 ? "ESTABLISHED" : "";
		}
		if ((mode == LISTEN_ONLY && !listening) || (mode == CONNECTED_ONLY && listening))
			continue;
		endpoint(s.laddr, s.lport, l, sizeof(l));
		endpoint(s.raddr, s.rport, r, sizeof(r));
		printf("%-4s  %6u %6u %-23s %-23s %-11s\n", proto, s.rxq, s.txq, l, r, state);
	}
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	bool t = false, u = false, routes = false, ifaces = false, all = false, listen = false;
	enum listen_mode mode;
	int opt;

	nt_prog = "netstat";
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "tulanri")) != -1) {
		switch (opt) {
		case 't':
			t = true;
			break;
		case 'u':
			u = true;
			break;
		case 'l':
			listen = true;
			break;
		case 'a':
			all = true;
			break;
		case 'n':
			break;
		case 'r':
			routes = true;
			break;
		case 'i':
			ifaces = true;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (routes)
		return nt_show_routes(NT_ROUTE_NETSTAT);
	if (ifaces)
		return nt_show_iftable(all);
	if (!t && !u)
		t = u = true;
	mode = all ? ALL : listen ? LISTEN_ONLY : CONNECTED_ONLY;
	printf("Active Internet connections (%s)\n", mode == ALL ? "servers and established"
						     : mode == LISTEN_ONLY ? "only servers"
									   : "w/o servers");
	printf("Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n");
	if (t && show_socks("tcp", "/proc/net/tcp", mode))
		return 1;
	if (u && show_socks("udp", "/proc/net/udp", mode))
		return 1;
	return 0;
}
