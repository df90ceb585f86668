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

struct start_info *xen_start_info;
struct shared_info xen_dummy_shared_info;
struct shared_info *HYPERVISOR_shared_info = &xen_dummy_shared_info;

static void __noreturn unreachable_stub(const char *what)
{
	fprintf(stderr, "native: %s reached\n", what);
	abort();
}

unsigned long __pfn_to_mfn(unsigned long pfn)
{
	unreachable_stub(__func__);
}

unsigned long virt_to_mfn(const void *v)
{
	unreachable_stub(__func__);
}

void *mfn_to_virt(unsigned long mfn)
{
	unreachable_stub(__func__);
}

unsigned long page_to_pfn(const struct page *page)
{
	unreachable_stub(__func__);
}

unsigned long pte_mfn(pte_t pte)
{
	unreachable_stub(__func__);
}

void *extend_brk(size_t size, size_t align)
{
	unreachable_stub(__func__);
}

bool slab_is_available(void)
{
	unreachable_stub(__func__);
}

unsigned long __get_free_page(int gfp)
{
	unreachable_stub(__func__);
}

void free_page(unsigned long addr)
{
	unreachable_stub(__func__);
}

u64 memblock_phys_mem_size(void)
{
	unreachable_stub(__func__);
}

void *memblock_alloc(u64 size, u64 align)
{
	unreachable_stub(__func__);
}

void memblock_free(void *ptr, size_t size)
{
	unreachable_stub(__func__);
}

bool xen_initial_domain(void)
{
	unreachable_stub(__func__);
}

bool xen_pv_domain(void)
{
	unreachable_stub(__func__);
}

bool xen_feature(int flag)
{
	unreachable_stub(__func__);
}

long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	unreachable_stub(__func__);
}

int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	unreachable_stub(__func__);
}

struct dentry *xen_init_debugfs(void)
{
	unreachable_stub(__func__);
}

/* The linear view's page tables: live P2M only. */
struct mm_struct {
	int unused;
};

struct mm_struct init_mm;
unsigned long swapper_pg_dir[512];

unsigned long __pa(const void *v)
{
	unreachable_stub(__func__);
}

pte_t pfn_pte(unsigned long pfn, unsigned long prot)
{
	unreachable_stub(__func__);
}

bool pte_present(pte_t pte)
{
	unreachable_stub(__func__);
}

bool pte_write(pte_t pte)
{
	unreachable_stub(__func__);
}

void set_pte(pte_t *ptep, pte_t pte)
{
	unreachable_stub(__func__);
}

void set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	unreachable_stub(__func__);
}

pte_t *lookup_address(unsigned long va, unsigned int *level)
{
	unreachable_stub(__func__);
}

pmd_t *lookup_pmd_address(unsigned long va)
{
	unreachable_stub(__func__);
}

pmd_t *populate_extra_pmd(unsigned long va)
{
	unreachable_stub(__func__);
}

void paravirt_alloc_pte(struct mm_struct *mm, unsigned long pfn)
{
	unreachable_stub(__func__);
}

void vm_area_register_early(struct vm_struct *vm, size_t align)
{
	unreachable_stub(__func__);
}
