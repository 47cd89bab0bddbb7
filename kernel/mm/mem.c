/*
 * Memory bring-up. Normalizes the loader's map (memmap.c), places the PMM
 * bitmap in free RAM, marks usable RAM free and then reserves what must
 * never be handed out: the first MiB (real-mode IVT, BIOS data, EBDA and
 * ROMs), the kernel image, the boot modules, the loader's data and the
 * bitmap itself. Then it builds the kernel page tables and serves pages to
 * the heap.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"

struct pmm kernel_pmm;
static uint32_t *frame_refs; /* per frame, atomic; NULL until mem_init */
static struct mem_region map[MEMMAP_MAX];
static size_t nmap;

extern char __kernel_start[], __kernel_end[];

const struct mem_region *mem_map(size_t *n)
{
	*n = nmap;
	return map;
}

int page_alloc(uint64_t *pa)
{
	return pmm_alloc(&kernel_pmm, pa);
}

void page_free(uint64_t pa)
{
	pmm_free(&kernel_pmm, pa);
}

int upage_alloc(uint64_t *pa)
{
	int err = pmm_alloc(&kernel_pmm, pa);

	if (!err)
		__atomic_store_n(&frame_refs[*pa >> PAGE_SHIFT], 1, __ATOMIC_RELAXED);
	return err;
}

void page_get(uint64_t pa)
{
	__atomic_fetch_add(&frame_refs[pa >> PAGE_SHIFT], 1, __ATOMIC_RELAXED);
}

void page_put(uint64_t pa)
{
	uint32_t *r = &frame_refs[pa >> PAGE_SHIFT];

	if (__atomic_load_n(r, __ATOMIC_ACQUIRE) <= 1 ||
	    __atomic_sub_fetch(r, 1, __ATOMIC_ACQ_REL) == 0) {
		__atomic_store_n(r, 0, __ATOMIC_RELAXED);
		pmm_free(&kernel_pmm, pa);
	}
}

unsigned page_refcount(uint64_t pa)
{
	return __atomic_load_n(&frame_refs[pa >> PAGE_SHIFT], __ATOMIC_RELAXED);
}

void *heap_pages_alloc(size_t npages)
{
	uint64_t pa;

	if (npages == 1 ? pmm_alloc(&kernel_pmm, &pa)
			: pmm_alloc_contig(&kernel_pmm, npages, 1, 0, &pa))
		return NULL;
	return phys_to_virt(pa);
}

void heap_pages_free(void *p, size_t npages)
{
	pmm_free_contig(&kernel_pmm, virt_to_phys(p), npages);
}

void heap_report(const char *what, const void *ptr)
{
	panic("heap: %s at %p", what, ptr);
}

/* Ranges that must stay reserved, gathered once for placement and marking. */
static size_t boot_reservations(const struct boot_info *bi, struct mem_region *r, size_t max)
{
	size_t n = 0;

	r[n++] = (struct mem_region){0, MiB(1), MEM_RESERVED};
	r[n++] = (struct mem_region){virt_to_phys(__kernel_start), virt_to_phys(__kernel_end),
				     MEM_RESERVED};
	for (size_t i = 0; i < bi->nmodules && n < max; i++)
		r[n++] =
			(struct mem_region){bi->modules[i].start, bi->modules[i].end, MEM_RESERVED};
	for (size_t i = 0; i < bi->nloader_data && n < max; i++)
		r[n++] = bi->loader_data[i];
	return n;
}

/* First page-aligned spot of `bytes` in usable RAM below 4 GiB (the boot
 * tables map only that much) that overlaps no reservation. */
static uint64_t place_bitmap(size_t bytes, const struct mem_region *res, size_t nres)
{
	for (size_t i = 0; i < nmap; i++) {
		if (map[i].type != MEM_USABLE)
			continue;
		uint64_t cand = ALIGN_UP(MAX(map[i].start, MiB(1)), PAGE_SIZE);
		bool moved = true;
		while (moved) {
			moved = false;
			for (size_t j = 0; j < nres; j++) {
				if (cand < res[j].end && cand + bytes > res[j].start) {
					cand = ALIGN_UP(res[j].end, PAGE_SIZE);
					moved = true;
				}
			}
		}
		if (cand + bytes <= map[i].end && cand + bytes <= GiB(4))
			return cand;
	}
	return 0;
}

void mem_init(const struct boot_info *bi)
{
	struct mem_region res[4 + BOOT_MODULES_MAX + 8];
	size_t nres;
	uint64_t top = 0, bitmap_pa;
	size_t bytes;

	nmap = memmap_normalize(bi->map, bi->nmap, map, MEMMAP_MAX);
	pr_info("boot: memory map from the loader, %zu entries:\n", bi->nmap);
	for (size_t i = 0; i < nmap; i++)
		pr_info("boot:   [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)map[i].start,
			(unsigned long long)map[i].end - 1, memmap_type_name(map[i].type));
	if (bi->nmap_dropped)
		pr_warn("boot: %zu memory map entries beyond %d ignored\n", bi->nmap_dropped,
			MEMMAP_MAX);

	for (size_t i = 0; i < nmap; i++)
		if (map[i].type == MEM_USABLE)
			top = MAX(top, map[i].end);
	if (top == 0)
		panic("mem: the loader reported no usable memory");

	nres = boot_reservations(bi, res, ARRAY_SIZE(res));
	bytes = ALIGN_UP(pmm_bitmap_bytes(top), PAGE_SIZE);
	bitmap_pa = place_bitmap(bytes, res, nres);
	if (!bitmap_pa)
		panic("mem: no room for the %zu-byte frame bitmap", bytes);

	pmm_init(&kernel_pmm, phys_to_virt(bitmap_pa), top);
	for (size_t i = 0; i < nmap; i++)
		if (map[i].type == MEM_USABLE)
			pmm_add_usable(&kernel_pmm, map[i].start, map[i].end);
	for (size_t i = 0; i < nres; i++)
		pmm_reserve(&kernel_pmm, res[i].start, res[i].end);
	pmm_reserve(&kernel_pmm, bitmap_pa, bitmap_pa + bytes);

	/* Reference counts of user frames, below 4 GiB like the bitmap (the
	 * boot tables map only that much). */
	{
		size_t rbytes = ALIGN_UP(kernel_pmm.nframes * sizeof(uint32_t), PAGE_SIZE);
		uint64_t refs_pa;
		if (pmm_alloc_contig(&kernel_pmm, rbytes / PAGE_SIZE, 1, GiB(4), &refs_pa))
			panic("mem: no room for %zu bytes of frame reference counts", rbytes);
		frame_refs = phys_to_virt(refs_pa);
		memset(frame_refs, 0, rbytes);
	}

	arch_paging_init(map, nmap, page_alloc);
	arch_paging_set_free(page_free);

	pr_info("mem: %llu KiB usable, %llu KiB free after boot reservations\n",
		(unsigned long long)(kernel_pmm.usable_frames * PAGE_SIZE / 1024),
		(unsigned long long)(kernel_pmm.free_frames * PAGE_SIZE / 1024));
}
