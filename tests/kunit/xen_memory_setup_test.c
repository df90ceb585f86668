// SPDX-License-Identifier: GPL-2.0
/*
 * xen_memory_setup: the memory plan of a Xen PV guest (memplan.c) over a
 * table of E820 maps, each named for what breaks when its case fails, and
 * over 10,000 seeded random maps checked against the plan's invariants:
 *
 *   - every pfn the P2M covers is exactly one of populated RAM, balloon
 *     (extra), unusable or identity; identity only where the map has no
 *     RAM, the other three only where it has;
 *   - the RAM pfns the guest ends with take their machine frames from
 *     distinct initial pfns (populated RAM and remap sources are disjoint);
 *   - pages under holes = remapped + released (the ISA hole included),
 *     remap sources and targets have the same size, and pages are released
 *     only when no E820 RAM is left above nr_pages;
 *   - the balloon room respects max: and the ratio cap and is used fully
 *     while RAM is left;
 *   - a model of the three-level tree applying the identity ranges and the
 *     remap targets never allocates more pages than the plan's budget.
 *
 * No Xen needed: the plan is pure; the model tree is this file's.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/pfn.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/stdarg.h>

#include "memplan.h"

#define RAM	E820_TYPE_RAM
#define RES	E820_TYPE_RESERVED
#define ACPI	E820_TYPE_ACPI
#define UNUS	E820_TYPE_UNUSABLE

#define NVS	E820_TYPE_NVS

#define MIB(x)	((u64)(x) << 20)
#define GIB(x)	((u64)(x) << 30)
#define TIB(x)	((u64)(x) << 40)

/* The most entries any kernel's E820 holds: 128 + 3 per NUMA node. */
#define BIG_MAP		3200
#define PFN(b)	((unsigned long)((b) >> PAGE_SHIFT))

/* MAXMEM of x86_64 with 4-level paging, in pfns. */
#define LIMIT_64T	(1UL << (46 - PAGE_SHIFT))

struct ms_ctx {
	struct xen_memplan *plan;
	unsigned long *leaf_real;	/* model tree: leaves that are pages */
	unsigned long *mid_real;
	char why[160];
};

/* The model tree covers 2 TiB; plans reaching further skip the model. */
#define MODEL_LEAVES	BIT(20)
#define MODEL_MIDS	(MODEL_LEAVES / 512)

static int ms_init(struct kunit *test)
{
	struct ms_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->plan = kunit_kzalloc(test, sizeof(*c->plan), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->plan);
	c->leaf_real = kunit_kzalloc(test, BITS_TO_LONGS(MODEL_LEAVES) *
				     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->leaf_real);
	c->mid_real = kunit_kzalloc(test, BITS_TO_LONGS(MODEL_MIDS) *
				    sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->mid_real);
	test->priv = c;
	return 0;
}

static struct xen_memplan *plan_of(struct kunit *test,
				   const struct e820_entry *map,
				   unsigned int nr, unsigned long nr_pages,
				   unsigned long max_pages, bool dom0)
{
	struct ms_ctx *c = test->priv;
	struct xen_memplan_input in = {
		.map = map, .nr_map = nr, .nr_pages = nr_pages,
		.max_pages = max_pages, .pfn_limit = LIMIT_64T,
		.p2m_limit = XEN_MEMPLAN_NO_LIMIT, .dom0 = dom0,
	};

	KUNIT_EXPECT_EQ(test, xen_memplan_build(&in, c->plan), 0);
	return c->plan;
}

/* A range of the plan is exactly [s, e); failures name the wanted range. */
static void expect_range(struct kunit *test, const struct xen_memplan_range *r,
			 unsigned long s, unsigned long e)
{
	KUNIT_EXPECT_EQ_MSG(test, r->start, s, "want [%#lx-%#lx)", s, e);
	KUNIT_EXPECT_EQ_MSG(test, r->end, e, "want [%#lx-%#lx)", s, e);
}

static void expect_region(struct kunit *test,
			  const struct xen_memplan_region *r, unsigned long s,
			  unsigned long e, u32 type)
{
	KUNIT_EXPECT_EQ_MSG(test, r->start, s, "want [%#lx-%#lx)", s, e);
	KUNIT_EXPECT_EQ_MSG(test, r->end, e, "want [%#lx-%#lx)", s, e);
	KUNIT_EXPECT_EQ_MSG(test, r->type, type, "[%#lx-%#lx)", s, e);
}

static unsigned int count_problems(const struct xen_memplan *plan,
				   enum xen_memplan_problem_kind kind)
{
	unsigned int i, n = 0;

	for (i = 0; i < min_t(unsigned int, plan->nr_problems,
			      XEN_MEMPLAN_MAX_PROBLEMS); i++)
		n += plan->problem[i].kind == kind;
	return n;
}

/* ---- QEMU's pc machine ---- */

static const struct e820_entry qemu_pc_3g[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, 0xbffe0000 - 0x100000, RAM },
	{ 0xbffe0000, 0x20000, RES },
	{ 0xfeffc000, 0x4000, RES },
	{ 0xfffc0000, 0x40000, RES },
};

/* dom0_mem=1G,max:2G on a 3 GiB pc: RAM past max: must be unusable. */
static void qemu_pc_below_4g_max_leaves_rest_unusable(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, qemu_pc_3g, ARRAY_SIZE(qemu_pc_3g),
					0x40000, 0x80000, true);

	KUNIT_EXPECT_EQ(test, p->nr_map, 7U);
	expect_region(test, &p->map[0], 0, 0x9f, RAM);
	expect_region(test, &p->map[1], 0x9f, 0xa0, RES);
	expect_region(test, &p->map[3], 0x100, 0xbffe0, RAM);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_UNALIGNED), 2U);

	KUNIT_ASSERT_EQ(test, p->nr_identity, 2U);
	expect_range(test, &p->identity[0], 0x9f, 0x100);
	expect_range(test, &p->identity[1], 0xbffe0, XEN_MEMPLAN_NO_LIMIT);

	/* The RAM Xen put under the ISA hole moves above, before the room. */
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x61UL);
	KUNIT_EXPECT_EQ(test, p->remapped, 0x61UL);
	KUNIT_EXPECT_EQ(test, p->released, 0UL);
	KUNIT_ASSERT_EQ(test, p->nr_remap, 1U);
	KUNIT_EXPECT_EQ(test, p->remap[0].src, 0x9fUL);
	KUNIT_EXPECT_EQ(test, p->remap[0].dst, 0x40000UL);
	KUNIT_EXPECT_EQ(test, p->remap[0].n, 0x61UL);

	KUNIT_ASSERT_EQ(test, p->nr_ram, 2U);
	expect_range(test, &p->ram[1], 0x100, 0x40000);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], 0x40000, 0x80061);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0x40000UL);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], 0x80061, 0xbffe0);

	KUNIT_ASSERT_EQ(test, p->nr_guest, 8U);
	expect_region(test, &p->guest[3], 0x100, 0x80061, RAM);
	expect_region(test, &p->guest[4], 0x80061, 0xbffe0, UNUS);
	KUNIT_EXPECT_EQ(test, p->ram_end, 0x80061UL);

	/* The boundary at 3 GiB - 128 KiB: one leaf and one mid. */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 2UL);
	/* The remap targets: mid 1 and leaf 0x200. */
	KUNIT_EXPECT_EQ(test, p->brk_remap, 2UL);
}

static const struct e820_entry qemu_pc_2g_plus_high[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, 0x7ffe0000 - 0x100000, RAM },
	{ 0x7ffe0000, 0x20000, RES },
	{ 0xfeffc000, 0x4000, RES },
	{ 0xfffc0000, 0x40000, RES },
	{ GIB(4), GIB(2), RAM },
};

/* dom0_mem=1G,max:3G with RAM above 4 GiB: extra continues past the hole. */
static void qemu_pc_above_4g_extra_skips_the_pci_hole(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, qemu_pc_2g_plus_high,
					ARRAY_SIZE(qemu_pc_2g_plus_high),
					0x40000, 0xc0000, true);

	KUNIT_ASSERT_EQ(test, p->nr_identity, 3U);
	expect_range(test, &p->identity[1], 0x7ffe0, 0x100000);
	expect_range(test, &p->identity[2], 0x180000, XEN_MEMPLAN_NO_LIMIT);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 2U);
	expect_range(test, &p->extra[0], 0x40000, 0x7ffe0);
	expect_range(test, &p->extra[1], 0x100000, 0x140081);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0x80000UL);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], 0x140081, 0x180000);
	KUNIT_EXPECT_EQ(test, p->ram_end, 0x140081UL);
	KUNIT_EXPECT_EQ(test, p->brk_identity, 2UL);
}

/* dom0 without max: all RAM above is balloon room, up to the 8x cap. */
static void qemu_pc_above_4g_no_max_takes_all_ram(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, qemu_pc_2g_plus_high,
					ARRAY_SIZE(qemu_pc_2g_plus_high),
					0x40000, 0, true);

	/* All RAM above but the 0x61 pages the ISA hole's frames take. */
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0xbffe0UL - 0x61);
	KUNIT_EXPECT_EQ(test, p->capped_pages, LIMIT_64T - 0x40000 - 0x200000);
	KUNIT_EXPECT_EQ(test, p->nr_unusable, 0U);
	KUNIT_EXPECT_EQ(test, p->ram_end, 0x180000UL);
}

/*
 * dom0_mem=128M,max:1T (Xen takes it): the room is capped at 8x the start
 * and said so, the RAM past it is unusable, and neither the plan nor its
 * P2M brk budget grows with max: (the same as for max: at the cap, or for
 * a reservation without bound).
 */
static void tiny_start_huge_max_caps_room_not_budget(struct kunit *test)
{
	const unsigned long start = 0x8000, isa = 0x61;
	const unsigned long cap = XEN_MEMPLAN_EXTRA_RATIO * start;
	const unsigned long maxes[] = { start + cap, ~0UL };
	unsigned long brk, brk_identity;
	struct xen_memplan *p;
	unsigned int i;

	p = plan_of(test, qemu_pc_2g_plus_high, ARRAY_SIZE(qemu_pc_2g_plus_high),
		    start, PFN(GIB(1024)), true);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, cap);
	KUNIT_EXPECT_EQ(test, p->capped_pages, PFN(GIB(1024)) - start - cap);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_EXTRA_CAPPED), 1U);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], start, start + isa + cap);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 2U);
	expect_range(test, &p->unusable[0], start + isa + cap, 0x7ffe0);
	expect_range(test, &p->unusable[1], 0x100000, 0x180000);
	KUNIT_EXPECT_EQ(test, p->ram_end, start + isa + cap);
	brk = p->brk_pages;
	brk_identity = p->brk_identity;
	KUNIT_EXPECT_LE(test, brk, 4UL);

	for (i = 0; i < ARRAY_SIZE(maxes); i++) {
		p = plan_of(test, qemu_pc_2g_plus_high,
			    ARRAY_SIZE(qemu_pc_2g_plus_high), start, maxes[i],
			    true);
		KUNIT_EXPECT_EQ_MSG(test, p->balloon_pages, cap, "max %#lx", maxes[i]);
		KUNIT_EXPECT_EQ_MSG(test, p->brk_pages, brk, "max %#lx", maxes[i]);
		KUNIT_EXPECT_EQ_MSG(test, p->brk_identity, brk_identity,
				    "max %#lx", maxes[i]);
	}
}

/* ---- Holes at awkward places ---- */

static const struct e820_entry hole_1029m_2001m[] = {
	{ 0, MIB(1029), RAM },
	{ MIB(2001), GIB(3) - MIB(2001), RAM },
};

/*
 * domU with 1.5 GiB: the hole starts 2 MiB- and 1 GiB-unaligned and RAM
 * under it below nr_pages moves to the first RAM above the hole.
 */
static void hole_not_2m_aligned_remaps_ram_above(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, hole_1029m_2001m, 2, 0x60000,
					LIMIT_64T, false);

	KUNIT_ASSERT_EQ(test, p->nr_identity, 2U);
	expect_range(test, &p->identity[0], 0x40500, 0x7d100);
	expect_range(test, &p->identity[1], 0xc0000, XEN_MEMPLAN_NO_LIMIT);
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x1fb00UL);
	KUNIT_ASSERT_EQ(test, p->nr_remap, 1U);
	KUNIT_EXPECT_EQ(test, p->remap[0].src, 0x40500UL);
	KUNIT_EXPECT_EQ(test, p->remap[0].dst, 0x7d100UL);
	KUNIT_EXPECT_EQ(test, p->remap[0].n, 0x1fb00UL);
	KUNIT_EXPECT_EQ(test, p->remapped, 0x1fb00UL);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0x23400UL);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], 0x7d100, 0xc0000);
	/*
	 * Identity above the boot list (1.5 GiB): the mid of GiB 1 and the
	 * split leaf at 2001 MiB; remap targets: mid 2 and leaves 1000-1253.
	 */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 2UL);
	KUNIT_EXPECT_EQ(test, p->brk_remap, 255UL);
}

static const struct e820_entry seed002[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, MIB(2364) - 0x100000, RAM },
	{ 0xfeffc000, 0x4000, RES },
	{ 0xfffc0000, 0x40000, RES },
	{ GIB(4), MIB(4096 - 2364), RAM },
};

/*
 * Seed 002: dom0_mem=1G,max:2364M, hole right above 2364 MiB. The balloon
 * must reach max: exactly, only through RAM, never an identity pfn.
 */
static void seed002_max_next_to_hole_balloons_to_max(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, seed002, ARRAY_SIZE(seed002),
					0x40000, 0x93c00, true);
	unsigned long reach;
	unsigned int i, j;

	KUNIT_ASSERT_EQ(test, p->nr_identity, 3U);
	expect_range(test, &p->identity[0], 0x9f, 0x100);
	expect_range(test, &p->identity[1], 0x93c00, 0x100000);
	expect_range(test, &p->identity[2], 0x16c400, XEN_MEMPLAN_NO_LIMIT);
	/* The ISA hole's 0x61 frames push the last of the room above 4 GiB. */
	KUNIT_ASSERT_EQ(test, p->nr_extra, 2U);
	expect_range(test, &p->extra[0], 0x40000, 0x93c00);
	expect_range(test, &p->extra[1], 0x100000, 0x100061);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], 0x100061, 0x16c400);
	KUNIT_EXPECT_EQ(test, p->remapped, 0x61UL);

	/* Ballooning up: the start, less what was released, plus the room. */
	reach = 0x40000 - p->released + p->balloon_pages;
	KUNIT_EXPECT_EQ(test, reach, 0x93c00UL);
	for (i = 0; i < p->nr_extra; i++)
		for (j = 0; j < p->nr_identity; j++)
			KUNIT_EXPECT_TRUE(test,
					  p->extra[i].end <= p->identity[j].start ||
					  p->identity[j].end <= p->extra[i].start);
	/* 2364 MiB is leaf aligned: only mid 2 and mid 5 are split. */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 2UL);
}

/* The map Xen 4.17 printed for QEMU -m 4G max-ram-below-4g=2364M. */
static const struct e820_entry seed002_qemu[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, 0x93be0000 - 0x100000, RAM },
	{ 0x93be0000, 0x20000, RES },
	{ 0xfffc0000, 0x40000, RES },
	{ GIB(4), MIB(4096 - 2364), RAM },
	{ 0xfd00000000ULL, GIB(12), RES },
};

/*
 * Seed 002 as booted: SeaBIOS keeps 128K below 2364 MiB, so the last 32
 * pages of max: come from above 4 GiB; the rest there is unusable.
 */
static void seed002_qemu_map_takes_last_pages_above_4g(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, seed002_qemu,
					ARRAY_SIZE(seed002_qemu), 0x40000,
					0x93c00, true);

	KUNIT_ASSERT_EQ(test, p->nr_extra, 2U);
	expect_range(test, &p->extra[0], 0x40000, 0x93be0);
	expect_range(test, &p->extra[1], 0x100000, 0x100020 + 0x61);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], 0x100020 + 0x61, 0x16c400);
	KUNIT_ASSERT_EQ(test, p->nr_identity, 3U);
	expect_range(test, &p->identity[1], 0x93be0, 0x100000);
	expect_range(test, &p->identity[2], 0x16c400, XEN_MEMPLAN_NO_LIMIT);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 343040UL);
	/* Identity at 0x93be0 (leaf, mid) and 0x16c400 (mid); remap targets. */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 3UL);
	KUNIT_EXPECT_EQ(test, p->brk_pages, 5UL);
}

static const struct e820_entry seed002_2365[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, MIB(2365) - 0x100000, RAM },
	{ 0xfeffc000, 0x4000, RES },
	{ 0xfffc0000, 0x40000, RES },
	{ GIB(4), MIB(4096 - 2365), RAM },
};

/*
 * max: ends 1 MiB below a 2 MiB-unaligned hole (less the ISA hole's
 * frames, remapped first): the rest of that MiB is unusable.
 */
static void max_inside_leaf_before_hole_leaves_gap_missing(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, seed002_2365,
					ARRAY_SIZE(seed002_2365), 0x40000,
					0x93c00, true);

	expect_range(test, &p->identity[1], 0x93d00, 0x100000);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 2U);
	expect_range(test, &p->unusable[0], 0x93c61, 0x93d00);
	expect_region(test, &p->guest[4], 0x93c61, 0x93d00, UNUS);
	/* Split: leaf 0x49e and mid 2 at 0x93d00, leaf and mid at 0x16c300. */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 4UL);
}

/* ---- Maps that need sanitizing ---- */

static const struct e820_entry unaligned_map[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xe0123, 0x10333, RES },
	{ 0x100001, 0x3ffff123 - 0x100001, RAM },
	{ 0x3ffff123, 0x40000000 - 0x3ffff123, ACPI },
};

/* RAM rounds inward, holes outward, and the gaps join the identity. */
static void non_page_aligned_entries_round_ram_in_holes_out(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, unaligned_map,
					ARRAY_SIZE(unaligned_map), 0x3ff00,
					LIMIT_64T, false);

	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_UNALIGNED), 5U);
	KUNIT_ASSERT_EQ(test, p->nr_map, 5U);
	expect_region(test, &p->map[0], 0, 0x9f, RAM);
	expect_region(test, &p->map[1], 0x9f, 0xa0, RES);
	expect_region(test, &p->map[2], 0xe0, 0xf1, RES);
	expect_region(test, &p->map[3], 0x101, 0x3ffff, RAM);
	expect_region(test, &p->map[4], 0x3ffff, 0x40000, ACPI);
	KUNIT_ASSERT_EQ(test, p->nr_identity, 2U);
	expect_range(test, &p->identity[0], 0x9f, 0x101);
	expect_range(test, &p->identity[1], 0x3ffff, XEN_MEMPLAN_NO_LIMIT);
	/* A domU remaps even below 1 MiB. */
	KUNIT_EXPECT_EQ(test, p->remapped, 0x62UL);
	KUNIT_ASSERT_EQ(test, p->nr_remap, 1U);
	KUNIT_EXPECT_EQ(test, p->remap[0].dst, 0x3ff00UL);
	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0x9dUL);
}

static const struct e820_entry messy_map[] = {
	{ 0x100000, 0x40000000 - 0x100000, RAM },	/* 0 */
	{ 0, 0xa0000, RAM },				/* 1: before 0 */
	{ 0x3ff00000, 0x200000, RES },			/* 2: over 0's end */
	{ 0x200000, 0x100000, ACPI },			/* 3: inside 0 */
	{ 0xf0000, 0x10000, RES },			/* 4 */
	{ 0x50000000, 0, RAM },				/* 5: empty */
	{ 0x60000000, 0x800, RAM },			/* 6: no whole page */
};

/* Overlaps go to the larger type, and each fix names Xen's entries. */
static void overlapping_unsorted_entries_larger_type_wins(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, messy_map, ARRAY_SIZE(messy_map),
					0x20000, LIMIT_64T, false);
	unsigned int i, pairs = 0;

	KUNIT_ASSERT_EQ(test, p->nr_map, 6U);
	expect_region(test, &p->map[0], 0, 0xa0, RAM);
	expect_region(test, &p->map[1], 0xf0, 0x100, RES);
	expect_region(test, &p->map[2], 0x100, 0x200, RAM);
	expect_region(test, &p->map[3], 0x200, 0x300, ACPI);
	expect_region(test, &p->map[4], 0x300, 0x3ff00, RAM);
	expect_region(test, &p->map[5], 0x3ff00, 0x40100, RES);

	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_UNSORTED), 3U);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_OVERLAP), 2U);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_ZERO_LENGTH), 1U);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_SUB_PAGE), 1U);
	for (i = 0; i < p->nr_problems; i++) {
		const struct xen_memplan_problem *q = &p->problem[i];

		if (q->kind != XEN_MEMPLAN_OVERLAP)
			continue;
		KUNIT_EXPECT_EQ(test, q->a, 0);
		pairs += q->b;
	}
	KUNIT_EXPECT_EQ(test, pairs, 3U + 2U);
	/* Gap, reserved and ACPI below nr_pages: their pages move above. */
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x160UL);
	KUNIT_EXPECT_EQ(test, p->remapped, 0x160UL);
}

static const struct e820_entry many_gib_hole[] = {
	{ 0, GIB(2), RAM },
	{ GIB(64), GIB(2), RAM },
};

/* A 62 GiB hole on GiB boundaries costs the tree nothing. */
static void hole_of_many_gib_costs_no_tree_page(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, many_gib_hole, 2, 0x80000,
					0x100000, true);

	KUNIT_ASSERT_EQ(test, p->nr_identity, 2U);
	expect_range(test, &p->identity[0], 0x80000, PFN(GIB(64)));
	KUNIT_EXPECT_EQ(test, p->brk_identity, 0UL);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], PFN(GIB(64)), PFN(GIB(66)));
}

static const struct e820_entry past_512g[] = {
	{ 0, GIB(2), RAM },
	{ GIB(2), GIB(2), RES },
	{ GIB(4), GIB(596), RAM },
};

/* dom0 with 80 GiB and max:600G: extra crosses 512 GiB, no ceiling. */
static void ram_past_512g_becomes_extra_for_dom0(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, past_512g, 3, PFN(GIB(80)),
					PFN(GIB(600)), true);

	KUNIT_EXPECT_EQ(test, p->remapped, PFN(GIB(2)));
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], PFN(GIB(80)), PFN(GIB(600)));
	KUNIT_EXPECT_EQ(test, p->balloon_pages, PFN(GIB(518)));
	KUNIT_EXPECT_EQ(test, p->nr_unusable, 0U);
	KUNIT_EXPECT_EQ(test, p->ram_end, PFN(GIB(600)));
}

/* A domU under xen_512gb_limit: RAM past 512 GiB is unusable. */
static void ram_past_512g_unusable_under_512gb_limit(struct kunit *test)
{
	struct ms_ctx *c = test->priv;
	struct xen_memplan_input in = {
		.map = past_512g, .nr_map = 3, .nr_pages = PFN(GIB(80)),
		.max_pages = PFN(GIB(512)), .pfn_limit = PFN(GIB(512)),
		.p2m_limit = PFN(GIB(600)), .dom0 = false,
	};
	struct xen_memplan *p = c->plan;

	KUNIT_ASSERT_EQ(test, xen_memplan_build(&in, p), 0);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], PFN(GIB(80)), PFN(GIB(512)));
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], PFN(GIB(512)), PFN(GIB(600)));
	KUNIT_EXPECT_GE(test, count_problems(p, XEN_MEMPLAN_RAM_BEYOND_LIMIT), 1U);
	/* The P2M ends with the map: no identity tail at all. */
	KUNIT_EXPECT_EQ(test, p->nr_identity, 1U);
}

static const struct e820_entry domu_624m[] = {
	{ 0, MIB(624), RAM },
};

/* nr_pages inside a leaf: the rest of that leaf is balloon, not identity. */
static void nr_pages_not_multiple_of_512_tail_is_extra(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, domu_624m, 1, 0x26733,
					LIMIT_64T, false);

	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], 0x26733, 0x27000);
	KUNIT_ASSERT_EQ(test, p->nr_identity, 1U);
	expect_range(test, &p->identity[0], 0x27000, XEN_MEMPLAN_NO_LIMIT);
	/* Past the boot list's last leaf: whole leaves, in GiB 0's mid. */
	KUNIT_EXPECT_EQ(test, p->brk_identity, 1UL);
}

static const struct e820_entry low_hole[] = {
	{ 0, 0x9f000, RAM },
	{ 0x9f000, 0x61000, RES },
	{ 0x100000, 0x30000000 - 0x100000, RAM },
	{ 0x30000000, 0x100000, RES },
	{ 0x30100000, 0x80000000 - 0x30100000, RAM },
};

/* max: below the start: no balloon room, but remapped RAM still lands. */
static void max_below_start_keeps_only_remap_targets(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, low_hole, ARRAY_SIZE(low_hole),
					0x40000, 0x20000, true);

	KUNIT_EXPECT_EQ(test, p->balloon_pages, 0UL);
	KUNIT_EXPECT_EQ(test, p->remapped, 0x61UL + 0x100);
	KUNIT_ASSERT_EQ(test, p->nr_extra, 1U);
	expect_range(test, &p->extra[0], 0x40000, 0x40161);
	KUNIT_ASSERT_EQ(test, p->nr_unusable, 1U);
	expect_range(test, &p->unusable[0], 0x40161, 0x80000);
}

static const struct e820_entry no_room[] = {
	{ 0, 0x10000000, RAM },
	{ 0x10000000, 0x100000, RES },
	{ 0x10100000, 0x10000000 - 0x100000, RAM },
};

/* No E820 RAM above nr_pages: RAM under the hole is released, counted. */
static void no_ram_above_releases_and_says_so(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, no_room, 3, 0x20000, LIMIT_64T,
					false);

	KUNIT_EXPECT_EQ(test, p->released, 0x100UL);
	KUNIT_ASSERT_EQ(test, p->nr_release, 1U);
	expect_range(test, &p->release[0], 0x10000, 0x10100);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_NO_ROOM), 1U);
	KUNIT_EXPECT_EQ(test, p->nr_extra, 0U);
}

static const struct e820_entry unusable_map[] = {
	{ 0, 0x10000000, RAM },
	{ 0x10000000, 0x100000, UNUS },
	{ 0x10100000, 0x10000000 - 0x100000, RAM },
};

/* dom0 reads Xen's UNUSABLE as RAM, as upstream; a domU keeps the hole. */
static void dom0_unusable_is_ram_domu_keeps_hole(struct kunit *test)
{
	struct xen_memplan *p = plan_of(test, unusable_map, 3, 0x20000, 0,
					true);

	KUNIT_EXPECT_EQ(test, p->nr_map, 1U);
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0UL);
	p = plan_of(test, unusable_map, 3, 0x20000, 0, false);
	KUNIT_EXPECT_EQ(test, p->nr_map, 3U);
	expect_range(test, &p->identity[0], 0x10000, 0x10100);
}

static const struct e820_entry all_reserved[] = {
	{ 0, 0x100000, RES },
	{ 0x100000, 0x100000, ACPI },
};

/* A map with no RAM has no safe reading: fatal, and it says why. */
static void map_without_ram_is_fatal(struct kunit *test)
{
	struct ms_ctx *c = test->priv;
	struct xen_memplan_input in = {
		.map = all_reserved, .nr_map = 2, .nr_pages = 0x1000,
		.pfn_limit = LIMIT_64T, .p2m_limit = XEN_MEMPLAN_NO_LIMIT,
	};

	KUNIT_EXPECT_EQ(test, xen_memplan_build(&in, c->plan), -EINVAL);
	KUNIT_EXPECT_TRUE(test, c->plan->fatal);
	KUNIT_EXPECT_EQ(test, count_problems(c->plan, XEN_MEMPLAN_NO_RAM), 1U);
}

/*
 * More problems than the list holds, then the fatal one: the list still
 * says why (the boot's panic prints only the list).
 */
static void fatal_reason_kept_past_a_full_list(struct kunit *test)
{
	struct ms_ctx *c = test->priv;
	struct e820_entry map[XEN_MEMPLAN_MAX_PROBLEMS + 4];
	struct xen_memplan_input in = {
		.map = map, .nr_map = ARRAY_SIZE(map), .nr_pages = 0x1000,
		.pfn_limit = LIMIT_64T, .p2m_limit = XEN_MEMPLAN_NO_LIMIT,
	};
	unsigned int i;

	/* Reserved entries off page boundaries: one warning each, no RAM. */
	for (i = 0; i < ARRAY_SIZE(map); i++)
		map[i] = (struct e820_entry){ i * 0x2000 + 0x10, 0x800, RES };
	KUNIT_EXPECT_EQ(test, xen_memplan_build(&in, c->plan), -EINVAL);
	KUNIT_EXPECT_GT(test, c->plan->nr_problems, XEN_MEMPLAN_MAX_PROBLEMS);
	KUNIT_EXPECT_EQ(test, count_problems(c->plan, XEN_MEMPLAN_NO_RAM), 1U);
}

/* ---- Invariants ---- */

struct span {
	unsigned long start;
	unsigned long end;
	int kind;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

static bool in_map_type(const struct xen_memplan *p, unsigned long s,
			unsigned long e, bool ram)
{
	unsigned int i;

	for (i = 0; i < p->nr_map; i++) {
		const struct xen_memplan_region *r = &p->map[i];
		bool is_ram = r->type == E820_TYPE_RAM;

		if (r->end <= s || r->start >= e)
			continue;
		if (is_ram != ram)
			return false;
	}
	if (!ram)
		return true;
	/* RAM must be covered without gaps. */
	for (i = 0; i < p->nr_map && s < e; i++) {
		const struct xen_memplan_region *r = &p->map[i];

		if (r->end <= s)
			continue;
		if (r->start > s || r->type != E820_TYPE_RAM)
			return false;
		s = r->end;
	}
	return s >= e;
}

static __printf(2, 3) const char *fail(struct ms_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return c->why;
}

/* Appends a plan's ranges, clipped to limit, as spans of one kind. */
static bool add_spans(struct span *sp, unsigned int *n, unsigned int max_sp,
		      const struct xen_memplan_range *list, unsigned int nr,
		      unsigned long limit, int kind)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (*n == max_sp)
			return false;
		sp[*n].start = list[i].start;
		sp[*n].end = min(list[i].end, limit);
		sp[*n].kind = kind;
		if (sp[*n].start < sp[*n].end)
			(*n)++;
	}
	return true;
}

/* Model three-level tree: pages it allocates for the plan's P2M work. */
static unsigned long model_tree_cost(struct ms_ctx *c,
				     const struct xen_memplan_input *in,
				     const struct xen_memplan *p)
{
	unsigned long first_leaf = DIV_ROUND_UP(in->nr_pages, 512);
	unsigned long first_mid = DIV_ROUND_UP(in->nr_pages, 512 * 512);
	unsigned long cost = 0, pfn, top = MODEL_LEAVES * 512;
	unsigned int i;

	bitmap_zero(c->leaf_real, MODEL_LEAVES);
	bitmap_zero(c->mid_real, MODEL_MIDS);
	for (i = 0; i < p->nr_identity; i++) {
		unsigned long s = p->identity[i].start;
		unsigned long e = min(p->identity[i].end, top);
		unsigned long m, l;

		for (m = s / (512 * 512); s < e && m <= (e - 1) / (512 * 512); m++) {
			unsigned long ms = m * 512 * 512, me = ms + 512 * 512;

			if (s <= ms && e >= me)
				continue;	/* whole mid: a sentinel */
			if (m >= first_mid && !__test_and_set_bit(m, c->mid_real))
				cost++;
			for (l = max(s, ms) / 512; l <= (min(e, me) - 1) / 512; l++) {
				if (s <= l * 512 && e >= l * 512 + 512)
					continue;	/* whole leaf */
				if (l >= first_leaf &&
				    !__test_and_set_bit(l, c->leaf_real))
					cost++;
			}
		}
	}
	for (i = 0; i < p->nr_remap; i++) {
		for (pfn = p->remap[i].dst; pfn < p->remap[i].dst + p->remap[i].n;
		     pfn += 512 - pfn % 512) {
			unsigned long l = pfn / 512, m = l / 512;

			if (m >= first_mid && !__test_and_set_bit(m, c->mid_real))
				cost++;
			if (l >= first_leaf && !__test_and_set_bit(l, c->leaf_real))
				cost++;
		}
	}
	return cost;
}

static const char *check_plan(struct ms_ctx *c,
			      const struct xen_memplan_input *in,
			      const struct xen_memplan *p, struct span *sp,
			      unsigned int max_sp)
{
	unsigned long limit = in->p2m_limit, pos, sum, room;
	unsigned long ram_pages = 0;
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_map; i++) {
		if (p->map[i].start >= p->map[i].end)
			return fail(c, "map[%u] empty", i);
		if (i && p->map[i].start < p->map[i - 1].end)
			return fail(c, "map[%u] overlaps or unsorted", i);
		if (i && p->map[i].start == p->map[i - 1].end &&
		    p->map[i].type == p->map[i - 1].type)
			return fail(c, "map[%u] not merged", i);
	}

	/* Every pfn below the P2M limit: exactly one kind. */
	if (!add_spans(sp, &n, max_sp, p->ram, p->nr_ram, limit, 0) ||
	    !add_spans(sp, &n, max_sp, p->extra, p->nr_extra, limit, 1) ||
	    !add_spans(sp, &n, max_sp, p->unusable, p->nr_unusable, limit, 2) ||
	    !add_spans(sp, &n, max_sp, p->identity, p->nr_identity, limit, 3))
		return fail(c, "too many spans");
	sort(sp, n, sizeof(*sp), span_cmp, NULL);
	for (i = 0, pos = 0; i < n; i++) {
		if (sp[i].start != pos)
			return fail(c, "pfn %#lx: %s", min(pos, sp[i].start),
				    sp[i].start < pos ? "two kinds" : "no kind");
		if (!in_map_type(p, sp[i].start, sp[i].end, sp[i].kind != 3))
			return fail(c, "kind %d [%#lx-%#lx) against the map",
				    sp[i].kind, sp[i].start, sp[i].end);
		pos = sp[i].end;
	}
	if (pos != limit)
		return fail(c, "kinds end at %#lx, P2M at %#lx", pos, limit);

	/* Populated RAM is the map's RAM below initial_end. */
	for (i = 0; i < p->nr_ram; i++) {
		if (p->ram[i].end > p->initial_end)
			return fail(c, "ram[%u] past initial_end", i);
		ram_pages += p->ram[i].end - p->ram[i].start;
	}

	/* Frames come from distinct initial pfns: ram and remap sources. */
	n = 0;
	for (i = 0; i < p->nr_ram; i++)
		sp[n++] = (struct span){ p->ram[i].start, p->ram[i].end, 0 };
	for (i = 0, sum = 0; i < p->nr_remap; i++) {
		const struct xen_memplan_remap *m = &p->remap[i];

		if (n == max_sp)
			return fail(c, "too many spans");
		sp[n++] = (struct span){ m->src, m->src + m->n, 1 };
		if (m->src + m->n > p->initial_end)
			return fail(c, "remap src %#lx out of bounds", m->src);
		if (in_map_type(p, m->src, m->src + m->n, true) ||
		    !in_map_type(p, m->src, m->src + m->n, false))
			return fail(c, "remap src %#lx not under a hole", m->src);
		if (!in_map_type(p, m->dst, m->dst + m->n, true) ||
		    m->dst < p->initial_end)
			return fail(c, "remap dst %#lx not RAM above", m->dst);
		sum += m->n;
	}
	sort(sp, n, sizeof(*sp), span_cmp, NULL);
	for (i = 1; i < n; i++)
		if (sp[i].start < sp[i - 1].end)
			return fail(c, "pfn %#lx gives its frame twice", sp[i].start);

	/* Pages released == pages regained, unless there is no room. */
	if (sum != p->remapped)
		return fail(c, "remap list %lu != remapped %lu", sum, p->remapped);
	if (p->remapped + p->released != p->hole_pages)
		return fail(c, "holes %lu != remapped %lu + released %lu",
			    p->hole_pages, p->remapped, p->released);
	if (ram_pages + p->hole_pages != p->initial_end)
		return fail(c, "ram %lu + holes %lu != initial %lu", ram_pages,
			    p->hole_pages, p->initial_end);
	for (i = 0; p->released && i <= p->nr_unusable; i++)
		if (p->balloon_pages || (i < p->nr_unusable &&
					 p->unusable[i].start < in->pfn_limit))
			return fail(c, "released %lu while RAM above was left",
				    p->released);

	/* Balloon room: max:, the ratio, and all of it while RAM lasts. */
	for (i = 0, sum = 0; i < p->nr_extra; i++)
		sum += p->extra[i].end - p->extra[i].start;
	if (sum != p->extra_pages || sum != p->remapped + p->balloon_pages)
		return fail(c, "extra %lu != %lu + %lu", sum, p->remapped,
			    p->balloon_pages);
	room = in->max_pages ? in->max_pages : in->pfn_limit;
	room = room > p->initial_end ? room - p->initial_end : 0;
	if (p->balloon_pages > room ||
	    p->balloon_pages > XEN_MEMPLAN_EXTRA_RATIO * p->initial_end)
		return fail(c, "balloon %lu over room %lu or cap", p->balloon_pages,
			    room);
	if (p->balloon_pages < min(room, XEN_MEMPLAN_EXTRA_RATIO * p->initial_end)) {
		for (i = 0; i < p->nr_unusable; i++)
			if (p->unusable[i].start < in->pfn_limit)
				return fail(c, "unusable %#lx with room left",
					    p->unusable[i].start);
	}

	/* The P2M never needs more pages than the budget. */
	if (p->ram_end <= MODEL_LEAVES * 512 / 2) {
		unsigned long cost = model_tree_cost(c, in, p);

		if (cost > p->brk_pages)
			return fail(c, "tree took %lu pages, budget %lu", cost,
				    p->brk_pages);
	}
	return NULL;
}

/* Every invariant of a plan made from in; failures say which. */
static void expect_invariants(struct kunit *test,
			      const struct xen_memplan_input *in,
			      const struct xen_memplan *p)
{
	struct ms_ctx *c = test->priv;
	struct span *sp = kunit_kcalloc(test, 4 * XEN_MEMPLAN_MAX_RANGES,
					sizeof(*sp), GFP_KERNEL);
	const char *why;

	KUNIT_ASSERT_NOT_NULL(test, sp);
	why = check_plan(c, in, p, sp, 4 * XEN_MEMPLAN_MAX_RANGES);
	KUNIT_EXPECT_NULL_MSG(test, why, "map of %u entries at %#llx: %s",
			      in->nr_map, in->map[0].addr, why);
	kunit_kfree(test, sp);
}

/*
 * Plans in's map for the P2M our tree would size (the map's end, whole
 * GiB; in->p2m_limit is set to it) and checks every invariant.
 */
static struct xen_memplan *plan_checked_in(struct kunit *test,
					   struct xen_memplan_input *in)
{
	struct ms_ctx *c = test->priv;

	in->pfn_limit = LIMIT_64T;
	in->p2m_limit = 0;
	KUNIT_ASSERT_EQ(test, xen_memplan_build(in, c->plan), 0);
	in->p2m_limit = round_up(max(c->plan->map[c->plan->nr_map - 1].end,
				     in->nr_pages), 512 * 512);
	KUNIT_ASSERT_EQ(test, xen_memplan_build(in, c->plan), 0);
	expect_invariants(test, in, c->plan);
	return c->plan;
}

static struct xen_memplan *plan_checked(struct kunit *test,
					const struct e820_entry *map,
					unsigned int nr, unsigned long nr_pages,
					unsigned long max_pages, bool dom0)
{
	struct xen_memplan_input in = {
		.map = map, .nr_map = nr, .nr_pages = nr_pages,
		.max_pages = max_pages, .dom0 = dom0,
	};

	return plan_checked_in(test, &in);
}

/* The invariants hold for every case of the table above, too. */
static void table_maps_satisfy_invariants(struct kunit *test)
{
	static const struct {
		const struct e820_entry *map;
		unsigned int nr;
		unsigned long nr_pages, max_pages;
		bool dom0;
	} t[] = {
		{ qemu_pc_3g, ARRAY_SIZE(qemu_pc_3g), 0x40000, 0x80000, true },
		{ qemu_pc_2g_plus_high, ARRAY_SIZE(qemu_pc_2g_plus_high), 0x40000, 0xc0000, true },
		{ hole_1029m_2001m, 2, 0x60000, 0, false },
		{ seed002, ARRAY_SIZE(seed002), 0x40000, 0x93c00, true },
		{ seed002_2365, ARRAY_SIZE(seed002_2365), 0x40000, 0x93c00, true },
		{ seed002_qemu, ARRAY_SIZE(seed002_qemu), 0x40000, 0x93c00, true },
		{ unaligned_map, ARRAY_SIZE(unaligned_map), 0x3ff00, 0, false },
		{ messy_map, ARRAY_SIZE(messy_map), 0x20000, 0, false },
		{ many_gib_hole, 2, 0x80000, 0x100000, true },
		{ past_512g, 3, PFN(GIB(80)), PFN(GIB(600)), true },
		{ domu_624m, 1, 0x26733, 0, false },
		{ low_hole, ARRAY_SIZE(low_hole), 0x40000, 0x20000, true },
		{ no_room, 3, 0x20000, 0, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		plan_checked(test, t[i].map, t[i].nr, t[i].nr_pages,
			     t[i].max_pages, t[i].dom0);
}

/* xorshift64*: the seed alone reproduces a map. */
static u64 rnd_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static u64 rnd(u64 *s, u64 n)
{
	return n ? rnd_next(s) % n : 0;
}

/*
 * A map of up to 12 entries within 64 GiB, sometimes hostile; one seed in
 * 64 gives a big one instead: up to BIG_MAP entries anywhere below 64 TiB,
 * and nr_pages up to 16 TiB.
 */
static void random_input(u64 seed, struct e820_entry *map,
			 struct xen_memplan_input *in)
{
	static const u32 types[] = { RAM, RAM, RAM, RES, RES, ACPI,
				     E820_TYPE_NVS, UNUS };
	u64 s = seed * 2 + 1, addr = 0, span = 0;
	unsigned long top;
	bool big = !(seed % 64);
	unsigned int i, nr = 1 + rnd(&s, big ? BIG_MAP : 12);
	bool hostile = !rnd(&s, 4);

	if (big)
		span = TIB(64) / nr;
	for (i = 0; i < nr; i++) {
		u64 gap = rnd(&s, 3) ? rnd(&s, 4) * MIB(rnd(&s, 2) ? 1 : 256) : 0;
		u64 len = MIB(1 + rnd(&s, 4096));

		if (big) {
			gap = rnd(&s, 2) ? PFN_PHYS(rnd(&s, PFN(span / 2))) : 0;
			len = PFN_PHYS(1 + rnd(&s, PFN(span / 2)));
		}

		if (hostile) {
			gap += rnd(&s, 3) ? 0 : rnd(&s, 0x10000);
			len += rnd(&s, 3) ? 0 : rnd(&s, 0x10000);
			if (!rnd(&s, 8))
				len = 0;
		}
		map[i].addr = addr + gap;
		map[i].size = len;
		map[i].type = types[rnd(&s, ARRAY_SIZE(types))];
		addr = map[i].addr + len;
		if (hostile && !rnd(&s, 4) && addr > MIB(8))
			addr -= rnd(&s, MIB(8));	/* next one overlaps */
	}
	if (hostile) {
		for (i = 0; i + 1 < nr; i++) {
			if (!rnd(&s, 4)) {
				struct e820_entry t = map[i];

				map[i] = map[i + 1];
				map[i + 1] = t;
			}
		}
	}
	top = PFN(addr) + 1;
	in->map = map;
	in->nr_map = nr;
	in->dom0 = rnd(&s, 2);
	in->nr_pages = 1 + rnd(&s, min_t(u64, top + top / 8, PFN(TIB(16))));
	in->max_pages = rnd(&s, 4) ? rnd(&s, 2 * top) : 0;
	in->pfn_limit = rnd(&s, 8) ? LIMIT_64T : max_t(unsigned long, 1, rnd(&s, top));
	in->p2m_limit = round_up(max(top, in->nr_pages), 512 * 512);
	if (!rnd(&s, 8))
		in->p2m_limit = 512 * 512 * (1 + rnd(&s, 4));
}

static void random_maps_satisfy_invariants(struct kunit *test)
{
	struct ms_ctx *c = test->priv;
	struct span *sp = kunit_kcalloc(test, 4 * XEN_MEMPLAN_MAX_RANGES,
					sizeof(*sp), GFP_KERNEL);
	struct e820_entry *map = kunit_kcalloc(test, BIG_MAP, sizeof(*map),
					       GFP_KERNEL);
	unsigned int fatal = 0, bad = 0;
	unsigned int layouts = 0;
	u64 seed;

	KUNIT_ASSERT_NOT_NULL(test, sp);
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (seed = 1; seed <= 10000; seed++) {
		struct xen_memplan_input in;
		const char *why;

		random_input(seed, map, &in);
		layouts++;
		if (xen_memplan_build(&in, c->plan)) {
			fatal++;
			if (c->plan->nr_map && !count_problems(c->plan, XEN_MEMPLAN_NO_RAM))
				KUNIT_FAIL(test, "seed %llu: fatal with RAM", seed);
			continue;
		}
		/* A tree limit below the map clips: check what it covers. */
		why = check_plan(c, &in, c->plan, sp, 4 * XEN_MEMPLAN_MAX_RANGES);
		if (why) {
			KUNIT_FAIL(test, "seed %llu: %s", seed, why);
			if (++bad == 5)
				break;
		}
	}
	/* Few maps are all holes; most must have produced a plan. */
	KUNIT_EXPECT_LT(test, fatal, 2000U);
	kunit_info(test, "xm-stat random_layouts=%u\n", layouts);
}

/* ---- Maps as long as the kernel's E820 can hold ---- */

/* RAM of 4 MiB and a bit, then a small table of some type, n times. */
static void long_map(struct e820_entry *map, unsigned int n)
{
	static const u32 tables[] = { RES, ACPI, NVS, RES };
	u64 addr = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		bool ram = !(i % 2);

		map[i].addr = addr;
		map[i].size = ram ? MIB(4) + (i % 7) * 0x1000 + (i % 3 ? 0 : 0x800) :
				    0x10000 + (i % 5) * 0x1000;
		map[i].type = ram ? RAM : tables[(i / 2) % ARRAY_SIZE(tables)];
		addr += map[i].size + (i % 11 ? 0 : MIB(1));
	}
}

static unsigned long ram_pages_of(const struct xen_memplan *p)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < p->nr_map; i++)
		if (p->map[i].type == RAM)
			n += p->map[i].end - p->map[i].start;
	return n;
}

/*
 * Maps of 131 (E820_MAX_ENTRIES without NUMA), 1000 and BIG_MAP entries:
 * every entry the kernel's E820 can hold is planned, the rest is ignored
 * and said so, and the plan keeps its invariants either way.
 */
static void maps_of_131_1000_3200_entries(struct kunit *test)
{
	static const unsigned int sizes[] = { 131, 1000, BIG_MAP };
	struct e820_entry *map = kunit_kcalloc(test, BIG_MAP, sizeof(*map),
					       GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int n = sizes[i], taken = min_t(unsigned int, n, E820_MAX_ENTRIES);
		const struct e820_entry *last = &map[taken - 1];
		unsigned long want = 0, end;
		struct xen_memplan *p;

		long_map(map, n);
		for (j = 0; j < taken; j++)
			if (map[j].type == RAM)
				want += PFN_DOWN(map[j].addr + map[j].size) -
					PFN_UP(map[j].addr);
		end = last->type == RAM ? PFN_DOWN(last->addr + last->size) :
					  PFN_UP(last->addr + last->size);

		p = plan_checked(test, map, n, want / 2, 0, true);
		KUNIT_EXPECT_EQ_MSG(test, count_problems(p, XEN_MEMPLAN_TRUNCATED),
				    n > E820_MAX_ENTRIES ? 1U : 0U, "%u entries", n);
		KUNIT_EXPECT_EQ_MSG(test, ram_pages_of(p), want, "%u entries", n);
		KUNIT_EXPECT_EQ_MSG(test, p->map[p->nr_map - 1].end, end,
				    "%u entries", n);
	}
}

/* ---- Overlaps and rounding as the kernel's own E820 code does them ---- */

static const struct e820_entry nvs_under_reserved[] = {
	{ 0, MIB(64) - 0x1000, RAM },
	{ MIB(64), 0x12000, NVS },
	{ MIB(64) - 0x1000, 0x14000, RES },		/* over all of 1 */
	{ MIB(64) + 0x13000, GIB(1) - MIB(64) - 0x13000, RAM },
	{ GIB(1), 0x2000, ACPI },
	{ GIB(1), 0x3000, RES },			/* over all of 4 */
	{ GIB(1) + 0x3000, GIB(1), RAM },
	{ GIB(2) + 0x3000, 0x800, NVS },		/* shares a page with 8 */
	{ GIB(2) + 0x3800, 0x1800, RES },
};

/*
 * Where entries overlap, the larger type number wins, as in
 * e820__update_table(): ACPI NVS and ACPI data under a reserved entry stay
 * what they are (NVS is saved across suspend), and a page two tables share
 * goes to the larger type.
 */
static void nvs_overlapped_by_reserved_stays_nvs(struct kunit *test)
{
	struct xen_memplan *p = plan_checked(test, nvs_under_reserved,
					     ARRAY_SIZE(nvs_under_reserved),
					     0x20000, 0, true);

	KUNIT_ASSERT_EQ(test, p->nr_map, 10U);
	expect_region(test, &p->map[0], 0, 0x3fff, RAM);
	expect_region(test, &p->map[1], 0x3fff, 0x4000, RES);
	expect_region(test, &p->map[2], 0x4000, 0x4012, NVS);
	expect_region(test, &p->map[3], 0x4012, 0x4013, RES);
	expect_region(test, &p->map[4], 0x4013, 0x40000, RAM);
	expect_region(test, &p->map[5], 0x40000, 0x40002, ACPI);
	expect_region(test, &p->map[6], 0x40002, 0x40003, RES);
	expect_region(test, &p->map[7], 0x40003, 0x80003, RAM);
	expect_region(test, &p->map[8], 0x80003, 0x80004, NVS);
	expect_region(test, &p->map[9], 0x80004, 0x80005, RES);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_OVERLAP), 2U);
}

static const struct e820_entry ram_meets_mid_page[] = {
	{ 0, 0x1800, RAM },
	{ 0x1800, MIB(16) - 0x1800, RAM },
	{ MIB(16), 0x800, ACPI },
	{ MIB(16) + 0x800, MIB(16) - 0x800, RAM },
};

/*
 * Two RAM entries that meet mid-page are one range before rounding: the
 * page they share stays RAM. A table that ends mid-page keeps that page.
 */
static void ram_entries_meeting_mid_page_keep_it(struct kunit *test)
{
	struct xen_memplan *p = plan_checked(test, ram_meets_mid_page,
					     ARRAY_SIZE(ram_meets_mid_page),
					     0x1800, 0, false);

	KUNIT_ASSERT_EQ(test, p->nr_map, 3U);
	expect_region(test, &p->map[0], 0, 0x1000, RAM);
	expect_region(test, &p->map[1], 0x1000, 0x1001, ACPI);
	expect_region(test, &p->map[2], 0x1001, 0x2000, RAM);
	KUNIT_EXPECT_EQ(test, ram_pages_of(p), 0x1fffUL);
	KUNIT_EXPECT_EQ(test, p->hole_pages, 1UL);
}

static const struct e820_entry isa_no_room[] = {
	{ 0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, MIB(256) - 0x100000, RAM },
};

/*
 * The ~97 frames Xen put under dom0's ISA hole are remapped above
 * nr_pages like any hole's (qemu_pc_* above), or released when no RAM is
 * left there; never kept out of reach. The pfns stay identity.
 */
static void dom0_isa_hole_frames_released_without_room(struct kunit *test)
{
	struct xen_memplan *p = plan_checked(test, isa_no_room,
					     ARRAY_SIZE(isa_no_room), 0x10000,
					     0, true);

	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x61UL);
	KUNIT_EXPECT_EQ(test, p->remapped, 0UL);
	KUNIT_EXPECT_EQ(test, p->released, 0x61UL);
	KUNIT_ASSERT_EQ(test, p->nr_release, 1U);
	expect_range(test, &p->release[0], 0x9f, 0x100);
	expect_range(test, &p->identity[0], 0x9f, 0x100);
	KUNIT_EXPECT_EQ(test, count_problems(p, XEN_MEMPLAN_NO_ROOM), 1U);
}

/* ---- Bad input: named, read safely, fatal only without RAM ---- */

#define PHYS_END	XEN_MEMPLAN_PHYS_END

static const struct bad_map {
	const char *what;
	struct e820_entry map[3];
	unsigned int nr;
	enum xen_memplan_problem_kind kind;
	int a;				/* the entry the boot line names */
	unsigned long ram_pages;	/* what the plan keeps as RAM */
	unsigned long end;		/* where the sane map ends */
} bad_maps[] = {
	{ "zero length", { { 0, MIB(16), RAM }, { MIB(16), 0, RES },
			   { MIB(16), MIB(16), RAM } }, 3,
	  XEN_MEMPLAN_ZERO_LENGTH, 1, 0x2000, 0x2000 },
	{ "unsorted", { { MIB(16), MIB(16), RAM }, { 0, MIB(16), RAM } }, 2,
	  XEN_MEMPLAN_UNSORTED, 1, 0x2000, 0x2000 },
	{ "unaligned", { { 0, MIB(16) + 0x800, RAM },
			 { MIB(16) + 0x800, MIB(1), RES } }, 2,
	  XEN_MEMPLAN_UNALIGNED, 0, 0x1000, 0x1101 },
	{ "overlapping", { { 0, MIB(32), RAM }, { MIB(16), MIB(32), NVS } }, 2,
	  XEN_MEMPLAN_OVERLAP, 0, 0x1000, 0x3000 },
	{ "past 2^52", { { 0, MIB(16), RAM }, { PHYS_END - GIB(1), GIB(2), RAM } },
	  2, XEN_MEMPLAN_PAST_PHYS, 1, 0x1000 + PFN(GIB(1)), PFN(PHYS_END) },
	{ "all past 2^52", { { 0, MIB(16), RAM }, { PHYS_END, GIB(1), RES } },
	  2, XEN_MEMPLAN_PAST_PHYS, 1, 0x1000, 0x1000 },
	{ "past 2^64", { { 0, MIB(16), RAM }, { ~0ULL - 0xfff, 0x2000, RES } },
	  2, XEN_MEMPLAN_PAST_PHYS, 1, 0x1000, 0x1000 },
	{ "RAM under a page", { { 0, MIB(16), RAM }, { MIB(32), 0x800, RAM } },
	  2, XEN_MEMPLAN_SUB_PAGE, 1, 0x1000, 0x1000 },
};

static void bad_entries_named_and_read_safely(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(bad_maps); i++) {
		const struct bad_map *b = &bad_maps[i];
		struct xen_memplan *p = plan_checked(test, b->map, b->nr, 0x800,
						     0, true);
		bool named = false;

		for (j = 0; j < min_t(unsigned int, p->nr_problems,
				      XEN_MEMPLAN_MAX_PROBLEMS); j++)
			named |= p->problem[j].kind == b->kind &&
				 p->problem[j].a == b->a;
		KUNIT_EXPECT_TRUE_MSG(test, named, "%s: entry %d not named",
				      b->what, b->a);
		KUNIT_EXPECT_FALSE_MSG(test, p->fatal, "%s", b->what);
		KUNIT_EXPECT_EQ_MSG(test, ram_pages_of(p), b->ram_pages, "%s",
				    b->what);
		KUNIT_EXPECT_EQ_MSG(test, p->map[p->nr_map - 1].end, b->end,
				    "%s", b->what);
	}
}

static const struct e820_entry ram_only_past_2_52[] = {
	{ 0, MIB(1), RES },
	{ PHYS_END, GIB(1), RAM },
};

/* Clipping at 2^52 leaves no RAM: the one case that must stop the boot. */
static void only_ram_past_2_52_is_fatal(struct kunit *test)
{
	struct ms_ctx *c = test->priv;
	struct xen_memplan_input in = {
		.map = ram_only_past_2_52, .nr_map = 2, .nr_pages = 0x100,
		.pfn_limit = LIMIT_64T, .p2m_limit = XEN_MEMPLAN_NO_LIMIT,
	};

	KUNIT_EXPECT_EQ(test, xen_memplan_build(&in, c->plan), -EINVAL);
	KUNIT_EXPECT_EQ(test, count_problems(c->plan, XEN_MEMPLAN_PAST_PHYS), 1U);
	KUNIT_EXPECT_EQ(test, count_problems(c->plan, XEN_MEMPLAN_NO_RAM), 1U);
}

/* ---- Maps of real machines, from public bug reports ---- */

/*
 * OpenXT xenclient-oe pull request 890 ("OXT-1318: Launch tboot from
 * Xen.efi"), https://github.com/OpenXT/xenclient-oe/pull/890: the map
 * Xen printed after tboot ("TBOOT RAM map"), a 16 GiB Intel laptop with
 * tboot's own 3 MiB marked unusable at 8 MiB.
 */
static const struct e820_entry openxt_tboot[] = {
	{ 0, 0x58000, RAM },
	{ 0x58000, 0x59000 - 0x58000, RES },
	{ 0x59000, 0x5f000 - 0x59000, RAM },
	{ 0x5f000, 0x60000 - 0x5f000, RES },
	{ 0x60000, 0x9f000 - 0x60000, RAM },
	{ 0x9f000, 0xa0000 - 0x9f000, RES },
	{ 0x100000, 0x800000 - 0x100000, RAM },
	{ 0x800000, 0xb5f000 - 0x800000, UNUS },
	{ 0xb5f000, 0xbcbff000 - 0xb5f000, RAM },
	{ 0xbcbff000, 0xd92a5000 - 0xbcbff000, RES },
	{ 0xd92a5000, 0xd92d6000 - 0xd92a5000, ACPI },
	{ 0xd92d6000, 0xd9a5e000 - 0xd92d6000, RES },
	{ 0xd9a5e000, 0xda1cf000 - 0xd9a5e000, NVS },
	{ 0xda1cf000, 0xdb700000 - 0xda1cf000, RES },
	{ 0xdbef0000, 0xdc000000 - 0xdbef0000, RES },
	{ 0xdd000000, 0xdf800000 - 0xdd000000, RES },
	{ 0xf8000000, 0xfc000000 - 0xf8000000, RES },
	{ 0xfec00000, 0xfec01000 - 0xfec00000, RES },
	{ 0xfed00000, 0xfed04000 - 0xfed00000, RES },
	{ 0xfed1c000, 0xfed30000 - 0xfed1c000, RES },
	{ 0xfed40000, 0xfed45000 - 0xfed40000, RES },
	{ 0xfee00000, 0xfee01000 - 0xfee00000, RES },
	{ 0xff000000, 0x100000000 - 0xff000000, RES },
	{ 0x100000000, 0x41e800000 - 0x100000000, RAM },
};

/*
 * home-assistant/operating-system issue 1634, "USB Z-Stick not working
 * anymore", https://github.com/home-assistant/operating-system/issues/1634:
 * a 2 GiB x86 board whose firmware puts ACPI NVS on page 0.
 */
static const struct e820_entry hassos_nvs_page0[] = {
	{ 0, 0x1000, NVS },
	{ 0x1000, 0xa0000 - 0x1000, RAM },
	{ 0xc0000, 0x100000 - 0xc0000, RES },
	{ 0x100000, 0xcfa9000 - 0x100000, RAM },
	{ 0xcfa9000, 0xcfb2000 - 0xcfa9000, RES },
	{ 0xcfb2000, 0xcfc5000 - 0xcfb2000, RAM },
	{ 0xcfc5000, 0xcfcb000 - 0xcfc5000, RES },
	{ 0xcfcb000, 0xcfdb000 - 0xcfcb000, RAM },
	{ 0xcfdb000, 0xcfe0000 - 0xcfdb000, RES },
	{ 0xcfe0000, 0xdef9000 - 0xcfe0000, RAM },
	{ 0xdef9000, 0xdf69000 - 0xdef9000, RES },
	{ 0xdf69000, 0xdf85000 - 0xdf69000, ACPI },
	{ 0xdf85000, 0xdf89000 - 0xdf85000, NVS },
	{ 0xdf89000, 0x80000000 - 0xdf89000, RAM },
	{ 0xffc00000, 0xffc2a000 - 0xffc00000, RES },
};

/*
 * intel/XenGT-Preview-kernel issue 7, "some operation quesions",
 * https://github.com/intel/XenGT-Preview-kernel/issues/7: the 8 entries
 * hvmloader gave a 2 GiB HVM guest, NVS just below the 4 GiB ROM.
 */
static const struct e820_entry xengt_hvmloader[] = {
	{ 0x0, 0x9fc00, RAM },
	{ 0x9fc00, 0x400, RES },
	{ 0xf0000, 0x10000, RES },
	{ 0x100000, 0x7f7ff000 - 0x100000, RAM },
	{ 0x7f7ff000, 0x1000, RES },
	{ 0xfc000000, 0xfdffd000 - 0xfc000000, RES },
	{ 0xfdffd000, 0x3000, NVS },
	{ 0xfe000000, 0x2000000, RES },
};

/*
 * QubesOS/qubes-issues issue 1491, https://github.com/QubesOS/qubes-issues/issues/1491:
 * the "Xen-e820 RAM map" of Xen 4.4.3 with dom0_mem=min:1024M, as far as
 * the report quotes it (up to 0xfc000000): RAM cut by two NVS ranges.
 */
static const struct e820_entry qubes1491_xen443[] = {
	{ 0x0, 0x9c800, RAM },
	{ 0x9c800, 0xa0000 - 0x9c800, RES },
	{ 0xe0000, 0x20000, RES },
	{ 0x100000, 0xb97fc000 - 0x100000, RAM },
	{ 0xb97fc000, 0xb9803000 - 0xb97fc000, NVS },
	{ 0xb9803000, 0xba06e000 - 0xb9803000, RAM },
	{ 0xba06e000, 0xba2fa000 - 0xba06e000, RES },
	{ 0xba2fa000, 0xc98e0000 - 0xba2fa000, RAM },
	{ 0xc98e0000, 0xc9af7000 - 0xc98e0000, RES },
	{ 0xc9af7000, 0xc9e1c000 - 0xc9af7000, RAM },
	{ 0xc9e1c000, 0xcab1f000 - 0xc9e1c000, NVS },
	{ 0xcab1f000, 0xcafff000 - 0xcab1f000, RES },
	{ 0xcafff000, 0x1000, RAM },
	{ 0xcbc00000, 0xcfe00000 - 0xcbc00000, RES },
	{ 0xf8000000, 0x4000000, RES },
};

/*
 * Modelled on QubesOS/qubes-issues issue 8791, "xen hypervisor allocated
 * kernel memory conflicts with E820",
 * https://github.com/QubesOS/qubes-issues/issues/8791, fixed upstream in
 * 6.12 (ACPI NVS overlapping Xen's allocations swapped with RAM): AMD
 * laptops with a small ACPI NVS range at 64 MiB, under the dom0 kernel
 * and its initial page tables. The sizes around it are ours.
 */
static const struct e820_entry qubes8791_like[] = {
	{ 0, 0x9f000, RAM },
	{ 0x9f000, 0xc0000 - 0x9f000, RES },
	{ 0xe0000, 0x100000 - 0xe0000, RES },
	{ 0x100000, 0x4000000 - 0x100000, RAM },
	{ 0x4000000, 0x4012000 - 0x4000000, NVS },
	{ 0x4012000, 0x9cbff000 - 0x4012000, RAM },
	{ 0x9cbff000, 0x9dfff000 - 0x9cbff000, RES },
	{ 0x9dfff000, 0x9e0ff000 - 0x9dfff000, ACPI },
	{ 0x9e0ff000, 0x9f2ff000 - 0x9e0ff000, NVS },
	{ 0x9f2ff000, 0x9ffff000 - 0x9f2ff000, RES },
	{ 0x9ffff000, 0xa0000000 - 0x9ffff000, RAM },
	{ 0xa0000000, 0xc0000000 - 0xa0000000, RES },
	{ 0xf0000000, 0xf8000000 - 0xf0000000, RES },
	{ 0xfd000000, 0x100000000 - 0xfd000000, RES },
	{ 0x100000000, 0x43f380000 - 0x100000000, RAM },
};

/* Every table of a real map comes out with its type, and RAM as RAM. */
static void expect_types_kept(struct kunit *test, const struct xen_memplan *p,
			      const struct e820_entry *map, unsigned int nr,
			      bool dom0)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		u64 end = map[i].addr + map[i].size;
		bool ram = map[i].type == RAM || (dom0 && map[i].type == UNUS);
		unsigned long s = ram ? PFN_UP(map[i].addr) : PFN_DOWN(map[i].addr);
		unsigned long e = ram ? PFN_DOWN(end) : PFN_UP(end);

		for (j = 0; j < p->nr_map; j++)
			if (p->map[j].start <= s && e <= p->map[j].end)
				break;
		KUNIT_EXPECT_TRUE_MSG(test, j < p->nr_map &&
				      p->map[j].type == (ram ? RAM : map[i].type),
				      "entry %u [%#llx-%#llx] type %u", i,
				      map[i].addr, end - 1, map[i].type);
	}
}

static void real_machine_maps_keep_every_invariant(struct kunit *test)
{
	static const struct {
		const struct e820_entry *map;
		unsigned int nr;
		unsigned long nr_pages, max_pages;
		bool dom0;
	} t[] = {
		{ openxt_tboot, ARRAY_SIZE(openxt_tboot), PFN(GIB(2)), PFN(GIB(4)), true },
		{ openxt_tboot, ARRAY_SIZE(openxt_tboot), PFN(GIB(4)), 0, true },
		{ hassos_nvs_page0, ARRAY_SIZE(hassos_nvs_page0), PFN(MIB(512)), PFN(GIB(1)),
		  true },
		{ hassos_nvs_page0, ARRAY_SIZE(hassos_nvs_page0), PFN(MIB(1536)), 0, true },
		{ xengt_hvmloader, ARRAY_SIZE(xengt_hvmloader), PFN(GIB(1)), 0, false },
		{ qubes1491_xen443, ARRAY_SIZE(qubes1491_xen443), PFN(GIB(1)), 0, true },
		{ qubes1491_xen443, ARRAY_SIZE(qubes1491_xen443), PFN(GIB(3)), 0, true },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), PFN(GIB(4)), PFN(GIB(8)), true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct xen_memplan *p = plan_checked(test, t[i].map, t[i].nr,
						     t[i].nr_pages,
						     t[i].max_pages, t[i].dom0);

		expect_types_kept(test, p, t[i].map, t[i].nr, t[i].dom0);
		KUNIT_EXPECT_EQ_MSG(test, p->released, 0UL, "case %u", i);
	}
}

/*
 * Qubes 8791's layout: the NVS at 64 MiB stays NVS and identity (its
 * contents are the firmware's), and the frames Xen put at those pfns move
 * above nr_pages like any hole's.
 */
static void nvs_at_64m_under_dom0_is_identity_and_remapped(struct kunit *test)
{
	struct xen_memplan *p = plan_checked(test, qubes8791_like,
					     ARRAY_SIZE(qubes8791_like),
					     PFN(GIB(1)), PFN(GIB(2)), true);
	unsigned int i;
	bool moved = false;

	expect_region(test, &p->map[3], 0x100, 0x4000, RAM);
	expect_region(test, &p->map[4], 0x4000, 0x4012, NVS);
	expect_range(test, &p->identity[1], 0x4000, 0x4012);
	for (i = 0; i < p->nr_remap; i++)
		moved |= p->remap[i].src <= 0x4000 &&
			 p->remap[i].src + p->remap[i].n >= 0x4012;
	KUNIT_EXPECT_TRUE(test, moved);
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x61UL + 0x12);
	KUNIT_EXPECT_EQ(test, p->remapped, p->hole_pages);
}

/*
 * What cannot move (the kernel with its brk, start_info, the page tables)
 * is checked against the map as 6.12 does, and the conflict is named: the
 * NVS at 64 MiB under a kernel at 16-80 MiB (Qubes 8791), a gap, the end
 * of the map; a range across two RAM entries that meet mid-page is RAM.
 */
static void fixed_areas_checked_against_the_map(struct kunit *test)
{
	static const struct {
		const struct e820_entry *map;
		unsigned int nr;
		u64 start, size;
		bool conflict;
		unsigned long s, e;
		u32 type;
	} t[] = {
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), MIB(16), MIB(64),
		  true, 0x4000, 0x4012, NVS },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), MIB(16), MIB(48),
		  false },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), MIB(16), MIB(48) + 1,
		  true, 0x4000, 0x4012, NVS },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), 0xc1000, 0x1000,
		  true, 0xc0, 0xe0, 0 },
		{ ram_meets_mid_page, ARRAY_SIZE(ram_meets_mid_page), 0x800, 0x1000,
		  false },
		{ ram_meets_mid_page, ARRAY_SIZE(ram_meets_mid_page), MIB(31), MIB(2),
		  true, 0x2000, XEN_MEMPLAN_NO_LIMIT, 0 },
	};
	struct xen_memplan_region hit;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct xen_memplan *p = plan_checked(test, t[i].map, t[i].nr,
						     0x1800, 0, true);
		bool got = xen_memplan_conflict(p, t[i].start, t[i].size, &hit);

		KUNIT_EXPECT_EQ_MSG(test, got, t[i].conflict, "case %u", i);
		if (!got || !t[i].conflict)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, hit.start, t[i].s, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, hit.end, t[i].e, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, hit.type, t[i].type, "case %u", i);
	}
}

/*
 * Qubes 8791 fixed as 6.12 does: the kernel at 16-80 MiB sits on the NVS
 * at 64 MiB. The NVS trades places with the top of the first RAM above
 * nr_pages; the kernel's range is RAM, nothing under it is remapped any
 * more, the moved NVS is identity in the plan (its frames are set after
 * memblock) and ACPI's addresses of it follow it.
 */
static void nvs_under_kernel_swaps_with_ram_above(struct kunit *test)
{
	struct xen_memplan_input in = {
		.map = qubes8791_like, .nr_map = ARRAY_SIZE(qubes8791_like),
		.nr_pages = PFN(GIB(1)), .max_pages = PFN(GIB(2)), .dom0 = true,
	};
	struct xen_memplan *p = plan_checked_in(test, &in);
	struct xen_memplan_region hit;
	struct xen_memplan_swap s;
	unsigned int i;
	bool moved = false;
	u64 phys;

	KUNIT_ASSERT_TRUE(test, xen_memplan_conflict(p, MIB(16), MIB(64), &hit));
	KUNIT_ASSERT_EQ(test, xen_memplan_swap_nvs(&in, p, MIB(16), MIB(64), &s), 0);
	KUNIT_EXPECT_EQ(test, s.from, 0x4000UL);
	KUNIT_EXPECT_EQ(test, s.n, 0x12UL);
	KUNIT_EXPECT_EQ(test, s.to, 0x9cbffUL - 0x12);
	KUNIT_EXPECT_FALSE(test, xen_memplan_conflict(p, MIB(16), MIB(64), &hit));
	expect_invariants(test, &in, p);

	expect_region(test, &p->map[3], 0x100, 0x9cbed, RAM);
	expect_region(test, &p->map[4], 0x9cbed, 0x9cbff, NVS);
	for (i = 0; i < p->nr_identity; i++)
		moved |= p->identity[i].start == 0x9cbed;
	KUNIT_EXPECT_TRUE(test, moved);
	for (i = 0; i < p->nr_remap; i++)
		KUNIT_EXPECT_TRUE_MSG(test, p->remap[i].src + p->remap[i].n <= 0x4000 ||
				      p->remap[i].src >= 0x4012, "remap %#lx",
				      p->remap[i].src);
	KUNIT_EXPECT_EQ(test, p->hole_pages, 0x61UL);

	phys = 0x4000010;
	KUNIT_EXPECT_EQ(test, xen_memplan_swapped_phys(&s, 1, &phys, 0x100), 0);
	KUNIT_EXPECT_EQ(test, phys, 0x9cbed010ULL);
	phys = 0x5000000;
	KUNIT_EXPECT_EQ(test, xen_memplan_swapped_phys(&s, 1, &phys, 0x100), 0);
	KUNIT_EXPECT_EQ(test, phys, 0x5000000ULL);
	phys = 0x3fff000;
	KUNIT_EXPECT_EQ(test, xen_memplan_swapped_phys(&s, 1, &phys, 0x2000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, phys, 0x3fff000ULL);
}

static const struct e820_entry nvs_big_ram_above_small[] = {
	{ 0, 0x9f000, RAM },
	{ 0x100000, MIB(63), RAM },
	{ MIB(64), MIB(8), NVS },
	{ MIB(72), MIB(56), RAM },
	{ MIB(256), MIB(4), RAM },
};

/*
 * No swap where none is possible, and the plan unchanged: a range on a
 * gap or reserved, no RAM above nr_pages, RAM above smaller than the NVS,
 * RAM above only past the P2M's limit.
 */
static void nvs_swap_refused_changes_nothing(struct kunit *test)
{
	static const struct {
		const struct e820_entry *map;
		unsigned int nr;
		unsigned long nr_pages, p2m_limit;
		u64 start, size;
		int rc;
	} t[] = {
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), PFN(GIB(1)), 0,
		  0xc1000, 0x1000, -ENOENT },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), PFN(GIB(1)), 0,
		  0x9cc00000, 0x1000, -ENOENT },
		{ qubes8791_like, ARRAY_SIZE(qubes8791_like), PFN(0x43f380000ULL), 0,
		  MIB(16), MIB(64), -ENOSPC },
		{ nvs_big_ram_above_small, ARRAY_SIZE(nvs_big_ram_above_small),
		  PFN(MIB(128)), 0, MIB(16), MIB(64), -ENOSPC },
		{ nvs_big_ram_above_small, ARRAY_SIZE(nvs_big_ram_above_small),
		  PFN(MIB(96)), PFN(MIB(100)), MIB(16), MIB(64), -ENOSPC },
		{ nvs_big_ram_above_small, ARRAY_SIZE(nvs_big_ram_above_small),
		  PFN(MIB(96)), 0, MIB(16), MIB(64), 0 },
	};
	const size_t plan_size = offsetof(struct xen_memplan, in);
	struct xen_memplan *copy = kunit_kmalloc(test, sizeof(*copy), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct xen_memplan_input in = {
			.map = t[i].map, .nr_map = t[i].nr,
			.nr_pages = t[i].nr_pages, .dom0 = true,
		};
		struct xen_memplan *p = plan_checked_in(test, &in);
		struct xen_memplan_swap s = { 0 };
		int rc;

		if (t[i].p2m_limit) {
			in.p2m_limit = t[i].p2m_limit;
			KUNIT_ASSERT_EQ(test, xen_memplan_build(&in, p), 0);
		}
		memcpy(copy, p, plan_size);
		rc = xen_memplan_swap_nvs(&in, p, t[i].start, t[i].size, &s);
		KUNIT_EXPECT_EQ_MSG(test, rc, t[i].rc, "case %u", i);
		if (rc) {
			KUNIT_EXPECT_EQ_MSG(test, memcmp(copy, p, plan_size), 0,
					    "case %u changed the plan", i);
			continue;
		}
		/* The one that fits: 8 MiB from the top of 72-128 MiB. */
		KUNIT_EXPECT_EQ_MSG(test, s.to, PFN(MIB(120)), "case %u", i);
		expect_invariants(test, &in, p);
	}
}

static struct kunit_case xen_memory_setup_cases[] = {
	KUNIT_CASE(qemu_pc_below_4g_max_leaves_rest_unusable),
	KUNIT_CASE(qemu_pc_above_4g_extra_skips_the_pci_hole),
	KUNIT_CASE(qemu_pc_above_4g_no_max_takes_all_ram),
	KUNIT_CASE(tiny_start_huge_max_caps_room_not_budget),
	KUNIT_CASE(hole_not_2m_aligned_remaps_ram_above),
	KUNIT_CASE(seed002_max_next_to_hole_balloons_to_max),
	KUNIT_CASE(seed002_qemu_map_takes_last_pages_above_4g),
	KUNIT_CASE(max_inside_leaf_before_hole_leaves_gap_missing),
	KUNIT_CASE(non_page_aligned_entries_round_ram_in_holes_out),
	KUNIT_CASE(overlapping_unsorted_entries_larger_type_wins),
	KUNIT_CASE(hole_of_many_gib_costs_no_tree_page),
	KUNIT_CASE(ram_past_512g_becomes_extra_for_dom0),
	KUNIT_CASE(ram_past_512g_unusable_under_512gb_limit),
	KUNIT_CASE(nr_pages_not_multiple_of_512_tail_is_extra),
	KUNIT_CASE(max_below_start_keeps_only_remap_targets),
	KUNIT_CASE(no_ram_above_releases_and_says_so),
	KUNIT_CASE(dom0_unusable_is_ram_domu_keeps_hole),
	KUNIT_CASE(map_without_ram_is_fatal),
	KUNIT_CASE(fatal_reason_kept_past_a_full_list),
	KUNIT_CASE(table_maps_satisfy_invariants),
	KUNIT_CASE(random_maps_satisfy_invariants),
	KUNIT_CASE(maps_of_131_1000_3200_entries),
	KUNIT_CASE(nvs_overlapped_by_reserved_stays_nvs),
	KUNIT_CASE(ram_entries_meeting_mid_page_keep_it),
	KUNIT_CASE(dom0_isa_hole_frames_released_without_room),
	KUNIT_CASE(bad_entries_named_and_read_safely),
	KUNIT_CASE(only_ram_past_2_52_is_fatal),
	KUNIT_CASE(real_machine_maps_keep_every_invariant),
	KUNIT_CASE(nvs_at_64m_under_dom0_is_identity_and_remapped),
	KUNIT_CASE(fixed_areas_checked_against_the_map),
	KUNIT_CASE(nvs_under_kernel_swaps_with_ram_above),
	KUNIT_CASE(nvs_swap_refused_changes_nothing),
	{}
};

static struct kunit_suite xen_memory_setup_suite = {
	.name = "xen_memory_setup",
	.init = ms_init,
	.test_cases = xen_memory_setup_cases,
};

kunit_test_suite(xen_memory_setup_suite);

MODULE_LICENSE("GPL");
