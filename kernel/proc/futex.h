/*
 * Fast user-space mutexes (kernel/proc/futex.c; futex(2)): the WAIT, WAKE,
 * REQUEUE, CMP_REQUEUE, WAIT_BITSET and WAKE_BITSET operations that musl's
 * threads, mutexes, condition variables and pthread_join use.
 */
#ifndef KERNEL_PROC_FUTEX_H
#define KERNEL_PROC_FUTEX_H

#include <stdint.h>

struct process;

long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t arg4, uint64_t uaddr2, uint32_t val3);
/* Wake up to n waiters on p's futex word at uaddr (CLONE_CHILD_CLEARTID). */
int futex_wake_addr(struct process *p, uint64_t uaddr, int n);

#endif
