/*
 * Host tests for fs/bcache.c over tests/unit/svc/host_blk.c: hits and
 * misses, LRU order of eviction under a small limit, referenced and dirty
 * buffers never evicted, write-back on sync and under memory pressure,
 * failed writes that stay dirty until a later sync succeeds, failed reads
 * that leave nothing cached, and read-ahead (sequential and explicit).
 * Each test runs in its own process (Check's fork mode), so the cache's
 * global state starts empty every time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "host_svc.h"
#include "host_blk.h"
#include "fs/bcache.h"
#include "kernel/lib/err.h"

#define IMG_SECTORS 4096 /* 2 MiB */

static char img_path[64];
static struct blkdev *dev;

/* Every byte of sector s is (s * 7 + offset) & 0xff: recognizable data. */
static uint8_t pattern(uint64_t byte)
{
	return (uint8_t)((byte / SECTOR_SIZE) * 7 + byte % SECTOR_SIZE);
}

static void make_image(bool readonly)
{
	uint8_t *buf = malloc(IMG_SECTORS * SECTOR_SIZE);
	int fd;

	for (uint64_t i = 0; i < IMG_SECTORS * SECTOR_SIZE; i++)
		buf[i] = pattern(i);
	strcpy(img_path, "/tmp/bcache-test-XXXXXX");
	fd = mkstemp(img_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, IMG_SECTORS * SECTOR_SIZE), IMG_SECTORS * SECTOR_SIZE);
	close(fd);
	free(buf);
	dev = host_blk_open(img_path, readonly);
	ck_assert_ptr_nonnull(dev);
}

static void setup(void)
{
	make_image(false);
	bcache_init(1 << 20);
	host_log_clear();
}

static void teardown(void)
{
	unlink(img_path);
	ck_assert_int_eq(host_locks_held(), 0);
}

static bool block_has_pattern(const uint8_t *data, uint64_t block, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++) {
		if (data[i] != pattern(block * size + i))
			return false;
	}
	return true;
}

static void file_read(uint64_t off, void *buf, size_t len)
{
	FILE *f = fopen(img_path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, (long)off, SEEK_SET), 0);
	ck_assert_uint_eq(fread(buf, 1, len, f), len);
	fclose(f);
}

static struct bcache_stats get_stats(void)
{
	struct bcache_stats s;

	bcache_get_stats(&s);
	return s;
}

START_TEST(test_hit_miss)
{
	struct bcache_buf *b = bread(dev, 5, 1024);
	struct bcache_stats s;

	ck_assert(!IS_ERR(b));
	ck_assert(b->flags & B_VALID);
	ck_assert(!(b->flags & B_DIRTY));
	ck_assert_int_eq(b->refcnt, 1);
	ck_assert(block_has_pattern(b->data, 5, 1024));
	brelse(b);
	s = get_stats();
	ck_assert_uint_eq(s.misses, 1);
	ck_assert_uint_eq(s.hits, 0);
	ck_assert_uint_eq(s.bytes_cached, 1024);

	b = bread(dev, 5, 1024);
	ck_assert(!IS_ERR(b));
	ck_assert(block_has_pattern(b->data, 5, 1024));
	/* A second reference to the same buffer. */
	ck_assert_ptr_eq(bread(dev, 5, 1024), b);
	ck_assert_int_eq(b->refcnt, 2);
	brelse(b);
	brelse(b);
	s = get_stats();
	ck_assert_uint_eq(s.misses, 1);
	ck_assert_uint_eq(s.hits, 2);

	/* Same block number, other size: a different buffer. */
	b = bread(dev, 5, 4096);
	ck_assert(!IS_ERR(b));
	ck_assert(block_has_pattern(b->data, 5, 4096));
	brelse(b);
	ck_assert_uint_eq(get_stats().misses, 2);
}
END_TEST

START_TEST(test_bad_args)
{
	ck_assert_ptr_eq(bread(dev, 0, 1000), ERR_PTR(-EINVAL));
	ck_assert_ptr_eq(bread(dev, 0, 256), ERR_PTR(-EINVAL));
	ck_assert_ptr_eq(bget(NULL, 0, 1024), ERR_PTR(-EINVAL));
	/* Past the end of the device: an I/O error, and nothing cached. */
	ck_assert_ptr_eq(bread(dev, IMG_SECTORS / 2, 1024), ERR_PTR(-EIO));
	ck_assert_ptr_eq(bread(dev, UINT64_MAX / 2, 1024), ERR_PTR(-EIO));
	ck_assert_uint_eq(get_stats().bytes_cached, 0);
}
END_TEST

/* Non-sequential reads, so read-ahead stays out of the picture. */
static void read_block(uint64_t block)
{
	struct bcache_buf *b = bread(dev, block, 1024);

	ck_assert(!IS_ERR(b));
	ck_assert(block_has_pattern(b->data, block, 1024));
	brelse(b);
}

START_TEST(test_lru_eviction)
{
	struct bcache_stats s;
	struct host_blk_counts c0, c1;

	bcache_init(8 * 1024);
	for (int i = 0; i < 8; i++)
		read_block(i * 10);
	s = get_stats();
	ck_assert_uint_eq(s.bytes_cached, 8 * 1024);
	ck_assert_uint_eq(s.evictions, 0);
	/* Touch block 0: now block 10 is the oldest. */
	read_block(0);
	read_block(100);
	s = get_stats();
	ck_assert_uint_eq(s.bytes_cached, 8 * 1024);
	ck_assert_uint_eq(s.evictions, 1);

	host_blk_counts(dev, &c0);
	read_block(0); /* still cached */
	read_block(20);
	host_blk_counts(dev, &c1);
	ck_assert_uint_eq(c1.reads, c0.reads);
	read_block(10); /* evicted: read again, evicting block 30 */
	host_blk_counts(dev, &c1);
	ck_assert_uint_eq(c1.reads, c0.reads + 1);
	ck_assert_uint_eq(get_stats().evictions, 2);
	read_block(30);
	host_blk_counts(dev, &c0);
	ck_assert_uint_eq(c0.reads, c1.reads + 1);

	/* Shrinking the limit evicts at once. */
	bcache_init(2 * 1024);
	ck_assert_uint_eq(get_stats().bytes_cached, 2 * 1024);
	ck_assert_uint_eq(get_stats().max_bytes, 2 * 1024);
}
END_TEST

START_TEST(test_referenced_not_evicted)
{
	struct bcache_buf *held[12];

	bcache_init(8 * 1024);
	for (int i = 0; i < 12; i++) {
		held[i] = bread(dev, i * 3, 1024);
		ck_assert(!IS_ERR(held[i]));
	}
	/* Over the limit: nothing could be evicted. */
	ck_assert_uint_eq(get_stats().bytes_cached, 12 * 1024);
	for (int i = 0; i < 12; i++) {
		ck_assert(block_has_pattern(held[i]->data, i * 3, 1024));
		brelse(held[i]);
	}
	/* The next allocation brings it back under. */
	read_block(1000);
	ck_assert_uint_le(get_stats().bytes_cached, 8 * 1024);
}
END_TEST

START_TEST(test_bget_and_sync)
{
	struct bcache_buf *b = bget(dev, 7, 1024);
	uint8_t disk[1024];
	struct host_blk_counts c;

	ck_assert(!IS_ERR(b));
	ck_assert(b->flags & B_VALID);
	for (int i = 0; i < 1024; i++)
		ck_assert_uint_eq(b->data[i], 0); /* bget zeroes a new buffer */
	memset(b->data, 0x5c, 1024);
	bdirty(b);
	ck_assert(b->flags & B_DIRTY);
	brelse(b);
	/* Not written yet: write-back. */
	file_read(7 * 1024, disk, 1024);
	ck_assert_uint_eq(disk[0], pattern(7 * 1024));

	ck_assert_int_eq(bcache_sync(dev), 0);
	file_read(7 * 1024, disk, 1024);
	for (int i = 0; i < 1024; i++)
		ck_assert_uint_eq(disk[i], 0x5c);
	ck_assert_uint_eq(get_stats().writebacks, 1);
	host_blk_counts(dev, &c);
	ck_assert_uint_eq(c.writes, 1);
	ck_assert_uint_ge(c.flushes, 1);

	/* Clean now: the data is served from the cache, no second write. */
	b = bread(dev, 7, 1024);
	ck_assert(!(b->flags & B_DIRTY));
	ck_assert_uint_eq(b->data[100], 0x5c);
	brelse(b);
	ck_assert_int_eq(bcache_sync(NULL), 0);
	host_blk_counts(dev, &c);
	ck_assert_uint_eq(c.writes, 1);

	/* bget of a cached block keeps its data. */
	b = bget(dev, 7, 1024);
	ck_assert_uint_eq(b->data[0], 0x5c);
	brelse(b);
}
END_TEST

START_TEST(test_sync_merges_runs)
{
	struct host_blk_counts c;
	uint8_t disk[1024];

	/* Blocks 20..29 and 40, dirtied out of order: two requests. */
	for (int i = 9; i >= 0; i--) {
		struct bcache_buf *b = bget(dev, 20 + (uint64_t)((i * 3) % 10), 1024);

		memset(b->data, 0x30 + (i * 3) % 10, 1024);
		bdirty(b);
		brelse(b);
	}
	{
		struct bcache_buf *b = bget(dev, 40, 1024);

		memset(b->data, 0x77, 1024);
		bdirty(b);
		/* Held: a referenced buffer is written too. */
		ck_assert_int_eq(bcache_sync(dev), 0);
		ck_assert(!(b->flags & B_DIRTY));
		brelse(b);
	}
	host_blk_counts(dev, &c);
	ck_assert_uint_eq(c.writes, 2);
	ck_assert_uint_eq(c.write_sectors, 11 * 2);
	ck_assert_uint_eq(get_stats().writebacks, 11);
	for (int i = 0; i < 10; i++) {
		file_read((20 + (uint64_t)i) * 1024, disk, 1024);
		ck_assert_uint_eq(disk[0], 0x30 + i);
		ck_assert_uint_eq(disk[1023], 0x30 + i);
	}
	file_read(40 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], 0x77);

	/* A failing sector fails its whole run, which stays dirty. */
	for (int i = 0; i < 5; i++) {
		struct bcache_buf *b = bread(dev, 60 + (uint64_t)i, 1024);

		b->data[0] = 0xee;
		bdirty(b);
		brelse(b);
	}
	ck_assert_int_eq(host_blk_fail(dev, BLK_WRITE, 62 * 2, 1), 0);
	ck_assert_int_eq(bcache_sync(dev), -EIO);
	file_read(60 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], pattern(60 * 1024));
	host_blk_fail_clear(dev);
	ck_assert_int_eq(bcache_sync(dev), 0);
	for (int i = 0; i < 5; i++) {
		file_read((60 + (uint64_t)i) * 1024, disk, 2);
		ck_assert_uint_eq(disk[0], 0xee);
		ck_assert_uint_eq(disk[1], pattern((60 + (uint64_t)i) * 1024 + 1));
	}
}
END_TEST

START_TEST(test_sync_block_and_bwrite)
{
	struct bcache_buf *a = bread(dev, 40, 1024), *b = bread(dev, 50, 1024);
	uint8_t disk[1024];

	a->data[0] = 0xaa;
	b->data[0] = 0xbb;
	bdirty(a);
	bdirty(b);
	ck_assert_int_eq(bwrite(a), 0);
	ck_assert(!(a->flags & B_DIRTY));
	ck_assert_int_eq(bwrite(a), 0); /* clean: nothing to do */
	brelse(a);
	brelse(b);
	file_read(40 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], 0xaa);
	file_read(50 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], pattern(50 * 1024));
	ck_assert_int_eq(bcache_sync_block(dev, 50, 1024), 0);
	file_read(50 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], 0xbb);
	ck_assert_int_eq(bcache_sync_block(dev, 60, 1024), 0); /* not cached */
	ck_assert_uint_eq(get_stats().writebacks, 2);
}
END_TEST

START_TEST(test_dirty_not_evicted_written_back)
{
	uint8_t disk[1024];
	struct bcache_stats s;

	bcache_init(8 * 1024);
	for (int i = 0; i < 20; i++) {
		struct bcache_buf *b = bget(dev, 100 + i * 2, 1024);

		memset(b->data, i + 1, 1024);
		bdirty(b);
		brelse(b);
	}
	/* Over the limit every buffer was dirty: the oldest ones were written
	 * back and evicted, so the cache fits and nothing was lost. */
	s = get_stats();
	ck_assert_uint_le(s.bytes_cached, 8 * 1024);
	ck_assert_uint_ge(s.writebacks, 12);
	ck_assert_uint_ge(s.evictions, 12);
	ck_assert_int_eq(bcache_sync(dev), 0);
	for (int i = 0; i < 20; i++) {
		file_read((100 + i * 2) * 1024, disk, 1024);
		ck_assert_uint_eq(disk[0], i + 1);
		ck_assert_uint_eq(disk[1023], i + 1);
	}
	/* And read back through the cache. */
	for (int i = 0; i < 20; i++) {
		struct bcache_buf *b = bread(dev, 100 + i * 2, 1024);

		ck_assert_uint_eq(b->data[512], i + 1);
		brelse(b);
	}
}
END_TEST

START_TEST(test_write_error_stays_dirty)
{
	struct bcache_buf *b = bread(dev, 9, 1024), *c = bread(dev, 30, 1024);
	uint8_t disk[1024];

	memset(b->data, 0x11, 1024);
	memset(c->data, 0x22, 1024);
	bdirty(b);
	bdirty(c);
	brelse(b);
	brelse(c);
	ck_assert_int_eq(host_blk_fail(dev, BLK_WRITE, 9 * 2, 2), 0);
	ck_assert_int_eq(bcache_sync(dev), -EIO);
	/* The other buffer was still written. */
	file_read(30 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], 0x22);
	file_read(9 * 1024, disk, 1);
	ck_assert_uint_eq(disk[0], pattern(9 * 1024));
	b = bread(dev, 9, 1024);
	ck_assert(b->flags & B_DIRTY);
	ck_assert_int_eq(b->error, -EIO);
	ck_assert_uint_eq(b->data[0], 0x11);
	ck_assert_int_eq(bwrite(b), -EIO);
	ck_assert(b->flags & B_DIRTY);
	brelse(b);
	ck_assert_uint_eq(get_stats().io_errors, 2);
	/* A dirty buffer survives invalidation and memory pressure. */
	bcache_invalidate(dev);
	bcache_init(1024);
	read_block(200);
	read_block(300);

	host_blk_fail_clear(dev);
	ck_assert_int_eq(bcache_sync(dev), 0);
	file_read(9 * 1024, disk, 1024);
	for (int i = 0; i < 1024; i++)
		ck_assert_uint_eq(disk[i], 0x11);
	b = bread(dev, 9, 1024);
	ck_assert(!(b->flags & B_DIRTY));
	ck_assert_int_eq(b->error, 0);
	brelse(b);
}
END_TEST

START_TEST(test_read_error)
{
	struct bcache_buf *b;

	ck_assert_int_eq(host_blk_fail(dev, BLK_READ, 11 * 2 + 1, 1), 0);
	ck_assert_ptr_eq(bread(dev, 11, 1024), ERR_PTR(-EIO));
	ck_assert_uint_eq(get_stats().io_errors, 1);
	ck_assert_uint_eq(get_stats().bytes_cached, 0); /* no invalid buffer kept */
	ck_assert_ptr_eq(bread(dev, 11, 1024), ERR_PTR(-EIO));
	read_block(12);
	host_blk_fail_clear(dev);
	read_block(11);
	/* bget on a failing block does not read at all. */
	ck_assert_int_eq(host_blk_fail(dev, BLK_READ, 0, IMG_SECTORS), 0);
	b = bget(dev, 13, 1024);
	ck_assert(!IS_ERR(b));
	brelse(b);
	read_block(11); /* cached */
}
END_TEST

START_TEST(test_sequential_readahead)
{
	struct host_blk_counts c;
	struct bcache_stats s;

	for (int i = 0; i < 200; i++)
		read_block(500 + i);
	s = get_stats();
	ck_assert_uint_gt(s.readahead, 150);
	ck_assert_uint_gt(s.hits, 150);
	ck_assert_uint_eq(s.hits + s.misses, 200);
	host_blk_counts(dev, &c);
	/* Far fewer requests than blocks. */
	ck_assert_uint_lt(c.reads, 30);
	ck_assert_uint_le(c.read_sectors, 2 * (200 + 32));
}
END_TEST

START_TEST(test_explicit_readahead)
{
	struct host_blk_counts c0, c1;

	read_block(70); /* already cached: split the run around it */
	host_blk_counts(dev, &c0);
	bcache_readahead(dev, 64, 1024, 16);
	host_blk_counts(dev, &c1);
	ck_assert_uint_eq(c1.reads, c0.reads + 2);
	ck_assert_uint_eq(c1.read_sectors, c0.read_sectors + 15 * 2);
	ck_assert_uint_eq(get_stats().readahead, 15);
	for (int i = 64; i < 80; i += 3)
		read_block(i);
	host_blk_counts(dev, &c0);
	ck_assert_uint_eq(c0.reads, c1.reads);

	/* Past the device end: clamped, nothing beyond read. */
	bcache_readahead(dev, IMG_SECTORS / 2 - 4, 1024, 16);
	host_blk_counts(dev, &c1);
	ck_assert_uint_eq(c1.read_sectors, c0.read_sectors + 4 * 2);
	bcache_readahead(dev, IMG_SECTORS, 1024, 16);
}
END_TEST

START_TEST(test_readahead_error)
{
	struct bcache_stats s;

	ck_assert_int_eq(host_blk_fail(dev, BLK_READ, 300 * 2, 2), 0);
	bcache_readahead(dev, 296, 1024, 8);
	s = get_stats();
	ck_assert_uint_eq(s.readahead, 0);
	ck_assert_uint_eq(s.bytes_cached, 0); /* failed buffers are dropped */
	ck_assert_ptr_eq(bread(dev, 300, 1024), ERR_PTR(-EIO));
	host_blk_fail_clear(dev);
	read_block(300);
	read_block(298);
}
END_TEST

START_TEST(test_invalidate)
{
	struct bcache_buf *b = bread(dev, 3, 1024);

	b->data[0] ^= 0xff;
	bdirty(b);
	brelse(b);
	read_block(4);
	read_block(6);
	bcache_invalidate(dev);
	ck_assert_uint_eq(get_stats().bytes_cached, 1024); /* the dirty one */
	ck_assert_int_eq(bcache_sync(dev), 0);
	bcache_invalidate(dev);
	ck_assert_uint_eq(get_stats().bytes_cached, 0);
}
END_TEST

START_TEST(test_page_sized_blocks)
{
	struct bcache_buf *b = bread(dev, 3, 4096);

	ck_assert(block_has_pattern(b->data, 3, 4096));
	memset(b->data + 4000, 0x77, 96);
	bdirty(b);
	brelse(b);
	ck_assert_int_eq(bcache_sync(dev), 0);
	bcache_invalidate(dev);
	b = bread(dev, 3, 4096);
	ck_assert_uint_eq(b->data[4095], 0x77);
	ck_assert_uint_eq(b->data[3999], pattern(3 * 4096 + 3999));
	brelse(b);
	/* 64 KiB, the largest size. */
	b = bread(dev, 1, 65536);
	ck_assert(block_has_pattern(b->data, 1, 65536));
	brelse(b);
}
END_TEST

START_TEST(test_readonly_device)
{
	struct blkdev *ro;
	struct bcache_buf *b;

	ro = host_blk_open(img_path, true);
	ck_assert_ptr_nonnull(ro);
	b = bread(ro, 2, 1024);
	ck_assert(block_has_pattern(b->data, 2, 1024));
	bdirty(b);
	ck_assert_int_eq(bwrite(b), -EIO);
	brelse(b);
	ck_assert_int_eq(bcache_sync(ro), -EIO);
	host_blk_close(ro);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bcache");
	TCase *tc = tcase_create("cache");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hit_miss);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_lru_eviction);
	tcase_add_test(tc, test_referenced_not_evicted);
	tcase_add_test(tc, test_bget_and_sync);
	tcase_add_test(tc, test_sync_merges_runs);
	tcase_add_test(tc, test_sync_block_and_bwrite);
	tcase_add_test(tc, test_dirty_not_evicted_written_back);
	tcase_add_test(tc, test_write_error_stays_dirty);
	tcase_add_test(tc, test_read_error);
	tcase_add_test(tc, test_sequential_readahead);
	tcase_add_test(tc, test_explicit_readahead);
	tcase_add_test(tc, test_readahead_error);
	tcase_add_test(tc, test_invalidate);
	tcase_add_test(tc, test_page_sized_blocks);
	tcase_add_test(tc, test_readonly_device);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
