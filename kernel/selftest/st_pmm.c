/*
 * Physical memory manager self-tests: frames are distinct, aligned, usable
 * and outside reserved memory; contiguous runs honour alignment; freeing
 * everything restores the free count exactly (no leak); double frees are
 * refused and counted.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/selftest/selftest.h"

#define NFRAMES 1024

extern char __kernel_start[], __kernel_end[];

SELFTEST(pmm, alloc_free_no_leak)
{
	uint64_t before = kernel_pmm.free_frames;
	uint64_t *frames = kmalloc(NFRAMES * sizeof(*frames));
	uint64_t kstart = virt_to_phys(__kernel_start), kend = virt_to_phys(__kernel_end);
	int n = 0, bad = 0;

	ST_CHECK(frames, "kmalloc of the frame list failed");
	for (; n < NFRAMES; n++) {
		if (pmm_alloc(&kernel_pmm, &frames[n]))
			break;
		uint64_t pa = frames[n];
		if (!IS_ALIGNED(pa, PAGE_SIZE) || pa < MiB(1) || (pa < kend && pa >= kstart))
			bad++;
		/* Stamp the frame with its own address to catch double hand-outs. */
		*(volatile uint64_t *)phys_to_virt(pa) = pa;
	}
	for (int i = 0; i < n; i++)
		if (*(volatile uint64_t *)phys_to_virt(frames[i]) != frames[i])
			bad++;
	for (int i = 0; i < n; i++)
		pmm_free(&kernel_pmm, frames[i]);
	kfree(frames);
	ST_CHECK(n == NFRAMES, "only %d of %d frames allocated", n, NFRAMES);
	ST_CHECK(bad == 0, "%d frames misaligned, reserved or handed out twice", bad);
	ST_CHECK(kernel_pmm.free_frames == before, "free count %llu, was %llu: leak",
		 (unsigned long long)kernel_pmm.free_frames, (unsigned long long)before);
	return 0;
}

SELFTEST(pmm, contiguous_aligned)
{
	uint64_t before = kernel_pmm.free_frames, pa;

	ST_CHECK(pmm_alloc_contig(&kernel_pmm, 64, 16, GiB(4), &pa) == 0, "no 64-frame run");
	ST_CHECK(IS_ALIGNED(pa, 16 * PAGE_SIZE), "run at 0x%llx not 64 KiB aligned",
		 (unsigned long long)pa);
	ST_CHECK(pa + 64 * PAGE_SIZE <= GiB(4), "run above the limit");
	for (int i = 0; i < 64; i++)
		ST_CHECK(pmm_is_used(&kernel_pmm, pa + i * PAGE_SIZE), "frame %d not marked", i);
	ST_CHECK(pmm_free_contig(&kernel_pmm, pa, 64) == 0, "free of the run failed");
	ST_CHECK(kernel_pmm.free_frames == before, "leak after contiguous free");
	return 0;
}

SELFTEST(pmm, reserved_stay_reserved)
{
	uint64_t kstart = virt_to_phys(__kernel_start), kend = virt_to_phys(__kernel_end);

	ST_CHECK(pmm_is_used(&kernel_pmm, 0), "frame 0 is free");
	ST_CHECK(pmm_is_used(&kernel_pmm, 0x9f000), "the EBDA is free");
	for (uint64_t pa = kstart; pa < kend; pa += PAGE_SIZE)
		ST_CHECK(pmm_is_used(&kernel_pmm, pa), "kernel frame 0x%llx is free",
			 (unsigned long long)pa);
	return 0;
}

SELFTEST(pmm, double_free_refused)
{
	uint64_t pa, before, bad_before;

	ST_CHECK(pmm_alloc(&kernel_pmm, &pa) == 0, "allocation failed");
	ST_CHECK(pmm_free(&kernel_pmm, pa) == 0, "first free failed");
	before = kernel_pmm.free_frames;
	bad_before = kernel_pmm.bad_frees;
	ST_CHECK(pmm_free(&kernel_pmm, pa) == -EINVAL, "second free accepted");
	ST_CHECK(kernel_pmm.free_frames == before, "double free changed the free count");
	ST_CHECK(kernel_pmm.bad_frees == bad_before + 1, "double free not counted");
	return 0;
}
