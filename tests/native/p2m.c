// SPDX-License-Identifier: GPL-2.0
/* The kernel file itself, unchanged (tools/testing/memblock does the same). */
#include "../../arch/x86/xen/p2m.c"
