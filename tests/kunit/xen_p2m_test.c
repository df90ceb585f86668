// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite xen_p2m: the three-level P2M tree of arch/x86/xen/p2m.c.
 *
 * Every case but the live ones runs on a private tree instance whose pages
 * come from a counting allocator of this file (optionally with a budget,
 * standing in for brk, or failing its Nth call), and whose "MFN" of a page
 * is its pfn. No Xen is needed. The live cases check the running guest's P2M and are skipped
 * unless the kernel was booted as a Xen PV guest.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>
#include <asm/xen/page.h>
#include <asm/xen/hypervisor.h>
#include <xen/interface/xen.h>

#include "p2m-tree.h"

#define GIB_PFNS	(1UL << (30 - PAGE_SHIFT))
#define MIB_PFNS	(1UL << (20 - PAGE_SHIFT))
#define TEST_MAX_PAGES	17000	/* the mids of a 16 TiB graft, and some */
#define RAM_MFN(pfn)	((pfn) + 0x100000UL)

struct p2m_test_ctx {
	struct p2m_tree t;
	unsigned long ***top;
	spinlock_t lock;		/* guards the page bookkeeping */
	long budget;			/* pages left; negative: no limit */
	long live_pages;		/* pages handed out and not freed */
	unsigned long nr_gets;		/* get_page() calls so far */
	unsigned long fail_at;		/* fail this get_page() call; 0: none */
	unsigned int next_slot;		/* no free slot of pages[] below */
	unsigned int faults;		/* failures injected by fail_at */
	void *pages[TEST_MAX_PAGES];	/* for freeing in exit */
	char msg[160];

	/*
	 * The linear view of test_view_ops: per top slot the "page table"
	 * it uses (an array of leaf MFNs), the two shared ones, and what
	 * the tree did to it.
	 */
	unsigned long **view_pt;
	unsigned long *view_missing;
	unsigned long *view_identity;
	unsigned long gen;		/* view_gen() calls */
	unsigned long view_changes;	/* view_mid() and view_leaf() calls */
	unsigned long view_even;	/* ... made with gen even */
	unsigned long view_shared;	/* view_leaf() into a shared table */
	unsigned long view_early;	/* ... before the tree held the leaf */
};

static void *test_alloc(struct p2m_tree *t)
{
	struct p2m_test_ctx *ctx = t->priv;
	void *page = NULL;
	unsigned int i;

	spin_lock(&ctx->lock);
	if (++ctx->nr_gets == ctx->fail_at) {
		ctx->faults++;
		goto out;
	}
	if (ctx->budget == 0)
		goto out;
	for (i = ctx->next_slot; i < TEST_MAX_PAGES; i++) {
		if (ctx->pages[i])
			continue;
		page = (void *)__get_free_page(GFP_ATOMIC);
		if (!page)
			goto out;
		ctx->pages[i] = page;
		ctx->next_slot = i + 1;
		ctx->live_pages++;
		if (ctx->budget > 0)
			ctx->budget--;
		break;
	}
out:
	spin_unlock(&ctx->lock);
	return page;
}

static void test_free(struct p2m_tree *t, void *page)
{
	struct p2m_test_ctx *ctx = t->priv;
	unsigned int i;

	spin_lock(&ctx->lock);
	for (i = 0; i < TEST_MAX_PAGES; i++) {
		if (ctx->pages[i] == page) {
			ctx->pages[i] = NULL;
			ctx->next_slot = min(ctx->next_slot, i);
			ctx->live_pages--;
			free_page((unsigned long)page);
			break;
		}
	}
	spin_unlock(&ctx->lock);
}

static unsigned long test_page_mfn(struct p2m_tree *t, void *page)
{
	return virt_to_pfn(page);
}

static const struct p2m_tree_ops test_ops = {
	.get_page = test_alloc,
	.put_page = test_free,
	.page_mfn = test_page_mfn,
};

static void test_view_note(struct p2m_tree *t)
{
	struct p2m_test_ctx *ctx = t->priv;

	if (!t->view_on)
		return;
	ctx->view_changes++;
	if (!(ctx->gen & 1))
		ctx->view_even++;
}

static void test_view_mid(struct p2m_tree *t, unsigned long ti, void *page)
{
	struct p2m_test_ctx *ctx = t->priv;
	unsigned long *pt = page;
	unsigned int j;

	test_view_note(t);
	if (!pt) {
		ctx->view_pt[ti] = t->top[ti] == t->mid_identity ?
				   ctx->view_identity : ctx->view_missing;
		return;
	}
	for (j = 0; j < P2M_MID_PER_PAGE; j++)
		pt[j] = virt_to_pfn(t->top[ti][j]);
	ctx->view_pt[ti] = pt;
}

static void test_view_leaf(struct p2m_tree *t, unsigned long pfn,
			   unsigned long *leaf)
{
	struct p2m_test_ctx *ctx = t->priv;
	unsigned long ti = pfn / P2M_MID_SPAN;
	unsigned long mi = pfn / P2M_PER_PAGE % P2M_MID_PER_PAGE;
	unsigned long *pt = ctx->view_pt[ti];

	test_view_note(t);
	if (t->top[ti][mi] != leaf)
		ctx->view_early++;
	if (pt == ctx->view_missing || pt == ctx->view_identity) {
		ctx->view_shared++;
		return;
	}
	pt[mi] = virt_to_pfn(leaf);
}

static void test_view_gen(struct p2m_tree *t)
{
	((struct p2m_test_ctx *)t->priv)->gen++;
}

static unsigned long test_view_mfn(struct p2m_tree *t, unsigned long pfn)
{
	struct p2m_test_ctx *ctx = t->priv;
	unsigned long *pt = ctx->view_pt[pfn / P2M_MID_SPAN];

	return pt ? pt[pfn / P2M_PER_PAGE % P2M_MID_PER_PAGE] :
		    INVALID_P2M_ENTRY;
}

static const struct p2m_tree_ops test_view_ops = {
	.get_page = test_alloc,
	.put_page = test_free,
	.page_mfn = test_page_mfn,
	.view_mid = test_view_mid,
	.view_leaf = test_view_leaf,
	.view_gen = test_view_gen,
	.view_mfn = test_view_mfn,
};

/* (Re)create the context's tree with @nr_top top slots. */
static void ctx_new_tree(struct kunit *test, unsigned long nr_top)
{
	struct p2m_test_ctx *ctx = test->priv;
	int ret;

	ctx->top = kunit_kcalloc(test, nr_top, sizeof(*ctx->top), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->top);
	ctx->t.priv = ctx;
	ret = p2m_tree_init(&ctx->t, ctx->top, nr_top, &test_ops);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ctx->t.priv = ctx;
}

static int xen_p2m_test_init(struct kunit *test)
{
	struct p2m_test_ctx *ctx;

	ctx = kvzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	spin_lock_init(&ctx->lock);
	ctx->budget = -1;
	test->priv = ctx;
	ctx_new_tree(test, P2M_TOP_PER_PAGE);
	return 0;
}

static void xen_p2m_test_exit(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < TEST_MAX_PAGES; i++)
		if (ctx->pages[i])
			free_page((unsigned long)ctx->pages[i]);
	kvfree(ctx);
}

static struct p2m_tree *tree(struct kunit *test)
{
	return &((struct p2m_test_ctx *)test->priv)->t;
}

static int check(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	int ret = p2m_tree_check(&ctx->t, ctx->msg, sizeof(ctx->msg));

	if (ret)
		kunit_info(test, "tree inconsistent: %s\n", ctx->msg);
	return ret;
}

/* Give [start, end) machine frames RAM_MFN(pfn), as Xen's list would. */
static void fill_ram(struct kunit *test, unsigned long start,
		     unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++)
		KUNIT_ASSERT_TRUE(test, p2m_tree_store(tree(test), pfn,
						       RAM_MFN(pfn)));
}

static long mids(struct kunit *test)
{
	return atomic_long_read(&tree(test)->nr_mids);
}

static long leaves(struct kunit *test)
{
	return atomic_long_read(&tree(test)->nr_leaves);
}

/* ---- lookups of each kind ---- */

static void new_tree_is_missing_below_limit_identity_above(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_EXPECT_EQ(test, t->limit, 512 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, t->limit - 1),
			INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, t->limit),
			IDENTITY_FRAME(t->limit));
	KUNIT_EXPECT_EQ(test, mids(test), 0);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void ram_entry_reads_back_neighbours_stay_missing(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, 5, 0x1234));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 5), 0x1234UL);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 4), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 6), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_entry_kind(p2m_tree_lookup(t, 5)),
			P2M_KIND_RAM);
	KUNIT_EXPECT_EQ(test, mids(test), 1);
	KUNIT_EXPECT_EQ(test, leaves(test), 1);
}

static void identity_range_reads_identity_frame(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long pfn = 2 * GIB_PFNS + 17;

	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, 2 * GIB_PFNS,
						    3 * GIB_PFNS), GIB_PFNS);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, pfn), IDENTITY_FRAME(pfn));
	KUNIT_EXPECT_EQ(test, p2m_entry_kind(p2m_tree_lookup(t, pfn)),
			P2M_KIND_IDENTITY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 3 * GIB_PFNS),
			INVALID_P2M_ENTRY);
}

static void foreign_entry_reads_foreign_frame(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, 0x300,
					       FOREIGN_FRAME(0x99UL)));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0x300), FOREIGN_FRAME(0x99UL));
	KUNIT_EXPECT_EQ(test, p2m_entry_kind(p2m_tree_lookup(t, 0x300)),
			P2M_KIND_FOREIGN);
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, 0x300, INVALID_P2M_ENTRY));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0x300), INVALID_P2M_ENTRY);
}

/* ---- seed 002 geometry: RAM to 1029 MiB, hole, RAM from 2001 MiB ---- */

struct run_log {
	unsigned int n;
	unsigned long start[8], end[8];
	enum p2m_kind kind[8];
};

static void log_run(void *data, unsigned long start, unsigned long end,
		    enum p2m_kind kind)
{
	struct run_log *log = data;

	if (log->n < ARRAY_SIZE(log->start)) {
		log->start[log->n] = start;
		log->end[log->n] = end;
		log->kind[log->n] = kind;
	}
	log->n++;
}

static void seed002_hole_splits_only_boundary_leaves(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long ram_end = 1029 * MIB_PFNS;	/* 0x40500 */
	unsigned long ram2 = 2001 * MIB_PFNS;		/* 0x7d100 */
	unsigned long *low_leaf, *high_leaf;
	long mids0, leaves0;
	unsigned long i;

	fill_ram(test, 0, ram_end);
	KUNIT_EXPECT_EQ(test, mids(test), 2);
	KUNIT_EXPECT_EQ(test, leaves(test), 515);
	mids0 = mids(test);
	leaves0 = leaves(test);

	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, ram_end, ram2),
			ram2 - ram_end);

	/* Cost: the leaf of 2000..2002 MiB only; 1028..1030 MiB was RAM. */
	KUNIT_EXPECT_EQ(test, mids(test) - mids0, 0);
	KUNIT_EXPECT_EQ(test, leaves(test) - leaves0, 1);

	low_leaf = t->top[1][ram_end / P2M_PER_PAGE % P2M_MID_PER_PAGE];
	high_leaf = t->top[1][ram2 / P2M_PER_PAGE % P2M_MID_PER_PAGE];
	KUNIT_EXPECT_PTR_NE(test, low_leaf, t->identity);
	KUNIT_EXPECT_PTR_NE(test, high_leaf, t->identity);
	for (i = ram_end / P2M_PER_PAGE + 1; i < ram2 / P2M_PER_PAGE; i++)
		KUNIT_EXPECT_PTR_EQ(test, t->top[i / P2M_MID_PER_PAGE]
					   [i % P2M_MID_PER_PAGE], t->identity);

	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, ram_end - 1),
			RAM_MFN(ram_end - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, ram_end),
			IDENTITY_FRAME(ram_end));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, ram2 - 1),
			IDENTITY_FRAME(ram2 - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, ram2), INVALID_P2M_ENTRY);

	/* Ballooning up into the second RAM range needs no page. */
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, ram2, RAM_MFN(ram2)));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, ram2), RAM_MFN(ram2));
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void seed002_dump_has_one_run_per_kind(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long ram_end = 1029 * MIB_PFNS, ram2 = 2001 * MIB_PFNS;
	struct run_log log = {};

	fill_ram(test, 0, ram_end);
	p2m_tree_set_identity(t, ram_end, ram2);
	fill_ram(test, ram2, ram2 + 3);

	KUNIT_EXPECT_EQ(test, p2m_tree_for_each_run(t, log_run, &log), 4UL);
	KUNIT_ASSERT_EQ(test, log.n, 4U);
	KUNIT_EXPECT_EQ(test, log.start[0], 0UL);
	KUNIT_EXPECT_EQ(test, log.kind[0], P2M_KIND_RAM);
	KUNIT_EXPECT_EQ(test, log.start[1], ram_end);
	KUNIT_EXPECT_EQ(test, log.kind[1], P2M_KIND_IDENTITY);
	KUNIT_EXPECT_EQ(test, log.start[2], ram2);
	KUNIT_EXPECT_EQ(test, log.kind[2], P2M_KIND_RAM);
	KUNIT_EXPECT_EQ(test, log.start[3], ram2 + 3);
	KUNIT_EXPECT_EQ(test, log.end[3], t->limit);
	KUNIT_EXPECT_EQ(test, log.kind[3], P2M_KIND_MISSING);
	KUNIT_EXPECT_STREQ(test, p2m_kind_name(log.kind[1]), "identity");
}

/* ---- grafting Xen's boot list ---- */

static void boot_list_tail_past_nr_pages_reads_missing(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long nr = 615 * MIB_PFNS;	/* 307.5 leaves */
	unsigned long span = ALIGN(nr, P2M_PER_PAGE), pfn;
	unsigned long *list = vmalloc(span * sizeof(*list));

	KUNIT_ASSERT_NOT_NULL(test, list);
	for (pfn = 0; pfn < span; pfn++)
		list[pfn] = pfn < nr ? RAM_MFN(pfn) : 0xabcdUL;

	KUNIT_ASSERT_EQ(test, p2m_tree_graft(t, list, nr), 0);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr - 1), RAM_MFN(nr - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, span - 1), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_borrowed), 308);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_EQ(test, mids(test), 1);
	KUNIT_EXPECT_EQ(test, t->last_pfn, span);

	KUNIT_ASSERT_EQ(test, p2m_tree_adopt(t), 0);
	memset(list, 0x5a, span * sizeof(*list));
	vfree(list);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_borrowed), 0);
	KUNIT_EXPECT_EQ(test, leaves(test), 308);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0), RAM_MFN(0));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr - 1), RAM_MFN(nr - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr), INVALID_P2M_ENTRY);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void boot_list_must_be_page_aligned(struct kunit *test)
{
	unsigned long *list = (unsigned long *)__get_free_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, list);
	KUNIT_EXPECT_EQ(test, p2m_tree_graft(tree(test), list + 1, 10),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mids(test), 0);
	free_page((unsigned long)list);
}

/* ---- the boot phase: Xen's list answers until memblock is up ---- */

static void boot_list_answers_until_boot_end(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	unsigned long nr = 615 * MIB_PFNS;	/* 307.5 leaves */
	unsigned long span = ALIGN(nr, P2M_PER_PAGE), pfn;
	unsigned long hole_s = 100 * MIB_PFNS + 7, hole_e = 300 * MIB_PFNS;
	unsigned long *list = vmalloc(span * sizeof(*list));
	long pages = ctx->live_pages;

	KUNIT_ASSERT_NOT_NULL(test, list);
	for (pfn = 0; pfn < span; pfn++)
		list[pfn] = pfn < nr ? RAM_MFN(pfn) : 0xabcdUL;
	KUNIT_ASSERT_EQ(test, p2m_tree_boot(t, list, nr), 0);
	KUNIT_EXPECT_EQ(test, p2m_tree_boot(t, list, nr), -EINVAL);

	/* Below nr_pages the list is read and written: no page taken. */
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr - 1), RAM_MFN(nr - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_TRUE(test, p2m_tree_store(t, 5, INVALID_P2M_ENTRY));
	KUNIT_EXPECT_EQ(test, list[5], INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, hole_s, hole_e),
			hole_e - hole_s);
	KUNIT_EXPECT_EQ(test, list[hole_s], IDENTITY_FRAME(hole_s));
	KUNIT_EXPECT_EQ(test, ctx->live_pages, pages);

	/* From the list's tail on, up to 3 GiB: the tree, one mid only. */
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, nr + 3, 3 * GIB_PFNS),
			3 * GIB_PFNS - nr - 3);
	KUNIT_EXPECT_EQ(test, list[nr + 3], IDENTITY_FRAME(nr + 3));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 2 * GIB_PFNS),
			IDENTITY_FRAME(2 * GIB_PFNS));
	KUNIT_EXPECT_EQ(test, mids(test), 1);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);

	KUNIT_ASSERT_EQ(test, p2m_tree_boot_end(t), 0);
	memset(list, 0x5a, span * sizeof(*list));
	vfree(list);
	KUNIT_EXPECT_EQ(test, t->boot_nr, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_borrowed), 0);
	/* 308 leaves less the hole's 99 whole ones, now the sentinel. */
	KUNIT_EXPECT_EQ(test, leaves(test), 308 - 99);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0), RAM_MFN(0));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 5), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole_s - 1),
			RAM_MFN(hole_s - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole_s),
			IDENTITY_FRAME(hole_s));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 200 * MIB_PFNS),
			IDENTITY_FRAME(200 * MIB_PFNS));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole_e), RAM_MFN(hole_e));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr - 1), RAM_MFN(nr - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr + 2), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, nr + 3),
			IDENTITY_FRAME(nr + 3));
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

/*
 * A dom0 of @nr pfns (leaf aligned) under the brk accounting of the
 * kernel: the top (here from kcalloc), the sentinels and two map entries
 * above the RAM must fit p2m_brk_pages_needed(), whatever @nr. The list
 * is an address range that is reserved, not mapped: with an aligned @nr
 * neither the boot phase nor the graft may touch it.
 */
static void boot_at_scale(struct kunit *test, unsigned long nr)
{
	struct p2m_test_ctx *ctx = test->priv;
	unsigned long nr_top = roundup(DIV_ROUND_UP(nr, GIB_PFNS) + 4,
				       P2M_TOP_PER_PAGE);
	unsigned long brk = p2m_brk_pages_needed(nr_top, 2) -
			    nr_top / P2M_TOP_PER_PAGE;
	unsigned long hole = nr + 5, res = nr + 2 * GIB_PFNS + 0x333;
	unsigned long last = nr - P2M_PER_PAGE;
	long pages = ctx->live_pages, mids0;
	struct vm_struct *area;
	struct p2m_tree *t;
	unsigned long *list;

	ctx->budget = brk;
	ctx_new_tree(test, nr_top);
	t = tree(test);
	area = get_vm_area(nr * sizeof(*list), VM_IOREMAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	list = area->addr;

	KUNIT_EXPECT_EQ(test, p2m_tree_boot(t, list, nr), 0);
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, hole, hole + GIB_PFNS),
			GIB_PFNS);
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, res, res + 0x666),
			0x666UL);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole - 1), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole), IDENTITY_FRAME(hole));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, res + 0x665),
			IDENTITY_FRAME(res + 0x665));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_alloc_failed), 0);
	KUNIT_EXPECT_LE(test, ctx->live_pages - pages, (long)brk);

	/*
	 * At the end of boot memblock gives a mid per GiB of RAM; the GiB
	 * the RAM ends in got its mid above from the hole, if it is partial.
	 */
	ctx->budget = -1;
	mids0 = mids(test);
	KUNIT_ASSERT_EQ(test, p2m_tree_graft(t, list, nr), 0);
	KUNIT_EXPECT_EQ(test, mids(test) - mids0, (long)(nr / GIB_PFNS));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_borrowed),
			(long)(nr / P2M_PER_PAGE));
	KUNIT_EXPECT_PTR_EQ(test, t->top[0][0], list);
	KUNIT_EXPECT_PTR_EQ(test, t->top[last / P2M_MID_SPAN]
				    [last / P2M_PER_PAGE % P2M_MID_PER_PAGE],
			    list + last);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, hole), IDENTITY_FRAME(hole));
	free_vm_area(area);
}

static void boot_of_1_2_tib_fits_brk(struct kunit *test)
{
	boot_at_scale(test, 1228 * GIB_PFNS + 800 * MIB_PFNS);
}

static void boot_of_16_tib_fits_brk(struct kunit *test)
{
	boot_at_scale(test, 16384 * GIB_PFNS);
}

/*
 * set_phys_to_machine_early() is p2m_tree_store() on the live tree with
 * brk pages: past the budget it must refuse and change nothing.
 */
static void early_store_past_budget_changes_nothing(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	unsigned long *list = (unsigned long *)__get_free_page(GFP_KERNEL);
	struct p2m_tree *t;

	KUNIT_ASSERT_NOT_NULL(test, list);
	ctx->budget = 4 + 2;	/* the sentinels, then one mid and one leaf */
	ctx_new_tree(test, P2M_TOP_PER_PAGE);
	t = tree(test);
	KUNIT_ASSERT_EQ(test, p2m_tree_boot(t, list, P2M_PER_PAGE), 0);

	KUNIT_EXPECT_TRUE(test, p2m_tree_store(t, 7, RAM_MFN(7)));
	KUNIT_EXPECT_TRUE(test, p2m_tree_store(t, GIB_PFNS + 1, 0x42));
	KUNIT_EXPECT_TRUE(test, p2m_tree_store(t, GIB_PFNS + 2, 0x43));
	KUNIT_EXPECT_EQ(test, ctx->budget, 0);
	KUNIT_EXPECT_FALSE(test, p2m_tree_store(t, 2 * GIB_PFNS + 1, 0x44));
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, 3 * GIB_PFNS + 5,
						    3 * GIB_PFNS + 9), 0UL);

	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 2 * GIB_PFNS + 1),
			INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 3 * GIB_PFNS + 5),
			INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, GIB_PFNS + 2), 0x43UL);
	KUNIT_EXPECT_EQ(test, list[7], RAM_MFN(7));
	KUNIT_EXPECT_EQ(test, mids(test), 1);
	KUNIT_EXPECT_EQ(test, leaves(test), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_alloc_failed), 2);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	free_page((unsigned long)list);
}

/* ---- holes larger than 1 GiB ---- */

static void aligned_hole_of_3gib_costs_no_page(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, GIB_PFNS, 4 * GIB_PFNS),
			3 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, mids(test), 0);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_PTR_EQ(test, t->top[2], t->mid_identity);
}

static void unaligned_hole_of_3gib_costs_two_mids_one_leaf(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long s = GIB_PFNS + MIB_PFNS * 2;	/* leaf aligned */
	unsigned long e = 4 * GIB_PFNS + 0x100;		/* inside a leaf */

	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, s, e), e - s);
	KUNIT_EXPECT_EQ(test, mids(test), 2);
	KUNIT_EXPECT_EQ(test, leaves(test), 1);
	KUNIT_EXPECT_PTR_EQ(test, t->top[2], t->mid_identity);
	KUNIT_EXPECT_PTR_EQ(test, t->top[3], t->mid_identity);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, s - 1), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, e - 1), IDENTITY_FRAME(e - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, e), INVALID_P2M_ENTRY);
}

static void whole_gib_identity_over_ram_frees_its_pages(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	struct p2m_test_ctx *ctx = test->priv;
	long before = ctx->live_pages;

	fill_ram(test, GIB_PFNS, GIB_PFNS + 1024);
	KUNIT_EXPECT_EQ(test, ctx->live_pages, before + 3);
	p2m_tree_set_identity(t, GIB_PFNS, 2 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, ctx->live_pages, before);
	KUNIT_EXPECT_EQ(test, mids(test), 0);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

/* ---- beyond 512 GiB ---- */

static void pfn_past_512gib_maps_in_a_two_page_top(struct kunit *test)
{
	unsigned long pfn = 600 * GIB_PFNS + 3;
	struct p2m_tree *t;

	ctx_new_tree(test, 2 * P2M_TOP_PER_PAGE);
	t = tree(test);
	KUNIT_EXPECT_EQ(test, t->limit, 1024 * GIB_PFNS);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn, 0x777));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, pfn), 0x777UL);
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, 700 * GIB_PFNS,
						    701 * GIB_PFNS), GIB_PFNS);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 700 * GIB_PFNS),
			IDENTITY_FRAME(700 * GIB_PFNS));
	/* The toolstack ABI stops at 512 GiB and is not disturbed. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_mid_mfns), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void identity_past_limit_is_clamped_not_dropped(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long s = t->limit - GIB_PFNS - 5;

	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, s, t->limit + 99),
			GIB_PFNS + 5);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, s), IDENTITY_FRAME(s));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, t->limit - 1),
			IDENTITY_FRAME(t->limit - 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, t->limit + 1, ~0UL),
			0UL);
}

/* ---- sentinels are never written ---- */

static void write_into_missing_sentinel_is_refused(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_EXPECT_FALSE(test, p2m_tree_set(t, 0x1000, 0x1234));
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, 0x1000, INVALID_P2M_ENTRY));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0x1000), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void write_into_identity_sentinel_is_refused(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	p2m_tree_set_identity(t, 0, 2 * P2M_PER_PAGE);
	KUNIT_EXPECT_FALSE(test, p2m_tree_set(t, 7, 0x1234));
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, 7, IDENTITY_FRAME(7)));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 7), IDENTITY_FRAME(7));
	KUNIT_EXPECT_EQ(test, leaves(test), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void write_past_limit_is_refused(struct kunit *test)
{
	struct p2m_tree *t = tree(test);

	KUNIT_EXPECT_FALSE(test, p2m_tree_store(t, t->limit, 0x5));
	KUNIT_EXPECT_EQ(test, p2m_tree_populate(t, t->limit), -ERANGE);
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, t->limit,
					     IDENTITY_FRAME(t->limit)));
}

/* ---- identity split ---- */

static void identity_leaf_split_keeps_other_pfns_identity(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long pfn;

	p2m_tree_set_identity(t, 0, P2M_PER_PAGE);
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, 5, 0x42));
	KUNIT_EXPECT_EQ(test, leaves(test), 1);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 5), 0x42UL);
	for (pfn = 0; pfn < P2M_PER_PAGE; pfn++)
		if (pfn != 5)
			KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, pfn),
					IDENTITY_FRAME(pfn));
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void identity_mid_split_keeps_identity(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long pfn = 3 * GIB_PFNS + 12345;

	p2m_tree_set_identity(t, 3 * GIB_PFNS, 4 * GIB_PFNS);
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn, 0x42));
	KUNIT_EXPECT_EQ(test, mids(test), 1);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, pfn + 1),
			IDENTITY_FRAME(pfn + 1));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 3 * GIB_PFNS),
			IDENTITY_FRAME(3 * GIB_PFNS));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 4 * GIB_PFNS - 1),
			IDENTITY_FRAME(4 * GIB_PFNS - 1));
}

/* ---- early (brk-like) page budget ---- */

static void budget_exhausted_before_first_split_changes_nothing(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);

	ctx->budget = 1;	/* the mid fits, the leaf does not */
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, 0x100, 0x200), 0UL);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0x100), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_alloc_failed), 1);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void budget_exhausted_midway_reports_partial_count(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	unsigned long e = 2 * GIB_PFNS + 0x100;

	ctx->budget = 2;	/* first boundary: mid + leaf; then nothing */
	KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, 0x100, e),
			2 * GIB_PFNS - 0x100);
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 0x100), IDENTITY_FRAME(0x100UL));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, GIB_PFNS),
			IDENTITY_FRAME(GIB_PFNS));
	KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, 2 * GIB_PFNS),
			INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ(test, ctx->budget, 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void brk_worst_case_formula(struct kunit *test)
{
	/* 1 top page, 4 sentinels, 4 per E820 entry + 4; RAM costs none. */
	KUNIT_EXPECT_EQ(test, p2m_brk_pages_needed(512, 10), 49UL);
	KUNIT_EXPECT_EQ(test, p2m_brk_pages_needed(513, 0), 2UL + 4 + 4);
}

/* ---- allocation failures at every allocation point ---- */

/*
 * Each operation below runs again and again on a fresh tree, the Nth
 * get_page() of the operation failing, N = 1, 2, ... until a run needs
 * no more than N - 1 pages: so every allocation point of the operation is
 * hit, including any added later. A failed operation must say so, leave
 * the tree exactly as it was (same digest, same pages held, consistent
 * toolstack tree) and succeed when run again without the failure.
 */

/* Mix one value into a digest (FNV-1a over the value's 8 bytes). */
static u64 mix(u64 h, u64 v)
{
	unsigned int i;

	for (i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
	return h;
}

/*
 * What the tree is: the shape (which slot is which sentinel) and every
 * entry of every real leaf, plus the page counts and last_pfn.
 */
static u64 tree_digest(struct p2m_tree *t)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned long i, j, k;

	for (i = 0; i < t->nr_top; i++) {
		unsigned long **mid = t->top[i];

		if (mid == t->mid_missing || mid == t->mid_identity) {
			h = mix(mix(h, i), mid == t->mid_missing ? 1 : 2);
			continue;
		}
		for (j = 0; j < P2M_MID_PER_PAGE; j++) {
			unsigned long *leaf = mid[j];

			if (leaf == t->missing || leaf == t->identity) {
				h = mix(h, leaf == t->missing ? 3 : 4);
				continue;
			}
			for (k = 0; k < P2M_PER_PAGE; k++)
				h = mix(h, leaf[k]);
		}
	}
	h = mix(h, atomic_long_read(&t->nr_mids));
	h = mix(h, atomic_long_read(&t->nr_leaves));
	h = mix(h, atomic_long_read(&t->nr_borrowed));
	h = mix(h, atomic_long_read(&t->nr_mid_mfns));
	h = mix(h, t->last_pfn);
	return mix(h, !!t->top_mfn);
}

/* Pages the tree says it holds: the allocator must have handed out as many. */
static long tree_pages(struct p2m_tree *t)
{
	return 4 + (t->top_mfn ? 3 : 0) + atomic_long_read(&t->nr_mids) +
	       atomic_long_read(&t->nr_leaves) +
	       atomic_long_read(&t->nr_mid_mfns);
}

static void ctx_free_pages(struct p2m_test_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < TEST_MAX_PAGES; i++) {
		if (ctx->pages[i])
			free_page((unsigned long)ctx->pages[i]);
		ctx->pages[i] = NULL;
	}
	ctx->live_pages = 0;
}

/* Free every page and start over with a new tree of @nr_top slots. */
static void ctx_reset(struct kunit *test, unsigned long nr_top)
{
	struct p2m_test_ctx *ctx = test->priv;

	ctx_free_pages(ctx);
	ctx->budget = -1;
	ctx->fail_at = 0;
	ctx_new_tree(test, nr_top);
	ctx->nr_gets = 0;
}

/* More allocations than this in one operation is a bug of its own. */
#define FI_MAX_POINTS	64UL

struct p2m_fi_case {
	const char *name;
	unsigned long nr_top;
	void (*setup)(struct kunit *test);
	int (*op)(struct kunit *test);
};

/* Xen's boot list for the graft cases: 1.5 GiB and a bit, two mids. */
#define FI_LIST_PFNS	(3 * GIB_PFNS / 2 + 7)
static unsigned long *fi_list;

static void fi_fill_list(void)
{
	unsigned long pfn;

	for (pfn = 0; pfn < FI_LIST_PFNS; pfn++)
		fi_list[pfn] = RAM_MFN(pfn);
}

static void fi_setup_ram_tools(struct kunit *test)
{
	fill_ram(test, 0, 0x500);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(tree(test)), 0);
}

static void fi_setup_identity_gibs_tools(struct kunit *test)
{
	fill_ram(test, 0, 10);
	KUNIT_ASSERT_EQ(test, p2m_tree_set_identity(tree(test), GIB_PFNS,
						    3 * GIB_PFNS),
			2 * GIB_PFNS);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(tree(test)), 0);
}

/* A short boot list (four leaves, the last one partly) to adopt. */
#define FI_SHORT_PFNS	(3 * P2M_PER_PAGE + 7)

static void fi_setup_graft_short(struct kunit *test)
{
	fi_fill_list();
	KUNIT_ASSERT_EQ(test, p2m_tree_graft(tree(test), fi_list,
					     FI_SHORT_PFNS), 0);
}

static void fi_setup_mixed(struct kunit *test)
{
	fill_ram(test, 0, 0x500);
	fill_ram(test, GIB_PFNS + 1, GIB_PFNS + 2);
	fill_ram(test, 3 * GIB_PFNS + 1, 3 * GIB_PFNS + 2);
	KUNIT_ASSERT_EQ(test, p2m_tree_set_identity(tree(test),
						    5 * GIB_PFNS + 7,
						    6 * GIB_PFNS),
			GIB_PFNS - 7);
}

static void fi_setup_tools(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(tree(test)), 0);
}

static int fi_op_new_gib(struct kunit *test)
{
	return p2m_tree_store(tree(test), GIB_PFNS + 0x333, 0x10) ?
	       0 : -ENOMEM;
}

static int fi_op_split_identity_mid(struct kunit *test)
{
	return p2m_tree_store(tree(test), 2 * GIB_PFNS + 5, 0x11) ?
	       0 : -ENOMEM;
}

static int fi_op_past_toolstack(struct kunit *test)
{
	return p2m_tree_populate(tree(test), 600 * GIB_PFNS + 3);
}

static int fi_op_graft(struct kunit *test)
{
	fi_fill_list();
	return p2m_tree_graft(tree(test), fi_list, FI_LIST_PFNS);
}

static int fi_op_adopt(struct kunit *test)
{
	return p2m_tree_adopt(tree(test));
}

static int fi_op_build_tools(struct kunit *test)
{
	return p2m_tree_build_mfn_tree(tree(test));
}

static int fi_op_foreign(struct kunit *test)
{
	return p2m_tree_store(tree(test), 7 * GIB_PFNS + 0x200,
				  FOREIGN_FRAME(0x5UL)) ? 0 : -ENOMEM;
}

static const struct p2m_fi_case p2m_fi_cases[] = {
	{ "run-time mid, toolstack page and leaf", P2M_TOP_PER_PAGE,
	  fi_setup_ram_tools, fi_op_new_gib },
	{ "split of an identity mid", P2M_TOP_PER_PAGE,
	  fi_setup_identity_gibs_tools, fi_op_split_identity_mid },
	{ "foreign frame in a fresh GiB", P2M_TOP_PER_PAGE,
	  fi_setup_tools, fi_op_foreign },
	{ "pfn past the toolstack's 512 GiB", 2 * P2M_TOP_PER_PAGE,
	  fi_setup_tools, fi_op_past_toolstack },
	{ "graft of the boot list (early)", P2M_TOP_PER_PAGE,
	  NULL, fi_op_graft },
	{ "adopt of the borrowed leaves (early)", P2M_TOP_PER_PAGE,
	  fi_setup_graft_short, fi_op_adopt },
	{ "first build of the toolstack tree", P2M_TOP_PER_PAGE,
	  fi_setup_mixed, fi_op_build_tools },
};

/* The tree holds exactly the pages the allocator handed out, and checks. */
static void expect_tree_sound(struct kunit *test, const char *name,
			      unsigned long n)
{
	struct p2m_test_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ_MSG(test, ctx->live_pages, tree_pages(tree(test)),
			    "%s, get_page %lu failed: pages leaked", name, n);
	KUNIT_EXPECT_EQ_MSG(test, check(test), 0, "%s, get_page %lu failed",
			    name, n);
}

/* Returns the number of failures injected. */
static unsigned int fail_each_allocation(struct kunit *test,
					 const struct p2m_fi_case *c)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	unsigned int injected = 0;
	long pages, failed;
	unsigned long n;
	u64 before;
	int ret;

	for (n = 1; n < FI_MAX_POINTS; n++) {
		ctx_reset(test, c->nr_top);
		if (c->setup)
			c->setup(test);
		before = tree_digest(t);
		pages = ctx->live_pages;
		failed = atomic_long_read(&t->nr_alloc_failed);
		ctx->faults = 0;
		ctx->fail_at = ctx->nr_gets + n;
		ret = c->op(test);
		ctx->fail_at = 0;
		if (!ctx->faults) {
			/* The operation needs fewer than n pages: all covered. */
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s without a failure", c->name);
			expect_tree_sound(test, c->name, 0);
			break;
		}
		injected++;
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s, get_page %lu failed",
				    c->name, n);
		KUNIT_EXPECT_EQ_MSG(test, tree_digest(t), before,
				    "%s, get_page %lu failed: tree changed", c->name, n);
		KUNIT_EXPECT_EQ_MSG(test, ctx->live_pages, pages,
				    "%s, get_page %lu failed: pages kept", c->name, n);
		KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&t->nr_alloc_failed),
				    failed + 1, "%s, get_page %lu failed: not counted",
				    c->name, n);
		expect_tree_sound(test, c->name, n);
		/* The failure was transient: the operation now succeeds. */
		KUNIT_EXPECT_EQ_MSG(test, c->op(test), 0, "%s, retried after get_page %lu",
				    c->name, n);
		expect_tree_sound(test, c->name, n);
	}
	KUNIT_EXPECT_LT_MSG(test, n, FI_MAX_POINTS, "%s never completed", c->name);
	KUNIT_EXPECT_GT_MSG(test, injected, 0U, "%s allocates nothing", c->name);
	return injected;
}

static void every_allocation_failure_leaves_the_tree_unchanged(struct kunit *test)
{
	unsigned int i, faults = 0;

	fi_list = vmalloc(ALIGN(FI_LIST_PFNS, P2M_PER_PAGE) * sizeof(*fi_list));
	KUNIT_ASSERT_NOT_NULL(test, fi_list);
	for (i = 0; i < ARRAY_SIZE(p2m_fi_cases); i++)
		faults += fail_each_allocation(test, &p2m_fi_cases[i]);
	/* Free the tree's pages before the list its leaves may point into. */
	ctx_reset(test, P2M_TOP_PER_PAGE);
	vfree(fi_list);
	fi_list = NULL;
	kunit_info(test, "xm-stat faults_injected=%u\n", faults);
}

/* The sentinels: a failed init holds no page at all. */
static void failed_init_holds_no_page(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	unsigned int faults = 0;
	unsigned long n;
	int ret;

	for (n = 1; n < 16; n++) {
		/* A tree that held nothing, then init again. */
		ctx_reset(test, P2M_TOP_PER_PAGE);
		ctx_free_pages(ctx);
		ctx->faults = 0;
		ctx->fail_at = ctx->nr_gets + n;
		ret = p2m_tree_init(&ctx->t, ctx->top, P2M_TOP_PER_PAGE, &test_ops);
		ctx->fail_at = 0;
		if (!ctx->faults) {
			KUNIT_EXPECT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, ctx->live_pages, 4L);
			KUNIT_EXPECT_EQ(test, check(test), 0);
			break;
		}
		faults++;
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "get_page %lu failed", n);
		KUNIT_EXPECT_EQ_MSG(test, ctx->live_pages, 0L,
				    "get_page %lu failed: pages leaked", n);
	}
	KUNIT_EXPECT_EQ(test, faults, 4U);
	kunit_info(test, "xm-stat faults_injected=%u\n", faults);
}

/*
 * Identity ranges (boot) stop at a shortage and say how far they got: the
 * part before is identity, the rest keeps its old entries.
 */
static void identity_range_failure_keeps_the_rest(struct kunit *test)
{
	static const unsigned long probe[] = {
		0, 0x4ff, 0x500, GIB_PFNS, GIB_PFNS + 0x7f, GIB_PFNS + 0x80,
		GIB_PFNS + 0x200, 2 * GIB_PFNS - 1, 2 * GIB_PFNS,
		3 * GIB_PFNS - 1, 3 * GIB_PFNS, 3 * GIB_PFNS + 0xff,
		3 * GIB_PFNS + 0x100, 4 * GIB_PFNS,
	};
	const unsigned long s = GIB_PFNS + 0x80, e = 3 * GIB_PFNS + 0x100;
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	unsigned long old[ARRAY_SIZE(probe)], n, done, i;
	unsigned int faults = 0;

	for (n = 1; n < 64; n++) {
		ctx_reset(test, P2M_TOP_PER_PAGE);
		fi_setup_ram_tools(test);
		for (i = 0; i < ARRAY_SIZE(probe); i++)
			old[i] = p2m_tree_lookup(t, probe[i]);
		ctx->faults = 0;
		ctx->fail_at = ctx->nr_gets + n;
		done = p2m_tree_set_identity(t, s, e);
		ctx->fail_at = 0;
		expect_tree_sound(test, "identity range", n);
		if (!ctx->faults) {
			KUNIT_EXPECT_EQ(test, done, e - s);
			break;
		}
		faults++;
		KUNIT_EXPECT_LT_MSG(test, done, e - s, "get_page %lu failed", n);
		for (i = 0; i < ARRAY_SIZE(probe); i++) {
			unsigned long pfn = probe[i];
			unsigned long want = pfn >= s && pfn < s + done ?
					     IDENTITY_FRAME(pfn) : old[i];

			KUNIT_EXPECT_EQ_MSG(test, p2m_tree_lookup(t, pfn), want,
					    "pfn %#lx, get_page %lu failed, %#lx done",
					    pfn, n, done);
		}
		/* Run again: the whole range ends identity. */
		KUNIT_EXPECT_EQ(test, p2m_tree_set_identity(t, s, e), e - s);
		KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, e - 1),
				IDENTITY_FRAME(e - 1));
		expect_tree_sound(test, "identity range, again", n);
	}
	KUNIT_EXPECT_GE(test, faults, 6U);
	kunit_info(test, "xm-stat faults_injected=%u\n", faults);
}

/* ---- toolstack tree ---- */

static unsigned long tools_leaf_mfn(struct p2m_tree *t, unsigned long pfn)
{
	return t->top_mfn_p[pfn / P2M_MID_SPAN][pfn / P2M_PER_PAGE %
						  P2M_MID_PER_PAGE];
}

static void toolstack_tree_follows_every_kind_of_update(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long missing_mfn = virt_to_pfn(t->missing);
	unsigned long pfn = GIB_PFNS + 0x333;

	fill_ram(test, 0, 0x500);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_mid_mfns), 1);

	/* New mid and leaf at run time. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn, 0x10));
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_EQ(test, tools_leaf_mfn(t, pfn),
			virt_to_pfn(t->top[1][pfn / P2M_PER_PAGE %
					      P2M_MID_PER_PAGE]));
	KUNIT_EXPECT_EQ(test, t->last_pfn, ALIGN(pfn + 1, P2M_PER_PAGE));

	/* Boundary split by an identity range. */
	p2m_tree_set_identity(t, 0x480, 0x900);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	/* Whole leaf over RAM becomes the sentinel: toolstack sees missing. */
	p2m_tree_set_identity(t, 0, P2M_PER_PAGE);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_EQ(test, tools_leaf_mfn(t, 0), missing_mfn);
	/* Whole GiB over a linked mid. */
	p2m_tree_set_identity(t, GIB_PFNS, 2 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_EQ(test, tools_leaf_mfn(t, pfn), missing_mfn);
	/* Splitting that identity again. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn, 0x11));
	KUNIT_EXPECT_EQ(test, check(test), 0);
	/* Foreign frame in a fresh GiB, then cleared. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, 5 * GIB_PFNS,
					       FOREIGN_FRAME(0x5UL)));
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_TRUE(test, p2m_tree_set(t, 5 * GIB_PFNS,
					     INVALID_P2M_ENTRY));
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void toolstack_refresh_allocates_nothing(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	long pages;

	fill_ram(test, 0, 3 * P2M_PER_PAGE);
	p2m_tree_set_identity(t, GIB_PFNS + 7, 3 * GIB_PFNS);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	pages = ctx->live_pages;
	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_EXPECT_EQ(test, ctx->live_pages, pages);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

static void check_reports_a_stale_toolstack_slot(struct kunit *test)
{
	struct p2m_tree *t = tree(test);
	unsigned long saved;

	fill_ram(test, 0, 10);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	saved = t->top_mfn_p[0][0];
	t->top_mfn_p[0][0] = 0xdead;
	KUNIT_EXPECT_EQ(test, check(test), -EINVAL);
	t->top_mfn_p[0][0] = saved;
	KUNIT_EXPECT_EQ(test, check(test), 0);
	t->missing[3] = 0;
	KUNIT_EXPECT_EQ(test, check(test), -EINVAL);
	t->missing[3] = INVALID_P2M_ENTRY;
}

/* ---- the linear view ---- */

/* A new tree of 512 top slots whose linear view test_view_ops keep. */
static struct p2m_tree *view_tree(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	unsigned long nr_top = P2M_TOP_PER_PAGE, j;

	ctx->top = kunit_kcalloc(test, nr_top, sizeof(*ctx->top), GFP_KERNEL);
	ctx->view_pt = kunit_kcalloc(test, nr_top, sizeof(*ctx->view_pt),
				     GFP_KERNEL);
	ctx->view_missing = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ctx->view_identity = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->top);
	KUNIT_ASSERT_NOT_NULL(test, ctx->view_pt);
	KUNIT_ASSERT_NOT_NULL(test, ctx->view_missing);
	KUNIT_ASSERT_NOT_NULL(test, ctx->view_identity);
	/* The default tree of init goes: its pages stay counted. */
	ctx->t.priv = ctx;
	KUNIT_ASSERT_EQ(test, p2m_tree_init(&ctx->t, ctx->top, nr_top,
					    &test_view_ops), 0);
	ctx->t.priv = ctx;
	for (j = 0; j < P2M_PER_PAGE; j++) {
		ctx->view_missing[j] = virt_to_pfn(ctx->t.missing);
		ctx->view_identity[j] = virt_to_pfn(ctx->t.identity);
	}
	return &ctx->t;
}

static unsigned long view_mfn(struct kunit *test, unsigned long pfn)
{
	return test_view_mfn(tree(test), pfn);
}

static void linear_view_follows_every_leaf_change(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = view_tree(test);
	unsigned long gen, pfn = 3 * GIB_PFNS + 5;

	fill_ram(test, 0, 0x500);
	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	KUNIT_ASSERT_EQ(test, p2m_tree_view_start(t), 0);
	KUNIT_EXPECT_TRUE(test, t->view_on);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_view_pages), 1);
	KUNIT_EXPECT_EQ(test, ctx->gen, 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->view_pt[1], ctx->view_missing);

	/* A leaf in a real mid: one change, the counter odd during it. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, 0x10000, 0x42));
	KUNIT_EXPECT_EQ(test, ctx->gen, 2);
	KUNIT_EXPECT_EQ(test, view_mfn(test, 0x10000),
			virt_to_pfn(t->top[0][0x10000 / P2M_PER_PAGE]));
	KUNIT_EXPECT_EQ(test, check(test), 0);

	/* A new mid: its own page table first, then the leaf. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn, 0x43));
	KUNIT_EXPECT_EQ(test, ctx->gen, 6);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_view_pages), 2);
	KUNIT_EXPECT_PTR_NE(test, ctx->view_pt[3], ctx->view_missing);
	KUNIT_EXPECT_EQ(test, check(test), 0);

	/* Writing an entry of an existing leaf is no change of the view. */
	KUNIT_ASSERT_TRUE(test, p2m_tree_store(t, pfn + 1, 0x44));
	KUNIT_EXPECT_EQ(test, ctx->gen, 6);

	/* A leaf freed (whole leaf made identity): mapped as identity. */
	gen = ctx->gen;
	p2m_tree_set_identity(t, P2M_PER_PAGE, 2 * P2M_PER_PAGE);
	KUNIT_EXPECT_EQ(test, ctx->gen, gen + 2);
	KUNIT_EXPECT_EQ(test, view_mfn(test, P2M_PER_PAGE),
			virt_to_pfn(t->identity));
	KUNIT_EXPECT_EQ(test, check(test), 0);

	/* A whole GiB over a real mid: every slot changes, the mid stays. */
	gen = ctx->gen;
	p2m_tree_set_identity(t, 3 * GIB_PFNS, 4 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, ctx->gen, gen + 2 * P2M_MID_PER_PAGE);
	KUNIT_EXPECT_EQ(test, view_mfn(test, pfn), virt_to_pfn(t->identity));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_view_pages), 2);
	KUNIT_EXPECT_EQ(test, check(test), 0);

	/* A missing GiB made identity: the shared identity table. */
	gen = ctx->gen;
	p2m_tree_set_identity(t, 5 * GIB_PFNS, 6 * GIB_PFNS);
	KUNIT_EXPECT_EQ(test, ctx->gen, gen + 2);
	KUNIT_EXPECT_PTR_EQ(test, ctx->view_pt[5], ctx->view_identity);
	KUNIT_EXPECT_EQ(test, check(test), 0);

	KUNIT_EXPECT_EQ(test, ctx->gen, 2 * ctx->view_changes);
	KUNIT_EXPECT_EQ(test, ctx->view_even, 0);
	KUNIT_EXPECT_EQ(test, ctx->view_shared, 0);
	KUNIT_EXPECT_EQ(test, ctx->view_early, 0);
}

static void linear_view_check_reports_a_stale_entry(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = view_tree(test);
	unsigned long saved;

	fill_ram(test, 0, 10);
	KUNIT_ASSERT_EQ(test, p2m_tree_view_start(t), 0);
	KUNIT_EXPECT_EQ(test, check(test), 0);
	saved = ctx->view_pt[0][0];
	ctx->view_pt[0][0] = 0xdead;
	KUNIT_EXPECT_EQ(test, check(test), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(ctx->msg, "view"));
	ctx->view_pt[0][0] = saved;
	ctx->view_pt[7] = ctx->view_identity;
	KUNIT_EXPECT_EQ(test, check(test), -EINVAL);
	ctx->view_pt[7] = ctx->view_missing;
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

/* A shortage while the view is on changes neither tree, view nor counter. */
static void linear_view_allocation_failure_changes_nothing(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = view_tree(test);
	unsigned long n, pfn = 9 * GIB_PFNS + 3;
	long pages;
	int ret;

	fill_ram(test, 0, 10);
	ctx->budget = 0;
	KUNIT_EXPECT_EQ(test, p2m_tree_view_start(t), -ENOMEM);
	KUNIT_EXPECT_FALSE(test, t->view_on);
	ctx->budget = -1;
	KUNIT_ASSERT_EQ(test, p2m_tree_view_start(t), 0);

	for (n = 1; n < 8; n++) {
		pages = ctx->live_pages;
		ctx->nr_gets = 0;
		ctx->fail_at = n;
		ret = p2m_tree_populate(t, pfn);
		ctx->fail_at = 0;
		if (!ret)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "get_page %lu failed", n);
		KUNIT_EXPECT_EQ_MSG(test, ctx->live_pages, pages,
				    "get_page %lu failed: pages kept", n);
		KUNIT_EXPECT_EQ_MSG(test, ctx->gen, 0,
				    "get_page %lu failed: view changed", n);
		KUNIT_EXPECT_PTR_EQ(test, ctx->view_pt[9], ctx->view_missing);
		KUNIT_EXPECT_EQ(test, check(test), 0);
	}
	/* Mid, its page table and the leaf: the fourth try succeeds. */
	KUNIT_EXPECT_EQ(test, n, 4);
	KUNIT_EXPECT_EQ(test, ctx->gen, 4);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

/* ---- readers against writers ---- */

#define STRESS_WRITERS	2
#define STRESS_READERS	2
#define STRESS_SPAN	(4 * P2M_PER_PAGE)
#define STRESS_BASE	(7 * GIB_PFNS - 2 * P2M_PER_PAGE)	/* two mids */
#define STRESS_VAL(pfn)	((pfn) ^ 0x5a5a000UL)

struct stress {
	struct p2m_tree *t;
	unsigned int id;
	atomic_t *writers_left;
	unsigned long bad;
	unsigned long reads;
	struct completion done;
};

static int stress_writer(void *arg)
{
	struct stress *s = arg;
	unsigned long pfn;

	for (pfn = STRESS_BASE + s->id; pfn < STRESS_BASE + STRESS_SPAN;
	     pfn += STRESS_WRITERS)
		if (!p2m_tree_store(s->t, pfn, STRESS_VAL(pfn)))
			s->bad++;
	atomic_dec(s->writers_left);
	complete(&s->done);
	return 0;
}

static int stress_reader(void *arg)
{
	struct stress *s = arg;
	unsigned long pfn = STRESS_BASE + s->id;

	do {
		unsigned long v = p2m_tree_lookup(s->t, pfn);

		if (v != INVALID_P2M_ENTRY && v != STRESS_VAL(pfn))
			s->bad++;
		s->reads++;
		pfn = STRESS_BASE + (pfn - STRESS_BASE + 97) % STRESS_SPAN;
		cond_resched();
	} while (atomic_read(s->writers_left) || s->reads < 10000);
	complete(&s->done);
	return 0;
}

static void readers_never_see_torn_or_foreign_values(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t = tree(test);
	struct stress *s;
	atomic_t writers_left = ATOMIC_INIT(STRESS_WRITERS);
	unsigned int i, n = STRESS_WRITERS + STRESS_READERS;
	unsigned long pfn;

	KUNIT_ASSERT_EQ(test, p2m_tree_build_mfn_tree(t), 0);
	s = kunit_kcalloc(test, n, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < n; i++) {
		struct task_struct *task;

		s[i].t = t;
		s[i].id = i < STRESS_WRITERS ? i : i - STRESS_WRITERS;
		s[i].writers_left = &writers_left;
		init_completion(&s[i].done);
		task = kthread_run(i < STRESS_WRITERS ? stress_writer :
				   stress_reader, &s[i], "p2m_stress/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&s[i].done);
		KUNIT_EXPECT_EQ_MSG(test, s[i].bad, 0UL, "thread %u", i);
	}

	for (pfn = STRESS_BASE; pfn < STRESS_BASE + STRESS_SPAN; pfn++)
		KUNIT_EXPECT_EQ(test, p2m_tree_lookup(t, pfn), STRESS_VAL(pfn));
	/* Exactly the pages needed survive: losers freed theirs. */
	KUNIT_EXPECT_EQ(test, mids(test), 2);
	KUNIT_EXPECT_EQ(test, leaves(test), 4);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->nr_mid_mfns), 2);
	KUNIT_EXPECT_EQ(test, ctx->live_pages, 4L + 3 + 2 + 4 + 2);
	KUNIT_EXPECT_EQ(test, check(test), 0);
}

/* ---- the live P2M of a Xen PV guest ---- */

static void live_p2m_is_consistent(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;

	if (!xen_p2m_live())
		kunit_skip(test, "not booted as a Xen PV guest");
	KUNIT_EXPECT_EQ_MSG(test, xen_p2m_check(ctx->msg, sizeof(ctx->msg)), 0,
			    "%s", ctx->msg);
}

/*
 * A new leaf in the live tree moves shared_info's p2m_generation by two
 * (or more, if another writer ran) and shows in the linear view.
 */
static void live_new_leaf_moves_the_generation(struct kunit *test)
{
	struct p2m_test_ctx *ctx = test->priv;
	struct p2m_tree *t;
	unsigned long i, j, pfn = ~0UL, gen;

	if (!xen_p2m_live())
		kunit_skip(test, "not booted as a Xen PV guest");
	t = xen_p2m_live_tree();
	if (!t->view_on)
		kunit_skip(test, "no linear view");
	/* A missing leaf in a real mid: populating it changes no entry. */
	for (i = 0; i < t->nr_top && pfn == ~0UL; i++) {
		unsigned long **mid = READ_ONCE(t->top[i]);

		if (mid == t->mid_missing || mid == t->mid_identity)
			continue;
		for (j = 0; j < P2M_MID_PER_PAGE; j++) {
			if (READ_ONCE(mid[j]) == t->missing) {
				pfn = i * P2M_MID_SPAN + j * P2M_PER_PAGE;
				break;
			}
		}
	}
	if (pfn == ~0UL)
		kunit_skip(test, "no missing leaf in a real mid");
	gen = READ_ONCE(HYPERVISOR_shared_info->arch.p2m_generation);
	KUNIT_ASSERT_EQ(test, p2m_tree_populate(t, pfn), 0);
	KUNIT_EXPECT_GE(test, READ_ONCE(HYPERVISOR_shared_info->arch.p2m_generation),
			gen + 2);
	KUNIT_EXPECT_EQ(test, get_phys_to_machine(pfn), INVALID_P2M_ENTRY);
	KUNIT_EXPECT_EQ_MSG(test, xen_p2m_check(ctx->msg, sizeof(ctx->msg)), 0,
			    "%s", ctx->msg);
	kunit_info(test, "pfn %#lx: leaf installed, generation %lu -> %lu\n",
		   pfn, gen,
		   (unsigned long)HYPERVISOR_shared_info->arch.p2m_generation);
}

static void live_kernel_text_pfns_round_trip(struct kunit *test)
{
	unsigned long first = PFN_DOWN(__pa_symbol(_text));
	unsigned long last = PFN_DOWN(__pa_symbol(_end) - 1);
	unsigned long pfn, mfn;

	if (!xen_p2m_live())
		kunit_skip(test, "not booted as a Xen PV guest");
	for (pfn = first; pfn <= last; pfn++) {
		mfn = get_phys_to_machine(pfn);
		KUNIT_ASSERT_EQ_MSG(test, p2m_entry_kind(mfn), P2M_KIND_RAM,
				    "pfn %#lx", pfn);
		KUNIT_ASSERT_EQ_MSG(test, __pfn_to_mfn(pfn), mfn, "pfn %#lx",
				    pfn);
		KUNIT_ASSERT_EQ_MSG(test, mfn_to_pfn(mfn), pfn, "pfn %#lx",
				    pfn);
	}
}

static struct kunit_case xen_p2m_cases[] = {
	KUNIT_CASE(new_tree_is_missing_below_limit_identity_above),
	KUNIT_CASE(ram_entry_reads_back_neighbours_stay_missing),
	KUNIT_CASE(identity_range_reads_identity_frame),
	KUNIT_CASE(foreign_entry_reads_foreign_frame),
	KUNIT_CASE(seed002_hole_splits_only_boundary_leaves),
	KUNIT_CASE(seed002_dump_has_one_run_per_kind),
	KUNIT_CASE(boot_list_tail_past_nr_pages_reads_missing),
	KUNIT_CASE(boot_list_must_be_page_aligned),
	KUNIT_CASE(boot_list_answers_until_boot_end),
	KUNIT_CASE(boot_of_1_2_tib_fits_brk),
	KUNIT_CASE(boot_of_16_tib_fits_brk),
	KUNIT_CASE(early_store_past_budget_changes_nothing),
	KUNIT_CASE(aligned_hole_of_3gib_costs_no_page),
	KUNIT_CASE(unaligned_hole_of_3gib_costs_two_mids_one_leaf),
	KUNIT_CASE(whole_gib_identity_over_ram_frees_its_pages),
	KUNIT_CASE(pfn_past_512gib_maps_in_a_two_page_top),
	KUNIT_CASE(identity_past_limit_is_clamped_not_dropped),
	KUNIT_CASE(write_into_missing_sentinel_is_refused),
	KUNIT_CASE(write_into_identity_sentinel_is_refused),
	KUNIT_CASE(write_past_limit_is_refused),
	KUNIT_CASE(identity_leaf_split_keeps_other_pfns_identity),
	KUNIT_CASE(identity_mid_split_keeps_identity),
	KUNIT_CASE(budget_exhausted_before_first_split_changes_nothing),
	KUNIT_CASE(budget_exhausted_midway_reports_partial_count),
	KUNIT_CASE(brk_worst_case_formula),
	KUNIT_CASE(toolstack_tree_follows_every_kind_of_update),
	KUNIT_CASE(toolstack_refresh_allocates_nothing),
	KUNIT_CASE(check_reports_a_stale_toolstack_slot),
	KUNIT_CASE(linear_view_follows_every_leaf_change),
	KUNIT_CASE(linear_view_check_reports_a_stale_entry),
	KUNIT_CASE(linear_view_allocation_failure_changes_nothing),
	KUNIT_CASE(every_allocation_failure_leaves_the_tree_unchanged),
	KUNIT_CASE(failed_init_holds_no_page),
	KUNIT_CASE(identity_range_failure_keeps_the_rest),
	KUNIT_CASE(readers_never_see_torn_or_foreign_values),
	KUNIT_CASE(live_p2m_is_consistent),
	KUNIT_CASE(live_new_leaf_moves_the_generation),
	KUNIT_CASE(live_kernel_text_pfns_round_trip),
	{}
};

static struct kunit_suite xen_p2m_suite = {
	.name = "xen_p2m",
	.init = xen_p2m_test_init,
	.exit = xen_p2m_test_exit,
	.test_cases = xen_p2m_cases,
};

kunit_test_suite(xen_p2m_suite);
MODULE_LICENSE("GPL");
