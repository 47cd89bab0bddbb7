/* Constants shared by the x86_64 assembly files. */
#ifndef KERNEL_ARCH_X86_64_CPU_ASM_H
#define KERNEL_ARCH_X86_64_CPU_ASM_H

#define EFAULT_NEG (-14)

#endif
