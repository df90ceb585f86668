/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <linux/init.h>: everything is in native.h. */
#include <native.h>
