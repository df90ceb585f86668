// SPDX-License-Identifier: GPL-2.0
/*
 * Native lookup benchmark: our P2M tree (arch/x86/xen/p2m.c, compiled
 * unchanged into this file) against a model of upstream 6.1's linear P2M
 * list, on this machine's CPU.
 *
 * Guest layout for S bytes of pseudo-physical space (S = 4 GiB, 64 GiB,
 * 1 TiB): RAM in [0, S/4) except the ISA hole [0x9f, 0x100) and the PCI
 * hole [3 GiB, 4 GiB), which are identity; [S/4, S) is balloon room
 * (missing). Both structures hold the same entries.
 *
 * ours:   the shape of the kernel's inline __pfn_to_mfn() (patch 0002):
 *         bound check, top, mid and leaf loads with p2m.c's own index
 *         helpers; an entry of ~0 goes to get_phys_to_machine(), which is
 *         p2m.c's p2m_tree_lookup() on the tree (out of line, as in the
 *         kernel). Tree pages come from a pool of 2 MiB pages, as the
 *         kernel's direct map holds them.
 * linear: upstream's inline __pfn_to_mfn(): one load from a virtually
 *         contiguous array (4 KiB pages, as upstream's vmalloc-area list);
 *         the holes are never written, so they read the kernel's shared
 *         zero page as upstream's read its shared p2m_missing and
 *         p2m_identity pages; the model's "no entry" is therefore 0 where
 *         upstream's is ~0 (the same one compare). An empty entry goes to
 *         a model of upstream's get_phys_to_machine(): lookup_address() as
 *         a four-level walk of page tables built for the array's mapping,
 *         then the identity page's frame is compared.
 *
 * Modes: "time" prints one line per case: "case GIB KIND ORDER" then
 * median, min and max over RUNS passes of ns/lookup for ours, linear and
 * the loop alone, the per-pass ratio ours/linear, then ns/lookup and the
 * ratio to linear of the cached-leaf prototype below (ours and linear run
 * in turn in every pass, the order alternating; after a warm-up pass the
 * data a case reads is in the caches as far as it fits, as in a guest that
 * keeps looking the same pfns up); "cg" runs each case's loops once, each
 * in a function of its own and each after cg_flush() has emptied the
 * simulated caches, for valgrind --tool=cachegrind: its last-level misses
 * are those of a cold start.
 *
 * Usage: p2m-bench time|cg SIZE_GIB [RUNS]
 */
#include <sys/mman.h>
#include <time.h>

#include "../../arch/x86/xen/p2m.c"

#define NR_LOOKUPS	BIT(20)
#define GIB_PFNS	BIT(30 - PAGE_SHIFT)
#define HUGE_SIZE	(2UL << 20)
#define RAM_MFN(pfn)	((pfn) * 7 + 0x100000UL)

/* ---- page supply of the tree: 2 MiB-backed pool, free list ---- */

static char *pool, *pool_next, *pool_end;
static void *pool_free_list;

static void *pool_get(struct p2m_tree *t)
{
	void *p = pool_free_list;

	if (p) {
		pool_free_list = *(void **)p;
		return p;
	}
	if (pool_next >= pool_end)
		return NULL;
	p = pool_next;
	pool_next += PAGE_SIZE;
	return p;
}

static void pool_put(struct p2m_tree *t, void *page)
{
	*(void **)page = pool_free_list;
	pool_free_list = page;
}

static unsigned long pool_mfn(struct p2m_tree *t, void *page)
{
	return ((char *)page - pool) >> PAGE_SHIFT;
}

static const struct p2m_tree_ops pool_ops = {
	.get_page = pool_get,
	.put_page = pool_put,
	.page_mfn = pool_mfn,
};

static void *map_region(size_t size, int advice)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	madvise(p, size, advice);
	return p;
}

/* ---- the guest ---- */

static unsigned long guest_pfns;	/* S in pfns */
static unsigned long ram_end;		/* S / 4 in pfns */
static const unsigned long isa_start = 0x9f, isa_end = 0x100;
static const unsigned long pci_start = 3 * GIB_PFNS, pci_end = 4 * GIB_PFNS;

enum kind { K_RAM, K_IDENTITY, K_MISSING, NR_KINDS };
static const char * const kind_name[] = { "ram", "identity", "missing" };

static enum kind guest_kind(unsigned long pfn)
{
	if ((pfn >= isa_start && pfn < isa_end) ||
	    (pfn >= pci_start && pfn < pci_end))
		return K_IDENTITY;
	return pfn < ram_end ? K_RAM : K_MISSING;
}

static unsigned long want(unsigned long pfn)
{
	switch (guest_kind(pfn)) {
	case K_RAM:
		return RAM_MFN(pfn);
	case K_IDENTITY:
		return IDENTITY_FRAME(pfn);
	default:
		return INVALID_P2M_ENTRY;
	}
}

/* ---- ours ---- */

static struct p2m_tree tree;

static noinline unsigned long ours_get_phys_to_machine(unsigned long pfn)
{
	return p2m_tree_lookup(&tree, pfn);
}

typedef unsigned long (*slow_fn)(unsigned long pfn);

static __always_inline unsigned long ours_pfn_to_mfn_via(unsigned long pfn,
							 slow_fn slow)
{
	unsigned long **mid, *leaf, mfn;

	if (unlikely(pfn >= READ_ONCE(tree.limit)))
		return slow(pfn);
	mid = READ_ONCE(tree.top[p2m_top_idx(pfn)]);
	leaf = READ_ONCE(mid[p2m_mid_idx(pfn)]);
	mfn = READ_ONCE(leaf[p2m_leaf_idx(pfn)]);
	if (unlikely(mfn == INVALID_P2M_ENTRY))
		return slow(pfn);
	return mfn;
}

#define ours_pfn_to_mfn(pfn) ours_pfn_to_mfn_via(pfn, ours_get_phys_to_machine)

/*
 * Prototype, bench only: the walk remembers the last real leaf it read
 * (a per-CPU variable in a kernel version), so pfns of the same 2 MiB skip
 * the top and mid loads. Only real leaves are cached: they are never
 * freed at run time, while a sentinel leaf may be replaced.
 */
static unsigned long cached_base = ~0UL;
static unsigned long *cached_leaf;

static __always_inline unsigned long cached_pfn_to_mfn_via(unsigned long pfn,
							   slow_fn slow)
{
	unsigned long **mid, *leaf, mfn;

	if (likely((pfn & ~(P2M_PER_PAGE - 1)) == cached_base)) {
		leaf = cached_leaf;
	} else {
		if (unlikely(pfn >= READ_ONCE(tree.limit)))
			return slow(pfn);
		mid = READ_ONCE(tree.top[p2m_top_idx(pfn)]);
		leaf = READ_ONCE(mid[p2m_mid_idx(pfn)]);
		if (leaf != tree.missing && leaf != tree.identity) {
			cached_base = pfn & ~(P2M_PER_PAGE - 1);
			cached_leaf = leaf;
		}
	}
	mfn = READ_ONCE(leaf[p2m_leaf_idx(pfn)]);
	if (unlikely(mfn == INVALID_P2M_ENTRY))
		return slow(pfn);
	return mfn;
}

#define cached_pfn_to_mfn(pfn) \
	cached_pfn_to_mfn_via(pfn, ours_get_phys_to_machine)

static void build_tree(void)
{
	unsigned long nr_top = roundup(DIV_ROUND_UP(guest_pfns, P2M_MID_SPAN),
				       P2M_TOP_PER_PAGE);
	unsigned long ***top = calloc(nr_top, sizeof(*top));
	/* leaves of RAM, their mids, boundary leaves, sentinels, slack */
	size_t pages = ram_end / P2M_PER_PAGE + nr_top + 64;
	size_t size = ALIGN(pages * PAGE_SIZE, HUGE_SIZE) + HUGE_SIZE;
	unsigned long pfn;

	pool = map_region(size, MADV_HUGEPAGE);
	pool = (char *)ALIGN((unsigned long)pool, HUGE_SIZE);
	pool_next = pool;
	pool_end = pool + size - HUGE_SIZE;
	if (!top || p2m_tree_init(&tree, top, nr_top, &pool_ops))
		panic("tree init\n");
	for (pfn = 0; pfn < ram_end; pfn++) {
		if (guest_kind(pfn) != K_RAM)
			continue;
		if (!p2m_tree_set(&tree, pfn, RAM_MFN(pfn)) &&
		    (p2m_tree_populate(&tree, pfn) ||
		     !p2m_tree_set(&tree, pfn, RAM_MFN(pfn))))
			panic("tree set %#lx\n", pfn);
	}
	if (p2m_tree_set_identity(&tree, isa_start, isa_end) != isa_end - isa_start ||
	    p2m_tree_set_identity(&tree, pci_start, pci_end) != pci_end - pci_start)
		panic("tree identity\n");
	/* As the kernel does: identity past the guest's end. */
	if (tree.limit > guest_pfns)
		p2m_tree_set_identity(&tree, guest_pfns, tree.limit);
}

/* ---- linear model ---- */

#define PT_PRESENT	0x1UL
#define PT_PSE		0x80UL
#define PT_PFN_MASK	0x000ffffffffff000UL

static unsigned long *lin;		/* the list, 0 = no entry */
static unsigned long lin_size;		/* upstream's xen_p2m_size */
static unsigned long *pt_pgd;		/* page tables mapping lin */
static char *pt_pool;			/* "physical memory" of the tables */
static unsigned long pt_next;
static unsigned long identity_page_pfn, missing_page_pfn;

static unsigned long *pt_va(unsigned long entry)
{
	return (unsigned long *)(pt_pool + (entry & PT_PFN_MASK));
}

static unsigned long pt_alloc(void)
{
	unsigned long off = pt_next;

	pt_next += PAGE_SIZE;
	return off;
}

/* lookup_address() of x86 for a 4-level kernel: NULL or the PTE. */
static unsigned long *model_lookup_address(unsigned long va)
{
	unsigned long e;
	unsigned long *p;

	e = READ_ONCE(pt_pgd[(va >> 39) & 511]);
	if (!(e & PT_PRESENT))
		return NULL;
	e = READ_ONCE(pt_va(e)[(va >> 30) & 511]);
	if (!(e & PT_PRESENT) || (e & PT_PSE))
		return NULL;
	e = READ_ONCE(pt_va(e)[(va >> 21) & 511]);
	if (!(e & PT_PRESENT) || (e & PT_PSE))
		return NULL;
	p = &pt_va(e)[(va >> 12) & 511];
	return p;
}

static __always_inline unsigned long linear_get_phys_to_machine_body(unsigned long pfn)
{
	unsigned long *ptep;

	if (unlikely(pfn >= lin_size))
		return IDENTITY_FRAME(pfn);
	ptep = model_lookup_address((unsigned long)(lin + pfn));
	if (!ptep)
		abort();
	if ((READ_ONCE(*ptep) & PT_PFN_MASK) >> PAGE_SHIFT == identity_page_pfn)
		return IDENTITY_FRAME(pfn);
	return READ_ONCE(lin[pfn]) ?: INVALID_P2M_ENTRY;
}

static __always_inline unsigned long linear_pfn_to_mfn_via(unsigned long pfn,
							   slow_fn slow)
{
	unsigned long mfn;

	if (likely(pfn < READ_ONCE(lin_size)))
		mfn = READ_ONCE(lin[pfn]);
	else
		return IDENTITY_FRAME(pfn);
	if (unlikely(!mfn))
		return slow(pfn);
	return mfn;
}

#define linear_pfn_to_mfn(pfn) \
	linear_pfn_to_mfn_via(pfn, linear_get_phys_to_machine)

static noinline unsigned long linear_get_phys_to_machine(unsigned long pfn)
{
	return linear_get_phys_to_machine_body(pfn);
}

static void build_linear(void)
{
	unsigned long nr_pte = DIV_ROUND_UP(guest_pfns, P2M_PER_PAGE);
	unsigned long pfn, i, pud, pmd = 0, ptp = 0;
	unsigned long va;

	lin_size = guest_pfns;
	lin = map_region(guest_pfns * sizeof(*lin), MADV_NOHUGEPAGE);
	for (pfn = 0; pfn < ram_end; pfn++)
		if (guest_kind(pfn) == K_RAM)
			lin[pfn] = RAM_MFN(pfn);

	/* Tables: pgd, pud, pmds and ptes for the list's virtual range. */
	pt_pool = map_region((nr_pte / 512 + nr_pte / (512 * 512) + 16) *
			     PAGE_SIZE, MADV_HUGEPAGE);
	pt_next = PAGE_SIZE;		/* frame 0 unused */
	identity_page_pfn = pt_alloc() >> PAGE_SHIFT;
	missing_page_pfn = pt_alloc() >> PAGE_SHIFT;
	pt_pgd = pt_va(pt_alloc());
	for (i = 0; i < nr_pte; i++) {
		unsigned long *e;
		unsigned long backing;

		va = (unsigned long)lin + i * PAGE_SIZE;
		e = &pt_pgd[(va >> 39) & 511];
		if (!*e)
			*e = pt_alloc() | PT_PRESENT;
		e = &pt_va(*e)[(va >> 30) & 511];
		if (!*e)
			*e = pt_alloc() | PT_PRESENT;
		e = &pt_va(*e)[(va >> 21) & 511];
		if (!*e)
			*e = pt_alloc() | PT_PRESENT;
		e = &pt_va(*e)[(va >> 12) & 511];
		/* A list page of RAM has its own frame; holes share one. */
		switch (guest_kind(i * P2M_PER_PAGE)) {
		case K_IDENTITY:
			backing = identity_page_pfn;
			break;
		case K_MISSING:
			backing = missing_page_pfn;
			break;
		default:
			backing = 0x200000 + i;
		}
		*e = (backing << PAGE_SHIFT) | PT_PRESENT;
	}
	(void)pud;
	(void)pmd;
	(void)ptp;
}

/* ---- the cases ---- */

static unsigned long pfns[NR_LOOKUPS];
static unsigned long sink;		/* printed: no loop is optimised out */

static unsigned long rng_state = 0x9e3779b97f4a7c15UL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * The kind's pfns in order from its start (wrapping round), or pfns of the
 * kind drawn uniformly.
 */
static void pick(enum kind k, bool random)
{
	unsigned long base, span, i = 0, n = 0, pfn;

	switch (k) {
	case K_RAM:
		base = 0x100;
		span = ram_end - base;
		break;
	case K_IDENTITY:
		base = pci_start;
		span = pci_end - pci_start;
		break;
	default:
		base = ram_end;
		span = guest_pfns - base;
		break;
	}
	while (i < NR_LOOKUPS) {
		pfn = base + (random ? rng() : n++) % span;
		if (guest_kind(pfn) == k)
			pfns[i++] = pfn;
	}
}

#define LOOP(name, expr)					\
static noinline void name(void)					\
{								\
	unsigned long i, sum = 0;				\
								\
	for (i = 0; i < NR_LOOKUPS; i++) {			\
		unsigned long pfn = READ_ONCE(pfns[i]);	\
		sum += (expr);					\
	}							\
	sink += sum;						\
}

LOOP(loop_ours, ours_pfn_to_mfn(pfn))
LOOP(loop_linear, linear_pfn_to_mfn(pfn))
LOOP(loop_alone, pfn)
LOOP(loop_cached, cached_pfn_to_mfn(pfn))

/*
 * Separate copies per case, out-of-line halves included, so that
 * cachegrind counts each case apart: a case's cost is that of every
 * function whose name starts with cg_<structure>_<kind>_<order>.
 */
#define CG_CASE(k, o)							\
static noinline unsigned long cg_ours_##k##_##o##_slow(unsigned long pfn) \
{									\
	return p2m_tree_lookup(&tree, pfn);				\
}									\
static noinline unsigned long cg_cached_##k##_##o##_slow(unsigned long pfn) \
{									\
	return p2m_tree_lookup(&tree, pfn);				\
}									\
static noinline unsigned long cg_linear_##k##_##o##_slow(unsigned long pfn) \
{									\
	return linear_get_phys_to_machine_body(pfn);			\
}									\
LOOP(cg_ours_##k##_##o, ours_pfn_to_mfn_via(pfn, cg_ours_##k##_##o##_slow)) \
LOOP(cg_linear_##k##_##o,						\
	linear_pfn_to_mfn_via(pfn, cg_linear_##k##_##o##_slow))	\
LOOP(cg_alone_##k##_##o, pfn)						\
LOOP(cg_cached_##k##_##o, cached_pfn_to_mfn_via(pfn, cg_cached_##k##_##o##_slow))
CG_CASE(ram, seq)
CG_CASE(ram, random)
CG_CASE(identity, seq)
CG_CASE(identity, random)
CG_CASE(missing, seq)
CG_CASE(missing, random)

typedef void (*loop_fn)(void);
static const loop_fn cg_loops[NR_KINDS][2][4] = {
	{ { cg_ours_ram_seq, cg_linear_ram_seq, cg_alone_ram_seq,
	    cg_cached_ram_seq },
	  { cg_ours_ram_random, cg_linear_ram_random, cg_alone_ram_random,
	    cg_cached_ram_random } },
	{ { cg_ours_identity_seq, cg_linear_identity_seq, cg_alone_identity_seq,
	    cg_cached_identity_seq },
	  { cg_ours_identity_random, cg_linear_identity_random,
	    cg_alone_identity_random,
	    cg_cached_identity_random } },
	{ { cg_ours_missing_seq, cg_linear_missing_seq, cg_alone_missing_seq,
	    cg_cached_missing_seq },
	  { cg_ours_missing_random, cg_linear_missing_random,
	    cg_alone_missing_random,
	    cg_cached_missing_random } },
};

/*
 * For cachegrind: read a buffer twice the simulated last level so that
 * every case and structure starts from a cold cache (cachegrind simulates
 * by virtual address, so the buffer needs no memory of its own).
 */
#define FLUSH_SIZE	(640UL << 20)
static char *flush_buf;

static noinline void cg_flush(void)
{
	unsigned long i, sum = 0;

	if (!flush_buf)
		flush_buf = map_region(FLUSH_SIZE, MADV_NOHUGEPAGE);
	for (i = 0; i < FLUSH_SIZE; i += 64)
		sum += READ_ONCE(flush_buf[i]);
	sink += sum;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double timed(loop_fn fn)
{
	double t0 = now_ns();

	fn();
	return (now_ns() - t0) / NR_LOOKUPS;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Both structures must give every pfn of the case its expected entry. */
static void verify_case(void)
{
	unsigned long i;

	for (i = 0; i < NR_LOOKUPS; i++) {
		unsigned long w = want(pfns[i]);

		if (ours_pfn_to_mfn(pfns[i]) != w ||
		    cached_pfn_to_mfn(pfns[i]) != w ||
		    linear_pfn_to_mfn(pfns[i]) != w) {
			fprintf(stderr, "pfn %#lx: want %#lx, ours %#lx, linear %#lx\n",
				pfns[i], w, ours_pfn_to_mfn(pfns[i]),
				linear_pfn_to_mfn(pfns[i]));
			exit(1);
		}
	}
}

#define MAX_RUNS 101

int main(int argc, char **argv)
{
	static double t[6][MAX_RUNS];
	unsigned long gib;
	int runs, r, k, o, s;
	bool cg;

	if (argc < 3 || (strcmp(argv[1], "time") && strcmp(argv[1], "cg"))) {
		fprintf(stderr, "usage: %s time|cg SIZE_GIB [RUNS]\n", argv[0]);
		return 2;
	}
	cg = !strcmp(argv[1], "cg");
	gib = strtoul(argv[2], NULL, 0);
	runs = argc > 3 ? atoi(argv[3]) : 11;
	if (gib < 4 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "SIZE_GIB >= 4, 1 <= RUNS <= %d\n", MAX_RUNS);
		return 2;
	}
	guest_pfns = gib * GIB_PFNS;
	ram_end = guest_pfns / 4;
	build_tree();
	build_linear();
	printf("# guest %lu GiB: ram [0, %#lx) less two holes, missing up to %#lx;",
	       gib, ram_end, guest_pfns);
	printf(" tree %lu mids %lu leaves; %lu lookups per pass\n",
	       atomic_long_read(&tree.nr_mids),
	       atomic_long_read(&tree.nr_leaves), NR_LOOKUPS);

	for (k = 0; k < NR_KINDS; k++) {
		for (o = 0; o < 2; o++) {
			pick(k, o);
			verify_case();
			if (cg) {
				for (s = 0; s < 4; s++) {
					cg_flush();
					cg_loops[k][o][s]();
				}
				continue;
			}
			/* warm-up, then both in turn, the order alternating */
			loop_ours();
			loop_linear();
			loop_alone();
			loop_cached();
			for (r = 0; r < runs; r++) {
				if (r & 1) {
					t[1][r] = timed(loop_linear);
					t[0][r] = timed(loop_ours);
				} else {
					t[0][r] = timed(loop_ours);
					t[1][r] = timed(loop_linear);
				}
				t[2][r] = timed(loop_alone);
				t[3][r] = t[0][r] / t[1][r];
				t[4][r] = timed(loop_cached);
				t[5][r] = t[4][r] / t[1][r];
			}
			printf("case %lu %s %s", gib, kind_name[k],
			       o ? "random" : "seq");
			for (s = 0; s < 6; s++) {
				qsort(t[s], runs, sizeof(double), cmp_double);
				printf(" %.4f %.4f %.4f", t[s][runs / 2], t[s][0],
				       t[s][runs - 1]);
			}
			printf("\n");
		}
	}
	printf("# checksum %#lx\n", sink);
	return 0;
}
