/*
 * User mode: SYSCALL set-up (STAR, LSTAR, FMASK; SDM vol. 3A, 5.8.8),
 * entering ring 3 for the first time, dispatching system calls to the
 * kernel's table, and turning CPU exceptions raised in user mode into a
 * report to the process layer instead of a kernel panic.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"

#define MSR_STAR  0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define RFLAGS_IF 0x200
#define RFLAGS_TF 0x100
#define RFLAGS_DF 0x400
#define RFLAGS_AC 0x40000
#define RFLAGS_NT 0x4000

extern char syscall_entry[];
extern uint64_t syscall_kernel_rsp;
void syscall_dispatch(struct trap_frame *f);
__noreturn void arch_enter_user_frame(struct trap_frame *f);

static long (*syscall_handler)(long nr, const long args[6]);
static void (*user_fault_handler)(const struct arch_user_fault *uf);

void arch_syscall_init(long (*handler)(long nr, const long args[6]),
		       void (*fault)(const struct arch_user_fault *uf))
{
	syscall_handler = handler;
	user_fault_handler = fault;
	/* SYSCALL loads CS = STAR[47:32] and SS = +8; SYSRET takes CS from
	 * STAR[63:48] + 16 and SS from + 8, hence user data before user code
	 * in the GDT (gdt.c). */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_KERNEL_DS | 0) << 48) | ((uint64_t)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

#define MSR_FS_BASE 0xc0000100

void arch_set_tls(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

void arch_set_kernel_stack(uintptr_t top)
{
	tss_set_rsp0(top);
	syscall_kernel_rsp = top;
}

void syscall_dispatch(struct trap_frame *f)
{
	long args[6] = {(long)f->rdi, (long)f->rsi, (long)f->rdx,
			(long)f->r10, (long)f->r8,  (long)f->r9};

	arch_irq_enable();
	f->rax = (uint64_t)(syscall_handler ? syscall_handler((long)f->rax, args) : -ENOSYS);
	arch_irq_disable();
}

void arch_enter_user(uintptr_t entry, uintptr_t user_sp, uintptr_t kstack_top)
{
	/* The frame lives in this function's own stack frame: the caller runs
	 * near kstack_top, so building it there would overwrite live frames.
	 * Nothing on this stack is needed again; traps from user mode start
	 * afresh at kstack_top (TSS rsp0). */
	struct trap_frame f;

	memset(&f, 0, sizeof(f));
	f.rip = entry;
	f.cs = GDT_USER_CS;
	f.rflags = RFLAGS_IF;
	f.rsp = user_sp;
	f.ss = GDT_USER_DS;
	arch_set_kernel_stack(kstack_top);
	arch_irq_disable();
	arch_enter_user_frame(&f);
}

_Static_assert(sizeof(struct trap_frame) == ARCH_USER_REGS_SIZE, "ARCH_USER_REGS_SIZE");

void arch_save_user_regs(uintptr_t kstack_top, void *regs)
{
	memcpy(regs, (const void *)(kstack_top - sizeof(struct trap_frame)),
	       sizeof(struct trap_frame));
}

void arch_return_to_user(const void *regs, long retval)
{
	struct trap_frame f; /* on this stack; see arch_enter_user */

	memcpy(&f, regs, sizeof(f));
	f.rax = (uint64_t)retval;
	f.cs = GDT_USER_CS; /* whatever the block says, never ring 0 */
	f.ss = GDT_USER_DS;
	f.rflags = (f.rflags & ~(uint64_t)(RFLAGS_NT | RFLAGS_TF)) | RFLAGS_IF;
	arch_irq_disable();
	arch_enter_user_frame(&f);
}

bool user_fault(struct trap_frame *f)
{
	struct arch_user_fault uf = {
		.vector = (unsigned)f->vector,
		.error = f->error,
		.addr = f->vector == 14 ? read_cr2() : 0,
		.ip = f->rip,
		.sp = f->rsp,
	};

	if (!(f->cs & 3) || !user_fault_handler)
		return false;
	arch_irq_enable();
	user_fault_handler(&uf); /* returns only when it resolved the fault */
	arch_irq_disable();
	return true;
}
