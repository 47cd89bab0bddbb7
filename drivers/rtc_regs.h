/* MC146818 CMOS RTC registers (Motorola MC146818A datasheet; the PC
 * century byte at 0x32 is an IBM convention). */
#ifndef DRIVERS_RTC_REGS_H
#define DRIVERS_RTC_REGS_H

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define CMOS_NMI_OFF 0x80 /* bit 7 of the index port masks NMI */

#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY	     0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY  0x32

#define RTC_A_UIP    0x80 /* update in progress */
#define RTC_B_24H    0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM  0x80

#endif
