/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel as arch/x86/xen/p2m.c and memplan.c see it, in user space.
 *
 * Every <linux/...>, <asm/...>, <xen/...> and <kunit/...> header those two
 * files include is a one-line file in this directory that includes this
 * one. It gives the types, macros and functions they use, with user-space
 * meanings: pages come from the tree's own ops, atomics are the compiler's
 * builtins, printing goes to stderr. What only the live (boot-time,
 * hypercall) half of p2m.c needs is declared here and defined in
 * native-stubs.c, where every stub aborts: the native builds drive private
 * trees only and must never reach the live P2M.
 *
 * Geometry and the P2M entry encoding follow the 6.1 x86_64 headers
 * (asm/xen/page.h and our patch 0002): a leaf of 512 entries, a mid of 512
 * leaves, bits 62 and 63 for identity and foreign frames.
 */
#ifndef _NATIVE_KERNEL_H
#define _NATIVE_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int16_t s16;
typedef uint16_t domid_t;

#define CONFIG_KUNIT 1
#define CONFIG_XEN_MEM_KUNIT_TEST 1
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __is_defined(option)

/* Sections and annotations: meaningless here. */
#define __init
#define __initdata
#define __ref
#define __ro_after_init
#define __packed __attribute__((packed))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define noinline __attribute__((noinline))
#define __maybe_unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL_IF_KUNIT(s)
#define VISIBLE_IF_KUNIT
#define RESERVE_BRK(name, size)
#define fs_initcall(fn)

/* Arithmetic helpers. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(nr) (1UL << (nr))
#define U64_MAX ((u64)~0ULL)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define __ALIGN_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a) __ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define roundup(x, y) ((((x) + ((y) - 1)) / (y)) * (y))
#define rounddown(x, y) ((x) - ((x) % (y)))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
		     (void)(&_a == &_b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
		     (void)(&_a == &_b); _a > _b ? _a : _b; })
#define min_t(type, a, b) ({ type _a = (a); type _b = (b); _a < _b ? _a : _b; })
#define max_t(type, a, b) ({ type _a = (a); type _b = (b); _a > _b ? _a : _b; })
#define min3(a, b, c) min(min(a, b), c)
#define max3(a, b, c) max(max(a, b), c)
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define swap(a, b) do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)

#define SZ_1K 0x400UL
#define SZ_4K 0x1000UL
#define SZ_1M 0x100000UL
#define SZ_2M 0x200000UL
#define SZ_1G 0x40000000UL
#define SZ_4G 0x100000000ULL

/* Pages: x86_64, 4 KiB. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_PHYS(x) ((u64)(x) << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define copy_page(to, from) memcpy((to), (from), PAGE_SIZE)

/* Once-only access and atomics: the compiler's, sequentially consistent. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))
#define cmpxchg(ptr, old, new) ({ \
	__typeof__(*(ptr)) _o = (old); \
	__atomic_compare_exchange_n((ptr), &_o, (new), false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	_o; })
typedef struct { long counter; } atomic_long_t;
#define atomic_long_read(v) __atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_long_inc(v) __atomic_fetch_add(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_long_dec(v) __atomic_fetch_sub(&(v)->counter, 1, __ATOMIC_SEQ_CST)

/* Messages and assertions. */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define native_printk(lvl, fmt, ...) \
	do { if (native_verbose) fprintf(stderr, lvl fmt, ##__VA_ARGS__); } while (0)
#define pr_err(fmt, ...) native_printk("E ", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) native_printk("W ", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) native_printk("I ", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_once pr_err
extern int native_verbose;
extern unsigned long native_warnings;
#define WARN_ON(c) ({ bool _c = !!(c); if (unlikely(_c)) native_warn(__FILE__, __LINE__, #c); _c; })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN(c, fmt, ...) WARN_ON(c)
#define BUG_ON(c) do { if (unlikely(c)) abort(); } while (0)
void native_warn(const char *file, int line, const char *cond);
void panic(const char *fmt, ...) __attribute__((noreturn));

/* lib/sort.c's interface, done by the C library. */
typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);
void sort(void *base, size_t num, size_t size, cmp_func_t cmp,
	  swap_func_t swap);

/* asm/e820/types.h */
enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI = 3,
	E820_TYPE_NVS = 4,
	E820_TYPE_UNUSABLE = 5,
	E820_TYPE_PMEM = 7,
	E820_TYPE_PRAM = 12,
	E820_TYPE_SOFT_RESERVED = 0xefffffff,
	E820_TYPE_RESERVED_KERN = 128,
};

struct e820_entry {
	u64 addr;
	u64 size;
	enum e820_type type;
} __packed;
#define E820_MAX_ENTRIES 128

/* asm/xen/page.h: the P2M entry encoding and the tree geometry. */
#define INVALID_P2M_ENTRY (~0UL)
#define FOREIGN_FRAME_BIT (1UL << 63)
#define IDENTITY_FRAME_BIT (1UL << 62)
#define FOREIGN_FRAME(m) ((m) | FOREIGN_FRAME_BIT)
#define IDENTITY_FRAME(m) ((m) | IDENTITY_FRAME_BIT)
#define P2M_PER_PAGE (PAGE_SIZE / sizeof(unsigned long))
#define P2M_MID_PER_PAGE (PAGE_SIZE / sizeof(unsigned long *))
#define P2M_TOP_PER_PAGE (PAGE_SIZE / sizeof(unsigned long **))
#define P2M_MID_SPAN (P2M_MID_PER_PAGE * P2M_PER_PAGE)
extern unsigned long ***xen_p2m_top;
extern unsigned long xen_p2m_limit;
unsigned long get_phys_to_machine(unsigned long pfn);
bool set_phys_to_machine(unsigned long pfn, unsigned long mfn);
bool __set_phys_to_machine(unsigned long pfn, unsigned long mfn);
unsigned long set_phys_range_identity(unsigned long pfn_s,
				      unsigned long pfn_e);
int xen_alloc_p2m_entry(unsigned long pfn);
unsigned long __pfn_to_mfn(unsigned long pfn);
#define pfn_to_mfn(pfn) __pfn_to_mfn(pfn)
unsigned long virt_to_mfn(const void *v);
void *mfn_to_virt(unsigned long mfn);

/*
 * What only the live P2M (brk, memblock, the page allocator, Xen's start
 * info and shared info, grant tables, debugfs) uses: declared so that the
 * file compiles, defined in native-stubs.c to abort if ever reached.
 */
struct page;
typedef struct { unsigned long pte; } pte_t;
unsigned long page_to_pfn(const struct page *page);
unsigned long pte_mfn(pte_t pte);
void *extend_brk(size_t size, size_t align);
bool slab_is_available(void);
#define GFP_KERNEL 0
unsigned long __get_free_page(int gfp);
void free_page(unsigned long addr);
u64 memblock_phys_mem_size(void);
void *memblock_alloc(u64 size, u64 align);
void memblock_free(void *ptr, size_t size);

struct start_info {
	unsigned long nr_pages;
	unsigned long mfn_list;
	unsigned long flags;
};
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
extern struct start_info *xen_start_info;
struct arch_shared_info {
	unsigned long max_pfn;
	unsigned long pfn_to_mfn_frame_list_list;
	unsigned long nmi_reason;
	unsigned long p2m_cr3;
	unsigned long p2m_vaddr;
	unsigned long p2m_generation;
};
struct shared_info {
	struct arch_shared_info arch;
};
extern struct shared_info *HYPERVISOR_shared_info;
extern struct shared_info xen_dummy_shared_info;
bool xen_initial_domain(void);
bool xen_pv_domain(void);
bool xen_feature(int flag);
#define XENFEAT_auto_translated_physmap 2

#define DOMID_SELF ((domid_t)0x7FF0U)
#define XENMEM_maximum_reservation 4
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
#define set_xen_guest_handle(hnd, val) ((hnd) = (val))
struct xen_memory_map {
	unsigned int nr_entries;
	void *buffer;
};
long HYPERVISOR_memory_op(unsigned int cmd, void *arg);

typedef u32 grant_ref_t;
typedef u32 grant_handle_t;
struct gnttab_map_grant_ref {
	u64 host_addr;
	u32 flags;
	grant_ref_t ref;
	domid_t dom;
	s16 status;
	grant_handle_t handle;
	u64 dev_bus_addr;
};
struct gnttab_unmap_grant_ref {
	u64 host_addr;
	u64 dev_bus_addr;
	grant_handle_t handle;
	s16 status;
};
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTMAP_device_map (1 << 0)
#define GNTMAP_contains_pte (1 << 4)
#define INVALID_GRANT_HANDLE ((grant_handle_t)~0U)
int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count);

struct dentry;
struct dentry *xen_init_debugfs(void);

/*
 * The linear view for the toolstack: x86 page tables and the early
 * vmalloc area, live only (private trees have no view ops, or the test's).
 */
typedef struct { unsigned long pmd; } pmd_t;
struct mm_struct;
extern struct mm_struct init_mm;
extern unsigned long swapper_pg_dir[];
struct vm_struct {
	unsigned long flags;
	unsigned long size;
	void *addr;
};
#define VM_ALLOC 0x2
#define PTRS_PER_PTE 512
#define PMD_SIZE (1UL << 21)
#define PUD_SIZE (1UL << 30)
#define PAGE_KERNEL_RO 0UL
#define _KERNPG_TABLE 0x63UL
#define PG_LEVEL_4K 1
#define __pmd(x) ((pmd_t){ (x) })
#define PTR_ALIGN_DOWN(p, a) \
	((__typeof__(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
unsigned long __pa(const void *v);
pte_t pfn_pte(unsigned long pfn, unsigned long prot);
bool pte_present(pte_t pte);
bool pte_write(pte_t pte);
void set_pte(pte_t *ptep, pte_t pte);
void set_pmd(pmd_t *pmdp, pmd_t pmd);
pte_t *lookup_address(unsigned long va, unsigned int *level);
pmd_t *lookup_pmd_address(unsigned long va);
pmd_t *populate_extra_pmd(unsigned long va);
void paravirt_alloc_pte(struct mm_struct *mm, unsigned long pfn);
void vm_area_register_early(struct vm_struct *vm, size_t align);

/* One thread per tree in user space: the view lock is never contended. */
typedef struct { int locked; } spinlock_t;
#define spin_lock_init(l) ((l)->locked = 0)
#define spin_lock_irqsave(l, flags) ((flags) = 0, (l)->locked = 1)
#define spin_unlock_irqrestore(l, flags) ((void)(flags), (l)->locked = 0)
#define virt_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif /* _NATIVE_KERNEL_H */
