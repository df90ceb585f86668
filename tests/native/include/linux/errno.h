/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native shim of <linux/errno.h>. The C library includes this name too, for
 * the UAPI errno values: those come first, then the rest of the shim.
 */
#include_next <linux/errno.h>
#include <native.h>
