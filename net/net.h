/*
 * The network stack's kernel side (net/net_glue.c): the net thread that
 * runs driver polls, the loopback backlog and the protocol timers; the
 * /proc/net files; the boot-time configuration from `ip=`; the kernel's
 * ping. The pure protocol code (every other file of net/) never sees
 * threads or clocks except through net_now_ms/net_kick/net_schedule_poll.
 *
 * Order at boot (kernel/main.c): net_init, then the NIC drivers (which
 * register eth0, eth1, ...), then net_config_boot.
 *
 * Lock legend: ping_lock (a mutex) serialises net_ping callers; the rest
 * of the state belongs to the net thread or is set once at boot.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct boot_options;
struct netdev;
struct dhcp_lease;
struct sha256;
struct dns_result;

#define NET_TICK_MS 100 /* protocol timer period */

void net_init(void);
/* Bring every interface up; apply ip=ADDR/NN,GW to eth0, or start DHCP
 * on it for ip=dhcp. */
void net_config_boot(const struct boot_options *o);
/*
 * The DHCP client's entry point for ip=dhcp. A weak default here only
 * logs that no client is wired; the DHCP glue (net/dhcp_glue.c) supplies
 * the real one. Returns 0 when configuration started.
 */
int net_dhcp_start(struct netdev *dev);
/*
 * One ICMP echo to dst with `len` bytes of data; waits up to timeout_ms
 * for the matching reply. 0 with the round trip in *rtt_ns, -ETIMEDOUT,
 * -EINTR, or a send error.
 */
int net_ping(uint32_t dst, uint16_t seq, size_t len, unsigned timeout_ms, uint64_t *rtt_ns);

/* ---- work in the net thread (net/net_work.c) ----------------------------
 * The DHCP, DNS and TFTP glue drive their engines only from the net thread:
 * UDP delivers there, timers fire there, and other threads reach an engine
 * through net_call. Timers are one-shot, in net_now_ms() milliseconds, and
 * may be armed, re-armed and cancelled only in the net thread (from a
 * delivery, a timer or a net_call function).
 */
struct net_timer {
	uint64_t at; /* UINT64_MAX: not armed */
	void (*fn)(void *arg);
	void *arg;
	bool linked;
	struct net_timer *next;
};
void net_timer_init(struct net_timer *t, void (*fn)(void *), void *arg);
/* Fire fn(arg) once at at_ms (UINT64_MAX cancels); re-arming moves it. */
void net_timer_arm(struct net_timer *t, uint64_t at_ms);
void net_timer_cancel(struct net_timer *t);
/* Run fn(arg) in the net thread and wait until it has returned (directly
 * when called from the net thread or before it exists). fn must not
 * sleep. */
void net_call(void (*fn)(void *arg), void *arg);
bool net_in_thread(void);
/* Bind a UDP port chosen at random among the ephemeral ones (RFC 6056,
 * RFC 5452: DNS and TFTP transfer ids should not be predictable). */
struct udp_ops;
int net_udp_bind_random(const struct udp_ops *ops, void *ctx);
/* For the net thread's loop (net_glue.c). */
struct thread;
void net_work_set_thread(struct thread *t);
uint64_t net_timers_next(void);
void net_timers_run(uint64_t now);
void net_calls_run(void);

/* ---- DHCP (net/dhcp_glue.c) ---------------------------------------------
 * ip=dhcp: the client runs on eth0 for as long as the system runs.
 * net_dhcp_start (above) waits up to NET_DHCP_BOOT_WAIT_MS for the first
 * lease, logs it in one line, and returns either way.
 */
#define NET_DHCP_BOOT_WAIT_MS 10000
/* A copy of the lease held now: 0, or -ENOENT (none yet, or it expired). */
int net_dhcp_get_lease(struct dhcp_lease *out);
/* Wait up to timeout_ms for a lease: 0, -ETIMEDOUT, or -ENODEV when DHCP
 * was never started. */
int net_dhcp_wait(unsigned timeout_ms);
/*
 * Where root=tftp fetches from: option 66 (a dotted quad, or a name that
 * is resolved with dns_resolve, so this may sleep) or else siaddr; option
 * 67 or else the BOOTP file field. 0, -ENOENT (no lease, or no server or
 * no file named: *server is set when the lease names a server), or a
 * resolver error.
 */
int net_dhcp_boot_target(uint32_t *server, char *file, size_t size);
/* /proc/net/pnp in Linux's format (resolv.conf syntax): "#PROTO: DHCP" or
 * "#MANUAL", "domain D", "nameserver A" lines, "bootserver A". */
int net_pnp_proc_show(char *buf, size_t size, void *arg);

/* ---- DNS (net/dns_glue.c) -----------------------------------------------
 * The kernel's stub resolver: A records over UDP from the servers DHCP
 * named (none configured: 10.0.2.3 when eth0 sits in QEMU's 10.0.2.0/24),
 * with the engine's TTL cache. /etc/hosts is user space's business.
 */
void net_dns_init(void);
/* Replace the servers (n 0: none). Any thread. */
void net_dns_set_servers(const uint32_t *servers, size_t n);
/* The servers lookups use now (after the fallback); returns how many. */
size_t net_dns_get_servers(uint32_t *servers, size_t max);
/*
 * Resolve `name` to its first IPv4 address, sleeping up to timeout_ms
 * (0: the engine's own limits, 2 s per server and 2 rounds). A dotted
 * quad answers at once. 0, -ENOENT (NXDOMAIN), -ENODATA (no A record),
 * -ETIMEDOUT, -EIO (every server failed), -ELOOP, -EINVAL (bad name),
 * -ENETUNREACH (no server known), -EDEADLK (called in the net thread).
 */
int dns_resolve(const char *name, uint32_t *addr, unsigned timeout_ms);
/* The same with the whole answer (every address, canonical name, TTL). */
int dns_resolve_full(const char *name, struct dns_result *res, unsigned timeout_ms);

/* ---- TFTP (net/tftp_glue.c) ---------------------------------------------- */
struct tftp_fetch_opts {
	uint16_t port;	     /* 0: 69 */
	uint16_t blksize;    /* 0: the route's MTU - 32; 512: no option */
	uint16_t windowsize; /* 0: 16; 1: no option (lock-step) */
	size_t max_size;     /* 0: no limit but memory */
	unsigned retries;    /* whole-transfer restarts after -ETIMEDOUT/-EIO; 0: 1 */
	bool no_retry;	     /* never restart */
	bool quiet;	     /* no progress line on the console */
	/* Where the bytes go: sink(arg, offset, buf, len) (0 or -errno to
	 * abort), called in the net thread and must not sleep; without a sink
	 * they go to a kmalloc'ed buffer returned in the result. */
	int (*sink)(void *arg, uint64_t offset, const void *buf, size_t len);
	void *sink_arg;
	/* When set, the file's bytes are hashed as they arrive (in order),
	 * so a check costs no second pass: started afresh with each
	 * attempt, finished by the caller. */
	struct sha256 *hash;
};

struct tftp_fetch_result {
	void *data;	     /* without a sink: the file (kfree it), else NULL */
	uint64_t size;	     /* bytes received */
	uint64_t tsize;	     /* the size the server announced, 0 when none */
	uint64_t elapsed_ms; /* of the successful (or last) attempt */
	uint16_t blksize;    /* negotiated */
	uint16_t window;     /* negotiated windowsize, 1 without */
	unsigned attempts;
	uint16_t err_code; /* the TFTP error code when the transfer failed */
	bool err_remote;   /* ... sent by the server */
	char err_msg[128]; /* ... and its message */
};

/*
 * Fetch server:path over TFTP (RFC 1350 with blksize, tsize, windowsize).
 * Sleeps until the transfer ends; prints a progress line on the console
 * unless opts->quiet (opts NULL: defaults). 0, or -ENOENT / -EACCES ...
 * (the server's error, see res->err_msg), -ETIMEDOUT, -EIO, -EFBIG (over
 * max_size), -ENOMEM (too big for RAM), -EINVAL (bad path), -ENETUNREACH,
 * -EDEADLK (called in the net thread).
 */
int tftp_fetch(uint32_t server, const char *path, const struct tftp_fetch_opts *opts,
	       struct tftp_fetch_result *res);

#endif
