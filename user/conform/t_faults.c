/*
 * faults: children that misbehave on purpose must die with the signal
 * Linux sends (NULL and kernel-address accesses, non-canonical addresses,
 * executing the stack, heap or a non-executable mapping, privileged and
 * invalid instructions, division by zero, breakpoints), while the parent
 * and a bystander process go on. (A SIGSEGV handler is in the signals
 * group: this group needs only the default actions.)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

static void f_null_read(void)
{
	(void)*(volatile int *)0;
}
static void f_null_write(void)
{
	*(volatile int *)0 = 1;
}
static void f_kernel_write(void)
{
	*(volatile long *)0xffffffff80100000ul = 1;
}
static void f_kernel_read(void)
{
	(void)*(volatile long *)0xffff800000000000ul;
}
static void f_noncanonical(void)
{
	(void)*(volatile long *)0x8000000000000000ul;
}
static void f_exec_stack(void)
{
	unsigned char code[16] = {0xc3};
	((void (*)(void))code)();
}
static void f_exec_heap(void)
{
	unsigned char *code = malloc(64);
	code[0] = 0xc3;
	((void (*)(void))code)();
}
static void f_exec_noexec_map(void)
{
	unsigned char *p =
		mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 0xc3;
	((void (*)(void))p)();
}
static void f_jump_null(void)
{
	((void (*)(void))0)();
}
static void f_write_text(void)
{
	*(volatile unsigned char *)(uintptr_t)f_null_read = 0xcc;
}
static void f_write_rodata(void)
{
	static const char ro[] = "read only";
	*(volatile char *)(uintptr_t)ro = 'R';
}
static void f_hlt(void)
{
	__asm__ volatile("hlt");
}
static void f_cli(void)
{
	__asm__ volatile("cli");
}
static void f_outb(void)
{
	__asm__ volatile("outb %%al, $0x80" ::"a"(0));
}
static void f_rdmsr(void)
{
	__asm__ volatile("rdmsr" ::"c"(0x10) : "eax", "edx");
}
static void f_mov_cr3(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
}
static void f_ud2(void)
{
	__asm__ volatile("ud2");
}
static void f_div0(void)
{
	volatile int a = 1, b = 0;
	a = a / b;
}
static void f_int3(void)
{
	__asm__ volatile("int3");
}
static volatile int depth_limit = 1 << 30;
static int deep(int n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	if (n >= depth_limit)
		return 0;
	return deep(n + 1) + pad[0];
}
static void f_stack_overflow(void)
{
	deep(0);
}
static void f_bad_rsp_syscall(void)
{
	/* getpid with a stack pointer of 0, then touch the stack. */
	__asm__ volatile("mov $39, %%eax\n\txor %%esp, %%esp\n\tsyscall\n\tpush %%rax" ::
				 : "rax", "rcx", "r11", "memory");
}

static const struct {
	const char *name;
	void (*fn)(void);
	int sig;
} faults[] = {
	{"null_read", f_null_read, SIGSEGV},
	{"null_write", f_null_write, SIGSEGV},
	{"kernel_write", f_kernel_write, SIGSEGV},
	{"kernel_read", f_kernel_read, SIGSEGV},
	{"noncanonical_read", f_noncanonical, SIGSEGV},
	{"exec_stack", f_exec_stack, SIGSEGV},
	{"exec_heap", f_exec_heap, SIGSEGV},
	{"exec_noexec_mmap", f_exec_noexec_map, SIGSEGV},
	{"jump_to_null", f_jump_null, SIGSEGV},
	{"write_text", f_write_text, SIGSEGV},
	{"write_rodata", f_write_rodata, SIGSEGV},
	{"hlt", f_hlt, SIGSEGV},
	{"cli", f_cli, SIGSEGV},
	{"outb", f_outb, SIGSEGV},
	{"rdmsr", f_rdmsr, SIGSEGV},
	{"mov_cr3", f_mov_cr3, SIGSEGV},
	{"ud2", f_ud2, SIGILL},
	{"divide_by_zero", f_div0, SIGFPE},
	{"int3", f_int3, SIGTRAP},
	{"stack_overflow", f_stack_overflow, SIGSEGV},
	{"syscall_with_bad_rsp", f_bad_rsp_syscall, SIGSEGV},
};

void group_faults(void)
{
	int bp[2], st;
	pid_t bystander;

	/* A process that must outlive every fault below. */
	pipe(bp);
	bystander = fork();
	if (bystander == 0) {
		char c;
		close(bp[1]);
		_exit(read(bp[0], &c, 1) == 1 && c == 'k' ? 0 : 1);
	}
	close(bp[0]);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		pid_t c = fork();
		if (c == 0) {
			faults[i].fn();
			_exit(0);
		}
		waitpid(c, &st, 0);
		T_TRUE(faults[i].name, WIFSIGNALED(st) && WTERMSIG(st) == faults[i].sig,
		       "expected signal %d got %s", faults[i].sig, t_status(st));
	}
	write(bp[1], "k", 1);
	close(bp[1]);
	waitpid(bystander, &st, 0);
	T_TRUE("bystander_survives", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "expected exit 0 got %s", t_status(st));
}
