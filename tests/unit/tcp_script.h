/*
 * The scripted TCP tests' shared fixture (tests/unit/tcp_script.c): one
 * engine at 10.0.0.1 on the capture harness (tcp_harness.h) and a pretend
 * peer at 10.0.0.2 whose segments the tests build by hand. test_tcp.c and
 * test_tcp_data.c use it.
 */
#ifndef TESTS_UNIT_TCP_SCRIPT_H
#define TESTS_UNIT_TCP_SCRIPT_H

#include <check.h>
#include "tcp_harness.h"

#define LIP   TH_IP_A
#define RIP   TH_IP_B
#define LPORT 80
#define RPORT 40000

extern struct th_cap *C;
extern struct tcp_config cfg;

/* The pretend peer. */
struct peer {
	uint16_t port, lport;
	uint32_t nxt;	/* next sequence number it sends */
	uint32_t ack;	/* what it acknowledges */
	uint16_t win;	/* raw window field */
	bool ts;	/* send timestamps */
	uint32_t tsval; /* its clock */
	uint32_t tsecr; /* last TSval seen from the engine */
};

void setup(void); /* checked fixture: a fresh capture and default config */
void teardown(void);
void start(void); /* the engine, after a test changed cfg */
void peer_send(struct peer *p, uint8_t flags, const void *data, size_t len);
/* Take in what the engine's last segment says (its seq space and TSval). */
const struct tcp_seg *peer_see(struct peer *p);
struct tcp_pcb *listen_on(uint16_t port, int backlog, struct th_sock *ls);
/* Full passive handshake (timestamps if ts); returns the accepted pcb. */
struct tcp_pcb *passive_open(struct peer *p, struct th_sock *s, bool ts);

#endif
