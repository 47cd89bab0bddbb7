/*
 * Signal frames on the user stack, in Linux's x86_64 layout so that musl,
 * glibc and busybox handlers and their sa_restorer trampolines work
 * unchanged (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h and
 * signal(7), sigreturn(2)):
 *
 *   rsp at handler entry -> struct rt_sigframe {
 *                               u64 pretcode;          sa_restorer
 *                               struct ucontext uc;    flags, link, stack,
 *                                                      sigcontext, sigmask
 *                               struct siginfo info;   128 bytes
 *                           }
 *   below the red zone (128 bytes), with the FXSAVE image of the x87/SSE
 *   state 64-byte aligned above the frame; uc.uc_mcontext.fpstate points at
 *   it. rsp + 8 is 16-byte aligned, as after a call.
 *
 * rt_sigreturn finds the frame at rsp - 8 (the handler's `ret` popped
 * pretcode) and restores what it can trust: the general registers, rip, the
 * user-changeable flags, and a sanitised FPU image. Segments stay user.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"

struct sigcontext64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved[8];
};
_Static_assert(sizeof(struct sigcontext64) == 256, "Linux's struct sigcontext");

struct ucontext64 {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	struct sigcontext64 mc;
	uint64_t sigmask;
};
_Static_assert(sizeof(struct ucontext64) == 304, "Linux's struct ucontext");

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext64 uc;
	uint8_t info[ARCH_SIGINFO_SIZE];
};

#define UC_SIGCONTEXT_SS 0x2
#define RED_ZONE	 128
#define RFLAGS_USER	 0x000000000000dd5ull /* CF PF AF ZF SF TF DF OF */
#define RFLAGS_IF	 0x200
#define RFLAGS_TF	 0x100
#define RFLAGS_DF	 0x400
#define RFLAGS_AC	 0x40000
#define SS_ONSTACK	 1
#define SS_DISABLE	 2

static void (*user_return_hook)(struct trap_frame *f);

void arch_set_user_return_hook(void (*hook)(struct trap_frame *f))
{
	user_return_hook = hook;
}

void arch_user_return(struct trap_frame *f)
{
	if (!user_return_hook || !(f->cs & 3))
		return;
	arch_irq_enable();
	user_return_hook(f);
	arch_irq_disable();
}

struct trap_frame *arch_user_frame(uintptr_t kstack_top)
{
	return (struct trap_frame *)(kstack_top - sizeof(struct trap_frame));
}

bool arch_frame_syscall(const struct trap_frame *f, long *nr, long *ret)
{
	if (f->vector != 0x100 || (int64_t)f->error < 0)
		return false;
	*nr = (long)f->error;
	*ret = (long)f->rax;
	return true;
}

void arch_frame_restart_syscall(struct trap_frame *f)
{
	f->rax = f->error; /* the number again */
	f->rip -= 2;	   /* back onto the SYSCALL instruction */
}

void arch_frame_set_return(struct trap_frame *f, long v)
{
	f->rax = (uint64_t)v;
}

uint64_t arch_frame_sp(const struct trap_frame *f)
{
	return f->rsp;
}

int arch_signal_push(struct trap_frame *f, const struct arch_signal *s)
{
	static uint8_t fpu[ARCH_FPU_SIZE] __aligned(16); /* one CPU, interrupts may run: */
	struct rt_sigframe fr;
	uint64_t sp = f->rsp, fp_at, at;
	bool on_alt = s->alt_size && sp - s->alt_sp <= s->alt_size;

	if (s->on_altstack && s->alt_size && !on_alt)
		sp = s->alt_sp + s->alt_size;
	else
		sp -= RED_ZONE;
	fp_at = ALIGN_DOWN(sp - ARCH_FPU_SIZE, 64);
	at = ALIGN_DOWN(fp_at - sizeof(fr), 16) - 8;

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = s->restorer;
	fr.uc.uc_flags = UC_SIGCONTEXT_SS;
	fr.uc.ss_sp = s->alt_sp;
	fr.uc.ss_size = s->alt_size;
	fr.uc.ss_flags = !s->alt_size ? SS_DISABLE : on_alt ? SS_ONSTACK : 0;
	fr.uc.mc = (struct sigcontext64){
		.r8 = f->r8,
		.r9 = f->r9,
		.r10 = f->r10,
		.r11 = f->r11,
		.r12 = f->r12,
		.r13 = f->r13,
		.r14 = f->r14,
		.r15 = f->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rbp = f->rbp,
		.rbx = f->rbx,
		.rdx = f->rdx,
		.rax = f->rax,
		.rcx = f->rcx,
		.rsp = f->rsp,
		.rip = f->rip,
		.eflags = f->rflags,
		.cs = (uint16_t)f->cs,
		.ss = (uint16_t)f->ss,
	};
	fr.uc.mc.err = f->vector < 32 ? f->error : 0;
	fr.uc.mc.trapno = f->vector < 32 ? f->vector : 0;
	fr.uc.mc.oldmask = s->oldmask;
	fr.uc.mc.cr2 = s->fault_addr;
	fr.uc.mc.fpstate = fp_at;
	fr.uc.sigmask = s->oldmask;
	memcpy(fr.info, s->info, ARCH_SIGINFO_SIZE);

	arch_fpu_save(fpu);
	if (copy_to_user((void *)fp_at, fpu, sizeof(fpu)) ||
	    copy_to_user((void *)at, &fr, sizeof(fr)))
		return -EFAULT;

	f->rsp = at;
	f->rip = s->handler;
	f->rdi = (uint64_t)s->sig;
	f->rsi = at + offsetof(struct rt_sigframe, info);
	f->rdx = at + offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->vector = 0x101; /* no longer a system call that could be restarted */
	f->error = 0;
	/* The handler starts with a clean x87/SSE state (as on Linux). */
	arch_fpu_init_state(fpu);
	arch_fpu_restore(fpu);
	return 0;
}

int arch_signal_return(struct trap_frame *f, uint64_t *mask, uint64_t *rax)
{
	static uint8_t fpu[ARCH_FPU_SIZE] __aligned(16);
	struct ucontext64 uc;
	const struct sigcontext64 *m = &uc.mc;

	/* The frame began 8 bytes below: the handler's ret popped pretcode. */
	if (copy_from_user(&uc, (const void *)(f->rsp), sizeof(uc)))
		return -EFAULT;
	if (m->fpstate) {
		if (copy_from_user(fpu, (const void *)m->fpstate, sizeof(fpu)))
			return -EFAULT;
		arch_fpu_sanitize(fpu);
	}
	f->r8 = m->r8;
	f->r9 = m->r9;
	f->r10 = m->r10;
	f->r11 = m->r11;
	f->r12 = m->r12;
	f->r13 = m->r13;
	f->r14 = m->r14;
	f->r15 = m->r15;
	f->rdi = m->rdi;
	f->rsi = m->rsi;
	f->rbp = m->rbp;
	f->rbx = m->rbx;
	f->rdx = m->rdx;
	f->rax = m->rax;
	f->rcx = m->rcx;
	f->rsp = m->rsp;
	f->rip = m->rip;
	f->rflags = (f->rflags & ~RFLAGS_USER) | (m->eflags & RFLAGS_USER) | RFLAGS_IF;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->vector = 0x101; /* like Linux's orig_ax = -1: never restarted */
	f->error = 0;
	if (m->fpstate)
		arch_fpu_restore(fpu);
	else {
		arch_fpu_init_state(fpu);
		arch_fpu_restore(fpu);
	}
	*mask = uc.sigmask;
	*rax = m->rax;
	return 0;
}
