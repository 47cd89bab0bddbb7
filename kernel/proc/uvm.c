/*
 * User virtual memory: the VMA list (kernel/mm/vm.c) of each process tied
 * to its page tables (arch_aspace_*) and to reference-counted frames
 * (kernel/mm/mem.c), plus the memory system calls.
 *
 * - Demand paging: no page exists until it is touched. Anonymous pages
 *   come zeroed; a private file page is read through the VFS into a frame
 *   of its own, zeroing what lies past the end of the file (and past the
 *   area's file_end, the ELF bss tail); a page wholly past EOF is SIGBUS.
 * - Copy-on-write: fork shares every frame. Private pages lose write
 *   permission in both processes; the first write copies the frame, or just
 *   turns write back on when the writer holds the last reference.
 *   MAP_SHARED anonymous pages stay writable and shared, never copied;
 *   they are made when mapped (their frames are the only shared object).
 * - The stack area is VMA_GROWSDOWN: a fault below it extends it, up to
 *   UVM_STACK_LIMIT below its top and never within UVM_STACK_GAP of the
 *   area beneath (Linux's stack_guard_gap).
 * - MAP_SHARED file mappings are supported read-only and behave as private
 *   copies (no page cache to share through): PROT_WRITE on one is -ENODEV
 *   (-EACCES if the file is not open for writing), as is mprotect adding it.
 *
 * References: mmap(2), munmap(2), mprotect(2), brk(2), madvise(2),
 * mremap(2); Linux mm/memory.c (do_anonymous_page, do_wp_page).
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "fs/procfs.h"
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/uvm.h"

#define PROT_READ	    0x1
#define PROT_WRITE	    0x2
#define PROT_EXEC	    0x4
#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_GROWSDOWN	    0x0100
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE	    1
#define MREMAP_FIXED	    2
#define MADV_DONTNEED	    4
#define MADV_FREE	    8
#define UVM_STACK_INIT	    (128ull << 10) /* the stack area exec sets up */

/* Counters for /proc/vmstat (Linux's names where Linux has one); updated
 * with relaxed atomics, read without a lock. */
static struct {
	uint64_t pgfault;      /* faults handled, resolved or not */
	uint64_t pgmajfault;   /* pages read from a file */
	uint64_t zero_fill;    /* anonymous pages made */
	uint64_t cow_copy;     /* write faults that copied a shared frame */
	uint64_t cow_reuse;    /* write faults that found the last reference */
	uint64_t stack_grow;   /* faults that extended a stack area */
	uint64_t segv, sigbus; /* faults answered with a signal */
} stats;

#define STAT_INC(f) __atomic_add_fetch(&stats.f, 1, __ATOMIC_RELAXED)

static int show_vmstat(char *buf, size_t size, void *arg)
{
	int n = ksnprintf(buf, size,
			  "pgfault %llu\npgmajfault %llu\nzero_fill %llu\ncow_copy %llu\n"
			  "cow_reuse %llu\nstack_grow %llu\nfault_sigsegv %llu\n"
			  "fault_sigbus %llu\n",
			  (unsigned long long)stats.pgfault, (unsigned long long)stats.pgmajfault,
			  (unsigned long long)stats.zero_fill, (unsigned long long)stats.cow_copy,
			  (unsigned long long)stats.cow_reuse, (unsigned long long)stats.stack_grow,
			  (unsigned long long)stats.segv, (unsigned long long)stats.sigbus);
	return n < 0 ? 0 : (int)MIN((size_t)n, size);
}

void uvm_stats_init(void)
{
	procfs_register("vmstat", show_vmstat, NULL);
}

static void file_get(void *f)
{
	vfs_file_get(f);
}

static void file_put(void *f)
{
	vfs_close(f);
}

static const struct vm_file_ops uvm_file_ops = {file_get, file_put};

void uvm_init(struct process *p)
{
	vm_map_init(&p->vm, &uvm_file_ops);
}

void uvm_destroy(struct arch_aspace *as, struct vm_map *vm)
{
	arch_aspace_destroy(as, page_put);
	vm_map_destroy(vm);
}

/* The page-table flags an area's pages get. */
static unsigned pte_flags(const struct vm_area *a)
{
	if (!(a->prot & VM_PROT_MASK))
		return VM_NOACCESS;
	return ((a->prot & VM_PROT_WRITE) ? VM_WRITE : 0) |
	       ((a->prot & VM_PROT_EXEC) ? VM_EXEC : 0);
}

/* Fill a fresh frame with page `va` of a file area. 0 or a signal. */
static int read_file_page(const struct vm_area *a, uint64_t va, uint64_t pa)
{
	struct file *f = a->file;
	uint64_t off = a->off + (va - a->start), size = f->inode->size, limit;
	uint8_t *dst = phys_to_virt(pa);
	long r = 0;

	if (a->file_end == UINT64_MAX && off >= ALIGN_UP(size, PAGE_SIZE))
		return SIGBUS; /* mmap(2): access wholly past the end of the file */
	limit = MIN(size, a->file_end);
	if (off < limit) {
		r = vfs_pread(f, dst, (size_t)MIN((uint64_t)PAGE_SIZE, limit - off), off);
		if (r < 0)
			return SIGBUS;
	}
	memset(dst + r, 0, PAGE_SIZE - (size_t)r);
	return 0;
}

/* A stack area below which `addr` lies may grow to cover it. */
static struct vm_area *grow_stack(struct process *p, uint64_t addr)
{
	struct vm_area *a = vm_find_next(&p->vm, addr), *prev;
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!a || !(a->flags & VMA_GROWSDOWN) || a->end - va > UVM_STACK_LIMIT)
		return NULL;
	prev = vm_find_prev(&p->vm, a->start);
	if (prev && (prev->end > va || va - prev->end < UVM_STACK_GAP))
		return NULL;
	if (vm_grow_down(&p->vm, a, va))
		return NULL;
	STAT_INC(stack_grow);
	return vm_find(&p->vm, addr);
}

static int fault(struct process *p, uint64_t addr, unsigned access);

int uvm_fault(struct process *p, uint64_t addr, unsigned access)
{
	int sig = fault(p, addr, access);

	STAT_INC(pgfault);
	if (sig == SIGSEGV)
		STAT_INC(segv);
	else if (sig == SIGBUS)
		STAT_INC(sigbus);
	return sig;
}

static int fault(struct process *p, uint64_t addr, unsigned access)
{
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE), pa, np, old;
	struct vm_area *a;
	unsigned cur;
	int sig;

	if (addr >= ARCH_USER_TOP)
		return SIGSEGV;
	a = vm_find(&p->vm, addr);
	if (!a)
		a = grow_stack(p, addr);
	if (!a)
		return SIGSEGV;
	if (!(a->prot & VM_PROT_MASK) || ((access & VM_WRITE) && !(a->prot & VM_PROT_WRITE)) ||
	    ((access & VM_EXEC) && !(a->prot & VM_PROT_EXEC)))
		return SIGSEGV;

	if (arch_aspace_query(p->as, va, &pa, &cur) == 0) {
		pa = ALIGN_DOWN(pa, PAGE_SIZE);
		if (!(access & VM_WRITE) || (cur & VM_WRITE)) {
			/* Stale or spurious: re-apply the area's protection,
			 * keeping a copy-on-write page read-only. */
			unsigned want = pte_flags(a);
			if (!(cur & VM_WRITE))
				want &= ~VM_WRITE;
			arch_aspace_protect(p->as, va, want);
			return 0;
		}
		/* A write to a read-only page of a writable area. */
		if ((a->flags & VMA_SHARED) || page_refcount(pa) == 1) {
			STAT_INC(cow_reuse);
			return arch_aspace_protect(p->as, va, pte_flags(a)) ? SIGSEGV : 0;
		}
		STAT_INC(cow_copy);
		if (upage_alloc(&np))
			return SIGKILL;
		memcpy(phys_to_virt(np), phys_to_virt(pa), PAGE_SIZE);
		if (arch_aspace_set(p->as, va, np, pte_flags(a), &old)) {
			page_put(np);
			return SIGKILL;
		}
		if (old)
			page_put(old);
		return 0;
	}

	if (upage_alloc(&np))
		return SIGKILL;
	if (a->file) {
		STAT_INC(pgmajfault);
		sig = read_file_page(a, va, np);
		if (sig) {
			page_put(np);
			return sig;
		}
	} else {
		STAT_INC(zero_fill);
		memset(phys_to_virt(np), 0, PAGE_SIZE);
	}
	/* The file read may have slept, but only this thread changes this
	 * address space, so the area and the empty slot are still there. */
	if (arch_aspace_map(p->as, va, np, pte_flags(a))) {
		page_put(np);
		return SIGKILL;
	}
	return 0;
}

int uvm_fault_current(uint64_t addr, unsigned access)
{
	struct process *p = current_process();
	int sig;

	if (!p || !p->as)
		return SIGSEGV;
	mutex_lock(&p->mm_lock);
	sig = uvm_fault(p, addr, access);
	mutex_unlock(&p->mm_lock);
	return sig;
}

/* Give every page of [start, end) of area a a zeroed frame now. Shared
 * anonymous memory has no object behind it but its frames, so it cannot
 * wait for a fault: a page first touched after fork would not be shared. */
static int populate(struct process *p, const struct vm_area *a, uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t np;
		if (arch_aspace_query(p->as, va, NULL, NULL) == 0)
			continue;
		if (upage_alloc(&np))
			return -ENOMEM;
		memset(phys_to_virt(np), 0, PAGE_SIZE);
		if (arch_aspace_map(p->as, va, np, pte_flags(a))) {
			page_put(np);
			return -ENOMEM;
		}
	}
	return 0;
}

static bool shared_anon(const struct vm_area *a)
{
	return (a->flags & VMA_SHARED) && !a->file;
}

int uvm_map(struct process *p, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
	    struct file *file, uint64_t off, uint64_t file_end)
{
	struct vm_area a = {
		.start = start,
		.end = start + len,
		.prot = prot,
		.flags = flags | (file ? 0 : VMA_ANON),
		.file = file,
		.off = off,
		.file_end = file_end,
	};

	int err;

	if (len == 0 || start + len < start || start + len > ARCH_USER_TOP)
		return -ENOMEM;
	err = vm_insert(&p->vm, &a);
	if (!err && shared_anon(&a) && populate(p, &a, a.start, a.end)) {
		uvm_unmap(p, a.start, a.end);
		err = -ENOMEM;
	}
	return err;
}

int uvm_unmap(struct process *p, uint64_t start, uint64_t end)
{
	int err = vm_unmap(&p->vm, start, end);

	if (!err)
		arch_aspace_unmap_range(p->as, start, end, page_put);
	return err;
}

int uvm_write(struct process *p, uint64_t va, const void *src, size_t n)
{
	const uint8_t *s = src;

	while (n) {
		uint64_t pa;
		size_t chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		unsigned fl;
		/* As a write fault would: the page is made, or copied. */
		if (uvm_fault(p, va, VM_WRITE) || arch_aspace_query(p->as, va, &pa, &fl) ||
		    !(fl & VM_WRITE))
			return -EFAULT;
		memcpy(phys_to_virt(pa), s, chunk);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int uvm_fork(struct process *child, struct process *parent)
{
	int err = vm_map_clone(&child->vm, &parent->vm);

	for (struct vm_area *a = child->vm.head; a && !err; a = a->next)
		err = arch_aspace_share_range(child->as, parent->as, a->start, a->end,
					      !(a->flags & VMA_SHARED), page_get);
	return err;
}

/* ---- system calls ----------------------------------------------------- */

static bool range_ok(uint64_t addr, uint64_t len)
{
	return addr < ARCH_USER_TOP && len <= ARCH_USER_TOP - addr;
}

static unsigned to_vm_prot(unsigned long prot)
{
	return (unsigned)prot & VM_PROT_MASK; /* Linux's PROT_* values */
}

/* Where a mapping of len bytes goes: addr for MAP_FIXED*, else the hint if
 * it is free, else the highest free gap below UVM_MMAP_TOP. */
static long place(struct process *p, uint64_t addr, uint64_t len, unsigned long flags)
{
	uint64_t out;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (!range_ok(addr, len))
			return -ENOMEM;
		if (addr < UVM_MMAP_MIN)
			return -EPERM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !vm_range_free(&p->vm, addr, addr + len))
			return -EEXIST;
		return (long)addr;
	}
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (addr >= UVM_MMAP_MIN && range_ok(addr, len) && vm_range_free(&p->vm, addr, addr + len))
		return (long)addr;
	if (vm_find_gap(&p->vm, len, UVM_MMAP_MIN, UVM_MMAP_TOP, UVM_STACK_GAP, &out))
		return -ENOMEM;
	return (long)out;
}

long uvm_mmap(uint64_t addr, uint64_t len, unsigned long prot, unsigned long flags, int fd,
	      uint64_t off)
{
	struct process *p = current_process();
	unsigned type = flags & MAP_TYPE, vflags = 0;
	struct file *f = NULL;
	long at;
	int err;

	if (len == 0 || (prot & ~(unsigned long)VM_PROT_MASK) || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (len > ARCH_USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (type != MAP_PRIVATE)
		vflags |= VMA_SHARED;
	if (!(flags & MAP_ANONYMOUS)) {
		struct kstat st;
		f = p->fds ? fd_get(p->fds, fd) : NULL;
		if (!f)
			return -EBADF;
		err = vfs_fstat(f, &st);
		if (!err && !S_ISREG(st.mode))
			err = -ENODEV;
		else if (!err && (f->flags & O_ACCMODE) == O_WRONLY)
			err = -EACCES; /* every mapping reads the file */
		else if (!err && (vflags & VMA_SHARED) && (prot & PROT_WRITE))
			err = (f->flags & O_ACCMODE) == O_RDWR ? -ENODEV : -EACCES;
		else if (!err && off + len < off)
			err = -EOVERFLOW;
		if (err)
			goto out;
	} else {
		off = 0;
		if (flags & MAP_GROWSDOWN)
			vflags |= VMA_GROWSDOWN;
	}
	at = place(p, addr, len, flags);
	if (at < 0) {
		err = (int)at;
		goto out;
	}
	if ((flags & MAP_FIXED) && !vm_range_free(&p->vm, (uint64_t)at, (uint64_t)at + len)) {
		err = uvm_unmap(p, (uint64_t)at, (uint64_t)at + len); /* replaced */
		if (err)
			goto out;
	}
	err = uvm_map(p, (uint64_t)at, len, to_vm_prot(prot), vflags, f, off, UINT64_MAX);
out:
	if (f)
		vfs_close(f); /* the area holds its own reference */
	return err ? err : at;
}

long uvm_munmap(uint64_t addr, uint64_t len)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_ok(addr, len) || len == 0)
		return -EINVAL;
	return uvm_unmap(current_process(), addr, addr + len);
}

long uvm_mprotect(uint64_t addr, uint64_t len, unsigned long prot)
{
	struct process *p = current_process();
	struct vm_area probe = {.prot = to_vm_prot(prot)};
	int err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~(unsigned long)VM_PROT_MASK))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0)
		return 0;
	if (!range_ok(addr, len))
		return -ENOMEM;
	if ((prot & PROT_WRITE)) {
		for (struct vm_area *a = vm_find_next(&p->vm, addr); a && a->start < addr + len;
		     a = a->next)
			if (a->file && (a->flags & VMA_SHARED))
				return -EACCES; /* shared file mappings stay read-only */
	}
	err = vm_protect(&p->vm, addr, addr + len, probe.prot);
	if (!err)
		arch_aspace_protect_range(p->as, addr, addr + len, pte_flags(&probe));
	return err;
}

long uvm_brk(uint64_t want)
{
	struct process *p = current_process();
	uint64_t old_end = ALIGN_UP(p->brk, PAGE_SIZE), new_end;

	if (want < p->brk_start || want > UVM_MMAP_TOP)
		return (long)p->brk;
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end) {
		if (!vm_range_free(&p->vm, old_end, new_end + UVM_STACK_GAP) ||
		    uvm_map(p, old_end, new_end - old_end, VM_PROT_READ | VM_PROT_WRITE, VMA_BRK,
			    NULL, 0, UINT64_MAX))
			return (long)p->brk;
	} else if (new_end < old_end) {
		if (uvm_unmap(p, new_end, old_end))
			return (long)p->brk;
	}
	p->brk = want;
	return (long)p->brk;
}

long uvm_madvise(uint64_t addr, uint64_t len, int advice)
{
	struct process *p = current_process();
	uint64_t end;
	bool holes;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || advice < 0 || advice > 25)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_ok(addr, len))
		return -EINVAL;
	if (len == 0)
		return 0;
	end = addr + len;
	holes = !vm_range_covered(&p->vm, addr, end);
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		/* Private pages are dropped: the next touch reads zeros (anon)
		 * or the file again. Shared anonymous pages have no other home
		 * than the frames, so they are kept (Linux keeps them in shmem). */
		for (struct vm_area *a = vm_find_next(&p->vm, addr); a && a->start < end;
		     a = a->next)
			if (!(a->flags & VMA_SHARED))
				arch_aspace_unmap_range(p->as, MAX(a->start, addr),
							MIN(a->end, end), page_put);
	}
	return holes ? -ENOMEM : 0;
}

/* Move the pages of [old, old+len) to new (a free, already inserted area):
 * frames and their protection go along unchanged. */
static void move_pages(struct process *p, uint64_t old, uint64_t len, uint64_t new)
{
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t pa;
		unsigned fl;
		if (arch_aspace_query(p->as, old + o, &pa, &fl))
			continue;
		arch_aspace_unmap(p->as, old + o, NULL);
		if (arch_aspace_map(p->as, new + o, ALIGN_DOWN(pa, PAGE_SIZE), fl & ~VM_USER))
			page_put(ALIGN_DOWN(pa, PAGE_SIZE)); /* no table memory: the page is lost */
	}
}

long uvm_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, unsigned long flags,
		uint64_t new_addr)
{
	struct process *p = current_process();
	struct vm_area *a, tmpl;
	uint64_t out;

	if (!IS_ALIGNED(old, PAGE_SIZE) || (flags & ~(unsigned long)MREMAP_MAYMOVE))
		return -EINVAL; /* MREMAP_FIXED and MREMAP_DONTUNMAP are not supported */
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (new_len == 0 || old_len == 0 || !range_ok(old, old_len) || new_len > ARCH_USER_TOP)
		return -EINVAL;
	a = vm_find(&p->vm, old);
	if (!a || old + old_len > a->end)
		return -EFAULT; /* mremap(2): the old range is not one mapping */
	if (new_len <= old_len) {
		if (new_len < old_len && uvm_unmap(p, old + new_len, old + old_len))
			return -ENOMEM;
		return (long)old;
	}
	tmpl = *a;
	tmpl.next = NULL;
	if (tmpl.file)
		tmpl.off = a->off + (old - a->start);
	if (old + new_len <= ARCH_USER_TOP && vm_range_free(&p->vm, old + old_len, old + new_len)) {
		tmpl.start = old + old_len;
		tmpl.end = old + new_len;
		if (tmpl.file)
			tmpl.off += old_len;
		if (vm_insert(&p->vm, &tmpl))
			return -ENOMEM;
		if (shared_anon(&tmpl) && populate(p, &tmpl, tmpl.start, tmpl.end)) {
			uvm_unmap(p, tmpl.start, tmpl.end);
			return -ENOMEM;
		}
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (vm_find_gap(&p->vm, new_len, UVM_MMAP_MIN, UVM_MMAP_TOP, UVM_STACK_GAP, &out))
		return -ENOMEM;
	tmpl.start = out;
	tmpl.end = out + new_len;
	if (vm_insert(&p->vm, &tmpl))
		return -ENOMEM;
	move_pages(p, old, old_len, out);
	if (shared_anon(&tmpl) && populate(p, &tmpl, out + old_len, out + new_len)) {
		/* Out of memory after the move: give the pages back where they were. */
		move_pages(p, out, old_len, old);
		uvm_unmap(p, out, out + new_len);
		return -ENOMEM;
	}
	/* Should a split find no memory, the old range stays mapped but
	 * empty of pages: mremap(2) has no way to report that. */
	vm_unmap(&p->vm, old, old + old_len);
	return (long)out;
}

int uvm_stack_area(struct process *p, uint64_t low, bool exec)
{
	uint64_t start = MIN(UVM_STACK_TOP - UVM_STACK_INIT, ALIGN_DOWN(low, PAGE_SIZE));

	return uvm_map(p, start, UVM_STACK_TOP - start,
		       VM_PROT_READ | VM_PROT_WRITE | (exec ? VM_PROT_EXEC : 0), VMA_GROWSDOWN,
		       NULL, 0, UINT64_MAX);
}
