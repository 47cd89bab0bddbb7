/*
 * DHCP client engine (net/dhcp.c; RFC 2131, options from RFC 2132). Pure
 * logic: no kernel dependencies beyond <ksvc.h>'s string functions and errno
 * values, so the same file builds into the kernel, into host tests and fuzz
 * targets, and into a user program. It never reads a clock, allocates
 * memory or sleeps: the caller passes time in and the engine sends through
 * a callback.
 *
 * What the engine does: DISCOVER -> OFFER -> REQUEST -> ACK with
 * retransmission (exponential backoff from 4 s to 64 s with +-1 s of
 * jitter, RFC 2131 4.1), NAK handling, T1 renewal (unicast REQUEST to the
 * server), T2 rebinding (broadcast REQUEST), lease expiry back to INIT.
 * Not done: INIT-REBOOT, DHCPDECLINE after an ARP probe, RELEASE, INFORM,
 * long options split across several instances (RFC 3396).
 *
 * ---- What the kernel glue (or a user program) must do ----
 * - Own a UDP endpoint on port 68 that accepts datagrams even while the
 *   interface has no address, addressed to 255.255.255.255 (QEMU's slirp
 *   broadcasts its replies, DESIGN.md), to the offered address, or to the
 *   interface's address. Pass every datagram received on port 68 to
 *   dhcp_input() with the sender's address and port; the engine checks
 *   xid, chaddr and everything else itself.
 * - Implement ops.send: send `buf` as one UDP datagram from port 68 to
 *   dst_ip:dst_port. The source address is dhcp_source_addr() (0.0.0.0
 *   until a lease is bound). When dst_ip is 255.255.255.255 send it as a
 *   link-layer broadcast on this client's interface without ARP and without
 *   consulting the routing table (there is no route yet). A unicast
 *   renewal goes to the server's address through normal routing.
 * - Implement ops.random (any 32-bit random value; the kernel has
 *   random_u64) and ops.event (configure the interface on DHCP_EV_BOUND,
 *   update it on DHCP_EV_RENEWED if anything changed, remove the address
 *   on DHCP_EV_EXPIRED and DHCP_EV_NAK_LOST; DHCP_EV_GAVE_UP means
 *   cfg.max_discover DISCOVERs went unanswered).
 * - Drive timers: after every call into the engine, arm a timer for
 *   dhcp_next_deadline() (UINT64_MAX: none) and call dhcp_poll(now) when it
 *   fires. Calling dhcp_poll early or often is harmless.
 * - Serialize all calls on one client with one lock (the engine has no
 *   locking of its own). Callbacks are invoked from inside dhcp_start,
 *   dhcp_input and dhcp_poll with that lock held: they must not call back
 *   into the engine, and ops.send must not sleep.
 *
 * Lock legend: every field of struct dhcp_client is guarded by the caller's
 * lock for that client.
 */
#ifndef NET_DHCP_H
#define NET_DHCP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define DHCP_MAX_DNS	    3
#define DHCP_MAX_ROUTERS    1
#define DHCP_HOSTNAME_MAX   64	/* with the NUL */
#define DHCP_DOMAIN_MAX	    128 /* with the NUL */
#define DHCP_BOOTFILE_MAX   129 /* 128-byte BOOTP file field + NUL; option 67 is cut to fit */
#define DHCP_SERVERNAME_MAX 65	/* 64-byte sname field + NUL; option 66 is cut to fit */
#define DHCP_PKT_MAX	    576 /* the largest message we build or accept the options of */

enum dhcp_state {
	DHCP_STOPPED = 0, /* not started, or gave up */
	DHCP_INIT,	  /* about to send a DISCOVER */
	DHCP_SELECTING,	  /* DISCOVER sent, waiting for an OFFER */
	DHCP_REQUESTING,  /* REQUEST sent for an offer, waiting for ACK or NAK */
	DHCP_BOUND,
	DHCP_RENEWING,	/* past T1: unicast REQUEST to the server */
	DHCP_REBINDING, /* past T2: broadcast REQUEST */
};

enum dhcp_event {
	DHCP_EV_BOUND,	  /* a new lease: configure the interface from dhcp_lease() */
	DHCP_EV_RENEWED,  /* the lease was extended; parameters may have changed */
	DHCP_EV_EXPIRED,  /* the lease ran out: remove the address; the engine restarts */
	DHCP_EV_NAK_LOST, /* a NAK while bound (renewing/rebinding): remove the address */
	DHCP_EV_GAVE_UP,  /* cfg.max_discover DISCOVERs went unanswered; state is STOPPED */
};

/* Everything learnt from the ACK. Addresses in host byte order; strings are
 * always NUL-terminated (empty when absent). */
struct dhcp_lease {
	uint32_t addr;	    /* yiaddr */
	uint32_t mask;	    /* option 1; 0 when absent (the glue picks a classful default) */
	uint32_t router;    /* first address of option 3; 0 when absent */
	uint32_t server_id; /* option 54 (or the sender when absent) */
	uint32_t siaddr;    /* BOOTP next-server */
	uint32_t broadcast; /* option 28; 0 when absent */
	uint32_t dns[DHCP_MAX_DNS];
	uint8_t ndns;
	uint16_t mtu;	     /* option 26; 0 when absent */
	uint32_t lease_s;    /* option 51; 0xffffffff is infinite */
	uint32_t t1_s, t2_s; /* options 58/59, or 0.5 and 0.875 of the lease */
	char hostname[DHCP_HOSTNAME_MAX];
	char domain[DHCP_DOMAIN_MAX];
	char file[DHCP_BOOTFILE_MAX];	       /* BOOTP file field (unless overloaded) */
	char sname[DHCP_SERVERNAME_MAX];       /* BOOTP sname field (unless overloaded) */
	char bootfile[DHCP_BOOTFILE_MAX];      /* option 67 */
	char tftp_server[DHCP_SERVERNAME_MAX]; /* option 66 */
	uint64_t acquired_ms;		       /* when the REQUEST that got this ACK was sent */
};

struct dhcp_ops {
	/* Send one UDP datagram from port 68 (see the glue notes above).
	 * Returns 0 or -errno; a failure counts as a lost packet. */
	int (*send)(void *ctx, uint32_t dst_ip, uint16_t dst_port, const void *buf, size_t len);
	uint32_t (*random)(void *ctx);
	void (*event)(void *ctx, enum dhcp_event ev, const struct dhcp_lease *lease);
};

struct dhcp_config {
	uint8_t mac[6];
	char hostname[DHCP_HOSTNAME_MAX]; /* sent as option 12 when not empty */
	uint32_t initial_rto_ms;	  /* first retransmission timeout; 0 = 4000 */
	uint32_t max_rto_ms;		  /* backoff ceiling; 0 = 64000 */
	uint32_t jitter_ms;		  /* +- this much randomization; 0 = 1000 */
	uint32_t max_discover;		  /* DISCOVERs before DHCP_EV_GAVE_UP; 0 = forever */
	uint32_t max_request;		  /* REQUESTs per offer before restarting; 0 = 4 */
	bool no_broadcast_flag;		  /* clear the BOOTP broadcast flag */
};

/* Counters for diagnostics (/proc). Every packet dhcp_input rejects bumps
 * exactly one rx_* counter besides rx. */
struct dhcp_stats {
	uint64_t tx, tx_errors, retransmits;
	uint64_t rx, rx_short, rx_not_reply, rx_bad_xid, rx_bad_cookie, rx_bad_options,
		rx_unexpected, rx_bad_addr;
	uint64_t offers, acks, naks, leases, renewals, expiries;
};

struct dhcp_client {
	struct dhcp_config cfg;
	struct dhcp_ops ops;
	void *ctx;

	enum dhcp_state state;
	uint32_t xid;
	uint32_t attempts;		   /* sends in the current state */
	uint32_t discovers;		   /* DISCOVERs since the last lease or start */
	uint32_t rto_ms;		   /* current backoff step */
	uint64_t next_tx;		   /* when to (re)transmit; UINT64_MAX: not scheduled */
	uint64_t state_start_ms;	   /* first send of this exchange, for `secs` */
	uint64_t request_sent_ms;	   /* when the first REQUEST of this exchange left */
	uint64_t t1_at, t2_at, expire_at;  /* absolute ms; UINT64_MAX: never */
	uint32_t offer_addr, offer_server; /* the offer being requested */
	struct dhcp_lease lease;	   /* valid in BOUND, RENEWING, REBINDING */
	struct dhcp_stats stats;
};

/* Set up a stopped client. cfg and ops are copied. */
void dhcp_init(struct dhcp_client *c, const struct dhcp_config *cfg, const struct dhcp_ops *ops,
	       void *ctx);
/* Start (or restart) from INIT: the first DISCOVER goes out now. */
void dhcp_start(struct dhcp_client *c, uint64_t now);
/* Forget everything and stop sending (no RELEASE is sent). */
void dhcp_stop(struct dhcp_client *c);
/* One datagram that arrived on port 68. Returns 0 when it was used, or
 * -errno (-EBADMSG malformed, -ENOENT not for us, -EAGAIN unexpected now). */
int dhcp_input(struct dhcp_client *c, const void *pkt, size_t len, uint32_t src_ip,
	       uint16_t src_port, uint64_t now);
/* Run timers: retransmissions, T1, T2, expiry. */
void dhcp_poll(struct dhcp_client *c, uint64_t now);
/* When dhcp_poll next has work; UINT64_MAX when never. */
uint64_t dhcp_next_deadline(const struct dhcp_client *c);
/* The source address for ops.send: the leased address once bound, else 0. */
uint32_t dhcp_source_addr(const struct dhcp_client *c);
/* The current lease, or NULL when none is held. */
const struct dhcp_lease *dhcp_lease(const struct dhcp_client *c);
const char *dhcp_state_name(enum dhcp_state s);

/*
 * Parse one message's options (pure, used by dhcp_input and the fuzz
 * target). Fills `lease` (addr from yiaddr, siaddr, file, sname and the
 * options) and sets *msg_type (0 when option 53 is absent) and *server_id.
 * Returns 0, or -EBADMSG for a message that is too short, has a bad
 * cookie, or whose options run past their field.
 */
int dhcp_parse(const void *pkt, size_t len, struct dhcp_lease *lease, uint8_t *msg_type,
	       char *message, size_t message_size);

#endif
