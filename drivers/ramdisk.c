/*
 * RAM disk: serves a memory range as a block device. Requests complete
 * inside submit, so it needs no interrupt and no poll.
 *
 * Lock legend: each disk's data is guarded by its own lock (requests are
 * memcpy's and never sleep).
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/ramdisk.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"

struct ramdisk {
	struct blkdev dev;
	uint8_t *base;
	struct spinlock lock;
};

static int ramdisk_submit(struct blkdev *dev, struct blk_request *req)
{
	struct ramdisk *rd = dev->priv;
	uint64_t off = req->driver_sector * SECTOR_SIZE;
	size_t len = (size_t)req->count * SECTOR_SIZE;
	unsigned long fl = spin_lock_irqsave(&rd->lock);

	if (req->op == BLK_READ)
		memcpy(req->buf, rd->base + off, len);
	else if (req->op == BLK_WRITE)
		memcpy(rd->base + off, req->buf, len);
	spin_unlock_irqrestore(&rd->lock, fl);
	blk_complete(req, 0);
	return 0;
}

static const struct blkdev_ops ramdisk_ops = {
	.submit = ramdisk_submit,
};

struct blkdev *ramdisk_create(void *base, uint64_t size, bool readonly)
{
	static int next_index;
	struct ramdisk *rd;

	if (size < SECTOR_SIZE)
		return NULL;
	rd = kzalloc(sizeof(*rd));
	if (!rd)
		return NULL;
	rd->base = base;
	spin_init(&rd->lock, "ramdisk");
	int rd_index = next_index++;

	ksnprintf(rd->dev.name, sizeof(rd->dev.name), "ram%d", rd_index);
	rd->dev.sectors = size / SECTOR_SIZE;
	rd->dev.readonly = readonly;
	rd->dev.major = 1; /* Linux's RAM disk major */
	rd->dev.minor = (uint32_t)rd_index * 16;
	rd->dev.ops = &ramdisk_ops;
	rd->dev.priv = rd;
	if (blkdev_register(&rd->dev)) {
		kfree(rd);
		return NULL;
	}
	return &rd->dev;
}
