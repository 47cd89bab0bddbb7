/*
 * lscpu: the CPU as util-linux's lscpu lays it out. The vendor, model
 * name, family, model, stepping and caches come from CPUID (executed
 * here: it is not privileged); the CPU count, frequency (the kernel's TSC
 * calibration), BogoMIPS and flags come from /proc/cpuinfo
 * (kernel/sysinfo.c). Parsing and cache decoding are in cpu_parse.c.
 */
#include <cpuid.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_parse.h"

#define CPUINFO "/proc/cpuinfo"
#define COL	25

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	for (;;) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (n < cap - 1)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			break;
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

static void row(int indent, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void row(int indent, const char *key, const char *fmt, ...)
{
	va_list ap;
	int w = printf("%*s%s:", indent, "", key);

	printf("%*s", w < COL ? COL - w : 1, "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void cpuid(unsigned leaf, unsigned sub, unsigned r[4])
{
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static void size_str(uint64_t b, char *out, size_t len)
{
	if (b >= (1u << 20) && !(b % (1u << 20)))
		snprintf(out, len, "%llu MiB", (unsigned long long)(b >> 20));
	else
		snprintf(out, len, "%llu KiB", (unsigned long long)(b >> 10));
}

static int caches(int amd, struct cache_info *out, int max)
{
	unsigned r[4], ext, leaf;
	int n = 0;

	cpuid(0x80000000, 0, r);
	ext = r[0];
	cpuid(0, 0, r);
	if (amd) { /* leaf 8000_001Dh when topology extensions are on */
		unsigned f[4];
		cpuid(0x80000001, 0, f);
		leaf = ext >= 0x8000001d && (f[2] & (1u << 22)) ? 0x8000001d : 0;
	} else {
		leaf = r[0] >= 4 ? 4 : 0;
	}
	if (leaf) {
		for (unsigned i = 0; n < max && i < 16; i++) {
			cpuid(leaf, i, r);
			if (!cache_from_leaf4(r[0], r[1], r[2], &out[n]))
				break;
			n++;
		}
		if (n)
			return n;
	}
	if (ext >= 0x80000006) {
		unsigned l1[4], l2[4];
		cpuid(0x80000005, 0, l1);
		cpuid(0x80000006, 0, l2);
		if (max >= 4)
			n = cache_from_amd(l1[2], l1[3], l2[2], l2[3], out);
	}
	return n;
}

int main(void)
{
	char *info = slurp(CPUINFO);
	char vendor[13], name[49], buf[4096];
	unsigned r[4], family, model, stepping, max_ext;
	struct cache_info cache[16];
	int ncpu, ncache;

	if (!info) {
		perror("lscpu: " CPUINFO);
		return 1;
	}
	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	cpuid(1, 0, r);
	family = (r[0] >> 8) & 0xf;
	model = (r[0] >> 4) & 0xf;
	stepping = r[0] & 0xf;
	if (family == 6 || family == 15)
		model |= ((r[0] >> 16) & 0xf) << 4;
	if (family == 15)
		family += (r[0] >> 20) & 0xff;
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	name[0] = 0;
	if (max_ext >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(name + 16 * i, r, 16);
		}
		name[48] = 0;
	}
	{
		char *p = name; /* CPUID pads the brand string with spaces */
		while (*p == ' ')
			p++;
		memmove(name, p, strlen(p) + 1);
		for (size_t n = strlen(name); n && name[n - 1] == ' '; n--)
			name[n - 1] = 0;
	}
	ncpu = cpuinfo_count(info);

	row(0, "Architecture", "x86_64");
	row(2, "CPU op-mode(s)", "32-bit, 64-bit");
	if (!cpuinfo_field(info, "address sizes", buf, sizeof(buf)))
		row(2, "Address sizes", "%s", buf);
	row(2, "Byte Order", "Little Endian");
	row(0, "CPU(s)", "%d", ncpu);
	row(2, "On-line CPU(s) list", ncpu > 1 ? "0-%d" : "%d", ncpu - 1);
	row(0, "Vendor ID", "%s", vendor);
	row(2, "Model name", "%s", name[0] ? name : "-");
	row(4, "CPU family", "%u", family);
	row(4, "Model", "%u", model);
	row(4, "Thread(s) per core", "1");
	row(4, "Core(s) per socket", "%d", ncpu);
	row(4, "Socket(s)", "1");
	row(4, "Stepping", "%u", stepping);
	if (!cpuinfo_field(info, "cpu MHz", buf, sizeof(buf)))
		row(4, "CPU MHz", "%s", buf);
	if (!cpuinfo_field(info, "bogomips", buf, sizeof(buf)))
		row(4, "BogoMIPS", "%s", buf);
	if (!cpuinfo_field(info, "flags", buf, sizeof(buf)))
		row(4, "Flags", "%s", buf);
	ncache = caches(!strcmp(vendor, "AuthenticAMD"), cache, 16);
	if (ncache)
		printf("Caches (sum of all):\n");
	for (int i = 0; i < ncache; i++) {
		char cname[8], size[32];
		unsigned share = cache[i].sharing ? cache[i].sharing : 1;
		unsigned inst = ((unsigned)ncpu + share - 1) / share;
		cache_name(&cache[i], cname, sizeof(cname));
		size_str(cache[i].size * inst, size, sizeof(size));
		row(2, cname, "%s (%u instance%s)", size, inst, inst == 1 ? "" : "s");
	}
	free(info);
	return 0;
}
