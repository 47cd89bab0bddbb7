/*
 * ksvc_wait_while: the simplest sleep there is until issue 4 brings wait
 * queues. Interrupts are turned off for the check, and `sti; hlt` both
 * re-enables them and halts atomically, so a completion that arrives right
 * after the check still wakes the CPU.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"

void ksvc_wait_while(const volatile unsigned *word, unsigned mask)
{
	unsigned long fl = arch_irq_save();

	while (*word & mask) {
		arch_halt(); /* sti; hlt */
		arch_irq_disable();
	}
	arch_irq_restore(fl);
}
