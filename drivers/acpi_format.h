/*
 * ACPI table layouts used by the kernel (ACPI 6.4: 5.2.5 RSDP, 5.2.6 header,
 * 5.2.9 FADT, 5.2.12 MADT). Fixed-width, packed, shared with host tests.
 */
#ifndef DRIVERS_ACPI_FORMAT_H
#define DRIVERS_ACPI_FORMAT_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0, RSDT only; 2+: XSDT */
	uint32_t rsdt_address;
	uint32_t length; /* revision 2+ */
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header layout");

struct acpi_gas {
	uint8_t space_id; /* 0 memory, 1 system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

/* Byte offsets into the FADT of the fields the kernel reads. */
#define FADT_DSDT		40
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1B_CNT_BLK	68
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_FLAG_RESET_REG_SUP (1u << 10)

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags;
} __packed;

#define MADT_LAPIC	    0
#define MADT_IOAPIC	    1
#define MADT_ISO	    2
#define MADT_LAPIC_OVERRIDE 5

struct madt_entry {
	uint8_t type;
	uint8_t length;
} __packed;

struct madt_ioapic {
	struct madt_entry e;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;

struct madt_iso {
	struct madt_entry e;
	uint8_t bus;
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;
} __packed;

struct madt_lapic_override {
	struct madt_entry e;
	uint16_t reserved;
	uint64_t address;
} __packed;

#endif
