#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOMU_SCRIPT of boot test 47-pvh-domu-migrate: hold a 48 MiB pattern
# while dom0 live-migrates this domU twice and its balloon goes down to
# 192 MiB and back up, then check every word. Polls with shell builtins
# (this platform's busybox now and then crashes at exec).
B=/sys/devices/system/xen_memory/xen_memory0/info/current_kb
. /xm/lib.sh # pattern check

# until_kb OP KB: wait (at most 300 s) until current_kb OP KB
until_kb() {
	n=0
	while read -r cur <$B; ! [ "$cur" "$1" "$2" ]; do
		n=$((n + 1))
		[ $n -le 600 ] || { echo "domu-error current_kb stayed at $cur"; exit 1; }
		sleep 0.5
	done
}

pattern 48 /tmp/mig.out
echo "domu-ready"
until_kb -le 196608
until_kb -ge 253952
check $pid /tmp/mig.out pattern
