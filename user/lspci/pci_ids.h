/*
 * lspci's data: the /proc/bus/pci/devices line parser and the names of
 * PCI vendors, devices and classes (pci_parse.c, pci_ids.c). Pure code,
 * also built on the host by tests/unit/test_hwinfo.c.
 */
#ifndef USER_LSPCI_PCI_IDS_H
#define USER_LSPCI_PCI_IDS_H

#include <stddef.h>
#include <stdint.h>

#define PCI_NRES 7 /* six BARs and the expansion ROM, as Linux lists them */

struct pci_entry {
	unsigned bus, dev, fn;
	unsigned vendor, device, irq;
	uint64_t base[PCI_NRES]; /* with the low flag bits, as in the file */
	uint64_t size[PCI_NRES];
	char driver[32];
};

/* One line of /proc/bus/pci/devices (Linux's format): 0, or -1 when the
 * line is malformed. */
int pci_parse_devices_line(const char *line, struct pci_entry *e);

/* Names, or NULL when the table does not know them. */
const char *pci_vendor_name(unsigned vendor);
const char *pci_device_name(unsigned vendor, unsigned device);
/* The class name lspci prints for class/subclass; NULL if unknown. */
const char *pci_class_name(unsigned cls, unsigned subclass);

/* lspci's size format: "256", "4K", "1M", "2G". */
void pci_format_size(uint64_t size, char *buf, size_t len);

#endif
