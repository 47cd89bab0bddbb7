/*
 * Host tests for the hardware tools' pure parts: lspci's
 * /proc/bus/pci/devices parser, names and size format
 * (user/lspci/pci_parse.c, pci_ids.c) and lscpu's /proc/cpuinfo fields and
 * CPUID cache decoding (user/lscpu/cpu_parse.c), against lines and
 * register values taken from Linux and real CPUs' documented examples.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "user/lscpu/cpu_parse.h"
#include "user/lspci/pci_ids.h"

START_TEST(test_devices_line)
{
	/* The RTL8139 as kernel/sysinfo_hw.c (and Linux) prints it. */
	const char *line = "0018\t10ec8139\tb\t            c001\t        febf1000"
			   "\t               0\t               0\t               0"
			   "\t               0\t               0\t             100"
			   "\t             100\t               0\t               0"
			   "\t               0\t               0\t               0\trtl8139\n";
	struct pci_entry e;

	ck_assert_int_eq(pci_parse_devices_line(line, &e), 0);
	ck_assert_uint_eq(e.bus, 0);
	ck_assert_uint_eq(e.dev, 3);
	ck_assert_uint_eq(e.fn, 0);
	ck_assert_uint_eq(e.vendor, 0x10ec);
	ck_assert_uint_eq(e.device, 0x8139);
	ck_assert_uint_eq(e.irq, 11);
	ck_assert_uint_eq(e.base[0], 0xc001);
	ck_assert_uint_eq(e.base[1], 0xfebf1000);
	ck_assert_uint_eq(e.size[0], 0x100);
	ck_assert_uint_eq(e.size[6], 0);
	ck_assert_str_eq(e.driver, "rtl8139");
	/* No driver: the line ends in a tab. */
	ck_assert_int_eq(pci_parse_devices_line("0100\t80861237\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
						"\t0\t0\t0\t0\t\n",
						&e),
			 0);
	ck_assert_uint_eq(e.bus, 1);
	ck_assert_str_eq(e.driver, "");
	ck_assert_int_eq(pci_parse_devices_line("0018\t10ec8139\n", &e), -1);
	ck_assert_int_eq(pci_parse_devices_line("zz18\t10ec8139\t0\n", &e), -1);
	ck_assert_int_eq(pci_parse_devices_line("", &e), -1);
}
END_TEST

START_TEST(test_names)
{
	char buf[16];

	ck_assert_str_eq(pci_vendor_name(0x10ec), "Realtek Semiconductor Co., Ltd.");
	ck_assert_str_eq(pci_device_name(0x10ec, 0x8139),
			 "RTL-8100/8101L/8139 PCI Fast Ethernet Adapter");
	ck_assert_str_eq(pci_device_name(0x1af4, 0x1001), "Virtio block device");
	ck_assert_ptr_null(pci_device_name(0x1234, 0x1111));
	ck_assert_str_eq(pci_class_name(0x06, 0x00), "Host bridge");
	ck_assert_str_eq(pci_class_name(0x06, 0x80), "Bridge");
	ck_assert_str_eq(pci_class_name(0x01, 0x01), "IDE interface");
	ck_assert_ptr_null(pci_class_name(0x42, 0x00));
	pci_format_size(256, buf, sizeof(buf));
	ck_assert_str_eq(buf, "256");
	pci_format_size(4096, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4K");
	pci_format_size(16u << 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "16M");
	pci_format_size(1536, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1536");
}
END_TEST

static const char cpuinfo[] = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
			      "model name\t: Westmere E56xx/L56xx/X56xx (Nehalem-C)\n"
			      "cpu MHz\t\t: 2596.140\nflags\t\t: fpu vme de\n\n"
			      "processor\t: 1\nmodel name\t: other\n";

START_TEST(test_cpuinfo)
{
	char buf[64];

	ck_assert_int_eq(cpuinfo_field(cpuinfo, "model name", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Westmere E56xx/L56xx/X56xx (Nehalem-C)");
	ck_assert_int_eq(cpuinfo_field(cpuinfo, "cpu MHz", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2596.140");
	ck_assert_int_eq(cpuinfo_field(cpuinfo, "flags", buf, 5), 0);
	ck_assert_str_eq(buf, "fpu ");
	/* "cpu" is a prefix of other keys but not a key. */
	ck_assert_int_eq(cpuinfo_field(cpuinfo, "cpu", buf, sizeof(buf)), -1);
	ck_assert_int_eq(cpuinfo_field(cpuinfo, "bogomips", buf, sizeof(buf)), -1);
	ck_assert_int_eq(cpuinfo_count(cpuinfo), 2);
	ck_assert_int_eq(cpuinfo_count(""), 0);
}
END_TEST

START_TEST(test_cache_leaf4)
{
	struct cache_info c;
	char name[8];

	/* A 32 KiB, 8-way L1 data cache with 64-byte lines and 64 sets,
	 * shared by 2 threads: EAX type 1 level 1 sharing-1 = 1. */
	ck_assert_int_eq(cache_from_leaf4(0x00004121, 0x01c0003f, 0x0000003f, &c), 1);
	ck_assert_uint_eq(c.level, 1);
	ck_assert_int_eq(c.type, CACHE_DATA);
	ck_assert_uint_eq(c.size, 32 * 1024);
	ck_assert_uint_eq(c.ways, 8);
	ck_assert_uint_eq(c.line, 64);
	ck_assert_uint_eq(c.sharing, 2);
	ck_assert_str_eq(cache_name(&c, name, sizeof(name)), "L1d");
	/* 16 MiB L3: 16 ways, 16384 sets. */
	ck_assert_int_eq(cache_from_leaf4(0x00000163, 0x03c0003f, 0x00003fff, &c), 1);
	ck_assert_uint_eq(c.size, 16u << 20);
	ck_assert_str_eq(cache_name(&c, name, sizeof(name)), "L3");
	ck_assert_int_eq(cache_from_leaf4(0, 0, 0, &c), 0);
}
END_TEST

START_TEST(test_cache_amd)
{
	struct cache_info c[4];
	/* 64 KiB L1d and L1i, 512 KiB L2, 16 MiB L3, all 64-byte lines. */
	int n = cache_from_amd(0x40020140, 0x40020140, 0x02006140, 0x00808140, c);

	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(c[0].size, 64 * 1024);
	ck_assert_int_eq(c[1].type, CACHE_INSTR);
	ck_assert_uint_eq(c[2].size, 512 * 1024);
	ck_assert_uint_eq(c[3].size, 16u << 20);
	ck_assert_uint_eq(c[3].line, 64);
	ck_assert_int_eq(cache_from_amd(0, 0, 0, 0, c), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwinfo");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_devices_line);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_cpuinfo);
	tcase_add_test(tc, test_cache_leaf4);
	tcase_add_test(tc, test_cache_amd);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
