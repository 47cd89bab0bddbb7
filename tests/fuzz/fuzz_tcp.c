/*
 * libFuzzer target for the TCP engine (net/tcp_*.c). The input is a
 * program: each step injects a segment (aimed near a live connection's
 * sequence numbers so that it reaches deep states, or raw bytes), moves the
 * clock, opens or ends a receive batch, or makes an API call (send, recv,
 * shutdown, close, abort, accept, connect, options). After every step
 * tcp_check_invariants() checks the sequence-space and buffer invariants,
 * and every segment the engine emits must parse with a valid checksum. A
 * listener, an accepted connection and an active open exist from the
 * start.
 */
#include <stdint.h>
#include <stddef.h>
#include "net/tcp.h"
#include "net/tcp_internal.h"

#define LIP    0x0a00020fu
#define RIP    0x0a000202u
#define MAXPCB 8

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t get8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t get16(struct in *in)
{
	return (uint16_t)(get8(in) << 8 | get8(in));
}

static uint32_t get32(struct in *in)
{
	return (uint32_t)get16(in) << 16 | get16(in);
}

static int out_cb(void *ctx, uint32_t src, uint32_t dst, uint8_t proto, const void *buf, size_t len)
{
	struct tcp_seg seg;

	if (proto != IPPROTO_TCP || tcp_parse(&seg, src, dst, buf, len))
		panic("fuzz_tcp: the engine emitted a bad segment");
	return 0;
}

static void rand_cb(void *ctx, void *buf, size_t len)
{
	memset(buf, 0x5a, len);
}

static unsigned mtu_cb(void *ctx, uint32_t dst)
{
	return *(unsigned *)ctx;
}

static uint8_t seg_buf[TCP_HDR_MAX_LEN + 2048];
static uint8_t data_buf[4096];

static void inject(struct tcp_stack *st, uint64_t now, uint16_t sport, uint16_t dport, uint32_t seq,
		   uint32_t ack, uint8_t flags, uint16_t win, uint8_t optsel, struct in *in,
		   size_t dlen)
{
	unsigned n = TCP_HDR_LEN;
	uint16_t csum;

	if (optsel & 1) {
		seg_buf[n++] = TCP_OPT_MSS;
		seg_buf[n++] = 4;
		tcp_put16(seg_buf + n, get16(in));
		n += 2;
	}
	if (optsel & 2) {
		seg_buf[n++] = TCP_OPT_NOP;
		seg_buf[n++] = TCP_OPT_WS;
		seg_buf[n++] = 3;
		seg_buf[n++] = get8(in);
	}
	if (optsel & 4) {
		seg_buf[n++] = TCP_OPT_NOP;
		seg_buf[n++] = TCP_OPT_NOP;
		seg_buf[n++] = TCP_OPT_TS;
		seg_buf[n++] = 10;
		tcp_put32(seg_buf + n, get32(in));
		tcp_put32(seg_buf + n + 4, get32(in));
		n += 8;
	}
	if (dlen > sizeof(seg_buf) - n)
		dlen = sizeof(seg_buf) - n;
	tcp_put16(seg_buf + TCP_OFF_SPORT, sport);
	tcp_put16(seg_buf + TCP_OFF_DPORT, dport);
	tcp_put32(seg_buf + TCP_OFF_SEQ, seq);
	tcp_put32(seg_buf + TCP_OFF_ACK, ack);
	seg_buf[TCP_OFF_DOFF] = (uint8_t)((n / 4) << 4);
	seg_buf[TCP_OFF_FLAGS] = flags;
	tcp_put16(seg_buf + TCP_OFF_WIN, win);
	tcp_put16(seg_buf + TCP_OFF_CSUM, 0);
	tcp_put16(seg_buf + TCP_OFF_URP, 0);
	for (size_t i = 0; i < dlen; i++)
		seg_buf[n + i] = (uint8_t)(i * 31);
	csum = tcp_checksum(RIP, LIP, seg_buf, n + dlen);
	memcpy(seg_buf + TCP_OFF_CSUM, &csum, 2);
	tcp_input(st, RIP, LIP, seg_buf, n + dlen, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tcp_stack_ops ops = {
		.ip_output = out_cb, .random = rand_cb, .route_mtu = mtu_cb};
	struct in in = {data, size};
	struct tcp_config cfg;
	struct tcp_stack *st;
	struct tcp_pcb *pcbs[MAXPCB] = {0}, *l;
	unsigned mtu = 1500;
	uint64_t now = 1000;
	int steps = 0;

	tcp_config_default(&cfg);
	cfg.sndbuf = cfg.rcvbuf = 8192 + (get8(&in) & 3) * 20000;
	cfg.time_wait_max = 4;
	cfg.challenge_ack_per_s = 1000;
	st = tcp_stack_create(&ops, &mtu, &cfg, now);
	if (!st)
		return 0;
	/* A listener, a passive connection made through it, an active open. */
	l = tcp_pcb_new(st, NULL);
	tcp_bind(l, 0, 80);
	tcp_listen(l, 2);
	inject(st, now, 40000, 80, 1000, 0, TCP_F_SYN, 8192, 0, &in, 0);
	for (struct tcp_pcb *p = st->pcbs; p; p = p->next) {
		if (p->state == TCP_SYN_RCVD)
			inject(st, now, 40000, 80, 1001, p->iss + 1, TCP_F_ACK, 8192, 0, &in, 0);
	}
	pcbs[0] = l;
	pcbs[1] = tcp_accept_next(l, NULL);
	pcbs[2] = tcp_pcb_new(st, NULL);
	tcp_open_active(pcbs[2], LIP, RIP, 443);
	tcp_check_invariants(st);

	while (in.n && steps++ < 400) {
		uint8_t op = get8(&in), k = get8(&in);
		struct tcp_pcb *p = pcbs[k % MAXPCB];

		switch (op % 13) {
		case 0:
		case 1:
		case 2: {
			/* A segment aimed at a connection's window. */
			struct tcp_pcb *t = p && p->state > TCP_LISTEN ? p : NULL;
			uint16_t sport = t ? t->rport : (uint16_t)(40000 + (k & 7));
			uint16_t dport = t ? t->lport : (k & 8 ? 80 : (uint16_t)(1 + (k & 7)));
			int16_t ds = (int16_t)get16(&in), da = (int16_t)get16(&in);
			uint32_t seq = (t ? t->rcv_nxt : get32(&in)) + (uint32_t)(int32_t)ds;
			uint32_t ack = (t ? t->snd_una : get32(&in)) + (uint32_t)(int32_t)da;
			uint8_t flags = get8(&in);
			uint16_t win = get16(&in);
			uint8_t optsel = get8(&in);
			size_t dlen = get8(&in) * 8u;

			inject(st, now, sport, dport, seq, ack, flags & 0x3f, win, optsel, &in,
			       dlen);
			break;
		}
		case 3: {
			/* Raw bytes as a segment, checksum fixed up. */
			size_t n = get8(&in);
			uint16_t csum;

			if (n > in.n)
				n = in.n;
			memcpy(seg_buf, in.p, n);
			in.p += n;
			in.n -= n;
			if (n >= TCP_HDR_LEN) {
				tcp_put16(seg_buf + TCP_OFF_CSUM, 0);
				csum = tcp_checksum(RIP, LIP, seg_buf, n);
				memcpy(seg_buf + TCP_OFF_CSUM, &csum, 2);
			}
			tcp_input(st, RIP, LIP, seg_buf, n, now);
			break;
		}
		case 4:
			now += (uint64_t)k * (k & 0x80 ? 1000 : 7);
			tcp_poll(st, now);
			break;
		case 5:
			if (p && p != l) {
				long r = tcp_send(p, data_buf, (size_t)get8(&in) * 16u);

				if (r > 0 && r > 4096)
					panic("fuzz_tcp: sent more than offered");
			}
			break;
		case 6:
			if (p && p != l)
				tcp_recv(p, data_buf, (size_t)get8(&in) * 16u, k & 1);
			break;
		case 7:
			if (p && p != l)
				tcp_shutdown_write(p);
			break;
		case 8:
			if (p) {
				if (k & 0x40)
					tcp_abort(p);
				else
					tcp_close(p);
				if (p == l)
					l = NULL;
				pcbs[k % MAXPCB] = NULL;
			}
			break;
		case 9:
			if (!p && l)
				pcbs[k % MAXPCB] = tcp_accept_next(l, NULL);
			else if (!p) {
				p = tcp_pcb_new(st, NULL);
				if (tcp_open_active(p, LIP, RIP, (uint16_t)(400 + (k & 3))))
					tcp_close(p);
				else
					pcbs[k % MAXPCB] = p;
			}
			break;
		case 10:
			if (p)
				tcp_setopt(p, (enum tcp_opt)(get8(&in) % 9), (int)get16(&in));
			break;
		case 11:
			mtu = get16(&in);
			break;
		case 12:
			/* Open or close a receive batch (held ACKs). */
			if (st->batching)
				tcp_batch_end(st, now);
			else
				tcp_batch_begin(st);
			break;
		}
		tcp_set_time(st, now);
		tcp_check_invariants(st);
		if (tcp_next_deadline(st) < now && tcp_next_deadline(st) != UINT64_MAX) {
			/* Overdue timers are fine until the next poll; run it. */
			tcp_poll(st, now);
			tcp_check_invariants(st);
		}
	}
	tcp_stack_destroy(st);
	return 0;
}
