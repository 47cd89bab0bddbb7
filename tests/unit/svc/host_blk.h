/*
 * Host block devices for tests (host_blk.c): the drivers/blkdev.h interface
 * (blk_submit, blk_complete, blk_rw_sync, blkdev_find, blkdev_next,
 * blkdev_register) over an image file or a memory buffer, with fault
 * injection. Requests complete inside blk_submit, as on the kernel's RAM
 * disk. This replaces drivers/blkdev.c in host builds; link one or the other.
 */
#ifndef HOST_BLK_H
#define HOST_BLK_H

#include <ksvc.h>
#include "drivers/blkdev.h"

/* A device over the file at `path` (pread/pwrite), sized to the file. NULL
 * if it cannot be opened. */
struct blkdev *host_blk_open(const char *path, bool readonly);
/* A device over `size` bytes at `mem` (kept by the caller). */
struct blkdev *host_blk_mem(void *mem, size_t size, bool readonly);
/* Unregister and free the device; the file is closed. */
void host_blk_close(struct blkdev *dev);

/* Fault injection: reads or writes (op BLK_READ / BLK_WRITE / BLK_FLUSH)
 * touching sectors [first, first + count) of `dev` fail with -EIO until
 * cleared. Up to HOST_BLK_FAULTS ranges per device. */
#define HOST_BLK_FAULTS 8
int host_blk_fail(struct blkdev *dev, enum blk_op op, uint64_t first, uint64_t count);
void host_blk_fail_clear(struct blkdev *dev);

/* Requests that reached the device (after checks), per operation. */
struct host_blk_counts {
	uint64_t reads, writes, flushes, read_sectors, write_sectors, failed;
};
void host_blk_counts(struct blkdev *dev, struct host_blk_counts *c);

#endif
