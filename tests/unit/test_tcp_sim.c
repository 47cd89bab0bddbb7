/*
 * Two TCP engines (net/tcp.h) talking over a simulated link
 * (tcp_harness.c) with a deterministic clock, delay, reordering, loss and
 * duplication: handshakes with lost SYNs, simultaneous open and close,
 * NewReno recovery from several losses in one window, window scaling on a
 * long fat link, many concurrent connections, and the bulk test: 64 MiB
 * through 5% loss, reordering and duplication, verified byte for byte, in a
 * bounded simulated time. Figures are printed for docs/tcp.md.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "host_svc.h"
#include "tcp_harness.h"

#define SPORT 5001

static struct tcp_config cfg;

static void setup(void)
{
	tcp_config_default(&cfg);
}

/* The byte at offset i of a test stream (cheap, not periodic). */
static inline uint8_t stream_byte(uint64_t i, uint32_t salt)
{
	uint32_t x = (uint32_t)i ^ (uint32_t)(i >> 19) ^ salt;

	x *= 0x9E3779B1u;
	return (uint8_t)(x >> 24);
}

/* One connection: node 0 sends `total` bytes to node 1, which checks them. */
struct flow {
	struct th_sock cs, ss;
	uint64_t total, sent, rcvd;
	uint32_t salt;
	bool shut, eof, bad;
	uint32_t max_flight;
	uint64_t t_start_us, t_done_us;
};

struct bulk {
	struct tcp_pcb *listener;
	struct th_sock ls;
	struct flow *flows;
	unsigned nflows, accepted, done;
};

static uint8_t iobuf[256 * 1024];

static void flow_pump(struct th_sim *sim, struct flow *f)
{
	struct tcp_pcb *c = f->cs.pcb, *s = f->ss.pcb;

	if (c && tcp_get_state(c) >= TCP_ESTABLISHED) {
		uint32_t fl = c->snd_max - c->snd_una;

		if (fl > f->max_flight)
			f->max_flight = fl;
		while (f->sent < f->total) {
			uint32_t room = tcp_send_space(c);
			uint64_t n = f->total - f->sent;
			long k;

			if (room == 0)
				break;
			if (n > room)
				n = room;
			if (n > sizeof(iobuf))
				n = sizeof(iobuf);
			for (uint64_t j = 0; j < n; j++)
				iobuf[j] = stream_byte(f->sent + j, f->salt);
			k = tcp_send(c, iobuf, n);
			ck_assert_int_gt(k, 0);
			f->sent += (uint64_t)k;
		}
		if (f->sent == f->total && !f->shut) {
			ck_assert_int_eq(tcp_shutdown_write(c), 0);
			f->shut = true;
		}
	}
	while (s && !f->eof) {
		long n = tcp_recv(s, iobuf, sizeof(iobuf), false);

		if (n == -EAGAIN)
			break;
		ck_assert_int_ge(n, 0);
		if (n == 0) {
			f->eof = true;
			f->t_done_us = sim->now_us;
			break;
		}
		for (long j = 0; j < n; j++) {
			if (iobuf[j] != stream_byte(f->rcvd + (uint64_t)j, f->salt))
				f->bad = true;
		}
		f->rcvd += (uint64_t)n;
	}
}

static void bulk_app(struct th_sim *sim, void *arg)
{
	struct bulk *b = arg;
	struct tcp_pcb *p;

	while (b->accepted < b->nflows &&
	       (p = tcp_accept_next(b->listener, &b->flows[b->accepted].ss))) {
		/* Connections are accepted in the order they complete; match
		 * them to flows by the client's port. */
		for (unsigned i = 0; i < b->nflows; i++) {
			struct flow *f = &b->flows[i];

			if (!f->ss.pcb && f->cs.pcb && f->cs.pcb->lport == p->rport) {
				f->ss.pcb = p;
				tcp_set_user(p, &f->ss);
				break;
			}
		}
		b->accepted++;
	}
	for (unsigned i = 0; i < b->nflows; i++)
		flow_pump(sim, &b->flows[i]);
	for (unsigned i = 0; i < 2; i++)
		tcp_check_invariants(sim->st[i]);
}

static bool bulk_done(struct th_sim *sim, void *arg)
{
	struct bulk *b = arg;

	for (unsigned i = 0; i < b->nflows; i++) {
		if (!b->flows[i].eof)
			return false;
	}
	return true;
}

/* Start nflows connections from node 0 to a listener on node 1. */
static void bulk_start(struct th_sim *sim, struct bulk *b, unsigned nflows, uint64_t bytes)
{
	memset(b, 0, sizeof(*b));
	b->flows = calloc(nflows, sizeof(*b->flows));
	b->nflows = nflows;
	b->listener = tcp_pcb_new(sim->st[1], &b->ls);
	ck_assert_int_eq(tcp_bind(b->listener, 0, SPORT), 0);
	ck_assert_int_eq(tcp_listen(b->listener, 128), 0);
	for (unsigned i = 0; i < nflows; i++) {
		struct flow *f = &b->flows[i];

		f->total = bytes;
		f->salt = i * 7919u;
		f->t_start_us = sim->now_us;
		f->cs.pcb = tcp_pcb_new(sim->st[0], &f->cs);
		ck_assert_int_eq(tcp_open_active(f->cs.pcb, TH_IP_A, TH_IP_B, SPORT), 0);
	}
	sim->app = bulk_app;
	sim->app_arg = b;
}

static void bulk_check(struct bulk *b)
{
	for (unsigned i = 0; i < b->nflows; i++) {
		struct flow *f = &b->flows[i];

		ck_assert_msg(f->eof, "flow %u: no EOF (%llu of %llu bytes)", i,
			      (unsigned long long)f->rcvd, (unsigned long long)f->total);
		ck_assert(!f->bad);
		ck_assert_uint_eq(f->rcvd, f->total);
	}
}

static void bulk_end(struct th_sim *sim, struct bulk *b)
{
	free(b->flows);
	th_sim_destroy(sim);
}

static double wall_ms(struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(test_sim_clean_transfer)
{
	struct th_sim sim;
	struct bulk b;

	th_sim_init(&sim, &cfg, 1);
	bulk_start(&sim, &b, 1, 4 << 20);
	ck_assert(th_sim_run(&sim, bulk_done, &b, 60ULL * 1000000));
	bulk_check(&b);
	ck_assert_uint_eq(tcp_stack_stats(sim.st[0])->retransmits, 0);
	/* Both sides close cleanly: the client ends in TIME_WAIT after the
	 * server closes too. */
	tcp_close(b.flows[0].ss.pcb);
	th_sim_run(&sim, NULL, NULL, 1000000);
	ck_assert_int_eq(tcp_get_state(b.flows[0].cs.pcb), TCP_TIME_WAIT);
	th_sim_run(&sim, NULL, NULL, 61ULL * 1000000);
	ck_assert_int_eq(tcp_get_state(b.flows[0].cs.pcb), TCP_CLOSED);
	tcp_close(b.flows[0].cs.pcb);
	ck_assert_ptr_null(sim.st[1]->pcbs->next);
	bulk_end(&sim, &b);
}
END_TEST

static bool drop_handshake(struct th_sim *sim, int from, const struct tcp_seg *seg, void *arg)
{
	unsigned *n = arg;

	/* The first SYN and the first two SYN-ACKs are lost. */
	if ((seg->flags & TCP_F_SYN) && *n < 3) {
		(*n)++;
		return true;
	}
	return false;
}

START_TEST(test_sim_handshake_loss)
{
	struct th_sim sim;
	struct bulk b;
	unsigned n = 0;

	th_sim_init(&sim, &cfg, 2);
	sim.filter = drop_handshake;
	sim.filter_arg = &n;
	bulk_start(&sim, &b, 1, 100000);
	ck_assert(th_sim_run(&sim, bulk_done, &b, 30ULL * 1000000));
	bulk_check(&b);
	ck_assert_uint_eq(n, 3);
	/* SYN again at 1 s, SYN-ACKs lost at 1 s and 2 s (server RTO):
	 * established after about 3 s. */
	ck_assert_uint_ge(b.flows[0].t_done_us - b.flows[0].t_start_us, 2900000);
	bulk_end(&sim, &b);
}
END_TEST

static bool both_state(struct th_sim *sim, void *arg)
{
	struct th_sock *s = arg;

	return tcp_get_state(s[0].pcb) == tcp_get_state(s[1].pcb) &&
	       tcp_get_state(s[0].pcb) == (enum tcp_state)s[2].events;
}

START_TEST(test_sim_simultaneous_open_close)
{
	struct th_sim sim;
	struct th_sock s[3] = {0};
	char buf[16];

	th_sim_init(&sim, &cfg, 3);
	for (int i = 0; i < 2; i++) {
		s[i].pcb = tcp_pcb_new(sim.st[i], &s[i]);
		ck_assert_int_eq(tcp_bind(s[i].pcb, sim.ip[i], (uint16_t)(7000 + i)), 0);
	}
	ck_assert_int_eq(tcp_open_active(s[0].pcb, 0, TH_IP_B, 7001), 0);
	ck_assert_int_eq(tcp_open_active(s[1].pcb, 0, TH_IP_A, 7000), 0);
	s[2].events = TCP_ESTABLISHED;
	ck_assert(th_sim_run(&sim, both_state, s, 10000000));
	ck_assert(s[0].events & TCP_EV_CONNECTED);
	ck_assert(s[1].events & TCP_EV_CONNECTED);
	ck_assert_int_eq(tcp_send(s[0].pcb, "ping", 4), 4);
	ck_assert_int_eq(tcp_send(s[1].pcb, "pong", 4), 4);
	th_sim_run(&sim, NULL, NULL, 100000);
	ck_assert_int_eq(tcp_recv(s[1].pcb, buf, sizeof(buf), false), 4);
	ck_assert_mem_eq(buf, "ping", 4);
	ck_assert_int_eq(tcp_recv(s[0].pcb, buf, sizeof(buf), false), 4);
	ck_assert_mem_eq(buf, "pong", 4);
	/* Both close at once: FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both. */
	tcp_shutdown_write(s[0].pcb);
	tcp_shutdown_write(s[1].pcb);
	s[2].events = TCP_TIME_WAIT;
	ck_assert(th_sim_run(&sim, both_state, s, 10000000));
	ck_assert_uint_eq(sim.st[0]->time_wait_count, 1);
	tcp_close(s[0].pcb);
	tcp_close(s[1].pcb);
	th_sim_destroy(&sim);
}
END_TEST

struct newreno_drop {
	uint32_t iss;
	uint32_t seqs[3];
	bool dropped[3];
};

static bool drop_three(struct th_sim *sim, int from, const struct tcp_seg *seg, void *arg)
{
	struct newreno_drop *d = arg;

	if (from != 0 || !seg->len)
		return false;
	for (int i = 0; i < 3; i++) {
		if (!d->dropped[i] && seg->seq == d->iss + 1 + d->seqs[i]) {
			d->dropped[i] = true;
			return true;
		}
	}
	return false;
}

START_TEST(test_sim_newreno_multiple_losses)
{
	struct th_sim sim;
	struct bulk b;
	struct newreno_drop d = {0};
	const struct tcp_stats *st;
	uint32_t mss = 1448;

	th_sim_init(&sim, &cfg, 4);
	sim.link[0].delay_us = sim.link[1].delay_us = 10000;
	bulk_start(&sim, &b, 1, 2 << 20);
	/* Three segments of one window, well into the transfer. */
	d.iss = b.flows[0].cs.pcb->iss;
	d.seqs[0] = 200 * mss;
	d.seqs[1] = 205 * mss;
	d.seqs[2] = 212 * mss;
	sim.filter = drop_three;
	sim.filter_arg = &d;
	ck_assert(th_sim_run(&sim, bulk_done, &b, 60ULL * 1000000));
	bulk_check(&b);
	st = tcp_stack_stats(sim.st[0]);
	ck_assert(d.dropped[0] && d.dropped[1] && d.dropped[2]);
	ck_assert_uint_eq(st->fast_retransmits, 1);
	ck_assert_uint_ge(st->partial_acks, 2);
	ck_assert_uint_eq(st->rto_fired, 0); /* NewReno, not a timeout */
	ck_assert_uint_eq(st->retransmits, 3);
	bulk_end(&sim, &b);
}
END_TEST

START_TEST(test_sim_window_scaling)
{
	struct th_sim sim;
	struct bulk b;
	struct timespec t0;
	double secs;

	cfg.sndbuf = cfg.rcvbuf = 4 << 20;
	th_sim_init(&sim, &cfg, 5);
	/* 1 Gbit/s, 50 ms RTT: the bandwidth-delay product is 6 MB. */
	for (int i = 0; i < 2; i++) {
		sim.link[i].delay_us = 25000;
		sim.link[i].rate_bps = 1000000000;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bulk_start(&sim, &b, 1, 32 << 20);
	ck_assert(th_sim_run(&sim, bulk_done, &b, 60ULL * 1000000));
	bulk_check(&b);
	ck_assert_uint_eq(b.flows[0].cs.pcb->rcv_wscale, 7);
	ck_assert_uint_eq(b.flows[0].cs.pcb->snd_wscale, 7);
	ck_assert_uint_gt(b.flows[0].max_flight, 1 << 20);
	secs = (double)(b.flows[0].t_done_us - b.flows[0].t_start_us) / 1e6;
	printf("tcp sim: window scaling, 32 MiB, 4 MiB buffers, 1 Gbit/s, 50 ms RTT: "
	       "%.2f s simulated, %.1f MB/s, max flight %u bytes, wall %.0f ms\n",
	       secs, 32.0 * 1048576 / secs / 1e6, b.flows[0].max_flight, wall_ms(&t0));
	bulk_end(&sim, &b);
}
END_TEST

START_TEST(test_sim_many_connections)
{
	struct th_sim sim;
	struct bulk b;

	th_sim_init(&sim, &cfg, 6);
	for (int i = 0; i < 2; i++) {
		sim.link[i].loss_ppm = 20000;
		sim.link[i].jitter_us = 300;
		sim.link[i].rate_bps = 100000000;
	}
	bulk_start(&sim, &b, 50, 256 * 1024);
	ck_assert(th_sim_run(&sim, bulk_done, &b, 120ULL * 1000000));
	bulk_check(&b);
	ck_assert_uint_eq(b.accepted, 50);
	bulk_end(&sim, &b);
}
END_TEST

START_TEST(test_sim_bulk_64mib_lossy)
{
	struct th_sim sim;
	struct bulk b;
	struct timespec t0;
	const struct tcp_stats *st;
	double secs;
	const uint64_t total = 64ULL << 20;

	th_sim_init(&sim, &cfg, 7);
	for (int i = 0; i < 2; i++) {
		sim.link[i].delay_us = 1000;
		sim.link[i].jitter_us = 400;  /* reorders back-to-back segments */
		sim.link[i].loss_ppm = 50000; /* 5% */
		sim.link[i].dup_ppm = 10000;  /* 1% */
		sim.link[i].rate_bps = 100000000;
		sim.link[i].qlimit = 100;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bulk_start(&sim, &b, 1, total);
	ck_assert(th_sim_run(&sim, bulk_done, &b, 300ULL * 1000000));
	bulk_check(&b);
	secs = (double)(b.flows[0].t_done_us - b.flows[0].t_start_us) / 1e6;
	st = tcp_stack_stats(sim.st[0]);
	printf("tcp sim: 64 MiB over 100 Mbit/s, 2 ms RTT, 5%% loss, 1%% dup, reordering: "
	       "%.1f s simulated (%.2f MB/s), wall %.0f ms; lost %llu+%llu, dups %llu, "
	       "retransmits %llu, fast %llu, partial %llu, rto %llu\n",
	       secs, (double)total / secs / 1e6, wall_ms(&t0), (unsigned long long)sim.link[0].lost,
	       (unsigned long long)sim.link[1].lost,
	       (unsigned long long)(sim.link[0].dups + sim.link[1].dups),
	       (unsigned long long)st->retransmits, (unsigned long long)st->fast_retransmits,
	       (unsigned long long)st->partial_acks, (unsigned long long)st->rto_fired);
	fflush(stdout);
	ck_assert(secs < 120.0);
	ck_assert_uint_gt(sim.link[0].lost, 1000);
	bulk_end(&sim, &b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_sim");
	TCase *tc = tcase_create("sim");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sim_clean_transfer);
	tcase_add_test(tc, test_sim_handshake_loss);
	tcase_add_test(tc, test_sim_simultaneous_open_close);
	tcase_add_test(tc, test_sim_newreno_multiple_losses);
	tcase_add_test(tc, test_sim_window_scaling);
	tcase_add_test(tc, test_sim_many_connections);
	tcase_add_test(tc, test_sim_bulk_64mib_lossy);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
