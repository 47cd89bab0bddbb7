/*
 * Shared helpers of the network tools (user/<tool>/, docs/nettools.md): error messages prefixed with the program name, strict number
 * and address parsing for command lines, a monotonic clock, whole-file
 * reads for /proc/net and /etc, and host name resolution through our own
 * resolver (nt_resolv.h). Not pure: these use libc and system calls.
 */
#ifndef NT_UTIL_H
#define NT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <netinet/in.h>

/* Set by each tool's main; prefixes every message. */
extern const char *nt_prog;

void nt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* nt_err with ": strerror(errno)" appended. */
void nt_perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint64_t nt_now_ms(void);
uint64_t nt_now_us(void);

/* Whole file, NUL-terminated, malloc'd; NULL with errno on failure. */
char *nt_read_file(const char *path, size_t *len);

/* A decimal integer in [min, max], the whole string: 0, or -1. */
int nt_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* Seconds with an optional fraction ("0.2", "5"), in [0, max_s]: 0 or -1. */
int nt_parse_secs_ms(const char *s, unsigned long max_s, uint64_t *ms);
/* A strict dotted quad: 0 or -1. */
int nt_parse_ipv4(const char *s, struct in_addr *a);
/* A port number 1..65535 ("80"): 0 or -1. */
int nt_parse_port(const char *s, uint16_t *port);

/* A host name or dotted quad to an IPv4 address: /etc/hosts, then DNS
 * (nt_resolv.h). 0, or -errno (-ENOENT unknown host, -ETIMEDOUT, ...). */
int nt_resolve_host(const char *name, struct in_addr *out);
const char *nt_resolve_strerror(int err);

#endif
