/*
 * libFuzzer target for kernel/mm/memmap.c: memory maps come from the boot
 * loader. The input bytes describe up to 512 regions; the normalized output
 * must be sorted, disjoint, non-empty, merged and within `max`, and at every
 * interesting address it must carry the type a brute-force reading of the
 * input gives (the highest-ranked covering type, or a hole).
 *
 * Input layout: byte 0 = max (0..255), byte 1 = address shift (0..63), then
 * 5 bytes per region: start (u16, scaled by the shift), length (u16, scaled;
 * the end may wrap), type selector.
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/memmap.h"

#define MAX_IN	512
#define MAX_OUT 256

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

static unsigned rank(uint32_t t)
{
	switch (t) {
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

/* The type of address a according to the raw input, or -1 for a hole. */
static int64_t model_type(const struct mem_region *in, size_t n, uint64_t a)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t t = in[i].type;

		if (in[i].end <= in[i].start || a < in[i].start || a >= in[i].end)
			continue;
		if (best < 0 || rank(t) > rank((uint32_t)best) ||
		    (rank(t) == rank((uint32_t)best) && t > (uint32_t)best))
			best = t;
	}
	return best;
}

static int64_t out_type(const struct mem_region *out, size_t n, uint64_t a)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a >= out[i].start && a < out[i].end)
			return out[i].type;
	}
	return -1;
}

static void check_point(const struct mem_region *in, size_t n, const struct mem_region *out,
			size_t nout, uint64_t cutoff, uint64_t a)
{
	if (a < cutoff)
		CHECK(model_type(in, n, a) == out_type(out, nout, a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t types[] = {
		MEM_USABLE, MEM_USABLE, MEM_RESERVED, MEM_ACPI_RECLAIM, MEM_ACPI_NVS, MEM_BAD,
		0,	    6,		17,	      0xffffffff};
	static struct mem_region in[MAX_IN], out[MAX_OUT + 1];
	size_t n = 0, max, nout, i;
	unsigned shift;
	uint64_t cutoff;

	if (size < 2)
		return 0;
	max = data[0];
	shift = data[1] % 64;
	for (i = 2; i + 5 <= size && n < MAX_IN; i += 5, n++) {
		uint64_t s = (uint64_t)(data[i] | data[i + 1] << 8) << shift;
		uint64_t l = (uint64_t)(data[i + 2] | data[i + 3] << 8) << shift;

		in[n].start = s;
		in[n].end = s + l; /* may wrap, as a loader's start + len can */
		in[n].type = types[data[i + 4] % ARRAY_SIZE(types)];
	}

	/* A guard entry past max must never be written. */
	memset(out, 0xee, sizeof(out));
	nout = memmap_normalize(in, n, out, max);
	CHECK(nout <= max);
	CHECK(out[max].start == 0xeeeeeeeeeeeeeeeeULL && out[max].type == 0xeeeeeeee);
	for (i = 0; i < nout; i++) {
		CHECK(out[i].start < out[i].end);
		if (i) {
			CHECK(out[i - 1].end <= out[i].start);
			CHECK(out[i - 1].end != out[i].start || out[i - 1].type != out[i].type);
		}
	}

	/* Compare with the model at every boundary and just below it. When
	 * the output is full, only addresses below its end are promised. */
	cutoff = UINT64_MAX;
	if (nout == max)
		cutoff = nout ? out[nout - 1].end : 0;
	for (i = 0; i < n; i++) {
		check_point(in, n, out, nout, cutoff, in[i].start);
		check_point(in, n, out, nout, cutoff, in[i].end);
		if (in[i].start)
			check_point(in, n, out, nout, cutoff, in[i].start - 1);
		if (in[i].end)
			check_point(in, n, out, nout, cutoff, in[i].end - 1);
	}
	for (i = 0; i < nout; i++) {
		check_point(in, n, out, nout, cutoff, out[i].start);
		check_point(in, n, out, nout, cutoff, out[i].end - 1);
	}
	if (n)
		check_point(in, n, out, nout, cutoff, UINT64_MAX - 1);
	/* The totals of the output never exceed the raw sums. */
	for (i = 0; i < ARRAY_SIZE(types); i++)
		CHECK(memmap_total(out, nout, types[i]) <= memmap_total(in, n, types[i]));
	return 0;
}
