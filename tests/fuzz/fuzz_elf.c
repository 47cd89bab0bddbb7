/*
 * libFuzzer target for kernel/proc/elf.c and kernel/proc/exec_stack.c:
 * arbitrary bytes as an executable's header prefix (the file size taken as
 * the input size, and once more as a larger file), as the start of a "#!"
 * script, and split at NULs into argv for the stack builder. Executables
 * are untrusted: no crash, no read outside the buffer (ASan), and any plan
 * elf_parse accepts stays inside the user range, sorted and page-disjoint.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/proc/elf.h"
#include "kernel/proc/exec_stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_plan(const struct elf_image *im, uint64_t file_size)
{
	uint64_t prev_end = 0;
	int entry_ok = 0;

	if (im->nsegs < 1 || im->nsegs > ELF_MAX_SEGS)
		abort();
	for (unsigned i = 0; i < im->nsegs; i++) {
		const struct elf_segment *s = &im->seg[i];

		if (s->vaddr < ELF_MIN_ADDR || s->memsz > ELF_USER_LIMIT - s->vaddr ||
		    s->filesz > s->memsz || s->offset > file_size ||
		    s->filesz > file_size - s->offset ||
		    (s->vaddr & 0xfff) != (s->offset & 0xfff) || (s->vaddr & ~0xfffULL) < prev_end)
			abort();
		prev_end = (s->vaddr + s->memsz + 0xfff) & ~0xfffULL;
		if ((s->prot & ELF_PROT_EXEC) && im->entry >= s->vaddr &&
		    im->entry - s->vaddr < s->filesz)
			entry_ok = 1;
	}
	if (!entry_ok || im->end != prev_end)
		abort();
}

static void fuzz_stack(const uint8_t *data, size_t size)
{
	static const uint8_t rnd[EXEC_RANDOM_BYTES];
	static const struct exec_auxv aux[] = {{AT_PAGESZ, 4096}, {AT_RANDOM, 1}, {AT_NULL, 0}};
	const char *argv[32];
	char *copy = malloc(size + 1);
	size_t argc = 0, bufsize = size * 2 % 4096;
	uint8_t *buf = malloc(bufsize ? bufsize : 1);
	struct exec_stack_layout lay;
	struct exec_stack_args a = {.argv = argv,
				    .auxv = aux,
				    .auxc = 3,
				    .random = rnd,
				    .execfn = "/f",
				    .platform = "x86_64"};

	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && argc < 32; i += strlen(copy + i) + 1)
		argv[argc++] = copy + i;
	a.argc = argc / 2;
	a.envp = argv + a.argc;
	a.envc = argc - a.argc;
	if (exec_stack_build(buf, bufsize, 0x7ffffffff000ULL, &a, &lay) == 0) {
		if (lay.rsp % 16 || lay.rsp < 0x7ffffffff000ULL - bufsize)
			abort();
	}
	free(buf);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image im;
	uint64_t off, len;
	char interp[ELF_SHEBANG_MAX], arg[ELF_SHEBANG_MAX];
	/* Copy so ASan sees the exact end of the buffer. */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	(void)elf_phdr_range(copy, size, &off, &len, NULL);
	if (elf_parse(copy, size, size, &im) == 0)
		check_plan(&im, size);
	if (elf_parse(copy, size, (uint64_t)size << 12, &im) == 0)
		check_plan(&im, (uint64_t)size << 12);
	if (elf_shebang((const char *)copy, size, interp, sizeof(interp), arg, sizeof(arg)) == 0) {
		if (strlen(interp) == 0 || strlen(interp) >= sizeof(interp) ||
		    strlen(arg) >= sizeof(arg))
			abort();
	}
	free(copy);
	fuzz_stack(data, size);
	return 0;
}
