/*
 * Pipes as pipe(7) describes them: a 64 KiB ring; writes of at most
 * PIPE_BUF bytes land in one piece; readers block while the pipe is empty
 * and writers while it is full, unless O_NONBLOCK (-EAGAIN); read returns
 * 0 once no writer remains; write fails with -EPIPE and raises SIGPIPE
 * once no reader remains. A blocked read or write ends with -EINTR when a
 * signal arrives, or with the count already moved if there is one.
 *
 * Readiness (fs/poll.h) follows Linux's pipe_poll: the read end is
 * readable with data queued and hung up (POLLHUP) once no writer is left;
 * the write end is writable with PIPE_BUF bytes of room and in error
 * (POLLERR) once no reader is left.
 *
 * Waiting uses the scheduler's wait queues with a condition, so a wake-up
 * between the check and the sleep is never lost (kernel/sched/sched.h).
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/ringbuf.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/pipe.h"
#include "kernel/proc/signal.h"
#include "kernel/sched/sched.h"

struct pipe {
	struct spinlock lock;
	struct ringbuf ring; /* lock; PIPE_SIZE bytes */
	int readers;	     /* lock; open read ends */
	int writers;	     /* lock; open write ends */
	struct waitq rwq;    /* readers wait here for data or EOF */
	struct waitq wwq;    /* writers wait here for room or no readers */
	struct inode inode;
};

static const struct file_ops pipe_ops;

bool file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

static bool readable_now(void *arg)
{
	struct pipe *p = arg;

	return ringbuf_used(&p->ring) > 0 || p->writers == 0;
}

/* A blocked writer: the pipe and the room it waits for. */
struct pipe_wait {
	struct pipe *p;
	size_t need;
};

static bool writable_now(void *arg)
{
	struct pipe_wait *w = arg;

	return ringbuf_room(&w->p->ring) >= w->need || w->p->readers == 0;
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct pipe *p = f->priv;
	unsigned long fl;
	size_t n;
	int err;

	for (;;) {
		fl = spin_lock_irqsave(&p->lock);
		n = ringbuf_get(&p->ring, buf, len);
		if (n > 0 || p->writers == 0)
			break;
		spin_unlock_irqrestore(&p->lock, fl);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait_intr(&p->rwq, readable_now, p, 0);
		if (err)
			return err;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	if (n > 0)
		waitq_wake_all(&p->wwq);
	return (long)n;
}

/* Room a write of `left` more bytes needs before it may proceed: all of it
 * for an atomic write (<= PIPE_BUF), one byte otherwise. */
static size_t room_needed(size_t total, size_t left)
{
	return total <= PIPE_BUF ? left : 1;
}

static long pipe_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	unsigned long fl;
	int err;

	while (done < len) {
		struct pipe_wait w = {p, room_needed(len, len - done)};
		fl = spin_lock_irqsave(&p->lock);
		if (p->readers == 0) {
			spin_unlock_irqrestore(&p->lock, fl);
			signal_raise(SIGPIPE); /* Linux raises it even after a partial write */
			return done ? (long)done : -EPIPE;
		}
		if (ringbuf_room(&p->ring) >= w.need) {
			done += ringbuf_put(&p->ring, (const uint8_t *)buf + done, len - done);
			spin_unlock_irqrestore(&p->lock, fl);
			waitq_wake_all(&p->rwq);
			continue;
		}
		spin_unlock_irqrestore(&p->lock, fl);
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		err = waitq_wait_intr(&p->wwq, writable_now, &w, 0);
		if (err)
			return done ? (long)done : err;
	}
	return (long)done;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	bool reader = (f->flags & O_ACCMODE) == O_RDONLY;
	unsigned long fl;
	unsigned mask = 0;

	poll_wait(pt, reader ? &p->rwq : &p->wwq);
	fl = spin_lock_irqsave(&p->lock);
	if (reader) {
		if (ringbuf_used(&p->ring))
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (ringbuf_room(&p->ring) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	return mask;
}

static int pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	unsigned long fl;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	fl = spin_lock_irqsave(&p->lock);
	n = (int)ringbuf_used(&p->ring);
	spin_unlock_irqrestore(&p->lock, fl);
	return copy_to_user((void *)arg, &n, sizeof(n));
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned long fl = spin_lock_irqsave(&p->lock);
	bool last;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	last = p->readers == 0 && p->writers == 0;
	spin_unlock_irqrestore(&p->lock, fl);
	if (!last) {
		waitq_wake_all(&p->rwq);
		waitq_wake_all(&p->wwq);
		return;
	}
	kfree(p->ring.buf);
	kfree(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	void *mem = NULL;

	if (!p || !(mem = kmalloc(PIPE_SIZE)))
		goto fail;
	spin_init(&p->lock, "pipe");
	ringbuf_init(&p->ring, mem, PIPE_SIZE);
	waitq_init(&p->rwq);
	waitq_init(&p->wwq);
	anon_inode_init(&p->inode, S_IFIFO | 0600);
	p->readers = p->writers = 1;
	*rd = file_alloc_anon(&p->inode, &pipe_ops, O_RDONLY | flags, p);
	*wr = file_alloc_anon(&p->inode, &pipe_ops, O_WRONLY | flags, p);
	if (*rd && *wr)
		return 0;
	kfree(*rd); /* never opened: no release to run */
	kfree(*wr);
fail:
	kfree(mem);
	kfree(p);
	return -ENOMEM;
}
