/*
 * What the boot loader handed over, copied out of loader memory before
 * anything reuses it (kernel/arch/x86_64/multiboot.c fills it). Generic:
 * nothing here is multiboot-specific, so later boot protocols fill the same
 * structure.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/cmdline.h"
#include "kernel/mm/memmap.h"

#define BOOT_MODULES_MAX     16
#define BOOT_MOD_CMDLINE_MAX 256
#define BOOT_LOADER_NAME_MAX 64

struct boot_module {
	uint64_t start;
	uint64_t end; /* exclusive */
	char cmdline[BOOT_MOD_CMDLINE_MAX];
};

struct boot_info {
	char loader[BOOT_LOADER_NAME_MAX];
	char cmdline[CMDLINE_MAX];	   /* NUL-terminated, cut at CMDLINE_MAX - 1 */
	size_t cmdline_len;		   /* length the loader gave, before any cut */
	struct mem_region map[MEMMAP_MAX]; /* raw, as reported */
	size_t nmap;
	size_t nmap_dropped; /* entries beyond MEMMAP_MAX */
	struct boot_module modules[BOOT_MODULES_MAX];
	size_t nmodules;
	size_t nmodules_dropped;
	/* Physical ranges of loader data, reserved so nothing overwrites them
	 * before they are copied or in case a later stage looks again. */
	struct mem_region loader_data[8];
	size_t nloader_data;
	uint32_t flags; /* loader-specific flags, for the log */
};

extern struct boot_info boot_info;
extern struct boot_options boot_options;

#endif
