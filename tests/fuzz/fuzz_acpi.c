/*
 * libFuzzer target for drivers/acpi_parse.c: arbitrary bytes as AML for the
 * \_S5 search and as a MADT. Firmware tables are untrusted input: no crash,
 * no read outside the buffer (ASan), and the counts stay within bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t a, b;
	struct madt_info mi;
	/* Copy so ASan sees the exact end of the table. */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	(void)acpi_find_s5(copy, size, &a, &b);
	if (acpi_parse_madt(copy, size, &mi) == 0) {
		if (mi.nioapics > 8 || mi.noverrides > 16)
			abort();
	}
	free(copy);
	return 0;
}
