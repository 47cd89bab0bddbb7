/*
 * Pipes as pipe(7) describes them: a 64 KiB ring; writes of at most
 * PIPE_BUF bytes land in one piece; readers block while the pipe is empty
 * and writers while it is full, unless O_NONBLOCK (-EAGAIN); read returns
 * 0 once no writer remains; write fails with -EPIPE once no reader
 * remains (SIGPIPE joins it when signals arrive).
 *
 * Waiting uses the scheduler's wait queues with a condition, so a wake-up
 * between the check and the sleep is never lost (kernel/sched/sched.h).
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/pipe.h"
#include "kernel/sched/sched.h"

struct pipe {
	struct spinlock lock;
	uint8_t *buf;	  /* PIPE_SIZE bytes */
	size_t head;	  /* lock; next byte to read */
	size_t count;	  /* lock; bytes in the ring */
	int readers;	  /* lock; open read ends */
	int writers;	  /* lock; open write ends */
	size_t want;	  /* lock; room the blocked writer waits for */
	struct waitq rwq; /* readers wait here for data or EOF */
	struct waitq wwq; /* writers wait here for room or no readers */
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

	return p->count > 0 || p->writers == 0;
}

static bool writable_now(void *arg)
{
	struct pipe *p = arg;

	return PIPE_SIZE - p->count >= p->want || p->readers == 0;
}

/* Copy up to len bytes out of the ring; lock held. */
static size_t ring_get(struct pipe *p, uint8_t *dst, size_t len)
{
	size_t n = MIN(len, p->count);

	for (size_t done = 0; done < n;) {
		size_t chunk = MIN(n - done, PIPE_SIZE - p->head);
		memcpy(dst + done, p->buf + p->head, chunk);
		p->head = (p->head + chunk) % PIPE_SIZE;
		done += chunk;
	}
	p->count -= n;
	return n;
}

/* Copy up to len bytes into the ring; lock held. */
static size_t ring_put(struct pipe *p, const uint8_t *src, size_t len)
{
	size_t n = MIN(len, PIPE_SIZE - p->count);

	for (size_t done = 0; done < n;) {
		size_t tail = (p->head + p->count) % PIPE_SIZE;
		size_t chunk = MIN(n - done, PIPE_SIZE - tail);
		memcpy(p->buf + tail, src + done, chunk);
		p->count += chunk;
		done += chunk;
	}
	return n;
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct pipe *p = f->priv;
	unsigned long fl;
	size_t n;

	for (;;) {
		fl = spin_lock_irqsave(&p->lock);
		n = ring_get(p, buf, len);
		if (n > 0 || p->writers == 0)
			break;
		spin_unlock_irqrestore(&p->lock, fl);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait_intr(&p->rwq, readable_now, p, 0) == -EINTR)
			return -EINTR;
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

	while (done < len) {
		size_t need = room_needed(len, len - done);
		fl = spin_lock_irqsave(&p->lock);
		if (p->readers == 0) {
			spin_unlock_irqrestore(&p->lock, fl);
			return done ? (long)done : -EPIPE; /* and SIGPIPE, with signals */
		}
		if (PIPE_SIZE - p->count >= need) {
			done += ring_put(p, (const uint8_t *)buf + done, len - done);
			spin_unlock_irqrestore(&p->lock, fl);
			waitq_wake_all(&p->rwq);
			continue;
		}
		p->want = need;
		spin_unlock_irqrestore(&p->lock, fl);
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		if (waitq_wait_intr(&p->wwq, writable_now, p, 0) == -EINTR)
			return done ? (long)done : -EINTR;
	}
	return (long)done;
}

static int pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int)p->count;
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
	kfree(p->buf);
	kfree(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p || !(p->buf = kmalloc(PIPE_SIZE)))
		goto fail;
	spin_init(&p->lock, "pipe");
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
	if (p)
		kfree(p->buf);
	kfree(p);
	return -ENOMEM;
}
