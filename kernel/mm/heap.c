/*
 * The kernel heap (kernel/mm/heap.h). Small objects come from size classes
 * carved out of 4 KiB slab pages, large ones from whole-page runs; pages come
 * from heap_pages_alloc (ksvc.h). The design follows the slab allocator
 * (Bonwick, "The Slab Allocator", USENIX 1994) in its simplest form.
 *
 * Layout. Every page the heap holds starts with a header whose magic tells
 * what it is, and no object starts at page offset 0, so kfree rounds a
 * pointer down to its page to find the header:
 *
 *   slab page:  [struct slab, 64 bytes][slot][slot]...
 *   slot:       [struct obj_hdr, 16 bytes][object ... tail red zone]
 *   large run:  [struct large_hdr, 16][struct obj_hdr, 16][object ... tail]
 *
 * struct obj_hdr holds the size the caller asked for (ksize, bytes_in_use),
 * a state word (OBJ_ALLOC/OBJ_FREE) that catches double frees, and the front
 * red zone. A free slot links to the next free slot through the header, so
 * writes into freed memory never corrupt the free list. With HEAP_DEBUG each
 * object has at least TAIL_MIN bytes of tail red zone, and everything from
 * the requested size to the end of the slot (or run) holds RZ_BYTE; kfree
 * checks it. Freed slots are poisoned with POISON_FREE and checked again
 * when reused; new objects are filled with POISON_NEW.
 *
 * When a check fails the heap calls heap_report and touches nothing else:
 * the object is leaked rather than risk spreading the damage.
 *
 * Statistics: allocs counts successful kmalloc/kzalloc/krealloc calls and
 * frees counts objects released, so allocs - frees is always the number of
 * live objects; a krealloc that resizes in place counts as one of each.
 *
 * Locking: one IRQ-saving spinlock, heap_lock, guards every list, every slab
 * header, the statistics, and the headers of live objects. The page source is
 * always called with heap_lock dropped, so it may take locks of its own.
 */
#include <ksvc.h>
#include "kernel/mm/heap.h"

#define HEAP_PAGE   4096UL
#define SLAB_MAGIC  0x534c4142u /* "SLAB" */
#define LARGE_MAGIC 0x4c524745u /* "LRGE" */
#define OBJ_ALLOC   0xa110ca7eu
#define OBJ_FREE    0xf7eef7eeu
#define RZ_BYTE	    0xcc
#define RZ_WORD	    0xccccccccu
#define POISON_FREE 0x6b
#define POISON_NEW  0xa5

#define SLAB_HDR   64 /* sizeof(struct slab), rounded up to keep slots aligned */
#define OBJ_HDR	   16
#define LARGE_HDR  16
#define TAIL_MIN   (HEAP_DEBUG ? 16 : 0)
#define EMPTY_KEEP 1 /* empty slabs kept per class; more go back at once */

/* Requests above this can never be met; refusing them early keeps the page
 * arithmetic from overflowing. */
#define HEAP_SIZE_MAX (SIZE_MAX - 4 * HEAP_PAGE)

struct obj_hdr {
	union {
		uint64_t size;	      /* allocated: bytes the caller asked for */
		struct obj_hdr *next; /* free slab slot: next free slot, or NULL */
	};
	uint32_t state;	  /* OBJ_ALLOC or OBJ_FREE */
	uint32_t redzone; /* RZ_WORD: the front red zone */
};
_Static_assert(sizeof(struct obj_hdr) == OBJ_HDR, "object header size");

enum slab_where {
	SLAB_PARTIAL, /* some slots free */
	SLAB_FULL,    /* no slot free (or its free list was lost to corruption) */
	SLAB_EMPTY,   /* every slot free */
	SLAB_NLISTS,
};

struct slab {
	uint32_t magic; /* SLAB_MAGIC */
	uint8_t cls;	/* index into classes[] */
	uint8_t where;	/* enum slab_where: the list holding this slab */
	uint16_t total; /* slots in the page */
	uint16_t nfree; /* slots on `free` */
	struct obj_hdr *free;
	struct slab *next, *prev;
};
_Static_assert(sizeof(struct slab) <= SLAB_HDR, "slab header size");

struct large_hdr {
	uint32_t magic; /* LARGE_MAGIC */
	uint32_t unused;
	uint64_t npages;
};
_Static_assert(sizeof(struct large_hdr) == LARGE_HDR, "large header size");

struct slab_list {
	struct slab *head;
	size_t count;
};

struct size_class {
	uint32_t slot; /* bytes per slot, header included; a multiple of 16 */
	struct slab_list lists[SLAB_NLISTS];
};

/* Slot sizes chosen so most divide the 4032 bytes after the slab header. */
static struct size_class classes[] = {
	{.slot = 32},  {.slot = 48},  {.slot = 64},   {.slot = 80},   {.slot = 96},
	{.slot = 144}, {.slot = 192}, {.slot = 288},  {.slot = 336},  {.slot = 448},
	{.slot = 576}, {.slot = 672}, {.slot = 1008}, {.slot = 1344}, {.slot = 2016},
};
#define NCLASSES ((int)ARRAY_SIZE(classes))

static struct spinlock heap_lock = SPINLOCK_INIT("heap");
static struct heap_stats stats; /* guarded by heap_lock */

/* ---- slab lists (heap_lock held) ---------------------------------------- */

static void list_add(struct slab_list *l, struct slab *s)
{
	s->prev = NULL;
	s->next = l->head;
	if (l->head)
		l->head->prev = s;
	l->head = s;
	l->count++;
}

static void list_del(struct slab_list *l, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
	l->count--;
}

static void slab_move(struct slab *s, enum slab_where to)
{
	struct size_class *c = &classes[s->cls];

	if (s->where == to)
		return;
	list_del(&c->lists[s->where], s);
	list_add(&c->lists[to], s);
	s->where = (uint8_t)to;
}

/* ---- checks ------------------------------------------------------------- */

/* True if h is the header of one of s's slots. */
static bool slab_slot_ok(const struct slab *s, const void *h)
{
	uintptr_t off = (uintptr_t)h - (uintptr_t)s;
	uint32_t slot = classes[s->cls].slot;

	if (((uintptr_t)h & ~(HEAP_PAGE - 1)) != (uintptr_t)s || off < SLAB_HDR)
		return false;
	off -= SLAB_HDR;
	return off % slot == 0 && off / slot < s->total;
}

/* Eight bytes a compare: the poison checks cover every byte of every
 * slot freed and reused, so a byte loop made big objects expensive. */
static bool bytes_are(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	const uint64_t w = (unsigned char)c * 0x0101010101010101ULL;

	for (; n >= 8; b += 8, n -= 8) {
		uint64_t v;

		__builtin_memcpy(&v, b, 8);
		if (v != w)
			return false;
	}
	for (; n; n--, b++) {
		if (*b != (unsigned char)c)
			return false;
	}
	return true;
}

/* Bytes from the object's start to the end of its slot or run. */
static size_t obj_room(const struct slab *s, const struct large_hdr *l)
{
	if (s)
		return classes[s->cls].slot - OBJ_HDR;
	return l->npages * HEAP_PAGE - LARGE_HDR - OBJ_HDR;
}

/*
 * Find the live object p. On success returns NULL and sets *sp (slab) or *lp
 * (large run) and *hp. Otherwise returns what is wrong, for heap_report;
 * `freed` names the problem when p is an object that was already freed.
 */
static const char *obj_locate(const void *p, const char *freed, struct slab **sp,
			      struct large_hdr **lp, struct obj_hdr **hp)
{
	uintptr_t a = (uintptr_t)p, page = a & ~(HEAP_PAGE - 1);
	struct slab *s = NULL;
	struct large_hdr *l = NULL;
	struct obj_hdr *h = (struct obj_hdr *)(a - OBJ_HDR);
	size_t room;

	/* The lowest object in any page sits at offset LARGE_HDR + OBJ_HDR. */
	if (!IS_ALIGNED(a, HEAP_ALIGN) || a - page < LARGE_HDR + OBJ_HDR)
		return "bad pointer";
	if (*(const uint32_t *)page == SLAB_MAGIC) {
		s = (struct slab *)page;
		if (s->cls >= NCLASSES || !slab_slot_ok(s, h))
			return "bad pointer";
	} else if (*(const uint32_t *)page == LARGE_MAGIC) {
		l = (struct large_hdr *)page;
		if (a != page + LARGE_HDR + OBJ_HDR || l->npages == 0)
			return "bad pointer";
	} else {
		return "bad pointer";
	}
	if (h->state == OBJ_FREE)
		return freed;
	if (h->state != OBJ_ALLOC)
		return "corrupt object header";
	room = obj_room(s, l);
	if (h->size > room - TAIL_MIN)
		return "corrupt object header";
	if (HEAP_DEBUG) {
		if (h->redzone != RZ_WORD)
			return "underrun";
		if (!bytes_are((const char *)p + h->size, RZ_BYTE, room - h->size))
			return "overrun";
	}
	*sp = s;
	*lp = l;
	*hp = h;
	return NULL;
}

/* ---- small objects (heap_lock held) ------------------------------------- */

static int class_for(size_t size)
{
	int i;

	for (i = 0; i < NCLASSES; i++) {
		if (size <= classes[i].slot - OBJ_HDR - TAIL_MIN)
			return i;
	}
	return -1;
}

/* Turn a fresh page into an empty slab of class ci. */
static void slab_init(void *page, int ci)
{
	struct size_class *c = &classes[ci];
	struct slab *s = page;
	int i;

	s->magic = SLAB_MAGIC;
	s->cls = (uint8_t)ci;
	s->total = (uint16_t)((HEAP_PAGE - SLAB_HDR) / c->slot);
	s->nfree = s->total;
	s->free = NULL;
	for (i = s->total - 1; i >= 0; i--) {
		struct obj_hdr *h =
			(struct obj_hdr *)((char *)page + SLAB_HDR + (size_t)i * c->slot);

		h->next = s->free;
		h->state = OBJ_FREE;
		h->redzone = RZ_WORD;
		if (HEAP_DEBUG)
			memset(h + 1, POISON_FREE, c->slot - OBJ_HDR);
		s->free = h;
	}
	s->where = SLAB_EMPTY;
	list_add(&c->lists[SLAB_EMPTY], s);
	stats.pages_in_use++;
}

/*
 * Take a free slot from s. Returns NULL, and sets *what, if the free list is
 * damaged: the slab then gives up its remaining free slots for good.
 */
static struct obj_hdr *slab_take(struct slab *s, const char **what, const void **where)
{
	struct obj_hdr *h = s->free;

	if (!h || !slab_slot_ok(s, h) || h->state != OBJ_FREE ||
	    (h->next && !slab_slot_ok(s, h->next))) {
		*what = "free list corrupted";
		*where = h;
		s->free = NULL;
		s->nfree = 0;
		slab_move(s, SLAB_FULL);
		return NULL;
	}
	s->free = h->next;
	s->nfree--;
	slab_move(s, s->nfree ? SLAB_PARTIAL : SLAB_FULL);
	if (HEAP_DEBUG && !bytes_are(h + 1, POISON_FREE, classes[s->cls].slot - OBJ_HDR) &&
	    !*what) {
		/* The metadata is intact; the damage is reported and the slot
		 * handed out all the same. */
		*what = "write after free";
		*where = h + 1;
	}
	return h;
}

/* ---- allocation ---------------------------------------------------------- */

/* Give a new object its header and initial contents. */
static void *obj_setup(struct obj_hdr *h, size_t size, size_t room, bool zero)
{
	char *p = (char *)(h + 1);

	h->size = size;
	h->state = OBJ_ALLOC;
	h->redzone = RZ_WORD;
	if (zero)
		memset(p, 0, size);
	else if (HEAP_DEBUG)
		memset(p, POISON_NEW, size);
	if (HEAP_DEBUG)
		memset(p + size, RZ_BYTE, room - size);
	stats.allocs++;
	stats.bytes_in_use += size;
	return p;
}

static void *alloc_small(int ci, size_t size, bool zero)
{
	struct size_class *c = &classes[ci];
	const char *what = NULL;
	const void *where = NULL;
	unsigned long flags;
	struct obj_hdr *h = NULL;
	void *p = NULL, *page;

	flags = spin_lock_irqsave(&heap_lock);
	while (!h) {
		struct slab *s = c->lists[SLAB_PARTIAL].head;

		if (!s)
			s = c->lists[SLAB_EMPTY].head;
		if (!s) {
			spin_unlock_irqrestore(&heap_lock, flags);
			page = heap_pages_alloc(1);
			flags = spin_lock_irqsave(&heap_lock);
			if (!page)
				goto out;
			slab_init(page, ci);
			continue;
		}
		h = slab_take(s, &what, &where);
	}
	p = obj_setup(h, size, c->slot - OBJ_HDR, zero);
out:
	if (what)
		stats.reports++;
	spin_unlock_irqrestore(&heap_lock, flags);
	if (what)
		heap_report(what, where);
	return p;
}

static size_t large_pages(size_t size)
{
	return (LARGE_HDR + OBJ_HDR + size + TAIL_MIN + HEAP_PAGE - 1) / HEAP_PAGE;
}

static void *alloc_large(size_t size, bool zero)
{
	size_t npages = large_pages(size);
	struct large_hdr *l = heap_pages_alloc(npages);
	unsigned long flags;
	void *p;

	if (!l)
		return NULL;
	flags = spin_lock_irqsave(&heap_lock);
	l->magic = LARGE_MAGIC;
	l->unused = 0;
	l->npages = npages;
	stats.pages_in_use += npages;
	p = obj_setup((struct obj_hdr *)(l + 1), size, obj_room(NULL, l), zero);
	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

static void *heap_alloc(size_t size, bool zero)
{
	int ci;

	if (size > HEAP_SIZE_MAX)
		return NULL;
	ci = class_for(size);
	return ci >= 0 ? alloc_small(ci, size, zero) : alloc_large(size, zero);
}

void *kmalloc(size_t size)
{
	return heap_alloc(size, false);
}

void *kzalloc(size_t size)
{
	return heap_alloc(size, true);
}

/* ---- freeing ------------------------------------------------------------- */

/* Release a located object; returns a page run to give back once the lock
 * is dropped, or NULL. */
static void *obj_release(struct slab *s, struct large_hdr *l, struct obj_hdr *h, size_t *npages)
{
	struct size_class *c;

	stats.frees++;
	stats.bytes_in_use -= h->size;
	h->state = OBJ_FREE;
	if (l) {
		*npages = l->npages;
		stats.pages_in_use -= l->npages;
		l->magic = 0;
		return l;
	}
	c = &classes[s->cls];
	if (HEAP_DEBUG)
		memset(h + 1, POISON_FREE, c->slot - OBJ_HDR);
	h->next = s->free;
	s->free = h;
	s->nfree++;
	if (s->nfree < s->total) {
		slab_move(s, SLAB_PARTIAL);
		return NULL;
	}
	if (c->lists[SLAB_EMPTY].count < EMPTY_KEEP) {
		slab_move(s, SLAB_EMPTY);
		return NULL;
	}
	list_del(&c->lists[s->where], s);
	s->magic = 0;
	stats.pages_in_use--;
	*npages = 1;
	return s;
}

void kfree(void *p)
{
	struct slab *s;
	struct large_hdr *l;
	struct obj_hdr *h;
	const char *what;
	void *run = NULL;
	size_t npages = 0;
	unsigned long flags;

	if (!p)
		return;
	flags = spin_lock_irqsave(&heap_lock);
	what = obj_locate(p, "double free", &s, &l, &h);
	if (what)
		stats.reports++;
	else
		run = obj_release(s, l, h, &npages);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (what)
		heap_report(what, p);
	if (run)
		heap_pages_free(run, npages);
}

void *krealloc(void *p, size_t size)
{
	struct slab *s;
	struct large_hdr *l;
	struct obj_hdr *h;
	const char *what;
	unsigned long flags;
	size_t old;
	void *q;

	if (!p)
		return kmalloc(size);
	if (size == 0) {
		kfree(p);
		return NULL;
	}
	if (size > HEAP_SIZE_MAX)
		return NULL;

	flags = spin_lock_irqsave(&heap_lock);
	what = obj_locate(p, "krealloc of freed object", &s, &l, &h);
	if (what) {
		stats.reports++;
		spin_unlock_irqrestore(&heap_lock, flags);
		heap_report(what, p);
		return NULL;
	}
	old = h->size;
	if (s ? class_for(size) == s->cls : large_pages(size) == l->npages) {
		/* Same slot or run: resize in place. */
		size_t room = obj_room(s, l);

		if (HEAP_DEBUG && size > old)
			memset((char *)p + old, POISON_NEW, size - old);
		if (HEAP_DEBUG)
			memset((char *)p + size, RZ_BYTE, room - size);
		h->size = size;
		stats.bytes_in_use = stats.bytes_in_use - old + size;
		stats.allocs++;
		stats.frees++;
		spin_unlock_irqrestore(&heap_lock, flags);
		return p;
	}
	spin_unlock_irqrestore(&heap_lock, flags);

	q = kmalloc(size);
	if (!q)
		return NULL; /* p is untouched */
	memcpy(q, p, MIN(old, size));
	kfree(p);
	return q;
}

size_t ksize(const void *p)
{
	struct slab *s;
	struct large_hdr *l;
	struct obj_hdr *h;
	const char *what;
	unsigned long flags;
	size_t size = 0;

	if (!p)
		return 0;
	flags = spin_lock_irqsave(&heap_lock);
	what = obj_locate(p, "ksize of freed object", &s, &l, &h);
	if (what)
		stats.reports++;
	else
		size = h->size;
	spin_unlock_irqrestore(&heap_lock, flags);
	if (what)
		heap_report(what, p);
	return size;
}

void heap_get_stats(struct heap_stats *out)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	*out = stats;
	spin_unlock_irqrestore(&heap_lock, flags);
}

size_t heap_trim(void)
{
	struct slab *release = NULL, *s;
	unsigned long flags;
	size_t n = 0;
	int ci;

	flags = spin_lock_irqsave(&heap_lock);
	for (ci = 0; ci < NCLASSES; ci++) {
		struct slab_list *empty = &classes[ci].lists[SLAB_EMPTY];

		while ((s = empty->head)) {
			list_del(empty, s);
			s->magic = 0;
			s->next = release; /* the page is ours now */
			release = s;
			stats.pages_in_use--;
			n++;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);

	while ((s = release)) {
		release = s->next;
		heap_pages_free(s, 1);
	}
	return n;
}
