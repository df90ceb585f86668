/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of "xen-ops.h" (arch/x86/xen): everything is in native.h. */
#include <native.h>
