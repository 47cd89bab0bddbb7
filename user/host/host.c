/*
 * host: look a name's IPv4 addresses up and print them like BIND's host
 * ("NAME has address A", "NAME is an alias for CNAME."): /etc/hosts, then
 * /etc/resolv.conf's servers and search list, or SERVER when given, through
 * our resolver (nt_resolv.h, the kernel's net/dns.c engine).
 *   host [-W SECONDS] [-R RETRIES] [-p PORT] NAME [SERVER]
 * docs/nettools.md. Exit status: 0 when an address was found, 1
 * otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nt_dnscli.h"
#include "nt_procnet.h"
#include "nt_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: host [-W SECONDS] [-R RETRIES] [-p PORT] NAME [SERVER]\n");
}

int main(int argc, char **argv)
{
	struct nt_resolv_opts o = {0};
	struct nt_answer ans;
	const char *name;
	unsigned long v;
	char a[16];
	int opt, err, i;

	nt_prog = "host";
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "W:R:p:4v")) != -1) {
		switch (opt) {
		case 'W':
			if (nt_parse_ulong(optarg, 1, 30, &v)) {
				nt_err("bad timeout: %s", optarg);
				return 1;
			}
			o.timeout_s = (unsigned)v;
			break;
		case 'R':
			if (nt_parse_ulong(optarg, 1, 5, &v)) {
				nt_err("bad retry count: %s", optarg);
				return 1;
			}
			o.attempts = (unsigned)v;
			break;
		case 'p':
			if (nt_parse_port(optarg, &o.port)) {
				nt_err("bad port: %s", optarg);
				return 1;
			}
			break;
		case '4':
		case 'v':
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return 1;
	}
	name = argv[optind];
	if (argc - optind == 2) {
		if (nt_dnscli_server(argv[optind + 1], &o))
			return 1;
		nt_ipv4_str(o.server, a);
		printf("Using domain server:\nName: %s\nAddress: %s#%u\nAliases: \n\n",
		       argv[optind + 1], a, o.port ? o.port : 53);
	}
	err = nt_resolve(name, &o, &ans);
	switch (err) {
	case 0:
		break;
	case -ENOENT:
		printf("Host %s not found: 3(NXDOMAIN)\n", name);
		return 1;
	case -ENODATA:
		printf("%s has no A record\n", name);
		return 1;
	case -ETIMEDOUT:
		printf(";; connection timed out; no servers could be reached\n");
		return 1;
	case -EIO:
		printf("Host %s not found: 2(SERVFAIL)\n", name);
		return 1;
	case -EINVAL:
		nt_err("'%s' is not a legal name", name);
		return 1;
	default:
		printf("Host %s not found: %s\n", name, strerror(-err));
		return 1;
	}
	if (ans.res.cname[0] && !dns_name_equal(ans.qname, ans.res.cname))
		printf("%s is an alias for %s.\n", ans.qname, ans.res.cname);
	for (i = 0; i < ans.res.naddrs; i++) {
		nt_ipv4_str(ans.res.addrs[i], a);
		printf("%s has address %s\n", ans.res.cname[0] ? ans.res.cname : ans.qname, a);
	}
	return 0;
}
