/*
 * RTL8139 Fast Ethernet driver (drivers/rtl8139.c): registers a PCI
 * driver; every card found becomes a network interface eth0, eth1, ...
 */
#ifndef DRIVERS_RTL8139_H
#define DRIVERS_RTL8139_H

void rtl8139_init(void);

#endif
