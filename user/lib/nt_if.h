/*
 * Interface queries for ifconfig and netstat -i: the interface list (the
 * names in /proc/net/dev, or SIOCGIFCONF when it is missing), statistics
 * from /proc/net/dev, and each interface's flags, MTU, addresses and MAC
 * through the standard SIOCGIF* ioctls on an AF_INET datagram socket.
 */
#ifndef NT_IF_H
#define NT_IF_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "nt_procnet.h"

#define NT_MAX_IFS 32

struct nt_ifinfo {
	char name[NT_IFNAMSIZ];
	bool have_flags, have_mtu, have_addr, have_mask, have_brd, have_hw;
	unsigned flags;
	int mtu;
	struct in_addr addr, mask, brd;
	unsigned hwfamily; /* ARPHRD_* */
	uint8_t hw[6];
	bool have_stats;
	struct nt_ifstats stats;
};

/* Interfaces with their /proc/net/dev statistics: how many, or -1 with
 * errno when neither /proc/net/dev nor SIOCGIFCONF gives a list. */
int nt_if_list(int fd, struct nt_ifinfo *ifs, int max);
/* Fill one entry's ioctl fields (those that fail stay unset). */
void nt_if_query(int fd, struct nt_ifinfo *i);
struct ifreq;
/* Zero *ifr and put the (possibly truncated) name in. */
void nt_ifr_init(struct ifreq *ifr, const char *name);
/* "UP,BROADCAST,RUNNING,MULTICAST" into out. */
void nt_if_flag_names(unsigned flags, char *out, size_t size);

#endif
