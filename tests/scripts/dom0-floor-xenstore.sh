#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 45-domu-floor-xenstore. The domU sits at its
# safe floor after "xl mem-set domu 8192k": read the balloon state it
# publishes in its xenstore home (data/balloon/) and compare it with what
# was written and with Xen's count; then move the target up and count the
# writes the balloon makes on the way (at most one round a second).
# No "set -e", and polling with shell builtins: this platform's busybox
# now and then crashes at exec (README), so a command that fails is tried
# again before the script gives up.
. /xm/lib.sh # fail, try, domu_home, key, wait_key

domu_home || fail "xl domid domu"
# xl list's Mem column: Xen's count of the domain's pages, in MiB.
xen_mib() {
	try xl list domu >/tmp/xl-list.txt
	while read -r _ _ mem _; do m=$mem; done </tmp/xl-list.txt
	echo "$m"
}
# seen WORD FILE: FILE has a line with WORD (builtins only)
seen() {
	while IFS= read -r l; do
		case $l in *"$1"*) return 0 ;; esac
	done <"$2"
	return 1
}
count() {
	c=0
	while IFS= read -r l; do
		case $l in *"$1"*) c=$((c + 1)) ;; esac
	done <"$2"
	echo $c
}

# The last round of writes trails the last change by at most a second.
sleep 2
target=$(key target_kb)
cur=$(key current_kb)
floor=$(key floor_kb)
stop=$(key stop_reason)
xen=$(xen_mib)
echo "xs-floor target_kb=$target current_kb=$cur floor_kb=$floor stop_reason=$stop xen_mib=$xen"
[ "$target" = 8192 ] || fail "target_kb is $target, not the 8192 written"
[ "$stop" = safe_floor ] || fail "stop_reason is $stop, not safe_floor"
[ "$cur" -gt "$target" ] || fail "current_kb $cur is not above the target"
d=$((cur / 1024 - xen))
[ $d -ge -1 ] || fail "current_kb $cur is below Xen's $xen MiB"
[ $d -le 1 ] || fail "current_kb $cur is above Xen's $xen MiB"
# The floor: its fixed margin (16 MiB) at least, at most the domU's 128 MiB.
[ "$floor" -gt 16384 ] || fail "floor_kb $floor is below the floor's margin"
[ "$floor" -le 131072 ] || fail "floor_kb $floor is above the domU's size"

dom0=$(try xenstore-read /local/domain/0/control/feature-balloon 2>/dev/null || echo absent)
domu=$(try xenstore-read "/local/domain/$id/control/feature-balloon" 2>/dev/null || echo absent)
echo "xs-feature-balloon dom0=$dom0 domu=$domu"
[ "$dom0" = 1 ] || fail "dom0 did not write control/feature-balloon"
[ "$(try xenstore-read /local/domain/0/data/balloon/stop_reason 2>/dev/null)" = none ] ||
	fail "dom0 publishes no data/balloon/stop_reason"

# The domU reads its sysfs files at the floor before the target moves.
n=0
while ! seen 'domu-sysfs ' /tmp/domu.log; do
	n=$((n + 1))
	[ $n -le 90 ] || fail "the domU's script did not report its sysfs files"
	sleep 1
done

# Up to 100 MiB: the keys follow, the writes are rate-limited.
timeout 25 xenstore-watch "$k/current_kb" >/tmp/watch.log 2>&1 &
sleep 1
t=$(date +%s)
try xl mem-set domu 100m || fail "xl mem-set domu 100m"
wait_key current_kb 102400 40
moved=$(($(date +%s) - t))
sleep 3
wait
writes=$(($(count current_kb /tmp/watch.log) - 1))
echo "xs-up target_kb=$(key target_kb) current_kb=$(key current_kb) stop_reason=$(key stop_reason) xen_mib=$(xen_mib) seconds=$moved current_kb_writes=$writes"
[ "$(key target_kb)" = 102400 ] || fail "target_kb is $(key target_kb) after mem-set 100m"
[ "$(key stop_reason)" = none ] || fail "stop_reason is $(key stop_reason) at the target"
# One round a second while moving, plus the final one; the watch also
# fires once when it is set.
[ $writes -ge 1 ] || fail "no write of current_kb seen while it moved"
[ $writes -le $((moved + 2)) ] || fail "$writes writes of current_kb in $moved s"
