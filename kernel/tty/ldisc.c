/*
 * The tty line discipline: input processing, canonical line editing and
 * echo, reads, and output processing. See ldisc.h for the interface.
 *
 * References: POSIX termios(3) / XBD chapter 11 "General Terminal
 * Interface"; Linux drivers/tty/n_tty.c, whose behaviour this follows:
 * the order of checks in n_tty_receive_char_special(), eraser() for
 * VERASE/VWERASE/VKILL echo, canon_copy_from_read_buf() for line reads,
 * do_output_char() for output processing and column tracking.
 *
 * Differences from N_TTY: echo is written out at once, even while output is
 * stopped by ^S; no PARMRK, ECHOPRT, XCASE, IUCLC, OLCUC or VDISCARD;
 * control characters are ASCII (0x00-0x1f, 0x7f) only; a ^D left in the
 * queue when ICANON is turned off is removed instead of read as NUL.
 */
#include <ksvc.h>
#include "kernel/tty/ldisc.h"

#define MASK(i) ((i) & (LDISC_BUF_SIZE - 1))

static bool bit_get(const uint8_t *map, size_t i)
{
	i = MASK(i);
	return (map[i >> 3] >> (i & 7)) & 1;
}

static void bit_put(uint8_t *map, size_t i, bool v)
{
	i = MASK(i);
	if (v)
		map[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

static bool is_ctl(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_cont(const struct ldisc *ld, uint8_t c)
{
	return (ld->termios.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* c is the character in c_cc[idx], which is not disabled. */
static bool cc_is(const struct ldisc *ld, unsigned idx, uint8_t c)
{
	uint8_t v = ld->termios.c_cc[idx];

	return v != _POSIX_VDISABLE && v == c;
}

static bool icanon(const struct ldisc *ld)
{
	return ld->termios.c_lflag & ICANON;
}

/* ---- output processing ---- */

/*
 * One byte through OPOST into out (room for LDISC_OPOST_MAX), tracking the
 * column as do_output_char() does. Returns the bytes produced.
 */
static size_t opost_char(struct ldisc *ld, uint8_t c, uint8_t *out)
{
	uint32_t of = ld->termios.c_oflag;
	unsigned spaces;

	if (!(of & OPOST)) {
		out[0] = c;
		return 1;
	}
	switch (c) {
	case '\n':
		if (of & ONLRET)
			ld->column = 0;
		if (of & ONLCR) {
			ld->canon_column = ld->column = 0;
			out[0] = '\r';
			out[1] = '\n';
			return 2;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if ((of & ONOCR) && ld->column == 0)
			return 0;
		if (of & OCRNL) {
			c = '\n';
			if (of & ONLRET)
				ld->canon_column = ld->column = 0;
			break;
		}
		ld->canon_column = ld->column = 0;
		break;
	case '\t':
		spaces = 8 - (ld->column & 7);
		ld->column += spaces;
		if ((of & TABDLY) == XTABS) {
			memset(out, ' ', spaces);
			return spaces;
		}
		break;
	case '\b':
		if (ld->column > 0)
			ld->column--;
		break;
	default:
		if (!is_ctl(c) && !is_cont(ld, c))
			ld->column++;
		break;
	}
	out[0] = c;
	return 1;
}

size_t ldisc_output(struct ldisc *ld, const uint8_t *in, size_t n, uint8_t *out, size_t out_size,
		    size_t *consumed)
{
	uint8_t tmp[LDISC_OPOST_MAX];
	size_t i, o = 0;

	*consumed = 0;
	if (ld->stopped)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned col = ld->column, ccol = ld->canon_column;
		size_t k = opost_char(ld, in[i], tmp);

		if (k > out_size - o) {
			ld->column = col; /* not written: undo the column change */
			ld->canon_column = ccol;
			break;
		}
		memcpy(out + o, tmp, k);
		o += k;
	}
	*consumed = i;
	return o;
}

/* ---- echo ---- */

static void echo_bytes(struct ldisc *ld, const uint8_t *s, size_t n)
{
	uint8_t out[4 * LDISC_OPOST_MAX];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + LDISC_OPOST_MAX > sizeof(out)) {
			ld->ops->echo_out(ld->ctx, out, o);
			o = 0;
		}
		o += opost_char(ld, s[i], out + o);
	}
	if (o)
		ld->ops->echo_out(ld->ctx, out, o);
}

static void echo_raw(struct ldisc *ld, uint8_t c)
{
	echo_bytes(ld, &c, 1);
}

/* Echo a character, control characters as ^X under ECHOCTL (tab excepted). */
static void echo_char(struct ldisc *ld, uint8_t c)
{
	if ((ld->termios.c_lflag & ECHOCTL) && is_ctl(c) && c != '\t') {
		uint8_t s[2] = {'^', (uint8_t)(c ^ 0x40)};

		echo_bytes(ld, s, 2);
	} else {
		echo_raw(ld, c);
	}
}

static void echo_erase1(struct ldisc *ld)
{
	static const uint8_t seq[3] = {'\b', ' ', '\b'};

	echo_bytes(ld, seq, 3);
}

/* ---- the input queue ---- */

static void queue_put(struct ldisc *ld, uint8_t c, bool delim, bool eof)
{
	size_t i = ld->read_head++;

	ld->buf[MASK(i)] = c;
	bit_put(ld->delim, i, delim);
	bit_put(ld->eof, i, eof);
	if (!icanon(ld))
		ld->canon_head = ld->read_head;
}

static size_t queued(const struct ldisc *ld)
{
	return ld->read_head - ld->read_tail;
}

void ldisc_flush_input(struct ldisc *ld)
{
	ld->read_tail = ld->canon_head = ld->read_head;
	ld->lnext = false;
}

/* A line delimiter (newline, VEOL, VEOL2, VEOF) ends the edited line. */
static void put_delim(struct ldisc *ld, uint8_t c, bool eof)
{
	if (queued(ld) >= LDISC_BUF_SIZE) {
		ld->dropped++;
		return;
	}
	queue_put(ld, c, true, eof);
	ld->canon_head = ld->read_head;
}

/*
 * An ordinary character: echo and queue. False when raw mode has no room
 * (the byte is not consumed); in canonical mode a character past the line
 * limit is dropped, with a bell under IMAXBEL.
 */
static bool put_normal(struct ldisc *ld, uint8_t c)
{
	uint32_t lf = ld->termios.c_lflag;

	if (icanon(ld) ? queued(ld) >= LDISC_LINE_MAX : queued(ld) >= LDISC_BUF_SIZE) {
		if (!icanon(ld))
			return false;
		ld->dropped++;
		if ((lf & ECHO) && (ld->termios.c_iflag & IMAXBEL))
			echo_raw(ld, '\a');
		return true;
	}
	if (lf & ECHO) {
		if (c == '\n') {
			echo_raw(ld, c);
		} else {
			if (ld->canon_head == ld->read_head)
				ld->canon_column = ld->column;
			echo_char(ld, c);
		}
	}
	queue_put(ld, c, false, false);
	return true;
}

/* ---- canonical editing ---- */

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* Echo to back over a tab at the end of the edited line (read_head). */
static void echo_erase_tab(struct ldisc *ld)
{
	unsigned col = ld->canon_column, nbs;
	size_t i;

	for (i = ld->canon_head; i != ld->read_head; i++) {
		uint8_t c = ld->buf[MASK(i)];

		if (is_cont(ld, c))
			continue;
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctl(c))
			col += (ld->termios.c_lflag & ECHOCTL) ? 2 : 0;
		else
			col++;
	}
	nbs = 8 - (col & 7);
	if (nbs > ld->column)
		nbs = ld->column;
	while (nbs--)
		echo_raw(ld, '\b');
}

/* VERASE, VWERASE and VKILL, after eraser() in n_tty.c. */
static void eraser(struct ldisc *ld, uint8_t c, enum erase_kind kind)
{
	uint32_t lf = ld->termios.c_lflag;
	unsigned seen_alnums = 0;

	if (ld->read_head == ld->canon_head)
		return;
	if (kind == ERASE_LINE) {
		if (!(lf & ECHO)) {
			ld->read_head = ld->canon_head;
			return;
		}
		if (!(lf & ECHOK) || !(lf & ECHOKE) || !(lf & ECHOE)) {
			ld->read_head = ld->canon_head;
			echo_char(ld, c);
			if (lf & ECHOK)
				echo_raw(ld, '\n');
			return;
		}
	}
	while (ld->read_head != ld->canon_head) {
		size_t head = ld->read_head;
		uint8_t e;

		/* A UTF-8 sequence goes as one character. */
		do {
			head--;
			e = ld->buf[MASK(head)];
		} while (is_cont(ld, e) && head != ld->canon_head);
		if (is_cont(ld, e))
			break; /* a stray continuation byte starts the line */
		if (kind == ERASE_WORD) {
			if (is_alnum(e) || e == '_')
				seen_alnums++;
			else if (seen_alnums)
				break;
		}
		ld->read_head = head;
		if (lf & ECHO) {
			if (kind == ERASE_CHAR && !(lf & ECHOE)) {
				echo_char(ld, c);
			} else if (e == '\t') {
				echo_erase_tab(ld);
			} else {
				if (is_ctl(e) && (lf & ECHOCTL))
					echo_erase1(ld);
				if (!is_ctl(e) || (lf & ECHOCTL))
					echo_erase1(ld);
			}
		}
		if (kind == ERASE_CHAR)
			break;
	}
}

static void reprint(struct ldisc *ld, uint8_t c)
{
	size_t i;

	echo_char(ld, c);
	echo_raw(ld, '\n');
	ld->canon_column = ld->column;
	for (i = ld->canon_head; i != ld->read_head; i++)
		echo_char(ld, ld->buf[MASK(i)]);
}

/* ISIG: flush unless NOFLSH, signal, restart output, echo (n_tty isig()). */
static void do_signal(struct ldisc *ld, int sig, uint8_t c)
{
	if (!(ld->termios.c_lflag & NOFLSH)) {
		ldisc_flush_input(ld);
		if (ld->ops->flush_output)
			ld->ops->flush_output(ld->ctx);
	}
	ld->ops->signal(ld->ctx, sig);
	if (ld->termios.c_iflag & IXON)
		ld->stopped = false;
	if (ld->termios.c_lflag & ECHO)
		echo_char(ld, c);
}

/* One input byte. False when raw mode has no room for it. */
static bool receive_char(struct ldisc *ld, uint8_t c)
{
	uint32_t ifl = ld->termios.c_iflag, lf = ld->termios.c_lflag;

	if (ifl & ISTRIP)
		c &= 0x7f;
	if (ld->lnext) {
		/* Quoted by VLNEXT: no special meaning, no CR mapping. */
		if (!put_normal(ld, c))
			return false;
		ld->lnext = false;
		return true;
	}
	if (ifl & IXON) {
		if (cc_is(ld, VSTART, c)) {
			ld->stopped = false;
			return true;
		}
		if (cc_is(ld, VSTOP, c)) {
			ld->stopped = true;
			return true;
		}
	}
	if (lf & ISIG) {
		if (cc_is(ld, VINTR, c)) {
			do_signal(ld, LDISC_SIGINT, c);
			return true;
		}
		if (cc_is(ld, VQUIT, c)) {
			do_signal(ld, LDISC_SIGQUIT, c);
			return true;
		}
		if (cc_is(ld, VSUSP, c)) {
			do_signal(ld, LDISC_SIGTSTP, c);
			return true;
		}
	}
	if (ld->stopped && (ifl & IXON) && (ifl & IXANY))
		ld->stopped = false;
	if (c == '\r') {
		if (ifl & IGNCR)
			return true;
		if (ifl & ICRNL)
			c = '\n';
	} else if (c == '\n' && (ifl & INLCR)) {
		c = '\r';
	}
	if (!icanon(ld))
		return put_normal(ld, c);

	if (cc_is(ld, VERASE, c)) {
		eraser(ld, c, ERASE_CHAR);
		return true;
	}
	if (cc_is(ld, VKILL, c)) {
		eraser(ld, c, ERASE_LINE);
		return true;
	}
	if ((lf & IEXTEN) && cc_is(ld, VWERASE, c)) {
		eraser(ld, c, ERASE_WORD);
		return true;
	}
	if ((lf & IEXTEN) && cc_is(ld, VLNEXT, c)) {
		ld->lnext = true;
		if ((lf & ECHO) && (lf & ECHOCTL)) {
			static const uint8_t hat[2] = {'^', '\b'};

			echo_bytes(ld, hat, 2);
		}
		return true;
	}
	if ((lf & IEXTEN) && (lf & ECHO) && cc_is(ld, VREPRINT, c)) {
		reprint(ld, c);
		return true;
	}
	if (c == '\n') {
		if (lf & (ECHO | ECHONL))
			echo_raw(ld, '\n');
		put_delim(ld, c, false);
		return true;
	}
	if (cc_is(ld, VEOF, c)) {
		put_delim(ld, c, true); /* never echoed, never read */
		return true;
	}
	if (cc_is(ld, VEOL, c) || ((lf & IEXTEN) && cc_is(ld, VEOL2, c))) {
		if (lf & ECHO) {
			if (ld->canon_head == ld->read_head)
				ld->canon_column = ld->column;
			echo_char(ld, c);
		}
		put_delim(ld, c, false);
		return true;
	}
	return put_normal(ld, c);
}

size_t ldisc_receive(struct ldisc *ld, const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!receive_char(ld, buf[i]))
			break;
	}
	return i;
}

/* ---- reading ---- */

static void copy_out(struct ldisc *ld, uint8_t *dst, size_t n)
{
	size_t first = LDISC_BUF_SIZE - MASK(ld->read_tail);

	if (first > n)
		first = n;
	memcpy(dst, ld->buf + MASK(ld->read_tail), first);
	memcpy(dst + first, ld->buf, n - first);
	ld->read_tail += n;
}

/* After canon_copy_from_read_buf(): one line, or the first n bytes of it. */
static long read_canon(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block)
{
	size_t avail = ld->canon_head - ld->read_tail;
	size_t look, i;

	if (avail == 0) {
		*would_block = true;
		return 0;
	}
	/* Look one past n: a delimiter right after n bytes is taken too,
	 * so that a ^D after a full buffer is not later read as EOF. */
	look = n < avail ? n + 1 : avail;
	for (i = 0; i < look; i++) {
		size_t pos = ld->read_tail + i;

		if (!bit_get(ld->delim, pos))
			continue;
		if (bit_get(ld->eof, pos)) {
			copy_out(ld, buf, i);
			ld->read_tail++; /* the ^D itself */
			return (long)i;
		}
		if (i < n) {
			copy_out(ld, buf, i + 1);
			return (long)(i + 1);
		}
		break;
	}
	copy_out(ld, buf, MIN(n, avail));
	return (long)MIN(n, avail);
}

static long do_read(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block, bool now)
{
	size_t avail, want;
	uint8_t vmin = ld->termios.c_cc[VMIN];

	*would_block = false;
	if (n == 0)
		return 0;
	if (icanon(ld))
		return read_canon(ld, buf, n, would_block);
	avail = queued(ld);
	want = MIN((size_t)vmin, n);
	if (vmin > 0 && (avail == 0 || (!now && avail < want))) {
		*would_block = true;
		return 0;
	}
	avail = MIN(avail, n);
	copy_out(ld, buf, avail);
	return (long)avail;
}

long ldisc_read(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block)
{
	return do_read(ld, buf, n, would_block, false);
}

long ldisc_read_now(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block)
{
	return do_read(ld, buf, n, would_block, true);
}

bool ldisc_readable(const struct ldisc *ld)
{
	if (icanon(ld))
		return ld->canon_head != ld->read_tail;
	return queued(ld) >= ld->termios.c_cc[VMIN];
}

size_t ldisc_available(const struct ldisc *ld)
{
	size_t i, n = 0;

	if (!icanon(ld))
		return queued(ld);
	for (i = ld->read_tail; i != ld->canon_head; i++)
		n += !bit_get(ld->eof, i);
	return n;
}

/* ---- settings ---- */

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
	bool was_canon = icanon(ld);
	size_t r, w;

	ld->termios = *t;
	if (was_canon && !icanon(ld)) {
		/* Everything queued becomes raw data; ^D markers go. */
		w = ld->read_tail;
		for (r = ld->read_tail; r != ld->read_head; r++) {
			if (bit_get(ld->eof, r))
				continue;
			ld->buf[MASK(w)] = ld->buf[MASK(r)];
			bit_put(ld->delim, w, false);
			bit_put(ld->eof, w, false);
			w++;
		}
		ld->read_head = ld->canon_head = w;
		ld->lnext = false;
	} else if (!was_canon && icanon(ld)) {
		/* Queued raw data is pushed as one line (n_tty_set_termios). */
		if (ld->read_head != ld->read_tail)
			bit_put(ld->delim, ld->read_head - 1, true);
		ld->canon_head = ld->read_head;
		ld->lnext = false;
	}
	if (!(t->c_iflag & IXON))
		ld->stopped = false;
}

void ldisc_init(struct ldisc *ld, const struct termios *t, const struct ldisc_ops *ops, void *ctx)
{
	memset(ld, 0, sizeof(*ld));
	ld->termios = *t;
	ld->ops = ops;
	ld->ctx = ctx;
}
