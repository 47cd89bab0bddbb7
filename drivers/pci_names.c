/*
 * Human names for PCI class codes (PCI Code and ID Assignment
 * Specification 1.11, appendix D), for the boot log and /proc/bus/pci.
 */
#include <ksvc.h>
#include "drivers/pci.h"

struct class_name {
	uint8_t class, subclass; /* subclass 0xff: any */
	const char *name;
};

static const struct class_name names[] = {
	{0x00, 0x01, "VGA-compatible device"},
	{0x01, 0x00, "SCSI controller"},
	{0x01, 0x01, "IDE controller"},
	{0x01, 0x05, "ATA controller"},
	{0x01, 0x06, "SATA controller"},
	{0x01, 0x08, "NVMe controller"},
	{0x01, 0xff, "storage controller"},
	{0x02, 0x00, "Ethernet controller"},
	{0x02, 0xff, "network controller"},
	{0x03, 0x00, "VGA controller"},
	{0x03, 0xff, "display controller"},
	{0x04, 0x01, "audio device"},
	{0x04, 0x03, "HD audio device"},
	{0x04, 0xff, "multimedia device"},
	{0x05, 0xff, "memory controller"},
	{0x06, 0x00, "host bridge"},
	{0x06, 0x01, "ISA bridge"},
	{0x06, 0x04, "PCI bridge"},
	{0x06, 0x80, "bridge"},
	{0x06, 0xff, "bridge"},
	{0x07, 0x00, "serial controller"},
	{0x07, 0xff, "communication controller"},
	{0x08, 0xff, "system peripheral"},
	{0x09, 0xff, "input controller"},
	{0x0c, 0x03, "USB controller"},
	{0x0c, 0x05, "SMBus controller"},
	{0x0c, 0xff, "serial bus controller"},
	{0xff, 0xff, "unassigned class"},
};

const char *pci_class_name(uint8_t class, uint8_t subclass)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].class == class &&
		    (names[i].subclass == subclass || names[i].subclass == 0xff))
			return names[i].name;
	return "unknown device";
}
