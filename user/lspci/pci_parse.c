/*
 * Parsing /proc/bus/pci/devices (the format of Linux's
 * drivers/pci/proc.c: "BBDF\tVVVVDDDD\tIRQ", seven addresses, seven sizes,
 * an optional driver name, tab-separated hex) and lspci's size format.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pci_ids.h"

static int hex_field(const char **s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (**s == '\t' || **s == ' ')
		(*s)++;
	if (!**s || **s == '\n')
		return -1;
	v = strtoull(*s, &end, 16);
	if (end == *s || (*end && *end != '\t' && *end != '\n' && *end != ' '))
		return -1;
	*s = end;
	*out = v;
	return 0;
}

int pci_parse_devices_line(const char *line, struct pci_entry *e)
{
	const char *s = line;
	uint64_t bdf, id, irq;
	size_t n;

	memset(e, 0, sizeof(*e));
	if (hex_field(&s, &bdf) || hex_field(&s, &id) || hex_field(&s, &irq) || bdf > 0xffff ||
	    id > 0xffffffffu)
		return -1;
	for (int i = 0; i < PCI_NRES; i++)
		if (hex_field(&s, &e->base[i]))
			return -1;
	for (int i = 0; i < PCI_NRES; i++)
		if (hex_field(&s, &e->size[i]))
			return -1;
	e->bus = (unsigned)(bdf >> 8);
	e->dev = (unsigned)(bdf >> 3) & 0x1f;
	e->fn = (unsigned)bdf & 7;
	e->vendor = (unsigned)(id >> 16);
	e->device = (unsigned)id & 0xffff;
	e->irq = (unsigned)irq;
	while (*s == '\t' || *s == ' ')
		s++;
	n = strcspn(s, "\t\n ");
	if (n >= sizeof(e->driver))
		n = sizeof(e->driver) - 1;
	memcpy(e->driver, s, n);
	e->driver[n] = 0;
	return 0;
}

void pci_format_size(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (size >= 1024 && !(size % 1024) && u < 3) {
		size /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, size);
	else
		snprintf(buf, len, "%" PRIu64 "%c", size, units[u]);
}
