/*
 * tftp_fetch (net/net.h "TFTP"): the TFTP client engine of net/tftp.c run
 * in the net thread (net/net_work.c) for a sleeping kernel caller: root=tftp
 * and the netsvc selftests.
 *
 * Each attempt takes a fresh random ephemeral port (the client's transfer
 * id) and asks for blksize = the route's MTU - 32 (1468 on Ethernet, so no
 * block is fragmented; slirp cuts it to 1428 itself), windowsize 16
 * (RFC 7440; slirp and tftpd-hpa ignore it, atftpd takes it) and tsize, so
 * the buffer is sized once and the progress line can show a percentage.
 * The data goes to the caller's sink or to a buffer that grows as needed.
 *
 * QEMU's slirp cannot recover a lost DATA frame (DESIGN.md: it sends its
 * next block for every ACK, whatever number the ACK carries, so the engine
 * never ACKs on a timeout and the transfer fails with -ETIMEDOUT or -EIO
 * instead of skipping data). tftp_fetch therefore starts the whole transfer
 * over once after such a failure. A server's ERROR is final.
 *
 * The caller's thread prints the progress line (at most four times a
 * second, in place with '\r', straight to the consoles so it does not fill
 * the log; not with `quiet`; always once at the end, for its final state)
 * and one summary line in the log at the end.
 *
 * Lock legend: a struct xfer's engine, timer and port belong to the net
 * thread; `done`, `err`, `bytes` and `tsize` are written there and read by
 * the fetching thread (done last, with a barrier).
 */
#include <ksvc.h>
#include "kernel/lib/sha256.h"
#include "kernel/bootinfo.h"
#include "kernel/lib/console.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/sched.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/tftp.h"
#include "net/udp.h"

#define TFTP_WINDOW_DEFAULT  16
#define TFTP_BLKSIZE_MAX     65464 /* RFC 2348 */
#define TFTP_PROGRESS_MS     250
#define TFTP_FIRST_ALLOC_MIN (64 * 1024)

struct xfer {
	struct tftp_client t;
	struct net_timer timer;
	int port;
	const struct tftp_fetch_opts *o;
	uint8_t *buf; /* without a sink */
	uint64_t cap;
	volatile bool done;
	int err;
	volatile uint64_t bytes;
	volatile uint64_t tsize;
};

static struct waitq xfer_wq = WAITQ_INIT;

static int xfer_send(void *ctx, uint32_t dst, uint16_t dport, const void *buf, size_t len)
{
	struct xfer *x = ctx;

	return udp_sendto((uint16_t)x->port, 0, dst, dport, buf, len);
}

/* Net thread: store one in-order piece. */
static int xfer_data(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct xfer *x = ctx;
	uint64_t end = off + len, tsize = tftp_tsize(&x->t), max = x->o->max_size;

	x->tsize = tsize;
	if ((max && end > max) || (max && tsize > max))
		return -EFBIG;
	if (x->o->sink) {
		int err = x->o->sink(x->o->sink_arg, off, buf, len);
		if (!err)
			x->bytes = end;
		if (!err && x->o->hash)
			sha256_update(x->o->hash, buf, len);
		return err;
	}
	if (end > x->cap) {
		uint64_t want =
			tsize >= end ? tsize : MAX(MAX(end, x->cap * 2), TFTP_FIRST_ALLOC_MIN);
		void *p;
		if (max)
			want = MIN(want, max);
		if (want > SIZE_MAX / 2)
			return -ENOMEM;
		p = krealloc(x->buf, (size_t)want);
		if (!p)
			return -ENOMEM;
		x->buf = p;
		x->cap = want;
	}
	memcpy(x->buf + off, buf, len);
	x->bytes = end;
	if (x->o->hash)
		sha256_update(x->o->hash, buf, len);
	return 0;
}

static void xfer_done(void *ctx, int err)
{
	struct xfer *x = ctx;

	x->err = err;
	__atomic_store_n(&x->done, true, __ATOMIC_SEQ_CST);
	waitq_wake_all(&xfer_wq);
}

static void rearm(struct xfer *x)
{
	net_timer_arm(&x->timer, x->done ? UINT64_MAX : tftp_next_deadline(&x->t));
}

static void xfer_recv(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		      const uint8_t *data, size_t len)
{
	struct xfer *x = ctx;

	tftp_input(&x->t, data, len, src, sport, net_now_ms());
	rearm(x);
}

static const struct udp_ops xfer_udp_ops = {xfer_recv, NULL};

static void xfer_timer(void *arg)
{
	struct xfer *x = arg;

	tftp_poll(&x->t, net_now_ms());
	rearm(x);
}

/* Net thread: bind, send the RRQ. The configuration is in x->t.cfg. */
static void xfer_start(void *arg)
{
	static const struct tftp_ops ops = {xfer_send, xfer_data, xfer_done};
	struct xfer *x = arg;
	struct tftp_config cfg = x->t.cfg;
	int err;

	net_timer_init(&x->timer, xfer_timer, x);
	x->port = net_udp_bind_random(&xfer_udp_ops, x);
	if (x->port < 0) {
		xfer_done(x, x->port);
		return;
	}
	tftp_init(&x->t, &cfg, &ops, x);
	err = tftp_start(&x->t, net_now_ms());
	if (err)
		xfer_done(x, err);
	rearm(x);
}

/* Net thread: after this no callback can reach x. */
static void xfer_stop(void *arg)
{
	struct xfer *x = arg;

	if (!x->done)
		tftp_abort(&x->t, -EINTR, "client gave up");
	net_timer_cancel(&x->timer);
	if (x->port > 0)
		udp_unbind((uint16_t)x->port);
	x->port = 0;
}

static bool xfer_finished(void *arg)
{
	return ((struct xfer *)arg)->done;
}

/* "12.34" MiB with two decimals, without floating point. */
static void fmt_mib(char *out, size_t size, uint64_t bytes)
{
	uint64_t c = bytes * 100 / (1024 * 1024);

	ksnprintf(out, size, "%llu.%02llu", (unsigned long long)(c / 100),
		  (unsigned long long)(c % 100));
}

static void fmt_rate(char *out, size_t size, uint64_t bytes, uint64_t ms)
{
	fmt_mib(out, size, ms ? bytes * 1000 / ms : 0);
}

static void progress(const char *what, struct xfer *x, uint64_t ms)
{
	char line[160], got[24], total[24], rate[24];
	uint64_t b = x->bytes, ts = x->tsize;
	int n;

	fmt_mib(got, sizeof(got), b);
	fmt_rate(rate, sizeof(rate), b, ms);
	if (ts) {
		fmt_mib(total, sizeof(total), ts);
		n = ksnprintf(line, sizeof(line), "\rtftp: %s %s of %s MiB %3llu%% %s MiB/s ", what,
			      got, total, (unsigned long long)(MIN(b, ts) * 100 / ts), rate);
	} else {
		n = ksnprintf(line, sizeof(line), "\rtftp: %s %s MiB %s MiB/s ", what, got, rate);
	}
	console_write_raw(line, MIN((size_t)n, sizeof(line) - 1));
}

static const char *err_text(int err)
{
	switch (err) {
	case -ENOENT:
		return "file not found";
	case -EACCES:
		return "access violation";
	case -ENOSPC:
		return "server disk full";
	case -EPERM:
		return "no such user";
	case -EOPNOTSUPP:
		return "option negotiation refused";
	case -ETIMEDOUT:
		return "timed out";
	case -EIO:
		return "transfer broken";
	case -EFBIG:
		return "file too big for the limit";
	case -ENOMEM:
		return "file too big for RAM";
	case -EBADMSG:
		return "bad answer from the server";
	case -ENETUNREACH:
		return "no route to the server";
	default:
		return "failed";
	}
}

static uint16_t default_blksize(uint32_t server)
{
	struct netdev *dev;
	uint32_t nexthop, src;

	if (ipv4_route_lookup(server, &dev, &nexthop, &src) != 0)
		return 0;
	if (dev->mtu <= 512 + 32)
		return 512;
	return (uint16_t)MIN(dev->mtu - 32, (unsigned)TFTP_BLKSIZE_MAX);
}

int tftp_fetch(uint32_t server, const char *path, const struct tftp_fetch_opts *opts,
	       struct tftp_fetch_result *res)
{
	static const struct tftp_fetch_opts defaults;
	const struct tftp_fetch_opts *o = opts ? opts : &defaults;
	unsigned max_attempts = o->no_retry ? 1 : 1 + (o->retries ? o->retries : 1);
	char what[TFTP_FILENAME_MAX + 20], srv[16], rate[24];
	struct tftp_config cfg;
	struct xfer *x;
	int err = 0;

	bool show = !o->quiet && !boot_options.quiet;

	memset(res, 0, sizeof(*res));
	if (net_in_thread())
		return -EDEADLK; /* it would wait for itself */
	if (!path[0] || strlen(path) >= TFTP_FILENAME_MAX)
		return -EINVAL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.server_ip = server;
	cfg.server_port = o->port;
	strlcpy(cfg.filename, path, sizeof(cfg.filename));
	cfg.blksize = o->blksize ? o->blksize : default_blksize(server);
	if (!cfg.blksize)
		return -ENETUNREACH;
	if (cfg.blksize == 512)
		cfg.blksize = 0;
	cfg.windowsize = o->windowsize ? o->windowsize : TFTP_WINDOW_DEFAULT;
	if (cfg.windowsize == 1)
		cfg.windowsize = 0;
	cfg.ask_tsize = true;
	ksnprintf(what, sizeof(what), "%s:%s", net_fmt_ip(srv, server), path);

	x = kzalloc(sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->o = o;
	for (unsigned attempt = 1; attempt <= max_attempts; attempt++) {
		uint64_t t0 = net_now_ms(), last = t0, now;

		x->t.cfg = cfg;
		x->done = false;
		x->err = 0;
		x->bytes = 0;
		if (o->hash)
			sha256_init(o->hash);
		x->tsize = 0;
		res->attempts = attempt;
		net_call(xfer_start, x);
		while (!x->done) {
			waitq_wait(&xfer_wq, xfer_finished, x, TFTP_PROGRESS_MS);
			now = net_now_ms();
			if (show && !x->done && now - last >= TFTP_PROGRESS_MS) {
				progress(what, x, now - t0);
				last = now;
			}
		}
		net_call(xfer_stop, x);
		now = net_now_ms();
		if (show) {
			/* The last state, even when the fetch was too quick
			 * for a progress line. */
			progress(what, x, now - t0);
			console_write_raw("\n", 1);
		}
		err = x->err;
		res->size = x->bytes;
		res->tsize = x->tsize;
		res->elapsed_ms = now - t0;
		res->blksize = x->t.blksize;
		res->window = x->t.window;
		res->err_code = x->t.err_code;
		res->err_remote = x->t.err_remote;
		strlcpy(res->err_msg, x->t.err_msg, sizeof(res->err_msg));
		if (!err || x->t.err_remote || (err != -ETIMEDOUT && err != -EIO) ||
		    attempt == max_attempts)
			break;
		pr_warn("tftp: %s: %s after %llu bytes; starting over (attempt %u of %u)\n", what,
			err_text(err), (unsigned long long)res->size, attempt + 1, max_attempts);
	}
	if (!err) {
		res->data = x->buf;
		x->buf = NULL;
		fmt_rate(rate, sizeof(rate), res->size, res->elapsed_ms);
		pr_info("tftp: %s: %llu bytes in %llu ms, %s MiB/s (blksize %u, windowsize %u, "
			"attempt %u)\n",
			what, (unsigned long long)res->size, (unsigned long long)res->elapsed_ms,
			rate, res->blksize, res->window, res->attempts);
		/* What the transfer cost: frames, and every kind of recovery. */
		const struct tftp_stats *st = &x->t.stats;
		pr_info("tftp: %s: rx %llu dup %llu ooo %llu bad %llu, acks %llu (gap %llu dup "
			"%llu timeout %llu), timeouts %llu\n",
			what, (unsigned long long)st->rx, (unsigned long long)st->rx_dup,
			(unsigned long long)st->rx_ooo, (unsigned long long)st->rx_bad,
			(unsigned long long)st->acks, (unsigned long long)st->gap_acks,
			(unsigned long long)st->dup_acks, (unsigned long long)st->timeout_acks,
			(unsigned long long)st->timeouts);
	} else if (res->err_remote) {
		pr_err("tftp: %s: %s (server error %u: \"%s\")\n", what, err_text(err),
		       res->err_code, res->err_msg);
	} else if (res->tsize) {
		pr_err("tftp: %s: %s after %llu of %llu bytes\n", what, err_text(err),
		       (unsigned long long)res->size, (unsigned long long)res->tsize);
	} else {
		pr_err("tftp: %s: %s after %llu bytes\n", what, err_text(err),
		       (unsigned long long)res->size);
	}
	kfree(x->buf);
	kfree(x);
	return err;
}
