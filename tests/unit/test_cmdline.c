/*
 * Host tests for kernel/lib/cmdline.c: the lines QEMU, iPXE and GRUB really
 * pass (DESIGN.md appendix), every key and its bad forms, the warning texts
 * of docs/boot-log.md, and hostile input: long words, a 100 KB line, NULs,
 * unterminated quotes and bytes past `len`.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/lib/cmdline.h"

static struct boot_options o;

static void parse_n(const char *line, size_t len)
{
	host_log_clear();
	cmdline_defaults(&o);
	cmdline_parse(line, len, &o);
	ck_assert_int_eq(host_locks_held(), 0);
}

static void parse(const char *line)
{
	parse_n(line, strlen(line));
}

static void assert_defaults_except_counts(void)
{
	ck_assert_str_eq(o.image, "");
	ck_assert_int_eq(o.root, ROOT_DEFAULT);
	ck_assert_str_eq(o.root_url, "");
	ck_assert_int_eq(o.console, CONSOLE_DEFAULT);
	ck_assert_int_eq(o.ip, IP_DEFAULT);
	ck_assert_str_eq(o.init, "");
	ck_assert(!o.selftest);
	ck_assert(!o.quiet);
	ck_assert_int_eq(o.panic, PANIC_HALT);
}

START_TEST(test_defaults)
{
	memset(&o, 0x55, sizeof(o));
	cmdline_defaults(&o);
	assert_defaults_except_counts();
	ck_assert_uint_eq(o.warnings, 0);
	ck_assert_uint_eq(o.keys, 0);
	ck_assert_uint_eq(o.ip_addr, 0);
	ck_assert_uint_eq(o.ip_gw, 0);
}
END_TEST

START_TEST(test_empty)
{
	parse("");
	assert_defaults_except_counts();
	ck_assert_uint_eq(o.keys + o.warnings, 0);
	parse(" \t\r\n  ");
	assert_defaults_except_counts();
	ck_assert_uint_eq(o.keys + o.warnings, 0);
	parse_n(NULL, 0);
	assert_defaults_except_counts();
	parse_n(NULL, 100);
	assert_defaults_except_counts();
	ck_assert_uint_eq(host_log_total(), 0);
}
END_TEST

START_TEST(test_only_image)
{
	parse("/boot/kernel.elf");
	ck_assert_str_eq(o.image, "/boot/kernel.elf");
	ck_assert_uint_eq(o.keys, 0);
	ck_assert_uint_eq(o.warnings, 0);
	ck_assert_uint_eq(host_log_total(), 0);
}
END_TEST

START_TEST(test_qemu_style)
{
	parse("/home/u/build/kernel.elf root=virtio console=ttyS0");
	ck_assert_str_eq(o.image, "/home/u/build/kernel.elf");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert_int_eq(o.console, CONSOLE_SERIAL);
	ck_assert_uint_eq(o.keys, 2);
	ck_assert_uint_eq(o.warnings, 0);
}
END_TEST

START_TEST(test_ipxe_style)
{
	parse("http://10.0.2.2/boot/kernel.elf?x=1 root=module console=ttyS0 ip=dhcp");
	ck_assert_str_eq(o.image, "http://10.0.2.2/boot/kernel.elf?x=1");
	ck_assert_int_eq(o.root, ROOT_MODULE);
	ck_assert_int_eq(o.ip, IP_DHCP);
	ck_assert_uint_eq(o.keys, 3);
	ck_assert_uint_eq(o.warnings, 0);
}
END_TEST

START_TEST(test_grub_style)
{
	/* GRUB does not pass the path: the first word is already a key. */
	parse("root=module quiet");
	ck_assert_str_eq(o.image, "");
	ck_assert_int_eq(o.root, ROOT_MODULE);
	ck_assert(o.quiet);
	ck_assert_uint_eq(o.keys, 2);
	parse("quiet root=virtio");
	ck_assert_str_eq(o.image, "");
	ck_assert(o.quiet);
	parse("selftest");
	ck_assert_str_eq(o.image, "");
	ck_assert(o.selftest);
}
END_TEST

START_TEST(test_only_first_word_is_image)
{
	parse("/kernel /second root=virtio");
	ck_assert_str_eq(o.image, "/kernel");
	ck_assert_uint_eq(o.keys, 1);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert(host_log_contains("cmdline: unknown key \"/second\", ignored"));
}
END_TEST

START_TEST(test_unknown_key_text)
{
	parse("root=virtio foo=bar nosmp");
	ck_assert_uint_eq(o.warnings, 2);
	ck_assert_uint_eq(o.keys, 1);
	ck_assert_uint_eq(host_log_total(), 2);
	ck_assert(host_log_contains("cmdline: unknown key \"foo\", ignored"));
	ck_assert(host_log_contains("cmdline: unknown key \"nosmp\", ignored"));
	/* Exactly the documented line, nothing more. */
	ck_assert_str_eq(host_log_last(), "cmdline: unknown key \"nosmp\", ignored");
}
END_TEST

START_TEST(test_unknown_key_escaped)
{
	parse("x root=virtio \x01\x7f\xff=1 \\\"q\"");
	ck_assert_uint_eq(o.warnings, 2);
	ck_assert(host_log_contains("cmdline: unknown key \"\\x01\\x7f\\xff\", ignored"));
	ck_assert(host_log_contains("cmdline: unknown key \"\\x5cq\", ignored"));
}
END_TEST

START_TEST(test_unknown_key_long_is_cut)
{
	char line[400], expect[200];

	strcpy(line, "img ");
	memset(line + 4, 'k', 200);
	strcpy(line + 204, "=1 x");
	parse(line);
	ck_assert_str_eq(o.image, "img");
	ck_assert_uint_eq(o.warnings, 2);
	/* Only the first 48 bytes of a key are shown. */
	strcpy(expect, "cmdline: unknown key \"");
	memset(expect + strlen(expect), 'k', 48);
	strcpy(expect + strlen("cmdline: unknown key \"") + 48, "...\", ignored");
	ck_assert(host_log_contains(expect));
	ck_assert(host_log_contains("cmdline: unknown key \"x\", ignored"));
}
END_TEST

START_TEST(test_root)
{
	parse("root=virtio");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	parse("root=module");
	ck_assert_int_eq(o.root, ROOT_MODULE);
	parse("root=tftp");
	ck_assert_int_eq(o.root, ROOT_TFTP_DHCP);
	ck_assert_str_eq(o.root_url, "");
	parse("root=tftp://10.0.2.2/rootfs.ext2");
	ck_assert_int_eq(o.root, ROOT_TFTP_URL);
	ck_assert_str_eq(o.root_url, "tftp://10.0.2.2/rootfs.ext2");
	ck_assert_uint_eq(o.keys, 1);
	parse("root=tftp://server/dir/file");
	ck_assert_str_eq(o.root_url, "tftp://server/dir/file");
	/* A later plain root= clears the URL. */
	parse("root=tftp://h/p root=virtio");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert_str_eq(o.root_url, "");
}
END_TEST

START_TEST(test_root_bad)
{
	static const char *const bad[] = {
		"root",		"root=",	 "root=ext2",	   "root=Virtio",
		"root=tftp://", "root=tftp:///", "root=tftp://h",  "root=tftp://h/",
		"root=tftp:/h", "root=virtio2",	 "root=tftp:///p",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i]);
		ck_assert_msg(o.root == ROOT_DEFAULT, "%s", bad[i]);
		ck_assert_msg(o.warnings == 1 && o.keys == 0, "%s", bad[i]);
		ck_assert_msg(host_log_contains("cmdline: bad value for root: \""), "%s", bad[i]);
	}
	parse("root=ext4");
	ck_assert_str_eq(host_log_last(), "cmdline: bad value for root: \"ext4\"");
	/* A bad value keeps the earlier good one. */
	parse("root=module root=bogus");
	ck_assert_int_eq(o.root, ROOT_MODULE);
}
END_TEST

START_TEST(test_root_url_must_fit)
{
	char line[600], url[CMDLINE_VALUE_MAX + 8];
	size_t n;

	/* The longest URL that fits: CMDLINE_VALUE_MAX - 1 bytes. */
	strcpy(url, "tftp://h/");
	n = strlen(url);
	memset(url + n, 'p', CMDLINE_VALUE_MAX - 1 - n);
	url[CMDLINE_VALUE_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "root=%s", url);
	parse(line);
	ck_assert_int_eq(o.root, ROOT_TFTP_URL);
	ck_assert_str_eq(o.root_url, url);
	ck_assert_uint_eq(o.warnings, 0);

	/* One more byte does not. */
	snprintf(line, sizeof(line), "root=%sp", url);
	parse(line);
	ck_assert_int_eq(o.root, ROOT_DEFAULT);
	ck_assert_str_eq(o.root_url, "");
	ck_assert_uint_eq(o.warnings, 1);
}
END_TEST

START_TEST(test_console)
{
	parse("console=ttyS0");
	ck_assert_int_eq(o.console, CONSOLE_SERIAL);
	parse("console=serial");
	ck_assert_int_eq(o.console, CONSOLE_SERIAL);
	parse("console=vga");
	ck_assert_int_eq(o.console, CONSOLE_VGA);
	parse("console=ttyS1");
	ck_assert_int_eq(o.console, CONSOLE_DEFAULT);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert_str_eq(host_log_last(), "cmdline: bad value for console: \"ttyS1\"");
	parse("console=vga console=ttyS0");
	ck_assert_int_eq(o.console, CONSOLE_SERIAL);
}
END_TEST

START_TEST(test_ip_good)
{
	parse("ip=dhcp");
	ck_assert_int_eq(o.ip, IP_DHCP);
	parse("ip=10.0.2.15/24");
	ck_assert_int_eq(o.ip, IP_STATIC);
	ck_assert_uint_eq(o.ip_addr, 0x0a00020f);
	ck_assert_uint_eq(o.ip_prefix, 24);
	ck_assert_uint_eq(o.ip_gw, 0);
	parse("ip=192.168.1.200/16,192.168.0.1");
	ck_assert_int_eq(o.ip, IP_STATIC);
	ck_assert_uint_eq(o.ip_addr, 0xc0a801c8);
	ck_assert_uint_eq(o.ip_prefix, 16);
	ck_assert_uint_eq(o.ip_gw, 0xc0a80001);
	parse("ip=0.0.0.0/0");
	ck_assert_int_eq(o.ip, IP_STATIC);
	ck_assert_uint_eq(o.ip_prefix, 0);
	parse("ip=255.255.255.255/32,1.2.3.4");
	ck_assert_uint_eq(o.ip_addr, 0xffffffff);
	ck_assert_uint_eq(o.ip_prefix, 32);
	ck_assert_uint_eq(o.ip_gw, 0x01020304);
	/* dhcp after static clears the address. */
	parse("ip=10.0.2.15/24,10.0.2.2 ip=dhcp");
	ck_assert_int_eq(o.ip, IP_DHCP);
	ck_assert_uint_eq(o.ip_addr, 0);
	ck_assert_uint_eq(o.ip_gw, 0);
	ck_assert_uint_eq(o.keys, 2);
}
END_TEST

START_TEST(test_ip_bad)
{
	static const char *const bad[] = {
		"ip",
		"ip=",
		"ip=DHCP",
		"ip=10.0.2.15",
		"ip=10.0.2.15/",
		"ip=10.0.2.15/33",
		"ip=10.0.2.15/024",
		"ip=10.0.2.15/-1",
		"ip=10.0.2.15/+8",
		"ip=10.0.2.15/100",
		"ip=10.0.2.15/2a",
		"ip=10.0.2/24",
		"ip=10.0.2.15.1/24",
		"ip=10.0.2.256/24",
		"ip=10.0.2.1500/24",
		"ip=010.0.2.15/24",
		"ip=10..2.15/24",
		"ip=.10.0.2.15/24",
		"ip=10.0.2.15./24",
		"ip=x10.0.2.15/24",
		"ip=10.0.2.15x/24",
		"ip=-1.0.2.15/24",
		"ip=10.0.2.15/24,",
		"ip=10.0.2.15/24,10.0.2",
		"ip=10.0.2.15/24,10.0.2.2,",
		"ip=10.0.2.15/24,10.0.2.2.",
		"ip=10.0.2.15/24/8",
		"ip=10.0.2.15/,10.0.2.2",
		"ip=/24",
		"ip=4294967311/24",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i]);
		ck_assert_msg(o.ip == IP_DEFAULT, "%s", bad[i]);
		ck_assert_msg(o.warnings == 1 && o.keys == 0, "%s", bad[i]);
		ck_assert_msg(host_log_contains("cmdline: bad value for ip: \""), "%s", bad[i]);
	}
	/* A bad ip= leaves an earlier good one alone, field by field. */
	parse("ip=10.0.2.15/24,10.0.2.2 ip=10.0.2.16/33,1.1.1.1");
	ck_assert_int_eq(o.ip, IP_STATIC);
	ck_assert_uint_eq(o.ip_addr, 0x0a00020f);
	ck_assert_uint_eq(o.ip_prefix, 24);
	ck_assert_uint_eq(o.ip_gw, 0x0a000202);
}
END_TEST

START_TEST(test_parse_ipv4)
{
	uint32_t a = 0x12345678;

	ck_assert_int_eq(cmdline_parse_ipv4("10.0.2.15", 9, &a), 0);
	ck_assert_uint_eq(a, 0x0a00020f);
	/* len bounds the input: the rest is not looked at. */
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.4garbage", 7, &a), 0);
	ck_assert_uint_eq(a, 0x01020304);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.45", 7, &a), 0);
	ck_assert_uint_eq(a, 0x01020304);
	a = 7;
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.4", 6, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("", 0, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4(NULL, 0, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.4", 8, &a), -EINVAL); /* the NUL */
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.04", 8, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.0", 7, &a), 0);
	ck_assert_uint_eq(a, 0x01020300);
	ck_assert_int_eq(cmdline_parse_ipv4("0.0.0.0", 7, &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3", 5, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.4.", 8, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("+1.2.3.4", 8, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("1.2.3.256", 9, &a), -EINVAL);
	ck_assert_int_eq(cmdline_parse_ipv4("1 .2.3.4", 8, &a), -EINVAL);
}
END_TEST

START_TEST(test_parse_ipv4_exhaustive_octet)
{
	char s[32];
	uint32_t a;
	int v;

	for (v = 0; v < 1000; v++) {
		int n = snprintf(s, sizeof(s), "9.8.7.%d", v);
		int r = cmdline_parse_ipv4(s, (size_t)n, &a);

		if (v <= 255) {
			ck_assert_int_eq(r, 0);
			ck_assert_uint_eq(a, 0x09080700u | (uint32_t)v);
		} else {
			ck_assert_int_eq(r, -EINVAL);
		}
	}
}
END_TEST

START_TEST(test_init)
{
	parse("init=/bin/sh");
	ck_assert_str_eq(o.init, "/bin/sh");
	ck_assert_uint_eq(o.keys, 1);
	parse("init=bin/sh");
	ck_assert_str_eq(o.init, "");
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert_str_eq(host_log_last(), "cmdline: bad value for init: \"bin/sh\"");
	parse("init=");
	ck_assert_uint_eq(o.warnings, 1);
	parse("init=\"/bin/my shell\"");
	ck_assert_str_eq(o.init, "/bin/my shell");
	parse("init=/a init=/b");
	ck_assert_str_eq(o.init, "/b");
}
END_TEST

START_TEST(test_selftest_and_panic)
{
	parse("selftest");
	ck_assert(o.selftest);
	ck_assert_str_eq(o.selftest_group, "");
	ck_assert_int_eq(o.panic, PANIC_EXIT);

	parse("selftest=heap");
	ck_assert(o.selftest);
	ck_assert_str_eq(o.selftest_group, "heap");
	ck_assert_int_eq(o.panic, PANIC_EXIT);

	parse("selftest=net_tcp2");
	ck_assert_str_eq(o.selftest_group, "net_tcp2");

	/* An explicit panic= wins, before or after selftest. */
	parse("panic=halt selftest");
	ck_assert_int_eq(o.panic, PANIC_HALT);
	parse("selftest panic=reboot");
	ck_assert_int_eq(o.panic, PANIC_REBOOT);

	/* An invalid panic= is not explicit. */
	parse("selftest panic=maybe");
	ck_assert_int_eq(o.panic, PANIC_EXIT);
	ck_assert_uint_eq(o.warnings, 1);

	parse("panic=exit");
	ck_assert(!o.selftest);
	ck_assert_int_eq(o.panic, PANIC_EXIT);
	parse("panic=reboot panic=halt");
	ck_assert_int_eq(o.panic, PANIC_HALT);
	ck_assert_uint_eq(o.keys, 2);
	parse("panic");
	ck_assert_int_eq(o.panic, PANIC_HALT);
	ck_assert_uint_eq(o.warnings, 1);
}
END_TEST

START_TEST(test_selftest_group_bad)
{
	static const char *const bad[] = {
		"selftest=",
		"selftest=Heap",
		"selftest=a-b",
		"selftest=a.b",
		"selftest=a/b",
		"selftest=\"a b\"",
		"selftest=0123456789012345678901234567890123", /* too long */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i]);
		ck_assert_msg(!o.selftest, "%s", bad[i]);
		ck_assert_msg(o.warnings == 1, "%s", bad[i]);
		ck_assert_int_eq(o.panic, PANIC_HALT);
	}
	/* The longest group that fits: CMDLINE_GROUP_MAX - 1 characters. */
	parse("selftest=abcdefghijklmnopqrstuvwxyz01234");
	ck_assert(o.selftest);
	ck_assert_str_eq(o.selftest_group, "abcdefghijklmnopqrstuvwxyz01234");
}
END_TEST

START_TEST(test_quiet)
{
	parse("quiet");
	ck_assert(o.quiet);
	parse("quiet=1");
	ck_assert(!o.quiet);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert_str_eq(host_log_last(), "cmdline: bad value for quiet: \"1\"");
}
END_TEST

START_TEST(test_profile)
{
	parse("quiet profile");
	ck_assert(o.profile && o.quiet);
	parse("profile=on");
	ck_assert(!o.profile);
	ck_assert_uint_eq(o.warnings, 1);
}
END_TEST

START_TEST(test_rootfs_and_sha)
{
	parse("root=tftp rootfs=images/root.ext2 rootsha256="
	      "2f2a36c36abc5adeccd6600db6e35565e4e2e19452f50eff2c913b6c489e101C");
	ck_assert_int_eq(o.root, ROOT_TFTP_DHCP);
	ck_assert_str_eq(o.rootfs, "images/root.ext2");
	ck_assert_str_eq(o.rootsha256,
			 "2f2a36c36abc5adeccd6600db6e35565e4e2e19452f50eff2c913b6c489e101C");
	ck_assert_uint_eq(o.warnings, 0);
	/* Too short, not hex, empty: refused with a warning each. */
	parse("rootsha256=abc rootsha256="
	      "zz2a36c36abc5adeccd6600db6e35565e4e2e19452f50eff2c913b6c489e101c rootfs=");
	ck_assert_str_eq(o.rootsha256, "");
	ck_assert_str_eq(o.rootfs, "");
	ck_assert_uint_eq(o.warnings, 3);
}
END_TEST

START_TEST(test_quotes)
{
	parse("k init=\"/bin/a b\tc\" root=\"virtio\" console=v\"g\"a");
	ck_assert_str_eq(o.image, "k");
	ck_assert_str_eq(o.init, "/bin/a b\tc");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert_int_eq(o.console, CONSOLE_VGA);
	ck_assert_uint_eq(o.keys, 3);
	ck_assert_uint_eq(o.warnings, 0);

	/* "" is an empty word: nothing happens, not even a warning. */
	parse("\"\" root=module");
	ck_assert_str_eq(o.image, "");
	ck_assert_int_eq(o.root, ROOT_MODULE);
	ck_assert_uint_eq(o.warnings, 0);

	/* A quoted first word with blanks is still the image. */
	parse("\"/my kernel\" quiet");
	ck_assert_str_eq(o.image, "/my kernel");
	ck_assert(o.quiet);
}
END_TEST

START_TEST(test_unterminated_quote)
{
	parse("root=virtio init=\"/bin/sh quiet");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert_str_eq(o.init, "");
	ck_assert(!o.quiet); /* swallowed by the open quote */
	ck_assert_uint_eq(o.keys, 1);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert(host_log_contains("cmdline: unterminated quote"));
	parse("\"");
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert_str_eq(o.image, "");
}
END_TEST

START_TEST(test_overlong_word)
{
	char *line = malloc(4000);

	/* A value longer than CMDLINE_VALUE_MAX: the word is dropped. */
	memcpy(line, "init=/", 6);
	memset(line + 6, 'a', 1000);
	strcpy(line + 1006, " root=virtio");
	parse(line);
	ck_assert_str_eq(o.init, "");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert_uint_eq(o.keys, 1);
	ck_assert(host_log_contains("cmdline: word too long, ignored"));

	/* init= with exactly CMDLINE_VALUE_MAX - 1 bytes fits, one more does
	 * not (a bad value: the word itself still fits). */
	memcpy(line, "init=/", 6);
	memset(line + 6, 'b', CMDLINE_VALUE_MAX - 2);
	line[5 + CMDLINE_VALUE_MAX - 1] = '\0';
	parse(line);
	ck_assert_uint_eq(strlen(o.init), CMDLINE_VALUE_MAX - 1);
	ck_assert_uint_eq(o.warnings, 0);
	memset(line + 6, 'b', CMDLINE_VALUE_MAX - 1);
	line[5 + CMDLINE_VALUE_MAX] = '\0';
	parse(line);
	ck_assert_str_eq(o.init, "");
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert(host_log_contains("cmdline: bad value for init: \"/bbbb"));
	free(line);
}
END_TEST

START_TEST(test_overlong_image_truncated)
{
	char *line = malloc(2000);

	memcpy(line, "http://", 7);
	memset(line + 7, 'x', 1500);
	strcpy(line + 1507, " quiet");
	parse(line);
	ck_assert_uint_eq(strlen(o.image), CMDLINE_VALUE_MAX - 1);
	ck_assert(!memcmp(o.image, "http://xxx", 10));
	ck_assert(o.quiet);
	ck_assert_uint_eq(o.warnings, 0);
	free(line);
}
END_TEST

START_TEST(test_huge_line)
{
	size_t len = 100 * 1024, i;
	char *line = malloc(len);

	/* 100 KB of short words, exactly `len` bytes with no NUL: ASan checks
	 * that nothing past it is read. */
	memset(line, ' ', len);
	for (i = 0; i + 6 <= len - 20; i += 6)
		memcpy(line + i, "quiet ", 6);
	memcpy(line + len - 11, "root=module", 11);
	parse_n(line, len);
	ck_assert(o.quiet);
	ck_assert_int_eq(o.root, ROOT_MODULE);
	ck_assert_uint_eq(o.warnings, 0);
	ck_assert_uint_gt(o.keys, 17000);

	/* One 100 KB word. */
	memset(line, 'z', len);
	parse_n(line, len);
	ck_assert_uint_eq(strlen(o.image), CMDLINE_VALUE_MAX - 1);
	memcpy(line, "ip=", 3);
	parse_n(line, len);
	ck_assert_uint_eq(o.warnings, 1);
	ck_assert(host_log_contains("word too long"));
	free(line);
}
END_TEST

START_TEST(test_embedded_nul)
{
	static const char line[] = "root=virtio\0quiet console=vga";

	parse_n(line, sizeof(line) - 1);
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert(!o.quiet);
	ck_assert_int_eq(o.console, CONSOLE_DEFAULT);
	ck_assert_uint_eq(o.keys, 1);
}
END_TEST

START_TEST(test_len_bounds)
{
	static const char line[] = "root=virtio quiet";
	char *exact;

	/* len cuts the word "quiet" to "qui": an unknown key. */
	parse_n(line, 15);
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert(!o.quiet);
	ck_assert(host_log_contains("cmdline: unknown key \"qui\", ignored"));

	/* len 4 makes "root" a bare key with no value. */
	parse_n(line, 4);
	ck_assert_int_eq(o.root, ROOT_DEFAULT);
	ck_assert_uint_eq(o.warnings, 1);

	/* An unterminated buffer of exactly len bytes (ASan-checked). */
	exact = malloc(5);
	memcpy(exact, "quiet", 5);
	parse_n(exact, 5);
	ck_assert(o.quiet);
	free(exact);
}
END_TEST

START_TEST(test_blanks)
{
	parse("\t\r\nimg\troot=virtio\r\nquiet\n");
	ck_assert_str_eq(o.image, "img");
	ck_assert_int_eq(o.root, ROOT_VIRTIO);
	ck_assert(o.quiet);
	ck_assert_uint_eq(o.keys, 2);
}
END_TEST

START_TEST(test_later_overrides)
{
	parse("root=virtio console=vga ip=dhcp init=/a panic=reboot "
	      "root=tftp console=ttyS0 ip=10.0.2.15/24 init=/b panic=halt");
	ck_assert_int_eq(o.root, ROOT_TFTP_DHCP);
	ck_assert_int_eq(o.console, CONSOLE_SERIAL);
	ck_assert_int_eq(o.ip, IP_STATIC);
	ck_assert_str_eq(o.init, "/b");
	ck_assert_int_eq(o.panic, PANIC_HALT);
	ck_assert_uint_eq(o.keys, 10);
	ck_assert_uint_eq(o.warnings, 0);
}
END_TEST

START_TEST(test_key_case_and_prefix)
{
	/* Keys are exact: no case folding, no prefixes. */
	parse("x ROOT=virtio roots=virtio ro=virtio quiet2 =virtio");
	ck_assert_int_eq(o.root, ROOT_DEFAULT);
	ck_assert(!o.quiet);
	ck_assert_uint_eq(o.warnings, 5);
	ck_assert(host_log_contains("cmdline: unknown key \"\", ignored"));
}
END_TEST

START_TEST(test_random_bytes)
{
	/* Random junk from every byte value: no crash, every string stays
	 * terminated, the counters stay plausible. */
	unsigned seed = 12345;
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		size_t len = (size_t)(rand_r(&seed) % 700), i;
		char *buf = malloc(len ? len : 1);

		for (i = 0; i < len; i++) {
			int r = rand_r(&seed) % 10;

			buf[i] = r < 2 ? ' ' : r < 3 ? '"' : r < 4 ? '=' : (char)rand_r(&seed);
		}
		parse_n(buf, len);
		ck_assert_uint_lt(strnlen(o.image, sizeof(o.image)), sizeof(o.image));
		ck_assert_uint_lt(strnlen(o.init, sizeof(o.init)), sizeof(o.init));
		ck_assert_uint_lt(strnlen(o.root_url, sizeof(o.root_url)), sizeof(o.root_url));
		ck_assert_uint_lt(strnlen(o.selftest_group, sizeof(o.selftest_group)),
				  sizeof(o.selftest_group));
		ck_assert_uint_le(o.keys + o.warnings, len);
		ck_assert_uint_eq(host_log_total(), o.warnings);
		free(buf);
	}
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_only_image);
	tcase_add_test(tc, test_qemu_style);
	tcase_add_test(tc, test_ipxe_style);
	tcase_add_test(tc, test_grub_style);
	tcase_add_test(tc, test_only_first_word_is_image);
	tcase_add_test(tc, test_unknown_key_text);
	tcase_add_test(tc, test_unknown_key_escaped);
	tcase_add_test(tc, test_unknown_key_long_is_cut);
	tcase_add_test(tc, test_root);
	tcase_add_test(tc, test_root_bad);
	tcase_add_test(tc, test_root_url_must_fit);
	tcase_add_test(tc, test_console);
	tcase_add_test(tc, test_ip_good);
	tcase_add_test(tc, test_ip_bad);
	tcase_add_test(tc, test_parse_ipv4);
	tcase_add_test(tc, test_parse_ipv4_exhaustive_octet);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_selftest_and_panic);
	tcase_add_test(tc, test_selftest_group_bad);
	tcase_add_test(tc, test_quiet);
	tcase_add_test(tc, test_profile);
	tcase_add_test(tc, test_rootfs_and_sha);
	tcase_add_test(tc, test_quotes);
	tcase_add_test(tc, test_unterminated_quote);
	tcase_add_test(tc, test_overlong_word);
	tcase_add_test(tc, test_overlong_image_truncated);
	tcase_add_test(tc, test_huge_line);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_len_bounds);
	tcase_add_test(tc, test_blanks);
	tcase_add_test(tc, test_later_overrides);
	tcase_add_test(tc, test_key_case_and_prefix);
	tcase_add_test(tc, test_random_bytes);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
