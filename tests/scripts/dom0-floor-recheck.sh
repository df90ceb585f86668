#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 45-domu-floor-recheck: once the domU holds
# 24 MiB, "xl mem-set domu 8m" stops it at its safe floor; when the domU
# frees the 24 MiB, the balloon must go on toward the target by itself
# (it looks at the floor again every few seconds). Watched through the
# keys it publishes in xenstore. Polls with shell builtins and tries a
# failed command again (see dom0-floor-xenstore.sh).
. /xm/lib.sh # fail, try, domu_home, key
# line WORD: the first line of the domU's console with WORD, or fail
line() {
	n=0
	while :; do
		while IFS= read -r l; do
			case $l in *"$1"*) echo "$l"; return 0 ;; esac
		done </tmp/domu.log
		n=$((n + 1))
		[ $n -le 150 ] || return 1
		sleep 1
	done
}
# value KEY LINE: KEY=value from LINE
value() {
	for w in $2; do
		case $w in "$1"=*) echo "${w#*=}" ;; esac
	done
}

domu_home || fail "xl domid domu"

line 'domu-held ' >/dev/null || fail "the domU did not report its 24 MiB"
try xl mem-set domu 8m || fail "xl mem-set domu 8m"
idle=$(line 'domu-idle-at-floor ') || fail "the domU was not held at its floor"
before=$(value current_kb "$idle")
echo "xs-held current_kb=$(key current_kb) floor_kb=$(key floor_kb) stop_reason=$(key stop_reason) domu_current_kb=$before"
line 'domu-freed ' >/dev/null || fail "the domU did not free its 24 MiB"

# The floor falls by about 24 MiB; the next look (at most 8 s) goes on.
t=$(date +%s)
n=0
while [ "$(key current_kb)" -gt $((before - 16384)) ]; do
	n=$((n + 1))
	[ $n -le 60 ] || fail "current_kb stayed at $(key current_kb) after the domU freed 24 MiB"
	sleep 0.5
done
sleep 2
echo "xs-recheck current_kb_before=$before current_kb=$(key current_kb) floor_kb=$(key floor_kb) stop_reason=$(key stop_reason) target_kb=$(key target_kb) seconds=$(($(date +%s) - t))"
