/*
 * The scripted TCP tests' shared fixture (tests/unit/tcp_script.h).
 */
#include <check.h>
#include <stdlib.h>
#include "host_svc.h"
#include "tcp_script.h"

struct th_cap *C;
struct tcp_config cfg;

void setup(void)
{
	C = calloc(1, sizeof(*C));
	tcp_config_default(&cfg);
}

void start(void)
{
	ck_assert_ptr_nonnull(th_cap_init(C, &cfg));
}

void teardown(void)
{
	tcp_stack_destroy(C->st);
	free(C);
}

void peer_send(struct peer *p, uint8_t flags, const void *data, size_t len)
{
	struct th_opts o = {0};

	if (p->ts) {
		o.ts = true;
		o.ts_val = p->tsval;
		o.ts_ecr = p->tsecr;
	}
	th_inject(C, RIP, p->port, LIP, p->lport, p->nxt, p->ack, flags, p->win, &o, data, len);
	p->nxt += (uint32_t)len + !!(flags & TCP_F_SYN) + !!(flags & TCP_F_FIN);
}

/* Take in what the engine's last segment says (its seq space and TSval). */
const struct tcp_seg *peer_see(struct peer *p)
{
	const struct tcp_seg *s = th_cap_last(C);

	ck_assert_ptr_nonnull(s);
	if (s->has_ts)
		p->tsecr = s->ts_val;
	return s;
}

struct tcp_pcb *listen_on(uint16_t port, int backlog, struct th_sock *ls)
{
	struct tcp_pcb *l = tcp_pcb_new(C->st, ls);

	ck_assert_int_eq(tcp_bind(l, 0, port), 0);
	ck_assert_int_eq(tcp_listen(l, backlog), 0);
	if (ls)
		ls->pcb = l;
	return l;
}

/* Full passive handshake with timestamps; returns the accepted pcb. */
struct tcp_pcb *passive_open(struct peer *p, struct th_sock *s, bool ts)
{
	static struct th_sock ls;
	struct tcp_pcb *l = listen_on(LPORT, 8, &ls), *c;
	struct th_opts o = {
		.mss = true, .mss_val = 1460, .ws = true, .ws_val = 2, .ts = ts, .ts_val = 100};
	const struct tcp_seg *sa;

	p->port = RPORT;
	p->lport = LPORT;
	p->nxt = 5000;
	p->win = 16384;
	p->ts = ts;
	p->tsval = 100;
	th_cap_clear(C);
	th_inject(C, RIP, p->port, LIP, LPORT, p->nxt, 0, TCP_F_SYN, p->win, &o, NULL, 0);
	p->nxt++;
	ck_assert_uint_eq(C->n, 1);
	sa = peer_see(p);
	ck_assert_uint_eq(sa->flags, TCP_F_SYN | TCP_F_ACK);
	ck_assert_uint_eq(sa->ack, 5001);
	p->ack = sa->seq + 1;
	p->tsval++;
	th_cap_clear(C);
	peer_send(p, TCP_F_ACK, NULL, 0);
	ck_assert_uint_eq(C->n, 0);
	ck_assert(ls.events & TCP_EV_ACCEPT);
	c = tcp_accept_next(l, s);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(tcp_get_state(c), TCP_ESTABLISHED);
	s->pcb = c;
	return c;
}
