/*
 * copy_from_user, copy_to_user and strncpy_from_user: range checks against
 * the user half, then the fault-safe copies of usercopy.S.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"

extern uint8_t smap_on;
long raw_copy_user(void *dst, const void *src, size_t n);
long raw_strncpy_user(char *dst, const char *usrc, size_t max);

void usercopy_init(void)
{
	smap_on = cpu_features.smap;
}

static bool user_range(uintptr_t p, size_t n)
{
	return p < ARCH_USER_TOP && n <= ARCH_USER_TOP - p;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range((uintptr_t)usrc, n))
		return -EFAULT;
	return n ? (int)raw_copy_user(dst, usrc, n) : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range((uintptr_t)udst, n))
		return -EFAULT;
	return n ? (int)raw_copy_user(udst, src, n) : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t size)
{
	size_t max = size;
	long r;

	if (size == 0)
		return -ENAMETOOLONG;
	if ((uintptr_t)usrc >= ARCH_USER_TOP)
		return -EFAULT;
	if (max > ARCH_USER_TOP - (uintptr_t)usrc)
		max = ARCH_USER_TOP - (uintptr_t)usrc;
	r = raw_strncpy_user(dst, usrc, max);
	if (r < 0)
		return r;
	if ((size_t)r == size)
		return -ENAMETOOLONG; /* no NUL within the buffer */
	if ((size_t)r == max)
		return -EFAULT; /* ran into the end of user space */
	return r;
}
