/*
 * CPU bring-up and small CPU services: feature detection with CPUID (SDM
 * vol. 2A, CPUID), EFER.NXE, CR4.SMEP/SMAP/PGE, interrupt-flag helpers,
 * stack switching and frame-pointer backtraces.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/ksyms.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

struct cpu_features cpu_features;

static void detect_features(void)
{
	struct cpu_features *cf = &cpu_features;
	uint32_t a, b, c, d, max, maxext;

	cpuid(0, 0, &max, &b, &c, &d);
	memcpy(cf->vendor, &b, 4);
	memcpy(cf->vendor + 4, &d, 4);
	memcpy(cf->vendor + 8, &c, 4);
	cf->vendor[12] = '\0';

	cpuid(1, 0, &a, &b, &c, &d);
	cf->stepping = a & 0xf;
	cf->model = (a >> 4) & 0xf;
	cf->family = (a >> 8) & 0xf;
	if (cf->family == 0xf)
		cf->family += (a >> 20) & 0xff;
	if (cf->family >= 6)
		cf->model |= ((a >> 16) & 0xf) << 4;
	cf->apic = d & (1u << 9);
	cf->pge = d & (1u << 13);
	cf->x2apic = c & (1u << 21);
	cf->xsave = c & (1u << 26);
	cf->rdrand = c & (1u << 30);

	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cf->smep = b & (1u << 7);
		cf->smap = b & (1u << 20);
	}

	cpuid(0x80000000, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		cf->nx = d & (1u << 20);
		cf->pdpe1gb = d & (1u << 26);
	}
	if (maxext >= 0x80000004) {
		uint32_t *w = (uint32_t *)cf->brand;
		for (uint32_t leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1],
			      &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
		cf->brand[48] = '\0';
	}
	if (maxext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		cf->invariant_tsc = d & (1u << 8);
	}
}

static uint8_t fpu_template[ARCH_FPU_SIZE] __aligned(16);

void arch_fpu_save(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_init_state(void *area)
{
	memcpy(area, fpu_template, ARCH_FPU_SIZE);
}

/* MXCSR (offset 24) with a reserved bit set makes FXRSTOR raise #GP; the
 * CPU reports the writable bits in MXCSR_MASK (offset 28; 0 means 0xffbf).
 * SDM vol. 1, 11.6.6 and 10.5.1. */
void arch_fpu_sanitize(void *area)
{
	uint32_t mask, mxcsr;

	memcpy(&mask, fpu_template + 28, 4);
	if (!mask)
		mask = 0xffbf;
	memcpy(&mxcsr, (uint8_t *)area + 24, 4);
	mxcsr &= mask;
	memcpy((uint8_t *)area + 24, &mxcsr, 4);
	memcpy((uint8_t *)area + 28, &mask, 4);
}

/* CR0.MP set, EM and TS clear; CR4.OSFXSR and OSXMMEXCPT: SSE for user
 * programs (SDM vol. 3A, 13.1.3). The template is the state after FNINIT
 * with all SSE exceptions masked (MXCSR 0x1f80). */
static void fpu_init(void)
{
	static const uint32_t mxcsr = 0x1f80;

	write_cr0((read_cr0() | (1ul << 1)) & ~((1ul << 2) | (1ul << 3)));
	write_cr4(read_cr4() | (1ul << 9) | (1ul << 10));
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	arch_fpu_save(fpu_template);
}

void arch_cpu_init(void)
{
	uint64_t cr4;

	detect_features();
	gdt_init();
	idt_init();

	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP); /* the kernel honours read-only pages too */
	cr4 = read_cr4();
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	fpu_init();
	usercopy_init();
}

void arch_describe_cpu(void)
{
	const struct cpu_features *cf = &cpu_features;
	const char *brand = cf->brand;

	while (*brand == ' ')
		brand++;
	pr_info("cpu: %s family %u model %u stepping %u \"%s\"\n", cf->vendor, cf->family,
		cf->model, cf->stepping, brand);
	pr_info("cpu: nx=%d smep=%d smap=%d pge=%d 1g-pages=%d invariant-tsc=%d x2apic=%d\n",
		cf->nx, cf->smep, cf->smap, cf->pge, cf->pdpe1gb, cf->invariant_tsc, cf->x2apic);
	if (!cf->nx)
		pr_warn("cpu: no NX bit: data pages stay executable\n");
}

void arch_set_ist_stacks(const uintptr_t tops[3])
{
	tss_set_ist(IST_DOUBLE_FAULT, tops[0]);
	tss_set_ist(IST_NMI, tops[1]);
	tss_set_ist(IST_MACHINE_CHECK, tops[2]);
}

static bool rdrand64(uint64_t *v)
{
	unsigned char ok;

	/* RDRAND may fail transiently (SDM vol. 1, 7.3.17.1): retry a little. */
	for (int i = 0; i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

void arch_entropy(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = 0, r;
		if (cpu_features.rdrand && rdrand64(&r))
			v = r;
		/* TSC low bits jitter with interrupts and emulation timing. */
		v ^= rdtsc() * 0x9e3779b97f4a7c15ull;
		memcpy(p + i, &v, MIN(8, len - i));
	}
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" : : : "memory");
}

void arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

bool arch_irq_enabled(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

void arch_halt(void)
{
	/* sti;hlt is atomic: an interrupt pending at sti wakes the hlt. */
	__asm__ volatile("sti; hlt" : : : "memory");
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_run_on_stack(uintptr_t stack_top, void (*fn)(void))
{
	__asm__ volatile("movq %0, %%rsp\n\t"
			 "xorl %%ebp, %%ebp\n\t"
			 "callq *%1\n\t"
			 "ud2"
			 :
			 : "r"(stack_top), "r"(fn)
			 : "memory");
	__builtin_unreachable();
}

extern char thread_trampoline[];

uintptr_t arch_thread_init(uintptr_t stack_top, void (*fn)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)(stack_top & ~0xful);

	/* After the six pops, arch_context_switch's ret pops the trampoline
	 * address and leaves rsp == stack_top, 16-byte aligned, so the
	 * trampoline's call enters sched_thread_start as the ABI expects. */
	*--sp = (uint64_t)thread_trampoline; /* ret target */
	*--sp = 0;			     /* rbp */
	*--sp = 0;			     /* rbx */
	*--sp = (uint64_t)fn;		     /* r12 */
	*--sp = (uint64_t)arg;		     /* r13 */
	*--sp = 0;			     /* r14 */
	*--sp = 0;			     /* r15 */
	return (uintptr_t)sp;
}

uint64_t arch_frame_pointer(void)
{
	return (uint64_t)__builtin_frame_address(0);
}

/*
 * Walk the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer). Every load goes through arch_probe_read, so a
 * corrupt chain ends the walk instead of faulting again.
 */
void arch_backtrace(uint64_t fp, uint64_t ip)
{
	char sym[128];

	pr_emerg("backtrace:\n");
	if (ip) {
		ksyms_format(ip, sym, sizeof(sym));
		pr_emerg("  [<%016llx>] %s\n", (unsigned long long)ip, sym);
	}
	for (int depth = 0; depth < 32 && fp; depth++) {
		uint64_t next, ret;
		if ((fp & 7) || fp < DIRECT_MAP_BASE)
			break;
		if (arch_probe_read((void *)fp, &next) || arch_probe_read((void *)(fp + 8), &ret))
			break;
		if (ret == 0)
			break;
		ksyms_format(ret, sym, sizeof(sym));
		pr_emerg("  [<%016llx>] %s\n", (unsigned long long)ret, sym);
		if (next <= fp)
			break;
		fp = next;
	}
}
