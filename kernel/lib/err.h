/*
 * Pointer-or-error returns (STYLE.md: NULL, or ERR_PTR where the reason
 * matters). The top 4095 addresses are never valid kernel pointers.
 */
#ifndef KERNEL_LIB_ERR_H
#define KERNEL_LIB_ERR_H

#include <stdint.h>
#include <stdbool.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *p)
{
	return (long)p;
}

static inline bool IS_ERR(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-MAX_ERRNO;
}

#endif
