/*
 * The buffer cache (fs/bcache.h): one write-back cache of device blocks for
 * every filesystem. The design follows the classic Unix buffer cache
 * (Bach, "The Design of the UNIX Operating System", chapter 3; xv6 bio.c)
 * with Linux's split of clean LRU and dirty lists.
 *
 * Every buffer is in the hash table, keyed by (dev, block, size). An
 * unreferenced clean buffer sits on the LRU list (oldest at the head) and
 * may be evicted at any time; every dirty buffer, referenced or not, sits on
 * the dirty list in the order it was first dirtied, which is the order of
 * write-back when the cache needs room. A referenced clean buffer is on no
 * list. Buffers that do not hold valid data are freed as soon as their last
 * reference goes, so a failed read never leaves a stale buffer behind.
 *
 * I/O: synchronous reads and writes go through blk_rw_sync with the cache
 * lock dropped (it waits with interrupts enabled). Read-ahead submits one
 * asynchronous request per run of missing blocks into a bounce buffer; its
 * completion, which may run in interrupt context or inside blk_submit itself
 * (the RAM disk, the host shim), copies the data into the buffers and marks
 * them valid. Anyone acquiring a buffer with a read in flight waits for it.
 *
 * Sequential detection: a small table of read streams remembers, per
 * (dev, size), the block expected next; a bread that continues a stream
 * reads ahead a window that grows from RA_MIN to RA_MAX blocks.
 *
 * Lock legend: cache_lock (IRQ-saving) guards the hash table, both lists,
 * every buffer's refcnt, flags and list links, the stream table and the
 * counters. A buffer's data belongs to the holders of its references.
 */
#include <ksvc.h>
#include "fs/bcache.h"
#include "drivers/blkdev.h"
#include "kernel/lib/err.h"
#include "kernel/mm/heap.h"

#define HASH_BITS	  12
#define HASH_SIZE	  (1u << HASH_BITS)
#define DEFAULT_MAX_BYTES (8u << 20)
#define RA_MIN		  8	       /* first read-ahead window, blocks */
#define RA_MAX		  32	       /* largest window */
#define RA_REQ_MAX	  64	       /* most blocks in one read-ahead call */
#define RA_BYTES_MAX	  (256u << 10) /* most bytes in one read-ahead request */
#define RA_STREAMS	  4
#define WRITEBACK_BATCH	  16 /* dirty buffers written when the cache needs room */
#define SHRINK_ROUNDS	  4
#define WRITE_RUN_MAX	  32	       /* most buffers in one write-back request */
#define WRITE_RUN_BYTES	  (128u << 10) /* and most bytes */
#define PAGE_BYTES	  4096u

/* Private state bits (struct bbuf.state), next to the public B_* flags. */
#define BS_INFLIGHT 0x1 /* a read is filling data: wait before touching it */
#define BS_ON_LRU   0x2 /* linked on the clean LRU list */
#define BS_ON_DIRTY 0x4 /* linked on the dirty list */

struct bbuf {
	struct bcache_buf b; /* b.lru_prev/lru_next: the LRU link */
	struct bbuf *dirty_prev, *dirty_next;
	unsigned state;	   /* BS_* */
	uint64_t sync_gen; /* the last bcache_sync pass that tried it */
};

struct ra_stream {
	struct blkdev *dev;
	uint32_t size;
	uint64_t next;	 /* the block a sequential reader asks for next */
	uint64_t ra_end; /* read-ahead has been started below this block */
	unsigned window;
};

/* A read-ahead request in flight: the request, its bounce buffer and the
 * buffers it fills, each holding one reference owned by the request. */
struct ra_req {
	struct blk_request req;
	uint8_t *bounce;
	unsigned n;
	struct bbuf *bufs[RA_REQ_MAX];
};

static struct spinlock cache_lock = SPINLOCK_INIT("bcache");
static struct bbuf *hash[HASH_SIZE];
static struct bcache_buf *lru_head, *lru_tail;
static struct bbuf *dirty_head, *dirty_tail;
static struct ra_stream streams[RA_STREAMS];
static unsigned stream_next;
static uint64_t sync_gen;
static struct bcache_stats stats = {.max_bytes = DEFAULT_MAX_BYTES};

static inline struct bbuf *to_bbuf(struct bcache_buf *b)
{
	return container_of(b, struct bbuf, b);
}

static unsigned hash_of(const struct blkdev *dev, uint64_t block, uint32_t size)
{
	uint64_t h = (uint64_t)(uintptr_t)dev ^ (block * 0x9e3779b97f4a7c15ull) ^ size;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (unsigned)h & (HASH_SIZE - 1);
}

static bool size_ok(uint32_t size)
{
	return size >= SECTOR_SIZE && size <= 65536 && size % SECTOR_SIZE == 0;
}

/* Whether the whole block lies on the device. */
static bool block_ok(const struct blkdev *dev, uint64_t block, uint32_t size)
{
	uint64_t spb = size / SECTOR_SIZE;

	return block < dev->sectors / spb;
}

/* ---- data allocation: physically contiguous, as drivers need ---------- */

static uint8_t *data_alloc(uint32_t size)
{
	/* Whole pages straight from the page source avoid the heap's header
	 * doubling a 4 KiB block into two pages. */
	if (size % PAGE_BYTES == 0)
		return heap_pages_alloc(size / PAGE_BYTES);
	return kmalloc(size);
}

static void data_free(uint8_t *p, uint32_t size)
{
	if (size % PAGE_BYTES == 0)
		heap_pages_free(p, size / PAGE_BYTES);
	else
		kfree(p);
}

/* ---- lists and hash (cache_lock held) ---------------------------------- */

static void lru_unlink(struct bbuf *bb)
{
	struct bcache_buf *b = &bb->b;

	if (!(bb->state & BS_ON_LRU))
		return;
	if (b->lru_prev)
		b->lru_prev->lru_next = b->lru_next;
	else
		lru_head = b->lru_next;
	if (b->lru_next)
		b->lru_next->lru_prev = b->lru_prev;
	else
		lru_tail = b->lru_prev;
	b->lru_prev = b->lru_next = NULL;
	bb->state &= ~BS_ON_LRU;
}

static void lru_append(struct bbuf *bb)
{
	struct bcache_buf *b = &bb->b;

	b->lru_next = NULL;
	b->lru_prev = lru_tail;
	if (lru_tail)
		lru_tail->lru_next = b;
	else
		lru_head = b;
	lru_tail = b;
	bb->state |= BS_ON_LRU;
}

static void dirty_unlink(struct bbuf *bb)
{
	if (!(bb->state & BS_ON_DIRTY))
		return;
	if (bb->dirty_prev)
		bb->dirty_prev->dirty_next = bb->dirty_next;
	else
		dirty_head = bb->dirty_next;
	if (bb->dirty_next)
		bb->dirty_next->dirty_prev = bb->dirty_prev;
	else
		dirty_tail = bb->dirty_prev;
	bb->dirty_prev = bb->dirty_next = NULL;
	bb->state &= ~BS_ON_DIRTY;
}

static void dirty_append(struct bbuf *bb)
{
	bb->dirty_next = NULL;
	bb->dirty_prev = dirty_tail;
	if (dirty_tail)
		dirty_tail->dirty_next = bb;
	else
		dirty_head = bb;
	dirty_tail = bb;
	bb->state |= BS_ON_DIRTY;
}

static struct bbuf *hash_find(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct bbuf *bb = hash[hash_of(dev, block, size)];

	while (bb && !(bb->b.dev == dev && bb->b.block == block && bb->b.size == size))
		bb = (struct bbuf *)bb->b.hash_next;
	return bb;
}

static void hash_insert(struct bbuf *bb)
{
	unsigned h = hash_of(bb->b.dev, bb->b.block, bb->b.size);

	bb->b.hash_next = hash[h] ? &hash[h]->b : NULL;
	hash[h] = bb;
	stats.bytes_cached += bb->b.size;
}

static void hash_remove(struct bbuf *bb)
{
	struct bbuf **pp = &hash[hash_of(bb->b.dev, bb->b.block, bb->b.size)];

	while (*pp && *pp != bb)
		pp = (struct bbuf **)&(*pp)->b.hash_next;
	KASSERT(*pp == bb);
	*pp = (struct bbuf *)bb->b.hash_next;
	bb->b.hash_next = NULL;
	stats.bytes_cached -= bb->b.size;
}

/* Take a reference: the buffer leaves the LRU list (dirty ones stay on the
 * dirty list, which tracks data state, not use). */
static void get_ref(struct bbuf *bb)
{
	lru_unlink(bb);
	bb->b.refcnt++;
}

/* Drop a reference. Returns the buffer when it must be freed (last
 * reference gone and no valid data): the caller frees it unlocked. */
static struct bbuf *put_ref(struct bbuf *bb)
{
	KASSERT(bb->b.refcnt > 0);
	if (--bb->b.refcnt > 0)
		return NULL;
	if (!(bb->b.flags & B_VALID)) {
		KASSERT(!(bb->b.flags & B_DIRTY));
		hash_remove(bb);
		return bb;
	}
	if (!(bb->b.flags & B_DIRTY))
		lru_append(bb);
	return NULL;
}

static void buf_free(struct bbuf *bb)
{
	if (!bb)
		return;
	data_free(bb->b.data, bb->b.size);
	kfree(bb);
}

/* A new buffer, not hashed, data not valid. NULL if memory ran out. */
static struct bbuf *buf_alloc(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct bbuf *bb = kzalloc(sizeof(*bb));

	if (!bb)
		return NULL;
	bb->b.data = data_alloc(size);
	if (!bb->b.data) {
		kfree(bb);
		return NULL;
	}
	bb->b.dev = dev;
	bb->b.block = block;
	bb->b.size = size;
	return bb;
}

/* ---- waiting for reads in flight --------------------------------------- */

/* Sleep until no read is filling the buffer. The caller holds a reference,
 * so the buffer cannot go away. Read-ahead completes from the device's
 * interrupt (or before blk_submit returns). */
static void wait_inflight(struct bbuf *bb)
{
	ksvc_wait_while(&bb->state, BS_INFLIGHT);
}

/* ---- eviction ------------------------------------------------------------ */

/* Free clean unreferenced buffers, oldest first, until the cache fits.
 * Returns them on a private list for the caller to free unlocked. */
static struct bbuf *evict_clean(void)
{
	struct bbuf *freed = NULL;

	while (stats.bytes_cached > stats.max_bytes && lru_head) {
		struct bbuf *bb = to_bbuf(lru_head);

		lru_unlink(bb);
		hash_remove(bb);
		stats.evictions++;
		bb->b.hash_next = freed ? &freed->b : NULL;
		freed = bb;
	}
	return freed;
}

static void free_list(struct bbuf *bb)
{
	while (bb) {
		struct bbuf *next = (struct bbuf *)bb->b.hash_next;

		buf_free(bb);
		bb = next;
	}
}

/*
 * Bring the cache back under max_bytes: evict clean buffers; when only
 * dirty ones are left, write back the oldest few unreferenced ones and
 * evict them. Referenced buffers are never touched, so the cache may stay
 * over its size while callers hold many of them. Called unlocked.
 */
static void shrink(void)
{
	for (int round = 0; round < SHRINK_ROUNDS; round++) {
		struct bbuf *batch[WRITEBACK_BATCH];
		unsigned n = 0;
		unsigned long fl = spin_lock_irqsave(&cache_lock);
		struct bbuf *freed = evict_clean();

		if (stats.bytes_cached > stats.max_bytes) {
			for (struct bbuf *bb = dirty_head; bb && n < WRITEBACK_BATCH;
			     bb = bb->dirty_next) {
				/* Buffers whose last write failed wait for an
				 * explicit sync: a failing disk must not make
				 * every new buffer retry them. */
				if (bb->b.refcnt == 0 && !(bb->state & BS_INFLIGHT) &&
				    !bb->b.error) {
					get_ref(bb);
					batch[n++] = bb;
				}
			}
		}
		spin_unlock_irqrestore(&cache_lock, fl);
		free_list(freed);
		if (n == 0)
			return;
		for (unsigned i = 0; i < n; i++) {
			bwrite(&batch[i]->b);
			brelse(&batch[i]->b);
		}
	}
}

/* ---- lookup -------------------------------------------------------------- */

/*
 * The buffer for (dev, block, size), referenced, with no read in flight:
 * cached, or new and not valid. *was_cached tells which.
 */
static struct bbuf *get_buf(struct blkdev *dev, uint64_t block, uint32_t size, bool *was_cached)
{
	struct bbuf *bb, *spare = NULL;
	unsigned long fl;

	fl = spin_lock_irqsave(&cache_lock);
	bb = hash_find(dev, block, size);
	if (!bb) {
		/* Allocate unlocked, then look again. */
		spin_unlock_irqrestore(&cache_lock, fl);
		spare = buf_alloc(dev, block, size);
		if (!spare)
			return ERR_PTR(-ENOMEM);
		fl = spin_lock_irqsave(&cache_lock);
		bb = hash_find(dev, block, size);
	}
	if (bb) {
		get_ref(bb);
		*was_cached = true;
	} else {
		bb = spare;
		spare = NULL;
		bb->b.refcnt = 1;
		hash_insert(bb);
		*was_cached = false;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	buf_free(spare);
	wait_inflight(bb);
	return bb;
}

/* ---- sequential detection ------------------------------------------------ */

/* Record a bread of `block`; returns how many blocks to read ahead from
 * *ra_from (0 for none). cache_lock held. */
static unsigned stream_note(struct blkdev *dev, uint64_t block, uint32_t size, uint64_t *ra_from)
{
	struct ra_stream *s = NULL;
	uint64_t end;

	for (unsigned i = 0; i < RA_STREAMS; i++) {
		if (streams[i].dev == dev && streams[i].size == size && streams[i].next == block) {
			s = &streams[i];
			break;
		}
	}
	if (!s) {
		/* A new stream replaces the oldest one. */
		s = &streams[stream_next++ % RA_STREAMS];
		s->dev = dev;
		s->size = size;
		s->next = block + 1;
		s->ra_end = block + 1;
		s->window = 0;
		return 0;
	}
	s->next = block + 1;
	s->window = s->window ? MIN(s->window * 2, RA_MAX) : RA_MIN;
	/* Keep at least half a window ahead of the reader. */
	if (s->ra_end < block + 1)
		s->ra_end = block + 1;
	if (s->ra_end > block + 1 + s->window / 2)
		return 0;
	end = block + 1 + s->window;
	*ra_from = s->ra_end;
	s->ra_end = end;
	return (unsigned)(end - *ra_from);
}

/* ---- the interface --------------------------------------------------------- */

void bcache_init(size_t max_bytes)
{
	unsigned long fl = spin_lock_irqsave(&cache_lock);

	stats.max_bytes = max_bytes;
	spin_unlock_irqrestore(&cache_lock, fl);
	shrink();
}

/* Synchronous read into a referenced buffer without valid data. */
static int read_buf(struct bbuf *bb)
{
	struct bcache_buf *b = &bb->b;
	uint32_t spb = b->size / SECTOR_SIZE;
	unsigned long fl;
	int err;

	fl = spin_lock_irqsave(&cache_lock);
	if (b->flags & B_VALID) { /* filled while we waited */
		spin_unlock_irqrestore(&cache_lock, fl);
		return 0;
	}
	bb->state |= BS_INFLIGHT;
	stats.misses++;
	spin_unlock_irqrestore(&cache_lock, fl);

	err = -EIO;
	if (block_ok(b->dev, b->block, b->size))
		err = blk_rw_sync(b->dev, BLK_READ, b->block * spb, spb, b->data);

	fl = spin_lock_irqsave(&cache_lock);
	bb->state &= ~BS_INFLIGHT;
	if (err) {
		b->error = -EIO;
		stats.io_errors++;
	} else {
		b->error = 0;
		b->flags |= B_VALID;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	ksvc_wake_waiters(); /* wait_inflight sleepers */
	return err ? -EIO : 0;
}

struct bcache_buf *bread(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct bbuf *bb;
	bool cached;
	uint64_t ra_from = 0;
	unsigned ra_count;
	unsigned long fl;

	if (!dev || !size_ok(size))
		return ERR_PTR(-EINVAL);
	bb = get_buf(dev, block, size, &cached);
	if (IS_ERR(bb))
		return (struct bcache_buf *)bb;
	fl = spin_lock_irqsave(&cache_lock);
	if (bb->b.flags & B_VALID)
		stats.hits++;
	ra_count = stream_note(dev, block, size, &ra_from);
	spin_unlock_irqrestore(&cache_lock, fl);

	if (!(bb->b.flags & B_VALID) && read_buf(bb)) {
		brelse(&bb->b);
		return ERR_PTR(-EIO);
	}
	if (ra_count)
		bcache_readahead(dev, ra_from, size, ra_count);
	if (!cached)
		shrink();
	return &bb->b;
}

struct bcache_buf *bget(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct bbuf *bb;
	bool cached;
	unsigned long fl;

	if (!dev || !size_ok(size))
		return ERR_PTR(-EINVAL);
	bb = get_buf(dev, block, size, &cached);
	if (IS_ERR(bb))
		return (struct bcache_buf *)bb;
	fl = spin_lock_irqsave(&cache_lock);
	if (!(bb->b.flags & B_VALID)) {
		memset(bb->b.data, 0, size);
		bb->b.flags |= B_VALID;
		bb->b.error = 0;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	if (!cached)
		shrink();
	return &bb->b;
}

void bdirty(struct bcache_buf *b)
{
	struct bbuf *bb = to_bbuf(b);
	unsigned long fl = spin_lock_irqsave(&cache_lock);

	KASSERT(b->refcnt > 0 && (b->flags & B_VALID));
	if (!(b->flags & B_DIRTY)) {
		b->flags |= B_DIRTY;
		dirty_append(bb);
	}
	spin_unlock_irqrestore(&cache_lock, fl);
}

int bwrite(struct bcache_buf *b)
{
	struct bbuf *bb = to_bbuf(b);
	uint32_t spb = b->size / SECTOR_SIZE;
	unsigned long fl;
	int err;

	fl = spin_lock_irqsave(&cache_lock);
	KASSERT(b->refcnt > 0);
	if (!(b->flags & B_DIRTY)) {
		spin_unlock_irqrestore(&cache_lock, fl);
		return 0;
	}
	/* Clean while the write runs: a bdirty meanwhile dirties it again. */
	b->flags &= ~B_DIRTY;
	dirty_unlink(bb);
	spin_unlock_irqrestore(&cache_lock, fl);

	err = -EIO;
	if (block_ok(b->dev, b->block, b->size))
		err = blk_rw_sync(b->dev, BLK_WRITE, b->block * spb, spb, b->data);

	fl = spin_lock_irqsave(&cache_lock);
	if (err) {
		/* Still dirty; it goes to the tail so that a device that keeps
		 * failing does not block write-back of the others. */
		b->error = -EIO;
		stats.io_errors++;
		if (!(b->flags & B_DIRTY)) {
			b->flags |= B_DIRTY;
			dirty_append(bb);
		}
	} else {
		b->error = 0;
		stats.writebacks++;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	return err ? -EIO : 0;
}

void brelse(struct bcache_buf *b)
{
	struct bbuf *dead;
	unsigned long fl;

	if (!b)
		return;
	fl = spin_lock_irqsave(&cache_lock);
	dead = put_ref(to_bbuf(b));
	spin_unlock_irqrestore(&cache_lock, fl);
	buf_free(dead);
}

/* Completion of a read-ahead request; may run in interrupt context. */
static void ra_done(struct blk_request *req)
{
	struct ra_req *ra = req->priv;
	uint32_t size = ra->bufs[0]->b.size;
	struct bbuf *dead[RA_REQ_MAX];
	unsigned ndead = 0;
	unsigned long fl;

	/* The buffers are ours (BS_INFLIGHT keeps everyone else waiting), so
	 * the copy needs no lock. */
	if (req->status == 0) {
		for (unsigned i = 0; i < ra->n; i++)
			memcpy(ra->bufs[i]->b.data, ra->bounce + (size_t)i * size, size);
	}
	fl = spin_lock_irqsave(&cache_lock);
	for (unsigned i = 0; i < ra->n; i++) {
		struct bbuf *bb = ra->bufs[i];

		if (req->status == 0) {
			bb->b.flags |= B_VALID;
			bb->b.error = 0;
			stats.readahead++;
		} else {
			bb->b.error = -EIO;
			stats.io_errors++;
		}
		bb->state &= ~BS_INFLIGHT;
		dead[ndead] = put_ref(bb);
		if (dead[ndead])
			ndead++;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	ksvc_wake_waiters(); /* wait_inflight sleepers */
	for (unsigned i = 0; i < ndead; i++)
		buf_free(dead[i]);
	kfree(ra->bounce);
	kfree(ra);
}

/* Start one read of the run [block, block + n) of missing blocks. Returns
 * how many blocks it covered (at least 1 unless memory ran out: 0). */
static unsigned readahead_run(struct blkdev *dev, uint64_t block, uint32_t size, unsigned n)
{
	struct ra_req *ra = kzalloc(sizeof(*ra));
	uint8_t *bounce = kmalloc((size_t)n * size);
	struct bbuf *spare[RA_REQ_MAX];
	unsigned got = 0, nspare = 0;
	unsigned long fl;
	int err;

	if (!ra || !bounce)
		goto out_nomem;
	for (nspare = 0; nspare < n; nspare++) {
		spare[nspare] = buf_alloc(dev, block + nspare, size);
		if (!spare[nspare])
			break;
	}
	if (nspare == 0)
		goto out_nomem;

	fl = spin_lock_irqsave(&cache_lock);
	for (got = 0; got < nspare; got++) {
		struct bbuf *bb = spare[got];

		if (hash_find(dev, block + got, size))
			break;	  /* appeared meanwhile: the run ends here */
		bb->b.refcnt = 1; /* the request's */
		bb->state = BS_INFLIGHT;
		hash_insert(bb);
		ra->bufs[got] = bb;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	for (unsigned i = got; i < nspare; i++)
		buf_free(spare[i]);
	if (got == 0)
		goto out_free;

	ra->n = got;
	ra->bounce = bounce;
	ra->req.dev = dev;
	ra->req.op = BLK_READ;
	ra->req.sector = block * (size / SECTOR_SIZE);
	ra->req.count = got * (size / SECTOR_SIZE);
	ra->req.buf = bounce;
	ra->req.done = ra_done;
	ra->req.priv = ra;
	err = blk_submit(&ra->req);
	if (err) {
		/* Not queued, so done() will not run: undo it here. */
		ra->req.status = -EIO;
		ra_done(&ra->req);
	}
	return got;

out_free:
	kfree(bounce);
	kfree(ra);
	return 1; /* the block is cached after all: skip it */
out_nomem:
	kfree(bounce);
	kfree(ra);
	return 0;
}

void bcache_readahead(struct blkdev *dev, uint64_t block, uint32_t size, unsigned count)
{
	uint64_t end, dev_blocks;
	unsigned long fl;

	if (!dev || !size_ok(size) || count == 0)
		return;
	dev_blocks = dev->sectors / (size / SECTOR_SIZE);
	if (block >= dev_blocks)
		return;
	count = MIN(count, (unsigned)RA_REQ_MAX);
	/* Read-ahead never takes more than a quarter of the cache. */
	count = (unsigned)MIN((uint64_t)count, stats.max_bytes / 4 / size);
	end = MIN(block + count, dev_blocks);

	while (block < end) {
		unsigned run = 0, done;

		fl = spin_lock_irqsave(&cache_lock);
		while (block < end && hash_find(dev, block, size))
			block++;
		while (block + run < end && run < RA_BYTES_MAX / size &&
		       !hash_find(dev, block + run, size))
			run++;
		spin_unlock_irqrestore(&cache_lock, fl);
		if (run == 0)
			break;
		done = readahead_run(dev, block, size, run);
		if (done == 0)
			break;
		block += done;
	}
	shrink();
}

int bcache_sync_block(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct bbuf *bb;
	unsigned long fl;
	int err;

	fl = spin_lock_irqsave(&cache_lock);
	bb = hash_find(dev, block, size);
	if (!bb || !(bb->b.flags & B_DIRTY)) {
		spin_unlock_irqrestore(&cache_lock, fl);
		return 0;
	}
	get_ref(bb);
	spin_unlock_irqrestore(&cache_lock, fl);
	err = bwrite(&bb->b);
	brelse(&bb->b);
	return err;
}

static int flush_dev(struct blkdev *dev)
{
	int err;

	if (dev->readonly)
		return 0;
	err = blk_rw_sync(dev, BLK_FLUSH, 0, 0, NULL);
	return err == -EIO ? -EIO : 0;
}

int bcache_flush(struct blkdev *dev)
{
	return dev ? flush_dev(dev) : 0;
}

/* Whether bb may join a write-back run of this sync pass (cache_lock). */
static bool run_candidate(struct bbuf *bb, uint64_t gen)
{
	return bb && (bb->b.flags & B_DIRTY) && !(bb->state & BS_INFLIGHT) && bb->sync_gen != gen;
}

/*
 * Collect the run of dirty buffers around bb (whose block neighbours are
 * dirty too) into v, referenced and marked with this pass, in block order.
 * Returns the count. cache_lock held.
 */
static unsigned collect_run(struct bbuf *bb, uint64_t gen, struct bbuf **v)
{
	struct bcache_buf *b = &bb->b;
	unsigned max = MIN((unsigned)WRITE_RUN_MAX, WRITE_RUN_BYTES / b->size), n = 0;
	uint64_t first = b->block;

	while (first > 0 && b->block - first + 1 < max / 2 &&
	       run_candidate(hash_find(b->dev, first - 1, b->size), gen))
		first--;
	for (uint64_t blk = first; n < max; blk++) {
		struct bbuf *nb = blk == b->block ? bb : hash_find(b->dev, blk, b->size);

		if (!run_candidate(nb, gen))
			break;
		nb->sync_gen = gen;
		get_ref(nb);
		v[n++] = nb;
	}
	return n;
}

/* Write a run of referenced, dirty, block-contiguous buffers with one
 * request through a bounce buffer. 0 or -EIO; on failure all stay dirty. */
static int write_run(struct bbuf **v, unsigned n)
{
	uint32_t size = v[0]->b.size, spb = size / SECTOR_SIZE;
	uint8_t *bounce;
	unsigned long fl;
	int err = -EIO;

	if (n == 1 || !(bounce = kmalloc((size_t)n * size))) {
		int ret = 0;

		for (unsigned i = 0; i < n; i++) {
			int e = bwrite(&v[i]->b);

			if (e && !ret)
				ret = e;
		}
		return ret;
	}
	fl = spin_lock_irqsave(&cache_lock);
	for (unsigned i = 0; i < n; i++) {
		v[i]->b.flags &= ~B_DIRTY;
		dirty_unlink(v[i]);
		memcpy(bounce + (size_t)i * size, v[i]->b.data, size);
	}
	spin_unlock_irqrestore(&cache_lock, fl);

	if (block_ok(v[0]->b.dev, v[0]->b.block + n - 1, size))
		err = blk_rw_sync(v[0]->b.dev, BLK_WRITE, v[0]->b.block * spb, n * spb, bounce);

	fl = spin_lock_irqsave(&cache_lock);
	for (unsigned i = 0; i < n; i++) {
		struct bbuf *bb = v[i];

		if (err) {
			bb->b.error = -EIO;
			stats.io_errors++;
			if (!(bb->b.flags & B_DIRTY)) {
				bb->b.flags |= B_DIRTY;
				dirty_append(bb);
			}
		} else {
			bb->b.error = 0;
			stats.writebacks++;
		}
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	kfree(bounce);
	return err ? -EIO : 0;
}

int bcache_sync(struct blkdev *dev)
{
	struct bbuf *run[WRITE_RUN_MAX];
	uint64_t gen;
	int ret = 0, err;
	unsigned long fl;

	fl = spin_lock_irqsave(&cache_lock);
	gen = ++sync_gen;
	spin_unlock_irqrestore(&cache_lock, fl);

	/* Each pass tries every dirty buffer once: failures stay dirty and
	 * are skipped by this pass, so the loop ends. Neighbouring dirty
	 * blocks go out together in one request. */
	for (;;) {
		struct bbuf *bb;
		unsigned n = 0;

		fl = spin_lock_irqsave(&cache_lock);
		for (bb = dirty_head; bb; bb = bb->dirty_next) {
			if (bb->sync_gen != gen && (!dev || bb->b.dev == dev))
				break;
		}
		if (bb)
			n = collect_run(bb, gen, run);
		spin_unlock_irqrestore(&cache_lock, fl);
		if (!bb)
			break;
		err = write_run(run, n);
		if (err && !ret)
			ret = err;
		for (unsigned i = 0; i < n; i++)
			brelse(&run[i]->b);
	}

	if (dev) {
		err = flush_dev(dev);
	} else {
		err = 0;
		for (struct blkdev *d = blkdev_next(NULL); d; d = blkdev_next(d)) {
			int e = flush_dev(d);

			if (e && !err)
				err = e;
		}
	}
	if (err && !ret)
		ret = err;
	return ret;
}

void bcache_invalidate(struct blkdev *dev)
{
	struct bbuf *freed = NULL;
	unsigned long fl = spin_lock_irqsave(&cache_lock);
	struct bcache_buf *b = lru_head;

	while (b) {
		struct bcache_buf *next = b->lru_next;
		struct bbuf *bb = to_bbuf(b);

		if (b->dev == dev) {
			lru_unlink(bb);
			hash_remove(bb);
			bb->b.hash_next = freed ? &freed->b : NULL;
			freed = bb;
		}
		b = next;
	}
	for (unsigned i = 0; i < RA_STREAMS; i++) {
		if (streams[i].dev == dev)
			streams[i].dev = NULL;
	}
	spin_unlock_irqrestore(&cache_lock, fl);
	free_list(freed);
}

void bcache_get_stats(struct bcache_stats *s)
{
	unsigned long fl = spin_lock_irqsave(&cache_lock);

	*s = stats;
	spin_unlock_irqrestore(&cache_lock, fl);
}
