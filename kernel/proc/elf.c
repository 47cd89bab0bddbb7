/*
 * ELF64 header validation and load planning (see elf.h), and "#!" script
 * recognition. Pure logic, built into the kernel and into host tests and
 * fuzz targets through <ksvc.h>. Every input is untrusted: all arithmetic on
 * file values is checked for overflow and every header is copied out of the
 * buffer with memcpy after a bounds check (the buffer need not be aligned).
 *
 * References: System V gABI chapter 5 (program header, "Program Loading"),
 * System V ABI AMD64 supplement 3.4.1 and 5.2, Linux fs/binfmt_elf.c
 * (load_elf_binary: AT_PHDR from the PT_LOAD covering e_phoff, PT_GNU_STACK,
 * ELF_ET_DYN_BASE) and fs/binfmt_script.c (load_script, Linux 5.1 and later).
 */
#include <ksvc.h>
#include "kernel/proc/elf.h"

#define PAGE_DOWN(x) ALIGN_DOWN((uint64_t)(x), ELF_PAGE_SIZE)
#define PAGE_OFF(x)  ((uint64_t)(x) & (ELF_PAGE_SIZE - 1))

/* Largest PT_LOAD p_align honoured when placing a static PIE. */
#define ELF_MAX_BIAS_ALIGN (1ULL << 30)

static const char *const elf_reasons[ELF_ERR_COUNT] = {
	[ELF_OK] = "ok",
	[ELF_ERR_SHORT] = "file too short for its headers",
	[ELF_ERR_MAGIC] = "bad ELF magic",
	[ELF_ERR_CLASS] = "not a 64-bit ELF file",
	[ELF_ERR_DATA] = "not little-endian",
	[ELF_ERR_VERSION] = "unknown ELF version",
	[ELF_ERR_MACHINE] = "not an x86_64 binary",
	[ELF_ERR_TYPE] = "not an executable (ET_EXEC or ET_DYN)",
	[ELF_ERR_PHENTSIZE] = "bad program header size",
	[ELF_ERR_PHNUM] = "bad program header count",
	[ELF_ERR_PHDR_RANGE] = "program headers outside the file",
	[ELF_ERR_INTERP] = "dynamically linked (PT_INTERP): only static binaries run",
	[ELF_ERR_TOO_MANY] = "too many PT_LOAD segments",
	[ELF_ERR_SEG_FILE] = "segment data outside the file",
	[ELF_ERR_SEG_SIZE] = "segment file size larger than memory size",
	[ELF_ERR_SEG_ALIGN] = "segment address and offset differ modulo the page size",
	[ELF_ERR_SEG_ADDR] = "segment outside the user address range",
	[ELF_ERR_SEG_ORDER] = "segments not ascending or overlapping",
	[ELF_ERR_NO_LOAD] = "no loadable segment",
	[ELF_ERR_ENTRY] = "entry point not in executable segment data",
	[ELF_ERR_PT_PHDR] = "PT_PHDR not inside loaded file data",
};

const char *elf_reason_str(int reason)
{
	if (reason < 0 || reason >= ELF_ERR_COUNT)
		return "unknown";
	return elf_reasons[reason];
}

static int elf_fail(int *reason, int why)
{
	if (reason)
		*reason = why;
	return -ENOEXEC;
}

int elf_phdr_range(const void *buf, size_t buf_len, uint64_t *off, uint64_t *len, int *reason)
{
	struct elf64_ehdr eh;
	const uint8_t *id;

	if (buf_len < sizeof(eh))
		return elf_fail(reason, ELF_ERR_SHORT);
	memcpy(&eh, buf, sizeof(eh));
	id = eh.e_ident;
	if (id[0] != ELFMAG0 || id[1] != ELFMAG1 || id[2] != ELFMAG2 || id[3] != ELFMAG3)
		return elf_fail(reason, ELF_ERR_MAGIC);
	if (id[EI_CLASS] != ELFCLASS64)
		return elf_fail(reason, ELF_ERR_CLASS);
	if (id[EI_DATA] != ELFDATA2LSB)
		return elf_fail(reason, ELF_ERR_DATA);
	if (id[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
		return elf_fail(reason, ELF_ERR_VERSION);
	if (eh.e_machine != EM_X86_64)
		return elf_fail(reason, ELF_ERR_MACHINE);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return elf_fail(reason, ELF_ERR_TYPE);
	if (eh.e_phentsize != sizeof(struct elf64_phdr))
		return elf_fail(reason, ELF_ERR_PHENTSIZE);
	if (eh.e_phnum == 0 || eh.e_phnum > ELF_MAX_PHNUM)
		return elf_fail(reason, ELF_ERR_PHNUM);
	/* e_phnum <= 64, so the table size cannot overflow; the offset can. */
	*len = (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr);
	if (eh.e_phoff > UINT64_MAX - *len)
		return elf_fail(reason, ELF_ERR_PHDR_RANGE);
	*off = eh.e_phoff;
	if (reason)
		*reason = ELF_OK;
	return 0;
}

static unsigned elf_prot(uint32_t pf)
{
	return ((pf & PF_R) ? ELF_PROT_READ : 0) | ((pf & PF_W) ? ELF_PROT_WRITE : 0) |
	       ((pf & PF_X) ? ELF_PROT_EXEC : 0);
}

/* Checks that do not depend on where the segment ends up. */
static int elf_check_load(const struct elf64_phdr *ph, uint64_t file_size)
{
	if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset)
		return ELF_ERR_SEG_FILE;
	if (ph->p_filesz > ph->p_memsz)
		return ELF_ERR_SEG_SIZE;
	if (PAGE_OFF(ph->p_vaddr) != PAGE_OFF(ph->p_offset))
		return ELF_ERR_SEG_ALIGN;
	if (ph->p_memsz > ELF_USER_LIMIT || ph->p_vaddr > UINT64_MAX - ph->p_memsz)
		return ELF_ERR_SEG_ADDR;
	return ELF_OK;
}

/*
 * Where a static PIE goes: its lowest page at ELF_ET_DYN_BASE, moved down to
 * the largest power-of-two p_align (Linux 5.18 and later do the same).
 * Unsigned wrap-around is fine here: the biased addresses are checked.
 */
static uint64_t elf_dyn_bias(uint64_t min_vaddr, uint64_t max_align)
{
	return ALIGN_DOWN(ELF_ET_DYN_BASE, max_align) - PAGE_DOWN(min_vaddr);
}

/* Is [addr, addr + len) inside the file-backed part of a planned segment? */
static const struct elf_segment *elf_find(const struct elf_image *im, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < im->nsegs; i++) {
		const struct elf_segment *s = &im->seg[i];

		if (addr >= s->vaddr && addr - s->vaddr < s->filesz &&
		    len <= s->filesz - (addr - s->vaddr))
			return s;
	}
	return NULL;
}

int elf_parse(const void *hdr_buf, size_t buf_len, uint64_t file_size, struct elf_image *out)
{
	const uint8_t *buf = hdr_buf;
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	uint64_t phoff, phlen, bias = 0, max_align = ELF_PAGE_SIZE, prev_end = 0;
	uint64_t phdr_vaddr = 0;
	bool have_pt_phdr = false;
	int why;

	memset(out, 0, sizeof(*out));
	if (elf_phdr_range(buf, buf_len, &phoff, &phlen, &out->reason) < 0)
		return -ENOEXEC;
	if (file_size < buf_len)
		buf_len = file_size; /* bytes past the file end are not the file's */
	if (phoff + phlen > buf_len)
		return elf_fail(&out->reason,
				buf_len == file_size ? ELF_ERR_PHDR_RANGE : ELF_ERR_SHORT);
	memcpy(&eh, buf, sizeof(eh));
	out->type = eh.e_type;
	out->phnum = eh.e_phnum;
	out->phent = eh.e_phentsize;

	/* Pass 1: per-header checks, PT_LOAD collected with file addresses. */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, buf + phoff + i * sizeof(ph), sizeof(ph));
		switch (ph.p_type) {
		case PT_INTERP:
			out->has_interp = true;
			return elf_fail(&out->reason, ELF_ERR_INTERP);
		case PT_GNU_STACK:
			out->exec_stack = (ph.p_flags & PF_X) != 0;
			break;
		case PT_PHDR:
			have_pt_phdr = true;
			phdr_vaddr = ph.p_vaddr;
			break;
		case PT_LOAD:
			why = elf_check_load(&ph, file_size);
			if (why != ELF_OK)
				return elf_fail(&out->reason, why);
			if (ph.p_memsz == 0)
				break; /* maps nothing */
			if (out->nsegs == ELF_MAX_SEGS)
				return elf_fail(&out->reason, ELF_ERR_TOO_MANY);
			out->seg[out->nsegs++] = (struct elf_segment){
				.vaddr = ph.p_vaddr,
				.memsz = ph.p_memsz,
				.filesz = ph.p_filesz,
				.offset = ph.p_offset,
				.prot = elf_prot(ph.p_flags),
			};
			if (ph.p_align > max_align && ph.p_align <= ELF_MAX_BIAS_ALIGN &&
			    (ph.p_align & (ph.p_align - 1)) == 0)
				max_align = ph.p_align;
			break;
		default:
			break;
		}
	}
	if (out->nsegs == 0)
		return elf_fail(&out->reason, ELF_ERR_NO_LOAD);

	/* Pass 2: place, then check the final addresses and their order. */
	if (eh.e_type == ET_DYN)
		bias = elf_dyn_bias(out->seg[0].vaddr, max_align);
	out->load_bias = bias;
	for (unsigned i = 0; i < out->nsegs; i++) {
		struct elf_segment *s = &out->seg[i];

		s->vaddr += bias;
		if (s->vaddr < ELF_MIN_ADDR || s->vaddr >= ELF_USER_LIMIT ||
		    s->memsz > ELF_USER_LIMIT - s->vaddr)
			return elf_fail(&out->reason, ELF_ERR_SEG_ADDR);
		if (PAGE_DOWN(s->vaddr) < prev_end)
			return elf_fail(&out->reason, ELF_ERR_SEG_ORDER);
		/* The limit is page-aligned, so rounding up cannot pass it. */
		prev_end = ALIGN_UP(s->vaddr + s->memsz, ELF_PAGE_SIZE);
	}
	out->start = PAGE_DOWN(out->seg[0].vaddr);
	out->end = prev_end;

	out->entry = eh.e_entry + bias;
	{
		const struct elf_segment *s = elf_find(out, out->entry, 1);

		if (!s || !(s->prot & ELF_PROT_EXEC))
			return elf_fail(&out->reason, ELF_ERR_ENTRY);
	}

	/*
	 * AT_PHDR: PT_PHDR when there is one (it must then be loaded), else the
	 * PT_LOAD whose file data holds the table, else 0 (not in memory).
	 */
	if (have_pt_phdr) {
		out->phdr_addr = phdr_vaddr + bias;
		if (!elf_find(out, out->phdr_addr, phlen))
			return elf_fail(&out->reason, ELF_ERR_PT_PHDR);
	} else {
		for (unsigned i = 0; i < out->nsegs; i++) {
			const struct elf_segment *s = &out->seg[i];

			if (phoff >= s->offset && phoff - s->offset < s->filesz &&
			    phlen <= s->filesz - (phoff - s->offset)) {
				out->phdr_addr = s->vaddr + (phoff - s->offset);
				break;
			}
		}
	}
	out->reason = ELF_OK;
	return 0;
}

/* binfmt_script's helpers: blanks are space and tab; a word ends at a blank or NUL. */
static bool sb_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *sb_next_nonblank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!sb_blank(*p))
			return p;
	return NULL;
}

static const char *sb_next_terminator(const char *p, const char *end)
{
	for (; p < end; p++)
		if (sb_blank(*p) || *p == '\0')
			return p;
	return NULL;
}

static int sb_copy(char *dst, size_t size, const char *p, const char *end)
{
	size_t n = strnlen(p, (size_t)(end - p)); /* an embedded NUL ends the word */

	if (n >= size)
		return -ENOEXEC;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

/*
 * Follows load_script() of Linux 5.1+: the file's first ELF_SHEBANG_MAX
 * bytes, zero-padded, with the last byte reserved for the terminator.
 */
int elf_shebang(const char *buf, size_t len, char *interp, size_t interp_size, char *arg,
		size_t arg_size)
{
	char line[ELF_SHEBANG_MAX];
	const char *end = line + sizeof(line) - 1, *i_end, *i_name, *i_sep, *i_arg = NULL;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	memset(line, 0, sizeof(line));
	memcpy(line, buf, MIN(len, sizeof(line)));

	i_end = memchr(line, '\n', sizeof(line));
	if (!i_end) {
		i_end = sb_next_nonblank(line + 2, end);
		if (!i_end)
			return -ENOEXEC; /* only blanks */
		/* No blank or NUL after the name: it may be cut short. */
		if (!sb_next_terminator(i_end, end))
			return -ENOEXEC;
		i_end = end;
	}
	while (i_end > line + 2 && sb_blank(i_end[-1]))
		i_end--;
	i_name = sb_next_nonblank(line + 2, i_end);
	/* An empty name (NUL right after the blanks): Linux fails the open later. */
	if (!i_name || i_name == i_end || *i_name == '\0')
		return -ENOEXEC;
	i_sep = sb_next_terminator(i_name, i_end);
	if (i_sep && *i_sep != '\0')
		i_arg = sb_next_nonblank(i_sep, i_end);
	if (sb_copy(interp, interp_size, i_name, i_sep ? i_sep : i_end) < 0)
		return -ENOEXEC;
	if (i_arg)
		return sb_copy(arg, arg_size, i_arg, i_end);
	if (arg_size == 0)
		return -ENOEXEC;
	arg[0] = '\0';
	return 0;
}
