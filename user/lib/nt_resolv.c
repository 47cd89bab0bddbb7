/*
 * The I/O half of the tools' resolver (nt_resolv.h): /etc/hosts through
 * net/dns.c's dns_hosts_lookup, then one net/dns.c engine per lookup on a
 * UDP socket, driven by poll() until its completion callback runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_resolv.h"
#include "nt_util.h"

struct drive {
	int fd;
	uint16_t port; /* the servers' port */
	bool done;
	struct dns_result res;
};

static int drv_send(void *ctx, uint32_t dst_ip, uint16_t dst_port, const void *buf, size_t len)
{
	struct drive *d = ctx;
	struct sockaddr_in sa = {.sin_family = AF_INET};

	sa.sin_addr.s_addr = htonl(dst_ip);
	sa.sin_port = htons(d->port ? d->port : dst_port);
	if (sendto(d->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static uint32_t drv_random(void *ctx)
{
	uint32_t v;

	(void)ctx;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)(nt_now_us() * 2654435761u) ^ (uint32_t)getpid();
	return v;
}

static void drv_done(void *cookie, const char *name, const struct dns_result *res)
{
	struct drive *d = cookie;

	(void)name;
	d->res = *res;
	d->done = true;
}

void nt_resolv_load(struct nt_resolv_conf *rc)
{
	const char *path = getenv("RESOLV_CONF");
	size_t len = 0;
	char *text = nt_read_file(path && *path ? path : "/etc/resolv.conf", &len);

	nt_resolv_conf_parse(text ? text : "", text ? len : 0, rc);
	free(text);
}

static int hosts_lookup(const char *name, uint32_t *addr)
{
	const char *path = getenv("HOSTS_FILE");
	size_t len = 0;
	char *text = nt_read_file(path && *path ? path : "/etc/hosts", &len);
	int err;

	if (!text)
		return -ENOENT;
	err = dns_hosts_lookup(text, len, name, addr);
	free(text);
	return err;
}

/* One name through the engine: 0 or -errno, *res filled either way. */
static int query(const struct nt_resolv_conf *rc, const struct nt_resolv_opts *o, int fd,
		 const char *name, struct dns_result *res)
{
	static struct dns_resolver r; /* large: keep it off the stack */
	struct dns_config cfg = {0};
	struct dns_ops ops = {.send = drv_send, .random = drv_random};
	struct drive d = {.fd = fd, .port = o->port};
	int err;

	if (o->server) {
		cfg.servers[0] = o->server;
		cfg.nservers = 1;
	} else {
		memcpy(cfg.servers, rc->servers, sizeof(cfg.servers));
		cfg.nservers = (uint8_t)rc->nservers;
	}
	cfg.timeout_ms = rc->timeout_s * 1000;
	cfg.attempts = (uint8_t)rc->attempts;
	dns_init(&r, &cfg, &ops, &d);
	memset(res, 0, sizeof(*res));
	err = dns_lookup(&r, name, nt_now_ms(), drv_done, &d, res);
	if (err != -EINPROGRESS) {
		res->error = err;
		return err;
	}
	while (!d.done) {
		uint64_t now = nt_now_ms(), dl = dns_next_deadline(&r);
		int timeout = dl == UINT64_MAX ? 1000 : dl <= now ? 0 : (int)(dl - now);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int n = poll(&pfd, 1, timeout);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && (pfd.revents & POLLIN)) {
			uint8_t buf[1500];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t got =
				recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

			if (got >= 0 && fl >= sizeof(from)) {
				uint16_t sport = ntohs(from.sin_port);

				/* The engine only trusts port 53: map a -port server. */
				if (o->port && sport == o->port)
					sport = 53;
				dns_input(&r, buf, (size_t)got, ntohl(from.sin_addr.s_addr), sport,
					  nt_now_ms());
			}
		}
		dns_poll(&r, nt_now_ms());
	}
	*res = d.res;
	return d.res.error;
}

int nt_resolve(const char *name, const struct nt_resolv_opts *opts, struct nt_answer *ans)
{
	static const struct nt_resolv_opts none;
	const struct nt_resolv_opts *o = opts ? opts : &none;
	static char cand[NT_MAX_SEARCH + 1][DNS_NAME_MAX];
	struct nt_resolv_conf rc;
	uint32_t addr;
	size_t n, i;
	int fd, err = -ENOENT, first_hard = 0;

	memset(ans, 0, sizeof(*ans));
	if (dns_name_normalize(name, ans->qname) != 0 && dns_parse_ipv4(name, strlen(name), &addr))
		return -EINVAL;
	strncpy(ans->qname, name, sizeof(ans->qname) - 1);
	if (!o->no_hosts && !o->server && hosts_lookup(name, &addr) == 0) {
		ans->from_hosts = true;
		ans->res.naddrs = 1;
		ans->res.addrs[0] = addr;
		strncpy(ans->res.cname, name, sizeof(ans->res.cname) - 1);
		return 0;
	}
	nt_resolv_load(&rc);
	if (o->timeout_s)
		rc.timeout_s = o->timeout_s;
	if (o->attempts)
		rc.attempts = o->attempts;
	if (!o->server && rc.nservers == 0) {
		rc.servers[0] = 0x7f000001; /* resolv.conf(5): the local machine */
		rc.nservers = 1;
	}
	ans->server = o->server ? o->server : rc.servers[0];
	if (o->no_search) {
		strncpy(cand[0], name, DNS_NAME_MAX - 1);
		cand[0][DNS_NAME_MAX - 1] = '\0';
		n = 1;
	} else {
		n = nt_resolv_candidates(&rc, name, cand, NT_MAX_SEARCH + 1);
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		err = query(&rc, o, fd, cand[i], &ans->res);
		if (err == 0) {
			strncpy(ans->qname, cand[i], sizeof(ans->qname) - 1);
			break;
		}
		/* A timeout or a failing server is remembered over a later
		 * NXDOMAIN, so the user sees why (as glibc does). */
		if (err != -ENOENT && err != -ENODATA && !first_hard)
			first_hard = err;
	}
	close(fd);
	if (err && first_hard)
		err = first_hard;
	ans->res.error = err;
	return err;
}
