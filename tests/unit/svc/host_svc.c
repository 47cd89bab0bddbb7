/*
 * Host implementations of the kernel services in tests/unit/svc/ksvc.h, with
 * hooks (host_svc.h) that let tests look at what pure logic did: printk lines
 * are captured, the heap's page source counts pages and can be told to fail,
 * heap_report is recorded instead of panicking, and spinlocks check that they
 * are never taken twice or released unheld.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "host_svc.h"

/* ---- log ---------------------------------------------------------------- */

#define LINE_MAX_LEN 512

static char log_lines[HOST_LOG_LINES][LINE_MAX_LEN];
static unsigned log_total;

void printk(int level, const char *fmt, ...)
{
	char *line = log_lines[log_total % HOST_LOG_LINES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, LINE_MAX_LEN, fmt, ap);
	va_end(ap);
	/* Kernel messages end in "\n", as in Linux; lines are kept without it. */
	line[strcspn(line, "\n")] = '\0';
	log_total++;
	if (getenv("HOST_LOG") && !strcmp(getenv("HOST_LOG"), "1"))
		fprintf(stderr, "<%d>%s\n", level, line);
}

void host_log_clear(void)
{
	log_total = 0;
}

unsigned host_log_total(void)
{
	return log_total;
}

unsigned host_log_count(const char *needle)
{
	unsigned kept = log_total < HOST_LOG_LINES ? log_total : HOST_LOG_LINES;
	unsigned i, n = 0;

	for (i = 0; i < kept; i++) {
		if (strstr(log_lines[(log_total - 1 - i) % HOST_LOG_LINES], needle))
			n++;
	}
	return n;
}

bool host_log_contains(const char *needle)
{
	return host_log_count(needle) > 0;
}

const char *host_log_last(void)
{
	return log_total ? log_lines[(log_total - 1) % HOST_LOG_LINES] : "";
}

/* ---- panic ------------------------------------------------------------- */

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- spinlocks ---------------------------------------------------------- */

static uint64_t lock_acquired;
static int locks_held;

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	if (l->locked)
		panic("spinlock %s: taken twice", l->name ? l->name : "?");
	l->locked = 1;
	lock_acquired++;
	locks_held++;
	return 0x200; /* an IF-set RFLAGS, as if interrupts were on */
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	if (!l->locked)
		panic("spinlock %s: released while not held", l->name ? l->name : "?");
	if (flags != 0x200)
		panic("spinlock %s: flags not from spin_lock_irqsave", l->name ? l->name : "?");
	l->locked = 0;
	locks_held--;
}

uint64_t host_lock_acquired(void)
{
	return lock_acquired;
}

int host_locks_held(void)
{
	return locks_held;
}

/* ---- page source ------------------------------------------------------- */

struct page_run {
	void *p;
	size_t npages;
};

static struct page_run *runs;
static size_t nruns, runs_cap;
static uint64_t pages_outstanding, pages_calls;
static unsigned fail_next;

void *heap_pages_alloc(size_t npages)
{
	void *p;

	pages_calls++;
	if (fail_next) {
		fail_next--;
		return NULL;
	}
	if (npages == 0 || npages > HOST_PAGES_MAX)
		return NULL;
	p = aligned_alloc(4096, npages * 4096);
	if (!p)
		return NULL;
	if (nruns == runs_cap) {
		size_t cap = runs_cap ? runs_cap * 2 : 64;
		struct page_run *r = realloc(runs, cap * sizeof(*r));

		if (!r) {
			free(p);
			return NULL;
		}
		runs = r;
		runs_cap = cap;
	}
	runs[nruns].p = p;
	runs[nruns].npages = npages;
	nruns++;
	pages_outstanding += npages;
	/* Fresh pages hold garbage in the kernel too. */
	memset(p, 0x5a, npages * 4096);
	return p;
}

void heap_pages_free(void *p, size_t npages)
{
	size_t i;

	for (i = nruns; i-- > 0;) {
		if (runs[i].p != p)
			continue;
		if (runs[i].npages != npages)
			panic("heap_pages_free(%p, %zu): allocated as %zu pages", p, npages,
			      runs[i].npages);
		runs[i] = runs[--nruns];
		pages_outstanding -= npages;
		free(p);
		return;
	}
	panic("heap_pages_free(%p, %zu): not from heap_pages_alloc", p, npages);
}

uint64_t host_pages_outstanding(void)
{
	return pages_outstanding;
}

uint64_t host_pages_alloc_calls(void)
{
	return pages_calls;
}

void host_pages_fail_next(unsigned n)
{
	fail_next = n;
}

/* ---- heap reports ------------------------------------------------------- */

static unsigned report_count;
static const char *report_what = "";
static const void *report_ptr;

void heap_report(const char *what, const void *ptr)
{
	report_count++;
	report_what = what;
	report_ptr = ptr;
	if (getenv("HOST_LOG") && !strcmp(getenv("HOST_LOG"), "1"))
		fprintf(stderr, "heap_report: %s at %p\n", what, ptr);
}

unsigned host_report_count(void)
{
	return report_count;
}

const char *host_report_last(void)
{
	return report_what;
}

const void *host_report_last_ptr(void)
{
	return report_ptr;
}

void host_report_clear(void)
{
	report_count = 0;
	report_what = "";
	report_ptr = NULL;
}

/* ---- wall clock --------------------------------------------------------- */

uint64_t ksvc_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ksvc_wait_while(const volatile unsigned *word, unsigned mask)
{
	while (*word & mask)
		;
}

void ksvc_wake_waiters(void)
{
}
