/*
 * The kernel tty (kernel/tty/tty.c): one struct tty per terminal, joining a
 * line discipline (kernel/tty/ldisc.h) to a device's output routine and to
 * the processes that read, write and ioctl it through tty_fops. Blocking
 * follows POSIX termios(3) "Canonical and noncanonical mode" (VMIN/VTIME)
 * and Linux's n_tty_read/n_tty_write; the ioctls are Linux's tty_ioctl(4).
 *
 * A device driver calls tty_receive with typed bytes (interrupt context is
 * fine) and supplies a struct tty_driver whose `write` takes output that
 * the ldisc already processed. The serial console tty is in tty_console.c;
 * the pty slaves (pty.c) write into their master's read buffer.
 *
 * Lock legend: tty.lock (an IRQ-saving spinlock) guards the ldisc and every
 * field marked "lock"; the ldisc callbacks, and with them `write`, run with
 * it held and interrupts off. The wait queues are sched_lock's. Lock order:
 * tty.lock before the driver's own lock; never take tty.lock with a
 * driver lock held (drivers call tty_receive after dropping theirs).
 * A pty keeps its master's buffer under its slave tty's lock.
 */
#ifndef KERNEL_TTY_TTY_H
#define KERNEL_TTY_TTY_H

#include <stddef.h>
#include <stdint.h>
#include "fs/vfs.h"
#include "kernel/lib/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/tty/ldisc.h"

#define TTY_NAME_MAX 16

struct tty_stats {
	uint64_t rx_bytes;		   /* typed bytes offered to the ldisc */
	uint64_t rx_dropped;		   /* refused by a full raw-mode queue */
	uint64_t tx_bytes;		   /* bytes handed to the driver, echo included */
	uint64_t sigint, sigquit, sigtstp; /* signal characters seen under ISIG */
};

struct tty;

/* What a terminal device supplies. */
struct tty_driver {
	/* Optional: the tty is opened again through /dev/tty. 0 or -errno. */
	int (*open)(struct tty *t);
	/* Output the ldisc already processed (echo included). Called with
	 * tty.lock held and interrupts off: must not sleep. Returns the
	 * bytes taken; echo beyond that is dropped, and writers take no more
	 * than write_room says. */
	size_t (*write)(struct tty *t, const uint8_t *buf, size_t n);
	/* Optional: bytes write would take now (NULL: always all). tty.lock
	 * held. Whoever makes room wakes t->write_wq. */
	size_t (*write_room)(struct tty *t);
	/* Optional: called after write, with tty.lock dropped, so the
	 * device can wake whoever waits for the output. */
	void (*output_done)(struct tty *t);
	/* Optional: a file open on the tty was closed (tty_fops.release). */
	void (*release)(struct tty *t);
};

struct tty {
	char name[TTY_NAME_MAX];
	struct spinlock lock;
	struct ldisc ld;	/* lock */
	struct winsize winsize; /* lock */
	int pgrp;		/* lock; foreground process group, 0 for none */
	int session;		/* lock; session this is the controlling tty of, 0 none */
	struct tty_stats stats; /* lock */
	struct waitq read_wq;	/* readers waiting for input; sched_lock */
	struct waitq write_wq;	/* writers waiting for ^Q (VSTART) or device room; sched_lock */
	struct waitq room_wq;	/* the device waiting for input room (a read happened) */
	bool hungup;		/* lock; tty_hangup ran: reads see EOF, writes EIO */
	/* The device; set by tty_init and never changed. */
	const struct tty_driver *driver;
	void *drv;
};

/* Served by any tty: file->priv is the struct tty. */
extern const struct file_ops tty_fops;
/* /dev/tty (5,0): opens the caller's controlling terminal (tty(4)), or
 * fails with ENXIO when it has none. */
extern const struct file_ops tty_current_fops;

/* A tty in canonical mode with Linux's default termios and an 80x24
 * window, served by `driver` (drv is the driver's own pointer). */
void tty_init(struct tty *t, const char *name, const struct tty_driver *driver, void *drv);

/* Bytes typed at the terminal, as if from the keyboard or the serial line:
 * runs the ldisc (echo, signals, line editing) and wakes readers and
 * stopped writers. Returns the bytes taken: fewer than n only when a
 * raw-mode queue is full (a serial line drops the rest, a pty master
 * waits on room_wq). Safe from interrupt context. */
size_t tty_receive(struct tty *t, const uint8_t *buf, size_t n);

/* The device went away (a pty master closed): queued input is dropped,
 * reads return 0, writes -EIO, poll reports a hang-up, and the foreground
 * process group gets SIGHUP and SIGCONT. */
void tty_hangup(struct tty *t);

/* The events of poll(2) on the tty now (fs/poll.h), without registering. */
unsigned tty_poll_events(struct tty *t);

/* An ioctl whose argument has already been copied into kernel memory
 * (`karg` points to a struct termios, winsize or int as cmd says; `arg` is
 * the raw value for the ioctls that take one). tty_fops.ioctl is this
 * between copy_from_user and copy_to_user. 0 or -errno (-ENOTTY unknown). */
int tty_ioctl_kernel(struct tty *t, unsigned cmd, void *karg, unsigned long arg);

void tty_get_stats(struct tty *t, struct tty_stats *s);

/* The leader of session `sid` exits: if t is its controlling terminal, it
 * is released and its foreground group gets SIGHUP and SIGCONT. */
void tty_session_leader_exit(struct tty *t, int sid);

/* The serial console (tty_console.c): ttyS0 (4,64), with /dev/console
 * (5,1) and /dev/tty (5,0) pointing at it. Call after devfs_init. */
int tty_console_init(void);
/* The VGA and keyboard tty (tty_vga.c): tty1 (4,1) and tty0 (4,0); with
 * is_console, /dev/console too. Call after tty_console_init. */
int tty_vga_init(bool is_console);

#endif
