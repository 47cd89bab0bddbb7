/*
 * Time system calls (Linux x86_64 numbers; semantics from the man pages):
 * gettimeofday, settimeofday, time, clock_getres, clock_settime,
 * nanosleep, clock_nanosleep, alarm, getitimer/setitimer
 * (ITIMER_REAL only: kernel/proc/itimer.c), times and getrusage.
 *
 * Sleeps are interruptible (sched_sleep_ms_intr): a signal ends them with
 * -EINTR and the time left in *rem, as Linux does (Linux restarts some of
 * them transparently with ERESTART_RESTARTBLOCK; here the caller sees
 * EINTR, which the man pages allow). A sleep never ends early: it is
 * measured against the monotonic clock and continued until the deadline.
 * CPU time is counted in scheduler ticks per thread and not split between
 * user and system mode: all of it is reported as user time.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/clock.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_nanosleep	    35
#define SYS_getitimer	    36
#define SYS_alarm	    37
#define SYS_setitimer	    38
#define SYS_gettimeofday    96
#define SYS_getrusage	    98
#define SYS_times	    100
#define SYS_settimeofday    164
#define SYS_time	    201
#define SYS_clock_settime   227
#define SYS_clock_getres    229
#define SYS_clock_nanosleep 230

#define CLOCK_REALTIME	    0
#define CLOCK_MONOTONIC	    1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_BOOTTIME	    7
#define TIMER_ABSTIME	    1
#define ITIMER_REAL	    0
#define RUSAGE_SELF	    0
#define RUSAGE_CHILDREN	    (-1)
#define RUSAGE_THREAD	    1
#define USER_HZ		    100 /* clock_t units (AT_CLKTCK) */

#define NS_PER_SEC  1000000000ull
#define NS_PER_USEC 1000ull
#define NS_PER_MS   1000000ull
#define SLEEP_CHUNK (1u << 30) /* ms per sched_sleep_ms_intr call */

struct timespec_user {
	int64_t sec, nsec;
};

struct timeval_user {
	int64_t sec, usec;
};

/* ---- reading and setting clocks ------------------------------------------ */

/* The clocks clock_gettime knows (syscall.c): 0 or -EINVAL. */
static int clock_valid(long id)
{
	return id == CLOCK_REALTIME || id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_RAW ||
			       id == CLOCK_BOOTTIME
		       ? 0
		       : -EINVAL;
}

static uint64_t clock_now(long id)
{
	return id == CLOCK_REALTIME ? ksvc_realtime_ns() : arch_time_ns();
}

static int timespec_in(long uptr, uint64_t *ns)
{
	struct timespec_user ts;

	if (copy_from_user(&ts, (const void *)uptr, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NS_PER_SEC)
		return -EINVAL;
	/* Saturate far-future values instead of wrapping. */
	*ns = (uint64_t)ts.sec >= UINT64_MAX / NS_PER_SEC - 1
		      ? UINT64_MAX / 2
		      : (uint64_t)ts.sec * NS_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

static int timespec_out(long uptr, uint64_t ns)
{
	struct timespec_user ts = {(int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC)};

	return copy_to_user((void *)uptr, &ts, sizeof(ts));
}

static struct timeval_user timeval_of(uint64_t ns)
{
	struct timeval_user tv = {(int64_t)(ns / NS_PER_SEC),
				  (int64_t)((ns % NS_PER_SEC) / NS_PER_USEC)};

	return tv;
}

static long sys_gettimeofday(const long a[6])
{
	struct timeval_user tv = timeval_of(ksvc_realtime_ns());
	int32_t tz[2] = {0, 0}; /* struct timezone: UTC, no DST */

	if (a[0] && copy_to_user((void *)a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a[1] && copy_to_user((void *)a[1], tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

static long sys_settimeofday(const long a[6])
{
	struct timeval_user tv;

	if (!cred_privileged(&current_process()->cred))
		return -EPERM;
	if (!a[0])
		return 0; /* only a timezone: not kept */
	if (copy_from_user(&tv, (const void *)a[0], sizeof(tv)))
		return -EFAULT;
	if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
		return -EINVAL;
	clock_set_realtime_ns((uint64_t)tv.sec * NS_PER_SEC + (uint64_t)tv.usec * NS_PER_USEC);
	return 0;
}

static long sys_time(const long a[6])
{
	int64_t t = (int64_t)(ksvc_realtime_ns() / NS_PER_SEC);

	if (a[0] && copy_to_user((void *)a[0], &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* Every clock is read from the TSC-based monotonic clock: 1 ns, as Linux
 * reports for its high-resolution clocks. */
static long sys_clock_getres(const long a[6])
{
	int err = clock_valid(a[0]);

	if (err)
		return err;
	return a[1] ? timespec_out(a[1], 1) : 0;
}

static long sys_clock_settime(const long a[6])
{
	uint64_t ns;
	int err = clock_valid(a[0]);

	if (err)
		return err;
	if (a[0] != CLOCK_REALTIME)
		return -EINVAL; /* the monotonic clocks cannot be set */
	if (!cred_privileged(&current_process()->cred))
		return -EPERM;
	err = timespec_in(a[1], &ns);
	if (err)
		return err;
	clock_set_realtime_ns(ns);
	return 0;
}

/* ---- sleeping ------------------------------------------------------------- */

/* Sleep until the monotonic clock reaches `deadline`: 0, or -EINTR with
 * the time still left in *left_ns. */
static int sleep_until(uint64_t deadline, uint64_t *left_ns)
{
	for (uint64_t now = arch_time_ns(); now < deadline; now = arch_time_ns()) {
		uint64_t ms = (deadline - now + NS_PER_MS - 1) / NS_PER_MS;
		if (sched_sleep_ms_intr((unsigned)MIN(ms, (uint64_t)SLEEP_CHUNK), NULL) == -EINTR) {
			now = arch_time_ns();
			*left_ns = now < deadline ? deadline - now : 0;
			return -EINTR;
		}
	}
	*left_ns = 0;
	return 0;
}

/* A relative sleep of `ns`; on -EINTR the rest goes to user `rem` if set. */
static long sleep_relative(uint64_t ns, long rem)
{
	uint64_t now = arch_time_ns(), left;
	int err = sleep_until(ns > UINT64_MAX / 2 ? UINT64_MAX / 2 : now + ns, &left);

	if (err == -EINTR && rem && timespec_out(rem, left))
		return -EFAULT;
	return err;
}

static long sys_nanosleep(const long a[6])
{
	uint64_t ns;
	int err = timespec_in(a[0], &ns);

	return err ? err : sleep_relative(ns, a[1]);
}

/* clock_nanosleep(clockid, flags, request, remain): errors are returned,
 * not put in errno, by the library; the raw call returns -errno as usual. */
static long sys_clock_nanosleep(const long a[6])
{
	uint64_t ns, now, left;
	int err = clock_valid(a[0]);

	if (err)
		return err;
	err = timespec_in(a[2], &ns);
	if (err)
		return err;
	if (!(a[1] & TIMER_ABSTIME))
		return sleep_relative(ns, a[3]);
	/* Absolute: the distance to the target on that clock, slept on the
	 * monotonic one. A later change of the wall clock is not followed. */
	now = clock_now(a[0]);
	if (ns <= now)
		return 0;
	return sleep_until(arch_time_ns() + (ns - now), &left); /* rem untouched */
}

/* ---- interval timers ------------------------------------------------------ */

struct itimerval_user {
	struct timeval_user interval, value;
};

static int timeval_in(const struct timeval_user *tv, uint64_t *ns)
{
	if (tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)MIN(tv->sec, (int64_t)(UINT32_MAX)) * NS_PER_SEC +
	      (uint64_t)tv->usec * NS_PER_USEC;
	return 0;
}

/* A timer's remaining time as a timeval: rounded up, so an armed timer
 * never reads as zero. */
static struct timeval_user timeval_up(uint64_t ns)
{
	return timeval_of(ns + NS_PER_USEC - 1);
}

static long sys_getitimer(const long a[6])
{
	struct itimerval_user it;
	uint64_t value, interval;

	if (a[0] != ITIMER_REAL)
		return -EINVAL; /* ITIMER_VIRTUAL and ITIMER_PROF are not kept */
	itimer_get(current_process(), &value, &interval);
	it.value = timeval_up(value);
	it.interval = timeval_of(interval);
	return copy_to_user((void *)a[1], &it, sizeof(it));
}

static long sys_setitimer(const long a[6])
{
	struct itimerval_user it, old;
	uint64_t value = 0, interval = 0, old_value, old_interval;

	if (a[0] != ITIMER_REAL)
		return -EINVAL;
	/* A NULL new value disarms, as Linux still accepts (setitimer(2)). */
	if (a[1]) {
		if (copy_from_user(&it, (const void *)a[1], sizeof(it)))
			return -EFAULT;
		if (timeval_in(&it.value, &value) || timeval_in(&it.interval, &interval))
			return -EINVAL;
	}
	itimer_set(current_process(), value, value ? interval : 0, &old_value, &old_interval);
	if (a[2]) {
		old.value = timeval_up(old_value);
		old.interval = timeval_of(old_interval);
		if (copy_to_user((void *)a[2], &old, sizeof(old)))
			return -EFAULT;
	}
	return 0;
}

/* alarm(2): seconds left of the previous alarm, rounded to the nearest
 * second but never 0 while one was pending (Linux alarm_setitimer). */
static long sys_alarm(const long a[6])
{
	uint64_t old;
	unsigned secs = (unsigned)a[0], left;

	itimer_set(current_process(), (uint64_t)secs * NS_PER_SEC, 0, &old, NULL);
	left = (unsigned)(old / NS_PER_SEC);
	if ((old && !left) || old % NS_PER_SEC >= NS_PER_SEC / 2)
		left++;
	return left;
}

/* ---- CPU time ------------------------------------------------------------- */

struct tms_user {
	int64_t utime, stime, cutime, cstime;
};

struct rusage_user {
	struct timeval_user utime, stime;
	int64_t rest[14]; /* maxrss .. nivcsw */
};
_Static_assert(sizeof(struct rusage_user) == 144, "Linux struct rusage");

static int64_t ticks_to_clock_t(uint64_t ticks)
{
	return (int64_t)(ticks * USER_HZ / HZ);
}

static long sys_times(const long a[6])
{
	struct process *p = current_process();
	struct tms_user t = {ticks_to_clock_t(current_thread()->ticks), 0,
			     ticks_to_clock_t(p->child_ticks), 0};

	if (a[0] && copy_to_user((void *)a[0], &t, sizeof(t)))
		return -EFAULT;
	return (long)(arch_time_ns() / (NS_PER_SEC / USER_HZ)); /* clock ticks since boot */
}

static long sys_getrusage(const long a[6])
{
	struct rusage_user ru;
	uint64_t ticks;

	switch (a[0]) {
	case RUSAGE_SELF:
	case RUSAGE_THREAD: /* one thread per process */
		ticks = current_thread()->ticks;
		break;
	case RUSAGE_CHILDREN:
		ticks = current_process()->child_ticks;
		break;
	default:
		return -EINVAL;
	}
	memset(&ru, 0, sizeof(ru));
	ru.utime = timeval_of(ticks * (NS_PER_SEC / HZ));
	return copy_to_user((void *)a[1], &ru, sizeof(ru));
}

void sys_time_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_nanosleep, sys_nanosleep},
		{SYS_getitimer, sys_getitimer},
		{SYS_alarm, sys_alarm},
		{SYS_setitimer, sys_setitimer},
		{SYS_gettimeofday, sys_gettimeofday},
		{SYS_getrusage, sys_getrusage},
		{SYS_times, sys_times},
		{SYS_settimeofday, sys_settimeofday},
		{SYS_time, sys_time},
		{SYS_clock_settime, sys_clock_settime},
		{SYS_clock_getres, sys_clock_getres},
		{SYS_clock_nanosleep, sys_clock_nanosleep},
	};

	itimer_init();
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
