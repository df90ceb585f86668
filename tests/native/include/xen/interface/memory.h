/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <xen/interface/memory.h>: everything is in native.h. */
#include <native.h>
