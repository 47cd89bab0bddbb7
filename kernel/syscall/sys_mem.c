/*
 * The memory system calls: mmap, munmap, mprotect, brk, madvise and
 * mremap. Each unpacks its arguments and hands them to the user-memory
 * layer (kernel/proc/uvm.c), which holds the semantics.
 */
#include <ksvc.h>
#include "kernel/proc/uvm.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_mmap     9
#define SYS_mprotect 10
#define SYS_munmap   11
#define SYS_brk	     12
#define SYS_mremap   25
#define SYS_madvise  28

static long sys_mmap(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_mmap((uint64_t)a[0], (uint64_t)a[1], (unsigned long)a[2], (unsigned long)a[3],
		     (int)a[4], (uint64_t)a[5]);
	mutex_unlock(mm);
	return r;
}

static long sys_mprotect(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_mprotect((uint64_t)a[0], (uint64_t)a[1], (unsigned long)a[2]);
	mutex_unlock(mm);
	return r;
}

static long sys_munmap(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_munmap((uint64_t)a[0], (uint64_t)a[1]);
	mutex_unlock(mm);
	return r;
}

static long sys_brk(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_brk((uint64_t)a[0]);
	mutex_unlock(mm);
	return r;
}

static long sys_mremap(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_mremap((uint64_t)a[0], (uint64_t)a[1], (uint64_t)a[2], (unsigned long)a[3],
		       (uint64_t)a[4]);
	mutex_unlock(mm);
	return r;
}

static long sys_madvise(const long a[6])
{
	struct mutex *mm = &current_process()->mm_lock;
	long r;

	mutex_lock(mm);
	r = uvm_madvise((uint64_t)a[0], (uint64_t)a[1], (int)a[2]);
	mutex_unlock(mm);
	return r;
}

void sys_mem_init(void)
{
	syscall_set(SYS_mmap, sys_mmap);
	syscall_set(SYS_mprotect, sys_mprotect);
	syscall_set(SYS_munmap, sys_munmap);
	syscall_set(SYS_brk, sys_brk);
	syscall_set(SYS_mremap, sys_mremap);
	syscall_set(SYS_madvise, sys_madvise);
}
