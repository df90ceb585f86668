# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The in-guest half of "make bench" (scripts/bench.sh is the host half).
# /init sources it in a subshell, for its helpers (cmdline_value,
# start_xen_tools), when the kernel command line has xmbench=PARTS, a
# ':'-separated list of:
#   boot        print dom0's /proc/uptime as /init starts
#   balloon     dom0 balloons 256 MiB down and back up, xmbenchreps times
#               (xm_bench.ko run=balloon: timed in the kernel)
#   module      insmod /lib/modules/xm_bench.ko (P2M lookups and sets)
#   meta        insmod xm_bench.ko run=meta (P2M metadata pages only)
#   domu        start a PV domU (memory=512,maxmem=512) and xl mem-set it
#               256 MiB down and back up, xmbenchreps times
#   wait=S      (the domU) stay up S seconds, then go on with /init
# Results are "XM: bench ..." and "xm_bench: ..." lines; the domU's times
# come from /proc/uptime (10 ms), dom0's balloon from ktime.
# Polling loops use shell builtins where they can: busybox now and then
# crashes at exec on this platform.

read -r bench_up0 _ </proc/uptime
B=/sys/devices/system/xen_memory/xen_memory0
MOD=/lib/modules/xm_bench.ko
STEP_KB=262144

bsay() { echo "XM: bench $*"; }

# centiseconds of uptime, from a builtin read
now_cs() {
	read -r u _ </proc/uptime
	f=${u#*.}
	echo $((${u%.*} * 100 + ${f#0}))
}

# dom0's balloon, timed in the kernel: xm_bench.ko run=balloon sets the
# target and polls the balloon's count with ktime (xm_bench: balloon ...)
dom0_balloon() {
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

# domu_mib: the domU's memory as Xen counts it (xl list, MiB); empty if
# xl failed
domu_mib() {
	xl list benchu 2>/dev/null | while read -r name _ mem _; do
		[ "$name" = benchu ] && echo "$mem"
	done
}

# domu_step SET_MIB WAIT_MIB up|down: xl mem-set SET_MIB, then wait until
# xl list shows at most (down) or at least (up) WAIT_MIB
domu_step() {
	t0=$(now_cs)
	if ! xl mem-set benchu "${1}m" >/tmp/mem-set.log 2>&1; then
		echo "reached=no cs=0 error=mem-set-failed"
		return
	fi
	n=0
	mib=
	while [ $n -lt 600 ]; do
		mib=$(domu_mib)
		if [ -n "$mib" ]; then
			[ "$3" = down ] && [ "$mib" -le "$2" ] && break
			[ "$3" = up ] && [ "$mib" -ge "$2" ] && break
		fi
		sleep 0.05
		n=$((n + 1))
	done
	t1=$(now_cs)
	reached=no
	[ $n -lt 600 ] && [ -n "$mib" ] && reached=yes
	echo "reached=$reached cs=$((t1 - t0)) mib=$mib"
}

domu_balloon() {
	if ! start_xen_tools; then
		bsay "domu error=xen-tools-did-not-start"
		return
	fi
	stay=$((reps * 60 + 60))
	{
		echo 'name = "benchu"'
		echo 'type = "pv"'
		echo 'kernel = "/boot/bzImage"'
		echo 'ramdisk = "/boot/domu.cpio.gz"'
		echo 'vcpus = 1'
		echo 'memory = 512'
		echo 'maxmem = 512'
		echo 'on_poweroff = "destroy"'
		echo 'on_crash = "destroy"'
		echo "extra = \"console=hvc0 xmrole=domu kunit.filter_glob=none-requested xmbench=wait=$stay\""
	} >/tmp/benchu.cfg
	xl create -c /tmp/benchu.cfg </dev/null >/tmp/benchu.log 2>&1 &
	xlpid=$!
	# The balloon of the domU is up once its /init says so.
	n=0
	while ! grep -q 'XM: bench wait' /tmp/benchu.log 2>/dev/null && [ $n -lt 240 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	base=$(domu_mib)
	bsay "domu started mib=$base waited_halfs=$n"
	if [ -z "$base" ]; then
		bsay "domu error=not-running"
		base=512
	fi
	r=0
	retries=0
	while [ $r -lt "$reps" ]; do
		down=$(domu_step 256 256 down)
		up=$(domu_step 512 "$base" up)
		case "$down $up" in
		*reached=no*)
			retries=$((retries + 1))
			bsay "domu retry rep=$r retries=$retries down: $down up: $up"
			[ $retries -ge 3 ] && break
			# back to the start before trying again
			domu_step 512 "$base" up >/dev/null
			continue
			;;
		esac
		bsay "balloon who=domu dir=down rep=$r kb=$STEP_KB $down"
		bsay "balloon who=domu dir=up rep=$r kb=$STEP_KB $up"
		r=$((r + 1))
	done
	bsay "domu retries=$retries"
	xl destroy benchu >/dev/null 2>&1
	wait $xlpid
	tr -d '\r' </tmp/benchu.log | grep -E 'segfault|general protection|XM: (begin|end)' |
		while read -r line; do bsay "domu| $line"; done
}

parts=$(cmdline_value xmbench)
reps=$(cmdline_value xmbenchreps)
[ -n "$reps" ] || reps=2
for p in $(echo "$parts" | tr ':' ' '); do
	case $p in
	boot) bsay "boot uptime=$bench_up0" ;;
	balloon) dom0_balloon ;;
	module) run_module ;;
	meta) run_module run=meta reps=5 ;;
	domu) domu_balloon ;;
	wait=*)
		bsay "wait ${p#wait=}"
		sleep "${p#wait=}"
		;;
	esac
done
bsay "done"
