#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOMU_SCRIPT of boot test 45-domu-floor-xenstore: at the safe floor,
# target_kb shows the target as written, info/effective_target_kb the
# clamped one. Shell builtins only (see dom0-floor-xenstore.sh).
B=/sys/devices/system/xen_memory/xen_memory0
read -r t <$B/target_kb
read -r tb <$B/target
read -r eff <$B/info/effective_target_kb
read -r req <$B/info/requested_kb
read -r cur <$B/info/current_kb
read -r stop <$B/info/stop_reason
echo "domu-sysfs target_kb=$t target=$tb effective_target_kb=$eff requested_kb=$req current_kb=$cur stop_reason=$stop"
