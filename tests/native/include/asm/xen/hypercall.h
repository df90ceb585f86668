/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <asm/xen/hypercall.h>: everything is in native.h. */
#include <native.h>
