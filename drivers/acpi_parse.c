/*
 * Pure ACPI parsing: checksums, \_S5 in AML (ACPI 6.4, 7.4.2 and 20.2.5:
 * NameOp 0x08, PackageOp 0x12, PkgLength encoding in 20.2.4, BytePrefix
 * 0x0a, ZeroOp/OneOp), and the MADT entry list (5.2.12). Built into the
 * kernel and into the host tests.
 */
#include <ksvc.h>
#include "drivers/acpi_format.h"
#include "drivers/acpi_parse.h"

#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_NAME_OP	0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_PACKAGE_OP	0x12

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* One integer element of a package: 0 and the value's low byte, or -EINVAL. */
static int aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v, size_t *used)
{
	if (p >= end)
		return -EINVAL;
	switch (p[0]) {
	case AML_ZERO_OP:
		*v = 0;
		*used = 1;
		return 0;
	case AML_ONE_OP:
		*v = 1;
		*used = 1;
		return 0;
	case AML_BYTE_PREFIX:
		if (p + 2 > end)
			return -EINVAL;
		*v = p[1];
		*used = 2;
		return 0;
	case AML_WORD_PREFIX:
		if (p + 3 > end)
			return -EINVAL;
		*v = p[1];
		*used = 3;
		return 0;
	default:
		return -EINVAL;
	}
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	const uint8_t *end = aml + len;

	for (size_t i = 0; i + 4 <= len; i++) {
		const uint8_t *p;
		size_t pkglen_bytes, used;

		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		/* Preceded by NameOp, directly or through a root prefix '\'. */
		if (!(i >= 1 && aml[i - 1] == AML_NAME_OP) &&
		    !(i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == AML_NAME_OP))
			continue;
		p = aml + i + 4;
		if (p >= end || *p != AML_PACKAGE_OP)
			continue;
		p++;
		if (p >= end)
			return -EINVAL;
		pkglen_bytes = (*p >> 6) + 1; /* lead byte bits 7-6: extra bytes */
		p += pkglen_bytes;
		if (p + 1 > end)
			return -EINVAL;
		if (*p < 2) /* NumElements */
			return -EINVAL;
		p++;
		if (aml_small_int(p, end, slp_typa, &used))
			return -EINVAL;
		p += used;
		if (aml_small_int(p, end, slp_typb, &used))
			return -EINVAL;
		return 0;
	}
	return -ENOENT;
}

int acpi_parse_madt(const void *table, size_t len, struct madt_info *out)
{
	const struct acpi_madt *m = table;
	const uint8_t *p, *end;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*m) || m->h.length > len || m->h.length < sizeof(*m))
		return -EINVAL;
	out->lapic_address = m->lapic_address;
	p = (const uint8_t *)table + sizeof(*m);
	end = (const uint8_t *)table + m->h.length;
	while (p + sizeof(struct madt_entry) <= end) {
		const struct madt_entry *e = (const void *)p;
		if (e->length < sizeof(*e) || p + e->length > end) {
			out->bad_entries++;
			break;
		}
		switch (e->type) {
		case MADT_LAPIC:
			out->ncpus++;
			break;
		case MADT_IOAPIC:
			if (e->length >= sizeof(struct madt_ioapic) &&
			    out->nioapics < ARRAY_SIZE(out->ioapic)) {
				const struct madt_ioapic *io = (const void *)p;
				out->ioapic[out->nioapics].id = io->id;
				out->ioapic[out->nioapics].address = io->address;
				out->ioapic[out->nioapics].gsi_base = io->gsi_base;
				out->nioapics++;
			}
			break;
		case MADT_ISO:
			if (e->length >= sizeof(struct madt_iso) &&
			    out->noverrides < ARRAY_SIZE(out->iso)) {
				const struct madt_iso *iso = (const void *)p;
				out->iso[out->noverrides].source = iso->source;
				out->iso[out->noverrides].gsi = iso->gsi;
				out->iso[out->noverrides].flags = iso->flags;
				out->noverrides++;
			}
			break;
		case MADT_LAPIC_OVERRIDE:
			if (e->length >= sizeof(struct madt_lapic_override))
				out->lapic_address =
					((const struct madt_lapic_override *)p)->address;
			break;
		default:
			break;
		}
		p += e->length;
	}
	return 0;
}
