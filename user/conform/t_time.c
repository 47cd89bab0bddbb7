/*
 * time: nanosleep, clock_gettime, clock_nanosleep, gettimeofday, time, and
 * waiting with poll, ppoll, select and pselect6 over pipes and files
 * (timeouts, readiness, POLLHUP, POLLNVAL, wake-up by another process).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

#define S syscall

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void t_clocks(void)
{
	struct timespec ts = {0, 0}, rt = {0, 0};
	struct timeval tv;
	long t0, t, tt = 0;

	T_OK("clock_gettime_monotonic", S(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
	T_OK("clock_gettime_realtime", S(SYS_clock_gettime, CLOCK_REALTIME, &rt));
	T_TRUE("clock_realtime_plausible", rt.tv_sec > 1600000000,
	       "expected a date after 2020 got %lld", (long long)rt.tv_sec);
	T_OK("clock_gettime_boottime", S(SYS_clock_gettime, CLOCK_BOOTTIME, &ts));
	T_ERR("clock_gettime_einval", S(SYS_clock_gettime, 99, &ts), EINVAL);
	T_ERR("clock_gettime_efault", S(SYS_clock_gettime, CLOCK_MONOTONIC, KADDR), EFAULT);
	T_OK("gettimeofday", S(SYS_gettimeofday, &tv, NULL));
	T_TRUE("gettimeofday_matches_realtime", tv.tv_sec - rt.tv_sec <= 5 && tv.tv_usec < 1000000,
	       "expected within 5 s of CLOCK_REALTIME got %lld vs %lld", (long long)tv.tv_sec,
	       (long long)rt.tv_sec);
	T_ERR("gettimeofday_efault", S(SYS_gettimeofday, KADDR, NULL), EFAULT);
	t = S(SYS_time, &tt);
	T_TRUE("time", t >= rt.tv_sec && t - rt.tv_sec <= 5 && tt == t,
	       "expected about %lld got %ld (stored %ld)", (long long)rt.tv_sec, t, tt);
	T_ERR("time_efault", S(SYS_time, KADDR), EFAULT);

	t0 = now_ms();
	ts.tv_sec = 0;
	ts.tv_nsec = 30 * 1000000;
	T_OK("nanosleep", S(SYS_nanosleep, &ts, NULL));
	t = now_ms() - t0;
	T_TRUE("nanosleep_duration", t >= 30 && t < 2000, "expected 30 ms got %ld ms", t);
	ts.tv_nsec = 1000000000;
	T_ERR("nanosleep_einval_nsec", S(SYS_nanosleep, &ts, NULL), EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	T_ERR("nanosleep_einval_negative", S(SYS_nanosleep, &ts, NULL), EINVAL);
	T_ERR("nanosleep_efault", S(SYS_nanosleep, BADP, NULL), EFAULT);

	ts.tv_sec = 0;
	ts.tv_nsec = 20 * 1000000;
	t0 = now_ms();
	T_OK("clock_nanosleep_relative", S(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL));
	T_TRUE("clock_nanosleep_duration", now_ms() - t0 >= 20, "expected 20 ms got %ld ms",
	       now_ms() - t0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec = (ts.tv_nsec + 30000000) % 1000000000;
	ts.tv_sec += ts.tv_nsec < 30000000;
	t0 = now_ms();
	T_OK("clock_nanosleep_abstime",
	     S(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL));
	T_TRUE("clock_nanosleep_abstime_duration", now_ms() - t0 >= 25 && now_ms() - t0 < 2000,
	       "expected about 30 ms got %ld ms", now_ms() - t0);
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	T_OK("clock_nanosleep_abstime_past",
	     S(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL));
	T_ERR("clock_nanosleep_einval_clock", S(SYS_clock_nanosleep, 99, 0, &ts, NULL), EINVAL);
	ts.tv_nsec = -5;
	T_ERR("clock_nanosleep_einval_nsec", S(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL),
	      EINVAL);
	T_ERR("clock_nanosleep_efault", S(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, KADDR, NULL),
	      EFAULT);
}

static void t_poll(void)
{
	int p[2], fd;
	struct pollfd pf[3];
	long t0;

	t0 = now_ms();
	T_EQ("poll_timeout_no_fds", S(SYS_poll, NULL, 0, 50), 0);
	T_TRUE("poll_timeout_waits", now_ms() - t0 >= 50, "expected 50 ms got %ld ms",
	       now_ms() - t0);
	pipe(p);
	pf[0] = (struct pollfd){p[0], POLLIN, 0};
	pf[1] = (struct pollfd){p[1], POLLOUT, 0};
	pf[2] = (struct pollfd){-1, POLLIN, 0};
	T_EQ("poll_pipe_writable_only", S(SYS_poll, pf, 3, 0), 1);
	T_TRUE("poll_pipe_revents",
	       pf[0].revents == 0 && pf[1].revents == POLLOUT && pf[2].revents == 0,
	       "expected 0/POLLOUT/0 got %x/%x/%x", pf[0].revents, pf[1].revents, pf[2].revents);
	write(p[1], "x", 1);
	T_EQ("poll_pipe_readable", S(SYS_poll, pf, 1, 0), 1);
	T_EQ("poll_pipe_pollin", pf[0].revents, POLLIN);
	close(p[1]);
	{
		char c;
		read(p[0], &c, 1);
	}
	T_EQ("poll_pipe_hup", S(SYS_poll, pf, 1, 0), 1);
	T_TRUE("poll_pipe_pollhup", pf[0].revents & POLLHUP, "expected POLLHUP got %x",
	       pf[0].revents);
	close(p[0]);
	pf[0] = (struct pollfd){9999, POLLIN, 0};
	T_EQ("poll_nval", S(SYS_poll, pf, 1, 0), 1);
	T_EQ("poll_pollnval", pf[0].revents, POLLNVAL);
	fd = open("/", O_RDONLY);
	pf[0] = (struct pollfd){fd, POLLIN | POLLOUT, 0};
	T_EQ("poll_regular_always_ready", S(SYS_poll, pf, 1, 1000), 1);
	close(fd);
	T_ERR("poll_efault", S(SYS_poll, KADDR, 1, 0), EFAULT);
	T_ERR("poll_einval_nfds", S(SYS_poll, pf, 1L << 30, 0), EINVAL);
	{
		struct timespec ts = {0, 20000000};
		t0 = now_ms();
		T_EQ("ppoll_timeout", S(SYS_ppoll, NULL, 0, &ts, NULL, 8), 0);
		T_TRUE("ppoll_waits", now_ms() - t0 >= 20, "expected 20 ms got %ld ms",
		       now_ms() - t0);
		ts.tv_nsec = 2000000000;
		T_ERR("ppoll_einval_timeout", S(SYS_ppoll, NULL, 0, &ts, NULL, 8), EINVAL);
	}
}

static void t_select(void)
{
	int p[2];
	fd_set r, w;
	struct timeval tv = {0, 30000};
	long t0 = now_ms();

	T_EQ("select_timeout", S(SYS_select, 0, NULL, NULL, NULL, &tv), 0);
	T_TRUE("select_waits", now_ms() - t0 >= 30, "expected 30 ms got %ld ms", now_ms() - t0);
	pipe(p);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv.tv_usec = 0;
	T_EQ("select_pipe_writable", S(SYS_select, p[1] + 1, &r, &w, NULL, &tv), 1);
	T_TRUE("select_pipe_sets", !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
	       "expected only the write end ready");
	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	T_EQ("select_pipe_readable", S(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 1);
	{
		struct timespec ts = {0, 0};
		FD_ZERO(&r);
		FD_SET(p[0], &r);
		T_EQ("pselect6_readable", S(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, NULL), 1);
		/* A closed descriptor inside the table (Linux ignores
		 * numbers past the end of the descriptor table). */
		int closed = dup(p[0]);
		close(closed);
		FD_ZERO(&r);
		FD_SET(closed, &r);
		T_ERR("pselect6_ebadf", S(SYS_pselect6, closed + 1, &r, NULL, NULL, &ts, NULL),
		      EBADF);
		FD_ZERO(&r);
		FD_SET(closed, &r);
		T_ERR("select_ebadf", S(SYS_select, closed + 1, &r, NULL, NULL, &tv), EBADF);
	}
	T_ERR("select_einval_nfds", S(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_usec = -1;
	T_ERR("select_einval_timeout", S(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_usec = 0;
	T_ERR("select_efault", S(SYS_select, p[0] + 1, KADDR, NULL, NULL, &tv), EFAULT);
	close(p[0]);
	close(p[1]);
}

static int c_poll_wakes(char *msg)
{
	int p[2], r;
	struct pollfd pf;
	long t0 = now_ms(), t;
	pid_t c;
	pipe(p);
	c = fork();
	if (c == 0) {
		usleep(150000);
		write(p[1], "x", 1);
		_exit(0);
	}
	pf = (struct pollfd){p[0], POLLIN, 0};
	r = poll(&pf, 1, 5000);
	t = now_ms() - t0;
	waitpid(c, NULL, 0);
	REQUIRE(r == 1 && (pf.revents & POLLIN), "expected POLLIN got %d revents %x", r,
		pf.revents);
	REQUIRE(t >= 100 && t < 4000, "expected to wake after about 150 ms got %ld ms", t);
	return 0;
}

static int c_select_wakes(char *msg)
{
	int p[2], r;
	fd_set set;
	struct timeval tv = {5, 0};
	long t0 = now_ms(), t;
	pid_t c;
	pipe(p);
	c = fork();
	if (c == 0) {
		usleep(150000);
		write(p[1], "x", 1);
		_exit(0);
	}
	FD_ZERO(&set);
	FD_SET(p[0], &set);
	r = select(p[0] + 1, &set, NULL, NULL, &tv);
	t = now_ms() - t0;
	waitpid(c, NULL, 0);
	REQUIRE(r == 1 && FD_ISSET(p[0], &set), "expected the pipe readable got %d", r);
	REQUIRE(t >= 100 && t < 4000, "expected to wake after about 150 ms got %ld ms", t);
	return 0;
}

static int c_poll_waits_when_empty(char *msg)
{
	int p[2], r;
	struct pollfd pf;
	long t0 = now_ms(), t;
	pipe(p);
	pf = (struct pollfd){p[0], POLLIN, 0};
	r = poll(&pf, 1, 100);
	t = now_ms() - t0;
	REQUIRE(r == 0 && t >= 100,
		"expected a 100 ms timeout with nothing ready got %d after %ld ms", r, t);
	return 0;
}

void group_time(void)
{
	t_clocks();
	t_poll();
	t_select();
	t_run("poll_empty_pipe_times_out", c_poll_waits_when_empty, 5000);
	t_run("poll_wakes_on_write", c_poll_wakes, 6000);
	t_run("select_wakes_on_write", c_select_wakes, 6000);
}
