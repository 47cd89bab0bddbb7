/*
 * Kernel stacks with guard pages (kernel/mm/kstack.c). Each stack is
 * KSTACK_SIZE bytes in the kernel-stack area with an unmapped page below it,
 * so an overflow faults instead of corrupting memory.
 */
#ifndef KERNEL_MM_KSTACK_H
#define KERNEL_MM_KSTACK_H

#include <stdint.h>

/* The top (initial stack pointer) of a new stack, or 0 when out of memory. */
uintptr_t kstack_alloc(void);
void kstack_free(uintptr_t top);
/* The lowest mapped address of the stack whose top is `top`. */
uintptr_t kstack_bottom(uintptr_t top);

#endif
