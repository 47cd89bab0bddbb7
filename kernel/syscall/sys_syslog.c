/*
 * syslog(2) (Linux x86_64 number 103, glibc's klogctl): the kernel log ring
 * of kernel/lib/printk.c read by dmesg. Actions and errors follow the man
 * page, syslog(2):
 *   0 CLOSE, 1 OPEN            no-ops
 *   2 READ                     wait until unread bytes exist, return up to len
 *                              of them and mark them read
 *   3 READ_ALL                 the last len bytes of whole records since the
 *                              last CLEAR; nothing is marked read
 *   4 READ_CLEAR               READ_ALL, then CLEAR
 *   5 CLEAR                    later READ_ALLs start after what is held now
 *   6 CONSOLE_OFF, 7 ON        save the console level and print only
 *                              emergencies; restore it
 *   8 CONSOLE_LEVEL            len 1..8: messages with level < len reach
 *                              the consoles
 *   9 SIZE_UNREAD              bytes READ would return
 *   10 SIZE_BUFFER             the size of the ring
 * As Linux with kernel.dmesg_restrict=0, anyone may READ_ALL and
 * SIZE_BUFFER; every other action needs privilege (-EPERM, checked first).
 * READ polls every 100 ms instead of waiting on a queue, so printk (called
 * from interrupt handlers too) never has to wake anyone.
 *
 * Records are "<L>[   s.mmm] text\n". The ring holds bytes, so after it
 * wraps the oldest record may be cut; reads skip to the next record start.
 *
 * Lock legend: syslog_lock guards read_pos, clear_pos and saved_level;
 * the ring itself is guarded by printk's own lock.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"

#define SYS_syslog 103

enum {
	SYSLOG_ACTION_CLOSE = 0,
	SYSLOG_ACTION_OPEN = 1,
	SYSLOG_ACTION_READ = 2,
	SYSLOG_ACTION_READ_ALL = 3,
	SYSLOG_ACTION_READ_CLEAR = 4,
	SYSLOG_ACTION_CLEAR = 5,
	SYSLOG_ACTION_CONSOLE_OFF = 6,
	SYSLOG_ACTION_CONSOLE_ON = 7,
	SYSLOG_ACTION_CONSOLE_LEVEL = 8,
	SYSLOG_ACTION_SIZE_UNREAD = 9,
	SYSLOG_ACTION_SIZE_BUFFER = 10,
};

#define READ_POLL_MS 100

static struct spinlock syslog_lock = SPINLOCK_INIT("syslog");
static uint64_t read_pos;    /* next byte for SYSLOG_ACTION_READ */
static uint64_t clear_pos;   /* READ_ALL starts here or later */
static int saved_level = -1; /* the console level before CONSOLE_OFF */

/*
 * The first record start at or after `pos`: pos itself when the byte before
 * it ends a record, else just past the next newline. Bytes before `oldest`
 * are gone, so a position at `oldest` past a wrap counts as cut.
 */
static uint64_t record_start(uint64_t pos, uint64_t oldest, uint64_t head)
{
	char c;
	uint64_t p;

	if (pos == 0)
		return 0;
	if (pos > oldest) {
		p = pos - 1;
		if (printk_log_read(&c, 1, &p) == 1 && c == '\n')
			return pos;
	}
	p = pos;
	while (p < head) {
		if (printk_log_read(&c, 1, &p) != 1)
			break;
		if (c == '\n')
			return p;
	}
	return head;
}

/* Copy the log from `from` to the head into the user buffer, at most len
 * bytes. Returns the count or -errno; *end is where the copy stopped. */
static long copy_log(char *ubuf, size_t len, uint64_t from, uint64_t *end)
{
	size_t want = len < PRINTK_LOG_SIZE ? len : PRINTK_LOG_SIZE;
	char *k = kmalloc(want);
	uint64_t p = from;
	size_t n;

	if (!k)
		return -ENOMEM;
	n = printk_log_read(k, want, &p);
	if (n && copy_to_user(ubuf, k, n)) {
		kfree(k);
		return -EFAULT;
	}
	kfree(k);
	*end = p;
	return (long)n;
}

static long syslog_read_all(char *ubuf, long len, bool clear)
{
	uint64_t oldest, head, start, end;
	unsigned long fl;
	long n;

	if (!ubuf || len < 0)
		return -EINVAL;
	printk_log_bounds(&oldest, &head);
	fl = spin_lock_irqsave(&syslog_lock);
	start = clear_pos > oldest ? clear_pos : oldest;
	spin_unlock_irqrestore(&syslog_lock, fl);
	/* The newest whole records that fit in len bytes. */
	if (head - start > (uint64_t)len)
		start = head - (uint64_t)len;
	start = record_start(start, oldest, head);
	if (len == 0 || start >= head)
		n = 0;
	else
		n = copy_log(ubuf, (size_t)(head - start), start, &end);
	if (n >= 0 && clear) {
		fl = spin_lock_irqsave(&syslog_lock);
		clear_pos = head;
		spin_unlock_irqrestore(&syslog_lock, fl);
	}
	return n;
}

static long syslog_read(char *ubuf, long len)
{
	uint64_t oldest, head, from, end;
	unsigned long fl;
	long n;
	int err;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	for (;;) {
		printk_log_bounds(&oldest, &head);
		fl = spin_lock_irqsave(&syslog_lock);
		from = read_pos;
		spin_unlock_irqrestore(&syslog_lock, fl);
		if (from < oldest)
			from = record_start(oldest, oldest, head);
		if (from < head)
			break;
		err = sched_sleep_ms_intr(READ_POLL_MS, NULL);
		if (err)
			return err;
	}
	n = copy_log(ubuf, (size_t)len, from, &end);
	if (n > 0) {
		/* Two readers may race; the position only moves forward. */
		fl = spin_lock_irqsave(&syslog_lock);
		if (end > read_pos)
			read_pos = end;
		spin_unlock_irqrestore(&syslog_lock, fl);
	}
	return n;
}

static long sys_syslog(const long a[6])
{
	int type = (int)a[0];
	char *ubuf = (char *)a[1];
	long len = (int)a[2];
	uint64_t oldest, head, from;
	unsigned long fl;

	if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER &&
	    !cred_privileged(&current_process()->cred))
		return -EPERM;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
		return syslog_read(ubuf, len);
	case SYSLOG_ACTION_READ_ALL:
		return syslog_read_all(ubuf, len, false);
	case SYSLOG_ACTION_READ_CLEAR:
		return syslog_read_all(ubuf, len, true);
	case SYSLOG_ACTION_CLEAR:
		printk_log_bounds(&oldest, &head);
		fl = spin_lock_irqsave(&syslog_lock);
		clear_pos = head;
		spin_unlock_irqrestore(&syslog_lock, fl);
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		fl = spin_lock_irqsave(&syslog_lock);
		if (saved_level < 0)
			saved_level = printk_console_level();
		spin_unlock_irqrestore(&syslog_lock, fl);
		printk_set_console_level(LOG_EMERG);
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		fl = spin_lock_irqsave(&syslog_lock);
		if (saved_level >= 0) {
			printk_set_console_level(saved_level);
			saved_level = -1;
		}
		spin_unlock_irqrestore(&syslog_lock, fl);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		/* Linux prints levels below its console_loglevel; printk
		 * prints levels up to and including ours. */
		printk_set_console_level((int)len - 1);
		fl = spin_lock_irqsave(&syslog_lock);
		saved_level = -1; /* as Linux: a later CONSOLE_ON keeps this */
		spin_unlock_irqrestore(&syslog_lock, fl);
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		printk_log_bounds(&oldest, &head);
		fl = spin_lock_irqsave(&syslog_lock);
		from = read_pos > oldest ? read_pos : oldest;
		spin_unlock_irqrestore(&syslog_lock, fl);
		return (long)(head - from);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return PRINTK_LOG_SIZE;
	default:
		return -EINVAL;
	}
}

void sys_syslog_init(void)
{
	syscall_set(SYS_syslog, sys_syslog);
}
