/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three-level P2M tree of a Xen PV guest, as a self-contained object.
 *
 * arch/x86/xen/p2m.c keeps one instance, the live P2M of the running guest,
 * and wraps it in the upstream entry points (get_phys_to_machine() and
 * friends). The KUnit suite builds private instances with its own page
 * allocator so that every operation can be exercised without Xen.
 */
#ifndef _XEN_P2M_TREE_H
#define _XEN_P2M_TREE_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/xen/page.h>

struct p2m_tree;

/*
 * Page supply of a tree. get_page() returns one page-aligned page whose
 * contents the tree will overwrite, or NULL; put_page() takes back a page
 * the tree no longer links; page_mfn() gives the machine frame of a page
 * for the toolstack's MFN-linked tree.
 */
struct p2m_tree_ops {
	void *(*get_page)(struct p2m_tree *t);
	void (*put_page)(struct p2m_tree *t, void *page);
	unsigned long (*page_mfn)(struct p2m_tree *t, void *page);

	/*
	 * The linear view, optional (NULL: the tree has none), used once
	 * view_on is set: the leaves mapped one after the other, pfn's
	 * leaf at page pfn / P2M_PER_PAGE, one page table per top slot.
	 * view_mid() makes @page (from get_page(), NULL: the view's
	 * shared page of the slot's sentinel mid) the page table of top
	 * slot @ti, mapping the leaves the slot holds now; view_leaf()
	 * maps @leaf for @pfn; view_gen() advances the change counter
	 * the toolstack follows; view_mfn() is the frame the view maps
	 * for @pfn, or INVALID_P2M_ENTRY, for the check.
	 */
	void (*view_mid)(struct p2m_tree *t, unsigned long ti, void *page);
	void (*view_leaf)(struct p2m_tree *t, unsigned long pfn,
			  unsigned long *leaf);
	void (*view_gen)(struct p2m_tree *t);
	unsigned long (*view_mfn)(struct p2m_tree *t, unsigned long pfn);
};

/* What a pfn is, as reported by the run dump and the tests. */
enum p2m_kind {
	P2M_KIND_RAM,
	P2M_KIND_IDENTITY,
	P2M_KIND_MISSING,
	P2M_KIND_FOREIGN,
};

struct p2m_tree {
	/* Kernel tree: nr_top slots, each a mid page or a mid sentinel. */
	unsigned long ***top;
	unsigned long nr_top;
	unsigned long limit;		/* pfns covered: nr_top * P2M_MID_SPAN */

	/* Shared sentinels; never written once the tree is set up. */
	unsigned long *missing;
	unsigned long *identity;
	unsigned long **mid_missing;
	unsigned long **mid_identity;

	/*
	 * Boot only, until p2m_tree_boot_end(): Xen's mfn_list itself holds
	 * the entries of pfns below boot_nr (nr_pages rounded up to a leaf)
	 * and the tree only those above, so the initial RAM needs no mid.
	 */
	unsigned long *boot_list;
	unsigned long boot_nr;

	/*
	 * Leaves that are not ours but borrowed from Xen's boot-time mfn_list
	 * ([borrowed_start, borrowed_end) in the kernel's view); they are
	 * never freed, only replaced by copies before Xen's list goes away.
	 */
	unsigned long *borrowed_start;
	unsigned long *borrowed_end;

	/* Toolstack tree (first P2M_TOOLS_TOP_SLOTS top slots only). */
	unsigned long *top_mfn;		/* MFNs of mid-MFN pages */
	unsigned long **top_mfn_p;	/* the same mid-MFN pages by VA */
	unsigned long *mid_missing_mfn;	/* mid-MFN page of absent leaves */

	/*
	 * Linear view: on once built. Every change of a leaf or mid pointer
	 * then happens under view_lock, between two view_gen() calls.
	 */
	bool view_on;
	spinlock_t view_lock;		/* serialises view changes */

	/* Highest populated pfn plus one, rounded to a leaf: shinfo max_pfn. */
	unsigned long last_pfn;

	/* Page counts by kind, for the dump and the tests. */
	atomic_long_t nr_mids;
	atomic_long_t nr_leaves;
	atomic_long_t nr_borrowed;
	atomic_long_t nr_mid_mfns;
	atomic_long_t nr_view_pages;	/* page tables of real mids */
	atomic_long_t nr_alloc_failed;

	const struct p2m_tree_ops *ops;
	void *priv;
};

/* One slot of p2m_top_mfn covers a mid; one page of it is the ABI limit. */
#define P2M_TOOLS_TOP_SLOTS	(PAGE_SIZE / sizeof(unsigned long))

typedef void (*p2m_run_fn)(void *data, unsigned long start,
			   unsigned long end, enum p2m_kind kind);

/*
 * The tree's operations are static to p2m.c unless KUnit is built
 * (VISIBLE_IF_KUNIT): only the test suites call them from outside.
 */
#if IS_ENABLED(CONFIG_KUNIT)
int p2m_tree_init(struct p2m_tree *t, unsigned long ***top,
		  unsigned long nr_top, const struct p2m_tree_ops *ops);
unsigned long p2m_tree_lookup(const struct p2m_tree *t, unsigned long pfn);
bool p2m_tree_set(struct p2m_tree *t, unsigned long pfn, unsigned long mfn);
bool p2m_tree_store(struct p2m_tree *t, unsigned long pfn, unsigned long mfn);
int p2m_tree_populate(struct p2m_tree *t, unsigned long pfn);
unsigned long p2m_tree_set_identity(struct p2m_tree *t, unsigned long start,
				    unsigned long end);
int p2m_tree_graft(struct p2m_tree *t, unsigned long *list,
		   unsigned long nr);
int p2m_tree_adopt(struct p2m_tree *t);
int p2m_tree_boot(struct p2m_tree *t, unsigned long *list, unsigned long nr);
int p2m_tree_boot_end(struct p2m_tree *t);
int p2m_tree_build_mfn_tree(struct p2m_tree *t);
int p2m_tree_view_start(struct p2m_tree *t);
int p2m_tree_check(const struct p2m_tree *t, char *buf, size_t len);
enum p2m_kind p2m_entry_kind(unsigned long entry);
unsigned long p2m_tree_for_each_run(const struct p2m_tree *t, p2m_run_fn fn,
				    void *data);
const char *p2m_kind_name(enum p2m_kind kind);

/* Pages a boot-time tree may take from brk in the worst case. */
unsigned long p2m_brk_pages_needed(unsigned long nr_top,
				   unsigned long nr_e820_entries);

/* The live tree: consistency check usable from KUnit and debugfs. */
int xen_p2m_check(char *buf, size_t len);
bool xen_p2m_live(void);
struct p2m_tree *xen_p2m_live_tree(void);
#endif /* CONFIG_KUNIT */

#endif /* _XEN_P2M_TREE_H */
