# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The in-guest half of "make bench" (scripts/bench.sh is the host half).
# /init sources it in a subshell, for its helpers (start_xen_tools) and
# the command line's xm* variables, when the kernel command line has
# xmbench=PARTS, a ':'-separated list of:
#   boot        print dom0's /proc/uptime as /init starts
#   balloon     the balloon (dom0's or the domU's) goes 256 MiB down and
#               back up, xmbenchreps times (xm_bench.ko run=balloon:
#               timed in the kernel with ktime)
#   module      insmod /lib/modules/xm_bench.ko (P2M lookups and sets)
#   meta        insmod xm_bench.ko run=meta (P2M metadata pages only)
#   domu        (dom0) start a PV domU (memory=512,maxmem=512) of this
#               kernel that runs "balloon" itself, and relay its results
# Results are "XM: bench ..." and "xm_bench: ..." lines.
# Polling loops use shell builtins where they can: busybox now and then
# crashes at exec on this platform.

read -r bench_up0 _ </proc/uptime
B=/sys/devices/system/xen_memory/xen_memory0
MOD=/lib/modules/xm_bench.ko
STEP_KB=262144

bsay() { echo "XM: bench $*"; }

# The balloon, timed in the kernel: xm_bench.ko run=balloon sets the
# target with balloon_set_new_target() and polls the balloon's count with
# ktime (xm_bench: balloon ...). In dom0 and in the domU alike.
balloon() {
	if [ ! -d $B ]; then
		bsay "balloon error=no-balloon-driver"
		return
	fi
	run_module run=balloon reps="$reps" balloon_kb=$STEP_KB
	rmmod xm_bench 2>/dev/null
}

run_module() {
	if [ ! -f $MOD ]; then
		bsay "module error=no-module"
		return
	fi
	insmod $MOD "$@" 2>/tmp/insmod.err
	bsay "module rc=$? $(tr '\n' ' ' </tmp/insmod.err)"
}

# A 512 MiB PV domU of this kernel runs the balloon part itself (its
# ramdisk: the domU's plus the module's cpio, /boot/xm-bench.cpio.gz from
# scripts/bench.sh) and powers off; its results are relayed as
# "XM: bench domu| ..." lines.
domu_balloon() {
	if ! start_xen_tools; then
		bsay "domu error=xen-tools-did-not-start"
		return
	fi
	cat /boot/domu.cpio.gz /boot/xm-bench.cpio.gz >/tmp/benchu.cpio.gz
	{
		echo 'name = "benchu"'
		echo 'type = "pv"'
		echo 'kernel = "/boot/bzImage"'
		echo 'ramdisk = "/tmp/benchu.cpio.gz"'
		echo 'vcpus = 1'
		echo 'memory = 512'
		echo 'maxmem = 512'
		echo 'on_poweroff = "destroy"'
		echo 'on_crash = "destroy"'
		echo "extra = \"console=hvc0 xmrole=domu kunit.filter_glob=none-requested xmbench=balloon xmbenchreps=$reps\""
	} >/tmp/benchu.cfg
	xl create -c /tmp/benchu.cfg </dev/null >/tmp/benchu.log 2>&1 &
	xlpid=$!
	# Each move takes seconds; the module gives up on one after 180 s.
	n=0
	while kill -0 $xlpid 2>/dev/null && [ $n -lt $((reps * 60 + 180)) ]; do
		sleep 1
		n=$((n + 1))
	done
	bsay "domu seconds=$n"
	xl destroy benchu >/dev/null 2>&1
	wait $xlpid
	tr -d '\r' </tmp/benchu.log |
		grep -E 'xm_bench: |XM: bench (module|balloon)|segfault|general protection|XM: (begin|end)' |
		while read -r line; do bsay "domu| $line"; done
}

parts="$xmbench"
reps="$xmbenchreps"
[ -n "$reps" ] || reps=2
for p in $(echo "$parts" | tr ':' ' '); do
	case $p in
	boot) bsay "boot uptime=$bench_up0" ;;
	balloon) balloon ;;
	module) run_module ;;
	meta) run_module run=meta reps=5 ;;
	domu) domu_balloon ;;
	esac
done
bsay "done"
