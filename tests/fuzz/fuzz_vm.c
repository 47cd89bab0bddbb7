/*
 * libFuzzer target for kernel/mm/vm.c: random sequences of insert, unmap,
 * protect, find-gap, grow-down and clone over a 64-page window, checked
 * after every step against a page array that records what each page should
 * be (mapped or not, prot, flags, file and file offset). The list must stay
 * sorted, disjoint, page-aligned and fully merged, its count right, and
 * every file reference taken must be dropped again.
 *
 * Input: 6 bytes per operation: op, a, b, c, d, e (meaning depends on op).
 */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/mm/vm.h"

#define NPAGES 64
#define BASE   0x100000ull
#define NFILES 4

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

struct page_model {
	bool mapped;
	unsigned prot, flags;
	int file; /* 0: anon, 1..NFILES-1 */
	uint64_t off;
};

static struct page_model model[NPAGES];
static int refs[NFILES];
static char files[NFILES]; /* their addresses stand for struct file * */

static void fget(void *f)
{
	refs[(char *)f - files]++;
}

static void fput(void *f)
{
	CHECK(refs[(char *)f - files] > 0);
	refs[(char *)f - files]--;
}

static const struct vm_file_ops fops = {fget, fput};

static uint64_t addr_of(unsigned page)
{
	return BASE + page * VM_PAGE;
}

static void check_map(const struct vm_map *m)
{
	size_t n = 0;
	int seen[NFILES] = {0};
	uint64_t prev_end = 0;
	const struct vm_area *prev = NULL;

	for (const struct vm_area *a = m->head; a; prev = a, a = a->next) {
		n++;
		CHECK(a->start < a->end);
		CHECK(a->start % VM_PAGE == 0 && a->end % VM_PAGE == 0);
		CHECK(a->start >= prev_end);
		CHECK(a->start >= BASE && a->end <= addr_of(NPAGES));
		if (prev && prev->end == a->start) {
			bool same = prev->prot == a->prot && prev->flags == a->flags &&
				    prev->file == a->file && prev->file_end == a->file_end &&
				    (!a->file || a->off == prev->off + (prev->end - prev->start));
			CHECK(!same); /* would have been merged */
		}
		prev_end = a->end;
		if (a->file)
			seen[(char *)a->file - files]++;
	}
	CHECK(n == m->count);
	for (int i = 1; i < NFILES; i++)
		CHECK(seen[i] == refs[i]);
	for (unsigned p = 0; p < NPAGES; p++) {
		const struct vm_area *a = vm_find(m, addr_of(p) + 17);
		CHECK(!a == !model[p].mapped);
		if (!a)
			continue;
		CHECK(a->prot == model[p].prot);
		CHECK(a->flags == model[p].flags);
		CHECK(a->file == (model[p].file ? &files[model[p].file] : NULL));
		if (a->file)
			CHECK(a->off + (addr_of(p) - a->start) == model[p].off);
	}
}

static bool model_free(unsigned lo, unsigned hi)
{
	for (unsigned p = lo; p < hi; p++)
		if (model[p].mapped)
			return false;
	return true;
}

static void op_insert(struct vm_map *m, const uint8_t *b)
{
	unsigned lo = b[1] % NPAGES, n = 1 + b[2] % 8, hi = MIN(lo + n, NPAGES);
	int file = b[4] % NFILES;
	struct vm_area a = {
		.start = addr_of(lo),
		.end = addr_of(hi),
		.prot = b[3] & VM_PROT_MASK,
		.flags = (file ? 0 : VMA_ANON) | ((b[3] & 0x10) ? VMA_SHARED : 0) |
			 ((!file && (b[3] & 0x20)) ? VMA_GROWSDOWN : 0),
		.file = file ? &files[file] : NULL,
		.off = (uint64_t)(b[5] % 16) * VM_PAGE,
		.file_end = UINT64_MAX,
	};
	int err = vm_insert(m, &a);

	if (!model_free(lo, hi)) {
		CHECK(err == -EEXIST);
		return;
	}
	CHECK(err == 0);
	for (unsigned p = lo; p < hi; p++)
		model[p] = (struct page_model){true, a.prot, a.flags, file,
					       a.off + (p - lo) * VM_PAGE};
}

static void op_unmap(struct vm_map *m, const uint8_t *b)
{
	unsigned lo = b[1] % NPAGES, hi = MIN(lo + 1 + b[2] % 24, NPAGES);

	CHECK(vm_unmap(m, addr_of(lo), addr_of(hi)) == 0);
	for (unsigned p = lo; p < hi; p++)
		model[p].mapped = false;
}

static void op_protect(struct vm_map *m, const uint8_t *b)
{
	unsigned lo = b[1] % NPAGES, hi = MIN(lo + 1 + b[2] % 24, NPAGES);
	unsigned prot = b[3] & VM_PROT_MASK;
	bool covered = true;
	int err = vm_protect(m, addr_of(lo), addr_of(hi), prot);

	for (unsigned p = lo; p < hi; p++)
		covered = covered && model[p].mapped;
	CHECK(covered == vm_range_covered(m, addr_of(lo), addr_of(hi)));
	if (!covered) {
		CHECK(err == -ENOMEM);
		return;
	}
	CHECK(err == 0);
	for (unsigned p = lo; p < hi; p++)
		model[p].prot = prot;
}

static bool below_stack(unsigned p, unsigned gap)
{
	for (unsigned q = p + 1; q <= p + gap && q < NPAGES; q++)
		if (model[q].mapped)
			return model[q].flags & VMA_GROWSDOWN;
	return false;
}

static void op_gap(struct vm_map *m, const uint8_t *b)
{
	unsigned len = 1 + b[1] % 16, lo = b[2] % NPAGES, hi = MIN(lo + 1 + b[3] % NPAGES, NPAGES);
	unsigned gap = b[4] % 3, best = 0;
	bool found = false;
	uint64_t out;
	int err = vm_find_gap(m, len * VM_PAGE, addr_of(lo), addr_of(hi), gap * VM_PAGE, &out);

	/* Brute force: the highest s in [lo, hi - len] whose pages are free
	 * and whose end keeps `gap` pages clear of a stack above. */
	for (unsigned s = lo; s + len <= hi; s++) {
		if (!model_free(s, s + len))
			continue;
		if (gap && below_stack(s + len - 1, gap))
			continue;
		best = s;
		found = true;
	}
	if (!found) {
		CHECK(err == -ENOMEM);
		return;
	}
	CHECK(err == 0);
	CHECK(out == addr_of(best));
}

static void op_grow(struct vm_map *m, const uint8_t *b)
{
	unsigned p = b[1] % NPAGES, n = 1 + b[2] % 4;
	struct vm_area *a = vm_find(m, addr_of(p));
	unsigned start, ns;
	int err;

	if (!a || !(a->flags & VMA_GROWSDOWN))
		return;
	start = (unsigned)((a->start - BASE) / VM_PAGE);
	if (start < n)
		return;
	ns = start - n;
	err = vm_grow_down(m, a, addr_of(ns));
	if (!model_free(ns, start)) {
		CHECK(err == -EEXIST);
		return;
	}
	CHECK(err == 0);
	for (unsigned q = ns; q < start; q++)
		model[q] = model[start];
}

static void op_clone(struct vm_map *m)
{
	struct vm_map c;
	struct vm_area *x, *y;

	vm_map_init(&c, &fops);
	CHECK(vm_map_clone(&c, m) == 0);
	CHECK(c.count == m->count);
	for (x = m->head, y = c.head; x; x = x->next, y = y->next)
		CHECK(y && x->start == y->start && x->end == y->end && x->prot == y->prot);
	vm_map_destroy(&c);
	CHECK(c.count == 0 && !c.head);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_map m;

	memset(model, 0, sizeof(model));
	memset(refs, 0, sizeof(refs));
	vm_map_init(&m, &fops);
	for (size_t i = 0; i + 6 <= size; i += 6) {
		const uint8_t *b = data + i;
		switch (b[0] % 7) {
		case 0:
		case 1:
			op_insert(&m, b);
			break;
		case 2:
			op_unmap(&m, b);
			break;
		case 3:
			op_protect(&m, b);
			break;
		case 4:
			op_gap(&m, b);
			break;
		case 5:
			op_grow(&m, b);
			break;
		default:
			op_clone(&m);
			break;
		}
		check_map(&m);
	}
	vm_map_destroy(&m);
	for (int i = 0; i < NFILES; i++)
		CHECK(refs[i] == 0);
	return 0;
}
