/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <linux/sort.h>: everything is in native.h. */
#include <native.h>
