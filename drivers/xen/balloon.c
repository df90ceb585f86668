// SPDX-License-Identifier: GPL-2.0
/*
 * Xen balloon: give memory back to Xen and take it again.
 *
 *                 target_kb (sysfs)    memory/target (xenstore)
 *                          \              /
 *                    xen_balloon_set_target()
 *                               |  clamp: Xen's ceiling, pages we can
 *                               |  fill, the safe floor
 *                               v
 *   +-----------------  xen_balloon_step()  ------------------+
 *   | grow (current < target)          shrink (current > target)
 *   | ballooned list --> classify pfn  page allocator --> unmap
 *   |   EMPTY: populate_physmap          (multicall) --> P2M ~0
 *   |   else:  parked, counted, logged   --> decrease_reservation
 *   | --> P2M + kernel mapping             --> ballooned list
 *   |     (multicall) --> page allocator
 *   +--- one batch of BALLOON_BATCH pages, then the worker requeues
 *
 * The ballooned list holds pages with no machine frame behind them: the
 * extra regions the memory setup left unpopulated (xen_extra_mem[]) and
 * the pages we gave back to Xen. Only those pages are ever populated, and
 * only after the P2M says the pfn is empty: a pfn that is identity (a hole
 * or MMIO mapped 1:1), foreign (a grant mapping) or already backed would be
 * corrupted by a new frame, and a pfn outside E820 RAM is not memory at
 * all. Such pages are moved to the parked list, counted per kind and
 * logged; they are never populated and never crash the guest.
 *
 * Accounting. balloon_stats.current_pages starts as what the guest has
 * (xen_balloon_start_pages()) and moves only by what Xen confirms: a
 * populate that gives N frames adds N, a decrease that takes N frames
 * removes N. Pages Xen did not fill go back to the ballooned list; frames
 * Xen did not take are mapped again and go back to the allocator. A frame
 * we got but could not map is handed back to Xen. So current_kb equals
 * what Xen reports for a PV domain; a populate-on-demand guest starts
 * from its RAM, which Xen counts only once the balloon gave back the
 * difference to its PoD target.
 *
 * Pacing, as upstream: every batch that moves pages resets schedule_delay
 * and retry_count to 1 and runs the next batch at once (from a workqueue,
 * so the worker never spins). A batch that moves nothing doubles
 * schedule_delay up to max_schedule_delay; past max_retry_count tries (0:
 * unlimited) the balloon gives up until the target changes. When growth
 * cannot go on at all (Xen's ceiling, no ballooned page left) the balloon
 * goes idle at once and says why in info/stop_reason. Held at the safe
 * floor it looks again every BALLOON_FLOOR_RECHECK seconds: the floor
 * falls when the kernel frees memory, and the target is still to reach.
 *
 * Safe floor. Ballooning a guest below what it cannot give back kills it
 * (the OOM killer, then a panic). The floor is
 *
 *   floor = unmanaged + unreclaimable + reserve + margin
 *   unmanaged     = our reservation now - pages the allocator manages now
 *                   (kernel image, struct pages for the whole reachable
 *                   range, the P2M, early page tables; not the initrd
 *                   and __init memory once they are freed)
 *   unreclaimable = unreclaimable slab + page tables + kernel stacks
 *                   + unevictable pages + anonymous and shmem pages when
 *                   there is no swap
 *   reserve       = the allocator's watermark reserve (totalreserve_pages)
 *   margin        = 16 MiB + 1/32 of the pages at boot
 *
 * A target below it is raised to it (never above the current size) unless
 * xen.balloon_below_floor=1. While shrinking, pages are taken with
 * __GFP_NORETRY: when the allocator fails the balloon stops early and
 * backs off instead of driving the guest into the OOM killer.
 *
 * Memory hotplug (XEN_BALLOON_MEMORY_HOTPLUG, domUs). With no ballooned
 * page left and Xen's ceiling a section or more above every page we have
 * (the toolstack raised maxmem), a target above what the guest has adds
 * memory above all RAM, in whole sections. Once onlined
 * (auto_online_blocks=online, or by hand) its pages join the ballooned
 * list and are filled like the others; until then info/stop_reason says
 * memory_offline. A failed hotplug is not tried again before the next
 * target. Hotplugged memory is never removed: shrinking gives its frames
 * back to Xen.
 */
#define pr_fmt(fmt) "xen:balloon: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include <kunit/visibility.h>

#ifdef CONFIG_X86
#include <asm/e820/api.h>
#endif
#include <asm/tlbflush.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>

#include <xen/balloon.h>
#include <xen/balloon_core.h>
#include <xen/features.h>
#include <xen/interface/memory.h>
#include <xen/interface/version.h>
#include <xen/mem-reservation.h>
#include <xen/page.h>
#include <xen/xen.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen."

static bool balloon_below_floor;
module_param(balloon_below_floor, bool, 0644);
MODULE_PARM_DESC(balloon_below_floor,
		 "Obey balloon targets below the safe floor (may kill the guest)");

static bool balloon_multicall = true;
module_param(balloon_multicall, bool, 0644);
MODULE_PARM_DESC(balloon_multicall,
		 "Batch kernel-mapping updates in multicalls (else one hypercall a page)");

static unsigned int balloon_boot_timeout = 180;
module_param(balloon_boot_timeout, uint, 0444);
MODULE_PARM_DESC(balloon_boot_timeout,
		 "Seconds without progress before a populate-on-demand guest stops waiting for its first balloon-down");

/* Hotplug only when Xen lets us fill this much past all our pages. */
#ifdef CONFIG_SPARSEMEM
#define BALLOON_HOTPLUG_MIN	PAGES_PER_SECTION
#else
#define BALLOON_HOTPLUG_MIN	1UL
#endif

/* How far one batch may look past refused pages for fillable ones. */
#define BALLOON_SCAN_LIMIT	(4 * BALLOON_BATCH)

/* Floor margin: a fixed part and a part that scales with the guest. */
#define BALLOON_FLOOR_MARGIN_PAGES	((16UL << 20) >> PAGE_SHIFT)
#define BALLOON_FLOOR_MARGIN_SHIFT	5

/* Pages taken to balloon out: no OOM killer, no emergency reserves. */
#define GFP_BALLOON \
	(GFP_HIGHUSER | __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC)

#define PG_KB(p)	((p) << (PAGE_SHIFT - 10))

/* Result of one batch. */
enum balloon_step_result {
	BALLOON_STEP_MOVED,	/* pages moved: run the next batch now */
	BALLOON_STEP_IDLE,	/* nothing more to do (or possible) */
	BALLOON_STEP_RETRY,	/* nothing moved: back off and try again */
};

struct balloon_stats balloon_stats;
EXPORT_SYMBOL_GPL(balloon_stats);

struct xen_balloon xen_balloon;

static const char * const balloon_pfn_kind_names[BALLOON_PFN_NR_KINDS] = {
	[BALLOON_PFN_EMPTY] = "empty",
	[BALLOON_PFN_IDENTITY] = "identity",
	[BALLOON_PFN_FOREIGN] = "foreign",
	[BALLOON_PFN_BACKED] = "backed",
	[BALLOON_PFN_HOLE] = "e820_hole",
	[BALLOON_PFN_UNMAPPABLE] = "unmappable",
};

static const char * const balloon_stop_names[BALLOON_STOP_NR] = {
	[BALLOON_STOP_NONE] = "none",
	[BALLOON_STOP_MAX_RESERVATION] = "max_reservation",
	[BALLOON_STOP_NO_PAGES] = "no_extra_pages",
	[BALLOON_STOP_REFUSED] = "hypercall_refused",
	[BALLOON_STOP_PRESSURE] = "allocation_pressure",
	[BALLOON_STOP_FLOOR] = "safe_floor",
	[BALLOON_STOP_BAD_TARGET] = "bad_target",
	[BALLOON_STOP_OFFLINE] = "memory_offline",
};

const char *xen_balloon_stop_name(enum balloon_stop stop)
{
	return stop < BALLOON_STOP_NR ? balloon_stop_names[stop] : "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_stop_name);

/* ---- the ballooned and parked lists ---------------------------------- */

static void balloon_kick(struct xen_balloon *b)
{
	if (b->wq)
		mod_delayed_work(b->wq, &b->work, 0);
}

static void balloon_list_add(struct xen_balloon *b, struct page *page,
			     bool at_tail)
{
	/* 6.12 onlines hotplugged memory as offline pages already. */
	if (!PageOffline(page))
		__SetPageOffline(page);
	if (at_tail)
		list_add_tail(&page->lru, &b->ballooned);
	else
		list_add(&page->lru, &b->ballooned);
	b->stats->balloon_low++;
}

static struct page *balloon_list_take(struct xen_balloon *b)
{
	struct page *page;

	page = list_first_entry_or_null(&b->ballooned, struct page, lru);
	if (!page)
		return NULL;
	list_del(&page->lru);
	b->stats->balloon_low--;
	__ClearPageOffline(page);
	return page;
}

/* Put back pages[first..last) at the head, keeping their order. */
static void balloon_list_return(struct xen_balloon *b, struct page **pages,
				unsigned int first, unsigned int last)
{
	while (last > first)
		balloon_list_add(b, pages[--last], false);
}

static void balloon_park(struct xen_balloon *b, struct page *page,
			 enum balloon_pfn_kind kind)
{
	__SetPageOffline(page);
	list_add_tail(&page->lru, &b->parked);
	b->nr_parked++;
	b->refused[kind]++;
	pr_warn_ratelimited("refusing to populate pfn %#lx: %s (%lu refused so far)\n",
			    page_to_pfn(page), balloon_pfn_kind_names[kind],
			    b->nr_parked);
}

/*
 * The next ballooned page whose pfn may be given a frame, or NULL. Pages
 * the P2M or the E820 forbid are parked on the way.
 */
static struct page *balloon_take_fillable(struct xen_balloon *b,
					  unsigned int *scanned)
{
	enum balloon_pfn_kind kind;
	struct page *page;

	while (*scanned < BALLOON_SCAN_LIMIT) {
		page = balloon_list_take(b);
		if (!page)
			return NULL;
		(*scanned)++;
		kind = b->ops->classify(b, page_to_pfn(page));
		if (kind == BALLOON_PFN_EMPTY)
			return page;
		balloon_park(b, page, kind);
	}
	return NULL;
}

/* Called once per page of the extra regions, and by the test suite. */
void xen_balloon_add_page(struct xen_balloon *b, struct page *page)
{
	balloon_list_add(b, page, true);
	b->stats->total_pages++;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_add_page);

/**
 * xen_balloon_hotplugged - take in hotplugged memory as it is onlined
 * @b: the balloon
 * @pfn: the first page onlined
 * @nr: how many
 *
 * The pages have no frame yet: they join the ballooned list, and the
 * worker fills them up to the target.
 */
void xen_balloon_hotplugged(struct xen_balloon *b, unsigned long pfn,
			    unsigned long nr)
{
	unsigned long i;

	mutex_lock(&b->lock);
	for (i = 0; i < nr; i++)
		xen_balloon_add_page(b, pfn_to_page(pfn + i));
	b->hotplug_online += nr;
	mutex_unlock(&b->lock);
	balloon_kick(b);
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_hotplugged);

/* ---- growing and shrinking --------------------------------------------- */

/* Would @more new pages put us at Xen's ceiling for this domain? */
static bool balloon_at_ceiling(struct xen_balloon *b, unsigned long more)
{
	long max = b->ops->max_reservation(b);

	return max > 0 && b->stats->current_pages + more >= max;
}

/*
 * Hotplug adds whole sections, each with its struct pages and mappings:
 * only worth it when Xen's ceiling leaves room for one past every page
 * we have (not for the few pages lent, parked or under the ISA hole).
 */
static bool balloon_may_hotplug(struct xen_balloon *b, long max)
{
	return b->may_hotplug && !b->hotplug_failed && max > 0 &&
	       max >= b->stats->total_pages + BALLOON_HOTPLUG_MIN;
}

/*
 * No ballooned page is left: add memory for @nr more pages by hotplug,
 * if we may. Drops @b->lock meanwhile, since onlining the new memory
 * calls xen_balloon_hotplugged().
 */
static enum balloon_step_result balloon_hotplug(struct xen_balloon *b,
						unsigned long nr)
{
	long added;

	if (!balloon_may_hotplug(b, b->ops->max_reservation(b))) {
		b->stop = BALLOON_STOP_NO_PAGES;
		return BALLOON_STEP_IDLE;
	}
	if (b->hotplug_added > b->hotplug_online) {
		/* Onlining them kicks the worker. */
		b->stop = BALLOON_STOP_OFFLINE;
		return BALLOON_STEP_IDLE;
	}
	mutex_unlock(&b->lock);
	added = b->ops->hotplug(b, nr);
	mutex_lock(&b->lock);
	if (added <= 0) {
		b->hotplug_failed = true;
		b->stop = BALLOON_STOP_NO_PAGES;
		pr_warn("no memory hotplugged for %lu KiB more (%ld): staying at %lu KiB until a new target\n",
			PG_KB(nr), added, PG_KB(b->stats->current_pages));
		return BALLOON_STEP_IDLE;
	}
	b->hotplug_added += added;
	return BALLOON_STEP_MOVED;
}

/*
 * Give frames to up to @nr ballooned pages (one batch) and hand them to
 * the kernel. Only what Xen gave is counted; pages it did not fill stay
 * ballooned. With no ballooned page left, hotplug memory for @nr.
 */
static enum balloon_step_result balloon_grow(struct xen_balloon *b,
					     unsigned long nr)
{
	unsigned int n = 0, scanned = 0, i, bad = 0;
	unsigned int batch = min_t(unsigned long, nr, BALLOON_BATCH);
	struct page *page;
	long got, back;

	while (n < batch) {
		page = balloon_take_fillable(b, &scanned);
		if (!page)
			break;
		b->pages[n] = page;
		b->frames[n] = page_to_xen_pfn(page);
		n++;
	}
	if (!n) {
		if (!list_empty(&b->ballooned))
			return BALLOON_STEP_MOVED;	/* only parked so far */
		return balloon_hotplug(b, nr);
	}

	got = b->ops->populate(b, n, b->frames);
	got = clamp_t(long, got, 0, n);
	balloon_list_return(b, b->pages, got, n);
	if (got < n)
		b->stop = balloon_at_ceiling(b, got) ?
			  BALLOON_STOP_MAX_RESERVATION : BALLOON_STOP_REFUSED;
	if (!got)
		return b->stop == BALLOON_STOP_MAX_RESERVATION ?
			BALLOON_STEP_IDLE : BALLOON_STEP_RETRY;

	bitmap_zero(b->failed, BALLOON_BATCH);
	b->ops->map(b, b->pages, b->frames, got, b->failed);
	for (i = 0; i < got; i++) {
		if (test_bit(i, b->failed)) {
			/*
			 * A frame we cannot use goes back to Xen; the page is
			 * parked, or the next batch would fail on it again.
			 */
			balloon_park(b, b->pages[i], BALLOON_PFN_UNMAPPABLE);
			b->frames[bad++] = b->frames[i];
		} else {
			b->ops->release_page(b, b->pages[i]);
		}
	}
	back = 0;
	if (bad) {
		back = clamp_t(long, b->ops->decrease(b, bad, b->frames), 0, bad);
		/* Frames Xen kept are still ours (and counted), on parked pages. */
		b->nr_stranded += bad - back;
		pr_err("%u new frames could not be mapped, %ld returned to Xen\n",
		       bad, back);
	}
	b->stats->current_pages += got - back;
	return BALLOON_STEP_MOVED;
}

/*
 * Take up to @nr pages (one batch at most) from the kernel onto @list.
 * Needs no lock: the allocator may reclaim meanwhile. Returns how many.
 */
static unsigned int balloon_take_pages(struct xen_balloon *b, unsigned long nr,
				       gfp_t gfp, struct list_head *list)
{
	unsigned int n;
	struct page *page;

	nr = min_t(unsigned long, nr, BALLOON_BATCH);
	for (n = 0; n < nr; n++) {
		page = b->ops->take_page(b, gfp);
		if (!page)
			break;
		list_add_tail(&page->lru, list);
	}
	return n;
}

/*
 * balloon_take_pages() for up to @nr pages with @b->lock held on entry
 * and exit but dropped meanwhile: the worker, borrowers and readers of
 * the state do not wait through reclaim. What others gave Xen meanwhile
 * comes off @nr, the excess goes back to the kernel. The floor is not
 * evaluated again: it would count the pages just taken as held by the
 * kernel. Returns how many pages the allocator gave.
 */
static unsigned long balloon_take_unlocked(struct xen_balloon *b,
					   unsigned long nr,
					   struct list_head *list)
{
	unsigned long cur = b->stats->current_pages, got, keep, gone;
	struct page *page;

	mutex_unlock(&b->lock);
	got = balloon_take_pages(b, nr, GFP_BALLOON, list);
	mutex_lock(&b->lock);
	gone = cur - min(cur, b->stats->current_pages);
	for (keep = got; keep > nr - min(nr, gone); keep--) {
		page = list_last_entry(list, struct page, lru);
		list_del(&page->lru);
		b->ops->release_page(b, page);
	}
	return got;
}

/*
 * Give the frames of the pages on @list (from balloon_take_pages()) to
 * Xen. Returns how many Xen took (they are now on the ballooned list).
 */
static long balloon_give_pages(struct xen_balloon *b, struct list_head *list)
{
	unsigned int n = 0, kept = 0, i, bad = 0;
	struct page *page, *next;
	long taken, back;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		b->pages[n++] = page;
	}
	if (!n)
		return 0;

	bitmap_zero(b->failed, BALLOON_BATCH);
	b->ops->unmap(b, b->pages, b->frames, n, b->failed);
	for (i = 0; i < n; i++) {
		if (test_bit(i, b->failed)) {
			/* Still mapped and backed: the kernel keeps it. */
			b->ops->release_page(b, b->pages[i]);
			continue;
		}
		b->pages[kept] = b->pages[i];
		b->frames[kept] = b->frames[i];
		kept++;
	}
	if (!kept)
		return 0;

	taken = clamp_t(long, b->ops->decrease(b, kept, b->frames), 0, kept);
	for (i = 0; i < taken; i++)
		balloon_list_add(b, b->pages[i], false);
	b->stats->current_pages -= taken;
	if (taken == kept)
		return taken;

	/* Xen left us these frames: map them again and keep using them. */
	b->stop = BALLOON_STOP_REFUSED;
	n = kept - taken;
	bitmap_zero(b->failed, BALLOON_BATCH);
	b->ops->map(b, b->pages + taken, b->frames + taken, n, b->failed);
	for (i = 0; i < n; i++) {
		page = b->pages[taken + i];
		if (!test_bit(i, b->failed)) {
			b->ops->release_page(b, page);
			continue;
		}
		b->pages[taken + bad] = page;
		b->frames[taken + bad] = b->frames[taken + i];
		bad++;
	}
	if (!bad)
		return taken;

	/*
	 * Unmapped and not taken: offer the frames once more. A page Xen
	 * takes now is an ordinary ballooned page; one it still leaves us is
	 * parked with its frame (counted in current_pages and as stranded).
	 */
	back = clamp_t(long, b->ops->decrease(b, bad, b->frames + taken), 0, bad);
	for (i = 0; i < back; i++)
		balloon_list_add(b, b->pages[taken + i], false);
	b->stats->current_pages -= back;
	for (i = back; i < bad; i++)
		balloon_park(b, b->pages[taken + i], BALLOON_PFN_UNMAPPABLE);
	b->nr_stranded += bad - back;
	pr_err("%u frames Xen left could not be mapped again, %ld taken on a second try\n",
	       bad, back);
	return taken + back;
}

/* ---- the target -------------------------------------------------------- */

unsigned long xen_balloon_floor(const struct balloon_floor_input *in)
{
	unsigned long margin, floor;

	margin = BALLOON_FLOOR_MARGIN_PAGES +
		 (in->boot_pages >> BALLOON_FLOOR_MARGIN_SHIFT);
	if (check_add_overflow(in->unmanaged, in->unreclaimable, &floor) ||
	    check_add_overflow(floor, in->reserve, &floor) ||
	    check_add_overflow(floor, margin, &floor))
		return ULONG_MAX;
	return floor;
}
EXPORT_SYMBOL_GPL(xen_balloon_floor);

/* The safe floor now (recorded for info/floor_kb). */
static unsigned long balloon_floor_now(struct xen_balloon *b)
{
	if (b->ops->floor)
		b->floor_pages = b->ops->floor(b);
	return b->floor_pages;
}

/*
 * The target the balloon works toward: what was asked, capped by Xen's
 * ceiling and by the pages we could fill (unless memory can be
 * hotplugged), and raised to the safe floor
 * (but never above the current size: the floor only stops shrinking).
 * Records in b->stop which limit applied; the batch that follows may
 * replace it with what stopped it (Xen refused, the allocator ran dry).
 */
static unsigned long balloon_effective_target(struct xen_balloon *b)
{
	unsigned long asked = READ_ONCE(b->requested_pages), want = asked;
	unsigned long cur = b->stats->current_pages;
	unsigned long reach = cur + b->stats->balloon_low, floor;
	long max = b->ops->max_reservation(b);
	enum balloon_stop why = BALLOON_STOP_NONE;

	if (asked != b->seen_request)
		b->hotplug_failed = false;
	if (max > 0 && want > max) {
		want = max;
		why = BALLOON_STOP_MAX_RESERVATION;
	}
	if (want > reach && !balloon_may_hotplug(b, max)) {
		want = reach;
		why = BALLOON_STOP_NO_PAGES;
	}
	floor = balloon_floor_now(b);
	if (!b->below_floor_ok && want < floor && want < cur) {
		want = min(floor, cur);
		why = BALLOON_STOP_FLOOR;
	}
	if (why == BALLOON_STOP_NONE && READ_ONCE(b->target_refused))
		why = BALLOON_STOP_BAD_TARGET;
	b->stop = why;
	b->stats->target_pages = want;
	/* Once per new request that cannot be met as asked. */
	if (asked != b->seen_request) {
		b->seen_request = asked;
		if (want != asked)
			pr_info("target %lu KiB clamped to %lu KiB: %s\n",
				asked << (PAGE_SHIFT - 10),
				want << (PAGE_SHIFT - 10),
				xen_balloon_stop_name(why));
	}
	return want;
}

/* Upstream's pacing: reset on progress, exponential backoff otherwise. */
static long balloon_schedule(struct xen_balloon *b, enum balloon_step_result r)
{
	struct balloon_stats *st = b->stats;

	if (r != BALLOON_STEP_RETRY) {
		st->schedule_delay = 1;
		st->retry_count = 1;
		if (r == BALLOON_STEP_MOVED)
			return 0;
		return b->stop == BALLOON_STOP_FLOOR ? BALLOON_FLOOR_RECHECK : -1;
	}
	st->retry_count++;
	if (st->max_retry_count != RETRY_UNLIMITED &&
	    st->retry_count > st->max_retry_count) {
		st->schedule_delay = 1;
		st->retry_count = 1;
		pr_info("giving up on target %lu KiB at %lu KiB: %s\n",
			st->target_pages << (PAGE_SHIFT - 10),
			st->current_pages << (PAGE_SHIFT - 10),
			xen_balloon_stop_name(b->stop));
		return -1;
	}
	st->schedule_delay = min(st->schedule_delay * 2, st->max_schedule_delay);
	return st->schedule_delay;
}

/*
 * One batch toward the target. Returns 0 to run again at once, a delay
 * in seconds to back off, or -1 when there is nothing more to do.
 */
long xen_balloon_step(struct xen_balloon *b)
{
	enum balloon_step_result r = BALLOON_STEP_IDLE;
	unsigned long target, cur, nr;
	LIST_HEAD(list);
	long taken, delay;

	mutex_lock(&b->lock);
	target = balloon_effective_target(b);
	cur = b->stats->current_pages;
	if (cur < target) {
		r = balloon_grow(b, target - cur);
	} else if (cur > target) {
		nr = min_t(unsigned long, cur - target, BALLOON_BATCH);
		if (balloon_take_unlocked(b, nr, &list) < nr)
			b->stop = BALLOON_STOP_PRESSURE;
		taken = balloon_give_pages(b, &list);
		if (!taken || b->stop == BALLOON_STOP_PRESSURE)
			r = BALLOON_STEP_RETRY;
		else
			r = BALLOON_STEP_MOVED;
	}
	delay = balloon_schedule(b, r);
	mutex_unlock(&b->lock);
	return delay;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_step);

/**
 * xen_balloon_set_target - ask the balloon to move to @pages
 * @b: the balloon
 * @pages: the new target, before clamping
 *
 * Never waits for a batch in progress: the xenstore watch calls this from
 * the xenwatch thread, which every backend and the shutdown watch share,
 * and a batch can take long (reclaim, hypercalls). When the balloon is
 * idle the clamped target is shown at once; when a batch runs, the
 * request is shown as asked and clamped by the next batch, which the
 * kick queues.
 */
void xen_balloon_set_target(struct xen_balloon *b, unsigned long pages)
{
	WRITE_ONCE(b->target_refused, false);
	WRITE_ONCE(b->requested_pages, pages);
	if (mutex_trylock(&b->lock)) {
		balloon_effective_target(b);
		mutex_unlock(&b->lock);
	} else {
		/* Shown until the next batch clamps it: never a stale target. */
		WRITE_ONCE(b->stats->target_pages, pages);
	}
	balloon_kick(b);
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_set_target);

/* ---- suspend: never more than a restore may allocate ------------------- */

/**
 * xen_balloon_suspend_verdict - may the domain be suspended at this size?
 * @held: pages Xen counts for the domain (XENMEM_current_reservation);
 *	  negative when unknown
 * @limit: Xen's limit for it (XENMEM_maximum_reservation); <= 0 when
 *	   unknown. libxl builds the restored domain with memory/target +
 *	   1 MiB as its limit, which is what xl mem-set set here, so a
 *	   domain saved above it cannot be restored.
 * @cur: pages the balloon counts (balloon_stats.current_pages)
 * @target: the target the balloon works toward (the floor applied)
 *
 * Return: %BALLOON_SUSPEND_FITS when a restore may allocate every page
 * held (or nothing is known), %BALLOON_SUSPEND_SHRINK when it may not
 * but the balloon can still go down, %BALLOON_SUSPEND_REFUSE when it can
 * go no lower.
 */
enum balloon_suspend xen_balloon_suspend_verdict(long held, long limit,
						 unsigned long cur,
						 unsigned long target)
{
	if (held < 0 || limit <= 0 || held <= limit)
		return BALLOON_SUSPEND_FITS;
	return cur > target ? BALLOON_SUSPEND_SHRINK : BALLOON_SUSPEND_REFUSE;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_suspend_verdict);

/**
 * xen_balloon_suspend - fit in what a restore may allocate, or say no
 * @b: the balloon
 *
 * Called when the domain is about to be suspended for a save (the freeze
 * of the balloon's device, user space and the balloon's worker already
 * frozen). A domain held above its target (at the safe floor, say) may
 * hold more pages than Xen's limit, and the restore of such a save fails
 * after the toolstack has destroyed the original. So first the balloon
 * goes down toward its target as far as it can now (never below the
 * floor); if the domain still does not fit, the suspend is refused:
 * the save fails and the domain runs on.
 *
 * Return: 0 to go on with the suspend, -EBUSY to refuse it.
 */
int xen_balloon_suspend(struct xen_balloon *b)
{
	unsigned long start = b->stats->current_pages, target;
	enum balloon_suspend v;
	long held, limit, delay = 0;

	for (;;) {
		held = b->ops->current_reservation(b);
		limit = b->ops->max_reservation(b);
		mutex_lock(&b->lock);
		target = balloon_effective_target(b);
		v = xen_balloon_suspend_verdict(held, limit,
						b->stats->current_pages, target);
		mutex_unlock(&b->lock);
		/* Go on only while each batch moves pages. */
		if (v != BALLOON_SUSPEND_SHRINK || delay)
			break;
		delay = xen_balloon_step(b);
	}
	if (v == BALLOON_SUSPEND_FITS) {
		b->held_at_suspend = held;
		if (b->stats->current_pages < start)
			pr_info("gave back %lu KiB to fit Xen's limit before suspending\n",
				PG_KB(start - b->stats->current_pages));
		return 0;
	}
	b->held_at_suspend = -1;
	pr_warn("suspend refused: %lu KiB held, Xen allows %lu KiB, safe floor %lu KiB: a restore would fail (raise the target to the floor first)\n",
		PG_KB((unsigned long)held), PG_KB((unsigned long)limit),
		PG_KB(b->floor_pages));
	return -EBUSY;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_suspend);

/*
 * Give Xen back the frames it holds on ballooned pfns, among the frames of
 * the @nr pages in @b->pages: for each, XENMEM_decrease_reservation either
 * takes it (a stray) or stops at the first pfn without one. Returns how
 * many Xen took, or a negative error.
 */
static long balloon_drop_strays(struct xen_balloon *b, unsigned int nr)
{
	unsigned int i, off = 0;
	long took, found = 0;

	for (i = 0; i < nr; i++)
		b->frames[i] = page_to_xen_pfn(b->pages[i]);
	while (off < nr) {
		took = b->ops->decrease(b, nr - off, b->frames + off);
		if (took < 0)
			return took;
		found += took;
		off += took + 1;	/* past the pfn Xen had no frame for */
	}
	return found;
}

/**
 * xen_balloon_restored - give back the frames a migration left behind
 * @b: the balloon
 *
 * Called in the new domain after a restore or live migration. The
 * toolstack copies every page it saw populated and never takes a page
 * away at the receiver: a page the balloon gave back after the sender's
 * pass over its pfn is populated again in the new domain (Xen 4.17 marks
 * no page dirty when an HVM or PVH guest gives it back, and the receiver
 * ignores pages sent as gone). Xen then counts pages the balloon counts
 * as ballooned; they eat the headroom of max_pages, so the balloon cannot
 * grow back to its target, and a suspend is refused (boot test 47). When
 * Xen counts more than at the suspend, the ballooned pfns, most recently
 * given back first, are handed to Xen again until that many frames went.
 * Only where a page's frame is its pfn (auto-translated guests); a PV
 * guest's ballooned pfns have no frame to name.
 *
 * Return: pages given back.
 */
unsigned long xen_balloon_restored(struct xen_balloon *b)
{
	unsigned long extra, found = 0, seen = 0;
	unsigned int n = 0;
	struct page *page;
	long held, took;

	held = b->ops->current_reservation(b);
	if (!b->frames_are_pfns || b->held_at_suspend < 0 ||
	    held <= b->held_at_suspend)
		return 0;
	extra = held - b->held_at_suspend;
	mutex_lock(&b->lock);
	list_for_each_entry(page, &b->ballooned, lru) {
		b->pages[n++] = page;
		seen++;
		if (n < BALLOON_BATCH && !list_is_last(&page->lru, &b->ballooned))
			continue;
		took = balloon_drop_strays(b, n);
		if (took < 0) {
			pr_err("cannot give back frames the restore left: error %ld\n",
			       took);
			break;
		}
		found += took;
		n = 0;
		if (found >= extra)
			break;
	}
	mutex_unlock(&b->lock);
	pr_info("restored holding %lu KiB more than at the suspend: %lu KiB of it were pages the balloon had given back (%lu pfns looked at), given back again\n",
		PG_KB(extra), PG_KB(found), seen);
	b->held_at_suspend = -1;
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_restored);

/* ---- the state toolstacks read (xenstore data/balloon/) ---------------- */

static const char * const balloon_key_names[BALLOON_KEY_NR] = {
	[BALLOON_KEY_TARGET] = "target_kb",
	[BALLOON_KEY_CURRENT] = "current_kb",
	[BALLOON_KEY_FLOOR] = "floor_kb",
	[BALLOON_KEY_STOP] = "stop_reason",
};

/**
 * xen_balloon_publish - write the keys whose value changed
 * @b: the balloon
 * @now: jiffies
 *
 * One round writes every key whose value differs from the one last
 * written; rounds are at least %BALLOON_PUBLISH_INTERVAL apart, so a
 * balloon on the move costs one round a second. A write that fails is
 * counted and the first failure logged; the value counts as written, so a
 * toolstack that refuses the keys costs one try per change, and the
 * balloon goes on regardless.
 *
 * Return: 0 when everything is written, else the jiffies to wait for the
 * round that writes what changed.
 */
unsigned long xen_balloon_publish(struct xen_balloon *b, unsigned long now)
{
	unsigned long val[BALLOON_KEY_NR], todo = 0, due;
	unsigned int k;
	char buf[24];
	int err;

	if (!b->ops->publish)
		return 0;
	mutex_lock(&b->lock);
	val[BALLOON_KEY_TARGET] = PG_KB(READ_ONCE(b->requested_pages));
	val[BALLOON_KEY_CURRENT] = PG_KB(b->stats->current_pages);
	val[BALLOON_KEY_FLOOR] = PG_KB(b->floor_pages);
	val[BALLOON_KEY_STOP] = b->stop;
	mutex_unlock(&b->lock);

	for (k = 0; k < BALLOON_KEY_NR; k++)
		if (!(b->shown_valid & BIT(k)) || b->shown[k] != val[k])
			todo |= BIT(k);
	if (!todo)
		return 0;
	due = b->shown_at + BALLOON_PUBLISH_INTERVAL;
	if (b->shown_once && time_before(now, due))
		return due - now;
	b->shown_at = now;
	b->shown_once = true;
	for_each_set_bit(k, &todo, BALLOON_KEY_NR) {
		if (k == BALLOON_KEY_STOP)
			strscpy(buf, xen_balloon_stop_name(val[k]), sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%lu", val[k]);
		err = b->ops->publish(b, balloon_key_names[k], buf);
		if (err && !b->publish_errors++)
			pr_warn("cannot write data/balloon/%s: error %d (logged once; ballooning goes on)\n",
				balloon_key_names[k], err);
		b->shown[k] = val[k];
		b->shown_valid |= BIT(k);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_publish);

static void balloon_publish_fn(struct work_struct *work)
{
	struct xen_balloon *b = container_of(to_delayed_work(work),
					     struct xen_balloon, publish_work);
	unsigned long wait = xen_balloon_publish(b, jiffies);

	if (wait)
		queue_delayed_work(b->wq, &b->publish_work, wait);
}

/* Publish what changed, now or when the rate limit allows. */
static void balloon_publish_soon(struct xen_balloon *b)
{
	if (b->wq && READ_ONCE(b->publishing))
		queue_delayed_work(b->wq, &b->publish_work, 0);
}

/**
 * xen_balloon_publish_all - (re)start publishing: every key is written again
 * @b: the balloon
 *
 * Called when xenstore comes up and after a restore (the new domain's
 * xenstore has none of our keys), while the publishing work cannot run:
 * before the first call, or with the freezable workqueue frozen.
 */
void xen_balloon_publish_all(struct xen_balloon *b)
{
	b->shown_valid = 0;
	WRITE_ONCE(b->publishing, true);
	balloon_publish_soon(b);
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_publish_all);

static void balloon_work_fn(struct work_struct *work)
{
	struct xen_balloon *b = container_of(to_delayed_work(work),
					     struct xen_balloon, work);
	long delay = xen_balloon_step(b);

	if (delay >= 0)
		queue_delayed_work(b->wq, &b->work, delay * HZ);
	balloon_publish_soon(b);
}

void balloon_set_new_target(unsigned long target)
{
	xen_balloon_set_target(&xen_balloon, target);
}
EXPORT_SYMBOL_GPL(balloon_set_new_target);

/* ---- lending ballooned pages to other drivers ------------------------- */

void xen_balloon_give_back(struct xen_balloon *b, unsigned int nr,
			   struct page **pages)
{
	unsigned int i;

	mutex_lock(&b->lock);
	for (i = 0; i < nr; i++)
		if (pages[i])
			balloon_list_add(b, pages[i], false);
	b->stats->target_unpopulated -= nr;
	mutex_unlock(&b->lock);
	balloon_kick(b);
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_give_back);

/* How many of @want pages we may give Xen without going below the floor. */
static unsigned long balloon_above_floor(struct xen_balloon *b,
					 unsigned long want)
{
	unsigned long cur = b->stats->current_pages, floor;

	floor = balloon_floor_now(b);
	if (b->below_floor_ok)
		return want;
	return cur > floor ? min(want, cur - floor) : 0;
}

/*
 * Balloon out pages for a borrower, with @b->lock held: none unless the
 * kernel could spare all @want (no reclaim storm, no OOM killer), never
 * below the safe floor. Returns how many pages Xen took (now on the
 * ballooned list).
 */
static long balloon_shrink_for_borrower(struct xen_balloon *b,
					unsigned long want)
{
	unsigned long room;
	LIST_HEAD(list);

	room = balloon_above_floor(b, want);
	if (!room || (b->ops->available && b->ops->available(b) < want))
		return 0;
	balloon_take_unlocked(b, room, &list);
	return balloon_give_pages(b, &list);
}

int xen_balloon_borrow(struct xen_balloon *b, unsigned int nr,
		       struct page **pages)
{
	unsigned int got = 0, scanned;
	struct page *page;
	int ret = 0;

	mutex_lock(&b->lock);
	while (got < nr) {
		scanned = 0;
		page = balloon_take_fillable(b, &scanned);
		if (!page) {
			if (!list_empty(&b->ballooned))
				continue;
			/* None left: make some by shrinking, if we can spare them. */
			if (balloon_shrink_for_borrower(b, nr - got) > 0)
				continue;
			ret = -ENOMEM;
			break;
		}
		ret = b->ops->lend(b, page);
		if (ret) {
			balloon_list_add(b, page, false);
			break;
		}
		pages[got++] = page;
		/* Counted at once: shrinking drops the lock. */
		b->stats->target_unpopulated++;
	}
	mutex_unlock(&b->lock);
	if (ret)
		xen_balloon_give_back(b, got, pages);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_borrow);

/**
 * xen_alloc_ballooned_pages - borrow pages that have no frame behind them
 * @nr_pages: how many
 * @pages: receives them
 *
 * For grant and foreign mappings (gntdev, privcmd). Uses ballooned pages
 * first and balloons out more if there are too few: only when the kernel
 * can spare them all (si_mem_available()), never below the safe floor,
 * and without waking the OOM killer.
 *
 * Return: 0 or -ENOMEM (then nothing is borrowed).
 */
int xen_alloc_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	return xen_balloon_borrow(&xen_balloon, nr_pages, pages);
}
EXPORT_SYMBOL(xen_alloc_ballooned_pages);

/**
 * xen_free_ballooned_pages - return pages from xen_alloc_ballooned_pages()
 * @nr_pages: how many
 * @pages: the pages (NULL entries are skipped)
 */
void xen_free_ballooned_pages(unsigned int nr_pages, struct page **pages)
{
	xen_balloon_give_back(&xen_balloon, nr_pages, pages);
}
EXPORT_SYMBOL(xen_free_ballooned_pages);

/* ---- parsing sysfs and xenstore input ---------------------------------- */

/* A whole unsigned number, with an optional newline; nothing else. */
static int balloon_parse_u64(const char *buf, u64 *val)
{
	if (!buf || *buf == '+' || *buf == '-')
		return -EINVAL;
	return kstrtou64(buf, 0, val) ? -EINVAL : 0;
}

int xen_balloon_parse_kb(const char *buf, unsigned long *pages)
{
	u64 kb;

	if (balloon_parse_u64(buf, &kb))
		return -EINVAL;
	/* The target is also shown in bytes: that must not overflow. */
	if (kb > U64_MAX >> 10)
		return -EINVAL;
	*pages = kb >> (PAGE_SHIFT - 10);
	return 0;
}
EXPORT_SYMBOL_GPL(xen_balloon_parse_kb);

/* A whole number in [@min, @max], decimal or 0x hex, optional newline. */
int xen_balloon_parse_ulong(const char *buf, unsigned long min,
			    unsigned long max, unsigned long *val)
{
	u64 v;

	if (balloon_parse_u64(buf, &v) || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xen_balloon_parse_ulong);

/*
 * One of 0/1, y/n, yes/no, on/off, true/false (any case), optional
 * newline, and nothing else: kstrtobool() reads only the first letters.
 */
int xen_balloon_parse_bool(const char *buf, bool *val)
{
	static const char * const words[] = {
		"0", "1", "n", "y", "no", "yes", "off", "on", "false", "true",
	};
	size_t len;
	unsigned int i;

	if (!buf)
		return -EINVAL;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (strlen(words[i]) == len && !strncasecmp(buf, words[i], len)) {
			*val = i % 2;
			return 0;
		}
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(xen_balloon_parse_bool);

/*
 * sysfs passes the @count bytes written with a NUL after them; a NUL
 * among them would hide the rest of the input from the parsers.
 */
int xen_balloon_check_input(const char *buf, size_t count)
{
	return count && strnlen(buf, count) == count ? 0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(xen_balloon_check_input);

/* Bytes with an optional K, M, G, T, P or E suffix (binary, as memparse). */
int xen_balloon_parse_bytes(const char *buf, unsigned long *pages)
{
	static const char suffixes[] = "kmgtpe";
	char num[32], *s;
	size_t len;
	u64 val;
	int shift = 0;

	if (!buf)
		return -EINVAL;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, buf, len);
	num[len] = '\0';
	s = strchr(suffixes, tolower(num[len - 1]));
	/* In hex, a trailing e is a digit, not exa. */
	if (s && *s && !(*s == 'e' && len > 2 && num[0] == '0' &&
			 tolower(num[1]) == 'x')) {
		shift = 10 * (s - suffixes + 1);
		num[--len] = '\0';
	}
	if (balloon_parse_u64(num, &val) || val > (U64_MAX >> shift))
		return -EINVAL;
	*pages = (val << shift) >> PAGE_SHIFT;
	return 0;
}
EXPORT_SYMBOL_GPL(xen_balloon_parse_bytes);

/* ---- setup ------------------------------------------------------------- */

/**
 * xen_balloon_start_pages - the size the balloon starts from
 * @in: what the guest and Xen say at boot
 *
 * A PV guest has what Xen gave it (nr_pages, as far as the kernel reaches:
 * max_pfn) less what the memory setup gave back. Not the E820 count:
 * that misses pfn 0 and the ISA hole (about 97 pages on a domU) and holds
 * the extra regions, which are the balloon's to fill later.
 *
 * A PVH or HVM guest has the RAM of its E820, less the extra regions left
 * empty (a PVH dom0's room up to max:). Not Xen's reservation: under
 * populate-on-demand that is about the PoD target while the guest's RAM
 * reaches maxmem, and starting there the balloon would never give back
 * enough.
 *
 * Either way the extra regions are not in the start, which is also the
 * first target: a boot never populates straight to max: or maxmem.
 *
 * Return: pages the guest has when the balloon starts (Xen's reservation
 * if the inputs make no sense).
 */
unsigned long xen_balloon_start_pages(const struct balloon_start_input *in)
{
	unsigned long have, out;

	if (in->pv) {
		have = min(in->nr_pages, in->max_pfn);
		out = in->released;
	} else {
		have = in->ram_pages;
		out = in->extra_pages;
	}
	return have > out ? have - out : in->reservation;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_start_pages);

/**
 * xen_balloon_xenstore_target - the target for a memory/target value
 * @target: memory/target, in pages
 * @static_max: memory/static-max in pages; 0 when there is none, and for
 *		PV guests and dom0, whose memory/target is taken as it is
 * @start: the pages the balloon started with (xen_balloon_start_pages())
 *
 * An HVM or PVH guest's memory/target leaves out what the firmware and
 * the holes take: the difference between static-max and the start size
 * is taken off every target, as upstream does.
 *
 * Return: the target in pages (0 if the offset is larger).
 */
unsigned long xen_balloon_xenstore_target(unsigned long target,
					  unsigned long static_max,
					  unsigned long start)
{
	long offset = static_max ? (long)static_max - (long)start : 0;

	if (offset > 0 && target < offset)
		return 0;
	return target - offset;
}
EXPORT_SYMBOL_GPL(xen_balloon_xenstore_target);

/**
 * xen_balloon_xenstore_input - apply a memory/target value written by the toolstack
 * @b: the balloon
 * @value: the xenstore string, KiB
 * @static_max: as for xen_balloon_xenstore_target()
 *
 * Garbage (not a whole non-negative number of KiB, or one that overflows)
 * is refused: the balloon keeps its target and info/stop_reason says
 * bad_target until a valid target comes. A target above Xen's ceiling is
 * clamped like any other (max_reservation).
 *
 * Return: 0, or -EINVAL when @value was refused.
 */
int xen_balloon_xenstore_input(struct xen_balloon *b, const char *value,
			       unsigned long static_max)
{
	unsigned long pages;

	if (xen_balloon_parse_kb(value, &pages)) {
		WRITE_ONCE(b->target_refused, true);
		if (mutex_trylock(&b->lock)) {
			balloon_effective_target(b);
			mutex_unlock(&b->lock);
		}
		balloon_publish_soon(b);
		return -EINVAL;
	}
	xen_balloon_set_target(b, xen_balloon_xenstore_target(pages, static_max,
							      b->boot_pages));
	return 0;
}
EXPORT_SYMBOL_GPL(xen_balloon_xenstore_input);

void xen_balloon_setup(struct xen_balloon *b, const struct xen_balloon_ops *ops,
		       struct balloon_stats *stats, unsigned long current_pages)
{
	b->ops = ops;
	b->stats = stats;
	mutex_init(&b->lock);
	INIT_LIST_HEAD(&b->ballooned);
	INIT_LIST_HEAD(&b->parked);
	INIT_DELAYED_WORK(&b->work, balloon_work_fn);
	INIT_DELAYED_WORK(&b->publish_work, balloon_publish_fn);
	memset(stats, 0, sizeof(*stats));
	stats->current_pages = current_pages;
	stats->target_pages = current_pages;
	stats->total_pages = current_pages;
	stats->schedule_delay = 1;
	stats->max_schedule_delay = 32;
	stats->retry_count = 1;
	stats->max_retry_count = 4;
	b->held_at_suspend = -1;
	b->boot_pages = current_pages;
	b->requested_pages = current_pages;
	b->seen_request = current_pages;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_setup);

/* ---- the real hypervisor ----------------------------------------------- */

/* Calls per page go to Xen in multicalls of this many entries. */
#define BALLOON_MC_BATCH	64
static struct multicall_entry balloon_mc[BALLOON_MC_BATCH];

#ifdef CONFIG_XEN_HAVE_PVMMU

/*
 * Set the kernel mapping of pages[first..first+nr) to @ptes[i] (machine
 * PTEs) in one multicall; mark the entries Xen refused in @failed.
 */
static void xen_mc_update_va(struct page **pages, const pte_t *ptes,
			     unsigned int first, unsigned int nr,
			     unsigned long *failed)
{
	unsigned long va;
	unsigned int i;

	if (!balloon_multicall) {
		for (i = 0; i < nr; i++) {
			va = (unsigned long)page_address(pages[first + i]);
			if (HYPERVISOR_update_va_mapping(va, ptes[i], 0))
				set_bit(first + i, failed);
		}
		return;
	}
	for (i = 0; i < nr; i++)
		MULTI_update_va_mapping(&balloon_mc[i],
					(unsigned long)page_address(pages[first + i]),
					ptes[i], 0);
	if (HYPERVISOR_multicall(balloon_mc, nr)) {
		for (i = 0; i < nr; i++)
			set_bit(first + i, failed);
		return;
	}
	for (i = 0; i < nr; i++)
		if (balloon_mc[i].result)
			set_bit(first + i, failed);
}
#endif

static bool xen_balloon_pv_mmu(void)
{
	return IS_ENABLED(CONFIG_XEN_HAVE_PVMMU) &&
	       !xen_feature(XENFEAT_auto_translated_physmap);
}

/*
 * Xen 4.17 does not mark a page dirty when it adds it to an HVM or PVH
 * guest's P2M, and the page's first writes are not tracked either until
 * the toolstack's next log-dirty pass. A page populated during a live
 * migration after the toolstack's pass over its pfn is then not sent:
 * the new domain has a hole there, reads of it give all ones and writes
 * vanish (boot test 47). What Xen itself writes into a guest page is
 * always marked dirty: have it write its extraversion string into each
 * new page, one multicall per BALLOON_MC_BATCH pages. (A PV guest's MMU
 * update marks the page dirty.)
 */
static void xen_balloon_dirty(struct page **pages, unsigned int nr)
{
	unsigned int i, j, n, missed = 0;

	for (i = 0; i < nr; i += n) {
		n = min_t(unsigned int, nr - i, BALLOON_MC_BATCH);
		for (j = 0; j < n; j++) {
			balloon_mc[j].op = __HYPERVISOR_xen_version;
			balloon_mc[j].args[0] = XENVER_extraversion;
			balloon_mc[j].args[1] =
				(unsigned long)page_address(pages[i + j]);
		}
		if (HYPERVISOR_multicall(balloon_mc, n)) {
			missed += n;
			continue;
		}
		for (j = 0; j < n; j++)
			if ((long)balloon_mc[j].result < 0)
				missed++;
	}
	if (missed)
		pr_warn_ratelimited("%u new pages not marked dirty: a live migration running now may leave them out\n",
				    missed);
}

static void xen_real_map(struct xen_balloon *b, struct page **pages,
			 xen_pfn_t *frames, unsigned int nr,
			 unsigned long *failed)
{
#ifdef CONFIG_XEN_HAVE_PVMMU
	pte_t ptes[BALLOON_MC_BATCH];
	unsigned int i, j, n;
#endif

	if (!xen_balloon_pv_mmu()) {
		xen_balloon_dirty(pages, nr);
		return;
	}
#ifdef CONFIG_XEN_HAVE_PVMMU
	for (i = 0; i < nr; i += n) {
		n = balloon_multicall ? min_t(unsigned int, nr - i, BALLOON_MC_BATCH) : 1;
		for (j = 0; j < n; j++) {
			ptes[j] = mfn_pte(frames[i + j], PAGE_KERNEL);
			if (!set_phys_to_machine(page_to_pfn(pages[i + j]),
						 frames[i + j])) {
				/* No P2M slot: leave the page unmapped. */
				ptes[j] = __pte_ma(0);
				set_bit(i + j, failed);
			}
		}
		xen_mc_update_va(pages, ptes, i, n, failed);
		for (j = 0; j < n; j++)
			if (test_bit(i + j, failed))
				__set_phys_to_machine(page_to_pfn(pages[i + j]),
						      INVALID_P2M_ENTRY);
	}
#endif
}

static void xen_real_unmap(struct xen_balloon *b, struct page **pages,
			   xen_pfn_t *frames, unsigned int nr,
			   unsigned long *failed)
{
	unsigned int i;
#ifdef CONFIG_XEN_HAVE_PVMMU
	pte_t ptes[BALLOON_MC_BATCH];
	unsigned int j, n;
#endif

	for (i = 0; i < nr; i++)
		frames[i] = xen_page_to_gfn(pages[i]);
	if (!xen_balloon_pv_mmu())
		return;
#ifdef CONFIG_XEN_HAVE_PVMMU
	for (i = 0; i < nr; i += n) {
		n = balloon_multicall ? min_t(unsigned int, nr - i, BALLOON_MC_BATCH) : 1;
		for (j = 0; j < n; j++)
			ptes[j] = __pte_ma(0);
		xen_mc_update_va(pages, ptes, i, n, failed);
		for (j = 0; j < n; j++)
			if (!test_bit(i + j, failed))
				__set_phys_to_machine(page_to_pfn(pages[i + j]),
						      INVALID_P2M_ENTRY);
	}
	flush_tlb_all();
#endif
}

static long xen_real_populate(struct xen_balloon *b, unsigned int nr,
			      xen_pfn_t *frames)
{
	return xenmem_reservation_increase(nr, frames);
}

static long xen_real_decrease(struct xen_balloon *b, unsigned int nr,
			      xen_pfn_t *frames)
{
	return xenmem_reservation_decrease(nr, frames);
}

static long xen_real_reservation(int op)
{
	domid_t self = DOMID_SELF;

	return HYPERVISOR_memory_op(op, &self);
}

static long xen_real_current(struct xen_balloon *b)
{
	return xen_real_reservation(XENMEM_current_reservation);
}

static long xen_real_max(struct xen_balloon *b)
{
	return xen_real_reservation(XENMEM_maximum_reservation);
}

#ifdef CONFIG_XEN_BALLOON_MEMORY_HOTPLUG
/* The lowest pfn ever hotplugged: RAM above it may be outside the E820. */
static unsigned long balloon_hotplug_base = ULONG_MAX;

static bool xen_balloon_hotplugged_pfn(unsigned long pfn)
{
	return pfn >= READ_ONCE(balloon_hotplug_base) && page_is_ram(pfn);
}

/*
 * Memory hotplug for @nr more pages, whole sections, placed above all RAM
 * (never in a hole below 4 GiB that a device may decode). A PV guest's
 * P2M gets invalid entries first, so that the kernel's new mapping of the
 * range comes out not present.
 */
static long xen_real_hotplug(struct xen_balloon *b, unsigned long nr)
{
	unsigned long pages = round_up(nr, PAGES_PER_SECTION);
	struct resource *res;
	int rc;

	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return -ENOMEM;
	res->name = "System RAM";
	res->flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;
	rc = allocate_resource(&iomem_resource, res, PFN_PHYS(pages),
			       PFN_PHYS(round_up(max_pfn, PAGES_PER_SECTION)),
			       -1, PFN_PHYS(PAGES_PER_SECTION), NULL, NULL);
	if (rc) {
		kfree(res);
		return rc;
	}
#ifdef CONFIG_XEN_HAVE_PVMMU
	if (xen_balloon_pv_mmu()) {
		unsigned long pfn = PFN_DOWN(res->start), i;

		for (i = 0; i < pages; i++)
			if (!set_phys_to_machine(pfn + i, INVALID_P2M_ENTRY)) {
				rc = -ENOSPC;	/* past the P2M's reach */
				goto out;
			}
	}
#endif
	WRITE_ONCE(balloon_hotplug_base,
		   min(balloon_hotplug_base, (unsigned long)PFN_DOWN(res->start)));
	lock_device_hotplug();
	rc = add_memory_resource(memory_add_physaddr_to_nid(res->start), res,
				 MHP_MERGE_RESOURCE);
	unlock_device_hotplug();
out:
	if (rc) {
		pr_warn("hotplug of %pR failed: %d\n", res, rc);
		release_resource(res);
		kfree(res);
		return rc;
	}
	pr_info("hotplugged %lu KiB: %pR\n", PG_KB(pages), res);
	return pages;
}

/* Onlined hotplugged memory is ours to fill, not the allocator's. */
static void xen_balloon_online_page(struct page *page, unsigned int order)
{
	xen_balloon_hotplugged(&xen_balloon, page_to_pfn(page), 1UL << order);
}
#else
static bool xen_balloon_hotplugged_pfn(unsigned long pfn)
{
	return false;
}
#endif

#ifdef CONFIG_X86
/*
 * Does the E820 give RAM for any part of @pfn (as e820__mapped_any())?
 * Ballooned pfns come in runs, so the RAM entry of the last hit is tried
 * first: the scan of the whole table was 2-4% of a balloon-up. The table
 * is final once the balloon runs; the caller holds the balloon lock.
 */
static bool xen_balloon_e820_ram(unsigned long pfn)
{
	static u64 last_start, last_end;
	u64 start = PFN_PHYS(pfn), end = start + PAGE_SIZE;
	const struct e820_entry *e;
	u32 i;

	if (start < last_end && end > last_start)
		return true;
	for (i = 0; i < e820_table->nr_entries; i++) {
		e = &e820_table->entries[i];
		if (e->type == E820_TYPE_RAM && start < e->addr + e->size &&
		    end > e->addr) {
			last_start = e->addr;
			last_end = e->addr + e->size;
			return true;
		}
	}
	return false;
}
#endif

static enum balloon_pfn_kind xen_real_classify(struct xen_balloon *b,
					       unsigned long pfn)
{
#ifdef CONFIG_XEN_HAVE_PVMMU
	if (xen_balloon_pv_mmu()) {
		unsigned long mfn = __pfn_to_mfn(pfn);

		/* ~0 has the identity and foreign bits set too: test it first. */
		if (mfn != INVALID_P2M_ENTRY) {
			if (mfn & IDENTITY_FRAME_BIT)
				return BALLOON_PFN_IDENTITY;
			if (mfn & FOREIGN_FRAME_BIT)
				return BALLOON_PFN_FOREIGN;
			return BALLOON_PFN_BACKED;
		}
	}
#endif
#ifdef CONFIG_X86
	if (!xen_balloon_e820_ram(pfn) &&
	    !xen_balloon_hotplugged_pfn(pfn))
		return BALLOON_PFN_HOLE;
#endif
	return BALLOON_PFN_EMPTY;
}

static struct page *xen_real_alloc_page(struct xen_balloon *b, gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	if (!page)
		return NULL;
	adjust_managed_page_count(page, -1);
	xenmem_reservation_scrub_page(page);
	return page;
}

static unsigned long xen_real_available(struct xen_balloon *b)
{
	long avail = si_mem_available();

	return avail > 0 ? avail : 0;
}

static void xen_real_release_page(struct xen_balloon *b, struct page *page)
{
	free_reserved_page(page);
}

static int xen_real_lend(struct xen_balloon *b, struct page *page)
{
#ifdef CONFIG_XEN_HAVE_PVMMU
	if (xen_balloon_pv_mmu() && xen_alloc_p2m_entry(page_to_pfn(page)) < 0)
		return -ENOMEM;
#endif
	return 0;
}

/**
 * xen_balloon_live_floor - the safe floor of @b from this kernel's counts now
 * @b: the balloon
 *
 * What the allocator does not manage is taken now, not at boot: the initrd
 * and __init memory are freed after the balloon starts, and the unpacked
 * initramfs is counted again as unevictable or shmem pages. Ballooning
 * moves our reservation and the managed pages together, so it leaves this
 * part alone.
 *
 * Return: the floor in pages.
 */
unsigned long xen_balloon_live_floor(struct xen_balloon *b)
{
	unsigned long cur = b->stats->current_pages, managed = totalram_pages();
	struct balloon_floor_input in = {
		.boot_pages = b->boot_pages,
		.unmanaged = cur > managed ? cur - managed : 0,
		.reserve = totalreserve_pages,
	};

	b->below_floor_ok = balloon_below_floor;
	in.unreclaimable =
		global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) +
		global_node_page_state(NR_PAGETABLE) +
		(global_node_page_state(NR_KERNEL_STACK_KB) >> (PAGE_SHIFT - 10)) +
		global_node_page_state(NR_UNEVICTABLE);
	if (!get_nr_swap_pages())
		in.unreclaimable += global_node_page_state(NR_ACTIVE_ANON) +
				    global_node_page_state(NR_INACTIVE_ANON);
	return xen_balloon_floor(&in);
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_live_floor);

static const struct xen_balloon_ops xen_real_ops = {
	.populate = xen_real_populate,
	.decrease = xen_real_decrease,
	.current_reservation = xen_real_current,
	.max_reservation = xen_real_max,
	.classify = xen_real_classify,
	.map = xen_real_map,
	.unmap = xen_real_unmap,
	.take_page = xen_real_alloc_page,
	.release_page = xen_real_release_page,
	.lend = xen_real_lend,
	.available = xen_real_available,
	.floor = xen_balloon_live_floor,
	.publish = xen_balloon_xs_write,
#ifdef CONFIG_XEN_BALLOON_MEMORY_HOTPLUG
	.hotplug = xen_real_hotplug,
#endif
};

/*
 * /sys/kernel/debug/xen_balloon: our counts beside Xen's own count of our
 * pages, for tests. "accounted" checks that every page the balloon ever
 * had is in the kernel, ballooned, parked or lent.
 */
static int balloon_state_show(struct seq_file *m, void *v)
{
	struct xen_balloon *b = m->private;
	struct balloon_stats *st = b->stats;
	long xen_cur, xen_max;
	unsigned int k;

	mutex_lock(&b->lock);
	xen_cur = b->ops->current_reservation(b);
	xen_max = b->ops->max_reservation(b);
	seq_printf(m, "current_kb %lu\n", PG_KB(st->current_pages));
	seq_printf(m, "xen_current_kb %ld\n", xen_cur > 0 ? PG_KB(xen_cur) : xen_cur);
	seq_printf(m, "xen_max_kb %ld\n", xen_max > 0 ? PG_KB(xen_max) : xen_max);
	seq_printf(m, "target_kb %lu\n", PG_KB(st->target_pages));
	seq_printf(m, "requested_kb %lu\n", PG_KB(b->requested_pages));
	seq_printf(m, "floor_kb %lu\n", PG_KB(b->floor_pages));
	seq_printf(m, "ballooned_kb %lu\n", PG_KB(st->balloon_low));
	seq_printf(m, "parked_kb %lu\n", PG_KB(b->nr_parked));
	seq_printf(m, "lent_kb %lu\n", PG_KB(st->target_unpopulated));
	seq_printf(m, "total_kb %lu\n", PG_KB(st->total_pages));
	seq_printf(m, "stranded_kb %lu\n", PG_KB(b->nr_stranded));
	seq_printf(m, "accounted %s\n",
		   st->current_pages + st->balloon_low + b->nr_parked -
		   b->nr_stranded + st->target_unpopulated == st->total_pages ?
		   "yes" : "no");
	for (k = BALLOON_PFN_IDENTITY; k < BALLOON_PFN_NR_KINDS; k++)
		seq_printf(m, "refused %s %lu\n", balloon_pfn_kind_names[k],
			   b->refused[k]);
	seq_printf(m, "stop %s\n", xen_balloon_stop_name(b->stop));
	mutex_unlock(&b->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(balloon_state);

#ifdef CONFIG_XEN_PV
/* Pages of xen_extra_mem[] the balloon took, to see that it stays so. */
static unsigned long balloon_extra_pages __initdata;

static unsigned long __init balloon_extra_total(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < XEN_EXTRA_MEM_MAX_REGIONS; i++)
		n += xen_extra_mem[i].n_pfns;
	return n;
}

/*
 * The extra regions the memory setup left for the balloon to fill: a PV
 * guest's always; a PVH guest's (6.12 adds some for foreign mappings)
 * belong to the unpopulated pool when there is one.
 */
static void __init balloon_add_extra_regions(struct xen_balloon *b)
{
	unsigned long pfn, end;
	unsigned int i;

	if (!xen_pv_domain() && IS_ENABLED(CONFIG_XEN_UNPOPULATED_ALLOC))
		return;
	for (i = 0; i < XEN_EXTRA_MEM_MAX_REGIONS; i++) {
		pfn = xen_extra_mem[i].start_pfn;
		/* Pages past max_pfn (mem= on the command line) have no struct page. */
		end = min(max_pfn, pfn + xen_extra_mem[i].n_pfns);
		for (; pfn < end; pfn++)
			xen_balloon_add_page(b, pfn_to_page(pfn));
	}
	balloon_extra_pages = balloon_extra_total();
}

/* Another owner (the unpopulated pool) must not have taken them since. */
static void __init balloon_check_extra_regions(void)
{
	WARN(balloon_extra_pages && balloon_extra_total() != balloon_extra_pages,
	     "xen:balloon: extra regions taken by another owner after the balloon had them\n");
}
#else
static void __init balloon_add_extra_regions(struct xen_balloon *b) { }
static void __init balloon_check_extra_regions(void) { }
#endif

/*
 * The balloon is set up before the first borrower can come: a PVH or HVM
 * guest's grant table takes its frames from alloc_xenballooned_pages() at
 * core_initcall, before the subsys level. Its files and watches follow
 * in balloon_init().
 */
static int __init balloon_setup_early(void)
{
	struct xen_balloon *b = &xen_balloon;
	struct balloon_start_input in = {
		.ram_pages = get_num_physpages(),
		.max_pfn = max_pfn,
	};
	unsigned long cur;
	long xen_cur;

	if (!xen_domain())
		return -ENODEV;

	xen_cur = xen_real_current(b);
	in.reservation = xen_cur > 0 ? xen_cur : 0;
#ifdef CONFIG_XEN_PV
	if (xen_pv_domain()) {
		in.pv = true;
		in.nr_pages = xen_start_info->nr_pages;
		in.released = xen_released_pages;
	}
#endif
	cur = xen_balloon_start_pages(&in);
	if (cur != in.reservation)
		pr_info("starting from %lu KiB, Xen counts %lu KiB\n",
			cur << (PAGE_SHIFT - 10),
			in.reservation << (PAGE_SHIFT - 10));
	xen_balloon_setup(b, &xen_real_ops, &balloon_stats, cur);
	/* dom0 grows to its dom0_mem max: only, in the machine's map. */
	b->may_hotplug = xen_real_ops.hotplug && !xen_initial_domain();
	b->frames_are_pfns = xen_feature(XENFEAT_auto_translated_physmap);
	balloon_add_extra_regions(b);
	b->wq = system_freezable_wq;
	return 0;
}
early_initcall(balloon_setup_early);

static int __init balloon_init(void)
{
	struct xen_balloon *b = &xen_balloon;
	unsigned long floor;

	if (!xen_domain() || !b->ops)
		return -ENODEV;
	mutex_lock(&b->lock);
	floor = balloon_floor_now(b);
	mutex_unlock(&b->lock);
	pr_info("%lu KiB, %lu KiB ballooned, safe floor %lu KiB now\n",
		PG_KB(balloon_stats.current_pages),
		PG_KB(balloon_stats.balloon_low), PG_KB(floor));

	balloon_check_extra_regions();
#ifdef CONFIG_XEN_BALLOON_MEMORY_HOTPLUG
	set_online_page_callback(xen_balloon_online_page);
#endif
	debugfs_create_file("xen_balloon", 0444, NULL, b, &balloon_state_fops);
	xen_balloon_init();
	return 0;
}
subsys_initcall(balloon_init);

/**
 * xen_balloon_boot_wait - should the boot wait for the first balloon-down?
 * @b: the balloon
 * @w: the wait's memory (zeroed before the first call)
 * @now: jiffies
 * @timeout: jiffies without progress after which the wait gives up
 *
 * A populate-on-demand guest has more RAM than Xen backs: until the balloon
 * gave back the difference to its target, touching memory may find Xen's
 * PoD pool empty and the domain is crashed. So user space waits until the
 * balloon is at or below its target, as long as it makes progress.
 *
 * Return: %BALLOON_BOOT_DONE, %BALLOON_BOOT_WAIT or %BALLOON_BOOT_STUCK.
 */
enum balloon_boot_wait xen_balloon_boot_wait(struct xen_balloon *b,
					     struct balloon_boot_waiter *w,
					     unsigned long now,
					     unsigned long timeout)
{
	unsigned long cur = READ_ONCE(b->stats->current_pages);

	if (cur <= READ_ONCE(b->stats->target_pages))
		return BALLOON_BOOT_DONE;
	if (!w->since || cur != w->last) {
		w->last = cur;
		w->since = now;
	}
	return time_after(now, w->since + timeout) ? BALLOON_BOOT_STUCK :
						     BALLOON_BOOT_WAIT;
}
EXPORT_SYMBOL_IF_KUNIT(xen_balloon_boot_wait);

/*
 * PVH and HVM guests only: a PV guest is never populated on demand. A
 * guest whose toolstack never writes a target has nothing to wait for.
 */
static int __init balloon_wait_boot(void)
{
	struct balloon_boot_waiter w = {};
	enum balloon_boot_wait r;

	if (!xen_domain() || xen_pv_domain() || xen_initial_domain())
		return 0;
	r = xen_balloon_boot_wait(&xen_balloon, &w, jiffies,
				  balloon_boot_timeout * HZ);
	if (r == BALLOON_BOOT_DONE)
		return 0;
	pr_info("waiting for the first balloon-down: %lu KiB to give back\n",
		(balloon_stats.current_pages - balloon_stats.target_pages) <<
		(PAGE_SHIFT - 10));
	while (r == BALLOON_BOOT_WAIT) {
		schedule_timeout_interruptible(HZ / 10);
		r = xen_balloon_boot_wait(&xen_balloon, &w, jiffies,
					  balloon_boot_timeout * HZ);
	}
	if (r == BALLOON_BOOT_STUCK)
		panic("xen:balloon: no progress giving back %lu KiB for %u s (%s): populate-on-demand would crash the domain\n",
		      (balloon_stats.current_pages - balloon_stats.target_pages) <<
		      (PAGE_SHIFT - 10), balloon_boot_timeout,
		      xen_balloon_stop_name(READ_ONCE(xen_balloon.stop)));
	pr_info("first balloon-down done\n");
	return 0;
}
late_initcall_sync(balloon_wait_boot);
