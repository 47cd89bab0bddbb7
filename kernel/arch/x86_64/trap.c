/*
 * Exception and interrupt dispatch. vectors.S saves a struct trap_frame and
 * calls trap_dispatch, which sends
 *   - CPU exceptions (0-31) first to an armed catch point (arch_try_call),
 *     then, for a page fault on a user address inside a user copy, to the
 *     process layer's fault handler (demand paging, copy-on-write), then to
 *     the exception table (fixups: -EFAULT for user copies), and otherwise
 *     to fatal_exception, which prints the vector, error code, every
 *     register, CR2 for page faults and a symbolic backtrace, then panics;
 *   - interrupts to irq_dispatch (apic.c).
 * NMIs are logged and survived.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/console.h"
#include "kernel/lib/ksyms.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/profile.h"

static const char *const exception_names[32] = {
	[0] = "divide error (#DE)",
	[1] = "debug (#DB)",
	[2] = "non-maskable interrupt (NMI)",
	[3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",
	[5] = "bound range exceeded (#BR)",
	[6] = "invalid opcode (#UD)",
	[7] = "device not available (#NM)",
	[8] = "double fault (#DF)",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",
	[11] = "segment not present (#NP)",
	[12] = "stack-segment fault (#SS)",
	[13] = "general protection fault (#GP)",
	[14] = "page fault (#PF)",
	[16] = "x87 floating-point error (#MF)",
	[17] = "alignment check (#AC)",
	[18] = "machine check (#MC)",
	[19] = "SIMD floating-point error (#XM)",
	[20] = "virtualization exception (#VE)",
	[21] = "control protection (#CP)",
	[28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",
	[30] = "security exception (#SX)",
};

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];
extern uint64_t catch_rsp;
extern struct arch_fault *catch_fault_info;
extern char try_landing[];

static uint64_t nmi_count;
static int (*user_pf_handler)(uint64_t addr, unsigned access);

void arch_set_user_pf_handler(int (*fn)(uint64_t addr, unsigned access))
{
	user_pf_handler = fn;
}

unsigned arch_pf_access(uint64_t error)
{
	return ((error & 2) ? VM_WRITE : 0) | ((error & 16) ? VM_EXEC : 0) |
	       ((error & 1) ? ARCH_PF_PRESENT : 0);
}

static bool in_extable(uint64_t rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return true;
	return false;
}

/* A kernel page fault on a user address inside a user copy: let the
 * process layer map the page, then retry the instruction. Interrupts are
 * on while it works (it may read a file) if they were on before. */
static bool resolve_user_copy_fault(struct trap_frame *f)
{
	uint64_t addr = read_cr2();
	int r;

	if (f->vector != 14 || !user_pf_handler || addr >= ARCH_USER_TOP || !in_extable(f->rip))
		return false;
	if (f->rflags & 0x200)
		arch_irq_enable();
	r = user_pf_handler(addr, arch_pf_access(f->error));
	arch_irq_disable();
	return r == 0;
}

static void (*preempt_hook)(bool from_user);
static bool irq_from_user; /* the interrupt being handled came from ring 3 */

bool arch_irq_from_user(void)
{
	return irq_from_user;
}

void arch_set_preempt_hook(void (*hook)(bool from_user))
{
	preempt_hook = hook;
}

bool extable_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

bool catch_fault(struct trap_frame *f)
{
	if (!catch_rsp)
		return false;
	if (catch_fault_info) {
		catch_fault_info->vector = f->vector;
		catch_fault_info->error = f->error;
		catch_fault_info->addr = f->vector == 14 ? read_cr2() : 0;
		catch_fault_info->ip = f->rip;
	}
	f->rsp = catch_rsp;
	f->rip = (uint64_t)try_landing;
	catch_rsp = 0;
	return true;
}

static void describe_page_fault(uint64_t err, char *buf, size_t size)
{
	ksnprintf(buf, size, " [%s, %s, %s%s%s]", err & 1 ? "protection" : "not-present",
		  err & 2 ? "write" : "read", err & 4 ? "user" : "kernel",
		  err & 16 ? ", instruction fetch" : "", err & 8 ? ", reserved bit" : "");
}

void fatal_exception(struct trap_frame *f)
{
	char detail[96] = "";
	const char *name = f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector]
									: "unknown exception";

	if (f->vector == 14)
		describe_page_fault(f->error, detail, sizeof(detail));
	console_panic_mode();
	pr_emerg("!!! %s, vector %llu, error code 0x%llx%s, in %s mode\n", name,
		 (unsigned long long)f->vector, (unsigned long long)f->error, detail,
		 (f->cs & 3) ? "user" : "kernel");
	if (f->vector == 14)
		pr_emerg("CR2 0x%016llx (the faulting address)\n", (unsigned long long)read_cr2());
	{
		char sym[128];
		ksyms_format(f->rip, sym, sizeof(sym));
		pr_emerg("RIP 0x%016llx %s\n", (unsigned long long)f->rip, sym);
	}
	pr_emerg("RSP 0x%016llx RFLAGS 0x%016llx CS 0x%llx SS 0x%llx\n", (unsigned long long)f->rsp,
		 (unsigned long long)f->rflags, (unsigned long long)f->cs,
		 (unsigned long long)f->ss);
	pr_emerg("RAX 0x%016llx RBX 0x%016llx RCX 0x%016llx\n", (unsigned long long)f->rax,
		 (unsigned long long)f->rbx, (unsigned long long)f->rcx);
	pr_emerg("RDX 0x%016llx RSI 0x%016llx RDI 0x%016llx\n", (unsigned long long)f->rdx,
		 (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	pr_emerg("RBP 0x%016llx R8  0x%016llx R9  0x%016llx\n", (unsigned long long)f->rbp,
		 (unsigned long long)f->r8, (unsigned long long)f->r9);
	pr_emerg("R10 0x%016llx R11 0x%016llx R12 0x%016llx\n", (unsigned long long)f->r10,
		 (unsigned long long)f->r11, (unsigned long long)f->r12);
	pr_emerg("R13 0x%016llx R14 0x%016llx R15 0x%016llx\n", (unsigned long long)f->r13,
		 (unsigned long long)f->r14, (unsigned long long)f->r15);
	pr_emerg("CR0 0x%016llx CR3 0x%016llx CR4 0x%016llx\n", (unsigned long long)read_cr0(),
		 (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	arch_backtrace(f->rbp, f->rip);
	pr_emerg("kernel panic: fatal %s in %s mode\n", name, (f->cs & 3) ? "user" : "kernel");
	panic_halt();
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		if (f->vector == 2) {
			if (profile_nmi(f->rip, (f->cs & 3) != 0))
				return; /* the profiler's clock */
			nmi_count++;
			pr_warn("trap: NMI received (%llu so far), continuing\n",
				(unsigned long long)nmi_count);
			return;
		}
		if (f->vector != 8 && f->vector != 18 && (f->cs & 3) == 0 &&
		    (catch_fault(f) || resolve_user_copy_fault(f) || extable_fixup(f)))
			return;
		if ((f->cs & 3) && f->vector != 8 && f->vector != 18 && user_fault(f))
			return;
		fatal_exception(f);
		return;
	}
	irq_from_user = (f->cs & 3) != 0;
	if (f->vector == VEC_TIMER)
		profile_tick(f->rip, irq_from_user);
	irq_dispatch(f->vector);
	irq_from_user = false;
	/* The EOI has been sent: the scheduler may switch threads here, on
	 * the interrupted thread's stack, and come back later. */
	if (preempt_hook)
		preempt_hook(f->cs & 3);
	arch_user_return(f); /* signals, when going back to user mode */
}
