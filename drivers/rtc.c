/*
 * CMOS RTC. The registers may be read mid-update, so the time is read until
 * two reads agree with the update-in-progress bit clear (the usual method;
 * MC146818A datasheet, "Update cycle"). BCD/binary and 12/24-hour modes are
 * decoded per status register B.
 */
#include <ksvc.h>
#include "drivers/rtc.h"
#include "drivers/rtc_regs.h"
#include "kernel/arch/arch.h"

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void read_raw(uint8_t r[7])
{
	r[0] = cmos_read(RTC_SECONDS);
	r[1] = cmos_read(RTC_MINUTES);
	r[2] = cmos_read(RTC_HOURS);
	r[3] = cmos_read(RTC_DAY);
	r[4] = cmos_read(RTC_MONTH);
	r[5] = cmos_read(RTC_YEAR);
	r[6] = cmos_read(RTC_CENTURY);
}

int rtc_read(struct rtc_time *t)
{
	uint8_t a[7], b[7], statb;
	int tries = 0;
	bool binary, h24, pm;

	do {
		for (int i = 0; i < 100000 && (cmos_read(RTC_STATUS_A) & RTC_A_UIP); i++)
			arch_cpu_relax();
		read_raw(a);
		read_raw(b);
	} while (memcmp(a, b, sizeof(a)) != 0 && ++tries < 10);
	if (tries == 10)
		return -EIO;
	statb = cmos_read(RTC_STATUS_B);
	binary = statb & RTC_B_BINARY;
	h24 = statb & RTC_B_24H;
	pm = !h24 && (a[2] & RTC_HOUR_PM);
	t->sec = rtc_decode(a[0], binary);
	t->min = rtc_decode(a[1], binary);
	t->hour = rtc_decode(a[2] & ~RTC_HOUR_PM, binary);
	if (!h24)
		t->hour = (t->hour % 12) + (pm ? 12 : 0);
	t->day = rtc_decode(a[3], binary);
	t->month = rtc_decode(a[4], binary);
	t->year = rtc_decode(a[5], binary);
	unsigned century = rtc_decode(a[6], binary);
	t->year += (century >= 19 && century <= 30) ? century * 100 : 2000;
	if (t->sec > 59 || t->min > 59 || t->hour > 23 || t->day < 1 || t->day > 31 ||
	    t->month < 1 || t->month > 12)
		return -EIO;
	return 0;
}
