/*
 * libFuzzer target for net/dns.c: DNS responses, /etc/hosts and
 * /etc/resolv.conf are untrusted input. The input is parsed as a response
 * to its own question (so CNAME chains and compression are reached), every
 * name in its first bytes is decoded, the text parsers read it, and the
 * resolver engine is fed it as an answer with the outstanding query's id.
 * Names must stay bounded and terminated and the callback fire at most once.
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/dns.h"
#include "net/proto/dns.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

static int sends, dones;
static uint16_t last_id;

static int f_send(void *ctx, uint32_t dst, uint16_t port, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	CHECK(port == DNS_PORT && len >= DNS_HDR_LEN && len <= DNS_QUERY_MAX_LEN);
	last_id = (uint16_t)(p[0] << 8 | p[1]);
	sends++;
	return 0;
}

static uint32_t f_random(void *ctx)
{
	return 0x5151;
}

static void check_result(const struct dns_result *r)
{
	CHECK(r->naddrs <= DNS_MAX_ADDRS);
	CHECK(strnlen(r->cname, sizeof(r->cname)) < sizeof(r->cname));
}

static void f_done(void *cookie, const char *name, const struct dns_result *r)
{
	dones++;
	check_result(r);
	CHECK(r->error != 0 || r->naddrs > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dns_ops ops = {f_send, f_random};
	static struct dns_resolver r;
	struct dns_config cfg = {.servers = {0x0a000203, 0x08080808}, .nservers = 2};
	char name[DNS_NAME_MAX], q[DNS_NAME_MAX];
	struct dns_result res;
	size_t next;
	uint8_t pkt[2048];
	uint32_t servers[4], a;

	/* Names anywhere in the first bytes. */
	for (size_t off = 0; off < size && off < 48; off++) {
		if (!dns_name_decode(data, size, off, name, &next)) {
			CHECK(strlen(name) <= 253);
			CHECK(next > off && next <= size);
		}
	}
	/* A response to its own question. */
	if (size >= DNS_HDR_LEN && !dns_name_decode(data, size, DNS_HDR_LEN, q, &next) && q[0]) {
		int ret =
			dns_parse_response(data, size, (uint16_t)(data[0] << 8 | data[1]), q, &res);

		CHECK(ret >= -4095 && ret <= 1);
		check_result(&res);
		if (ret == 0)
			CHECK(res.naddrs > 0);
	}
	/* Text files. */
	dns_hosts_lookup((const char *)data, size, "host.example", &a);
	CHECK(dns_resolv_conf_parse((const char *)data, size, servers, 4) <= 4);
	if (size < DNS_NAME_MAX) {
		memcpy(name, data, size);
		name[size] = '\0';
		if (!dns_name_normalize(name, q))
			CHECK(dns_build_query(pkt, sizeof(pkt), 1, q, DNS_TYPE_A) > 0);
	}

	/* The engine: the input answers "example.com" (and any re-query). */
	sends = dones = 0;
	dns_init(&r, &cfg, &ops, NULL);
	CHECK(dns_lookup(&r, "example.com", 0, f_done, NULL, &res) == -EINPROGRESS);
	for (int round = 0; round < 3 && size >= 2 && size <= sizeof(pkt); round++) {
		memcpy(pkt, data, size);
		pkt[0] = (uint8_t)(last_id >> 8);
		pkt[1] = (uint8_t)last_id;
		dns_input(&r, pkt, size, 0x0a000203, DNS_PORT, (uint64_t)round);
	}
	for (uint64_t t = 0; dns_next_deadline(&r) != UINT64_MAX && t < 100; t++)
		dns_poll(&r, dns_next_deadline(&r));
	CHECK(dones == 1);
	return 0;
}
