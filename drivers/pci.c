/*
 * PCI enumeration through configuration mechanism 1 (PCI 3.0, 3.2.2.3.2):
 * every bus reachable from bus 0 through PCI-to-PCI bridges, every device
 * and, for multi-function devices, every function. BARs are sized by
 * writing all ones with decoding off (PCI 3.0, 6.2.5.1); capability lists
 * are walked with a bound so a looping list cannot hang the kernel.
 *
 * Drivers register a struct pci_driver; probe runs for each device whose
 * vendor/device IDs match its table. Devices nobody claims are logged with
 * their class name.
 *
 * Lock legend: pci_lock guards the device and driver lists and the
 * configuration-address port.
 */
#include <ksvc.h>
#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"

#define MAX_BUSES 256

static struct spinlock pci_lock = SPINLOCK_INIT("pci");
static struct pci_dev *devices, **devices_tail = &devices;
static struct pci_driver *drivers;
static bool bus_seen[MAX_BUSES];

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return PCI_CONFIG_ENABLE | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) |
	       ((uint32_t)fn << 8) | (off & 0xfc);
}

static uint32_t cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	unsigned long fl = spin_lock_irqsave(&pci_lock);
	uint32_t v;

	outl(PCI_CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	v = inl(PCI_CONFIG_DATA);
	spin_unlock_irqrestore(&pci_lock, fl);
	return v;
}

static void cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
	unsigned long fl = spin_lock_irqsave(&pci_lock);

	outl(PCI_CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	outl(PCI_CONFIG_DATA, v);
	spin_unlock_irqrestore(&pci_lock, fl);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return cfg_read32(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return pci_read32(d, off) >> ((off & 2) * 8);
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	return pci_read32(d, off) >> ((off & 3) * 8);
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	cfg_write32(d->bus, d->dev, d->fn, off, v);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & 0xfc);
	unsigned shift = (off & 2) * 8;

	old = (old & ~(0xffffu << shift)) | ((uint32_t)v << shift);
	pci_write32(d, off & 0xfc, old);
}

void pci_enable_device(struct pci_dev *d, bool bus_master)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	cmd |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
	cmd &= ~PCI_COMMAND_INTX_DISABLE;
	if (bus_master)
		cmd |= PCI_COMMAND_MASTER; /* QEMU blocks DMA without it */
	pci_write16(d, PCI_COMMAND, cmd);
}

uint8_t pci_find_capability(const struct pci_dev *d, uint8_t id)
{
	for (unsigned i = 0; i < d->ncaps; i++)
		if (d->caps[i].id == id)
			return d->caps[i].offset;
	return 0;
}

int pci_request_irq(struct pci_dev *d, void (*handler)(void *), void *arg)
{
	if (d->irq_pin == 0 || d->irq_line == 0 || d->irq_line >= 16)
		return -ENODEV;
	return arch_irq_register(d->irq_line, IRQ_SHARED | IRQ_PCI, handler, arg);
}

static void read_bars(struct pci_dev *d)
{
	int nbars = (d->header_type & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE ? 2 : 6;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	/* Decoding off while the BARs hold all ones. */
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		uint8_t off = PCI_BAR0 + i * 4;
		uint32_t lo = pci_read32(d, off), szlo;
		struct pci_bar *b = &d->bars[i];

		pci_write32(d, off, 0xffffffff);
		szlo = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (szlo == 0 || szlo == 0xffffffff)
			continue;
		if (lo & PCI_BAR_IO) {
			b->type = PCI_BAR_IO_SPACE;
			b->base = lo & ~3u;
			b->size = (~(szlo & ~3u) + 1) & 0xffff;
		} else if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && i + 1 < nbars) {
			uint32_t hi = pci_read32(d, off + 4), szhi;
			pci_write32(d, off + 4, 0xffffffff);
			szhi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, hi);
			b->type = PCI_BAR_MEM64;
			b->base = ((uint64_t)hi << 32) | (lo & ~0xfu);
			b->size = ~((((uint64_t)szhi << 32) | (szlo & ~0xfu))) + 1;
			b->prefetchable = lo & PCI_BAR_PREFETCH;
			i++; /* the upper half is not a BAR of its own */
		} else {
			b->type = PCI_BAR_MEM32;
			b->base = lo & ~0xfu;
			b->size = (uint32_t)(~(szlo & ~0xfu) + 1);
			b->prefetchable = lo & PCI_BAR_PREFETCH;
		}
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void read_caps(struct pci_dev *d)
{
	uint8_t off;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	off = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	/* 48 steps is every possible dword of the capability area: a loop ends. */
	for (int guard = 0; off >= 0x40 && guard < 48 && d->ncaps < PCI_MAX_CAPS; guard++) {
		d->caps[d->ncaps].id = pci_read8(d, off);
		d->caps[d->ncaps].offset = off;
		d->ncaps++;
		off = pci_read8(d, off + 1) & 0xfc;
	}
}

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d = kzalloc(sizeof(*d));
	uint32_t id = cfg_read32(bus, dev, fn, PCI_VENDOR_ID);
	uint32_t cls;

	if (!d)
		return;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	cls = pci_read32(d, PCI_REVISION_ID);
	d->revision = cls & 0xff;
	d->prog_if = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	d->header_type = pci_read8(d, PCI_HEADER_TYPE);
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if ((d->header_type & PCI_HEADER_TYPE_MASK) == PCI_HEADER_NORMAL) {
		uint32_t sub = pci_read32(d, PCI_SUBSYS_VENDOR);
		d->subsys_vendor = sub & 0xffff;
		d->subsys_id = sub >> 16;
	}
	read_bars(d);
	read_caps(d);
	*devices_tail = d;
	devices_tail = &d->next;

	if ((d->header_type & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE &&
	    d->class == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_PCI_BRIDGE)
		scan_bus(pci_read8(d, PCI_SECONDARY_BUS));
}

static void scan_bus(uint8_t bus)
{
	if (bus_seen[bus])
		return; /* a misconfigured bridge must not send us round again */
	bus_seen[bus] = true;
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read32(bus, dev, 0, PCI_VENDOR_ID);
		uint8_t ht;
		if ((id & 0xffff) == 0xffff)
			continue;
		ht = cfg_read32(bus, dev, 0, PCI_HEADER_TYPE & 0xfc) >> 16;
		add_function(bus, dev, 0);
		if (!(ht & PCI_HEADER_MULTIFUNC))
			continue;
		for (uint8_t fn = 1; fn < 8; fn++)
			if ((cfg_read32(bus, dev, fn, PCI_VENDOR_ID) & 0xffff) != 0xffff)
				add_function(bus, dev, fn);
	}
}

static bool id_matches(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_device_id *id = drv->id_table; id->vendor || id->device; id++)
		if ((id->vendor == PCI_ANY_ID || id->vendor == d->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == d->device))
			return true;
	return false;
}

static void try_probe(struct pci_driver *drv, struct pci_dev *d)
{
	int err;

	if (d->driver || !id_matches(drv, d))
		return;
	err = drv->probe(d);
	if (err == 0)
		d->driver = drv;
	else
		pr_warn("pci: %02x:%02x.%x: %s probe failed (%d)\n", d->bus, d->dev, d->fn,
			drv->name, err);
}

int pci_register_driver(struct pci_driver *drv)
{
	drv->next = drivers;
	drivers = drv;
	for (struct pci_dev *d = devices; d; d = d->next)
		try_probe(drv, d);
	return 0;
}

struct pci_dev *pci_next(struct pci_dev *prev)
{
	return prev ? prev->next : devices;
}

void pci_init(void)
{
	unsigned n = 0;

	scan_bus(0);
	for (struct pci_dev *d = devices; d; d = d->next) {
		n++;
		pr_info("pci: %02x:%02x.%x %04x:%04x %s%s\n", d->bus, d->dev, d->fn, d->vendor,
			d->device, pci_class_name(d->class, d->subclass),
			d->irq_pin ? "" : ", no INTx");
	}
	pr_info("pci: %u functions\n", n);
}

/* Log what no driver took; called once every built-in driver registered. */
void pci_report_unclaimed(void)
{
	for (struct pci_dev *d = devices; d; d = d->next)
		if (!d->driver && d->class != PCI_CLASS_BRIDGE)
			pr_info("pci: %02x:%02x.%x %s (%04x:%04x): no driver\n", d->bus, d->dev,
				d->fn, pci_class_name(d->class, d->subclass), d->vendor, d->device);
}

int pci_list_show(char *buf, size_t size)
{
	size_t n = 0;

	for (struct pci_dev *d = devices; d && n < size; d = d->next) {
		int w = ksnprintf(buf + n, size - n,
				  "%02x:%02x.%x %04x:%04x class %02x%02x%02x irq %u %s%s%s\n",
				  d->bus, d->dev, d->fn, d->vendor, d->device, d->class,
				  d->subclass, d->prog_if, d->irq_pin ? d->irq_line : 0,
				  pci_class_name(d->class, d->subclass),
				  d->driver ? " driver " : "", d->driver ? d->driver->name : "");
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return (int)MIN(n, size);
}
