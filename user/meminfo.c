/*
 * meminfo: the physical memory map the boot loader reported (e820 through
 * multiboot, normalised by the kernel and served as /proc/iomem in
 * Linux's "start-end : type" format, kernel/sysinfo_hw.c) with each
 * range's size and the totals per type, then the usage from /proc/meminfo
 * (total, free, used, buffers, kernel heap). -k prints sizes in KiB only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TYPES 8

struct total {
	char type[40];
	unsigned long long bytes;
	unsigned ranges;
};

static void human(unsigned long long b, char *out, size_t len, int kib_only)
{
	if (kib_only || b < (1ull << 20))
		snprintf(out, len, "%llu KiB", b >> 10);
	else if (b < (1ull << 30))
		snprintf(out, len, "%.1f MiB", (double)b / (1 << 20));
	else
		snprintf(out, len, "%.2f GiB", (double)b / (1 << 30));
}

static long long meminfo_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	struct total totals[MAX_TYPES];
	int ntypes = 0, kib = 0, c;
	char line[256], text[4096], size[32];
	FILE *f;
	size_t n;
	long long total, avail_free, buffers, slab;

	while ((c = getopt(argc, argv, "k")) != -1) {
		if (c != 'k') {
			fprintf(stderr, "usage: meminfo [-k]\n");
			return 2;
		}
		kib = 1;
	}
	f = fopen("/proc/iomem", "r");
	if (!f) {
		perror("meminfo: /proc/iomem");
		return 1;
	}
	printf("Physical memory map (boot loader, /proc/iomem):\n");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char type[40];
		int i;

		if (sscanf(line, "%llx-%llx : %39[^\n]", &start, &end, type) != 3 || end < start)
			continue;
		human(end - start + 1, size, sizeof(size), kib);
		printf("  %016llx-%016llx %12s  %s\n", start, end, size, type);
		for (i = 0; i < ntypes && strcmp(totals[i].type, type); i++)
			;
		if (i == ntypes && ntypes < MAX_TYPES) {
			snprintf(totals[ntypes].type, sizeof(totals[ntypes].type), "%s", type);
			totals[ntypes].bytes = 0;
			totals[ntypes].ranges = 0;
			ntypes++;
		}
		if (i < ntypes) {
			totals[i].bytes += end - start + 1;
			totals[i].ranges++;
		}
	}
	fclose(f);
	printf("Totals:\n");
	for (int i = 0; i < ntypes; i++) {
		human(totals[i].bytes, size, sizeof(size), kib);
		printf("  %-28s %12s in %u range%s (%llu KiB)\n", totals[i].type, size,
		       totals[i].ranges, totals[i].ranges == 1 ? "" : "s", totals[i].bytes >> 10);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f) {
		perror("meminfo: /proc/meminfo");
		return 1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	total = meminfo_kb(text, "MemTotal:");
	avail_free = meminfo_kb(text, "MemFree:");
	buffers = meminfo_kb(text, "Buffers:");
	slab = meminfo_kb(text, "Slab:");
	printf("Usage (/proc/meminfo):\n");
	printf("  %-10s %10lld KiB\n", "total", total);
	printf("  %-10s %10lld KiB\n", "used",
	       total >= 0 && avail_free >= 0 ? total - avail_free : -1);
	printf("  %-10s %10lld KiB\n", "free", avail_free);
	printf("  %-10s %10lld KiB\n", "buffers", buffers);
	printf("  %-10s %10lld KiB\n", "kernel heap", slab);
	return 0;
}
