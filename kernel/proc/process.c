/*
 * Process creation from a static ELF file, the scheduler's switch hook
 * (address space, kernel stack for traps, TLS), exit, and user faults
 * turned into a one-line report and the death of that process only.
 *
 * Loading (System V ABI AMD64, 3.4 "Process Initialization"): every
 * PT_LOAD segment gets fresh zeroed frames, file bytes are read into them
 * through the direct map, and they are mapped with the segment's
 * permissions (W^X as the file asks, NX unless executable). The stack is
 * USER_STACK_PAGES pages under USER_STACK_TOP, built by exec_stack_build.
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/err.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/random.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/exec_stack.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/proc_pid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall/syscall.h"

#define USER_STACK_TOP	 0x00007ffffffff000ull
#define USER_STACK_PAGES 64 /* 256 KiB, mapped up front until demand paging */
#define USER_MMAP_TOP	 0x00007f0000000000ull
#define HDR_MAX		 4096

struct uthread *current_uthread(void)
{
	struct thread *t = current_thread();

	return t ? t->user : NULL;
}

struct process *current_process(void)
{
	struct uthread *ut = current_uthread();

	return ut ? ut->proc : NULL;
}

void proc_put_frame(uint64_t pa)
{
	page_free(pa);
}

static void switch_hook(struct thread *prev, struct thread *next)
{
	struct uthread *ut = next->user;

	if (!ut)
		return; /* kernel threads run in whatever space is loaded */
	arch_aspace_switch(ut->proc->as);
	arch_set_kernel_stack(next->kstack_top);
	arch_set_tls(ut->tls);
}

/* Map `npages` zeroed frames at va with `flags`. 0 or -ENOMEM. */
static int map_zeroed(struct process *p, uint64_t va, size_t npages, unsigned flags)
{
	for (size_t i = 0; i < npages; i++) {
		uint64_t pa;
		int err;
		if (page_alloc(&pa))
			return -ENOMEM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		err = arch_aspace_map(p->as, va + i * PAGE_SIZE, pa, flags);
		if (err) {
			page_free(pa);
			return err;
		}
	}
	return 0;
}

static unsigned seg_flags(unsigned prot)
{
	return ((prot & ELF_PROT_WRITE) ? VM_WRITE : 0) | ((prot & ELF_PROT_EXEC) ? VM_EXEC : 0);
}

static int load_segment(struct process *p, struct file *f, const struct elf_segment *s)
{
	uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
	int err = map_zeroed(p, start, (end - start) / PAGE_SIZE, VM_WRITE);

	if (err)
		return err;
	/* Copy the file bytes page by page through the direct map. */
	for (uint64_t done = 0; done < s->filesz;) {
		uint64_t va = s->vaddr + done, pa;
		size_t n = MIN(PAGE_SIZE - (va & (PAGE_SIZE - 1)), s->filesz - done);
		long r;
		arch_aspace_query(p->as, va, &pa, NULL);
		r = vfs_pread(f, phys_to_virt(pa), n, s->offset + done);
		if (r != (long)n)
			return r < 0 ? (int)r : -EIO;
		done += n;
	}
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		arch_aspace_protect(p->as, va, seg_flags(s->prot));
	return 0;
}

static int build_stack(struct process *p, const char *path, const char *const argv[],
		       const char *const envp[], const struct elf_image *img, uint64_t *rsp,
		       struct exec_stack_layout *lay_out)
{
	size_t argc = 0, envc = 0, size = 32 * PAGE_SIZE;
	uint8_t random[EXEC_RANDOM_BYTES];
	struct exec_auxv aux[] = {
		{AT_PHDR, img->phdr_addr}, {AT_PHENT, img->phent}, {AT_PHNUM, img->phnum},
		{AT_PAGESZ, PAGE_SIZE},	   {AT_ENTRY, img->entry}, {AT_UID, p->cred.uid},
		{AT_EUID, p->cred.euid},   {AT_GID, p->cred.gid},  {AT_EGID, p->cred.egid},
		{AT_CLKTCK, 100},	   {AT_SECURE, 0},	   {AT_BASE, 0},
	};
	struct exec_stack_layout lay;
	uint8_t *buf;
	int err;

	while (argv && argv[argc])
		argc++;
	while (envp && envp[envc])
		envc++;
	random_get_bytes(random, sizeof(random));
	struct exec_stack_args a = {argv,   argc, envp,	   envc, aux, ARRAY_SIZE(aux),
				    random, path, "x86_64"};
	buf = kmalloc(size);
	if (!buf)
		return -ENOMEM;
	err = exec_stack_build(buf, size, USER_STACK_TOP, &a, &lay);
	if (err)
		goto out;
	/* buf is the image of [USER_STACK_TOP - size, USER_STACK_TOP). */
	for (uint64_t va = ALIGN_DOWN(lay.low, PAGE_SIZE); va < USER_STACK_TOP; va += PAGE_SIZE) {
		uint64_t pa;
		arch_aspace_query(p->as, va, &pa, NULL);
		memcpy(phys_to_virt(pa), buf + (va - (USER_STACK_TOP - size)), PAGE_SIZE);
	}
	*rsp = lay.rsp;
	*lay_out = lay;
out:
	kfree(buf);
	return err;
}

/* Open, check and map `path` into p->as; the entry point and stack in
 * *entry, *rsp. On failure p->as may hold part of the image. */
int proc_load_program(struct process *p, const char *path, const char *const argv[],
		      const char *const envp[], uint64_t *entry, uint64_t *rsp)
{
	struct elf_image *img = kzalloc(sizeof(*img));
	uint8_t *hdr = kmalloc(HDR_MAX);
	struct exec_stack_layout lay;
	struct file *f = NULL;
	struct kstat st;
	long n;
	int err;

	if (!img || !hdr) {
		err = -ENOMEM;
		goto out;
	}
	err = vfs_open(&p->ctx, path, O_RDONLY, 0, &f);
	if (err)
		goto out;
	err = vfs_fstat(f, &st);
	if (!err && !S_ISREG(st.mode))
		err = -EACCES;
	if (!err)
		err = vfs_permission(f->inode, &p->cred, MAY_EXEC);
	if (err)
		goto out;
	n = vfs_pread(f, hdr, HDR_MAX, 0);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	err = elf_parse(hdr, (size_t)n, st.size, img);
	if (err) {
		pr_warn("exec: %s: not a runnable static executable (%s)\n", path,
			elf_reason_str(img->reason));
		goto out;
	}
	for (unsigned i = 0; i < img->nsegs && !err; i++)
		err = load_segment(p, f, &img->seg[i]);
	if (!err)
		err = map_zeroed(p, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE, USER_STACK_PAGES,
				 VM_WRITE | (img->exec_stack ? VM_EXEC : 0));
	if (!err)
		err = build_stack(p, path, argv, envp, img, rsp, &lay);
	if (!err) {
		proc_exec_record(p, f, &lay);
		*entry = img->entry;
		p->brk_start = p->brk = img->end;
		p->mmap_next = USER_MMAP_TOP;
	}
out:
	if (f)
		vfs_close(f);
	kfree(hdr);
	kfree(img);
	return err;
}

struct start_info {
	struct process *p;
	uint64_t entry, rsp;
};

static void user_thread_start(void *arg)
{
	struct start_info si = *(struct start_info *)arg;
	struct thread *t = current_thread();

	kfree(arg);
	arch_aspace_switch(si.p->as);
	arch_set_kernel_stack(t->kstack_top);
	arch_set_tls(0);
	arch_enter_user(si.entry, si.rsp, t->kstack_top);
}

void proc_free(struct process *p)
{
	proc_unlist(p);
	proc_exec_put(p->exec);
	fdtable_release(p->fds);
	arch_aspace_destroy(p->as, proc_put_frame);
	vfs_ctx_release(&p->ctx);
	kfree(p);
}

struct process *proc_spawn(struct vfs_ctx *parent, const char *path, const char *const argv[],
			   const char *const envp[])
{
	struct process *p = kzalloc(sizeof(*p));
	struct start_info *si = kzalloc(sizeof(*si));
	const char *base = strrchr(path, '/');
	int err = -ENOMEM;

	if (!p || !si)
		goto fail;
	p->pid = proc_alloc_pid();
	p->pgid = p->sid = p->pid; /* the kernel's processes lead their own session */
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	p->cred = *parent->cred;
	waitq_init(&p->exit_wq);
	waitq_init(&p->child_wq);
	waitq_init(&p->stop_wq);
	err = vfs_ctx_init(&p->ctx, &p->cred);
	if (err)
		goto fail;
	p->ctx.umask = parent->umask;
	p->as = arch_aspace_create();
	if (!p->as) {
		err = -ENOMEM;
		goto fail_ctx;
	}
	err = proc_load_program(p, path, argv, envp, &si->entry, &si->rsp);
	if (err)
		goto fail_as;
	p->fds = fdtable_create_console(&p->ctx); /* NULL (no memory): every fd is EBADF */
	si->p = p;
	p->thread = thread_create(p->name, user_thread_start, si, 0, 0);
	if (!p->thread) {
		err = -ENOMEM;
		goto fail_as;
	}
	proc_attach_main(p, p->thread);
	p->kernel_waited = true;
	if (p->pid == 1)
		init_process = p;
	return p;

fail_as:
	proc_exec_put(p->exec);
	fdtable_release(p->fds);
	arch_aspace_destroy(p->as, proc_put_frame);
fail_ctx:
	vfs_ctx_release(&p->ctx);
fail:
	kfree(si);
	kfree(p);
	return ERR_PTR(err);
}

static bool has_exited(void *arg)
{
	return ((struct process *)arg)->exited;
}

int proc_wait(struct process *p)
{
	int status;

	waitq_wait(&p->exit_wq, has_exited, p, 0);
	status = p->exit_status;
	thread_join(p->thread);
	proc_free(p);
	return status;
}

/* A CPU exception in user mode: the signal Linux would send, with the
 * si_code and address of arch/x86/kernel/traps.c and fault.c. Its default
 * action kills only this process, reported in one line. */
static void user_fault(const struct arch_user_fault *uf)
{
	struct process *p = current_process();
	struct ksiginfo si = {.fault = true, .addr = uf->addr};

	if (!p)
		panic("user-mode fault without a process");
	switch (uf->vector) {
	case 0: /* #DE */
		si.signo = SIGFPE, si.code = 1 /* FPE_INTDIV */, si.addr = uf->ip;
		break;
	case 16: /* #MF */
	case 19: /* #XM */
		si.signo = SIGFPE, si.code = 0, si.addr = uf->ip;
		break;
	case 1:
	case 3:
		si.signo = SIGTRAP, si.code = 1 /* TRAP_BRKPT */, si.addr = uf->ip;
		break;
	case 6:
		si.signo = SIGILL, si.code = 2 /* ILL_ILLOPN */, si.addr = uf->ip;
		break;
	case 17:
		si.signo = SIGBUS, si.code = 1 /* BUS_ADRALN */;
		break;
	case 14:
		si.signo = SIGSEGV, si.code = (uf->error & 1) ? 2 /* SEGV_ACCERR */ : 1;
		break;
	default: /* #GP, #SS, #NP...: no address (SI_KERNEL) */
		si.signo = SIGSEGV, si.code = 0x80, si.addr = 0;
		break;
	}
	if (signal_would_kill(si.signo))
		pr_warn("proc: pid %d (%s) killed by %s: vector %u error 0x%llx at ip 0x%llx addr "
			"0x%llx\n",
			p->pid, p->name, signal_name(si.signo), uf->vector,
			(unsigned long long)uf->error, (unsigned long long)uf->ip,
			(unsigned long long)uf->addr);
	signal_force(si.signo, &si); /* delivered on the way back to user mode */
}

void proc_init(void)
{
	sched_set_switch_hook(switch_hook);
	signal_init();
	proc_pid_init();
	syscall_init();
	arch_syscall_init(syscall_table_dispatch, user_fault);
}
