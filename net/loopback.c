/*
 * The loopback interface "lo" (net/netdev.h): 127.0.0.1/8, MTU 65536.
 * Transmitted frames come back through the receive backlog, so a reply is
 * built by the net thread rather than inside the send that caused it.
 */
#include <ksvc.h>
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/proto/inet.h"

static struct netdev lo_dev;
static bool lo_registered;

static int lo_transmit(struct netdev *dev, struct netbuf *nb)
{
	netdev_rx_enqueue(dev, nb);
	return 0;
}

static const struct netdev_ops lo_ops = {
	.transmit = lo_transmit,
};

struct netdev *loopback_init(void)
{
	if (lo_registered)
		return &lo_dev;
	lo_dev.ops = &lo_ops;
	lo_dev.mtu = 65536;
	lo_dev.hwtype = ARPHRD_LOOPBACK;
	lo_dev.flags = IFF_LOOPBACK;
	if (netdev_register(&lo_dev, "lo"))
		return NULL;
	lo_registered = true;
	netdev_up(&lo_dev);
	ipv4_set_addr(&lo_dev, IPV4(127, 0, 0, 1), 8);
	return &lo_dev;
}

struct netdev *loopback_dev(void)
{
	return lo_registered ? &lo_dev : NULL;
}
