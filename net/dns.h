/*
 * DNS stub resolver engine (net/dns.c; RFC 1035). Pure logic: only
 * <ksvc.h>'s string functions and errno values, no clock, no allocation, no
 * sleeping, so the same file builds into the kernel, host tests, fuzz
 * targets and user programs.
 *
 * It resolves A records, following CNAME chains inside an answer and, when
 * a server returns a chain without the final A record, by asking again
 * for the chain's target. Queries go to up to DNS_MAX_SERVERS servers in
 * turn, each with a timeout, for cfg.attempts rounds. Answers are cached
 * for their smallest TTL in a small LRU cache. Also here: pure parsers for
 * /etc/hosts and /etc/resolv.conf text and the packet-level helpers the
 * engine uses (exported for tests and fuzzing).
 *
 * ---- What the kernel glue (or a user program) must do ----
 * - Own one UDP endpoint on an ephemeral port, chosen at random (RFC 5452:
 *   the port and the 16-bit query id together are the defence against
 *   forged answers). Pass every datagram it receives to dns_input() with
 *   the sender's address and port; the engine accepts only answers from a
 *   configured server's port 53 that match an outstanding id and question.
 * - Implement ops.send: one UDP datagram from that endpoint to
 *   dst_ip:dst_port (always port 53), normal routing. Return 0 or -errno; a
 *   failure counts like a lost query (the next server is tried at the
 *   timeout).
 * - Implement ops.random (the kernel has random_u64).
 * - Servers: dns_set_servers() with DHCP's option 6 (struct dhcp_lease.dns)
 *   or /etc/resolv.conf's nameservers (dns_resolv_conf_parse).
 * - Drive timers: after every call into the engine arm a timer for
 *   dns_next_deadline() (UINT64_MAX: none) and call dns_poll(now) then.
 * - Serialize all calls on one resolver with one lock. The completion
 *   callback runs inside dns_input/dns_poll with that lock held: it must
 *   not call into the resolver and must not sleep (wake a waiter instead).
 *   A caller that stops waiting (signal, timeout) calls dns_cancel().
 *
 * Lock legend: all of struct dns_resolver is guarded by the caller's lock.
 */
#ifndef NET_DNS_H
#define NET_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define DNS_MAX_SERVERS	  3
#define DNS_NAME_MAX	  256 /* text form with the NUL: 253 characters at most */
#define DNS_MAX_ADDRS	  8   /* A records kept per answer */
#define DNS_MAX_QUERIES	  8   /* outstanding lookups */
#define DNS_CACHE_SIZE	  16
#define DNS_MAX_CNAME	  8   /* CNAME hops followed inside one answer */
#define DNS_MAX_REQUERY	  3   /* new queries for a chain's dangling target */
#define DNS_QUERY_MAX_LEN 300 /* the largest query we build */

struct dns_result {
	int error; /* 0, -ENOENT (NXDOMAIN), -ENODATA (no A record), -ETIMEDOUT,
		    * -EIO (every server failed), -ELOOP (CNAME chain too long) */
	uint8_t naddrs;
	uint32_t addrs[DNS_MAX_ADDRS]; /* host byte order, in answer order */
	uint32_t ttl;		       /* seconds: the smallest TTL along the chain */
	char cname[DNS_NAME_MAX];      /* canonical name (the name itself without CNAMEs) */
};

/* Completion of a lookup that returned -EINPROGRESS. */
typedef void (*dns_done_fn)(void *cookie, const char *name, const struct dns_result *res);

struct dns_ops {
	int (*send)(void *ctx, uint32_t dst_ip, uint16_t dst_port, const void *buf, size_t len);
	uint32_t (*random)(void *ctx);
};

struct dns_config {
	uint32_t servers[DNS_MAX_SERVERS];
	uint8_t nservers;
	uint32_t timeout_ms; /* per query sent; 0 = 2000 */
	uint8_t attempts;    /* rounds over all servers; 0 = 2 */
	uint32_t max_ttl_s;  /* cache ceiling; 0 = 86400 */
};

struct dns_stats {
	uint64_t queries, sends, timeouts, cache_hits, cache_misses;
	uint64_t rx, rx_short, rx_no_match, rx_bad, rx_truncated, rx_servfail;
	uint64_t nxdomain, nodata, answers, requeries;
};

struct dns_query {
	bool active;
	uint16_t id;
	uint8_t server; /* index of the server last asked */
	uint8_t round;	/* 0 .. attempts-1 */
	uint8_t requeries;
	uint32_t ttl; /* smallest TTL of the CNAMEs followed so far */
	uint64_t deadline;
	char name[DNS_NAME_MAX];  /* what the caller asked for (normalized) */
	char qname[DNS_NAME_MAX]; /* what is being asked now */
	dns_done_fn done;
	void *cookie;
};

struct dns_cache_entry {
	bool used;
	uint64_t expires_ms;
	uint64_t last_used; /* LRU tick */
	char name[DNS_NAME_MAX];
	struct dns_result res;
};

struct dns_resolver {
	struct dns_config cfg;
	struct dns_ops ops;
	void *ctx;
	struct dns_query q[DNS_MAX_QUERIES];
	struct dns_cache_entry cache[DNS_CACHE_SIZE];
	uint64_t tick;
	struct dns_stats stats;
};

void dns_init(struct dns_resolver *r, const struct dns_config *cfg, const struct dns_ops *ops,
	      void *ctx);
/* Replace the server list (at most DNS_MAX_SERVERS are kept). Outstanding
 * queries continue with the new list at their next retry. */
void dns_set_servers(struct dns_resolver *r, const uint32_t *servers, size_t n);

/*
 * Look `name` up. Returns 0 when the answer is known at once (a dotted
 * quad, or a live cache entry) and is in *out; -EINPROGRESS when a query
 * went out and done(cookie, ...) will be called exactly once later (unless
 * cancelled); or -EINVAL (not a valid host name), -ENETUNREACH (no
 * servers), -EAGAIN (DNS_MAX_QUERIES lookups outstanding).
 */
int dns_lookup(struct dns_resolver *r, const char *name, uint64_t now, dns_done_fn done,
	       void *cookie, struct dns_result *out);
/* Drop every outstanding lookup with this callback and cookie; their
 * callbacks are never called. */
void dns_cancel(struct dns_resolver *r, dns_done_fn done, void *cookie);
/* One datagram received on the resolver's port: 0 when it was used, else
 * -errno (-EBADMSG malformed, -ENOENT no matching query). */
int dns_input(struct dns_resolver *r, const void *pkt, size_t len, uint32_t src_ip,
	      uint16_t src_port, uint64_t now);
void dns_poll(struct dns_resolver *r, uint64_t now);
uint64_t dns_next_deadline(const struct dns_resolver *r);
/* Empty the cache. */
void dns_flush(struct dns_resolver *r);

/* ---- pure helpers (no resolver state) ---- */

/* Check and normalize a host name into out (DNS_NAME_MAX): drops one
 * trailing dot; rejects empty names and labels, labels over 63 bytes,
 * names over 253 bytes and bytes other than letters, digits, '-' and '_'.
 * Returns 0 or -EINVAL. */
int dns_name_normalize(const char *name, char *out);
/* Case-insensitive equality of two text names. */
bool dns_name_equal(const char *a, const char *b);
/* A strict dotted quad ("10.0.2.3") of exactly len bytes: 0 or -EINVAL. */
int dns_parse_ipv4(const char *s, size_t len, uint32_t *addr);

/* Build a recursive query for (name, qtype) into buf; returns its length
 * or -errno (-EINVAL bad name, -ENOSPC buf too small). */
int dns_build_query(void *buf, size_t size, uint16_t id, const char *name, uint16_t qtype);
/*
 * Decode the (possibly compressed) name at msg[off] into text form in out
 * (DNS_NAME_MAX bytes; "" for the root). *next is the offset just past the
 * name where it started (after the first pointer, if any). Pointers must
 * point strictly backwards and at most DNS_MAX_JUMPS are followed, so a
 * pointer loop is an error, not a hang. Returns 0 or -EBADMSG.
 */
#define DNS_MAX_JUMPS 32
int dns_name_decode(const uint8_t *msg, size_t len, size_t off, char *out, size_t *next);
/*
 * Parse a response to the query (id, qname, A): checks the header, that
 * the question matches, then follows CNAMEs from qname and collects the A
 * records of the chain's end. Returns:
 *   0          *res holds addresses (res->error 0)
 *   1          the chain ended in a name without A records here: res->cname
 *              is the name to ask for next, res->ttl the chain's TTL
 *   -ENOENT    NXDOMAIN;  -ENODATA no such record;  -ELOOP chain too long
 *   -EIO       SERVFAIL, REFUSED or another error code: try another server
 *   -EMSGSIZE  truncated (TC): try another server (no TCP fallback)
 *   -EBADMSG   malformed, or not an answer to this question
 */
int dns_parse_response(const void *pkt, size_t len, uint16_t id, const char *qname,
		       struct dns_result *res);

/*
 * /etc/hosts text (pure): find `name` (case-insensitive, among canonical
 * names and aliases) on a line whose address is an IPv4 dotted quad; '#'
 * starts a comment; other lines (IPv6, junk) are skipped. The first
 * matching line wins. Returns 0 with *addr, or -ENOENT.
 */
int dns_hosts_lookup(const char *text, size_t len, const char *name, uint32_t *addr);
/* /etc/resolv.conf text: the IPv4 "nameserver" lines, in order, at most
 * max of them. Returns how many were stored. */
size_t dns_resolv_conf_parse(const char *text, size_t len, uint32_t *servers, size_t max);

#endif
