/*
 * Tables shared by several tools: the routing table (route -n and
 * netstat -r layouts), the ARP cache (arp -n) and the interface table
 * (netstat -i), all read from /proc/net. Each returns 0, or 1 after
 * printing why the file could not be read.
 */
#ifndef NT_SHOW_H
#define NT_SHOW_H

#include <stdbool.h>

enum nt_route_style { NT_ROUTE_ROUTE, NT_ROUTE_NETSTAT };

int nt_show_routes(enum nt_route_style style);
int nt_show_arp(const char *only_dev);
int nt_show_iftable(bool all);

#endif
