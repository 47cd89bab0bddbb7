/*
 * Waiting for file readiness: poll(2), ppoll(2), select(2) and pselect6
 * (Linux x86_64 numbers 7, 271, 23, 270). All four run one engine over a
 * kernel array of (fd, events): ask each file for its events with a poll
 * table (fs/poll.h), and if none is ready sleep until one of the files'
 * wait queues is woken, the timeout passes or a signal arrives (-EINTR).
 *
 * Semantics from the man pages and Linux fs/select.c: a negative poll fd
 * is skipped, a closed one reports POLLNVAL; select on a closed fd in any
 * set is -EBADF; nfds above RLIMIT_NOFILE is -EINVAL for poll, while
 * select clamps it to the fd table's size; a negative or out-of-range
 * timeout part is -EINVAL; select, pselect6 and ppoll write back the time
 * left, as the raw Linux calls do (libc wrappers pass a copy).
 *
 * ppoll and pselect6 swap the process's signal mask for the duration of
 * the call and restore it on the way out.
 */
#include <ksvc.h>
#include "fs/poll.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall/syscall.h"

#define SYS_poll     7
#define SYS_select   23
#define SYS_pselect6 270
#define SYS_ppoll    271

#define POLL_NFDS_MAX	FD_MAX /* RLIMIT_NOFILE as prlimit64 reports it */
#define SIGSET_SIZE	8
#define SIG_UNBLOCKABLE ((1ull << (9 - 1)) | (1ull << (19 - 1))) /* SIGKILL, SIGSTOP */

struct pollfd_user {
	int32_t fd;
	int16_t events, revents;
};

struct timespec_user {
	int64_t sec, nsec;
};

/* One descriptor being waited on. */
struct pollent {
	int fd;
	unsigned events;
	unsigned revents;
	struct file *f; /* referenced while polling; NULL for a closed fd */
};

#define POLL_STACK_FDS 16 /* sets this small need no allocation */

/* A timeout: forever, or ms milliseconds (0: do not wait). */
struct poll_timeout {
	bool forever;
	uint64_t ms;
};

/*
 * Fill every entry's revents; return how many have any, 0 on timeout, or
 * -EINTR / -ENOMEM. *elapsed_ms gets the time spent.
 */
static long poll_engine(struct pollent *pe, unsigned n, const struct poll_timeout *to,
			uint64_t *elapsed_ms)
{
	uint64_t start = jiffies, deadline = 0;
	bool wait = to->forever || to->ms > 0;
	struct poll_table pt, *reg = NULL;
	bool have_table = false;
	long ready = 0;
	int err;

	if (!to->forever && to->ms)
		deadline = start + to->ms * HZ / 1000 + (to->ms * HZ % 1000 != 0) + 1;
	for (unsigned i = 0; i < n; i++)
		pe[i].f = pe[i].fd >= 0 ? fd_get(current_process()->fds, pe[i].fd) : NULL;
	/*
	 * The first pass only asks: when something is ready already (a busy
	 * loop's usual case) no wait queue is touched. Otherwise the second
	 * pass asks again with the table, which puts it on every file's
	 * queue before the answer, so no wake-up between the two is lost.
	 */
	for (;;) {
		ready = 0;
		for (unsigned i = 0; i < n; i++) {
			pe[i].revents = 0;
			if (pe[i].fd < 0)
				continue;
			if (!pe[i].f)
				pe[i].revents = POLLNVAL;
			else
				pe[i].revents = poll_revents(vfs_poll(pe[i].f, reg), pe[i].events);
			if (pe[i].revents)
				ready++;
		}
		if (ready || !wait)
			break;
		if (!have_table) {
			err = poll_table_init(&pt, n * POLL_WQ_PER_FILE);
			if (err) {
				ready = err;
				break;
			}
			have_table = true;
			reg = &pt;
			continue;
		}
		reg = NULL; /* the table is on every queue after its first pass */
		err = poll_table_sleep(&pt, deadline);
		if (err == -ETIMEDOUT)
			break;
		if (err) {
			ready = err;
			break;
		}
	}
	if (have_table)
		poll_table_release(&pt);
	for (unsigned i = 0; i < n; i++)
		if (pe[i].f)
			vfs_close(pe[i].f);
	*elapsed_ms = (jiffies - start) * 1000 / HZ;
	return ready;
}

/* ---- signal masks of ppoll and pselect6 ---------------------------------- */

struct mask_swap {
	bool active;
};

/* Install the user's mask (if any) for the call: 0, -EINVAL or -EFAULT.
 * The old mask comes back on the way out to user mode, after a handler
 * the new mask let through has been set up with the old one in its frame
 * (kernel/proc/signal.c), as ppoll(2) and pselect(2) require. */
static int mask_begin(struct mask_swap *ms, long umask, long size)
{
	uint64_t set;

	ms->active = false;
	if (!umask)
		return 0;
	if (size != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)umask, sizeof(set)))
		return -EFAULT;
	ms->active = true;
	signal_suspend_mask(set);
	return 0;
}

static void mask_end(struct mask_swap *ms)
{
	(void)ms; /* the return path restores it */
}

/* ---- poll and ppoll ---------------------------------------------------------- */

static long do_poll(long ufds, long nfds, const struct poll_timeout *to, uint64_t *elapsed)
{
	struct pollfd_user small_kfds[POLL_STACK_FDS], *kfds = small_kfds;
	struct pollent small_pe[POLL_STACK_FDS], *pe = small_pe;
	long r;

	if (nfds < 0 || nfds > POLL_NFDS_MAX)
		return -EINVAL;
	if (nfds > POLL_STACK_FDS) {
		kfds = kmalloc((size_t)nfds * sizeof(*kfds));
		pe = kmalloc((size_t)nfds * sizeof(*pe));
		r = -ENOMEM;
		if (!kfds || !pe)
			goto out;
	}
	r = -EFAULT;
	if (nfds && copy_from_user(kfds, (const void *)ufds, (size_t)nfds * sizeof(*kfds)))
		goto out;
	for (long i = 0; i < nfds; i++) {
		pe[i].fd = kfds[i].fd;
		pe[i].events = (uint16_t)kfds[i].events;
	}
	r = poll_engine(pe, (unsigned)nfds, to, elapsed);
	if (r < 0)
		goto out;
	for (long i = 0; i < nfds; i++) {
		int16_t rev = (int16_t)pe[i].revents;
		if (copy_to_user(&((struct pollfd_user *)ufds)[i].revents, &rev, sizeof(rev))) {
			r = -EFAULT;
			break;
		}
	}
out:
	if (kfds != small_kfds)
		kfree(kfds);
	if (pe != small_pe)
		kfree(pe);
	return r;
}

static long sys_poll(const long a[6])
{
	struct poll_timeout to = {(int)a[2] < 0, (int)a[2] < 0 ? 0 : (uint64_t)(int)a[2]};
	uint64_t elapsed;

	return do_poll(a[0], (unsigned)a[1], &to, &elapsed); /* unsigned int nfds */
}

/* Read a timespec timeout (NULL: forever). */
static int timespec_in(long uts, struct poll_timeout *to, struct timespec_user *ts)
{
	to->forever = !uts;
	to->ms = 0;
	if (!uts)
		return 0;
	if (copy_from_user(ts, (const void *)uts, sizeof(*ts)))
		return -EFAULT;
	return poll_timeout_ms(ts->sec, ts->nsec, &to->ms);
}

/* Write back the time left of a timespec timeout (errors ignored, as Linux). */
static void timespec_left(long uts, const struct poll_timeout *to, uint64_t elapsed)
{
	struct timespec_user ts;

	if (!uts || to->forever)
		return;
	poll_time_left(to->ms, elapsed, &ts.sec, &ts.nsec);
	(void)copy_to_user((void *)uts, &ts, sizeof(ts));
}

static long sys_ppoll(const long a[6])
{
	struct timespec_user ts;
	struct poll_timeout to;
	struct mask_swap ms;
	uint64_t elapsed = 0;
	long r;

	r = timespec_in(a[2], &to, &ts);
	if (r)
		return r;
	r = mask_begin(&ms, a[3], a[4]);
	if (r)
		return r;
	r = do_poll(a[0], (unsigned)a[1], &to, &elapsed); /* unsigned int nfds */
	mask_end(&ms);
	timespec_left(a[2], &to, elapsed);
	return r;
}

/* ---- select and pselect6 ----------------------------------------------------- */

#define FDSET_WORDS(n) (((size_t)(n) + 63) / 64)

/* select's three sets over the fds below n; in/out/ex NULL when absent. */
static long do_select(long n, long uin, long uout, long uex, const struct poll_timeout *to,
		      uint64_t *elapsed)
{
	uint64_t in[FDSET_WORDS(FD_MAX)] = {0}, out[FDSET_WORDS(FD_MAX)] = {0},
		 ex[FDSET_WORDS(FD_MAX)] = {0};
	struct pollent small_pe[POLL_STACK_FDS], *pe = small_pe;
	unsigned count = 0;
	size_t bytes;
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > FD_MAX)
		n = FD_MAX;
	bytes = FDSET_WORDS(n) * 8;
	if ((uin && copy_from_user(in, (const void *)uin, bytes)) ||
	    (uout && copy_from_user(out, (const void *)uout, bytes)) ||
	    (uex && copy_from_user(ex, (const void *)uex, bytes)))
		return -EFAULT;
	if (n > POLL_STACK_FDS) {
		pe = kmalloc((size_t)n * sizeof(*pe));
		if (!pe)
			return -ENOMEM;
	}
	for (int fd = 0; fd < n; fd++) {
		bool i = (in[fd / 64] >> (fd % 64)) & 1, o = (out[fd / 64] >> (fd % 64)) & 1,
		     e = (ex[fd / 64] >> (fd % 64)) & 1;
		struct file *f;
		if (!i && !o && !e)
			continue;
		f = fd_get(current_process()->fds, fd);
		if (!f) {
			r = -EBADF;
			goto out;
		}
		vfs_close(f);
		pe[count].fd = fd;
		pe[count].events = poll_select_events(i, o, e);
		count++;
	}
	r = poll_engine(pe, count, to, elapsed);
	if (r < 0)
		goto out;
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	memset(ex, 0, sizeof(ex));
	r = 0;
	for (unsigned k = 0; k < count; k++) {
		unsigned m = pe[k].revents, ask = pe[k].events;
		uint64_t bit = 1ull << (pe[k].fd % 64);
		size_t w = (size_t)pe[k].fd / 64;
		if ((ask & POLLIN) && poll_select_readable(m)) {
			in[w] |= bit;
			r++;
		}
		if ((ask & POLLOUT) && poll_select_writable(m)) {
			out[w] |= bit;
			r++;
		}
		if ((ask & POLLPRI) && poll_select_except(m)) {
			ex[w] |= bit;
			r++;
		}
	}
	if ((uin && copy_to_user((void *)uin, in, bytes)) ||
	    (uout && copy_to_user((void *)uout, out, bytes)) ||
	    (uex && copy_to_user((void *)uex, ex, bytes)))
		r = -EFAULT;
out:
	if (pe != small_pe)
		kfree(pe);
	return r;
}

struct timeval_user {
	int64_t sec, usec;
};

static long sys_select(const long a[6])
{
	struct poll_timeout to = {true, 0};
	struct timeval_user tv;
	uint64_t elapsed = 0;
	long r;

	if (a[4]) {
		if (copy_from_user(&tv, (const void *)a[4], sizeof(tv)))
			return -EFAULT;
		r = poll_timeval_ms(tv.sec, tv.usec, &to.ms);
		if (r)
			return r;
		to.forever = false;
	}
	r = do_select((int)a[0], a[1], a[2], a[3], &to, &elapsed); /* int n */
	if (a[4]) {
		int64_t nsec;
		poll_time_left(to.ms, elapsed, &tv.sec, &nsec);
		tv.usec = nsec / 1000;
		(void)copy_to_user((void *)a[4], &tv, sizeof(tv));
	}
	return r;
}

static long sys_pselect6(const long a[6])
{
	struct {
		uint64_t set; /* const sigset_t * */
		uint64_t size;
	} sig = {0, 0};
	struct timespec_user ts;
	struct poll_timeout to;
	struct mask_swap ms;
	uint64_t elapsed = 0;
	long r;

	r = timespec_in(a[4], &to, &ts);
	if (r)
		return r;
	if (a[5] && copy_from_user(&sig, (const void *)a[5], sizeof(sig)))
		return -EFAULT;
	r = mask_begin(&ms, (long)sig.set, (long)sig.size);
	if (r)
		return r;
	r = do_select((int)a[0], a[1], a[2], a[3], &to, &elapsed); /* int n */
	mask_end(&ms);
	timespec_left(a[4], &to, elapsed);
	return r;
}

void sys_poll_init(void)
{
	syscall_set(SYS_poll, sys_poll);
	syscall_set(SYS_ppoll, sys_ppoll);
	syscall_set(SYS_select, sys_select);
	syscall_set(SYS_pselect6, sys_pselect6);
}
