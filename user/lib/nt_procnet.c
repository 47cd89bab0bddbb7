/*
 * /proc/net text parsers for the network tools (see nt_procnet.h). Every
 * field is read with a bounded sscanf conversion; a line that does not
 * have all its fields is rejected rather than half-filled.
 */
#include <stdio.h>
#include <string.h>

#include "nt_procnet.h"

bool nt_next_line(const char **p, const char *end, char *buf, size_t size)
{
	const char *nl;
	size_t n;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	n = (size_t)((nl ? nl : end) - *p);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(buf, *p, c);
		buf[c] = '\0';
	}
	*p = nl ? nl + 1 : end;
	return true;
}

void nt_ipv4_str(uint32_t a, char *out)
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int nt_procnet_dev_line(const char *line, struct nt_ifstats *s)
{
	const char *colon = strchr(line, ':');
	const char *name = line;
	size_t nlen;
	int used = 0;

	if (!colon)
		return -1;
	while (*name == ' ' || *name == '\t')
		name++;
	nlen = (size_t)(colon - name);
	while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
		nlen--;
	if (nlen == 0 || nlen >= NT_IFNAMSIZ || memchr(name, '|', nlen))
		return -1;
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, nlen);
	if (sscanf(colon + 1, " %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu%n",
		   &s->rx_bytes, &s->rx_packets, &s->rx_errs, &s->rx_drop, &s->rx_fifo,
		   &s->rx_frame, &s->rx_compressed, &s->rx_multicast, &s->tx_bytes, &s->tx_packets,
		   &s->tx_errs, &s->tx_drop, &s->tx_fifo, &s->tx_colls, &s->tx_carrier,
		   &s->tx_compressed, &used) != 16)
		return -1;
	return 0;
}

static uint32_t hex_addr(uint32_t v)
{
	/* The network-order word printed as a little-endian integer. */
	return __builtin_bswap32(v);
}

int nt_procnet_route_line(const char *line, struct nt_route *r)
{
	char ifn[NT_IFNAMSIZ];
	unsigned dst, gw, mask;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%15s %8x %8x %x %d %u %d %8x %u %u %u", ifn, &dst, &gw, &r->flags,
		   &r->refcnt, &r->use, &r->metric, &mask, &r->mtu, &r->window, &r->irtt) != 11)
		return -1;
	memcpy(r->iface, ifn, sizeof(ifn));
	r->dst = hex_addr(dst);
	r->gw = hex_addr(gw);
	r->mask = hex_addr(mask);
	return 0;
}

int nt_procnet_arp_line(const char *line, struct nt_arp *a)
{
	unsigned a0, a1, a2, a3;
	char tail;

	memset(a, 0, sizeof(*a));
	if (sscanf(line, "%15s 0x%x 0x%x %17s %15s %15s", a->ip, &a->hwtype, &a->flags, a->hw,
		   a->mask, a->dev) != 6)
		return -1;
	if (sscanf(a->ip, "%u.%u.%u.%u%c", &a0, &a1, &a2, &a3, &tail) != 4 || a0 > 255 ||
	    a1 > 255 || a2 > 255 || a3 > 255)
		return -1;
	return 0;
}

int nt_procnet_sock_line(const char *line, struct nt_sock *s)
{
	unsigned sl, la, lp, ra, rp, st, tx, rx;

	memset(s, 0, sizeof(*s));
	if (sscanf(line, " %u: %8x:%4x %8x:%4x %2x %8x:%8x %*x:%*x %*x %u %*d %lu", &sl, &la, &lp,
		   &ra, &rp, &st, &tx, &rx, &s->uid, &s->inode) != 10)
		return -1;
	s->laddr = hex_addr(la);
	s->raddr = hex_addr(ra);
	s->lport = (uint16_t)lp;
	s->rport = (uint16_t)rp;
	s->state = st;
	s->txq = tx;
	s->rxq = rx;
	return 0;
}

const char *nt_tcp_state_name(unsigned st)
{
	static const char *const names[] = {
		"",	     "ESTABLISHED", "SYN_SENT",	  "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
		"TIME_WAIT", "CLOSE",	    "CLOSE_WAIT", "LAST_ACK", "LISTEN",	   "CLOSING",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "";
}

void nt_route_flags(unsigned f, char *out)
{
	static const struct {
		unsigned bit;
		char c;
	} map[] = {
		{0x0001, 'U'}, {0x0002, 'G'}, {0x0004, 'H'}, {0x0010, 'D'},
		{0x0020, 'M'}, {0x0080, 'A'}, {0x0200, '!'},
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].bit)
			out[n++] = map[i].c;
	out[n] = '\0';
}
