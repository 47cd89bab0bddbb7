/*
 * The kernel log (kernel/lib/printk.c). Every message gets a level and a
 * timestamp, goes into a ring buffer that dmesg reads, and is written to the
 * consoles when its level passes the console threshold (`quiet` raises it).
 */
#ifndef KERNEL_LIB_PRINTK_H
#define KERNEL_LIB_PRINTK_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/compiler.h"

enum log_level {
	LOG_EMERG = 0,
	LOG_ALERT = 1,
	LOG_CRIT = 2,
	LOG_ERR = 3,
	LOG_WARNING = 4,
	LOG_NOTICE = 5,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

void printk(int level, const char *fmt, ...) __printf(2, 3);

/* Messages with level <= `level` reach the consoles (default LOG_INFO). */
void printk_set_console_level(int level);
int printk_console_level(void);

/* The ring holds this many bytes: the last PRINTK_LOG_SIZE ever logged. */
#define PRINTK_LOG_SIZE (64 * 1024)

/*
 * Positions of the oldest byte still held and of the next byte to be
 * written (syslog(2), kernel/syscall/sys_syslog.c). A record may begin
 * before *oldest when the ring has wrapped.
 */
void printk_log_bounds(uint64_t *oldest, uint64_t *head);

/*
 * Copy log bytes from position *pos on (positions count every byte ever
 * logged; records look like "<6>[    1.234] text\n"). Bytes that have been
 * overwritten are skipped. Advances *pos; returns the bytes copied.
 */
size_t printk_log_read(char *dst, size_t size, uint64_t *pos);

#define pr_emerg(...)  printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)    printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)   printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)   printk(LOG_INFO, __VA_ARGS__)
#ifdef KDEBUG
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)
#else
#define pr_debug(...) ((void)0)
#endif

#endif
