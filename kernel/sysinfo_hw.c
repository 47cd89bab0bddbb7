/*
 * The hardware /proc files, in Linux's formats (proc(5)), for lspci and
 * meminfo (user/lspci, user/meminfo.c):
 *
 * - bus/pci/devices: one line per function, as Linux's
 *   drivers/pci/proc.c prints it: "BBDF\tVVVVDDDD\tIRQ", seven BAR
 *   addresses with their low flag bits (I/O bit 0; memory type bits 1-2
 *   and prefetchable bit 3), seven sizes (the seventh is the ROM, not
 *   decoded here: 0), then the driver's name.
 * - bus/pci/BB/DD.F: the function's 256-byte configuration space, read
 *   when the file is opened (the header gives class and revision).
 * - iomem: the firmware memory map from the boot loader (e820 through
 *   multiboot), normalised, "start-end : type" with inclusive ends and
 *   Linux's type names.
 */
#include <ksvc.h>
#include "drivers/pci.h"
#include "fs/procfs.h"
#include "kernel/bootinfo.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memmap.h"
#include "kernel/sysinfo.h"

#define PCI_CONFIG_SIZE 256

static uint64_t bar_flags(const struct pci_bar *b)
{
	switch (b->type) {
	case PCI_BAR_IO_SPACE:
		return 0x1;
	case PCI_BAR_MEM32:
		return b->prefetchable ? 0x8 : 0;
	case PCI_BAR_MEM64:
		return 0x4 | (b->prefetchable ? 0x8 : 0);
	default:
		return 0;
	}
}

static int show_pci_devices(char *buf, size_t size, void *arg)
{
	typedef unsigned long long ull;
	size_t n = 0;

	for (struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
		n = ksnappend(buf, size, n, "%02x%02x\t%04x%04x\t%x", d->bus, (d->dev << 3) | d->fn,
			      d->vendor, d->device, d->irq_pin ? d->irq_line : 0);
		for (int i = 0; i < 7; i++) {
			const struct pci_bar *b = i < 6 ? &d->bars[i] : NULL;
			n = ksnappend(buf, size, n, "\t%16llx",
				      b && b->type != PCI_BAR_NONE ? (ull)(b->base | bar_flags(b))
								   : 0ull);
		}
		for (int i = 0; i < 7; i++) {
			const struct pci_bar *b = i < 6 ? &d->bars[i] : NULL;
			n = ksnappend(buf, size, n, "\t%16llx",
				      b && b->type != PCI_BAR_NONE ? (ull)b->size : 0ull);
		}
		n = ksnappend(buf, size, n, "\t%s\n", d->driver ? d->driver->name : "");
	}
	return (int)n;
}

static int show_pci_config(char *buf, size_t size, void *arg)
{
	const struct pci_dev *d = arg;
	size_t n = MIN(size, (size_t)PCI_CONFIG_SIZE) & ~(size_t)3;

	for (size_t off = 0; off < n; off += 4) {
		uint32_t v = pci_read32(d, (uint8_t)off);
		memcpy(buf + off, &v, 4);
	}
	return (int)n;
}

static const char *iomem_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return "System RAM";
	case MEM_ACPI_RECLAIM:
		return "ACPI Tables";
	case MEM_ACPI_NVS:
		return "ACPI Non-volatile Storage";
	case MEM_BAD:
		return "Unusable memory";
	default:
		return "Reserved";
	}
}

static int show_iomem(char *buf, size_t size, void *arg)
{
	struct mem_region *map = kmalloc(MEMMAP_MAX * sizeof(*map));
	size_t n = 0, count;

	if (!map)
		return -ENOMEM;
	count = memmap_normalize(boot_info.map, boot_info.nmap, map, MEMMAP_MAX);
	for (size_t i = 0; i < count; i++)
		if (map[i].end > map[i].start)
			n = ksnappend(buf, size, n, "%08llx-%08llx : %s\n",
				      (unsigned long long)map[i].start,
				      (unsigned long long)(map[i].end - 1),
				      iomem_name(map[i].type));
	kfree(map);
	return (int)n;
}

void sysinfo_hw_init(void)
{
	char path[32];

	procfs_register("bus/pci/devices", show_pci_devices, NULL);
	for (struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
		ksnprintf(path, sizeof(path), "bus/pci/%02x/%02x.%x", d->bus, d->dev, d->fn);
		procfs_register(path, show_pci_config, d);
	}
	procfs_register("iomem", show_iomem, NULL);
}
