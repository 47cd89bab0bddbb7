/*
 * Copy the multiboot 1 hand-over (Multiboot Specification 0.6.96, 3.3) into
 * struct boot_info before anything reuses low memory. Loaders place the
 * info anywhere below 4 GiB: QEMU near 0x9000, iPXE near 0x9c000 inside memory
 * it reports usable, GRUB at 0x10000 (DESIGN.md). The boot page tables map the
 * first 4 GiB at DIRECT_MAP_BASE, so every 32-bit pointer is reachable.
 *
 * Loader data is trusted to be mapped, not to be sane: lengths are bounded,
 * strings are read with a limit, and a zero-sized map entry ends the walk.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/multiboot.h"
#include "kernel/bootinfo.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"

#define CMDLINE_SCAN_MAX (1u << 20) /* longest line whose length we report */

static size_t copy_string(char *dst, size_t size, uint32_t phys, size_t scan_max)
{
	const char *src = phys_to_virt(phys);
	size_t len = strnlen(src, scan_max);
	size_t n = MIN(len, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
	return len;
}

static void note_loader_data(struct boot_info *bi, uint64_t start, uint64_t len)
{
	if (len == 0 || bi->nloader_data >= ARRAY_SIZE(bi->loader_data))
		return;
	bi->loader_data[bi->nloader_data].start = start;
	bi->loader_data[bi->nloader_data].end = start + len;
	bi->loader_data[bi->nloader_data].type = MEM_RESERVED;
	bi->nloader_data++;
}

static void read_mmap(struct boot_info *bi, const struct multiboot_info *mbi)
{
	uint64_t p = mbi->mmap_addr;
	uint64_t end = p + mbi->mmap_length;

	note_loader_data(bi, mbi->mmap_addr, mbi->mmap_length);
	while (p + sizeof(uint32_t) <= end) {
		const struct multiboot_mmap_entry *e = phys_to_virt(p);
		if (e->size < 20 || p + sizeof(uint32_t) + e->size > end)
			break;
		if (bi->nmap < MEMMAP_MAX) {
			struct mem_region *r = &bi->map[bi->nmap++];
			r->start = e->addr;
			r->end = e->addr + e->len;
			if (r->end < r->start) /* wraps: clip at the top */
				r->end = UINT64_MAX;
			r->type = e->type;
		} else {
			bi->nmap_dropped++;
		}
		p += sizeof(uint32_t) + e->size;
	}
}

/* Without a map (flag 6 clear) the spec still offers mem_lower/mem_upper. */
static void synth_mmap(struct boot_info *bi, const struct multiboot_info *mbi)
{
	bi->map[0] = (struct mem_region){0, (uint64_t)mbi->mem_lower * 1024, MEM_USABLE};
	bi->map[1] = (struct mem_region){0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024,
					 MEM_USABLE};
	bi->nmap = 2;
}

static void read_modules(struct boot_info *bi, const struct multiboot_info *mbi)
{
	const struct multiboot_module *m = phys_to_virt(mbi->mods_addr);

	note_loader_data(bi, mbi->mods_addr, (uint64_t)mbi->mods_count * sizeof(*m));
	for (uint32_t i = 0; i < mbi->mods_count && i < 1024; i++) {
		if (bi->nmodules >= BOOT_MODULES_MAX) {
			bi->nmodules_dropped++;
			continue;
		}
		struct boot_module *bm = &bi->modules[bi->nmodules++];
		bm->start = m[i].mod_start;
		bm->end = MAX(m[i].mod_end, m[i].mod_start);
		bm->cmdline[0] = '\0';
		if (m[i].string) {
			size_t l = copy_string(bm->cmdline, sizeof(bm->cmdline), m[i].string, 4096);
			note_loader_data(bi, m[i].string, l + 1);
		}
	}
}

int arch_boot_info(uint32_t magic, uint64_t info_phys, struct boot_info *bi)
{
	const struct multiboot_info *mbi;

	memset(bi, 0, sizeof(*bi));
	strlcpy(bi->loader, "unknown", sizeof(bi->loader));
	if (magic != MULTIBOOT_LOADER_MAGIC || info_phys == 0 || info_phys >= GiB(4))
		return -EINVAL;

	mbi = phys_to_virt(info_phys);
	bi->flags = mbi->flags;
	note_loader_data(bi, info_phys, sizeof(*mbi));

	if ((mbi->flags & MBI_FLAG_LOADER) && mbi->boot_loader_name)
		copy_string(bi->loader, sizeof(bi->loader), mbi->boot_loader_name, 256);
	if ((mbi->flags & MBI_FLAG_CMDLINE) && mbi->cmdline) {
		bi->cmdline_len = copy_string(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline,
					      CMDLINE_SCAN_MAX);
		note_loader_data(bi, mbi->cmdline, MIN(bi->cmdline_len + 1, CMDLINE_SCAN_MAX));
	}
	if ((mbi->flags & MBI_FLAG_MMAP) && mbi->mmap_length)
		read_mmap(bi, mbi);
	else if (mbi->flags & MBI_FLAG_MEM)
		synth_mmap(bi, mbi);
	if ((mbi->flags & MBI_FLAG_MODS) && mbi->mods_count)
		read_modules(bi, mbi);
	return 0;
}
