/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <xen/grant_table.h>: everything is in native.h. */
#include <native.h>
