/*
 * Kernel symbol lookup for backtraces (kernel/lib/ksyms.c). The table is
 * generated at build time by scripts/gen-ksyms from the first link and
 * linked into .ksyms; see the Makefile.
 */
#ifndef KERNEL_LIB_KSYMS_H
#define KERNEL_LIB_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
};

/*
 * Find the symbol containing `addr` in a table sorted by address, where the
 * last symbol ends at `end`. Returns its index, or -1 if addr is outside.
 */
long ksyms_search(const struct ksym *tab, size_t n, uint64_t end, uint64_t addr);

/* Write "name+0xOFF/0xSIZE" for `addr` into buf, or "?" if unknown. */
void ksyms_format(uint64_t addr, char *buf, size_t size);

/* The kernel's own table: the index of the symbol holding addr (-1 when
 * outside the text), a symbol's name by index, and the number of symbols. */
long ksyms_index(uint64_t addr);
const char *ksyms_name(long i);
size_t ksyms_total(void);

#endif
