#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOMU_SCRIPT of boot tests 33-domu-hotplug and 33-pvh-domu-hotplug. The
# domU booted with memory == maxmem (128 MiB). It onlines hotplugged
# memory itself (auto_online_blocks, as the Kconfig help of
# XEN_BALLOON_MEMORY_HOTPLUG asks), holds a 32 MiB pattern, and waits for
# dom0 to raise maxmem and the target to 384 MiB. Then it fills and
# checks 200 MiB, more than it booted with, frees them, and waits for
# dom0 to bring it back to 128 MiB: the 32 MiB pattern must be intact.
# Lines starting with "domu-" are read by the test. Polls with shell
# builtins (this platform's busybox now and then crashes at exec).
B=/sys/devices/system/xen_memory/xen_memory0
D=/sys/kernel/debug/xen_balloon
M=/sys/devices/system/memory
. /xm/lib.sh # pattern check

[ -f $D ] || mount -t debugfs none /sys/kernel/debug
echo online >$M/auto_online_blocks || { echo "domu-error no auto_online_blocks"; exit 1; }

# state TAG: the balloon's count beside Xen's, MemTotal, memory blocks
state() {
	while read -r k v _; do
		case $k in
		current_kb) cur=$v ;;
		xen_current_kb) xen=$v ;;
		accounted) acc=$v ;;
		stop) stop=$v ;;
		esac
	done <$D
	while read -r k v _; do
		[ "$k" = MemTotal: ] && mt=$v
	done </proc/meminfo
	nb=0
	on=0
	for s in $M/memory*/state; do
		nb=$((nb + 1))
		read -r st <"$s"
		[ "$st" = online ] && on=$((on + 1))
	done
	echo "domu-$1 current_kb=$cur xen_kb=$xen accounted=$acc stop=$stop memtotal_kb=$mt blocks=$nb online=$on"
}

# until_kb OP KB TAG: wait (at most 120 s) until current_kb OP KB
until_kb() {
	n=0
	while read -r cur <$B/info/current_kb; ! [ "$cur" "$1" "$2" ]; do
		n=$((n + 1))
		[ $n -le 240 ] || { state "error-$3"; exit 1; }
		sleep 0.5
	done
	sleep 2
}

# hold MIB OUT: the pattern of lib.sh, or the end of this script
hold() {
	pattern "$1" "$2" || { echo "domu-error pattern of $1 MiB not ready"; exit 1; }
}

hold 32 /tmp/small.out
small=$pid
state boot
echo "domu-ready"

until_kb -ge 300000 grow
state grown
hold 200 /tmp/big.out
check $pid /tmp/big.out big
echo "domu-used mb=200"

until_kb -le 135168 shrink
state shrunk
check $small /tmp/small.out small
