/*
 * nslookup: look a name's IPv4 addresses up like BIND's nslookup
 * (non-interactive form only): /etc/hosts, then the servers and search
 * list of /etc/resolv.conf, or SERVER when given, through our resolver
 * (nt_resolv.h, the kernel's net/dns.c engine).
 *   nslookup [-port=N] [-timeout=S] [-retry=N] NAME [SERVER]
 * docs/nettools.md. Exit status: 0 when an address was found, 1
 * otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nt_dnscli.h"
#include "nt_procnet.h"
#include "nt_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: nslookup [-port=N] [-timeout=SECONDS] [-retry=N] NAME [SERVER]\n");
}

static int opt_num(const char *arg, const char *key, unsigned long min, unsigned long max,
		   unsigned long *v)
{
	size_t n = strlen(key);

	if (strncmp(arg, key, n) != 0)
		return 1;
	if (nt_parse_ulong(arg + n, min, max, v)) {
		nt_err("bad value in %s", arg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nt_resolv_opts o = {0};
	struct nt_answer ans;
	const char *name = NULL, *server = NULL;
	char sa[16], a[16];
	uint32_t srv;
	int i, err;

	nt_prog = "nslookup";
	for (i = 1; i < argc; i++) {
		unsigned long v;
		int r;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (argv[i][0] == '-') {
			if ((r = opt_num(argv[i], "-port=", 1, 65535, &v)) == 0)
				o.port = (uint16_t)v;
			else if (r < 0)
				return 1;
			else if ((r = opt_num(argv[i], "-timeout=", 1, 30, &v)) == 0)
				o.timeout_s = (unsigned)v;
			else if (r < 0)
				return 1;
			else if ((r = opt_num(argv[i], "-retry=", 1, 5, &v)) == 0)
				o.attempts = (unsigned)v;
			else if (r < 0)
				return 1;
			else {
				nt_err("unknown option %s", argv[i]);
				usage(stderr);
				return 1;
			}
		} else if (!name) {
			name = argv[i];
		} else if (!server) {
			server = argv[i];
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (!name) {
		usage(stderr);
		return 1;
	}
	if (server && nt_dnscli_server(server, &o))
		return 1;
	srv = nt_dnscli_default_server(&o);
	err = nt_resolve(name, &o, &ans);
	if (ans.from_hosts) {
		printf("Server:\t\t/etc/hosts\nAddress:\t/etc/hosts\n\n");
	} else {
		nt_ipv4_str(srv, sa);
		printf("Server:\t\t%s\nAddress:\t%s#%u\n\n", sa, sa, o.port ? o.port : 53);
	}
	switch (err) {
	case 0:
		break;
	case -ENOENT:
		printf("** server can't find %s: NXDOMAIN\n\n", name);
		return 1;
	case -ENODATA:
		printf("*** Can't find %s: No answer\n\n", name);
		return 1;
	case -ETIMEDOUT:
		printf(";; connection timed out; no servers could be reached\n\n");
		return 1;
	case -EINVAL:
		printf("** %s: invalid name\n\n", name);
		return 1;
	case -EIO:
		printf("** server can't find %s: SERVFAIL\n\n", name);
		return 1;
	default:
		printf("** server can't find %s: %s\n\n", name, strerror(-err));
		return 1;
	}
	if (!ans.from_hosts)
		printf("Non-authoritative answer:\n");
	if (!dns_name_equal(ans.qname, ans.res.cname) && ans.res.cname[0])
		printf("%s\tcanonical name = %s.\n", ans.qname, ans.res.cname);
	for (i = 0; i < ans.res.naddrs; i++) {
		nt_ipv4_str(ans.res.addrs[i], a);
		printf("Name:\t%s\nAddress: %s\n", ans.res.cname[0] ? ans.res.cname : ans.qname, a);
	}
	printf("\n");
	return 0;
}
