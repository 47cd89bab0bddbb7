/*
 * Kernel services for pure logic (DESIGN.md "Testing"). Code that is built
 * both into the kernel and into host unit tests includes <ksvc.h> and nothing
 * architecture-specific. The host replacement is tests/unit/svc/ksvc.h and
 * must offer the same names.
 *
 * Offered: fixed-width types, compiler helpers, errno values, the string
 * functions, printk/pr_*, panic/KASSERT, spinlocks, the page source of
 * the kernel heap, and the wall clock.
 */
#ifndef KSVC_H
#define KSVC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include "kernel/lib/compiler.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"

/*
 * Page source for the heap (kernel/mm/mem.c): n physically contiguous,
 * page-aligned, mapped pages, or NULL. heap_pages_free gives back exactly
 * what one heap_pages_alloc call returned.
 */
void *heap_pages_alloc(size_t npages);
void heap_pages_free(void *p, size_t npages);

/*
 * The heap found a broken invariant (double free, overrun, bad pointer).
 * The kernel panics; host tests record the report and carry on.
 */
void heap_report(const char *what, const void *ptr);

/* Wall-clock time: nanoseconds since the Unix epoch (file timestamps). */
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
