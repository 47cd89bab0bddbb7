/*
 * PCI bus enumeration and the driver model (drivers/pci.c). Drivers
 * register a struct pci_driver with an ID table; the PCI layer calls probe
 * for every matching device, now or when it is found.
 *
 * Lock legend: the device and driver lists are built at boot and changed
 * only under pci_lock; a struct pci_dev belongs to its driver once probed.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PCI_ANY_ID 0xffff

enum pci_bar_type {
	PCI_BAR_NONE = 0,
	PCI_BAR_IO_SPACE,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
};

struct pci_bar {
	enum pci_bar_type type;
	uint64_t base;
	uint64_t size;
	bool prefetchable;
};

#define PCI_MAX_CAPS 16

struct pci_driver;

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_id;
	uint8_t class, subclass, prog_if, revision;
	uint8_t header_type;
	uint8_t irq_line, irq_pin; /* irq_pin 0: no INTx */
	struct pci_bar bars[6];
	unsigned ncaps;
	struct {
		uint8_t id, offset;
	} caps[PCI_MAX_CAPS];
	struct pci_driver *driver;
	void *driver_data;
	struct pci_dev *next;
};

struct pci_device_id {
	uint16_t vendor, device; /* PCI_ANY_ID matches any; {0, 0} ends a table */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;
	/* 0 to claim the device, -errno to leave it. */
	int (*probe)(struct pci_dev *pdev);
	struct pci_driver *next;
};

/* Scan every bus reachable from bus 0 through bridges. */
void pci_init(void);
int pci_register_driver(struct pci_driver *drv);
/* Log the devices no driver claimed, with their class names. */
void pci_report_unclaimed(void);

uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
/* Turn on I/O and memory decoding and bus mastering (DMA). */
void pci_enable_device(struct pci_dev *d, bool bus_master);
/* Offset of the first capability with `id`, or 0. */
uint8_t pci_find_capability(const struct pci_dev *d, uint8_t id);
/* Route the device's INTx to `handler` (shared, level-triggered). 0 or -errno. */
int pci_request_irq(struct pci_dev *d, void (*handler)(void *), void *arg);

const char *pci_class_name(uint8_t class, uint8_t subclass);
/* One line per device, as /proc/bus/pci shows it. Returns the length. */
int pci_list_show(char *buf, size_t size);
struct pci_dev *pci_next(struct pci_dev *prev);

#endif
