// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the memory planner of arch/x86/xen/memplan.c (linked
 * unchanged) on E820 maps, nr_pages, max: and limits made from the input,
 * hostile ones included (unsorted, overlapping, unaligned, wrapping, zero
 * length, more entries than Xen gives).
 *
 * The checks re-derive what they can from Xen's map itself rather than
 * from the plan. The sane map is computed here, independently of
 * memplan.c's sweep, as the kernel's e820__update_table() reads a map:
 * entries clipped at 2^52 (or dropped), each byte of the largest type
 * number covering it, runs of one type merged in bytes, then rounded to
 * pages, RAM inward and the rest outward, a page non-RAM runs share going
 * to the larger type; dom0's UNUSABLE counts as RAM. Then
 *   - the plan's sane map is that map, region for region; a map without
 *     a RAM page is fatal, and a fatal plan says why;
 *   - every pfn below the P2M limit is exactly one of populated RAM,
 *     extra (balloon), unusable or identity; identity exactly where the
 *     map has no RAM;
 *   - populated RAM is the RAM below initial_end = min(nr_pages,
 *     pfn_limit); the pages under holes below it are exactly remapped +
 *     released (the ISA hole's included: none is kept), each list summing
 *     to its count and lying under holes;
 *   - remap sources under holes below initial_end, targets in extra RAM
 *     above it, disjoint; no initial pfn gives its frame twice;
 *   - RAM above initial_end (below the pfn limit) is used in order: the
 *     first of it takes the frames under holes, as many as it can hold
 *     (pages are released only when it ran out), then the balloon room,
 *     exactly min(max: room, ratio cap, RAM left); the rest is unusable;
 *   - dom0 with 1 MiB or more: below 1 MiB nothing is extra, unusable or
 *     a remap target, the map's RAM is populated, every other pfn is
 *     identity and its frame is remapped or released;
 *   - the guest's E820 is sorted and disjoint, its RAM is populated +
 *     extra, and the map's RAM it leaves out is the plan's unusable;
 *   - xen_memplan_conflict() on byte ranges near the map's regions says
 *     whether a page of the range is not RAM, and which part is hit;
 *   - a P2M tree of p2m.c with nr_pages as its boot list, as at boot,
 *     takes no more pages for the identity ranges than the plan's
 *     brk_identity, and, once the list is adopted, no more for the remap
 *     targets than its brk_remap (small guests only);
 *   - xen_memplan_swap_nvs() on a range: refused only when the range's
 *     first non-RAM part is not NVS or no RAM region above initial_end
 *     (within the limits) can take it, the plan then unchanged; done, the
 *     map is the old one with the NVS made RAM and the top of the first
 *     such RAM region made NVS, and the rest of the plan is what a fresh
 *     build of that map gives.
 *
 * The pfn limit is at most 2^40 pfns, as the kernel's (PFN_DOWN(MAXMEM)).
 */
#include <native.h>

#include "../../arch/x86/xen/memplan.h"
#include "../../arch/x86/xen/p2m-tree.h"
#include "fuzz-input.h"

#define FAIL(fmt, ...) do {						\
	fprintf(stderr, "fuzz-memplan: " fmt "\n", ##__VA_ARGS__);	\
	abort();							\
} while (0)

#define MAX_ENTRIES	(XEN_MEMPLAN_MAX_MAP + 4)
#define NR_SPANS	(4 * XEN_MEMPLAN_MAX_RANGES)
#define LIMIT_64T	(1UL << (46 - PAGE_SHIFT))
#define GIB_PFNS	(1UL << (30 - PAGE_SHIFT))
#define LIMIT_2_52	(1UL << (52 - PAGE_SHIFT))
#define ISA_END_PFN	(0x100000UL >> PAGE_SHIFT)

static const u32 types[] = {
	E820_TYPE_RAM, E820_TYPE_RAM, E820_TYPE_RAM, E820_TYPE_RESERVED,
	E820_TYPE_ACPI, E820_TYPE_NVS, E820_TYPE_UNUSABLE, E820_TYPE_PMEM,
};

static struct e820_entry map[MAX_ENTRIES];
static struct xen_memplan plan;

/* ---- Xen's map read as e820__update_table() would, computed here ---- */

/*
 * The model, written without looking at how memplan.c does it: every
 * entry is clipped at 2^52 (an end past it or past 2^64 becomes 2^52; an
 * entry starting there is gone); each byte takes the largest type number
 * of the entries covering it; maximal runs of bytes of one type are
 * rounded to pages, RAM inward and every other type outward; a page that
 * non-RAM runs share takes the largest of their types. A RAM run's whole
 * pages never meet a page a non-RAM run touches (the model fails loudly
 * if they do). Unknown types, 0 included, are types like any other.
 */
struct mentry {
	u64 s, e;		/* bytes, end exclusive */
	u32 type;
};

struct region {
	unsigned long s, e;	/* pfns */
	u32 type;
};

static struct mentry ents[MAX_ENTRIES];
static unsigned int nr_ents;
static u64 bounds[2 * MAX_ENTRIES];
static struct mentry runs[2 * MAX_ENTRIES];
static struct region out_pages[2 * MAX_ENTRIES];	/* non-RAM, outward */
static unsigned long pbounds[4 * MAX_ENTRIES];
static struct region model[8 * MAX_ENTRIES];		/* the sane map */
static unsigned int nr_model;

struct iv {
	unsigned long s, e;
};

static struct iv ram_set[2 * MAX_ENTRIES];
static unsigned int nr_ram_set;

static int u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int ul_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void model_region(unsigned long s, unsigned long e, u32 type)
{
	struct region *last = nr_model ? &model[nr_model - 1] : NULL;

	if (s >= e)
		return;
	if (last && last->e > s)
		FAIL("model: region [%#lx-%#lx) type %u over [%#lx-%#lx) type %u",
		     s, e, type, last->s, last->e, last->type);
	if (last && last->e == s && last->type == type) {
		last->e = e;
		return;
	}
	if (nr_model == ARRAY_SIZE(model))
		FAIL("model: too many regions");
	model[nr_model++] = (struct region){ s, e, type };
}

static void compute_model(const struct xen_memplan_input *in)
{
	unsigned int i, j, nb = 0, nr = 0, no = 0, np = 0, ri;
	const u64 phys_end = 1ULL << 52;

	nr_ents = 0;
	for (i = 0; i < min_t(unsigned int, in->nr_map, XEN_MEMPLAN_MAX_MAP); i++) {
		u64 s = map[i].addr, e = map[i].addr + map[i].size;
		u32 type = map[i].type;

		if (!map[i].size)
			continue;
		if (e < s || e > phys_end)
			e = phys_end;
		if (s >= e)
			continue;
		if (in->dom0 && type == E820_TYPE_UNUSABLE)
			type = E820_TYPE_RAM;
		ents[nr_ents++] = (struct mentry){ s, e, type };
		bounds[nb++] = s;
		bounds[nb++] = e;
	}
	qsort(bounds, nb, sizeof(*bounds), u64_cmp);

	/* Byte level: each elementary piece, its largest type; runs merged. */
	for (i = 0; i + 1 < nb; i++) {
		u64 s = bounds[i], e = bounds[i + 1];
		bool covered = false;
		u32 type = 0;

		if (s == e)
			continue;
		for (j = 0; j < nr_ents; j++) {
			if (ents[j].s <= s && ents[j].e >= e) {
				if (!covered || ents[j].type > type)
					type = ents[j].type;
				covered = true;
			}
		}
		if (!covered)
			continue;
		if (nr && runs[nr - 1].e == s && runs[nr - 1].type == type)
			runs[nr - 1].e = e;
		else
			runs[nr++] = (struct mentry){ s, e, type };
	}

	/* Pages: RAM runs inward, the rest outward. */
	nr_ram_set = 0;
	for (i = 0; i < nr; i++) {
		unsigned long fs = runs[i].s >> PAGE_SHIFT;
		unsigned long fe = runs[i].e >> PAGE_SHIFT;
		bool s_part = runs[i].s & (PAGE_SIZE - 1);
		bool e_part = runs[i].e & (PAGE_SIZE - 1);

		if (runs[i].type == E820_TYPE_RAM) {
			if (fs + s_part < fe)
				ram_set[nr_ram_set++] = (struct iv){ fs + s_part, fe };
			continue;
		}
		out_pages[no++] = (struct region){ fs, fe + e_part, runs[i].type };
		pbounds[np++] = fs;
		pbounds[np++] = fe + e_part;
	}
	qsort(pbounds, np, sizeof(*pbounds), ul_cmp);

	/* Non-RAM pages: the largest type touching each; RAM in between. */
	nr_model = 0;
	ri = 0;
	for (i = 0; i + 1 < np; i++) {
		unsigned long s = pbounds[i], e = pbounds[i + 1];
		bool covered = false;
		u32 type = 0;

		if (s == e)
			continue;
		for (j = 0; j < no; j++) {
			if (out_pages[j].s <= s && out_pages[j].e >= e) {
				if (!covered || out_pages[j].type > type)
					type = out_pages[j].type;
				covered = true;
			}
		}
		if (!covered)
			continue;
		while (ri < nr_ram_set && ram_set[ri].s < s) {
			model_region(ram_set[ri].s, ram_set[ri].e, E820_TYPE_RAM);
			ri++;
		}
		model_region(s, e, type);
	}
	for (; ri < nr_ram_set; ri++)
		model_region(ram_set[ri].s, ram_set[ri].e, E820_TYPE_RAM);
}

/* The plan's sane map is the model's, region for region. */
static void check_map(void)
{
	unsigned int i;

	for (i = 0; i < max(plan.nr_map, nr_model); i++) {
		const struct xen_memplan_region *r = &plan.map[i];

		if (i >= plan.nr_map || i >= nr_model || r->start != model[i].s ||
		    r->end != model[i].e || r->type != model[i].type)
			FAIL("map[%u] [%#lx-%#lx) type %u, model [%#lx-%#lx) %u (%u, %u regions)",
			     i, i < plan.nr_map ? r->start : 0,
			     i < plan.nr_map ? r->end : 0,
			     i < plan.nr_map ? r->type : 0,
			     i < nr_model ? model[i].s : 0,
			     i < nr_model ? model[i].e : 0,
			     i < nr_model ? model[i].type : 0, plan.nr_map,
			     nr_model);
	}
}

/* Pfns of [s, e) that are RAM. */
static unsigned long ram_in(unsigned long s, unsigned long e)
{
	unsigned long n = 0;
	unsigned int i;

	if (s >= e)
		return 0;
	for (i = 0; i < nr_ram_set; i++)
		if (ram_set[i].s < e && ram_set[i].e > s)
			n += min(e, ram_set[i].e) - max(s, ram_set[i].s);
	return n;
}

/* ---- the checks ---- */

struct span {
	unsigned long s, e;
	int kind;
};

static struct span sp[NR_SPANS];

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

static const char * const kind_name[] = { "ram", "extra", "unusable",
					   "identity", "remap src", "release",
					   "remap dst" };

static unsigned int add(unsigned int n, const struct xen_memplan_range *r,
			unsigned int nr, unsigned long limit, int kind)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (n == NR_SPANS)
			FAIL("more than %d spans", NR_SPANS);
		sp[n] = (struct span){ r[i].start, min(r[i].end, limit), kind };
		if (r[i].start > r[i].end)
			FAIL("%s range [%#lx-%#lx) reversed", kind_name[kind],
			     r[i].start, r[i].end);
		if (sp[n].s < sp[n].e)
			n++;
	}
	return n;
}

static unsigned long sum(const struct xen_memplan_range *r, unsigned int nr)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		n += r[i].end - r[i].start;
	return n;
}

static bool has_problem(enum xen_memplan_problem_kind kind)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, plan.nr_problems, XEN_MEMPLAN_MAX_PROBLEMS); i++)
		if (plan.problem[i].kind == kind)
			return true;
	return false;
}

static void check_tiling(const struct xen_memplan_input *in)
{
	unsigned long limit = in->p2m_limit, pos = 0;
	unsigned int i, n = 0;

	n = add(n, plan.ram, plan.nr_ram, limit, 0);
	n = add(n, plan.extra, plan.nr_extra, limit, 1);
	n = add(n, plan.unusable, plan.nr_unusable, limit, 2);
	n = add(n, plan.identity, plan.nr_identity, limit, 3);
	qsort(sp, n, sizeof(*sp), span_cmp);
	for (i = 0; i < n; i++) {
		unsigned long r;

		if (sp[i].s != pos)
			FAIL("pfn %#lx: %s", min(pos, sp[i].s),
			     sp[i].s < pos ? "two kinds" : "no kind");
		pos = sp[i].e;
		r = ram_in(sp[i].s, sp[i].e);
		if (sp[i].kind == 3 ? r : r != sp[i].e - sp[i].s)
			FAIL("%s [%#lx-%#lx) holds %#lx RAM pfns of Xen's map",
			     kind_name[sp[i].kind], sp[i].s, sp[i].e, r);
	}
	if (pos != limit)
		FAIL("kinds end at %#lx, P2M limit %#lx", pos, limit);
}

/* Pfns of [s, e) that a list of ranges covers. */
static unsigned long covered(const struct xen_memplan_range *r,
			     unsigned int nr, unsigned long s, unsigned long e)
{
	unsigned long n = 0;
	unsigned int i;

	if (s >= e)
		return 0;
	for (i = 0; i < nr; i++)
		if (r[i].start < e && r[i].end > s)
			n += min(e, r[i].end) - max(s, r[i].start);
	return n;
}

/* Pfns of [s, e) that are remap sources, or remap targets. */
static unsigned long remap_covered(unsigned long s, unsigned long e, bool dst)
{
	unsigned long n = 0;
	unsigned int i;

	if (s >= e)
		return 0;
	for (i = 0; i < plan.nr_remap; i++) {
		unsigned long a = dst ? plan.remap[i].dst : plan.remap[i].src;
		unsigned long b = a + plan.remap[i].n;

		if (a < e && b > s)
			n += min(e, b) - max(s, a);
	}
	return n;
}

/* Where [ie, end) holds n RAM pfns of the map: its first n RAM pfns. */
static bool first_ram_above(unsigned long ie, unsigned long end,
			    unsigned long n)
{
	return ram_in(ie, end) == n;
}

/* No frame given twice: sp[0..n) sorted, pairwise disjoint. */
static void check_disjoint(unsigned int n, const char *what)
{
	unsigned int i;

	qsort(sp, n, sizeof(*sp), span_cmp);
	for (i = 1; i < n; i++)
		if (sp[i].s < sp[i - 1].e)
			FAIL("pfn %#lx: %s twice (%s and %s)", sp[i].s, what,
			     kind_name[sp[i - 1].kind], kind_name[sp[i].kind]);
}

static void check_counts(const struct xen_memplan_input *in)
{
	unsigned long ie = plan.initial_end, ram = sum(plan.ram, plan.nr_ram);
	unsigned long holes, avail, room, cap, balloon, remapped = 0;
	unsigned long dst_end = ie, extra_end = ie;
	unsigned int i, n = 0;

	if (ie != min(in->nr_pages, in->pfn_limit))
		FAIL("initial_end %#lx, nr_pages %#lx, pfn_limit %#lx", ie,
		     in->nr_pages, in->pfn_limit);
	for (i = 0; i < plan.nr_ram; i++)
		if (plan.ram[i].end > ie)
			FAIL("ram [%#lx-%#lx) past initial_end %#lx",
			     plan.ram[i].start, plan.ram[i].end, ie);
	if (ram != ram_in(0, ie))
		FAIL("populated %#lx pages, the map has %#lx RAM below %#lx",
		     ram, ram_in(0, ie), ie);
	holes = ie - ram;
	if (plan.hole_pages != holes)
		FAIL("hole_pages %#lx, the map has %#lx non-RAM pages below %#lx",
		     plan.hole_pages, holes, ie);
	/* Every frame under a hole is remapped or released: none kept. */
	if (plan.remapped + plan.released != holes)
		FAIL("holes %#lx != remapped %#lx + released %#lx", holes,
		     plan.remapped, plan.released);
	if (sum(plan.release, plan.nr_release) != plan.released)
		FAIL("release list %#lx != released %#lx",
		     sum(plan.release, plan.nr_release), plan.released);
	if (sum(plan.extra, plan.nr_extra) != plan.extra_pages ||
	    plan.extra_pages != plan.remapped + plan.balloon_pages)
		FAIL("extra %#lx, extra_pages %#lx, remapped %#lx + balloon %#lx",
		     sum(plan.extra, plan.nr_extra), plan.extra_pages,
		     plan.remapped, plan.balloon_pages);
	for (i = 0; i < plan.nr_release; i++) {
		const struct xen_memplan_range *r = &plan.release[i];

		if (r->start >= r->end || r->end > ie)
			FAIL("release [%#lx-%#lx) empty or past %#lx", r->start,
			     r->end, ie);
		if (ram_in(r->start, r->end))
			FAIL("release [%#lx-%#lx) holds RAM of the map",
			     r->start, r->end);
	}

	/* Remap: sources under holes, targets RAM above; frames once. */
	for (i = 0; i < plan.nr_ram; i++)
		sp[n++] = (struct span){ plan.ram[i].start, plan.ram[i].end, 0 };
	for (i = 0; i < plan.nr_release; i++)
		sp[n++] = (struct span){ plan.release[i].start,
					 plan.release[i].end, 5 };
	for (i = 0; i < plan.nr_remap; i++) {
		const struct xen_memplan_remap *m = &plan.remap[i];
		struct xen_memplan_range dst = { m->dst, m->dst + m->n };

		if (!m->n || m->src + m->n > ie || m->src + m->n < m->src)
			FAIL("remap src [%#lx+%#lx) outside [0-%#lx)", m->src,
			     m->n, ie);
		if (ram_in(m->src, m->src + m->n))
			FAIL("remap src [%#lx+%#lx) is RAM", m->src, m->n);
		if (m->dst < ie || ram_in(dst.start, dst.end) != m->n)
			FAIL("remap dst [%#lx+%#lx) not RAM above %#lx", m->dst,
			     m->n, ie);
		if (covered(plan.extra, plan.nr_extra, dst.start, dst.end) != m->n)
			FAIL("remap dst [%#lx+%#lx) not in extra", m->dst, m->n);
		if (n == NR_SPANS)
			FAIL("too many spans");
		sp[n++] = (struct span){ m->src, m->src + m->n, 4 };
		remapped += m->n;
		dst_end = max(dst_end, dst.end);
	}
	if (remapped != plan.remapped)
		FAIL("remap list %#lx != remapped %#lx", remapped, plan.remapped);
	check_disjoint(n, "gives its frame");
	n = 0;
	for (i = 0; i < plan.nr_remap; i++)
		sp[n++] = (struct span){ plan.remap[i].dst,
					 plan.remap[i].dst + plan.remap[i].n, 6 };
	check_disjoint(n, "takes a frame");

	/*
	 * What RAM above initial_end (and below pfn_limit) does: the first of
	 * it takes the frames under holes, as many as there are; then the
	 * balloon room (max:, capped at the ratio); the rest is unusable.
	 * Pages are released only when that RAM ran out.
	 */
	avail = ram_in(ie, min(in->pfn_limit, LIMIT_2_52));
	if (plan.remapped != min(holes, avail))
		FAIL("remapped %#lx, holes %#lx, RAM above %#lx below the pfn limit %#lx",
		     plan.remapped, holes, ie, avail);
	if (!first_ram_above(ie, dst_end, plan.remapped))
		FAIL("remap targets end at %#lx: not the first %#lx RAM pfns above %#lx",
		     dst_end, plan.remapped, ie);
	room = in->max_pages ? in->max_pages : in->pfn_limit;
	room = min(room, in->pfn_limit);
	room = room > ie ? room - ie : 0;
	cap = XEN_MEMPLAN_EXTRA_RATIO * ie;
	balloon = min3(room, cap, avail - plan.remapped);
	if (plan.balloon_pages != balloon)
		FAIL("balloon %#lx, expected %#lx (room %#lx, cap %#lx, RAM left %#lx)",
		     plan.balloon_pages, balloon, room, cap,
		     avail - plan.remapped);
	if (plan.capped_pages != (room > cap ? room - cap : 0))
		FAIL("capped %#lx, room %#lx, cap %#lx", plan.capped_pages,
		     room, cap);
	for (i = 0; i < plan.nr_extra; i++) {
		if (plan.extra[i].start < ie || plan.extra[i].end > in->pfn_limit)
			FAIL("extra [%#lx-%#lx) outside [%#lx-%#lx)",
			     plan.extra[i].start, plan.extra[i].end, ie,
			     in->pfn_limit);
		extra_end = max(extra_end, plan.extra[i].end);
	}
	if (!first_ram_above(ie, extra_end, plan.extra_pages))
		FAIL("extra ends at %#lx: not the first %#lx RAM pfns above %#lx",
		     extra_end, plan.extra_pages, ie);
	if (plan.unusable_pages != ram_in(ie, LIMIT_2_52) - plan.extra_pages)
		FAIL("unusable %#lx, RAM above %#lx %#lx, extra %#lx",
		     plan.unusable_pages, ie, ram_in(ie, LIMIT_2_52),
		     plan.extra_pages);
	if (covered(plan.unusable, plan.nr_unusable, 0, ie))
		FAIL("unusable below initial_end %#lx", ie);
}

/*
 * Below 1 MiB (the ISA hole, the BIOS): for dom0 with at least 1 MiB of
 * start, nothing there is extra, unusable or a remap target; what the map
 * has as RAM is populated; every other pfn is identity (BIOS and DMI
 * readers reach the ROMs) and its frame, which Xen put there, is remapped
 * above or released: not populated and not lost.
 */
static void check_low(const struct xen_memplan_input *in)
{
	unsigned long top = min(ISA_END_PFN, plan.initial_end);
	unsigned long ram = ram_in(0, top), holes = top - ram;
	unsigned long idt = min(top, in->p2m_limit);

	if (!in->dom0 || plan.initial_end < ISA_END_PFN)
		return;
	if (covered(plan.extra, plan.nr_extra, 0, top) ||
	    covered(plan.unusable, plan.nr_unusable, 0, top) ||
	    remap_covered(0, top, true))
		FAIL("extra, unusable or a remap target below 1 MiB");
	if (covered(plan.ram, plan.nr_ram, 0, top) != ram)
		FAIL("populated below 1 MiB %#lx, the map's RAM %#lx",
		     covered(plan.ram, plan.nr_ram, 0, top), ram);
	if (covered(plan.identity, plan.nr_identity, 0, idt) !=
	    idt - ram_in(0, idt))
		FAIL("identity below 1 MiB %#lx, the map's holes %#lx",
		     covered(plan.identity, plan.nr_identity, 0, idt),
		     idt - ram_in(0, idt));
	if (remap_covered(0, top, false) +
	    covered(plan.release, plan.nr_release, 0, top) != holes)
		FAIL("below 1 MiB: %#lx hole frames, remapped %#lx, released %#lx",
		     holes, remap_covered(0, top, false),
		     covered(plan.release, plan.nr_release, 0, top));
}

/*
 * xen_memplan_conflict() on a byte range: true exactly when a page the
 * range touches is not RAM of the model; then the first such part.
 */
static void check_conflict(u64 start, u64 size)
{
	unsigned long s = start >> PAGE_SHIFT;
	unsigned long e = (start + size) / PAGE_SIZE + !!((start + size) % PAGE_SIZE);
	struct xen_memplan_region hit = { 0 }, want;
	unsigned long prev = 0, first = s;
	bool got, expect;
	unsigned int i;

	/* The first pfn >= s not RAM, and the part of the map it is in. */
	for (i = 0; i < nr_model; i++) {
		if (model[i].e <= first) {
			prev = model[i].e;
			continue;
		}
		if (model[i].s > first) {
			want = (struct xen_memplan_region){ prev, model[i].s, 0 };
			break;
		}
		if (model[i].type != E820_TYPE_RAM) {
			want = (struct xen_memplan_region){ model[i].s,
							    model[i].e,
							    model[i].type };
			break;
		}
		first = model[i].e;
		prev = model[i].e;
	}
	if (i == nr_model)
		want = (struct xen_memplan_region){ prev, ULONG_MAX, 0 };
	expect = first < e;
	got = xen_memplan_conflict(&plan, start, size, &hit);
	if (got != expect)
		FAIL("conflict [%#llx+%#llx): %d, the model says %d (first non-RAM pfn %#lx)",
		     (unsigned long long)start, (unsigned long long)size, got,
		     expect, first);
	if (got && (hit.start != want.start || hit.end != want.end ||
		    hit.type != want.type))
		FAIL("conflict [%#llx+%#llx): hit [%#lx-%#lx) type %u, model [%#lx-%#lx) %u",
		     (unsigned long long)start, (unsigned long long)size,
		     hit.start, hit.end, hit.type, want.start, want.end,
		     want.type);
}

/*
 * The guest's E820 (what the kernel's e820_table becomes): sorted,
 * disjoint; its RAM is exactly populated + extra; its other regions hold
 * no RAM of Xen's map but the unusable RAM the plan lists.
 */
static void check_guest(void)
{
	unsigned long ram = 0, unusable = 0;
	unsigned int i;

	for (i = 0; i < plan.nr_guest; i++) {
		const struct xen_memplan_region *g = &plan.guest[i];
		unsigned long n = g->end - g->start;

		if (g->start >= g->end)
			FAIL("guest[%u] [%#lx-%#lx) empty", i, g->start, g->end);
		if (i && g->start < plan.guest[i - 1].end)
			FAIL("guest[%u] at %#lx overlaps or is unsorted", i,
			     g->start);
		if (g->type == E820_TYPE_RAM) {
			if (ram_in(g->start, g->end) != n)
				FAIL("guest RAM [%#lx-%#lx) over a hole of the map",
				     g->start, g->end);
			ram += n;
		} else if (ram_in(g->start, g->end)) {
			unusable += ram_in(g->start, g->end);
			if (g->type != E820_TYPE_UNUSABLE)
				FAIL("guest type %u [%#lx-%#lx) over RAM of the map",
				     g->type, g->start, g->end);
		}
	}
	if (ram != sum(plan.ram, plan.nr_ram) + sum(plan.extra, plan.nr_extra))
		FAIL("guest RAM %#lx pages, populated %#lx + extra %#lx", ram,
		     sum(plan.ram, plan.nr_ram), sum(plan.extra, plan.nr_extra));
	if (unusable != plan.unusable_pages ||
	    unusable != sum(plan.unusable, plan.nr_unusable))
		FAIL("guest unusable RAM %#lx, unusable_pages %#lx, list %#lx",
		     unusable, plan.unusable_pages,
		     sum(plan.unusable, plan.nr_unusable));
}

/* ---- the brk budget against the real tree ---- */

static long tree_pages;

static void *budget_get(struct p2m_tree *t)
{
	tree_pages++;
	return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}

static void budget_put(struct p2m_tree *t, void *page)
{
	tree_pages--;
	free(page);
}

static unsigned long budget_mfn(struct p2m_tree *t, void *page)
{
	return (unsigned long)page >> PAGE_SHIFT;
}

static const struct p2m_tree_ops budget_ops = {
	.get_page = budget_get,
	.put_page = budget_put,
	.page_mfn = budget_mfn,
};

/* Pages of every mid and leaf, for freeing: walk the tree. */
static void free_tree(struct p2m_tree *t)
{
	unsigned long i, j;

	for (i = 0; i < t->nr_top; i++) {
		unsigned long **mid = t->top[i];

		if (mid == t->mid_missing || mid == t->mid_identity)
			continue;
		for (j = 0; j < P2M_MID_PER_PAGE; j++)
			if (mid[j] != t->missing && mid[j] != t->identity &&
			    (mid[j] < t->borrowed_start ||
			     mid[j] >= t->borrowed_end))
				free(mid[j]);
		free(mid);
	}
	free(t->missing);
	free(t->identity);
	free(t->mid_missing);
	free(t->mid_identity);
}

static void check_budget(const struct xen_memplan_input *in)
{
	unsigned long nr_top = DIV_ROUND_UP(in->p2m_limit, P2M_MID_SPAN);
	struct p2m_tree t = { 0 };
	unsigned long ***top, *list, i, pfn;
	long before;

	if (in->p2m_limit > 8 * GIB_PFNS || in->nr_pages > in->p2m_limit)
		return;
	top = calloc(nr_top, sizeof(*top));
	list = aligned_alloc(PAGE_SIZE, ALIGN(in->nr_pages + 1, P2M_PER_PAGE) *
					sizeof(*list));
	if (!top || !list || p2m_tree_init(&t, top, nr_top, &budget_ops))
		abort();
	for (i = 0; i < in->nr_pages; i++)
		list[i] = 0x100000 + i;
	if (p2m_tree_boot(&t, list, in->nr_pages))
		FAIL("boot list of %#lx pfns refused", in->nr_pages);
	before = tree_pages;
	for (i = 0; i < plan.nr_identity; i++)
		p2m_tree_set_identity(&t, plan.identity[i].start,
				      plan.identity[i].end);
	if (tree_pages - before > (long)plan.brk_identity)
		FAIL("identity took %ld pages, the plan says %lu",
		     tree_pages - before, plan.brk_identity);
	/* Remap targets come after the boot list is adopted, as at boot. */
	if (p2m_tree_boot_end(&t))
		FAIL("boot end of %#lx pfns failed", in->nr_pages);
	before = tree_pages;
	for (i = 0; i < plan.nr_remap; i++)
		for (pfn = plan.remap[i].dst;
		     pfn < plan.remap[i].dst + plan.remap[i].n;
		     pfn = ALIGN(pfn + 1, P2M_PER_PAGE))
			/*
			 * The kernel sizes the tree from the map's end; a
			 * smaller p2m_limit here leaves targets beyond it.
			 */
			if (pfn < t.limit && p2m_tree_populate(&t, pfn))
				FAIL("populate %#lx failed", pfn);
	if (tree_pages - before > (long)plan.brk_remap)
		FAIL("remap targets took %ld pages, the plan says %lu",
		     tree_pages - before, plan.brk_remap);
	free_tree(&t);
	free(top);
	free(list);
}

/* ---- input ---- */

static void take_entry(struct input *in, struct e820_entry *e, u64 prev_end)
{
	unsigned int how = take(in, 1);

	switch (how % 8) {
	case 0:		/* raw: wraps, huge, anything */
		e->addr = take(in, 8);
		e->size = take(in, 8);
		break;
	case 1:		/* unaligned, next to the previous one */
		e->addr = prev_end + (s16)take(in, 2);
		e->size = take(in, 3);
		break;
	case 2:		/* pages */
		e->addr = take(in, 3) * PAGE_SIZE;
		e->size = take(in, 3) * PAGE_SIZE;
		break;
	case 7:		/* across 2^52, or in the last pages below 2^64 */
		e->addr = (how & 0x40 ? 0 : 1ULL << 52) + (int32_t)take(in, 4);
		e->size = take(in, 4);
		break;
	default:	/* whole MiB, after the previous one */
		e->addr = prev_end + take(in, 1) * SZ_1M;
		e->size = (take(in, 2) + 1) * SZ_1M;
		break;
	}
	e->type = types[(how >> 3) % ARRAY_SIZE(types)];
	if ((how >> 6) == 3)
		e->type = take(in, 4);
}

static unsigned long take_pages(struct input *in, unsigned long top)
{
	unsigned int how = take(in, 1);

	switch (how % 4) {
	case 0:
		return take(in, 4);
	case 1:
		return take(in, 8);
	default:
		return top ? take(in, 4) % (top + top / 4 + 1) : 0;
	}
}

static struct xen_memplan before, fresh;
static struct e820_entry swapped_map[XEN_MEMPLAN_MAX_MAP];

static u32 type_at(const struct xen_memplan *p, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < p->nr_map; i++)
		if (p->map[i].start <= pfn && pfn < p->map[i].end)
			return p->map[i].type;
	return 0;
}

/* After a swap, pfn's type is the old one but where the swap moved it. */
static void check_swapped_at(const struct xen_memplan_swap *sw,
			     unsigned long pfn)
{
	u32 was = type_at(&before, pfn), want = was;

	if (pfn >= sw->from && pfn < sw->from + sw->n)
		want = E820_TYPE_RAM;
	else if (pfn >= sw->to && pfn < sw->to + sw->n)
		want = was == E820_TYPE_RAM ? E820_TYPE_NVS : ~0U;
	if (type_at(&plan, pfn) != want)
		FAIL("swapped map at pfn %#lx: type %u, want %u", pfn,
		     type_at(&plan, pfn), want);
}

static void check_swap(const struct xen_memplan_input *in, u64 start,
		       u64 size)
{
	unsigned long limit = min(in->pfn_limit, in->p2m_limit), n = 0, top;
	const size_t derived = offsetof(struct xen_memplan, guest);
	struct xen_memplan_region hit;
	struct xen_memplan_swap sw;
	bool nvs, room = false;
	unsigned int i, j;
	int rc;

	memcpy(&before, &plan, offsetof(struct xen_memplan, in));
	nvs = size && xen_memplan_conflict(&plan, start, size, &hit) &&
	      hit.type == E820_TYPE_NVS;
	if (nvs)
		n = hit.end - hit.start;
	for (i = 0; nvs && i < plan.nr_map; i++) {
		const struct xen_memplan_region *r = &plan.map[i];

		top = min(r->end, limit);
		if (r->type == E820_TYPE_RAM &&
		    top >= max(r->start, plan.initial_end) + n)
			room = true;
	}
	rc = xen_memplan_swap_nvs(in, &plan, start, size, &sw);
	if (rc) {
		if (rc != (nvs ? -ENOSPC : -ENOENT))
			FAIL("swap [%#llx+%#llx): %d, NVS hit %d",
			     (unsigned long long)start, (unsigned long long)size,
			     rc, nvs);
		if (rc == -ENOSPC && room &&
		    plan.nr_map + 2 <= XEN_MEMPLAN_MAX_RANGES)
			FAIL("swap refused with RAM above to take it");
		if (memcmp(&before, &plan, offsetof(struct xen_memplan, in)))
			FAIL("refused swap changed the plan");
		return;
	}
	if (!nvs || sw.from != hit.start || sw.n != n || sw.to < before.initial_end ||
	    sw.to + n > limit)
		FAIL("swap [%#lx+%#lx) -> %#lx of hit [%#lx-%#lx)", sw.from, sw.n,
		     sw.to, hit.start, hit.end);
	for (i = 0; i < plan.nr_map; i++)
		if (plan.map[i].start >= plan.map[i].end ||
		    (i && plan.map[i].start < plan.map[i - 1].end) ||
		    (i && plan.map[i].start == plan.map[i - 1].end &&
		     plan.map[i].type == plan.map[i - 1].type))
			FAIL("swapped map[%u] not sane", i);
	/* Piecewise constant: equal at every boundary of both is equal. */
	for (j = 0; j < 2; j++) {
		const struct xen_memplan *p = j ? &plan : &before;

		for (i = 0; i < p->nr_map; i++) {
			check_swapped_at(&sw, p->map[i].start);
			check_swapped_at(&sw, p->map[i].end);
		}
	}
	check_swapped_at(&sw, sw.from);
	check_swapped_at(&sw, sw.from + n);
	check_swapped_at(&sw, sw.to);
	check_swapped_at(&sw, sw.to + n);
	if (plan.nr_map > XEN_MEMPLAN_MAX_MAP)
		return;
	for (i = 0; i < plan.nr_map; i++)
		swapped_map[i] = (struct e820_entry){
			PFN_PHYS(plan.map[i].start),
			PFN_PHYS(plan.map[i].end - plan.map[i].start),
			plan.map[i].type };
	{
		struct xen_memplan_input fin = *in;

		fin.map = swapped_map;
		fin.nr_map = plan.nr_map;
		if (xen_memplan_build(&fin, &fresh))
			FAIL("the swapped map does not build");
	}
	if (memcmp((char *)&fresh + derived, (char *)&plan + derived,
		   offsetof(struct xen_memplan, in) - derived))
		FAIL("swapped plan differs from a fresh build of its map");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct xen_memplan_input mi = { .map = map };
	unsigned int flags = take(&in, 1), i;
	unsigned long top = 0;
	u64 prev = 0;
	int ret;

	mi.nr_map = take(&in, 1) % (MAX_ENTRIES + 1);
	for (i = 0; i < mi.nr_map; i++) {
		take_entry(&in, &map[i], prev);
		prev = map[i].addr + map[i].size;
		if (prev > map[i].addr && PFN_DOWN(prev) > top &&
		    PFN_DOWN(prev) < LIMIT_64T)
			top = PFN_DOWN(prev);
	}
	mi.dom0 = flags & 1;
	mi.nr_pages = take_pages(&in, top);
	mi.max_pages = flags & 2 ? take_pages(&in, 2 * top) : 0;
	/* The kernel's is PFN_DOWN(MAXMEM) (or 512 GiB): at most 2^40. */
	mi.pfn_limit = flags & 4 ? clamp(take_pages(&in, top), 1UL, LIMIT_2_52) :
				   LIMIT_64T;
	switch ((flags >> 3) % 4) {
	case 0:
		mi.p2m_limit = XEN_MEMPLAN_NO_LIMIT;
		break;
	case 1:
		mi.p2m_limit = P2M_MID_SPAN * (1 + take(&in, 1) % 4);
		break;
	default:
		mi.p2m_limit = round_up(max(top, mi.nr_pages), P2M_MID_SPAN);
		if (!mi.p2m_limit || mi.p2m_limit > LIMIT_64T)
			mi.p2m_limit = LIMIT_64T;
		break;
	}

	if (getenv("FUZZ_DEBUG")) {
		fprintf(stderr, "dom0 %d nr_pages %#lx max %#lx pfn_limit %#lx p2m_limit %#lx\n",
			mi.dom0, mi.nr_pages, mi.max_pages, mi.pfn_limit,
			mi.p2m_limit);
		for (i = 0; i < mi.nr_map; i++)
			fprintf(stderr, "  [%u] %#llx + %#llx type %u\n", i,
				(unsigned long long)map[i].addr,
				(unsigned long long)map[i].size, map[i].type);
	}
	compute_model(&mi);
	memset(&plan, 0x5a, sizeof(plan));
	ret = xen_memplan_build(&mi, &plan);
	if (ret && ret != -EINVAL)
		FAIL("xen_memplan_build returned %d", ret);
	if (!!ret != plan.fatal)
		FAIL("returned %d, fatal %d", ret, plan.fatal);
	if (!nr_ram_set && !ret)
		FAIL("the map has no RAM page, the plan is not fatal");
	if (ret) {
		/*
		 * Fatal: no RAM page in the map, or a list of the plan
		 * overflowed, and the problem list says which. Known: when
		 * MAX_PROBLEMS fix-ups (say 16 zero-length entries) came
		 * first, the fatal one is only counted, and the boot panics
		 * without printing why. Left to memplan.c's owner; only that
		 * case is let through here.
		 */
		if (nr_ram_set && !has_problem(XEN_MEMPLAN_TOO_MANY) &&
		    plan.nr_problems <= XEN_MEMPLAN_MAX_PROBLEMS)
			FAIL("fatal with RAM in the map, and no list overflowed");
		if (!has_problem(XEN_MEMPLAN_NO_RAM) &&
		    !has_problem(XEN_MEMPLAN_TOO_MANY) &&
		    plan.nr_problems <= XEN_MEMPLAN_MAX_PROBLEMS)
			FAIL("fatal without saying why");
		return 0;
	}
	for (i = 0; i < plan.nr_map; i++) {
		if (plan.map[i].start >= plan.map[i].end)
			FAIL("map[%u] empty", i);
		if (i && plan.map[i].start < plan.map[i - 1].end)
			FAIL("map[%u] overlaps or is unsorted", i);
		if (i && plan.map[i].start == plan.map[i - 1].end &&
		    plan.map[i].type == plan.map[i - 1].type)
			FAIL("map[%u] not merged", i);
	}
	check_map();
	check_tiling(&mi);
	check_counts(&mi);
	check_low(&mi);
	check_guest();
	/* A few byte ranges (below 2^62) against xen_memplan_conflict(). */
	for (i = take(&in, 1) % 4; i; i--) {
		unsigned int k = take(&in, 1) % (nr_model + 1);
		u64 start = k < nr_model ? PFN_PHYS(model[k].s) : take(&in, 6);

		start = (start + (s16)take(&in, 2)) & ((1ULL << 62) - 1);
		check_conflict(start, take(&in, 4));
	}
	check_budget(&mi);
	/* Last: it changes the plan. A range from an NVS region, or any. */
	if (take(&in, 1) & 1) {
		unsigned int k = take(&in, 1) % (plan.nr_map + 1);
		u64 start = k < plan.nr_map ? PFN_PHYS(plan.map[k].start) :
					      take(&in, 6);

		start = (start + (s16)take(&in, 2)) & ((1ULL << 62) - 1);
		check_swap(&mi, start, take(&in, 3));
	}
	return 0;
}
