/*
 * The Linux x86_64 terminal ABI: struct termios as the kernel's TCGETS and
 * TCSETS* copy it (not glibc's larger user-space struct), struct winsize,
 * the flag and c_cc index values, the tty ioctl numbers, and the defaults a
 * console starts with. Values are Linux's include/uapi/asm-generic/termbits.h
 * and ioctls.h; meanings are POSIX termios(3) and Linux termios(3).
 * Shared by the kernel tty layer, host tests and fuzz targets.
 */
#ifndef KERNEL_TTY_TERMIOS_H
#define KERNEL_TTY_TERMIOS_H

#include <stdint.h>

#define NCCS 19 /* the kernel's struct termios; glibc's has 32 */

struct termios {
	uint32_t c_iflag; /* input modes */
	uint32_t c_oflag; /* output modes */
	uint32_t c_cflag; /* control modes */
	uint32_t c_lflag; /* local modes */
	uint8_t c_line;	  /* line discipline number (N_TTY = 0) */
	uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct termios) == 36, "Linux kernel struct termios is 36 bytes");

struct winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};
_Static_assert(sizeof(struct winsize) == 8, "struct winsize is 8 bytes");

/* c_cc indices. A c_cc value of 0 (_POSIX_VDISABLE on Linux) disables it. */
#define VINTR		0
#define VQUIT		1
#define VERASE		2
#define VKILL		3
#define VEOF		4
#define VTIME		5
#define VMIN		6
#define VSWTC		7
#define VSTART		8
#define VSTOP		9
#define VSUSP		10
#define VEOL		11
#define VREPRINT	12
#define VDISCARD	13
#define VWERASE		14
#define VLNEXT		15
#define VEOL2		16
#define _POSIX_VDISABLE 0

/* c_iflag */
#define IGNBRK	0000001
#define BRKINT	0000002
#define IGNPAR	0000004
#define PARMRK	0000010
#define INPCK	0000020
#define ISTRIP	0000040
#define INLCR	0000100
#define IGNCR	0000200
#define ICRNL	0000400
#define IUCLC	0001000
#define IXON	0002000
#define IXANY	0004000
#define IXOFF	0010000
#define IMAXBEL 0020000
#define IUTF8	0040000

/* c_oflag */
#define OPOST  0000001
#define OLCUC  0000002
#define ONLCR  0000004
#define OCRNL  0000010
#define ONOCR  0000020
#define ONLRET 0000040
#define OFILL  0000100
#define OFDEL  0000200
#define NLDLY  0000400
#define NL0    0000000
#define NL1    0000400
#define CRDLY  0003000
#define CR0    0000000
#define CR1    0001000
#define CR2    0002000
#define CR3    0003000
#define TABDLY 0014000
#define TAB0   0000000
#define TAB1   0004000
#define TAB2   0010000
#define TAB3   0014000
#define XTABS  0014000
#define BSDLY  0020000
#define VTDLY  0040000
#define FFDLY  0100000

/* c_cflag */
#define CBAUD	0010017
#define B0	0000000
#define B50	0000001
#define B75	0000002
#define B110	0000003
#define B134	0000004
#define B150	0000005
#define B200	0000006
#define B300	0000007
#define B600	0000010
#define B1200	0000011
#define B1800	0000012
#define B2400	0000013
#define B4800	0000014
#define B9600	0000015
#define B19200	0000016
#define B38400	0000017
#define CSIZE	0000060
#define CS5	0000000
#define CS6	0000020
#define CS7	0000040
#define CS8	0000060
#define CSTOPB	0000100
#define CREAD	0000200
#define PARENB	0000400
#define PARODD	0001000
#define HUPCL	0002000
#define CLOCAL	0004000
#define CBAUDEX 0010000
#define B57600	0010001
#define B115200 0010002
#define B230400 0010003
#define B460800 0010004
#define B921600 0010007
#define CRTSCTS 020000000000u

/* c_lflag */
#define ISIG	0000001
#define ICANON	0000002
#define XCASE	0000004
#define ECHO	0000010
#define ECHOE	0000020
#define ECHOK	0000040
#define ECHONL	0000100
#define NOFLSH	0000200
#define TOSTOP	0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE	0004000
#define FLUSHO	0010000
#define PENDIN	0040000
#define IEXTEN	0100000
#define EXTPROC 0200000

/* ioctl request numbers (asm-generic/ioctls.h). */
#define TCGETS	   0x5401
#define TCSETS	   0x5402
#define TCSETSW	   0x5403
#define TCSETSF	   0x5404
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCGSID   0x5429
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCINQ	   FIONREAD
#define TIOCNOTTY  0x5422
#define TIOCGPTN   0x80045430u
#define TIOCSPTLCK 0x40045431u

/*
 * Linux's defaults for a fresh console (tty_std_termios in
 * drivers/tty/tty_io.c, INIT_C_CC in include/linux/tty.h): canonical mode,
 * echo with ^X for control characters, signals, CR to NL on input, NL to
 * CR NL on output, 38400 8N1.
 */
static inline void termios_default(struct termios *t)
{
	unsigned i;

	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_line = 0;
	for (i = 0; i < NCCS; i++)
		t->c_cc[i] = _POSIX_VDISABLE;
	t->c_cc[VINTR] = 0x03;	/* ^C */
	t->c_cc[VQUIT] = 0x1c;	/* ^\ */
	t->c_cc[VERASE] = 0x7f; /* ^? */
	t->c_cc[VKILL] = 0x15;	/* ^U */
	t->c_cc[VEOF] = 0x04;	/* ^D */
	t->c_cc[VTIME] = 0;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = 0x11;	  /* ^Q */
	t->c_cc[VSTOP] = 0x13;	  /* ^S */
	t->c_cc[VSUSP] = 0x1a;	  /* ^Z */
	t->c_cc[VREPRINT] = 0x12; /* ^R */
	t->c_cc[VDISCARD] = 0x0f; /* ^O */
	t->c_cc[VWERASE] = 0x17;  /* ^W */
	t->c_cc[VLNEXT] = 0x16;	  /* ^V */
}

#endif
