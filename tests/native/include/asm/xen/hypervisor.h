/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <asm/xen/hypervisor.h>: everything is in native.h. */
#include <native.h>
