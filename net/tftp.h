/*
 * TFTP client engine, read side (net/tftp.c): RFC 1350 with options
 * (RFC 2347), blksize (RFC 2348), tsize (RFC 2349) and windowsize
 * (RFC 7440). Pure logic: only <ksvc.h>'s string functions and errno
 * values, no clock, allocation or sleeping, so the same file builds into
 * the kernel (root=tftp), host tests, fuzz targets and a user `tftp` tool.
 *
 * Data is delivered in order through ops.data(offset, bytes, len); nothing
 * is buffered. Out-of-order blocks are dropped and recovered by the
 * server's retransmission.
 *
 * ACK discipline (the part that matters, DESIGN.md "QEMU user networking"):
 * QEMU's slirp TFTP answers every ACK with its next block whatever number
 * the ACK carries, so a duplicate ACK skips a block. The engine therefore
 *  - only ever ACKs in-order progress (the last block received in order);
 *  - never sends an ACK on its own timeout to an "ack-clocked" server: one
 *    that did not negotiate windowsize and answers from the port the
 *    request went to (slirp answers from port 69; an RFC 1350 server
 *    answers from a fresh port, its transfer id) unless cfg.policy says
 *    otherwise. Such a server is waited for until the retry limit;
 *  - re-ACKs a duplicate block (the server retransmitted, so our ACK was
 *    lost) only when no in-order block arrived for cfg.dup_holdoff_ms, and
 *    once per such stall: copies made by the network, or answers to a
 *    retransmitted RRQ, arrive right after the original and are ignored;
 *  - with windowsize negotiated (RFC 7440; atftpd): ACKs after every
 *    `window` in-order blocks and at the end, ACKs the last in-order
 *    block once when a gap appears (the server restarts its window there),
 *    and re-sends that ACK on timeout. When in-order blocks came since the
 *    last ACK, or a gap is still open, and then nothing arrives for
 *    cfg.idle_ack_ms, it ACKs the in-order progress (again): after a gap
 *    ACK atftpd 0.8 resends only up to the end of its old window and waits
 *    there, so our count of `window` blocks would never be reached, and a
 *    lost last block of a window or a lost retransmission would each cost
 *    a whole timeout.
 * A strict RFC 1350 server retransmits DATA on its own timeout, which the
 * duplicate rule answers; against it the engine also re-ACKs on timeout.
 *
 * Block numbers wrap from 65535 to 0 (files over 32 MiB at 512-byte
 * blocks); offsets are 64-bit.
 *
 * ---- What the kernel glue (or a user program) must do ----
 * - Own a UDP endpoint on a fresh ephemeral port per transfer (this port is
 *   the client's transfer id). Pass every datagram it receives to
 *   tftp_input() with the sender's address and port; the engine locks onto
 *   the server's port from its first answer and sends ERROR 5 to others.
 * - Implement ops.send (one datagram from that port to dst_ip:dst_port,
 *   normal routing; return 0 or -errno) and ops.data (store the bytes at
 *   the offset; return 0 or -errno to abort the transfer, e.g. -ENOSPC
 *   when the file is larger than the space set aside). When the server
 *   sends tsize, tftp_tsize() has it before the first ops.data call, so
 *   the buffer can be sized there; progress is t->bytes of tftp_tsize().
 * - ops.done(err) is called once when the transfer ends: 0 after the last
 *   block was ACKed, else -errno (see struct tftp_client.error and
 *   err_msg for the server's message).
 * - Ask for blksize = MTU - 20 (IP) - 8 (UDP) - 4 (TFTP) = 1468 on an
 *   Ethernet, so no block is fragmented; slirp caps it at 1428 by itself.
 *   Ask for windowsize (say 16; slirp and tftpd-hpa ignore it) and tsize.
 * - The receive path must not drop frames while a transfer against slirp
 *   runs: a lost DATA cannot be recovered from an ack-clocked server (the
 *   transfer then fails with -ETIMEDOUT, or -EIO if a later block shows
 *   the skip), and the caller may simply start over.
 * - Drive timers: after every call into the engine arm a timer for
 *   tftp_next_deadline() (UINT64_MAX: none) and call tftp_poll(now) then.
 * - Serialize all calls on one transfer with one lock; callbacks run inside
 *   tftp_start/tftp_input/tftp_poll/tftp_abort with it held and must not
 *   call into the engine. ops.data may copy into a page cache or RAM disk
 *   but should not sleep for long (the server is waiting).
 *
 * Lock legend: all of struct tftp_client is guarded by the caller's lock.
 */
#ifndef NET_TFTP_H
#define NET_TFTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TFTP_FILENAME_MAX 256 /* with the NUL */
#define TFTP_ERRMSG_MAX	  128 /* with the NUL */
#define TFTP_WINDOW_MAX	  64  /* the largest windowsize we ask for */
#define TFTP_PKT_MAX	  512 /* the largest packet we build */

enum tftp_state {
	TFTP_IDLE = 0,
	TFTP_RRQ_SENT,	/* waiting for OACK, DATA 1 or ERROR */
	TFTP_RECEIVING, /* data phase */
	TFTP_DONE,	/* last block received and ACKed */
	TFTP_FAILED,	/* see error, err_code, err_msg */
};

enum tftp_policy {
	TFTP_POLICY_AUTO =
		0,	 /* ack-clocked iff no windowsize and the answer came from the RRQ port */
	TFTP_POLICY_RFC, /* never ack-clocked: re-ACK on every timeout (RFC 1350) */
	TFTP_POLICY_ACK_CLOCKED, /* ack-clocked whenever windowsize was not negotiated */
};

struct tftp_ops {
	int (*send)(void *ctx, uint32_t dst_ip, uint16_t dst_port, const void *buf, size_t len);
	int (*data)(void *ctx, uint64_t offset, const void *buf, size_t len);
	void (*done)(void *ctx, int err);
};

struct tftp_config {
	uint32_t server_ip;
	uint16_t server_port; /* 0 = 69 */
	char filename[TFTP_FILENAME_MAX];
	uint16_t blksize;	 /* to ask for; 0 or 512 = don't ask */
	uint16_t windowsize;	 /* to ask for; 0 or 1 = don't ask; capped at TFTP_WINDOW_MAX */
	bool ask_tsize;		 /* send "tsize 0" and learn the file's size */
	uint32_t timeout_ms;	 /* 0 = 1000 */
	uint32_t max_retries;	 /* timeouts in a row before giving up; 0 = 5 */
	uint32_t dup_holdoff_ms; /* 0 = timeout_ms / 2 */
	uint32_t idle_ack_ms;	 /* windowsize only; 0 = timeout_ms / 20 */
	enum tftp_policy policy;
};

struct tftp_stats {
	uint64_t tx, rx, rx_bad, rx_foreign, rx_dup, rx_ooo;
	uint64_t acks, dup_acks, gap_acks, idle_acks, timeout_acks, timeouts, rrqs;
};

struct tftp_client {
	struct tftp_config cfg;
	struct tftp_ops ops;
	void *ctx;

	enum tftp_state state;
	bool options_sent; /* the RRQ carried options */
	bool tid_known;
	uint16_t server_tid; /* the server's port once it answered */
	uint16_t blksize;
	uint16_t window;  /* 1 without windowsize */
	bool window_nego; /* the server's OACK had windowsize */
	bool ack_clocked; /* see the ACK discipline above */
	bool tsize_known;
	uint64_t tsize;
	uint16_t expected;     /* the next block number wanted */
	uint64_t blocks;       /* blocks delivered */
	uint64_t bytes;	       /* bytes delivered: the next offset */
	uint32_t since_ack;    /* in-order blocks since our last ACK */
	bool gap_acked;	       /* a gap ACK went out since the last progress */
	bool dup_acked;	       /* a duplicate was re-ACKed since the last progress */
	uint64_t progress_ms;  /* the last in-order block (or OACK) */
	uint64_t deadline;     /* next timeout; UINT64_MAX: none */
	uint64_t ack_deadline; /* the idle ACK (windowsize); UINT64_MAX: none */
	uint32_t retries;      /* timeouts in a row */
	int error;	       /* 0 or -errno once FAILED */
	uint16_t err_code;     /* TFTP error code from the server (or sent to it) */
	bool err_remote;       /* the error came from the server */
	char err_msg[TFTP_ERRMSG_MAX];
	struct tftp_stats stats;
};

void tftp_init(struct tftp_client *t, const struct tftp_config *cfg, const struct tftp_ops *ops,
	       void *ctx);
/* Send the RRQ. Returns 0, or -EINVAL for an empty or over-long name. */
int tftp_start(struct tftp_client *t, uint64_t now);
/* One datagram received on the transfer's port: 0 when used, else -errno. */
int tftp_input(struct tftp_client *t, const void *pkt, size_t len, uint32_t src_ip,
	       uint16_t src_port, uint64_t now);
void tftp_poll(struct tftp_client *t, uint64_t now);
uint64_t tftp_next_deadline(const struct tftp_client *t);
/* Give up: tell the server (ERROR 0) and fail with err (e.g. -EINTR). */
void tftp_abort(struct tftp_client *t, int err, const char *why);
/* The file's size from tsize, or 0 when unknown. */
uint64_t tftp_tsize(const struct tftp_client *t);
const char *tftp_state_name(enum tftp_state s);
/* errno for a TFTP error code (1 -> -ENOENT, 2 -> -EACCES, ...). */
int tftp_error_errno(uint16_t code);

#endif
