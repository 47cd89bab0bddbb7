/*
 * lspci: list PCI functions as Linux's lspci (pciutils) does:
 * "BB:DD.F Class: Vendor Device (rev RR)". Sources: /proc/bus/pci/devices
 * for the list, IRQs, BARs and drivers, and each function's configuration
 * space in /proc/bus/pci/BB/DD.F for class, revision, subsystem and the
 * command register (kernel/sysinfo_hw.c). Names come from the table in
 * pci_ids.c; unknown ones print as numbers, as lspci does.
 *
 * Options: -n numbers instead of names, -nn both, -v details (subsystem,
 * flags and IRQ, BARs, the kernel driver), -s [[BB]:][DD][.F] a selection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pci_ids.h"

#define DEVICES "/proc/bus/pci/devices"

struct opts {
	int numeric, verbose;
	int bus, dev, fn; /* -1: any */
};

struct config {
	unsigned cls, subclass, progif, rev, subvendor, subdevice, command, header;
	int ok;
};

static void read_config(const struct pci_entry *e, struct config *c)
{
	char path[64];
	unsigned char cfg[64];
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/bus/pci/%02x/%02x.%x", e->bus, e->dev, e->fn);
	f = fopen(path, "rb");
	if (!f)
		return;
	if (fread(cfg, 1, sizeof(cfg), f) == sizeof(cfg)) {
		c->command = cfg[4] | cfg[5] << 8;
		c->rev = cfg[8];
		c->progif = cfg[9];
		c->subclass = cfg[10];
		c->cls = cfg[11];
		c->header = cfg[14] & 0x7f;
		c->subvendor = cfg[0x2c] | cfg[0x2d] << 8;
		c->subdevice = cfg[0x2e] | cfg[0x2f] << 8;
		c->ok = 1;
	}
	fclose(f);
}

static void print_class(const struct opts *o, const struct config *c)
{
	const char *name = pci_class_name(c->cls, c->subclass);

	if (o->numeric == 1 || !c->ok) {
		printf("%02x%02x:", c->cls, c->subclass);
		return;
	}
	if (name)
		printf("%s", name);
	else
		printf("Class %02x%02x", c->cls, c->subclass);
	if (o->numeric == 2)
		printf(" [%02x%02x]", c->cls, c->subclass);
	printf(":");
}

static void print_name(const struct opts *o, unsigned vendor, unsigned device)
{
	const char *vn = pci_vendor_name(vendor), *dn = pci_device_name(vendor, device);

	if (o->numeric == 1) {
		printf("%04x:%04x", vendor, device);
		return;
	}
	if (vn && dn)
		printf("%s %s", vn, dn);
	else if (vn)
		printf("%s Device %04x", vn, device);
	else
		printf("Device %04x:%04x", vendor, device);
	if (o->numeric == 2 && (vn || dn))
		printf(" [%04x:%04x]", vendor, device);
}

static void print_bars(const struct pci_entry *e)
{
	for (int i = 0; i < PCI_NRES - 1; i++) {
		uint64_t b = e->base[i];
		char size[16];

		if (!e->size[i])
			continue;
		pci_format_size(e->size[i], size, sizeof(size));
		if (b & 1)
			printf("\tI/O ports at %llx [size=%s]\n", (unsigned long long)(b & ~3ull),
			       size);
		else
			printf("\tMemory at %llx (%s, %sprefetchable) [size=%s]\n",
			       (unsigned long long)(b & ~0xfull), (b & 4) ? "64-bit" : "32-bit",
			       (b & 8) ? "" : "non-", size);
	}
}

static void show(const struct opts *o, const struct pci_entry *e)
{
	struct config c;

	read_config(e, &c);
	printf("%02x:%02x.%x ", e->bus, e->dev, e->fn);
	print_class(o, &c);
	printf(" ");
	print_name(o, e->vendor, e->device);
	if (c.ok && c.rev)
		printf(" (rev %02x)", c.rev);
	if (c.ok && c.progif && o->verbose)
		printf(" (prog-if %02x)", c.progif);
	printf("\n");
	if (!o->verbose)
		return;
	if (c.ok && c.header == 0 && c.subvendor && c.subvendor != 0xffff) {
		printf("\tSubsystem: ");
		print_name(o, c.subvendor, c.subdevice);
		printf("\n");
	}
	printf("\tFlags: %s", c.ok && (c.command & 4) ? "bus master, " : "");
	printf("fast devsel");
	if (e->irq)
		printf(", IRQ %u", e->irq);
	printf("\n");
	print_bars(e);
	if (e->driver[0])
		printf("\tKernel driver in use: %s\n", e->driver);
	printf("\n");
}

/* -s [[BB]:][DD][.F] */
static int parse_slot(const char *s, struct opts *o)
{
	const char *colon = strchr(s, ':'), *dot = strchr(s, '.');
	char *end;

	if (colon) {
		if (colon > s) {
			o->bus = (int)strtol(s, &end, 16);
			if (end != colon)
				return -1;
		}
		s = colon + 1;
	}
	if (*s && s != dot) {
		o->dev = (int)strtol(s, &end, 16);
		if (end != (dot ? dot : s + strlen(s)))
			return -1;
	}
	if (dot) {
		o->fn = (int)strtol(dot + 1, &end, 16);
		if (*end)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0, 0, -1, -1, -1};
	char line[512];
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "nvs:")) != -1) {
		switch (c) {
		case 'n':
			o.numeric++;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 's':
			if (parse_slot(optarg, &o) == 0)
				break;
			fprintf(stderr, "lspci: -s: bad slot '%s'\n", optarg);
			return 2;
		default:
			fprintf(stderr, "usage: lspci [-n[n]] [-v] [-s [[bus]:][dev][.fn]]\n");
			return 2;
		}
	}
	if (o.numeric > 2)
		o.numeric = 2;
	f = fopen(DEVICES, "r");
	if (!f) {
		fprintf(stderr, "lspci: %s: %s\n", DEVICES, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct pci_entry e;

		if (pci_parse_devices_line(line, &e)) {
			fprintf(stderr, "lspci: %s: malformed line\n", DEVICES);
			continue;
		}
		if ((o.bus >= 0 && (unsigned)o.bus != e.bus) ||
		    (o.dev >= 0 && (unsigned)o.dev != e.dev) ||
		    (o.fn >= 0 && (unsigned)o.fn != e.fn))
			continue;
		show(&o, &e);
	}
	fclose(f);
	return 0;
}
