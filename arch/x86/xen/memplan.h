/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory plan of a Xen PV guest: what every pfn becomes, computed from
 * Xen's E820 and the start info alone. memplan.c computes it (no
 * hypercalls, no globals, so KUnit runs it on any map); setup-memory.c
 * applies it to the live P2M, the kernel's e820_table and the balloon.
 */
#ifndef _XEN_MEMPLAN_H
#define _XEN_MEMPLAN_H

#include <linux/types.h>
#include <asm/e820/types.h>
#include <asm/page_types.h>

/* Entries of Xen's map the plan takes: as many as the kernel's E820 holds. */
#define XEN_MEMPLAN_MAX_MAP		E820_MAX_ENTRIES
/* Capacity of the sanitized map and of each list of ranges. */
#define XEN_MEMPLAN_MAX_RANGES		(2 * XEN_MEMPLAN_MAX_MAP)
/* The guest E820: each RAM region splits in at most three. */
#define XEN_MEMPLAN_MAX_GUEST		(2 * XEN_MEMPLAN_MAX_RANGES)
#define XEN_MEMPLAN_MAX_PROBLEMS	16

/*
 * Balloon room is capped at this many times the initial memory. The
 * struct page of every extra pfn is allocated at boot out of the initial
 * memory: 64 bytes per 4 KiB page, so 8x costs 8/64 = 1/8 of it and
 * leaves 7/8 to run the system. Upstream used 10x (about 16%).
 */
#define XEN_MEMPLAN_EXTRA_RATIO		8

/* 2^52: x86-64's physical addresses end here; entries past it are clipped. */
#define XEN_MEMPLAN_PHYS_END		0x10000000000000ULL

/* Geometry of the P2M tree the brk budget is computed for. */
#define XEN_MEMPLAN_LEAF_PFNS		512UL
#define XEN_MEMPLAN_MID_PFNS		(512UL * 512UL)

/* An unbounded P2M: identity beyond the map runs to ~0UL. */
#define XEN_MEMPLAN_NO_LIMIT		(~0UL)

struct xen_memplan_input {
	const struct e820_entry *map;	/* as Xen gave it: any order */
	unsigned int nr_map;
	unsigned long nr_pages;		/* xen_start_info->nr_pages */
	/*
	 * Most pages the guest may hold: dom0's XENMEM_maximum_reservation;
	 * for a domU its pseudo map already ends at maxmem, pass pfn_limit.
	 */
	unsigned long max_pages;
	unsigned long pfn_limit;	/* pfns the kernel can address */
	unsigned long p2m_limit;	/* pfns the P2M covers, or NO_LIMIT */
	bool dom0;
};

/* Pfn ranges, end exclusive. */
struct xen_memplan_range {
	unsigned long start;
	unsigned long end;
};

struct xen_memplan_region {
	unsigned long start;
	unsigned long end;
	u32 type;			/* enum e820_type */
};

/* n pages of RAM under a hole at src move to the pfns at dst. */
struct xen_memplan_remap {
	unsigned long src;
	unsigned long dst;
	unsigned long n;
};

enum xen_memplan_problem_kind {
	XEN_MEMPLAN_ZERO_LENGTH,	/* entry a is empty: dropped */
	XEN_MEMPLAN_PAST_PHYS,		/* entry a runs past 2^52: cut or dropped */
	XEN_MEMPLAN_UNALIGNED,		/* entry a not page aligned: rounded */
	XEN_MEMPLAN_SUB_PAGE,		/* RAM at entry a holds no whole page */
	XEN_MEMPLAN_UNSORTED,		/* entry a starts below entry b */
	XEN_MEMPLAN_OVERLAP,		/* entries a and b overlap */
	XEN_MEMPLAN_TRUNCATED,		/* more than MAX_MAP entries */
	XEN_MEMPLAN_NO_RAM,		/* nothing usable: fatal */
	XEN_MEMPLAN_TOO_MANY,		/* a list of the plan overflowed: fatal */
	XEN_MEMPLAN_PAGES_BEYOND_LIMIT,	/* nr_pages above pfn_limit */
	XEN_MEMPLAN_RAM_BEYOND_LIMIT,	/* RAM above pfn_limit: unusable */
	XEN_MEMPLAN_EXTRA_CAPPED,	/* balloon room cut by the ratio */
	XEN_MEMPLAN_NO_ROOM,		/* RAM under holes released for good */
	XEN_MEMPLAN_BEYOND_TREE,	/* identity clipped to the P2M */
};

/*
 * An ACPI NVS range under what cannot move, swapped with RAM above
 * nr_pages (as 6.12 does): the guest's E820 shows it at pfns to.., its
 * frames stay those at from.. (in dom0 the machine frames of the NVS).
 */
struct xen_memplan_swap {
	unsigned long from;
	unsigned long to;
	unsigned long n;
};

struct xen_memplan_problem {
	enum xen_memplan_problem_kind kind;
	int a;				/* index into Xen's map, or -1 */
	int b;
	u64 start;			/* bytes, or pfns for plan-level ones */
	u64 end;
};

struct xen_memplan {
	/* Xen's map made sane: sorted, disjoint, merged, in pfns. */
	struct xen_memplan_region map[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_map;

	struct xen_memplan_problem problem[XEN_MEMPLAN_MAX_PROBLEMS];
	/* May exceed the array: counted. A fatal one is always kept. */
	unsigned int nr_problems;
	unsigned int nr_map_problems;	/* of them, about Xen's map */

	/* From here to in[]: derived from map[], made again after a swap. */

	/* The guest's E820: populated and extra RAM, unusable, holes. */
	struct xen_memplan_region guest[XEN_MEMPLAN_MAX_GUEST];
	unsigned int nr_guest;

	/* Every non-RAM pfn the P2M covers, gaps and the tail included. */
	struct xen_memplan_range identity[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_identity;

	/* E820 RAM the guest starts with: below nr_pages. */
	struct xen_memplan_range ram[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_ram;

	/* RAM under holes below nr_pages: moved above, or released. */
	struct xen_memplan_remap remap[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_remap;
	struct xen_memplan_range release[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_release;

	/* Balloon regions (remap targets first) and unreachable RAM. */
	struct xen_memplan_range extra[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_extra;
	struct xen_memplan_range unusable[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_unusable;

	unsigned long initial_end;	/* min(nr_pages, pfn_limit) */
	unsigned long hole_pages;	/* RAM pages under holes < initial_end */
	unsigned long remapped;		/* of which moved above */
	unsigned long released;		/* of which given back for good */
	unsigned long balloon_pages;	/* room for the balloon past remap */
	unsigned long capped_pages;	/* balloon room the ratio cut off */
	unsigned long extra_pages;	/* remapped + balloon_pages */
	unsigned long unusable_pages;
	unsigned long ram_end;		/* end of the highest RAM or extra */
	unsigned long brk_identity;	/* P2M pages the identity ranges need */
	unsigned long brk_remap;	/* P2M pages the remap targets need */
	unsigned long brk_pages;	/* worst case of the two together */
	bool fatal;

	/* Scratch of xen_memplan_build(): Xen's entries, sorted. */
	struct xen_memplan_entry {
		u64 addr;		/* as Xen gave it, in bytes */
		u64 end;
		u32 type;
		int idx;
	} in[XEN_MEMPLAN_MAX_MAP];
	u64 points[2 * XEN_MEMPLAN_MAX_MAP];
	unsigned int active[XEN_MEMPLAN_MAX_MAP];
	struct xen_memplan_range src[XEN_MEMPLAN_MAX_RANGES];
	unsigned int nr_src;
};

int xen_memplan_build(const struct xen_memplan_input *in,
		      struct xen_memplan *plan);
bool xen_memplan_conflict(const struct xen_memplan *plan, u64 start,
			  u64 size, struct xen_memplan_region *hit);
int xen_memplan_swap_nvs(const struct xen_memplan_input *in,
			 struct xen_memplan *plan, u64 start, u64 size,
			 struct xen_memplan_swap *swap);
int xen_memplan_swapped_phys(const struct xen_memplan_swap *swap,
			     unsigned int nr, u64 *phys, u64 size);
const char *xen_memplan_problem_name(enum xen_memplan_problem_kind kind);

#endif /* _XEN_MEMPLAN_H */
