/*
 * Virtual memory areas: a sorted singly linked list per address space (see
 * vm.h). Lists are short (a static program has a handful of areas; musl's
 * malloc adds a few), so every operation is a linear walk, which keeps the
 * code small enough to check against a page-array model in the fuzzer.
 *
 * Splits need new nodes, so each operation allocates the nodes it may need
 * before it changes anything: a failed allocation leaves the map as it was.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"
#include "kernel/mm/vm.h"

static bool page_aligned(uint64_t v)
{
	return (v & (VM_PAGE - 1)) == 0;
}

static bool valid_range(uint64_t start, uint64_t end)
{
	return page_aligned(start) && page_aligned(end) && start < end;
}

static void file_get(struct vm_map *m, void *file)
{
	if (file && m->fops && m->fops->get)
		m->fops->get(file);
}

static void file_put(struct vm_map *m, void *file)
{
	if (file && m->fops && m->fops->put)
		m->fops->put(file);
}

void vm_map_init(struct vm_map *m, const struct vm_file_ops *fops)
{
	m->head = NULL;
	m->count = 0;
	m->fops = fops;
}

static void free_area(struct vm_map *m, struct vm_area *a)
{
	file_put(m, a->file);
	kfree(a);
	m->count--;
}

void vm_map_destroy(struct vm_map *m)
{
	while (m->head) {
		struct vm_area *a = m->head;
		m->head = a->next;
		free_area(m, a);
	}
}

int vm_map_clone(struct vm_map *dst, const struct vm_map *src)
{
	struct vm_area **tail = &dst->head;

	for (const struct vm_area *a = src->head; a; a = a->next) {
		struct vm_area *n = kmalloc(sizeof(*n));
		if (!n) {
			vm_map_destroy(dst);
			return -ENOMEM;
		}
		*n = *a;
		n->next = NULL;
		file_get(dst, n->file);
		*tail = n;
		tail = &n->next;
		dst->count++;
	}
	return 0;
}

struct vm_area *vm_find(const struct vm_map *m, uint64_t addr)
{
	struct vm_area *a = vm_find_next(m, addr);

	return a && a->start <= addr ? a : NULL;
}

struct vm_area *vm_find_next(const struct vm_map *m, uint64_t addr)
{
	for (struct vm_area *a = m->head; a; a = a->next)
		if (a->end > addr)
			return a;
	return NULL;
}

struct vm_area *vm_find_prev(const struct vm_map *m, uint64_t addr)
{
	struct vm_area *prev = NULL;

	for (struct vm_area *a = m->head; a && a->start < addr; a = a->next)
		prev = a;
	return prev;
}

bool vm_range_free(const struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_area *a = vm_find_next(m, start);

	return !a || a->start >= end;
}

bool vm_range_covered(const struct vm_map *m, uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (struct vm_area *a = vm_find_next(m, start); a && at < end; a = a->next) {
		if (a->start > at)
			return false;
		at = a->end;
	}
	return at >= end;
}

/* Can b be folded into a (a directly below b)? */
static bool compatible(const struct vm_area *a, const struct vm_area *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->file != b->file || a->file_end != b->file_end)
		return false;
	return !a->file || b->off == a->off + (a->end - a->start);
}

static void merge_all(struct vm_map *m)
{
	struct vm_area *a = m->head;

	while (a && a->next) {
		struct vm_area *n = a->next;
		if (compatible(a, n)) {
			a->end = n->end;
			a->next = n->next;
			free_area(m, n);
		} else {
			a = n;
		}
	}
}

int vm_insert(struct vm_map *m, const struct vm_area *tmpl)
{
	struct vm_area **pp = &m->head, *n;

	if (!valid_range(tmpl->start, tmpl->end) || (tmpl->prot & ~VM_PROT_MASK))
		return -EINVAL;
	if (!vm_range_free(m, tmpl->start, tmpl->end))
		return -EEXIST;
	if (m->count >= VM_MAX_AREAS)
		return -ENOMEM;
	n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *tmpl;
	if (!n->file)
		n->off = 0;
	file_get(m, n->file);
	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
	m->count++;
	merge_all(m);
	return 0;
}

/* Cut a at addr (strictly inside it) using the spare node n. */
static void split_at(struct vm_map *m, struct vm_area *a, uint64_t addr, struct vm_area *n)
{
	*n = *a;
	n->start = addr;
	if (n->file)
		n->off = a->off + (addr - a->start);
	a->end = addr;
	a->next = n;
	file_get(m, n->file);
	m->count++;
}

/* Split the areas straddling start and end so that [start, end) is made of
 * whole areas. Allocates first; 0 or -ENOMEM with nothing changed. */
static int split_edges(struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_area *at_start = vm_find(m, start), *at_end = vm_find(m, end), *spare[2] = {0};
	int need = 0;

	if (at_start && at_start->start == start)
		at_start = NULL;
	if (at_end && at_end->start == end)
		at_end = NULL;
	need = (at_start != NULL) + (at_end != NULL);
	if (m->count + (size_t)need > VM_MAX_AREAS)
		return -ENOMEM;
	for (int i = 0; i < need; i++) {
		spare[i] = kmalloc(sizeof(*spare[i]));
		if (!spare[i]) {
			kfree(spare[0]);
			return -ENOMEM;
		}
	}
	need = 0;
	if (at_start)
		split_at(m, at_start, start, spare[need++]);
	/* After the first split, `end` may now lie in the new upper piece. */
	at_end = vm_find(m, end);
	if (at_end && at_end->start != end)
		split_at(m, at_end, end, spare[need++]);
	return 0;
}

int vm_unmap(struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_area **pp = &m->head;
	int err;

	if (!valid_range(start, end))
		return -EINVAL;
	err = split_edges(m, start, end);
	if (err)
		return err;
	while (*pp && (*pp)->start < end) {
		struct vm_area *a = *pp;
		if (a->start >= start) {
			*pp = a->next;
			free_area(m, a);
		} else {
			pp = &a->next;
		}
	}
	return 0;
}

int vm_protect(struct vm_map *m, uint64_t start, uint64_t end, unsigned prot)
{
	int err;

	if (!valid_range(start, end) || (prot & ~VM_PROT_MASK))
		return -EINVAL;
	if (!vm_range_covered(m, start, end))
		return -ENOMEM;
	err = split_edges(m, start, end);
	if (err)
		return err;
	for (struct vm_area *a = vm_find(m, start); a && a->start < end; a = a->next)
		a->prot = prot;
	merge_all(m);
	return 0;
}

int vm_grow_down(struct vm_map *m, struct vm_area *a, uint64_t new_start)
{
	struct vm_area *prev = vm_find_prev(m, a->start);

	if (!(a->flags & VMA_GROWSDOWN) || !page_aligned(new_start) || new_start >= a->start)
		return -EINVAL;
	if (prev && prev->end > new_start)
		return -EEXIST;
	if (a->file)
		return -EINVAL; /* only anonymous stacks grow */
	a->start = new_start;
	merge_all(m);
	return 0;
}

int vm_find_gap(const struct vm_map *m, uint64_t len, uint64_t lo, uint64_t hi, uint64_t gap,
		uint64_t *out)
{
	uint64_t bottom = lo, best = 0;
	bool found = false;
	const struct vm_area *a = m->head;

	if (len == 0 || !page_aligned(len) || lo >= hi || len > hi - lo)
		return -ENOMEM;
	/* Free intervals in ascending order; the last fitting one is highest. */
	for (;;) {
		uint64_t top = a ? a->start : hi;
		if (a && (a->flags & VMA_GROWSDOWN))
			top = top > gap ? top - gap : 0;
		if (top > hi)
			top = hi;
		if (bottom < lo)
			bottom = lo;
		if (top > bottom && top - bottom >= len) {
			uint64_t cand = (top - len) & ~(VM_PAGE - 1);
			if (cand >= bottom) {
				best = cand;
				found = true;
			}
		}
		if (!a || a->start >= hi)
			break;
		bottom = a->end;
		a = a->next;
	}
	if (!found)
		return -ENOMEM;
	*out = best;
	return 0;
}
