/*
 * lat: the three latency benchmarks of issue 4's "Bars", run the same way
 * on our kernel and on the Linux peer (scripts/bench/run lat, docs/bench.md):
 *   getpid      1e6 getpid system calls, ns per call
 *   pipe        1e4 one-byte round trips between two processes over two
 *               pipes, us per round trip
 *   forkexec    500 fork + execve of this static program (lat --exit) +
 *               wait4, us per iteration
 * Each result is a line "BENCH name value unit". Run as pid 1 (init=/bin/lat
 * on our kernel) it powers the machine off at the end through reboot(2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void bench_getpid(void)
{
	const long n = 1000000;
	double t0 = now_us();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	printf("BENCH getpid %.1f ns\n", (now_us() - t0) * 1000 / n);
}

static void bench_pipe(void)
{
	const long n = 10000;
	int ab[2], ba[2];
	char c = 'x';
	double t0;
	pid_t pid;

	if (pipe(ab) < 0 || pipe(ba) < 0) {
		printf("bench: error: pipe failed\n");
		return;
	}
	pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = now_us();
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
			printf("bench: error: pipe round trip %ld failed\n", i);
			break;
		}
	printf("BENCH pipe_rtt %.2f us\n", (now_us() - t0) / n);
	waitpid(pid, NULL, 0);
}

static void bench_forkexec(const char *self)
{
	const long n = 500;
	char *argv[] = {(char *)self, "--exit", NULL};
	double t0 = now_us();

	for (long i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();
		if (pid == 0) {
			execve(self, argv, (char *[]){NULL});
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("bench: error: fork+exec+wait %ld failed\n", i);
			return;
		}
	}
	printf("BENCH fork_exec_wait %.1f us\n", (now_us() - t0) / n);
}

int main(int argc, char **argv)
{
	const char *self = "/bin/lat";

	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argv[0][0] == '/')
		self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench: ready lat\n");
	bench_getpid();
	bench_pipe();
	bench_forkexec(self);
	printf("bench: done lat\n");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
