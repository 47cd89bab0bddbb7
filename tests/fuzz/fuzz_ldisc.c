/*
 * libFuzzer target for kernel/tty/ldisc.c, the tty line discipline. Typed
 * input is untrusted (anyone on a serial line or a telnet session), and so
 * are the termios settings a program sets. The input is a script of
 * operations: new termios, bytes typed, reads of various sizes, output
 * through buffers of various sizes, flushes. Invariants: no crash or
 * out-of-bounds access (ASan), queue indices ordered and within the buffer,
 * reads and FIONREAD consistent with ldisc_readable, output within the
 * caller's buffer, only the three tty signals.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/tty/ldisc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cursor {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static uint32_t next32(struct cursor *c)
{
	uint32_t v = next(c);

	v |= (uint32_t)next(c) << 8;
	v |= (uint32_t)next(c) << 16;
	return v | (uint32_t)next(c) << 24;
}

static void cb_signal(void *ctx, int sig)
{
	if (sig != LDISC_SIGINT && sig != LDISC_SIGQUIT && sig != LDISC_SIGTSTP)
		abort();
}

static void cb_echo(void *ctx, const uint8_t *b, size_t n)
{
	volatile uint8_t sink = 0;
	size_t i;

	if (n == 0)
		abort();
	for (i = 0; i < n; i++) /* ASan checks every byte is in bounds */
		sink ^= b[i];
	(void)sink;
}

static const struct ldisc_ops ops = {cb_signal, cb_echo, NULL};

static void check(const struct ldisc *ld)
{
	if (ld->read_tail > ld->canon_head || ld->canon_head > ld->read_head ||
	    ld->read_head - ld->read_tail > LDISC_BUF_SIZE)
		abort();
	if (!(ld->termios.c_lflag & ICANON) && ld->canon_head != ld->read_head)
		abort();
	if (ldisc_available(ld) > ld->read_head - ld->read_tail)
		abort();
}

static void do_read(struct ldisc *ld, size_t n, bool now)
{
	uint8_t *buf = malloc(n ? n : 1);
	bool readable = ldisc_readable(ld), canon = ld->termios.c_lflag & ICANON;
	size_t avail = ldisc_available(ld);
	bool wb;
	long r;

	r = now ? ldisc_read_now(ld, buf, n, &wb) : ldisc_read(ld, buf, n, &wb);
	if (r < 0 || (size_t)r > n || (size_t)r > avail)
		abort();
	if (wb && (r != 0 || n == 0))
		abort();
	if (readable && n > 0 && wb)
		abort(); /* readable promised a read would return */
	if (!canon && !wb && ldisc_available(ld) != avail - (size_t)r)
		abort();
	if (canon && r > 0 && ldisc_available(ld) != avail - (size_t)r)
		abort();
	free(buf);
}

static void do_output(struct ldisc *ld, struct cursor *c)
{
	size_t n = next(c), out_size = next(c) % 40, consumed, o;
	uint8_t in[256];
	uint8_t *out = malloc(out_size ? out_size : 1);
	size_t i;

	for (i = 0; i < n; i++)
		in[i] = next(c);
	o = ldisc_output(ld, in, n, out, out_size, &consumed);
	if (o > out_size || consumed > n)
		abort();
	if (ld->stopped && (o || consumed))
		abort();
	/* With room for the largest expansion, progress is guaranteed. */
	if (!ld->stopped && n > 0 && out_size >= LDISC_OPOST_MAX && consumed == 0)
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	struct ldisc *ld = malloc(sizeof(*ld));
	struct termios t;
	unsigned steps = 0;

	termios_default(&t);
	ldisc_init(ld, &t, &ops, NULL);
	while (c.left && steps++ < 2000) {
		uint8_t op = next(&c), n, i;
		uint8_t bytes[256];

		switch (op % 8) {
		case 0: /* new settings */
			t.c_iflag = next32(&c);
			t.c_oflag = next32(&c);
			t.c_lflag = next32(&c);
			for (i = 0; i < 4; i++)
				t.c_cc[next(&c) % NCCS] = next(&c);
			ldisc_set_termios(ld, &t);
			break;
		case 1:
		case 2: /* typing */
			n = next(&c);
			for (i = 0; i < n; i++)
				bytes[i] = next(&c);
			if (ldisc_receive(ld, bytes, n) > n)
				abort();
			break;
		case 3: /* a long run of one byte, to reach the line limit */
			n = next(&c);
			memset(bytes, n, sizeof(bytes));
			for (i = 0; i < 20; i++)
				ldisc_receive(ld, bytes, sizeof(bytes));
			break;
		case 4:
			do_read(ld, next(&c), false);
			break;
		case 5:
			do_read(ld, (size_t)next(&c) << 5, (op >> 3) & 1);
			break;
		case 6:
			do_output(ld, &c);
			break;
		case 7:
			if (op & 0x80)
				ldisc_flush_input(ld);
			else
				do_read(ld, 8192, true);
			break;
		}
		check(ld);
	}
	free(ld);
	return 0;
}
