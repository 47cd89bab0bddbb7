/*
 * The wall clock: realtime = offset + monotonic. The offset comes from the
 * CMOS RTC at boot (UTC, as QEMU's default -rtc base=utc provides) and can
 * be set later; monotonic time never jumps.
 */
#include <ksvc.h>
#include "drivers/rtc.h"
#include "kernel/arch/arch.h"
#include "kernel/clock.h"

static int64_t offset_ns; /* realtime - monotonic; one aligned store */

void clock_init(void)
{
	struct rtc_time t;

	if (rtc_read(&t)) {
		pr_warn("clock: the RTC gives no valid time, starting at the epoch\n");
		return;
	}
	offset_ns = rtc_to_epoch(&t) * 1000000000ll - (int64_t)arch_time_ns();
	pr_info("clock: %04u-%02u-%02u %02u:%02u:%02u UTC from the RTC\n", t.year, t.month, t.day,
		t.hour, t.min, t.sec);
}

void clock_set_realtime_ns(uint64_t ns)
{
	WRITE_ONCE(offset_ns, (int64_t)ns - (int64_t)arch_time_ns());
}

uint64_t ksvc_realtime_ns(void)
{
	return (uint64_t)(READ_ONCE(offset_ns) + (int64_t)arch_time_ns());
}
