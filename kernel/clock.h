/*
 * Wall-clock time (kernel/clock.c): the RTC read once at boot plus the
 * monotonic clock since. ksvc_realtime_ns (ksvc.h) is its public face.
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdint.h>

void clock_init(void);
/* Set the wall clock (settimeofday, or NTP/DHCP later). */
void clock_set_realtime_ns(uint64_t ns);

#endif
