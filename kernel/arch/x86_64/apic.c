/*
 * Interrupt controllers: the 8259 pair is remapped and masked, the local
 * APIC takes the timer and end-of-interrupt, and IOAPICs route ISA/GSI
 * interrupts (SDM vol. 3A ch. 10; 82093AA IOAPIC datasheet). Where the
 * IOAPICs are and how ISA IRQs map to GSIs comes from ACPI's MADT through
 * arch_add_ioapic/arch_add_irq_override (drivers/acpi.c); without them one
 * IOAPIC at 0xfec00000 with identity wiring is assumed, which is what PC
 * chipsets and QEMU's `pc` machine provide.
 *
 * Lock legend: irq_lock guards lines[], ioapics[] and overrides[].
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/x86_64/apic_regs.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"

#define MAX_IOAPICS 8
#define ISA_IRQS    16

struct ioapic {
	uint8_t id;
	uint32_t gsi_base;
	uint32_t pins;
	volatile uint32_t *regs;
	uint64_t phys;
};

struct irq_override {
	bool present;
	uint32_t gsi;
	uint16_t flags;
};

#define HANDLERS_PER_LINE 4

struct irq_handler {
	void (*fn)(void *);
	void *arg;
};

struct irq_line {
	struct irq_handler h[HANDLERS_PER_LINE];
	unsigned n;
	bool shared;
	uint64_t count;
};

static struct spinlock irq_lock = SPINLOCK_INIT("irq");
static struct ioapic ioapics[MAX_IOAPICS];
static int nioapics;
static struct irq_override overrides[ISA_IRQS];
static struct irq_line lines[256];
static uint64_t lapic_phys = 0xfee00000;
static volatile uint8_t *lapic;
static void (*tick_callback)(void);
static uint64_t spurious_count, unhandled_count;

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(lapic + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(lapic + reg, v);
}

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WIN / 4];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WIN / 4] = v;
}

void arch_add_ioapic(uint8_t id, uint64_t phys, uint32_t gsi_base)
{
	if (nioapics >= MAX_IOAPICS) {
		pr_warn("apic: more than %d IOAPICs, ignoring id %u\n", MAX_IOAPICS, id);
		return;
	}
	ioapics[nioapics++] = (struct ioapic){.id = id, .gsi_base = gsi_base, .phys = phys};
}

void arch_add_irq_override(uint8_t isa_irq, uint32_t gsi, uint16_t mps_flags)
{
	if (isa_irq >= ISA_IRQS)
		return;
	overrides[isa_irq] = (struct irq_override){true, gsi, mps_flags};
}

void arch_set_lapic_phys(uint64_t phys)
{
	lapic_phys = phys;
}

void arch_timer_set_callback(void (*tick)(void))
{
	tick_callback = tick;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void pic_disable(void)
{
	/* Remap to 0x20/0x28 first so a spurious 8259 interrupt cannot look like
	 * a CPU exception, then mask every line (8259A datasheet, ICW1-4). */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20);
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static struct ioapic *ioapic_for_gsi(uint32_t gsi)
{
	for (int i = 0; i < nioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].pins)
			return &ioapics[i];
	return NULL;
}

static void ioapic_init_all(void)
{
	if (nioapics == 0)
		arch_add_ioapic(0, 0xfec00000, 0);
	for (int i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		io->regs = ioremap(io->phys, 4096);
		if (!io->regs) {
			pr_err("apic: cannot map IOAPIC at 0x%llx\n", (unsigned long long)io->phys);
			continue;
		}
		io->pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		for (uint32_t pin = 0; pin < io->pins; pin++) {
			ioapic_write(io, IOAPIC_REG_REDIR + 2 * pin, IOAPIC_REDIR_MASKED);
			ioapic_write(io, IOAPIC_REG_REDIR + 2 * pin + 1, 0);
		}
		pr_info("apic: IOAPIC id %u at 0x%llx, GSI %u-%u\n", io->id,
			(unsigned long long)io->phys, io->gsi_base, io->gsi_base + io->pins - 1);
	}
}

/* Program the redirection entry for IRQ `irq` (masked or not; as an NMI
 * instead of its vector when nmi is set). */
static int ioapic_route_isa(unsigned irq, bool pci, bool masked, bool nmi)
{
	uint32_t gsi = irq, lo;
	uint16_t flags = pci ? (MPS_POLARITY_LOW | MPS_TRIGGER_LEVEL) : 0;
	struct ioapic *io;

	if (overrides[irq].present) {
		gsi = overrides[irq].gsi;
		/* A "conforms to the bus" field keeps the bus default. */
		if (overrides[irq].flags & MPS_POLARITY_MASK)
			flags = (flags & ~MPS_POLARITY_MASK) |
				(overrides[irq].flags & MPS_POLARITY_MASK);
		if (overrides[irq].flags & MPS_TRIGGER_MASK)
			flags = (flags & ~MPS_TRIGGER_MASK) |
				(overrides[irq].flags & MPS_TRIGGER_MASK);
	}
	io = ioapic_for_gsi(gsi);
	if (!io || !io->regs)
		return -ENODEV;
	lo = nmi ? IOAPIC_REDIR_NMI : VEC_IRQ_BASE + irq;
	if ((flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
		lo |= IOAPIC_REDIR_ACTIVE_LOW;
	if ((flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
		lo |= IOAPIC_REDIR_LEVEL;
	if (masked)
		lo |= IOAPIC_REDIR_MASKED;
	ioapic_write(io, IOAPIC_REG_REDIR + 2 * (gsi - io->gsi_base) + 1,
		     (lapic_read(LAPIC_ID) >> 24) << 24);
	ioapic_write(io, IOAPIC_REG_REDIR + 2 * (gsi - io->gsi_base), lo);
	return 0;
}

int arch_irq_route_nmi(unsigned irq)
{
	unsigned long fl;
	int err;

	if (irq >= ISA_IRQS)
		return -EINVAL;
	fl = spin_lock_irqsave(&irq_lock);
	err = ioapic_route_isa(irq, false, false, true);
	spin_unlock_irqrestore(&irq_lock, fl);
	return err;
}

int arch_irq_register(unsigned irq, unsigned flags, void (*handler)(void *), void *arg)
{
	struct irq_line *l;
	unsigned long fl;
	int err = 0;

	if (irq >= ISA_IRQS || !handler)
		return -EINVAL;
	fl = spin_lock_irqsave(&irq_lock);
	l = &lines[VEC_IRQ_BASE + irq];
	if (l->n && (!l->shared || !(flags & IRQ_SHARED) || l->n == HANDLERS_PER_LINE)) {
		err = -EBUSY;
		goto out;
	}
	if (l->n == 0) {
		err = ioapic_route_isa(irq, flags & IRQ_PCI, false, false);
		if (err)
			goto out;
		l->shared = flags & IRQ_SHARED;
	}
	l->h[l->n++] = (struct irq_handler){handler, arg};
out:
	spin_unlock_irqrestore(&irq_lock, fl);
	return err;
}

/* Count LAPIC timer ticks (divide by 16) over 1 ms of calibrated TSC time. */
static uint32_t lapic_timer_ticks_per_second(void)
{
	uint64_t t0, ns;
	uint32_t elapsed;

	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	t0 = arch_time_ns();
	arch_udelay(1000);
	elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	ns = arch_time_ns() - t0;
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (ns == 0)
		return 0;
	return (uint32_t)((uint64_t)elapsed * 1000000000 / ns);
}

void arch_irq_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t per_sec, initial;

	pic_disable();
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	if ((base & APIC_BASE_ADDR_MASK) != lapic_phys)
		pr_info("apic: MADT says LAPIC at 0x%llx, MSR says 0x%llx; using the MSR\n",
			(unsigned long long)lapic_phys,
			(unsigned long long)(base & APIC_BASE_ADDR_MASK));
	lapic_phys = base & APIC_BASE_ADDR_MASK;
	lapic = ioremap(lapic_phys, 4096);
	if (!lapic)
		panic("apic: cannot map the local APIC");

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();

	ioapic_init_all();

	per_sec = lapic_timer_ticks_per_second();
	initial = per_sec / HZ;
	if (initial == 0)
		initial = 100000;
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, initial);
	pr_info("apic: LAPIC id %u version 0x%x at 0x%llx, timer %u Hz (%u ticks/s at /16)\n",
		lapic_read(LAPIC_ID) >> 24, lapic_read(LAPIC_VERSION) & 0xff,
		(unsigned long long)lapic_phys, HZ, per_sec);
}

void irq_dispatch(unsigned vector)
{
	struct irq_line *l;

	if (vector == VEC_SPURIOUS) {
		spurious_count++; /* no EOI for spurious interrupts (SDM 10.9) */
		return;
	}
	if (vector == VEC_TIMER) {
		timer_interrupt();
		if (tick_callback)
			tick_callback();
		lapic_eoi();
		return;
	}
	l = &lines[vector];
	l->count++;
	for (unsigned i = 0; i < l->n; i++)
		l->h[i].fn(l->h[i].arg);
	if (l->n == 0)
		unhandled_count++;
	lapic_eoi();
}
