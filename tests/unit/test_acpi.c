/*
 * Host tests for drivers/acpi_parse.c: checksums, \_S5 extraction from AML
 * in the encodings firmware uses (QEMU's, BytePrefix, root-prefixed names,
 * multi-byte PkgLength), truncated or absent packages, and MADT walks over
 * well-formed, truncated and zero-length entries.
 */
#include <check.h>
#include <stdlib.h>
#include "drivers/acpi_format.h"
#include "drivers/acpi_parse.h"
#include "host_svc.h"

START_TEST(test_checksum)
{
	uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 0};

	ck_assert(!acpi_checksum_ok(b, sizeof(b)));
	b[7] = (uint8_t)(256 - 28);
	ck_assert(acpi_checksum_ok(b, sizeof(b)));
	ck_assert(acpi_checksum_ok(b, 0));
}
END_TEST

START_TEST(test_s5_qemu_style)
{
	/* Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	const uint8_t aml[] = {0x10, 0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12,
			       0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
	uint8_t a = 0xff, b = 0xff;

	ck_assert_int_eq(acpi_find_s5(aml + 1, sizeof(aml) - 1, &a, &b), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 0);
}
END_TEST

START_TEST(test_s5_byte_prefix_and_root)
{
	/* Name (\_S5, Package (0x02) { 0x07, One }), two-byte PkgLength */
	const uint8_t aml[] = {0x08, '\\', '_',	 'S',  '5',  '_', 0x12,
			       0x40, 0x00, 0x02, 0x0a, 0x07, 0x01};
	uint8_t a = 0, b = 0;

	ck_assert_int_eq(acpi_find_s5(aml, sizeof(aml), &a, &b), 0);
	ck_assert_uint_eq(a, 7);
	ck_assert_uint_eq(b, 1);
}
END_TEST

START_TEST(test_s5_bad)
{
	const uint8_t none[] = {0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0, 0};
	const uint8_t not_name[] = {0x99, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0, 0};
	const uint8_t truncated[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a};
	const uint8_t one_elem[] = {0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x00};
	const uint8_t at_end[] = {0x08, '_', 'S', '5', '_'};
	uint8_t a, b;

	ck_assert_int_eq(acpi_find_s5(none, sizeof(none), &a, &b), -ENOENT);
	ck_assert_int_eq(acpi_find_s5(not_name, sizeof(not_name), &a, &b), -ENOENT);
	ck_assert_int_eq(acpi_find_s5(truncated, sizeof(truncated), &a, &b), -EINVAL);
	ck_assert_int_eq(acpi_find_s5(one_elem, sizeof(one_elem), &a, &b), -EINVAL);
	ck_assert_int_eq(acpi_find_s5(at_end, sizeof(at_end), &a, &b), -ENOENT);
	ck_assert_int_eq(acpi_find_s5(at_end, 0, &a, &b), -ENOENT);
}
END_TEST

/* A MADT with a LAPIC, an IOAPIC and one override, as QEMU builds it. */
static size_t build_madt(uint8_t *buf)
{
	struct acpi_madt *m = (struct acpi_madt *)buf;
	uint8_t *p = buf + sizeof(*m);
	struct madt_ioapic io = {{MADT_IOAPIC, sizeof(io)}, 0, 0, 0xfec00000, 0};
	struct madt_iso iso = {{MADT_ISO, sizeof(iso)}, 0, 0, 2, 0};
	uint8_t lapic[8] = {MADT_LAPIC, 8, 0, 0, 1, 0, 0, 0};

	memset(buf, 0, 256);
	memcpy(m->h.signature, "APIC", 4);
	m->lapic_address = 0xfee00000;
	memcpy(p, lapic, 8);
	p += 8;
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	memcpy(p, &iso, sizeof(iso));
	p += sizeof(iso);
	m->h.length = (uint32_t)(p - buf);
	return m->h.length;
}

START_TEST(test_madt)
{
	uint8_t buf[256];
	struct madt_info mi;
	size_t len = build_madt(buf);

	ck_assert_int_eq(acpi_parse_madt(buf, len, &mi), 0);
	ck_assert_uint_eq(mi.lapic_address, 0xfee00000);
	ck_assert_uint_eq(mi.ncpus, 1);
	ck_assert_uint_eq(mi.nioapics, 1);
	ck_assert_uint_eq(mi.ioapic[0].address, 0xfec00000);
	ck_assert_uint_eq(mi.noverrides, 1);
	ck_assert_uint_eq(mi.iso[0].source, 0);
	ck_assert_uint_eq(mi.iso[0].gsi, 2);
	ck_assert_uint_eq(mi.bad_entries, 0);
}
END_TEST

START_TEST(test_madt_malformed)
{
	uint8_t buf[256];
	struct madt_info mi;
	size_t len = build_madt(buf);
	struct acpi_madt *m = (struct acpi_madt *)buf;

	/* Header claims more than the buffer holds. */
	ck_assert_int_eq(acpi_parse_madt(buf, len - 1, &mi), -EINVAL);
	ck_assert_int_eq(acpi_parse_madt(buf, 10, &mi), -EINVAL);
	/* A zero-length entry stops the walk instead of looping. */
	buf[sizeof(*m) + 1] = 0;
	ck_assert_int_eq(acpi_parse_madt(buf, len, &mi), 0);
	ck_assert_uint_eq(mi.bad_entries, 1);
	/* An entry running past the table end is not read. */
	len = build_madt(buf);
	buf[sizeof(*m) + 1] = 200;
	ck_assert_int_eq(acpi_parse_madt(buf, len, &mi), 0);
	ck_assert_uint_eq(mi.bad_entries, 1);
	ck_assert_uint_eq(mi.nioapics, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_checksum);
	tcase_add_test(tc, test_s5_qemu_style);
	tcase_add_test(tc, test_s5_byte_prefix_and_root);
	tcase_add_test(tc, test_s5_bad);
	tcase_add_test(tc, test_madt);
	tcase_add_test(tc, test_madt_malformed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
