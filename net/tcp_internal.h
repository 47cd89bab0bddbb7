/*
 * TCP engine internals shared by net/tcp_pcb.c (stack, pcbs, user API),
 * tcp_in.c (segment arrival), tcp_out.c (segment building and the output
 * decision) and tcp_timer.c (RTO, persist, delayed ACK, keepalive,
 * TIME_WAIT). Tests and the fuzz target include this to check invariants.
 *
 * Lock legend: everything here is guarded by the caller's stack lock
 * (net/tcp.h); nothing in the engine runs concurrently with itself.
 *
 * Buffers: the send buffer is a ring holding the bytes from sequence
 * snd_buf_seq (== snd_una once the SYN is acknowledged) onwards, both sent
 * and unsent. The receive buffer is a ring holding the in-order bytes the
 * user has not read (rcv_len of them) followed by room for the window;
 * out-of-order data is written straight into that room at its offset from
 * rcv_nxt, and ooo[] remembers which ranges are filled. So the advertised
 * window never exceeds the free space and the reassembly queue costs no
 * memory beyond the buffer.
 */
#ifndef NET_TCP_INTERNAL_H
#define NET_TCP_INTERNAL_H

#include <ksvc.h>
#include "net/tcp.h"
#include "net/proto/tcp.h"

/* Sequence-space comparisons (RFC 9293 3.4), modulo 2^32. */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))

#define TCP_OOO_MAX	   16	/* out-of-order ranges kept (bounded reassembly queue) */
#define TCP_MSS_DEFAULT	   536	/* RFC 9293 3.7.1, when the peer sends no MSS */
#define TCP_MTU_DEFAULT	   1500 /* without ops->route_mtu */
#define TCP_MTU_MIN	   576
#define TCP_EPHEMERAL_LO   49152 /* RFC 6335 */
#define TCP_EPHEMERAL_HI   65535
#define TCP_BACKLOG_MAX	   1024
#define TCP_PERSIST_MIN_MS 500
#define TCP_PARK_MS	   3000			      /* a parked SYN is forgotten after this */
#define TCP_PAWS_IDLE_MS   (24ULL * 24 * 3600 * 1000) /* RFC 7323 5.5: 24 days */
#define TCP_CWND_MAX	   0x3fffffffu
#define TCP_TIMER_OFF	   UINT64_MAX

/* pcb->flags */
#define TF_USER		 0x0001 /* owned by the caller (socket) */
#define TF_ORPHAN	 0x0002 /* closed by the caller: the engine frees it */
#define TF_ACKNOW	 0x0004 /* send an ACK at the next output */
#define TF_NODELAY	 0x0008
#define TF_KEEPALIVE	 0x0010
#define TF_TS		 0x0020 /* timestamps negotiated */
#define TF_WS		 0x0040 /* window scaling negotiated */
#define TF_FIN_QUEUED	 0x0080 /* our FIN follows the queued data */
#define TF_RCVD_FIN	 0x0100 /* the peer's FIN was received in order */
#define TF_SHUT_RD	 0x0200
#define TF_REUSEADDR	 0x0400
#define TF_RECOVERY	 0x0800	   /* in NewReno fast recovery */
#define TF_RTT_TIMING	 0x1000	   /* rtt_seq/rtt_start measure one segment */
#define TF_BOUND	 0x2000	   /* has a local port, is on st->pcbs */
#define TF_PASSIVE	 0x4000	   /* came from a listener (SYN_RCVD goes back) */
#define TF_OOO_FIN	 0x8000	   /* a FIN at ooo_fin_seq arrived out of order */
#define TF_DEAD		 0x10000   /* on the graveyard, freed at the end of the call */
#define TF_SEND_TS_SYN	 0x20000   /* offer timestamps on our SYN */
#define TF_SEND_WS_SYN	 0x40000   /* offer window scaling on our SYN */
#define TF_ACCEPTQ	 0x80000   /* on the listener's accept queue */
#define TF_FIRST_PARTIAL 0x100000  /* the first partial ACK of this recovery is pending */
#define TF_CONNECTED	 0x200000  /* reached ESTABLISHED at least once */
#define TF_HAVE_RTT	 0x400000  /* srtt8/rttvar4 hold a measurement */
#define TF_DEFERRED	 0x800000  /* on st->deferred: output at tcp_batch_end */
#define TF_PARKED	 0x1000000 /* half-open child waiting for room: no SYN-ACK sent yet */

struct tcp_range {
	uint32_t start, end; /* sequence numbers, [start, end) */
};

struct tcp_pcb {
	struct tcp_stack *st;
	struct tcp_pcb *next, *prev; /* st->pcbs when TF_BOUND, st->graveyard when TF_DEAD */
	enum tcp_state state;
	uint32_t flags;
	void *user;
	int error;	  /* pending -errno for the caller (SO_ERROR) */
	bool error_fatal; /* error is the connection's final fate */

	uint32_t lip, rip;
	uint16_t lport, rport;

	/* Listener side (state LISTEN). */
	struct tcp_pcb *acceptq_head, *acceptq_tail; /* established, not accepted */
	unsigned backlog, acceptq_len, synq_len, synq_max;
	unsigned synq_parked; /* of synq_len: parked children (TF_PARKED) */
	/* Child side: the listener whose queues count us. */
	struct tcp_pcb *listener;
	struct tcp_pcb *acceptq_next;
	struct tcp_pcb *deferred_next; /* st->deferred when TF_DEFERRED */

	/* Send sequence space (RFC 9293 3.3.1). */
	uint32_t iss;
	uint32_t snd_una, snd_nxt, snd_max; /* snd_max: highest sequence sent + 1 */
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint8_t snd_wscale, rcv_wscale;
	uint16_t mss;	  /* segment size we send (peer's MSS, our MTU) */
	uint16_t rcv_mss; /* the MSS we announced */

	/* Receive sequence space. */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge we advertised */
	uint32_t last_ack_sent;
	uint32_t rcv_unacked; /* bytes received since the last ACK we sent */

	/* Send buffer (ring). */
	uint8_t *sbuf;
	uint32_t sbuf_size, sbuf_head, sbuf_len;
	uint32_t snd_buf_seq; /* sequence number of sbuf's first byte */

	/* Receive buffer (ring) and the reassembly ranges. */
	uint8_t *rbuf;
	uint32_t rbuf_size, rbuf_head, rbuf_len;
	struct tcp_range ooo[TCP_OOO_MAX]; /* sorted, disjoint, not touching, beyond rcv_nxt */
	unsigned ooo_n;
	uint32_t ooo_fin_seq;

	/* Congestion control (RFC 5681, 6582). */
	uint32_t cwnd, ssthresh, recover, bytes_acked;
	uint32_t prev_una; /* snd_una before the latest advance (RFC 6582 4.2) */
	unsigned dupacks;

	/* RTT estimation (RFC 6298), in milliseconds scaled by 8 (srtt) and 4 (rttvar). */
	uint32_t srtt8, rttvar4, rto;
	unsigned rtx_shift; /* consecutive RTO expirations (backoff) */
	uint32_t rtt_seq;
	uint64_t rtt_start;

	/* Timestamps (RFC 7323). */
	uint32_t ts_recent, ts_offset;
	uint64_t ts_recent_age;

	/* Timers: absolute ms, TCP_TIMER_OFF when stopped. */
	uint64_t t_rtx;	    /* retransmission (also SYN and SYN-ACK retries) */
	uint64_t t_persist; /* zero-window probes */
	uint64_t t_delack;
	uint64_t t_keep;
	uint64_t t_2msl; /* TIME_WAIT, and the orphaned FIN_WAIT_2 timeout */
	unsigned persist_shift, keep_probes;
	uint64_t last_rcv_ms, last_snd_ms;

	uint32_t keep_idle_ms, keep_intvl_ms, keep_cnt;
	uint32_t retransmits;
};

struct tcp_stack {
	struct tcp_stack_ops ops;
	void *ctx;
	struct tcp_config cfg;
	uint64_t now;
	struct tcp_pcb *pcbs;	   /* every bound pcb */
	struct tcp_pcb *graveyard; /* pcbs to free at the end of the current call */
	bool batching;		   /* between tcp_batch_begin and tcp_batch_end */
	struct tcp_pcb *deferred;  /* pcbs whose output waits for tcp_batch_end */
	unsigned time_wait_count;
	uint16_t next_ephemeral;
	uint8_t isn_key[16]; /* RFC 6528 secret */
	uint8_t ts_key[16];  /* per-connection timestamp offsets */
	uint64_t challenge_window_start;
	uint32_t challenge_count;
	uint8_t *txbuf; /* one segment being built */
	size_t txbuf_size;
	struct tcp_stats stats;
};

/* Parsed incoming segment. */
struct tcp_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t wnd; /* raw 16-bit field */
	const uint8_t *data;
	uint32_t len; /* data bytes */
	/* Options. */
	bool has_mss, has_ws, has_ts;
	uint16_t opt_mss;
	uint8_t opt_ws;
	uint32_t ts_val, ts_ecr;
};

/* Big-endian field access. */
static inline uint16_t tcp_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t tcp_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void tcp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline bool tcp_synchronized(enum tcp_state s)
{
	return s >= TCP_ESTABLISHED;
}

/* Bytes sent or queued past snd_una that occupy buffer space. */
static inline uint32_t tcp_flight(const struct tcp_pcb *pcb)
{
	return pcb->snd_max - pcb->snd_una;
}

/* tcp_pcb.c */
void tcp_event(struct tcp_pcb *pcb, unsigned ev);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state s);
/* The connection is over: error 0 (normal) or -E...; frees orphans. */
void tcp_pcb_done(struct tcp_pcb *pcb, int error);
void tcp_reap(struct tcp_stack *st);
struct tcp_pcb *tcp_pcb_alloc(struct tcp_stack *st);
void tcp_pcb_link(struct tcp_pcb *pcb);
int tcp_pcb_alloc_bufs(struct tcp_pcb *pcb);
uint32_t tcp_isn(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
uint32_t tcp_ts_offset(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		       uint16_t rport);
uint16_t tcp_mss_for(struct tcp_stack *st, uint32_t rip);
uint8_t tcp_wscale_for(uint32_t bufsize);
void tcp_pcb_init_conn(struct tcp_pcb *pcb);
void tcp_child_detach(struct tcp_pcb *pcb); /* from its listener's queues */
uint32_t tcp_clamp_buf(uint32_t v);	    /* to [TCP_BUF_MIN, TCP_BUF_MAX] */
struct tcp_pcb *tcp_lookup(struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
			   uint16_t rport);
struct tcp_pcb *tcp_lookup_listener(struct tcp_stack *st, uint32_t lip, uint16_t lport);
/* Debugging aid for tests and the fuzz target: panics on a broken invariant. */
void tcp_check_invariants(struct tcp_stack *st);

/* tcp_in.c */
int tcp_parse(struct tcp_seg *seg, uint32_t src, uint32_t dst, const uint8_t *buf, size_t len);

/* tcp_out.c */
uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len);
void tcp_output(struct tcp_pcb *pcb);
void tcp_send_ack_now(struct tcp_pcb *pcb);
/* tcp_in.c: hold pcb's output for tcp_batch_end; drop it from that list. */
void tcp_defer_output(struct tcp_pcb *pcb);
void tcp_undefer(struct tcp_pcb *pcb);
/* tcp_in.c: answer parked SYNs of listener l while its backlog has room. */
void tcp_listener_unpark(struct tcp_pcb *l);
void tcp_send_rst_for(struct tcp_stack *st, const struct tcp_seg *seg);
void tcp_send_rst(struct tcp_pcb *pcb);
/* Persist probe (data_ok: send data when the window allows) or keepalive. */
void tcp_send_probe(struct tcp_pcb *pcb, bool data_ok);
/* Send the segment at seq again (RTO, fast retransmit, partial ACK); returns
 * the sequence space it covers. */
uint32_t tcp_retransmit_at(struct tcp_pcb *pcb, uint32_t seq);
bool tcp_challenge_ack_allowed(struct tcp_stack *st);
uint32_t tcp_rcv_window(const struct tcp_pcb *pcb);

/* tcp_timer.c */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms);
uint32_t tcp_current_rto(const struct tcp_pcb *pcb);
void tcp_arm_rtx(struct tcp_pcb *pcb);
void tcp_arm_keepalive(struct tcp_pcb *pcb);
void tcp_enter_time_wait(struct tcp_pcb *pcb);
void tcp_timers_stop(struct tcp_pcb *pcb);

#endif
