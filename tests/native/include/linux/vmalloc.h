/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <linux/vmalloc.h>: everything is in native.h. */
#include <native.h>
