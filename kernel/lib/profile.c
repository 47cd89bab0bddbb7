/*
 * A sampling profiler for the kernel, off unless the command line says
 * `profile`. A clock of PROFILE_NMI_HZ non-maskable interrupts
 * (arch_profile_clock_start) charges each interrupted instruction to the
 * kernel function that contains it, found in the build-time symbol table
 * (kernel/lib/ksyms.c); samples that interrupted user mode count as
 * "[user]". Where that clock cannot start, the timer tick (HZ) samples
 * instead. /proc/profile lists the functions by samples, and
 * writing anything to it would be the natural reset, but procfs files are
 * read-only: `profile_reset` is called by whoever starts a measurement (the
 * netsvc selftest, for instance) and `profile_dump` prints the table to the
 * kernel log. docs/profiling.md shows how to use it.
 *
 * An NMI lands inside regions that run with interrupts off, where a timer
 * tick would wait for their end and charge them to whatever follows (the
 * idle loop's `sti; hlt`, an unlock): docs/profiling.md shows how far
 * that skew misled.
 *
 * Lock legend: counts are bumped only from the sampling interrupt on this
 * CPU (an NMI cannot nest); sampling pauses while a table is written, so
 * that it adds up.
 */
#include <ksvc.h>
#include "fs/procfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/ksyms.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/profile.h"
#include "kernel/mm/heap.h"

static uint32_t *counts; /* one per symbol, then [user] and [unknown] */
static size_t nsyms;
static uint64_t total;
static volatile bool paused;	/* while a table is being written */
static volatile bool nmi_clock; /* samples come from profile_nmi, not the tick */
static unsigned rate_hz;

#define PROFILE_NMI_HZ 1000

static void sample(uint64_t ip, bool user)
{
	long i;

	if (!counts || paused)
		return;
	total++;
	if (user) {
		counts[nsyms]++;
		return;
	}
	i = ksyms_index(ip);
	counts[i < 0 ? nsyms + 1 : (size_t)i]++;
}

void profile_tick(uint64_t ip, bool user)
{
	if (!nmi_clock)
		sample(ip, user);
}

bool profile_nmi(uint64_t ip, bool user)
{
	if (!nmi_clock)
		return false;
	sample(ip, user);
	return true;
}

void profile_reset(void)
{
	if (!counts)
		return;
	memset(counts, 0, (nsyms + 2) * sizeof(*counts));
	total = 0;
}

bool profile_enabled(void)
{
	return counts != NULL;
}

static const char *slot_name(size_t i)
{
	return i == nsyms ? "[user]" : i == nsyms + 1 ? "[unknown]" : ksyms_name((long)i);
}

/* Call emit(line) for the header and the `top` busiest slots, best first. */
static void profile_walk(size_t top, void (*emit)(void *ctx, const char *line), void *ctx)
{
	char line[128];
	uint32_t bar = UINT32_MAX;
	size_t shown = 0;

	paused = true; /* the table adds up to its total */
	ksnprintf(line, sizeof(line), "profile: %llu samples at %u Hz (%s)\n",
		  (unsigned long long)total, rate_hz, nmi_clock ? "NMI" : "timer tick");
	emit(ctx, line);
	/* Selection by repeated scans: top is small and this is not a hot path. */
	while (shown < top) {
		uint32_t best = 0;
		for (size_t i = 0; i < nsyms + 2; i++)
			if (counts[i] < bar && counts[i] > best)
				best = counts[i];
		if (best == 0)
			break;
		for (size_t i = 0; i < nsyms + 2 && shown < top; i++) {
			if (counts[i] != best)
				continue;
			unsigned permille = (unsigned)(best * 1000ull / (total ? total : 1));
			ksnprintf(line, sizeof(line), "%8u %3u.%u%% %s\n", best, permille / 10,
				  permille % 10, slot_name(i));
			emit(ctx, line);
			shown++;
		}
		bar = best;
	}
	paused = false;
}

static void emit_log(void *ctx, const char *line)
{
	(void)ctx;
	pr_notice("%s", line);
}

void profile_dump(size_t top)
{
	if (counts)
		profile_walk(top, emit_log, NULL);
}

struct emit_buf {
	char *buf;
	size_t size, n;
};

static void emit_buf(void *ctx, const char *line)
{
	struct emit_buf *b = ctx;
	size_t len = strlen(line);

	if (b->n + len < b->size) {
		memcpy(b->buf + b->n, line, len);
		b->n += len;
	}
}

static int show_profile(char *buf, size_t size, void *arg)
{
	struct emit_buf b = {buf, size, 0};

	(void)arg;
	if (!counts)
		return (int)ksnprintf(buf, size, "profile: off (boot with `profile`)\n");
	profile_walk(100, emit_buf, &b);
	return (int)b.n;
}

void profile_init(bool on)
{
	procfs_register("profile", show_profile, NULL);
	if (!on)
		return;
	nsyms = ksyms_total();
	counts = kzalloc((nsyms + 2) * sizeof(*counts));
	if (!counts) {
		pr_warn("profile: no memory for %zu counters, profiling is off\n", nsyms + 2);
		return;
	}
	/* The flag first: the first NMI may come before the call returns. */
	nmi_clock = true;
	rate_hz = PROFILE_NMI_HZ;
	if (arch_profile_clock_start(PROFILE_NMI_HZ) < 0) {
		nmi_clock = false;
		rate_hz = HZ;
	}
	pr_info("profile: sampling %zu kernel functions at %u Hz (%s)\n", nsyms, rate_hz,
		nmi_clock ? "NMI" : "timer tick");
}
