/*
 * Pseudo-terminal pairs (kernel/tty/pty.h). The slave is a struct tty
 * whose driver writes into the master's ring; master writes are typed
 * input for the slave (tty_receive), waiting on the slave's room_wq when
 * a raw-mode input queue is full. Behaviour checked against Linux
 * (drivers/tty/pty.c, devpts) on the host:
 *
 * - A new master's slave is locked until TIOCSPTLCK 0; opening a locked
 *   slave gives EIO.
 * - Before any slave was opened a master read waits (EAGAIN nonblocking)
 *   and poll reports only POLLOUT. Once every slave file is closed,
 *   master reads give EIO and poll adds POLLHUP, until a slave is opened
 *   again.
 * - Closing the master hangs the slave up (tty_hangup: reads 0, writes
 *   EIO, SIGHUP to its foreground group) and removes /dev/pts/N.
 * - The pair and its number are freed when both sides are closed.
 */
#include <ksvc.h>
#include "fs/devfs.h"
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/ringbuf.h"
#include "kernel/mm/heap.h"
#include "kernel/tty/pty.h"
#include "kernel/proc/process.h"
#include "kernel/tty/tty.h"

struct pty {
	int index;
	struct tty slave;
	struct ringbuf out; /* slave output for the master; slave.lock */
	uint8_t outbuf[PTY_BUF_SIZE];
	struct waitq master_rwq;   /* master readers; woken on output and slave close */
	bool locked;		   /* pty_lock; TIOCSPTLCK */
	bool master_open;	   /* pty_lock */
	int slave_opens;	   /* pty_lock; open slave files */
	bool slave_was_opened;	   /* pty_lock */
	char node[DEVFS_NAME_MAX]; /* "pts/N" */
};

static struct spinlock pty_lock = SPINLOCK_INIT("pty");
static struct pty *ptys[PTY_MAX]; /* pty_lock */

static const struct file_ops ptm_fops, pts_fops;

/* pty_lock held; a slave that was opened and is closed again. */
static bool slave_gone(const struct pty *p)
{
	return p->slave_was_opened && p->slave_opens == 0;
}

/* Free p once both sides are closed; pty_lock held, released here. */
static void pty_put_locked(struct pty *p, unsigned long fl)
{
	bool free = !p->master_open && p->slave_opens == 0;

	if (free)
		ptys[p->index] = NULL;
	spin_unlock_irqrestore(&pty_lock, fl);
	if (free) {
		proc_forget_ctty(&p->slave); /* no process may keep pointing at it */
		kfree(p);
	}
}

/* ---- the slave's driver: runs with slave.lock held ------------------------ */

static size_t pts_drv_write(struct tty *t, const uint8_t *buf, size_t n)
{
	struct pty *p = t->drv;

	return ringbuf_put(&p->out, buf, n);
}

static size_t pts_drv_room(struct tty *t)
{
	struct pty *p = t->drv;

	return ringbuf_room(&p->out);
}

static void pts_drv_output_done(struct tty *t)
{
	struct pty *p = t->drv;

	waitq_wake_all(&p->master_rwq);
}

static void pts_drv_release(struct tty *t)
{
	struct pty *p = t->drv;
	unsigned long fl = spin_lock_irqsave(&pty_lock);

	p->slave_opens--;
	if (p->slave_opens == 0)
		waitq_wake_all(&p->master_rwq); /* EIO and POLLHUP for the master */
	pty_put_locked(p, fl);
}

/* A slave opened again as /dev/tty (tty.c). */
static int pts_drv_open(struct tty *t)
{
	struct pty *p = t->drv;
	unsigned long fl = spin_lock_irqsave(&pty_lock);
	int err = 0;

	if (!p->master_open)
		err = -EIO;
	else
		p->slave_opens++;
	spin_unlock_irqrestore(&pty_lock, fl);
	return err;
}

static const struct tty_driver pts_driver = {
	.open = pts_drv_open,
	.write = pts_drv_write,
	.write_room = pts_drv_room,
	.output_done = pts_drv_output_done,
	.release = pts_drv_release,
};

/* /dev/pts/N: the device switch gives us the pty; the file becomes a tty
 * file (as Linux's chrdev_open replaces f_op). */
static int pts_open(struct inode *ino, struct file *f)
{
	struct pty *p = f->priv;
	unsigned long fl = spin_lock_irqsave(&pty_lock);
	int err = 0;

	if (!p->master_open || p->locked) {
		err = -EIO;
	} else {
		p->slave_opens++;
		p->slave_was_opened = true;
		f->ops = &tty_fops;
		f->priv = &p->slave;
	}
	spin_unlock_irqrestore(&pty_lock, fl);
	return err;
}

static const struct file_ops pts_fops = {.open = pts_open};

/* ---- the master ------------------------------------------------------------ */

static bool ptm_readable(void *arg)
{
	struct pty *p = arg;

	return ringbuf_used(&p->out) > 0 || slave_gone(p);
}

static long ptm_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct pty *p = f->priv;

	for (;;) {
		unsigned long fl = spin_lock_irqsave(&p->slave.lock);
		size_t n = ringbuf_get(&p->out, buf, len);
		int err;

		spin_unlock_irqrestore(&p->slave.lock, fl);
		if (n) {
			waitq_wake_all(&p->slave.write_wq); /* room for slave writers */
			return (long)n;
		}
		if (slave_gone(p))
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait_intr(&p->master_rwq, ptm_readable, p, 0);
		if (err)
			return err;
	}
}

/* Bytes queued in the slave's input (its ldisc ring). */
static size_t slave_queued(const struct pty *p)
{
	return p->slave.ld.read_head - p->slave.ld.read_tail;
}

struct ptm_wait {
	struct pty *p;
	size_t queued;
};

static bool ptm_room_changed(void *arg)
{
	struct ptm_wait *w = arg;

	return slave_queued(w->p) != w->queued || w->p->slave.hungup;
}

static long ptm_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct pty *p = f->priv;
	size_t done = 0;

	while (done < len) {
		struct ptm_wait w = {p, slave_queued(p)};
		size_t used = tty_receive(&p->slave, (const uint8_t *)buf + done, len - done);
		int err;

		done += used;
		if (used)
			continue;
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		w.queued = slave_queued(p);
		err = waitq_wait_intr(&p->slave.room_wq, ptm_room_changed, &w, 0);
		if (err)
			return done ? (long)done : err;
	}
	return (long)done;
}

static unsigned ptm_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->priv;
	unsigned long fl;
	unsigned mask = 0;

	poll_wait(pt, &p->master_rwq);
	poll_wait(pt, &p->slave.room_wq);
	fl = spin_lock_irqsave(&p->slave.lock);
	if (ringbuf_used(&p->out))
		mask |= POLLIN | POLLRDNORM;
	if (slave_queued(p) < LDISC_BUF_SIZE - 1)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&p->slave.lock, fl);
	fl = spin_lock_irqsave(&pty_lock);
	if (slave_gone(p))
		mask |= POLLHUP;
	spin_unlock_irqrestore(&pty_lock, fl);
	return mask;
}

static int ptm_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pty *p = f->priv;
	unsigned long fl;
	struct file slave_file;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		return copy_to_user((void *)arg, &p->index, sizeof(int));
	case TIOCSPTLCK:
		if (copy_from_user(&v, (const void *)arg, sizeof(v)))
			return -EFAULT;
		fl = spin_lock_irqsave(&pty_lock);
		p->locked = v != 0;
		spin_unlock_irqrestore(&pty_lock, fl);
		return 0;
	case TIOCGPTLCK:
		v = p->locked;
		return copy_to_user((void *)arg, &v, sizeof(v));
	case FIONREAD:
		fl = spin_lock_irqsave(&p->slave.lock);
		v = (int)ringbuf_used(&p->out);
		spin_unlock_irqrestore(&p->slave.lock, fl);
		return copy_to_user((void *)arg, &v, sizeof(v));
	default:
		/* termios and window size: the slave's (tty_fops reads the
		 * tty from the file's priv). */
		slave_file = *f;
		slave_file.priv = &p->slave;
		return tty_fops.ioctl(&slave_file, cmd, arg);
	}
}

static void ptm_release(struct file *f)
{
	struct pty *p = f->priv;
	unsigned long fl;

	devfs_unregister(p->node);
	tty_hangup(&p->slave);
	fl = spin_lock_irqsave(&pty_lock);
	p->master_open = false;
	pty_put_locked(p, fl);
}

static const struct file_ops ptm_fops = {
	.read = ptm_read,
	.write = ptm_write,
	.poll = ptm_poll,
	.ioctl = ptm_ioctl,
	.release = ptm_release,
};

/* /dev/ptmx: a new pair; the file becomes its master. */
static int ptmx_open(struct inode *ino, struct file *f)
{
	struct pty *p = kzalloc(sizeof(*p));
	unsigned long fl;
	int i, err;

	if (!p)
		return -ENOMEM;
	fl = spin_lock_irqsave(&pty_lock);
	for (i = 0; i < PTY_MAX && ptys[i]; i++)
		;
	if (i < PTY_MAX)
		ptys[i] = p;
	spin_unlock_irqrestore(&pty_lock, fl);
	if (i == PTY_MAX) {
		kfree(p);
		return -ENOSPC; /* Linux devpts_new_index past the pty limit */
	}
	p->index = i;
	p->locked = true;
	p->master_open = true;
	ringbuf_init(&p->out, p->outbuf, sizeof(p->outbuf));
	waitq_init(&p->master_rwq);
	ksnprintf(p->node, sizeof(p->node), "pts/%d", i);
	tty_init(&p->slave, p->node, &pts_driver, p);
	err = devfs_register_chr(p->node, PTY_SLAVE_MAJOR, (uint32_t)i, 0620, &pts_fops, p);
	if (err) {
		fl = spin_lock_irqsave(&pty_lock);
		ptys[i] = NULL;
		spin_unlock_irqrestore(&pty_lock, fl);
		kfree(p);
		return err;
	}
	f->ops = &ptm_fops;
	f->priv = p;
	return 0;
}

static const struct file_ops ptmx_fops = {.open = ptmx_open};

int pty_init(void)
{
	int err = devfs_register_dir("pts", 0755);

	if (!err)
		err = devfs_register_chr("ptmx", 5, 2, 0666, &ptmx_fops, NULL);
	if (err)
		pr_err("pty: cannot register /dev/ptmx (%d)\n", err);
	return err;
}
