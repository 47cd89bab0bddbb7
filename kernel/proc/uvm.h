/*
 * User virtual memory of a process (kernel/proc/uvm.c): the VMA list of
 * kernel/mm/vm.h tied to the process's page tables and frames. Pages are
 * made on first touch (demand paging): zero-filled for anonymous memory,
 * read through the VFS for file mappings; fork shares frames copy-on-write;
 * the stack grows down on faults up to RLIMIT_STACK.
 *
 * Lock legend: a process's VMAs and page tables are changed only by its
 * own thread (no CLONE_VM), and by the parent during fork, when the child
 * does not run yet. Frame reference counts are atomic (kernel/mm/mem.h).
 */
#ifndef KERNEL_PROC_UVM_H
#define KERNEL_PROC_UVM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "kernel/mm/vm.h"

struct process;
struct file;

#define UVM_STACK_TOP	0x00007ffffffff000ull
#define UVM_STACK_LIMIT (8ull << 20)	      /* RLIMIT_STACK, soft and hard */
#define UVM_STACK_GAP	(256ull * 4096)	      /* Linux's stack_guard_gap */
#define UVM_MMAP_TOP	0x00007f0000000000ull /* mmap allocates downwards from here */
#define UVM_MMAP_MIN	0x10000ull	      /* vm.mmap_min_addr */

/* Register /proc/vmstat (fault and copy-on-write counters). */
void uvm_stats_init(void);
/* An empty map for a new process. */
void uvm_init(struct process *p);
/* Free the VMAs of `vm` and the page tables and frames of `as`. */
struct arch_aspace;
void uvm_destroy(struct arch_aspace *as, struct vm_map *vm);

/*
 * The one place that decides what a page fault at `addr` means: 0 when the
 * page is now there (demand-zero, file read, copy-on-write, stack growth),
 * else the signal the process gets: SIGSEGV (no area, or the area forbids
 * the access), SIGBUS (a file page wholly past the end of the file, or an
 * I/O error) or SIGKILL (no memory). `access` is arch_pf_access's.
 */
int uvm_fault(struct process *p, uint64_t addr, unsigned access);
/* The same for the calling process: the arch page-fault hook. */
int uvm_fault_current(uint64_t addr, unsigned access);

/* Add an area (the range must be free). prot: VM_PROT_*, flags: VMA_*.
 * file NULL for anonymous memory. 0 or -errno. */
int uvm_map(struct process *p, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
	    struct file *file, uint64_t off, uint64_t file_end);
/* Remove [start, end): areas and pages. 0 or -ENOMEM (a split failed). */
int uvm_unmap(struct process *p, uint64_t start, uint64_t end);
/* The stack area of a new image: at least 128 KiB below UVM_STACK_TOP,
 * down to `low` if the arguments need more; it grows on faults. */
int uvm_stack_area(struct process *p, uint64_t low, bool exec);
/* Copy n kernel bytes to user address va of p, making pages as a write
 * fault would (p need not be the running process): the loader's stack. */
int uvm_write(struct process *p, uint64_t va, const void *src, size_t n);
/* fork: give child (fresh aspace, empty map) parent's areas, sharing every
 * frame: private pages copy-on-write, MAP_SHARED pages plainly. */
int uvm_fork(struct process *child, struct process *parent);

/* The memory system calls, with Linux's semantics (mmap(2), munmap(2),
 * mprotect(2), brk(2), madvise(2), mremap(2)). */
long uvm_mmap(uint64_t addr, uint64_t len, unsigned long prot, unsigned long flags, int fd,
	      uint64_t off);
long uvm_munmap(uint64_t addr, uint64_t len);
long uvm_mprotect(uint64_t addr, uint64_t len, unsigned long prot);
long uvm_brk(uint64_t want);
long uvm_madvise(uint64_t addr, uint64_t len, int advice);
long uvm_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, unsigned long flags,
		uint64_t new_addr);

#endif
