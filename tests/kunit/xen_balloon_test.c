// SPDX-License-Identifier: GPL-2.0
/*
 * xen_balloon: the balloon driver (drivers/xen/balloon.c) against a fake
 * hypervisor. Each case builds a private balloon on ordinary pages:
 * FAKE_KERNEL pages "in the kernel" (backed, Xen's reservation) and
 * FAKE_EXTRA pages on the ballooned list, as the extra regions would be.
 * The fake can grant, refuse and half-succeed, and marks pfns as identity,
 * foreign, backed or a hole. It records every pfn it is asked to populate,
 * so a populated identity pfn fails the case. At the end every page must
 * be in exactly one place (ballooned, parked, in the kernel or lent):
 * nothing leaked.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <xen/balloon_core.h>
#include <xen/xen.h>

#define FAKE_KERNEL	64
#define FAKE_EXTRA	1100
#define FAKE_PAGES	(FAKE_KERNEL + FAKE_EXTRA)
/* One "section" the fake hotplugs: contiguous pages, not in play before. */
#define FAKE_HOT_ORDER	7
#define FAKE_HOT	BIT(FAKE_HOT_ORDER)
#define FAKE_ALL	(FAKE_PAGES + FAKE_HOT)
#define FAKE_MFN_BASE	0x100000UL
#define FAKE_UNLIMITED	(-1L)

/*
 * Where the fake can fail on purpose: the page allocator (shrinking), the
 * P2M entry of a lent page, the two memory hypercalls and the kernel
 * mapping multicalls. The balloon has no allocation of its own besides
 * these (its lists run through struct page, its batch arrays are fixed).
 */
enum fake_site {
	SITE_TAKE_PAGE,
	SITE_LEND,
	SITE_POPULATE,
	SITE_DECREASE,
	SITE_MAP,
	SITE_UNMAP,
	SITE_NR
};

/* FAULT_FAIL: an error, or every entry refused; FAULT_HALF: half of it. */
enum fake_how { FAULT_NONE = -1, FAULT_FAIL, FAULT_HALF };

/* Fail call number @at (0: none) of @site, as @how. */
struct fake_fault_spec {
	enum fake_site site;
	enum fake_how how;
	unsigned int at;
};

#define FAKE_FAULTS	3

struct fake_xen {
	struct xen_balloon *b;
	struct balloon_stats stats;
	struct page *page[FAKE_ALL];	/* the last FAKE_HOT: f->hot's */
	u8 kind[FAKE_ALL];
	DECLARE_BITMAP(backed, FAKE_ALL);
	DECLARE_BITMAP(stray, FAKE_ALL);	/* ballooned, yet Xen holds a frame */
	struct page *hot;		/* FAKE_HOT pages to hotplug */
	struct xen_balloon_ops hot_ops;	/* fake_ops with .hotplug */
	bool hot_auto_online;		/* online within the hotplug call */
	bool hotplug_locked;		/* hotplug called with the lock held */
	long hotplug_errno;		/* returned instead of a count */
	unsigned int hotplug_calls;
	unsigned long hot_added;	/* pages hotplugged (0 or FAKE_HOT) */
	unsigned long hot_online;	/* of those, onlined */
	struct list_head kernel;	/* pages the kernel owns (released) */
	unsigned int nr_kernel;
	unsigned int nr_lent;
	long reservation;
	long max_reservation;		/* <= 0: none */
	long grant_budget;		/* frames Xen still gives; -1: any */
	long grant_per_call;		/* -1: all asked */
	long take_budget;		/* frames Xen still takes; -1: any */
	long populate_errno;		/* returned instead of a count */
	long alloc_budget;		/* pages the allocator still gives */
	gfp_t alloc_gfp;		/* flags of the last page asked for */
	bool alloc_locked;		/* ...asked for with the balloon's lock held */
	long available;			/* what si_mem_available() says; -1: plenty */
	long live_floor;		/* >= 0: floor as the kernel counts it, from this */
	unsigned long map_fail_pfn;	/* this pfn cannot be mapped */
	int lend_errno;
	unsigned int bad_populates;	/* populate asked for a forbidden pfn */
	unsigned int populate_calls;
	struct fake_fault_spec fault[FAKE_FAULTS];
	unsigned int site_calls[SITE_NR];
	unsigned int faults;		/* failures injected */
	unsigned int idx_hint;		/* next index fake_index() tries */
	char shown[BALLOON_KEY_NR][24];	/* the toolstack's keys as written */
	unsigned int writes;		/* publish calls, failed ones too */
	int publish_errno;		/* returned by every publish call */
};

/* Is this call at @site one to fail, and how? */
static enum fake_how fake_fault(struct fake_xen *f, enum fake_site site)
{
	unsigned int i;

	f->site_calls[site]++;
	for (i = 0; i < FAKE_FAULTS; i++) {
		if (f->fault[i].at && f->fault[i].site == site &&
		    f->fault[i].at == f->site_calls[site]) {
			f->faults++;
			return f->fault[i].how;
		}
	}
	return FAULT_NONE;
}

static int fake_index(struct fake_xen *f, unsigned long pfn)
{
	int i;

	/* Lists are mostly walked in order: try the next index first. */
	if (f->idx_hint < FAKE_ALL && page_to_pfn(f->page[f->idx_hint]) == pfn)
		return f->idx_hint++;
	for (i = 0; i < FAKE_ALL; i++) {
		if (page_to_pfn(f->page[i]) == pfn) {
			f->idx_hint = i + 1;
			return i;
		}
	}
	return -1;
}

static struct fake_xen *fake_of(struct xen_balloon *b)
{
	return b->priv;
}

static long fake_populate(struct xen_balloon *b, unsigned int nr,
			  xen_pfn_t *frames)
{
	struct fake_xen *f = fake_of(b);
	long give = nr;
	unsigned int i;
	int idx;

	f->populate_calls++;
	for (i = 0; i < nr; i++) {
		idx = fake_index(f, frames[i]);
		if (idx < 0 || f->kind[idx] != BALLOON_PFN_EMPTY ||
		    test_bit(idx, f->backed))
			f->bad_populates++;
	}
	switch (fake_fault(f, SITE_POPULATE)) {
	case FAULT_FAIL:
		return -ENOMEM;
	case FAULT_HALF:
		give = nr / 2;
		break;
	default:
		break;
	}
	if (f->populate_errno)
		return f->populate_errno;
	if (f->grant_per_call >= 0)
		give = min(give, f->grant_per_call);
	if (f->grant_budget >= 0)
		give = min(give, f->grant_budget);
	if (f->max_reservation > 0)
		give = min(give, max(0L, f->max_reservation - f->reservation));
	for (i = 0; i < give; i++)
		frames[i] = FAKE_MFN_BASE + frames[i];
	if (f->grant_budget >= 0)
		f->grant_budget -= give;
	f->reservation += give;
	return give;
}

static long fake_decrease(struct xen_balloon *b, unsigned int nr,
			  xen_pfn_t *frames)
{
	struct fake_xen *f = fake_of(b);
	long take = nr;
	int idx;

	if (b->frames_are_pfns) {
		/* Frames are pfns: Xen stops at the first it has no frame for. */
		for (take = 0; take < nr; take++) {
			idx = fake_index(f, frames[take]);
			if (idx < 0 || !test_and_clear_bit(idx, f->stray))
				break;
			f->reservation--;
		}
		return take;
	}
	switch (fake_fault(f, SITE_DECREASE)) {
	case FAULT_FAIL:
		return -EFAULT;
	case FAULT_HALF:
		take = nr / 2;
		break;
	default:
		break;
	}
	if (f->take_budget >= 0) {
		take = min(take, f->take_budget);
		f->take_budget -= take;
	}
	f->reservation -= take;
	return take;
}

static long fake_current(struct xen_balloon *b)
{
	return fake_of(b)->reservation;
}

static long fake_max(struct xen_balloon *b)
{
	return fake_of(b)->max_reservation;
}

static enum balloon_pfn_kind fake_classify(struct xen_balloon *b,
					   unsigned long pfn)
{
	struct fake_xen *f = fake_of(b);
	int idx = fake_index(f, pfn);

	if (idx < 0)
		return BALLOON_PFN_HOLE;
	if (f->kind[idx] != BALLOON_PFN_EMPTY)
		return f->kind[idx];
	return test_bit(idx, f->backed) ? BALLOON_PFN_BACKED : BALLOON_PFN_EMPTY;
}

static void fake_map(struct xen_balloon *b, struct page **pages,
		     xen_pfn_t *frames, unsigned int nr, unsigned long *failed)
{
	struct fake_xen *f = fake_of(b);
	enum fake_how fault = fake_fault(f, SITE_MAP);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);

		/* A failed multicall refuses every entry, a half one odd ones. */
		if (fault == FAULT_FAIL || (fault == FAULT_HALF && i % 2))
			set_bit(i, failed);
		else if (pfn == f->map_fail_pfn || frames[i] != FAKE_MFN_BASE + pfn)
			set_bit(i, failed);
		else
			set_bit(fake_index(f, pfn), f->backed);
	}
}

static void fake_unmap(struct xen_balloon *b, struct page **pages,
		       xen_pfn_t *frames, unsigned int nr,
		       unsigned long *failed)
{
	struct fake_xen *f = fake_of(b);
	enum fake_how fault = fake_fault(f, SITE_UNMAP);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		frames[i] = FAKE_MFN_BASE + page_to_pfn(pages[i]);
		if (fault == FAULT_FAIL || (fault == FAULT_HALF && i % 2))
			set_bit(i, failed);	/* still mapped and backed */
		else
			clear_bit(fake_index(f, page_to_pfn(pages[i])), f->backed);
	}
}

static struct page *fake_alloc_page(struct xen_balloon *b, gfp_t gfp)
{
	struct fake_xen *f = fake_of(b);
	struct page *page;

	f->alloc_gfp = gfp;
	f->alloc_locked = mutex_is_locked(&b->lock);
	if (fake_fault(f, SITE_TAKE_PAGE) != FAULT_NONE || !f->alloc_budget)
		return NULL;
	page = list_first_entry_or_null(&f->kernel, struct page, lru);
	if (!page)
		return NULL;
	list_del(&page->lru);
	f->nr_kernel--;
	if (f->alloc_budget > 0)
		f->alloc_budget--;
	return page;
}

static void fake_release_page(struct xen_balloon *b, struct page *page)
{
	struct fake_xen *f = fake_of(b);

	list_add_tail(&page->lru, &f->kernel);
	f->nr_kernel++;
}

static int fake_lend(struct xen_balloon *b, struct page *page)
{
	struct fake_xen *f = fake_of(b);

	if (fake_fault(f, SITE_LEND) != FAULT_NONE)
		return -ENOMEM;
	return f->lend_errno;
}

static unsigned long fake_available(struct xen_balloon *b)
{
	struct fake_xen *f = fake_of(b);

	return f->available < 0 ? ULONG_MAX : f->available;
}

/*
 * With live_floor set, the floor moves like the kernel's: pages taken from
 * the allocator and not yet given to Xen count as held by the kernel.
 */
static unsigned long fake_floor(struct xen_balloon *b)
{
	struct fake_xen *f = fake_of(b);

	if (f->live_floor < 0)
		return b->floor_pages;
	return f->live_floor + f->stats.current_pages - b->nr_stranded - f->nr_kernel;
}

static const char * const fake_keys[BALLOON_KEY_NR] = {
	"target_kb", "current_kb", "floor_kb", "stop_reason",
};

/* xenstore data/balloon/@key: kept only when the write succeeds. */
static int fake_publish(struct xen_balloon *b, const char *key,
			const char *value)
{
	struct fake_xen *f = fake_of(b);
	unsigned int k;

	f->writes++;
	if (f->publish_errno)
		return f->publish_errno;
	for (k = 0; k < BALLOON_KEY_NR; k++)
		if (!strcmp(key, fake_keys[k]))
			strscpy(f->shown[k], value, sizeof(f->shown[k]));
	return 0;
}

static const struct xen_balloon_ops fake_ops = {
	.populate = fake_populate,
	.decrease = fake_decrease,
	.current_reservation = fake_current,
	.max_reservation = fake_max,
	.classify = fake_classify,
	.map = fake_map,
	.unmap = fake_unmap,
	.take_page = fake_alloc_page,
	.release_page = fake_release_page,
	.lend = fake_lend,
	.available = fake_available,
	.floor = fake_floor,
	.publish = fake_publish,
};

static void fake_online(struct fake_xen *f)
{
	f->hot_online = FAKE_HOT;
	xen_balloon_hotplugged(f->b, page_to_pfn(f->hot), FAKE_HOT);
}

/* One section, once: onlined within the call (auto-online) or later. */
static long fake_hotplug(struct xen_balloon *b, unsigned long nr)
{
	struct fake_xen *f = fake_of(b);

	f->hotplug_calls++;
	f->hotplug_locked |= mutex_is_locked(&b->lock);
	if (f->hotplug_errno)
		return f->hotplug_errno;
	if (f->hot_added || nr > FAKE_HOT)
		return -ENOSPC;
	f->hot_added = FAKE_HOT;
	/* Onlining takes the balloon's lock: it would hang with it held. */
	if (f->hot_auto_online && !f->hotplug_locked)
		fake_online(f);
	return FAKE_HOT;
}

static void fake_use_hotplug(struct fake_xen *f)
{
	f->hot_ops = fake_ops;
	f->hot_ops.hotplug = fake_hotplug;
	f->b->ops = &f->hot_ops;
	f->b->may_hotplug = true;
	/* The toolstack raised maxmem: room for a section past our pages. */
	f->max_reservation = FAKE_PAGES + PAGES_PER_SECTION;
}

/* A new balloon on the fake's pages: FAKE_KERNEL in the kernel, the rest ballooned. */
static void fake_start(struct fake_xen *f)
{
	int i;

	INIT_LIST_HEAD(&f->kernel);
	f->grant_budget = FAKE_UNLIMITED;
	f->grant_per_call = FAKE_UNLIMITED;
	f->take_budget = FAKE_UNLIMITED;
	f->alloc_budget = FAKE_UNLIMITED;
	f->available = FAKE_UNLIMITED;
	f->live_floor = FAKE_UNLIMITED;
	f->map_fail_pfn = ULONG_MAX;
	f->reservation = FAKE_KERNEL;

	xen_balloon_setup(f->b, &fake_ops, &f->stats, FAKE_KERNEL);
	f->b->priv = f;
	for (i = 0; i < FAKE_KERNEL; i++) {
		set_bit(i, f->backed);
		fake_release_page(f->b, f->page[i]);
	}
	for (; i < FAKE_PAGES; i++)
		xen_balloon_add_page(f->b, f->page[i]);
}

static int xen_balloon_test_init(struct kunit *test)
{
	struct fake_xen *f;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->b = kunit_kzalloc(test, sizeof(*f->b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->b);
	for (i = 0; i < FAKE_PAGES; i++) {
		f->page[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->page[i]);
	}
	f->hot = alloc_pages(GFP_KERNEL, FAKE_HOT_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, f->hot);
	for (i = 0; i < FAKE_HOT; i++)
		f->page[FAKE_PAGES + i] = f->hot + i;
	fake_start(f);
	test->priv = f;
	return 0;
}

static unsigned int list_count(struct list_head *head)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/* Every page is in exactly one place, and we agree with Xen. */
static void expect_no_page_leaked(struct kunit *test, struct fake_xen *f)
{
	struct xen_balloon *b = f->b;
	unsigned int ballooned = list_count(&b->ballooned);
	unsigned int parked = list_count(&b->parked);

	KUNIT_EXPECT_EQ(test, ballooned, f->stats.balloon_low);
	KUNIT_EXPECT_EQ(test, parked, b->nr_parked);
	KUNIT_EXPECT_EQ(test, list_count(&f->kernel), f->nr_kernel);
	KUNIT_EXPECT_EQ(test, ballooned + parked + f->nr_kernel + f->nr_lent,
			FAKE_PAGES + f->hot_online);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, f->reservation);
	KUNIT_EXPECT_EQ(test, f->bad_populates, 0);
	/* What debugfs calls "accounted". */
	KUNIT_EXPECT_EQ(test, f->stats.current_pages + f->stats.balloon_low +
			b->nr_parked - b->nr_stranded + f->stats.target_unpopulated,
			f->stats.total_pages);
	/* Pages in the kernel are exactly the frames counted, bar stranded ones. */
	KUNIT_EXPECT_EQ(test, f->nr_kernel + b->nr_stranded, f->stats.current_pages);
}

/* Take every page off the balloon's and the kernel's lists. */
static void fake_stop(struct fake_xen *f)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &f->b->ballooned, lru) {
		list_del(&page->lru);
		__ClearPageOffline(page);
	}
	list_for_each_entry_safe(page, next, &f->b->parked, lru) {
		list_del(&page->lru);
		__ClearPageOffline(page);
	}
	list_for_each_entry_safe(page, next, &f->kernel, lru)
		list_del(&page->lru);
}

static void xen_balloon_test_exit(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	int i;

	if (!f)
		return;
	expect_no_page_leaked(test, f);
	fake_stop(f);
	for (i = 0; i < FAKE_PAGES; i++)
		__free_page(f->page[i]);
	__free_pages(f->hot, FAKE_HOT_ORDER);
}

/* Step until the balloon rests or backs off; returns the last step. */
static long settle(struct fake_xen *f)
{
	long delay = 0;
	int i;

	for (i = 0; i < 64 && delay == 0; i++)
		delay = xen_balloon_step(f->b);
	return delay;
}

static void grows_to_target_in_batches(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	xen_balloon_set_target(f->b, FAKE_KERNEL + 700);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 700);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, FAKE_EXTRA - 700);
	KUNIT_EXPECT_GE(test, f->populate_calls, 2U);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NONE);
}

static void identity_foreign_backed_and_hole_pfns_are_refused(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;

	f->kind[FAKE_KERNEL + 0] = BALLOON_PFN_IDENTITY;
	f->kind[FAKE_KERNEL + 1] = BALLOON_PFN_IDENTITY;
	f->kind[FAKE_KERNEL + 600] = BALLOON_PFN_FOREIGN;
	f->kind[FAKE_KERNEL + 700] = BALLOON_PFN_HOLE;
	set_bit(FAKE_KERNEL + 800, f->backed);

	xen_balloon_set_target(b, FAKE_KERNEL + FAKE_EXTRA);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->bad_populates, 0U);
	KUNIT_EXPECT_EQ(test, b->refused[BALLOON_PFN_IDENTITY], 2UL);
	KUNIT_EXPECT_EQ(test, b->refused[BALLOON_PFN_FOREIGN], 1UL);
	KUNIT_EXPECT_EQ(test, b->refused[BALLOON_PFN_HOLE], 1UL);
	KUNIT_EXPECT_EQ(test, b->refused[BALLOON_PFN_BACKED], 1UL);
	KUNIT_EXPECT_EQ(test, b->nr_parked, 5UL);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + FAKE_EXTRA - 5);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, 0UL);
	/* The target is clamped to what could be filled, and says why. */
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, f->stats.current_pages);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_NO_PAGES);
}

static void all_identity_list_parks_without_populating(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	int i;

	for (i = FAKE_KERNEL; i < FAKE_PAGES; i++)
		f->kind[i] = BALLOON_PFN_IDENTITY;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 10);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->populate_calls, 0U);
	KUNIT_EXPECT_EQ(test, f->b->nr_parked, (unsigned long)FAKE_EXTRA);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NO_PAGES);
}

static void partial_populate_keeps_exact_accounting(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->grant_per_call = 100;
	f->grant_budget = 250;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 600);
	KUNIT_EXPECT_GT(test, settle(f), 0L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 250);
	KUNIT_EXPECT_EQ(test, f->reservation, FAKE_KERNEL + 250L);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, FAKE_EXTRA - 250);
	KUNIT_EXPECT_EQ(test, f->nr_kernel, FAKE_KERNEL + 250U);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_REFUSED);
	/* The target stays: Xen may give more later. */
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL + 600);
}

static void populate_error_backs_off_then_gives_up(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct balloon_stats *st = &f->stats;

	f->populate_errno = -ENOMEM;
	st->max_schedule_delay = 4;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 10);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(f->b), 2L);
	KUNIT_EXPECT_EQ(test, st->retry_count, 2UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(f->b), 4L);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(f->b), 4L);
	KUNIT_EXPECT_EQ(test, st->retry_count, 4UL);
	/* max_retry_count (4) exceeded: give up until the target changes. */
	KUNIT_EXPECT_EQ(test, xen_balloon_step(f->b), -1L);
	KUNIT_EXPECT_EQ(test, st->retry_count, 1UL);
	KUNIT_EXPECT_EQ(test, st->schedule_delay, 1UL);
	KUNIT_EXPECT_EQ(test, st->current_pages, (unsigned long)FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, st->balloon_low, (unsigned long)FAKE_EXTRA);
	/* Xen recovers: progress resets the pacing. */
	f->populate_errno = 0;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 10);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, st->current_pages, FAKE_KERNEL + 10UL);
	KUNIT_EXPECT_EQ(test, st->retry_count, 1UL);
}

static void unlimited_retries_never_give_up(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	int i;

	f->populate_errno = -EBUSY;
	f->stats.max_retry_count = RETRY_UNLIMITED;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 10);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_GT(test, xen_balloon_step(f->b), 0L);
	KUNIT_EXPECT_EQ(test, f->stats.schedule_delay, 32UL);
}

static void partial_decrease_keeps_exact_accounting(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->take_budget = 30;
	xen_balloon_set_target(f->b, FAKE_KERNEL - 50);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 30UL);
	KUNIT_EXPECT_EQ(test, f->reservation, FAKE_KERNEL - 30L);
	/* What Xen did not take went back to the kernel. */
	KUNIT_EXPECT_EQ(test, f->nr_kernel, FAKE_KERNEL - 30U);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, FAKE_EXTRA + 30UL);
	KUNIT_EXPECT_EQ(test, f->b->nr_parked, 0UL);
}

static void shrink_stops_early_under_allocation_pressure(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	long delay;

	f->alloc_budget = 10;
	xen_balloon_set_target(f->b, FAKE_KERNEL - 40);
	delay = settle(f);
	KUNIT_EXPECT_GT(test, delay, 0L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 10UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_PRESSURE);
	/* The allocator recovers: the next try goes on. */
	f->alloc_budget = FAKE_UNLIMITED;
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 40UL);
}

static void unmappable_frame_goes_back_to_xen(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->map_fail_pfn = page_to_pfn(f->page[FAKE_PAGES - 1]);
	xen_balloon_set_target(f->b, FAKE_KERNEL + FAKE_EXTRA);
	settle(f);
	/* Every page but the unmappable one ends in the kernel... */
	KUNIT_EXPECT_EQ(test, f->nr_kernel, FAKE_PAGES - 1U);
	/* ...which is parked, its frame back with Xen, and no spinning. */
	KUNIT_EXPECT_EQ(test, f->b->nr_parked, 1UL);
	KUNIT_EXPECT_EQ(test, f->b->refused[BALLOON_PFN_UNMAPPABLE], 1UL);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 1UL);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, 0UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(f->b), -1L);
}

static void target_clamped_to_max_reservation(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->max_reservation = FAKE_KERNEL + 100;
	xen_balloon_set_target(f->b, FAKE_KERNEL + 500);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL + 100UL);
	KUNIT_EXPECT_EQ(test, f->b->requested_pages, FAKE_KERNEL + 500UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_MAX_RESERVATION);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 100UL);
	/* Going down again clears the reason. */
	xen_balloon_set_target(f->b, FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NONE);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
}

static void ceiling_reached_while_growing_goes_idle(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	/* Xen's ceiling lowered behind our back: populate comes up short. */
	xen_balloon_set_target(f->b, FAKE_KERNEL + 300);
	f->max_reservation = FAKE_KERNEL + 120;
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 120UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_MAX_RESERVATION);
}

static void target_clamped_to_fillable_pages(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	xen_balloon_set_target(f->b, FAKE_PAGES + 5000);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NO_PAGES);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_PAGES);
}

/*
 * Past the boot size: with no ballooned page left the balloon hotplugs
 * memory (without its lock), fills it up to the target, and gives it
 * back when the target falls.
 */
static void hotplug_grows_past_the_boot_size(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	fake_use_hotplug(f);
	f->hot_auto_online = true;
	xen_balloon_set_target(f->b, FAKE_PAGES + 40);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_PAGES + 40UL);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 1U);
	KUNIT_EXPECT_FALSE(test, f->hotplug_locked);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES + 40UL);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, FAKE_HOT - 40UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NONE);
	xen_balloon_set_target(f->b, FAKE_KERNEL + 10);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 10UL);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 1U);
}

/* Hotplugged but not onlined: no second section, a reason, and on when onlined. */
static void hotplugged_memory_waits_until_onlined(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	fake_use_hotplug(f);
	xen_balloon_set_target(f->b, FAKE_PAGES + 40);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(f->b->stop), "memory_offline");
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 1U);
	fake_online(f);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES + 40UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NONE);
}

/* A failed hotplug is tried again for the next target, not in a loop. */
static void failed_hotplug_waits_for_a_new_target(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	fake_use_hotplug(f);
	f->hotplug_errno = -ENOSPC;
	xen_balloon_set_target(f->b, FAKE_PAGES + 40);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 1U);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NO_PAGES);
	f->hotplug_errno = 0;
	f->hot_auto_online = true;
	xen_balloon_set_target(f->b, FAKE_PAGES + 50);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 2U);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES + 50UL);
}

/* Xen's ceiling with no room for a whole section: no hotplug. */
static void no_hotplug_for_a_sliver_above_our_pages(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	fake_use_hotplug(f);
	f->max_reservation = FAKE_PAGES + 40;
	xen_balloon_set_target(f->b, FAKE_PAGES + 40);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->hotplug_calls, 0U);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NO_PAGES);
}

/* The worker takes pages from the allocator without holding its lock. */
static void shrinking_reclaims_without_the_lock(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	xen_balloon_set_target(f->b, FAKE_KERNEL + 100);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	xen_balloon_set_target(f->b, FAKE_KERNEL + 20);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 20UL);
	KUNIT_EXPECT_EQ(test, f->site_calls[SITE_TAKE_PAGE], 80U);
	KUNIT_EXPECT_FALSE(test, f->alloc_locked);
}

static void target_below_floor_is_raised_to_it(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;

	b->floor_pages = FAKE_KERNEL - 20;
	xen_balloon_set_target(b, 0);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL - 20UL);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_FLOOR);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 20UL);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_FLOOR);
}

static void floor_never_makes_the_balloon_grow(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->b->floor_pages = FAKE_KERNEL + 200;
	xen_balloon_set_target(f->b, FAKE_KERNEL - 10);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, (unsigned long)FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, settle(f), (long)BALLOON_FLOOR_RECHECK);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
}

/*
 * Held at the floor, the worker looks again on a slow timer: neither idle
 * for good (memory freed later must let it reach the target) nor a busy
 * loop (a look that moves nothing waits as long again).
 */
static void floor_held_is_rechecked_on_a_slow_timer(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;
	long delay;

	b->floor_pages = FAKE_KERNEL - 20;
	xen_balloon_set_target(b, FAKE_KERNEL - 40);
	delay = settle(f);
	KUNIT_EXPECT_GE(test, delay, 5L);
	KUNIT_EXPECT_LE(test, delay, 10L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 20UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(b), delay);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 20UL);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_FLOOR);

	/* The kernel freed memory: the floor falls, the target is reached. */
	b->floor_pages = FAKE_KERNEL - 50;
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL - 40UL);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_NONE);
}

static void opt_in_goes_below_floor(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->b->floor_pages = FAKE_KERNEL - 20;
	f->b->below_floor_ok = true;
	xen_balloon_set_target(f->b, 4);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, 4UL);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, 4UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_NONE);
}

/*
 * xl save at a size Xen's limit does not allow: a restore would fail
 * after the toolstack destroyed the original, so the freeze shrinks the
 * balloon to fit or refuses the suspend.
 */
static void suspend_verdict_fits_shrinks_or_refuses(struct kunit *test)
{
	/* At or under Xen's limit, or nothing known: go on. */
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(100, 100, 100, 50),
			BALLOON_SUSPEND_FITS);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(90, 100, 90, 90),
			BALLOON_SUSPEND_FITS);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(500, 0, 500, 500),
			BALLOON_SUSPEND_FITS);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(-22, 100, 500, 500),
			BALLOON_SUSPEND_FITS);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(500, -22, 500, 500),
			BALLOON_SUSPEND_FITS);
	/* Over it, with room to go down toward the target. */
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(101, 100, 101, 50),
			BALLOON_SUSPEND_SHRINK);
	/* Over it, at the target (the floor): nothing more to give. */
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(300, 100, 300, 300),
			BALLOON_SUSPEND_REFUSE);
	/* A PVH guest: Xen counts its special pages, the balloon does not. */
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(310, 300, 300, 300),
			BALLOON_SUSPEND_REFUSE);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend_verdict(310, 300, 300, 200),
			BALLOON_SUSPEND_SHRINK);
}

/* The worker (frozen) had not got there yet: the freeze finishes its job. */
static void suspend_shrinks_to_fit_xens_limit(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->max_reservation = 21;
	xen_balloon_set_target(f->b, 20);
	KUNIT_EXPECT_EQ(test, f->reservation, (long)FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend(f->b), 0);
	KUNIT_EXPECT_LE(test, f->reservation, 21L);
	KUNIT_EXPECT_GE(test, f->reservation, 20L);
}

/*
 * A live migration: of the 40 pages given back, the new domain got 30 (the
 * receiver kept them, every fourth one not). The restore hands exactly
 * those to Xen again, and the balloon then grows back to where it was.
 */
static void restore_gives_back_the_pages_a_migration_left(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *page;
	unsigned int i = 0;

	xen_balloon_set_target(f->b, FAKE_KERNEL - 40);
	settle(f);
	KUNIT_ASSERT_EQ(test, xen_balloon_suspend(f->b), 0);
	list_for_each_entry(page, &f->b->ballooned, lru) {
		if (i == 40)
			break;
		if (i++ % 4 != 3) {
			set_bit(fake_index(f, page_to_pfn(page)), f->stray);
			f->reservation++;
		}
	}
	f->b->frames_are_pfns = true;
	KUNIT_EXPECT_EQ(test, xen_balloon_restored(f->b), 30UL);
	f->b->frames_are_pfns = false;
	KUNIT_EXPECT_TRUE(test, bitmap_empty(f->stray, FAKE_ALL));
	KUNIT_EXPECT_EQ(test, f->reservation, (long)f->stats.current_pages);
	xen_balloon_set_target(f->b, FAKE_KERNEL);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
}

/* Xen counts what it did at the suspend, or the guest is PV: no call. */
static void restore_without_strays_calls_nothing(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	unsigned int calls;

	xen_balloon_set_target(f->b, FAKE_KERNEL - 40);
	settle(f);
	calls = f->site_calls[SITE_DECREASE];
	KUNIT_ASSERT_EQ(test, xen_balloon_suspend(f->b), 0);
	f->b->frames_are_pfns = true;
	KUNIT_EXPECT_EQ(test, xen_balloon_restored(f->b), 0UL);
	f->b->frames_are_pfns = false;
	/* A PV guest's ballooned pfns have no frame to name. */
	KUNIT_ASSERT_EQ(test, xen_balloon_suspend(f->b), 0);
	f->reservation += 5;
	KUNIT_EXPECT_EQ(test, xen_balloon_restored(f->b), 0UL);
	f->reservation -= 5;
	/* No suspend before: nothing to compare with. */
	f->b->frames_are_pfns = true;
	f->reservation += 5;
	KUNIT_EXPECT_EQ(test, xen_balloon_restored(f->b), 0UL);
	f->reservation -= 5;
	f->b->frames_are_pfns = false;
	KUNIT_EXPECT_EQ(test, f->site_calls[SITE_DECREASE], calls);
}

/* Held at the floor above Xen's limit: refused, nothing given or taken. */
static void suspend_refused_at_the_floor(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->b->floor_pages = 50;
	xen_balloon_set_target(f->b, 10);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, 50UL);
	f->max_reservation = 11;	/* xl mem-set: target + 1 MiB */
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend(f->b), -EBUSY);
	KUNIT_EXPECT_EQ(test, f->reservation, 50L);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_FLOOR);
	/* Raised to the floor, the domain fits and may be saved. */
	f->max_reservation = 51;
	xen_balloon_set_target(f->b, 50);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend(f->b), 0);
	KUNIT_EXPECT_EQ(test, f->reservation, 50L);
}

/* The allocator gives nothing: no progress, no endless loop, refused. */
static void suspend_refused_when_nothing_can_be_taken(struct kunit *test)
{
	struct fake_xen *f = test->priv;

	f->alloc_budget = 0;
	f->max_reservation = 21;
	xen_balloon_set_target(f->b, 20);
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend(f->b), -EBUSY);
	KUNIT_EXPECT_EQ(test, f->reservation, (long)FAKE_KERNEL);
	f->alloc_budget = FAKE_UNLIMITED;
	KUNIT_EXPECT_EQ(test, xen_balloon_suspend(f->b), 0);
}

static void floor_formula(struct kunit *test)
{
	struct balloon_floor_input in = {
		.boot_pages = 131072,	/* 512 MiB */
		.unmanaged = 20000,
		.unreclaimable = 30000,
		.reserve = 2000,
	};
	unsigned long fixed = (16UL << 20) >> PAGE_SHIFT;

	/* 16 MiB + 1/32 of 512 MiB = 16 MiB + 16 MiB of margin. */
	KUNIT_EXPECT_EQ(test, xen_balloon_floor(&in),
			20000UL + 30000 + 2000 + fixed + 4096);
	in = (struct balloon_floor_input){};
	KUNIT_EXPECT_EQ(test, xen_balloon_floor(&in), fixed);
	in.unmanaged = ULONG_MAX - 10;
	in.unreclaimable = 100;
	KUNIT_EXPECT_EQ(test, xen_balloon_floor(&in), ULONG_MAX);
}

struct set_target_call {
	struct work_struct work;
	struct completion done;
	struct xen_balloon *b;
	unsigned long pages;
};

static void set_target_work(struct work_struct *work)
{
	struct set_target_call *call = container_of(work, struct set_target_call, work);

	xen_balloon_set_target(call->b, call->pages);
	complete(&call->done);
}

/*
 * The xenwatch thread sets the target while a batch holds the balloon's
 * lock (reclaim, hypercalls): it must return at once, and the next batch
 * must work toward the new target.
 */
static void set_target_does_not_wait_for_a_running_batch(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct set_target_call call = { .b = f->b, .pages = FAKE_KERNEL + 10 };
	unsigned long left;

	INIT_WORK_ONSTACK(&call.work, set_target_work);
	init_completion(&call.done);
	mutex_lock(&f->b->lock);		/* a batch in progress */
	queue_work(system_unbound_wq, &call.work);
	left = wait_for_completion_timeout(&call.done, 2 * HZ);
	mutex_unlock(&f->b->lock);
	flush_work(&call.work);
	destroy_work_on_stack(&call.work);
	KUNIT_EXPECT_NE_MSG(test, left, 0UL, "set_target waited for the batch's lock");
	KUNIT_EXPECT_EQ(test, f->b->requested_pages, FAKE_KERNEL + 10UL);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 10UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL + 10UL);
}

#define FLOOR_HELD	2048	/* 8 MiB "initrd" */
#define FLOOR_SLACK	64	/* what slab, stacks, ... may move meanwhile */

/*
 * The floor as the kernel computes it: memory the allocator does not
 * manage while the balloon starts (the initrd, __init sections), and
 * frees afterwards, must leave the floor once it is freed. Ballooning,
 * which moves our reservation and the managed pages together, must not
 * move the floor. The "initrd" is FLOOR_HELD pages taken out of the
 * allocator's count as memblock leaves it, and given back as
 * free_initrd_mem() does.
 */
static void floor_lets_go_of_memory_freed_after_init(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	unsigned long saved = f->stats.current_pages, f0, f1, f2;
	struct page **held;
	int i;

	held = kunit_kcalloc(test, FLOOR_HELD, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	for (i = 0; i < FLOOR_HELD; i++) {
		held[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, held[i]);
		adjust_managed_page_count(held[i], -1);
	}
	/* Xen counts 16 MiB more than the allocator manages, the initrd too. */
	f->stats.current_pages = totalram_pages() + FLOOR_HELD + 4096;
	f->b->boot_pages = f->stats.current_pages;
	f0 = xen_balloon_live_floor(f->b);

	for (i = 0; i < FLOOR_HELD; i++)	/* the initrd is freed */
		adjust_managed_page_count(held[i], 1);
	f1 = xen_balloon_live_floor(f->b);

	for (i = 0; i < FLOOR_HELD; i++)	/* then ballooned out */
		adjust_managed_page_count(held[i], -1);
	f->stats.current_pages -= FLOOR_HELD;
	f2 = xen_balloon_live_floor(f->b);

	for (i = 0; i < FLOOR_HELD; i++) {
		adjust_managed_page_count(held[i], 1);
		__free_page(held[i]);
	}
	f->stats.current_pages = saved;
	kunit_info(test, "floor %lu -> %lu -> %lu pages\n", f0, f1, f2);
	KUNIT_EXPECT_GE(test, f0 - f1, (unsigned long)FLOOR_HELD - FLOOR_SLACK);
	KUNIT_EXPECT_LE(test, f0 - f1, (unsigned long)FLOOR_HELD + FLOOR_SLACK);
	KUNIT_EXPECT_LE(test, max(f1, f2) - min(f1, f2), (unsigned long)FLOOR_SLACK);
}

static void borrow_and_return_ballooned_pages(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[10];
	int i;

	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 10, pages), 0);
	f->nr_lent = 10;
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_FALSE(test, PageOffline(pages[i]));
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, FAKE_EXTRA - 10UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_unpopulated, 10UL);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
	expect_no_page_leaked(test, f);

	xen_balloon_give_back(f->b, 10, pages);
	f->nr_lent = 0;
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, (unsigned long)FAKE_EXTRA);
	KUNIT_EXPECT_EQ(test, f->stats.target_unpopulated, 0UL);
}

static void borrow_never_lends_identity_pfns(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[4];
	int i;

	/* The list is taken from its head: the most recently added. */
	for (i = FAKE_KERNEL; i < FAKE_KERNEL + 8; i++)
		f->kind[i] = BALLOON_PFN_IDENTITY;
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 4, pages), 0);
	f->nr_lent = 4;
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, f->kind[fake_index(f, page_to_pfn(pages[i]))],
				(u8)BALLOON_PFN_EMPTY);
	KUNIT_EXPECT_EQ(test, f->b->nr_parked, 8UL);
	xen_balloon_give_back(f->b, 4, pages);
	f->nr_lent = 0;
}

static void borrow_shrinks_when_nothing_is_ballooned(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[20];

	xen_balloon_set_target(f->b, FAKE_PAGES);
	settle(f);
	KUNIT_ASSERT_EQ(test, f->stats.balloon_low, 0UL);
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 20, pages), 0);
	f->nr_lent = 20;
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 20UL);
	KUNIT_EXPECT_EQ(test, f->reservation, FAKE_PAGES - 20L);
	expect_no_page_leaked(test, f);
	xen_balloon_give_back(f->b, 20, pages);
	f->nr_lent = 0;
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, 20UL);
}

/* A borrower (gntdev, privcmd) must never drive the guest into the OOM killer. */
static void borrow_never_wakes_the_oom_killer(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[4];

	xen_balloon_set_target(f->b, FAKE_PAGES);
	settle(f);
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 4, pages), 0);
	f->nr_lent = 4;
	KUNIT_EXPECT_TRUE(test, f->alloc_gfp & __GFP_NORETRY);
	KUNIT_EXPECT_FALSE(test, f->alloc_gfp & (__GFP_NOFAIL | __GFP_RETRY_MAYFAIL));
	/* Reclaim runs without the balloon's lock: the worker need not wait. */
	KUNIT_EXPECT_FALSE(test, f->alloc_locked);
	xen_balloon_give_back(f->b, 4, pages);
	f->nr_lent = 0;
}

static void borrow_never_shrinks_below_the_floor(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[20];

	xen_balloon_set_target(f->b, FAKE_PAGES);
	settle(f);
	f->b->floor_pages = FAKE_PAGES - 5;
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 20, pages), -ENOMEM);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 5UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_unpopulated, 0UL);
	/* The 5 pages above the floor were ballooned out: those may be lent. */
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 5, pages), 0);
	f->nr_lent = 5;
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 5UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 1, pages + 5), -ENOMEM);
	xen_balloon_give_back(f->b, 5, pages);
	f->nr_lent = 0;
}

/*
 * The floor counts pages the kernel holds; the pages a borrower has just
 * taken from the allocator, about to be given to Xen, must not count.
 */
static void borrow_may_go_down_to_a_live_floor(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[20];

	xen_balloon_set_target(f->b, FAKE_PAGES);
	settle(f);
	f->live_floor = FAKE_PAGES - 20;
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 20, pages), 0);
	f->nr_lent = 20;
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 20UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 1, pages), -ENOMEM);
	xen_balloon_give_back(f->b, 20, pages);
	f->nr_lent = 0;
}

/* As upstream: no shrinking for a borrower when the kernel cannot spare it all. */
static void borrow_refused_when_the_kernel_cannot_spare_it(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[20];

	xen_balloon_set_target(f->b, FAKE_PAGES);
	settle(f);
	f->available = 19;
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 20, pages), -ENOMEM);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_PAGES);
	KUNIT_EXPECT_EQ(test, f->site_calls[SITE_TAKE_PAGE], 0U);
	f->available = 20;
	KUNIT_ASSERT_EQ(test, xen_balloon_borrow(f->b, 20, pages), 0);
	f->nr_lent = 20;
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_PAGES - 20UL);
	xen_balloon_give_back(f->b, 20, pages);
	f->nr_lent = 0;
}

static void failed_borrow_lends_nothing(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct page *pages[20];

	xen_balloon_set_target(f->b, FAKE_PAGES - 5);
	settle(f);
	f->alloc_budget = 0;
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 20, pages), -ENOMEM);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, 5UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_unpopulated, 0UL);
	f->lend_errno = -ENOMEM;
	f->alloc_budget = FAKE_UNLIMITED;
	KUNIT_EXPECT_EQ(test, xen_balloon_borrow(f->b, 3, pages), -ENOMEM);
	KUNIT_EXPECT_EQ(test, f->stats.balloon_low, 5UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_unpopulated, 0UL);
}

/* ---- failures at every allocation and hypercall ---------------------- */

/* Back to the state of xen_balloon_test_init(), on the same pages. */
static void fake_reset(struct fake_xen *f)
{
	fake_stop(f);
	memset(f->b, 0, sizeof(*f->b));
	memset(f->kind, 0, sizeof(f->kind));
	bitmap_zero(f->backed, FAKE_ALL);
	memset(f->site_calls, 0, sizeof(f->site_calls));
	f->nr_kernel = 0;
	f->nr_lent = 0;
	f->max_reservation = 0;
	f->populate_errno = 0;
	f->lend_errno = 0;
	f->bad_populates = 0;
	f->populate_calls = 0;
	memset(f->fault, 0, sizeof(f->fault));
	f->idx_hint = 0;
	fake_start(f);
}

/* At the target the balloon works toward, and the target is what was asked or says why not. */
static bool fi_target_reached(struct fake_xen *f)
{
	struct xen_balloon *b = f->b;

	return f->stats.current_pages == f->stats.target_pages &&
	       (f->stats.target_pages == b->requested_pages ||
		b->stop == BALLOON_STOP_NO_PAGES ||
		b->stop == BALLOON_STOP_MAX_RESERVATION);
}

static const char *const fi_site_names[SITE_NR] = {
	[SITE_TAKE_PAGE] = "page allocation",
	[SITE_LEND] = "P2M entry of a lent page",
	[SITE_POPULATE] = "populate_physmap",
	[SITE_DECREASE] = "decrease_reservation",
	[SITE_MAP] = "mapping multicall",
	[SITE_UNMAP] = "unmapping multicall",
};

/*
 * Move the target and let the balloon work. Whatever failed, the
 * accounting is exact at once (current_kb is what Xen counts, every page
 * in one place); a move cut short by the failure says so (it backs off,
 * or stops with a reason), and gets there once the failure is gone.
 */
static void fi_target(struct kunit *test, struct fake_xen *f,
		      unsigned long pages)
{
	unsigned int faults = f->faults;
	long delay;

	xen_balloon_set_target(f->b, pages);
	delay = settle(f);
	expect_no_page_leaked(test, f);
	if (f->faults != faults && !fi_target_reached(f)) {
		KUNIT_EXPECT_TRUE_MSG(test, delay > 0 || f->b->stop != BALLOON_STOP_NONE,
				      "%s call %u failed: target %lu, at %lu, delay %ld, not reported",
				      fi_site_names[f->fault[0].site], f->fault[0].at,
				      pages, f->stats.current_pages, delay);
		xen_balloon_set_target(f->b, pages);
		settle(f);
		expect_no_page_leaked(test, f);
	}
	KUNIT_EXPECT_TRUE_MSG(test, fi_target_reached(f),
			      "%s call %u failed: target %lu not reached (at %lu, stop %s)",
			      fi_site_names[f->fault[0].site], f->fault[0].at, pages,
			      f->stats.current_pages, xen_balloon_stop_name(f->b->stop));
}

/* Borrow @nr pages and give them back; a failed borrow lends nothing. */
static void fi_borrow(struct kunit *test, struct fake_xen *f, unsigned int nr)
{
	unsigned long lent = f->stats.target_unpopulated;
	unsigned int faults = f->faults, i;
	struct page *pages[8];
	int ret;

	ret = xen_balloon_borrow(f->b, nr, pages);
	if (ret) {
		KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
		KUNIT_EXPECT_NE_MSG(test, f->faults, faults, "borrow failed on its own");
		KUNIT_EXPECT_EQ_MSG(test, f->stats.target_unpopulated, lent,
				    "%s call %u failed: a failed borrow lent pages",
				    fi_site_names[f->fault[0].site], f->fault[0].at);
		expect_no_page_leaked(test, f);
		ret = xen_balloon_borrow(f->b, nr, pages);
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	f->nr_lent += nr;
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_FALSE(test, PageOffline(pages[i]));
	expect_no_page_leaked(test, f);
	xen_balloon_give_back(f->b, nr, pages);
	f->nr_lent -= nr;
	expect_no_page_leaked(test, f);
}

/*
 * Grow across a batch boundary, shrink across one, borrow from the
 * ballooned list, grow to everything, borrow by shrinking.
 */
static void fi_script(struct kunit *test, struct fake_xen *f)
{
	fi_target(test, f, FAKE_KERNEL + 600);
	fi_target(test, f, FAKE_KERNEL - 20);
	fi_borrow(test, f, 5);
	fi_target(test, f, FAKE_PAGES);
	fi_borrow(test, f, 5);
}

static void every_allocation_and_hypercall_failure_is_exact(struct kunit *test)
{
	static const struct {
		enum fake_site site;
		enum fake_how how;
	} kinds[] = {
		{ SITE_TAKE_PAGE, FAULT_FAIL },
		{ SITE_LEND, FAULT_FAIL },
		{ SITE_POPULATE, FAULT_FAIL },
		{ SITE_POPULATE, FAULT_HALF },
		{ SITE_DECREASE, FAULT_FAIL },
		{ SITE_DECREASE, FAULT_HALF },
		{ SITE_MAP, FAULT_FAIL },
		{ SITE_MAP, FAULT_HALF },
		{ SITE_UNMAP, FAULT_FAIL },
		{ SITE_UNMAP, FAULT_HALF },
	};
	struct fake_xen *f = test->priv;
	unsigned int k, n, faults;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* Fail call n of the site, n = 1, 2, ... until none is failed. */
		for (n = 1; n < 2048; n++) {
			fake_reset(f);
			f->fault[0].site = kinds[k].site;
			f->fault[0].how = kinds[k].how;
			f->fault[0].at = n;
			faults = f->faults;
			fi_script(test, f);
			if (f->faults == faults)
				break;
		}
		KUNIT_EXPECT_GT_MSG(test, n, 1U, "%s never called",
				    fi_site_names[kinds[k].site]);
		KUNIT_EXPECT_LT(test, n, 2048U);
	}
	kunit_info(test, "xm-stat faults_injected=%u\n", f->faults);
	fake_reset(f);
}

/*
 * Xen takes half of a shrink batch, the rest cannot be mapped again: those
 * frames are offered once more. Taken, the pages are ballooned; kept, they
 * are parked and counted as stranded, and current_kb still equals Xen's.
 */
static void frames_left_unmappable_are_offered_again(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;
	unsigned int i, faults;

	for (i = 0; i < 2; i++) {
		fake_reset(f);
		faults = f->faults;
		f->fault[0] = (struct fake_fault_spec){ SITE_DECREASE, FAULT_HALF, 1 };
		f->fault[1] = (struct fake_fault_spec){ SITE_MAP, FAULT_FAIL, 1 };
		if (i)	/* ...and the second offer is refused too. */
			f->fault[2] = (struct fake_fault_spec){ SITE_DECREASE, FAULT_FAIL, 2 };
		xen_balloon_set_target(b, FAKE_KERNEL - 40);
		KUNIT_EXPECT_EQ(test, xen_balloon_step(b), 0L);
		KUNIT_EXPECT_EQ(test, f->faults - faults, 2U + i);
		KUNIT_EXPECT_EQ(test, f->stats.current_pages, f->reservation);
		KUNIT_EXPECT_EQ(test, f->stats.current_pages,
				i ? FAKE_KERNEL - 20UL : FAKE_KERNEL - 40UL);
		KUNIT_EXPECT_EQ(test, b->nr_parked, i ? 20UL : 0UL);
		KUNIT_EXPECT_EQ(test, b->nr_stranded, i ? 20UL : 0UL);
		KUNIT_EXPECT_EQ(test, f->stats.balloon_low,
				i ? FAKE_EXTRA + 20UL : FAKE_EXTRA + 40UL);
		expect_no_page_leaked(test, f);
	}
	kunit_info(test, "xm-stat faults_injected=%u\n", f->faults);
	fake_reset(f);
}

/* ---- the start size and the first target, per guest type --------------- */

#define MIB(n)		((n) * (1UL << (20 - PAGE_SHIFT)))

/*
 * PV dom0, dom0_mem=1024M,max:2048M: Xen gave 1 GiB (nr_pages, as Xen
 * counts); the E820 the memory setup made has RAM up to max:, the part
 * above nr_pages as extra regions for the balloon. The balloon starts at
 * 1 GiB: it must not populate to max: by itself.
 */
static void start_pv_dom0_is_dom0_mem_not_max(struct kunit *test)
{
	struct balloon_start_input in = {
		.pv = true, .reservation = MIB(1024), .nr_pages = MIB(1024),
		.max_pfn = MIB(2048) + 0x20000, .ram_pages = MIB(2048) - 97,
		.extra_pages = MIB(1024),
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(1024));
}

/* RAM Xen put under E820 holes and the memory setup gave back is not ours. */
static void start_pv_dom0_leaves_released_pages_out(struct kunit *test)
{
	struct balloon_start_input in = {
		.pv = true, .nr_pages = MIB(1024), .max_pfn = MIB(2048),
		.released = 3000, .ram_pages = MIB(2048) - 3000,
		.extra_pages = MIB(1024),
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(1024) - 3000);
}

/*
 * PV domU memory=128,maxmem=256: the E820 count is 97 pages short of what
 * Xen gave (pfn 0 and the ISA hole are not RAM); the start is nr_pages.
 */
static void start_pv_domu_is_nr_pages_not_the_e820_count(struct kunit *test)
{
	struct balloon_start_input in = {
		.pv = true, .reservation = MIB(128), .nr_pages = MIB(128),
		.max_pfn = MIB(256), .ram_pages = MIB(256) - 97,
		.extra_pages = MIB(128),
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(128));
}

/* mem= below what Xen gave: pages past max_pfn have no struct page. */
static void start_pv_mem_option_stops_at_max_pfn(struct kunit *test)
{
	struct balloon_start_input in = {
		.pv = true, .reservation = MIB(512), .nr_pages = MIB(512),
		.max_pfn = MIB(256), .ram_pages = MIB(256) - 97,
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(256));
}

/*
 * PVH domU memory=512,maxmem=2048 (populate-on-demand): the E820 has RAM
 * up to maxmem and the kernel manages all of it, while Xen counts about
 * the PoD target. The balloon must start from what the guest has, or it
 * never gives back enough and the PoD pool runs dry.
 */
static void start_pvh_domu_pod_is_e820_ram_not_pod_target(struct kunit *test)
{
	struct balloon_start_input in = {
		.reservation = MIB(512) - 32, .max_pfn = MIB(2048),
		.ram_pages = MIB(2048) - 32,
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(2048) - 32);
}

static void start_pvh_domu_without_pod_is_e820_ram(struct kunit *test)
{
	struct balloon_start_input in = {
		.reservation = MIB(1024) + 4, .max_pfn = MIB(1024),
		.ram_pages = MIB(1024) - 32,
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(1024) - 32);
}

/* PVH dom0: RAM Xen left empty up to max: is extra, not the start. */
static void start_pvh_dom0_leaves_extra_regions_out(struct kunit *test)
{
	struct balloon_start_input in = {
		.max_pfn = MIB(2048), .ram_pages = MIB(2048) - 200,
		.extra_pages = MIB(1024),
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(1024) - 200);
}

/*
 * HVM memory=512,maxmem=2048 (populate-on-demand): RAM below maxmem by the
 * VGA hole and the firmware's tables; Xen counts about the PoD target.
 */
static void start_hvm_pod_is_e820_ram_not_pod_target(struct kunit *test)
{
	struct balloon_start_input in = {
		.reservation = MIB(512) + 300, .max_pfn = MIB(2048),
		.ram_pages = MIB(2048) - 96 - 256,
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(2048) - 352);
}

/* HVM memory == maxmem: Xen also counts the firmware's pages; we do not. */
static void start_hvm_without_pod_is_e820_ram(struct kunit *test)
{
	struct balloon_start_input in = {
		.reservation = MIB(1024) + 300, .max_pfn = MIB(1024),
		.ram_pages = MIB(1024) - 96 - 256,
	};

	KUNIT_EXPECT_EQ(test, xen_balloon_start_pages(&in), MIB(1024) - 352);
}

/*
 * The PoD guest above gets memory/target 512 MiB and static-max 2048 MiB:
 * the balloon must go down to about 512 MiB, not stop at 0 or the floor.
 */
static void xenstore_target_of_a_pod_guest_is_its_memory(struct kunit *test)
{
	struct balloon_start_input in = {
		.reservation = MIB(512) + 300, .max_pfn = MIB(2048),
		.ram_pages = MIB(2048) - 352,
	};
	unsigned long start = xen_balloon_start_pages(&in);

	/* The holes stay out of the target, as out of the start. */
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_target(MIB(512), MIB(2048), start),
			MIB(512) - 352);
	/* memory/target == static-max: no move at boot. */
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_target(MIB(2048), MIB(2048), start),
			start);
}

/* PV guests and dom0 have no offset (static_max 0): the target as it is. */
static void xenstore_target_of_pv_is_taken_as_is(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_target(MIB(300), 0, MIB(128)),
			MIB(300));
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_target(0, 0, MIB(128)), 0UL);
}

/* memory/target as the toolstack writes it, in KiB. */
static const char *fake_kb(struct kunit *test, unsigned long pages)
{
	char *s = kunit_kmalloc(test, 24, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	snprintf(s, 24, "%lu", pages << (PAGE_SHIFT - 10));
	return s;
}

/*
 * Garbage, negative or overflowing memory/target is refused: the balloon
 * keeps its target and says bad_target until a valid one comes.
 */
static void xenstore_garbage_target_is_refused_with_a_reason(struct kunit *test)
{
	static const char * const bad[] = {
		"", "abc", "-1", "-4096", "12x", "1.5", " 4096", "4096K",
		"18446744073709551616",
	};
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, xen_balloon_xenstore_input(b, fake_kb(test, FAKE_KERNEL + 10), 0), 0);
	settle(f);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xen_balloon_xenstore_input(b, bad[i], 0), -EINVAL,
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, b->requested_pages, FAKE_KERNEL + 10UL);
		KUNIT_EXPECT_EQ_MSG(test, b->stop, BALLOON_STOP_BAD_TARGET, "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, settle(f), -1L);
		KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 10UL);
	}
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(b->stop), "bad_target");
	/* A valid target clears it. */
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_input(b, fake_kb(test, FAKE_KERNEL), 0), 0);
	KUNIT_EXPECT_EQ(test, b->stop, BALLOON_STOP_NONE);
	settle(f);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, (unsigned long)FAKE_KERNEL);
}

/* Above Xen's ceiling for the domain (maxmem): clamped, and says so. */
static void xenstore_target_above_maxmem_is_clamped(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	const char *kb = fake_kb(test, FAKE_KERNEL + 900);

	f->max_reservation = FAKE_KERNEL + 100;
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_input(f->b, kb, 0), 0);
	KUNIT_EXPECT_EQ(test, f->b->requested_pages, FAKE_KERNEL + 900UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL + 100UL);
	KUNIT_EXPECT_EQ(test, f->b->stop, BALLOON_STOP_MAX_RESERVATION);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 100UL);
}

/*
 * A PoD guest's boot waits for the first balloon-down while the balloon
 * moves, goes on once it is at the target, and gives up only after a
 * whole timeout without progress.
 */
static void pod_boot_waits_for_the_first_balloon_down(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct balloon_boot_waiter w = {};
	unsigned long t = 1000;

	/* No target written: nothing to wait for. */
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t, 50), BALLOON_BOOT_DONE);
	xen_balloon_set_target(f->b, FAKE_KERNEL - 40);
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t, 50), BALLOON_BOOT_WAIT);
	f->alloc_budget = 10;			/* some progress, then none */
	settle(f);
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t + 40, 50), BALLOON_BOOT_WAIT);
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t + 80, 50), BALLOON_BOOT_WAIT);
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t + 91, 50), BALLOON_BOOT_STUCK);
	f->alloc_budget = FAKE_UNLIMITED;	/* the allocator recovers */
	settle(f);
	KUNIT_EXPECT_EQ(test, xen_balloon_boot_wait(f->b, &w, t + 95, 50), BALLOON_BOOT_DONE);
}

struct parse_case {
	const char *in;
	int err;
	unsigned long pages;
};

static const struct parse_case kb_cases[] = {
	{ "1024", 0, 256 },
	{ "1024\n", 0, 256 },
	{ "0x400", 0, 256 },
	{ "0", 0, 0 },
	{ "4095", 0, 1023 },
	{ "", -EINVAL, 0 },
	{ "\n", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+4", -EINVAL, 0 },
	{ " 4", -EINVAL, 0 },
	{ "4 ", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	{ "12abc", -EINVAL, 0 },
	{ "1.5", -EINVAL, 0 },
	{ "1024K", -EINVAL, 0 },
	{ "18446744073709551616", -EINVAL, 0 },	/* 2^64 */
	{ "18014398509481984", -EINVAL, 0 },	/* 2^54 KiB: 2^64 bytes */
	{ "18014398509481983", 0, 4503599627370495UL },
};

static const struct parse_case bytes_cases[] = {
	{ "1G", 0, 262144 },
	{ "512M\n", 0, 131072 },
	{ "512m", 0, 131072 },
	{ "4096", 0, 1 },
	{ "8k", 0, 2 },
	{ "0x1e", 0, 0 },			/* hex digit, not exa */
	{ "1E", 0, 1UL << 48 },
	{ "16E", -EINVAL, 0 },
	{ "k", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "-1G", -EINVAL, 0 },
	{ "1.5G", -EINVAL, 0 },
	{ "1GB", -EINVAL, 0 },
	{ "1 G", -EINVAL, 0 },
	{ "99999999999999999999", -EINVAL, 0 },
	{ "0x123456789012345678901234567890", -EINVAL, 0 },
};

static void sysfs_parsers_reject_bad_input(struct kunit *test)
{
	unsigned long pages;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(kb_cases); i++) {
		pages = 12345;
		err = xen_balloon_parse_kb(kb_cases[i].in, &pages);
		KUNIT_EXPECT_EQ_MSG(test, err, kb_cases[i].err, "kb \"%s\"", kb_cases[i].in);
		KUNIT_EXPECT_EQ_MSG(test, pages, err ? 12345UL : kb_cases[i].pages,
				    "kb \"%s\"", kb_cases[i].in);
	}
	for (i = 0; i < ARRAY_SIZE(bytes_cases); i++) {
		pages = 12345;
		err = xen_balloon_parse_bytes(bytes_cases[i].in, &pages);
		KUNIT_EXPECT_EQ_MSG(test, err, bytes_cases[i].err, "bytes \"%s\"",
				    bytes_cases[i].in);
		KUNIT_EXPECT_EQ_MSG(test, pages, err ? 12345UL : bytes_cases[i].pages,
				    "bytes \"%s\"", bytes_cases[i].in);
	}
}

struct ulong_case {
	const char *in;
	unsigned long min, max;
	int err;
	unsigned long val;
};

static const struct ulong_case ulong_cases[] = {
	{ "32", 1, 100, 0, 32 },
	{ "32\n", 1, 100, 0, 32 },
	{ "0x20", 1, 100, 0, 32 },
	{ "1", 1, 100, 0, 1 },
	{ "100", 1, 100, 0, 100 },
	{ "0", 1, 100, -EINVAL, 0 },		/* below the range */
	{ "101", 1, 100, -EINVAL, 0 },		/* above it */
	{ "0", 0, ULONG_MAX, 0, 0 },
	{ "18446744073709551615", 0, ULONG_MAX, 0, ULONG_MAX },
	{ "18446744073709551616", 0, ULONG_MAX, -EINVAL, 0 },	/* overflow */
	{ "", 0, ULONG_MAX, -EINVAL, 0 },
	{ "\n", 0, ULONG_MAX, -EINVAL, 0 },
	{ "-1", 0, ULONG_MAX, -EINVAL, 0 },
	{ "+1", 0, ULONG_MAX, -EINVAL, 0 },
	{ " 1", 0, ULONG_MAX, -EINVAL, 0 },
	{ "1 ", 0, ULONG_MAX, -EINVAL, 0 },
	{ "1\n\n", 0, ULONG_MAX, -EINVAL, 0 },
	{ "12x", 0, ULONG_MAX, -EINVAL, 0 },
	{ "1\x01", 0, ULONG_MAX, -EINVAL, 0 },
	{ "1\xff", 0, ULONG_MAX, -EINVAL, 0 },
	{ "0x", 0, ULONG_MAX, -EINVAL, 0 },
};

struct bool_case {
	const char *in;
	int err;
	bool val;
};

static const struct bool_case bool_cases[] = {
	{ "1", 0, true }, { "0\n", 0, false }, { "y", 0, true },
	{ "N", 0, false }, { "yes\n", 0, true }, { "No", 0, false },
	{ "on", 0, true }, { "OFF", 0, false }, { "true", 0, true },
	{ "false\n", 0, false },
	{ "", -EINVAL }, { "\n", -EINVAL }, { "2", -EINVAL },
	{ "yx", -EINVAL }, { "yes!", -EINVAL }, { "onion", -EINVAL },
	{ "of", -EINVAL }, { "1 ", -EINVAL }, { " 1", -EINVAL },
	{ "y\x01", -EINVAL }, { "10", -EINVAL }, { "-1", -EINVAL },
};

/* The parsers behind max_schedule_delay, max_retry_count and scrub_pages. */
static void sysfs_store_parsers_reject_garbage(struct kunit *test)
{
	unsigned long val;
	unsigned int i;
	bool b;
	int err;

	for (i = 0; i < ARRAY_SIZE(ulong_cases); i++) {
		const struct ulong_case *c = &ulong_cases[i];

		val = 12345;
		err = xen_balloon_parse_ulong(c->in, c->min, c->max, &val);
		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "ulong case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, val, err ? 12345UL : c->val,
				    "ulong case %u", i);
	}
	for (i = 0; i < ARRAY_SIZE(bool_cases); i++) {
		const struct bool_case *c = &bool_cases[i];

		b = !c->val;
		err = xen_balloon_parse_bool(c->in, &b);
		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "bool case %u", i);
		if (!err)
			KUNIT_EXPECT_EQ_MSG(test, b, c->val, "bool case %u", i);
	}
}

/* sysfs hands over a count: a NUL inside it hides trailing garbage. */
static void sysfs_input_with_a_nul_is_refused(struct kunit *test)
{
	static const char good[] = "1024\n";
	static const char nul[] = "1024\0garbage";

	KUNIT_EXPECT_EQ(test, xen_balloon_check_input(good, sizeof(good) - 1), 0);
	KUNIT_EXPECT_EQ(test, xen_balloon_check_input(nul, sizeof(nul) - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_balloon_check_input(nul, 4), 0);
	KUNIT_EXPECT_EQ(test, xen_balloon_check_input(good, 0), -EINVAL);
	/* Without the check the parser would have taken the prefix. */
	KUNIT_EXPECT_EQ(test, xen_balloon_parse_kb(nul, &(unsigned long){0}), 0);
}

static void stop_reasons_have_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_NONE), "none");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_MAX_RESERVATION),
			   "max_reservation");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_NO_PAGES),
			   "no_extra_pages");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_REFUSED),
			   "hypercall_refused");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_PRESSURE),
			   "allocation_pressure");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_FLOOR),
			   "safe_floor");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_BAD_TARGET),
			   "bad_target");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_OFFLINE),
			   "memory_offline");
	KUNIT_EXPECT_STREQ(test, xen_balloon_stop_name(BALLOON_STOP_NR), "unknown");
}

/*
 * The memory setup clamps max_mem_size to the E820's RAM for the boot;
 * the first memory/target event must give hotplug its own limit back.
 */
static void boot_clamp_of_hotplug_limit_is_lifted(struct kunit *test)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	u64 saved = xen_saved_max_mem_size, limit = max_mem_size;

	xen_saved_max_mem_size = SZ_1G * 64ULL;
	max_mem_size = SZ_1G;
	xen_balloon_lift_mem_limit();
	KUNIT_EXPECT_EQ(test, max_mem_size, SZ_1G * 64ULL);

	/* Nothing saved (no Xen memory setup ran): nothing to lift. */
	xen_saved_max_mem_size = 0;
	max_mem_size = SZ_1G;
	xen_balloon_lift_mem_limit();
	KUNIT_EXPECT_EQ(test, max_mem_size, (u64)SZ_1G);

	xen_saved_max_mem_size = saved;
	max_mem_size = limit;
#else
	kunit_skip(test, "no memory hotplug");
#endif
}

/* The fake's key @k holds @pages in KiB. */
static void expect_kb(struct kunit *test, struct fake_xen *f, enum balloon_key k,
		      unsigned long pages)
{
	KUNIT_EXPECT_STREQ_MSG(test, f->shown[k], fake_kb(test, pages), "%s", fake_keys[k]);
}

/*
 * The first round writes every key; after that only what changed, and at
 * most one round per BALLOON_PUBLISH_INTERVAL: a change inside the
 * interval waits for its end (the work is queued for then), nothing is
 * lost, and nothing is written again when nothing changed.
 */
static void publish_writes_changes_at_most_once_a_second(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;
	unsigned long t = 5000, hz = BALLOON_PUBLISH_INTERVAL;

	xen_balloon_publish_all(b);	/* no workqueue: stepped by hand */
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, (unsigned int)BALLOON_KEY_NR);
	expect_kb(test, f, BALLOON_KEY_TARGET, FAKE_KERNEL);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL);
	KUNIT_EXPECT_STREQ(test, f->shown[BALLOON_KEY_STOP], "none");

	/* Nothing changed: nothing written, at any time. */
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + 1), 0UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + 10 * hz), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, (unsigned int)BALLOON_KEY_NR);

	/* A change right after a round waits for the interval's end. */
	xen_balloon_set_target(b, FAKE_KERNEL + 600);
	f->writes = 0;
	t += 20 * hz;
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, 1U);	/* target_kb only */
	KUNIT_EXPECT_EQ(test, xen_balloon_step(b), 0L);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + hz / 4), hz - hz / 4);
	KUNIT_EXPECT_EQ(test, xen_balloon_step(b), 0L);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + hz / 2), hz - hz / 2);
	KUNIT_EXPECT_EQ(test, f->writes, 1U);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL);
	/* The round at the interval's end writes the latest value, once. */
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + hz), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, 2U);
	expect_kb(test, f, BALLOON_KEY_TARGET, FAKE_KERNEL + 600);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL + 600);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + 2 * hz), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, 2U);

	/* jiffies wrap between the last round and now. */
	b->shown_at = ULONG_MAX - 10;
	xen_balloon_set_target(b, FAKE_KERNEL);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, 5), hz - 16);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, hz - 11), 0UL);
	expect_kb(test, f, BALLOON_KEY_TARGET, FAKE_KERNEL);
	settle(f);
}

/*
 * Held at the floor: target_kb is what was written, not the clamped
 * target, and the keys say why (safe_floor) and where the floor is.
 * The sysfs front shows the same: requested_pages as target_kb.
 */
static void publish_at_the_floor_shows_the_target_as_written(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;

	xen_balloon_publish_all(b);
	b->floor_pages = FAKE_KERNEL - 20;
	xen_balloon_set_target(b, 2);
	settle(f);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, 1000), 0UL);
	expect_kb(test, f, BALLOON_KEY_TARGET, 2);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL - 20);
	expect_kb(test, f, BALLOON_KEY_FLOOR, FAKE_KERNEL - 20);
	KUNIT_EXPECT_STREQ(test, f->shown[BALLOON_KEY_STOP], "safe_floor");
	KUNIT_EXPECT_EQ(test, b->requested_pages, 2UL);
	KUNIT_EXPECT_EQ(test, f->stats.target_pages, FAKE_KERNEL - 20UL);

	/* Garbage from the toolstack: the target stays, the reason says so. */
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_input(b, fake_kb(test, FAKE_KERNEL), 0), 0);
	settle(f);
	KUNIT_EXPECT_EQ(test, xen_balloon_xenstore_input(b, "12x", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, 1000 + BALLOON_PUBLISH_INTERVAL), 0UL);
	expect_kb(test, f, BALLOON_KEY_TARGET, FAKE_KERNEL);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL);
	KUNIT_EXPECT_STREQ(test, f->shown[BALLOON_KEY_STOP], "bad_target");
}

/*
 * The toolstack refuses our writes (EACCES): counted, tried once per
 * change and not again in a loop, and the balloon moves as usual. After a
 * restore (publish_all) every key is written again.
 */
static void publish_errors_never_stop_the_balloon(struct kunit *test)
{
	struct fake_xen *f = test->priv;
	struct xen_balloon *b = f->b;
	unsigned long t = 100, hz = BALLOON_PUBLISH_INTERVAL;

	f->publish_errno = -EACCES;
	xen_balloon_publish_all(b);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t), 0UL);
	KUNIT_EXPECT_EQ(test, b->publish_errors, (unsigned long)BALLOON_KEY_NR);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + hz), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, (unsigned int)BALLOON_KEY_NR);

	xen_balloon_set_target(b, FAKE_KERNEL + 300);
	KUNIT_EXPECT_EQ(test, settle(f), -1L);
	KUNIT_EXPECT_EQ(test, f->stats.current_pages, FAKE_KERNEL + 300UL);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + 2 * hz), 0UL);
	KUNIT_EXPECT_EQ(test, f->writes, BALLOON_KEY_NR + 2U);

	f->publish_errno = 0;
	xen_balloon_publish_all(b);
	KUNIT_EXPECT_EQ(test, xen_balloon_publish(b, t + 3 * hz), 0UL);
	expect_kb(test, f, BALLOON_KEY_TARGET, FAKE_KERNEL + 300);
	expect_kb(test, f, BALLOON_KEY_CURRENT, FAKE_KERNEL + 300);
	KUNIT_EXPECT_STREQ(test, f->shown[BALLOON_KEY_STOP], "none");
}

static struct kunit_case xen_balloon_cases[] = {
	KUNIT_CASE(grows_to_target_in_batches),
	KUNIT_CASE(identity_foreign_backed_and_hole_pfns_are_refused),
	KUNIT_CASE(all_identity_list_parks_without_populating),
	KUNIT_CASE(partial_populate_keeps_exact_accounting),
	KUNIT_CASE(populate_error_backs_off_then_gives_up),
	KUNIT_CASE(unlimited_retries_never_give_up),
	KUNIT_CASE(partial_decrease_keeps_exact_accounting),
	KUNIT_CASE(shrink_stops_early_under_allocation_pressure),
	KUNIT_CASE(unmappable_frame_goes_back_to_xen),
	KUNIT_CASE(target_clamped_to_max_reservation),
	KUNIT_CASE(ceiling_reached_while_growing_goes_idle),
	KUNIT_CASE(target_clamped_to_fillable_pages),
	KUNIT_CASE(hotplug_grows_past_the_boot_size),
	KUNIT_CASE(hotplugged_memory_waits_until_onlined),
	KUNIT_CASE(failed_hotplug_waits_for_a_new_target),
	KUNIT_CASE(no_hotplug_for_a_sliver_above_our_pages),
	KUNIT_CASE(shrinking_reclaims_without_the_lock),
	KUNIT_CASE(target_below_floor_is_raised_to_it),
	KUNIT_CASE(floor_never_makes_the_balloon_grow),
	KUNIT_CASE(floor_held_is_rechecked_on_a_slow_timer),
	KUNIT_CASE(opt_in_goes_below_floor),
	KUNIT_CASE(suspend_verdict_fits_shrinks_or_refuses),
	KUNIT_CASE(suspend_shrinks_to_fit_xens_limit),
	KUNIT_CASE(suspend_refused_at_the_floor),
	KUNIT_CASE(restore_gives_back_the_pages_a_migration_left),
	KUNIT_CASE(restore_without_strays_calls_nothing),
	KUNIT_CASE(suspend_refused_when_nothing_can_be_taken),
	KUNIT_CASE(floor_formula),
	KUNIT_CASE(floor_lets_go_of_memory_freed_after_init),
	KUNIT_CASE(set_target_does_not_wait_for_a_running_batch),
	KUNIT_CASE(borrow_and_return_ballooned_pages),
	KUNIT_CASE(borrow_never_lends_identity_pfns),
	KUNIT_CASE(borrow_shrinks_when_nothing_is_ballooned),
	KUNIT_CASE(borrow_never_wakes_the_oom_killer),
	KUNIT_CASE(borrow_never_shrinks_below_the_floor),
	KUNIT_CASE(borrow_refused_when_the_kernel_cannot_spare_it),
	KUNIT_CASE(borrow_may_go_down_to_a_live_floor),
	KUNIT_CASE(failed_borrow_lends_nothing),
	KUNIT_CASE(every_allocation_and_hypercall_failure_is_exact),
	KUNIT_CASE(frames_left_unmappable_are_offered_again),
	KUNIT_CASE(start_pv_dom0_is_dom0_mem_not_max),
	KUNIT_CASE(start_pv_dom0_leaves_released_pages_out),
	KUNIT_CASE(start_pv_domu_is_nr_pages_not_the_e820_count),
	KUNIT_CASE(start_pv_mem_option_stops_at_max_pfn),
	KUNIT_CASE(start_pvh_domu_pod_is_e820_ram_not_pod_target),
	KUNIT_CASE(start_pvh_domu_without_pod_is_e820_ram),
	KUNIT_CASE(start_pvh_dom0_leaves_extra_regions_out),
	KUNIT_CASE(start_hvm_pod_is_e820_ram_not_pod_target),
	KUNIT_CASE(start_hvm_without_pod_is_e820_ram),
	KUNIT_CASE(xenstore_target_of_a_pod_guest_is_its_memory),
	KUNIT_CASE(xenstore_target_of_pv_is_taken_as_is),
	KUNIT_CASE(xenstore_garbage_target_is_refused_with_a_reason),
	KUNIT_CASE(xenstore_target_above_maxmem_is_clamped),
	KUNIT_CASE(pod_boot_waits_for_the_first_balloon_down),
	KUNIT_CASE(sysfs_parsers_reject_bad_input),
	KUNIT_CASE(sysfs_store_parsers_reject_garbage),
	KUNIT_CASE(sysfs_input_with_a_nul_is_refused),
	KUNIT_CASE(stop_reasons_have_names),
	KUNIT_CASE(boot_clamp_of_hotplug_limit_is_lifted),
	KUNIT_CASE(publish_writes_changes_at_most_once_a_second),
	KUNIT_CASE(publish_at_the_floor_shows_the_target_as_written),
	KUNIT_CASE(publish_errors_never_stop_the_balloon),
	{}
};

static struct kunit_suite xen_balloon_suite = {
	.name = "xen_balloon",
	.init = xen_balloon_test_init,
	.exit = xen_balloon_test_exit,
	.test_cases = xen_balloon_cases,
};

kunit_test_suite(xen_balloon_suite);

MODULE_LICENSE("GPL");
