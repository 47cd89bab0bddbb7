/*
 * Load averages as Linux computes them (kernel/sched/loadavg.c there):
 * every LOAD_FREQ_S seconds each average moves towards the number of
 * active tasks (running, runnable or in an uninterruptible sleep) by an
 * exponential factor, in 11-bit fixed point. Pure arithmetic, used by the
 * scheduler's tick and tested on the host (tests/unit/test_proc_fmt.c).
 */
#ifndef KERNEL_SCHED_LOADAVG_H
#define KERNEL_SCHED_LOADAVG_H

#define LOAD_FSHIFT  11
#define LOAD_FIXED_1 (1ul << LOAD_FSHIFT)
#define LOAD_FREQ_S  5
#define LOAD_EXP_1   1884 /* FIXED_1 / exp(5 s / 1 min) */
#define LOAD_EXP_5   2014 /* FIXED_1 / exp(5 s / 5 min) */
#define LOAD_EXP_15  2037 /* FIXED_1 / exp(5 s / 15 min) */

/* One damping step; `active` in LOAD_FIXED_1 units (n tasks: n << FSHIFT).
 * Rounds up while the load grows, as Linux's calc_load does. */
static inline unsigned long loadavg_step(unsigned long load, unsigned long exp,
					 unsigned long active)
{
	unsigned long newload = load * exp + active * (LOAD_FIXED_1 - exp);

	if (active >= load)
		newload += LOAD_FIXED_1 - 1;
	return newload / LOAD_FIXED_1;
}

/* The integer and hundredths parts for "%lu.%02lu". */
static inline unsigned long loadavg_int(unsigned long x)
{
	return x >> LOAD_FSHIFT;
}

static inline unsigned long loadavg_frac(unsigned long x)
{
	return loadavg_int((x & (LOAD_FIXED_1 - 1)) * 100);
}

#endif
