#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 34-domu-save-mid-balloon (issue 14: a suspend
# request while the balloon is mid-batch). "xl mem-set domu 128m" starts a
# 384 MiB balloon-down (scrubbed, in batches); "xl save" follows at once,
# so the suspend arrives while the balloon works (freezing user space
# alone takes about half a second here). The save either goes through
# (then "xl restore" brings the domU back) or is refused (the domU runs
# on); either way the balloon then reaches 128 MiB (well above the safe floor
# of a domU of 512 MiB, about 66 MiB here), goes back up to
# 512 MiB, and the domU powers off cleanly.
# Every line starting with "mid-" is read by the test.
. /xm/lib.sh # fail try domu_home key wait_key said alive shutdown_domu restore_domu

domu_home || fail "xl domid domu"
n=0
while [ "$(key current_kb)" = missing ]; do
	n=$((n + 1))
	[ $n -le 120 ] || fail "the domU did not publish its balloon"
	sleep 0.5
done
echo "mid-start id=$id current_kb=$(key current_kb)"

try xl mem-set domu 128m || fail "xl mem-set domu 128m"
t=$(date +%s)
xl save domu /tmp/mid.save >/tmp/mid-save.log 2>&1
rc=$?
echo "mid-save rc=$rc seconds=$(($(date +%s) - t))"
said mid-save-log /tmp/mid-save.log
[ $rc = 0 ] && restore_domu /tmp/mid.save mid-restore
rm -f /tmp/mid.save
alive mid-alive || fail "the domU is gone"
# The interrupted batch goes on to the target, then back up.
wait_key current_kb 131072 240
echo "mid-down current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
try xl mem-set domu 512m || fail "xl mem-set domu 512m"
wait_key current_kb 524288 240
echo "mid-up current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
alive mid-end || fail "the domU is gone"
shutdown_domu mid-shutdown
