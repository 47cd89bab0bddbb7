/*
 * Multiboot 1 information structure, as in the Multiboot Specification
 * version 0.6.96, section 3.3. Physical addresses are 32-bit.
 */
#ifndef KERNEL_ARCH_X86_64_MULTIBOOT_H
#define KERNEL_ARCH_X86_64_MULTIBOOT_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define MULTIBOOT_LOADER_MAGIC 0x2badb002

#define MBI_FLAG_MEM	 (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS	 (1u << 3)
#define MBI_FLAG_MMAP	 (1u << 6)
#define MBI_FLAG_LOADER	 (1u << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
} __packed;
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot info size");

/* Each map entry is preceded by its own size, which excludes the size field. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __packed;
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "multiboot mmap entry size");

struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __packed;

#endif
