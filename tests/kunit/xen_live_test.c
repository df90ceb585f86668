// SPDX-License-Identifier: GPL-2.0
/*
 * xen_live: checks of the running guest's P2M through the interfaces the
 * rest of the kernel uses. On bare hardware (kunit.py's QEMU) there is no
 * P2M and every case is skipped; booted as a Xen PV guest they run against
 * the live tables.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <asm/sections.h>
#include <asm/xen/page.h>
#include <xen/xen.h>
#include <xen/interface/xen.h>
#include <asm/xen/hypervisor.h>

static int xen_live_init(struct kunit *test)
{
	if (!xen_pv_domain())
		kunit_skip(test, "not a Xen PV guest");
	return 0;
}

/* Every page of the kernel image is RAM Xen gave us: a valid, plain MFN. */
static void kernel_text_pfns_have_machine_frames(struct kunit *test)
{
	unsigned long first = PFN_DOWN(__pa_symbol(_text));
	unsigned long last = PFN_DOWN(__pa_symbol(_end) - 1);
	unsigned long pfn, mfn;

	for (pfn = first; pfn <= last; pfn++) {
		mfn = __pfn_to_mfn(pfn);
		KUNIT_ASSERT_NE_MSG(test, mfn, INVALID_P2M_ENTRY, "pfn %#lx", pfn);
		KUNIT_ASSERT_EQ_MSG(test, mfn & (FOREIGN_FRAME_BIT | IDENTITY_FRAME_BIT),
				    0UL, "pfn %#lx", pfn);
	}
}

/* The M2P maps every RAM frame of ours back to the pfn that holds it. */
static void ram_pfn_round_trips_through_m2p(struct kunit *test)
{
	unsigned long first = PFN_DOWN(__pa_symbol(_text));
	unsigned long last = PFN_DOWN(__pa_symbol(_end) - 1);
	unsigned long pfn;

	for (pfn = first; pfn <= last; pfn++)
		KUNIT_ASSERT_EQ_MSG(test, mfn_to_pfn(pfn_to_mfn(pfn)), pfn,
				    "pfn %#lx", pfn);
}

/* Distinct RAM pfns are backed by distinct machine frames. */
static void ram_pfns_have_distinct_frames(struct kunit *test)
{
	unsigned long first = PFN_DOWN(__pa_symbol(_text));
	unsigned long pfn;

	for (pfn = first; pfn < first + 64; pfn++)
		KUNIT_EXPECT_NE(test, pfn_to_mfn(pfn), pfn_to_mfn(pfn + 1));
}

/* Xen's start info agrees with what the kernel runs with. */
static void start_info_matches_kernel_view(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, xen_start_info->nr_pages, 0UL);
	KUNIT_EXPECT_EQ(test, pfn_to_mfn(PFN_DOWN(__pa(xen_start_info))),
			virt_to_mfn(xen_start_info));
}

static struct kunit_case xen_live_cases[] = {
	KUNIT_CASE(kernel_text_pfns_have_machine_frames),
	KUNIT_CASE(ram_pfn_round_trips_through_m2p),
	KUNIT_CASE(ram_pfns_have_distinct_frames),
	KUNIT_CASE(start_info_matches_kernel_view),
	{}
};

static struct kunit_suite xen_live_suite = {
	.name = "xen_live",
	.init = xen_live_init,
	.test_cases = xen_live_cases,
};

kunit_test_suite(xen_live_suite);

MODULE_LICENSE("GPL");
