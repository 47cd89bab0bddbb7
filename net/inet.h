/*
 * AF_INET sockets (ip(7), tcp(7), udp(7), icmp(7)): the kernel glue that
 * puts the pure protocol code under struct socket (net/socket.h).
 *
 *   net/inet_sock.c   the family: socket() dispatch, sockaddr_in, the
 *                     SOL_SOCKET options every AF_INET socket shares,
 *                     blocking waits, datagram queues
 *   net/inet_tcp.c    SOCK_STREAM over the TCP engine (net/tcp.h): one
 *                     engine instance, its lock and its timer thread
 *   net/inet_dgram.c  what UDP, ping and raw ICMP sockets share: receive
 *                     queues, recv, poll, options
 *   net/inet_udp.c    SOCK_DGRAM over UDP endpoints (net/udp.h)
 *   net/inet_icmp.c   ping sockets (SOCK_DGRAM, IPPROTO_ICMP) and raw ICMP
 *   net/inet_ioctl.c  SIOCGIF* / SIOCSIF* / SIOCADDRT for ifconfig, route
 *   net/inet_proc.c   /proc/net/tcp, udp, snmp, sockstat
 *
 * net/inet_*.c include this header; the rest of the kernel needs only
 * inet_init(), which kernel/syscall/sys_socket.c calls next to unix_init.
 *
 * Lock legend: an inet_common's option fields are written by the system
 * calls on that socket and read by the same and by the protocol glue; a
 * protocol's own state names its lock in its file (tcp_lock for TCP,
 * dgram_lock for UDP and ICMP queues).
 */
#ifndef NET_INET_H
#define NET_INET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kernel/sched/sched.h"
#include "net/socket.h"

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define SOCK_RAW     3

#define SOL_IP	0
#define SOL_TCP 6
#define SOL_UDP 17

/* SOL_SOCKET option names (asm-generic/socket.h) not in net/socket.h. */
#define SO_DEBUG     1
#define SO_REUSEADDR 2
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK  11
#define SO_PRIORITY  12
#define SO_LINGER    13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT  18
#define SO_SNDLOWAT  19
#define SO_RCVTIMEO  20
#define SO_SNDTIMEO  21
#define SO_TIMESTAMP 29
#define SO_PROTOCOL  38

/* SOL_TCP options (netinet/tcp.h). */
#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_CORK      3
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6
#define TCP_INFO      11
#define TCP_QUICKACK  12

/* SOL_IP options (linux/in.h) that are accepted. */
#define IP_TOS		1
#define IP_TTL		2
#define IP_HDRINCL	3
#define IP_RECVERR	11
#define IP_MTU_DISCOVER 10

#define FIONREAD 0x541b
#define SIOCINQ	 FIONREAD
#define SIOCOUTQ 0x5411

struct sockaddr_in_k {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t addr; /* network order */
	uint8_t zero[8];
};
_Static_assert(sizeof(struct sockaddr_in_k) == 16, "struct sockaddr_in");

/* What every AF_INET socket carries first. */
struct inet_common {
	struct socket *sock; /* the socket (not a reference) */
	int protocol;
	unsigned rcvtimeo_ms, sndtimeo_ms; /* 0: wait for ever */
	bool reuseaddr, keepalive, broadcast, linger_on;
	int linger_s;
	int rcvbuf, sndbuf;    /* as set by SO_RCVBUF/SO_SNDBUF (0: default) */
	struct waitq wq;       /* every sleeper on this socket */
	volatile uint32_t seq; /* bumped by every event; sleepers wait for a change */
};

void inet_common_init(struct inet_common *c, struct socket *s, int protocol);
/* Bump the event count and wake every sleeper (any context, any lock). */
void inet_wake(struct inet_common *c);
/*
 * Sleep until c->seq differs from `seen` (the value read, under the
 * protocol's lock, before the attempt that would have blocked). The
 * timeout is ms left of the caller's deadline (0: none). 0, -EAGAIN when
 * the timeout passed (SO_RCVTIMEO/SO_SNDTIMEO report EAGAIN), -EINTR.
 */
int inet_wait(struct inet_common *c, uint32_t seen, unsigned timeout_ms);
/* A deadline in ms from now for a timeout option (0: none), and what is
 * left of it (at least 1 while not passed, 0 for none). */
uint64_t inet_deadline(unsigned timeout_ms);
int inet_time_left(uint64_t deadline, unsigned *left_ms);
bool inet_nonblock(const struct inet_common *c, unsigned msg_flags);

/* sockaddr_in in: -EINVAL (short), -EAFNOSUPPORT (not AF_INET). Host order. */
int inet_addr_in(const void *addr, unsigned len, uint32_t *ip, uint16_t *port);
/* AF_UNSPEC (a datagram disconnect)? */
bool inet_addr_unspec(const void *addr, unsigned len);
/* sockaddr_in out into (addr, *len) as getsockname: truncated copy, full length. */
void inet_addr_out(void *addr, unsigned *len, uint32_t ip, uint16_t port);
/* A local address a socket may bind to: 0 (any), one of ours, or (for
 * datagrams) a broadcast address. */
bool inet_addr_bindable(uint32_t ip);
/* The limited broadcast or an interface's subnet broadcast? */
bool inet_is_broadcast(uint32_t ip);
/* Is the caller privileged (ports below 1024, interface configuration)? */
bool inet_privileged(void);
#define INET_PROT_SOCK 1024

/* The SOL_SOCKET options every AF_INET socket shares: 0, or -ENOPROTOOPT
 * when `name` is not one of them (the protocol answers it). */
int inet_common_setsockopt(struct inet_common *c, int name, const void *val, unsigned len);
int inet_common_getsockopt(struct inet_common *c, int name, void *val, unsigned *len);
int inet_put_int(void *val, unsigned *len, int v);
int inet_get_int(const void *val, unsigned len, int *v);

/* Interface ioctls (net/inet_ioctl.c): SIOC*; -ENOTTY for anything else. */
int inet_dev_ioctl(unsigned cmd, unsigned long arg);

/* ---- datagram sockets (net/inet_dgram.c): UDP, ping and raw ICMP ------------ */

struct dgram {
	struct dgram *next;
	uint32_t src;
	uint16_t sport;
	size_t len;
	uint8_t data[];
};

enum dgram_kind { DGRAM_UDP, DGRAM_PING, DGRAM_RAW };

struct dgram_sock {
	struct inet_common c; /* first */
	enum dgram_kind kind;
	/* The rest: dgram_lock. */
	uint16_t lport;	   /* bound port (UDP) or echo id (ping); 0: not yet */
	uint32_t lip;	   /* bound address, 0 for any */
	uint32_t conn_src; /* the route's source for the connected peer */
	uint32_t rip;
	uint16_t rport;
	bool connected;
	int shut; /* 1: SHUT_RD, 2: SHUT_WR */
	int err;  /* pending error (positive errno) from ICMP */
	struct dgram *head, *tail;
	size_t bytes, limit;
	unsigned count;
	uint64_t drops;
	struct dgram_sock *next; /* every datagram socket (dgram_lock) */
};

#define DGRAM_RCVBUF_DEFAULT 212992 /* Linux's rmem_default */

extern struct spinlock dgram_lock;
extern struct dgram_sock *dgram_socks; /* dgram_lock */

/* Make the socket's state and link it in (s->sk set, ops left to the caller). */
struct dgram_sock *dgram_sock_new(struct socket *s, enum dgram_kind kind, int protocol);
/* Unlink and free (the caller has released its port). */
void dgram_sock_free(struct dgram_sock *d);
/* Queue a copy of a datagram that arrived (pre[0..prelen) then data: a raw
 * socket's IP header and message) and wake readers; false when
 * dropped (over the receive buffer, no memory). dgram_lock held. */
bool dgram_queue_locked(struct dgram_sock *d, uint32_t src, uint16_t sport, const void *pre,
			size_t prelen, const void *data, size_t len);
/* An asynchronous error (positive errno) for the socket; dgram_lock held. */
void dgram_set_error_locked(struct dgram_sock *d, int err);

/* The proto_ops shared by every datagram kind. */
long dgram_recvmsg(struct socket *s, struct sock_msg *m);
int dgram_shutdown(struct socket *s, int how);
int dgram_getname(struct socket *s, void *addr, unsigned *len, bool peer);
unsigned dgram_poll(struct socket *s, struct poll_table *pt);
int dgram_ioctl(struct socket *s, unsigned cmd, unsigned long arg);
int dgram_get_error(struct socket *s);
int dgram_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len);
int dgram_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len);
/* Take the pending error (negative) or 0. */
int dgram_take_error(struct dgram_sock *d);
/* connect(2) with AF_UNSPEC: forget the peer. */
void dgram_disconnect(struct dgram_sock *d);
/* connect(2): the peer (rport 0 for ICMP), the source address its route
 * chose; a pending error from before is dropped. */
void dgram_set_peer(struct dgram_sock *d, uint32_t rip, uint16_t rport, uint32_t src);

/* ---- per-protocol constructors and hooks --------------------------------- */

int inet_tcp_create(struct socket *s, int protocol);
int inet_udp_create(struct socket *s, int protocol);
int inet_icmp_create(struct socket *s, int type, int protocol);
void inet_tcp_init(void);
void inet_udp_init(void);
void inet_icmp_init(void);
void inet_proc_init(void);

/* /proc/net texts (procfs_show_t). */
int inet_tcp_proc_show(char *buf, size_t size, void *arg);
int inet_udp_proc_show(char *buf, size_t size, void *arg);
/* Counts for /proc/net/sockstat and snmp. */
unsigned inet_tcp_sockets(void);
unsigned inet_udp_sockets(void);
struct tcp_stats;
/* The engine's counters and the connections now established (snmp). */
void inet_tcp_stats(struct tcp_stats *out, unsigned *established);

/* Register AF_INET; called once at boot (kernel/syscall/sys_socket.c). */
void inet_init(void);

#endif
