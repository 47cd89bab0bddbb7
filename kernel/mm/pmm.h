/*
 * Physical memory manager (kernel/mm/pmm.c): one bit per 4 KiB frame, set
 * when the frame is in use. Pure logic over a caller-provided bitmap, so the
 * host tests drive it with made-up memory maps; kernel/mm/mem.c owns the
 * kernel's instance.
 *
 * Lock legend: every field of struct pmm is guarded by `lock`.
 */
#ifndef KERNEL_MM_PMM_H
#define KERNEL_MM_PMM_H

#include <ksvc.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

struct pmm {
	struct spinlock lock;
	uint64_t *bitmap;	/* bit set = frame in use; covers nframes */
	uint64_t nframes;	/* frames from physical 0 to the end of the bitmap */
	uint64_t usable_frames; /* frames inside usable RAM, minus none: see below */
	uint64_t free_frames;	/* frames that can be handed out now */
	uint64_t hint;		/* bitmap word where the single-frame search starts */
	uint64_t bad_frees;	/* pmm_free of a free or out-of-range frame */
};

/* Bytes of bitmap needed to cover [0, max_phys), rounded up to whole words. */
size_t pmm_bitmap_bytes(uint64_t max_phys);

/* Start with every frame marked used. `bitmap` holds pmm_bitmap_bytes(max_phys). */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t max_phys);

/*
 * Mark the whole frames inside [start, end) free and count them as usable.
 * Partial frames at either edge are left used. Ranges past the bitmap are
 * clipped. Call for each usable region before any pmm_reserve.
 */
void pmm_add_usable(struct pmm *p, uint64_t start, uint64_t end);

/* Mark every frame touching [start, end) used (rounded outwards). Reserving
 * an already used frame is harmless. usable_frames is unchanged; free drops. */
void pmm_reserve(struct pmm *p, uint64_t start, uint64_t end);

/* One frame. 0 and its address, or -ENOMEM. O(1) amortised via `hint`. */
int pmm_alloc(struct pmm *p, uint64_t *pa);

/*
 * `n` contiguous frames whose first frame is aligned to `align` frames
 * (a power of two, 0 or 1 meaning none), ending at or below `limit` (a
 * physical address; 0 means no limit). 0 or -ENOMEM / -EINVAL.
 */
int pmm_alloc_contig(struct pmm *p, size_t n, size_t align, uint64_t limit, uint64_t *pa);

/* Free one frame, or `n` frames from `pa`. A frame that is already free or
 * outside the bitmap is reported with pr_err, counted in bad_frees, and
 * -EINVAL is returned; nothing is changed for that frame. */
int pmm_free(struct pmm *p, uint64_t pa);
int pmm_free_contig(struct pmm *p, uint64_t pa, size_t n);

/* True if the frame holding `pa` is marked used. */
bool pmm_is_used(struct pmm *p, uint64_t pa);

#endif
