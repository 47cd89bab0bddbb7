/*
 * TFTP client engine, read side: RFC 1350 (the protocol, section 4 for
 * transfer ids and termination), RFC 2347 (option negotiation and OACK),
 * RFC 2348 (blksize), RFC 2349 (tsize), RFC 7440 (windowsize). The ACK
 * discipline that keeps QEMU's slirp, atftpd and strict RFC servers all
 * working is explained in net/tftp.h, with the glue's duties and locking.
 * Wire format: net/proto/tftp.h.
 *
 * Input is untrusted: packets from other hosts are ignored, from other
 * ports answered with ERROR 5 (RFC 1350 section 4), OACK strings are
 * bounds-checked and an OACK that grants something not asked for fails
 * the transfer with ERROR 8 (RFC 2347).
 */
#include <ksvc.h>
#include "net/tftp.h"
#include "net/proto/tftp.h"

#define TFTP_DEF_TIMEOUT 1000
#define TFTP_DEF_RETRIES 5
#define TFTP_NEVER	 UINT64_MAX

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

/* Append "s\0"; false when it does not fit. */
static bool put_str(uint8_t *buf, size_t *off, size_t size, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > size - *off)
		return false;
	memcpy(buf + *off, s, n);
	*off += n;
	return true;
}

static void fmt_u64(char *out, uint64_t v)
{
	char tmp[21];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*out++ = tmp[--n];
	*out = '\0';
}

/* A decimal option value: digits only, no overflow past 64 bits' worth. */
static bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

int tftp_error_errno(uint16_t code)
{
	switch (code) {
	case TFTP_ENOTFOUND:
		return -ENOENT;
	case TFTP_EACCESS:
		return -EACCES;
	case TFTP_ENOSPACE:
		return -ENOSPC;
	case TFTP_EBADOP:
		return -EINVAL;
	case TFTP_EEXISTS:
		return -EEXIST;
	case TFTP_ENOUSER:
		return -EPERM;
	case TFTP_EOPTNEG:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* ---- sending ------------------------------------------------------------ */

static uint16_t tftp_dst_port(const struct tftp_client *t)
{
	return t->tid_known ? t->server_tid : t->cfg.server_port;
}

static void tftp_send(struct tftp_client *t, uint16_t port, const void *buf, size_t len)
{
	t->stats.tx++;
	t->ops.send(t->ctx, t->cfg.server_ip, port, buf, len);
}

static void tftp_send_rrq(struct tftp_client *t)
{
	uint8_t buf[TFTP_PKT_MAX];
	size_t off = 2;
	char num[21];

	put16(buf, TFTP_RRQ);
	/* tftp_start checked that the name and mode fit; options are added
	 * only while they fit too. */
	put_str(buf, &off, sizeof(buf), t->cfg.filename);
	put_str(buf, &off, sizeof(buf), "octet");
	t->options_sent = false;
	if (t->cfg.blksize && t->cfg.blksize != TFTP_BLKSIZE_DEF) {
		fmt_u64(num, t->cfg.blksize);
		if (put_str(buf, &off, sizeof(buf), "blksize") &&
		    put_str(buf, &off, sizeof(buf), num))
			t->options_sent = true;
	}
	if (t->cfg.ask_tsize && put_str(buf, &off, sizeof(buf), "tsize") &&
	    put_str(buf, &off, sizeof(buf), "0"))
		t->options_sent = true;
	if (t->cfg.windowsize > 1) {
		fmt_u64(num, t->cfg.windowsize);
		if (put_str(buf, &off, sizeof(buf), "windowsize") &&
		    put_str(buf, &off, sizeof(buf), num))
			t->options_sent = true;
	}
	t->stats.rrqs++;
	tftp_send(t, t->cfg.server_port, buf, off);
}

/* ACK block `block`: this resets the window count. */
static void tftp_ack(struct tftp_client *t, uint16_t block)
{
	uint8_t buf[4];

	put16(buf, TFTP_ACK);
	put16(buf + 2, block);
	t->stats.acks++;
	t->since_ack = 0;
	t->ack_deadline = TFTP_NEVER;
	tftp_send(t, tftp_dst_port(t), buf, sizeof(buf));
}

static void tftp_send_error(struct tftp_client *t, uint16_t port, uint16_t code, const char *msg)
{
	uint8_t buf[4 + TFTP_ERRMSG_MAX];
	size_t off = 4;

	put16(buf, TFTP_ERROR);
	put16(buf + 2, code);
	if (!put_str(buf, &off, sizeof(buf), msg))
		buf[off++] = '\0';
	tftp_send(t, port, buf, off);
}

/* ---- ending ------------------------------------------------------------- */

static void tftp_finish(struct tftp_client *t, enum tftp_state st, int err)
{
	t->state = st;
	t->error = err;
	t->deadline = TFTP_NEVER;
	t->ack_deadline = TFTP_NEVER;
	if (t->ops.done)
		t->ops.done(t->ctx, err);
}

/* Fail locally and tell the server why (ERROR code msg). */
static void tftp_fail(struct tftp_client *t, int err, uint16_t code, const char *msg)
{
	t->err_code = code;
	t->err_remote = false;
	strlcpy(t->err_msg, msg, sizeof(t->err_msg));
	if (t->tid_known)
		tftp_send_error(t, t->server_tid, code, msg);
	tftp_finish(t, TFTP_FAILED, err);
}

void tftp_abort(struct tftp_client *t, int err, const char *why)
{
	if (t->state == TFTP_RRQ_SENT || t->state == TFTP_RECEIVING)
		tftp_fail(t, err, TFTP_EUNDEF, why);
}

/* ---- receiving ---------------------------------------------------------- */

void tftp_init(struct tftp_client *t, const struct tftp_config *cfg, const struct tftp_ops *ops,
	       void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->cfg.filename[sizeof(t->cfg.filename) - 1] = '\0';
	if (!t->cfg.server_port)
		t->cfg.server_port = TFTP_PORT;
	if (t->cfg.blksize && t->cfg.blksize < TFTP_BLKSIZE_MIN)
		t->cfg.blksize = TFTP_BLKSIZE_MIN;
	if (t->cfg.blksize > TFTP_BLKSIZE_LIMIT)
		t->cfg.blksize = TFTP_BLKSIZE_LIMIT;
	if (t->cfg.windowsize > TFTP_WINDOW_MAX)
		t->cfg.windowsize = TFTP_WINDOW_MAX;
	if (!t->cfg.timeout_ms)
		t->cfg.timeout_ms = TFTP_DEF_TIMEOUT;
	if (!t->cfg.max_retries)
		t->cfg.max_retries = TFTP_DEF_RETRIES;
	if (!t->cfg.dup_holdoff_ms)
		t->cfg.dup_holdoff_ms = t->cfg.timeout_ms / 2;
	if (!t->cfg.idle_ack_ms)
		t->cfg.idle_ack_ms = t->cfg.timeout_ms / 20;
	t->ops = *ops;
	t->ctx = ctx;
	t->deadline = TFTP_NEVER;
	t->ack_deadline = TFTP_NEVER;
}

int tftp_start(struct tftp_client *t, uint64_t now)
{
	size_t n = strlen(t->cfg.filename);

	/* opcode, name, NUL, "octet", NUL must fit in one packet */
	if (n == 0 || 2 + n + 1 + 6 > TFTP_PKT_MAX)
		return -EINVAL;
	t->state = TFTP_RRQ_SENT;
	t->tid_known = false;
	t->blksize = TFTP_BLKSIZE_DEF;
	t->window = 1;
	t->expected = 1;
	t->retries = 0;
	t->progress_ms = now;
	tftp_send_rrq(t);
	t->deadline = now + t->cfg.timeout_ms;
	return 0;
}

static void tftp_set_clocking(struct tftp_client *t)
{
	switch (t->cfg.policy) {
	case TFTP_POLICY_RFC:
		t->ack_clocked = false;
		break;
	case TFTP_POLICY_ACK_CLOCKED:
		t->ack_clocked = !t->window_nego;
		break;
	default:
		t->ack_clocked = !t->window_nego && t->server_tid == t->cfg.server_port;
		break;
	}
}

/* Progress: reset the stall machinery. */
static void tftp_progress(struct tftp_client *t, uint64_t now)
{
	t->progress_ms = now;
	t->retries = 0;
	t->gap_acked = false;
	t->dup_acked = false;
	t->deadline = now + t->cfg.timeout_ms;
}

/* RFC 2347: the OACK lists the options the server accepted, with values
 * no larger than we asked for; anything else ends the transfer. */
static int tftp_oack(struct tftp_client *t, const uint8_t *p, size_t len)
{
	size_t off = 2;
	bool blk = false, win = false;

	while (off < len) {
		const char *name = (const char *)p + off, *val;
		const uint8_t *nul = memchr(p + off, '\0', len - off);
		uint64_t v;

		if (!nul)
			return -EBADMSG;
		val = (const char *)nul + 1;
		off = (size_t)(nul - p) + 1;
		nul = off < len ? memchr(p + off, '\0', len - off) : NULL;
		if (!nul || !parse_u64(val, &v))
			return -EBADMSG;
		off = (size_t)(nul - p) + 1;
		if (str_ieq(name, "blksize") && t->cfg.blksize && !blk) {
			if (v < TFTP_BLKSIZE_MIN || v > t->cfg.blksize)
				return -EBADMSG;
			t->blksize = (uint16_t)v;
			blk = true;
		} else if (str_ieq(name, "windowsize") && t->cfg.windowsize > 1 && !win) {
			if (v < 1 || v > t->cfg.windowsize)
				return -EBADMSG;
			t->window = (uint16_t)v;
			win = true;
		} else if (str_ieq(name, "tsize") && t->cfg.ask_tsize && !t->tsize_known) {
			t->tsize = v;
			t->tsize_known = true;
		} else {
			return -EBADMSG;
		}
	}
	t->window_nego = win;
	return 0;
}

/* ERROR from the server. */
static void tftp_remote_error(struct tftp_client *t, const uint8_t *p, size_t len, uint64_t now)
{
	uint16_t code = get16(p + 2);
	size_t n = 0;

	/* RFC 2347: a server that refuses options answers ERROR 8; ask again
	 * without them, once. */
	if (t->state == TFTP_RRQ_SENT && code == TFTP_EOPTNEG && t->options_sent) {
		t->cfg.blksize = 0;
		t->cfg.windowsize = 0;
		t->cfg.ask_tsize = false;
		t->tid_known = false;
		tftp_send_rrq(t);
		t->deadline = now + t->cfg.timeout_ms;
		return;
	}
	while (4 + n < len && p[4 + n] && n + 1 < sizeof(t->err_msg)) {
		char c = (char)p[4 + n];

		t->err_msg[n++] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	t->err_msg[n] = '\0';
	t->err_code = code;
	t->err_remote = true;
	tftp_finish(t, TFTP_FAILED, tftp_error_errno(code));
}

/* A duplicate: the server retransmitted because our ACK was lost, or the
 * network copied a packet. Only a stall (no progress for the holdoff)
 * means the former; answer it once per stall. */
static void tftp_duplicate(struct tftp_client *t, uint16_t block, uint64_t now)
{
	t->stats.rx_dup++;
	if (t->dup_acked || now - t->progress_ms < t->cfg.dup_holdoff_ms)
		return;
	t->dup_acked = true;
	t->stats.dup_acks++;
	tftp_ack(t, block);
}

static void tftp_data(struct tftp_client *t, const uint8_t *p, size_t len, uint64_t now)
{
	uint16_t block = get16(p + 2);
	int16_t diff = (int16_t)(block - t->expected);
	size_t n = len - TFTP_HDR_LEN;
	uint16_t last = (uint16_t)(t->expected - 1);
	int err;

	if (n > t->blksize) {
		t->stats.rx_bad++;
		return;
	}
	if (t->state == TFTP_DONE || diff < 0) {
		/* The final block again after DONE means our last ACK was lost;
		 * anything older is just a copy. */
		if (block == last)
			tftp_duplicate(t, last, now);
		else
			t->stats.rx_dup++;
		return;
	}
	if (diff > 0) {
		t->stats.rx_ooo++;
		if (t->window_nego) {
			/* RFC 7440: tell the server where the gap starts, once. */
			if (!t->gap_acked) {
				t->gap_acked = true;
				t->stats.gap_acks++;
				tftp_ack(t, last);
			}
			/* If the retransmission is lost too, say it again. */
			t->ack_deadline = now + t->cfg.idle_ack_ms;
		} else if (t->ack_clocked) {
			/* Lock-step, yet a later block: the server skipped one
			 * (slirp after a duplicate ACK). The data is lost. */
			tftp_fail(t, -EIO, TFTP_EUNDEF, "block skipped by server");
		}
		return;
	}

	err = t->ops.data(t->ctx, t->bytes, p + TFTP_HDR_LEN, n);
	if (err) {
		tftp_fail(t, err, err == -ENOSPC ? TFTP_ENOSPACE : TFTP_EUNDEF,
			  err == -ENOSPC ? "disk full" : "transfer aborted");
		return;
	}
	t->bytes += n;
	t->blocks++;
	t->expected++;
	t->since_ack++;
	tftp_progress(t, now);
	if (n < t->blksize) {
		tftp_ack(t, block);
		tftp_finish(t, TFTP_DONE, 0);
		return;
	}
	if (t->since_ack >= t->window)
		tftp_ack(t, block);
	else if (t->window_nego)
		t->ack_deadline = now + t->cfg.idle_ack_ms;
}

int tftp_input(struct tftp_client *t, const void *pkt, size_t len, uint32_t src_ip,
	       uint16_t src_port, uint64_t now)
{
	const uint8_t *p = pkt;
	uint16_t op;

	t->stats.rx++;
	if (src_ip != t->cfg.server_ip || t->state == TFTP_IDLE || t->state == TFTP_FAILED) {
		t->stats.rx_foreign++;
		return -ENOENT;
	}
	if (t->tid_known && src_port != t->server_tid) {
		/* RFC 1350 section 4: another transfer's packet; tell its
		 * sender and carry on. */
		t->stats.rx_foreign++;
		tftp_send_error(t, src_port, TFTP_EBADID, "unknown transfer id");
		return -ENOENT;
	}
	if (len < TFTP_HDR_LEN) {
		t->stats.rx_bad++;
		return -EBADMSG;
	}
	op = get16(p);
	if (t->state == TFTP_RRQ_SENT && (op == TFTP_DATA || op == TFTP_OACK || op == TFTP_ERROR)) {
		/* The first answer fixes the server's transfer id. */
		if (op != TFTP_ERROR) {
			t->tid_known = true;
			t->server_tid = src_port;
		}
	}

	switch (op) {
	case TFTP_DATA:
		if (t->state == TFTP_RRQ_SENT) {
			/* No OACK: the server ignored our options (RFC 2347). */
			t->state = TFTP_RECEIVING;
			t->blksize = TFTP_BLKSIZE_DEF;
			t->window = 1;
			t->window_nego = false;
			tftp_set_clocking(t);
		}
		tftp_data(t, p, len, now);
		return 0;
	case TFTP_OACK:
		if (t->state == TFTP_RRQ_SENT) {
			if (!t->options_sent || tftp_oack(t, p, len)) {
				t->stats.rx_bad++;
				tftp_fail(t, -EBADMSG, TFTP_EOPTNEG, "bad option acknowledgment");
				return -EBADMSG;
			}
			t->state = TFTP_RECEIVING;
			tftp_set_clocking(t);
			tftp_progress(t, now);
			tftp_ack(t, 0);
			return 0;
		}
		/* The OACK again before any data: our ACK 0 was lost. */
		if (t->state == TFTP_RECEIVING && t->blocks == 0)
			tftp_duplicate(t, 0, now);
		else
			t->stats.rx_bad++;
		return 0;
	case TFTP_ERROR:
		if (t->state == TFTP_DONE)
			return 0;
		tftp_remote_error(t, p, len, now);
		return 0;
	default:
		t->stats.rx_bad++;
		return -EBADMSG;
	}
}

void tftp_poll(struct tftp_client *t, uint64_t now)
{
	if (now >= t->ack_deadline) {
		t->ack_deadline = TFTP_NEVER;
		if (t->state == TFTP_RECEIVING && (t->since_ack || t->gap_acked)) {
			/* The server paused short of our window count, or its
			 * answer to the gap ACK was lost: tftp.h. */
			t->stats.idle_acks++;
			tftp_ack(t, (uint16_t)(t->expected - 1));
		}
	}
	if ((t->state != TFTP_RRQ_SENT && t->state != TFTP_RECEIVING) || now < t->deadline)
		return;
	t->stats.timeouts++;
	if (++t->retries > t->cfg.max_retries) {
		tftp_fail(t, -ETIMEDOUT, TFTP_EUNDEF, "timed out");
		return;
	}
	t->deadline = now + t->cfg.timeout_ms;
	if (t->state == TFTP_RRQ_SENT) {
		tftp_send_rrq(t);
		return;
	}
	/* A stall. An ack-clocked server would take a repeated ACK as a new
	 * one and skip a block: wait for it instead. */
	t->gap_acked = false;
	t->dup_acked = false;
	if (!t->ack_clocked) {
		t->stats.timeout_acks++;
		tftp_ack(t, (uint16_t)(t->expected - 1));
	}
}

uint64_t tftp_next_deadline(const struct tftp_client *t)
{
	if (t->state == TFTP_RRQ_SENT || t->state == TFTP_RECEIVING)
		return MIN(t->deadline, t->ack_deadline);
	return TFTP_NEVER;
}

uint64_t tftp_tsize(const struct tftp_client *t)
{
	return t->tsize_known ? t->tsize : 0;
}

const char *tftp_state_name(enum tftp_state s)
{
	static const char *const names[] = {
		[TFTP_IDLE] = "idle", [TFTP_RRQ_SENT] = "rrq-sent", [TFTP_RECEIVING] = "receiving",
		[TFTP_DONE] = "done", [TFTP_FAILED] = "failed",
	};

	if ((unsigned)s < ARRAY_SIZE(names))
		return names[s];
	return "?";
}
