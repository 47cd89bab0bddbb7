/*
 * The boot CPU as /proc/cpuinfo shows it: identification from
 * cpu_features (cpu.c) and the feature flags read again from CPUID under
 * the names Linux gives them (arch/x86/include/asm/cpufeatures.h; SDM vol.
 * 2A, CPUID; AMD APM vol. 3, appendix E). Bits without a name here are
 * not shown.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/printf.h"

struct flag_word {
	uint32_t leaf, sub;
	char reg; /* 'b', 'c' or 'd' */
	const char *names[32];
};

static const struct flag_word flag_words[] = {
	{1, 0, 'd', {"fpu",  "vme",   "de",   "pse",	 "tsc",	 "msr", "pae",	"mce",
		     "cx8",  "apic",  NULL,   "sep",	 "mtrr", "pge", "mca",	"cmov",
		     "pat",  "pse36", "pn",   "clflush", NULL,	 "dts", "acpi", "mmx",
		     "fxsr", "sse",   "sse2", "ss",	 "ht",	 "tm",	"ia64", "pbe"}},
	{0x80000001,
	 0,
	 'd',
	 {[11] = "syscall",
	  [19] = "mp",
	  [20] = "nx",
	  [22] = "mmxext",
	  [25] = "fxsr_opt",
	  [26] = "pdpe1gb",
	  [27] = "rdtscp",
	  [29] = "lm",
	  [30] = "3dnowext",
	  [31] = "3dnow"}},
	{1, 0, 'c', {"pni",    "pclmulqdq", "dtes64", "monitor", "ds_cpl",
		     "vmx",    "smx",	    "est",    "tm2",	 "ssse3",
		     "cid",    "sdbg",	    "fma",    "cx16",	 "xtpr",
		     "pdcm",   NULL,	    "pcid",   "dca",	 "sse4_1",
		     "sse4_2", "x2apic",    "movbe",  "popcnt",	 "tsc_deadline_timer",
		     "aes",    "xsave",	    NULL,     "avx",	 "f16c",
		     "rdrand", "hypervisor"}},
	{0x80000001,
	 0,
	 'c',
	 {"lahf_lm",	 "cmp_legacy",	  "svm",  "extapic", "cr8_legacy", "abm",	 "sse4a",
	  "misalignsse", "3dnowprefetch", "osvw", "ibs",     "xop",	   "skinit",	 "wdt",
	  NULL,		 "lwp",		  "fma4", "tce",     NULL,	   "nodeid_msr", NULL,
	  "tbm",	 "topoext"}},
	{7, 0, 'b', {"fsgsbase", "tsc_adjust", NULL,	   "bmi1",	 "hle",	     "avx2",
		     NULL,	 "smep",       "bmi2",	   "erms",	 "invpcid",  "rtm",
		     NULL,	 NULL,	       "mpx",	   NULL,	 "avx512f",  "avx512dq",
		     "rdseed",	 "adx",	       "smap",	   "avx512ifma", NULL,	     "clflushopt",
		     "clwb",	 NULL,	       "avx512pf", "avx512er",	 "avx512cd", "sha_ni",
		     "avx512bw", "avx512vl"}},
	{7,
	 0,
	 'c',
	 {[1] = "avx512vbmi",
	  [2] = "umip",
	  [3] = "pku",
	  [4] = "ospke",
	  [6] = "avx512_vbmi2",
	  [8] = "gfni",
	  [9] = "vaes",
	  [10] = "vpclmulqdq",
	  [11] = "avx512_vnni",
	  [12] = "avx512_bitalg",
	  [14] = "avx512_vpopcntdq",
	  [22] = "rdpid"}},
};

static uint32_t max_leaf(uint32_t base)
{
	uint32_t a, b, c, d;

	cpuid(base, 0, &a, &b, &c, &d);
	return a;
}

void arch_cpu_info(struct arch_cpu_info *ci)
{
	const char *brand = cpu_features.brand;

	while (*brand == ' ')
		brand++;
	memset(ci, 0, sizeof(*ci));
	strlcpy(ci->vendor, cpu_features.vendor, sizeof(ci->vendor));
	strlcpy(ci->model_name, brand, sizeof(ci->model_name));
	ci->family = cpu_features.family;
	ci->model = cpu_features.model;
	ci->stepping = cpu_features.stepping;
	ci->cpuid_level = max_leaf(0);
	ci->tsc_hz = arch_tsc_hz();
}

uint64_t arch_elf_hwcap(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d; /* x86's ELF_HWCAP: CPUID leaf 1 EDX, as Linux reports it */
}

int arch_cpu_flags(char *buf, size_t size)
{
	uint32_t max = max_leaf(0), maxext = max_leaf(0x80000000);
	size_t n = 0;

	for (size_t w = 0; w < ARRAY_SIZE(flag_words); w++) {
		const struct flag_word *fw = &flag_words[w];
		uint32_t r[4], v;

		if (fw->leaf >= 0x80000000 ? fw->leaf > maxext : fw->leaf > max)
			continue;
		cpuid(fw->leaf, fw->sub, &r[0], &r[1], &r[2], &r[3]);
		v = fw->reg == 'b' ? r[1] : fw->reg == 'c' ? r[2] : r[3];
		for (int bit = 0; bit < 32; bit++) {
			int k;

			if (!(v & (1u << bit)) || !fw->names[bit])
				continue;
			k = ksnprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, "%s%s",
				      n ? " " : "", fw->names[bit]);
			n += (size_t)k;
		}
	}
	return (int)n;
}
