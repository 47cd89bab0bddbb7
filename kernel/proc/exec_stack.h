/*
 * Building a new program's initial user stack (the pure part of execve):
 * argc, argv, envp and the auxiliary vector laid out as the System V ABI
 * AMD64 supplement, 3.4.1 "Initial Stack and Register State" (figure 3.9),
 * describes, with the strings and AT_RANDOM bytes above them as Linux's
 * create_elf_tables() places them. The builder writes into a kernel buffer
 * that stands for the top of the user stack; the exec path then copies or
 * maps it at the user address.
 */
#ifndef KERNEL_PROC_EXEC_STACK_H
#define KERNEL_PROC_EXEC_STACK_H

#include <ksvc.h>
#include "kernel/proc/elf_format.h"

#define EXEC_RANDOM_BYTES 16

struct exec_auxv {
	uint64_t type; /* AT_* */
	uint64_t val;
};

struct exec_stack_args {
	const char *const *argv; /* argc strings */
	size_t argc;
	const char *const *envp; /* envc strings */
	size_t envc;
	/*
	 * Caller's entries, in order (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ,
	 * AT_ENTRY, AT_UID..., AT_HWCAP, AT_CLKTCK, AT_SECURE, ...). Entries of
	 * type AT_NULL, AT_RANDOM, AT_EXECFN or AT_PLATFORM are skipped: the
	 * builder adds those itself.
	 */
	const struct exec_auxv *auxv;
	size_t auxc;
	const uint8_t *random; /* EXEC_RANDOM_BYTES for AT_RANDOM */
	const char *execfn;    /* AT_EXECFN: the path execve was given */
	const char *platform;  /* AT_PLATFORM ("x86_64"), or NULL for none */
};

/* User addresses of what was built, for the exec path and /proc. */
struct exec_stack_layout {
	uint64_t rsp;	    /* initial rsp: points at argc, 16-byte aligned */
	uint64_t argv;	    /* address of argv[0]'s pointer */
	uint64_t envp;	    /* address of envp[0]'s pointer */
	uint64_t auxv;	    /* address of the first auxv pair */
	uint64_t arg_start; /* argv strings, back to back, NUL-terminated */
	uint64_t arg_end;
	uint64_t env_start; /* envp strings */
	uint64_t env_end;
	uint64_t execfn; /* the AT_EXECFN string */
	uint64_t random; /* the AT_RANDOM bytes */
	uint64_t low;	 /* lowest address written: the stack ends at rsp */
};

/*
 * Lay out the initial stack in buf, which stands for user memory
 * [stack_top - buf_size, stack_top); stack_top must be 16-byte aligned.
 * Bytes of buf below the result's rsp are left as they were. Returns 0 with
 * *lay filled in, -E2BIG when it does not fit in buf_size bytes, or -EINVAL
 * for a misaligned stack_top or a missing random or execfn.
 */
int exec_stack_build(void *buf, size_t buf_size, uint64_t stack_top,
		     const struct exec_stack_args *args, struct exec_stack_layout *lay);

#endif
