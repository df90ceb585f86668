/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of the Xen balloon (drivers/xen/balloon.c): one balloon
 * instance and the seam through which it talks to the hypervisor.
 *
 * Only the balloon itself, its sysfs front (drivers/xen/xen-balloon.c) and
 * the KUnit suite xen_balloon include this. The kernel has exactly one live
 * instance, driven by the real Xen operations; the suite builds private
 * instances on ordinary pages and drives them with a fake hypervisor that
 * can grant, refuse and half-succeed.
 */
#ifndef _XEN_BALLOON_CORE_H
#define _XEN_BALLOON_CORE_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <xen/balloon.h>
#include <xen/interface/xen.h>

/* Pages handled per hypercall: one page of frame numbers. */
#define BALLOON_BATCH	(PAGE_SIZE / sizeof(xen_pfn_t))

/* What the P2M (and the E820) say about a pfn we are about to populate. */
enum balloon_pfn_kind {
	BALLOON_PFN_EMPTY,	/* no frame behind it: may be populated */
	BALLOON_PFN_IDENTITY,	/* 1:1 to a machine frame (MMIO, holes) */
	BALLOON_PFN_FOREIGN,	/* maps another domain's frame */
	BALLOON_PFN_BACKED,	/* already has a frame of ours */
	BALLOON_PFN_HOLE,	/* not RAM in the E820 */
	BALLOON_PFN_UNMAPPABLE,	/* a frame for it could not be mapped */
	BALLOON_PFN_NR_KINDS
};

/*
 * Why the balloon is not (or no longer) moving toward the target the user
 * asked for. Shown in info/stop_reason.
 */
enum balloon_stop {
	BALLOON_STOP_NONE,		/* at the target, or on the way */
	BALLOON_STOP_MAX_RESERVATION,	/* Xen's ceiling for this domain */
	BALLOON_STOP_NO_PAGES,		/* no ballooned page left to fill */
	BALLOON_STOP_REFUSED,		/* Xen refused to give memory */
	BALLOON_STOP_PRESSURE,		/* the allocator ran dry ballooning down */
	BALLOON_STOP_FLOOR,		/* target below the safe floor */
	BALLOON_STOP_BAD_TARGET,	/* memory/target was not a size: refused */
	BALLOON_STOP_OFFLINE,		/* memory hotplugged, not onlined yet */
	BALLOON_STOP_NR
};

struct xen_balloon;

/* What the boot does about the first balloon-down (xen_balloon_boot_wait()). */
enum balloon_boot_wait {
	BALLOON_BOOT_DONE,	/* at or below the target: go on */
	BALLOON_BOOT_WAIT,	/* still above it, and moving */
	BALLOON_BOOT_STUCK,	/* no progress for the whole timeout */
};

/* The memory of one wait: where the balloon stood and since when. */
struct balloon_boot_waiter {
	unsigned long last;
	unsigned long since;	/* jiffies; 0: not started */
};

/*
 * The hypervisor and kernel side effects of the balloon. All frame arrays
 * hold one xen_pfn_t per page.
 *
 * @populate:	XENMEM_populate_physmap of @nr pages whose pfns are in
 *		@frames; on return the first N entries hold the new frames.
 *		Returns N (0..@nr) or a negative errno.
 * @decrease:	XENMEM_decrease_reservation of the frames in @frames.
 *		Returns how many leading frames Xen took, or a negative errno.
 * @current_reservation: pages Xen counts for this domain, or -errno.
 * @max_reservation: Xen's ceiling in pages for this domain, or -errno.
 * @classify:	what the P2M and the E820 say about @pfn.
 * @map:	enter frames[i] for pages[i] in the P2M and the kernel mapping;
 *		sets bit i in @failed for each page that could not be mapped
 *		(its P2M entry is left invalid).
 * @unmap:	drop the kernel mapping and the P2M entry of each page, and
 *		store its frame in frames[i]; sets bit i in @failed for each
 *		page whose mapping could not be dropped (left fully mapped).
 * @take_page:	take a page from the kernel to balloon out; NULL if none.
 * @release_page: give a newly backed page to the kernel's allocator.
 * @lend:	prepare a ballooned page to be lent to another driver.
 * @available:	pages the kernel could spare now (si_mem_available());
 *		optional: without it borrowers are limited by the floor only.
 * @floor:	the safe floor in pages now (optional: else @floor_pages).
 * @publish:	write @value to the toolstack's key @key (xenstore
 *		data/balloon/@key); 0 or -errno. Optional: without it
 *		nothing is published.
 * @hotplug:	add memory for at least @nr more pages past all the balloon
 *		has; called without @b->lock. The new pages reach the balloon
 *		through xen_balloon_hotplugged() when they are onlined, maybe
 *		from within this call. Returns the pages added or -errno.
 *		Optional: without it the balloon grows only into its list.
 */
struct xen_balloon_ops {
	long (*populate)(struct xen_balloon *b, unsigned int nr,
			 xen_pfn_t *frames);
	long (*decrease)(struct xen_balloon *b, unsigned int nr,
			 xen_pfn_t *frames);
	long (*current_reservation)(struct xen_balloon *b);
	long (*max_reservation)(struct xen_balloon *b);
	enum balloon_pfn_kind (*classify)(struct xen_balloon *b,
					  unsigned long pfn);
	void (*map)(struct xen_balloon *b, struct page **pages,
		    xen_pfn_t *frames, unsigned int nr, unsigned long *failed);
	void (*unmap)(struct xen_balloon *b, struct page **pages,
		      xen_pfn_t *frames, unsigned int nr,
		      unsigned long *failed);
	struct page *(*take_page)(struct xen_balloon *b, gfp_t gfp);
	void (*release_page)(struct xen_balloon *b, struct page *page);
	int (*lend)(struct xen_balloon *b, struct page *page);
	unsigned long (*available)(struct xen_balloon *b);
	unsigned long (*floor)(struct xen_balloon *b);
	int (*publish)(struct xen_balloon *b, const char *key,
		       const char *value);
	long (*hotplug)(struct xen_balloon *b, unsigned long nr);
};

/* What the balloon publishes for toolstacks (xen_balloon_publish()). */
enum balloon_key {
	BALLOON_KEY_TARGET,	/* target_kb: the target as written */
	BALLOON_KEY_CURRENT,	/* current_kb: our reservation */
	BALLOON_KEY_FLOOR,	/* floor_kb: the safe floor last computed */
	BALLOON_KEY_STOP,	/* stop_reason: xen_balloon_stop_name() */
	BALLOON_KEY_NR
};

/*
 * Held at the safe floor, the worker looks again after this many seconds:
 * memory the kernel frees lowers the floor. Not a busy loop, not idle for
 * good.
 */
#define BALLOON_FLOOR_RECHECK	8

/* At most one round of writes per this many jiffies. */
#define BALLOON_PUBLISH_INTERVAL	HZ

/* What a suspend may do about our size: xen_balloon_suspend_verdict(). */
enum balloon_suspend {
	BALLOON_SUSPEND_FITS,	/* a restore may allocate every page we hold */
	BALLOON_SUSPEND_SHRINK,	/* too big, but the balloon can still go down */
	BALLOON_SUSPEND_REFUSE,	/* too big, and the balloon can go no lower */
};

/* Inputs of the safe floor, all in pages (see xen_balloon_floor()). */
struct balloon_floor_input {
	unsigned long boot_pages;	/* reservation when the balloon began */
	unsigned long unmanaged;	/* ours, not in the page allocator now */
	unsigned long unreclaimable;	/* held now and not reclaimable */
	unsigned long reserve;		/* the allocator's watermark reserve */
};

/* What the start size is computed from (see xen_balloon_start_pages()). */
struct balloon_start_input {
	bool pv;			/* a PV guest (dom0 or domU) */
	unsigned long reservation;	/* XENMEM_current_reservation, 0: unknown */
	unsigned long nr_pages;		/* PV: start_info's nr_pages */
	unsigned long max_pfn;		/* first pfn without a struct page */
	unsigned long released;		/* PV: pages the memory setup gave back */
	unsigned long ram_pages;	/* RAM pages in the E820 */
	unsigned long extra_pages;	/* of those, extra regions left empty */
};

/*
 * One balloon. @stats is what the sysfs front shows; everything else is
 * protected by @lock except @requested_pages and @target_refused, which
 * the target's setters write without it (WRITE_ONCE) and the batches read
 * with READ_ONCE.
 */
struct xen_balloon {
	const struct xen_balloon_ops *ops;
	void *priv;
	struct balloon_stats *stats;
	/* Serialises batches, lending and target changes. */
	struct mutex lock;
	struct list_head ballooned;	/* pages without a frame, to fill */
	struct list_head parked;	/* pages refused for populating */
	unsigned long nr_parked;
	unsigned long nr_stranded;	/* parked, frame Xen would not take back */
	unsigned long refused[BALLOON_PFN_NR_KINDS];
	unsigned long boot_pages;	/* current_pages at setup */
	unsigned long requested_pages;	/* the target before clamping */
	unsigned long seen_request;	/* last request checked for the log */
	bool target_refused;		/* the last memory/target was garbage */
	unsigned long floor_pages;	/* 0: no floor */
	bool may_hotplug;		/* grow by ops->hotplug past our pages */
	unsigned long hotplug_added;	/* pages hotplug added ... */
	unsigned long hotplug_online;	/* ... and of those, onlined */
	bool hotplug_failed;		/* failed: not again before a new target */
	bool below_floor_ok;
	bool frames_are_pfns;		/* auto-translated: a page's frame is its pfn */
	long held_at_suspend;		/* Xen's count at the last suspend; -1: none */
	enum balloon_stop stop;
	/* Published state: values written, which are valid, and when. */
	unsigned long shown[BALLOON_KEY_NR];
	unsigned long shown_valid;	/* bit per key */
	unsigned long shown_at;		/* jiffies of the last round */
	bool shown_once;		/* shown_at is set */
	bool publishing;		/* xenstore is up: publish changes */
	unsigned long publish_errors;	/* writes that failed (first logged) */
	struct delayed_work work;
	struct delayed_work publish_work;
	struct workqueue_struct *wq;	/* NULL: the caller steps by hand */
	/* Scratch for one batch. */
	xen_pfn_t frames[BALLOON_BATCH];
	struct page *pages[BALLOON_BATCH];
	DECLARE_BITMAP(failed, BALLOON_BATCH);
};

extern struct xen_balloon xen_balloon;

void xen_balloon_setup(struct xen_balloon *b, const struct xen_balloon_ops *ops,
		       struct balloon_stats *stats, unsigned long current_pages);
void xen_balloon_add_page(struct xen_balloon *b, struct page *page);
void xen_balloon_hotplugged(struct xen_balloon *b, unsigned long pfn,
			    unsigned long nr);
long xen_balloon_step(struct xen_balloon *b);
void xen_balloon_set_target(struct xen_balloon *b, unsigned long pages);
int xen_balloon_borrow(struct xen_balloon *b, unsigned int nr,
		       struct page **pages);
void xen_balloon_give_back(struct xen_balloon *b, unsigned int nr,
			   struct page **pages);
const char *xen_balloon_stop_name(enum balloon_stop stop);

unsigned long xen_balloon_start_pages(const struct balloon_start_input *in);
unsigned long xen_balloon_xenstore_target(unsigned long target,
					  unsigned long static_max,
					  unsigned long start);
int xen_balloon_xenstore_input(struct xen_balloon *b, const char *value,
			       unsigned long static_max);
unsigned long xen_balloon_floor(const struct balloon_floor_input *in);
enum balloon_boot_wait xen_balloon_boot_wait(struct xen_balloon *b,
					     struct balloon_boot_waiter *w,
					     unsigned long now,
					     unsigned long timeout);
unsigned long xen_balloon_live_floor(struct xen_balloon *b);
enum balloon_suspend xen_balloon_suspend_verdict(long held, long limit,
						 unsigned long cur,
						 unsigned long target);
int xen_balloon_suspend(struct xen_balloon *b);
unsigned long xen_balloon_restored(struct xen_balloon *b);
unsigned long xen_balloon_publish(struct xen_balloon *b, unsigned long now);
void xen_balloon_publish_all(struct xen_balloon *b);
int xen_balloon_parse_kb(const char *buf, unsigned long *pages);
int xen_balloon_parse_bytes(const char *buf, unsigned long *pages);
int xen_balloon_parse_ulong(const char *buf, unsigned long min,
			    unsigned long max, unsigned long *val);
int xen_balloon_parse_bool(const char *buf, bool *val);
int xen_balloon_check_input(const char *buf, size_t count);
#ifdef CONFIG_MEMORY_HOTPLUG
void xen_balloon_lift_mem_limit(void);
#endif
#ifdef CONFIG_XEN_BALLOON
int xen_balloon_xs_write(struct xen_balloon *b, const char *key,
			 const char *value);
#else
#define xen_balloon_xs_write NULL
#endif

#endif /* _XEN_BALLOON_CORE_H */
