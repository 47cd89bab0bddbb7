/*
 * The kernel log. printk formats one message, prefixes the time since
 * kernel entry in milliseconds ("[    23.456] ", docs/boot-log.md), stores it
 * in a ring buffer with its level for dmesg, and writes it to the consoles if
 * the level passes console_loglevel. After console_panic_mode() no lock is
 * taken and consoles are written through their polled path, so a panic
 * prints even when the log lock or a console lock is held.
 *
 * Lock legend: log_lock guards logbuf, log_head and the console list.
 */
#include <stdarg.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/console.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"

#define LOG_BUF_SIZE PRINTK_LOG_SIZE
#define LINE_MAX     512

static struct spinlock log_lock = SPINLOCK_INIT("printk");
static char logbuf[LOG_BUF_SIZE];
static uint64_t log_head; /* bytes ever written; logbuf holds the last LOG_BUF_SIZE */
static struct console *consoles;
static int console_loglevel = LOG_INFO;
static volatile bool panic_mode;

void console_register(struct console *c)
{
	unsigned long fl = spin_lock_irqsave(&log_lock);
	struct console **pp = &consoles;

	while (*pp)
		pp = &(*pp)->next;
	c->next = NULL;
	*pp = c;
	spin_unlock_irqrestore(&log_lock, fl);
}

void console_write_raw(const char *buf, size_t len)
{
	unsigned long fl = spin_lock_irqsave(&log_lock);

	for (struct console *c = consoles; c; c = c->next)
		c->write(c, buf, len);
	spin_unlock_irqrestore(&log_lock, fl);
}

void console_panic_mode(void)
{
	panic_mode = true;
	console_loglevel = LOG_DEBUG;
}

bool console_in_panic(void)
{
	return panic_mode;
}

void printk_set_console_level(int level)
{
	console_loglevel = level;
}

int printk_console_level(void)
{
	return console_loglevel;
}

void printk_log_bounds(uint64_t *oldest, uint64_t *head)
{
	unsigned long fl = spin_lock_irqsave(&log_lock);

	*head = log_head;
	*oldest = log_head > LOG_BUF_SIZE ? log_head - LOG_BUF_SIZE : 0;
	spin_unlock_irqrestore(&log_lock, fl);
}

static void log_store(int level, const char *s, size_t len)
{
	char tag[4] = {'<', (char)('0' + (level & 7)), '>', 0};

	for (size_t i = 0; i < 3; i++)
		logbuf[(log_head++) % LOG_BUF_SIZE] = tag[i];
	for (size_t i = 0; i < len; i++)
		logbuf[(log_head++) % LOG_BUF_SIZE] = s[i];
}

void printk(int level, const char *fmt, ...)
{
	char line[LINE_MAX];
	uint64_t us = arch_time_ns() / 1000;
	unsigned long fl = 0;
	va_list ap;
	int n, m;

	n = ksnprintf(line, sizeof(line), "[%8llu.%03llu] ", (unsigned long long)(us / 1000),
		      (unsigned long long)(us % 1000));
	va_start(ap, fmt);
	m = kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n = (size_t)(n + m) >= sizeof(line) - 1 ? (int)sizeof(line) - 2 : n + m;
	if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n';
	line[n] = '\0';

	if (!panic_mode)
		fl = spin_lock_irqsave(&log_lock);
	log_store(level, line, n);
	if (level <= console_loglevel) {
		for (struct console *c = consoles; c; c = c->next) {
			if (panic_mode)
				c->write_sync(c, line, n);
			else
				c->write(c, line, n);
		}
	}
	if (!panic_mode)
		spin_unlock_irqrestore(&log_lock, fl);
}

size_t printk_log_read(char *dst, size_t size, uint64_t *pos)
{
	unsigned long fl = spin_lock_irqsave(&log_lock);
	uint64_t oldest = log_head > LOG_BUF_SIZE ? log_head - LOG_BUF_SIZE : 0;
	uint64_t p = *pos < oldest ? oldest : *pos;
	size_t n = 0;

	while (p < log_head && n < size)
		dst[n++] = logbuf[(p++) % LOG_BUF_SIZE];
	*pos = p;
	spin_unlock_irqrestore(&log_lock, fl);
	return n;
}
