/*
 * The telnet protocol engine (telnet.h): the server's side of option
 * negotiation and the NVT input rules, as a byte-at-a-time state machine
 * that keeps its state across reads (an IAC sequence may be split between
 * two segments).
 *
 * Negotiation follows RFC 1143's rule without its full queue machine: the
 * server offers ECHO and SGA and asks for NAWS and TTYPE once; a request
 * that agrees with the current state is an acknowledgement and gets no
 * answer, any other request for an option we do not support is refused
 * (DO x -> WONT x, WILL x -> DONT x), so no exchange can loop.
 */
#include <string.h>

#include "telnet.h"

enum { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC };

void tn_buf_put(struct tn_buf *b, const void *p, size_t n)
{
	if (n > tn_buf_room(b)) {
		b->dropped += n;
		return;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

size_t tn_buf_room(const struct tn_buf *b)
{
	return sizeof(b->data) - b->len;
}

void tn_buf_consume(struct tn_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

static void send_cmd(struct tn_buf *to_net, uint8_t verb, uint8_t opt)
{
	uint8_t c[3] = {TN_IAC, verb, opt};

	tn_buf_put(to_net, c, sizeof(c));
}

static void ask_ttype(struct telnet *t, struct tn_buf *to_net)
{
	static const uint8_t send[] = {TN_IAC, TN_SB, TNO_TTYPE, TTYPE_SEND, TN_IAC, TN_SE};

	if (!t->ttype_sent) {
		t->ttype_sent = 1;
		tn_buf_put(to_net, send, sizeof(send));
	}
}

void telnet_start(struct telnet *t, struct tn_buf *to_net)
{
	memset(t, 0, sizeof(*t));
	t->intr_char = 3;
	t->erase_char = 0x7f;
	t->kill_char = 0x15;
	t->will_echo = t->will_sga = t->asked_naws = t->asked_ttype = 1;
	send_cmd(to_net, TN_WILL, TNO_ECHO);
	send_cmd(to_net, TN_WILL, TNO_SGA);
	send_cmd(to_net, TN_DO, TNO_NAWS);
	send_cmd(to_net, TN_DO, TNO_TTYPE);
}

/* DO/DONT: about what we do. WILL/WONT: about what the peer does. */
static void negotiate(struct telnet *t, uint8_t verb, uint8_t opt, struct tn_buf *to_net)
{
	int *mine = opt == TNO_ECHO ? &t->will_echo : opt == TNO_SGA ? &t->will_sga : NULL;

	switch (verb) {
	case TN_DO:
		if (mine && !*mine) {
			*mine = 1;
			send_cmd(to_net, TN_WILL, opt);
		} else if (!mine) {
			send_cmd(to_net, TN_WONT, opt);
		}
		break;
	case TN_DONT:
		if (mine && *mine) {
			*mine = 0;
			send_cmd(to_net, TN_WONT, opt);
		}
		break;
	case TN_WILL:
		if (opt == TNO_TTYPE) {
			t->asked_ttype = 1;
			ask_ttype(t, to_net);
		} else if (opt == TNO_NAWS) {
			t->asked_naws = 1;
		} else {
			send_cmd(to_net, TN_DONT, opt);
		}
		break;
	case TN_WONT:
		if (opt == TNO_TTYPE && t->asked_ttype) {
			t->asked_ttype = 0;
			t->events |= TN_EV_TTYPE_NO;
		} else if (opt == TNO_NAWS) {
			t->asked_naws = 0;
		}
		break;
	}
}

static void subnegotiation(struct telnet *t)
{
	const uint8_t *s = t->sb;

	if (t->sb_len == 5 && s[0] == TNO_NAWS) {
		t->cols = (unsigned short)(s[1] << 8 | s[2]);
		t->rows = (unsigned short)(s[3] << 8 | s[4]);
		t->events |= TN_EV_WINSIZE;
	} else if (t->sb_len >= 2 && s[0] == TNO_TTYPE && s[1] == TTYPE_IS) {
		size_t n = t->sb_len - 2, i;

		if (n >= sizeof(t->ttype))
			n = sizeof(t->ttype) - 1;
		/* RFC 1091 names are upper case; TERM values are lower case. */
		for (i = 0; i < n; i++) {
			uint8_t c = s[2 + i];

			t->ttype[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			if (c <= ' ' || c >= 127 || c == '/')
				t->ttype[i] = '-';
		}
		t->ttype[n] = '\0';
		if (n > 0)
			t->events |= TN_EV_TTYPE;
	}
}

static void data_byte(struct telnet *t, uint8_t c, struct tn_buf *to_pty)
{
	/* NVT (RFC 854): a CR is followed by LF or NUL; the terminal gets the
	 * CR alone, as from a keyboard's Enter. */
	if (t->cr && (c == '\n' || c == '\0')) {
		t->cr = 0;
		return;
	}
	t->cr = c == '\r';
	tn_buf_put(to_pty, &c, 1);
}

static void command(struct telnet *t, uint8_t c, struct tn_buf *to_pty, struct tn_buf *to_net)
{
	static const char yes[] = "\r\n[yes]\r\n";

	switch (c) {
	case TN_IP:
		tn_buf_put(to_pty, &t->intr_char, 1);
		break;
	case TN_EC:
		tn_buf_put(to_pty, &t->erase_char, 1);
		break;
	case TN_EL:
		tn_buf_put(to_pty, &t->kill_char, 1);
		break;
	case TN_AYT:
		tn_buf_put(to_net, yes, sizeof(yes) - 1);
		break;
	default:
		break; /* NOP, GA, BRK, AO, DM: nothing to do */
	}
}

void telnet_input(struct telnet *t, const uint8_t *in, size_t n, struct tn_buf *to_pty,
		  struct tn_buf *to_net)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		switch (t->state) {
		case S_DATA:
			if (c == TN_IAC)
				t->state = S_IAC;
			else
				data_byte(t, c, to_pty);
			break;
		case S_IAC:
			t->state = S_DATA;
			if (c == TN_IAC) {
				data_byte(t, c, to_pty);
			} else if (c >= TN_WILL) {
				t->opt = c; /* the verb; its option follows */
				t->state = S_OPT;
			} else if (c == TN_SB) {
				t->sb_len = 0;
				t->state = S_SB;
			} else {
				command(t, c, to_pty, to_net);
			}
			break;
		case S_OPT:
			t->state = S_DATA;
			negotiate(t, t->opt, c, to_net);
			break;
		case S_SB:
			if (c == TN_IAC)
				t->state = S_SB_IAC;
			else if (t->sb_len < sizeof(t->sb))
				t->sb[t->sb_len++] = c;
			break;
		case S_SB_IAC:
			if (c == TN_SE) {
				subnegotiation(t);
				t->state = S_DATA;
			} else {
				/* IAC IAC inside: one 255 */
				if (t->sb_len < sizeof(t->sb))
					t->sb[t->sb_len++] = c;
				t->state = S_SB;
			}
			break;
		}
	}
}

void telnet_output(const uint8_t *in, size_t n, struct tn_buf *to_net)
{
	static const uint8_t iac2[2] = {TN_IAC, TN_IAC};
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] != TN_IAC)
			continue;
		tn_buf_put(to_net, in + start, i - start);
		tn_buf_put(to_net, iac2, 2);
		start = i + 1;
	}
	tn_buf_put(to_net, in + start, n - start);
}
