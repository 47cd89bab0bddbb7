/*
 * Test-side hooks into the host kernel services (host_svc.c): the captured
 * log, the page source's accounting and failure injection, heap reports and
 * lock checks. Only tests include this; pure logic sees just <ksvc.h>.
 */
#ifndef HOST_SVC_H
#define HOST_SVC_H

#include <ksvc.h>

#ifndef KSVC_HOST
#error "<ksvc.h> resolved to the kernel's: put -Itests/unit/svc on the include path, not kernel/lib/svc"
#endif

#define HOST_LOG_LINES 256	   /* the most recent log lines that are kept */
#define HOST_PAGES_MAX (1UL << 18) /* largest heap_pages_alloc honoured: 1 GiB */

/* Log: every printk line is kept (and echoed to stderr with HOST_LOG=1). */
void host_log_clear(void);
bool host_log_contains(const char *needle);
unsigned host_log_count(const char *needle); /* kept lines containing needle */
unsigned host_log_total(void);		     /* lines since the last clear */
const char *host_log_last(void);	     /* "" when empty */

/* Page source behind heap_pages_alloc. */
uint64_t host_pages_outstanding(void); /* pages allocated and not freed */
uint64_t host_pages_alloc_calls(void);
void host_pages_fail_next(unsigned n); /* the next n allocations return NULL */

/* heap_report. */
unsigned host_report_count(void);
const char *host_report_last(void); /* "" when none */
const void *host_report_last_ptr(void);
void host_report_clear(void);

/* Spinlocks: acquisitions so far, and how many are held now. */
uint64_t host_lock_acquired(void);
int host_locks_held(void);

#endif
