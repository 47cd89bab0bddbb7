/*
 * The multi-call tools binary (docs/tools.md): one static musl program that
 * dispatches on the name it was run as (argv[0], or argv[1] when run as
 * "tools"), as busybox does, so the image carries one copy of libc.
 * Every tool is `int NAME_main(int argc, char **argv)` returning its exit
 * status; shared diagnostics live in util.c and pure formatting in fmt.c.
 */
#ifndef TOOLS_H
#define TOOLS_H

#include <stddef.h>
#include <stdio.h>

#include "fmt.h"

/* Name the running tool reports in diagnostics ("ls", "cp", ...). */
extern const char *tool_name;

/* "NAME: MSG" on stderr; the _errno forms append ": strerror(errno)". */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tool_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "NAME: MSG" (if fmt) and "usage: NAME USAGE" on stderr; returns status. */
int tool_usage(int status, const char *usage);
/* Write all of buf to fd; 0 or -1 with errno set. */
int write_all(int fd, const void *buf, size_t len);
/* Copy fd in to fd out until end of file; 0 or -1 with errno set. */
int copy_fd(int in, int out);
/* Open PATH for reading, "-" meaning stdin; NULL with a diagnostic on failure. */
FILE *open_input(const char *path);
void close_input(FILE *f);

#define TOOL(n) int n##_main(int argc, char **argv);
#include "tool_list.h"
#undef TOOL

#endif
