/*
 * Kernel command-line parsing (kernel/lib/cmdline.c). Pure logic: built into
 * the kernel and into host unit tests and the fuzz target.
 *
 * The line is a list of words separated by blanks. A word is `key=value`
 * or a bare flag `key`; a value may be double-quoted to hold blanks
 * (key="a b"). QEMU and iPXE put the kernel's path or URI first and GRUB does
 * not, so a first word that is not a known key is taken as the boot image
 * name. Unknown keys, malformed values and over-long words are logged with
 * pr_warn, counted in `warnings`, and skipped; parsing never fails.
 *
 * Keys (README "Command line"):
 *   root=virtio|module|tftp|tftp://HOST/PATH
 *   console=ttyS0|vga (tty0 and tty1 mean vga, as on Linux)
 *   ip=dhcp|ADDR/NN[,GW]
 *   init=PATH
 *   selftest[=GROUP]
 *   quiet
 *   panic=halt|reboot|exit      (exit: leave QEMU through isa-debug-exit)
 */
#ifndef KERNEL_LIB_CMDLINE_H
#define KERNEL_LIB_CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define CMDLINE_MAX	  4096 /* bytes of the loader's line that are kept */
#define CMDLINE_VALUE_MAX 256  /* longest accepted value, with its NUL */
#define CMDLINE_GROUP_MAX 32

enum root_kind {
	ROOT_DEFAULT = 0, /* not given */
	ROOT_VIRTIO,
	ROOT_MODULE,
	ROOT_TFTP_DHCP, /* root=tftp: server and path from DHCP */
	ROOT_TFTP_URL,	/* root=tftp://HOST/PATH, URL in root_url */
};

enum console_kind {
	CONSOLE_DEFAULT = 0,
	CONSOLE_SERIAL,
	CONSOLE_VGA,
};

enum ip_mode {
	IP_DEFAULT = 0,
	IP_DHCP,
	IP_STATIC,
};

enum panic_action {
	PANIC_HALT = 0,
	PANIC_REBOOT,
	PANIC_EXIT,
};

struct boot_options {
	char image[CMDLINE_VALUE_MAX]; /* first word when it names the kernel file */
	enum root_kind root;
	char root_url[CMDLINE_VALUE_MAX];
	char rootfs[CMDLINE_VALUE_MAX]; /* root=tftp: the path, instead of DHCP's file */
	char rootsha256[65];		/* root=tftp: the image's digest, hex; empty: none */
	enum console_kind console;
	enum ip_mode ip;
	uint32_t ip_addr; /* host byte order: 10.0.2.15 is 0x0a00020f */
	uint8_t ip_prefix;
	uint32_t ip_gw; /* 0 when absent */
	char init[CMDLINE_VALUE_MAX];
	bool selftest;
	char selftest_group[CMDLINE_GROUP_MAX]; /* empty: every group */
	bool quiet;
	bool profile; /* sample the kernel (kernel/lib/profile.c) */
	enum panic_action panic;
	unsigned warnings; /* problems found while parsing */
	unsigned keys;	   /* recognised keys */
};

void cmdline_defaults(struct boot_options *o);

/* Parse at most `len` bytes of `line` (stopping early at a NUL) into `o`,
 * which must have been set by cmdline_defaults. Later keys override earlier. */
void cmdline_parse(const char *line, size_t len, struct boot_options *o);

/* Parse a dotted quad. Returns 0 and the host-order address, or -EINVAL. */
int cmdline_parse_ipv4(const char *s, size_t len, uint32_t *out);

#endif
