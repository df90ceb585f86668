/* SPDX-License-Identifier: GPL-2.0 */
/* Native shim of <asm/e820/types.h>: everything is in native.h. */
#include <native.h>
