/*
 * Pure ACPI parsing (drivers/acpi_parse.c): checksums, the \_S5 sleep-type
 * package in AML, and the MADT entry walk. Input comes from firmware and is
 * treated as untrusted: every length is checked against the buffer.
 */
#ifndef DRIVERS_ACPI_PARSE_H
#define DRIVERS_ACPI_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* True if the bytes sum to zero modulo 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * Find `Name(_S5, Package(){a, b, ...})` in an AML byte stream (DSDT/SSDT
 * body) and return SLP_TYPa and SLP_TYPb. 0 or -ENOENT / -EINVAL.
 */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

struct madt_info {
	uint64_t lapic_address;
	unsigned ncpus;
	unsigned nioapics;
	struct {
		uint8_t id;
		uint32_t address;
		uint32_t gsi_base;
	} ioapic[8];
	unsigned noverrides;
	struct {
		uint8_t source;
		uint32_t gsi;
		uint16_t flags;
	} iso[16];
	unsigned bad_entries; /* truncated or zero-length entries met */
};

/* Walk a whole MADT (header included, `len` bytes). 0 or -EINVAL. */
int acpi_parse_madt(const void *table, size_t len, struct madt_info *out);

#endif
