/*
 * panic() and KASSERT() are for broken kernel invariants only (STYLE.md).
 * Bad input from a disk, the network or a user program gets an error code.
 */
#ifndef KERNEL_LIB_PANIC_H
#define KERNEL_LIB_PANIC_H

#include "kernel/lib/compiler.h"

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* The final step of a panic, for callers that printed their own report. */
__noreturn void panic_halt(void);
/* What a panic ends with: an enum panic_action (kernel/lib/cmdline.h). */
void panic_set_action(int action);

#define KASSERT(cond)                                                                      \
	do {                                                                               \
		if (unlikely(!(cond)))                                                     \
			panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
