// SPDX-License-Identifier: GPL-2.0
/*
 * Support of the native builds: printing, sort(), and the live-P2M
 * interfaces p2m.c refers to. The stubs abort: only private trees are
 * built in user space, so reaching one is a bug of the harness.
 */
#include <stdarg.h>
#include <native.h>

int native_verbose;
unsigned long native_warnings;

void native_warn(const char *file, int line, const char *cond)
{
	native_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* The kernel's sort() is not stable either; swap is always the default. */
void sort(void *base, size_t num, size_t size, cmp_func_t cmp,
	  swap_func_t swap)
{
	qsort(base, num, size, cmp);
}

#define NATIVE_UNREACHABLE(proto)					\
	proto								\
	{								\
		fprintf(stderr, "native: %s reached\n", __func__);	\
		abort();						\
	}

struct start_info *xen_start_info;
struct shared_info xen_dummy_shared_info;
struct shared_info *HYPERVISOR_shared_info = &xen_dummy_shared_info;

NATIVE_UNREACHABLE(unsigned long __pfn_to_mfn(unsigned long pfn))
NATIVE_UNREACHABLE(unsigned long virt_to_mfn(const void *v))
NATIVE_UNREACHABLE(void *mfn_to_virt(unsigned long mfn))
NATIVE_UNREACHABLE(unsigned long page_to_pfn(const struct page *page))
NATIVE_UNREACHABLE(unsigned long pte_mfn(pte_t pte))
NATIVE_UNREACHABLE(void *extend_brk(size_t size, size_t align))
NATIVE_UNREACHABLE(bool slab_is_available(void))
NATIVE_UNREACHABLE(unsigned long __get_free_page(int gfp))
NATIVE_UNREACHABLE(void free_page(unsigned long addr))
NATIVE_UNREACHABLE(u64 memblock_phys_mem_size(void))
NATIVE_UNREACHABLE(void *memblock_alloc(u64 size, u64 align))
NATIVE_UNREACHABLE(void memblock_free(void *ptr, size_t size))
NATIVE_UNREACHABLE(bool xen_initial_domain(void))
NATIVE_UNREACHABLE(bool xen_pv_domain(void))
NATIVE_UNREACHABLE(bool xen_feature(int flag))
NATIVE_UNREACHABLE(long HYPERVISOR_memory_op(unsigned int cmd, void *arg))
NATIVE_UNREACHABLE(int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
						  unsigned int count))
NATIVE_UNREACHABLE(struct dentry *xen_init_debugfs(void))
