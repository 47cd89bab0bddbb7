/*
 * The TFTP engine tests' shared fixture (tests/unit/tftp_script.c): a
 * scripted server on a simulated network with a fake clock, the client's
 * environment, and per-packet fault scripts. The server plays a strict
 * RFC 1350 server, an RFC 7440 windowed server (and atftpd 0.8's variant)
 * and QEMU's slirp. test_tftp.c and test_tftp_edge.c use it.
 */
#ifndef TESTS_UNIT_TFTP_SCRIPT_H
#define TESTS_UNIT_TFTP_SCRIPT_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include "net/tftp.h"

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

extern struct server srv;
extern struct tftp_client cl;
extern struct pkt queue[4096];
extern int nq;
extern uint64_t now, delivered, first_data_tsize;
extern int data_fail_at;
extern bool sparse; /* big transfers: check block ends only */
extern enum fault (*fault_fn)(bool to_client, const uint8_t *b, size_t len);
extern int done_calls, done_err;
extern const struct tftp_ops ops;
/* Fault scripts' knobs and counters. */
extern int nth_data[70000];
extern uint64_t fault_block;
extern int acks_dropped;

enum fault die_after_10(bool to_client, const uint8_t *b, size_t len);
enum fault dup_data(bool to_client, const uint8_t *b, size_t len);
void expect_done(void);
enum fault foreign_at_5(bool to_client, const uint8_t *b, size_t len);
enum fault lose_ack5_data9(bool to_client, const uint8_t *b, size_t len);
enum fault lose_acks(bool to_client, const uint8_t *b, size_t len);
enum fault lose_all_to_server(bool to_client, const uint8_t *b, size_t len);
enum fault lose_data_twice(bool to_client, const uint8_t *b, size_t len);
enum fault lose_one_data(bool to_client, const uint8_t *b, size_t len);
enum fault reorder_data(bool to_client, const uint8_t *b, size_t len);
void reset_faults(void);
void run(void);
void setup(void);
void srv_input(const uint8_t *p, size_t len, uint16_t dport);
void start(uint16_t blksize, uint16_t window, bool tsize, enum tftp_policy policy);

#endif
