/*
 * fork+exec+wait and fork+wait timed over 200 iterations each with
 * clock_gettime(CLOCK_MONOTONIC); the exec'd program is this one with the
 * argument "child", which exits at once. A measurement, not a test: it
 * prints "forkbench: ..." lines and exits 0 (docs/processes.md has figures).
 * It runs twice: as started, then with 4 MiB of heap touched, so that
 * fork has a bigger image to share or copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ITER 200

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void run(const char *self, size_t heap_kb)
{
	double t0, t1, t2;

	t0 = now_us();
	for (int i = 0; i < ITER; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *const cargv[] = {(char *)self, "child", NULL};
			execv(self, cargv);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	t1 = now_us();
	for (int i = 0; i < ITER; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	t2 = now_us();
	printf("forkbench: heap %zu KiB: fork+exec+wait %.0f us each, fork+wait %.0f us each "
	       "(%d iterations)\n",
	       heap_kb, (t1 - t0) / ITER, (t2 - t1) / ITER, ITER);
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 && argv[0][0] == '/' ? argv[0] : "/bin/forkbench";
	char *heap;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	run(self, 0);
	heap = malloc(4096 * 1024);
	if (heap)
		memset(heap, 1, 4096 * 1024);
	run(self, heap ? 4096 : 0);
	free(heap);
	return 0;
}
