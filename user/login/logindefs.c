/*
 * /etc/login.defs for login (logindefs.h): FAIL_DELAY, LOGIN_RETRIES and
 * LOGIN_TIMEOUT, with shadow-utils' meaning. The image ships the defaults;
 * a test may lower FAIL_DELAY in its private copy of the image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logindefs.h"

static void set(int *field, const char *value, int min, int max)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (end != value && (*end == '\0' || *end == '\n') && v >= min && v <= max)
		*field = (int)v;
}

void login_defs_read(const char *path, struct login_defs *d)
{
	char line[256], key[64], value[64];
	FILE *f;

	d->fail_delay = 2;
	d->retries = 3;
	d->timeout = 60;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %63s %63s", key, value) != 2 || key[0] == '#')
			continue;
		if (!strcmp(key, "FAIL_DELAY"))
			set(&d->fail_delay, value, 0, 60);
		else if (!strcmp(key, "LOGIN_RETRIES"))
			set(&d->retries, value, 1, 100);
		else if (!strcmp(key, "LOGIN_TIMEOUT"))
			set(&d->timeout, value, 0, 3600);
	}
	fclose(f);
}
