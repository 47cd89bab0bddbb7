/*
 * ICMP for IPv4 (net/icmp.h). Errors quote the original IP header and the
 * first 8 bytes of its data (RFC 792), which is what the receivers' stacks
 * match on. Pure logic.
 */
#include <ksvc.h>
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/icmp.h"
#include "net/proto/inet.h"
#include "net/proto/ipv4.h"

#define ICMP_QUOTE_DATA 8

struct icmp_stats icmp_stats;

static struct spinlock icmp_lock = SPINLOCK_INIT("icmp");
static icmp_echo_reply_fn echo_fn; /* icmp_lock */
static void *echo_ctx;		   /* icmp_lock */
static icmp_sock_fn sock_fn;	   /* icmp_lock */
static struct {
	icmp_err_fn fn;
	void *ctx;
} err_handlers[256];		   /* icmp_lock */
static uint64_t rate_window_start; /* icmp_lock */
static unsigned rate_count;	   /* icmp_lock */

void icmp_init(void)
{
	ipv4_register_proto(IPPROTO_ICMP, icmp_input, NULL);
}

void icmp_set_echo_handler(icmp_echo_reply_fn fn, void *ctx)
{
	unsigned long fl = spin_lock_irqsave(&icmp_lock);

	echo_fn = fn;
	echo_ctx = ctx;
	spin_unlock_irqrestore(&icmp_lock, fl);
}

void icmp_set_sock_hook(icmp_sock_fn fn)
{
	unsigned long fl = spin_lock_irqsave(&icmp_lock);

	sock_fn = fn;
	spin_unlock_irqrestore(&icmp_lock, fl);
}

int icmp_register_err(uint8_t proto, icmp_err_fn fn, void *ctx)
{
	unsigned long fl = spin_lock_irqsave(&icmp_lock);
	int err = 0;

	if (fn && err_handlers[proto].fn)
		err = -EEXIST;
	else {
		err_handlers[proto].fn = fn;
		err_handlers[proto].ctx = ctx;
	}
	spin_unlock_irqrestore(&icmp_lock, fl);
	return err;
}

/* Build header + data in one buffer and send it. */
static int send_icmp(uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t word,
		     const uint8_t *data, size_t len)
{
	uint8_t stackbuf[576];
	struct netbuf *tmp = NULL;
	uint8_t *buf = stackbuf;
	struct icmp_hdr *h;
	int err;

	if (len > IPV4_MAX_LEN - IPV4_HLEN_MIN - sizeof(*h))
		return -EMSGSIZE;
	if (sizeof(*h) + len > sizeof(stackbuf)) {
		tmp = netbuf_alloc(0, sizeof(*h) + len);
		if (!tmp)
			return -ENOMEM;
		buf = tmp->data;
	}
	h = (struct icmp_hdr *)buf;
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->code = code;
	h->un.unused = word;
	memcpy(buf + sizeof(*h), data, len);
	h->csum = inet_csum(buf, sizeof(*h) + len);
	err = ipv4_output(src, dst, IPPROTO_ICMP, buf, sizeof(*h) + len);
	netbuf_free(tmp);
	if (err == 0)
		icmp_stats.out_msgs++;
	return err;
}

int icmp_send_echo(uint32_t dst, uint16_t id, uint16_t seq, const void *data, size_t len)
{
	uint32_t word = net_htons(id) | (uint32_t)net_htons(seq) << 16;

	icmp_stats.out_echos++;
	return send_icmp(0, dst, ICMP_ECHO, 0, word, data, len);
}

static bool rate_ok(void)
{
	uint64_t now = net_now_ms();
	unsigned long fl = spin_lock_irqsave(&icmp_lock);
	bool ok;

	if (now - rate_window_start >= 1000 || now < rate_window_start) {
		rate_window_start = now;
		rate_count = 0;
	}
	ok = rate_count < ICMP_ERR_RATE_PER_S;
	if (ok)
		rate_count++;
	spin_unlock_irqrestore(&icmp_lock, fl);
	return ok;
}

void icmp_send_error(uint8_t type, uint8_t code, uint32_t info)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();
	uint8_t quote[IPV4_HLEN_MAX + ICMP_QUOTE_DATA];
	const struct ipv4_hdr *h;
	uint32_t src, dst;
	size_t n;

	if (!rx || rx->hlen < IPV4_HLEN_MIN || rx->hlen > IPV4_HLEN_MAX)
		return;
	h = (const struct ipv4_hdr *)rx->hdr;
	src = net_ntohl(h->src);
	dst = net_ntohl(h->dst);
	/* RFC 1122 3.2.2: never about these. */
	if (rx->to_broadcast || src == 0 || src == IPV4_BROADCAST || ipv4_is_multicast(src) ||
	    ipv4_is_multicast(dst) || dst == IPV4_BROADCAST ||
	    (net_ntohs(h->frag_off) & IPV4_OFF_MASK))
		return;
	if (h->proto == IPPROTO_ICMP) {
		if (rx->len < 1)
			return;
		uint8_t t = rx->payload[0];
		if (t != ICMP_ECHO && t != ICMP_ECHO_REPLY)
			return; /* an error about an error */
	}
	if (!rate_ok()) {
		icmp_stats.out_rate_limited++;
		return;
	}
	n = MIN(rx->len, (size_t)ICMP_QUOTE_DATA);
	memcpy(quote, rx->hdr, rx->hlen);
	memcpy(quote + rx->hlen, rx->payload, n);
	if (type == ICMP_DEST_UNREACH)
		icmp_stats.out_dest_unreachs++;
	else if (type == ICMP_TIME_EXCEEDED)
		icmp_stats.out_time_excds++;
	/* Reply from the address the datagram was sent to when it is ours. */
	send_icmp(ipv4_is_local(dst) ? dst : 0, src, type, code, net_htonl(info), quote,
		  rx->hlen + n);
}

static void handle_error(const struct icmp_hdr *ih, const uint8_t *q, size_t len)
{
	const struct ipv4_hdr *oh = (const struct ipv4_hdr *)q;
	size_t ohlen;
	icmp_err_fn fn;
	void *ctx;
	unsigned long fl;

	if (len < IPV4_HLEN_MIN || (oh->ver_ihl >> 4) != 4)
		goto bad;
	ohlen = (size_t)(oh->ver_ihl & 0xf) * 4;
	if (ohlen < IPV4_HLEN_MIN || ohlen + ICMP_QUOTE_DATA > len)
		goto bad;
	/* Only errors about datagrams we could have sent. */
	if (!ipv4_is_local(net_ntohl(oh->src)))
		goto bad;
	fl = spin_lock_irqsave(&icmp_lock);
	fn = err_handlers[oh->proto].fn;
	ctx = err_handlers[oh->proto].ctx;
	spin_unlock_irqrestore(&icmp_lock, fl);
	if (fn)
		fn(ctx, ih->type, ih->code, net_ntohl(oh->src), net_ntohl(oh->dst), q + ohlen,
		   len - ohlen);
	return;
bad:
	icmp_stats.in_errors++;
}

void icmp_input(void *ctx, uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	const struct ipv4_rx_info *rx = ipv4_rx_current();
	const struct icmp_hdr *h = (const struct icmp_hdr *)p;
	icmp_echo_reply_fn fn;
	icmp_sock_fn sfn;
	void *fctx;
	unsigned long fl;

	icmp_stats.in_msgs++;
	if (len < sizeof(*h)) {
		icmp_stats.in_errors++;
		return;
	}
	if (inet_csum(p, len) != 0) {
		icmp_stats.in_csum_errors++;
		icmp_stats.in_errors++;
		return;
	}
	fl = spin_lock_irqsave(&icmp_lock);
	sfn = sock_fn;
	spin_unlock_irqrestore(&icmp_lock, fl);
	if (sfn)
		sfn(src, dst, p, len);
	switch (h->type) {
	case ICMP_ECHO:
		icmp_stats.in_echos++;
		/* Linux's icmp_echo_ignore_broadcasts default: no smurf amplifier. */
		if (rx && rx->to_broadcast)
			return;
		icmp_stats.out_echo_reps++;
		send_icmp(dst, src, ICMP_ECHO_REPLY, 0, h->un.unused, p + sizeof(*h),
			  len - sizeof(*h));
		break;
	case ICMP_ECHO_REPLY:
		icmp_stats.in_echo_reps++;
		fl = spin_lock_irqsave(&icmp_lock);
		fn = echo_fn;
		fctx = echo_ctx;
		spin_unlock_irqrestore(&icmp_lock, fl);
		if (fn)
			fn(fctx, src, net_ntohs(h->un.echo.id), net_ntohs(h->un.echo.seq),
			   p + sizeof(*h), len - sizeof(*h));
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAM_PROBLEM:
	case ICMP_SOURCE_QUENCH:
		if (h->type == ICMP_DEST_UNREACH)
			icmp_stats.in_dest_unreachs++;
		if (h->type == ICMP_TIME_EXCEEDED)
			icmp_stats.in_time_excds++;
		handle_error(h, p + sizeof(*h), len - sizeof(*h));
		break;
	default:
		break; /* RFC 1122 3.2.2: unknown types are ignored */
	}
}
