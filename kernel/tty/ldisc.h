/*
 * The tty line discipline (DESIGN.md "The tty layer"): pure logic between a
 * terminal device and the processes reading and writing it. It applies
 * termios to typed input (CR/NL mapping, ^S/^Q flow control, ^C ^\ ^Z as
 * signals, canonical line editing with echo), hands out lines or raw bytes
 * to readers, and applies output processing to what programs write.
 * Semantics follow POSIX termios(3) ("Canonical and noncanonical mode") and
 * Linux's N_TTY (drivers/tty/n_tty.c); differences are noted where they are.
 *
 * The object knows no device, no process and no timer: the kernel tty owns
 * a struct ldisc, decides when to block (VTIME timers, O_NONBLOCK), and
 * delivers signals to the foreground process group in the callback.
 *
 * Locking: a struct ldisc has no lock of its own. Every call on one ldisc
 * must be serialized by its owner (the tty's lock); the callbacks run with
 * that lock held and must not call back into the same ldisc.
 */
#ifndef KERNEL_TTY_LDISC_H
#define KERNEL_TTY_LDISC_H

#include <ksvc.h>
#include "kernel/tty/termios.h"

#define LDISC_BUF_SIZE 4096		    /* N_TTY_BUF_SIZE; a power of two */
#define LDISC_LINE_MAX (LDISC_BUF_SIZE - 1) /* the last slot is kept for the newline */

/* Signal numbers passed to ops->signal (Linux x86_64). */
#define LDISC_SIGINT  2
#define LDISC_SIGQUIT 3
#define LDISC_SIGTSTP 20

struct ldisc_ops {
	/* ^C, ^\ or ^Z under ISIG: signal the foreground process group. */
	void (*signal)(void *ctx, int sig);
	/* Echo bytes, already output-processed, for the terminal. */
	void (*echo_out)(void *ctx, const uint8_t *bytes, size_t n);
	/* Optional (may be NULL): a signal character asks to discard pending
	 * output, as Linux's isig() does unless NOFLSH. */
	void (*flush_output)(void *ctx);
};

struct ldisc {
	struct termios termios;
	const struct ldisc_ops *ops;
	void *ctx;
	/*
	 * The input queue is buf[], indexed by free-running counters taken
	 * modulo LDISC_BUF_SIZE: read_tail <= canon_head <= read_head. In
	 * canonical mode [read_tail, canon_head) holds complete lines, each
	 * ending at a byte marked in delim[] (and also in eof[] for a ^D,
	 * whose byte is never handed to readers), and [canon_head, read_head)
	 * is the line being edited. In raw mode canon_head == read_head.
	 */
	size_t read_tail, canon_head, read_head;
	unsigned column;       /* output column, for tab and erase echo */
	unsigned canon_column; /* column where the edited line's echo began */
	bool stopped;	       /* output stopped by VSTOP (IXON) */
	bool lnext;	       /* the previous character was VLNEXT */
	uint64_t dropped;      /* input characters dropped on a full line */
	uint8_t buf[LDISC_BUF_SIZE];
	uint8_t delim[LDISC_BUF_SIZE / 8];
	uint8_t eof[LDISC_BUF_SIZE / 8];
};

/* The largest expansion of one output byte (a tab under XTABS). */
#define LDISC_OPOST_MAX 8

void ldisc_init(struct ldisc *ld, const struct termios *t, const struct ldisc_ops *ops, void *ctx);

/*
 * Process bytes typed at the terminal. Returns how many were consumed: all
 * of them in canonical mode (characters past the line limit are dropped
 * and counted), and in raw mode fewer when the queue is full; the device
 * keeps the rest and offers them again after a read.
 */
size_t ldisc_receive(struct ldisc *ld, const uint8_t *buf, size_t n);

/*
 * Read for a process. Canonical: at most one line, its '\n' (or VEOL)
 * included, a ^D not; 0 with *would_block false is end of file. Raw: as
 * VMIN asks, counting only the bytes already queued; the caller runs the
 * VTIME timer. When nothing can be returned yet, 0 with *would_block true.
 */
long ldisc_read(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block);

/*
 * As ldisc_read, but in raw mode return whatever is queued without waiting
 * for VMIN bytes (O_NONBLOCK, or the VTIME timer expired). *would_block is
 * true only when nothing is queued and VMIN > 0.
 */
long ldisc_read_now(struct ldisc *ld, uint8_t *buf, size_t n, bool *would_block);

/* Whether a read would return now: canonical, a complete line or EOF is
 * queued; raw, at least VMIN bytes are (always when VMIN is 0). */
bool ldisc_readable(const struct ldisc *ld);

/* Bytes a read could return (FIONREAD): canonical, those in complete lines. */
size_t ldisc_available(const struct ldisc *ld);

/*
 * Output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, XTABS) of what a
 * process writes, into out. Returns the bytes produced; *consumed is how
 * many input bytes they stand for (an expansion is never split). Consumes
 * nothing while output is stopped.
 */
size_t ldisc_output(struct ldisc *ld, const uint8_t *in, size_t n, uint8_t *out, size_t out_size,
		    size_t *consumed);

/* New settings (TCSETS*). Leaving ICANON makes a partial line readable raw
 * data; entering it makes queued raw data one readable line (as Linux). */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);

/* Discard all queued input (TCSETSF, TCFLSH). */
void ldisc_flush_input(struct ldisc *ld);

static inline bool ldisc_stopped(const struct ldisc *ld)
{
	return ld->stopped;
}

#endif
