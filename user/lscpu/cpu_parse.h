/*
 * lscpu's pure parts (cpu_parse.c), also built on the host by
 * tests/unit/test_hwinfo.c: fields of /proc/cpuinfo, and CPU cache
 * descriptions decoded from CPUID register values (Intel SDM vol. 2A,
 * CPUID leaf 4 "Deterministic Cache Parameters"; AMD APM vol. 3, leaves
 * 8000_0005h and 8000_0006h).
 */
#ifndef USER_LSCPU_CPU_PARSE_H
#define USER_LSCPU_CPU_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The value of the first "key<tabs>: value" line of a /proc/cpuinfo text,
 * copied into out (cut to fit); 0, or -1 when the key is absent. */
int cpuinfo_field(const char *text, const char *key, char *out, size_t len);
/* How many "processor" lines the text has. */
int cpuinfo_count(const char *text);

enum cache_type { CACHE_DATA = 1, CACHE_INSTR = 2, CACHE_UNIFIED = 3 };

struct cache_info {
	unsigned level;
	enum cache_type type;
	uint64_t size; /* bytes */
	unsigned ways, line;
	unsigned sharing; /* logical CPUs sharing one instance; 1 if unknown */
};

/* Leaf 4 (or AMD's 8000_001Dh, the same layout): 1 and *c filled, or 0
 * when the subleaf says there are no more caches. */
int cache_from_leaf4(uint32_t eax, uint32_t ebx, uint32_t ecx, struct cache_info *c);
/* 8000_0005h ECX/EDX (L1d, L1i) and 8000_0006h ECX/EDX (L2, L3): the
 * caches the values describe (at most 4) into out; returns how many. */
int cache_from_amd(uint32_t l1_ecx, uint32_t l1_edx, uint32_t l2_ecx, uint32_t l3_edx,
		   struct cache_info out[4]);
/* "L1d", "L1i", "L2", "L3". */
const char *cache_name(const struct cache_info *c, char *buf, size_t len);

#endif
