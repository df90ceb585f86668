#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot tests 33-domu-hotplug and 33-pvh-domu-hotplug: the
# domU booted with memory == maxmem (128 MiB). Raise its maxmem and its
# target to 384 MiB as a toolstack does (Qubes' qmemman, xl), wait until
# its balloon (data/balloon/ in xenstore) reaches it by memory hotplug,
# let the domU use the memory, then bring it back to 128 MiB.
# Every line starting with "hp-" is read by the test.
. /xm/lib.sh # fail try domu_home key settle alive shutdown_domu

# line WORD: wait (at most 150 s) for a line of the domU's console with WORD
line() {
	n=0
	while :; do
		while IFS= read -r l; do
			case $l in *"$1"*) return 0 ;; esac
		done </tmp/domu.log
		n=$((n + 1))
		[ $n -le 150 ] || fail "the domU did not say $1"
		sleep 1
	done
}

domu_home || fail "xl domid domu"
line domu-ready
echo "hp-boot current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
try xl mem-max domu 384m || fail "xl mem-max domu 384m"
try xl mem-set domu 384m || fail "xl mem-set domu 384m"
settle -ge 385024
alive hp-grown-xl
echo "hp-grown current_kb=$(key current_kb) target_kb=$(key target_kb) seconds=$((n / 2))"

line domu-used
try xl mem-set domu 128m || fail "xl mem-set domu 128m"
settle -le 131072
alive hp-shrunk-xl
echo "hp-shrunk current_kb=$(key current_kb) target_kb=$(key target_kb) seconds=$((n / 2))"
line domu-small
shutdown_domu hp-shutdown
