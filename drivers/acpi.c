/*
 * ACPI table discovery (ACPI 6.4, 5.2.5.1: the RSDP is in the first KiB of
 * the EBDA or in 0xe0000-0xfffff on a 16-byte boundary). Tables are read
 * through the direct map, and only when the whole table lies inside it
 * (arch_direct_mapped); lengths and checksums are verified, and
 * a bad table is logged and skipped.
 */
#include "drivers/acpi.h"
#include "drivers/acpi_format.h"
#include "drivers/acpi_parse.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

#define TABLE_MAX_LEN (1u << 20)

static bool phys_range_known(uint64_t pa, uint64_t len)
{
	return arch_direct_mapped(pa, len);
}

static const struct acpi_rsdp *rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t pa = start; pa + sizeof(struct acpi_rsdp) <= end; pa += 16) {
		const struct acpi_rsdp *r = phys_to_virt(pa);
		if (memcmp(r->signature, "RSD PTR ", 8) == 0 && acpi_checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	uint64_t ebda = (uint64_t)(*(const uint16_t *)phys_to_virt(0x40e)) << 4;
	const struct acpi_rsdp *r = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = rsdp_scan(ebda, ebda + 1024);
	return r ? r : rsdp_scan(0xe0000, 0x100000);
}

/* The table at `pa` if it is mapped, sane and checksums; else NULL. */
static const struct acpi_header *table_at(uint64_t pa)
{
	const struct acpi_header *h;

	if (!pa || !phys_range_known(pa, sizeof(*h)))
		return NULL;
	h = phys_to_virt(pa);
	if (h->length < sizeof(*h) || h->length > TABLE_MAX_LEN ||
	    !phys_range_known(pa, h->length)) {
		pr_warn("acpi: table at 0x%llx has a bad length, ignored\n",
			(unsigned long long)pa);
		return NULL;
	}
	if (!acpi_checksum_ok(h, h->length)) {
		pr_warn("acpi: table %.4s at 0x%llx fails its checksum, ignored\n", h->signature,
			(unsigned long long)pa);
		return NULL;
	}
	return h;
}

static void use_madt(const struct acpi_header *h)
{
	struct madt_info mi;

	if (acpi_parse_madt(h, h->length, &mi)) {
		pr_warn("acpi: MADT malformed, using default interrupt wiring\n");
		return;
	}
	arch_set_lapic_phys(mi.lapic_address);
	for (unsigned i = 0; i < mi.nioapics; i++)
		arch_add_ioapic(mi.ioapic[i].id, mi.ioapic[i].address, mi.ioapic[i].gsi_base);
	for (unsigned i = 0; i < mi.noverrides; i++)
		arch_add_irq_override(mi.iso[i].source, mi.iso[i].gsi, mi.iso[i].flags);
	pr_info("acpi: MADT: %u CPUs, %u IOAPICs, %u IRQ overrides%s\n", mi.ncpus, mi.nioapics,
		mi.noverrides, mi.bad_entries ? ", malformed entries skipped" : "");
}

static uint32_t read32(const struct acpi_header *h, size_t off)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)h + off, 4);
	return v;
}

static void use_fadt(const struct acpi_header *f)
{
	uint64_t dsdt_pa = 0;
	const struct acpi_header *dsdt;
	uint8_t typa, typb;

	if (f->length >= FADT_X_DSDT + 8)
		memcpy(&dsdt_pa, (const uint8_t *)f + FADT_X_DSDT, 8);
	if (!dsdt_pa && f->length >= FADT_DSDT + 4)
		dsdt_pa = read32(f, FADT_DSDT);
	if (f->length >= FADT_RESET_VALUE + 1 &&
	    (read32(f, FADT_FLAGS) & FADT_FLAG_RESET_REG_SUP)) {
		struct acpi_gas reg;
		memcpy(&reg, (const uint8_t *)f + FADT_RESET_REG, sizeof(reg));
		arch_set_acpi_reset(reg.space_id, reg.address,
				    ((const uint8_t *)f)[FADT_RESET_VALUE]);
	}
	if (f->length < FADT_PM1B_CNT_BLK + 4)
		return;
	dsdt = table_at(dsdt_pa);
	if (!dsdt) {
		pr_warn("acpi: no usable DSDT, ACPI power-off unavailable\n");
		return;
	}
	if (acpi_find_s5((const uint8_t *)dsdt + sizeof(*dsdt), dsdt->length - sizeof(*dsdt), &typa,
			 &typb)) {
		pr_warn("acpi: DSDT has no \\_S5, ACPI power-off unavailable\n");
		return;
	}
	arch_set_acpi_poweroff(read32(f, FADT_PM1A_CNT_BLK), read32(f, FADT_PM1B_CNT_BLK), typa,
			       typb);
	pr_info("acpi: power-off through PM1a_CNT 0x%x, SLP_TYPa %u\n",
		read32(f, FADT_PM1A_CNT_BLK), typa);
}

void acpi_init(void)
{
	const struct acpi_rsdp *r;
	const struct acpi_header *root;
	bool xsdt;
	size_t entry_size, count;

	r = rsdp_find();
	if (!r) {
		pr_warn("acpi: no RSDP found, using defaults\n");
		return;
	}
	xsdt = r->revision >= 2 && r->xsdt_address && acpi_checksum_ok(r, sizeof(*r));
	root = table_at(xsdt ? r->xsdt_address : r->rsdt_address);
	if (!root) {
		pr_warn("acpi: root table unusable, using defaults\n");
		return;
	}
	entry_size = xsdt ? 8 : 4;
	count = (root->length - sizeof(*root)) / entry_size;
	pr_info("acpi: RSDP rev %u, %s with %zu tables, OEM \"%.6s\"\n", r->revision,
		xsdt ? "XSDT" : "RSDT", count, r->oem_id);
	for (size_t i = 0; i < count; i++) {
		uint64_t pa = 0;
		const struct acpi_header *h;
		memcpy(&pa, (const uint8_t *)root + sizeof(*root) + i * entry_size, entry_size);
		h = table_at(pa);
		if (!h)
			continue;
		if (memcmp(h->signature, "APIC", 4) == 0)
			use_madt(h);
		else if (memcmp(h->signature, "FACP", 4) == 0)
			use_fadt(h);
	}
}
