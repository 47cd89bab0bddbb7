/*
 * Process creation from a static ELF file, the scheduler's switch hook
 * (address space, kernel stack for traps, TLS), exit, and user faults
 * turned into a one-line report and the death of that process only.
 *
 * Loading (System V ABI AMD64, 3.4 "Process Initialization"): every
 * PT_LOAD segment becomes areas (kernel/proc/uvm.c) with the segment's
 * permissions (W^X as the file asks, NX unless executable): its file bytes
 * a private file mapping paged in on demand, its bss anonymous memory. The
 * stack is a growing area under UVM_STACK_TOP, its first pages written
 * from the image exec_stack_build makes.
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/err.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/random.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/exec_stack.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/proc_pid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/uvm.h"
#include "kernel/syscall/syscall.h"

#define HDR_MAX 4096

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
	page_put(pa);
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

static unsigned seg_prot(unsigned prot)
{
	return VM_PROT_READ | ((prot & ELF_PROT_WRITE) ? VM_PROT_WRITE : 0) |
	       ((prot & ELF_PROT_EXEC) ? VM_PROT_EXEC : 0);
}

/* A segment's file bytes as a private file mapping whose tail past filesz
 * reads as zeros (file_end), then anonymous pages up to memsz (bss).
 * elf_parse checked that vaddr and offset agree modulo the page size and
 * that segments share no page. */
static int load_segment(struct process *p, struct file *f, const struct elf_segment *s)
{
	uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	uint64_t file_pages_end = s->filesz ? ALIGN_UP(s->vaddr + s->filesz, PAGE_SIZE) : start;
	uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
	unsigned prot = seg_prot(s->prot);
	int err = 0;

	if (file_pages_end > start)
		err = uvm_map(p, start, file_pages_end - start, prot, 0, f,
			      s->offset - (s->vaddr - start), s->offset + s->filesz);
	if (!err && end > file_pages_end)
		err = uvm_map(p, file_pages_end, end - file_pages_end, prot, 0, NULL, 0,
			      UINT64_MAX);
	return err;
}

static int build_stack(struct process *p, const char *path, const char *const argv[],
		       const char *const envp[], const struct elf_image *img, bool secure,
		       uint64_t *rsp, struct exec_stack_layout *lay_out)
{
	size_t argc = 0, envc = 0, size = 32 * PAGE_SIZE;
	uint8_t random[EXEC_RANDOM_BYTES];
	struct exec_auxv aux[] = {
		{AT_PHDR, img->phdr_addr},    {AT_PHENT, img->phent},
		{AT_PHNUM, img->phnum},	      {AT_PAGESZ, PAGE_SIZE},
		{AT_ENTRY, img->entry},	      {AT_UID, p->cred.uid},
		{AT_EUID, p->cred.euid},      {AT_GID, p->cred.gid},
		{AT_EGID, p->cred.egid},      {AT_CLKTCK, 100},
		{AT_SECURE, secure},	      {AT_BASE, 0},
		{AT_HWCAP, arch_elf_hwcap()},
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
	err = exec_stack_build(buf, size, UVM_STACK_TOP, &a, &lay);
	if (!err)
		err = uvm_stack_area(p, lay.low, img->exec_stack);
	/* buf is the image of [UVM_STACK_TOP - size, UVM_STACK_TOP). */
	if (!err)
		err = uvm_write(p, lay.low, buf + (lay.low - (UVM_STACK_TOP - size)),
				UVM_STACK_TOP - lay.low);
	if (err)
		goto out;
	*rsp = lay.rsp;
	*lay_out = lay;
out:
	kfree(buf);
	return err;
}

/* Open, check and map `path` into p->as; the entry point and stack in
 * *entry, *rsp. On failure p->as may hold part of the image. */
#define SCRIPT_DEPTH_MAX 4 /* Linux's BINPRM_MAX_RECURSION */

static int load_program(struct process *p, const char *path, const char *const argv[],
			const char *const envp[], uint64_t *entry, uint64_t *rsp, int depth);

/*
 * A "#!" script: run its interpreter with argv [interp, (arg,) path,
 * argv[1], ...], as Linux's binfmt_script does. The script only needs
 * execute permission here; the interpreter opens it to read it. Its
 * set-user-ID bits are ignored (only the interpreter's count).
 */
static int load_script(struct process *p, const char *path, const char *hdr, size_t n,
		       const char *const argv[], const char *const envp[], uint64_t *entry,
		       uint64_t *rsp, int depth)
{
	char *interp = kmalloc(ELF_SHEBANG_MAX), *arg = kmalloc(ELF_SHEBANG_MAX);
	const char **nargv = NULL;
	size_t argc = 0, k = 0;
	int err;

	if (!interp || !arg) {
		err = -ENOMEM;
		goto out;
	}
	err = elf_shebang(hdr, n, interp, ELF_SHEBANG_MAX, arg, ELF_SHEBANG_MAX);
	if (err)
		goto out;
	if (depth >= SCRIPT_DEPTH_MAX) {
		err = -ELOOP;
		goto out;
	}
	while (argv && argv[argc])
		argc++;
	nargv = kmalloc((argc + 3) * sizeof(*nargv));
	if (!nargv) {
		err = -ENOMEM;
		goto out;
	}
	nargv[k++] = interp;
	if (arg[0])
		nargv[k++] = arg;
	nargv[k++] = path;
	for (size_t i = 1; i < argc; i++)
		nargv[k++] = argv[i];
	nargv[k] = NULL;
	err = load_program(p, interp, nargv, envp, entry, rsp, depth + 1);
out:
	kfree(nargv);
	kfree(interp);
	kfree(arg);
	return err;
}

int proc_load_program(struct process *p, const char *path, const char *const argv[],
		      const char *const envp[], uint64_t *entry, uint64_t *rsp)
{
	return load_program(p, path, argv, envp, entry, rsp, 0);
}

static int load_program(struct process *p, const char *path, const char *const argv[],
			const char *const envp[], uint64_t *entry, uint64_t *rsp, int depth)
{
	struct elf_image *img = kzalloc(sizeof(*img));
	uint8_t *hdr = kmalloc(HDR_MAX);
	struct exec_stack_layout lay;
	struct file *f = NULL;
	struct cred old_cred = p->cred;
	struct kstat st;
	bool secure;
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
	if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
		vfs_close(f);
		f = NULL;
		err = load_script(p, path, (const char *)hdr, (size_t)n, argv, envp, entry, rsp,
				  depth);
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
	/* A set-user-ID or set-group-ID file changes the credentials; the
	 * auxiliary vector reports the new ones (and AT_SECURE). */
	secure = !err && cred_exec(&p->cred, st.mode, st.uid, st.gid);
	if (!err)
		err = build_stack(p, path, argv, envp, img, secure, rsp, &lay);
	if (!err) {
		proc_exec_record(p, f, &lay);
		*entry = img->entry;
		p->brk_start = p->brk = img->end;
	} else {
		p->cred = old_cred; /* the exec failed: the caller keeps its IDs */
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

void proc_rlimits_init(struct process *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
	p->rlim[RLIMIT_STACK].cur = 8 << 20; /* the stack's growth limit (uvm.h) */
	p->rlim[RLIMIT_NOFILE] = (struct rlimit64){FD_MAX, FD_MAX};
}

void proc_free(struct process *p)
{
	proc_unlist(p);
	signal_release_process(p);
	proc_exec_put(p->exec);
	fdtable_release(p->fds);
	uvm_destroy(p->as, &p->vm);
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
	proc_rlimits_init(p);
	err = vfs_ctx_init(&p->ctx, &p->cred);
	if (err)
		goto fail;
	p->ctx.umask = parent->umask;
	uvm_init(p);
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
	uvm_destroy(p->as, &p->vm);
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

/* A CPU exception in user mode: a page fault uvm_fault can resolve
 * returns to the program; otherwise the signal Linux would send, with the
 * si_code and address of arch/x86/kernel/traps.c and fault.c, raised on
 * the thread. Its default action kills only this process, reported in one
 * line. */
static void user_fault(const struct arch_user_fault *uf)
{
	struct process *p = current_process();
	struct ksiginfo si = {.fault = true, .addr = uf->addr};

	if (!p)
		panic("user-mode fault without a process");
	switch (uf->vector) {
	case 14: {
		int sig = uvm_fault_current(uf->addr, arch_pf_access(uf->error));
		if (sig == 0)
			return; /* resolved: back to the program */
		si.signo = sig;
		if (sig == SIGBUS)
			si.code = 2; /* BUS_ADRERR: past the end of the file */
		else if (sig == SIGSEGV)
			si.code = (uf->error & 1) ? 2 /* SEGV_ACCERR */ : 1 /* SEGV_MAPERR */;
		else
			si.fault = false; /* SIGKILL: out of memory */
		break;
	}
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
	arch_set_user_pf_handler(uvm_fault_current);
	uvm_stats_init();
}
