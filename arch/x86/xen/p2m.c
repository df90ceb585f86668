// SPDX-License-Identifier: GPL-2.0
/*
 * The P2M of a Xen PV guest: a three-level tree from pseudo-physical frame
 * numbers (pfn) to machine frame numbers (mfn).
 *
 *                 xen_p2m_top (nr_top slots, sized at boot)
 *                 |            |              |              |
 *          real mid     p2m_mid_missing  p2m_mid_identity   ...
 *         /    |    \        |   (all slots)     |   (all slots)
 *   real leaf  |  p2m_missing|              p2m_identity
 *   [mfn ...]  |  [~0 ...] <-+              [~0 ...], lookups that land
 *           p2m_identity                    here answer IDENTITY_FRAME(pfn)
 *
 *   Toolstack view, linked by MFNs, first 512 top slots only:
 *
 *   shared_info.arch.pfn_to_mfn_frame_list_list
 *        |
 *     p2m_top_mfn [mfn of a mid-MFN page, one per top slot]
 *        |                      (p2m_top_mfn_p holds the same pages by VA)
 *     mid-MFN page [mfn of each leaf; absent leaves: mfn of p2m_missing]
 *        |
 *     leaves (the very pages of the kernel tree)
 *
 *   Linear view (shared_info.arch.p2m_vaddr, p2m_cr3, p2m_generation),
 *   built once the page tables and memblock are up, covering the whole
 *   tree: the same leaves mapped read-only one after the other in a
 *   vmalloc area, so the toolstack (libxenguest since Xen 4.6 prefers
 *   it) sees one array of MFNs with no 512 GiB limit:
 *
 *     p2m_vaddr + (pfn / 512) * 4 KiB -> the leaf holding pfn
 *     PMD entry i (2 MiB of view)      -> PTE page of top slot i: a page
 *                                         of its own for a real mid, else
 *                                         the shared page of its sentinel
 *                                         (one page for all missing GiBs,
 *                                         one for all identity GiBs)
 *
 *   Every change of a leaf or mid pointer once the view is on happens
 *   under one lock between two increments of p2m_generation, with the
 *   view's entry updated with the tree's, so a toolstack that reads the
 *   counter before and after mapping the view notices any change.
 *
 * Geometry on x86_64: a leaf holds 512 entries (2 MiB of pfns), a mid holds
 * 512 leaves (1 GiB), each top slot one mid. The top is not one page: it is
 * sized at boot from the highest pfn the guest may reach (E820 end, Xen's
 * maximum reservation, the hotplug limit), rounded up to whole pages and
 * taken from brk, so there is no 512 GiB ceiling in the kernel's tree. The
 * MFN tree's ABI has one top page only; it sees the first 512 GiB, the
 * linear view sees all.
 *
 * No slot is ever NULL. Void slots point at four shared sentinels: a leaf
 * of ~0 (missing), a mid of missing leaves, the identity leaf and a mid of
 * identity leaves. The identity leaf is recognised by its address; its
 * contents are ~0 as well because the toolstack understands only MFNs and
 * ~0 (an MFN repeated 512 times would look to it like a race). A hole of
 * any size therefore costs nothing but pointers, and only the leaves where
 * RAM and hole meet are real pages.
 *
 * Example: RAM to 1029 MiB, a hole, RAM again from 2001 MiB. The hole is
 * pfns 0x40500..0x7d100. Top slot 1 (1..2 GiB) gets a real mid because
 * RAM ends inside it: leaf 2 of that mid (1028..1030 MiB) is split, its
 * first 256 entries are MFNs and the rest IDENTITY_FRAME(pfn); leaves 3..
 * 487 become p2m_identity; leaf 488 (2000..2002 MiB) is split with 256
 * identity entries then MFNs. Cost of the hole: the two boundary leaves,
 * nothing else. A hole of several GiB on whole-GiB boundaries costs zero
 * pages: its top slots point at p2m_mid_identity.
 *
 * Readers take no lock. The inline __pfn_to_mfn() does a bound check, three
 * dependent loads (top slot, mid slot, leaf entry) and compares the entry
 * with ~0; anything unusual (missing, identity, beyond the tree) takes the
 * out-of-line get_phys_to_machine(). Writers of one entry store it with one
 * aligned word store. A new mid or leaf is filled completely before being
 * installed with cmpxchg(), which orders the fill before the publication;
 * a writer that loses the race frees its page and uses the winner's. Pages
 * linked into the tree are freed only at boot (identity ranges replacing
 * whole leaves), when no other CPU runs; at run time the tree only grows,
 * so a reader never follows a pointer into a freed page.
 *
 * Boot: xen_build_dynamic_phys_to_machine() runs before any allocator. It
 * takes the top and the sentinels from brk; Xen's mfn_list itself is the
 * boot list, answering for the initial RAM (the tail of its last leaf past
 * nr_pages set to ~0), so brk use does not grow with nr_pages. Until the
 * list is adopted xen_p2m_limit is 0 and every lookup takes the call.
 * Updates before memblock knows the RAM (set_phys_to_machine_early(),
 * set_phys_range_identity()) write the list below nr_pages and take tree
 * pages from brk above it, within a budget reported at boot. Once the
 * kernel page tables are up, xen_p2m_adopt_boot_list() grafts the list
 * under mids from memblock, turns its whole identity leaves into the
 * sentinel, copies the other leaves so that Xen's list can be freed, and
 * publishes xen_p2m_limit. Later allocations use memblock, then the page
 * allocator.
 *
 * debugfs xen/mmu/p2m prints one line per run of pfns of one kind (ram,
 * identity, missing, foreign) and the tree's pages by kind; sentinel mids
 * and leaves are one step each, only real leaves are read entry by entry.
 * xen/mmu/p2m_check prints "ok" or the first place where the toolstack
 * tree disagrees with the kernel tree (or a sentinel was written).
 *
 * Each tree is a struct p2m_tree with its own page supply, so the KUnit
 * suite runs the same code on private instances without Xen.
 */

#define pr_fmt(fmt) "xen:p2m: " fmt

#include <linux/init.h>
#include <linux/export.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/debugfs.h>
#include <linux/pgtable.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <asm/setup.h>
#include <asm/e820/types.h>
#include <asm/xen/page.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/xen.h>
#include <xen/interface/memory.h>
#include <xen/grant_table.h>

#include "p2m-tree.h"
#include "xen-ops.h"

#define P2M_MAX_PFN_BITS	(46 - PAGE_SHIFT)
#define P2M_MAX_PFN		BIT(P2M_MAX_PFN_BITS)
#define P2M_MAX_TOP		(P2M_MAX_PFN / P2M_MID_SPAN)

static inline unsigned long p2m_top_idx(unsigned long pfn)
{
	return pfn / P2M_MID_SPAN;
}

static inline unsigned long p2m_mid_idx(unsigned long pfn)
{
	return (pfn / P2M_PER_PAGE) % P2M_MID_PER_PAGE;
}

static inline unsigned long p2m_leaf_idx(unsigned long pfn)
{
	return pfn % P2M_PER_PAGE;
}

static bool p2m_leaf_is_sentinel(const struct p2m_tree *t,
				 const unsigned long *leaf)
{
	return leaf == t->missing || leaf == t->identity;
}

static bool p2m_mid_is_sentinel(const struct p2m_tree *t,
				unsigned long **mid)
{
	return mid == t->mid_missing || mid == t->mid_identity;
}

static bool p2m_leaf_is_borrowed(const struct p2m_tree *t,
				 const unsigned long *leaf)
{
	return leaf >= t->borrowed_start && leaf < t->borrowed_end;
}

static void p2m_fill(unsigned long *page, unsigned long val)
{
	unsigned int i;

	for (i = 0; i < P2M_PER_PAGE; i++)
		page[i] = val;
}

static void p2m_fill_mid(unsigned long **mid, unsigned long *leaf)
{
	unsigned int i;

	for (i = 0; i < P2M_MID_PER_PAGE; i++)
		mid[i] = leaf;
}

static unsigned long p2m_mfn(struct p2m_tree *t, void *page)
{
	return t->ops->page_mfn(t, page);
}

static void *p2m_alloc(struct p2m_tree *t)
{
	void *p = t->ops->get_page(t);

	if (!p)
		atomic_long_inc(&t->nr_alloc_failed);
	return p;
}

/*
 * Pages for one operation are taken before it changes anything, so that a
 * shortage leaves the tree as it was: all @n pages, chained through their
 * first word, or none.
 */
static void *p2m_take_reserved(void **chain)
{
	void *page = *chain;

	if (page)
		*chain = *(void **)page;
	return page;
}

static void p2m_unreserve(struct p2m_tree *t, void **chain)
{
	void *page;

	while ((page = p2m_take_reserved(chain)))
		t->ops->put_page(t, page);
}

static int p2m_reserve(struct p2m_tree *t, unsigned long n, void **chain)
{
	void *page;

	*chain = NULL;
	while (n--) {
		page = p2m_alloc(t);
		if (!page) {
			p2m_unreserve(t, chain);
			return -ENOMEM;
		}
		*(void **)page = *chain;
		*chain = page;
	}
	return 0;
}

/* Drop a leaf that is no longer linked: boot-time identity only. */
static void p2m_drop_leaf(struct p2m_tree *t, unsigned long *leaf)
{
	if (p2m_leaf_is_sentinel(t, leaf))
		return;
	if (p2m_leaf_is_borrowed(t, leaf)) {
		atomic_long_dec(&t->nr_borrowed);
		return;
	}
	atomic_long_dec(&t->nr_leaves);
	t->ops->put_page(t, leaf);
}

VISIBLE_IF_KUNIT int p2m_tree_init(struct p2m_tree *t, unsigned long ***top,
				   unsigned long nr_top,
				   const struct p2m_tree_ops *ops)
{
	void *priv = t->priv;
	unsigned long i;
	void *chain;

	memset(t, 0, sizeof(*t));
	t->priv = priv;
	t->ops = ops;
	spin_lock_init(&t->view_lock);
	if (p2m_reserve(t, 4, &chain))
		return -ENOMEM;
	t->missing = p2m_take_reserved(&chain);
	t->identity = p2m_take_reserved(&chain);
	t->mid_missing = p2m_take_reserved(&chain);
	t->mid_identity = p2m_take_reserved(&chain);

	p2m_fill(t->missing, INVALID_P2M_ENTRY);
	p2m_fill(t->identity, INVALID_P2M_ENTRY);
	p2m_fill_mid(t->mid_missing, t->missing);
	p2m_fill_mid(t->mid_identity, t->identity);

	for (i = 0; i < nr_top; i++)
		top[i] = t->mid_missing;
	t->top = top;
	t->nr_top = nr_top;
	t->limit = nr_top * P2M_MID_SPAN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_init);

VISIBLE_IF_KUNIT unsigned long p2m_tree_lookup(const struct p2m_tree *t,
					       unsigned long pfn)
{
	unsigned long **mid;
	unsigned long *leaf, mfn;

	if (unlikely(pfn >= t->limit))
		return IDENTITY_FRAME(pfn);

	mid = READ_ONCE(t->top[p2m_top_idx(pfn)]);
	leaf = READ_ONCE(mid[p2m_mid_idx(pfn)]);
	if (leaf == t->identity)
		return IDENTITY_FRAME(pfn);
	mfn = READ_ONCE(leaf[p2m_leaf_idx(pfn)]);
	/* In the boot phase the tree is missing where the list answers. */
	if (unlikely(mfn == INVALID_P2M_ENTRY && pfn < t->boot_nr))
		return READ_ONCE(t->boot_list[pfn]);
	return mfn;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_lookup);

/*
 * Store one entry if a real leaf holds it. On a sentinel, succeed only if
 * the sentinel already says what is asked; never write into it.
 */
VISIBLE_IF_KUNIT bool p2m_tree_set(struct p2m_tree *t, unsigned long pfn,
				   unsigned long mfn)
{
	unsigned long **mid;
	unsigned long *leaf;

	if (unlikely(pfn >= t->limit))
		return mfn == IDENTITY_FRAME(pfn);

	mid = READ_ONCE(t->top[p2m_top_idx(pfn)]);
	leaf = READ_ONCE(mid[p2m_mid_idx(pfn)]);
	if (leaf == t->missing) {
		/* In the boot phase the tree is missing where the list holds. */
		if (unlikely(pfn < t->boot_nr)) {
			WRITE_ONCE(t->boot_list[pfn], mfn);
			return true;
		}
		return mfn == INVALID_P2M_ENTRY;
	}
	if (leaf == t->identity)
		return mfn == IDENTITY_FRAME(pfn);

	WRITE_ONCE(leaf[p2m_leaf_idx(pfn)], mfn);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_set);

/* Does top slot @ti still lack its toolstack (mid-MFN) page? */
static bool p2m_needs_mid_mfn(struct p2m_tree *t, unsigned long ti)
{
	return t->top_mfn && ti < P2M_TOOLS_TOP_SLOTS &&
	       READ_ONCE(t->top_mfn_p[ti]) == t->mid_missing_mfn;
}

/* Pages p2m_link_mid() needs for the top slot of @pfn. */
static unsigned long p2m_mid_pages_needed(struct p2m_tree *t,
					  unsigned long pfn)
{
	unsigned long ti = p2m_top_idx(pfn);

	return p2m_mid_is_sentinel(t, READ_ONCE(t->top[ti])) *
	       (1 + t->view_on) + p2m_needs_mid_mfn(t, ti);
}

/*
 * Bracket a change the linear view's readers must notice: the toolstack
 * reads the counter before and after it maps the view, and any change
 * in between moves it (odd while one is under way).
 */
static unsigned long p2m_view_begin(struct p2m_tree *t)
{
	unsigned long flags;

	spin_lock_irqsave(&t->view_lock, flags);
	t->ops->view_gen(t);
	virt_wmb(); /* The toolstack sees the count move before the change. */
	return flags;
}

static void p2m_view_end(struct p2m_tree *t, unsigned long flags)
{
	virt_wmb(); /* ... and the change before the count moves again. */
	t->ops->view_gen(t);
	spin_unlock_irqrestore(&t->view_lock, flags);
}

/* Record a leaf of the kernel tree in the toolstack tree, if built. */
static void p2m_tools_set_leaf(struct p2m_tree *t, unsigned long pfn,
			       unsigned long *leaf);

/*
 * Replace leaf @old of @pfn's slot in @mid by @new, in the kernel tree,
 * the toolstack tree and the linear view at once. Fails, changing
 * nothing, if the slot no longer holds @old.
 */
static bool p2m_swap_leaf(struct p2m_tree *t, unsigned long **mid,
			  unsigned long pfn, unsigned long *old,
			  unsigned long *new)
{
	unsigned long flags = 0;
	bool done;

	if (t->view_on)
		flags = p2m_view_begin(t);
	done = cmpxchg(&mid[p2m_mid_idx(pfn)], old, new) == old;
	if (done) {
		p2m_tools_set_leaf(t, pfn, new);
		if (t->view_on)
			t->ops->view_leaf(t, pfn, new);
	}
	if (t->view_on)
		p2m_view_end(t, flags);
	return done;
}

/*
 * Point top slot @ti at @new if it still holds @old. In the linear view
 * a real mid gets @page as its page table (a sentinel mid: NULL, the
 * shared one); @page is used only if the swap is done.
 */
static bool p2m_swap_mid(struct p2m_tree *t, unsigned long ti,
			 unsigned long **old, unsigned long **new, void *page)
{
	unsigned long flags;
	bool done;

	if (!t->view_on)
		return cmpxchg(&t->top[ti], old, new) == old;
	flags = p2m_view_begin(t);
	done = cmpxchg(&t->top[ti], old, new) == old;
	if (done) {
		t->ops->view_mid(t, ti, page);
		if (page)
			atomic_long_inc(&t->nr_view_pages);
	}
	p2m_view_end(t, flags);
	return done;
}

/*
 * Make the top slot of @pfn a real mid with its toolstack page, taking
 * the pages from @chain (reserved with p2m_mid_pages_needed()). A page
 * left over because another writer won goes back at once.
 */
static unsigned long **p2m_link_mid(struct p2m_tree *t, unsigned long pfn,
				    void **chain)
{
	unsigned long ti = p2m_top_idx(pfn);
	unsigned long **mid, **new;
	unsigned long *new_mfn, *old_mfn;
	void *page = NULL;

	mid = READ_ONCE(t->top[ti]);
	if (p2m_mid_is_sentinel(t, mid)) {
		new = p2m_take_reserved(chain);
		if (t->view_on)
			page = p2m_take_reserved(chain);
		if (WARN_ON_ONCE(!new || (t->view_on && !page))) {
			if (new)
				t->ops->put_page(t, new);
			return NULL;
		}
		p2m_fill_mid(new, mid == t->mid_missing ? t->missing :
							  t->identity);
		if (p2m_swap_mid(t, ti, mid, new, page)) {
			atomic_long_inc(&t->nr_mids);
			mid = new;
		} else {
			t->ops->put_page(t, new);
			if (page)
				t->ops->put_page(t, page);
			mid = READ_ONCE(t->top[ti]);
		}
	}

	/* Give the mid its toolstack page before any leaf goes into it. */
	if (!p2m_needs_mid_mfn(t, ti))
		return mid;
	new_mfn = p2m_take_reserved(chain);
	if (WARN_ON_ONCE(!new_mfn))
		return NULL;
	p2m_fill(new_mfn, p2m_mfn(t, t->missing));
	old_mfn = cmpxchg(&t->top_mfn_p[ti], t->mid_missing_mfn, new_mfn);
	if (old_mfn == t->mid_missing_mfn) {
		atomic_long_inc(&t->nr_mid_mfns);
		WRITE_ONCE(t->top_mfn[ti], p2m_mfn(t, new_mfn));
	} else {
		t->ops->put_page(t, new_mfn);
	}
	return mid;
}

/* Make the top slot of @pfn a real mid; returns it, or NULL and no change. */
static unsigned long **p2m_ensure_mid(struct p2m_tree *t, unsigned long pfn)
{
	unsigned long **mid;
	void *chain;

	if (p2m_reserve(t, p2m_mid_pages_needed(t, pfn), &chain))
		return NULL;
	mid = p2m_link_mid(t, pfn, &chain);
	p2m_unreserve(t, &chain);
	return mid;
}

static void p2m_tools_set_leaf(struct p2m_tree *t, unsigned long pfn,
			       unsigned long *leaf)
{
	unsigned long ti = p2m_top_idx(pfn);
	unsigned long *mid_mfn;

	if (!t->top_mfn || ti >= P2M_TOOLS_TOP_SLOTS)
		return;
	mid_mfn = READ_ONCE(t->top_mfn_p[ti]);
	if (mid_mfn == t->mid_missing_mfn)
		return;
	if (p2m_leaf_is_sentinel(t, leaf))
		leaf = t->missing;
	WRITE_ONCE(mid_mfn[p2m_mid_idx(pfn)], p2m_mfn(t, leaf));
}

/*
 * Give @pfn a real mid and a real leaf. A missing leaf becomes a leaf of
 * ~0, an identity leaf a leaf of per-pfn identity entries.
 */
VISIBLE_IF_KUNIT int p2m_tree_populate(struct p2m_tree *t, unsigned long pfn)
{
	unsigned long **mid;
	unsigned long *leaf, *new;
	unsigned long base, i, need;
	void *chain;

	if (pfn >= t->limit)
		return -ERANGE;
	if (pfn < t->boot_nr)
		return 0;

	/*
	 * Take every page this may need (mid, its toolstack page, leaf) first:
	 * pages linked at run time are never freed, so a shortage must be
	 * found before anything is linked.
	 */
	mid = READ_ONCE(t->top[p2m_top_idx(pfn)]);
	need = p2m_mid_pages_needed(t, pfn) +
	       p2m_leaf_is_sentinel(t, READ_ONCE(mid[p2m_mid_idx(pfn)]));
	if (p2m_reserve(t, need, &chain))
		return -ENOMEM;

	mid = p2m_link_mid(t, pfn, &chain);
	if (!mid) {
		p2m_unreserve(t, &chain);
		return -ENOMEM;
	}
	leaf = READ_ONCE(mid[p2m_mid_idx(pfn)]);
	if (p2m_leaf_is_sentinel(t, leaf)) {
		new = p2m_take_reserved(&chain);
		if (WARN_ON_ONCE(!new))
			return -ENOMEM;
		base = pfn - p2m_leaf_idx(pfn);
		if (leaf == t->identity) {
			for (i = 0; i < P2M_PER_PAGE; i++)
				new[i] = IDENTITY_FRAME(base + i);
		} else {
			p2m_fill(new, INVALID_P2M_ENTRY);
		}
		if (p2m_swap_leaf(t, mid, pfn, leaf, new))
			atomic_long_inc(&t->nr_leaves);
		else
			t->ops->put_page(t, new);
	}
	p2m_unreserve(t, &chain);

	/* max_pfn for the toolstack: only grows, racing writers agree. */
	base = ALIGN(pfn + 1, P2M_PER_PAGE);
	for (i = READ_ONCE(t->last_pfn); i < base;) {
		unsigned long prev = cmpxchg(&t->last_pfn, i, base);

		if (prev == i)
			break;
		i = prev;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_populate);

/* Store one entry, giving @pfn a real mid and leaf first if it needs them. */
VISIBLE_IF_KUNIT bool p2m_tree_store(struct p2m_tree *t, unsigned long pfn,
				     unsigned long mfn)
{
	if (p2m_tree_set(t, pfn, mfn))
		return true;
	return !p2m_tree_populate(t, pfn) && p2m_tree_set(t, pfn, mfn);
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_store);

/*
 * Make [start, end) identity. Whole mids and whole leaves become sentinels
 * (boot only: replaced pages are dropped); only boundary leaves are split.
 * Returns the number of pfns made identity; on a page shortage it stops
 * there and says which part of the range is left.
 */
VISIBLE_IF_KUNIT unsigned long p2m_tree_set_identity(struct p2m_tree *t,
						     unsigned long start,
						     unsigned long end)
{
	unsigned long pfn = start;

	/* Below boot_nr the boot list holds the entries: no page needed. */
	for (; pfn < min(end, t->boot_nr); pfn++)
		WRITE_ONCE(t->boot_list[pfn], IDENTITY_FRAME(pfn));

	if (end > t->limit) {
		if (end != ~0UL)
			pr_info("identity [%#lx-%#lx) clamped to the tree limit %#lx\n",
				start, end, t->limit);
		end = t->limit;
	}
	if (pfn >= end)
		return end > start ? end - start : 0;

	while (pfn < end) {
		unsigned long ti = p2m_top_idx(pfn), mi = p2m_mid_idx(pfn);
		unsigned long **mid = t->top[ti];
		unsigned long *leaf, next, j;

		if (!(pfn % P2M_MID_SPAN) && end - pfn >= P2M_MID_SPAN) {
			if (!p2m_mid_is_sentinel(t, mid)) {
				for (j = 0; j < P2M_MID_PER_PAGE; j++) {
					leaf = mid[j];
					if (leaf == t->identity)
						continue;
					p2m_swap_leaf(t, mid,
						      pfn + j * P2M_PER_PAGE,
						      leaf, t->identity);
					p2m_drop_leaf(t, leaf);
				}
				/*
				 * A mid already linked in the toolstack tree
				 * or with a page table in the linear view
				 * stays, now a mid of identity leaves.
				 */
				if (t->view_on ||
				    (t->top_mfn && ti < P2M_TOOLS_TOP_SLOTS &&
				     t->top_mfn_p[ti] != t->mid_missing_mfn)) {
					pfn += P2M_MID_SPAN;
					continue;
				}
				atomic_long_dec(&t->nr_mids);
				WRITE_ONCE(t->top[ti], t->mid_identity);
				t->ops->put_page(t, mid);
			} else if (mid != t->mid_identity) {
				p2m_swap_mid(t, ti, mid, t->mid_identity,
					     NULL);
			}
			pfn += P2M_MID_SPAN;
			continue;
		}

		if (mid == t->mid_identity) {
			pfn = min(end, ALIGN(pfn + 1, P2M_MID_SPAN));
			continue;
		}

		if (!(pfn % P2M_PER_PAGE) && end - pfn >= P2M_PER_PAGE) {
			if (mid == t->mid_missing) {
				mid = p2m_ensure_mid(t, pfn);
				if (!mid)
					goto out_of_pages;
			}
			leaf = mid[mi];
			if (leaf != t->identity) {
				p2m_swap_leaf(t, mid, pfn, leaf, t->identity);
				p2m_drop_leaf(t, leaf);
			}
			pfn += P2M_PER_PAGE;
			continue;
		}

		/* A boundary leaf: split it and write entries one by one. */
		next = min(end, ALIGN(pfn + 1, P2M_PER_PAGE));
		if (mid[mi] == t->identity) {
			pfn = next;
			continue;
		}
		if (p2m_tree_populate(t, pfn))
			goto out_of_pages;
		leaf = t->top[ti][mi];
		for (; pfn < next; pfn++)
			WRITE_ONCE(leaf[p2m_leaf_idx(pfn)], IDENTITY_FRAME(pfn));
	}
	return end - start;

out_of_pages:
	pr_err("out of P2M pages: identity [%#lx-%#lx) stopped at %#lx, pfns [%#lx-%#lx) keep their old entries\n",
	       start, end, pfn, pfn, end);
	return pfn - start;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_set_identity);

/*
 * Build the toolstack tree, or refresh every MFN in it (after a restore
 * all MFNs change). Allocates only on the first call: afterwards run-time
 * updates keep it complete, so a refresh inside stop_machine never
 * allocates.
 */
VISIBLE_IF_KUNIT int p2m_tree_build_mfn_tree(struct p2m_tree *t)
{
	unsigned long missing_mfn, i, j, need = 0;
	bool first = !t->top_mfn;
	void *chain;

	/* Every page first: a shortage leaves no half-built tree behind. */
	if (first)
		need = 3;
	for (i = 0; i < min(t->nr_top, P2M_TOOLS_TOP_SLOTS); i++)
		if (!p2m_mid_is_sentinel(t, t->top[i]) &&
		    (first || t->top_mfn_p[i] == t->mid_missing_mfn))
			need++;
	if (p2m_reserve(t, need, &chain))
		return -ENOMEM;

	if (first) {
		unsigned long *mid_missing_mfn = p2m_take_reserved(&chain);
		unsigned long **top_mfn_p = p2m_take_reserved(&chain);
		unsigned long *top_mfn = p2m_take_reserved(&chain);

		for (i = 0; i < P2M_TOOLS_TOP_SLOTS; i++)
			top_mfn_p[i] = mid_missing_mfn;
		t->mid_missing_mfn = mid_missing_mfn;
		t->top_mfn_p = top_mfn_p;
		t->top_mfn = top_mfn;
	}

	missing_mfn = p2m_mfn(t, t->missing);
	p2m_fill(t->mid_missing_mfn, missing_mfn);

	for (i = 0; i < P2M_TOOLS_TOP_SLOTS; i++) {
		unsigned long **mid = i < t->nr_top ? t->top[i] :
						      t->mid_missing;
		unsigned long *mid_mfn = t->top_mfn_p[i];

		if (mid_mfn == t->mid_missing_mfn) {
			if (p2m_mid_is_sentinel(t, mid)) {
				t->top_mfn[i] = p2m_mfn(t, mid_mfn);
				continue;
			}
			mid_mfn = p2m_take_reserved(&chain);
			if (WARN_ON_ONCE(!mid_mfn))
				return -ENOMEM;
			atomic_long_inc(&t->nr_mid_mfns);
			t->top_mfn_p[i] = mid_mfn;
		}
		for (j = 0; j < P2M_MID_PER_PAGE; j++)
			mid_mfn[j] = p2m_leaf_is_sentinel(t, mid[j]) ?
				     missing_mfn : p2m_mfn(t, mid[j]);
		t->top_mfn[i] = p2m_mfn(t, mid_mfn);
	}
	p2m_unreserve(t, &chain);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_build_mfn_tree);

/*
 * Turn the linear view on: every top slot gets its page table (a page of
 * its own for a real mid, the shared one of its kind for a sentinel
 * mid); from then on every change of a leaf or mid pointer reaches the
 * view too. All pages are taken first: on a shortage the view stays off.
 */
VISIBLE_IF_KUNIT int p2m_tree_view_start(struct p2m_tree *t)
{
	unsigned long i, need = 0;
	void *chain;

	if (t->view_on)
		return 0;
	for (i = 0; i < t->nr_top; i++)
		need += !p2m_mid_is_sentinel(t, t->top[i]);
	if (p2m_reserve(t, need, &chain))
		return -ENOMEM;
	for (i = 0; i < t->nr_top; i++) {
		void *page = NULL;

		if (!p2m_mid_is_sentinel(t, t->top[i])) {
			page = p2m_take_reserved(&chain);
			atomic_long_inc(&t->nr_view_pages);
		}
		t->ops->view_mid(t, i, page);
	}
	p2m_unreserve(t, &chain);
	t->view_on = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_view_start);

/* Does the linear view map every leaf of the tree where it should? */
static int p2m_view_check(struct p2m_tree *t, char *buf, size_t len)
{
	unsigned long i, j, step, pfn, want, got;

	for (i = 0; t->view_on && i < t->nr_top; i++) {
		unsigned long **mid = READ_ONCE(t->top[i]);

		/* A sentinel mid's page table is shared: its ends will do. */
		step = p2m_mid_is_sentinel(t, mid) ? P2M_MID_PER_PAGE - 1 : 1;
		for (j = 0; j < P2M_MID_PER_PAGE; j += step) {
			pfn = i * P2M_MID_SPAN + j * P2M_PER_PAGE;
			want = p2m_mfn(t, READ_ONCE(mid[j]));
			got = t->ops->view_mfn(t, pfn);
			if (got != want) {
				snprintf(buf, len, "pfn %#lx: view maps %#lx, leaf %#lx",
					 pfn, got, want);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * Check the invariants that readers and the toolstack rely on. Returns 0,
 * or -EINVAL with the first violation described in @buf.
 */
VISIBLE_IF_KUNIT int p2m_tree_check(const struct p2m_tree *t, char *buf,
				    size_t len)
{
	struct p2m_tree *w = (struct p2m_tree *)t;
	unsigned long missing_mfn, i, j;

	for (i = 0; i < P2M_PER_PAGE; i++) {
		if (t->missing[i] != INVALID_P2M_ENTRY ||
		    t->identity[i] != INVALID_P2M_ENTRY) {
			snprintf(buf, len, "sentinel leaf written at index %lu",
				 i);
			return -EINVAL;
		}
		if (t->mid_missing[i] != t->missing ||
		    t->mid_identity[i] != t->identity) {
			snprintf(buf, len, "sentinel mid written at index %lu",
				 i);
			return -EINVAL;
		}
	}
	for (i = 0; i < t->nr_top; i++) {
		if (!t->top[i]) {
			snprintf(buf, len, "NULL top slot %lu", i);
			return -EINVAL;
		}
	}
	if (p2m_view_check(w, buf, len))
		return -EINVAL;
	if (!t->top_mfn) {
		snprintf(buf, len, "ok");
		return 0;
	}

	missing_mfn = p2m_mfn(w, t->missing);
	for (j = 0; j < P2M_MID_PER_PAGE; j++) {
		if (t->mid_missing_mfn[j] != missing_mfn) {
			snprintf(buf, len, "mid_missing_mfn[%lu] is %#lx, not %#lx",
				 j, t->mid_missing_mfn[j], missing_mfn);
			return -EINVAL;
		}
	}
	for (i = 0; i < P2M_TOOLS_TOP_SLOTS; i++) {
		unsigned long **mid = i < t->nr_top ? t->top[i] :
						      t->mid_missing;
		unsigned long *mid_mfn = t->top_mfn_p[i];

		if (t->top_mfn[i] != p2m_mfn(w, mid_mfn)) {
			snprintf(buf, len, "p2m_top_mfn[%lu] is %#lx, its page is mfn %#lx",
				 i, t->top_mfn[i], p2m_mfn(w, mid_mfn));
			return -EINVAL;
		}
		/* Without a mid-MFN page the mid may hold sentinels only. */
		for (j = 0; j < P2M_MID_PER_PAGE; j++) {
			unsigned long want = p2m_leaf_is_sentinel(t, mid[j]) ?
					     missing_mfn : p2m_mfn(w, mid[j]);

			if (mid_mfn[j] != want) {
				snprintf(buf, len, "pfn %#lx: toolstack has mfn %#lx, leaf is %#lx",
					 i * P2M_MID_SPAN + j * P2M_PER_PAGE,
					 mid_mfn[j], want);
				return -EINVAL;
			}
		}
	}
	snprintf(buf, len, "ok");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_check);

VISIBLE_IF_KUNIT enum p2m_kind p2m_entry_kind(unsigned long entry)
{
	if (entry == INVALID_P2M_ENTRY)
		return P2M_KIND_MISSING;
	if (entry & FOREIGN_FRAME_BIT)
		return P2M_KIND_FOREIGN;
	if (entry & IDENTITY_FRAME_BIT)
		return P2M_KIND_IDENTITY;
	return P2M_KIND_RAM;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_entry_kind);

VISIBLE_IF_KUNIT const char *p2m_kind_name(enum p2m_kind kind)
{
	static const char * const names[] = {
		[P2M_KIND_RAM] = "ram",
		[P2M_KIND_IDENTITY] = "identity",
		[P2M_KIND_MISSING] = "missing",
		[P2M_KIND_FOREIGN] = "foreign",
	};

	return names[kind];
}
EXPORT_SYMBOL_IF_KUNIT(p2m_kind_name);

struct p2m_run_state {
	p2m_run_fn fn;
	void *data;
	unsigned long start;
	enum p2m_kind kind;
	unsigned long runs;
};

/* Note that @pfn onwards is of @kind; close the current run if it ends. */
static void p2m_run_note(struct p2m_run_state *s, unsigned long pfn,
			 enum p2m_kind kind)
{
	if (kind == s->kind)
		return;
	if (pfn > s->start) {
		s->fn(s->data, s->start, pfn, s->kind);
		s->runs++;
	}
	s->start = pfn;
	s->kind = kind;
}

/*
 * Report maximal runs of one kind over [0, limit). Sentinel mids and
 * leaves cost one step each; only real leaves are read entry by entry.
 */
VISIBLE_IF_KUNIT unsigned long p2m_tree_for_each_run(const struct p2m_tree *t,
						     p2m_run_fn fn,
						     void *data)
{
	struct p2m_run_state s = { .fn = fn, .data = data,
				   .kind = P2M_KIND_MISSING };
	unsigned long i, j, k;

	for (i = 0; i < t->nr_top; i++) {
		unsigned long **mid = READ_ONCE(t->top[i]);
		unsigned long base = i * P2M_MID_SPAN;

		if (mid == t->mid_missing) {
			p2m_run_note(&s, base, P2M_KIND_MISSING);
			continue;
		}
		if (mid == t->mid_identity) {
			p2m_run_note(&s, base, P2M_KIND_IDENTITY);
			continue;
		}
		for (j = 0; j < P2M_MID_PER_PAGE; j++) {
			unsigned long *leaf = READ_ONCE(mid[j]);
			unsigned long lbase = base + j * P2M_PER_PAGE;

			if (leaf == t->missing) {
				p2m_run_note(&s, lbase, P2M_KIND_MISSING);
				continue;
			}
			if (leaf == t->identity) {
				p2m_run_note(&s, lbase, P2M_KIND_IDENTITY);
				continue;
			}
			for (k = 0; k < P2M_PER_PAGE; k++)
				p2m_run_note(&s, lbase + k,
					     p2m_entry_kind(READ_ONCE(leaf[k])));
		}
	}
	if (t->limit > s.start) {
		fn(data, s.start, t->limit, s.kind);
		s.runs++;
	}
	return s.runs;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_for_each_run);

/*
 * Hang a flat array of @nr MFNs (Xen's boot list, page aligned) under the
 * tree as borrowed leaves; only mids are allocated. The tail of the last
 * leaf past @nr is set to ~0: whatever Xen left there is not ours.
 */
VISIBLE_IF_KUNIT int p2m_tree_graft(struct p2m_tree *t, unsigned long *list,
				    unsigned long nr)
{
	unsigned long nr_leaves = DIV_ROUND_UP(nr, P2M_PER_PAGE);
	unsigned long pfn, need = 0;
	void *chain;

	if (offset_in_page(list) || nr > t->limit)
		return -EINVAL;
	/* The mids first: on a shortage nothing is grafted. */
	for (pfn = 0; pfn < nr; pfn = ALIGN(pfn + 1, P2M_MID_SPAN))
		need += p2m_mid_pages_needed(t, pfn);
	if (p2m_reserve(t, need, &chain))
		return -ENOMEM;
	for (pfn = nr; pfn < nr_leaves * P2M_PER_PAGE; pfn++)
		list[pfn] = INVALID_P2M_ENTRY;

	t->borrowed_start = list;
	t->borrowed_end = list + nr_leaves * P2M_PER_PAGE;
	for (pfn = 0; pfn < nr; pfn += P2M_PER_PAGE) {
		unsigned long **mid = p2m_link_mid(t, pfn, &chain);

		if (WARN_ON_ONCE(!mid))
			break;
		p2m_swap_leaf(t, mid, pfn, READ_ONCE(mid[p2m_mid_idx(pfn)]),
			      list + pfn);
		atomic_long_inc(&t->nr_borrowed);
	}
	p2m_unreserve(t, &chain);
	t->last_pfn = max(t->last_pfn, nr_leaves * P2M_PER_PAGE);
	return pfn < nr ? -ENOMEM : 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_graft);

/* Replace every borrowed leaf by a copy in a page of the tree's own. */
VISIBLE_IF_KUNIT int p2m_tree_adopt(struct p2m_tree *t)
{
	unsigned long i, j, need = atomic_long_read(&t->nr_borrowed);
	void *chain;

	/* All copies first: on a shortage every leaf stays borrowed. */
	if (p2m_reserve(t, need, &chain))
		return -ENOMEM;
	for (i = 0; i < t->nr_top; i++) {
		unsigned long **mid = t->top[i];

		if (p2m_mid_is_sentinel(t, mid))
			continue;
		for (j = 0; j < P2M_MID_PER_PAGE; j++) {
			unsigned long *leaf = mid[j], *copy;

			if (!p2m_leaf_is_borrowed(t, leaf))
				continue;
			copy = p2m_take_reserved(&chain);
			if (WARN_ON_ONCE(!copy))
				return -ENOMEM;
			copy_page(copy, leaf);
			p2m_swap_leaf(t, mid, i * P2M_MID_SPAN + j * P2M_PER_PAGE,
				      leaf, copy);
			atomic_long_dec(&t->nr_borrowed);
			atomic_long_inc(&t->nr_leaves);
		}
	}
	p2m_unreserve(t, &chain);
	t->borrowed_start = NULL;
	t->borrowed_end = NULL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_adopt);

/*
 * Start the boot phase of a new tree: Xen's list of @nr MFNs (page
 * aligned, its last page whole) answers for its pfns, the tail of its last
 * leaf reading missing. Nothing is allocated, whatever @nr is.
 */
VISIBLE_IF_KUNIT int p2m_tree_boot(struct p2m_tree *t, unsigned long *list,
				   unsigned long nr)
{
	unsigned long pfn, end = ALIGN(nr, P2M_PER_PAGE);

	if (offset_in_page(list) || end > t->limit || t->boot_nr)
		return -EINVAL;
	for (pfn = nr; pfn < end; pfn++)
		list[pfn] = INVALID_P2M_ENTRY;
	t->boot_list = list;
	t->boot_nr = end;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_boot);

/* Length of the run of whole identity leaves of @list from @pfn on. */
static unsigned long p2m_boot_identity_run(const unsigned long *list,
					   unsigned long pfn, unsigned long end)
{
	unsigned long p = pfn;

	while (p < end && list[p] == IDENTITY_FRAME(p))
		p++;
	return ALIGN_DOWN(p, P2M_PER_PAGE) - pfn;
}

/*
 * End the boot phase once pages can be had: graft the list under the
 * tree, let whole identity leaves become the sentinel, then copy the
 * leaves left. On a shortage the boot list keeps answering.
 */
VISIBLE_IF_KUNIT int p2m_tree_boot_end(struct p2m_tree *t)
{
	unsigned long nr = t->boot_nr, pfn, run;

	if (!nr)
		return 0;
	if (p2m_tree_graft(t, t->boot_list, nr))
		return -ENOMEM;
	t->boot_nr = 0;
	for (pfn = 0; pfn < nr; pfn += run ? run : P2M_PER_PAGE) {
		run = p2m_boot_identity_run(t->boot_list, pfn, nr);
		if (run && p2m_tree_set_identity(t, pfn, pfn + run) != run)
			return -ENOMEM;
	}
	t->boot_list = NULL;
	return p2m_tree_adopt(t);
}
EXPORT_SYMBOL_IF_KUNIT(p2m_tree_boot_end);

/*
 * Worst case of pages a boot-time tree takes from brk: the top, the four
 * sentinels and, for every E820 entry above the boot list, a leaf and a
 * mid at each of its two ends. The initial RAM costs nothing: the boot
 * list answers for it until memblock can give the mids.
 */
#define P2M_BRK_PAGES_FOR(nr_top, nr_e820) \
	(DIV_ROUND_UP(nr_top, P2M_TOP_PER_PAGE) + 4 + 4 * ((nr_e820) + 1))

VISIBLE_IF_KUNIT __maybe_unused
unsigned long p2m_brk_pages_needed(unsigned long nr_top, unsigned long nr_e820)
{
	return P2M_BRK_PAGES_FOR(nr_top, nr_e820);
}
EXPORT_SYMBOL_IF_KUNIT(p2m_brk_pages_needed);

/* ---- The live P2M of this guest ---- */

/*
 * brk is reserved at link time, so its budget cannot follow the map. It
 * covers the largest top, the sentinels and P2M_BRK_E820 map entries
 * above the initial RAM, each split at both ends; the initial RAM needs
 * none (the boot list). Not E820_MAX_ENTRIES: that is 3200 with a distro
 * config and would cost 50 MiB of brk in every kernel, while Xen 4.17
 * itself stops at about a hundred entries.
 */
#define P2M_BRK_E820		(E820_MAX_ENTRIES < 128 ? E820_MAX_ENTRIES : 128)
#define P2M_BRK_PAGES		P2M_BRK_PAGES_FOR(P2M_MAX_TOP, P2M_BRK_E820)

RESERVE_BRK(p2m_tree, PAGE_SIZE * P2M_BRK_PAGES);

static struct p2m_tree p2m_live;
static unsigned long p2m_brk_used __initdata;
static unsigned long p2m_brk_peak;

unsigned long ***xen_p2m_top __ro_after_init;
EXPORT_SYMBOL_GPL(xen_p2m_top);
unsigned long xen_p2m_limit __ro_after_init;
EXPORT_SYMBOL_GPL(xen_p2m_limit);

static void * __init p2m_brk_page(void)
{
	if (p2m_brk_used >= P2M_BRK_PAGES)
		return NULL;
	p2m_brk_used++;
	p2m_brk_peak = p2m_brk_used;
	return extend_brk(PAGE_SIZE, PAGE_SIZE);
}

/*
 * brk until memblock knows the RAM (up to the end of xen_memory_setup()),
 * then memblock until the page allocator runs.
 */
static void * __ref p2m_live_alloc(struct p2m_tree *t)
{
	if (slab_is_available())
		return (void *)__get_free_page(GFP_KERNEL);
	if (!memblock_phys_mem_size())
		return p2m_brk_page();
	return memblock_alloc(PAGE_SIZE, PAGE_SIZE);
}

static void __ref p2m_live_free(struct p2m_tree *t, void *page)
{
	if (slab_is_available())
		free_page((unsigned long)page);
	else if (memblock_phys_mem_size())
		memblock_free(page, PAGE_SIZE);
	/* A brk page cannot be given back; it stays counted as used. */
}

static unsigned long p2m_live_mfn(struct p2m_tree *t, void *page)
{
	return virt_to_mfn(page);
}

/*
 * The linear view for the toolstack (shared_info's p2m_vaddr and
 * p2m_cr3): the leaves mapped read-only one after the other in a vmalloc
 * area, one PTE page per top slot. The PTE page of a sentinel mid is
 * shared by every such slot, so a GiB of hole costs one PMD entry.
 */
static struct vm_struct p2m_view_vm;
static pte_t *p2m_view_missing_pte;
static pte_t *p2m_view_identity_pte;
static unsigned long p2m_view_pmd_pages;

/* The view's page-table pages: PMD pages, 2 shared PTE pages, 1 per real mid. */
static unsigned long p2m_view_pt_pages(void)
{
	return p2m_view_pmd_pages + 2 + atomic_long_read(&p2m_live.nr_view_pages);
}

/* shared_info's p2m_cr3: the top page table that maps the view. */
static unsigned long p2m_view_cr3(void)
{
	return xen_pfn_to_cr3(virt_to_mfn(swapper_pg_dir));
}

static unsigned long p2m_view_va(unsigned long pfn)
{
	return (unsigned long)p2m_view_vm.addr +
	       pfn / P2M_PER_PAGE * PAGE_SIZE;
}

static pte_t p2m_view_pte(const unsigned long *leaf)
{
	return pfn_pte(PFN_DOWN(__pa(leaf)), PAGE_KERNEL_RO);
}

/* Fill a new PTE page with @mid's leaves and hand it to Xen. */
static void p2m_view_ptes(pte_t *ptes, unsigned long **mid)
{
	unsigned int j;

	for (j = 0; j < P2M_MID_PER_PAGE; j++)
		ptes[j] = p2m_view_pte(READ_ONCE(mid[j]));
	paravirt_alloc_pte(&init_mm, PFN_DOWN(__pa(ptes)));
}

static void p2m_live_view_mid(struct p2m_tree *t, unsigned long ti,
			      void *page)
{
	unsigned long va = p2m_view_va(ti * P2M_MID_SPAN);
	pmd_t *pmdp = lookup_pmd_address(va);
	pte_t *ptes = page;

	if (WARN_ON_ONCE(!pmdp))
		return;
	if (ptes)
		p2m_view_ptes(ptes, t->top[ti]);
	else
		ptes = t->top[ti] == t->mid_identity ? p2m_view_identity_pte :
						       p2m_view_missing_pte;
	set_pmd(pmdp, __pmd(__pa(ptes) | _KERNPG_TABLE));
}

static void p2m_live_view_leaf(struct p2m_tree *t, unsigned long pfn,
			       unsigned long *leaf)
{
	unsigned long va = p2m_view_va(pfn);
	unsigned int level;
	pte_t *ptep = lookup_address(va, &level);
	pte_t *ptes = ptep ? PTR_ALIGN_DOWN(ptep, PAGE_SIZE) : NULL;

	/* A shared PTE page is never written: its slot has a real mid. */
	if (WARN_ON_ONCE(!ptep || level != PG_LEVEL_4K ||
			 ptes == p2m_view_missing_pte ||
			 ptes == p2m_view_identity_pte))
		return;
	set_pte(ptep, p2m_view_pte(leaf));
}

static void p2m_live_view_gen(struct p2m_tree *t)
{
	HYPERVISOR_shared_info->arch.p2m_generation++;
}

static unsigned long p2m_live_view_mfn(struct p2m_tree *t, unsigned long pfn)
{
	unsigned int level;
	pte_t *ptep = lookup_address(p2m_view_va(pfn), &level);

	if (!ptep || level != PG_LEVEL_4K || !pte_present(*ptep) ||
	    pte_write(*ptep))
		return INVALID_P2M_ENTRY;
	return pte_mfn(*ptep);
}

static const struct p2m_tree_ops p2m_live_ops = {
	.get_page = p2m_live_alloc,
	.put_page = p2m_live_free,
	.page_mfn = p2m_live_mfn,
	.view_mid = p2m_live_view_mid,
	.view_leaf = p2m_live_view_leaf,
	.view_gen = p2m_live_view_gen,
	.view_mfn = p2m_live_view_mfn,
};

/* A shared PTE page mapping one sentinel leaf at every entry. */
static pte_t * __init p2m_view_shared_pte(unsigned long *leaf)
{
	pte_t *ptes = p2m_live_alloc(&p2m_live);
	unsigned int j;

	if (!ptes)
		return NULL;
	for (j = 0; j < PTRS_PER_PTE; j++)
		ptes[j] = p2m_view_pte(leaf);
	paravirt_alloc_pte(&init_mm, PFN_DOWN(__pa(ptes)));
	return ptes;
}

/*
 * Build the linear view once the kernel page tables and memblock are up
 * and before vmalloc is: it covers the whole tree (every pfn a leaf can
 * ever be installed for), each GiB of it one PMD page. The area starts
 * on a PUD boundary: libxenguest counts PMD entries from it when it
 * drops a tail of identical ones. Without it only the MFN tree is there.
 */
static void __init xen_p2m_build_view(void)
{
	unsigned long size = p2m_live.nr_top * PMD_SIZE, off;

	p2m_view_vm.flags = VM_ALLOC;
	p2m_view_vm.size = ALIGN(size, PUD_SIZE);
	vm_area_register_early(&p2m_view_vm, PUD_SIZE);

	p2m_view_missing_pte = p2m_view_shared_pte(p2m_live.missing);
	p2m_view_identity_pte = p2m_view_shared_pte(p2m_live.identity);
	if (!p2m_view_missing_pte || !p2m_view_identity_pte)
		goto fail;
	for (off = 0; off < p2m_view_vm.size; off += PUD_SIZE) {
		if (!populate_extra_pmd((unsigned long)p2m_view_vm.addr + off))
			goto fail;
		p2m_view_pmd_pages++;
	}
	if (p2m_tree_view_start(&p2m_live))
		goto fail;
	pr_info("linear view at %#lx, %lu MiB for %lu GiB of pfns, %lu page table pages\n",
		(unsigned long)p2m_view_vm.addr, p2m_view_vm.size >> 20,
		p2m_live.limit >> (30 - PAGE_SHIFT), p2m_view_pt_pages());
	return;
fail:
	pr_err("no memory for the linear view: the toolstack gets the MFN tree only\n");
}

unsigned long get_phys_to_machine(unsigned long pfn)
{
	return p2m_tree_lookup(&p2m_live, pfn);
}
EXPORT_SYMBOL_GPL(get_phys_to_machine);

/*
 * The toolstack reads max_pfn leaves. The MFN tree reaches 512 GiB; the
 * linear view, when there is one, the whole tree.
 */
static unsigned long xen_p2m_tools_max_pfn(void)
{
	unsigned long last = READ_ONCE(p2m_live.last_pfn);

	if (p2m_live.view_on)
		return last;
	return min(last, P2M_TOOLS_TOP_SLOTS * P2M_MID_SPAN);
}

static void xen_p2m_publish_max_pfn(void)
{
	unsigned long last = xen_p2m_tools_max_pfn();

	if (HYPERVISOR_shared_info != &xen_dummy_shared_info &&
	    p2m_live.top_mfn && HYPERVISOR_shared_info->arch.max_pfn < last)
		HYPERVISOR_shared_info->arch.max_pfn = last;
}

bool __set_phys_to_machine(unsigned long pfn, unsigned long mfn)
{
	return p2m_tree_set(&p2m_live, pfn, mfn);
}

/* What the tree covers, for the memory planner (lookups may not use it yet). */
unsigned long __init xen_p2m_capacity(void)
{
	return p2m_live.limit;
}

int xen_alloc_p2m_entry(unsigned long pfn)
{
	int ret = p2m_tree_populate(&p2m_live, pfn);

	if (!ret)
		xen_p2m_publish_max_pfn();
	return ret;
}
EXPORT_SYMBOL(xen_alloc_p2m_entry);

bool set_phys_to_machine(unsigned long pfn, unsigned long mfn)
{
	if (likely(__set_phys_to_machine(pfn, mfn)))
		return true;
	return !xen_alloc_p2m_entry(pfn) && __set_phys_to_machine(pfn, mfn);
}

/*
 * The P2M updates made before memblock knows the RAM: pages come from the
 * brk budget. A refusal changes nothing and says how much brk was used.
 */
bool __init set_phys_to_machine_early(unsigned long pfn, unsigned long mfn)
{
	if (p2m_tree_store(&p2m_live, pfn, mfn))
		return true;
	pr_err("no P2M page for pfn %#lx (brk %lu of %lu pages used)\n",
	       pfn, p2m_brk_used, (unsigned long)P2M_BRK_PAGES);
	return false;
}

/* The range form of set_phys_to_machine_early(), same budget. */
unsigned long __init set_phys_range_identity(unsigned long pfn_s,
					     unsigned long pfn_e)
{
	return p2m_tree_set_identity(&p2m_live, pfn_s, pfn_e);
}

/* The highest pfn this guest may ever give the P2M, capped to the tree. */
static unsigned long __init xen_p2m_wanted_limit(unsigned long nr_pages)
{
	static struct e820_entry map[E820_MAX_ENTRIES] __initdata;
	struct xen_memory_map memmap = { .nr_entries = ARRAY_SIZE(map) };
	domid_t domid = DOMID_SELF;
	unsigned long want = nr_pages;
	unsigned int i;
	long rc;

	/*
	 * Ballooning stays inside the E820's RAM; only without a map is the
	 * reservation ceiling (unlimited for a dom0 without max:) the bound.
	 */
	set_xen_guest_handle(memmap.buffer, map);
	rc = HYPERVISOR_memory_op(xen_initial_domain() ?
				  XENMEM_machine_memory_map :
				  XENMEM_memory_map, &memmap);
	for (i = 0; !rc && i < memmap.nr_entries; i++)
		want = max_t(unsigned long, want,
			     PFN_UP(map[i].addr + map[i].size));
	if (rc) {
		rc = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &domid);
		if (rc > 0)
			want = max(want, (unsigned long)rc);
	}

#ifdef CONFIG_XEN_MEMORY_HOTPLUG_LIMIT
	want = max(want, (unsigned long)CONFIG_XEN_MEMORY_HOTPLUG_LIMIT <<
			 (30 - PAGE_SHIFT));
#endif
	return min(want, P2M_MAX_PFN);
}

/*
 * A new tree whose boot list is Xen's: lookups go through it (the inline
 * path sees xen_p2m_limit 0 and calls get_phys_to_machine()) until
 * xen_p2m_adopt_boot_list().
 */
void __init xen_build_dynamic_phys_to_machine(void)
{
	unsigned long *list = (unsigned long *)xen_start_info->mfn_list;
	unsigned long nr = xen_start_info->nr_pages;
	unsigned long nr_top;
	unsigned long ***top;

	nr_top = DIV_ROUND_UP(xen_p2m_wanted_limit(nr), P2M_MID_SPAN);
	nr_top = roundup(max(nr_top, 1UL), P2M_TOP_PER_PAGE);
	top = extend_brk(nr_top * sizeof(*top), PAGE_SIZE);
	p2m_brk_used += nr_top / P2M_TOP_PER_PAGE;
	if (p2m_tree_init(&p2m_live, top, nr_top, &p2m_live_ops))
		panic("xen:p2m: no brk for the P2M sentinels\n");

	if (p2m_tree_boot(&p2m_live, list, nr))
		panic("xen:p2m: mfn_list %p of %lu pfns does not fit the tree\n",
		      list, nr);
	xen_p2m_top = top;
}

/*
 * Called once the kernel page tables exist and before Xen's boot list is
 * freed: the tree takes the list's entries into pages of its own and the
 * inline lookup starts using it.
 */
void __init xen_p2m_adopt_boot_list(void)
{
	if (p2m_tree_boot_end(&p2m_live))
		panic("xen:p2m: no memory to copy the boot P2M\n");
	WRITE_ONCE(xen_p2m_limit, p2m_live.limit);
	xen_p2m_build_view();

	pr_info("tree covers %lu GiB in %lu top page(s); brk used %lu of %lu pages\n",
		p2m_live.limit >> (30 - PAGE_SHIFT),
		p2m_live.nr_top / P2M_TOP_PER_PAGE, p2m_brk_used,
		(unsigned long)P2M_BRK_PAGES);
}

/*
 * xen_relocate_p2m() copied Xen's boot list elsewhere (it collided with the
 * E820 map): the boot phase reads the copy from now on.
 */
void __init xen_p2m_move_boot_list(unsigned long *new_list)
{
	WARN_ON(!p2m_live.boot_nr);
	p2m_live.boot_list = new_list;
}

/* Build or refresh the toolstack tree (boot and after resume). */
void __ref xen_build_mfn_list_list(void)
{
	if (xen_start_info->flags & SIF_VIRT_P2M_4TOOLS)
		return;
	if (p2m_tree_build_mfn_tree(&p2m_live))
		panic("xen:p2m: no memory for the toolstack's P2M tree\n");
}

void xen_setup_mfn_list_list(void)
{
	struct arch_shared_info *arch;

	if (WARN_ON(HYPERVISOR_shared_info == &xen_dummy_shared_info))
		return;
	arch = &HYPERVISOR_shared_info->arch;

	if (xen_start_info->flags & SIF_VIRT_P2M_4TOOLS)
		arch->pfn_to_mfn_frame_list_list = ~0UL;
	else
		arch->pfn_to_mfn_frame_list_list =
			virt_to_mfn(p2m_live.top_mfn);
	arch->max_pfn = xen_p2m_tools_max_pfn();
	arch->p2m_generation = 0;
	if (!p2m_live.view_on) {
		/* The toolstack must walk the MFN tree. */
		arch->p2m_vaddr = 0;
		arch->p2m_cr3 = 0;
		return;
	}
	arch->p2m_vaddr = (unsigned long)p2m_view_vm.addr;
	arch->p2m_cr3 = p2m_view_cr3();
}

VISIBLE_IF_KUNIT bool xen_p2m_live(void)
{
	return xen_pv_domain() && READ_ONCE(xen_p2m_limit);
}
EXPORT_SYMBOL_IF_KUNIT(xen_p2m_live);

/* The live tree itself, for the KUnit cases that change it. */
VISIBLE_IF_KUNIT __maybe_unused struct p2m_tree *xen_p2m_live_tree(void)
{
	return &p2m_live;
}
EXPORT_SYMBOL_IF_KUNIT(xen_p2m_live_tree);

VISIBLE_IF_KUNIT int xen_p2m_check(char *buf, size_t len)
{
	unsigned long mfn;

	if (!xen_p2m_live()) {
		snprintf(buf, len, "no live P2M");
		return -ENODEV;
	}
	if (p2m_tree_check(&p2m_live, buf, len))
		return -EINVAL;
	if (!p2m_live.top_mfn || HYPERVISOR_shared_info == &xen_dummy_shared_info)
		return 0;
	mfn = virt_to_mfn(p2m_live.top_mfn);
	if (HYPERVISOR_shared_info->arch.pfn_to_mfn_frame_list_list != mfn) {
		snprintf(buf, len, "shared_info frame_list_list %#lx, p2m_top_mfn is mfn %#lx",
			 HYPERVISOR_shared_info->arch.pfn_to_mfn_frame_list_list,
			 mfn);
		return -EINVAL;
	}
	if (p2m_live.view_on &&
	    (HYPERVISOR_shared_info->arch.p2m_vaddr !=
	     (unsigned long)p2m_view_vm.addr ||
	     HYPERVISOR_shared_info->arch.p2m_cr3 != p2m_view_cr3())) {
		snprintf(buf, len, "shared_info p2m_vaddr %#lx p2m_cr3 %#lx, not the linear view's",
			 HYPERVISOR_shared_info->arch.p2m_vaddr,
			 HYPERVISOR_shared_info->arch.p2m_cr3);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xen_p2m_check);

/* ---- Grant mappings of other domains' pages (dom0 backends) ---- */

static void xen_undo_grant_map(struct gnttab_map_grant_ref *map,
			       struct gnttab_map_grant_ref *kmap)
{
	struct gnttab_unmap_grant_ref unmap[2] = {};
	int n = 0, rc;

	unmap[n].host_addr = map->host_addr;
	unmap[n].handle = map->handle;
	unmap[n].dev_bus_addr = map->flags & GNTMAP_device_map ?
				map->dev_bus_addr : 0;
	unmap[n++].status = 1;
	map->status = GNTST_general_error;
	map->handle = INVALID_GRANT_HANDLE;
	if (kmap) {
		unmap[n].host_addr = kmap->host_addr;
		unmap[n].handle = kmap->handle;
		unmap[n].dev_bus_addr = kmap->flags & GNTMAP_device_map ?
					kmap->dev_bus_addr : 0;
		unmap[n++].status = 1;
		kmap->status = GNTST_general_error;
		kmap->handle = INVALID_GRANT_HANDLE;
	}
	rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, unmap, n);
	if (rc || unmap[0].status != GNTST_okay ||
	    (kmap && unmap[1].status != GNTST_okay))
		pr_err_once("undoing a grant map failed: rc %d status %d/%d\n",
			    rc, unmap[0].status, unmap[1].status);
}

int set_foreign_p2m_mapping(struct gnttab_map_grant_ref *map_ops,
			    struct gnttab_map_grant_ref *kmap_ops,
			    struct page **pages, unsigned int count)
{
	unsigned int i;
	int ret;

	if (xen_feature(XENFEAT_auto_translated_physmap))
		return 0;

	if (kmap_ops) {
		ret = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref,
						kmap_ops, count);
		if (ret)
			return ret;
	}

	for (i = 0; i < count; i++) {
		struct gnttab_map_grant_ref *map = &map_ops[i];
		struct gnttab_map_grant_ref *kmap = kmap_ops ? &kmap_ops[i] :
							       NULL;
		unsigned long pfn = page_to_pfn(pages[i]);
		unsigned long mfn;

		if (map->status != GNTST_okay ||
		    (kmap && kmap->status != GNTST_okay))
			continue;

		if (map->flags & GNTMAP_contains_pte) {
			pte_t *pte = mfn_to_virt(PFN_DOWN(map->host_addr)) +
				     offset_in_page(map->host_addr);

			mfn = pte_mfn(*pte);
		} else {
			mfn = PFN_DOWN(map->dev_bus_addr);
		}

		WARN(pfn_to_mfn(pfn) != INVALID_P2M_ENTRY,
		     "grant mapped over pfn %#lx that is not ballooned out\n",
		     pfn);
		if (!set_phys_to_machine(pfn, FOREIGN_FRAME(mfn)))
			xen_undo_grant_map(map, kmap);
	}
	return 0;
}

int clear_foreign_p2m_mapping(struct gnttab_unmap_grant_ref *unmap_ops,
			      struct gnttab_unmap_grant_ref *kunmap_ops,
			      struct page **pages, unsigned int count)
{
	unsigned int i;
	int ret = 0;

	if (xen_feature(XENFEAT_auto_translated_physmap))
		return 0;

	for (i = 0; i < count; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);
		unsigned long mfn = __pfn_to_mfn(pfn);

		if (p2m_entry_kind(mfn) == P2M_KIND_FOREIGN)
			set_phys_to_machine(pfn, INVALID_P2M_ENTRY);
		else
			ret = -EINVAL;
	}
	if (kunmap_ops &&
	    HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, kunmap_ops,
				      count))
		ret = -EIO;
	return ret;
}

#ifdef CONFIG_XEN_DEBUG_FS
static void p2m_dump_run(void *data, unsigned long start, unsigned long end,
			 enum p2m_kind kind)
{
	seq_printf(data, "[%#lx->%#lx) %s\n", start, end, p2m_kind_name(kind));
}

static int p2m_dump_show(struct seq_file *m, void *v)
{
	unsigned long runs = p2m_tree_for_each_run(&p2m_live, p2m_dump_run, m);

	seq_printf(m, "runs %lu limit %#lx\n", runs, p2m_live.limit);
	seq_printf(m, "pages top %lu mid %ld leaf %ld borrowed %ld mid_mfn %ld sentinel 4\n",
		   p2m_live.nr_top / P2M_TOP_PER_PAGE,
		   atomic_long_read(&p2m_live.nr_mids),
		   atomic_long_read(&p2m_live.nr_leaves),
		   atomic_long_read(&p2m_live.nr_borrowed),
		   atomic_long_read(&p2m_live.nr_mid_mfns));
	seq_printf(m, "brk_pages %lu alloc_failed %ld\n", p2m_brk_peak,
		   atomic_long_read(&p2m_live.nr_alloc_failed));
	if (!p2m_live.view_on) {
		seq_puts(m, "linear none\n");
		return 0;
	}
	seq_printf(m, "linear vaddr %#lx size %#lx pt_pages %lu pmd %lu pte %lu shared_pte 2 generation %lu\n",
		   (unsigned long)p2m_view_vm.addr, p2m_view_vm.size,
		   p2m_view_pt_pages(), p2m_view_pmd_pages,
		   atomic_long_read(&p2m_live.nr_view_pages),
		   (unsigned long)HYPERVISOR_shared_info->arch.p2m_generation);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2m_dump);

static int p2m_check_show(struct seq_file *m, void *v)
{
	char buf[160];

	xen_p2m_check(buf, sizeof(buf));
	seq_printf(m, "%s\n", buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2m_check);

static int __init xen_p2m_debugfs(void)
{
	struct dentry *d_mmu;

	if (!xen_pv_domain())
		return 0;
	d_mmu = debugfs_create_dir("mmu", xen_init_debugfs());
	debugfs_create_file("p2m", 0400, d_mmu, NULL, &p2m_dump_fops);
	debugfs_create_file("p2m_check", 0400, d_mmu, NULL, &p2m_check_fops);
	return 0;
}
fs_initcall(xen_p2m_debugfs);
#endif /* CONFIG_XEN_DEBUG_FS */
