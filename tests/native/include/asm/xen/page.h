/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <asm/xen/page.h>: everything is in native.h. */
#include <native.h>
