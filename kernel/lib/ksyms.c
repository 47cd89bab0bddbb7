/*
 * Symbol lookup for backtraces: binary search over the build-time table
 * (scripts/gen-ksyms). The search is pure logic; only ksyms_format reads the
 * kernel's own table.
 */
#include "kernel/lib/ksyms.h"
#include "kernel/lib/printf.h"

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern char __text_end[];

long ksyms_search(const struct ksym *tab, size_t n, uint64_t end, uint64_t addr)
{
	size_t lo = 0, hi = n;

	if (n == 0 || addr < tab[0].addr || addr >= end)
		return -1;
	/* Invariant: tab[lo].addr <= addr, and the answer is below hi. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tab[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

long ksyms_index(uint64_t addr)
{
	return ksyms_search(ksyms_table, ksyms_count, (uint64_t)__text_end, addr);
}

const char *ksyms_name(long i)
{
	return i >= 0 && (uint64_t)i < ksyms_count ? ksyms_table[i].name : "?";
}

size_t ksyms_total(void)
{
	return ksyms_count;
}

void ksyms_format(uint64_t addr, char *buf, size_t size)
{
	long i = ksyms_search(ksyms_table, ksyms_count, (uint64_t)__text_end, addr);
	uint64_t next;

	if (i < 0) {
		ksnprintf(buf, size, "?");
		return;
	}
	next = (size_t)i + 1 < ksyms_count ? ksyms_table[i + 1].addr : (uint64_t)__text_end;
	ksnprintf(buf, size, "%s+0x%llx/0x%llx", ksyms_table[i].name,
		  (unsigned long long)(addr - ksyms_table[i].addr),
		  (unsigned long long)(next - ksyms_table[i].addr));
}
