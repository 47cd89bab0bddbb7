/*
 * The generic socket layer (net/socket.h): the family table, the socket
 * objects behind fds and their file operations, and the SOL_SOCKET
 * options every family shares (socket(7): SO_TYPE, SO_DOMAIN, SO_ERROR,
 * SO_ACCEPTCONN; other common options are accepted and ignored, as a
 * single-host kernel has nothing to tune).
 *
 * read(2) and write(2) on a socket are recv and send with no flags
 * (O_NONBLOCK acting as MSG_DONTWAIT); a write that finds the connection
 * closed raises SIGPIPE, as send without MSG_NOSIGNAL does.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/signal.h"
#include "net/socket.h"

static struct spinlock families_lock = SPINLOCK_INIT("sockfam");
static sock_create_fn families[AF_MAX]; /* families_lock */

static const struct file_ops socket_fops;

int sock_register(int family, sock_create_fn create)
{
	unsigned long fl;
	int err = 0;

	if (family <= 0 || family >= AF_MAX)
		return -EINVAL;
	fl = spin_lock_irqsave(&families_lock);
	if (families[family])
		err = -EEXIST;
	else
		families[family] = create;
	spin_unlock_irqrestore(&families_lock, fl);
	return err;
}

struct socket *sock_alloc(int family, int type, const struct proto_ops *ops, bool nonblock)
{
	struct socket *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->ops = ops;
	anon_inode_init(&s->inode, S_IFSOCK | 0777);
	s->file = file_alloc_anon(&s->inode, &socket_fops, O_RDWR | (nonblock ? O_NONBLOCK : 0), s);
	if (!s->file) {
		kfree(s);
		return NULL;
	}
	return s;
}

void sock_discard(struct socket *s)
{
	/* The file was never opened on an fd: close it like any other. */
	vfs_close(s->file);
}

int sock_create(int family, int type, int protocol, bool nonblock, struct socket **out)
{
	sock_create_fn create = NULL;
	unsigned long fl;
	struct socket *s;
	int err;

	if (family <= 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	fl = spin_lock_irqsave(&families_lock);
	create = families[family];
	spin_unlock_irqrestore(&families_lock, fl);
	if (!create)
		return -EAFNOSUPPORT;
	s = sock_alloc(family, type, NULL, nonblock);
	if (!s)
		return -ENOMEM;
	err = create(s, type, protocol);
	if (err) {
		sock_discard(s);
		return err;
	}
	*out = s;
	return 0;
}

struct socket *sock_from_file(struct file *f)
{
	return f && f->ops == &socket_fops ? f->priv : NULL;
}

bool sock_nonblock(const struct socket *s)
{
	return (s->file->flags & O_NONBLOCK) != 0;
}

static int put_int(void *val, unsigned *len, int v)
{
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

int sock_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	if (level != SOL_SOCKET)
		return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	switch (name) {
	case SO_TYPE:
		return put_int(val, len, s->type);
	case SO_DOMAIN:
		return put_int(val, len, s->family);
	case SO_ERROR:
		return put_int(val, len, s->ops->get_error ? -s->ops->get_error(s) : 0);
	default:
		if (s->ops->getsockopt)
			return s->ops->getsockopt(s, level, name, val, len);
		return -ENOPROTOOPT;
	}
}

int sock_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	if (level == SOL_SOCKET && !s->ops->setsockopt)
		return 0; /* SO_REUSEADDR, SO_KEEPALIVE, buffer sizes...: nothing to tune */
	if (s->ops->setsockopt)
		return s->ops->setsockopt(s, level, name, val, len);
	return -ENOPROTOOPT;
}

/* ---- file operations ------------------------------------------------------ */

static long socket_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct socket *s = f->priv;
	struct sock_msg m = {.data = buf, .len = len};

	if (f->flags & O_NONBLOCK)
		m.flags |= MSG_DONTWAIT;
	return s->ops->recvmsg(s, &m);
}

static long socket_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct socket *s = f->priv;
	struct sock_msg m = {.data = (void *)buf, .len = len};
	long r;

	if (f->flags & O_NONBLOCK)
		m.flags |= MSG_DONTWAIT;
	r = s->ops->sendmsg(s, &m);
	if (r == -EPIPE)
		signal_raise(SIGPIPE);
	return r;
}

static unsigned socket_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->priv;

	return s->ops->poll ? s->ops->poll(s, pt) : DEFAULT_POLLMASK;
}

static int socket_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct socket *s = f->priv;

	return s->ops->ioctl ? s->ops->ioctl(s, cmd, arg) : -ENOTTY;
}

static void socket_release(struct file *f)
{
	struct socket *s = f->priv;

	if (s->sk && s->ops && s->ops->release)
		s->ops->release(s);
	kfree(s);
}

static const struct file_ops socket_fops = {
	.read = socket_read,
	.write = socket_write,
	.poll = socket_poll,
	.ioctl = socket_ioctl,
	.release = socket_release,
};
