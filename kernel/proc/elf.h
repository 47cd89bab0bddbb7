/*
 * The pure part of the ELF64 program loader: validating an executable's
 * headers and turning them into a load plan, and recognising "#!" scripts.
 * Nothing here touches memory maps or files; the exec path reads the
 * headers, calls elf_parse, and maps what the plan says. Static executables
 * (ET_EXEC) and static PIE (ET_DYN without PT_INTERP) are accepted; anything
 * needing a dynamic linker is refused with -ENOEXEC.
 *
 * References: System V gABI chapter 5 "Program Loading", System V ABI AMD64
 * supplement 3.4.1, Linux fs/binfmt_elf.c and fs/binfmt_script.c (behaviour
 * copied where noted).
 */
#ifndef KERNEL_PROC_ELF_H
#define KERNEL_PROC_ELF_H

#include <ksvc.h>
#include "kernel/proc/elf_format.h"

#define ELF_PAGE_SIZE	4096ULL
#define ELF_MAX_SEGS	16		      /* PT_LOAD segments in a plan */
#define ELF_MAX_PHNUM	64		      /* program headers in a file */
#define ELF_USER_LIMIT	0x0000800000000000ULL /* first non-user address */
#define ELF_MIN_ADDR	0x10000ULL	      /* like Linux's mmap_min_addr */
#define ELF_ET_DYN_BASE 0x555555554000ULL     /* where static PIE goes (Linux) */
#define ELF_SHEBANG_MAX 256		      /* Linux's BINPRM_BUF_SIZE */

/* Segment protections: the values of Linux's PROT_READ/WRITE/EXEC. */
#define ELF_PROT_READ  0x1
#define ELF_PROT_WRITE 0x2
#define ELF_PROT_EXEC  0x4

/* Why elf_parse refused a file (struct elf_image.reason). */
enum elf_reason {
	ELF_OK = 0,
	ELF_ERR_SHORT,	    /* buffer or file too short for the headers */
	ELF_ERR_MAGIC,	    /* not \177ELF */
	ELF_ERR_CLASS,	    /* not ELFCLASS64 */
	ELF_ERR_DATA,	    /* not little-endian */
	ELF_ERR_VERSION,    /* EI_VERSION or e_version not EV_CURRENT */
	ELF_ERR_MACHINE,    /* not x86_64 */
	ELF_ERR_TYPE,	    /* not ET_EXEC or ET_DYN */
	ELF_ERR_PHENTSIZE,  /* e_phentsize != 56 */
	ELF_ERR_PHNUM,	    /* e_phnum == 0 or > ELF_MAX_PHNUM */
	ELF_ERR_PHDR_RANGE, /* program headers past the buffer or the file */
	ELF_ERR_INTERP,	    /* PT_INTERP: dynamically linked, not supported */
	ELF_ERR_TOO_MANY,   /* more than ELF_MAX_SEGS PT_LOAD segments */
	ELF_ERR_SEG_FILE,   /* p_offset + p_filesz overflows or passes the file end */
	ELF_ERR_SEG_SIZE,   /* p_filesz > p_memsz */
	ELF_ERR_SEG_ALIGN,  /* p_vaddr and p_offset differ modulo the page size */
	ELF_ERR_SEG_ADDR,   /* below ELF_MIN_ADDR, wraps, or reaches ELF_USER_LIMIT */
	ELF_ERR_SEG_ORDER,  /* PT_LOAD not ascending or overlapping (page-rounded) */
	ELF_ERR_NO_LOAD,    /* no non-empty PT_LOAD */
	ELF_ERR_ENTRY,	    /* entry not inside an executable PT_LOAD's file data */
	ELF_ERR_PT_PHDR,    /* PT_PHDR not inside the file data of a PT_LOAD */
	ELF_ERR_COUNT
};

/*
 * One region to map. Addresses include the load bias. The loader maps file
 * bytes [offset, offset + filesz) at vaddr, zero-fills up to vaddr + memsz
 * (bss), rounding outwards to pages; segments never share a page.
 */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	unsigned prot; /* ELF_PROT_* */
};

struct elf_image {
	uint16_t type;	    /* ET_EXEC or ET_DYN */
	uint64_t load_bias; /* added to every p_vaddr (0 for ET_EXEC) */
	uint64_t entry;	    /* AT_ENTRY, the initial rip */
	uint64_t phdr_addr; /* AT_PHDR: user address of the program headers */
	uint16_t phnum;	    /* AT_PHNUM */
	uint16_t phent;	    /* AT_PHENT */
	bool exec_stack;    /* PT_GNU_STACK has PF_X (default: not executable) */
	bool has_interp;    /* a PT_INTERP was seen (the parse then fails) */
	uint64_t start;	    /* lowest mapped address, page-aligned */
	uint64_t end;	    /* end of the highest segment, page-aligned: brk starts here */
	unsigned nsegs;
	struct elf_segment seg[ELF_MAX_SEGS];
	int reason; /* enum elf_reason, set on success (ELF_OK) and on failure */
};

/*
 * Check the file header in buf (at least sizeof(struct elf64_ehdr) bytes of
 * the file's start) and give the byte range of the program header table, so
 * the caller can read the file's first *off + *len bytes for elf_parse.
 * Returns 0 or -ENOEXEC; *reason (may be NULL) says why.
 */
int elf_phdr_range(const void *buf, size_t buf_len, uint64_t *off, uint64_t *len, int *reason);

/*
 * Validate an executable and build its load plan. hdr_buf holds the first
 * buf_len bytes of a file of file_size bytes, and must reach the end of the
 * program header table (see elf_phdr_range). Returns 0 with *out filled in,
 * or -ENOEXEC with out->reason set; never reads outside hdr_buf[0..buf_len).
 */
int elf_parse(const void *hdr_buf, size_t buf_len, uint64_t file_size, struct elf_image *out);

/* A short English description of an enum elf_reason value. */
const char *elf_reason_str(int reason);

/*
 * Recognise a "#!" script from the first len bytes of a file, as Linux's
 * binfmt_script does: only the first ELF_SHEBANG_MAX bytes count; the
 * interpreter is the first word, the optional argument is the rest of the
 * line after the blanks that follow it, trailing blanks stripped (one
 * argument, spaces included). Returns 0 with interp and arg (empty if none)
 * NUL-terminated, or -ENOEXEC: not a script, no interpreter, the line is
 * longer than the limit and the interpreter name may be cut, or a result
 * does not fit (sizes of ELF_SHEBANG_MAX always suffice).
 */
int elf_shebang(const char *buf, size_t len, char *interp, size_t interp_size, char *arg,
		size_t arg_size);

#endif
