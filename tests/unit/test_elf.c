/*
 * Host tests for kernel/proc/elf.c.
 *
 * ELF: real static binaries made at test time with musl-gcc (ET_EXEC and a
 * static PIE, ET_DYN) and Debian's busybox-static are parsed from their
 * header prefix and the plan is compared with what `readelf -lhW` prints; a
 * dynamic binary (/bin/ls) is refused. A synthetic file has each field
 * corrupted in turn, and random mutations check that any accepted plan
 * keeps its invariants. Shebang: Linux binfmt_script's rules. musl-gcc
 * (Debian musl-tools) missing is a failure. The initial stack builder has
 * its own file, test_exec_stack.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libgen.h>
#include "kernel/proc/elf.h"
#include "host_svc.h"

#define MUSL_LIB "/usr/lib/x86_64-linux-musl"

static char fixture_dir[4096];

/* ---- fixtures ---- */

static void fixture_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", fixture_dir, name);
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "test_elf: command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* Build the musl binaries next to this test binary (build/host/elf_fixtures). */
static int build_fixtures(void)
{
	char exe[4096], src[4200], cmd[16384];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/elf_fixtures", dirname(exe));
	mkdir(fixture_dir, 0755);
	if (system("command -v musl-gcc >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_elf: musl-gcc not found: install Debian musl-tools "
				"(scripts/deps)\n");
		return -1;
	}
	if (access(MUSL_LIB "/rcrt1.o", R_OK) != 0) {
		fprintf(stderr, "test_elf: %s/rcrt1.o missing (musl-dev)\n", MUSL_LIB);
		return -1;
	}
	fixture_path(src, sizeof(src), "hello.c");
	f = fopen(src, "w");
	if (!f)
		return -1;
	fputs("static char big[100000];\nint x = 5;\n"
	      "int main(int c, char **v) { big[c] = x; return big[1] + v[0][0]; }\n",
	      f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "musl-gcc -static -O1 -o %s/hello_static %s", fixture_dir, src);
	if (run(cmd))
		return -1;
	/*
	 * Debian's musl-gcc.specs always passes -dynamic-linker and uses
	 * Scrt1.o, so a static PIE needs rcrt1.o and --no-dynamic-linker.
	 */
	snprintf(cmd, sizeof(cmd),
		 "musl-gcc -fPIE -static-pie -O1 -Wl,--no-dynamic-linker -nostartfiles " MUSL_LIB
		 "/rcrt1.o " MUSL_LIB "/crti.o %s " MUSL_LIB "/crtn.o -o %s/hello_pie",
		 src, fixture_dir);
	return run(cmd) ? -1 : 0;
}

/* The first up to cap bytes of a file; *size gets its size. */
static size_t read_prefix(const char *path, uint8_t *buf, size_t cap, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	struct stat st;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	*size = (uint64_t)st.st_size;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* ---- what readelf says ---- */

struct re_seg {
	uint64_t off, vaddr, filesz, memsz;
	unsigned prot;
};

struct re_info {
	int type;
	uint64_t entry, phoff;
	unsigned nload;
	struct re_seg load[ELF_MAX_SEGS];
	bool has_pt_phdr, has_interp, has_stack, stack_x;
	uint64_t pt_phdr_vaddr;
};

static unsigned re_prot(const char *flags)
{
	return (strchr(flags, 'R') ? ELF_PROT_READ : 0) |
	       (strchr(flags, 'W') ? ELF_PROT_WRITE : 0) | (strchr(flags, 'E') ? ELF_PROT_EXEC : 0);
}

static void readelf_info(const char *path, struct re_info *ri)
{
	char cmd[4200], line[512];
	FILE *p;

	memset(ri, 0, sizeof(*ri));
	snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf -lhW %s", path);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "readelf");
	while (fgets(line, sizeof(line), p)) {
		char kind[32];
		unsigned long long off, va, pa, fs, ms;
		int used = 0;

		if (strstr(line, "  Type:"))
			ri->type = strstr(line, "EXEC")	 ? ET_EXEC
				   : strstr(line, "DYN") ? ET_DYN
							 : -1;
		else if (sscanf(line, "  Entry point address: %llx", &off) == 1)
			ri->entry = off;
		else if (sscanf(line, "  Start of program headers: %llu", &off) == 1)
			ri->phoff = off;
		else if (sscanf(line, " %31s %llx %llx %llx %llx %llx%n", kind, &off, &va, &pa, &fs,
				&ms, &used) == 6) {
			/* Flags sit between the memory size and the " 0x" alignment. */
			char flags[16] = {0};
			const char *al = strstr(line + used, " 0x");

			if (al && al - (line + used) < (long)sizeof(flags))
				memcpy(flags, line + used, (size_t)(al - (line + used)));
			if (!strcmp(kind, "LOAD") && ms != 0) {
				ck_assert_uint_lt(ri->nload, ELF_MAX_SEGS);
				ri->load[ri->nload++] =
					(struct re_seg){off, va, fs, ms, re_prot(flags)};
			} else if (!strcmp(kind, "PHDR")) {
				ri->has_pt_phdr = true;
				ri->pt_phdr_vaddr = va;
			} else if (!strcmp(kind, "INTERP")) {
				ri->has_interp = true;
			} else if (!strcmp(kind, "GNU_STACK")) {
				ri->has_stack = true;
				ri->stack_x = strchr(flags, 'E') != NULL;
			}
		}
	}
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(ri->type == ET_EXEC || ri->type == ET_DYN, "readelf type of %s", path);
	ck_assert_uint_gt(ri->nload, 0);
}

/* Parse path from its header prefix and compare the plan with readelf. */
static void check_against_readelf(const char *path, struct elf_image *im)
{
	static uint8_t buf[65536];
	struct re_info ri;
	uint64_t size, off, len, bias;
	size_t n = read_prefix(path, buf, sizeof(buf), &size);
	int reason;

	readelf_info(path, &ri);
	ck_assert_int_eq(elf_phdr_range(buf, n, &off, &len, &reason), 0);
	ck_assert_uint_eq(off, ri.phoff);
	/* Exactly the prefix elf_phdr_range asks for is enough... */
	ck_assert_int_eq(elf_parse(buf, off + len, size, im), ri.has_interp ? -ENOEXEC : 0);
	if (ri.has_interp) {
		ck_assert_int_eq(im->reason, ELF_ERR_INTERP);
		ck_assert(im->has_interp);
		return;
	}
	/* ...and one byte less is not. */
	ck_assert_int_eq(elf_parse(buf, off + len - 1, size, im), -ENOEXEC);
	ck_assert_int_eq(im->reason, ELF_ERR_SHORT);
	ck_assert_int_eq(elf_parse(buf, n, size, im), 0);
	ck_assert_int_eq(im->reason, ELF_OK);
	ck_assert_int_eq(im->type, ri.type);
	bias = ri.type == ET_DYN ? ELF_ET_DYN_BASE - (ri.load[0].vaddr & ~0xfffULL) : 0;
	ck_assert_uint_eq(im->load_bias, bias);
	ck_assert_uint_eq(im->entry, ri.entry + bias);
	ck_assert_uint_eq(im->nsegs, ri.nload);
	for (unsigned i = 0; i < ri.nload; i++) {
		ck_assert_uint_eq(im->seg[i].vaddr, ri.load[i].vaddr + bias);
		ck_assert_uint_eq(im->seg[i].offset, ri.load[i].off);
		ck_assert_uint_eq(im->seg[i].filesz, ri.load[i].filesz);
		ck_assert_uint_eq(im->seg[i].memsz, ri.load[i].memsz);
		ck_assert_uint_eq(im->seg[i].prot, ri.load[i].prot);
	}
	ck_assert(im->exec_stack == (ri.has_stack && ri.stack_x));
	ck_assert_uint_eq(im->phent, 56);
	if (ri.has_pt_phdr) {
		ck_assert_uint_eq(im->phdr_addr, ri.pt_phdr_vaddr + bias);
	} else {
		/* Every binary here maps its headers with the first PT_LOAD. */
		ck_assert_uint_eq(ri.load[0].off, 0);
		ck_assert_uint_eq(im->phdr_addr, ri.load[0].vaddr + ri.phoff + bias);
	}
	ck_assert_uint_eq(im->start, (ri.load[0].vaddr & ~0xfffULL) + bias);
	ck_assert_uint_eq(
		im->end,
		((ri.load[ri.nload - 1].vaddr + ri.load[ri.nload - 1].memsz + 0xfff) & ~0xfffULL) +
			bias);
}

START_TEST(test_musl_static)
{
	char path[4200];
	struct elf_image im;

	fixture_path(path, sizeof(path), "hello_static");
	check_against_readelf(path, &im);
	ck_assert_int_eq(im.type, ET_EXEC);
	ck_assert_uint_eq(im.load_bias, 0);
	ck_assert(!im.exec_stack);
	/* The 100000-byte bss: the last segment has memsz well over filesz. */
	ck_assert_uint_gt(im.seg[im.nsegs - 1].memsz, im.seg[im.nsegs - 1].filesz + 90000);
}
END_TEST

START_TEST(test_musl_static_pie)
{
	char path[4200];
	struct elf_image im;

	fixture_path(path, sizeof(path), "hello_pie");
	check_against_readelf(path, &im);
	ck_assert_int_eq(im.type, ET_DYN);
	ck_assert_uint_eq(im.seg[0].vaddr, ELF_ET_DYN_BASE);
	ck_assert_uint_ge(im.entry, ELF_ET_DYN_BASE);
}
END_TEST

START_TEST(test_busybox)
{
	struct re_info ri;
	struct elf_image im;

	ck_assert_msg(access("/bin/busybox", R_OK) == 0, "/bin/busybox missing: install "
							 "Debian busybox-static");
	readelf_info("/bin/busybox", &ri);
	ck_assert_msg(!ri.has_interp, "/bin/busybox is dynamic: install busybox-static");
	check_against_readelf("/bin/busybox", &im);
	ck_assert_int_eq(im.type, ET_EXEC);
	ck_assert_uint_ge(im.nsegs, 2);
}
END_TEST

START_TEST(test_dynamic_refused)
{
	static uint8_t buf[4096];
	struct elf_image im;
	uint64_t size;
	size_t n = read_prefix("/bin/ls", buf, sizeof(buf), &size);

	ck_assert_int_eq(elf_parse(buf, n, size, &im), -ENOEXEC);
	ck_assert_int_eq(im.reason, ELF_ERR_INTERP);
	ck_assert(im.has_interp);
	ck_assert_str_eq(elf_reason_str(im.reason),
			 "dynamically linked (PT_INTERP): only static binaries run");
}
END_TEST

/* ---- a synthetic executable, corrupted field by field ---- */

#define SYN_SIZE 0x3000
static uint8_t syn[SYN_SIZE];

static struct elf64_ehdr *syn_eh(void)
{
	return (struct elf64_ehdr *)syn;
}

static struct elf64_phdr *syn_ph(unsigned i)
{
	return (struct elf64_phdr *)(syn + 64 + i * 56);
}

static void syn_set_ph(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
		       uint64_t fs, uint64_t ms)
{
	*syn_ph(i) = (struct elf64_phdr){type, flags, off, va, va, fs, ms, 0x1000};
}

/* Headers R at 0x400000, text RX at 0x401000, data+bss RW at 0x402000. */
static void syn_make(void)
{
	struct elf64_ehdr *eh = syn_eh();

	memset(syn, 0, sizeof(syn));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_entry = 0x401010;
	eh->e_phoff = 64;
	eh->e_ehsize = 64;
	eh->e_phentsize = 56;
	eh->e_phnum = 4;
	syn_set_ph(0, PT_LOAD, PF_R, 0, 0x400000, 0x200, 0x200);
	syn_set_ph(1, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x800, 0x800);
	syn_set_ph(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x100, 0x3000);
	syn_set_ph(3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
}

static int syn_parse(struct elf_image *im)
{
	return elf_parse(syn, sizeof(syn), SYN_SIZE, im);
}

START_TEST(test_synthetic_ok)
{
	struct elf_image im;

	syn_make();
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.nsegs, 3);
	ck_assert_uint_eq(im.entry, 0x401010);
	ck_assert_uint_eq(im.phdr_addr, 0x400040);
	ck_assert_uint_eq(im.phnum, 4);
	ck_assert_uint_eq(im.seg[2].memsz, 0x3000);
	ck_assert_uint_eq(im.seg[1].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	ck_assert_uint_eq(im.seg[2].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	ck_assert_uint_eq(im.start, 0x400000);
	ck_assert_uint_eq(im.end, 0x405000);
	ck_assert(!im.exec_stack);

	/* Executable stack; no PT_GNU_STACK means non-executable. */
	syn_ph(3)->p_flags |= PF_X;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert(im.exec_stack);
	syn_ph(3)->p_type = PT_NOTE;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert(!im.exec_stack);

	/* An empty PT_LOAD maps nothing and is left out of the plan. */
	syn_set_ph(3, PT_LOAD, PF_R, 0, 0x10000, 0, 0);
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.nsegs, 3);

	/* PT_PHDR wins over the computed address. */
	syn_set_ph(3, PT_PHDR, PF_R, 0x100, 0x400100, 4 * 56, 4 * 56);
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.phdr_addr, 0x400100);

	/* Headers not loaded and no PT_PHDR: no AT_PHDR. */
	syn_make();
	syn_ph(0)->p_offset = 0x1000;
	syn_ph(0)->p_vaddr = 0x3ff000;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.phdr_addr, 0);
}
END_TEST

START_TEST(test_synthetic_pie)
{
	struct elf_image im;

	syn_make();
	syn_eh()->e_type = ET_DYN;
	for (unsigned i = 0; i < 3; i++)
		syn_ph(i)->p_vaddr -= 0x400000;
	syn_eh()->e_entry = 0x1010;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.load_bias, ELF_ET_DYN_BASE);
	ck_assert_uint_eq(im.seg[0].vaddr, ELF_ET_DYN_BASE);
	ck_assert_uint_eq(im.entry, ELF_ET_DYN_BASE + 0x1010);
	ck_assert_uint_eq(im.phdr_addr, ELF_ET_DYN_BASE + 0x40);

	/* A 2 MiB p_align moves the base down to a 2 MiB boundary. */
	syn_ph(1)->p_align = 0x200000;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.load_bias, 0x555555400000ULL);
	/* Alignments that are not powers of two, or absurd, are ignored. */
	syn_ph(1)->p_align = 0x3000;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.load_bias, ELF_ET_DYN_BASE);
	syn_ph(1)->p_align = 1ULL << 62;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.load_bias, ELF_ET_DYN_BASE);

	/* A PIE linked high: the bias is negative (wraps) and still checked. */
	for (unsigned i = 0; i < 3; i++)
		syn_ph(i)->p_vaddr += 0x7fff00000000ULL;
	syn_eh()->e_entry += 0x7fff00000000ULL;
	ck_assert_int_eq(syn_parse(&im), 0);
	ck_assert_uint_eq(im.seg[0].vaddr, ELF_ET_DYN_BASE);
}
END_TEST

struct corruption {
	const char *what;
	void (*apply)(void);
	int reason;
};

#define CORRUPT(name, body)              \
	static void corrupt_##name(void) \
	{                                \
		body;                    \
	}

CORRUPT(mag0, syn[0] = 0x7e)
CORRUPT(mag1, syn[1] = 'e')
CORRUPT(mag2, syn[2] = 'l')
CORRUPT(mag3, syn[3] = 'f')
CORRUPT(class32, syn[EI_CLASS] = 1)
CORRUPT(class0, syn[EI_CLASS] = 0)
CORRUPT(data_msb, syn[EI_DATA] = 2)
CORRUPT(ident_version, syn[EI_VERSION] = 0)
CORRUPT(e_version, syn_eh()->e_version = 2)
CORRUPT(machine_386, syn_eh()->e_machine = 3)
CORRUPT(machine_aarch64, syn_eh()->e_machine = 183)
CORRUPT(type_rel, syn_eh()->e_type = ET_REL)
CORRUPT(type_core, syn_eh()->e_type = ET_CORE)
CORRUPT(type_none, syn_eh()->e_type = ET_NONE)
CORRUPT(type_high, syn_eh()->e_type = 0xfe00)
CORRUPT(phentsize_32, syn_eh()->e_phentsize = 32)
CORRUPT(phentsize_64, syn_eh()->e_phentsize = 64)
CORRUPT(phnum_0, syn_eh()->e_phnum = 0)
CORRUPT(phnum_65, syn_eh()->e_phnum = 65)
CORRUPT(phnum_max, syn_eh()->e_phnum = 0xffff)
CORRUPT(phoff_huge, syn_eh()->e_phoff = 0xffffffffffffff00ULL)
CORRUPT(phoff_past_file, syn_eh()->e_phoff = SYN_SIZE - 100)
CORRUPT(phoff_end, syn_eh()->e_phoff = SYN_SIZE)
CORRUPT(interp, syn_set_ph(3, PT_INTERP, PF_R, 0x300, 0x400300, 20, 20))
CORRUPT(no_load, for (unsigned i = 0; i < 3; i++) syn_ph(i)->p_type = PT_NOTE)
CORRUPT(all_empty, for (unsigned i = 0; i < 3; i++) syn_ph(i)->p_memsz = syn_ph(i)->p_filesz = 0)
CORRUPT(too_many, {
	syn_eh()->e_phnum = 17;
	for (unsigned i = 0; i < 17; i++)
		syn_set_ph(i, PT_LOAD, PF_R | PF_X, 0, 0x400000 + i * 0x1000, 0x100, 0x100);
})
CORRUPT(file_past_end, syn_ph(2)->p_filesz = 0x1001)
CORRUPT(offset_past_end, syn_ph(2)->p_offset = SYN_SIZE + 0x1000)
CORRUPT(offset_wrap, {
	syn_ph(2)->p_offset = 0xfffffffffffff000ULL;
	syn_ph(2)->p_filesz = 0x2000;
})
CORRUPT(filesz_gt_memsz, syn_ph(2)->p_memsz = 0x80)
CORRUPT(misaligned, syn_ph(1)->p_vaddr = 0x401100)
CORRUPT(page_zero, {
	syn_ph(0)->p_vaddr = 0;
	syn_eh()->e_entry = 0x401010;
})
CORRUPT(below_min, syn_ph(0)->p_vaddr = 0xf000)
CORRUPT(at_user_limit, {
	syn_ph(2)->p_vaddr = 0x7ffffffff000ULL;
	syn_ph(2)->p_memsz = 0x2000;
})
CORRUPT(kernel_addr, syn_ph(2)->p_vaddr = 0xffffffff80002000ULL)
CORRUPT(vaddr_wrap, {
	syn_ph(2)->p_vaddr = 0xfffffffffffff000ULL;
	syn_ph(2)->p_memsz = 0x3000;
})
CORRUPT(memsz_huge, syn_ph(2)->p_memsz = 0xffffffffffff0000ULL)
CORRUPT(unsorted, syn_ph(2)->p_vaddr = 0x3fe000)
CORRUPT(same_page, syn_ph(1)->p_memsz = 0x1001)
CORRUPT(overlap, {
	syn_ph(2)->p_vaddr = 0x401000;
	syn_ph(2)->p_offset = 0x1000;
})
CORRUPT(entry_zero, syn_eh()->e_entry = 0)
CORRUPT(entry_not_exec, syn_eh()->e_entry = 0x400010)
CORRUPT(entry_in_bss, {
	syn_ph(2)->p_flags |= PF_X;
	syn_eh()->e_entry = 0x402200;
})
CORRUPT(entry_past_text, syn_eh()->e_entry = 0x401800)
CORRUPT(entry_huge, syn_eh()->e_entry = 0xffffffffffffffffULL)
CORRUPT(pt_phdr_unmapped, syn_set_ph(3, PT_PHDR, PF_R, 0x40, 0x500000, 224, 224))
CORRUPT(pt_phdr_straddles, syn_set_ph(3, PT_PHDR, PF_R, 0x1c0, 0x4001c0, 224, 224))

#define C(name, reason)                       \
	{                                     \
#name, corrupt_##name, reason \
	}
static const struct corruption corruptions[] = {
	C(mag0, ELF_ERR_MAGIC),
	C(mag1, ELF_ERR_MAGIC),
	C(mag2, ELF_ERR_MAGIC),
	C(mag3, ELF_ERR_MAGIC),
	C(class32, ELF_ERR_CLASS),
	C(class0, ELF_ERR_CLASS),
	C(data_msb, ELF_ERR_DATA),
	C(ident_version, ELF_ERR_VERSION),
	C(e_version, ELF_ERR_VERSION),
	C(machine_386, ELF_ERR_MACHINE),
	C(machine_aarch64, ELF_ERR_MACHINE),
	C(type_rel, ELF_ERR_TYPE),
	C(type_core, ELF_ERR_TYPE),
	C(type_none, ELF_ERR_TYPE),
	C(type_high, ELF_ERR_TYPE),
	C(phentsize_32, ELF_ERR_PHENTSIZE),
	C(phentsize_64, ELF_ERR_PHENTSIZE),
	C(phnum_0, ELF_ERR_PHNUM),
	C(phnum_65, ELF_ERR_PHNUM),
	C(phnum_max, ELF_ERR_PHNUM),
	C(phoff_huge, ELF_ERR_PHDR_RANGE),
	C(phoff_past_file, ELF_ERR_PHDR_RANGE),
	C(phoff_end, ELF_ERR_PHDR_RANGE),
	C(interp, ELF_ERR_INTERP),
	C(no_load, ELF_ERR_NO_LOAD),
	C(all_empty, ELF_ERR_NO_LOAD),
	C(too_many, ELF_ERR_TOO_MANY),
	C(file_past_end, ELF_ERR_SEG_FILE),
	C(offset_past_end, ELF_ERR_SEG_FILE),
	C(offset_wrap, ELF_ERR_SEG_FILE),
	C(filesz_gt_memsz, ELF_ERR_SEG_SIZE),
	C(misaligned, ELF_ERR_SEG_ALIGN),
	C(page_zero, ELF_ERR_SEG_ADDR),
	C(below_min, ELF_ERR_SEG_ADDR),
	C(at_user_limit, ELF_ERR_SEG_ADDR),
	C(kernel_addr, ELF_ERR_SEG_ADDR),
	C(vaddr_wrap, ELF_ERR_SEG_ADDR),
	C(memsz_huge, ELF_ERR_SEG_ADDR),
	C(unsorted, ELF_ERR_SEG_ORDER),
	C(same_page, ELF_ERR_SEG_ORDER),
	C(overlap, ELF_ERR_SEG_ORDER),
	C(entry_zero, ELF_ERR_ENTRY),
	C(entry_not_exec, ELF_ERR_ENTRY),
	C(entry_in_bss, ELF_ERR_ENTRY),
	C(entry_past_text, ELF_ERR_ENTRY),
	C(entry_huge, ELF_ERR_ENTRY),
	C(pt_phdr_unmapped, ELF_ERR_PT_PHDR),
	C(pt_phdr_straddles, ELF_ERR_PT_PHDR),
};

START_TEST(test_corruptions)
{
	const struct corruption *c = &corruptions[_i];
	struct elf_image im;
	int rc;

	syn_make();
	c->apply();
	rc = syn_parse(&im);
	ck_assert_msg(rc == -ENOEXEC && im.reason == c->reason,
		      "%s: rc %d reason %d (%s), expected %d (%s)", c->what, rc, im.reason,
		      elf_reason_str(im.reason), c->reason, elf_reason_str(c->reason));
	ck_assert_ptr_nonnull(elf_reason_str(im.reason));
}
END_TEST

START_TEST(test_truncated)
{
	struct elf_image im;
	uint8_t *copy;

	syn_make();
	/* Every length short of the program header table, in an exact-size heap copy. */
	for (size_t len = 0; len < 64 + 4 * 56; len++) {
		copy = malloc(len ? len : 1);
		memcpy(copy, syn, len);
		ck_assert_int_eq(elf_parse(copy, len, SYN_SIZE, &im), -ENOEXEC);
		ck_assert_int_eq(im.reason, ELF_ERR_SHORT);
		free(copy);
	}
	/* The file itself is shorter than the buffer: bytes past its end do not count. */
	ck_assert_int_eq(elf_parse(syn, sizeof(syn), 100, &im), -ENOEXEC);
	ck_assert_int_eq(im.reason, ELF_ERR_PHDR_RANGE);
	ck_assert_int_eq(elf_parse(syn, sizeof(syn), 64 + 4 * 56, &im), -ENOEXEC);
	ck_assert_int_eq(im.reason, ELF_ERR_SEG_FILE);
	/* Unaligned buffer. */
	copy = malloc(SYN_SIZE + 1);
	memcpy(copy + 1, syn, SYN_SIZE);
	ck_assert_int_eq(elf_parse(copy + 1, SYN_SIZE, SYN_SIZE, &im), 0);
	free(copy);
}
END_TEST

/* Whatever elf_parse accepts must be safe to map. */
static void check_plan(const struct elf_image *im, uint64_t file_size)
{
	uint64_t prev_end = 0;
	bool entry_ok = false;

	ck_assert(im->nsegs >= 1 && im->nsegs <= ELF_MAX_SEGS);
	for (unsigned i = 0; i < im->nsegs; i++) {
		const struct elf_segment *s = &im->seg[i];

		ck_assert_uint_ge(s->vaddr, ELF_MIN_ADDR);
		ck_assert_uint_le(s->memsz, ELF_USER_LIMIT - s->vaddr);
		ck_assert_uint_le(s->filesz, s->memsz);
		ck_assert_uint_le(s->offset, file_size);
		ck_assert_uint_le(s->filesz, file_size - s->offset);
		ck_assert_uint_eq(s->vaddr & 0xfff, s->offset & 0xfff);
		ck_assert_uint_ge(s->vaddr & ~0xfffULL, prev_end);
		prev_end = (s->vaddr + s->memsz + 0xfff) & ~0xfffULL;
		if ((s->prot & ELF_PROT_EXEC) && im->entry >= s->vaddr &&
		    im->entry < s->vaddr + s->filesz)
			entry_ok = true;
	}
	ck_assert(entry_ok);
	ck_assert_uint_eq(im->end, prev_end);
	ck_assert_uint_le(im->end, ELF_USER_LIMIT);
}

START_TEST(test_random_mutations)
{
	struct elf_image im;
	unsigned accepted = 0;

	srand(12345);
	for (int iter = 0; iter < 100000; iter++) {
		int flips = 1 + rand() % 4;

		syn_make();
		for (int k = 0; k < flips; k++)
			syn[rand() % (64 + 4 * 56)] = (uint8_t)rand();
		if (syn_parse(&im) == 0) {
			accepted++;
			check_plan(&im, SYN_SIZE);
		} else {
			ck_assert_int_gt(im.reason, ELF_OK);
			ck_assert_int_lt(im.reason, ELF_ERR_COUNT);
		}
	}
	ck_assert_uint_gt(accepted, 0); /* padding and unchecked fields flip too */
}
END_TEST

/* ---- "#!" ---- */

static int sb(const char *s, size_t len, char *interp, char *arg)
{
	return elf_shebang(s, len, interp, ELF_SHEBANG_MAX, arg, ELF_SHEBANG_MAX);
}

#define SB_OK(text, want_interp, want_arg)                               \
	do {                                                             \
		char i_[ELF_SHEBANG_MAX], a_[ELF_SHEBANG_MAX];           \
		ck_assert_int_eq(sb(text, sizeof(text) - 1, i_, a_), 0); \
		ck_assert_str_eq(i_, want_interp);                       \
		ck_assert_str_eq(a_, want_arg);                          \
	} while (0)

#define SB_BAD(text)                                                            \
	do {                                                                    \
		char i_[ELF_SHEBANG_MAX], a_[ELF_SHEBANG_MAX];                  \
		ck_assert_int_eq(sb(text, sizeof(text) - 1, i_, a_), -ENOEXEC); \
	} while (0)

START_TEST(test_shebang)
{
	char interp[ELF_SHEBANG_MAX], arg[ELF_SHEBANG_MAX], line[400];

	SB_OK("#!/bin/sh\necho hi\n", "/bin/sh", "");
	SB_OK("#! /bin/sh -e \n", "/bin/sh", "-e");
	SB_OK("#!/usr/bin/env  python3 -u \t\nrest", "/usr/bin/env", "python3 -u");
	SB_OK("#!\t/bin/awk\t-f\n", "/bin/awk", "-f");
	SB_OK("#!/bin/sh -x\r\n", "/bin/sh", "-x\r"); /* CR is not a blank, as in Linux */
	SB_OK("#!/bin/sh", "/bin/sh", "");	      /* short file, no newline */
	SB_OK("#!/bin/sh\0 -x\n", "/bin/sh", "");     /* NUL ends the interpreter and the line */
	SB_BAD("#!\n");
	SB_BAD("#!   \t\n");
	SB_BAD("#!");
	SB_BAD("#");
	SB_BAD("");
	SB_BAD("\177ELF\2\1\1");
	SB_BAD(" #!/bin/sh\n");

	/* Over 256 bytes without a newline: the argument is cut at byte 255... */
	memset(line, 'x', sizeof(line));
	memcpy(line, "#!/bin/sh ", 10);
	ck_assert_int_eq(sb(line, sizeof(line), interp, arg), 0);
	ck_assert_str_eq(interp, "/bin/sh");
	ck_assert_uint_eq(strlen(arg), 255 - 10);
	/* ...but a possibly cut interpreter name is refused, as Linux 5.1+ does. */
	memcpy(line, "#!/bin/shh", 10);
	ck_assert_int_eq(sb(line, sizeof(line), interp, arg), -ENOEXEC);
	/* A blank-only 256-byte prefix. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "#!", 2);
	ck_assert_int_eq(sb(line, sizeof(line), interp, arg), -ENOEXEC);
	/* Results that do not fit the caller's buffers. */
	ck_assert_int_eq(elf_shebang("#!/bin/sh -e\n", 13, interp, 7, arg, 8), -ENOEXEC);
	ck_assert_int_eq(elf_shebang("#!/bin/sh -e\n", 13, interp, 8, arg, 2), -ENOEXEC);
	ck_assert_int_eq(elf_shebang("#!/bin/sh -e\n", 13, interp, 8, arg, 3), 0);
	ck_assert_int_eq(elf_shebang("#!/bin/sh\n", 10, interp, 8, arg, 0), -ENOEXEC);
}
END_TEST

/* Random lines never crash and any result fits and is NUL-terminated. */
START_TEST(test_shebang_random)
{
	char buf[300], interp[ELF_SHEBANG_MAX], arg[ELF_SHEBANG_MAX];
	static const char alphabet[] = "#! \t\n\0/abc";

	srand(777);
	for (int iter = 0; iter < 50000; iter++) {
		size_t len = (size_t)(rand() % (int)sizeof(buf));
		char *copy;

		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		if (len >= 2 && (iter & 1)) {
			buf[0] = '#';
			buf[1] = '!';
		}
		copy = malloc(len ? len : 1);
		memcpy(copy, buf, len);
		if (elf_shebang(copy, len, interp, sizeof(interp), arg, sizeof(arg)) == 0) {
			ck_assert_uint_gt(strlen(interp), 0);
			ck_assert_ptr_null(strchr(interp, ' '));
			ck_assert_ptr_null(strchr(interp, '\n'));
			ck_assert_ptr_null(strchr(arg, '\n'));
		}
		free(copy);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *real = tcase_create("real binaries");
	TCase *syn_tc = tcase_create("synthetic");
	TCase *shebang = tcase_create("shebang");
	SRunner *sr;
	int failed;

	if (build_fixtures() < 0) {
		fprintf(stderr, "test_elf: FAILED to build the musl fixtures\n");
		return EXIT_FAILURE;
	}
	tcase_add_test(real, test_musl_static);
	tcase_add_test(real, test_musl_static_pie);
	tcase_add_test(real, test_busybox);
	tcase_add_test(real, test_dynamic_refused);
	tcase_add_test(syn_tc, test_synthetic_ok);
	tcase_add_test(syn_tc, test_synthetic_pie);
	tcase_add_loop_test(syn_tc, test_corruptions, 0, (int)ARRAY_SIZE(corruptions));
	tcase_add_test(syn_tc, test_truncated);
	tcase_add_test(syn_tc, test_random_mutations);
	tcase_set_timeout(syn_tc, 60);
	tcase_add_test(shebang, test_shebang);
	tcase_add_test(shebang, test_shebang_random);
	tcase_set_timeout(shebang, 60);
	suite_add_tcase(s, real);
	suite_add_tcase(s, syn_tc);
	suite_add_tcase(s, shebang);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
