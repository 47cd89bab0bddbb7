/*
 * Block requests: the checks and partition mapping every request gets
 * before its driver sees it, and completion. Pure logic shared by the
 * kernel (drivers/blkdev.c keeps the registry and the waiting) and the
 * host tests' file-backed devices (tests/unit/svc/host_blk.c).
 */
#include <ksvc.h>
#include "drivers/blkdev.h"

int blk_submit(struct blk_request *req)
{
	struct blkdev *dev = req->dev, *disk;
	int err;

	if (req->op == BLK_WRITE && dev->readonly)
		return -EROFS;
	if (req->op != BLK_FLUSH && (req->count == 0 || req->sector >= dev->sectors ||
				     req->count > dev->sectors - req->sector))
		return -EINVAL;
	/* Partition offsets add up on the way to the whole disk. */
	req->driver_sector = req->sector;
	for (disk = dev; disk->parent; disk = disk->parent)
		req->driver_sector += disk->start;
	req->status = 0;
	switch (req->op) {
	case BLK_READ:
		dev->stats.reads++;
		dev->stats.read_sectors += req->count;
		break;
	case BLK_WRITE:
		dev->stats.writes++;
		dev->stats.write_sectors += req->count;
		break;
	case BLK_FLUSH:
		dev->stats.flushes++;
		break;
	}
	err = disk->ops->submit(disk, req);
	if (err)
		dev->stats.errors++;
	return err;
}

void blk_complete(struct blk_request *req, int status)
{
	req->status = status;
	if (status)
		req->dev->stats.errors++;
	req->done(req);
}
