// SPDX-License-Identifier: GPL-2.0
/*
 * The front of the Xen balloon: the xenstore memory/target watch and
 * /sys/devices/system/xen_memory/xen_memory0/.
 *
 *   xen_memory0/target_kb           rw  target in KiB, as written
 *   xen_memory0/target              rw  target in bytes (K/M/G/... allowed)
 *   xen_memory0/schedule_delay      ro  seconds before the next retry
 *   xen_memory0/max_schedule_delay  rw  cap of schedule_delay (>= 1)
 *   xen_memory0/retry_count         ro  tries since the last progress
 *   xen_memory0/max_retry_count     rw  tries before giving up, 0: never
 *   xen_memory0/scrub_pages         rw  clear pages before giving them back
 *   xen_memory0/info/current_kb     ro  our reservation as Xen counts it
 *   xen_memory0/info/low_kb         ro  ballooned pages (no frame behind)
 *   xen_memory0/info/high_kb        ro  always 0 on 64-bit
 *   xen_memory0/info/stop_reason    ro  why the target is not (or will not
 *                                       be) reached: none, max_reservation,
 *                                       no_extra_pages, hypercall_refused,
 *                                       allocation_pressure, safe_floor,
 *                                       bad_target (memory/target refused),
 *                                       memory_offline (hotplugged, not
 *                                       onlined yet)
 *   xen_memory0/info/requested_kb   ro  the target asked for, unclamped
 *   xen_memory0/info/effective_target_kb
 *                                   ro  the target the balloon works
 *                                       toward: clamped to Xen's ceiling,
 *                                       the pages it can fill, the floor
 *   xen_memory0/info/floor_kb       ro  the safe floor last computed
 *   xen_memory0/info/refused_kb     ro  ballooned pages never populated
 *                                       because the P2M or E820 forbid it
 *
 * The names and units of the first nine files are Linux's stable ABI.
 * Input that is not a whole non-negative number (with the suffixes the
 * file allows; a boolean word for scrub_pages), that overflows or is out
 * of range, or that holds a NUL byte, is refused with -EINVAL and changes
 * nothing. Numbers are decimal or 0x hex, with an optional newline.
 *
 * For toolstacks the balloon writes control/feature-balloon = 1 and keeps
 * data/balloon/{target_kb,current_kb,floor_kb,stop_reason} up to date
 * (the same values as the files above; at most one round of writes a
 * second). data/ is the part of its xenstore home a guest may write
 * (libxl creates it writable; memory/ is the toolstack's and read-only to
 * the guest). libxl does not create control/feature-balloon, so under xl
 * that write fails (logged, harmless); XAPI lets the guest create it.
 *
 * The device's freeze refuses a suspend (xl save) while the domain holds
 * more pages than Xen's limit, after giving back what it can: a restore
 * could not allocate them (xen_balloon_suspend()).
 */
#define pr_fmt(fmt) "xen:balloon: " fmt

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <xen/balloon.h>
#include <xen/balloon_core.h>
#include <xen/mem-reservation.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#define PAGES_TO_KB(p)	((unsigned long)(p) << (PAGE_SHIFT - 10))

#ifdef CONFIG_MEMORY_HOTPLUG
/* max_mem_size before the memory setup clamped it to the E820's RAM. */
u64 xen_saved_max_mem_size;

/**
 * xen_balloon_lift_mem_limit - give memory hotplug back its own limit
 *
 * The memory setup keeps boot-time hotplug (ACPI memory devices and the
 * like) inside the RAM Xen gave us until the toolstack talks to the
 * balloon: the first memory/target event, as upstream.
 */
void xen_balloon_lift_mem_limit(void)
{
	if (xen_saved_max_mem_size)
		max_mem_size = xen_saved_max_mem_size;
}
#else
static inline void xen_balloon_lift_mem_limit(void) { }
#endif

/* ---- xenstore memory/target (KiB), written by xl mem-set ---------------- */

/*
 * memory/static-max in pages, read once; 0 for PV guests and dom0 (their
 * memory/target is used as it is) and when there is none.
 */
static unsigned long balloon_static_max(void)
{
	unsigned long static_max;
	char *s;

	if (xen_pv_domain() || xen_initial_domain())
		return 0;
	s = xenbus_read(XBT_NIL, "memory", "static-max", NULL);
	if (IS_ERR(s))
		s = xenbus_read(XBT_NIL, "memory", "memory_static_max", NULL);
	if (IS_ERR(s))
		return 0;
	if (xen_balloon_parse_kb(s, &static_max))
		static_max = 0;
	kfree(s);
	return static_max;
}

static void balloon_target_changed(struct xenbus_watch *watch,
				   const char *path, const char *token)
{
	static bool have_static_max;
	static unsigned long static_max;
	char *s;

	xen_balloon_lift_mem_limit();
	s = xenbus_read(XBT_NIL, "memory", "target", NULL);
	if (IS_ERR(s))
		return;	/* dom0 may have none */
	if (!have_static_max) {
		static_max = balloon_static_max();
		have_static_max = true;
	}
	if (xen_balloon_xenstore_input(&xen_balloon, s, static_max))
		pr_warn_ratelimited("refusing memory/target \"%.32s\": not a size in KiB\n",
				    s);
	kfree(s);
}

static struct xenbus_watch balloon_target_watch = {
	.node = "memory/target",
	.callback = balloon_target_changed,
};

/* The publish op of the live balloon: data/balloon/@key. */
int xen_balloon_xs_write(struct xen_balloon *b, const char *key,
			 const char *value)
{
	return xenbus_write(XBT_NIL, "data/balloon", key, value);
}

/* Tell the toolstack a balloon driver runs, and publish its state. */
static void balloon_announce(void)
{
	int err = xenbus_write(XBT_NIL, "control", "feature-balloon", "1");

	if (err)
		pr_info("control/feature-balloon not written: error %d (the toolstack did not make it writable)\n",
			err);
	xen_balloon_publish_all(&xen_balloon);
}

static int balloon_xenstore_ready(struct notifier_block *nb,
				  unsigned long event, void *data)
{
	if (register_xenbus_watch(&balloon_target_watch))
		pr_err("cannot watch memory/target\n");
	balloon_announce();
	return NOTIFY_DONE;
}

/* After a resume the keys may be gone (a restore makes a new domain). */
static int balloon_pm_resumed(struct device *dev)
{
	balloon_announce();
	return 0;
}

/*
 * The freeze of a suspend (xl save; also a hibernation, where the check is
 * merely cautious): refused when the domain holds more than a restore may
 * allocate and the balloon cannot give back enough. dpm_suspend_start()
 * then fails, do_suspend() thaws everything, and the toolstack's save
 * fails with the domain still running.
 */
static int balloon_pm_freeze(struct device *dev)
{
	return xen_balloon_suspend(&xen_balloon);
}

/* In the new domain: first take back what the restore left behind. */
static int balloon_pm_restore(struct device *dev)
{
	xen_balloon_restored(&xen_balloon);
	return balloon_pm_resumed(dev);
}

static const struct dev_pm_ops balloon_pm_ops = {
	.freeze = balloon_pm_freeze,
	.thaw = balloon_pm_resumed,
	.restore = balloon_pm_restore,
};

static struct notifier_block balloon_xenstore_nb = {
	.notifier_call = balloon_xenstore_ready,
};

/* ---- sysfs ------------------------------------------------------------- */

/* The target as written (upstream's ABI); the clamped one is in info/. */
static ssize_t target_kb_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(READ_ONCE(xen_balloon.requested_pages)));
}

static ssize_t target_kb_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	unsigned long pages;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (xen_balloon_check_input(buf, count) ||
	    xen_balloon_parse_kb(buf, &pages))
		return -EINVAL;
	balloon_set_new_target(pages);
	return count;
}
static DEVICE_ATTR_RW(target_kb);

static ssize_t target_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)READ_ONCE(xen_balloon.requested_pages) << PAGE_SHIFT);
}

static ssize_t target_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned long pages;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (xen_balloon_check_input(buf, count) ||
	    xen_balloon_parse_bytes(buf, &pages))
		return -EINVAL;
	balloon_set_new_target(pages);
	return count;
}
static DEVICE_ATTR_RW(target);

static ssize_t schedule_delay_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", balloon_stats.schedule_delay);
}
static DEVICE_ATTR_RO(schedule_delay);

static ssize_t retry_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", balloon_stats.retry_count);
}
static DEVICE_ATTR_RO(retry_count);

static ssize_t max_schedule_delay_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", balloon_stats.max_schedule_delay);
}

static ssize_t max_schedule_delay_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t count)
{
	unsigned long val;

	if (xen_balloon_check_input(buf, count) ||
	    xen_balloon_parse_ulong(buf, 1, INT_MAX / HZ, &val))
		return -EINVAL;
	balloon_stats.max_schedule_delay = val;
	return count;
}
static DEVICE_ATTR_RW(max_schedule_delay);

static ssize_t max_retry_count_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", balloon_stats.max_retry_count);
}

static ssize_t max_retry_count_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	unsigned long val;

	if (xen_balloon_check_input(buf, count) ||
	    xen_balloon_parse_ulong(buf, 0, ULONG_MAX, &val))
		return -EINVAL;
	balloon_stats.max_retry_count = val;
	return count;
}
static DEVICE_ATTR_RW(max_retry_count);

static ssize_t scrub_pages_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", xen_scrub_pages);
}

static ssize_t scrub_pages_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	bool val;

	if (xen_balloon_check_input(buf, count) ||
	    xen_balloon_parse_bool(buf, &val))
		return -EINVAL;
	xen_scrub_pages = val;
	return count;
}
static DEVICE_ATTR_RW(scrub_pages);

static ssize_t current_kb_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(balloon_stats.current_pages));
}
static DEVICE_ATTR_RO(current_kb);

static ssize_t low_kb_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(balloon_stats.balloon_low));
}
static DEVICE_ATTR_RO(low_kb);

static ssize_t high_kb_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(balloon_stats.balloon_high));
}
static DEVICE_ATTR_RO(high_kb);

static ssize_t stop_reason_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", xen_balloon_stop_name(READ_ONCE(xen_balloon.stop)));
}
static DEVICE_ATTR_RO(stop_reason);

static ssize_t requested_kb_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(READ_ONCE(xen_balloon.requested_pages)));
}
static DEVICE_ATTR_RO(requested_kb);

static ssize_t effective_target_kb_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(READ_ONCE(balloon_stats.target_pages)));
}
static DEVICE_ATTR_RO(effective_target_kb);

static ssize_t floor_kb_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(READ_ONCE(xen_balloon.floor_pages)));
}
static DEVICE_ATTR_RO(floor_kb);

static ssize_t refused_kb_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", PAGES_TO_KB(READ_ONCE(xen_balloon.nr_parked)));
}
static DEVICE_ATTR_RO(refused_kb);

static struct attribute *balloon_attrs[] = {
	&dev_attr_target_kb.attr,
	&dev_attr_target.attr,
	&dev_attr_schedule_delay.attr,
	&dev_attr_max_schedule_delay.attr,
	&dev_attr_retry_count.attr,
	&dev_attr_max_retry_count.attr,
	&dev_attr_scrub_pages.attr,
	NULL
};

static const struct attribute_group balloon_group = {
	.attrs = balloon_attrs,
};

static struct attribute *balloon_info_attrs[] = {
	&dev_attr_current_kb.attr,
	&dev_attr_low_kb.attr,
	&dev_attr_high_kb.attr,
	&dev_attr_stop_reason.attr,
	&dev_attr_requested_kb.attr,
	&dev_attr_effective_target_kb.attr,
	&dev_attr_floor_kb.attr,
	&dev_attr_refused_kb.attr,
	NULL
};

static const struct attribute_group balloon_info_group = {
	.name = "info",
	.attrs = balloon_info_attrs,
};

static const struct attribute_group *balloon_groups[] = {
	&balloon_group,
	&balloon_info_group,
	NULL
};

static struct bus_type balloon_subsys = {
	.name = "xen_memory",
	.dev_name = "xen_memory",
	.pm = &balloon_pm_ops,
};

static struct device balloon_dev = {
	.id = 0,
	.bus = &balloon_subsys,
	.groups = balloon_groups,
};

void xen_balloon_init(void)
{
	int err;

	err = subsys_system_register(&balloon_subsys, NULL);
	if (!err) {
		err = device_register(&balloon_dev);
		if (err) {
			put_device(&balloon_dev);
			bus_unregister(&balloon_subsys);
		}
	}
	if (err)
		pr_err("no sysfs interface: error %d\n", err);
	register_xenstore_notifier(&balloon_xenstore_nb);
}
EXPORT_SYMBOL_GPL(xen_balloon_init);
