/*
 * The TFTP engine tests' shared fixture: tests/unit/tftp_script.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/tftp.h"
#include "tftp_script.h"
#include "net/proto/tftp.h"

struct server srv;
struct tftp_client cl;
struct pkt queue[4096];
int nq;
uint64_t now, delivered, first_data_tsize;
static uint64_t seq;
int data_fail_at;
static int data_calls;
bool sparse; /* big transfers: check block ends only */
enum fault (*fault_fn)(bool to_client, const uint8_t *b, size_t len);
int done_calls, done_err;

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + (off >> 17));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void enqueue(bool to_client, uint16_t sport, const void *b, size_t len, uint64_t delay)
{
	CHECK(nq < 4096);
	CHECK(len <= sizeof(queue[0].b));
	struct pkt *p = &queue[nq++];
	p->at = now + 1 + delay;
	p->seq = seq++;
	p->to_client = to_client;
	p->sport = sport;
	p->len = len;
	memcpy(p->b, b, len);
}

/* Put a packet on the wire through the fault hook. */
static void wire(bool to_client, uint16_t sport, const void *b, size_t len)
{
	enum fault f = fault_fn ? fault_fn(to_client, b, len) : PASS;

	switch (f) {
	case DROP:
		return;
	case DUP:
		enqueue(to_client, sport, b, len, 0);
		enqueue(to_client, sport, b, len, 0);
		return;
	case DELAY:
		enqueue(to_client, sport, b, len, 3);
		return;
	case FOREIGN:
		enqueue(to_client, (uint16_t)(sport + 1), b, len, 0);
		enqueue(to_client, sport, b, len, 0);
		return;
	case PASS:
		enqueue(to_client, sport, b, len, 0);
		return;
	}
}

/* ---- the scripted server ---- */

static void srv_send_block(uint64_t blk)
{
	uint8_t b[4 + 1500];
	uint64_t off = (blk - 1) * srv.blksize;
	size_t n = off >= srv.size ? 0 : (size_t)MIN(srv.size - off, (uint64_t)srv.blksize);

	put16(b, TFTP_DATA);
	put16(b + 2, (uint16_t)blk);
	if (sparse && n) {
		/* big files: mark each block's ends only (keeps the test fast) */
		memset(b + 4, 0, n);
		b[4] = pattern(off);
		b[4 + n - 1] = pattern(off + n - 1);
	} else {
		for (size_t i = 0; i < n; i++)
			b[4 + i] = pattern(off + i);
	}
	srv.data_sent++;
	if (blk > srv.sent_hi)
		srv.sent_hi = blk;
	wire(true, srv.tid, b, 4 + n);
}

static void srv_send_window(void)
{
	uint64_t last = MIN(srv.acked + srv.window, srv.nblocks);

	if (srv.mode == SRV_ATFTPD) {
		if (srv.acked >= srv.win_end)
			srv.win_end = srv.acked + srv.window;
		last = MIN(srv.win_end, srv.nblocks);
	}

	for (uint64_t b = srv.acked + 1; b <= last; b++)
		srv_send_block(b);
	srv.timer = srv.mode == SRV_SLIRP ? NEVER : now + srv.timeout;
}

static void srv_error(uint16_t code, const char *msg)
{
	uint8_t b[128];

	put16(b, TFTP_ERROR);
	put16(b + 2, code);
	strcpy((char *)b + 4, msg);
	wire(true, srv.tid, b, 4 + strlen(msg) + 1);
}

static size_t put_opt(uint8_t *b, size_t off, const char *name, uint64_t v)
{
	char num[24];

	strcpy((char *)b + off, name);
	off += strlen(name) + 1;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	strcpy((char *)b + off, num);
	return off + strlen(num) + 1;
}

static void srv_rrq(const uint8_t *p, size_t len)
{
	const char *s = (const char *)p + 2, *end = (const char *)p + len;
	uint64_t want_blk = 0, want_win = 0;
	bool want_tsize = false, any = false;

	srv.rrqs++;
	srv.tid = srv.mode == SRV_SLIRP ? TFTP_PORT : RFC_TID;
	ck_assert_str_eq(s, "/images/root.img");
	s += strlen(s) + 1;
	ck_assert_str_eq(s, "octet");
	s += strlen(s) + 1;
	while (s < end) {
		const char *v = s + strlen(s) + 1;

		any = true;
		if (!strcmp(s, "blksize"))
			want_blk = strtoull(v, NULL, 10);
		else if (!strcmp(s, "windowsize"))
			want_win = strtoull(v, NULL, 10);
		else if (!strcmp(s, "tsize"))
			want_tsize = true;
		else
			ck_abort_msg("unexpected option %s", s);
		s = v + strlen(v) + 1;
	}
	if (srv.error_code) {
		srv_error(srv.error_code, "File not found");
		return;
	}
	if (any && srv.refuse_options) {
		srv_error(TFTP_EOPTNEG, "no options");
		return;
	}
	srv.blksize = 512;
	srv.window = 1;
	srv.acked = srv.sent_hi = srv.slirp_next = srv.win_end = 0;
	srv.stalls = 0;
	bool oack = false;
	uint8_t b[256];
	size_t off = 2;
	put16(b, TFTP_OACK);
	if (srv.options && want_blk) {
		srv.blksize = (uint16_t)MIN(want_blk, (uint64_t)srv.max_blksize);
		off = put_opt(b, off, "blksize",
			      srv.bad_oack_blksize ? srv.bad_oack_blksize : srv.blksize);
		oack = true;
	}
	if (srv.options && want_tsize) {
		off = put_opt(b, off, "tsize", srv.size);
		oack = true;
	}
	if ((srv.mode == SRV_WINDOW || srv.mode == SRV_ATFTPD) && want_win) {
		srv.window = (uint16_t)want_win;
		off = put_opt(b, off, "windowsize", srv.window);
		oack = true;
	}
	srv.nblocks = srv.size / srv.blksize + 1;
	if (oack) {
		srv.waiting_ack0 = true;
		wire(true, srv.tid, b, off);
		srv.timer = srv.mode == SRV_SLIRP ? NEVER : now + srv.timeout;
		return;
	}
	srv.waiting_ack0 = false;
	if (srv.mode == SRV_SLIRP) {
		srv.slirp_next = 1;
		srv_send_block(1);
	} else {
		srv_send_window();
	}
}

static void srv_ack(uint16_t n)
{
	srv.acks_rx++;
	if (srv.mode == SRV_SLIRP) {
		/* libslirp: send block_nr + 1, whatever the ACK said. */
		if (n != (uint16_t)srv.slirp_next)
			srv.skips++;
		if (srv.slirp_next < srv.nblocks) {
			srv.slirp_next++;
			srv_send_block(srv.slirp_next);
		}
		return;
	}
	if (srv.waiting_ack0) {
		if (n != 0)
			return;
		srv.waiting_ack0 = false;
		srv.stalls = 0;
		srv_send_window();
		return;
	}
	uint64_t b = srv.acked + (uint16_t)(n - (uint16_t)srv.acked);
	if (b > srv.sent_hi)
		return; /* stale, from before a wrap */
	if (b == srv.acked && srv.mode == SRV_RFC)
		return; /* RFC 1350: a duplicate ACK is ignored (Sorcerer's Apprentice) */
	if (b > srv.acked)
		srv.stalls = 0;
	srv.acked = b;
	if (srv.acked >= srv.nblocks) {
		srv.finished = true;
		srv.timer = NEVER;
		return;
	}
	srv_send_window(); /* RFC 7440: a new window after the block acked */
}

void srv_input(const uint8_t *p, size_t len, uint16_t dport)
{
	uint16_t op = get16(p);

	if (op == TFTP_RRQ) {
		CHECK(dport == TFTP_PORT);
		srv_rrq(p, len);
		return;
	}
	if (op == TFTP_ERROR) {
		srv.errors_rx++;
		srv.last_error = get16(p + 2);
		srv.error_port = dport;
		srv.timer = NEVER;
		return;
	}
	CHECK(op == TFTP_ACK);
	CHECK(len == 4);
	CHECK(dport == srv.tid);
	srv_ack(get16(p + 2));
}

static void srv_timer(void)
{
	if (++srv.stalls > 10) {
		srv.timer = NEVER;
		return;
	}
	if (srv.waiting_ack0) {
		/* the OACK again: simplest is to re-run the request */
		uint8_t b[256];
		size_t off = 2;
		put16(b, TFTP_OACK);
		off = put_opt(b, off, "blksize", srv.blksize);
		if (srv.window > 1)
			off = put_opt(b, off, "windowsize", srv.window);
		wire(true, srv.tid, b, off);
		srv.timer = now + srv.timeout;
		return;
	}
	srv_send_window();
}

/* ---- the client's environment ---- */

static int c_send(void *ctx, uint32_t dst, uint16_t port, const void *b, size_t len)
{
	CHECK(dst == SERVER);
	/* Every ACK acknowledges exactly the in-order progress. */
	if (get16(b) == TFTP_ACK)
		CHECK(get16((const uint8_t *)b + 2) == (uint16_t)cl.blocks);
	wire(false, port, b, len);
	return 0;
}

static int c_data(void *ctx, uint64_t off, const void *b, size_t len)
{
	const uint8_t *p = b;

	if (data_calls++ == 0)
		first_data_tsize = tftp_tsize(&cl);
	CHECK(off == delivered);
	if (data_fail_at && off >= (uint64_t)data_fail_at)
		return -ENOSPC;
	if (sparse && len) {
		/* only each block's ends were marked */
		CHECK(p[0] == pattern(off));
		CHECK(p[len - 1] == pattern(off + len - 1));
	} else {
		for (size_t i = 0; i < len; i++)
			if (p[i] != pattern(off + i))
				ck_abort_msg("byte %llu differs", (unsigned long long)(off + i));
	}
	delivered += len;
	return 0;
}

static void c_done(void *ctx, int err)
{
	done_calls++;
	done_err = err;
}

const struct tftp_ops ops = {c_send, c_data, c_done};

void setup(void)
{
	memset(&srv, 0, sizeof(srv));
	srv.timeout = 1500;
	srv.max_blksize = 1468;
	srv.options = true;
	srv.timer = NEVER;
	nq = 0;
	now = 1000;
	seq = delivered = first_data_tsize = 0;
	data_calls = data_fail_at = 0;
	sparse = false;
	fault_fn = NULL;
	done_calls = 0;
	done_err = 1;
}

void start(uint16_t blksize, uint16_t window, bool tsize, enum tftp_policy policy)
{
	struct tftp_config cfg = {.server_ip = SERVER,
				  .blksize = blksize,
				  .windowsize = window,
				  .ask_tsize = tsize,
				  .policy = policy};

	strcpy(cfg.filename, "/images/root.img");
	tftp_init(&cl, &cfg, &ops, NULL);
	ck_assert_int_eq(tftp_start(&cl, now), 0);
}

/* Run the network until the client ends (or nothing is left to do). */
void run(void)
{
	for (long steps = 0; steps < 10000000; steps++) {
		uint64_t tc = tftp_next_deadline(&cl), tq = NEVER;
		int qi = -1;

		if (cl.state == TFTP_DONE || cl.state == TFTP_FAILED) {
			/* let the final ACK or ERROR reach the server */
			if (nq == 0)
				return;
			tc = NEVER;
		}
		for (int i = 0; i < nq; i++)
			if (qi < 0 || queue[i].at < tq ||
			    (queue[i].at == tq && queue[i].seq < queue[qi].seq)) {
				qi = i;
				tq = queue[i].at;
			}
		uint64_t t = MIN(tq, MIN(tc, srv.timer));
		if (t == NEVER)
			return;
		if (t > now)
			now = t;
		if (qi >= 0 && tq <= now) {
			struct pkt p = queue[qi];
			queue[qi] = queue[--nq];
			if (p.to_client)
				tftp_input(&cl, p.b, p.len, SERVER, p.sport, now);
			else
				srv_input(p.b, p.len, p.sport);
		} else if (tc <= now) {
			tftp_poll(&cl, now);
		} else {
			srv_timer();
		}
	}
	ck_abort_msg("simulation did not end");
}

void expect_done(void)
{
	ck_assert_msg(cl.state == TFTP_DONE, "state %s error %d (%s)", tftp_state_name(cl.state),
		      cl.error, cl.err_msg);
	CHECK(delivered == srv.size);
	CHECK(cl.bytes == srv.size);
	CHECK(done_calls == 1);
	CHECK(done_err == 0);
	CHECK(tftp_next_deadline(&cl) == NEVER);
}

/* ---- fault scripts ---- */

int nth_data[70000];
uint64_t fault_block = 12;
int acks_dropped;

static uint16_t data_block(bool to_client, const uint8_t *b)
{
	return to_client && get16(b) == TFTP_DATA ? get16(b + 2) : 0xffff;
}

/* Lose the first transmission of DATA fault_block. */
enum fault lose_one_data(bool to_client, const uint8_t *b, size_t len)
{
	if (data_block(to_client, b) == (uint16_t)fault_block &&
	    nth_data[(uint16_t)fault_block]++ == 0)
		return DROP;
	return PASS;
}

/* Lose the first ACK 0 and the first ACK 16. */
/* Lose DATA fault_block twice: the retransmission after the gap ACK too. */
enum fault lose_data_twice(bool to_client, const uint8_t *b, size_t len)
{
	(void)len;
	if (data_block(to_client, b) == (uint16_t)fault_block &&
	    nth_data[(uint16_t)fault_block]++ < 2)
		return DROP;
	return PASS;
}

enum fault lose_acks(bool to_client, const uint8_t *b, size_t len)
{
	if (!to_client && get16(b) == TFTP_ACK) {
		uint16_t n = get16(b + 2);
		if ((n == 0 || n == 16) && !(acks_dropped & (1 << (n ? 1 : 0)))) {
			acks_dropped |= 1 << (n ? 1 : 0);
			return DROP;
		}
	}
	return PASS;
}

enum fault lose_ack5_data9(bool to_client, const uint8_t *b, size_t len)
{
	if (!to_client && get16(b) == TFTP_ACK && get16(b + 2) == 5 && !(acks_dropped & 1)) {
		acks_dropped |= 1;
		return DROP;
	}
	if (data_block(to_client, b) == 9 && nth_data[9]++ == 0)
		return DROP;
	return PASS;
}

enum fault dup_data(bool to_client, const uint8_t *b, size_t len)
{
	return data_block(to_client, b) != 0xffff ? DUP : PASS;
}

enum fault reorder_data(bool to_client, const uint8_t *b, size_t len)
{
	uint16_t blk = data_block(to_client, b);

	return blk != 0xffff && blk % 5 == 2 ? DELAY : PASS;
}

enum fault lose_all_to_server(bool to_client, const uint8_t *b, size_t len)
{
	return to_client ? PASS : DROP;
}

enum fault die_after_10(bool to_client, const uint8_t *b, size_t len)
{
	uint16_t blk = data_block(to_client, b);

	return blk != 0xffff && blk > 10 ? DROP : PASS;
}

enum fault foreign_at_5(bool to_client, const uint8_t *b, size_t len)
{
	return data_block(to_client, b) == 5 && nth_data[5]++ == 0 ? FOREIGN : PASS;
}

void reset_faults(void)
{
	memset(nth_data, 0, sizeof(nth_data));
	acks_dropped = 0;
	fault_block = 12;
}
