/*
 * Test harness for the TCP engine (net/tcp.h), shared by test_tcp.c
 * (scripted single-engine tests) and test_tcp_sim.c (two engines over a
 * simulated link):
 *  - a capturing stack whose ip_output keeps every segment it emits, and
 *    helpers to build and inject hand-made segments;
 *  - a simulated link between two stacks with a deterministic clock, delay,
 *    jitter (reordering), loss, duplication, a rate and a drop-tail queue.
 */
#ifndef TESTS_UNIT_TCP_HARNESS_H
#define TESTS_UNIT_TCP_HARNESS_H

#include <ksvc.h>
#include "net/tcp.h"
#include "net/tcp_internal.h"

#define TH_IP_A 0x0a000001u /* 10.0.0.1 */
#define TH_IP_B 0x0a000002u /* 10.0.0.2 */

/* A user-side socket: the events the engine reported. */
struct th_sock {
	struct tcp_pcb *pcb;
	unsigned events;   /* OR of every TCP_EV_* seen */
	unsigned n_events; /* callback count */
};

/* ---- capture (single engine) ---- */

#define TH_CAP_MAX 256

struct th_cap_seg {
	struct tcp_seg s; /* parsed; s.data points into buf */
	uint8_t buf[TCP_HDR_MAX_LEN + 9000];
	size_t raw_len;
};

struct th_cap {
	struct tcp_stack *st;
	struct th_cap_seg segs[TH_CAP_MAX];
	unsigned n;   /* segments captured since the last th_cap_clear */
	uint64_t now; /* ms */
	unsigned mtu; /* route MTU answered */
	uint64_t rng;
};

struct tcp_stack *th_cap_init(struct th_cap *c, const struct tcp_config *cfg);
void th_cap_clear(struct th_cap *c);
/* The i-th captured segment (panics on a bad checksum). */
const struct tcp_seg *th_cap_get(struct th_cap *c, unsigned i);
const struct tcp_seg *th_cap_last(struct th_cap *c);

struct th_opts {
	bool mss, ws, ts;
	uint16_t mss_val;
	uint8_t ws_val;
	uint32_t ts_val, ts_ecr;
};

/* Build a segment from peer (ip, port) to local (ip, port) and feed it. */
void th_inject(struct th_cap *c, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	       uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const struct th_opts *o,
	       const void *data, size_t len);
size_t th_build(uint8_t *out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const struct th_opts *o,
		const void *data, size_t len);
void th_advance(struct th_cap *c, uint64_t ms); /* time passes, tcp_poll */

void th_event_cb(void *ctx, struct tcp_pcb *pcb, void *user, unsigned ev);
void th_random(void *ctx, void *buf, size_t len);

/* ---- simulated link (two engines) ---- */

struct th_pkt {
	uint64_t at_us;
	uint32_t src, dst;
	size_t len;
	struct th_pkt *next;
	uint8_t data[];
};

struct th_link {
	struct th_pkt *q; /* sorted by at_us */
	uint64_t busy_until_us;
	/* Parameters. */
	uint32_t delay_us, jitter_us; /* jitter: uniform extra delay, reorders */
	uint32_t loss_ppm, dup_ppm;
	uint64_t rate_bps; /* 0: infinite */
	unsigned qlimit;   /* packets waiting for the wire; 0: unlimited */
	/* Counters. */
	uint64_t sent, lost, dups, qdrops, bytes;
};

struct th_sim;
/* Return true to drop this packet (deterministic loss in tests). */
typedef bool (*th_filter_fn)(struct th_sim *sim, int from, const struct tcp_seg *seg, void *arg);

struct th_sim {
	uint64_t now_us;
	uint64_t rng;
	struct tcp_stack *st[2];
	uint32_t ip[2];
	struct th_link link[2]; /* link[i] carries what node i sends */
	th_filter_fn filter;
	void *filter_arg;
	unsigned mtu;
	/* Called after every step (the applications). */
	void (*app)(struct th_sim *sim, void *arg);
	void *app_arg;
	uint64_t steps;
};

void th_sim_init(struct th_sim *sim, const struct tcp_config *cfg, uint64_t seed);
void th_sim_destroy(struct th_sim *sim);
/* Run until done(arg) or until `limit_us` of simulated time; returns done's
 * last answer. */
bool th_sim_run(struct th_sim *sim, bool (*done)(struct th_sim *, void *), void *arg,
		uint64_t limit_us);
uint64_t th_rand(uint64_t *state);

#endif
