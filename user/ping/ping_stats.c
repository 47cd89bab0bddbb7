/*
 * ping's statistics (see ping_stats.h).
 */
#include <math.h>
#include <stdio.h>

#include "ping_stats.h"

void ping_stats_add(struct ping_stats *s, uint64_t t)
{
	if (s->n == 0 || t < s->min_us)
		s->min_us = t;
	if (t > s->max_us)
		s->max_us = t;
	s->n++;
	s->sum_us += t;
	s->sum2 += (long double)t * (long double)t;
}

uint64_t ping_stats_avg(const struct ping_stats *s)
{
	return s->n ? s->sum_us / s->n : 0;
}

uint64_t ping_stats_mdev(const struct ping_stats *s)
{
	long double mean, var;

	if (!s->n)
		return 0;
	mean = (long double)s->sum_us / (long double)s->n;
	var = s->sum2 / (long double)s->n - mean * mean;
	return var > 0 ? (uint64_t)sqrtl(var) : 0;
}

double ping_stats_loss(const struct ping_stats *s)
{
	if (!s->sent)
		return 0;
	return (double)(s->sent > s->received ? s->sent - s->received : 0) * 100.0 /
	       (double)s->sent;
}

void ping_stats_rtt_line(const struct ping_stats *s, char *out, size_t size)
{
	uint64_t avg = ping_stats_avg(s), mdev = ping_stats_mdev(s);

	if (!s->n) {
		if (size)
			out[0] = '\0';
		return;
	}
	snprintf(out, size, "rtt min/avg/max/mdev = %lu.%03lu/%lu.%03lu/%lu.%03lu/%lu.%03lu ms",
		 (unsigned long)(s->min_us / 1000), (unsigned long)(s->min_us % 1000),
		 (unsigned long)(avg / 1000), (unsigned long)(avg % 1000),
		 (unsigned long)(s->max_us / 1000), (unsigned long)(s->max_us % 1000),
		 (unsigned long)(mdev / 1000), (unsigned long)(mdev % 1000));
}
