/*
 * Pure formatting and parsing shared by the tools and tested on the host
 * (tests/unit/test_tools_fmt.c): human-readable sizes as ls -h prints
 * them, ls -l mode strings, chmod mode expressions (POSIX chmod,
 * "Extended Description": octal or [ugoa]*[+-=][rwxXst]* joined by ","),
 * and dmesg's kernel-log records and level names (syslog(2), dmesg(1)).
 */
#ifndef TOOLS_FMT_H
#define TOOLS_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 1023 -> "1023", 1024 -> "1.0K", 1536 -> "1.5K", 10240 -> "10K"; rounds up as GNU ls -h. */
void fmt_human(uint64_t n, char *buf, size_t len);
/* "drwxr-xr-x" into out[11], with s/S/t/T for the set-id and sticky bits. */
void fmt_mode(mode_t mode, char out[11]);
/*
 * Apply the chmod expression S to OLD (a file's full st_mode); is_dir
 * matters for X and umask for who-less clauses ("+x" is "a+x" less umask).
 * Returns 0 and the new permission bits (07777) in *out, or -1 when S is
 * malformed.
 */
int mode_parse(const char *s, mode_t old, mode_t umask_bits, mode_t *out);

/*
 * A kernel-log record "<N>text" (N its level, or facility*8+level): the
 * length of the "<N>" prefix, storing N in *level, or 0 and *level = -1
 * when the record has none.
 */
size_t log_prefix_len(const char *rec, size_t len, int *level);
/*
 * dmesg -n LEVEL: a number 1..8 as it is, or a level name ("emerg", "alert",
 * "crit", "err", "warn", "notice", "info", "debug") as its number plus one,
 * so "-n err" lets errors and worse reach the console, as util-linux does.
 * -1 for anything else.
 */
int log_console_level(const char *s);

#endif
