/*
 * Formatted output into a buffer (kernel/lib/printf.c), C99 semantics:
 * the return value is the length the full output would have had, and the
 * buffer is always NUL-terminated when size > 0.
 *
 * Conversions: %c %s %d %i %u %o %x %X %p %%; flags '-' '+' ' ' '0' '#';
 * width and precision, including '*'; length modifiers hh h l ll z j t.
 * %p prints 0x followed by 16 hex digits; a NULL %s prints "(null)".
 * An unknown conversion is copied through literally.
 */
#ifndef KERNEL_LIB_PRINTF_H
#define KERNEL_LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include "kernel/lib/compiler.h"

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Append to buf, which holds n bytes, never writing past size; returns the
 * new length (at most size). For building /proc files piece by piece. */
size_t ksnappend(char *buf, size_t size, size_t n, const char *fmt, ...) __printf(4, 5);

#endif
