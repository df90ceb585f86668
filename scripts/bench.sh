#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: our kernel against the unmodified $KVER (same source, same
# config plus configs/bench.config for both), on the same Xen in the same
# QEMU, in one run. Builds both kernels with the bench config, builds
# bench/xm_bench.ko against each build tree and appends it to that
# flavour's initramfs, then boots (ours and baseline in turn):
#   BENCH_BOOTS x main boot   /init uptime, dom0 balloon 256 MiB down+up
#                             BENCH_BALLOON_REPS times (timed in the kernel),
#                             xm_bench.ko (pfn_to_mfn, set_phys_to_machine)
#   1 x domU boot             a 512 MiB PV domU runs xm_bench.ko run=balloon
#                             itself: 256 MiB down+up BENCH_DOMU_REPS times
#   1 x boot per layout       xm_bench.ko run=meta: P2M pages for each
#                             MEM/HOLE/DOM0_MEM of tests/boot/4*.test
# scripts/bench.py then writes the table (stdout), out/bench[-6.12]/bench.json
# and out/bench/bench.png. A boot that ends without its results (the
# platform's user-space crashes, see README) is retried once and counted.
#
# Then the native rows (scripts/native.sh bench) on the host CPU.
#
# Every QEMU runs with -icount shift=0,sleep=off (BENCH_ICOUNT=0: not):
# guest time counts executed instructions, so times repeat from boot to
# boot whatever the host does; it is virtual time, not hardware time.
#
# Settings (environment): BENCH_BOOTS=5  BENCH_BALLOON_REPS=3
# BENCH_DOMU_REPS=15  BENCH_META=1  BENCH_NATIVE=1  BENCH_ICOUNT=1
set -eu
export BUILD_TAG=bench
. "$(dirname "$0")/lib.sh"

BOOTS=${BENCH_BOOTS:-5}
BALLOON_REPS=${BENCH_BALLOON_REPS:-3}
DOMU_REPS=${BENCH_DOMU_REPS:-15}
META=${BENCH_META:-1}
# Bad settings stop the run before anything is built or booted.
# bench_setting NAME VALUE count|flag: 1-100 (no leading zero), or 0|1
bench_setting() {
	case $3:$2 in
	flag:0 | flag:1) return 0 ;;
	count:[1-9] | count:[1-9][0-9] | count:100) return 0 ;;
	esac
	echo "knob $1=$2: accepted: $([ "$3" = flag ] && echo "0 or 1" || echo "a whole number from 1 to 100")" >&2
	exit 2
}
bench_setting BENCH_BOOTS "$BOOTS" count
bench_setting BENCH_BALLOON_REPS "$BALLOON_REPS" count
bench_setting BENCH_DOMU_REPS "$DOMU_REPS" count
bench_setting BENCH_META "$META" flag
bench_setting BENCH_NATIVE "${BENCH_NATIVE:-1}" flag
bench_setting BENCH_ICOUNT "${BENCH_ICOUNT:-1}" flag
BENCH_OUT=$OUT/bench$KVER_SUFFIX
MANIFEST=$BENCH_OUT/boots.txt
mkdir -p "$BENCH_OUT"

# build_module FLAVOUR: xm_bench.ko against that flavour's build tree, put
# into a second cpio appended to its initramfs (an initramfs may be a
# concatenation of compressed cpio archives)
build_module() {
	local k=$1 obj mod log
	obj=$(build_dir "$k")
	mod=$BENCH_OUT/mod-$k
	log=$LOGS/bench-module-$k.log
	rm -rf "$mod"
	mkdir -p "$mod/src" "$mod/root/lib/modules"
	cp "$ROOT/bench/xm_bench.c" "$ROOT/bench/Kbuild" "$mod/src/"
	step bench "building xm_bench.ko against $obj"
	(
		take_build_lock bench
		make -C "$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" M="$mod/src" modules
	) >"$log" 2>&1 || fail_with_log "$log" "xm_bench.ko for $k"
	# dom0 loads it from /lib/modules; the bench domU gets it from a cpio
	# of its own that dom0 appends to the domU's ramdisk
	mkdir -p "$mod/domu/lib/modules" "$mod/root/boot"
	cp "$mod/src/xm_bench.ko" "$mod/root/lib/modules/"
	cp "$mod/src/xm_bench.ko" "$mod/domu/lib/modules/"
	pack_cpio "$mod/domu" >"$mod/root/boot/xm-bench.cpio.gz"
	pack_cpio "$mod/root" >>"$(initramfs_path "$k")"
}

# bench_boot NAME KERNEL XMBENCH [VAR=VALUE...]: one boot (retried once
# when it ends without "XM: bench done"), recorded in the manifest
bench_boot() {
	local name=$1 kernel=$2 parts=$3 try log out kept
	shift 3
	for try in 1 2; do
		log=$LOGS/boot-bench-$name.log
		out=$BENCH_OUT/report-$name.txt
		step bench "boot $name (kernel $kernel, xmbench=$parts${*:+, $*}), try $try"
		env MEM=3G HOLE= DOM0_MEM=1024M,max:2048M BALLOON= DOMU= DOMU_BALLOON= \
			KUNIT_GLOB= REPORT= ICOUNT="${BENCH_ICOUNT:-1}" "$@" NAME="bench-$name" KERNEL="$kernel" TIMEOUT="${BENCH_TIMEOUT:-900}" \
			XM_ARGS="xmbench=$parts xmbenchreps=${REPS:-1}" \
			"$ROOT/scripts/boot.sh" >"$out" 2>&1 || true
		if tr -d '\r' <"$log" | grep -q '^XM: bench done'; then
			echo "$name $kernel $try $log $*" >>"$MANIFEST"
			cp "$log" "$BENCH_OUT/boot-$name.log"
			return 0
		fi
		step bench "boot $name ended without its results: $(grep -c -E 'segfault|general protection' "$log" || true) user crash line(s), see $log"
		kept=$BENCH_OUT/boot-$name-failed-$try.log
		cp "$log" "$kept"
		echo "$name $kernel failed-$try $kept $*" >>"$MANIFEST"
	done
	return 0
}

step bench "make bench: ours vs baseline, $BOOTS main boots each (logs: $LOGS, results: $BENCH_OUT)"
"$ROOT/scripts/deps.sh" bench
for k in ours baseline; do
	BUILD_TARGETS="bzImage modules" "$ROOT/scripts/build.sh" "$k"
	"$ROOT/scripts/initramfs.sh" "$k"
	build_module "$k"
done

: >"$MANIFEST"
for i in $(seq 1 "$BOOTS"); do
	for k in ours baseline; do
		REPS=$BALLOON_REPS bench_boot "main-$k-$i" "$k" boot:balloon:module
	done
done
for k in ours baseline; do
	REPS=$DOMU_REPS bench_boot "domu-$k" "$k" domu
done
if [ "$META" = 1 ]; then
	# The memory-setup matrix: the distinct MEM/HOLE/DOM0_MEM of the tests.
	for t in "$ROOT"/tests/boot/4*.test; do
		(
			MEM=3G HOLE='' DOM0_MEM=1024M,max:2048M
			# shellcheck disable=SC1090
			. <(grep -E '^(MEM|HOLE|DOM0_MEM)=' "$t")
			echo "$MEM ${HOLE:--} $DOM0_MEM"
		)
	done | sort -u | while read -r mem hole dom0; do
		[ "$hole" = - ] && hole=
		for k in ours baseline; do
			bench_boot "meta-$k-$mem-${hole:-nohole}-${dom0//[:,]/_}" "$k" meta \
				MEM="$mem" HOLE="$hole" DOM0_MEM="$dom0"
		done
	done
fi

step bench "all boots done; summary"
# A boot without results, a module that did not load or a balloon that
# did not get there is named in the summary and makes the run fail, after
# the native rows.
rc=0
python3 "$ROOT/scripts/bench.py" --manifest "$MANIFEST" --json "$BENCH_OUT/bench.json" \
	--plot "$BENCH_OUT/bench.png" --icount "${BENCH_ICOUNT:-1}" --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" || rc=$?

# The native rows: the same tree code on this machine's CPU, no QEMU
# (scripts/native.sh bench; make native-bench alone). BENCH_NATIVE=0 skips.
if [ "${BENCH_NATIVE:-1}" != 0 ]; then
	step bench "native lookups (tests/native, user space on the host CPU)"
	"$ROOT/scripts/native.sh" bench
fi
exit $rc
