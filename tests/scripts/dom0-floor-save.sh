#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 46-domu-floor-save. The domU sits at its safe
# floor after "xl mem-set domu 8192k": Xen's limit for it is 9 MiB, and a
# restore builds the new domain with that limit. "xl save" it, "xl
# restore" it if the save went through, and say whether the domU is
# still there. Then, if it is, raise its target so that it fits and save
# and restore it once more: that round must work.
# Every line starting with "floor-" or "up-" is read by the test.
# No "set -e": this platform's busybox now and then crashes at exec
# (README), so a read-only command that fails is tried again; xl save and
# xl restore run once.
. /xm/lib.sh # fail try domu_home key wait_key said alive shutdown_domu restore_domu

domu_home || fail "xl domid domu"
sleep 2
echo "floor-held id=$id target_kb=$(key target_kb) current_kb=$(key current_kb)" \
	"floor_kb=$(key floor_kb) stop_reason=$(key stop_reason)"

t=$(date +%s)
xl save domu /tmp/floor.save >/tmp/floor-save.log 2>&1
rc=$?
echo "floor-save rc=$rc seconds=$(($(date +%s) - t))"
said floor-save-log /tmp/floor-save.log
if [ $rc = 0 ]; then
	t=$(date +%s)
	xl restore /tmp/floor.save >/tmp/floor-restore.log 2>&1
	rc=$?
	echo "floor-restore rc=$rc seconds=$(($(date +%s) - t))"
	said floor-restore-log /tmp/floor-restore.log
fi
rm -f /tmp/floor.save
alive floor-end || fail "the domU is gone"

# Up to 100 MiB (Xen's limit follows, 101 MiB): the domU fits now.
try xl mem-set domu 100m || fail "xl mem-set domu 100m"
wait_key current_kb 102400 60
echo "up-held current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
t=$(date +%s)
xl save domu /tmp/up.save >/tmp/up-save.log 2>&1
rc=$?
echo "up-save rc=$rc seconds=$(($(date +%s) - t))"
said up-save-log /tmp/up-save.log
[ $rc = 0 ] || fail "xl save of a domU at its target failed"
# The restored balloon writes its keys again in the new domain's home.
restore_domu /tmp/up.save up-restore
wait_key current_kb 102400 20
rm -f /tmp/up.save
alive up-end || fail "the restored domU is gone"
shutdown_domu up-shutdown
