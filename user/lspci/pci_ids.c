/*
 * A small PCI name table for the devices QEMU's pc and q35 machines show
 * and common lab hardware, with the spellings of the PCI ID Repository
 * (pci.ids) that Linux's lspci prints; class names from the PCI Code and
 * ID Assignment Specification as pci.ids words them.
 */
#include <stddef.h>
#include "pci_ids.h"

struct vendor_name {
	unsigned id;
	const char *name;
};

struct device_name {
	unsigned vendor, device;
	const char *name;
};

struct class_name {
	unsigned cls, subclass; /* subclass 0x100: the class as a whole */
	const char *name;
};

static const struct vendor_name vendors[] = {
	{0x1002, "Advanced Micro Devices, Inc. [AMD/ATI]"},
	{0x1013, "Cirrus Logic"},
	{0x1022, "Advanced Micro Devices, Inc. [AMD]"},
	{0x10de, "NVIDIA Corporation"},
	{0x10ec, "Realtek Semiconductor Co., Ltd."},
	{0x14e4, "Broadcom Inc. and subsidiaries"},
	{0x15ad, "VMware"},
	{0x1af4, "Red Hat, Inc."},
	{0x1b36, "Red Hat, Inc."},
	{0x80ee, "InnoTek Systemberatung GmbH"},
	{0x8086, "Intel Corporation"},
};

static const struct device_name devices[] = {
	{0x1013, 0x00b8, "GD 5446"},
	{0x10ec, 0x8029, "RTL-8029(AS)"},
	{0x10ec, 0x8139, "RTL-8100/8101L/8139 PCI Fast Ethernet Adapter"},
	{0x10ec, 0x8168, "RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller"},
	{0x15ad, 0x0405, "SVGA II Adapter"},
	{0x1af4, 0x1000, "Virtio network device"},
	{0x1af4, 0x1001, "Virtio block device"},
	{0x1af4, 0x1002, "Virtio memory balloon"},
	{0x1af4, 0x1003, "Virtio console"},
	{0x1af4, 0x1004, "Virtio SCSI"},
	{0x1af4, 0x1005, "Virtio RNG"},
	{0x1af4, 0x1041, "Virtio 1.0 network device"},
	{0x1af4, 0x1042, "Virtio 1.0 block device"},
	{0x1af4, 0x1100, "QEMU Virtual Machine"},
	{0x1b36, 0x000d, "QEMU XHCI Host Controller"},
	{0x1b36, 0x0100, "QXL paravirtual graphic card"},
	{0x80ee, 0xbeef, "VirtualBox Graphics Adapter"},
	{0x80ee, 0xcafe, "VirtualBox Guest Service"},
	{0x8086, 0x100e, "82540EM Gigabit Ethernet Controller"},
	{0x8086, 0x10d3, "82574L Gigabit Network Connection"},
	{0x8086, 0x1237, "440FX - 82441FX PMC [Natoma]"},
	{0x8086, 0x2415, "82801AA AC'97 Audio Controller"},
	{0x8086, 0x2668, "82801FB/FBM/FR/FW/FRW (ICH6 Family) High Definition Audio Controller"},
	{0x8086, 0x2918, "82801IB (ICH9) LPC Interface Controller"},
	{0x8086, 0x2922, "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]"},
	{0x8086, 0x2930, "82801I (ICH9 Family) SMBus Controller"},
	{0x8086, 0x293e, "82801I (ICH9 Family) HD Audio Controller"},
	{0x8086, 0x29c0, "82G33/G31/P35/P31 Express DRAM Controller"},
	{0x8086, 0x7000, "82371SB PIIX3 ISA [Natoma/Triton II]"},
	{0x8086, 0x7010, "82371SB PIIX3 IDE [Natoma/Triton II]"},
	{0x8086, 0x7020, "82371SB PIIX3 USB [Natoma/Triton II]"},
	{0x8086, 0x7113, "82371AB/EB/MB PIIX4 ACPI"},
};

static const struct class_name classes[] = {
	{0x00, 0x01, "VGA compatible unclassified device"},
	{0x00, 0x100, "Unclassified device"},
	{0x01, 0x00, "SCSI storage controller"},
	{0x01, 0x01, "IDE interface"},
	{0x01, 0x02, "Floppy disk controller"},
	{0x01, 0x04, "RAID bus controller"},
	{0x01, 0x05, "ATA controller"},
	{0x01, 0x06, "SATA controller"},
	{0x01, 0x07, "Serial Attached SCSI controller"},
	{0x01, 0x08, "Non-Volatile memory controller"},
	{0x01, 0x100, "Mass storage controller"},
	{0x02, 0x00, "Ethernet controller"},
	{0x02, 0x100, "Network controller"},
	{0x03, 0x00, "VGA compatible controller"},
	{0x03, 0x02, "3D controller"},
	{0x03, 0x100, "Display controller"},
	{0x04, 0x00, "Multimedia video controller"},
	{0x04, 0x01, "Multimedia audio controller"},
	{0x04, 0x03, "Audio device"},
	{0x04, 0x100, "Multimedia controller"},
	{0x05, 0x00, "RAM memory"},
	{0x05, 0x100, "Memory controller"},
	{0x06, 0x00, "Host bridge"},
	{0x06, 0x01, "ISA bridge"},
	{0x06, 0x04, "PCI bridge"},
	{0x06, 0x100, "Bridge"},
	{0x07, 0x00, "Serial controller"},
	{0x07, 0x100, "Communication controller"},
	{0x08, 0x100, "System peripheral"},
	{0x09, 0x00, "Keyboard controller"},
	{0x09, 0x100, "Input device controller"},
	{0x0c, 0x03, "USB controller"},
	{0x0c, 0x05, "SMBus"},
	{0x0c, 0x100, "Serial bus controller"},
	{0x0d, 0x100, "Wireless controller"},
};

const char *pci_vendor_name(unsigned vendor)
{
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
		if (vendors[i].id == vendor)
			return vendors[i].name;
	return NULL;
}

const char *pci_device_name(unsigned vendor, unsigned device)
{
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i].vendor == vendor && devices[i].device == device)
			return devices[i].name;
	return NULL;
}

const char *pci_class_name(unsigned cls, unsigned subclass)
{
	const char *whole = NULL;

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (classes[i].cls != cls)
			continue;
		if (classes[i].subclass == subclass)
			return classes[i].name;
		if (classes[i].subclass == 0x100)
			whole = classes[i].name;
	}
	return whole;
}
