/*
 * The pure part of file readiness (fs/poll_mask.c), host-tested: poll(2)'s
 * event bits with Linux's values (asm-generic/poll.h), how poll and select
 * read a file's events (Linux fs/select.c POLLIN_SET, POLLOUT_SET,
 * POLLEX_SET), and the timeout arithmetic of poll, ppoll, select and
 * pselect6 (EINVAL for a negative or out-of-range part). No locks.
 */
#ifndef FS_POLL_MASK_H
#define FS_POLL_MASK_H

#include <stdint.h>
#include <stdbool.h>

/* Linux's values (asm-generic/poll.h). */
#define POLLIN	   0x0001
#define POLLPRI	   0x0002
#define POLLOUT	   0x0004
#define POLLERR	   0x0008
#define POLLHUP	   0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP  0x2000

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLL_WQ_PER_FILE 2 /* wait queues one file's poll op may add */

/* poll(2)'s revents for a file whose events now are `mask`: what was
 * asked for, plus POLLERR and POLLHUP always. */
unsigned poll_revents(unsigned mask, unsigned events);

/* select(2)'s view of a mask (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET):
 * readable on POLLIN/POLLRDNORM/POLLRDBAND/POLLHUP/POLLERR, writable on
 * POLLOUT/POLLWRNORM/POLLWRBAND/POLLERR, exceptional on POLLPRI. */
bool poll_select_readable(unsigned mask);
bool poll_select_writable(unsigned mask);
bool poll_select_except(unsigned mask);
/* The events a select(2) poll asks a file for, given which sets hold it. */
unsigned poll_select_events(bool in, bool out, bool ex);

/* A timeout given as seconds and nanoseconds (ppoll, pselect6) as
 * milliseconds, rounded up: 0 or -EINVAL for a negative part or nsec of
 * a second or more. Very long timeouts are clamped to POLL_MS_MAX. */
#define POLL_MS_MAX (UINT64_C(1) << 40)
int poll_timeout_ms(int64_t sec, int64_t nsec, uint64_t *ms);
/* The same for select's struct timeval: usec of a second or more is
 * carried into seconds (Linux kern_select); only a negative part fails. */
int poll_timeval_ms(int64_t sec, int64_t usec, uint64_t *ms);
/* What is left of `total_ms` after `elapsed_ms`, split into seconds and
 * nanoseconds (select and pselect6 write it back, as Linux does). */
void poll_time_left(uint64_t total_ms, uint64_t elapsed_ms, int64_t *sec, int64_t *nsec);

#endif
