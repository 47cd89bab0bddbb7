/*
 * Physical memory manager (kernel/mm/pmm.h): a bitmap with one bit per 4 KiB
 * frame, set while the frame is in use. Searches go a 64-bit word at a time
 * with __builtin_ctzll. Bits past nframes in the last word stay set forever,
 * so no search ever returns a frame outside the bitmap.
 *
 * Every public function takes p->lock (IRQ-saving) for its whole duration.
 */
#include <ksvc.h>
#include "kernel/mm/pmm.h"

#define WORD_BITS 64

static uint64_t nwords(const struct pmm *p)
{
	return (p->nframes + WORD_BITS - 1) / WORD_BITS;
}

static bool bit_test(const struct pmm *p, uint64_t f)
{
	return (p->bitmap[f / WORD_BITS] >> (f % WORD_BITS)) & 1;
}

/* SWAR population count: __builtin_popcountll would call libgcc's
 * __popcountdi2 without -mpopcnt, and the kernel links without libgcc. */
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
	uint64_t m = hi == WORD_BITS ? ~0ULL : (1ULL << hi) - 1;

	return m & ~((1ULL << lo) - 1);
}

/* Set (used = true) or clear the bits of frames [first, last); returns how
 * many bits actually changed. */
static uint64_t range_update(struct pmm *p, uint64_t first, uint64_t last, bool used)
{
	uint64_t changed = 0;

	while (first < last) {
		uint64_t w = first / WORD_BITS;
		unsigned lo = first % WORD_BITS;
		unsigned hi = last - w * WORD_BITS >= WORD_BITS ? WORD_BITS
								: (unsigned)(last - w * WORD_BITS);
		uint64_t m = word_mask(lo, hi);
		uint64_t old = p->bitmap[w];

		if (used) {
			changed += popcount64(~old & m);
			p->bitmap[w] = old | m;
		} else {
			changed += popcount64(old & m);
			p->bitmap[w] = old & ~m;
		}
		first = (w + 1) * WORD_BITS;
	}
	return changed;
}

/* First frame in [from, to) whose bit equals `used`, or `to` if none. */
static uint64_t find_bit(const struct pmm *p, uint64_t from, uint64_t to, bool used)
{
	while (from < to) {
		uint64_t w = from / WORD_BITS;
		uint64_t bits = used ? p->bitmap[w] : ~p->bitmap[w];

		bits &= ~0ULL << (from % WORD_BITS);
		if (bits) {
			uint64_t f = w * WORD_BITS + (uint64_t)__builtin_ctzll(bits);

			return f < to ? f : to;
		}
		from = (w + 1) * WORD_BITS;
	}
	return to;
}

size_t pmm_bitmap_bytes(uint64_t max_phys)
{
	uint64_t frames = (max_phys >> PAGE_SHIFT) + ((max_phys & (PAGE_SIZE - 1)) != 0);

	return (size_t)((frames + WORD_BITS - 1) / WORD_BITS * sizeof(uint64_t));
}

void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t max_phys)
{
	uint64_t i;

	spin_init(&p->lock, "pmm");
	p->bitmap = bitmap;
	p->nframes = (max_phys >> PAGE_SHIFT) + ((max_phys & (PAGE_SIZE - 1)) != 0);
	p->usable_frames = 0;
	p->free_frames = 0;
	p->hint = 0;
	p->bad_frees = 0;
	for (i = 0; i < nwords(p); i++)
		bitmap[i] = ~0ULL;
}

void pmm_add_usable(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t first = (start >> PAGE_SHIFT) + ((start & (PAGE_SIZE - 1)) != 0);
	uint64_t last = end >> PAGE_SHIFT;
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t n;

	if (last > p->nframes)
		last = p->nframes;
	if (first < last) {
		/* Overlapping usable regions must not count a frame twice. */
		n = range_update(p, first, last, false);
		p->usable_frames += n;
		p->free_frames += n;
	}
	spin_unlock_irqrestore(&p->lock, flags);
}

void pmm_reserve(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t first = start >> PAGE_SHIFT;
	uint64_t last = (end >> PAGE_SHIFT) + ((end & (PAGE_SIZE - 1)) != 0);
	unsigned long flags = spin_lock_irqsave(&p->lock);

	if (last > p->nframes)
		last = p->nframes;
	if (end > start && first < last)
		p->free_frames -= range_update(p, first, last, true);
	spin_unlock_irqrestore(&p->lock, flags);
}

int pmm_alloc(struct pmm *p, uint64_t *pa)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t n = nwords(p), i, w;
	int ret = -ENOMEM;

	if (p->free_frames == 0)
		goto out;
	if (p->hint >= n)
		p->hint = 0;
	for (i = 0; i < n; i++) {
		w = p->hint + i < n ? p->hint + i : p->hint + i - n;
		if (p->bitmap[w] != ~0ULL) {
			unsigned bit = (unsigned)__builtin_ctzll(~p->bitmap[w]);

			p->bitmap[w] |= 1ULL << bit;
			p->free_frames--;
			p->hint = w;
			*pa = (w * WORD_BITS + bit) << PAGE_SHIFT;
			ret = 0;
			goto out;
		}
	}
	/* free_frames said otherwise: the counters and the bitmap disagree. */
	panic("pmm: %llu frames free but none found", (unsigned long long)p->free_frames);
out:
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

int pmm_alloc_contig(struct pmm *p, size_t n, size_t align, uint64_t limit, uint64_t *pa)
{
	unsigned long flags;
	uint64_t top, f, used;
	int ret = -ENOMEM;

	if (n == 0 || (align & (align - 1)) != 0)
		return -EINVAL;
	if (align == 0)
		align = 1;

	flags = spin_lock_irqsave(&p->lock);
	top = p->nframes;
	if (limit && (limit >> PAGE_SHIFT) < top)
		top = limit >> PAGE_SHIFT; /* the run must end at or below limit */
	if (n > p->free_frames || n > top)
		goto out;
	f = 0;
	while (f <= top - n) {
		/* Skip to the next free frame, then to the alignment. */
		f = find_bit(p, f, top, false);
		f = (f + align - 1) & ~((uint64_t)align - 1);
		if (f >= top || f > top - n)
			break;
		used = find_bit(p, f, f + n, true);
		if (used == f + n) {
			range_update(p, f, f + n, true);
			p->free_frames -= n;
			*pa = f << PAGE_SHIFT;
			ret = 0;
			goto out;
		}
		f = used + 1;
	}
out:
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

/* Free frames [first, first + n) where possible; the caller holds the lock.
 * Returns how many were bad (already free or outside the bitmap). */
static uint64_t free_frames_locked(struct pmm *p, uint64_t first, uint64_t n)
{
	uint64_t f, bad = 0, end = first + n;

	if (end < first || end > p->nframes) {
		/* Frames at or past nframes (or past 2^64) are all bad. */
		uint64_t inside = first < p->nframes ? p->nframes - first : 0;

		bad += n - inside;
		end = first + inside;
	}
	for (f = first; f < end; f++) {
		if (!bit_test(p, f)) {
			bad++;
			continue;
		}
		p->bitmap[f / WORD_BITS] &= ~(1ULL << (f % WORD_BITS));
		p->free_frames++;
	}
	return bad;
}

int pmm_free_contig(struct pmm *p, uint64_t pa, size_t n)
{
	unsigned long flags;
	uint64_t bad;

	if (n == 0)
		return 0;
	flags = spin_lock_irqsave(&p->lock);
	if (pa & (PAGE_SIZE - 1))
		bad = n; /* not a frame address: touch nothing */
	else
		bad = free_frames_locked(p, pa >> PAGE_SHIFT, n);
	p->bad_frees += bad;
	spin_unlock_irqrestore(&p->lock, flags);
	if (bad) {
		pr_err("pmm: bad free of %llu of %zu frames at 0x%llx\n", (unsigned long long)bad,
		       n, (unsigned long long)pa);
		return -EINVAL;
	}
	return 0;
}

int pmm_free(struct pmm *p, uint64_t pa)
{
	return pmm_free_contig(p, pa, 1);
}

bool pmm_is_used(struct pmm *p, uint64_t pa)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t f = pa >> PAGE_SHIFT;
	bool used = f >= p->nframes || bit_test(p, f);

	spin_unlock_irqrestore(&p->lock, flags);
	return used;
}
