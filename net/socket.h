/*
 * The socket layer (net/socket.c): a struct socket behind an fd, with
 * per-family operations, as BSD and Linux split it (socket(7)). A family
 * (AF_UNIX in net/unix/, AF_INET later) registers a create function with
 * sock_register; the system calls (kernel/syscall/sys_socket.c) and the
 * socket's file operations (read, write, poll, ioctl, close) only call
 * through struct proto_ops.
 *
 * Data crosses this interface in kernel buffers (struct sock_msg); the
 * system-call layer copies iovecs, addresses and control messages.
 * Passed files (SCM_RIGHTS) travel as referenced struct file pointers.
 *
 * Lock legend: a struct socket's fields are set at creation and by its
 * family under the family's own lock; `sk` belongs to the family.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/vfs.h"

#define AF_UNSPEC 0
#define AF_UNIX	  1
#define AF_INET	  2
#define AF_MAX	  46

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  04000
#define SOCK_CLOEXEC   02000000

#define MSG_OOB		 0x1
#define MSG_PEEK	 0x2
#define MSG_CTRUNC	 0x8
#define MSG_TRUNC	 0x20
#define MSG_DONTWAIT	 0x40
#define MSG_EOR		 0x80
#define MSG_WAITALL	 0x100
#define MSG_NOSIGNAL	 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD	  0
#define SHUT_WR	  1
#define SHUT_RDWR 2

#define SOL_SOCKET    1
#define SO_TYPE	      3
#define SO_ERROR      4
#define SO_SNDBUF     7
#define SO_RCVBUF     8
#define SO_PEERCRED   17
#define SO_ACCEPTCONN 30
#define SO_DOMAIN     39
#define SCM_RIGHTS    1

#define SOCKADDR_MAX 128 /* struct sockaddr_storage */
#define SCM_MAX_FD   253 /* files in one SCM_RIGHTS message, as Linux */

struct socket;
struct poll_table;

/* One send or receive, in kernel memory. */
struct sock_msg {
	struct vfs_ctx *ctx; /* send: where a path destination resolves (may be NULL) */
	void *data;
	size_t len;
	/* send: destination (NULL: the peer); recv: where the source goes,
	 * addrlen in/out (0 in: not wanted). */
	void *addr;
	unsigned addrlen;
	unsigned flags; /* MSG_* asked for; recv adds MSG_TRUNC / MSG_CTRUNC */
	/* SCM_RIGHTS: send: nfds referenced files, whose references pass to
	 * the family on success; recv: up to fds_max files handed out. */
	struct file **fds;
	int nfds, fds_max;
};

struct proto_ops {
	int family;
	int (*bind)(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len);
	int (*connect)(struct socket *s, struct vfs_ctx *ctx, const void *addr, unsigned len);
	int (*listen)(struct socket *s, int backlog);
	/* Take a connection: attach it to `ns` (a fresh socket). */
	int (*accept)(struct socket *s, struct socket *ns);
	/* Bytes sent or -errno (-EPIPE: the caller raises SIGPIPE). */
	long (*sendmsg)(struct socket *s, struct sock_msg *m);
	/* Bytes received (or the datagram's length under MSG_TRUNC), 0 at
	 * end of stream, or -errno. */
	long (*recvmsg)(struct socket *s, struct sock_msg *m);
	int (*shutdown)(struct socket *s, int how);
	/* Own (peer false) or peer's address into addr; *len in/out. */
	int (*getname)(struct socket *s, void *addr, unsigned *len, bool peer);
	/* SOL_SOCKET options are answered by the layer; these get the rest
	 * and may be NULL. */
	int (*getsockopt)(struct socket *s, int level, int name, void *val, unsigned *len);
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, unsigned len);
	unsigned (*poll)(struct socket *s, struct poll_table *pt);
	/* FIONREAD and the like; -ENOTTY for unknown. `arg` is a user pointer. */
	int (*ioctl)(struct socket *s, unsigned cmd, unsigned long arg);
	/* SO_ERROR: the pending error, cleared. */
	int (*get_error)(struct socket *s);
	/* The last reference to the file is gone: free sk. */
	void (*release)(struct socket *s);
};

struct socket {
	int family, type;
	const struct proto_ops *ops;
	void *sk;	    /* the family's state */
	struct file *file;  /* the open file this socket is (not a reference) */
	struct inode inode; /* an anonymous S_IFSOCK inode */
};

/* A family's constructor: set s->ops and s->sk for `type`. */
typedef int (*sock_create_fn)(struct socket *s, int type, int protocol);
int sock_register(int family, sock_create_fn create);

/* A new socket of family/type (SOCK_* flags stripped) and its file, open
 * O_RDWR plus O_NONBLOCK if asked: 0 or -errno (EAFNOSUPPORT,
 * ESOCKTNOSUPPORT, EPROTONOSUPPORT, ENOMEM). */
int sock_create(int family, int type, int protocol, bool nonblock, struct socket **out);
/* An unattached socket for accept / socketpair: family and type copied,
 * no sk yet. The file is made with it. */
struct socket *sock_alloc(int family, int type, const struct proto_ops *ops, bool nonblock);
/* Free a socket whose file was never handed out (the family's release
 * runs if sk is set). */
void sock_discard(struct socket *s);
/* The socket behind an open file, or NULL (ENOTSOCK). */
struct socket *sock_from_file(struct file *f);
/* Whether sends and receives on s block (the file's O_NONBLOCK). */
bool sock_nonblock(const struct socket *s);
int sock_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len);
int sock_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len);

/* socketpair(2) needs the family's help: AF_UNIX's (net/unix/af_unix.c). */
int unix_socketpair(int type, bool nonblock, struct socket **a, struct socket **b);
/* Register AF_UNIX; called once at boot. */
void unix_init(void);

#endif
