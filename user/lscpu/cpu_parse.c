/*
 * /proc/cpuinfo fields and CPUID cache decoding for lscpu (see
 * cpu_parse.h for the sources).
 */
#include <stdio.h>
#include <string.h>
#include "cpu_parse.h"

int cpuinfo_field(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *p = line + klen;

		if ((size_t)(end - line) > klen && !strncmp(line, key, klen)) {
			while (p < end && (*p == '\t' || *p == ' '))
				p++;
			if (p < end && *p == ':') {
				size_t n;
				p++;
				while (p < end && *p == ' ')
					p++;
				n = (size_t)(end - p);
				if (len) {
					if (n >= len)
						n = len - 1;
					memcpy(out, p, n);
					out[n] = 0;
				}
				return 0;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

int cpuinfo_count(const char *text)
{
	int n = 0;

	for (const char *line = text; line && *line;) {
		const char *p = line + 9;
		if (!strncmp(line, "processor", 9)) {
			while (*p == '\t' || *p == ' ')
				p++;
			if (*p == ':')
				n++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return n;
}

int cache_from_leaf4(uint32_t eax, uint32_t ebx, uint32_t ecx, struct cache_info *c)
{
	unsigned type = eax & 0x1f;

	if (type < CACHE_DATA || type > CACHE_UNIFIED)
		return 0;
	c->type = (enum cache_type)type;
	c->level = (eax >> 5) & 7;
	c->ways = (ebx >> 22) + 1;
	c->line = (ebx & 0xfff) + 1;
	c->sharing = ((eax >> 14) & 0xfff) + 1;
	c->size = (uint64_t)c->ways * (((ebx >> 12) & 0x3ff) + 1) * c->line * ((uint64_t)ecx + 1);
	return 1;
}

int cache_from_amd(uint32_t l1_ecx, uint32_t l1_edx, uint32_t l2_ecx, uint32_t l3_edx,
		   struct cache_info out[4])
{
	int n = 0;

	if (l1_ecx >> 24)
		out[n++] = (struct cache_info){1,
					       CACHE_DATA,
					       (uint64_t)(l1_ecx >> 24) << 10,
					       (l1_ecx >> 16) & 0xff,
					       l1_ecx & 0xff,
					       1};
	if (l1_edx >> 24)
		out[n++] = (struct cache_info){1,
					       CACHE_INSTR,
					       (uint64_t)(l1_edx >> 24) << 10,
					       (l1_edx >> 16) & 0xff,
					       l1_edx & 0xff,
					       1};
	/* L2/L3 associativity is an encoded field; only sizes and lines here. */
	if (l2_ecx >> 16)
		out[n++] = (struct cache_info){2, CACHE_UNIFIED, (uint64_t)(l2_ecx >> 16) << 10,
					       0, l2_ecx & 0xff, 1};
	if (l3_edx >> 18)
		out[n++] = (struct cache_info){3, CACHE_UNIFIED, (uint64_t)(l3_edx >> 18) << 19,
					       0, l3_edx & 0xff, 1};
	return n;
}

const char *cache_name(const struct cache_info *c, char *buf, size_t len)
{
	snprintf(buf, len, "L%u%s", c->level,
		 c->type == CACHE_DATA	  ? "d"
		 : c->type == CACHE_INSTR ? "i"
					  : "");
	return buf;
}
