/*
 * The first user program: prints its arguments, environment size and a few
 * facts the kernel gave it (pid, uid, uname, the clock), touches heap
 * memory from malloc (brk/mmap) and exits with status 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	struct utsname u;
	struct timespec ts;
	int envc = 0;
	char *big;

	while (envp[envc])
		envc++;
	printf("hello from user space: pid %d uid %d, %d args, %d env\n", (int)getpid(),
	       (int)getuid(), argc, envc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	if (uname(&u) == 0)
		printf("uname: %s %s %s\n", u.sysname, u.release, u.machine);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	big = malloc(1 << 20);
	if (!big)
		return 2;
	memset(big, 0x5a, 1 << 20);
	printf("auxv: hwcap %s, pagesz %lu, random %s\n", getauxval(AT_HWCAP) ? "set" : "missing",
	       getauxval(AT_PAGESZ), getauxval(AT_RANDOM) ? "set" : "missing");
	printf("malloc of 1 MiB ok, %s\n", big[12345] == 0x5a ? "contents kept" : "CORRUPT");
	free(big);
	return 0;
}
