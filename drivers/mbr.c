/*
 * MBR partition table parsing (the classic PC layout: four 16-byte entries
 * at offset 446, signature 0x55 0xaa at 510). Pure logic on an untrusted
 * sector: every entry is range-checked against the disk.
 */
#include <ksvc.h>
#include "drivers/mbr.h"

int mbr_parse(const uint8_t *sector0, uint64_t disk_sectors, struct mbr_part out[MBR_ENTRIES],
	      unsigned *bad)
{
	int n = 0;

	*bad = 0;
	if (sector0[MBR_SIGNATURE_OFF] != 0x55 || sector0[MBR_SIGNATURE_OFF + 1] != 0xaa)
		return 0;
	for (int i = 0; i < MBR_ENTRIES; i++) {
		struct mbr_entry e;
		memcpy(&e, sector0 + MBR_TABLE_OFF + i * sizeof(e), sizeof(e));
		if (e.type == MBR_TYPE_GPT)
			return -EINVAL;
		if (e.type == MBR_TYPE_EMPTY || e.sectors == 0)
			continue;
		if (e.type == MBR_TYPE_EXTENDED || e.type == MBR_TYPE_EXT_LBA)
			continue;
		if (e.lba_first == 0 || (uint64_t)e.lba_first + e.sectors > disk_sectors ||
		    (e.status != 0 && e.status != 0x80)) {
			(*bad)++;
			continue;
		}
		bool overlap = false;
		for (int j = 0; j < n; j++)
			if (e.lba_first < out[j].start + out[j].sectors &&
			    out[j].start < (uint64_t)e.lba_first + e.sectors)
				overlap = true;
		if (overlap) {
			(*bad)++;
			continue;
		}
		out[n++] = (struct mbr_part){
			.partno = i + 1,
			.type = e.type,
			.bootable = e.status == 0x80,
			.start = e.lba_first,
			.sectors = e.sectors,
		};
	}
	return n;
}
