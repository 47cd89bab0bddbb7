/*
 * Physical memory map normalisation (kernel/mm/memmap.h). Loaders report
 * E820-style entries (ACPI 6.4 section 15, "System Address Map Interfaces")
 * unsorted and overlapping; the kernel wants sorted, disjoint regions.
 *
 * The algorithm is a sweep without scratch memory, so it works for any n and
 * never needs more than a few words of stack: from the lowest start address,
 * repeatedly find the next boundary (any start or end above the current
 * position) and give the elementary interval up to it the highest-ranked type
 * of the entries covering it. Each step is O(n) and there are at most 2n
 * boundaries, so the whole is O(n^2); n is at most a few hundred.
 */
#include <ksvc.h>
#include "kernel/mm/memmap.h"

/* Higher rank wins an overlap. Unknown numbers sit between RESERVED and
 * ACPI_RECLAIM (memmap.h). */
static unsigned type_rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return 0;
	case MEM_RESERVED:
		return 1;
	case MEM_ACPI_RECLAIM:
		return 3;
	case MEM_ACPI_NVS:
		return 4;
	case MEM_BAD:
		return 5;
	default:
		return 2;
	}
}

/* True if type a beats type b. Unknown types of equal rank are ordered by
 * number so the result never depends on the order of the input. */
static bool type_beats(uint32_t a, uint32_t b)
{
	unsigned ra = type_rank(a), rb = type_rank(b);

	return ra != rb ? ra > rb : a > b;
}

size_t memmap_normalize(const struct mem_region *in, size_t n, struct mem_region *out, size_t max)
{
	size_t i, nout = 0;
	uint64_t pos = UINT64_MAX;
	bool any = false;

	if (max == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (in[i].end > in[i].start && in[i].start <= pos) {
			pos = in[i].start;
			any = true;
		}
	}
	if (!any)
		return 0;

	for (;;) {
		uint64_t next = UINT64_MAX;
		bool covered = false, has_next = false;
		uint32_t type = 0;

		for (i = 0; i < n; i++) {
			const struct mem_region *r = &in[i];

			if (r->end <= r->start) /* empty, or start+len wrapped */
				continue;
			if (r->start <= pos && pos < r->end) {
				if (!covered || type_beats(r->type, type))
					type = r->type;
				covered = true;
			}
			if (r->start > pos && r->start <= next) {
				next = r->start;
				has_next = true;
			}
			if (r->end > pos && r->end <= next) {
				next = r->end;
				has_next = true;
			}
		}
		if (!has_next)
			break; /* pos is past every region */
		if (covered) {
			if (nout && out[nout - 1].end == pos && out[nout - 1].type == type) {
				out[nout - 1].end = next;
			} else {
				if (nout == max)
					break; /* keep the lowest addresses */
				out[nout].start = pos;
				out[nout].end = next;
				out[nout].type = type;
				nout++;
			}
		}
		pos = next;
	}
	return nout;
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_RECLAIM:
		return "ACPI data";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

uint64_t memmap_total(const struct mem_region *r, size_t n, uint32_t type)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t len;

		if (r[i].type != type || r[i].end <= r[i].start)
			continue;
		len = r[i].end - r[i].start;
		/* Only possible for overlapping input: saturate, never wrap. */
		sum = len > UINT64_MAX - sum ? UINT64_MAX : sum + len;
	}
	return sum;
}
