#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOMU_SCRIPT of boot test 45-domu-floor-recheck. Hold 24 MiB in tmpfs
# (shmem: with no swap the safe floor counts it), let dom0 set a target
# below the floor, measure the domU's CPU use while the balloon is held
# there, then free the 24 MiB: the balloon must notice on its own.
# Shell builtins where it polls (this platform's busybox now and then
# crashes at exec, see README).
B=/sys/devices/system/xen_memory/xen_memory0
dd if=/dev/zero of=/tmp/hold bs=1M count=24 2>/dev/null || exit 1
echo "domu-held mb=24"

n=0
while :; do
	read -r stop <$B/info/stop_reason
	read -r cur <$B/info/current_kb
	read -r eff <$B/info/effective_target_kb
	[ "$stop" = safe_floor ] && [ "$cur" = "$eff" ] && break
	n=$((n + 1))
	if [ $n -gt 240 ]; then
		echo "domu-error not held at the floor: stop_reason=$stop current_kb=$cur"
		exit 1
	fi
	sleep 0.5
done
sleep 2

# CPU use of the whole domU over 24 s (three looks at the floor):
# user+nice+system+irq+softirq against all ticks, from /proc/stat.
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
sleep 24
read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ </proc/stat
busy=$((u2 + n2 + s2 + q2 + sq2 - u1 - n1 - s1 - q1 - sq1))
total=$((busy + i2 + w2 + st2 - i1 - w1 - st1))
read -r cur <$B/info/current_kb
read -r floor <$B/info/floor_kb
echo "domu-idle-at-floor busy_ticks=$busy total_ticks=$total current_kb=$cur floor_kb=$floor"

rm -f /tmp/hold
echo "domu-freed mb=24"
