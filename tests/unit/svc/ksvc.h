/*
 * Host replacement for kernel/lib/svc/ksvc.h (DESIGN.md "Testing"): the same
 * names, backed by the C library and by tests/unit/svc/host_svc.c. Unit tests
 * and fuzz targets put tests/unit/svc on the include path instead of
 * kernel/lib/svc. The hooks tests use to inspect these services are in
 * host_svc.h.
 */
#ifndef KSVC_H
#define KSVC_H

#define KSVC_HOST 1 /* host_svc.h checks that this file, not the kernel's, is in use */

/* libc first: compiler.h defines names such as __unused that libc headers
 * may use themselves. libc's <errno.h> is deliberately never included. */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include "kernel/lib/compiler.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"

/* glibc before 2.38 has no strlcpy; the macro keeps this copy from clashing
 * with a libc declaration where there is one. */
static inline size_t ksvc_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
#define strlcpy ksvc_strlcpy

void *heap_pages_alloc(size_t npages);
void heap_pages_free(void *p, size_t npages);
void heap_report(const char *what, const void *ptr);
uint64_t ksvc_realtime_ns(void);

/*
 * Wait while (*word & mask) is nonzero, for a completion that an interrupt
 * will deliver: the kernel sleeps with sti;hlt between checks (no lost
 * wake-up: the check runs with interrupts off), the host just spins.
 * Needs interrupts enabled in the kernel.
 */
void ksvc_wait_while(const volatile unsigned *word, unsigned mask);
/* Whoever clears a flag that someone may wait on with ksvc_wait_while calls
 * this afterwards (interrupt context is fine). */
void ksvc_wake_waiters(void);

#endif
