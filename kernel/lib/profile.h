/*
 * The kernel's sampling profiler (kernel/lib/profile.c): the timer tick
 * charges the interrupted instruction to its function when the command
 * line says `profile`; /proc/profile and profile_dump show the table.
 */
#ifndef KERNEL_LIB_PROFILE_H
#define KERNEL_LIB_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void profile_init(bool on);		   /* after the heap and procfs; on: `profile` given */
void profile_tick(uint64_t ip, bool user); /* from the timer interrupt */
/* From an NMI: true when it was the profiler's clock (the sample taken). */
bool profile_nmi(uint64_t ip, bool user);
void profile_reset(void);
bool profile_enabled(void);
void profile_dump(size_t top); /* the `top` busiest functions to the log */

#endif
