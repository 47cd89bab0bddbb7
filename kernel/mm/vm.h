/*
 * Virtual memory areas (kernel/mm/vm.c): the list of mapped ranges of one
 * user address space, each with its protection and what backs it. This is
 * the pure bookkeeping half of user memory, built for the kernel and for
 * the host tests (tests/unit/test_vm.c, tests/fuzz/fuzz_vm.c): insert,
 * look up, split, merge, unmap a range, protect a range, find a free gap.
 * Page tables and frames are the caller's business (kernel/proc/uvm.c).
 *
 * Model: Linux's vm_area_struct (mm/mmap.c, mm/mprotect.c). Every function
 * either succeeds completely or changes nothing; adjacent compatible areas
 * are always merged, so one layout has exactly one representation.
 *
 * Lock legend: a vm_map belongs to one process and is touched only by that
 * process's thread (no CLONE_VM yet), so it has no lock of its own.
 */
#ifndef KERNEL_MM_VM_H
#define KERNEL_MM_VM_H

#include <ksvc.h>

/* Protection, with Linux's PROT_* values. */
#define VM_PROT_READ  0x1
#define VM_PROT_WRITE 0x2
#define VM_PROT_EXEC  0x4
#define VM_PROT_MASK  0x7

/* Kind of area. An area without VMA_ANON is backed by `file`. */
#define VMA_SHARED    0x01 /* MAP_SHARED: never copy-on-write */
#define VMA_ANON      0x02 /* zero-filled on first touch */
#define VMA_GROWSDOWN 0x04 /* the user stack: a fault just below extends it */
#define VMA_BRK	      0x08 /* the heap that brk(2) moves */

#define VM_MAX_AREAS 65530 /* Linux's default vm.max_map_count */
#define VM_PAGE	     4096ull

struct vm_area {
	uint64_t start, end; /* [start, end), page-aligned, start < end */
	unsigned prot;	     /* VM_PROT_* */
	unsigned flags;	     /* VMA_* */
	void *file;	     /* the backing file (struct file *), referenced; NULL if anon */
	uint64_t off;	     /* file offset of `start` */
	/* File offsets at or beyond file_end read as zeros and never raise
	 * SIGBUS (an ELF segment's bss tail); UINT64_MAX for plain mmap. */
	uint64_t file_end;
	struct vm_area *next; /* in address order */
};

/* How the list takes and drops references on backing files. */
struct vm_file_ops {
	void (*get)(void *file);
	void (*put)(void *file);
};

struct vm_map {
	struct vm_area *head; /* sorted by start, no overlaps, merged */
	size_t count;
	const struct vm_file_ops *fops; /* NULL: files are not referenced */
};

void vm_map_init(struct vm_map *m, const struct vm_file_ops *fops);
/* Free every area, dropping file references. The map is empty afterwards. */
void vm_map_destroy(struct vm_map *m);
/* dst (initialised, empty) becomes a copy of src. 0 or -ENOMEM (dst empty). */
int vm_map_clone(struct vm_map *dst, const struct vm_map *src);

/* The area containing addr, or NULL. */
struct vm_area *vm_find(const struct vm_map *m, uint64_t addr);
/* The first area ending above addr (containing it or after it), or NULL. */
struct vm_area *vm_find_next(const struct vm_map *m, uint64_t addr);
/* The last area starting below addr, or NULL. */
struct vm_area *vm_find_prev(const struct vm_map *m, uint64_t addr);
/* True if no area intersects [start, end). */
bool vm_range_free(const struct vm_map *m, uint64_t start, uint64_t end);
/* True if areas cover every byte of [start, end). */
bool vm_range_covered(const struct vm_map *m, uint64_t start, uint64_t end);

/* Add an area shaped like `a` (its next is ignored; a file reference is
 * taken). 0, -EINVAL (unaligned or empty), -EEXIST (overlaps), -ENOMEM. */
int vm_insert(struct vm_map *m, const struct vm_area *a);
/* Remove [start, end) from every area it touches, splitting as needed.
 * Holes are fine. 0, -EINVAL, -ENOMEM (a split needs a node, or the count
 * limit). */
int vm_unmap(struct vm_map *m, uint64_t start, uint64_t end);
/* Set prot on [start, end), which must be fully covered (else -ENOMEM,
 * as mprotect(2)). 0, -EINVAL, -ENOMEM. */
int vm_protect(struct vm_map *m, uint64_t start, uint64_t end, unsigned prot);
/* Move a VMA_GROWSDOWN area's start down to new_start (page-aligned,
 * below its start, above the previous area). 0 or -EINVAL / -EEXIST. */
int vm_grow_down(struct vm_map *m, struct vm_area *a, uint64_t new_start);
/* The highest page-aligned start s with [s, s+len) free inside [lo, hi),
 * keeping `gap` bytes clear below any VMA_GROWSDOWN area. 0 or -ENOMEM. */
int vm_find_gap(const struct vm_map *m, uint64_t len, uint64_t lo, uint64_t hi, uint64_t gap,
		uint64_t *out);

#endif
