/*
 * Bringing the IPv4 stack up (net/stack.c): loopback, ICMP and UDP
 * registered in order. The kernel glue (net/net_glue.c) calls this before
 * any driver registers an interface; host tests call it once per process.
 */
#ifndef NET_STACK_H
#define NET_STACK_H

void net_stack_init(void);

#endif
