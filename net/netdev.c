/*
 * Network interfaces (net/netdev.h): registration and naming, up/down,
 * transmit and receive accounting, the receive backlog, /proc/net/dev.
 * Pure logic: the host tests register fake devices that capture frames.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"
#include "net/eth.h"
#include "net/netdev.h"
#include "net/proto/eth.h"
#include "net/proto/inet.h"

#define BACKLOG_MAX 512

static struct spinlock netdev_lock = SPINLOCK_INIT("netdev");
static struct netdev *dev_list;			   /* netdev_lock */
static int next_ifindex = 1;			   /* netdev_lock */
static struct netbuf *backlog_head, *backlog_tail; /* netdev_lock */
static unsigned backlog_len;			   /* netdev_lock */

static struct netdev *find_locked(const char *name)
{
	for (struct netdev *d = dev_list; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

int netdev_register(struct netdev *dev, const char *name)
{
	const char *pct = strchr(name, '%');
	unsigned long fl;
	int err = 0;

	if (strlen(name) + 4 >= NETDEV_NAME_MAX || !dev->ops || !dev->ops->transmit)
		return -EINVAL;
	if (pct && (pct[1] != 'd' || strchr(pct + 1, '%')))
		return -EINVAL;
	fl = spin_lock_irqsave(&netdev_lock);
	if (pct) {
		size_t plen = (size_t)(pct - name);
		for (int n = 0; n < 1000; n++) {
			ksnprintf(dev->name, sizeof(dev->name), "%.*s%d%s", (int)plen, name, n,
				  pct + 2);
			if (!find_locked(dev->name))
				break;
		}
	} else {
		strlcpy(dev->name, name, sizeof(dev->name));
	}
	if (find_locked(dev->name)) {
		err = -EEXIST;
		goto out;
	}
	dev->ifindex = next_ifindex++;
	dev->flags &= ~(IFF_UP | IFF_RUNNING);
	if (!dev->mtu)
		dev->mtu = ETH_DATA_LEN;
	dev->next = NULL;
	struct netdev **pp = &dev_list;
	while (*pp)
		pp = &(*pp)->next;
	*pp = dev;
out:
	spin_unlock_irqrestore(&netdev_lock, fl);
	return err;
}

struct netdev *netdev_find(const char *name)
{
	unsigned long fl = spin_lock_irqsave(&netdev_lock);
	struct netdev *d = find_locked(name);

	spin_unlock_irqrestore(&netdev_lock, fl);
	return d;
}

struct netdev *netdev_by_index(int ifindex)
{
	unsigned long fl = spin_lock_irqsave(&netdev_lock);
	struct netdev *d = dev_list;

	while (d && d->ifindex != ifindex)
		d = d->next;
	spin_unlock_irqrestore(&netdev_lock, fl);
	return d;
}

struct netdev *netdev_next(struct netdev *prev)
{
	unsigned long fl = spin_lock_irqsave(&netdev_lock);
	struct netdev *d = prev ? prev->next : dev_list;

	spin_unlock_irqrestore(&netdev_lock, fl);
	return d;
}

bool netdev_link_up(struct netdev *dev)
{
	return dev->ops->link_up ? dev->ops->link_up(dev) : true;
}

int netdev_up(struct netdev *dev)
{
	int err;

	if (dev->flags & IFF_UP)
		return 0;
	if (dev->ops->open) {
		err = dev->ops->open(dev);
		if (err)
			return err;
	}
	dev->flags |= IFF_UP;
	if (netdev_link_up(dev))
		dev->flags |= IFF_RUNNING;
	return 0;
}

void netdev_down(struct netdev *dev)
{
	if (!(dev->flags & IFF_UP))
		return;
	dev->flags &= ~(IFF_UP | IFF_RUNNING);
	if (dev->ops->stop)
		dev->ops->stop(dev);
}

void netdev_set_flags(struct netdev *dev, unsigned set, unsigned clear)
{
	unsigned old = dev->flags;

	dev->flags = (old | set) & ~clear;
	if (((old ^ dev->flags) & (IFF_PROMISC | IFF_ALLMULTI)) && dev->ops->set_rx_mode)
		dev->ops->set_rx_mode(dev);
}

uint32_t netdev_ip_mask(const struct netdev *dev)
{
	return ipv4_prefix_mask(dev->ip_prefix);
}

uint32_t netdev_ip_broadcast(const struct netdev *dev)
{
	if (!dev->ip_addr || dev->ip_prefix >= 31)
		return 0;
	return dev->ip_addr | ~netdev_ip_mask(dev);
}

int netdev_xmit(struct netdev *dev, struct netbuf *nb)
{
	size_t len = nb->len;
	int err;

	if (!(dev->flags & IFF_UP)) {
		dev->stats.tx_dropped++;
		netbuf_free(nb);
		return -ENETDOWN;
	}
	if (len > ETH_HLEN + dev->mtu || len < ETH_HLEN) {
		dev->stats.tx_errors++;
		netbuf_free(nb);
		return -EMSGSIZE;
	}
	err = dev->ops->transmit(dev, nb);
	if (err == 0) {
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += len;
	}
	return err;
}

void netdev_input(struct netdev *dev, struct netbuf *nb)
{
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += nb->len;
	if (!(dev->flags & IFF_UP)) {
		dev->stats.rx_dropped++;
		netbuf_free(nb);
		return;
	}
	nb->dev = dev;
	eth_input(dev, nb);
}

void netdev_rx_enqueue(struct netdev *dev, struct netbuf *nb)
{
	unsigned long fl = spin_lock_irqsave(&netdev_lock);

	if (backlog_len >= BACKLOG_MAX) {
		spin_unlock_irqrestore(&netdev_lock, fl);
		dev->stats.rx_dropped++;
		netbuf_free(nb);
		return;
	}
	nb->dev = dev;
	nb->next = NULL;
	if (backlog_tail)
		backlog_tail->next = nb;
	else
		backlog_head = nb;
	backlog_tail = nb;
	backlog_len++;
	spin_unlock_irqrestore(&netdev_lock, fl);
	net_kick();
}

int netdev_backlog_run(void)
{
	int n = 0;

	for (;;) {
		unsigned long fl = spin_lock_irqsave(&netdev_lock);
		struct netbuf *nb = backlog_head;
		if (nb) {
			backlog_head = nb->next;
			if (!backlog_head)
				backlog_tail = NULL;
			backlog_len--;
		}
		spin_unlock_irqrestore(&netdev_lock, fl);
		if (!nb)
			return n;
		nb->next = NULL;
		netdev_input(nb->dev, nb);
		n++;
	}
}

/* Linux's dev_seq_show (net/core/net-procfs.c) layout. */
int netdev_proc_show(char *buf, size_t size, void *arg)
{
	size_t off = 0;
	int n;

	n = ksnprintf(buf, size,
		      "Inter-|   Receive                            "
		      "                    |  Transmit\n"
		      " face |bytes    packets errs drop fifo frame "
		      "compressed multicast|bytes    packets errs "
		      "drop fifo colls carrier compressed\n");
	off += (size_t)n;
	for (struct netdev *d = netdev_next(NULL); d; d = netdev_next(d)) {
		const struct netdev_stats *s = &d->stats;
		n = ksnprintf(
			off < size ? buf + off : NULL, off < size ? size - off : 0,
			"%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu "
			"%8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
			d->name, (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
			(unsigned long long)(s->rx_errors + s->rx_frame_errors +
					     s->rx_length_errors + s->rx_crc_errors),
			(unsigned long long)s->rx_dropped, (unsigned long long)s->rx_fifo_errors,
			(unsigned long long)s->rx_frame_errors, 0ull,
			(unsigned long long)s->multicast, (unsigned long long)s->tx_bytes,
			(unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors,
			(unsigned long long)s->tx_dropped, (unsigned long long)s->tx_fifo_errors,
			(unsigned long long)s->collisions, (unsigned long long)s->tx_carrier_errors,
			0ull);
		off += (size_t)n;
	}
	return (int)off;
}

char *net_fmt_mac(char buf[18], const uint8_t mac[6])
{
	ksnprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		  mac[5]);
	return buf;
}

char *net_fmt_ip(char buf[16], uint32_t a)
{
	ksnprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}
