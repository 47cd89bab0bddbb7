/*
 * Futexes (futex(2)). A waiter is keyed by its address space and the user
 * address of the 32-bit word, so only threads of one process meet (a
 * process-shared futex in MAP_SHARED memory between processes is not
 * supported: it would need the physical page as the key). Waiters sit in
 * a small hash table; each sleeps on its own wait queue until a waker
 * marks it woken, a timeout passes or a signal arrives.
 *
 * FUTEX_WAIT's check of the word and the queueing must be atomic against
 * wakers: the word is read with copy_from_user, then the waiter is queued
 * without sleeping in between. With one CPU and kernel code that is not
 * preempted, nothing can run in that gap; SMP will need the hash lock
 * held across the read with page faults disabled, as Linux does.
 *
 * Lock legend: futex_lock guards the hash table and every waiter's links
 * and `woken`.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/process.h"

#define FUTEX_WAIT	       0
#define FUTEX_WAKE	       1
#define FUTEX_REQUEUE	       3
#define FUTEX_CMP_REQUEUE      4
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAKE_BITSET      10
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define BUCKETS		       64

struct futex_waiter {
	const void *as;
	uint64_t addr;
	uint32_t bitset;
	bool woken;
	struct waitq wq;
	struct futex_waiter *next;
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex");
static struct futex_waiter *buckets[BUCKETS];

static struct futex_waiter **bucket(const void *as, uint64_t addr)
{
	uint64_t h = (addr >> 2) ^ ((uintptr_t)as >> 6);

	h ^= h >> 17;
	return &buckets[h % BUCKETS];
}

static void unlink_locked(struct futex_waiter *w)
{
	struct futex_waiter **pp = bucket(w->as, w->addr);

	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->next = NULL;
}

static int wake_locked(const void *as, uint64_t addr, int n, uint32_t bitset)
{
	struct futex_waiter **pp = bucket(as, addr);
	int woken = 0;

	while (*pp && woken < n) {
		struct futex_waiter *w = *pp;
		if (w->as == as && w->addr == addr && (w->bitset & bitset)) {
			*pp = w->next;
			w->next = NULL;
			w->woken = true;
			waitq_wake_all(&w->wq);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

int futex_wake_addr(struct process *p, uint64_t uaddr, int n)
{
	unsigned long fl = spin_lock_irqsave(&futex_lock);
	int woken = wake_locked(p->as, uaddr, n, FUTEX_BITSET_MATCH_ANY);

	spin_unlock_irqrestore(&futex_lock, fl);
	return woken;
}

static bool was_woken(void *arg)
{
	return ((struct futex_waiter *)arg)->woken;
}

struct timespec_user {
	int64_t sec, nsec;
};

/* The timeout in ms (0: none), from a relative or an absolute timespec. */
static int timeout_ms(uint64_t uts, bool absolute, bool realtime, unsigned *ms)
{
	struct timespec_user ts;
	uint64_t ns, now;

	*ms = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)ts.sec * 1000000000u + (uint64_t)ts.nsec;
	if (absolute) {
		now = realtime ? ksvc_realtime_ns() : arch_time_ns();
		if (ns <= now)
			return -ETIMEDOUT;
		ns -= now;
	}
	if (ns == 0)
		return -ETIMEDOUT;
	*ms = ns / 1000000 >= 0x7fffffff ? 0x7fffffff : (unsigned)((ns + 999999) / 1000000);
	return 0;
}

static long futex_wait(const void *as, uint64_t uaddr, uint32_t val, unsigned ms, uint32_t bitset)
{
	struct futex_waiter w = {.as = as, .addr = uaddr, .bitset = bitset};
	unsigned long fl;
	uint32_t cur;
	int err;

	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	/* No sleep since the read: see the comment at the top. */
	fl = spin_lock_irqsave(&futex_lock);
	if (cur != val) {
		spin_unlock_irqrestore(&futex_lock, fl);
		return -EAGAIN;
	}
	waitq_init(&w.wq);
	w.next = *bucket(as, uaddr);
	*bucket(as, uaddr) = &w;
	spin_unlock_irqrestore(&futex_lock, fl);

	err = waitq_wait_intr(&w.wq, was_woken, &w, ms);

	fl = spin_lock_irqsave(&futex_lock);
	if (!w.woken)
		unlink_locked(&w);
	spin_unlock_irqrestore(&futex_lock, fl);
	if (w.woken)
		return 0;
	return err == -ETIMEDOUT ? -ETIMEDOUT : -EINTR;
}

static long futex_requeue(const void *as, uint64_t uaddr, int nwake, int nmove, uint64_t uaddr2,
			  bool cmp, uint32_t val3)
{
	unsigned long fl;
	uint32_t cur;
	int done;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if (cmp && copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	fl = spin_lock_irqsave(&futex_lock);
	if (cmp && cur != val3) {
		spin_unlock_irqrestore(&futex_lock, fl);
		return -EAGAIN;
	}
	done = wake_locked(as, uaddr, nwake, FUTEX_BITSET_MATCH_ANY);
	for (int moved = 0; moved < nmove;) {
		struct futex_waiter **pp = bucket(as, uaddr), *w = NULL;
		for (; *pp; pp = &(*pp)->next)
			if ((*pp)->as == as && (*pp)->addr == uaddr) {
				w = *pp;
				break;
			}
		if (!w)
			break;
		*pp = w->next;
		w->addr = uaddr2;
		w->next = *bucket(as, uaddr2);
		*bucket(as, uaddr2) = w;
		moved++;
		done++;
	}
	spin_unlock_irqrestore(&futex_lock, fl);
	return done;
}

long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t arg4, uint64_t uaddr2, uint32_t val3)
{
	const void *as = current_process()->as;
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	unsigned ms;
	int err;

	if (uaddr & 3)
		return -EINVAL;
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT_BITSET && val3 == 0)
			return -EINVAL;
		err = timeout_ms(arg4, cmd == FUTEX_WAIT_BITSET, realtime, &ms);
		if (err)
			return err;
		return futex_wait(as, uaddr, val, ms,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		unsigned long fl;
		int n;
		if (cmd == FUTEX_WAKE_BITSET && val3 == 0)
			return -EINVAL;
		fl = spin_lock_irqsave(&futex_lock);
		n = wake_locked(as, uaddr, (int)MIN(val, 0x7fffffffu),
				cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
		spin_unlock_irqrestore(&futex_lock, fl);
		return n;
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if (uaddr2 & 3)
			return -EINVAL;
		return futex_requeue(as, uaddr, (int)val, (int)arg4, uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		return -ENOSYS;
	}
}
