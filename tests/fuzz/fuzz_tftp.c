/*
 * libFuzzer target for net/tftp.c: every packet a TFTP server (or anyone
 * else) sends is untrusted. The input is a list of records
 * [kind][len][bytes]: kind 0 delivers bytes from the server's address and
 * a port chosen by the next byte (69, a transfer id, or another), kind 1
 * advances the clock, kind 2 delivers bytes from another host. Invariants:
 * data arrives contiguously, every ACK names exactly the in-order progress,
 * the done callback fires once at most, and the state stays consistent.
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/tftp.h"
#include "net/proto/tftp.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

#define SERVER 0x0a000202u

static struct tftp_client c;
static uint64_t delivered;
static int dones;

static int f_send(void *ctx, uint32_t dst, uint16_t port, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	CHECK(dst == SERVER && len >= 4 && len <= TFTP_PKT_MAX + 4);
	if ((p[0] << 8 | p[1]) == TFTP_ACK)
		CHECK((uint16_t)(p[2] << 8 | p[3]) == (uint16_t)c.blocks);
	return 0;
}

static int f_data(void *ctx, uint64_t off, const void *buf, size_t len)
{
	CHECK(off == delivered);
	CHECK(len <= c.blksize);
	delivered += len;
	return 0;
}

static void f_done(void *ctx, int err)
{
	dones++;
	CHECK(err <= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_ops ops = {f_send, f_data, f_done};
	static const uint16_t ports[4] = {TFTP_PORT, 40000, 40001, 7};
	struct tftp_config cfg = {
		.server_ip = SERVER, .blksize = 1468, .windowsize = 8, .ask_tsize = true};
	uint64_t now = 0;
	size_t i = 0;

	strcpy(cfg.filename, "root.img");
	if (size && (data[0] & 0x80)) /* sometimes a plain RFC 1350 request */
		cfg.blksize = cfg.windowsize = 0, cfg.ask_tsize = false;
	delivered = 0;
	dones = 0;
	tftp_init(&c, &cfg, &ops, NULL);
	CHECK(tftp_start(&c, now) == 0);
	while (i + 3 <= size) {
		uint8_t kind = data[i] % 3, sel = data[i] >> 2;
		size_t len = data[i + 1] | (size_t)(data[i + 2] & 7) << 8;

		i += 3;
		if (len > size - i)
			len = size - i;
		switch (kind) {
		case 0:
			tftp_input(&c, data + i, len, SERVER, ports[sel & 3], now);
			break;
		case 1:
			now += (uint64_t)len * 7;
			tftp_poll(&c, now);
			break;
		case 2:
			tftp_input(&c, data + i, len, 0x01020304, TFTP_PORT, now);
			break;
		}
		i += len;
		CHECK(c.state <= TFTP_FAILED);
		CHECK(c.bytes == delivered);
		CHECK(dones == (c.state == TFTP_DONE || c.state == TFTP_FAILED));
		CHECK(c.window >= 1 && c.blksize >= 8);
		CHECK(strnlen(c.err_msg, sizeof(c.err_msg)) < sizeof(c.err_msg));
	}
	return 0;
}
