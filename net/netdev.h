/*
 * Network interfaces (net/netdev.c): the list of interfaces with their
 * names (eth0, eth1, ..., lo), MTU, MAC, flags, IPv4 address and
 * statistics, the transmit entry point and the receive entry point that
 * hands frames to Ethernet input (DESIGN.md "Drivers plug in through
 * interfaces": drivers see this header, the stack never sees a driver's).
 *
 * Every interface carries Ethernet II frames, loopback included (with zero
 * MACs, as Linux's lo does), so one input path serves all.
 *
 * Context: the stack runs in thread context only: in the net thread
 * (net/net_glue.c), which drivers wake from their interrupt handler with
 * net_schedule_poll, and in the threads that send. Interrupt handlers
 * never call into the stack.
 *
 * Services the environment provides (the kernel: net/net_glue.c; host
 * tests: their own definitions), in the manner of ksvc.h:
 *   net_now_ms()   monotonic milliseconds
 *   net_kick()     there is work in the backlog: run netdev_backlog_run soon
 *
 * Lock legend: netdev_lock guards the interface list and the backlog
 * queue; interfaces are never removed. A device's flags, addresses and MTU
 * are written by configuration code (boot, later ioctls) and read
 * unlocked. Statistics are updated by the net thread and by the driver
 * under its own lock, and read unlocked (/proc).
 */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "net/pktbuf.h"

#define NETDEV_NAME_MAX 16

/* Interface flags: Linux's IFF_* values, so the tools can show them. */
#define IFF_UP	      0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK  0x8
#define IFF_RUNNING   0x40 /* link up */
#define IFF_PROMISC   0x100
#define IFF_ALLMULTI  0x200
#define IFF_MULTICAST 0x1000

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK 772

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t rx_fifo_errors;   /* overflows, missed frames */
	uint64_t rx_frame_errors;  /* bad ring headers, alignment */
	uint64_t rx_length_errors; /* runts and giants */
	uint64_t rx_crc_errors;
	uint64_t multicast;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
	uint64_t tx_fifo_errors, collisions, tx_carrier_errors;
};

struct netdev;

struct netdev_ops {
	/* Start receiving; 0 or -errno. Optional. */
	int (*open)(struct netdev *dev);
	void (*stop)(struct netdev *dev);
	/* Queue one frame (Ethernet header included, at most
	 * ETH_HLEN + mtu bytes). Always consumes nb. 0, or -errno when it
	 * was dropped (the driver counts tx_dropped/tx_errors). */
	int (*transmit)(struct netdev *dev, struct netbuf *nb);
	/* Apply IFF_PROMISC and IFF_ALLMULTI from dev->flags. Optional. */
	void (*set_rx_mode)(struct netdev *dev);
	/* Carrier state. Optional: absent means always up. */
	bool (*link_up)(struct netdev *dev);
	/* Deferred interrupt work, run by the net thread after the driver
	 * called net_schedule_poll: receive, reap transmits. Optional. */
	void (*poll)(struct netdev *dev);
};

struct netdev {
	char name[NETDEV_NAME_MAX];
	int ifindex; /* 1, 2, ... in registration order */
	unsigned flags;
	unsigned mtu;
	uint16_t hwtype; /* ARPHRD_* */
	uint8_t mac[6];
	uint32_t ip_addr; /* host order; 0 when unconfigured */
	uint8_t ip_prefix;
	const struct netdev_ops *ops;
	void *priv; /* the driver's */
	struct netdev_stats stats;
	volatile int poll_pending; /* set from IRQ context, cleared by the net thread */
	struct netdev *next;	   /* netdev_lock */
};

/*
 * Add an interface. A name holding "%d" ("eth%d") gets the lowest free
 * number. The device starts down; netdev_up brings it up. 0, -EEXIST or
 * -EINVAL.
 */
int netdev_register(struct netdev *dev, const char *name);
struct netdev *netdev_find(const char *name);
struct netdev *netdev_by_index(int ifindex);
/* Walk the list: netdev_next(NULL) is the first. */
struct netdev *netdev_next(struct netdev *prev);
int netdev_up(struct netdev *dev);
void netdev_down(struct netdev *dev);
void netdev_set_flags(struct netdev *dev, unsigned set, unsigned clear);
bool netdev_link_up(struct netdev *dev);
uint32_t netdev_ip_mask(const struct netdev *dev);
/* The directed broadcast address of dev's subnet, or 0. */
uint32_t netdev_ip_broadcast(const struct netdev *dev);

/* Send a complete frame. Consumes nb. 0 or -errno (-ENETDOWN). */
int netdev_xmit(struct netdev *dev, struct netbuf *nb);
/* A frame arrived on dev: count it and pass it up now. Consumes nb.
 * Thread context (the net thread). */
void netdev_input(struct netdev *dev, struct netbuf *nb);
/* Queue a received frame for the net thread instead (loopback uses this,
 * so that a reply is never built inside the send that caused it).
 * Consumes nb. */
void netdev_rx_enqueue(struct netdev *dev, struct netbuf *nb);
/* Process queued frames; returns how many. */
int netdev_backlog_run(void);

/* /proc/net/dev in Linux's format (procfs_show_t). */
int netdev_proc_show(char *buf, size_t size, void *arg);

/* The loopback interface "lo", 127.0.0.1/8 (net/loopback.c). */
struct netdev *loopback_init(void);
struct netdev *loopback_dev(void);

/* Environment services (see the file comment). */
uint64_t net_now_ms(void);
void net_kick(void);
/* Kernel only (net/net_glue.c): a driver's interrupt handler asks for its
 * poll to run in the net thread. Safe from interrupt context. */
void net_schedule_poll(struct netdev *dev);

/* Formatting help for logs: "52:54:00:12:34:56" / "10.0.2.15" into buf. */
char *net_fmt_mac(char buf[18], const uint8_t mac[6]);
char *net_fmt_ip(char buf[16], uint32_t addr);

#endif
