/*
 * Host block layer for unit tests and fuzz targets (host_blk.h): the same
 * checks as drivers/blkdev.c (read-only devices, ranges, partition offsets,
 * statistics) in front of a "driver" that serves requests from an image
 * file with pread/pwrite or from a memory buffer, and completes them before
 * blk_submit returns. Fault ranges make chosen sectors fail with -EIO so
 * the callers' error paths can be tested.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host_blk.h"
#include "host_svc.h"

struct host_fault {
	enum blk_op op;
	uint64_t first, count;
};

struct host_blk {
	struct blkdev dev;
	int fd;	      /* -1 for memory devices */
	uint8_t *mem; /* NULL for file devices */
	struct host_fault faults[HOST_BLK_FAULTS];
	unsigned nfaults;
	struct host_blk_counts counts;
};

static struct blkdev *devices;
static unsigned next_index;

static struct host_blk *to_host(struct blkdev *dev)
{
	while (dev->parent)
		dev = dev->parent;
	return container_of(dev, struct host_blk, dev);
}

static bool faulty(struct host_blk *h, const struct blk_request *req)
{
	for (unsigned i = 0; i < h->nfaults; i++) {
		const struct host_fault *f = &h->faults[i];

		if (f->op != req->op)
			continue;
		if (req->op == BLK_FLUSH)
			return true;
		if (req->driver_sector < f->first + f->count &&
		    f->first < req->driver_sector + req->count)
			return true;
	}
	return false;
}

static int host_submit(struct blkdev *dev, struct blk_request *req)
{
	struct host_blk *h = to_host(dev);
	uint64_t off = req->driver_sector * SECTOR_SIZE;
	size_t len = (size_t)req->count * SECTOR_SIZE;
	int status = 0;

	if (faulty(h, req)) {
		h->counts.failed++;
		blk_complete(req, -EIO);
		return 0;
	}
	switch (req->op) {
	case BLK_READ:
		h->counts.reads++;
		h->counts.read_sectors += req->count;
		if (h->mem)
			memcpy(req->buf, h->mem + off, len);
		else if (pread(h->fd, req->buf, len, (off_t)off) != (ssize_t)len)
			status = -EIO;
		break;
	case BLK_WRITE:
		h->counts.writes++;
		h->counts.write_sectors += req->count;
		if (h->mem)
			memcpy(h->mem + off, req->buf, len);
		else if (pwrite(h->fd, req->buf, len, (off_t)off) != (ssize_t)len)
			status = -EIO;
		break;
	case BLK_FLUSH:
		h->counts.flushes++;
		break;
	}
	blk_complete(req, status);
	return 0;
}

static const struct blkdev_ops host_ops = {
	.submit = host_submit,
};

static struct host_blk *host_new(uint64_t bytes, bool readonly)
{
	struct host_blk *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	snprintf(h->dev.name, sizeof(h->dev.name), "hd%u", next_index++);
	h->dev.sectors = bytes / SECTOR_SIZE;
	h->dev.readonly = readonly;
	h->dev.ops = &host_ops;
	h->dev.priv = h;
	h->fd = -1;
	return h;
}

struct blkdev *host_blk_open(const char *path, bool readonly)
{
	struct stat st;
	struct host_blk *h;
	int fd = open(path, readonly ? O_RDONLY : O_RDWR);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(h = host_new((uint64_t)st.st_size, readonly))) {
		close(fd);
		return NULL;
	}
	h->fd = fd;
	blkdev_register(&h->dev);
	return &h->dev;
}

struct blkdev *host_blk_mem(void *mem, size_t size, bool readonly)
{
	struct host_blk *h = host_new(size, readonly);

	if (!h)
		return NULL;
	h->mem = mem;
	blkdev_register(&h->dev);
	return &h->dev;
}

void host_blk_close(struct blkdev *dev)
{
	struct host_blk *h = to_host(dev);
	struct blkdev **pp = &devices;

	while (*pp && *pp != dev)
		pp = &(*pp)->next_dev;
	if (*pp)
		*pp = dev->next_dev;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

int host_blk_fail(struct blkdev *dev, enum blk_op op, uint64_t first, uint64_t count)
{
	struct host_blk *h = to_host(dev);
	struct blkdev *d;

	if (h->nfaults == HOST_BLK_FAULTS)
		return -ENOSPC;
	/* Ranges are given relative to `dev`; faults match driver sectors. */
	for (d = dev; d->parent; d = d->parent)
		first += d->start;
	h->faults[h->nfaults].op = op;
	h->faults[h->nfaults].first = first;
	h->faults[h->nfaults].count = count;
	h->nfaults++;
	return 0;
}

void host_blk_fail_clear(struct blkdev *dev)
{
	to_host(dev)->nfaults = 0;
}

void host_blk_counts(struct blkdev *dev, struct host_blk_counts *c)
{
	*c = to_host(dev)->counts;
}

/* ---- drivers/blkdev.h --------------------------------------------------- */

int blkdev_register(struct blkdev *dev)
{
	struct blkdev **pp = &devices;

	if (blkdev_find(dev->name))
		return -EEXIST;
	while (*pp)
		pp = &(*pp)->next_dev;
	dev->next_dev = NULL;
	*pp = dev;
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	struct blkdev *d = devices;

	while (d && strcmp(d->name, name) != 0)
		d = d->next_dev;
	return d;
}

struct blkdev *blkdev_next(struct blkdev *prev)
{
	return prev ? prev->next_dev : devices;
}

static void sync_done(struct blk_request *req)
{
	*(bool *)req->priv = true;
}

int blk_rw_sync(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	bool done = false;
	struct blk_request req = {
		.dev = dev,
		.op = op,
		.sector = sector,
		.count = count,
		.buf = buf,
		.done = sync_done,
		.priv = &done,
	};
	int err = blk_submit(&req);

	if (err)
		return err;
	if (!done)
		panic("host_blk: request did not complete inside blk_submit");
	return req.status;
}
