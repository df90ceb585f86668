#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot Xen 4.17 in QEMU (TCG) with a kernel of ours or the baseline as PV
# dom0, watch the serial log until dom0's /init says it is done, the
# machine powers off, something crashes or the time runs out, then write
# the report. Kills only the QEMU it started.
#
# Settings (environment, all optional):
#   KERNEL=ours|baseline  MEM=3G  HOLE=  DOM0_MEM=1024M,max:2048M
#   BALLOON="kb kb ..."   DOMU="memory=128,maxmem=256"  DOMU_BALLOON="kb ..."
#   KUNIT_GLOB=  (KUnit suites to run at boot; empty runs none)
#   DOMU_KUNIT_GLOB=  TIMEOUT=300  NAME=run  REPORT=path.json
#   XM_ARGS=  (more /init settings for dom0, e.g. xmpattern=64)
#   QEMU_CPU= QEMU_SMP= QEMU_ACCEL= XEN_ARGS=  (platform experiments)
# Exit status: 0 PASS, 1 FAIL.
set -eu
. "$(dirname "$0")/lib.sh"

KERNEL=${KERNEL:-ours}
MEM=${MEM:-3G}
HOLE=${HOLE:-}
DOM0_MEM=${DOM0_MEM:-1024M,max:2048M}
BALLOON=${BALLOON:-}
DOMU=${DOMU:-}
DOMU_BALLOON=${DOMU_BALLOON:-}
KUNIT_GLOB=${KUNIT_GLOB:-}
DOMU_KUNIT_GLOB=${DOMU_KUNIT_GLOB:-}
TIMEOUT=${TIMEOUT:-300}
NAME=${NAME:-run}
REPORT=${REPORT:-}

log=$LOGS/boot-$NAME.log
bzimage=$(build_dir "$KERNEL")/arch/x86/boot/bzImage
initrd=$(initramfs_path "$KERNEL")

machine=pc
[ -n "$HOLE" ] && machine="pc,max-ram-below-4g=$HOLE"

# The dom0 command line travels inside QEMU's -initrd list, where a
# comma separates modules: our own settings use ':' instead, and
# kunit.filter_glob gets a pattern that matches no suite when none is asked.
glob=${KUNIT_GLOB:-none-requested}
dom0_args="console=hvc0 earlyprintk=xen kunit.filter_glob=$glob"
[ -n "$BALLOON" ] && dom0_args="$dom0_args xmballoon=$(echo $BALLOON | tr ' ' ':')"
[ -n "$DOMU" ] && dom0_args="$dom0_args xmdomu=$(echo "$DOMU" | tr ',' ':')"
[ -n "$DOMU_BALLOON" ] && dom0_args="$dom0_args xmdomuballoon=$(echo $DOMU_BALLOON | tr ' ' ':')"
dom0_args="$dom0_args xmdomukunit=${DOMU_KUNIT_GLOB:-none-requested}"
dom0_args="$dom0_args${XM_ARGS:+ $XM_ARGS}"
xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot dom0_mem=$DOM0_MEM ${XEN_ARGS:-}"

# One QEMU at a time on this machine: two TCG guests on 2 cores slow each
# other down until their timeouts fire.
take_lock 7 "$CACHE/qemu.lock" boot "another boot on this machine ($NAME)"
step boot "$NAME: Xen dom0_mem=$DOM0_MEM, QEMU -m $MEM${HOLE:+ max-ram-below-4g=$HOLE}, kernel $KERNEL${BALLOON:+, balloon $BALLOON}${DOMU:+, domU $DOMU}"
step boot "serial log: $log"
: >"$log"
qemu-system-x86_64 -accel "${QEMU_ACCEL:-tcg}" -cpu "${QEMU_CPU:-max,-smap}" -m "$MEM" -smp "${QEMU_SMP:-2}" -machine "$machine" \
	-nographic -no-reboot -monitor none -display none -nodefaults \
	-serial "file:$log" -kernel "$XEN_ELF" -append "$xen_args" \
	-initrd "$bzimage $dom0_args,$initrd" >"$LOGS/qemu-$NAME.err" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT

outcome=timeout
start=$(date +%s)
crash_at=
while :; do
	if ! kill -0 $qemu 2>/dev/null; then
		outcome=poweroff
		break
	fi
	now=$(date +%s)
	if [ -z "$crash_at" ] && grep -q -E 'Dom0 crashed|Kernel panic|domain_crash|Panic on CPU' "$log"; then
		crash_at=$now
	fi
	# Give a crashing guest a few seconds to print its trace, then stop.
	if [ -n "$crash_at" ] && [ $((now - crash_at)) -ge 5 ]; then
		outcome=crash
		break
	fi
	if [ $((now - start)) -ge "$TIMEOUT" ]; then
		outcome=timeout
		break
	fi
	sleep 1
done
kill $qemu 2>/dev/null || true
wait $qemu 2>/dev/null || true
step boot "$NAME: QEMU ended ($outcome) after $(($(date +%s) - start)) s"

set +e
python3 "$ROOT/scripts/report.py" --log "$log" --outcome "$outcome" --name "$NAME" \
	--setting "kernel=$KERNEL" --setting "mem=$MEM" --setting "hole=$HOLE" \
	--setting "dom0_mem=$DOM0_MEM" --setting "balloon=$BALLOON" \
	--setting "domu=$DOMU" --setting "domu_balloon=$DOMU_BALLOON" \
	${REPORT:+--json "$REPORT"}
rc=$?
if [ $rc -ne 0 ]; then
	echo "---- last lines of $log ----"
	tr -d '\r' <"$log" | tail -n 25
fi
exit $rc
