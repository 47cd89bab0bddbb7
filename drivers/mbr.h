/*
 * MBR partition tables (drivers/mbr.c). Pure parsing of sector 0: the four
 * primary entries, with extended partitions' logical drives left for later.
 */
#ifndef DRIVERS_MBR_H
#define DRIVERS_MBR_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/compiler.h"

#define MBR_SIGNATURE_OFF 510
#define MBR_TABLE_OFF	  446
#define MBR_ENTRIES	  4
#define MBR_TYPE_EMPTY	  0x00
#define MBR_TYPE_EXTENDED 0x05
#define MBR_TYPE_EXT_LBA  0x0f
#define MBR_TYPE_GPT	  0xee

struct mbr_entry {
	uint8_t status; /* 0x80 bootable */
	uint8_t chs_first[3];
	uint8_t type;
	uint8_t chs_last[3];
	uint32_t lba_first;
	uint32_t sectors;
} __packed;
_Static_assert(sizeof(struct mbr_entry) == 16, "MBR entry layout");

struct mbr_part {
	int partno; /* 1..4 */
	uint8_t type;
	bool bootable;
	uint64_t start, sectors;
};

/*
 * Parse a 512-byte sector 0 of a disk of `disk_sectors` sectors. Fills up to
 * 4 partitions (empty and extended entries skipped; entries that run past the
 * disk or overlap an earlier one are rejected and counted in *bad).
 * Returns the number found, 0 if there is no MBR signature, or -EINVAL for a
 * protective GPT MBR (not supported: the disk is used whole).
 */
int mbr_parse(const uint8_t *sector0, uint64_t disk_sectors, struct mbr_part out[MBR_ENTRIES],
	      unsigned *bad);

#endif
