/*
 * pipes: pipe and pipe2 (flags, EFAULT, EINVAL), data between processes,
 * EOF when the last writer closes, EPIPE when the last reader closes,
 * nonblocking EAGAIN both ways, a blocking write larger than the pipe, and
 * PIPE_BUF atomicity with several writers (pipe(7)).
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define S syscall

static void t_calls(void)
{
	int p[2] = {-1, -1}, n = 0;
	char buf[16];

	T_OK("pipe", S(SYS_pipe, p));
	T_EQ("pipe_write", S(SYS_write, p[1], "hello", 5), 5);
	T_OK("pipe_fionread", S(SYS_ioctl, p[0], FIONREAD, &n));
	T_EQ("pipe_fionread_value", n, 5);
	T_EQ("pipe_read", S(SYS_read, p[0], buf, sizeof(buf)), 5);
	T_ERR("pipe_write_read_end_ebadf", S(SYS_write, p[0], "x", 1), EBADF);
	T_ERR("pipe_read_write_end_ebadf", S(SYS_read, p[1], buf, 1), EBADF);
	close(p[1]);
	T_EQ("pipe_eof", S(SYS_read, p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	T_ERR("pipe_efault", S(SYS_pipe, KADDR), EFAULT);
	T_ERR("pipe2_efault", S(SYS_pipe2, BADP, 0), EFAULT);
	T_ERR("pipe2_einval", S(SYS_pipe2, p, 0x12345), EINVAL);
	T_OK("pipe2_cloexec_nonblock", S(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK));
	T_EQ("pipe2_cloexec_set", S(SYS_fcntl, p[0], F_GETFD), FD_CLOEXEC);
	T_EQ("pipe2_nonblock_set", S(SYS_fcntl, p[1], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	T_ERR("pipe_nonblock_empty_eagain", S(SYS_read, p[0], buf, 1), EAGAIN);
	{
		static char big[4096];
		long total = 0, r;
		while ((r = S(SYS_write, p[1], big, sizeof(big))) > 0)
			total += r;
		int e = errno;
		T_TRUE("pipe_nonblock_full_eagain", r == -1 && e == EAGAIN,
		       "expected -1 (EAGAIN) got %ld (errno %s)", r, t_errname(e));
		T_TRUE("pipe_capacity", total >= 4096 && total <= 1048576,
		       "expected a capacity of a few pages got %ld", total);
		T_EQ("pipe_fionread_full", (S(SYS_ioctl, p[0], FIONREAD, &n), n), total);
	}
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	T_ERR("pipe_no_reader_epipe", S(SYS_write, p[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);

	/* EOF only when every writer is gone, dup'd ones included. */
	pipe(p);
	n = dup(p[1]);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	T_ERR("pipe_dup_writer_keeps_open", S(SYS_read, p[0], buf, 1), EAGAIN);
	close(n);
	T_EQ("pipe_last_writer_eof", S(SYS_read, p[0], buf, 1), 0);
	close(p[0]);
}

static int c_between_processes(char *msg)
{
	int p[2], st;
	const size_t total = 1 << 20;
	unsigned sum_w = 0, sum_r = 0;
	size_t got = 0;
	pid_t c;

	pipe(p);
	c = fork();
	if (c == 0) {
		char b[1000];
		size_t sent = 0;
		close(p[0]);
		while (sent < total) {
			size_t n = total - sent < sizeof(b) ? total - sent : sizeof(b);
			for (size_t i = 0; i < n; i++)
				b[i] = (char)((sent + i) * 7 + 3);
			if (write(p[1], b, n) != (ssize_t)n)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(p[1]);
	for (size_t i = 0; i < total; i++)
		sum_w += (unsigned char)(char)(i * 7 + 3) * (unsigned)(i % 13 + 1);
	for (;;) {
		char b[3000];
		ssize_t n = read(p[0], b, sizeof(b));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum_r += (unsigned char)b[i] * (unsigned)((got + (size_t)i) % 13 + 1);
		got += (size_t)n;
	}
	close(p[0]);
	waitpid(c, &st, 0);
	REQUIRE(got == total && sum_r == sum_w && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"expected 1 MiB intact got %zu bytes, sums %u/%u, writer %s", got, sum_r, sum_w,
		t_status(st));
	return 0;
}

static int c_blocking_big_write(char *msg)
{
	int p[2], st;
	const size_t len = 300000;
	char *b = malloc(len);
	pid_t c;
	ssize_t w;

	memset(b, 'b', len);
	pipe(p);
	c = fork();
	if (c == 0) {
		char r[5000];
		size_t got = 0;
		ssize_t n;
		close(p[1]);
		usleep(100000);
		while ((n = read(p[0], r, sizeof(r))) > 0)
			got += (size_t)n;
		_exit(got == len ? 0 : 1);
	}
	close(p[0]);
	w = write(p[1], b, len);
	close(p[1]);
	waitpid(c, &st, 0);
	REQUIRE(w == (ssize_t)len, "expected one write of %zu got %ld (errno %s)", len, (long)w,
		t_errname(errno));
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0, "expected the reader to get it all: %s",
		t_status(st));
	return 0;
}

static int c_pipe_buf_atomic(char *msg)
{
	enum { WRITERS = 4, RECORDS = 100 };
	int p[2], bad = 0;
	size_t got = 0, fill = 0;
	static char rec[PIPE_BUF];
	static char all[WRITERS * RECORDS * PIPE_BUF];
	int counts[WRITERS] = {0};

	pipe(p);
	for (int w = 0; w < WRITERS; w++) {
		if (fork() == 0) {
			close(p[0]);
			memset(rec, 'A' + w, sizeof(rec));
			for (int i = 0; i < RECORDS; i++)
				if (write(p[1], rec, sizeof(rec)) != (ssize_t)sizeof(rec))
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], all + fill, sizeof(all) - fill);
		if (n <= 0)
			break;
		fill += (size_t)n;
	}
	close(p[0]);
	while (wait(NULL) > 0)
		;
	got = fill;
	for (size_t off = 0; off + PIPE_BUF <= got; off += PIPE_BUF) {
		char c = all[off];
		for (size_t i = 1; i < PIPE_BUF; i++)
			if (all[off + i] != c)
				bad++;
		if (c >= 'A' && c < 'A' + WRITERS)
			counts[c - 'A']++;
	}
	REQUIRE(got == sizeof(all), "expected %zu bytes got %zu", sizeof(all), got);
	REQUIRE(bad == 0, "expected whole %d-byte records got %d mixed bytes", PIPE_BUF, bad);
	for (int w = 0; w < WRITERS; w++)
		REQUIRE(counts[w] == RECORDS, "expected %d records from writer %d got %d", RECORDS,
			w, counts[w]);
	return 0;
}

static int c_reader_waits(char *msg)
{
	int p[2];
	char c = 0;
	pid_t w;
	pipe(p);
	w = fork();
	if (w == 0) {
		usleep(200000);
		write(p[1], "z", 1);
		_exit(0);
	}
	close(p[1]);
	REQUIRE(read(p[0], &c, 1) == 1 && c == 'z', "expected to wait for 'z' got '%c' (errno %s)",
		c, t_errname(errno));
	REQUIRE(read(p[0], &c, 1) == 0, "expected EOF after the writer exited");
	waitpid(w, NULL, 0);
	return 0;
}

void group_pipes(void)
{
	t_calls();
	t_run("reader_waits_for_writer", c_reader_waits, 5000);
	t_run("one_mib_between_processes", c_between_processes, 30000);
	t_run("blocking_write_bigger_than_pipe", c_blocking_big_write, 10000);
	t_run("pipe_buf_atomic_4_writers", c_pipe_buf_atomic, 30000);
}
