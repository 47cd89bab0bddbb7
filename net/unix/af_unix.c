/*
 * AF_UNIX sockets (unix(7)): SOCK_STREAM and SOCK_DGRAM, socketpair,
 * names in the filesystem (bind makes an S_IFSOCK node through the VFS's
 * mknod path: EADDRINUSE if the name exists) and in the abstract
 * namespace (a leading NUL byte), listen/accept with a backlog, shutdown,
 * datagram boundaries, and SCM_RIGHTS file passing. Semantics follow
 * Linux net/unix/af_unix.c: a connect creates the server's end at once
 * and queues it for accept; connecting to a name nobody listens on is
 * ECONNREFUSED; a closed peer shuts both directions (reads see EOF, sends
 * EPIPE, poll POLLHUP); a datagram longer than the buffer given to recv
 * is truncated (MSG_TRUNC) and the rest dropped.
 *
 * Data sits in the receiver's queue of messages (struct unix_msg), at
 * most UNIX_BUF bytes (and UNIX_DGRAM_QLEN datagrams); a sender waits on
 * the receiver's wait queue for room. Stream reads cross message
 * boundaries except into one carrying files, so passed files arrive with
 * their bytes.
 *
 * Lock legend: unix_lock guards every field of every unix_sock and the
 * table of bound names; wake-ups happen after it is dropped. A unix_sock
 * is reference-counted: its socket, each peer pointer and each accept
 * queue hold one. Known gap: files in flight that reference their own
 * socket (a cycle) are never freed (Linux runs a garbage collector).
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "net/socket.h"

#define UNIX_BUF	(128 * 1024) /* bytes queued per receiver */
#define UNIX_DGRAM_QLEN 64	     /* datagrams queued per receiver */
#define UNIX_PATH_MAX	108
#define UNIX_ADDR_MAX	(2 + UNIX_PATH_MAX)
#define SOMAXCONN	4096
#define FIONREAD	0x541b

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

enum unix_state { US_UNCONNECTED, US_LISTENING, US_CONNECTED };

struct sockaddr_un_k {
	uint16_t family;
	char path[UNIX_PATH_MAX];
};

struct unix_msg {
	struct unix_msg *next;
	size_t len, off;
	struct file **fds; /* references, or NULL */
	int nfds;
	unsigned fromlen; /* 0: unnamed sender */
	struct sockaddr_un_k from;
	uint8_t data[];
};

struct unix_sock {
	int type;
	enum unix_state state;
	int shut; /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;  /* SO_ERROR */
	int refcnt;
	struct socket *sock;	/* NULL until accepted and once closed */
	bool dead;		/* closed (or never accepted before its listener closed) */
	struct unix_sock *peer; /* referenced */
	/* The bound name: addrlen 0 when unbound. */
	unsigned addrlen;
	struct sockaddr_un_k addr;
	bool abstract;
	uint64_t dev, ino; /* the S_IFSOCK node of a path name */
	struct unix_sock *bound_next;
	/* Receive queue. */
	struct unix_msg *rq_head, *rq_tail;
	size_t rq_bytes;
	int rq_count;
	/* Listening: connections waiting for accept (referenced). */
	struct unix_sock *acc_head, *acc_tail, *acc_next;
	int backlog, nacc;
	struct waitq wq; /* readers, accepters, and writers waiting for room here */
};

static struct spinlock unix_lock = SPINLOCK_INIT("af_unix");
static struct unix_sock *bound; /* unix_lock */

static const struct proto_ops unix_ops;

static struct unix_sock *us_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->type = type;
	u->refcnt = 1;
	waitq_init(&u->wq);
	return u;
}

static void msg_free(struct unix_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		vfs_close(m->fds[i]);
	kfree(m->fds);
	kfree(m);
}

static void msgs_free(struct unix_msg *m)
{
	while (m) {
		struct unix_msg *next = m->next;
		msg_free(m);
		m = next;
	}
}

/* Drop a reference; unix_lock not held. */
static void us_put(struct unix_sock *u)
{
	unsigned long fl = spin_lock_irqsave(&unix_lock);
	bool last = --u->refcnt == 0;

	spin_unlock_irqrestore(&unix_lock, fl);
	if (!last)
		return;
	msgs_free(u->rq_head);
	kfree(u);
}

static bool nonblocking(struct unix_sock *u, const struct sock_msg *m)
{
	return (m && (m->flags & MSG_DONTWAIT)) || (u->sock && sock_nonblock(u->sock));
}

/* ---- names ------------------------------------------------------------------ */

/* A parsed sockaddr_un: a path (NUL-terminated) or abstract bytes. */
struct unix_name {
	bool abstract;
	size_t len; /* abstract: bytes after the NUL; path: strlen */
	struct sockaddr_un_k sa;
	unsigned salen; /* what getsockname reports */
};

static int parse_name(const void *addr, unsigned len, struct unix_name *n)
{
	const struct sockaddr_un_k *sa = addr;
	size_t plen;

	if (len < 2 || len > UNIX_ADDR_MAX || sa->family != AF_UNIX)
		return -EINVAL;
	plen = len - 2;
	if (plen == 0)
		return -EINVAL; /* autobind is not supported */
	memset(n, 0, sizeof(*n));
	n->sa.family = AF_UNIX;
	if (sa->path[0] == '\0') {
		n->abstract = true;
		n->len = plen - 1;
		memcpy(n->sa.path, sa->path, plen);
		n->salen = len;
		return 0;
	}
	n->len = strnlen(sa->path, plen);
	if (n->len >= UNIX_PATH_MAX)
		return -EINVAL;
	memcpy(n->sa.path, sa->path, n->len);
	n->salen = (unsigned)(2 + n->len + 1);
	return 0;
}

/* unix_lock held. */
static struct unix_sock *find_bound(const struct unix_name *n, uint64_t dev, uint64_t ino)
{
	for (struct unix_sock *u = bound; u; u = u->bound_next) {
		if (u->abstract != n->abstract)
			continue;
		if (n->abstract ? (u->addrlen == n->salen &&
				   !memcmp(u->addr.path, n->sa.path, n->len + 1))
				: (u->dev == dev && u->ino == ino))
			return u;
	}
	return NULL;
}

static int unix_bind(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct unix_sock *u = s->sk;
	struct unix_name n;
	struct kstat st = {0};
	unsigned long fl;
	int err;

	err = parse_name(addr, len, &n);
	if (err)
		return err;
	if (u->addrlen)
		return -EINVAL;
	if (!n.abstract) {
		if (!ctx)
			return -EINVAL;
		err = vfs_mknod(ctx, n.sa.path, S_IFSOCK | 0777, 0);
		if (err)
			return err == -EEXIST ? -EADDRINUSE : err;
		err = vfs_stat(ctx, n.sa.path, &st, false);
		if (err)
			return err;
	}
	fl = spin_lock_irqsave(&unix_lock);
	if (u->addrlen) {
		err = -EINVAL;
	} else if (n.abstract && find_bound(&n, 0, 0)) {
		err = -EADDRINUSE;
	} else {
		u->abstract = n.abstract;
		u->addr = n.sa;
		u->addrlen = n.salen;
		u->dev = st.dev;
		u->ino = st.ino;
		u->bound_next = bound;
		bound = u;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	return err;
}

/* The socket bound to a name, referenced: -ENOENT (no such path),
 * -ECONNREFUSED (nobody bound there), -EPROTOTYPE (another type). */
static int lookup(struct vfs_ctx *ctx, const void *addr, unsigned len, int type,
		  struct unix_sock **out)
{
	struct unix_name n;
	struct kstat st = {0};
	struct unix_sock *t;
	unsigned long fl;
	int err;

	err = parse_name(addr, len, &n);
	if (err)
		return err;
	if (!n.abstract) {
		if (!ctx)
			return -EINVAL;
		err = vfs_stat(ctx, n.sa.path, &st, true);
		if (err)
			return err;
		if (!S_ISSOCK(st.mode))
			return -ECONNREFUSED;
		err = vfs_access(ctx, n.sa.path, 2 /* W_OK */);
		if (err)
			return err;
	}
	fl = spin_lock_irqsave(&unix_lock);
	t = find_bound(&n, st.dev, st.ino);
	if (!t || t->dead)
		err = -ECONNREFUSED;
	else if (t->type != type)
		err = -EPROTOTYPE;
	else
		t->refcnt++;
	spin_unlock_irqrestore(&unix_lock, fl);
	if (!err)
		*out = t;
	return err;
}

/* ---- connection set-up ------------------------------------------------------ */

static bool backlog_room(void *arg)
{
	struct unix_sock *t = arg;

	return t->dead || t->state != US_LISTENING || t->nacc <= t->backlog;
}

static int stream_connect(struct unix_sock *u, struct unix_sock *t)
{
	struct unix_sock *srv = us_new(SOCK_STREAM);
	unsigned long fl;
	int err;

	if (!srv)
		return -ENOMEM;
	for (;;) {
		fl = spin_lock_irqsave(&unix_lock);
		if (u->state != US_UNCONNECTED) {
			err = u->state == US_CONNECTED ? -EISCONN : -EINVAL;
			break;
		}
		if (t->dead || t->state != US_LISTENING) {
			err = -ECONNREFUSED;
			break;
		}
		if (t->nacc > t->backlog) {
			spin_unlock_irqrestore(&unix_lock, fl);
			if (nonblocking(u, NULL)) {
				kfree(srv);
				return -EAGAIN;
			}
			err = waitq_wait_intr(&t->wq, backlog_room, t, 0);
			if (err) {
				kfree(srv);
				return err;
			}
			continue;
		}
		/* The server's end: connected to u, named like the listener. */
		srv->state = US_CONNECTED;
		srv->addr = t->addr;
		srv->addrlen = t->addrlen;
		srv->peer = u;
		u->refcnt++;
		u->peer = srv;
		srv->refcnt++; /* one for u->peer, one for the accept queue */
		u->state = US_CONNECTED;
		if (t->acc_tail)
			t->acc_tail->acc_next = srv;
		else
			t->acc_head = srv;
		t->acc_tail = srv;
		t->nacc++;
		srv = NULL;
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	kfree(srv);
	if (!err)
		waitq_wake_all(&t->wq);
	return err;
}

static int unix_connect(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len)
{
	struct unix_sock *u = s->sk, *t, *old = NULL;
	unsigned long fl;
	int err;

	if (len >= 2 && ((const struct sockaddr_un_k *)addr)->family == AF_UNSPEC &&
	    u->type == SOCK_DGRAM) {
		/* Dissolve a datagram association. */
		fl = spin_lock_irqsave(&unix_lock);
		old = u->peer;
		u->peer = NULL;
		u->state = US_UNCONNECTED;
		spin_unlock_irqrestore(&unix_lock, fl);
		if (old)
			us_put(old);
		return 0;
	}
	err = lookup(ctx, addr, len, u->type, &t);
	if (err)
		return err;
	if (u->type == SOCK_STREAM) {
		err = stream_connect(u, t);
		us_put(t);
		return err;
	}
	/* Datagram: just remember the default destination (t's reference). */
	fl = spin_lock_irqsave(&unix_lock);
	old = u->peer;
	u->peer = t;
	u->state = US_CONNECTED;
	spin_unlock_irqrestore(&unix_lock, fl);
	if (old)
		us_put(old);
	return 0;
}

static int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = s->sk;
	unsigned long fl;
	int err = 0;

	if (u->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	fl = spin_lock_irqsave(&unix_lock);
	if (!u->addrlen || u->state == US_CONNECTED) {
		err = -EINVAL;
	} else {
		u->state = US_LISTENING;
		u->backlog = backlog < 0 ? 0 : MIN(backlog, SOMAXCONN);
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	if (!err)
		waitq_wake_all(&u->wq); /* a larger backlog may admit waiting connects */
	return err;
}

static bool accept_ready(void *arg)
{
	struct unix_sock *u = arg;

	return u->acc_head || u->state != US_LISTENING;
}

static int unix_accept(struct socket *s, struct socket *ns)
{
	struct unix_sock *u = s->sk, *c;
	unsigned long fl;
	int err;

	for (;;) {
		fl = spin_lock_irqsave(&unix_lock);
		if (u->state != US_LISTENING) {
			spin_unlock_irqrestore(&unix_lock, fl);
			return -EINVAL;
		}
		c = u->acc_head;
		if (c) {
			u->acc_head = c->acc_next;
			if (!u->acc_head)
				u->acc_tail = NULL;
			c->acc_next = NULL;
			u->nacc--;
			c->sock = ns; /* the accept queue's reference becomes the socket's */
			ns->sk = c;
			ns->ops = &unix_ops;
			spin_unlock_irqrestore(&unix_lock, fl);
			waitq_wake_all(&u->wq); /* backlog room */
			return 0;
		}
		spin_unlock_irqrestore(&unix_lock, fl);
		if (nonblocking(u, NULL))
			return -EAGAIN;
		err = waitq_wait_intr(&u->wq, accept_ready, u, 0);
		if (err)
			return err;
	}
}

/* ---- sending -------------------------------------------------------------- */

static struct unix_msg *msg_alloc(size_t len)
{
	return kmalloc(sizeof(struct unix_msg) + (len ? len : 1));
}

/* Append m to u's queue; unix_lock held. */
static void enqueue(struct unix_sock *u, struct unix_msg *m)
{
	m->next = NULL;
	if (u->rq_tail)
		u->rq_tail->next = m;
	else
		u->rq_head = m;
	u->rq_tail = m;
	u->rq_bytes += m->len;
	u->rq_count++;
}

struct room_wait {
	struct unix_sock *u, *t;
	size_t need;
	bool dgram;
};

static bool room_or_gone(void *arg)
{
	struct room_wait *w = arg;
	struct unix_sock *t = w->t;

	if (t->dead || (t->shut & RCV_SHUTDOWN) || (w->u->shut & SEND_SHUTDOWN))
		return true;
	if (w->dgram)
		return t->rq_count < UNIX_DGRAM_QLEN && t->rq_bytes + w->need <= UNIX_BUF;
	return t->rq_bytes < UNIX_BUF;
}

static long stream_send(struct unix_sock *u, struct sock_msg *m)
{
	size_t done = 0;
	unsigned long fl;
	int err;

	if (m->addr)
		return u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != US_CONNECTED)
		return -ENOTCONN;
	while (done < m->len || (m->len == 0 && done == 0 && m->nfds)) {
		size_t want = MIN(m->len - done, (size_t)UNIX_BUF);
		struct unix_msg *msg = msg_alloc(want);
		struct unix_sock *t;

		if (!msg)
			return done ? (long)done : -ENOMEM;
		fl = spin_lock_irqsave(&unix_lock);
		t = u->peer;
		if ((u->shut & SEND_SHUTDOWN) || !t || t->dead || (t->shut & RCV_SHUTDOWN)) {
			spin_unlock_irqrestore(&unix_lock, fl);
			kfree(msg);
			return done ? (long)done : -EPIPE;
		}
		if (t->rq_bytes >= UNIX_BUF) {
			struct room_wait w = {u, t, 1, false};
			spin_unlock_irqrestore(&unix_lock, fl);
			kfree(msg);
			if (nonblocking(u, m))
				return done ? (long)done : -EAGAIN;
			err = waitq_wait_intr(&t->wq, room_or_gone, &w, 0);
			if (err)
				return done ? (long)done : err;
			continue;
		}
		memset(msg, 0, sizeof(*msg));
		msg->len = MIN(want, UNIX_BUF - t->rq_bytes);
		memcpy(msg->data, (const uint8_t *)m->data + done, msg->len);
		if (m->nfds) { /* the files ride with the first piece */
			msg->fds = m->fds;
			msg->nfds = m->nfds;
			m->fds = NULL;
			m->nfds = 0;
		}
		enqueue(t, msg);
		done += msg->len;
		spin_unlock_irqrestore(&unix_lock, fl);
		waitq_wake_all(&t->wq);
		if (m->len == 0)
			break;
	}
	return (long)done;
}

static long dgram_send(struct unix_sock *u, struct sock_msg *m)
{
	struct unix_sock *t;
	struct unix_msg *msg;
	unsigned long fl;
	long err;

	if (m->len > UNIX_BUF)
		return -EMSGSIZE;
	if (m->addr) {
		err = lookup(m->ctx, m->addr, m->addrlen, SOCK_DGRAM, &t);
		if (err)
			return err;
	} else {
		fl = spin_lock_irqsave(&unix_lock);
		t = u->peer;
		if (t)
			t->refcnt++;
		spin_unlock_irqrestore(&unix_lock, fl);
		if (!t)
			return -ENOTCONN;
	}
	msg = msg_alloc(m->len);
	if (!msg) {
		us_put(t);
		return -ENOMEM;
	}
	memset(msg, 0, sizeof(*msg));
	msg->len = m->len;
	memcpy(msg->data, m->data, m->len);
	for (;;) {
		struct room_wait w = {u, t, m->len, true};
		fl = spin_lock_irqsave(&unix_lock);
		if (t->dead) {
			err = -ECONNREFUSED;
			break;
		}
		if (t->peer && t->peer != u) {
			err = -EPERM; /* t is connected to someone else */
			break;
		}
		if ((t->shut & RCV_SHUTDOWN) || (u->shut & SEND_SHUTDOWN)) {
			err = -EPIPE;
			break;
		}
		if (!room_or_gone(&w)) {
			spin_unlock_irqrestore(&unix_lock, fl);
			if (nonblocking(u, m)) {
				err = -EAGAIN;
				goto out;
			}
			err = waitq_wait_intr(&t->wq, room_or_gone, &w, 0);
			if (err)
				goto out;
			continue;
		}
		if (u->addrlen) {
			msg->from = u->addr;
			msg->fromlen = u->addrlen;
		}
		msg->fds = m->fds;
		msg->nfds = m->nfds;
		m->fds = NULL;
		m->nfds = 0;
		enqueue(t, msg);
		msg = NULL;
		err = (long)m->len;
		break;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	if (err >= 0)
		waitq_wake_all(&t->wq);
out:
	kfree(msg);
	us_put(t);
	return err;
}

static long unix_sendmsg(struct socket *s, struct sock_msg *m)
{
	struct unix_sock *u = s->sk;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	return u->type == SOCK_STREAM ? stream_send(u, m) : dgram_send(u, m);
}

/* ---- receiving ------------------------------------------------------------- */

/* Hand a message's files to the receiver (up to fds_max; the rest are
 * closed and MSG_CTRUNC set). unix_lock held; files to close go to *drop. */
static void take_fds(struct unix_msg *msg, struct sock_msg *m, struct unix_msg **drop)
{
	int n;

	if (!msg->nfds)
		return;
	n = MIN(msg->nfds, m->fds_max - m->nfds);
	if (n < 0)
		n = 0;
	for (int i = 0; i < n; i++)
		m->fds[m->nfds++] = msg->fds[i];
	if (n < msg->nfds) {
		/* Park the extra files on an empty message closed later. */
		struct unix_msg *d = msg_alloc(0);
		m->flags |= MSG_CTRUNC;
		if (d) {
			memset(d, 0, sizeof(*d));
			d->fds = kmalloc(sizeof(struct file *) * (size_t)(msg->nfds - n));
			if (d->fds) {
				for (int i = n; i < msg->nfds; i++)
					d->fds[d->nfds++] = msg->fds[i];
			}
			d->next = *drop;
			*drop = d;
		}
	}
	kfree(msg->fds);
	msg->fds = NULL;
	msg->nfds = 0;
}

static bool readable_or_eof(void *arg)
{
	struct unix_sock *u = arg;

	return u->rq_head || (u->shut & RCV_SHUTDOWN) || u->err ||
	       (u->type == SOCK_STREAM && (!u->peer || u->peer->dead));
}

static void dequeue_head(struct unix_sock *u, struct unix_msg **drop)
{
	struct unix_msg *msg = u->rq_head;

	u->rq_head = msg->next;
	if (!u->rq_head)
		u->rq_tail = NULL;
	u->rq_count--;
	msg->next = *drop;
	*drop = msg;
}

static long unix_recvmsg(struct socket *s, struct sock_msg *m)
{
	struct unix_sock *u = s->sk;
	bool peek = m->flags & MSG_PEEK, want_len = m->flags & MSG_TRUNC;
	struct unix_msg *drop = NULL;
	size_t copied = 0;
	unsigned long fl;
	long r;
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	m->flags &= ~(unsigned)(MSG_TRUNC | MSG_CTRUNC); /* from here on: what happened */
	for (;;) {
		fl = spin_lock_irqsave(&unix_lock);
		if (u->type == SOCK_STREAM && u->state != US_CONNECTED) {
			spin_unlock_irqrestore(&unix_lock, fl);
			return -EINVAL;
		}
		if (u->rq_head)
			break;
		if (readable_or_eof(u) || copied) {
			spin_unlock_irqrestore(&unix_lock, fl);
			return (long)copied; /* end of stream */
		}
		spin_unlock_irqrestore(&unix_lock, fl);
		if (nonblocking(u, m))
			return -EAGAIN;
		err = waitq_wait_intr(&u->wq, readable_or_eof, u, 0);
		if (err)
			return err;
	}
	/* unix_lock held, the queue not empty. */
	if (u->type == SOCK_DGRAM) {
		struct unix_msg *msg = u->rq_head;
		size_t n = MIN(m->len, msg->len);
		memcpy(m->data, msg->data, n);
		/* MSG_TRUNC asked: the datagram's real length (Linux). */
		r = want_len ? (long)msg->len : (long)n;
		if (n < msg->len)
			m->flags |= MSG_TRUNC;
		if (m->addr && m->addrlen) {
			unsigned alen = msg->fromlen ? msg->fromlen : 2;
			struct sockaddr_un_k unnamed = {.family = AF_UNIX};
			memcpy(m->addr, msg->fromlen ? &msg->from : &unnamed,
			       MIN(m->addrlen, alen));
			m->addrlen = alen;
		}
		if (!peek) {
			take_fds(msg, m, &drop);
			u->rq_bytes -= msg->len;
			dequeue_head(u, &drop);
		}
	} else {
		struct unix_msg *msg = u->rq_head;
		size_t off = msg->off;
		while (msg && copied < m->len) {
			size_t n;
			if (copied && msg->nfds)
				break; /* its files come with its bytes, next time */
			n = MIN(msg->len - off, m->len - copied);
			memcpy((uint8_t *)m->data + copied, msg->data + off, n);
			copied += n;
			if (peek) {
				msg = msg->next;
				off = msg ? msg->off : 0;
				continue;
			}
			take_fds(msg, m, &drop);
			msg->off += n;
			u->rq_bytes -= n;
			if (msg->off == msg->len) {
				dequeue_head(u, &drop);
				msg = u->rq_head;
				off = msg ? msg->off : 0;
			}
		}
		if (m->addr)
			m->addrlen = 0;
		r = (long)copied;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	msgs_free(drop);
	if (!peek)
		waitq_wake_all(&u->wq); /* room for senders */
	return r;
}

/* ---- the rest ------------------------------------------------------------------ */

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = s->sk, *peer;
	unsigned long fl;
	int mode;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = how + 1; /* SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND, both */
	fl = spin_lock_irqsave(&unix_lock);
	if (u->state != US_CONNECTED) {
		spin_unlock_irqrestore(&unix_lock, fl);
		return -ENOTCONN;
	}
	u->shut |= mode;
	peer = u->peer;
	if (peer && u->type == SOCK_STREAM) {
		if (mode & RCV_SHUTDOWN)
			peer->shut |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer->shut |= RCV_SHUTDOWN;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	waitq_wake_all(&u->wq);
	if (peer)
		waitq_wake_all(&peer->wq);
	return 0;
}

static int unix_getname(struct socket *s, void *addr, unsigned *len, bool want_peer)
{
	struct unix_sock *u = s->sk, *t;
	struct sockaddr_un_k sa = {.family = AF_UNIX};
	unsigned n = 2;
	unsigned long fl = spin_lock_irqsave(&unix_lock);

	t = want_peer ? u->peer : u;
	if (!t) {
		spin_unlock_irqrestore(&unix_lock, fl);
		return -ENOTCONN;
	}
	if (t->addrlen) {
		sa = t->addr;
		n = t->addrlen;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	memcpy(addr, &sa, MIN(*len, n));
	*len = n;
	return 0;
}

static unsigned unix_poll(struct socket *s, struct poll_table *pt)
{
	struct unix_sock *u = s->sk, *t;
	unsigned long fl;
	unsigned mask = 0;

	poll_wait(pt, &u->wq);
	fl = spin_lock_irqsave(&unix_lock);
	t = u->peer;
	/* A stream peer is fixed once connected and outlives this file. */
	if (u->type == SOCK_STREAM && t)
		poll_wait(pt, &t->wq);
	if (u->err)
		mask |= POLLERR;
	if (u->shut == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->shut & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (u->rq_head || (u->state == US_LISTENING && u->acc_head))
		mask |= POLLIN | POLLRDNORM;
	if (u->type == SOCK_STREAM) {
		if (u->state == US_UNCONNECTED)
			mask |= POLLHUP;
		if (u->state == US_CONNECTED && (!t || t->dead || t->rq_bytes < UNIX_BUF))
			mask |= POLLOUT | POLLWRNORM;
	} else if (!t || t->dead || (t->rq_count < UNIX_DGRAM_QLEN && t->rq_bytes < UNIX_BUF)) {
		mask |= POLLOUT | POLLWRNORM;
	}
	spin_unlock_irqrestore(&unix_lock, fl);
	return mask;
}

static int unix_ioctl(struct socket *s, unsigned cmd, unsigned long arg)
{
	struct unix_sock *u = s->sk;
	unsigned long fl;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	fl = spin_lock_irqsave(&unix_lock);
	if (u->state == US_LISTENING) {
		spin_unlock_irqrestore(&unix_lock, fl);
		return -EINVAL;
	}
	if (u->type == SOCK_DGRAM)
		n = u->rq_head ? (int)u->rq_head->len : 0; /* the next datagram */
	else
		n = (int)u->rq_bytes;
	spin_unlock_irqrestore(&unix_lock, fl);
	return copy_to_user((void *)arg, &n, sizeof(n));
}

static int unix_get_error(struct socket *s)
{
	struct unix_sock *u = s->sk;
	unsigned long fl = spin_lock_irqsave(&unix_lock);
	int e = u->err;

	u->err = 0;
	spin_unlock_irqrestore(&unix_lock, fl);
	return -e;
}

/* A closed end: the peer sees both directions shut. unix_lock held. */
static struct unix_sock *disconnect_locked(struct unix_sock *u)
{
	struct unix_sock *peer = u->peer;

	u->peer = NULL;
	if (peer && u->type == SOCK_STREAM) {
		peer->shut = SHUTDOWN_MASK;
		if (u->rq_count)
			peer->err = ECONNRESET; /* it sent data nobody read */
	}
	return peer;
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = s->sk, *peer, *c, *pending;
	struct unix_msg *queued;
	unsigned long fl = spin_lock_irqsave(&unix_lock);

	u->sock = NULL;
	u->dead = true;
	if (u->addrlen) {
		struct unix_sock **pp = &bound;
		while (*pp && *pp != u)
			pp = &(*pp)->bound_next;
		if (*pp)
			*pp = u->bound_next;
	}
	peer = disconnect_locked(u);
	pending = u->acc_head;
	u->acc_head = u->acc_tail = NULL;
	u->nacc = 0;
	u->state = US_UNCONNECTED;
	queued = u->rq_head;
	u->rq_head = u->rq_tail = NULL;
	u->rq_bytes = 0;
	u->rq_count = 0;
	spin_unlock_irqrestore(&unix_lock, fl);
	waitq_wake_all(&u->wq);
	if (peer) {
		waitq_wake_all(&peer->wq);
		us_put(peer);
	}
	/* Connections nobody accepted: their clients see the close. */
	while ((c = pending)) {
		struct unix_sock *client;
		pending = c->acc_next;
		fl = spin_lock_irqsave(&unix_lock);
		c->dead = true;
		client = disconnect_locked(c);
		spin_unlock_irqrestore(&unix_lock, fl);
		if (client) {
			waitq_wake_all(&client->wq);
			us_put(client);
		}
		us_put(c);
	}
	msgs_free(queued);
	us_put(u);
}

static const struct proto_ops unix_ops = {
	.family = AF_UNIX,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.get_error = unix_get_error,
	.release = unix_release,
};

static int unix_create(struct socket *s, int type, int protocol)
{
	struct unix_sock *u;

	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	u = us_new(type);
	if (!u)
		return -ENOMEM;
	u->sock = s;
	s->sk = u;
	s->ops = &unix_ops;
	return 0;
}

int unix_socketpair(int type, bool nonblock, struct socket **a, struct socket **b)
{
	struct socket *sa, *sb;
	struct unix_sock *ua, *ub;
	int err;

	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	err = sock_create(AF_UNIX, type, 0, nonblock, &sa);
	if (err)
		return err;
	err = sock_create(AF_UNIX, type, 0, nonblock, &sb);
	if (err) {
		sock_discard(sa);
		return err;
	}
	ua = sa->sk;
	ub = sb->sk;
	ua->peer = ub;
	ub->peer = ua;
	ua->refcnt++;
	ub->refcnt++;
	ua->state = ub->state = US_CONNECTED;
	*a = sa;
	*b = sb;
	return 0;
}

void unix_init(void)
{
	if (sock_register(AF_UNIX, unix_create))
		pr_err("af_unix: cannot register\n");
}
