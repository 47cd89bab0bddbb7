/*
 * The block layer: the device registry, request checking and partition
 * mapping, completion, and the synchronous wait. A whole disk registered
 * here has its MBR read and each primary partition registered as a child
 * blkdev (vda1 ... or ram0p1 ...).
 *
 * Lock legend: blkdev_lock guards the device list.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/mbr.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/sched/sched.h"

static struct spinlock blkdev_lock = SPINLOCK_INIT("blkdev");
static struct blkdev *devices; /* blkdev_lock */

static struct blkdev *whole_disk(struct blkdev *d)
{
	while (d->parent)
		d = d->parent;
	return d;
}

static void add_device(struct blkdev *dev)
{
	unsigned long fl = spin_lock_irqsave(&blkdev_lock);
	struct blkdev **pp = &devices;

	while (*pp)
		pp = &(*pp)->next_dev;
	dev->next_dev = NULL;
	*pp = dev;
	spin_unlock_irqrestore(&blkdev_lock, fl);
}

struct blkdev *blkdev_find(const char *name)
{
	unsigned long fl = spin_lock_irqsave(&blkdev_lock);
	struct blkdev *d = devices;

	while (d && strcmp(d->name, name) != 0)
		d = d->next_dev;
	spin_unlock_irqrestore(&blkdev_lock, fl);
	return d;
}

struct blkdev *blkdev_next(struct blkdev *prev)
{
	unsigned long fl = spin_lock_irqsave(&blkdev_lock);
	struct blkdev *d = prev ? prev->next_dev : devices;

	spin_unlock_irqrestore(&blkdev_lock, fl);
	return d;
}

static void scan_partitions(struct blkdev *disk)
{
	struct mbr_part parts[MBR_ENTRIES];
	uint8_t *sector = kmalloc(SECTOR_SIZE);
	size_t len = strlen(disk->name);
	bool digit_end = len && disk->name[len - 1] >= '0' && disk->name[len - 1] <= '9';
	unsigned bad;
	int n;

	if (!sector)
		return;
	if (blk_rw_sync(disk, BLK_READ, 0, 1, sector)) {
		pr_warn("blk: %s: cannot read the partition table\n", disk->name);
		goto out;
	}
	n = mbr_parse(sector, disk->sectors, parts, &bad);
	if (n < 0)
		pr_warn("blk: %s: GPT disks are not supported, using the whole disk\n", disk->name);
	if (bad)
		pr_warn("blk: %s: %u bad partition entries ignored\n", disk->name, bad);
	for (int i = 0; i < n; i++) {
		struct blkdev *p = kzalloc(sizeof(*p));
		if (!p)
			break;
		ksnprintf(p->name, sizeof(p->name), "%s%s%d", disk->name, digit_end ? "p" : "",
			  parts[i].partno);
		p->sectors = parts[i].sectors;
		p->readonly = disk->readonly;
		p->parent = disk;
		p->start = parts[i].start;
		p->partno = parts[i].partno;
		p->major = disk->major;
		p->minor = disk->minor + (uint32_t)parts[i].partno;
		add_device(p);
		pr_info("blk: %s: partition type 0x%02x, sectors %llu-%llu (%llu MiB)%s\n", p->name,
			parts[i].type, (unsigned long long)p->start,
			(unsigned long long)(p->start + p->sectors - 1),
			(unsigned long long)(p->sectors >> 11),
			parts[i].bootable ? ", bootable" : "");
	}
out:
	kfree(sector);
}

int blkdev_register(struct blkdev *dev)
{
	if (!dev->ops || !dev->ops->submit || dev->parent)
		return -EINVAL;
	if (blkdev_find(dev->name))
		return -EEXIST;
	add_device(dev);
	pr_info("blk: %s: %llu sectors (%llu MiB)%s\n", dev->name, (unsigned long long)dev->sectors,
		(unsigned long long)(dev->sectors >> 11), dev->readonly ? ", read-only" : "");
	scan_partitions(dev);
	return 0;
}

struct sync_wait {
	volatile bool done;
	struct waitq wq;
};

static void sync_done(struct blk_request *req)
{
	struct sync_wait *w = req->priv;

	w->done = true;
	if (sched_running())
		waitq_wake_all(&w->wq);
}

static bool sync_finished(void *arg)
{
	return ((struct sync_wait *)arg)->done;
}

int blk_rw_sync(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	struct sync_wait w = {false, WAITQ_INIT};
	struct blk_request req = {
		.dev = dev,
		.op = op,
		.sector = sector,
		.count = count,
		.buf = buf,
		.done = sync_done,
		.priv = &w,
	};
	struct blkdev *disk = whole_disk(dev);
	bool irqs = arch_irq_enabled();
	int err = blk_submit(&req);

	if (err)
		return err;
	/* With the scheduler up, sleep on a wait queue so other threads run.
	 * Before it, sleep with sti;hlt, so a completion that lands between
	 * the check and the hlt still wakes us; with interrupts off, poll. */
	if (irqs && sched_running() && !w.done)
		waitq_wait(&w.wq, sync_finished, &w, 0);
	while (!w.done) {
		if (!irqs && disk->ops->poll) {
			disk->ops->poll(disk);
		} else if (irqs) {
			arch_irq_disable();
			if (!w.done)
				arch_halt();
			arch_irq_enable();
		} else {
			arch_cpu_relax();
		}
	}
	return req.status;
}
