/*
 * Paging self-tests: map, write and read back through both mappings;
 * protect read-only and see writes fault with the right error code; unmap
 * and see reads fault; NX pages refuse instruction fetch; the kernel image
 * is W^X; NULL is unmapped. Faults are caught with arch_try_call.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/mm/mem.h"
#include "kernel/selftest/selftest.h"

#define TEST_VA (IOREMAP_BASE + GiB(256)) /* far from anything ioremap hands out */
#define PF_P	0x1
#define PF_W	0x2
#define PF_ID	0x10
#define VEC_PF	14
#define X86_RET 0xc3

static void write_u64(void *p)
{
	*(volatile uint64_t *)p = 0x1234;
}

static void read_u64(void *p)
{
	(void)*(volatile uint64_t *)p;
}

static void call_code(void *p)
{
	((void (*)(void))p)();
}

/* Map a fresh zeroed frame at TEST_VA with `flags`; returns its address. */
static int map_test_page(unsigned flags, uint64_t *pa)
{
	int err = page_alloc(pa);

	if (err)
		return err;
	memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	err = arch_map_page(TEST_VA, *pa, flags);
	if (err)
		page_free(*pa);
	return err;
}

static void unmap_test_page(uint64_t pa)
{
	arch_unmap_page(TEST_VA);
	page_free(pa);
}

SELFTEST(paging, map_write_read_unmap)
{
	struct arch_fault f;
	uint64_t pa, qpa;
	unsigned qflags;
	int r;

	ST_CHECK(map_test_page(VM_WRITE, &pa) == 0, "map failed");
	ST_CHECK(arch_map_page(TEST_VA, pa, VM_WRITE) == -EEXIST, "double map not refused");
	*(volatile uint64_t *)TEST_VA = 0xfeedface;
	ST_CHECK(*(volatile uint64_t *)phys_to_virt(pa) == 0xfeedface,
		 "write not visible through the direct map");
	ST_CHECK(arch_query_page(TEST_VA + 8, &qpa, &qflags) == 0, "query failed");
	ST_CHECK(qpa == pa + 8 && (qflags & VM_WRITE) && !(qflags & VM_EXEC),
		 "query gave 0x%llx flags %x", (unsigned long long)qpa, qflags);
	unmap_test_page(pa);
	r = arch_try_call(read_u64, (void *)TEST_VA, &f);
	ST_CHECK(r == -EFAULT, "read after unmap did not fault");
	ST_CHECK(f.vector == VEC_PF && !(f.error & PF_P) && f.addr == TEST_VA,
		 "fault vector %u error 0x%llx addr 0x%llx", f.vector, (unsigned long long)f.error,
		 (unsigned long long)f.addr);
	ST_CHECK(arch_unmap_page(TEST_VA) == -ENOENT, "second unmap not refused");
	return 0;
}

SELFTEST(paging, protect_read_only)
{
	struct arch_fault f;
	uint64_t pa;
	int r;

	ST_CHECK(map_test_page(VM_WRITE, &pa) == 0, "map failed");
	ST_CHECK(arch_protect_page(TEST_VA, 0) == 0, "protect failed");
	r = arch_try_call(write_u64, (void *)TEST_VA, &f);
	ST_CHECK(arch_try_call(read_u64, (void *)TEST_VA, NULL) == 0, "read of RO page faulted");
	unmap_test_page(pa);
	ST_CHECK(r == -EFAULT, "write to a read-only page did not fault");
	ST_CHECK(f.vector == VEC_PF && (f.error & (PF_P | PF_W)) == (PF_P | PF_W),
		 "fault vector %u error 0x%llx", f.vector, (unsigned long long)f.error);
	ST_CHECK(f.addr == TEST_VA, "CR2 0x%llx", (unsigned long long)f.addr);
	return 0;
}

SELFTEST(paging, nx_blocks_execution)
{
	struct arch_fault f;
	uint64_t pa;
	int r_exec, r_nx;

	ST_CHECK(map_test_page(VM_WRITE | VM_EXEC, &pa) == 0, "map failed");
	*(volatile uint8_t *)phys_to_virt(pa) = X86_RET;
	r_exec = arch_try_call(call_code, (void *)TEST_VA, NULL);
	arch_protect_page(TEST_VA, VM_WRITE);
	r_nx = arch_try_call(call_code, (void *)TEST_VA, &f);
	unmap_test_page(pa);
	ST_CHECK(r_exec == 0, "executable page faulted");
	ST_CHECK(r_nx == -EFAULT, "NX page executed");
	ST_CHECK(f.vector == VEC_PF && (f.error & PF_ID) && f.ip == TEST_VA,
		 "fault vector %u error 0x%llx ip 0x%llx", f.vector, (unsigned long long)f.error,
		 (unsigned long long)f.ip);
	return 0;
}

static const uint64_t some_rodata = 42;
static uint64_t rng_for_data = 1;

SELFTEST(paging, kernel_image_w_xor_x)
{
	struct arch_fault f;
	unsigned flags;

	ST_CHECK(arch_try_call(write_u64, (void *)(uintptr_t)&write_u64, &f) == -EFAULT,
		 "kernel text is writable");
	ST_CHECK(arch_try_call(write_u64, (void *)&some_rodata, &f) == -EFAULT,
		 "kernel rodata is writable");
	ST_CHECK(arch_query_page((uintptr_t)&some_rodata, NULL, &flags) == 0 && !(flags & VM_EXEC),
		 "rodata is executable");
	ST_CHECK(arch_query_page((uintptr_t)&rng_for_data, NULL, &flags) == 0 &&
			 (flags & VM_WRITE) && !(flags & VM_EXEC),
		 "data is not RW+NX");
	return 0;
}

SELFTEST(paging, null_is_unmapped)
{
	struct arch_fault f;

	ST_CHECK(arch_try_call(read_u64, NULL, &f) == -EFAULT, "NULL is readable");
	ST_CHECK(f.vector == VEC_PF && f.addr == 0, "fault vector %u addr 0x%llx", f.vector,
		 (unsigned long long)f.addr);
	return 0;
}
