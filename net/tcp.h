/*
 * The TCP engine (net/tcp_pcb.c, tcp_in.c, tcp_out.c, tcp_timer.c): RFC 9293
 * with RFC 7323 (window scaling, timestamps, PAWS), RFC 6298 (RTO), RFC 5681
 * and RFC 6582 (congestion control, NewReno), RFC 5961 (blind-attack
 * defences) and RFC 6528 (ISNs). It is pure logic: it includes only <ksvc.h>
 * and builds unchanged into the kernel and into host tests.
 *
 * The boundary (docs/tcp.md):
 *  - segments come in through tcp_input() with the IPv4 source and
 *    destination (host byte order) and the TCP segment (header + data);
 *  - segments go out through ops->ip_output(ctx, src, dst, IPPROTO_TCP,
 *    seg, len); the engine builds the whole TCP segment, checksum included;
 *  - time is only what the caller passes in (now_ms, monotonic
 *    milliseconds) to tcp_input, tcp_poll and tcp_set_time; the caller runs
 *    tcp_poll() when tcp_next_deadline() passes;
 *  - randomness comes from ops->random; the route MTU from ops->route_mtu;
 *  - the socket layer hears about state changes through ops->event.
 *
 * Lock legend: the engine has no locks of its own. The caller serializes
 * every call on one stack (and on all its pcbs) with one lock, which is
 * held while ops callbacks run. Callbacks must not call back into the
 * engine; they only record readiness and wake sleepers.
 *
 * Ownership: a pcb returned by tcp_pcb_new or tcp_accept_next belongs to
 * the caller until it calls tcp_close or tcp_abort, after which the engine
 * owns it (finishing the close handshake, TIME_WAIT) and frees it itself.
 * A caller-owned pcb is never freed by the engine, even after a reset: it
 * goes to TCP_CLOSED with an error that tcp_recv/tcp_send/tcp_take_error
 * report.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <ksvc.h>

struct tcp_stack;
struct tcp_pcb;

enum tcp_state {
	TCP_CLOSED = 0,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
	TCP_NSTATES
};

/* Event bits passed to ops->event. */
#define TCP_EV_CONNECTED 0x01 /* handshake done (active or accepted) */
#define TCP_EV_READABLE	 0x02 /* data or the peer's FIN can be read */
#define TCP_EV_WRITABLE	 0x04 /* send buffer space was freed */
#define TCP_EV_ERROR	 0x08 /* connection failed: see tcp_take_error */
#define TCP_EV_ACCEPT	 0x10 /* on a listener: a connection is ready to accept */
#define TCP_EV_CLOSED	 0x20 /* connection reached CLOSED without an error */

/* Readiness bits returned by tcp_poll_events (the socket's poll mask). */
#define TCP_POLL_IN    0x01 /* data, EOF, error, or a pending accept */
#define TCP_POLL_OUT   0x04 /* send space (or the connection failed) */
#define TCP_POLL_ERR   0x08
#define TCP_POLL_HUP   0x10   /* both directions closed */
#define TCP_POLL_RDHUP 0x2000 /* the peer sent FIN */

struct tcp_stack_ops {
	/* Send a whole TCP segment; the return value is ignored (lost
	 * segments are what TCP is for). Required. */
	int (*ip_output)(void *ctx, uint32_t src, uint32_t dst, uint8_t proto, const void *buf,
			 size_t len);
	/* Fill buf with unpredictable bytes. Required. */
	void (*random)(void *ctx, void *buf, size_t len);
	/* The MTU of the route to dst, or 0 for unknown (576 is assumed).
	 * Optional: without it 1500 is used. */
	unsigned (*route_mtu)(void *ctx, uint32_t dst);
	/* pcb's state changed (TCP_EV_* bits); user is what tcp_set_user
	 * attached. Optional. Never called for pcbs the caller has closed. */
	void (*event)(void *ctx, struct tcp_pcb *pcb, void *user, unsigned events);
};

/* Tunables, per stack (tcp_config_default fills in the documented values). */
struct tcp_config {
	uint32_t rto_min_ms;	      /* 200 */
	uint32_t rto_max_ms;	      /* 60000 */
	uint32_t rto_initial_ms;      /* 1000 (RFC 6298 2.1) */
	uint32_t delack_ms;	      /* 40 */
	uint32_t msl_ms;	      /* 30000: TIME_WAIT lasts 2 * MSL */
	uint32_t fin_wait2_ms;	      /* 60000: orphaned FIN_WAIT_2 lifetime */
	uint32_t syn_retries;	      /* 6 SYN retransmissions before ETIMEDOUT */
	uint32_t synack_retries;      /* 5 */
	uint32_t max_retries;	      /* 15 data retransmissions before ETIMEDOUT */
	uint32_t time_wait_max;	      /* 4096 TIME_WAIT pcbs at most */
	uint32_t challenge_ack_per_s; /* 100 (RFC 5961 7) */
	uint32_t sndbuf;	      /* default 256 KiB */
	uint32_t rcvbuf;	      /* default 256 KiB */
	uint32_t keep_idle_ms;	      /* 7200000 */
	uint32_t keep_intvl_ms;	      /* 75000 */
	uint32_t keep_cnt;	      /* 9 */
	bool window_scaling;	      /* true */
	bool timestamps;	      /* true */
};

#define TCP_BUF_MIN (4 * 1024)
#define TCP_BUF_MAX (4 * 1024 * 1024)

/* Per-stack counters (for /proc/net/snmp-style reporting). */
struct tcp_stats {
	uint64_t segs_in, segs_out, bytes_in, bytes_out;
	uint64_t bad_segs;    /* short, bad offset or bad checksum */
	uint64_t retransmits; /* segments sent again */
	uint64_t rto_fired, fast_retransmits, partial_acks;
	uint64_t rst_out, rst_in;
	uint64_t challenge_acks; /* RFC 5961 */
	uint64_t paws_drops, ooo_segs, ooo_drops, dup_segs;
	uint64_t active_opens, passive_opens, accept_overflows, synq_overflows;
	uint64_t conn_timeouts, keepalive_drops, time_wait_overflows;
	uint64_t batched_acks; /* output held by a batch and merged with a later one */
	uint64_t syns_parked;  /* SYNs held until the backlog had room */
};

/* Socket options for tcp_setopt/tcp_getopt. */
enum tcp_opt {
	TCP_OPT_NODELAY,   /* Nagle off when nonzero */
	TCP_OPT_KEEPALIVE, /* SO_KEEPALIVE */
	TCP_OPT_KEEPIDLE,  /* seconds, as Linux's TCP_KEEPIDLE */
	TCP_OPT_KEEPINTVL, /* seconds */
	TCP_OPT_KEEPCNT,
	TCP_OPT_SNDBUF, /* bytes; before connect/listen only */
	TCP_OPT_RCVBUF, /* bytes; before connect/listen only */
	TCP_OPT_REUSEADDR,
	TCP_OPT_MAXSEG, /* read: the MSS in use */
};

/* Facts about one pcb (getsockname, /proc/net/tcp, netstat). */
struct tcp_info {
	enum tcp_state state;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t snd_queued; /* bytes in the send buffer (unacked + unsent) */
	uint32_t rcv_queued; /* bytes waiting to be read */
	uint32_t srtt_ms, rto_ms, cwnd, ssthresh, mss;
	uint32_t snd_wnd, rcv_wnd;
	uint32_t retransmits; /* of this connection */
	uint8_t snd_wscale, rcv_wscale;
	bool ts_ok;
};

/* ---- the stack --------------------------------------------------------- */

void tcp_config_default(struct tcp_config *cfg);
/* cfg NULL: the defaults. NULL when out of memory. */
struct tcp_stack *tcp_stack_create(const struct tcp_stack_ops *ops, void *ctx,
				   const struct tcp_config *cfg, uint64_t now_ms);
/* Frees every bound pcb, caller-owned ones included (a pcb from
 * tcp_pcb_new that was never bound or connected must be closed first). */
void tcp_stack_destroy(struct tcp_stack *st);
const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *st);

/* A segment from IP for us (dst is one of our addresses). seg is only read. */
void tcp_input(struct tcp_stack *st, uint32_t src, uint32_t dst, const void *seg, size_t len,
	       uint64_t now_ms);
/*
 * Receive batching, as Linux's GRO makes one ACK of a poll's worth of
 * segments. Between tcp_batch_begin and tcp_batch_end, what an in-order
 * segment would send at once (its ACK, and data the ACK let out) waits,
 * and tcp_batch_end sends it once per connection. Out-of-order arrivals
 * still answer at once: their duplicate ACKs drive the peer's fast
 * retransmit. The caller ends every batch it begins before it lets go of
 * the stack's lock for long (the kernel: at the end of each net-thread
 * poll).
 */
void tcp_batch_begin(struct tcp_stack *st);
void tcp_batch_end(struct tcp_stack *st, uint64_t now_ms);
/*
 * An ICMP error about a segment we sent (RFC 1122 4.2.3.9, RFC 5927): src
 * and dst are the quoted datagram's addresses, seg its first bytes (at
 * least 8: ports and sequence number). A destination unreachable (net,
 * host, protocol, port; or administratively prohibited) whose quoted
 * sequence number lies in SND.UNA..SND.NXT fails a connection in SYN_SENT
 * with -ENETUNREACH, -EHOSTUNREACH or -ECONNREFUSED, as Linux does; for
 * other states the error is soft and ignored.
 */
void tcp_icmp_error(struct tcp_stack *st, uint8_t type, uint8_t code, uint32_t src, uint32_t dst,
		    const void *seg, size_t len);
/* Run the timers that are due. */
void tcp_poll(struct tcp_stack *st, uint64_t now_ms);
/* The earliest time tcp_poll has work, or UINT64_MAX. Changes after any
 * engine call: re-arm the caller's timer after each. */
uint64_t tcp_next_deadline(const struct tcp_stack *st);
/* The time for the next API calls (tcp_send, tcp_close, ...). Never goes
 * backwards; tcp_input and tcp_poll set it too. */
void tcp_set_time(struct tcp_stack *st, uint64_t now_ms);
/* Walk every pcb (listeners, connections, TIME_WAIT) for /proc/net/tcp. */
void tcp_foreach(struct tcp_stack *st, void (*fn)(void *arg, const struct tcp_info *info),
		 void *arg);

/* ---- pcbs (the socket layer's side) -------------------------------------- */

/* A fresh CLOSED pcb owned by the caller; user is passed to ops->event. */
struct tcp_pcb *tcp_pcb_new(struct tcp_stack *st, void *user);
void tcp_set_user(struct tcp_pcb *pcb, void *user);
/* ip 0 is INADDR_ANY; port 0 picks an ephemeral port. -EADDRINUSE, -EINVAL. */
int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);
/* Passive open with a backlog (clamped to 1..1024). Binds first if needed. */
int tcp_listen(struct tcp_pcb *pcb, int backlog);
/* Active open (connect). lip must be a concrete source address (the glue
 * picks it by route) unless the pcb is bound to one. Returns 0 with the SYN
 * sent; TCP_EV_CONNECTED or TCP_EV_ERROR follows. */
int tcp_open_active(struct tcp_pcb *pcb, uint32_t lip, uint32_t rip, uint16_t rport);
/* The next established connection on a listener (now caller-owned), or NULL. */
struct tcp_pcb *tcp_accept_next(struct tcp_pcb *listener, void *user);

/* Queue up to len bytes; returns bytes queued (> 0), -EAGAIN when the buffer
 * is full, -EPIPE after shutdown or close by the peer's reset... (the
 * connection's error when it failed), -ENOTCONN when never connected. */
long tcp_send(struct tcp_pcb *pcb, const void *data, size_t len);
/* Read up to len bytes: > 0 bytes, 0 at end of stream, -EAGAIN when nothing
 * yet, the connection's error (-ECONNRESET, ...) or -ENOTCONN. buf NULL
 * discards. peek leaves the data queued. */
long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len, bool peek);
/* SHUT_WR: FIN after the queued data. */
int tcp_shutdown_write(struct tcp_pcb *pcb);
/* SHUT_RD: later data is discarded (and acknowledged). */
void tcp_shutdown_read(struct tcp_pcb *pcb);
/* Release the pcb: graceful close (FIN after queued data), or RST when
 * unread data is pending, as RFC 2525 2.17 and Linux do. */
void tcp_close(struct tcp_pcb *pcb);
/* Release the pcb with a RST (SO_LINGER 0). */
void tcp_abort(struct tcp_pcb *pcb);

int tcp_setopt(struct tcp_pcb *pcb, enum tcp_opt opt, int val);
int tcp_getopt(struct tcp_pcb *pcb, enum tcp_opt opt, int *val);
/* SO_ERROR: the pending error (negative errno) or 0, cleared by reading. */
int tcp_take_error(struct tcp_pcb *pcb);
enum tcp_state tcp_get_state(const struct tcp_pcb *pcb);
unsigned tcp_poll_events(const struct tcp_pcb *pcb);
void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *info);
uint32_t tcp_send_space(const struct tcp_pcb *pcb);
uint32_t tcp_recv_avail(const struct tcp_pcb *pcb);
const char *tcp_state_name(enum tcp_state s);

#endif
