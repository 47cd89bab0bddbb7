/*
 * Host tests for the TFTP client engine (net/tftp.c) against a scripted
 * server on a simulated network with a fake clock. The server plays three
 * roles: a strict RFC 1350 server (fresh transfer id, lock-step,
 * retransmits on its own timer, ignores duplicate ACKs), an RFC 7440
 * windowed server like atftpd (an ACK restarts the window after the block
 * it names), and QEMU's slirp (answers from port 69, blksize/tsize only,
 * sends its next block for every ACK whatever its number, never
 * retransmits). Faults are injected per packet: loss, duplication, delay
 * (reordering), and packets from a foreign port.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "net/tftp.h"
#include "net/proto/tftp.h"

#define SERVER	    0x0a000202u
#define CLIENT_PORT 2000
#define RFC_TID	    40000
#define NEVER	    UINT64_MAX

/* For the per-packet paths: Check's ck_assert_* report every passing
 * assertion's location to the parent process, which costs a system call. */
#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

/* SRV_ATFTPD: windowsize as atftpd 0.8 does it; an ACK inside a window
 * resends only up to that window's end, then waits for an ACK of it. */
enum srv_mode { SRV_RFC, SRV_WINDOW, SRV_SLIRP, SRV_ATFTPD };
enum fault { PASS, DROP, DUP, DELAY, FOREIGN };

struct server {
	enum srv_mode mode;
	uint64_t size;
	uint16_t max_blksize;
	bool options;	     /* understands blksize/tsize */
	bool refuse_options; /* answers options with ERROR 8 */
	uint16_t error_code; /* answer the RRQ with this ERROR when nonzero */
	uint16_t bad_oack_blksize;
	uint32_t timeout;
	/* state */
	uint16_t tid, blksize, window;
	bool waiting_ack0, finished;
	uint64_t nblocks, acked, sent_hi, slirp_next, timer, win_end;
	int stalls;
	/* what it saw */
	int rrqs, data_sent, acks_rx, skips, errors_rx;
	uint16_t last_error;
	uint16_t error_port;
};

struct pkt {
	uint64_t at, seq;
	bool to_client;
	uint16_t sport;
	size_t len;
	uint8_t b[1600];
};

static struct server srv;
static struct tftp_client cl;
static struct pkt queue[4096];
static int nq;
static uint64_t now, seq, delivered, first_data_tsize;
static int data_calls, data_fail_at;
static bool sparse; /* big transfers: check block ends only */
static enum fault (*fault_fn)(bool to_client, const uint8_t *b, size_t len);
static int done_calls, done_err;

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

static void srv_input(const uint8_t *p, size_t len, uint16_t dport)
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

static const struct tftp_ops ops = {c_send, c_data, c_done};

static void setup(void)
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

static void start(uint16_t blksize, uint16_t window, bool tsize, enum tftp_policy policy)
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
static void run(void)
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

static void expect_done(void)
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

static int nth_data[70000];
static uint64_t fault_block = 12;
static int acks_dropped;

static uint16_t data_block(bool to_client, const uint8_t *b)
{
	return to_client && get16(b) == TFTP_DATA ? get16(b + 2) : 0xffff;
}

/* Lose the first transmission of DATA fault_block. */
static enum fault lose_one_data(bool to_client, const uint8_t *b, size_t len)
{
	if (data_block(to_client, b) == (uint16_t)fault_block &&
	    nth_data[(uint16_t)fault_block]++ == 0)
		return DROP;
	return PASS;
}

/* Lose the first ACK 0 and the first ACK 16. */
/* Lose DATA fault_block twice: the retransmission after the gap ACK too. */
static enum fault lose_data_twice(bool to_client, const uint8_t *b, size_t len)
{
	(void)len;
	if (data_block(to_client, b) == (uint16_t)fault_block &&
	    nth_data[(uint16_t)fault_block]++ < 2)
		return DROP;
	return PASS;
}

static enum fault lose_acks(bool to_client, const uint8_t *b, size_t len)
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

static enum fault lose_ack5_data9(bool to_client, const uint8_t *b, size_t len)
{
	if (!to_client && get16(b) == TFTP_ACK && get16(b + 2) == 5 && !(acks_dropped & 1)) {
		acks_dropped |= 1;
		return DROP;
	}
	if (data_block(to_client, b) == 9 && nth_data[9]++ == 0)
		return DROP;
	return PASS;
}

static enum fault dup_data(bool to_client, const uint8_t *b, size_t len)
{
	return data_block(to_client, b) != 0xffff ? DUP : PASS;
}

static enum fault reorder_data(bool to_client, const uint8_t *b, size_t len)
{
	uint16_t blk = data_block(to_client, b);

	return blk != 0xffff && blk % 5 == 2 ? DELAY : PASS;
}

static enum fault lose_all_to_server(bool to_client, const uint8_t *b, size_t len)
{
	return to_client ? PASS : DROP;
}

static enum fault die_after_10(bool to_client, const uint8_t *b, size_t len)
{
	uint16_t blk = data_block(to_client, b);

	return blk != 0xffff && blk > 10 ? DROP : PASS;
}

static enum fault foreign_at_5(bool to_client, const uint8_t *b, size_t len)
{
	return data_block(to_client, b) == 5 && nth_data[5]++ == 0 ? FOREIGN : PASS;
}

static void reset_faults(void)
{
	memset(nth_data, 0, sizeof(nth_data));
	acks_dropped = 0;
	fault_block = 12;
}

/* ---- tests ---- */

START_TEST(test_rfc_plain)
{
	srv.mode = SRV_RFC;
	srv.size = 5000;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.rrqs, 1);
	ck_assert_uint_eq(cl.blksize, 512);
	ck_assert(!cl.ack_clocked); /* answered from a fresh port */
	ck_assert_uint_eq(cl.stats.acks, 10);
	ck_assert_uint_eq(cl.stats.dup_acks + cl.stats.timeout_acks, 0);
	ck_assert(srv.finished);
	ck_assert_uint_eq(tftp_tsize(&cl), 0);
}
END_TEST

START_TEST(test_exact_multiple)
{
	srv.mode = SRV_RFC;
	srv.size = 1024; /* the third block is empty */
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blocks, 3);
	ck_assert(srv.finished);
}
END_TEST

START_TEST(test_oack_blksize_tsize)
{
	srv.mode = SRV_RFC;
	srv.size = 100000;
	srv.max_blksize = 1428;
	start(1468, 0, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 1428);
	ck_assert_uint_eq(first_data_tsize, 100000);
	ck_assert_uint_eq(cl.blocks, 100000 / 1428 + 1);
}
END_TEST

START_TEST(test_server_ignores_options)
{
	srv.mode = SRV_RFC;
	srv.options = false;
	srv.size = 3000;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 512);
	ck_assert_uint_eq(cl.window, 1);
	ck_assert(!cl.tsize_known);
}
END_TEST

START_TEST(test_window_lost_data)
{
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 100 * 1024;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert(cl.window_nego);
	ck_assert_uint_eq(cl.window, 8);
	ck_assert(!cl.ack_clocked);
	ck_assert_uint_eq(cl.stats.gap_acks, 1);
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_eq(cl.stats.rx_ooo, 4); /* 13..16 of that window */
	/* one ACK per window plus the gap ACK and the final one */
	ck_assert_uint_le(cl.stats.acks, 202 / 8 + 4);
}
END_TEST

START_TEST(test_window_tail_loss)
{
	/* The last block of a window is lost: no gap is seen, and the idle
	 * ACK (not a whole timeout) restarts the window. */
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 50 * 1024;
	fault_block = 16;
	fault_fn = lose_one_data;
	start(512, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_eq(cl.stats.idle_acks, 1);
}
END_TEST

START_TEST(test_atftpd_window_gap)
{
	/* atftpd answers the gap ACK (11) with 12..16 only and waits for
	 * ACK 16; the client has counted 5 of its 8 blocks since that ACK.
	 * Found on a LAN with netem (tests/integration/test_lan.py): each
	 * such gap cost a 1 s timeout before the idle ACK. */
	reset_faults();
	srv.mode = SRV_ATFTPD;
	srv.size = 100 * 1024;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert(cl.window_nego);
	ck_assert_uint_eq(cl.stats.gap_acks, 1);
	ck_assert_uint_eq(cl.stats.idle_acks, 1);
	ck_assert_uint_eq(cl.stats.timeouts, 0);
}
END_TEST

START_TEST(test_atftpd_lost_retransmission)
{
	/* The block after the gap is lost again: the gap ACK is repeated
	 * after the idle time, not after a whole timeout. */
	reset_faults();
	srv.mode = SRV_ATFTPD;
	srv.size = 100 * 1024;
	fault_fn = lose_data_twice;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.timeouts, 0);
	ck_assert_uint_ge(cl.stats.idle_acks, 2);
}
END_TEST

START_TEST(test_window_lost_acks)
{
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 64 * 1024;
	fault_fn = lose_acks;
	start(512, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(acks_dropped, 3);
}
END_TEST

START_TEST(test_rfc_lost_ack_and_data)
{
	reset_faults();
	srv.mode = SRV_RFC;
	srv.size = 20 * 512 + 17;
	fault_fn = lose_ack5_data9;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(acks_dropped, 1);
	ck_assert_int_eq(nth_data[9], 2);
}
END_TEST

START_TEST(test_duplicated_data)
{
	/* The network copies every DATA: copies arrive within the holdoff,
	 * so none is answered. */
	srv.mode = SRV_WINDOW;
	srv.size = 40000;
	fault_fn = dup_data;
	start(512, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.dup_acks, 0);
	ck_assert_uint_gt(cl.stats.rx_dup, 70);

	setup();
	srv.mode = SRV_RFC;
	srv.size = 40000;
	fault_fn = dup_data;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.dup_acks, 0);
}
END_TEST

START_TEST(test_reordered_data)
{
	srv.mode = SRV_WINDOW;
	srv.size = 80000;
	fault_fn = reorder_data;
	start(1024, 8, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_gt(cl.stats.rx_ooo, 0);
}
END_TEST

START_TEST(test_slirp)
{
	srv.mode = SRV_SLIRP;
	srv.size = 1 << 20;
	srv.max_blksize = 1428;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blksize, 1428);
	ck_assert_uint_eq(cl.window, 1);
	ck_assert(!cl.window_nego);
	ck_assert(cl.ack_clocked);
	ck_assert_uint_eq(cl.server_tid, TFTP_PORT);
	ck_assert_int_eq(srv.skips, 0);
	ck_assert_uint_eq(first_data_tsize, 1 << 20);
}
END_TEST

START_TEST(test_slirp_duplicates)
{
	srv.mode = SRV_SLIRP;
	srv.size = 200000;
	fault_fn = dup_data;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.skips, 0);
}
END_TEST

START_TEST(test_slirp_lost_data)
{
	/* A lost DATA cannot be recovered from slirp; the client must fail
	 * cleanly, without ever sending the ACK that would skip a block. */
	reset_faults();
	srv.mode = SRV_SLIRP;
	srv.size = 100000;
	fault_block = 20;
	fault_fn = lose_one_data;
	start(512, 8, true, TFTP_POLICY_AUTO);
	uint64_t t0 = now;
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_int_eq(done_err, -ETIMEDOUT);
	ck_assert_int_eq(srv.skips, 0);
	ck_assert_uint_eq(cl.stats.timeout_acks, 0);
	ck_assert_uint_eq(delivered, 19 * 512);
	ck_assert_uint_lt(now - t0, 7000); /* 6 timeouts of 1 s */
	ck_assert_int_eq(srv.last_error, TFTP_EUNDEF);
}
END_TEST

START_TEST(test_slirp_rfc_policy_skips)
{
	/* What the quirk does to a client that re-ACKs on timeout. */
	reset_faults();
	srv.mode = SRV_SLIRP;
	srv.size = 100000;
	fault_block = 20;
	fault_fn = lose_one_data;
	start(512, 0, false, TFTP_POLICY_RFC);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_gt(srv.skips, 0);
	ck_assert_uint_eq(delivered, 19 * 512);
}
END_TEST

START_TEST(test_error_packet)
{
	srv.mode = SRV_RFC;
	srv.error_code = TFTP_ENOTFOUND;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ENOENT);
	ck_assert_int_eq(done_err, -ENOENT);
	ck_assert(cl.err_remote);
	ck_assert_uint_eq(cl.err_code, TFTP_ENOTFOUND);
	ck_assert_str_eq(cl.err_msg, "File not found");
	ck_assert_int_eq(srv.errors_rx, 0); /* an ERROR is never answered */
	ck_assert_int_eq(tftp_error_errno(TFTP_EACCESS), -EACCES);
	ck_assert_int_eq(tftp_error_errno(99), -EIO);
}
END_TEST

START_TEST(test_options_refused_retry)
{
	srv.mode = SRV_RFC;
	srv.refuse_options = true;
	srv.size = 2000;
	start(1468, 8, true, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_int_eq(srv.rrqs, 2);
	ck_assert_uint_eq(cl.blksize, 512);
}
END_TEST

START_TEST(test_bad_oack)
{
	srv.mode = SRV_RFC;
	srv.size = 2000;
	srv.bad_oack_blksize = 1469; /* more than asked */
	start(1468, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -EBADMSG);
	ck_assert_int_eq(srv.errors_rx, 1);
	ck_assert_uint_eq(srv.last_error, TFTP_EOPTNEG);
	ck_assert_uint_eq(srv.error_port, RFC_TID);
}
END_TEST

START_TEST(test_wraparound_lockstep)
{
	/* Over 32 MiB at 512 bytes: block numbers pass 65535 and wrap to 0. */
	srv.mode = SRV_RFC;
	srv.size = 65536ull * 512 + 70000;
	sparse = true;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.blocks, srv.size / 512 + 1);
}
END_TEST

START_TEST(test_wraparound_window_loss)
{
	/* Windowed, with a DATA lost right at the wrap (block 65536 is 0). */
	reset_faults();
	srv.mode = SRV_WINDOW;
	srv.size = 65600ull * 512 + 100;
	sparse = true;
	fault_block = 0;
	fault_fn = lose_one_data;
	start(512, 16, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(nth_data[0], 2);
}
END_TEST

START_TEST(test_retry_limit)
{
	srv.mode = SRV_RFC;
	fault_fn = lose_all_to_server;
	start(0, 0, false, TFTP_POLICY_AUTO);
	uint64_t t0 = now;
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_uint_eq(cl.stats.rrqs, 6); /* the first and 5 retries */
	ck_assert_uint_eq(now - t0, 6000);
	ck_assert_int_eq(done_calls, 1);
}
END_TEST

START_TEST(test_server_dies)
{
	srv.mode = SRV_RFC;
	srv.size = 100000;
	fault_fn = die_after_10;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ETIMEDOUT);
	ck_assert_uint_eq(delivered, 10 * 512);
	ck_assert_uint_eq(cl.stats.timeout_acks, 5);
	ck_assert_int_eq(srv.errors_rx, 1);
}
END_TEST

START_TEST(test_foreign_tid)
{
	reset_faults();
	srv.mode = SRV_RFC;
	srv.size = 10000;
	fault_fn = foreign_at_5;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	expect_done();
	ck_assert_uint_eq(cl.stats.rx_foreign, 1);
	ck_assert_int_eq(srv.errors_rx, 1);
	ck_assert_uint_eq(srv.last_error, TFTP_EBADID);
	ck_assert_uint_eq(srv.error_port, RFC_TID + 1);
}
END_TEST

START_TEST(test_data_callback_error)
{
	srv.mode = SRV_RFC;
	srv.size = 10000;
	data_fail_at = 2048;
	start(0, 0, false, TFTP_POLICY_AUTO);
	run();
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(cl.error, -ENOSPC);
	ck_assert_uint_eq(srv.last_error, TFTP_ENOSPACE);
	ck_assert_uint_eq(delivered, 2048);
}
END_TEST

START_TEST(test_abort_and_garbage)
{
	uint8_t junk[3] = {0, 3, 0};
	uint8_t ack[4] = {0, 4, 0, 1};

	srv.mode = SRV_RFC;
	srv.size = 100000;
	start(0, 0, false, TFTP_POLICY_AUTO);
	ck_assert_int_eq(tftp_input(&cl, junk, 3, SERVER, RFC_TID, now), -EBADMSG);
	ck_assert_int_eq(tftp_input(&cl, ack, 4, 0x01020304, RFC_TID, now), -ENOENT);
	ck_assert_int_eq(tftp_input(&cl, ack, 4, SERVER, RFC_TID, now), -EBADMSG);
	ck_assert_int_eq(cl.state, TFTP_RRQ_SENT);
	/* deliver the first DATA, then give up */
	while (cl.blocks == 0 && nq) {
		now = queue[0].at;
		struct pkt p = queue[0];
		queue[0] = queue[--nq];
		if (p.to_client)
			tftp_input(&cl, p.b, p.len, SERVER, p.sport, now);
		else
			srv_input(p.b, p.len, p.sport);
	}
	tftp_abort(&cl, -EINTR, "interrupted");
	ck_assert_int_eq(cl.state, TFTP_FAILED);
	ck_assert_int_eq(done_err, -EINTR);
	tftp_abort(&cl, -EINTR, "again"); /* no second callback */
	ck_assert_int_eq(done_calls, 1);
	ck_assert_str_eq(tftp_state_name(cl.state), "failed");

	struct tftp_config cfg = {.server_ip = SERVER};
	tftp_init(&cl, &cfg, &ops, NULL);
	ck_assert_int_eq(tftp_start(&cl, now), -EINVAL); /* no file name */
}
END_TEST

static Suite *tftp_suite(void)
{
	Suite *s = suite_create("tftp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_rfc_plain);
	tcase_add_test(tc, test_exact_multiple);
	tcase_add_test(tc, test_oack_blksize_tsize);
	tcase_add_test(tc, test_server_ignores_options);
	tcase_add_test(tc, test_window_lost_data);
	tcase_add_test(tc, test_atftpd_window_gap);
	tcase_add_test(tc, test_atftpd_lost_retransmission);
	tcase_add_test(tc, test_window_tail_loss);
	tcase_add_test(tc, test_window_lost_acks);
	tcase_add_test(tc, test_rfc_lost_ack_and_data);
	tcase_add_test(tc, test_duplicated_data);
	tcase_add_test(tc, test_reordered_data);
	tcase_add_test(tc, test_slirp);
	tcase_add_test(tc, test_slirp_duplicates);
	tcase_add_test(tc, test_slirp_lost_data);
	tcase_add_test(tc, test_slirp_rfc_policy_skips);
	tcase_add_test(tc, test_error_packet);
	tcase_add_test(tc, test_options_refused_retry);
	tcase_add_test(tc, test_bad_oack);
	tcase_add_test(tc, test_wraparound_lockstep);
	tcase_add_test(tc, test_wraparound_window_loss);
	tcase_add_test(tc, test_retry_limit);
	tcase_add_test(tc, test_server_dies);
	tcase_add_test(tc, test_foreign_tid);
	tcase_add_test(tc, test_data_callback_error);
	tcase_add_test(tc, test_abort_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tftp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
