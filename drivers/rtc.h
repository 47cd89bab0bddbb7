/*
 * The CMOS real-time clock (drivers/rtc.c): read once at boot to give the
 * kernel a wall clock; afterwards time advances with the monotonic clock.
 */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdint.h>

struct rtc_time {
	unsigned year, month, day, hour, min, sec;
};

/* Read the RTC; 0 or -EIO if it never settles or holds nonsense. */
int rtc_read(struct rtc_time *t);
/* Seconds since 1970-01-01 00:00 UTC for a valid date (pure). */
int64_t rtc_to_epoch(const struct rtc_time *t);
/* Decode a raw BCD or binary register value (pure). */
unsigned rtc_decode(uint8_t v, int binary);

#endif
