/*
 * Block layer self-tests, on a scratch disk the test harness attaches: a
 * virtio disk whose first sector starts with "BLKTEST!". 128 writes are put
 * in flight at once (more than the queue holds, so some wait in the
 * driver's FIFO), flushed, read back the same way and compared; writes
 * to a read-only disk give -EROFS and requests past the end -EINVAL. The
 * harness checks the scratch file's contents on the host afterwards.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/selftest/selftest.h"

#define INFLIGHT    128 /* more than the 85 slots of a 256-entry queue */
#define REQ_SECTORS 8
#define FIRST	    8 /* leave the marker sector alone */
#define MAGIC	    "BLKTEST!"

struct waiter {
	volatile int left;
	volatile int errors;
};

static void one_done(struct blk_request *req)
{
	struct waiter *w = req->priv;

	if (req->status)
		w->errors++;
	w->left--;
}

static struct blkdev *find_scratch(bool want_readonly)
{
	uint8_t *sec = kmalloc(SECTOR_SIZE);
	struct blkdev *found = NULL;

	for (struct blkdev *d = blkdev_next(NULL); d && sec && !found; d = blkdev_next(d)) {
		if (d->parent || d->readonly != want_readonly)
			continue;
		if (blk_rw_sync(d, BLK_READ, 0, 1, sec) == 0 && memcmp(sec, MAGIC, 8) == 0)
			found = d;
	}
	kfree(sec);
	return found;
}

static uint8_t pattern(int req, size_t i)
{
	return (uint8_t)(req * 31 + i * 7 + (i >> 9));
}

/* Put INFLIGHT requests in flight at once and wait for them all. */
static int run_batch(struct blkdev *d, enum blk_op op, struct blk_request *reqs, uint8_t **bufs)
{
	struct waiter w = {INFLIGHT, 0};

	for (int i = 0; i < INFLIGHT; i++) {
		reqs[i] = (struct blk_request){
			.dev = d,
			.op = op,
			.sector = FIRST + (uint64_t)i * REQ_SECTORS,
			.count = REQ_SECTORS,
			.buf = bufs[i],
			.done = one_done,
			.priv = &w,
		};
		if (blk_submit(&reqs[i])) {
			w.errors++;
			w.left--;
		}
	}
	while (w.left > 0) {
		arch_irq_disable();
		if (w.left > 0)
			arch_halt();
		arch_irq_enable();
	}
	return w.errors;
}

EXPLICIT_SELFTEST(blk, many_requests_in_flight)
{
	struct blkdev *d = find_scratch(false);
	struct blk_request *reqs = kzalloc(INFLIGHT * sizeof(*reqs));
	uint8_t *bufs[INFLIGHT] = {0};
	size_t len = REQ_SECTORS * SECTOR_SIZE;
	int bad = 0, err;

	ST_CHECK(d, "no writable scratch disk marked " MAGIC);
	ST_CHECK(reqs, "no memory");
	for (int i = 0; i < INFLIGHT; i++) {
		bufs[i] = kmalloc(len);
		ST_CHECK(bufs[i], "no memory");
		for (size_t j = 0; j < len; j++)
			bufs[i][j] = pattern(i, j);
	}
	err = run_batch(d, BLK_WRITE, reqs, bufs);
	ST_CHECK(err == 0, "%d writes failed", err);
	ST_CHECK(blk_rw_sync(d, BLK_FLUSH, 0, 0, NULL) == 0, "flush failed");
	for (int i = 0; i < INFLIGHT; i++)
		memset(bufs[i], 0, len);
	err = run_batch(d, BLK_READ, reqs, bufs);
	ST_CHECK(err == 0, "%d reads failed", err);
	for (int i = 0; i < INFLIGHT; i++) {
		for (size_t j = 0; j < len; j++)
			bad += bufs[i][j] != pattern(i, j);
		kfree(bufs[i]);
	}
	kfree(reqs);
	ST_CHECK(bad == 0, "%d bytes differ after the read-back", bad);
	return 0;
}

EXPLICIT_SELFTEST(blk, bad_requests_refused)
{
	struct blkdev *d = find_scratch(false);
	struct blkdev *ro = find_scratch(true);
	uint8_t *buf = kzalloc(SECTOR_SIZE);

	ST_CHECK(d && ro, "scratch disks missing (one writable, one read-only)");
	ST_CHECK(blk_rw_sync(d, BLK_READ, d->sectors, 1, buf) == -EINVAL, "read past the end");
	ST_CHECK(blk_rw_sync(d, BLK_READ, d->sectors - 1, 2, buf) == -EINVAL,
		 "read across the end");
	ST_CHECK(blk_rw_sync(d, BLK_READ, 0, 0, buf) == -EINVAL, "zero-length read");
	ST_CHECK(blk_rw_sync(ro, BLK_WRITE, 1, 1, buf) == -EROFS, "write to a read-only disk");
	ST_CHECK(blk_rw_sync(ro, BLK_READ, 1, 1, buf) == 0, "read of a read-only disk failed");
	kfree(buf);
	return 0;
}
