// SPDX-License-Identifier: GPL-2.0
/*
 * Memory setup of a Xen PV guest: the E820 the kernel runs with, the P2M's
 * identity ranges, the RAM that Xen put under holes and the balloon's extra
 * regions. It replaces the memory half of setup.c (patch 0200 compiles
 * that half out); memplan.c decides, this file talks to Xen and applies.
 *
 *   xen_memory_setup()                          x86_init.resources.memory_setup
 *     XENMEM_machine_memory_map (dom0) | XENMEM_memory_map (domU, or one RAM
 *        entry of nr_pages + 8 MiB when Xen has none)
 *     XENMEM_maximum_reservation (dom0: the max: of dom0_mem)
 *     xen_memplan_build()         -> the plan
 *     kernel (to _end, brk included), start_info, page tables checked
 *        against the map: ACPI NVS under them swapped with RAM above
 *        nr_pages (xen_memplan_swap_nvs(), the plan made again), any
 *        other hole stops the boot naming both ranges
 *     e820_table                  <- plan.guest + the ISA hole
 *     xen_extra_mem[]             <- plan.extra (memblock-reserved)
 *     mfn_list, initrd            moved when they sit in a hole
 *     remap chain                 <- MFNs of the RAM under holes (below)
 *     XENMEM_decrease_reservation <- plan.release (no RAM above for them)
 *     set_phys_range_identity()   <- plan.identity
 *   ... memblock, page tables ...
 *   xen_remap_memory()                          from xen_pagetable_init()
 *     chain -> P2M, M2P and the direct map at the remap targets, which
 *     leave xen_extra_mem[]; swapped NVS pfns -> the NVS frames (P2M),
 *     and acpi_os_ioremap() translates ACPI's addresses of them
 *
 * The remap chain. Until the page tables are up, the P2M may not be able to
 * take entries above nr_pages (6.1's linear P2M cannot). So the MFNs of the
 * RAM under a hole are kept in that RAM itself: the first page of every
 * chunk of XEN_REMAP_CHUNK pages is mapped at xen_remap_page and gets
 *
 *   [ next chunk's MFN | first target pfn | count | MFN 0 | MFN 1 | ... ]
 *
 * and xen_remap_head holds the MFN of the last chunk written. Nothing is
 * allocated and the pages lose nothing: their contents are not needed.
 * Linux 3.x released these pages and populated as many above; that needs
 * free memory in Xen at boot (dom0 often has none spare) and scatters the
 * frames. Remapping keeps the very frames; release is only the fallback
 * when the map has no RAM above nr_pages.
 *
 * Which P2M: this file works with 6.1's linear P2M and with our tree (its
 * asm/xen/page.h defines P2M_MID_SPAN). The linear P2M answers identity
 * for every pfn past its size, so it cannot keep unreachable RAM missing
 * and ignores identity above nr_pages; the tree is sized from the map and
 * takes all of it.
 */

#define pr_fmt(fmt) "xen_memory: " fmt

#include <linux/acpi.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/string.h>

#include <asm/e820/api.h>
#include <asm/fixmap.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>

#include <xen/hvc-console.h>
#include <xen/interface/memory.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "memplan.h"
#include "xen-ops.h"

#ifdef P2M_MID_SPAN
#define XEN_P2M_IS_TREE	1
/* Before memblock the tree's pages come from brk: */
#define xen_memory_set_p2m	set_phys_to_machine_early
#else
#define XEN_P2M_IS_TREE	0
#define xen_memory_set_p2m	__set_phys_to_machine
#endif

struct xen_memory_region xen_extra_mem[XEN_EXTRA_MEM_MAX_REGIONS] __initdata;

/* Pages given back to Xen for good; the balloon starts below by as many. */
unsigned long xen_released_pages;

static struct e820_entry xen_raw_map[XEN_MEMPLAN_MAX_MAP] __initdata;
static unsigned int xen_raw_nr __initdata;
static struct xen_memplan_input xen_plan_in __initdata;
static struct xen_memplan xen_plan __initdata;

/* ACPI NVS moved from under the kernel (or what else cannot move). */
static struct xen_memplan_swap xen_nvs_swap[4] __ro_after_init;
static unsigned int xen_nr_nvs_swap __ro_after_init;

#define XEN_REMAP_CHUNK	(PAGE_SIZE / sizeof(unsigned long) - 3)

static struct {
	unsigned long next;
	unsigned long dst;
	unsigned long n;
	unsigned long mfn[XEN_REMAP_CHUNK];
} xen_remap_page __initdata __aligned(PAGE_SIZE);

static unsigned long xen_remap_head __initdata = INVALID_P2M_ENTRY;

/* xen_512gb_limit[=bool] on the command line overrides CONFIG_XEN_512GB. */
static bool __init xen_memory_512gb(void)
{
	static const char opt[] = "xen_512gb_limit";
	const char *arg = strstr(xen_start_info->cmd_line, opt);
	bool val = IS_ENABLED(CONFIG_XEN_512GB);

	if (!arg)
		return val;
	arg += sizeof(opt) - 1;
	if (*arg != '=')
		return true;
	if (kstrtobool(arg + 1, &val))
		return IS_ENABLED(CONFIG_XEN_512GB);
	return val;
}

static unsigned long __init xen_memory_pfn_limit(void)
{
	if (!xen_initial_domain() && xen_memory_512gb())
		return 512UL << (30 - PAGE_SHIFT);
	return PFN_DOWN(MAXMEM);
}

static unsigned long __init xen_memory_p2m_limit(void)
{
#if XEN_P2M_IS_TREE
	return xen_p2m_capacity();
#else
	return XEN_MEMPLAN_NO_LIMIT;
#endif
}

static unsigned int __init xen_memory_get_map(unsigned long nr_pages)
{
	struct xen_memory_map memmap = { .nr_entries = ARRAY_SIZE(xen_raw_map) };
	int op = xen_initial_domain() ? XENMEM_machine_memory_map :
					XENMEM_memory_map;
	int rc;

	set_xen_guest_handle(memmap.buffer, xen_raw_map);
	rc = HYPERVISOR_memory_op(op, &memmap);
	if (!rc && memmap.nr_entries)
		return memmap.nr_entries;

	if (xen_initial_domain()) {
		/* Xen says -EINVAL when its map needs more entries than ours. */
		xen_raw_console_write("xen_memory: no machine memory map from Xen\n");
		panic("xen_memory: XENMEM_machine_memory_map failed (%d) with room for %zu entries\n",
		      rc, ARRAY_SIZE(xen_raw_map));
	}
	/* The toolstack gave no map: RAM for what we have, slack for backends. */
	xen_raw_map[0].addr = 0;
	xen_raw_map[0].size = PFN_PHYS(nr_pages) + SZ_8M;
	xen_raw_map[0].type = E820_TYPE_RAM;
	pr_warn("no memory map from Xen (%d): using RAM [mem 0-%#llx]\n",
		rc, xen_raw_map[0].size - 1);
	return 1;
}

static unsigned long __init xen_memory_max_pages(unsigned long limit)
{
	domid_t domid = DOMID_SELF;
	long rc;

	/* A domU's pseudo map already ends at its maxmem. */
	if (!xen_initial_domain())
		return limit;
	rc = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &domid);
	return rc > 0 ? min_t(unsigned long, rc, limit) : limit;
}

static void __init xen_memory_print_problems(const struct xen_memplan *plan)
{
	unsigned int i, n = min_t(unsigned int, plan->nr_problems,
				  XEN_MEMPLAN_MAX_PROBLEMS);

	for (i = 0; i < n; i++) {
		const struct xen_memplan_problem *p = &plan->problem[i];
		const char *what = xen_memplan_problem_name(p->kind);
		const struct e820_entry *a, *b;

		if (p->kind == XEN_MEMPLAN_EXTRA_CAPPED) {
			pr_info("%s: %llu pages wanted, %llu allowed (%dx the start)\n",
				what, p->start, p->end, XEN_MEMPLAN_EXTRA_RATIO);
			continue;
		}
		if (p->kind == XEN_MEMPLAN_NO_ROOM) {
			pr_warn("%s: %llu of %llu pages\n", what, p->start, p->end);
			continue;
		}
		if (p->a < 0 || p->a >= xen_raw_nr) {
			pr_info("%s: [%#llx-%#llx)\n", what, p->start, p->end);
			continue;
		}
		a = &xen_raw_map[p->a];
		if (p->b < 0 || p->b >= xen_raw_nr) {
			pr_warn("E820 entry %d [mem %#010llx-%#010llx] type %u: %s\n",
				p->a, a->addr, a->addr + a->size - 1, a->type,
				what);
			continue;
		}
		b = &xen_raw_map[p->b];
		pr_warn("E820 entries %d [mem %#010llx-%#010llx] type %u and %d [mem %#010llx-%#010llx] type %u: %s\n",
			p->a, a->addr, a->addr + a->size - 1, a->type,
			p->b, b->addr, b->addr + b->size - 1, b->type, what);
	}
	if (plan->nr_problems > n)
		pr_warn("%u more problems with the map not shown\n",
			plan->nr_problems - n);
}

static void __init xen_memory_fill_e820(const struct xen_memplan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->nr_guest; i++) {
		const struct xen_memplan_region *r = &plan->guest[i];

		e820__range_add(PFN_PHYS(r->start), PFN_PHYS(r->end - r->start),
				r->type);
	}
	/* Too much pokes at the ISA range: reserved even where it is RAM. */
	e820__range_add(ISA_START_ADDRESS, ISA_END_ADDRESS - ISA_START_ADDRESS,
			E820_TYPE_RESERVED);
	e820__update_table(e820_table);
#ifdef CONFIG_MEMORY_HOTPLUG
	/* No hotplug past our RAM at boot; xen_balloon_lift_mem_limit() ends it. */
	max_mem_size = PFN_PHYS(plan->ram_end);
#endif
}

/* Adds to, or extends, a balloon region; the balloon takes them at init. */
void __init xen_add_extra_mem(unsigned long start, unsigned long n)
{
	struct xen_memory_region *r;

	for (r = xen_extra_mem; r < xen_extra_mem + XEN_EXTRA_MEM_MAX_REGIONS; r++) {
		if (r->n_pfns && r->start_pfn + r->n_pfns == start) {
			r->n_pfns += n;
			break;
		}
		if (!r->n_pfns) {
			r->start_pfn = start;
			r->n_pfns = n;
			break;
		}
	}
	if (r == xen_extra_mem + XEN_EXTRA_MEM_MAX_REGIONS)
		pr_warn("no region left for extra [%#lx-%#lx)\n", start,
			start + n);
	memblock_reserve(PFN_PHYS(start), PFN_PHYS(n));
}

/* [start, start + n) leaves the balloon regions and memblock's reserved. */
static void __init xen_del_extra_mem(unsigned long start, unsigned long n)
{
	unsigned long end = start + n;
	struct xen_memory_region *r;

	for (r = xen_extra_mem; r < xen_extra_mem + XEN_EXTRA_MEM_MAX_REGIONS; r++) {
		unsigned long rs = r->start_pfn, re = rs + r->n_pfns;

		if (!r->n_pfns || start < rs || end > re)
			continue;
		if (start == rs) {
			r->start_pfn = end;
			r->n_pfns = re - end;
		} else {
			r->n_pfns = start - rs;
			if (end < re)
				xen_add_extra_mem(end, re - end);
		}
		break;
	}
	WARN(r == xen_extra_mem + XEN_EXTRA_MEM_MAX_REGIONS,
	     "xen_memory: [%#lx-%#lx) is in no extra region\n", start, end);
	memblock_phys_free(PFN_PHYS(start), PFN_PHYS(n));
}

static void __init xen_memory_add_extra(const struct xen_memplan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->nr_extra; i++) {
		const struct xen_memplan_range *r = &plan->extra[i];

		xen_add_extra_mem(r->start, r->end - r->start);
		pr_info("extra [%#lx-%#lx) %lu pages for the balloon\n",
			r->start, r->end, r->end - r->start);
	}
	for (i = 0; i < plan->nr_unusable; i++)
		pr_info("unusable RAM [%#lx-%#lx) %lu pages: beyond reach\n",
			plan->unusable[i].start, plan->unusable[i].end,
			plan->unusable[i].end - plan->unusable[i].start);
#if !XEN_P2M_IS_TREE
	if (plan->nr_extra)
		xen_max_p2m_pfn = max(xen_max_p2m_pfn,
				      plan->extra[plan->nr_extra - 1].end);
#endif
}

#if !XEN_P2M_IS_TREE
/*
 * Before 6.1's P2M is rebuilt, pfns past Xen's list answer through here:
 * balloon regions are missing, anything else identity.
 */
unsigned long __ref xen_chk_extra_mem(unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < XEN_EXTRA_MEM_MAX_REGIONS; i++) {
		if (pfn >= xen_extra_mem[i].start_pfn &&
		    pfn - xen_extra_mem[i].start_pfn < xen_extra_mem[i].n_pfns)
			return INVALID_P2M_ENTRY;
	}
	return IDENTITY_FRAME(pfn);
}

/* 6.1's rebuilt P2M: balloon regions become missing. */
void __init xen_inv_extra_mem(void)
{
	unsigned long pfn, end;
	unsigned int i;

	for (i = 0; i < XEN_EXTRA_MEM_MAX_REGIONS; i++) {
		pfn = xen_extra_mem[i].start_pfn;
		end = pfn + xen_extra_mem[i].n_pfns;
		for (; pfn < end; pfn++)
			set_phys_to_machine(pfn, INVALID_P2M_ENTRY);
	}
}
#endif

/* [start, start + size) touches a page that is not RAM in Xen's map. */
static bool __init xen_memory_reserved(phys_addr_t start, phys_addr_t size)
{
	struct xen_memplan_region hit;

	return size && xen_memplan_conflict(&xen_plan, start, size, &hit);
}

#ifdef CONFIG_ACPI
/* ACPI names NVS by its machine address; the guest sees it moved. */
static void __iomem *xen_memory_acpi_ioremap(acpi_physical_address phys,
					     acpi_size size)
{
	u64 p = phys;

	if (xen_memplan_swapped_phys(xen_nvs_swap, xen_nr_nvs_swap, &p, size)) {
		pr_warn("ACPI map [mem %#010llx-%#010llx] crosses a moved NVS range: refused\n",
			(u64)phys, (u64)phys + size - 1);
		return NULL;
	}
	return x86_acpi_os_ioremap(p, size);
}
#endif

/*
 * Swaps the NVS under [start, start + size) with RAM above; 0 if done,
 * -E2BIG when every slot of xen_nvs_swap[] is taken.
 */
static int __init xen_memory_swap_nvs(phys_addr_t start, phys_addr_t size,
				      const char *what)
{
	struct xen_memplan_swap *s = &xen_nvs_swap[xen_nr_nvs_swap];
	int rc;

	if (xen_nr_nvs_swap == ARRAY_SIZE(xen_nvs_swap))
		return -E2BIG;
	rc = xen_memplan_swap_nvs(&xen_plan_in, &xen_plan, start, size, s);
	if (rc)
		return rc;
	xen_nr_nvs_swap++;
#ifdef CONFIG_ACPI
	acpi_os_ioremap = xen_memory_acpi_ioremap;
#endif
	pr_info("%s on ACPI NVS [mem %#010llx-%#010llx]: the NVS moves to [mem %#010llx-%#010llx], its frames with it\n",
		what, PFN_PHYS((u64)s->from), PFN_PHYS((u64)s->from + s->n) - 1,
		PFN_PHYS((u64)s->to), PFN_PHYS((u64)s->to + s->n) - 1);
	return 0;
}

/* What cannot move must be RAM: NVS under it moves, else stop. */
void __init xen_chk_is_e820_usable(phys_addr_t start, phys_addr_t size,
				   const char *what)
{
	struct xen_memplan_region hit;
	int rc;

	do {
		if (!xen_memplan_conflict(&xen_plan, start, size, &hit))
			return;
		rc = xen_memory_swap_nvs(start, size, what);
	} while (!rc);
	/* The early console is not up yet: Xen's console is. */
	xen_raw_printk("xen_memory: %s [mem %#010llx-%#010llx] conflicts with E820 %s pfns [%#lx-%#lx) type %u%s\n",
		       what, (u64)start, (u64)(start + size - 1),
		       hit.type ? "entry" : "gap", hit.start, hit.end, hit.type,
		       rc == -ENOSPC ? ": no RAM above nr_pages to swap it with" :
		       rc == -E2BIG ? ": every NVS swap slot is taken" : "");
	panic("xen_memory: %s conflicts with the E820 map, see above\n", what);
}

/* Reserves and returns size bytes of free RAM we start with, or 0. */
phys_addr_t __init xen_find_free_area(phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < xen_plan.nr_ram; i++) {
		phys_addr_t addr = PFN_PHYS(xen_plan.ram[i].start);
		phys_addr_t end = PFN_PHYS(xen_plan.ram[i].end);
		phys_addr_t p;

		while (addr + size <= end) {
			for (p = addr; p < addr + size; p += PAGE_SIZE)
				if (memblock_is_reserved(p))
					break;
			if (p >= addr + size) {
				memblock_reserve(addr, size);
				return addr;
			}
			addr = p + PAGE_SIZE;
		}
	}
	return 0;
}

static void __init xen_memory_copy_phys(phys_addr_t dst, phys_addr_t src,
					phys_addr_t n)
{
	const phys_addr_t window = (phys_addr_t)NR_FIX_BTMAPS << PAGE_SHIFT;

	while (n) {
		phys_addr_t off = max(offset_in_page(dst), offset_in_page(src));
		phys_addr_t len = min(n, window - off);
		void *to = early_memremap(dst, len);
		void *from = early_memremap(src, len);

		memcpy(to, from, len);
		early_memunmap(from, len);
		early_memunmap(to, len);
		dst += len;
		src += len;
		n -= len;
	}
}

/* Xen's initial P2M list must be RAM in our map; move it when it is not. */
static void __init xen_memory_reserve_mfn_list(void)
{
	phys_addr_t start, size;

	if (xen_start_info->mfn_list >= __START_KERNEL_map) {
		start = __pa(xen_start_info->mfn_list);
		size = PFN_ALIGN(xen_start_info->nr_pages * sizeof(unsigned long));
	} else {
		start = PFN_PHYS(xen_start_info->first_p2m_pfn);
		size = PFN_PHYS(xen_start_info->nr_p2m_frames);
	}
	memblock_reserve(start, size);
	if (xen_memory_reserved(start, size)) {
		xen_relocate_p2m();
		memblock_phys_free(start, size);
		pr_info("Xen's P2M list [mem %#010llx-%#010llx] in an E820 hole: moved to [mem %#010llx-%#010llx]\n",
			start, start + size - 1,
			PFN_PHYS(xen_start_info->first_p2m_pfn),
			PFN_PHYS(xen_start_info->first_p2m_pfn) + size - 1);
	}
}

static void __init xen_memory_move_initrd(void)
{
	phys_addr_t start = boot_params.hdr.ramdisk_image;
	phys_addr_t size = boot_params.hdr.ramdisk_size;
	phys_addr_t to;

	if (!xen_memory_reserved(start, size))
		return;
	to = xen_find_free_area(size);
	if (!to) {
		xen_raw_console_write("xen_memory: initrd in a hole, no RAM to move it\n");
		panic("xen_memory: initrd in an E820 hole and no RAM to move it\n");
	}
	xen_memory_copy_phys(to, start, size);
	pr_info("initrd moved from [mem %#010llx-%#010llx] to [mem %#010llx-%#010llx]\n",
		start, start + size - 1, to, to + size - 1);
	memblock_phys_free(start, size);
	boot_params.hdr.ramdisk_image = to;
	boot_params.ext_ramdisk_image = to >> 32;
}

/* Writes one chunk of the remap chain into the first page it describes. */
static void __init xen_memory_save_chunk(unsigned long src, unsigned long dst,
					 unsigned long n)
{
	unsigned long va = (unsigned long)&xen_remap_page;
	unsigned long own = virt_to_mfn(&xen_remap_page);
	unsigned long first = pfn_to_mfn(src);
	unsigned long i;

	set_pte_mfn(va, first, PAGE_KERNEL);
	xen_remap_page.next = xen_remap_head;
	xen_remap_page.dst = dst;
	xen_remap_page.n = n;
	for (i = 0; i < n; i++)
		xen_remap_page.mfn[i] = pfn_to_mfn(src + i);
	xen_remap_head = first;
	set_pte_mfn(va, own, PAGE_KERNEL);
}

static void __init xen_memory_save_remap(const struct xen_memplan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->nr_remap; i++) {
		const struct xen_memplan_remap *m = &plan->remap[i];
		unsigned long done, n;

		for (done = 0; done < m->n; done += n) {
			n = min_t(unsigned long, m->n - done, XEN_REMAP_CHUNK);
			xen_memory_save_chunk(m->src + done, m->dst + done, n);
		}
		pr_info("remap %lu pages [%#lx-%#lx) -> [%#lx-%#lx)\n", m->n,
			m->src, m->src + m->n, m->dst, m->dst + m->n);
	}
}

static int __init xen_memory_release_one(unsigned long pfn)
{
	struct xen_memory_reservation res = {
		.nr_extents = 1,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};
	unsigned long mfn = pfn_to_mfn(pfn);

	if (mfn == INVALID_P2M_ENTRY || mfn_to_pfn(mfn) != pfn)
		return 0;
	set_xen_guest_handle(res.extent_start, &mfn);
	if (HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res) != 1)
		return -EBUSY;
	xen_memory_set_p2m(pfn, INVALID_P2M_ENTRY);
	xen_released_pages++;
	return 0;
}

static void __init xen_memory_release(const struct xen_memplan *plan)
{
	unsigned long pfn;
	unsigned int i;

	for (i = 0; i < plan->nr_release; i++) {
		const struct xen_memplan_range *r = &plan->release[i];

		for (pfn = r->start; pfn < r->end; pfn++) {
			if (xen_memory_release_one(pfn)) {
				pr_err("Xen refused pfn %#lx back; [%#lx-%#lx) kept\n",
				       pfn, pfn, r->end);
				break;
			}
		}
	}
	if (plan->nr_release)
		pr_info("Released %lu pages: no RAM above nr_pages for them\n",
			xen_released_pages);
}

/* What set_phys_range_identity() should report for [start, end). */
static unsigned long __init
xen_memory_identity_want(unsigned long start, unsigned long end)
{
#if !XEN_P2M_IS_TREE
	/* The linear list covers nr_pages; the rest is identity already. */
	if (start >= xen_p2m_size)
		return 0;
	end = min(end, xen_p2m_size);
#endif
	return end - start;
}

static void __init xen_memory_set_identity(const struct xen_memplan *plan)
{
	unsigned long pfn, got, want;
	unsigned int i;

	for (i = 0; i < plan->nr_identity; i++) {
		unsigned long s = plan->identity[i].start;
		unsigned long e = plan->identity[i].end;

		/* The direct map must not reach the old RAM any more. */
		for (pfn = s; pfn <= max_pfn_mapped && pfn < e; pfn++)
			HYPERVISOR_update_va_mapping((unsigned long)__va(PFN_PHYS(pfn)),
						     native_make_pte(0), 0);

		want = xen_memory_identity_want(s, e);
		got = set_phys_range_identity(s, e);
		if (e == XEN_MEMPLAN_NO_LIMIT)
			pr_info("identity [%#lx-...) everything above the map\n",
				s);
		else
			pr_info("identity [%#lx-%#lx) %lu pfns\n", s, e, e - s);
		if (got != want)
			pr_err("P2M made only %lu of %lu pfns of [%#lx-%#lx) identity (brk budget %lu pages)\n",
			       got, want, s, e, plan->brk_pages);
	}
}

static void __init xen_memory_report(const struct xen_memplan *plan)
{
	pr_info("nr_pages %#lx, E820 RAM up to %#lx: %lu pages under holes, %lu remapped, %lu released\n",
		xen_start_info->nr_pages, plan->ram_end, plan->hole_pages,
		plan->remapped, plan->released);
	pr_info("balloon room %lu pages (%lu cut by the %dx cap), %lu extra pages in %u regions, %lu unusable\n",
		plan->balloon_pages, plan->capped_pages,
		XEN_MEMPLAN_EXTRA_RATIO, plan->extra_pages, plan->nr_extra,
		plan->unusable_pages);
	pr_info("P2M brk budget %lu pages: %lu for identity boundaries, %lu for remap targets\n",
		plan->brk_pages, plan->brk_identity, plan->brk_remap);
}

char * __init xen_memory_setup(void)
{
	struct xen_memplan_input *in = &xen_plan_in;
	phys_addr_t text = __pa_symbol(_text);

#if defined(CONFIG_MEMORY_HOTPLUG) && defined(CONFIG_XEN_BALLOON)
	xen_saved_max_mem_size = max_mem_size;
#endif
	in->nr_pages = xen_start_info->nr_pages;
	in->dom0 = xen_initial_domain();
	in->p2m_limit = xen_memory_p2m_limit();
	in->pfn_limit = xen_memory_pfn_limit();
	in->max_pages = xen_memory_max_pages(in->pfn_limit);
	xen_raw_nr = xen_memory_get_map(min(in->nr_pages, in->pfn_limit));
	in->map = xen_raw_map;
	in->nr_map = xen_raw_nr;

	if (xen_memplan_build(in, &xen_plan)) {
		xen_memory_print_problems(&xen_plan);
		xen_raw_console_write("xen_memory: the E820 map from Xen has no sane reading\n");
		panic("xen_memory: the E820 map from Xen has no sane reading, see above\n");
	}
	/* These cannot move: NVS under them moves, anything else stops us. */
	xen_chk_is_e820_usable(text, __pa_symbol(_end) - text,
			       "kernel image and brk");
	xen_chk_is_e820_usable(__pa(xen_start_info), PAGE_SIZE, "start_info");
	xen_pt_check_e820();

	xen_memory_print_problems(&xen_plan);
	xen_memory_fill_e820(&xen_plan);
	xen_memory_add_extra(&xen_plan);
	xen_memory_reserve_mfn_list();
	xen_memory_move_initrd();

	xen_memory_save_remap(&xen_plan);
	xen_memory_release(&xen_plan);
	xen_memory_set_identity(&xen_plan);
	xen_memory_report(&xen_plan);
	return "Xen";
}

/* Points pfn at mfn in the P2M, the M2P and the direct map. */
static void __init xen_memory_map_one(unsigned long pfn, unsigned long mfn)
{
	struct mmu_update m2p = {
		.ptr = ((u64)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
		.val = pfn,
	};

	if (!set_phys_to_machine(pfn, mfn))
		panic("xen_memory: no P2M page for remap target pfn %#lx\n", pfn);
	if (HYPERVISOR_mmu_update(&m2p, 1, NULL, DOMID_SELF) < 0)
		panic("xen_memory: M2P refused mfn %#lx -> pfn %#lx\n", mfn, pfn);
	if (HYPERVISOR_update_va_mapping((unsigned long)__va(PFN_PHYS(pfn)),
					 mfn_pte(mfn, PAGE_KERNEL), 0))
		panic("xen_memory: cannot map pfn %#lx at mfn %#lx\n", pfn, mfn);
}

/* Moves the RAM saved in the remap chain to its targets. */
void __init xen_remap_memory(void)
{
	unsigned long va = (unsigned long)&xen_remap_page;
	unsigned long own = virt_to_mfn(&xen_remap_page);
	unsigned long done = 0, i, dst, n;

	while (xen_remap_head != INVALID_P2M_ENTRY) {
		set_pte_mfn(va, xen_remap_head, PAGE_KERNEL);
		if (xen_remap_page.mfn[0] != xen_remap_head ||
		    xen_remap_page.n > XEN_REMAP_CHUNK) {
			pr_err("remap chain broken at mfn %#lx\n", xen_remap_head);
			break;
		}
		dst = xen_remap_page.dst;
		n = xen_remap_page.n;
		for (i = 0; i < n; i++)
			xen_memory_map_one(dst + i, xen_remap_page.mfn[i]);
		xen_del_extra_mem(dst, n);
		done += n;
		xen_remap_head = xen_remap_page.next;
	}
	set_pte_mfn(va, own, PAGE_KERNEL);
	pr_info("Remapped %lu page(s)\n", done);

	/* Swapped NVS: its pfns reach its frames (no M2P: not our RAM). */
	for (i = 0; i < xen_nr_nvs_swap; i++) {
		const struct xen_memplan_swap *s = &xen_nvs_swap[i];
		unsigned long k;

		for (k = 0; k < s->n; k++)
			if (!set_phys_to_machine(s->to + k, s->from + k))
				panic("xen_memory: no P2M page for NVS pfn %#lx\n",
				      s->to + k);
	}
}
