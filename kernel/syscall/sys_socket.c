/*
 * Socket system calls (Linux x86_64 numbers: socket 41, connect 42,
 * accept 43, sendto 44, recvfrom 45, sendmsg 46, recvmsg 47, shutdown 48,
 * bind 49, listen 50, getsockname 51, getpeername 52, socketpair 53,
 * setsockopt 54, getsockopt 55, accept4 288; semantics from socket(2),
 * accept(2), send(2), recv(2), cmsg(3), unix(7)). The family does the
 * work through net/socket.h; this file copies addresses, iovecs and
 * control messages (SCM_RIGHTS fds become referenced files and back), and
 * raises SIGPIPE for -EPIPE unless MSG_NOSIGNAL.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall/syscall.h"
#include "net/inet.h"
#include "net/socket.h"

#define SYS_socket	41
#define SYS_connect	42
#define SYS_accept	43
#define SYS_sendto	44
#define SYS_recvfrom	45
#define SYS_sendmsg	46
#define SYS_recvmsg	47
#define SYS_shutdown	48
#define SYS_bind	49
#define SYS_listen	50
#define SYS_getsockname 51
#define SYS_getpeername 52
#define SYS_socketpair	53
#define SYS_setsockopt	54
#define SYS_getsockopt	55
#define SYS_accept4	288

#define IOV_MAX	      1024
#define SOCK_IO_MAX   (256 * 1024) /* bytes moved by one send or receive call */
#define SOCKOPT_MAX   256
#define CMSG_HDR      16
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)

struct iovec_user {
	uint64_t base, len;
};

struct msghdr_user {
	uint64_t name;
	uint32_t namelen, pad0;
	uint64_t iov, iovlen;
	uint64_t control, controllen;
	int32_t flags, pad1;
};
_Static_assert(sizeof(struct msghdr_user) == 56, "Linux x86_64 struct msghdr");

struct cmsghdr_user {
	uint64_t len;
	int32_t level, type;
};

/* The socket at fd with its file referenced (vfs_close *fp), or NULL with
 * *err set (-EBADF, -ENOTSOCK). */
static struct socket *sock_get(long fd, struct file **fp, long *err)
{
	struct file *f = fd_get(current_process()->fds, (int)fd);
	struct socket *s;

	*err = -EBADF;
	if (!f)
		return NULL;
	s = sock_from_file(f);
	if (!s) {
		vfs_close(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return s;
}

static long install(struct socket *s, bool cloexec)
{
	int fd = fd_install(current_process()->fds, s->file, 0, cloexec);

	if (fd < 0)
		sock_discard(s);
	return fd;
}

static long sys_socket(const long a[6])
{
	int flags = (int)a[1] & (SOCK_NONBLOCK | SOCK_CLOEXEC), type = (int)a[1] & ~flags;
	struct socket *s;
	int err;

	if (type & ~SOCK_TYPE_MASK)
		return -EINVAL;
	err = sock_create((int)a[0], type, (int)a[2], flags & SOCK_NONBLOCK, &s);
	if (err)
		return err;
	return install(s, flags & SOCK_CLOEXEC);
}

static long sys_socketpair(const long a[6])
{
	int flags = (int)a[1] & (SOCK_NONBLOCK | SOCK_CLOEXEC), type = (int)a[1] & ~flags;
	struct socket *sa, *sb;
	int fd[2], err;

	if (type & ~SOCK_TYPE_MASK)
		return -EINVAL;
	if (a[0] != AF_UNIX)
		return a[0] > 0 && a[0] < AF_MAX ? -EOPNOTSUPP : -EAFNOSUPPORT;
	if (a[2] != 0 && a[2] != AF_UNIX)
		return -EPROTONOSUPPORT;
	err = unix_socketpair(type, flags & SOCK_NONBLOCK, &sa, &sb);
	if (err)
		return err;
	fd[0] = (int)install(sa, flags & SOCK_CLOEXEC);
	if (fd[0] < 0) {
		sock_discard(sb);
		return fd[0];
	}
	fd[1] = (int)install(sb, flags & SOCK_CLOEXEC);
	if (fd[1] < 0) {
		fd_close(current_process()->fds, fd[0]);
		return fd[1];
	}
	if (copy_to_user((void *)a[3], fd, sizeof(fd))) {
		fd_close(current_process()->fds, fd[0]);
		fd_close(current_process()->fds, fd[1]);
		return -EFAULT;
	}
	return 0;
}

/* bind and connect: an address in, the caller's filesystem context. */
static long addr_call(const long a[6], bool connect)
{
	uint8_t addr[SOCKADDR_MAX];
	struct file *f;
	struct socket *s;
	long r;

	if (a[2] < 0 || a[2] > SOCKADDR_MAX)
		return -EINVAL;
	if (copy_from_user(addr, (const void *)a[1], (size_t)a[2]))
		return -EFAULT;
	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	if (connect)
		r = s->ops->connect
			    ? s->ops->connect(s, &current_process()->ctx, addr, (unsigned)a[2])
			    : -EOPNOTSUPP;
	else
		r = s->ops->bind ? s->ops->bind(s, &current_process()->ctx, addr, (unsigned)a[2])
				 : -EOPNOTSUPP;
	vfs_close(f);
	return r;
}

static long sys_bind(const long a[6])
{
	return addr_call(a, false);
}

static long sys_connect(const long a[6])
{
	return addr_call(a, true);
}

static long sys_listen(const long a[6])
{
	struct socket *s;
	struct file *f;
	long r;

	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = s->ops->listen ? s->ops->listen(s, (int)a[1]) : -EOPNOTSUPP;
	vfs_close(f);
	return r;
}

/* Copy a kernel address out to (uaddr, ulen) as getsockname does: the
 * full length is reported, the copy truncated. */
static long addr_out(long uaddr, long ulen, const void *addr, unsigned len)
{
	uint32_t have;

	if (!uaddr)
		return 0;
	if (copy_from_user(&have, (const void *)ulen, sizeof(have)))
		return -EFAULT;
	if ((int32_t)have < 0)
		return -EINVAL;
	if (copy_to_user((void *)uaddr, addr, MIN(have, len)))
		return -EFAULT;
	have = len;
	return copy_to_user((void *)ulen, &have, sizeof(have));
}

static long do_accept(const long a[6], int flags)
{
	uint8_t addr[SOCKADDR_MAX];
	unsigned alen = sizeof(addr);
	struct socket *s, *ns;
	struct file *f;
	long r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = -EOPNOTSUPP;
	if (!s->ops->accept)
		goto out;
	r = -ENOMEM;
	ns = sock_alloc(s->family, s->type, s->ops, flags & SOCK_NONBLOCK);
	if (!ns)
		goto out;
	r = s->ops->accept(s, ns);
	if (r) {
		sock_discard(ns);
		goto out;
	}
	if (a[1] && ns->ops->getname(ns, addr, &alen, true) == 0) {
		r = addr_out(a[1], a[2], addr, alen);
		if (r) {
			sock_discard(ns);
			goto out;
		}
	}
	r = install(ns, flags & SOCK_CLOEXEC);
out:
	vfs_close(f);
	return r;
}

static long sys_accept(const long a[6])
{
	return do_accept(a, 0);
}

static long sys_accept4(const long a[6])
{
	return do_accept(a, (int)a[3]);
}

static long name_call(const long a[6], bool peer)
{
	uint8_t addr[SOCKADDR_MAX];
	unsigned alen = sizeof(addr);
	struct socket *s;
	struct file *f;
	long r;

	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = s->ops->getname(s, addr, &alen, peer);
	if (r == 0)
		r = addr_out(a[1], a[2], addr, alen);
	vfs_close(f);
	return r;
}

static long sys_getsockname(const long a[6])
{
	return name_call(a, false);
}

static long sys_getpeername(const long a[6])
{
	return name_call(a, true);
}

static long sys_shutdown(const long a[6])
{
	struct socket *s;
	struct file *f;
	long r;

	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = s->ops->shutdown ? s->ops->shutdown(s, (int)a[1]) : -EOPNOTSUPP;
	vfs_close(f);
	return r;
}

static long sys_setsockopt(const long a[6])
{
	uint8_t val[SOCKOPT_MAX];
	struct socket *s;
	struct file *f;
	long r;

	if (a[4] < 0)
		return -EINVAL;
	if (copy_from_user(val, (const void *)a[3], MIN((size_t)a[4], sizeof(val))))
		return -EFAULT;
	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = sock_setsockopt(s, (int)a[1], (int)a[2], val, (unsigned)MIN((size_t)a[4], sizeof(val)));
	vfs_close(f);
	return r;
}

static long sys_getsockopt(const long a[6])
{
	uint8_t val[SOCKOPT_MAX];
	uint32_t len;
	unsigned klen;
	struct socket *s;
	struct file *f;
	long r;

	if (copy_from_user(&len, (const void *)a[4], sizeof(len)))
		return -EFAULT;
	if ((int32_t)len < 0)
		return -EINVAL;
	klen = MIN(len, (uint32_t)sizeof(val));
	s = sock_get(a[0], &f, &r);
	if (!s)
		return r;
	r = sock_getsockopt(s, (int)a[1], (int)a[2], val, &klen);
	vfs_close(f);
	if (r)
		return r;
	if (copy_to_user((void *)a[3], val, klen))
		return -EFAULT;
	len = klen;
	return copy_to_user((void *)a[4], &len, sizeof(len));
}

/* ---- data ---------------------------------------------------------------------- */

/* A user iovec array read into kernel memory. */
struct uio {
	struct iovec_user *v;
	size_t n, total;
};

static long uio_in(struct uio *u, long uiov, long n)
{
	if (n < 0 || n > IOV_MAX)
		return -EMSGSIZE;
	u->n = (size_t)n;
	u->total = 0;
	u->v = kmalloc((n ? (size_t)n : 1) * sizeof(*u->v));
	if (!u->v)
		return -ENOMEM;
	if (n && copy_from_user(u->v, (const void *)uiov, (size_t)n * sizeof(*u->v))) {
		kfree(u->v);
		return -EFAULT;
	}
	for (size_t i = 0; i < u->n; i++) {
		if ((int64_t)u->v[i].len < 0 || u->total + u->v[i].len < u->total) {
			kfree(u->v);
			return -EINVAL;
		}
		u->total += u->v[i].len;
	}
	return 0;
}

/* Copy len bytes between kbuf and the iovecs, starting `skip` bytes in. */
static long uio_copy(const struct uio *u, size_t skip, void *kbuf, size_t len, bool to_user)
{
	size_t done = 0;

	for (size_t i = 0; i < u->n && done < len; i++) {
		size_t l = u->v[i].len, n;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		n = MIN(l - skip, len - done);
		if (to_user ? copy_to_user((uint8_t *)u->v[i].base + skip, (uint8_t *)kbuf + done,
					   n)
			    : copy_from_user((uint8_t *)kbuf + done,
					     (const uint8_t *)u->v[i].base + skip, n))
			return -EFAULT;
		done += n;
		skip = 0;
	}
	return 0;
}

/* SCM_RIGHTS in a user control buffer: referenced files into *fds. */
static long control_in(long uctl, size_t len, struct file ***fds, int *nfds)
{
	uint8_t *buf;
	size_t off = 0;
	long r = 0;

	*fds = NULL;
	*nfds = 0;
	if (!uctl || len == 0)
		return 0;
	if (len > 4096)
		return -ENOBUFS;
	buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, (const void *)uctl, len)) {
		r = -EFAULT;
		goto out;
	}
	while (off + CMSG_HDR <= len) {
		struct cmsghdr_user h;
		memcpy(&h, buf + off, sizeof(h));
		if (h.len < CMSG_HDR || h.len > len - off) {
			r = -EINVAL;
			goto out;
		}
		if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS) {
			int n = (int)((h.len - CMSG_HDR) / sizeof(int));
			if (*fds || n <= 0 || n > SCM_MAX_FD) {
				r = -EINVAL;
				goto out;
			}
			*fds = kzalloc((size_t)n * sizeof(struct file *));
			if (!*fds) {
				r = -ENOMEM;
				goto out;
			}
			for (int i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, buf + off + CMSG_HDR + (size_t)i * sizeof(int),
				       sizeof(fd));
				(*fds)[i] = fd_get(current_process()->fds, fd);
				if (!(*fds)[i]) {
					r = -EBADF;
					goto out;
				}
				(*nfds)++;
			}
		} else if (h.level != SOL_SOCKET || h.type != 2 /* SCM_CREDENTIALS */) {
			r = -EINVAL;
			goto out;
		}
		off += CMSG_ALIGN(h.len);
	}
out:
	kfree(buf);
	return r;
}

static void fds_drop(struct file **fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i])
			vfs_close(fds[i]);
	kfree(fds);
}

/* Send `u` (already read in) with an optional destination and files. */
static long do_send(long fd, const struct uio *u, unsigned flags, long uaddr, long alen,
		    struct file **fds, int nfds)
{
	uint8_t addr[SOCKADDR_MAX];
	struct socket *s;
	struct file *f;
	size_t done = 0, chunk;
	struct bounce b;
	uint8_t *kbuf = NULL;
	long r;

	b.heap = NULL; /* for the early exits; bounce_get sets it again */

	if (uaddr && (alen < 0 || alen > SOCKADDR_MAX))
		return -EINVAL;
	if (uaddr && copy_from_user(addr, (const void *)uaddr, (size_t)alen))
		return -EFAULT;
	s = sock_get(fd, &f, &r);
	if (!s)
		return r;
	/* A datagram goes whole; a stream in pieces of SOCK_IO_MAX. */
	chunk = s->type == SOCK_STREAM ? MIN(u->total, (size_t)SOCK_IO_MAX) : u->total;
	r = -EMSGSIZE;
	if (chunk > SOCK_IO_MAX)
		goto out;
	r = -ENOMEM;
	kbuf = bounce_get(&b, chunk);
	if (!kbuf)
		goto out;
	do {
		size_t n = MIN(chunk, u->total - done);
		struct sock_msg m = {
			.ctx = &current_process()->ctx,
			.data = kbuf,
			.len = n,
			.addr = uaddr ? addr : NULL,
			.addrlen = uaddr ? (unsigned)alen : 0,
			.flags = flags,
			.fds = fds,
			.nfds = nfds,
		};
		r = uio_copy(u, done, kbuf, n, false);
		if (r)
			break;
		r = s->ops->sendmsg(s, &m);
		fds = m.fds; /* NULL once the family took them */
		nfds = m.nfds;
		if (r < 0)
			break;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	} while (done < u->total);
	if (done)
		r = (long)done;
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		signal_raise(SIGPIPE);
out:
	if (nfds)
		fds_drop(fds, nfds);
	bounce_put(&b);
	vfs_close(f);
	return r;
}

static long sys_sendto(const long a[6])
{
	struct iovec_user v = {(uint64_t)a[1], (uint64_t)a[2]};
	struct uio u = {&v, 1, (size_t)a[2]};

	if (a[2] < 0)
		return -EINVAL;
	return do_send(a[0], &u, (unsigned)a[3], a[4], a[5], NULL, 0);
}

static long sys_sendmsg(const long a[6])
{
	struct msghdr_user mh;
	struct file **fds;
	struct uio u;
	int nfds;
	long r;

	if (copy_from_user(&mh, (const void *)a[1], sizeof(mh)))
		return -EFAULT;
	r = uio_in(&u, (long)mh.iov, (long)mh.iovlen);
	if (r)
		return r;
	r = control_in((long)mh.control, mh.controllen, &fds, &nfds);
	if (r) {
		if (fds)
			fds_drop(fds, nfds);
		kfree(u.v);
		return r;
	}
	r = do_send(a[0], &u, (unsigned)a[2], mh.name ? (long)mh.name : 0, mh.namelen, fds, nfds);
	kfree(u.v);
	return r;
}

/* Files received: install them and build the SCM_RIGHTS message in the
 * user's control buffer; returns the control bytes used. */
static long control_out(long uctl, size_t len, struct file **fds, int n, bool cloexec,
			unsigned *flags)
{
	uint8_t buf[CMSG_HDR + SCM_MAX_FD * sizeof(int)];
	struct cmsghdr_user h = {0, SOL_SOCKET, SCM_RIGHTS};
	int got = 0;

	for (int i = 0; i < n; i++) {
		int fd = fd_install(current_process()->fds, fds[i], 0, cloexec);
		if (fd < 0) {
			for (int j = i; j < n; j++)
				vfs_close(fds[j]);
			*flags |= MSG_CTRUNC;
			break;
		}
		memcpy(buf + CMSG_HDR + (size_t)got * sizeof(int), &fd, sizeof(fd));
		got++;
	}
	if (!got)
		return 0;
	h.len = CMSG_HDR + (size_t)got * sizeof(int);
	memcpy(buf, &h, sizeof(h));
	if (copy_to_user((void *)uctl, buf, MIN(h.len, len)))
		return -EFAULT;
	return (long)MIN(CMSG_ALIGN(h.len), len);
}

/* Receive into `u`; name and control are optional; *flags gets msg_flags. */
static long do_recv(long fd, const struct uio *u, unsigned flags, long uaddr, long ualen, long uctl,
		    size_t ctllen, size_t *ctlused, unsigned *oflags)
{
	uint8_t addr[SOCKADDR_MAX];
	struct file *fds[SCM_MAX_FD];
	struct socket *s;
	struct file *f;
	struct bounce b;
	uint8_t *kbuf;
	size_t n = MIN(u->total, (size_t)SOCK_IO_MAX);
	uint32_t alen = 0;
	long r, c;

	if (uaddr && copy_from_user(&alen, (const void *)ualen, sizeof(alen)))
		return -EFAULT;
	if (uaddr && (int32_t)alen < 0)
		return -EINVAL;
	s = sock_get(fd, &f, &r);
	if (!s)
		return r;
	kbuf = bounce_get(&b, n);
	if (!kbuf) {
		vfs_close(f);
		return -ENOMEM;
	}
	struct sock_msg m = {
		.data = kbuf,
		.len = n,
		.addr = uaddr ? addr : NULL,
		.addrlen = uaddr ? (unsigned)MIN(alen, (uint32_t)sizeof(addr)) : 0,
		.flags = flags,
		.fds = fds,
		.fds_max = ctllen >= CMSG_HDR + sizeof(int)
				   ? (int)MIN((ctllen - CMSG_HDR) / sizeof(int), (size_t)SCM_MAX_FD)
				   : 0,
	};
	r = s->ops->recvmsg(s, &m);
	if (r >= 0 && uio_copy(u, 0, kbuf, MIN((size_t)r, n), true))
		r = -EFAULT;
	*oflags = m.flags & (MSG_TRUNC | MSG_CTRUNC);
	*ctlused = 0;
	if (m.nfds) {
		c = r >= 0 ? control_out(uctl, ctllen, m.fds, m.nfds, flags & MSG_CMSG_CLOEXEC,
					 oflags)
			   : 0;
		if (r < 0)
			for (int i = 0; i < m.nfds; i++)
				vfs_close(m.fds[i]);
		if (c < 0)
			r = c;
		else
			*ctlused = (size_t)c;
	}
	if (r >= 0 && uaddr) {
		alen = m.addrlen;
		if (copy_to_user((void *)uaddr, addr, MIN(alen, (uint32_t)sizeof(addr))) ||
		    copy_to_user((void *)ualen, &alen, sizeof(alen)))
			r = -EFAULT;
	}
	bounce_put(&b);
	vfs_close(f);
	return r;
}

static long sys_recvfrom(const long a[6])
{
	struct iovec_user v = {(uint64_t)a[1], (uint64_t)a[2]};
	struct uio u = {&v, 1, (size_t)a[2]};
	size_t used;
	unsigned of;

	if (a[2] < 0)
		return -EINVAL;
	return do_recv(a[0], &u, (unsigned)a[3], a[4], a[5], 0, 0, &used, &of);
}

static long sys_recvmsg(const long a[6])
{
	struct msghdr_user mh, *um = (struct msghdr_user *)a[1];
	struct uio u;
	size_t used = 0;
	unsigned of = 0;
	long r;

	if (copy_from_user(&mh, um, sizeof(mh)))
		return -EFAULT;
	r = uio_in(&u, (long)mh.iov, (long)mh.iovlen);
	if (r)
		return r;
	r = do_recv(a[0], &u, (unsigned)a[2], mh.name ? (long)mh.name : 0,
		    mh.name ? (long)&um->namelen : 0, (long)mh.control,
		    mh.control ? mh.controllen : 0, &used, &of);
	kfree(u.v);
	if (r < 0)
		return r;
	mh.controllen = used;
	mh.flags = (int32_t)of;
	if (copy_to_user(&um->controllen, &mh.controllen, sizeof(mh.controllen)) ||
	    copy_to_user(&um->flags, &mh.flags, sizeof(mh.flags)))
		return -EFAULT;
	return r;
}

void sys_socket_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_socket, sys_socket},
		{SYS_connect, sys_connect},
		{SYS_accept, sys_accept},
		{SYS_sendto, sys_sendto},
		{SYS_recvfrom, sys_recvfrom},
		{SYS_sendmsg, sys_sendmsg},
		{SYS_recvmsg, sys_recvmsg},
		{SYS_shutdown, sys_shutdown},
		{SYS_bind, sys_bind},
		{SYS_listen, sys_listen},
		{SYS_getsockname, sys_getsockname},
		{SYS_getpeername, sys_getpeername},
		{SYS_socketpair, sys_socketpair},
		{SYS_setsockopt, sys_setsockopt},
		{SYS_getsockopt, sys_getsockopt},
		{SYS_accept4, sys_accept4},
	};

	unix_init();
	inet_init();
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
