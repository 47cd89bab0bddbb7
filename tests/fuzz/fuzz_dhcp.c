/*
 * libFuzzer target for net/dhcp.c: DHCP replies are untrusted input. The
 * input is first parsed as one message (strings must stay terminated, the
 * lease times consistent), then split into records that drive a client:
 * [kind][len][bytes]. Kind 0 delivers bytes as a reply with the client's
 * xid and MAC patched in (so the state machine is reached), kind 1 is a
 * raw reply, kind 2 advances the clock, kind 3 restarts. After every step
 * the client's state must be consistent.
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/dhcp.h"
#include "net/proto/dhcp.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
static uint32_t rnd;
static int sends;

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static void check_lease(const struct dhcp_lease *l)
{
	CHECK(l->ndns <= DHCP_MAX_DNS);
	CHECK(terminated(l->hostname, sizeof(l->hostname)));
	CHECK(terminated(l->domain, sizeof(l->domain)));
	CHECK(terminated(l->file, sizeof(l->file)));
	CHECK(terminated(l->sname, sizeof(l->sname)));
	CHECK(terminated(l->bootfile, sizeof(l->bootfile)));
	CHECK(terminated(l->tftp_server, sizeof(l->tftp_server)));
	CHECK(l->t1_s <= l->t2_s && l->t2_s <= l->lease_s);
}

static int f_send(void *ctx, uint32_t dst, uint16_t port, const void *buf, size_t len)
{
	CHECK(port == DHCP_SERVER_PORT);
	CHECK(len >= BOOTP_MIN_LEN && len <= DHCP_PKT_MAX);
	sends++;
	return 0;
}

static uint32_t f_random(void *ctx)
{
	return rnd = rnd * 1103515245u + 12345u;
}

static void f_event(void *ctx, enum dhcp_event ev, const struct dhcp_lease *l)
{
	if (l)
		check_lease(l);
}

static void check_client(const struct dhcp_client *c, uint64_t now)
{
	const struct dhcp_lease *l = dhcp_lease(c);

	CHECK(c->state <= DHCP_REBINDING);
	CHECK((l != NULL) == (c->state >= DHCP_BOUND));
	CHECK(dhcp_source_addr(c) == (l ? l->addr : 0));
	if (l)
		check_lease(l);
	if (c->state != DHCP_STOPPED)
		CHECK(dhcp_next_deadline(c) != UINT64_MAX || c->state == DHCP_BOUND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dhcp_ops ops = {f_send, f_random, f_event};
	static struct dhcp_client c;
	struct dhcp_config cfg = {.initial_rto_ms = 1000};
	struct dhcp_lease l;
	uint8_t type, pkt[1024];
	char msg[64];
	uint64_t now = 0;
	size_t i = 0;

	if (!dhcp_parse(data, size, &l, &type, msg, sizeof(msg))) {
		check_lease(&l);
		CHECK(terminated(msg, sizeof(msg)));
	}

	rnd = 1;
	sends = 0;
	memcpy(cfg.mac, mac, 6);
	dhcp_init(&c, &cfg, &ops, NULL);
	dhcp_start(&c, now);
	while (i + 3 <= size) {
		uint8_t kind = data[i] & 3;
		size_t len = (size_t)data[i + 1] << 8 | data[i + 2];

		i += 3;
		if (len > size - i)
			len = size - i;
		if (len > sizeof(pkt))
			len = sizeof(pkt);
		memcpy(pkt, data + i, len);
		i += len;
		switch (kind) {
		case 0:
			if (len >= DHCP_OFF_OPTIONS) {
				for (int k = 0; k < 4; k++)
					pkt[BOOTP_OFF_XID + k] = (uint8_t)(c.xid >> (24 - 8 * k));
				memcpy(pkt + BOOTP_OFF_CHADDR, mac, 6);
			}
			/* fall through */
		case 1:
			dhcp_input(&c, pkt, len, 0x0a000202, 67, now);
			break;
		case 2:
			now += (uint64_t)len * 997;
			dhcp_poll(&c, now);
			break;
		case 3:
			dhcp_start(&c, now);
			break;
		}
		check_client(&c, now);
	}
	return 0;
}
