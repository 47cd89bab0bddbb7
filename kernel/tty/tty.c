/*
 * The kernel side of a terminal (kernel/tty/tty.h): read blocks until the
 * line discipline has a line or VMIN bytes (VTIME as a wait timeout),
 * write runs output processing and waits while ^S stopped output, and the
 * termios, window size and process-group ioctls. References: POSIX
 * termios(3) "Canonical and noncanonical mode", Linux tty_ioctl(4),
 * drivers/tty/n_tty.c (n_tty_read, n_tty_write) and tty_io.c (tiocsctty).
 *
 * Signals are counted until signal delivery exists: then the ldisc's
 * signal callback sends them to the foreground process group (t->pgrp).
 * TIOCSWINSZ sends SIGWINCH and a hang-up SIGHUP to that group (tty(4),
 * Linux tty_io.c __tty_hangup), after tty.lock is dropped.
 *
 * Readiness follows n_tty_poll: readable when a read would return at once
 * (canonical: a line; raw: VMIN bytes when VTIME is 0, else one byte),
 * writable unless output is stopped or the device has no room.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/tty/tty.h"

#define TTY_OUT_CHUNK 64 /* output bytes per lock hold: bounds irqs-off time */

/* ---- ldisc callbacks: run with t->lock held ----------------------------- */

static void tty_signal(void *ctx, int sig)
{
	struct tty *t = ctx;

	int signo = 0;

	switch (sig) {
	case LDISC_SIGINT:
		t->stats.sigint++;
		signo = SIGINT;
		break;
	case LDISC_SIGQUIT:
		t->stats.sigquit++;
		signo = SIGQUIT;
		break;
	case LDISC_SIGTSTP:
		t->stats.sigtstp++;
		signo = SIGTSTP;
		break;
	}
	/* To the foreground process group (termios(3), ISIG). Lock order:
	 * tty.lock, then proc_lock and sig_lock (kernel/proc/signal.c). */
	if (signo && t->pgrp > 0)
		signal_send_pgrp(t->pgrp, signo);
}

static void tty_echo_out(void *ctx, const uint8_t *bytes, size_t n)
{
	struct tty *t = ctx;

	/* Echo goes straight to the device, ahead of any waiting writer. */
	t->stats.tx_bytes += t->driver->write(t, bytes, n);
}

static const struct ldisc_ops tty_ldisc_ops = {
	.signal = tty_signal,
	.echo_out = tty_echo_out,
	.flush_output = NULL, /* output is not buffered here: nothing to drop */
};

void tty_init(struct tty *t, const char *name, const struct tty_driver *driver, void *drv)
{
	struct termios tio;

	memset(t, 0, sizeof(*t));
	strlcpy(t->name, name, sizeof(t->name));
	spin_init(&t->lock, "tty");
	termios_default(&tio);
	ldisc_init(&t->ld, &tio, &tty_ldisc_ops, t);
	t->winsize = (struct winsize){.ws_row = 24, .ws_col = 80};
	waitq_init(&t->read_wq);
	waitq_init(&t->write_wq);
	waitq_init(&t->room_wq);
	t->driver = driver;
	t->drv = drv;
}

size_t tty_receive(struct tty *t, const uint8_t *buf, size_t n)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	size_t used = t->hungup ? n : ldisc_receive(&t->ld, buf, n);

	t->stats.rx_bytes += n;
	/* A full raw-mode queue refuses bytes; this tty keeps no overflow
	 * buffer of its own (Linux throttles the device instead). */
	t->stats.rx_dropped += n - used;
	spin_unlock_irqrestore(&t->lock, fl);
	/* After dropping the lock: sleepers check their condition under
	 * sched_lock, which we must not nest inside tty.lock. */
	waitq_wake_all(&t->read_wq);
	waitq_wake_all(&t->write_wq); /* a ^Q may have restarted output */
	if (t->driver->output_done)
		t->driver->output_done(t); /* echo */
	return used;
}

/* A hang-up reaches the foreground group (credentials(7), "Controlling
 * terminal"): SIGHUP, then SIGCONT in case it was stopped. */
static void hangup_group(int pgrp)
{
	if (pgrp > 0) {
		signal_send_pgrp(pgrp, SIGHUP);
		signal_send_pgrp(pgrp, SIGCONT);
	}
}

void tty_hangup(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int pgrp = t->pgrp;

	t->hungup = true;
	ldisc_flush_input(&t->ld);
	spin_unlock_irqrestore(&t->lock, fl);
	waitq_wake_all(&t->read_wq);
	waitq_wake_all(&t->write_wq);
	waitq_wake_all(&t->room_wq);
	hangup_group(pgrp);
}

void tty_get_stats(struct tty *t, struct tty_stats *s)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);

	*s = t->stats;
	spin_unlock_irqrestore(&t->lock, fl);
}

/* ---- job control ---------------------------------------------------------- */

/*
 * A process of a background group touching its controlling terminal
 * (Linux's tty_check_change and n_tty_read's job_control): `sig`
 * (SIGTTIN or SIGTTOU) goes to its whole group and the call returns
 * -EINTR, so the group stops and the call runs again after SIGCONT (the
 * signal return path restarts it). If the caller blocks or ignores the
 * signal, reads fail with EIO and the rest go ahead (-1 here: "allowed").
 * 0: a foreground process, or not this process's controlling terminal.
 */
static int tty_job_check(struct tty *t, int sig)
{
	struct process *p = current_process();
	unsigned long fl;
	int pgrp, session;

	if (!p)
		return 0;
	fl = spin_lock_irqsave(&t->lock);
	pgrp = t->pgrp;
	session = t->session;
	spin_unlock_irqrestore(&t->lock, fl);
	if (!session || session != p->sid || !pgrp || pgrp == p->pgid)
		return 0;
	if (signal_blocked_or_ignored(sig))
		return sig == SIGTTIN ? -EIO : 0;
	signal_send_pgrp(p->pgid, sig);
	return -EINTR;
}

void tty_session_leader_exit(struct tty *t, int sid)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int pgrp = 0;

	if (t->session == sid) {
		pgrp = t->pgrp;
		t->session = 0;
		t->pgrp = 0;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	proc_forget_ctty(t); /* the whole session loses its terminal */
	hangup_group(pgrp);
}

/* ---- read ---------------------------------------------------------------- */

/*
 * Wait conditions run under sched_lock with interrupts off and read the
 * ldisc without tty.lock: a stale answer only costs one more loop, since
 * the reader rechecks under tty.lock and every change is followed by a
 * wake-up.
 */
struct tty_wait {
	struct tty *t;
	size_t avail; /* ldisc_available when the reader went to sleep */
	/* Also wake when ldisc_readable. Not under VTIME: with VMIN 0 the
	 * ldisc is always "readable", and the timer is ours to run. */
	bool readable;
};

static bool tty_input_changed(void *arg)
{
	struct tty_wait *w = arg;

	return (w->readable && ldisc_readable(&w->t->ld)) ||
	       ldisc_available(&w->t->ld) != w->avail || w->t->hungup;
}

static long tty_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct tty *t = f->priv;
	bool nonblock = f->flags & O_NONBLOCK;
	bool expired = false;
	int err;

	(void)off;
	err = tty_job_check(t, SIGTTIN);
	if (err)
		return err;
	if (len == 0)
		return 0;
	for (;;) {
		unsigned long fl = spin_lock_irqsave(&t->lock);
		const struct termios *tio = &t->ld.termios;
		bool timed = !(tio->c_lflag & ICANON) && tio->c_cc[VTIME];
		unsigned vmin = tio->c_cc[VMIN], vtime_ms = tio->c_cc[VTIME] * 100u;
		struct tty_wait w = {t, ldisc_available(&t->ld), !timed};
		bool would_block;
		long r;

		if (t->hungup) {
			r = 0;
			would_block = false;
		} else if (nonblock || expired) {
			r = ldisc_read_now(&t->ld, buf, len, &would_block);
		} else if (timed && vmin == 0 && w.avail == 0) {
			/* VMIN 0, VTIME > 0: a pure read timer, started now. */
			r = 0;
			would_block = true;
		} else {
			r = ldisc_read(&t->ld, buf, len, &would_block);
		}
		spin_unlock_irqrestore(&t->lock, fl);
		if (!would_block) {
			if (r > 0)
				waitq_wake_all(&t->room_wq);
			return r;
		}
		if (nonblock)
			return -EAGAIN;
		if (!timed || (vmin > 0 && w.avail == 0)) {
			/* VMIN > 0 with VTIME: the inter-byte timer starts
			 * with the first byte, so wait for it without one. */
			err = waitq_wait_intr(&t->read_wq, tty_input_changed, &w, 0);
		} else {
			err = waitq_wait_intr(&t->read_wq, tty_input_changed, &w, vtime_ms);
			if (err == -ETIMEDOUT) {
				expired = true;
				err = 0;
			}
		}
		if (err)
			return err;
	}
}

/* ---- write --------------------------------------------------------------- */

/* Room the device has for output now; tty.lock held. */
static size_t tty_room(struct tty *t)
{
	return t->driver->write_room ? t->driver->write_room(t) : SIZE_MAX;
}

/* A writer may go on: output runs, the device can take an expansion, or
 * the tty was hung up. */
static bool tty_output_started(void *arg)
{
	struct tty *t = arg;

	return t->hungup || (!ldisc_stopped(&t->ld) && tty_room(t) >= LDISC_OPOST_MAX);
}

static long tty_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct tty *t = f->priv;
	const uint8_t *in = buf;
	uint8_t out[TTY_OUT_CHUNK];
	size_t done = 0;

	(void)off;
	if (t->ld.termios.c_lflag & TOSTOP) {
		int err = tty_job_check(t, SIGTTOU);
		if (err)
			return err;
	}
	while (done < len) {
		unsigned long fl = spin_lock_irqsave(&t->lock);
		size_t n, consumed = 0;
		int err;

		if (t->hungup) {
			spin_unlock_irqrestore(&t->lock, fl);
			return done ? (long)done : -EIO;
		}
		if (!tty_output_started(t)) {
			spin_unlock_irqrestore(&t->lock, fl);
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			err = waitq_wait_intr(&t->write_wq, tty_output_started, t, 0);
			if (err)
				return done ? (long)done : err;
			continue;
		}
		n = ldisc_output(&t->ld, in + done, len - done, out, MIN(sizeof(out), tty_room(t)),
				 &consumed);
		if (n)
			t->stats.tx_bytes += t->driver->write(t, out, n);
		spin_unlock_irqrestore(&t->lock, fl);
		if (n && t->driver->output_done)
			t->driver->output_done(t);
		if (consumed == 0) /* cannot happen with out >= LDISC_OPOST_MAX */
			return done ? (long)done : -EIO;
		done += consumed;
	}
	return (long)done;
}

/* ---- ioctl --------------------------------------------------------------- */

/* The caller's session; a kernel thread has none. */
static int tty_caller_session(void)
{
	struct process *p = current_process();

	return p ? p->sid : 0;
}

int tty_ioctl_kernel(struct tty *t, unsigned cmd, void *karg, unsigned long arg)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int err = 0, sid, winch = 0;
	bool wake = false;

	switch (cmd) {
	case TCGETS:
		*(struct termios *)karg = t->ld.termios;
		break;
	case TCSETSF:
		ldisc_flush_input(&t->ld);
		/* fall through */
	case TCSETSW: /* output is handed to the device at once: no drain */
	case TCSETS:
		ldisc_set_termios(&t->ld, karg);
		wake = true; /* a mode change can make input readable */
		break;
	case TIOCGWINSZ:
		*(struct winsize *)karg = t->winsize;
		break;
	case TIOCSWINSZ: {
		if (memcmp(&t->winsize, karg, sizeof(t->winsize)))
			winch = t->pgrp; /* only a change signals, as Linux */
		t->winsize = *(const struct winsize *)karg;
		break;
	}
	/* Only for the caller's controlling terminal (tcgetpgrp(3)):
	 * ENOTTY otherwise, which is also how a shell learns to run without
	 * job control. A terminal becomes controlling through TIOCSCTTY;
	 * acquiring it on open comes with signals, which job control needs. */
	case TIOCGPGRP:
		if (!t->session || t->session != tty_caller_session())
			err = -ENOTTY;
		else
			*(int *)karg = t->pgrp;
		break;
	case TIOCSPGRP:
		if (!t->session || t->session != tty_caller_session())
			err = -ENOTTY;
		else if (*(const int *)karg < 0)
			err = -EINVAL;
		else if (!proc_pgrp_in_session(*(const int *)karg, t->session))
			err = -EPERM;
		else
			t->pgrp = *(const int *)karg;
		break;
	case FIONREAD:
		*(int *)karg = (int)ldisc_available(&t->ld);
		break;
	case TIOCGSID:
		if (!t->session || t->session != tty_caller_session())
			err = -ENOTTY;
		else
			*(int *)karg = t->session;
		break;
	case TIOCSCTTY:
		/* arg 1 would let root steal the tty; not yet supported. */
		sid = tty_caller_session();
		if (sid == 0 || (t->session && t->session != sid) || current_process()->pid != sid)
			err = -EPERM; /* only a session leader acquires one */
		else {
			t->session = t->pgrp = sid;
			current_process()->ctty = t;
		}
		break;
	case TIOCNOTTY:
		/* Linux's disassociate_ctty: the session leader gives the
		 * terminal up for the whole session; anyone else only drops
		 * it as its own controlling terminal. */
		sid = tty_caller_session();
		if (sid == 0 || t->session != sid) {
			err = -ENOTTY;
		} else if (current_process()->pid == sid) {
			t->session = 0;
			t->pgrp = 0;
			current_process()->ctty = NULL;
		} else {
			current_process()->ctty = NULL;
		}
		break;
	default:
		err = -ENOTTY;
		break;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	(void)arg;
	if (wake)
		waitq_wake_all(&t->read_wq);
	if (winch > 0)
		signal_send_pgrp(winch, SIGWINCH);
	return err;
}

static int tty_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	union {
		struct termios tio;
		struct winsize ws;
		int i;
	} k;
	size_t in = 0, out = 0;
	int err;

	switch (cmd) {
	case TCGETS:
		out = sizeof(k.tio);
		break;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		in = sizeof(k.tio);
		break;
	case TIOCGWINSZ:
		out = sizeof(k.ws);
		break;
	case TIOCSWINSZ:
		in = sizeof(k.ws);
		break;
	case TIOCGPGRP:
	case TIOCGSID:
	case FIONREAD:
		out = sizeof(k.i);
		break;
	case TIOCSPGRP:
		in = sizeof(k.i);
		break;
	}
	switch (cmd) {
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TIOCSPGRP:
	case TIOCSWINSZ:
		/* Changing the terminal from the background (tcsetattr(3),
		 * tcsetpgrp(3)): SIGTTOU, unless blocked or ignored. */
		err = tty_job_check(f->priv, SIGTTOU);
		if (err)
			return err;
	}
	memset(&k, 0, sizeof(k));
	if (in && copy_from_user(&k, (const void *)arg, in))
		return -EFAULT;
	err = tty_ioctl_kernel(f->priv, cmd, &k, arg);
	if (err == 0 && out && copy_to_user((void *)arg, &k, out))
		return -EFAULT;
	return err;
}

/* ---- poll and release ------------------------------------------------------ */

unsigned tty_poll_events(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	const struct termios *tio = &t->ld.termios;
	unsigned mask = 0;

	if (t->hungup) {
		mask = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
	} else {
		size_t need = 1;
		if (!(tio->c_lflag & ICANON) && !tio->c_cc[VTIME] && tio->c_cc[VMIN])
			need = tio->c_cc[VMIN];
		if ((tio->c_lflag & ICANON) ? ldisc_readable(&t->ld)
					    : ldisc_available(&t->ld) >= need)
			mask |= POLLIN | POLLRDNORM;
		if (tty_output_started(t))
			mask |= POLLOUT | POLLWRNORM;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return mask;
}

static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = f->priv;

	poll_wait(pt, &t->read_wq);
	poll_wait(pt, &t->write_wq);
	return tty_poll_events(t);
}

static void tty_release(struct file *f)
{
	struct tty *t = f->priv;

	if (t->driver->release)
		t->driver->release(t);
}

static int dev_tty_open(struct inode *ino, struct file *f)
{
	struct process *p = current_process();
	struct tty *t = p ? p->ctty : NULL;
	int err;

	if (!t)
		return -ENXIO;
	if (t->driver->open) {
		err = t->driver->open(t);
		if (err)
			return err;
	}
	f->ops = &tty_fops; /* from now on an ordinary file of that tty */
	f->priv = t;
	return 0;
}

const struct file_ops tty_current_fops = {.open = dev_tty_open};

const struct file_ops tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.release = tty_release,
};
