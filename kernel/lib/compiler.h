/*
 * Compiler helpers shared by the kernel and by host builds of pure logic.
 * Nothing here depends on the architecture or on kernel services.
 */
#ifndef KERNEL_LIB_COMPILER_H
#define KERNEL_LIB_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define __packed			__attribute__((packed))
#define __aligned(n)			__attribute__((aligned(n)))
#define __noreturn			__attribute__((noreturn))
#define __unused			__attribute__((unused))
#define __used				__attribute__((used))
#define __section(s)			__attribute__((section(s)))
#define __printf(f, a)			__attribute__((format(printf, f, a)))
#define __weak				__attribute__((weak))
#define likely(x)			__builtin_expect(!!(x), 1)
#define unlikely(x)			__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)			(((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)		((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a)		(((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)			((a) < (b) ? (a) : (b))
#define MAX(a, b)			((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define READ_ONCE(x)			(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)		(*(volatile __typeof__(x) *)&(x) = (v))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#endif
