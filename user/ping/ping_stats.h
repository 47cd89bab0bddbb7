/*
 * ping's round-trip statistics (pure; tests/unit/test_nettools.c), as
 * iputils computes them: times in microseconds, mdev the standard
 * deviation sqrt(mean(t^2) - mean(t)^2), loss as a percentage of the
 * packets sent, printed with %g.
 */
#ifndef PING_STATS_H
#define PING_STATS_H

#include <stdint.h>
#include <stddef.h>

struct ping_stats {
	uint64_t sent, received, dups, errors;
	uint64_t n; /* RTT samples */
	uint64_t min_us, max_us;
	uint64_t sum_us;  /* sum of t */
	long double sum2; /* sum of t^2 */
};

void ping_stats_add(struct ping_stats *s, uint64_t rtt_us);
/* Mean and deviation in microseconds (0 without samples). */
uint64_t ping_stats_avg(const struct ping_stats *s);
uint64_t ping_stats_mdev(const struct ping_stats *s);
double ping_stats_loss(const struct ping_stats *s);
/* "rtt min/avg/max/mdev = 0.211/0.260/0.314/0.042 ms" (no newline);
 * empty when there are no samples. */
void ping_stats_rtt_line(const struct ping_stats *s, char *out, size_t size);

#endif
