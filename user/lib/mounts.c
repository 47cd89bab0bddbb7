/*
 * Unmounting before a shutdown: user/lib/mounts.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "mounts.h"

#define MOUNTS_MAX 64

int unmount_all_but_root(void)
{
	char line[512], *dirs[MOUNTS_MAX];
	int n = 0, done = 0;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return 0;
	while (n < MOUNTS_MAX && fgets(line, sizeof(line), f)) {
		char dir[256];
		if (sscanf(line, "%*s %255s", dir) == 1 && strcmp(dir, "/") != 0)
			dirs[n++] = strdup(dir);
	}
	fclose(f);
	while (n--) {
		if (dirs[n] && umount2(dirs[n], 0) == 0)
			done++;
		free(dirs[n]);
	}
	return done;
}
