#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOMU_SCRIPT of boot test 37: the domU looks at itself.
set -e
[ "$(cat /sys/kernel/debug/xen/mmu/p2m_check)" = ok ] || exit 1
echo "domu-p2m-check ok"
echo "domu-current-kb $(cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb)"
