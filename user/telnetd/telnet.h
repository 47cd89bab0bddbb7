/*
 * The telnet protocol engine of telnetd (telnet.c): pure, with no system
 * calls, so it can be unit-tested on the host (tests/unit/test_telnet.c).
 *
 * References: RFC 854 (NVT, IAC commands, CR NUL / CR LF), RFC 855
 * (option negotiation), RFC 857 (ECHO), RFC 858 (SUPPRESS-GO-AHEAD),
 * RFC 1073 (NAWS), RFC 1091 (TERMINAL-TYPE), RFC 1143 (avoiding loops:
 * only answer a request that changes an option's state).
 */
#ifndef USER_TELNETD_TELNET_H
#define USER_TELNETD_TELNET_H

#include <stddef.h>
#include <stdint.h>

#define TN_IAC	255
#define TN_DONT 254
#define TN_DO	253
#define TN_WONT 252
#define TN_WILL 251
#define TN_SB	250
#define TN_GA	249
#define TN_EL	248
#define TN_EC	247
#define TN_AYT	246
#define TN_AO	245
#define TN_IP	244
#define TN_BRK	243
#define TN_NOP	241
#define TN_SE	240

#define TNO_ECHO  1
#define TNO_SGA	  3
#define TNO_TTYPE 24
#define TNO_NAWS  31

#define TTYPE_IS   0
#define TTYPE_SEND 1

#define TN_SB_MAX    64
#define TN_TTYPE_MAX 40

/* A byte queue with a fixed capacity; appends beyond it are dropped and
 * counted (a reply queue never fills while the relay reads with room). */
struct tn_buf {
	uint8_t data[16384];
	size_t len;
	size_t dropped;
};

void tn_buf_put(struct tn_buf *b, const void *p, size_t n);
size_t tn_buf_room(const struct tn_buf *b);
/* Remove the first n bytes (after they were written out). */
void tn_buf_consume(struct tn_buf *b, size_t n);

/* What telnet_input found; the caller acts on them and clears them. */
#define TN_EV_WINSIZE  1u /* rows/cols changed (NAWS) */
#define TN_EV_TTYPE    2u /* ttype holds the client's terminal type */
#define TN_EV_TTYPE_NO 4u /* the client refused TERMINAL-TYPE */

struct telnet {
	int state;   /* the input parser's state (telnet.c) */
	int cr;	     /* the last data byte was CR */
	uint8_t opt; /* the option of a pending WILL/WONT/DO/DONT */
	uint8_t sb[TN_SB_MAX];
	size_t sb_len;
	/* Negotiated state: what we do (WILL) and what we asked of the peer. */
	int will_echo, will_sga, asked_naws, asked_ttype, ttype_sent;
	unsigned events;
	unsigned short rows, cols;
	char ttype[TN_TTYPE_MAX];
	/* Bytes the ldisc should see for the client's VINTR, VERASE, VKILL. */
	uint8_t intr_char, erase_char, kill_char;
};

/* Reset t and queue the server's opening offers on to_net: WILL ECHO,
 * WILL SGA, DO NAWS, DO TTYPE. */
void telnet_start(struct telnet *t, struct tn_buf *to_net);

/*
 * Parse n bytes from the client: data for the terminal goes to to_pty
 * (NVT: CR LF and CR NUL become CR, IAC IAC one 255), answers to to_net.
 * Option state, window size and terminal type land in t (t->events).
 */
void telnet_input(struct telnet *t, const uint8_t *in, size_t n, struct tn_buf *to_pty,
		  struct tn_buf *to_net);

/* Terminal output to the client: IAC doubled. */
void telnet_output(const uint8_t *in, size_t n, struct tn_buf *to_net);

#endif
