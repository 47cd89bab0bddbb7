/*
 * Work that runs in the net thread (net/net.h): one-shot timers and
 * synchronous calls. The UDP application engines (DHCP, DNS, TFTP) are
 * driven only from the net thread: their datagrams arrive there (UDP
 * delivers in the net thread), their timers fire there, and a thread that
 * wants to start, query or stop an engine asks the net thread to do it with
 * net_call. One thread owning each engine is the "one lock per engine" the
 * engine headers ask for, and it makes teardown safe: after a net_call that
 * unbinds a port and cancels a timer, no delivery or timer callback for it
 * can still be running.
 *
 * Lock legend: the timer list is touched only by the net thread; call_lock
 * (an IRQ-saving spinlock) guards the queue of pending calls.
 */
#include <ksvc.h>
#include "kernel/sched/sched.h"
#include "net/net.h"
#include "kernel/lib/random.h"
#include "net/netdev.h"
#include "net/udp.h"

static struct net_timer *timers; /* net thread only; unsorted, there are few */

struct net_call_req {
	void (*fn)(void *arg);
	void *arg;
	volatile bool done;
	struct net_call_req *next;
};

static struct spinlock call_lock = SPINLOCK_INIT("net_call");
static struct net_call_req *calls, **calls_tail = &calls; /* call_lock */
static struct waitq call_wq = WAITQ_INIT;
static struct thread *net_thread_ptr; /* set once by net_init */

void net_timer_init(struct net_timer *t, void (*fn)(void *), void *arg)
{
	t->at = UINT64_MAX;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	t->linked = false;
}

void net_timer_arm(struct net_timer *t, uint64_t at_ms)
{
	if (at_ms == UINT64_MAX) {
		net_timer_cancel(t);
		return;
	}
	t->at = at_ms;
	if (!t->linked) {
		t->next = timers;
		timers = t;
		t->linked = true;
	}
}

void net_timer_cancel(struct net_timer *t)
{
	t->at = UINT64_MAX;
	if (!t->linked)
		return;
	for (struct net_timer **pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->linked = false;
	t->next = NULL;
}

uint64_t net_timers_next(void)
{
	uint64_t next = UINT64_MAX;

	for (struct net_timer *t = timers; t; t = t->next)
		next = MIN(next, t->at);
	return next;
}

void net_timers_run(uint64_t now)
{
	/* A callback may arm or cancel any timer: rescan after each one. */
	for (;;) {
		struct net_timer *due = NULL;
		for (struct net_timer *t = timers; t && !due; t = t->next)
			if (t->at <= now)
				due = t;
		if (!due)
			return;
		net_timer_cancel(due);
		due->fn(due->arg);
	}
}

bool net_in_thread(void)
{
	return net_thread_ptr && current_thread() == net_thread_ptr;
}

void net_work_set_thread(struct thread *t)
{
	net_thread_ptr = t;
}

static bool call_done(void *arg)
{
	return ((struct net_call_req *)arg)->done;
}

void net_call(void (*fn)(void *arg), void *arg)
{
	struct net_call_req req = {fn, arg, false, NULL};
	unsigned long fl;

	if (!net_thread_ptr || net_in_thread()) { /* before net_init, or the net thread */
		fn(arg);
		return;
	}
	fl = spin_lock_irqsave(&call_lock);
	*calls_tail = &req;
	calls_tail = &req.next;
	spin_unlock_irqrestore(&call_lock, fl);
	net_kick();
	waitq_wait(&call_wq, call_done, &req, 0);
}

void net_calls_run(void)
{
	for (;;) {
		unsigned long fl = spin_lock_irqsave(&call_lock);
		struct net_call_req *r = calls;
		if (r) {
			calls = r->next;
			if (!calls)
				calls_tail = &calls;
		}
		spin_unlock_irqrestore(&call_lock, fl);
		if (!r)
			return;
		r->fn(r->arg);
		__atomic_store_n(&r->done, true, __ATOMIC_SEQ_CST);
		waitq_wake_all(&call_wq);
	}
}

int net_udp_bind_random(const struct udp_ops *ops, void *ctx)
{
	const uint32_t range = UDP_EPHEMERAL_HIGH - UDP_EPHEMERAL_LOW + 1;

	for (int i = 0; i < 16; i++) {
		int r = udp_bind((uint16_t)(UDP_EPHEMERAL_LOW + random_u64() % range), ops, ctx);
		if (r > 0)
			return r;
	}
	return udp_bind(0, ops, ctx);
}
