/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <linux/memblock.h>: everything is in native.h. */
#include <native.h>
