/*
 * Physical memory maps as loaders report them (kernel/mm/memmap.c). Pure
 * logic: loaders hand over unsorted, overlapping entries; memmap_normalize
 * turns them into a sorted list of disjoint regions.
 */
#ifndef KERNEL_MM_MEMMAP_H
#define KERNEL_MM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

/* Types use the multiboot / E820 numbering. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

#define MEMMAP_MAX 128

struct mem_region {
	uint64_t start;
	uint64_t end; /* exclusive */
	uint32_t type;
};

/*
 * Sort `in` by address and resolve overlaps: where regions overlap, the more
 * restrictive type wins (BAD > ACPI_NVS > ACPI_RECLAIM > RESERVED > USABLE;
 * unknown type numbers count as RESERVED but keep their number and rank
 * between RESERVED and ACPI_RECLAIM). Adjacent regions of the same type are
 * merged, empty and wrapping regions (end <= start, or start+len overflowing)
 * are dropped. Writes at most `max` regions to `out`, keeping the lowest
 * addresses if there are more, and returns how many were written.
 * `in` and `out` must not overlap. n may be 0.
 */
size_t memmap_normalize(const struct mem_region *in, size_t n, struct mem_region *out, size_t max);

/* "usable", "reserved", "ACPI data", "ACPI NVS", "bad", or "type N" is
 * not possible for a static string: unknown types give "unknown". */
const char *memmap_type_name(uint32_t type);

/* Sum of the lengths of regions of `type`. */
uint64_t memmap_total(const struct mem_region *r, size_t n, uint32_t type);

#endif
