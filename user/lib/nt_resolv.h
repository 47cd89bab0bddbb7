/*
 * The network tools' resolver (docs/nettools.md): /etc/hosts, then
 * DNS through the kernel's own stub resolver engine net/dns.c (built into
 * libuser.a), driven here over a UDP socket. /etc/resolv.conf gives the
 * name servers, the search list ("search" or "domain") and "options
 * timeout:N attempts:N ndots:N", with glibc's defaults (5 s, 2, 1). For
 * tests the environment variables RESOLV_CONF and HOSTS_FILE name other
 * files.
 *
 * nt_resolv_conf_parse and nt_resolv_candidates are pure (host unit tests:
 * tests/unit/test_nettools.c); nt_resolve does the I/O.
 */
#ifndef NT_RESOLV_H
#define NT_RESOLV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "net/dns.h"

#define NT_MAX_SEARCH 6

struct nt_resolv_conf {
	uint32_t servers[DNS_MAX_SERVERS]; /* host byte order */
	size_t nservers;
	char search[NT_MAX_SEARCH][DNS_NAME_MAX];
	size_t nsearch;
	unsigned timeout_s; /* per query, 1..30 */
	unsigned attempts;  /* rounds over the servers, 1..5 */
	unsigned ndots;	    /* 0..15 */
};

/* Parse resolv.conf text (pure); missing values get the defaults. */
void nt_resolv_conf_parse(const char *text, size_t len, struct nt_resolv_conf *rc);
/*
 * The names to try for `name`, in order (pure): a name ending in '.' is
 * only itself; one with at least ndots dots is tried as is first, then
 * with each search domain; one with fewer, with the search domains first.
 * Candidates longer than a DNS name are skipped. Returns how many.
 */
size_t nt_resolv_candidates(const struct nt_resolv_conf *rc, const char *name,
			    char out[][DNS_NAME_MAX], size_t max);

struct nt_resolv_opts {
	uint32_t server;    /* host order; 0: the servers of resolv.conf */
	uint16_t port;	    /* 0: 53 */
	bool no_hosts;	    /* skip /etc/hosts */
	bool no_search;	    /* ask for the name as given */
	unsigned timeout_s; /* 0: resolv.conf's */
	unsigned attempts;  /* 0: resolv.conf's */
};

struct nt_answer {
	char qname[DNS_NAME_MAX]; /* the candidate that answered */
	bool from_hosts;
	uint32_t server; /* host order: the server asked (0 for hosts) */
	struct dns_result res;
};

/* Load /etc/resolv.conf (or $RESOLV_CONF); defaults when unreadable. */
void nt_resolv_load(struct nt_resolv_conf *rc);
/* Resolve an A record: 0 with ans->res.addrs, or -errno as dns_result.error. */
int nt_resolve(const char *name, const struct nt_resolv_opts *o, struct nt_answer *ans);

#endif
