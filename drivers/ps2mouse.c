/*
 * The PS/2 mouse on the i8042's aux port (port 2, IRQ 12). Set-up follows
 * the OSDev "PS/2 Mouse" notes and the IBM PS/2 mouse reference: enable
 * the port and its interrupt in the controller, then send the mouse Set
 * Defaults (0xf6), Set Sample Rate 100 (0xf3 0x64) and Enable Data
 * Reporting (0xf4), each acknowledged with 0xfa. Packets are parsed by
 * drivers/ps2mouse_proto.c in the interrupt.
 *
 * /dev/input/mice (char 13,63, as on Linux) gives every open file its own
 * queue of 3-byte mousedev PS/2 packets, so each reader sees every event
 * from its open on. Unlike Linux's mousedev, which merges motion into one
 * pending state, events are queued as they come; a reader that falls
 * MICE_QUEUE bytes behind loses the newest packets (counted as dropped).
 * Writes (mousedev's IntelliMouse/Explorer handshake) are refused with
 * EINVAL: only the plain PS/2 protocol is offered.
 *
 * Lock legend: mouse.lock (IRQ-saving) guards the reader list, every
 * reader's queue and the stats; the parser belongs to the interrupt
 * (run under i8042_lock).
 */
#include <ksvc.h>
#include "drivers/i8042.h"
#include "drivers/i8042_regs.h"
#include "drivers/ps2mouse.h"
#include "drivers/ps2mouse_proto.h"
#include "fs/devfs.h"
#include "fs/poll.h"
#include "fs/procfs.h"
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/ringbuf.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/sched.h"

#define MICE_MAJOR  13
#define MICE_MINOR  63
#define MICE_QUEUE  (PS2MOUSE_PACKET * 128)
#define SAMPLE_RATE 100
#define FIONREAD    0x541b

struct mice_reader {
	struct ps2mouse *dev;
	struct ringbuf q; /* dev->lock */
	uint8_t qbuf[MICE_QUEUE];
	struct waitq wq;	  /* readers and pollers of this file */
	struct mice_reader *next; /* dev->lock */
};

struct ps2mouse {
	struct spinlock lock;
	struct ps2mouse_parser parser; /* the interrupt's */
	struct mice_reader *readers;   /* lock */
	unsigned nreaders;	       /* lock */
	uint64_t dropped;	       /* lock */
};

static struct ps2mouse the_mouse = {.lock = SPINLOCK_INIT("ps2mouse")};

/* Interrupt context, under i8042_lock. */
static void mouse_byte(void *ctx, uint8_t b)
{
	struct ps2mouse *m = ctx;
	struct ps2mouse_event ev;
	uint8_t pkt[PS2MOUSE_MAX_SPLIT * PS2MOUSE_PACKET];
	unsigned long fl;
	size_t n;

	if (!ps2mouse_feed(&m->parser, b, arch_time_ns() / 1000000, &ev))
		return;
	n = ps2mouse_encode(&ev, pkt);
	fl = spin_lock_irqsave(&m->lock);
	for (struct mice_reader *r = m->readers; r; r = r->next) {
		if (ringbuf_room(&r->q) < n) {
			m->dropped++;
			continue;
		}
		ringbuf_put(&r->q, pkt, n);
		waitq_wake_all(&r->wq);
	}
	spin_unlock_irqrestore(&m->lock, fl);
}

static int mice_open(struct inode *ino, struct file *f)
{
	struct ps2mouse *m = f->priv;
	struct mice_reader *r = kzalloc(sizeof(*r));
	unsigned long fl;

	if (!r)
		return -ENOMEM;
	r->dev = m;
	ringbuf_init(&r->q, r->qbuf, sizeof(r->qbuf));
	waitq_init(&r->wq);
	fl = spin_lock_irqsave(&m->lock);
	r->next = m->readers;
	m->readers = r;
	m->nreaders++;
	spin_unlock_irqrestore(&m->lock, fl);
	f->priv = r;
	return 0;
}

static void mice_release(struct file *f)
{
	struct mice_reader *r = f->priv, **pp;
	struct ps2mouse *m = r->dev;
	unsigned long fl = spin_lock_irqsave(&m->lock);

	for (pp = &m->readers; *pp && *pp != r; pp = &(*pp)->next)
		;
	if (*pp) {
		*pp = r->next;
		m->nreaders--;
	}
	spin_unlock_irqrestore(&m->lock, fl);
	kfree(r);
}

static bool mice_ready(void *arg)
{
	struct mice_reader *r = arg;

	return ringbuf_used(&r->q) > 0; /* read with interrupts off */
}

static long mice_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct mice_reader *r = f->priv;
	struct ps2mouse *m = r->dev;

	for (;;) {
		unsigned long fl = spin_lock_irqsave(&m->lock);
		size_t n = ringbuf_get(&r->q, buf, len);
		int err;

		spin_unlock_irqrestore(&m->lock, fl);
		if (n || !len)
			return (long)n;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait_intr(&r->wq, mice_ready, r, 0);
		if (err)
			return err;
	}
}

static long mice_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
	return -EINVAL;
}

static unsigned mice_poll(struct file *f, struct poll_table *pt)
{
	struct mice_reader *r = f->priv;
	unsigned long fl;
	unsigned mask = 0;

	poll_wait(pt, &r->wq);
	fl = spin_lock_irqsave(&r->dev->lock);
	if (ringbuf_used(&r->q))
		mask |= POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&r->dev->lock, fl);
	return mask;
}

static int mice_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct mice_reader *r = f->priv;
	unsigned long fl;
	int v;

	if (cmd != FIONREAD)
		return -ENOTTY;
	fl = spin_lock_irqsave(&r->dev->lock);
	v = (int)ringbuf_used(&r->q);
	spin_unlock_irqrestore(&r->dev->lock, fl);
	return copy_to_user((void *)arg, &v, sizeof(v));
}

static const struct file_ops mice_fops = {
	.open = mice_open,
	.release = mice_release,
	.read = mice_read,
	.write = mice_write,
	.poll = mice_poll,
	.ioctl = mice_ioctl,
};

/* /proc/driver/ps2mouse: the counters, one "name value" per line. */
static int show_stats(char *buf, size_t size, void *arg)
{
	typedef unsigned long long ull;
	struct ps2mouse_stats s;
	struct i8042_stats is;

	ps2mouse_get_stats(&s);
	i8042_get_stats(&is);
	return ksnprintf(buf, size,
			 "packets %llu\nresyncs %llu\ntimeouts %llu\noverflows %llu\n"
			 "dropped %llu\nreaders %u\ni8042_irqs %llu\nkbd_bytes %llu\n"
			 "aux_bytes %llu\nunclaimed %llu\n",
			 (ull)s.packets, (ull)s.resyncs, (ull)s.timeouts, (ull)s.overflows,
			 (ull)s.dropped, s.readers, (ull)is.irqs, (ull)is.bytes[I8042_PORT_KBD],
			 (ull)is.bytes[I8042_PORT_AUX], (ull)is.unclaimed);
}

/* With interrupts off, so the ACKs are polled rather than taken by IRQ 1. */
static int mouse_setup(void)
{
	static const uint8_t cmds[] = {PS2_MOUSE_SET_DEFAULTS, PS2_MOUSE_SET_SAMPLE_RATE,
				       SAMPLE_RATE, PS2_MOUSE_ENABLE_REPORT};
	unsigned long fl = arch_irq_save();
	int err;

	i8042_command(I8042_CMD_ENABLE_PORT2);
	err = i8042_update_config(I8042_CFG_IRQ12, I8042_CFG_PORT2_CLOCK);
	for (size_t i = 0; !err && i < ARRAY_SIZE(cmds); i++)
		err = i8042_aux_command(cmds[i]);
	arch_irq_restore(fl);
	return err;
}

int ps2mouse_init(void)
{
	struct ps2mouse *m = &the_mouse;
	int err = i8042_probe();

	if (err)
		return err;
	ps2mouse_parser_init(&m->parser);
	/* The consumer first: the first packet may follow the last ACK at once. */
	err = i8042_attach(I8042_PORT_AUX, mouse_byte, m);
	if (err)
		return err;
	err = mouse_setup();
	if (err) {
		pr_warn("ps2mouse: no mouse on the aux port (%d)\n", err);
		return -ENODEV;
	}
	err = devfs_register_dir("input", 0755);
	if (!err || err == -EEXIST)
		err = devfs_register_chr("input/mice", MICE_MAJOR, MICE_MINOR, 0660, &mice_fops, m);
	if (err) {
		pr_err("ps2mouse: cannot register /dev/input/mice (%d)\n", err);
		return err;
	}
	procfs_register("driver/ps2mouse", show_stats, m);
	pr_info("ps2mouse: PS/2 mouse on IRQ %d, %d samples/s, /dev/input/mice\n", I8042_AUX_IRQ,
		SAMPLE_RATE);
	return 0;
}

void ps2mouse_get_stats(struct ps2mouse_stats *s)
{
	struct ps2mouse *m = &the_mouse;
	unsigned long fl = spin_lock_irqsave(&m->lock);

	s->packets = m->parser.packets;
	s->resyncs = m->parser.resyncs;
	s->timeouts = m->parser.timeouts;
	s->overflows = m->parser.overflows;
	s->dropped = m->dropped;
	s->readers = m->nreaders;
	spin_unlock_irqrestore(&m->lock, fl);
}
