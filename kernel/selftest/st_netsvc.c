/*
 * Self-tests of the kernel's DHCP, DNS and TFTP glue (`selftest=netsvc`,
 * an explicit group: it needs a NIC on QEMU's user network, see
 * tests/integration/test_netsvc.py). Each test reads what to expect from
 * the raw command line and is skipped without it:
 *   ip=dhcp                      the lease: address, route, DNS servers,
 *                                hostname, /proc/net/pnp, the boot target
 *   netdns=NAME=A.B.C.D[,...]    resolve each NAME (CNAME chains on the
 *                                test's server), again from the cache; and
 *                                a dotted quad
 *   netdnsnx=NAME                a name that must not exist (NXDOMAIN)
 *   nettftp=PATH:SHA256          fetch PATH, check its digest, report the rate
 *   nettftpblk=N, nettftpwin=N   blksize and windowsize to ask for
 *   nettftpsrv=A.B.C.D           the server (default: DHCP's next-server,
 *                                else 10.0.2.2)
 *   nettftpmissing=PATH          a file the server does not have
 * The parser warns about these keys as unknown, which is harmless.
 */
#include <ksvc.h>
#include "kernel/bootinfo.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/sha256.h"
#include "kernel/mm/heap.h"
#include "kernel/selftest/selftest.h"
#include "kernel/lib/profile.h"
#include "kernel/version.h"
#include "net/dhcp.h"
#include "net/dns.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/proto/inet.h"

/* The value of " key=" on the command line into out; false when absent. */
static bool cmdline_value(const char *key, char *out, size_t size)
{
	const char *s = boot_info.cmdline;
	size_t klen = strlen(key);

	for (; *s; s++) {
		if ((s == boot_info.cmdline || s[-1] == ' ') && strncmp(s, key, klen) == 0 &&
		    s[klen] == '=') {
			size_t n = 0;
			s += klen + 1;
			while (s[n] && s[n] != ' ')
				n++;
			if (n >= size)
				return false;
			memcpy(out, s, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

static long cmdline_long(const char *key, long def)
{
	char v[16];
	long n = 0;

	if (!cmdline_value(key, v, sizeof(v)) || !v[0])
		return def;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return def;
		n = n * 10 + (*p - '0');
	}
	return n;
}

static void log_lines(const char *prefix, char *text)
{
	while (*text) {
		char *nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		pr_info("%s%s\n", prefix, text);
		if (!nl)
			break;
		text = nl + 1;
	}
}

EXPLICIT_SELFTEST(netsvc, dhcp)
{
	static struct dhcp_lease l;
	static char text[512];
	struct netdev *eth0 = netdev_find("eth0"), *dev;
	uint32_t ns[DNS_MAX_SERVERS], nexthop, src, server;
	char a[16], file[DHCP_BOOTFILE_MAX];
	size_t n;
	int err;

	if (boot_options.ip != IP_DHCP) {
		pr_info("netsvc: no ip=dhcp, lease checks skipped\n");
		return 0;
	}
	ST_CHECK(eth0, "no eth0");
	err = net_dhcp_wait(20000);
	ST_CHECK(err == 0, "no DHCP lease (%d)", err);
	ST_CHECK(net_dhcp_get_lease(&l) == 0, "lease vanished");
	ST_CHECK(eth0->ip_addr == l.addr && l.addr, "eth0 does not carry the leased address");
	ST_CHECK(l.mask == 0 || netdev_ip_mask(eth0) == l.mask, "eth0's mask is not the lease's");
	if (l.router) {
		err = ipv4_route_lookup(IPV4(192, 0, 2, 1), &dev, &nexthop, &src);
		ST_CHECK(err == 0 && dev == eth0 && nexthop == l.router && src == l.addr,
			 "no default route through the router (%d)", err);
	}
	n = net_dns_get_servers(ns, DNS_MAX_SERVERS);
	ST_CHECK(n == l.ndns && memcmp(ns, l.dns, n * sizeof(ns[0])) == 0,
		 "the resolver does not use the lease's DNS servers");
	if (l.hostname[0])
		ST_CHECK(strcmp(uts_hostname, l.hostname) == 0, "hostname %s, lease says %s",
			 uts_hostname, l.hostname);
	pr_info("netsvc: uts hostname %s\n", uts_hostname);
	n = (size_t)net_pnp_proc_show(text, sizeof(text), NULL);
	ST_CHECK(n < sizeof(text), "/proc/net/pnp too long");
	ST_CHECK(strncmp(text, "#PROTO: DHCP\n", 13) == 0, "/proc/net/pnp does not say DHCP");
	log_lines("netsvc: pnp | ", text);
	err = net_dhcp_boot_target(&server, file, sizeof(file));
	if (err == 0)
		pr_info("netsvc: boot target %s file %s\n", net_fmt_ip(a, server), file);
	else
		pr_info("netsvc: no boot target (%d)\n", err);
	return 0;
}

/* One netdns= pair: resolve, check that `want` is among the answers, then
 * again (from the cache). */
static int check_name(const char *name, const char *want_s, char *why, size_t size)
{
	static struct dns_result r;
	uint32_t want, addr;
	uint64_t t0, t1, t2;
	bool found = false;
	char got[16];
	int err;

	ST_CHECK(dns_parse_ipv4(want_s, strlen(want_s), &want) == 0, "bad netdns address");
	t0 = net_now_ms();
	err = dns_resolve_full(name, &r, 10000);
	t1 = net_now_ms();
	ST_CHECK(err == 0, "%s: %d", name, err);
	for (unsigned i = 0; i < r.naddrs; i++)
		found |= r.addrs[i] == want;
	ST_CHECK(found, "%s -> %s (%u addresses), expected %s among them", name,
		 net_fmt_ip(got, r.addrs[0]), r.naddrs, want_s);
	pr_notice("netsvc: dns %s -> %s (%u addresses) cname %s ttl %u in %llu ms\n", name, want_s,
		  r.naddrs, r.cname, r.ttl, (unsigned long long)(t1 - t0));
	err = dns_resolve(name, &addr, 10000);
	t2 = net_now_ms();
	ST_CHECK(err == 0 && addr == r.addrs[0], "second lookup of %s: %d", name, err);
	pr_info("netsvc: dns %s again in %llu ms (cache)\n", name, (unsigned long long)(t2 - t1));
	return 0;
}

EXPLICIT_SELFTEST(netsvc, dns)
{
	char arg[512], nx[256], *p, *eq;
	uint32_t addr;
	int err;

	if (cmdline_value("netdnsnx", nx, sizeof(nx))) {
		err = dns_resolve(nx, &addr, 10000);
		ST_CHECK(err == -ENOENT, "%s: %d, expected NXDOMAIN (-ENOENT)", nx, err);
		pr_info("netsvc: dns %s -> NXDOMAIN\n", nx);
	}
	err = dns_resolve("192.0.2.77", &addr, 1);
	ST_CHECK(err == 0 && addr == IPV4(192, 0, 2, 77), "dotted quad: %d", err);
	if (!cmdline_value("netdns", arg, sizeof(arg))) {
		pr_info("netsvc: no netdns=NAME=ADDR[,...], DNS lookups skipped\n");
		return 0;
	}
	for (p = arg; p && *p;) {
		char *next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		eq = strchr(p, '=');
		ST_CHECK(eq, "netdns: %s is not NAME=ADDR", p);
		*eq = '\0';
		if (check_name(p, eq + 1, why, size))
			return 1;
		p = next;
	}
	return 0;
}

static uint32_t tftp_server(void)
{
	char v[20];
	uint32_t a;
	struct dhcp_lease l;

	if (cmdline_value("nettftpsrv", v, sizeof(v)) && dns_parse_ipv4(v, strlen(v), &a) == 0)
		return a;
	if (net_dhcp_get_lease(&l) == 0 && l.siaddr)
		return l.siaddr;
	return IPV4(10, 0, 2, 2);
}

EXPLICIT_SELFTEST(netsvc, tftp)
{
	static struct tftp_fetch_result res;
	struct tftp_fetch_opts o;
	char arg[256], *colon, hex[65];
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	int err;

	if (!cmdline_value("nettftp", arg, sizeof(arg)) || !(colon = strrchr(arg, ':'))) {
		pr_info("netsvc: no nettftp=PATH:SHA256, TFTP fetch skipped\n");
		return 0;
	}
	*colon = '\0';
	ST_CHECK(sha256_parse_hex(colon + 1, strlen(colon + 1), want) == 0, "bad sha256 given");
	memset(&o, 0, sizeof(o));
	o.blksize = (uint16_t)cmdline_long("nettftpblk", 0);
	o.windowsize = (uint16_t)cmdline_long("nettftpwin", 0);
	profile_reset();
	err = tftp_fetch(tftp_server(), arg, &o, &res);
	profile_dump(30); /* only with `profile` on the command line */
	ST_CHECK(err == 0, "fetch %s: %d (%s)", arg, err, res.err_msg);
	sha256(res.data, res.size, got);
	kfree(res.data);
	sha256_hex(got, hex);
	ST_CHECK(memcmp(got, want, sizeof(got)) == 0, "%s: sha256 %s differs", arg, hex);
	pr_notice(
		"netsvc: tftp %s %llu bytes sha256 ok in %llu ms: %llu KiB/s, blksize %u, "
		"windowsize %u, attempts %u\n",
		arg, (unsigned long long)res.size, (unsigned long long)res.elapsed_ms,
		(unsigned long long)(res.elapsed_ms ? res.size * 1000 / 1024 / res.elapsed_ms : 0),
		res.blksize, res.window, res.attempts);
	ST_CHECK(res.tsize == 0 || res.tsize == res.size, "tsize %llu but %llu bytes came",
		 (unsigned long long)res.tsize, (unsigned long long)res.size);

	/* The same file with a limit below its size ends at once. */
	o.max_size = 64 * 1024;
	o.quiet = true;
	err = tftp_fetch(tftp_server(), arg, &o, &res);
	ST_CHECK(res.data == NULL, "a failed fetch returned data");
	if (res.size > 64 * 1024)
		ST_FAIL("over-limit fetch kept going: %d after %llu bytes", err,
			(unsigned long long)res.size);
	ST_CHECK(err == -EFBIG, "over-limit fetch: %d, expected -EFBIG", err);
	return 0;
}

EXPLICIT_SELFTEST(netsvc, tftp_missing)
{
	static struct tftp_fetch_result res;
	char path[256];
	int err;

	if (!cmdline_value("nettftpmissing", path, sizeof(path)))
		return 0;
	err = tftp_fetch(tftp_server(), path, NULL, &res);
	ST_CHECK(err == -ENOENT, "%s: %d, expected -ENOENT", path, err);
	ST_CHECK(res.err_remote && res.err_code == 1 && res.err_msg[0],
		 "no server error message (code %u)", res.err_code);
	ST_CHECK(res.attempts == 1, "a server's error was retried");
	pr_notice("netsvc: tftp %s: server error %u \"%s\"\n", path, res.err_code, res.err_msg);
	return 0;
}
