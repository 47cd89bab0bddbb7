/*
 * tmpfs regular files: data in whole pages from the kernel's page source
 * (heap_pages_alloc, 4 KiB each, so a page of data costs one page), found
 * through a radix tree of page-sized nodes of 512 pointers, as page tables
 * are. A missing page is a hole and reads as zeros, so truncate can make a
 * file as large as TMPFS_MAX_BYTES (256 TiB) without using memory. Data
 * pages count against the mount's size= limit (-ENOSPC); tree nodes do
 * not, as Linux's shmem counts only data pages.
 *
 * Timestamps: write sets mtime/ctime; read sets atime only when it is not
 * newer than mtime or ctime (Linux relatime, without the 24-hour rule).
 */
#include <ksvc.h>
#include "fs/tmpfs_internal.h"

#define RADIX_FAN  (1u << TMPFS_RADIX_SHIFT)
#define RADIX_MASK (RADIX_FAN - 1)

static void *page_zalloc(void)
{
	void *p = heap_pages_alloc(1);

	if (p)
		memset(p, 0, TMPFS_PAGE);
	return p;
}

static void page_free(void *p)
{
	heap_pages_free(p, 1);
}

static uint64_t radix_capacity(unsigned height)
{
	return height ? 1ull << (TMPFS_RADIX_SHIFT * height) : 0;
}

/* The slot of page `index`: NULL when absent and !create, or when a tree
 * node cannot be allocated. The caller keeps index below the maximum. */
static void **radix_slot(struct tmpfs_node *n, uint64_t index, bool create)
{
	void **node;
	unsigned level;

	while (index >= radix_capacity(n->height)) {
		void **top;

		if (!create || n->height == TMPFS_RADIX_HEIGHT)
			return NULL;
		top = page_zalloc();
		if (!top)
			return NULL;
		top[0] = n->radix;
		n->radix = top;
		n->height++;
	}
	node = n->radix;
	for (level = n->height - 1; level > 0; level--) {
		void **slot = &node[(index >> (TMPFS_RADIX_SHIFT * level)) & RADIX_MASK];

		if (!*slot) {
			if (!create)
				return NULL;
			*slot = page_zalloc();
			if (!*slot)
				return NULL;
		}
		node = *slot;
	}
	return &node[index & RADIX_MASK];
}

static uint8_t *page_of(struct tmpfs_node *n, uint64_t index)
{
	void **slot = radix_slot(n, index, false);

	return slot ? *slot : NULL;
}

/* Free every page at index >= first below `node` (level 0 holds pages);
 * true when the node is left empty. */
static bool radix_trim(void **node, unsigned level, uint64_t base, uint64_t first, uint64_t *freed)
{
	uint64_t span = 1ull << (TMPFS_RADIX_SHIFT * level);
	bool empty = true;
	unsigned i;

	for (i = 0; i < RADIX_FAN; i++) {
		uint64_t start = base + i * span;

		if (!node[i])
			continue;
		if (start + span <= first) {
			empty = false;
		} else if (level == 0) {
			page_free(node[i]);
			node[i] = NULL;
			(*freed)++;
		} else if (radix_trim(node[i], level - 1, start, first, freed)) {
			page_free(node[i]);
			node[i] = NULL;
		} else {
			empty = false;
		}
	}
	return empty;
}

static void drop_pages_from(struct inode *ino, uint64_t first)
{
	struct tmpfs_node *n = tmpfs_node(ino);
	struct tmpfs_sb *tsb = tmpfs_sb(ino->sb);
	uint64_t freed = 0;

	if (n->radix && radix_trim(n->radix, n->height - 1, 0, first, &freed)) {
		page_free(n->radix);
		n->radix = NULL;
		n->height = 0;
	}
	/* Lower the tree while everything left hangs off slot 0. */
	while (n->height > 1) {
		void **root = n->radix;
		unsigned i;

		for (i = 1; i < RADIX_FAN && !root[i]; i++)
			;
		if (i < RADIX_FAN)
			break;
		n->radix = root[0];
		n->height--;
		page_free(root);
		if (!n->radix) {
			n->height = 0;
			break;
		}
	}
	n->npages -= freed;
	tsb->used_bytes -= freed * TMPFS_PAGE;
	ino->blocks = n->npages * (TMPFS_PAGE / 512);
}

void tmpfs_free_pages(struct inode *ino)
{
	drop_pages_from(ino, 0);
}

int tmpfs_resize(struct inode *ino, uint64_t size)
{
	struct tmpfs_node *n = tmpfs_node(ino);

	if (size > TMPFS_MAX_BYTES)
		return -EFBIG;
	if (size < ino->size) {
		uint64_t keep = (size + TMPFS_PAGE - 1) >> TMPFS_PAGE_SHIFT;
		uint32_t tail = (uint32_t)(size & (TMPFS_PAGE - 1));

		/* Bytes past the new end in the last page must read as zeros
		 * if the file grows again. */
		if (tail) {
			uint8_t *p = page_of(n, size >> TMPFS_PAGE_SHIFT);

			if (p)
				memset(p + tail, 0, TMPFS_PAGE - tail);
		}
		drop_pages_from(ino, keep);
	}
	ino->size = size;
	return 0;
}

static bool ts_after(struct timespec64 a, struct timespec64 b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static long tmpfs_read(struct file *file, void *buf, size_t len, uint64_t off)
{
	struct inode *ino = file->inode;
	struct tmpfs_node *n = tmpfs_node(ino);
	size_t done = 0;

	if (off >= ino->size)
		return 0;
	if (len > ino->size - off)
		len = (size_t)(ino->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t po = (uint32_t)(pos & (TMPFS_PAGE - 1));
		size_t chunk = MIN((size_t)(TMPFS_PAGE - po), len - done);
		uint8_t *p = page_of(n, pos >> TMPFS_PAGE_SHIFT);

		if (p)
			memcpy((uint8_t *)buf + done, p + po, chunk);
		else
			memset((uint8_t *)buf + done, 0, chunk);
		done += chunk;
	}
	if (!(ino->sb->flags & SB_RDONLY) &&
	    (!ts_after(ino->atime, ino->mtime) || !ts_after(ino->atime, ino->ctime)))
		ino->atime = vfs_now();
	return (long)done;
}

static long tmpfs_write(struct file *file, const void *buf, size_t len, uint64_t off)
{
	struct inode *ino = file->inode;
	struct tmpfs_node *n = tmpfs_node(ino);
	struct tmpfs_sb *tsb = tmpfs_sb(ino->sb);
	size_t done = 0;
	long err = 0;

	if (off >= TMPFS_MAX_BYTES)
		return -EFBIG;
	if (len > TMPFS_MAX_BYTES - off)
		len = (size_t)(TMPFS_MAX_BYTES - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t po = (uint32_t)(pos & (TMPFS_PAGE - 1));
		size_t chunk = MIN((size_t)(TMPFS_PAGE - po), len - done);
		uint8_t *p = page_of(n, pos >> TMPFS_PAGE_SHIFT);

		if (!p) {
			void **slot;

			if (tsb->max_bytes && tsb->used_bytes + TMPFS_PAGE > tsb->max_bytes) {
				err = -ENOSPC;
				break;
			}
			slot = radix_slot(n, pos >> TMPFS_PAGE_SHIFT, true);
			p = slot ? page_zalloc() : NULL;
			if (!p) {
				err = -ENOMEM;
				break;
			}
			*slot = p;
			n->npages++;
			tsb->used_bytes += TMPFS_PAGE;
		}
		memcpy(p + po, (const uint8_t *)buf + done, chunk);
		done += chunk;
	}
	if (done) {
		if (off + done > ino->size)
			ino->size = off + done;
		ino->mtime = ino->ctime = vfs_now();
	}
	ino->blocks = n->npages * (TMPFS_PAGE / 512);
	return done ? (long)done : err;
}

static int tmpfs_fsync(struct file *file)
{
	return 0;
}

const struct file_ops tmpfs_file_ops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.fsync = tmpfs_fsync,
};
