/*
 * The architecture interface. Everything outside kernel/arch/ reaches the
 * CPU, the interrupt controllers, paging and the platform through this
 * header and never uses inline assembly itself (DESIGN.md "Layers").
 *
 * The x86_64 implementation lives in kernel/arch/x86_64/.
 */
#ifndef KERNEL_ARCH_ARCH_H
#define KERNEL_ARCH_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kernel/lib/compiler.h"
#include "kernel/arch/x86_64/io.h"
#include "kernel/arch/x86_64/layout.h"

struct boot_info;
struct mem_region;

/* ---- CPU control ---------------------------------------------------- */
unsigned long arch_irq_save(void); /* disable interrupts, return old state */
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irq_enabled(void);
void arch_halt(void); /* wait for the next interrupt */
__noreturn void arch_halt_forever(void);

static inline void arch_cpu_relax(void)
{
	x86_pause();
}

/* ---- boot ------------------------------------------------------------ */
/* Read the loader's hand-over into `bi` (kernel/arch/x86_64/multiboot.c). */
int arch_boot_info(uint32_t magic, uint64_t info_phys, struct boot_info *bi);
void arch_cpu_init(void); /* GDT, TSS, IDT, CPU features */
/* Move the double-fault, NMI and machine-check handlers onto guarded stacks
 * (tops[0..2]) once kernel/mm can allocate them. */
void arch_set_ist_stacks(const uintptr_t tops[3]);
void arch_describe_cpu(void); /* one log line: vendor, model, features */
/* What /proc/cpuinfo shows of the boot CPU (kernel/arch/x86_64/cpuinfo.c). */
struct arch_cpu_info {
	char vendor[13];     /* "GenuineIntel" */
	char model_name[49]; /* the brand string, leading blanks removed */
	unsigned family, model, stepping;
	unsigned cpuid_level;
	uint64_t tsc_hz; /* calibrated; 0 before arch_time_init */
};
void arch_cpu_info(struct arch_cpu_info *ci);
/* The CPU's feature flags as Linux names them, space-separated: the
 * length as snprintf returns it. */
int arch_cpu_flags(char *buf, size_t size);
/* The auxiliary vector's AT_HWCAP for user programs. */
uint64_t arch_elf_hwcap(void);
/* Run `fn` on the stack whose top is `stack_top`; never returns. */
__noreturn void arch_run_on_stack(uintptr_t stack_top, void (*fn)(void));

/* Fill `buf` with seed material: RDRAND where the CPU has it, mixed with
 * TSC readings. Not uniform on its own: feed it to the CSPRNG. */
void arch_entropy(void *buf, size_t len);

/* ---- threads ---------------------------------------------------------- */
/* Save the current kernel context into *prev_sp and resume the one saved in
 * next_sp. Returns when some thread switches back to prev. */
void arch_context_switch(uintptr_t *prev_sp, uintptr_t next_sp);
/* Lay out a new thread's stack so that switching to the returned stack
 * pointer calls sched_thread_start(arg, fn) on it. */
uintptr_t arch_thread_init(uintptr_t stack_top, void (*fn)(void *), void *arg);
/* Hook for preemption: the interrupt return path calls this when the
 * scheduler asked for it (see arch_set_preempt_hook). */
void arch_set_preempt_hook(void (*hook)(bool from_user));
/* In an interrupt handler: did the interrupt arrive in user mode? (The
 * tick's user/system time accounting.) */
bool arch_irq_from_user(void);

/* x87/SSE state of a thread (FXSAVE format, SDM vol. 1, 10.5.1). The
 * kernel itself never touches these registers (-mgeneral-regs-only), so
 * the state only changes in user mode and is switched with the thread. */
#define ARCH_FPU_SIZE 512
void arch_fpu_init_state(void *area);	 /* the clean state of a new thread */
void arch_fpu_save(void *area);		 /* 16-byte aligned */
void arch_fpu_restore(const void *area); /* 16-byte aligned */
/* Clear what FXRSTOR would refuse in an image from user memory. */
void arch_fpu_sanitize(void *area);

/* ---- time ------------------------------------------------------------ */
void arch_time_init(void);	 /* calibrate the TSC and LAPIC timer against the PIT */
uint64_t arch_time_ns(void);	 /* monotonic, since kernel entry; 0 before calibration */
uint64_t arch_boot_tsc_ns(void); /* time from machine reset to kernel entry, estimated */
uint64_t arch_tsc_hz(void);
/* A raw cycle count, and its conversion to ns since entry once calibrated;
 * lets code that runs before calibration be timed afterwards. */
uint64_t arch_cycles(void);
uint64_t arch_cycles_to_ns(uint64_t cycles);
void arch_udelay(unsigned usec);
extern volatile uint64_t jiffies; /* timer ticks since the timer started */
#define HZ 250

/* ---- memory ---------------------------------------------------------- */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP_BASE;
}

#define VM_WRITE    0x1
#define VM_EXEC	    0x2
#define VM_USER	    0x4
#define VM_NOCACHE  0x8
#define VM_NOACCESS 0x10 /* user pages only: PROT_NONE, the frame stays mapped */

/* Build the kernel's page tables: direct map of every region in `map`,
 * the kernel image W^X, then drop the boot identity map. Page-table frames
 * come from `alloc_frame` (kernel/mm), here and in later arch_map_page calls. */
void arch_paging_init(const struct mem_region *map, size_t n, int (*alloc_frame)(uint64_t *pa));
/* Kernel address space, 4 KiB pages. 0 or -EEXIST / -EINVAL / -ENOMEM / -ENOENT. */
int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags);
int arch_unmap_page(uintptr_t va); /* the frame is not freed */
int arch_protect_page(uintptr_t va, unsigned flags);
int arch_query_page(uintptr_t va, uint64_t *pa, unsigned *flags);
/* True if [pa, pa+len) is reachable through phys_to_virt. */
bool arch_direct_mapped(uint64_t pa, uint64_t len);
/* Where freed page-table pages go (kernel/mm's page_free). */
void arch_paging_set_free(void (*free_frame)(uint64_t pa));

/*
 * User address spaces (kernel/arch/x86_64/aspace.c): the lower half is the
 * process's own, the upper half is the kernel's, shared by every space.
 * Functions taking a `va` act on one 4 KiB page below ARCH_USER_TOP.
 */
#define ARCH_USER_TOP 0x0000800000000000ull
struct arch_aspace;
struct arch_aspace *arch_aspace_create(void);
/* Free the page tables; each still-mapped frame is passed to `put_frame`. */
void arch_aspace_destroy(struct arch_aspace *as, void (*put_frame)(uint64_t pa));
int arch_aspace_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, unsigned flags);
/* Remove a mapping; its frame is returned in *pa. 0 or -ENOENT. */
int arch_aspace_unmap(struct arch_aspace *as, uintptr_t va, uint64_t *pa);
int arch_aspace_protect(struct arch_aspace *as, uintptr_t va, unsigned flags);
int arch_aspace_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags);
/* Map va to pa, replacing whatever was there; the old frame (or 0) in
 * *old_pa, not freed. For fault handling. 0, -EINVAL or -ENOMEM. */
int arch_aspace_set(struct arch_aspace *as, uintptr_t va, uint64_t pa, unsigned flags,
		    uint64_t *old_pa);
/* Range forms over [start, end), page-aligned, skipping absent tables:
 * unmap every page (each frame to put_frame); change every page's flags,
 * never adding write permission (a write fault decides that: copy-on-write);
 * share every page of src into the fresh range of dst (get_frame for each;
 * cow: both copies lose write permission). */
void arch_aspace_unmap_range(struct arch_aspace *as, uintptr_t start, uintptr_t end,
			     void (*put_frame)(uint64_t pa));
void arch_aspace_protect_range(struct arch_aspace *as, uintptr_t start, uintptr_t end,
			       unsigned flags);
int arch_aspace_share_range(struct arch_aspace *dst, struct arch_aspace *src, uintptr_t start,
			    uintptr_t end, bool cow, void (*get_frame)(uint64_t pa));
/* Faults on user addresses, from user mode or from copy_*_user: `fn`
 * tries to make the access possible (demand paging, copy-on-write, stack
 * growth) and returns 0 when it did, else the signal the access deserves.
 * `access` is built from the page-fault error code by arch_pf_access. */
#define ARCH_PF_PRESENT 0x100 /* the page was present: a protection fault */
unsigned arch_pf_access(uint64_t error);
void arch_set_user_pf_handler(int (*fn)(uint64_t addr, unsigned access));
/* Make `as` the current address space (NULL: the kernel's alone). */
void arch_aspace_switch(struct arch_aspace *as);
/* How many user pages `as` maps (NULL: 0); for /proc's memory figures. */
size_t arch_aspace_count(struct arch_aspace *as);

/* Map device memory uncached into the vmap area; NULL on failure. */
void *ioremap(uint64_t pa, size_t size);

/* ---- faults ---------------------------------------------------------- */
struct arch_fault {
	unsigned vector;
	uint64_t error;
	uint64_t addr; /* CR2 for page faults */
	uint64_t ip;
};
/*
 * Call fn(arg); if it raises a CPU exception, unwind back here, fill `f`
 * and return -EFAULT instead of treating the fault as fatal. Used by the
 * selftests. Not nestable.
 */
int arch_try_call(void (*fn)(void *), void *arg, struct arch_fault *f);
/* Read 8 bytes from `addr` without faulting: 0 or -EFAULT (exception table). */
int arch_probe_read(const void *addr, uint64_t *val);
/* Fatal-exception and panic output: registers and a backtrace from `fp`. */
void arch_backtrace(uint64_t fp, uint64_t ip);
uint64_t arch_frame_pointer(void);

/* ---- interrupts ------------------------------------------------------ */
/* ACPI's MADT tells where the IOAPICs are and how ISA IRQs are wired. Without
 * these calls the defaults are one IOAPIC at 0xfec00000 and identity wiring. */
void arch_add_ioapic(uint8_t id, uint64_t phys, uint32_t gsi_base);
void arch_add_irq_override(uint8_t isa_irq, uint32_t gsi, uint16_t mps_flags);
void arch_set_lapic_phys(uint64_t phys);
/* Mask the 8259s, start the LAPIC, IOAPICs and the periodic timer. */
void arch_irq_init(void);
/* Route IRQ `irq` (an ISA IRQ or a PCI interrupt line, 0-15) to `handler`,
 * run in interrupt context. With IRQ_SHARED several handlers may share the
 * line and each must check its own device. IRQ_PCI: without an ACPI
 * override the line is level-triggered, active-low (PCI 3.0, 2.2.6) rather
 * than ISA's edge, active-high. 0 or -EBUSY / -EINVAL / -ENODEV. */
#define IRQ_SHARED 0x1
#define IRQ_PCI	   0x2
int arch_irq_register(unsigned irq, unsigned flags, void (*handler)(void *), void *arg);

/* Memory ordering for device rings: full, read and write barriers. */
static inline void arch_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
static inline void arch_rmb(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* x86 keeps loads in order */
}
static inline void arch_wmb(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* and stores */
}
void arch_timer_set_callback(void (*tick)(void));
/*
 * The profiler's sampling clock: hz non-maskable interrupts per second
 * (the PIT's channel 0 routed through the IOAPIC as an NMI), each passed
 * to profile_nmi. An NMI is taken even where interrupts are off, so the
 * samples are not skewed towards the end of such regions. 0 or -errno.
 */
int arch_profile_clock_start(unsigned hz);

/* ---- user mode -------------------------------------------------------- */
/* A CPU exception raised in user mode, as the process layer sees it. */
struct arch_user_fault {
	unsigned vector; /* 0 #DE, 6 #UD, 13 #GP, 14 #PF, ... */
	uint64_t error;
	uint64_t addr; /* CR2 for page faults */
	uint64_t ip, sp;
};
/* Install the system-call table entry point (args: rdi rsi rdx r10 r8 r9,
 * Linux's order) and the handler of user-mode faults, and turn SYSCALL on.
 * The fault handler returns when it resolved the fault (the instruction is
 * retried) and otherwise ends the process. */
void arch_syscall_init(long (*handler)(long nr, const long args[6]),
		       void (*fault)(const struct arch_user_fault *uf));
/* The user thread-pointer register (FS base; arch_prctl ARCH_SET_FS). */
void arch_set_tls(uint64_t base);
/* The kernel stack that user-mode traps and system calls land on. */
void arch_set_kernel_stack(uintptr_t top);
/* Copies to and from user memory: 0 or -EFAULT, never a kernel fault. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* A user string into dst (size bytes with the NUL): its length, or
 * -EFAULT, or -ENAMETOOLONG when no NUL fits. */
long strncpy_from_user(char *dst, const char *usrc, size_t size);

/* The user registers a thread entered the kernel with (its trap frame at
 * the top of its kernel stack), as an opaque block, for fork. */
#define ARCH_USER_REGS_SIZE 176
void arch_save_user_regs(uintptr_t kstack_top, void *regs);
/* Give saved registers another stack pointer (clone with a new stack). */
void arch_regs_set_sp(void *regs, uint64_t sp);
/* Return to user mode with saved registers and rax = retval (fork's child). */
__noreturn void arch_return_to_user(const void *regs, long retval);

/* Leave for ring 3 at `entry` with stack `user_sp`, building the frame at
 * the top of the current thread's kernel stack `kstack_top`. */
__noreturn void arch_enter_user(uintptr_t entry, uintptr_t user_sp, uintptr_t kstack_top);

/*
 * Signals (kernel/arch/x86_64/signal.c). `struct trap_frame` is the user
 * register frame at the top of a thread's kernel stack; it is opaque
 * outside kernel/arch and handled through these calls.
 */
struct trap_frame;
#define ARCH_SIGINFO_SIZE 128
/* Called with interrupts on whenever the kernel is about to return to user
 * mode (after a system call, an interrupt or a fault from user mode). */
void arch_set_user_return_hook(void (*hook)(struct trap_frame *f));
struct trap_frame *arch_user_frame(uintptr_t kstack_top);
/* True if f entered through SYSCALL (and was not rewritten since): the
 * number and the return value the call produced. */
bool arch_frame_syscall(const struct trap_frame *f, long *nr, long *ret);
void arch_frame_restart_syscall(struct trap_frame *f); /* run it again */
void arch_frame_set_return(struct trap_frame *f, long v);
uint64_t arch_frame_sp(const struct trap_frame *f);

struct arch_signal {
	int sig;
	const void *info; /* ARCH_SIGINFO_SIZE bytes of siginfo_t */
	uint64_t handler, restorer;
	uint64_t oldmask;	   /* saved in the frame, restored by sigreturn */
	uint64_t fault_addr;	   /* sigcontext.cr2 */
	uint64_t alt_sp, alt_size; /* sigaltstack; alt_size 0: none */
	bool on_altstack;	   /* SA_ONSTACK */
};
/* Build the handler's frame on the user stack and point f at the handler.
 * 0, or -EFAULT when the stack cannot take it. */
int arch_signal_push(struct trap_frame *f, const struct arch_signal *s);
/* rt_sigreturn: restore f from the frame at its stack; the saved mask in
 * *mask and the restored rax in *rax. 0 or -EFAULT. */
int arch_signal_return(struct trap_frame *f, uint64_t *mask, uint64_t *rax);

/* ---- power ----------------------------------------------------------- */
#define DEBUG_EXIT_PASS	 0x10	     /* QEMU exit status 33 */
#define DEBUG_EXIT_FAIL	 0x11	     /* 35 */
#define DEBUG_EXIT_PANIC 0x12	     /* 37 */
void arch_debug_exit(uint8_t value); /* QEMU isa-debug-exit; returns if absent */
__noreturn void arch_reboot(void);
/* Set by drivers/acpi.c from the FADT and the DSDT's \_S5. */
void arch_set_acpi_poweroff(uint16_t pm1a_cnt, uint16_t pm1b_cnt, uint16_t slp_typa,
			    uint16_t slp_typb);
void arch_set_acpi_reset(uint8_t space, uint64_t addr, uint8_t value);
__noreturn void arch_poweroff(void);

#endif
