/*
 * The block device interface (drivers/blkdev.c). A disk driver (virtio-blk,
 * the RAM disk) fills a struct blkdev and registers it; partitions found in
 * its MBR become blkdevs of their own (vda1, ...). Filesystems never see a
 * driver: they go through the buffer cache (fs/bcache.h), which submits
 * struct blk_request here.
 *
 * Requests are asynchronous: blk_submit queues the request and returns; the
 * driver calls blk_complete (from its interrupt path) which runs req->done.
 * Drivers read the absolute sector from req->driver_sector: blk_submit has
 * added partition offsets and passes the whole disk as `dev`.
 * blk_rw_sync is the synchronous helper.
 *
 * Ownership: the submitter owns the request and its buffer until ->done runs;
 * the buffer must be physically contiguous (kmalloc memory or whole pages),
 * because drivers hand its physical address to the device.
 *
 * Lock legend: the device list is guarded by blkdev_lock; the driver's queue
 * by the driver's own lock; struct blkdev fields are set before registration
 * and read-only afterwards, except `stats` (atomic counters).
 */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SECTOR_SIZE	512
#define SECTOR_SHIFT	9
#define BLKDEV_NAME_MAX 16

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH, /* sector and count ignored */
};

struct blkdev;

struct blk_request {
	struct blkdev *dev;
	enum blk_op op;
	uint64_t sector; /* in SECTOR_SIZE units, relative to dev */
	uint32_t count;	 /* sectors */
	void *buf;	 /* count * SECTOR_SIZE bytes, physically contiguous */
	int status;	 /* 0 or -EIO, set before done() */
	void (*done)(struct blk_request *req);
	void *priv;		  /* the submitter's */
	struct blk_request *next; /* driver queue link: the driver's */
	uint64_t driver_sector;	  /* absolute sector after partition mapping */
};

struct blkdev_ops {
	/* Start the request; return 0, or -errno if it could not be queued
	 * (then done() is not called). Called with no locks held. */
	int (*submit)(struct blkdev *dev, struct blk_request *req);
	/* Optional: complete finished requests without an interrupt, for
	 * waiting with interrupts off. */
	void (*poll)(struct blkdev *dev);
};

struct blkdev_stats {
	uint64_t reads, writes, flushes;
	uint64_t read_sectors, write_sectors;
	uint64_t errors;
};

struct blkdev {
	char name[BLKDEV_NAME_MAX]; /* "vda", "vda1", "ram0" */
	uint64_t sectors;	    /* capacity */
	bool readonly;
	const struct blkdev_ops *ops; /* NULL for partitions */
	void *priv;		      /* the driver's */
	struct blkdev *parent;	      /* whole disk, for partitions */
	uint64_t start;		      /* first sector within parent */
	int partno;		      /* 0 for a whole disk */
	/* Device number: the driver sets a disk's; partitions get minor + partno. */
	uint32_t major, minor;
	struct blkdev_stats stats;
	struct blkdev *next_dev; /* blkdev_lock */
};

/* Register a whole disk and scan its MBR for partitions. 0 or -errno. */
int blkdev_register(struct blkdev *dev);
struct blkdev *blkdev_find(const char *name);
/* Iterate: pass NULL for the first device. */
struct blkdev *blkdev_next(struct blkdev *prev);

/* Check range and permissions, map partition sectors, and hand the request
 * to the driver. -EINVAL (out of range), -EROFS (write to read-only), or the
 * driver's error; on success done() will run exactly once. */
int blk_submit(struct blk_request *req);
/* Drivers call this when a request finishes; it runs req->done. */
void blk_complete(struct blk_request *req, int status);
/* Submit and wait (interrupts must be enabled). 0 or -errno. */
int blk_rw_sync(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count, void *buf);

#endif
