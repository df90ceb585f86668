// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: sequences of operations on a private P2M tree of
 * arch/x86/xen/p2m.c (linked unchanged), checked against a plain array of
 * pfn -> entry.
 *
 * The input picks the tree's size (1 or 2 top slots, 1 or 2 GiB), maybe a
 * grafted boot list (as Xen's mfn_list at boot), then operations: set an
 * entry, populate a leaf, make a range identity, adopt the borrowed
 * leaves, build the toolstack tree, fail a later page allocation. Pfns
 * cluster round leaf and mid boundaries and the tree's limit.
 *
 * After every operation: what it returned agrees with the model (a set is
 * refused only on a sentinel that says something else; identity covers
 * exactly the pfns it claims), the pfns it touched read back as the
 * model says. At the end: every pfn of the tree and a few beyond read as
 * the model says, the runs of p2m_tree_for_each_run() are the model's,
 * p2m_tree_check() is clean, and the pages the allocator holds are
 * exactly the pages the tree counts. ASan sees a page the tree still uses
 * after it gave it back; UBSan sees undefined arithmetic.
 */
#include <native.h>

#include "../../arch/x86/xen/p2m-tree.h"
#include "fuzz-input.h"

#include <sanitizer/asan_interface.h>

#define MAX_TOP		2
#define MAX_PFNS	(MAX_TOP * P2M_MID_SPAN)
#define MAX_PAGES	(MAX_PFNS / P2M_PER_PAGE + 64)
#define MAX_OPS		64

#define FAIL(fmt, ...) do {						\
	fprintf(stderr, "fuzz-p2m: " fmt "\n", ##__VA_ARGS__);		\
	abort();							\
} while (0)

/*
 * The tree's pages: slots of one arena, so that a page's "MFN" is its
 * slot. A page given back is poisoned: ASan stops any access the tree
 * still makes to it.
 */
struct pool {
	char *arena;
	bool used[MAX_PAGES];
	unsigned long live;
	unsigned long gets;
	unsigned long fail_at;		/* fail this get; 0: none */
};

static struct pool pool;
static unsigned long model[MAX_PFNS + P2M_PER_PAGE];
static unsigned long ***top_slots;
/* Leaves an operation may have changed: read entry by entry at the end. */
static bool touched[MAX_PFNS / P2M_PER_PAGE + 1];

static void touch(unsigned long s, unsigned long e, unsigned long limit)
{
	unsigned long l;

	for (l = s / P2M_PER_PAGE; l * P2M_PER_PAGE < min(e, limit); l++)
		touched[l] = true;
}

static void *pool_get(struct p2m_tree *t)
{
	unsigned long i;
	char *page;

	if (++pool.gets == pool.fail_at)
		return NULL;
	for (i = 0; i < MAX_PAGES; i++) {
		if (pool.used[i])
			continue;
		pool.used[i] = true;
		pool.live++;
		page = pool.arena + i * PAGE_SIZE;
		ASAN_UNPOISON_MEMORY_REGION(page, PAGE_SIZE);
		/* The tree must fill what it takes: give it garbage. */
		memset(page, 0xa5, PAGE_SIZE);
		return page;
	}
	return NULL;
}

static long pool_slot(void *page)
{
	unsigned long off = (char *)page - pool.arena;

	if ((char *)page < pool.arena || off >= MAX_PAGES * PAGE_SIZE)
		return -1;
	if (offset_in_page(off))
		FAIL("%p is not a page", page);
	return off / PAGE_SIZE;
}

static void pool_put(struct p2m_tree *t, void *page)
{
	long i = pool_slot(page);

	if (i < 0 || !pool.used[i])
		FAIL("put_page of %p, not a page handed out", page);
	pool.used[i] = false;
	pool.live--;
	ASAN_POISON_MEMORY_REGION(page, PAGE_SIZE);
}

/*
 * A page's "MFN": its slot, shifted away from small numbers; a page of
 * the boot list (a borrowed leaf) its address's frame.
 */
static unsigned long pool_mfn(struct p2m_tree *t, void *page)
{
	long i = pool_slot(page);

	if (i >= 0)
		return 0x800000 + i;
	if (offset_in_page(page))
		FAIL("page_mfn of %p, not a page", page);
	return (unsigned long)page >> PAGE_SHIFT;
}

static const struct p2m_tree_ops pool_ops = {
	.get_page = pool_get,
	.put_page = pool_put,
	.page_mfn = pool_mfn,
};

/* A pfn near a boundary of the tree, or anywhere in it. */
static unsigned long take_pfn(struct input *in, unsigned long limit)
{
	static const unsigned long base[] = {
		0, P2M_PER_PAGE, 2 * P2M_PER_PAGE, P2M_MID_SPAN / 2,
		P2M_MID_SPAN, P2M_MID_SPAN + P2M_PER_PAGE, 0x100, 0x9f,
	};
	unsigned int sel = take(in, 1);
	long off = (s16)take(in, 2);

	switch (sel % 10) {
	case 8:
		return take(in, 3) % (limit + P2M_PER_PAGE);
	case 9:
		return limit + off % 8;		/* beyond, or just below */
	default:
		return (base[sel % 8] + off + limit) % (limit + 2);
	}
}

static unsigned long take_mfn(struct input *in, unsigned long pfn)
{
	switch (take(in, 1) % 6) {
	case 0:
		return INVALID_P2M_ENTRY;
	case 1:
		return IDENTITY_FRAME(pfn);
	case 2:
		return FOREIGN_FRAME(take(in, 3));
	default:
		return take(in, 4);
	}
}

static unsigned long model_at(unsigned long pfn, unsigned long limit)
{
	return pfn < limit ? model[pfn] : IDENTITY_FRAME(pfn);
}

static void expect_pfn(const struct p2m_tree *t, unsigned long pfn,
		       const char *after)
{
	unsigned long got = p2m_tree_lookup(t, pfn);
	unsigned long want = model_at(pfn, t->limit);

	if (got != want)
		FAIL("after %s: pfn %#lx reads %#lx, model %#lx", after, pfn,
		     got, want);
}

struct runs_check {
	unsigned long next;
	unsigned long limit;
};

static void check_run(void *data, unsigned long start, unsigned long end,
		      enum p2m_kind kind)
{
	struct runs_check *rc = data;

	if (start != rc->next || start >= end || end > rc->limit)
		FAIL("run [%#lx-%#lx) after %#lx, limit %#lx", start, end,
		     rc->next, rc->limit);
	/* Its ends are of its kind (check_all reads every entry between). */
	if (p2m_entry_kind(model[start]) != kind ||
	    p2m_entry_kind(model[end - 1]) != kind)
		FAIL("run [%#lx-%#lx) %s, model has %#lx .. %#lx", start, end,
		     p2m_kind_name(kind), model[start], model[end - 1]);
	/* Runs are maximal: the next one is of another kind. */
	if (end < rc->limit && p2m_entry_kind(model[end]) == kind)
		FAIL("run [%#lx-%#lx) %s not maximal", start, end,
		     p2m_kind_name(kind));
	rc->next = end;
}

static void check_all(struct p2m_tree *t)
{
	struct runs_check rc = { .limit = t->limit };
	unsigned long pfn, pages;
	char buf[160];

	p2m_tree_for_each_run(t, check_run, &rc);
	if (rc.next != t->limit)
		FAIL("runs end at %#lx, limit %#lx", rc.next, t->limit);
	/*
	 * Every entry of a leaf an operation touched (a sentinel leaf by its
	 * kind, a real one entry by entry, one lookup each way); of the
	 * others, which must all still be missing, both ends and one inside.
	 */
	for (pfn = 0; pfn < t->limit; pfn += P2M_PER_PAGE) {
		unsigned long *leaf = t->top[pfn / P2M_MID_SPAN]
					    [pfn / P2M_PER_PAGE % P2M_MID_PER_PAGE];
		unsigned long i;

		expect_pfn(t, pfn + (pfn * 7 + 3) % P2M_PER_PAGE, "all");
		if (!touched[pfn / P2M_PER_PAGE]) {
			if (model[pfn] != INVALID_P2M_ENTRY)
				FAIL("model of untouched pfn %#lx changed", pfn);
			expect_pfn(t, pfn, "all");
			expect_pfn(t, pfn + P2M_PER_PAGE - 1, "all");
			continue;
		}
		for (i = 0; i < P2M_PER_PAGE; i++) {
			unsigned long want = model[pfn + i], got;

			if (leaf == t->identity)
				got = IDENTITY_FRAME(pfn + i);
			else
				got = leaf[i];
			if (got != want)
				FAIL("pfn %#lx holds %#lx, model %#lx (leaf %s)",
				     pfn + i, got, want,
				     leaf == t->identity ? "identity" :
				     leaf == t->missing ? "missing" : "real");
		}
		touched[pfn / P2M_PER_PAGE] = false;
		for (i = pfn; i < pfn + P2M_PER_PAGE; i++)
			model[i] = INVALID_P2M_ENTRY;
	}
	for (pfn = t->limit; pfn < t->limit + 4; pfn++)
		expect_pfn(t, pfn, "all");
	if (p2m_tree_check(t, buf, sizeof(buf)))
		FAIL("p2m_tree_check: %s", buf);
	pages = 4 + atomic_long_read(&t->nr_mids) +
		atomic_long_read(&t->nr_leaves) +
		atomic_long_read(&t->nr_mid_mfns) + (t->top_mfn ? 3 : 0);
	if (pages != pool.live)
		FAIL("tree counts %lu pages, allocator holds %lu", pages,
		     pool.live);
}

static void op_set(struct p2m_tree *t, struct input *in)
{
	unsigned long pfn = take_pfn(in, t->limit);
	unsigned long mfn = take_mfn(in, pfn);
	unsigned long old = model_at(pfn, t->limit);

	if (p2m_tree_set(t, pfn, mfn)) {
		if (pfn >= t->limit && mfn != IDENTITY_FRAME(pfn))
			FAIL("set %#lx beyond the limit accepted", pfn);
		if (pfn < t->limit)
			model[pfn] = mfn;
		touch(pfn, pfn + 1, t->limit);
	} else if (mfn == old ||
		   (old != INVALID_P2M_ENTRY && old != IDENTITY_FRAME(pfn))) {
		/* Only a sentinel may refuse, and only a change. */
		FAIL("set %#lx to %#lx refused, entry was %#lx", pfn, mfn, old);
	}
	expect_pfn(t, pfn, "set");
}

static void op_populate(struct p2m_tree *t, struct input *in)
{
	unsigned long pfn = take_pfn(in, t->limit);
	unsigned long base = ALIGN_DOWN(pfn, P2M_PER_PAGE), i;
	int ret = p2m_tree_populate(t, pfn);

	touch(pfn, pfn + 1, t->limit);
	if (pfn >= t->limit) {
		if (ret != -ERANGE)
			FAIL("populate %#lx beyond the limit: %d", pfn, ret);
		return;
	}
	if (ret && ret != -ENOMEM)
		FAIL("populate %#lx: %d", pfn, ret);
	for (i = base; i < base + P2M_PER_PAGE; i++) {
		expect_pfn(t, i, "populate");
		/* A populated leaf takes any value: write back the same. */
		if (!ret && !p2m_tree_set(t, i, model[i]))
			FAIL("pfn %#lx refused a set after populate", i);
	}
}

static void op_identity(struct p2m_tree *t, struct input *in)
{
	unsigned long s = take_pfn(in, t->limit);
	unsigned long e = take(in, 1) & 1 ? take_pfn(in, t->limit) :
			  s + take(in, 2);
	unsigned long stop, done, pfn;

	if (take(in, 1) == 0xff)
		e = ~0UL;		/* as setup-memory.c's tail */
	stop = min(e, t->limit);
	done = p2m_tree_set_identity(t, s, e);
	if (s >= stop ? done != 0 : done > stop - s)
		FAIL("identity [%#lx-%#lx) claims %#lx pfns", s, e, done);
	if (s < stop && done < stop - s && pool.fail_at != pool.gets)
		FAIL("identity [%#lx-%#lx) stopped after %#lx without a failed allocation",
		     s, e, done);
	for (pfn = s; pfn < s + done; pfn++)
		model[pfn] = IDENTITY_FRAME(pfn);
	touch(s, s + done + 1, t->limit);
	if (s < t->limit) {
		expect_pfn(t, s, "identity");
		if (s)
			expect_pfn(t, s - 1, "identity");
		expect_pfn(t, min(s + done, t->limit), "identity");
		expect_pfn(t, stop - 1, "identity");
	}
}

/* Xen's boot list, grafted or as the boot phase: only on a fresh tree. */
static unsigned long *op_graft(struct p2m_tree *t, struct input *in)
{
	unsigned long nr = take(in, 3) % (t->limit + 1), i;
	bool boot = take(in, 1) & 1;
	unsigned long *list;
	int ret;

	list = aligned_alloc(PAGE_SIZE, ALIGN(nr + 1, P2M_PER_PAGE) *
					sizeof(*list));
	if (!list)
		abort();
	for (i = 0; i < nr; i++)
		list[i] = 0x100000 + i * 3;
	if (boot && ALIGN(nr, P2M_PER_PAGE) > t->limit)
		nr = ALIGN_DOWN(nr, P2M_PER_PAGE);
	ret = boot ? p2m_tree_boot(t, list, nr) : p2m_tree_graft(t, list, nr);
	if (ret && ret != -ENOMEM)
		FAIL("%s %#lx: %d", boot ? "boot" : "graft", nr, ret);
	if (!ret)
		for (i = 0; i < nr; i++)
			model[i] = list[i];
	touch(0, nr + 1, t->limit);
	return list;
}

static void one_input(struct input *in)
{
	struct p2m_tree tree = { 0 };
	unsigned long nr_top = 1 + take(in, 1) % MAX_TOP, pfn, *list = NULL;
	unsigned int ops, op;
	int ret;

	pool.live = 0;
	pool.gets = 0;
	pool.fail_at = 0;
	top_slots = calloc(nr_top, sizeof(*top_slots));
	if (!top_slots || p2m_tree_init(&tree, top_slots, nr_top, &pool_ops))
		abort();
	if (take(in, 1) & 1)
		list = op_graft(&tree, in);

	for (ops = 0; ops < MAX_OPS && in->n; ops++) {
		op = take(in, 1);
		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			op_set(&tree, in);
			break;
		case 3:
			op_populate(&tree, in);
			break;
		case 4:
		case 5:
			op_identity(&tree, in);
			break;
		case 6:
			if (tree.boot_nr)
				ret = p2m_tree_boot_end(&tree);
			else
				ret = p2m_tree_adopt(&tree);
			if (!ret && (tree.boot_nr ||
				     atomic_long_read(&tree.nr_borrowed)))
				FAIL("boot end or adopt left the boot list");
			break;
		case 7:
			/*
			 * Checked at the end only: p2m_tree_check() walks all
			 * 512 toolstack slots, most of the time per input.
			 */
			p2m_tree_build_mfn_tree(&tree);
			break;
		}
		/* Now and then fail one of the next page allocations. */
		if (op & 0x80)
			pool.fail_at = pool.gets + 1 + (op >> 3) % 4;
	}
	/* The run walk and the check read the tree, not a boot list. */
	pool.fail_at = 0;
	if (!p2m_tree_boot_end(&tree))
		check_all(&tree);

	for (pfn = 0; pfn < MAX_PAGES; pfn++)
		pool.used[pfn] = false;
	ASAN_POISON_MEMORY_REGION(pool.arena, MAX_PAGES * PAGE_SIZE);
	free(top_slots);
	free(list);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned long pfn;

	pool.arena = aligned_alloc(PAGE_SIZE, MAX_PAGES * PAGE_SIZE);
	if (!pool.arena)
		abort();
	ASAN_POISON_MEMORY_REGION(pool.arena, MAX_PAGES * PAGE_SIZE);
	/* check_all() puts the leaves an input touched back to this. */
	for (pfn = 0; pfn < ARRAY_SIZE(model); pfn++)
		model[pfn] = INVALID_P2M_ENTRY;
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };

	one_input(&in);
	return 0;
}
