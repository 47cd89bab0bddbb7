/*
 * Stack bring-up (net/stack.h). Pure logic.
 */
#include <ksvc.h>
#include "net/icmp.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net/udp.h"

void net_stack_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	icmp_init();
	udp_init();
	loopback_init();
}
