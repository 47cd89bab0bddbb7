/*
 * arp: the kernel's ARP cache from /proc/net/arp in `arp -n`'s layout
 * (names are never looked up). `arp -i IF` shows one interface.
 * docs/nettools.md. Exit status: 0, or 1 on an error.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nt_show.h"
#include "nt_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: arp [-n] [-a] [-i IF]\n"
		   "Shows the ARP cache (/proc/net/arp); addresses are always numeric.\n");
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	int opt;

	nt_prog = "arp";
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "nai:v")) != -1) {
		switch (opt) {
		case 'i':
			dev = optarg;
			break;
		case 'n':
		case 'a':
		case 'v':
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		nt_err("setting or deleting entries is not supported");
		usage(stderr);
		return 1;
	}
	return nt_show_arp(dev);
}
