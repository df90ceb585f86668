// SPDX-License-Identifier: GPL-2.0
/*
 * xm_bench: micro-benchmarks of a Xen PV guest's P2M, run once at insmod.
 *
 * Built out of tree against each kernel's build directory, so the inline
 * pfn_to_mfn() of asm/xen/page.h is that kernel's own lookup: the three
 * level tree of ours (which defines P2M_MID_SPAN) or the linear, virtually
 * mapped list of upstream 6.1. Every result is one console line starting
 * with "xm_bench: "; scripts/bench.py reads them from the serial log.
 *
 *   range kind=K start=P n=N      the pfns chosen for kind K (ram,
 *                                 identity, missing), found by scanning
 *   lookup kind=K order=O rep=R ops=N ns=T
 *                                 N pfn_to_mfn() calls on those pfns in
 *                                 sequential or random order took T ns
 *   set kind=existing|alloc rep=R ops=N ns=T
 *                                 N set_phys_to_machine() calls on a leaf
 *                                 that exists / must be allocated
 *   meta rep=R top=A mid=B leaf=C total=D
 *                                 distinct pages behind the lookup
 *                                 structure (see xmb_meta_*())
 *   balloon dir=down|up rep=R kb=K reached=yes|no us=T current_kb=C
 *                                 the balloon moved K KiB down from where
 *                                 it was, or back, in T us: the target set
 *                                 with balloon_set_new_target() (what the
 *                                 sysfs file and the xenstore watch call),
 *                                 balloon_stats.current_pages polled every
 *                                 ~0.2 ms, both kernels' exported ABI
 *
 * set_phys_to_machine() is exported by neither kernel: its address comes
 * from kallsyms_lookup_name(), itself found with a kprobe (CONFIG_KPROBES
 * is in configs/bench.config for both kernels).
 */

#define pr_fmt(fmt) "xm_bench: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/pgtable.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <asm/set_memory.h>
#include <asm/xen/page.h>
#include <linux/delay.h>
#include <xen/balloon.h>
#include <xen/xen.h>
#include <asm/xen/hypervisor.h>

static char *run = "meta,lookup,set";
module_param(run, charp, 0444);
MODULE_PARM_DESC(run, "comma-separated parts to run: meta, lookup, set, balloon");

static unsigned long balloon_kb = 262144;
module_param(balloon_kb, ulong, 0444);
MODULE_PARM_DESC(balloon_kb, "KiB the balloon part moves down and back up");

static unsigned int reps = 7;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of every measurement");

static unsigned int ops = 65536;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "pfns per lookup and set_phys_to_machine pass");

static unsigned int leaves = 32;
module_param(leaves, uint, 0444);
MODULE_PARM_DESC(leaves, "leaves allocated per repetition of set kind=alloc");

static unsigned long scan_pfns = 1UL << (32 - PAGE_SHIFT);
module_param(scan_pfns, ulong, 0444);
MODULE_PARM_DESC(scan_pfns, "pfns scanned from 0 to find the runs of each kind");

enum xmb_kind { XMB_RAM, XMB_IDENTITY, XMB_MISSING, XMB_NR_KINDS };

static const char *const xmb_kind_name[XMB_NR_KINDS] = {
	[XMB_RAM] = "ram",
	[XMB_IDENTITY] = "identity",
	[XMB_MISSING] = "missing",
};

/* The first run of each kind of at least @ops pfns, above 1 MiB. */
static unsigned long xmb_run_start[XMB_NR_KINDS];
static unsigned long xmb_run_end[XMB_NR_KINDS];
static bool xmb_run_found[XMB_NR_KINDS];

static unsigned long xmb_sink;

static bool xmb_part(const char *name)
{
	return strstr(run, name);
}

static const char *xmb_kernel(void)
{
#ifdef P2M_MID_SPAN
	return "ours";
#else
	return "baseline";
#endif
}

static enum xmb_kind xmb_classify(unsigned long pfn)
{
	unsigned long mfn = __pfn_to_mfn(pfn);

	if (mfn == INVALID_P2M_ENTRY)
		return XMB_MISSING;
	if (mfn & IDENTITY_FRAME_BIT)
		return XMB_IDENTITY;
	if (mfn & FOREIGN_FRAME_BIT)
		return XMB_NR_KINDS;
	return XMB_RAM;
}

static void xmb_find_runs(void)
{
	unsigned long pfn = PFN_DOWN(SZ_1M), start = pfn;
	enum xmb_kind cur = xmb_classify(pfn), k;

	for (pfn++; pfn <= scan_pfns; pfn++) {
		k = pfn < scan_pfns ? xmb_classify(pfn) : XMB_NR_KINDS;
		if (k == cur)
			continue;
		if (cur != XMB_NR_KINDS && !xmb_run_found[cur] &&
		    pfn - start >= ops) {
			xmb_run_start[cur] = start;
			xmb_run_end[cur] = pfn;
			xmb_run_found[cur] = true;
			pr_info("range kind=%s start=%#lx n=%u run_end=%#lx\n",
				xmb_kind_name[cur], start, ops, pfn);
		}
		cur = k;
		start = pfn;
		cond_resched();
	}
	for (k = 0; k < XMB_NR_KINDS; k++)
		if (!xmb_run_found[k])
			pr_info("range kind=%s none of %u pfns below %#lx\n",
				xmb_kind_name[k], ops, scan_pfns);
}

/* A fixed xorshift sequence: both kernels shuffle the same way. */
static u64 xmb_rand_state = 0x9e3779b97f4a7c15ULL;

static u64 xmb_rand(void)
{
	u64 x = xmb_rand_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	xmb_rand_state = x;
	return x;
}

static void xmb_fill(unsigned long *pfns, unsigned long start, bool shuffle)
{
	unsigned long i, j;

	for (i = 0; i < ops; i++)
		pfns[i] = start + i;
	if (!shuffle)
		return;
	for (i = ops - 1; i > 0; i--) {
		j = xmb_rand() % (i + 1);
		swap(pfns[i], pfns[j]);
	}
}

static noinline u64 xmb_lookup_pass(const unsigned long *pfns)
{
	unsigned long acc = 0, i;
	u64 t0, t1;

	preempt_disable();
	t0 = ktime_get_ns();
	for (i = 0; i < ops; i++)
		acc += pfn_to_mfn(pfns[i]);
	t1 = ktime_get_ns();
	preempt_enable();
	WRITE_ONCE(xmb_sink, acc);
	return t1 - t0;
}

/* The same loop without the lookup: the cost of the loop itself. */
static noinline u64 xmb_empty_pass(const unsigned long *pfns)
{
	unsigned long acc = 0, i;
	u64 t0, t1;

	preempt_disable();
	t0 = ktime_get_ns();
	for (i = 0; i < ops; i++)
		acc += READ_ONCE(pfns[i]);
	t1 = ktime_get_ns();
	preempt_enable();
	WRITE_ONCE(xmb_sink, acc);
	return t1 - t0;
}

static void xmb_lookups(unsigned long *pfns)
{
	static const char *const order[] = { "seq", "random" };
	unsigned int o, r;
	enum xmb_kind k;

	for (k = 0; k < XMB_NR_KINDS; k++) {
		if (!xmb_run_found[k])
			continue;
		for (o = 0; o < ARRAY_SIZE(order); o++) {
			xmb_fill(pfns, xmb_run_start[k], o);
			/* One pass untimed, to warm the caches alike. */
			xmb_lookup_pass(pfns);
			for (r = 0; r < reps; r++)
				pr_info("lookup kind=%s order=%s rep=%u ops=%u ns=%llu\n",
					xmb_kind_name[k], order[o], r, ops,
					xmb_lookup_pass(pfns));
			if (k == XMB_RAM)
				for (r = 0; r < reps; r++)
					pr_info("lookup kind=loop order=%s rep=%u ops=%u ns=%llu\n",
						order[o], r, ops,
						xmb_empty_pass(pfns));
			cond_resched();
		}
	}
}

typedef unsigned long (*xmb_kallsyms_fn)(const char *name);
typedef bool (*xmb_set_fn)(unsigned long pfn, unsigned long mfn);

static unsigned long xmb_kallsyms(const char *name)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	xmb_kallsyms_fn lookup;

	if (register_kprobe(&kp) < 0)
		return 0;
	lookup = (xmb_kallsyms_fn)kp.addr;
	unregister_kprobe(&kp);
	return lookup ? lookup(name) : 0;
}

/* Write every RAM pfn's own MFN back: the leaf exists, nothing changes. */
static void xmb_set_existing(xmb_set_fn set_p2m, unsigned long *mfns)
{
	unsigned long start = xmb_run_start[XMB_RAM], i, bad;
	unsigned int r;
	u64 t0, t1;

	for (i = 0; i < ops; i++)
		mfns[i] = __pfn_to_mfn(start + i);
	for (r = 0; r < reps; r++) {
		bad = 0;
		preempt_disable();
		t0 = ktime_get_ns();
		for (i = 0; i < ops; i++)
			bad += !set_p2m(start + i, mfns[i]);
		t1 = ktime_get_ns();
		preempt_enable();
		pr_info("set kind=existing rep=%u ops=%u ns=%llu failed=%lu\n",
			r, ops, t1 - t0, bad);
		cond_resched();
	}
}

/* The pfn of the page that holds the P2M entry of @pfn, 0 if none. */
static unsigned long xmb_leaf_page(unsigned long pfn)
{
#ifdef P2M_MID_SPAN
	unsigned long **mid;

	if (pfn >= READ_ONCE(xen_p2m_limit))
		return 0;
	mid = READ_ONCE(xen_p2m_top[pfn / P2M_MID_SPAN]);
	return PFN_DOWN(slow_virt_to_phys(READ_ONCE(mid[(pfn / P2M_PER_PAGE) %
							P2M_MID_PER_PAGE])));
#else
	if (pfn >= xen_p2m_size)
		return 0;
	return PFN_DOWN(slow_virt_to_phys(xen_p2m_addr + pfn));
#endif
}

/*
 * The leaves of the missing run that still share one page (the missing
 * sentinel): a set there has to allocate a leaf. Their first pfns go to
 * @pfns; returns how many.
 */
static unsigned long xmb_shared_leaves(unsigned long *pfns)
{
	unsigned long first = ALIGN(xmb_run_start[XMB_MISSING], P2M_PER_PAGE);
	unsigned long end = xmb_run_end[XMB_MISSING];
	unsigned long pfn, page, n = 0;
	DEFINE_XARRAY(uses);
	void *old;

	for (pfn = first; pfn + P2M_PER_PAGE <= end; pfn += P2M_PER_PAGE) {
		page = xmb_leaf_page(pfn);
		old = xa_load(&uses, page);
		xa_store(&uses, page,
			 xa_mk_value(old ? xa_to_value(old) + 1 : 1), GFP_KERNEL);
	}
	for (pfn = first; pfn + P2M_PER_PAGE <= end && n < ops;
	     pfn += P2M_PER_PAGE) {
		old = xa_load(&uses, xmb_leaf_page(pfn));
		if (old && xa_to_value(old) > 1)
			pfns[n++] = pfn;
	}
	xa_destroy(&uses);
	return n;
}

/*
 * One pfn per shared leaf of the missing balloon room, new leaves each
 * repetition: every call has to allocate a leaf. Each entry goes back to
 * INVALID_P2M_ENTRY at once, outside the timed call.
 */
static void xmb_set_alloc(xmb_set_fn set_p2m, unsigned long *pfns)
{
	unsigned long mfn = __pfn_to_mfn(xmb_run_start[XMB_RAM]);
	unsigned long n = xmb_shared_leaves(pfns), next = 0, done, bad;
	unsigned int r;
	u64 t0, ns;

	pr_info("set kind=alloc candidates=%lu (leaves of the missing run on a shared page)\n",
		n);
	for (r = 0; r < reps; r++) {
		ns = 0;
		bad = 0;
		for (done = 0; done < leaves && next < n; done++, next++) {
			t0 = ktime_get_ns();
			bad += !set_p2m(pfns[next], mfn);
			ns += ktime_get_ns() - t0;
			set_p2m(pfns[next], INVALID_P2M_ENTRY);
			bad += __pfn_to_mfn(pfns[next]) != INVALID_P2M_ENTRY;
		}
		if (done < leaves) {
			pr_info("set kind=alloc rep=%u too few shared leaves\n", r);
			break;
		}
		pr_info("set kind=alloc rep=%u ops=%lu ns=%llu failed=%lu\n",
			r, done, ns, bad);
		cond_resched();
	}
}

static void xmb_sets(unsigned long *buf)
{
	xmb_set_fn set_p2m;

	set_p2m = (xmb_set_fn)xmb_kallsyms("set_phys_to_machine");
	if (!set_p2m) {
		pr_info("set error=no-symbol set_phys_to_machine\n");
		return;
	}
	if (xmb_run_found[XMB_RAM])
		xmb_set_existing(set_p2m, buf);
	if (xmb_run_found[XMB_MISSING] && xmb_run_found[XMB_RAM])
		xmb_set_alloc(set_p2m, buf);
}

/* ---- P2M metadata: distinct pages behind the lookup structure ---- */

enum xmb_level { XMB_TOP, XMB_MID, XMB_LEAF, XMB_NR_LEVELS };

struct xmb_pages {
	struct xarray seen;
	unsigned long count[XMB_NR_LEVELS];
};

/*
 * Count the page holding @va once, at the first level it is seen at.
 * Returns true the first time.
 */
static bool xmb_count_va(struct xmb_pages *p, const void *va,
			 enum xmb_level level)
{
	unsigned long pfn = PFN_DOWN(slow_virt_to_phys((void *)va));

	if (xa_load(&p->seen, pfn))
		return false;
	if (xa_err(xa_store(&p->seen, pfn, xa_mk_value(level), GFP_KERNEL)))
		return false;
	p->count[level]++;
	return true;
}

/*
 * A linear view: the pages mapped at @va .. @end (leaves; a shared
 * missing or identity page mapped many times counts once) and the PTE
 * pages that map them (counted as mids). The PMD pages above those are
 * not counted.
 */
static void xmb_meta_view(struct xmb_pages *p, unsigned long va,
			  unsigned long end)
{
	unsigned int level;
	pte_t *pte;

	for (; va < end; va += PAGE_SIZE) {
		pte = lookup_address(va, &level);
		if (!pte || !pte_present(*pte))
			continue;
		if (level == PG_LEVEL_4K)
			xmb_count_va(p, pte, XMB_MID);
		xmb_count_va(p, (void *)va, XMB_LEAF);
		if (!(va & (PMD_SIZE - 1)))
			cond_resched();
	}
}

#ifdef P2M_MID_SPAN
/*
 * Ours: the top array, every mid and every leaf the top reaches (a mid
 * seen before, the shared missing and identity mids, adds nothing new),
 * then the toolstack's linear view of the same leaves: its PTE pages.
 */
static void xmb_meta_walk(struct xmb_pages *p)
{
	unsigned long nr_top = READ_ONCE(xen_p2m_limit) / P2M_MID_SPAN;
	struct shared_info **si = (void *)xmb_kallsyms("HYPERVISOR_shared_info");
	unsigned long view = si ? (*si)->arch.p2m_vaddr : 0;
	unsigned long i, j;

	for (i = 0; i < nr_top; i++) {
		unsigned long **mid = READ_ONCE(xen_p2m_top[i]);

		xmb_count_va(p, &xen_p2m_top[i], XMB_TOP);
		if (!xmb_count_va(p, mid, XMB_MID))
			continue;
		for (j = 0; j < P2M_MID_PER_PAGE; j++)
			xmb_count_va(p, READ_ONCE(mid[j]), XMB_LEAF);
		cond_resched();
	}
	if (view)
		xmb_meta_view(p, view, view + nr_top * P2M_MID_PER_PAGE * PAGE_SIZE);
}
#else
/* Upstream: its linear list at xen_p2m_addr. */
static void xmb_meta_walk(struct xmb_pages *p)
{
	unsigned long va = (unsigned long)xen_p2m_addr;

	xmb_meta_view(p, va, va + xen_p2m_size * sizeof(unsigned long));
}
#endif

static void xmb_meta(void)
{
	struct xmb_pages p;
	unsigned int r;

	for (r = 0; r < reps; r++) {
		memset(&p, 0, sizeof(p));
		xa_init(&p.seen);
		xmb_meta_walk(&p);
		xa_destroy(&p.seen);
		pr_info("meta rep=%u top=%lu mid=%lu leaf=%lu total=%lu\n", r,
			p.count[XMB_TOP], p.count[XMB_MID], p.count[XMB_LEAF],
			p.count[XMB_TOP] + p.count[XMB_MID] + p.count[XMB_LEAF]);
	}
}

/* Sets the balloon's target to @target pages and waits until it is there. */
static void xmb_balloon_to(const char *dir, unsigned int rep,
			   unsigned long target)
{
	u64 t0 = ktime_get_ns(), limit = t0 + 180 * NSEC_PER_SEC, t = t0;
	unsigned long cur;

	balloon_set_new_target(target);
	while ((cur = READ_ONCE(balloon_stats.current_pages)) != target &&
	       t < limit) {
		usleep_range(150, 250);
		t = ktime_get_ns();
	}
	t = ktime_get_ns();
	pr_info("balloon dir=%s rep=%u kb=%lu reached=%s us=%llu current_kb=%lu\n",
		dir, rep, balloon_kb, cur == target ? "yes" : "no",
		div_u64(t - t0, NSEC_PER_USEC), cur << (PAGE_SHIFT - 10));
}

static void xmb_balloon(void)
{
	unsigned long base = READ_ONCE(balloon_stats.current_pages);
	unsigned long step = balloon_kb >> (PAGE_SHIFT - 10);
	unsigned int r;

	if (step >= base) {
		pr_info("balloon error=step-above-current current_kb=%lu\n",
			base << (PAGE_SHIFT - 10));
		return;
	}
	for (r = 0; r < reps; r++) {
		xmb_balloon_to("down", r, base - step);
		xmb_balloon_to("up", r, base);
	}
}

static int __init xmb_init(void)
{
	unsigned long *buf;

	if (!xen_pv_domain()) {
		pr_info("error=not-a-xen-pv-guest\n");
		return -ENODEV;
	}
	if (!reps || ops < 2)
		return -EINVAL;
	pr_info("begin kernel=%s run=%s reps=%u ops=%u leaves=%u\n",
		xmb_kernel(), run, reps, ops, leaves);
	if (xmb_part("balloon"))
		xmb_balloon();
	/* First, before the set benchmark allocates leaves. */
	if (xmb_part("meta"))
		xmb_meta();
	buf = vmalloc(array_size(ops, sizeof(*buf)));
	if (!buf)
		return -ENOMEM;
	if (xmb_part("lookup") || xmb_part("set"))
		xmb_find_runs();
	if (xmb_part("lookup"))
		xmb_lookups(buf);
	if (xmb_part("set"))
		xmb_sets(buf);
	vfree(buf);
	pr_info("end kernel=%s\n", xmb_kernel());
	return 0;
}

static void __exit xmb_exit(void)
{
}

module_init(xmb_init);
module_exit(xmb_exit);
MODULE_DESCRIPTION("Xen PV P2M micro-benchmarks (make bench)");
MODULE_LICENSE("GPL");
