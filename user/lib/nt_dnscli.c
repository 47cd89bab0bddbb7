/*
 * Shared command-line helpers of nslookup and host (see nt_dnscli.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "nt_dnscli.h"
#include "nt_util.h"

int nt_dnscli_server(const char *arg, struct nt_resolv_opts *o)
{
	struct in_addr a;
	int err = nt_resolve_host(arg, &a);

	if (err) {
		nt_err("couldn't get address for '%s': %s", arg, nt_resolve_strerror(err));
		return 1;
	}
	o->server = ntohl(a.s_addr);
	return 0;
}

uint32_t nt_dnscli_default_server(const struct nt_resolv_opts *o)
{
	struct nt_resolv_conf rc;

	if (o->server)
		return o->server;
	nt_resolv_load(&rc);
	return rc.nservers ? rc.servers[0] : 0x7f000001;
}
