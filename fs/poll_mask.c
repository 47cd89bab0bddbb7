/*
 * Pure readiness helpers (fs/poll_mask.h): poll's revents rule (poll(2):
 * POLLERR, POLLHUP and POLLNVAL are reported whether asked for or not),
 * select's three sets as Linux fs/select.c defines them, and timeout
 * conversion with Linux's EINVAL cases (poll_select_set_timeout:
 * tv_sec < 0 or tv_nsec outside [0, 1e9); select's tv_usec is first
 * folded into seconds, as kern_select does, so only a negative one fails).
 */
#include <ksvc.h>
#include "fs/poll_mask.h"

#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  (POLLPRI)

unsigned poll_revents(unsigned mask, unsigned events)
{
	return mask & (events | POLLERR | POLLHUP);
}

bool poll_select_readable(unsigned mask)
{
	return (mask & POLLIN_SET) != 0;
}

bool poll_select_writable(unsigned mask)
{
	return (mask & POLLOUT_SET) != 0;
}

bool poll_select_except(unsigned mask)
{
	return (mask & POLLEX_SET) != 0;
}

unsigned poll_select_events(bool in, bool out, bool ex)
{
	return (in ? POLLIN_SET : 0) | (out ? POLLOUT_SET : 0) | (ex ? POLLEX_SET : 0);
}

int poll_timeout_ms(int64_t sec, int64_t nsec, uint64_t *ms)
{
	if (sec < 0 || nsec < 0 || nsec >= 1000000000)
		return -EINVAL;
	if ((uint64_t)sec >= POLL_MS_MAX / 1000) {
		*ms = POLL_MS_MAX;
		return 0;
	}
	*ms = (uint64_t)sec * 1000 + ((uint64_t)nsec + 999999) / 1000000;
	return 0;
}

int poll_timeval_ms(int64_t sec, int64_t usec, uint64_t *ms)
{
	if (usec < 0)
		return -EINVAL;
	if (sec >= 0 && usec / 1000000 > INT64_MAX - sec)
		return poll_timeout_ms(INT64_MAX, 0, ms);
	return poll_timeout_ms(sec + usec / 1000000, (usec % 1000000) * 1000, ms);
}

void poll_time_left(uint64_t total_ms, uint64_t elapsed_ms, int64_t *sec, int64_t *nsec)
{
	uint64_t left = elapsed_ms < total_ms ? total_ms - elapsed_ms : 0;

	*sec = (int64_t)(left / 1000);
	*nsec = (int64_t)(left % 1000) * 1000000;
}
