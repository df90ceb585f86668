// SPDX-License-Identifier: GPL-2.0
/*
 * Memory plan of a Xen PV guest: from Xen's E820, nr_pages and the maximum
 * reservation to what every pfn becomes. Pure computation: no hypercalls,
 * no globals, no allocation. setup-memory.c feeds it the live inputs and
 * applies the result; the KUnit suite xen_memory_setup feeds it tables of
 * maps and 10,000 random ones and checks the result against invariants.
 * Splitting the work this way is the point of the file: every decision
 * about a map can be tested without booting Xen.
 *
 * Worked example, seed 002: dom0_mem=1G,max:2364M on a 4 GiB QEMU whose
 * PCI hole starts at 2364 MiB (pfns in hex, [start-end)):
 *
 *   Xen's map   RAM 0-9f | res 9f-a0 | gap | res f0-100 | RAM 100-93c00 |
 *               gap ... res ... | RAM 100000-16c400
 *   nr_pages    40000 (1 GiB): Xen filled pfns 0-40000, holes included
 *
 *   pfn  0     9f  100            40000           93c00     100000   16c400
 *        |RAM  |hole|RAM          |extra (balloon)|identity |unusable|
 *        |populated   populated   |               |         |        |
 *              ^ the 0x61 RAM frames Xen put under the ISA hole move
 *                to 40000-40061, the first extra pfns
 *
 *   - identity: every pfn not E820 RAM, gaps and everything past the last
 *     entry included: 9f-100 and 93c00-100000 and 16c400 onwards.
 *   - RAM that Xen put under a hole below nr_pages is not wasted: it is
 *     remapped to the first E820 RAM above nr_pages, or released when no
 *     such RAM exists; the ISA hole below 1 MiB included, as upstream (its
 *     pfns stay identity, so BIOS and DMI readers still reach the ROMs).
 *   - balloon room: max reservation - nr_pages = 93c00 - 40000 pages, placed
 *     only in E820 RAM above nr_pages, after the remap targets: 40000-93c00.
 *     Room is capped at XEN_MEMPLAN_EXTRA_RATIO times the initial memory.
 *   - RAM nobody can reach (past the room, past the kernel's pfn limit)
 *     becomes E820 UNUSABLE and stays missing in the P2M: not identity, so
 *     a later populate of it is not refused, and not a gap, so no BAR is
 *     placed on top of it.
 *
 * Sanitizing, in the kernel's E820 order (e820__update_table()): entries
 * are taken in any order, empty ones dropped, anything past 2^52 clipped;
 * they are cut at every boundary in bytes and each piece gets the largest
 * type number among the entries covering it (RAM 1 < reserved 2 < ACPI 3
 * < NVS 4 < unusable 5 < ...); touching pieces of one type merge. Only then
 * are pieces rounded to pages, RAM inward and every other type outward (a
 * reserved table at a byte offset keeps its page), so two RAM entries that
 * meet mid-page keep that page; a page two non-RAM pieces share goes to the
 * larger type again. dom0's UNUSABLE is RAM, as upstream: Xen gives it
 * pages in the pseudo-physical map and refuses 1:1 mappings of it. Each
 * fix-up is recorded as a problem naming the entries of Xen's map; a map
 * without RAM is fatal.
 *
 * Budget: the plan also counts the pages a three-level P2M (512 pfns per
 * leaf, 512 leaves per mid) must allocate beyond the mids and leaves of the
 * initial nr_pages: a leaf and a mid at every identity boundary that is not
 * leaf or mid aligned, and the leaves and mids of the remap targets.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/pfn.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "memplan.h"

/* Resident only when the KUnit suite may call it after boot. */
#if IS_ENABLED(CONFIG_XEN_MEM_KUNIT_TEST)
#define __memplan
#else
#define __memplan __init
#endif

static void __memplan memplan_note(struct xen_memplan *plan,
				   enum xen_memplan_problem_kind kind,
				   int a, int b, u64 start, u64 end)
{
	bool fatal = kind == XEN_MEMPLAN_NO_RAM || kind == XEN_MEMPLAN_TOO_MANY;
	unsigned int n = plan->nr_problems++;

	/* A full list gives its last slot to why the map has no reading. */
	if (n >= XEN_MEMPLAN_MAX_PROBLEMS) {
		if (!fatal)
			return;
		n = XEN_MEMPLAN_MAX_PROBLEMS - 1;
	}
	plan->problem[n] = (struct xen_memplan_problem){
		.kind = kind, .a = a, .b = b, .start = start, .end = end };
	plan->fatal |= fatal;
}

static bool __memplan memplan_full(struct xen_memplan *plan, unsigned int nr,
				   unsigned int max)
{
	if (nr < max)
		return false;
	if (!plan->fatal)
		memplan_note(plan, XEN_MEMPLAN_TOO_MANY, -1, -1, nr, max);
	return true;
}

/* Append [start, end) to a list, merging with a touching last range. */
static void __memplan memplan_add(struct xen_memplan *plan,
				  struct xen_memplan_range *list,
				  unsigned int *nr, unsigned long start,
				  unsigned long end)
{
	if (start >= end)
		return;
	if (*nr && list[*nr - 1].end == start) {
		list[*nr - 1].end = end;
		return;
	}
	if (memplan_full(plan, *nr, XEN_MEMPLAN_MAX_RANGES))
		return;
	list[*nr].start = start;
	list[*nr].end = end;
	(*nr)++;
}

static void __memplan memplan_add_region(struct xen_memplan *plan,
					 struct xen_memplan_region *list,
					 unsigned int *nr, unsigned int max,
					 unsigned long start, unsigned long end,
					 u32 type)
{
	struct xen_memplan_region *last = *nr ? &list[*nr - 1] : NULL;

	if (start >= end)
		return;
	if (last && last->end == start && last->type == type) {
		last->end = end;
		return;
	}
	if (memplan_full(plan, *nr, max))
		return;
	list[*nr].start = start;
	list[*nr].end = end;
	list[*nr].type = type;
	(*nr)++;
}

static void __memplan memplan_add_remap(struct xen_memplan *plan,
					unsigned long src, unsigned long dst,
					unsigned long n)
{
	struct xen_memplan_remap *last;

	if (!n)
		return;
	last = plan->nr_remap ? &plan->remap[plan->nr_remap - 1] : NULL;
	if (last && last->src + last->n == src && last->dst + last->n == dst) {
		last->n += n;
		return;
	}
	if (memplan_full(plan, plan->nr_remap, XEN_MEMPLAN_MAX_RANGES))
		return;
	plan->remap[plan->nr_remap].src = src;
	plan->remap[plan->nr_remap].dst = dst;
	plan->remap[plan->nr_remap].n = n;
	plan->nr_remap++;
}

static int __memplan memplan_cmp_entry(const void *a, const void *b)
{
	const struct xen_memplan_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx - y->idx;
}

static int __memplan memplan_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Xen's entries into plan->in[], clipped to 2^52; returns how many. */
static unsigned int __memplan
memplan_take(const struct xen_memplan_input *in, struct xen_memplan *plan)
{
	unsigned int i, n = 0, nr = in->nr_map;
	u64 last = 0;

	if (nr > XEN_MEMPLAN_MAX_MAP) {
		memplan_note(plan, XEN_MEMPLAN_TRUNCATED, XEN_MEMPLAN_MAX_MAP,
			     nr, 0, 0);
		nr = XEN_MEMPLAN_MAX_MAP;
	}
	for (i = 0; i < nr; i++) {
		const struct e820_entry *e = &in->map[i];
		struct xen_memplan_entry *t = &plan->in[n];
		u64 end = e->addr + e->size;

		if (!e->size) {
			memplan_note(plan, XEN_MEMPLAN_ZERO_LENGTH, i, -1,
				     e->addr, e->addr);
			continue;
		}
		if (end < e->addr || end > XEN_MEMPLAN_PHYS_END) {
			memplan_note(plan, XEN_MEMPLAN_PAST_PHYS, i, -1,
				     e->addr, end < e->addr ? U64_MAX : end);
			end = XEN_MEMPLAN_PHYS_END;
			if (e->addr >= end)
				continue;
		}
		if (i && e->addr < last)
			memplan_note(plan, XEN_MEMPLAN_UNSORTED, i, i - 1,
				     e->addr, last);
		last = e->addr;
		if ((e->addr | end) & ~PAGE_MASK)
			memplan_note(plan, XEN_MEMPLAN_UNALIGNED, i, -1,
				     e->addr, end);

		t->addr = e->addr;
		t->end = end;
		t->idx = i;
		t->type = e->type;
		if (in->dom0 && t->type == E820_TYPE_UNUSABLE)
			t->type = E820_TYPE_RAM;
		n++;
	}
	return n;
}

/*
 * A piece [a, b) of one type, from entry idx, rounded into plan->map. Only
 * a page that the previous piece also rounded into can be shared; the
 * larger type takes it.
 */
static void __memplan memplan_emit(struct xen_memplan *plan, u64 a, u64 b,
				   u32 type, int idx)
{
	struct xen_memplan_region *last;
	unsigned long s, e;

	if (type == E820_TYPE_RAM) {
		s = PFN_UP(a);
		e = PFN_DOWN(b);
		if (s >= e) {
			memplan_note(plan, XEN_MEMPLAN_SUB_PAGE, idx, -1, a, b);
			return;
		}
	} else {
		s = PFN_DOWN(a);
		e = PFN_UP(b);
	}
	last = plan->nr_map ? &plan->map[plan->nr_map - 1] : NULL;
	if (last && last->end > s) {
		if (type > last->type) {
			last->end = s;
			if (last->start == s)
				plan->nr_map--;
		} else {
			s = last->end;
		}
	}
	memplan_add_region(plan, plan->map, &plan->nr_map,
			   XEN_MEMPLAN_MAX_RANGES, s, e, type);
}

/*
 * plan->map: Xen's entries cut at every byte boundary, each piece of the
 * largest type covering it, touching pieces of a type merged, then rounded.
 */
static void __memplan memplan_sanitize(const struct xen_memplan_input *in,
				       struct xen_memplan *plan)
{
	unsigned int n = memplan_take(in, plan);
	unsigned int i, j, k = 0, na = 0, np = 0;
	u64 a = 0, b = 0;
	u32 type = 0;
	int idx = -1;

	sort(plan->in, n, sizeof(plan->in[0]), memplan_cmp_entry, NULL);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n && plan->in[j].addr < plan->in[i].end; j++)
			memplan_note(plan, XEN_MEMPLAN_OVERLAP,
				     plan->in[i].idx, plan->in[j].idx,
				     plan->in[j].addr,
				     min(plan->in[i].end, plan->in[j].end));
		plan->points[np++] = plan->in[i].addr;
		plan->points[np++] = plan->in[i].end;
	}
	sort(plan->points, np, sizeof(plan->points[0]), memplan_cmp_u64, NULL);

	for (i = 0; i + 1 < np; i++) {
		u64 s = plan->points[i], e = plan->points[i + 1];
		const struct xen_memplan_entry *best = NULL;

		if (s == e)
			continue;
		for (j = 0; j < na;) {
			if (plan->in[plan->active[j]].end <= s)
				plan->active[j] = plan->active[--na];
			else
				j++;
		}
		while (k < n && plan->in[k].addr <= s)
			plan->active[na++] = k++;
		for (j = 0; j < na; j++) {
			const struct xen_memplan_entry *t = &plan->in[plan->active[j]];

			if (!best || t->type > best->type)
				best = t;
		}
		if (!best)
			continue;
		if (idx >= 0 && best->type == type && b == s) {
			b = e;
			continue;
		}
		if (idx >= 0)
			memplan_emit(plan, a, b, type, idx);
		a = s;
		b = e;
		type = best->type;
		idx = best->idx;
	}
	if (idx >= 0)
		memplan_emit(plan, a, b, type, idx);
}

/*
 * A hole [start, end): identity as far as the P2M reaches, and the RAM Xen
 * put there below initial_end becomes a source to remap.
 */
static void __memplan memplan_hole(const struct xen_memplan_input *in,
				   struct xen_memplan *plan,
				   unsigned long start, unsigned long end,
				   bool tail)
{
	unsigned long top = plan->initial_end;
	unsigned long limit = in->p2m_limit;

	if (!tail && end > limit)
		memplan_note(plan, XEN_MEMPLAN_BEYOND_TREE, -1, -1,
			     max(start, limit), end);
	memplan_add(plan, plan->identity, &plan->nr_identity, start,
		    min(end, limit));

	if (start < top)
		plan->hole_pages += min(end, top) - start;
	memplan_add(plan, plan->src, &plan->nr_src, start, min(end, top));
}

static void __memplan memplan_holes(const struct xen_memplan_input *in,
				    struct xen_memplan *plan)
{
	unsigned long pos = 0;
	unsigned int i;

	for (i = 0; i < plan->nr_map; i++) {
		const struct xen_memplan_region *r = &plan->map[i];

		if (r->start > pos)
			memplan_hole(in, plan, pos, r->start, false);
		if (r->type != E820_TYPE_RAM)
			memplan_hole(in, plan, r->start, r->end, false);
		pos = r->end;
	}
	memplan_hole(in, plan, pos, XEN_MEMPLAN_NO_LIMIT, true);
}

/* Balloon room from the reservation, capped by the ratio. */
static unsigned long __memplan memplan_room(const struct xen_memplan_input *in,
					    struct xen_memplan *plan)
{
	unsigned long max_pages = in->max_pages ? in->max_pages : in->pfn_limit;
	unsigned long room, cap;

	max_pages = min(max_pages, in->pfn_limit);
	room = max_pages > plan->initial_end ? max_pages - plan->initial_end : 0;
	cap = XEN_MEMPLAN_EXTRA_RATIO * plan->initial_end;
	if (room > cap) {
		plan->capped_pages = room - cap;
		memplan_note(plan, XEN_MEMPLAN_EXTRA_CAPPED, -1, -1, room, cap);
		room = cap;
	}
	return room;
}

/* RAM [start, end) above initial_end: remap targets, balloon, unusable. */
static void __memplan memplan_above(const struct xen_memplan_input *in,
				    struct xen_memplan *plan,
				    unsigned long start, unsigned long end,
				    unsigned long *room, unsigned int *si,
				    unsigned long *soff)
{
	while (start < end) {
		unsigned long stop = min(end, in->pfn_limit), n;
		u32 type = E820_TYPE_RAM;

		if (start >= in->pfn_limit) {
			memplan_note(plan, XEN_MEMPLAN_RAM_BEYOND_LIMIT, -1, -1,
				     start, end);
			stop = end;
			n = end - start;
			type = E820_TYPE_UNUSABLE;
		} else if (*si < plan->nr_src) {
			const struct xen_memplan_range *s = &plan->src[*si];

			n = min(stop - start, s->end - s->start - *soff);
			memplan_add_remap(plan, s->start + *soff, start, n);
			plan->remapped += n;
			*soff += n;
			if (s->start + *soff == s->end) {
				(*si)++;
				*soff = 0;
			}
		} else if (*room) {
			n = min(stop - start, *room);
			*room -= n;
			plan->balloon_pages += n;
		} else {
			n = stop - start;
			type = E820_TYPE_UNUSABLE;
		}

		if (type == E820_TYPE_RAM) {
			memplan_add(plan, plan->extra, &plan->nr_extra, start,
				    start + n);
		} else {
			memplan_add(plan, plan->unusable, &plan->nr_unusable,
				    start, start + n);
			plan->unusable_pages += n;
		}
		memplan_add_region(plan, plan->guest, &plan->nr_guest,
				   XEN_MEMPLAN_MAX_GUEST, start, start + n,
				   type);
		start += n;
	}
}

static void __memplan memplan_place(const struct xen_memplan_input *in,
				    struct xen_memplan *plan)
{
	unsigned long room = memplan_room(in, plan), soff = 0;
	unsigned int i, si = 0;

	for (i = 0; i < plan->nr_map; i++) {
		const struct xen_memplan_region *r = &plan->map[i];
		unsigned long mid;

		if (r->type != E820_TYPE_RAM) {
			memplan_add_region(plan, plan->guest, &plan->nr_guest,
					   XEN_MEMPLAN_MAX_GUEST, r->start,
					   r->end, r->type);
			continue;
		}
		mid = clamp(plan->initial_end, r->start, r->end);
		memplan_add(plan, plan->ram, &plan->nr_ram, r->start, mid);
		memplan_add_region(plan, plan->guest, &plan->nr_guest,
				   XEN_MEMPLAN_MAX_GUEST, r->start, mid,
				   E820_TYPE_RAM);
		memplan_above(in, plan, mid, r->end, &room, &si, &soff);
	}

	for (; si < plan->nr_src; si++, soff = 0) {
		const struct xen_memplan_range *s = &plan->src[si];

		memplan_add(plan, plan->release, &plan->nr_release,
			    s->start + soff, s->end);
		plan->released += s->end - s->start - soff;
	}
	if (plan->released)
		memplan_note(plan, XEN_MEMPLAN_NO_ROOM, -1, -1, plan->released,
			     plan->hole_pages);
	plan->extra_pages = plan->remapped + plan->balloon_pages;

	for (i = plan->nr_guest; i > 0; i--) {
		if (plan->guest[i - 1].type == E820_TYPE_RAM) {
			plan->ram_end = plan->guest[i - 1].end;
			break;
		}
	}
}

/*
 * Counts distinct tree pages to allocate, fed leaf and mid indices in
 * ascending order; those below next_* exist already or are counted.
 */
struct memplan_tally {
	unsigned long next_leaf;
	unsigned long next_mid;
	unsigned long pages;
};

static void __memplan memplan_tally_leaf(struct memplan_tally *t,
					 unsigned long leaf)
{
	if (leaf < t->next_leaf)
		return;
	t->next_leaf = leaf + 1;
	t->pages++;
}

static void __memplan memplan_tally_mid(struct memplan_tally *t,
					unsigned long mid)
{
	if (mid < t->next_mid)
		return;
	t->next_mid = mid + 1;
	t->pages++;
}

/*
 * The boot list holds the leaves of the initial nr_pages. Identity is set
 * before it is grafted: only the GiBs it fills need no mid. Remap targets
 * come after the graft, which gives every GiB it touches a mid.
 */
static void __memplan memplan_tally_init(struct memplan_tally *t,
					 unsigned long nr_pages, bool grafted)
{
	t->next_leaf = DIV_ROUND_UP(nr_pages, XEN_MEMPLAN_LEAF_PFNS);
	t->next_mid = grafted ? DIV_ROUND_UP(nr_pages, XEN_MEMPLAN_MID_PFNS) :
		      t->next_leaf * XEN_MEMPLAN_LEAF_PFNS / XEN_MEMPLAN_MID_PFNS;
	t->pages = 0;
}

static void __memplan memplan_budget(const struct xen_memplan_input *in,
				     struct xen_memplan *plan)
{
	struct memplan_tally t;
	unsigned long list_end;
	unsigned int i;

	memplan_tally_init(&t, in->nr_pages, false);
	list_end = t.next_leaf * XEN_MEMPLAN_LEAF_PFNS;
	for (i = 0; i < plan->nr_identity; i++) {
		/* The boot list takes what lies below its end. */
		unsigned long s = max(plan->identity[i].start, list_end);
		unsigned long e = plan->identity[i].end;

		if (s >= e)
			continue;
		if (s % XEN_MEMPLAN_LEAF_PFNS)
			memplan_tally_leaf(&t, s / XEN_MEMPLAN_LEAF_PFNS);
		if (s % XEN_MEMPLAN_MID_PFNS)
			memplan_tally_mid(&t, s / XEN_MEMPLAN_MID_PFNS);
		if (e == XEN_MEMPLAN_NO_LIMIT)
			continue;
		if (e % XEN_MEMPLAN_LEAF_PFNS)
			memplan_tally_leaf(&t, (e - 1) / XEN_MEMPLAN_LEAF_PFNS);
		if (e % XEN_MEMPLAN_MID_PFNS)
			memplan_tally_mid(&t, (e - 1) / XEN_MEMPLAN_MID_PFNS);
	}
	plan->brk_identity = t.pages;

	memplan_tally_init(&t, in->nr_pages, true);
	for (i = 0; i < plan->nr_remap; i++) {
		unsigned long s = plan->remap[i].dst;
		unsigned long e = s + plan->remap[i].n;
		unsigned long k;

		for (k = max(s / XEN_MEMPLAN_MID_PFNS, t.next_mid);
		     k <= (e - 1) / XEN_MEMPLAN_MID_PFNS; k++)
			memplan_tally_mid(&t, k);
		for (k = max(s / XEN_MEMPLAN_LEAF_PFNS, t.next_leaf);
		     k <= (e - 1) / XEN_MEMPLAN_LEAF_PFNS; k++)
			memplan_tally_leaf(&t, k);
	}
	plan->brk_remap = t.pages;
	plan->brk_pages = plan->brk_identity + plan->brk_remap;
}

/* Everything after plan->map, from plan->map; again after a swap. */
static int __memplan memplan_derive(const struct xen_memplan_input *in,
				    struct xen_memplan *plan)
{
	memset(&plan->guest, 0, offsetof(struct xen_memplan, in) -
	       offsetof(struct xen_memplan, guest));
	plan->nr_src = 0;
	plan->nr_problems = plan->nr_map_problems;
	plan->initial_end = min(in->nr_pages, in->pfn_limit);
	memplan_holes(in, plan);
	memplan_place(in, plan);
	memplan_budget(in, plan);
	return plan->fatal ? -EINVAL : 0;
}

/**
 * xen_memplan_build - compute what every pfn of a PV guest becomes
 * @in: Xen's map and the guest's page counts
 * @plan: filled in; its previous contents do not matter
 *
 * Return: 0, or -EINVAL when the map has no sane interpretation
 * (plan->fatal, and plan->problem says why).
 */
int __memplan xen_memplan_build(const struct xen_memplan_input *in,
				struct xen_memplan *plan)
{
	memset(plan, 0, offsetof(struct xen_memplan, in));
	if (in->nr_pages > in->pfn_limit)
		memplan_note(plan, XEN_MEMPLAN_PAGES_BEYOND_LIMIT, -1, -1,
			     in->pfn_limit, in->nr_pages);

	memplan_sanitize(in, plan);
	if (!plan->fatal) {
		unsigned int i;
		bool ram = false;

		for (i = 0; i < plan->nr_map; i++)
			ram |= plan->map[i].type == E820_TYPE_RAM;
		if (!ram)
			memplan_note(plan, XEN_MEMPLAN_NO_RAM, -1, -1, 0, 0);
	}
	if (plan->fatal)
		return -EINVAL;
	plan->nr_map_problems = plan->nr_problems;
	return memplan_derive(in, plan);
}

/**
 * xen_memplan_conflict - where a range is not all E820 RAM
 * @plan: a plan xen_memplan_build() made
 * @start: first byte of the range
 * @size: its length in bytes
 * @hit: set to the first part of the sane map the range touches that is
 *	not RAM: a region, or a gap of the map (type 0, end NO_LIMIT past
 *	the last entry)
 *
 * The kernel, its page tables, start_info, the P2M list and the initrd
 * must lie in RAM; every page a byte of the range is in counts.
 *
 * Return: true when the range touches a page that is not RAM.
 */
bool __memplan xen_memplan_conflict(const struct xen_memplan *plan, u64 start,
				    u64 size, struct xen_memplan_region *hit)
{
	unsigned long s = PFN_DOWN(start), e = PFN_UP(start + size);
	unsigned long prev = 0;
	unsigned int i;

	for (i = 0; i < plan->nr_map && s < e; i++) {
		const struct xen_memplan_region *r = &plan->map[i];

		if (r->end <= s) {
			prev = r->end;
			continue;
		}
		if (r->start > s) {
			hit->start = prev;
			hit->end = r->start;
			hit->type = 0;
			return true;
		}
		if (r->type != E820_TYPE_RAM) {
			*hit = *r;
			return true;
		}
		prev = r->end;
		s = prev;
	}
	if (s >= e)
		return false;
	hit->start = prev;
	hit->end = XEN_MEMPLAN_NO_LIMIT;
	hit->type = 0;
	return true;
}

/* Merges region i of plan->map with touching neighbours of its type. */
static void __memplan memplan_merge(struct xen_memplan *plan, unsigned int i)
{
	struct xen_memplan_region *r = plan->map;

	if (i && r[i - 1].end == r[i].start && r[i - 1].type == r[i].type) {
		r[i - 1].end = r[i].end;
		memmove(&r[i], &r[i + 1], (--plan->nr_map - i) * sizeof(*r));
		i--;
	}
	if (i + 1 < plan->nr_map && r[i].end == r[i + 1].start &&
	    r[i].type == r[i + 1].type) {
		r[i].end = r[i + 1].end;
		memmove(&r[i + 1], &r[i + 2],
			(--plan->nr_map - i - 1) * sizeof(*r));
	}
}

/* [s, e), inside one region of plan->map, becomes type; room for 2 more. */
static void __memplan memplan_retype(struct xen_memplan *plan, unsigned long s,
				     unsigned long e, u32 type)
{
	struct xen_memplan_region *r = plan->map, old;
	unsigned int i = 0, add;

	while (r[i].end <= s)
		i++;
	old = r[i];
	add = (s > old.start) + (e < old.end);
	memmove(&r[i + 1 + add], &r[i + 1],
		(plan->nr_map - i - 1) * sizeof(*r));
	plan->nr_map += add;
	if (s > old.start)
		r[i++] = (struct xen_memplan_region){ old.start, s, old.type };
	r[i] = (struct xen_memplan_region){ s, e, type };
	if (e < old.end)
		r[i + 1] = (struct xen_memplan_region){ e, old.end, old.type };
	memplan_merge(plan, i);
}

/**
 * xen_memplan_swap_nvs - move ACPI NVS out from under what cannot move
 * @in: the input the plan was built from
 * @plan: a plan xen_memplan_build() made; rebuilt on success
 * @start: first byte of the range that must be RAM
 * @size: its length in bytes
 * @swap: set to what moved where
 *
 * Qubes OS issue 8791: firmware puts ACPI NVS where Xen loaded dom0's
 * kernel. As 6.12 does, the first NVS region the range touches trades
 * places with as many pages at the top of the first RAM region above
 * nr_pages (within the pfn and P2M limits): the range becomes RAM, the
 * NVS shows up at swap->to. The caller points the P2M of swap->to.. at
 * the frames of swap->from.. and translates ACPI's addresses.
 *
 * Return: 0 when swapped; -ENOENT when the range touches no NVS region
 * first; -ENOSPC when no RAM above can take it or the map is full, the
 * plan then unchanged; -EINVAL when the plan made again is fatal (a list
 * overflowed, plan->problem says so).
 */
int __memplan xen_memplan_swap_nvs(const struct xen_memplan_input *in,
				   struct xen_memplan *plan, u64 start,
				   u64 size, struct xen_memplan_swap *swap)
{
	unsigned long limit = min(in->pfn_limit, in->p2m_limit), n, top = 0;
	struct xen_memplan_region hit;
	unsigned int t;

	if (!size || !xen_memplan_conflict(plan, start, size, &hit) ||
	    hit.type != E820_TYPE_NVS)
		return -ENOENT;
	if (plan->nr_map + 2 > XEN_MEMPLAN_MAX_RANGES)
		return -ENOSPC;
	n = hit.end - hit.start;
	for (t = 0; t < plan->nr_map; t++) {
		const struct xen_memplan_region *r = &plan->map[t];

		top = min(r->end, limit);
		if (r->type == E820_TYPE_RAM &&
		    top >= max(r->start, plan->initial_end) + n)
			break;
	}
	if (t == plan->nr_map)
		return -ENOSPC;

	swap->from = hit.start;
	swap->to = top - n;
	swap->n = n;
	memplan_retype(plan, hit.start, hit.end, E820_TYPE_RAM);
	memplan_retype(plan, swap->to, top, E820_TYPE_NVS);
	return memplan_derive(in, plan);
}

/**
 * xen_memplan_swapped_phys - where an address of a swapped NVS range went
 * @swap: the swaps made
 * @nr: how many
 * @phys: an address as the firmware knows it; moved along with its range
 * @size: bytes from there
 *
 * Resident: ACPI maps its regions at run time.
 *
 * Return: 0, or -EINVAL when [phys, phys + size) crosses the edge of a
 * swapped range (no one mapping can reach both sides).
 */
int xen_memplan_swapped_phys(const struct xen_memplan_swap *swap,
			     unsigned int nr, u64 *phys, u64 size)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		u64 s = PFN_PHYS((u64)swap[i].from);
		u64 e = PFN_PHYS((u64)swap[i].from + swap[i].n);

		if (*phys + size <= s || *phys >= e)
			continue;
		if (*phys < s || *phys + size > e)
			return -EINVAL;
		*phys += PFN_PHYS((u64)swap[i].to) - s;
		return 0;
	}
	return 0;
}

const char *__memplan xen_memplan_problem_name(enum xen_memplan_problem_kind kind)
{
	static const char * const names[] = {
		[XEN_MEMPLAN_ZERO_LENGTH] = "empty entry dropped",
		[XEN_MEMPLAN_PAST_PHYS] = "entry runs past 2^52, cut there or dropped",
		[XEN_MEMPLAN_UNALIGNED] = "entry not page aligned, rounded",
		[XEN_MEMPLAN_SUB_PAGE] = "RAM holds no whole page, dropped",
		[XEN_MEMPLAN_UNSORTED] = "entries out of order",
		[XEN_MEMPLAN_OVERLAP] = "entries overlap, larger type kept",
		[XEN_MEMPLAN_TRUNCATED] = "too many entries, rest ignored",
		[XEN_MEMPLAN_NO_RAM] = "no RAM in the map",
		[XEN_MEMPLAN_TOO_MANY] = "plan has too many ranges",
		[XEN_MEMPLAN_PAGES_BEYOND_LIMIT] = "nr_pages beyond the pfn limit",
		[XEN_MEMPLAN_RAM_BEYOND_LIMIT] = "RAM beyond the pfn limit is unusable",
		[XEN_MEMPLAN_EXTRA_CAPPED] = "balloon room capped",
		[XEN_MEMPLAN_NO_ROOM] = "no RAM above nr_pages, pages released",
		[XEN_MEMPLAN_BEYOND_TREE] = "hole past the P2M limit, identity implicit",
	};

	if (kind >= ARRAY_SIZE(names) || !names[kind])
		return "unknown problem";
	return names[kind];
}
