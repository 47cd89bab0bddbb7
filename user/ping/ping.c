/*
 * ping: ICMP echo (RFC 792) with iputils' options and output (-c count,
 * -i interval, -W timeout, -s size, -t ttl, -q), RTT statistics
 * (ping_stats.c) and loss. It uses a Linux ping socket (SOCK_DGRAM,
 * IPPROTO_ICMP: no privileges, the kernel sets the identifier and filters
 * replies) and falls back to a raw socket, which needs root, building and
 * checking the ICMP itself. docs/nettools.md.
 *
 * Exit status (as iputils): 0 when a reply came back, 1 when none did, 2 on
 * any other error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nt_util.h"
#include "ping_stats.h"

#define PING_MAX_PAYLOAD 65507 /* 65535 - 20 (IP) - 8 (ICMP) */

struct ping {
	int fd;
	bool raw;
	uint16_t ident;
	struct sockaddr_in dst;
	char dst_str[16];
	size_t size;
	bool quiet;
	struct ping_stats st;
	uint64_t sent_us[65536]; /* send time by sequence number */
	uint8_t seen[65536 / 8]; /* replies seen, for (DUP!) */
	uint8_t *pkt;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] [-t TTL] [-q] HOST\n"
		"  -c COUNT     stop after COUNT replies (default: until interrupted)\n"
		"  -i INTERVAL  seconds between requests (default 1; fractions allowed)\n"
		"  -W TIMEOUT   seconds to wait for replies after the last request (default 10)\n"
		"  -s SIZE      payload bytes (default 56)\n"
		"  -t TTL       time to live of the requests\n"
		"  -q           quiet: only the summary\n");
}

static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int open_socket(struct ping *pg)
{
	int e1 = EPROTONOSUPPORT;

	/* PING_RAW=1 skips the ping socket (to test the raw path as root). */
	if (!getenv("PING_RAW"))
		pg->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	else
		pg->fd = -1;
	if (pg->fd >= 0) {
		int on = 1;

		pg->raw = false;
		setsockopt(pg->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
		return 0;
	}
	if (!getenv("PING_RAW"))
		e1 = errno;
	pg->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (pg->fd >= 0) {
		pg->raw = true;
		return 0;
	}
	nt_err("cannot open an ICMP socket (ping socket: %s; raw socket: %s)", strerror(e1),
	       strerror(errno));
	return -1;
}

static int send_echo(struct ping *pg, uint16_t seq)
{
	struct icmphdr *ic = (struct icmphdr *)pg->pkt;
	size_t len = sizeof(*ic) + pg->size, i;

	memset(ic, 0, sizeof(*ic));
	ic->type = ICMP_ECHO;
	ic->un.echo.id = htons(pg->ident);
	ic->un.echo.sequence = htons(seq);
	for (i = 0; i < pg->size; i++)
		pg->pkt[sizeof(*ic) + i] = (uint8_t)(i + 8);
	ic->checksum = inet_csum(pg->pkt, len);
	pg->sent_us[seq] = nt_now_us();
	pg->seen[seq / 8] &= (uint8_t) ~(1u << (seq % 8));
	if (sendto(pg->fd, pg->pkt, len, 0, (struct sockaddr *)&pg->dst, sizeof(pg->dst)) < 0) {
		if (!pg->quiet)
			printf("ping: sendmsg: %s\n", strerror(errno));
		pg->st.errors++;
		return -1;
	}
	return 0;
}

static void print_time(uint64_t t)
{
	if (t >= 100000 - 50)
		printf(" time=%lu ms", (unsigned long)((t + 500) / 1000));
	else if (t >= 10000 - 5)
		printf(" time=%lu.%01lu ms", (unsigned long)((t + 50) / 1000),
		       (unsigned long)(((t + 50) % 1000) / 100));
	else if (t >= 1000)
		printf(" time=%lu.%02lu ms", (unsigned long)((t + 5) / 1000),
		       (unsigned long)(((t + 5) % 1000) / 10));
	else
		printf(" time=%lu.%03lu ms", (unsigned long)(t / 1000), (unsigned long)(t % 1000));
}

static const char *unreach_text(int type, int code)
{
	if (type == ICMP_TIME_EXCEEDED)
		return code ? "Frag reassembly time exceeded" : "Time to live exceeded";
	switch (code) {
	case ICMP_NET_UNREACH:
		return "Destination Net Unreachable";
	case ICMP_HOST_UNREACH:
		return "Destination Host Unreachable";
	case ICMP_PROT_UNREACH:
		return "Destination Protocol Unreachable";
	case ICMP_PORT_UNREACH:
		return "Destination Port Unreachable";
	case ICMP_FRAG_NEEDED:
		return "Frag needed and DF set";
	default:
		return "Destination Unreachable";
	}
}

/* An ICMP error quoting one of our requests (raw sockets only). */
static void handle_error(struct ping *pg, const uint8_t *icmp, size_t len, uint32_t from)
{
	const struct icmphdr *ic = (const void *)icmp;
	const struct iphdr *inner;
	const struct icmphdr *orig;
	size_t ihl;
	char fs[16];

	if (len < sizeof(*ic) + sizeof(*inner))
		return;
	inner = (const void *)(icmp + sizeof(*ic));
	ihl = (size_t)inner->ihl * 4;
	if (ihl < 20 || len < sizeof(*ic) + ihl + 8 || inner->protocol != IPPROTO_ICMP ||
	    inner->daddr != pg->dst.sin_addr.s_addr)
		return;
	orig = (const void *)(icmp + sizeof(*ic) + ihl);
	if (orig->type != ICMP_ECHO || ntohs(orig->un.echo.id) != pg->ident)
		return;
	pg->st.errors++;
	if (pg->quiet)
		return;
	inet_ntop(AF_INET, &from, fs, sizeof(fs));
	printf("From %s icmp_seq=%u %s\n", fs, ntohs(orig->un.echo.sequence),
	       unreach_text(ic->type, ic->code));
}

static void receive(struct ping *pg)
{
	static uint8_t buf[65536 + 64];
	char cbuf[256];
	struct sockaddr_in from;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {.msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	ssize_t n = recvmsg(pg->fd, &mh, MSG_DONTWAIT);
	const uint8_t *icmp = buf;
	const struct icmphdr *ic;
	size_t len;
	int ttl = -1;
	uint16_t seq;
	uint64_t rtt;
	bool dup;
	char fs[16];

	if (n < 0)
		return;
	len = (size_t)n;
	if (pg->raw) {
		const struct iphdr *ip = (const void *)buf;
		size_t ihl;

		if (len < sizeof(*ip))
			return;
		ihl = (size_t)ip->ihl * 4;
		if (ihl < 20 || ihl > len)
			return;
		ttl = ip->ttl;
		icmp = buf + ihl;
		len -= ihl;
	} else {
		struct cmsghdr *c;

		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL &&
			    c->cmsg_len >= CMSG_LEN(sizeof(int)))
				memcpy(&ttl, CMSG_DATA(c), sizeof(int));
	}
	if (len < sizeof(struct icmphdr))
		return;
	ic = (const void *)icmp;
	if (pg->raw) {
		if (ic->type == ICMP_DEST_UNREACH || ic->type == ICMP_TIME_EXCEEDED) {
			handle_error(pg, icmp, len, from.sin_addr.s_addr);
			return;
		}
		if (ic->type != ICMP_ECHOREPLY || ntohs(ic->un.echo.id) != pg->ident ||
		    from.sin_addr.s_addr != pg->dst.sin_addr.s_addr || inet_csum(icmp, len) != 0)
			return;
	} else if (ic->type != ICMP_ECHOREPLY) {
		return;
	}
	seq = ntohs(ic->un.echo.sequence);
	if (pg->sent_us[seq] == 0)
		return; /* not one we sent */
	rtt = nt_now_us() - pg->sent_us[seq];
	dup = pg->seen[seq / 8] & (1u << (seq % 8));
	if (dup) {
		pg->st.dups++;
	} else {
		pg->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		pg->st.received++;
		ping_stats_add(&pg->st, rtt);
	}
	if (pg->quiet)
		return;
	inet_ntop(AF_INET, &from.sin_addr, fs, sizeof(fs));
	printf("%zu bytes from %s: icmp_seq=%u", len, fs, seq);
	if (ttl >= 0)
		printf(" ttl=%d", ttl);
	print_time(rtt);
	printf("%s\n", dup ? " (DUP!)" : "");
	fflush(stdout);
}

static struct ping pg;

int main(int argc, char **argv)
{
	unsigned long count = 0, ttl = 0, v;
	uint64_t interval = 1000, linger = 10000, start, next, last_send = 0;
	struct sigaction sa = {.sa_handler = on_sigint};
	struct in_addr addr;
	const char *host;
	char line[128];
	int opt, err;

	nt_prog = "ping";
	pg.size = 56;
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "c:i:W:s:t:qn")) != -1) {
		switch (opt) {
		case 'c':
			if (nt_parse_ulong(optarg, 1, 1000000000, &count)) {
				nt_err("bad count: %s", optarg);
				return 2;
			}
			break;
		case 'i':
			if (nt_parse_secs_ms(optarg, 3600, &interval) || interval == 0) {
				nt_err("bad interval: %s", optarg);
				return 2;
			}
			break;
		case 'W':
			if (nt_parse_secs_ms(optarg, 3600, &linger)) {
				nt_err("bad timeout: %s", optarg);
				return 2;
			}
			break;
		case 's':
			if (nt_parse_ulong(optarg, 0, PING_MAX_PAYLOAD, &v)) {
				nt_err("bad size: %s (0..%d)", optarg, PING_MAX_PAYLOAD);
				return 2;
			}
			pg.size = v;
			break;
		case 't':
			if (nt_parse_ulong(optarg, 1, 255, &ttl)) {
				nt_err("bad ttl: %s (1..255)", optarg);
				return 2;
			}
			break;
		case 'q':
			pg.quiet = true;
			break;
		case 'n':
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	host = argv[optind];
	err = nt_resolve_host(host, &addr);
	if (err) {
		nt_err("%s: %s", host, nt_resolve_strerror(err));
		return 2;
	}
	pg.dst.sin_family = AF_INET;
	pg.dst.sin_addr = addr;
	inet_ntop(AF_INET, &addr, pg.dst_str, sizeof(pg.dst_str));
	if (open_socket(&pg))
		return 2;
	if (ttl && setsockopt(pg.fd, IPPROTO_IP, IP_TTL, &(int){(int)ttl}, sizeof(int)) < 0) {
		nt_perr("setsockopt IP_TTL");
		return 2;
	}
	pg.ident = (uint16_t)getpid();
	pg.pkt = malloc(sizeof(struct icmphdr) + pg.size);
	if (!pg.pkt) {
		nt_perr("malloc");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	printf("PING %s (%s) %zu(%zu) bytes of data.\n", host, pg.dst_str, pg.size, pg.size + 28);
	fflush(stdout);

	start = nt_now_ms();
	next = start;
	while (!interrupted) {
		uint64_t now = nt_now_ms(), wake;
		struct pollfd pfd = {.fd = pg.fd, .events = POLLIN};
		bool all_sent = count && pg.st.sent >= count;

		if (!all_sent && now >= next) {
			uint16_t seq = (uint16_t)(pg.st.sent + 1);

			pg.st.sent++;
			send_echo(&pg, seq);
			last_send = now;
			next += interval;
			if (next < now)
				next = now + interval;
			all_sent = count && pg.st.sent >= count;
		}
		if (all_sent) {
			/* iputils: wait -W for the answers when none came
			 * back, else twice the largest RTT seen. */
			uint64_t wait = linger;

			if (pg.st.received && pg.st.max_us / 500 + 200 < wait)
				wait = pg.st.max_us / 500 + 200;
			if (pg.st.received >= count || now >= last_send + wait)
				break;
			wake = last_send + wait;
		} else {
			wake = next;
		}
		if (poll(&pfd, 1, wake > now ? (int)(wake - now) : 0) > 0)
			receive(&pg);
	}
	printf("\n--- %s ping statistics ---\n", host);
	printf("%lu packets transmitted, %lu received", (unsigned long)pg.st.sent,
	       (unsigned long)pg.st.received);
	if (pg.st.dups)
		printf(", +%lu duplicates", (unsigned long)pg.st.dups);
	if (pg.st.errors)
		printf(", +%lu errors", (unsigned long)pg.st.errors);
	printf(", %g%% packet loss, time %lums\n", ping_stats_loss(&pg.st),
	       (unsigned long)(nt_now_ms() - start));
	ping_stats_rtt_line(&pg.st, line, sizeof(line));
	if (line[0])
		printf("%s\n", line);
	return pg.st.received ? 0 : 1;
}
