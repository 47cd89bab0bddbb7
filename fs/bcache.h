/*
 * The buffer cache (fs/bcache.c): every filesystem block read or written
 * goes through here (DESIGN.md "Block I/O goes through one buffer cache").
 * Write-back: bdirty marks a buffer, bcache_sync / bcache_sync_block write
 * it. LRU eviction of clean, unreferenced buffers keeps the cache under the
 * size set by bcache_init. Sequential reads trigger read-ahead.
 *
 * A write-back that fails leaves the buffer dirty and returns -EIO to the
 * caller of the sync; a failed read returns ERR_PTR(-EIO) from bread.
 *
 * Waiting: bread and bget may wait for a read-ahead of the same block that
 * is in flight, completed by the device's interrupt; like blk_rw_sync,
 * they must be called with interrupts enabled.
 *
 * Ownership: bread/bget return a referenced buffer; the caller must brelse
 * it exactly once. `data` is valid while the reference is held.
 *
 * Lock legend: the cache's hash, LRU and counters are guarded by one lock
 * inside bcache.c; a buffer's data and flags belong to whoever holds a
 * reference (one CPU, no preemption inside filesystem code yet; issue 4
 * adds per-buffer sleeping locks).
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct blkdev;

#define B_VALID 0x1 /* data holds the block's contents */
#define B_DIRTY 0x2 /* data differs from the disk */

struct bcache_buf {
	struct blkdev *dev;
	uint64_t block; /* in units of `size` */
	uint32_t size;	/* 512..65536, a multiple of the sector size */
	uint8_t *data;
	unsigned flags;
	int refcnt;
	int error; /* last I/O error, 0 if none */
	/* Internal to bcache.c: */
	struct bcache_buf *hash_next;
	struct bcache_buf *lru_prev, *lru_next;
};

struct bcache_stats {
	uint64_t hits, misses, readahead, writebacks, evictions, io_errors;
	uint64_t bytes_cached, max_bytes;
};

/* Size the cache; may be called again to resize. */
void bcache_init(size_t max_bytes);
/* The block's buffer with its data read: referenced, or ERR_PTR(-EIO / -ENOMEM). */
struct bcache_buf *bread(struct blkdev *dev, uint64_t block, uint32_t size);
/* The block's buffer without reading: for callers that overwrite it all.
 * If not already valid, the data is zeroed and marked valid. */
struct bcache_buf *bget(struct blkdev *dev, uint64_t block, uint32_t size);
void bdirty(struct bcache_buf *b);
/* Write one buffer now if dirty. 0 or -EIO (it stays dirty). */
int bwrite(struct bcache_buf *b);
void brelse(struct bcache_buf *b);
/* Start reads of up to `count` blocks from `block` that are not cached. */
void bcache_readahead(struct blkdev *dev, uint64_t block, uint32_t size, unsigned count);
/* Write back every dirty buffer of `dev` (all devices if NULL), then flush
 * the device's write cache. 0 or the first error; failed buffers stay dirty. */
int bcache_sync(struct blkdev *dev);
/* Write back one block if it is cached and dirty (fsync of a file). */
int bcache_sync_block(struct blkdev *dev, uint64_t block, uint32_t size);
/* Flush the device's write cache (after bcache_sync_block calls, for
 * fsync). 0 or -EIO. */
int bcache_flush(struct blkdev *dev);
/* Drop every clean buffer of `dev` (unmount). Dirty ones stay. */
void bcache_invalidate(struct blkdev *dev);
void bcache_get_stats(struct bcache_stats *s);

#endif
