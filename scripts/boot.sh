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
#   DOMU_TYPE=pv|pvh  DOMU_MIGRATE=N  (pvh: N live migrations to this
#   host, the DOMU_BALLOON steps set during them)
#   KUNIT_GLOB=  (KUnit suites to run at boot; empty runs none)
#   DOMU_KUNIT_GLOB=  TIMEOUT=300  NAME=run  REPORT=path.json
#   XM_ARGS=  (more /init settings for dom0, e.g. xmpattern=64)
#   DOM0_SCRIPT=path DOMU_SCRIPT=path SCRIPT_TIMEOUT=120  (the user's
#   scripts, run by dom0 / the domU after the standard steps)
#   SHELL_MODE=1  (make shell: the console on this terminal, a shell in dom0)
#   BOOT=direct|grub  MAP_CUT="start-end ..."  (grub: Xen, kernel and
#   initramfs on a GRUB ISO like a real host; cutmem removes MAP_CUT
#   ranges from the firmware map Xen gets)
#   SCRUB=yes|no  (no: Xen leaves free RAM unscrubbed at boot, bootscrub=0,
#   and dom0 and its domU do not zero the pages they give back,
#   xen_scrub_pages=0;
#   under TCG zeroing costs ~80 us a page, most of a dom0 layout test)
#   ICOUNT=1  (make bench: guest time counts instructions, -icount
#   shift=0,sleep=off; repeatable to ~0.3%, TCG then runs one thread)
#   QEMU_CPU= QEMU_SMP= QEMU_ACCEL= XEN_ARGS=  (platform experiments)
# Exit status: 0 PASS, 1 FAIL, 2 a knob refused (nothing booted).
set -eu
. "$(dirname "$0")/lib.sh"

KERNEL=${KERNEL:-ours}
MEM=${MEM:-3G}
HOLE=${HOLE:-}
DOM0_MEM=${DOM0_MEM:-1024M,max:2048M}
BALLOON=${BALLOON:-}
DOMU=${DOMU:-}
DOMU_BALLOON=${DOMU_BALLOON:-}
DOMU_MIGRATE=${DOMU_MIGRATE:-}
KUNIT_GLOB=${KUNIT_GLOB:-}
DOMU_KUNIT_GLOB=${DOMU_KUNIT_GLOB:-}
DOM0_SCRIPT=${DOM0_SCRIPT:-}
DOMU_SCRIPT=${DOMU_SCRIPT:-}
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-120}
SHELL_MODE=${SHELL_MODE:-}
BOOT=${BOOT:-direct}
SCRUB=${SCRUB:-yes}
MAP_CUT=${MAP_CUT:-}
NAME=${NAME:-run}
REPORT=${REPORT:-}
export KERNEL MEM HOLE DOM0_MEM BALLOON DOMU DOMU_BALLOON DOMU_MIGRATE DOM0_SCRIPT DOMU_SCRIPT SCRIPT_TIMEOUT \
	BOOT MAP_CUT SCRUB
python3 "$ROOT/scripts/knobs.py" || exit 2
# A user's script may run SCRIPT_TIMEOUT seconds on top of the usual boot.
TIMEOUT=${TIMEOUT:-$((300 + ((${#DOM0_SCRIPT} > 0) + (${#DOMU_SCRIPT} > 0)) * SCRIPT_TIMEOUT + ${DOMU_MIGRATE:-0} * 150))}

log=$LOGS/boot-$NAME.log
bzimage=$(build_dir "$KERNEL")/arch/x86/boot/bzImage
initrd=$(initramfs_path "$KERNEL")
# A dom0 that starts no domU (none asked, no user script, no shell, not
# make bench's) boots without the domU's kernel and initramfs.
[ -z "$DOMU$DOM0_SCRIPT$SHELL_MODE$BUILD_TAG" ] && initrd=$(initramfs_path "$KERNEL" lean)

machine=pc
[ -n "$HOLE" ] && machine="pc,max-ram-below-4g=$HOLE"

# The dom0 command line travels inside QEMU's -initrd list, where a
# comma separates modules: our own settings use ':' instead, and
# kunit.filter_glob gets a pattern that matches no suite when none is asked.
glob=${KUNIT_GLOB:-none-requested}
dom0_args="console=hvc0 earlyprintk=xen kunit.filter_glob=$glob"
[ -n "$BALLOON" ] && dom0_args="$dom0_args xmballoon=$(echo $BALLOON | tr ' ' ':')"
[ -n "$DOMU" ] && dom0_args="$dom0_args xmdomu=$(echo "$DOMU" | tr ',' ':') xmdomutype=${DOMU_TYPE:-pv}"
[ -n "$DOMU_BALLOON" ] && dom0_args="$dom0_args xmdomuballoon=$(echo $DOMU_BALLOON | tr ' ' ':')"
[ -n "$DOMU_MIGRATE" ] && dom0_args="$dom0_args xmdomumigrate=$DOMU_MIGRATE"
dom0_args="$dom0_args xmdomukunit=${DOMU_KUNIT_GLOB:-none-requested}"
dom0_args="$dom0_args${XM_ARGS:+ $XM_ARGS}"
[ -n "$SHELL_MODE" ] && dom0_args="$dom0_args xmshell=1"

# The user's scripts travel in a second cpio archive appended to the
# initramfs: dom0's as /xm/dom0-script, the domU's inside an archive that
# dom0 appends to the domU's initramfs.
if [ -n "$DOM0_SCRIPT$DOMU_SCRIPT" ]; then
	extra=$(mktemp -d "$OUT/extra.XXXXXX")
	trap 'rm -rf "$extra"' EXIT
	mkdir -p "$extra/dom0/xm" "$extra/dom0/boot" "$extra/domu/xm"
	[ -n "$DOM0_SCRIPT" ] && cp "$DOM0_SCRIPT" "$extra/dom0/xm/dom0-script"
	if [ -n "$DOMU_SCRIPT" ]; then
		cp "$DOMU_SCRIPT" "$extra/domu/xm/domu-script"
		pack_cpio "$extra/domu" >"$extra/dom0/boot/domu-extra.cpio.gz"
	fi
	cat "$initrd" >"$OUT/initrd-$NAME.cpio.gz"
	pack_cpio "$extra/dom0" >>"$OUT/initrd-$NAME.cpio.gz"
	initrd=$OUT/initrd-$NAME.cpio.gz
	dom0_args="$dom0_args xmscripttimeout=$SCRIPT_TIMEOUT"
fi
xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot dom0_mem=$DOM0_MEM ${XEN_ARGS:-}"
if [ "$SCRUB" = no ]; then
	xen_args="$xen_args bootscrub=0"
	dom0_args="$dom0_args xen_scrub_pages=0"
fi

# grub_iso ISO: a GRUB 2 rescue ISO that boots Xen with our kernel and
# initramfs as multiboot2 modules, the MAP_CUT ranges cut out first
grub_iso() {
	local dir=$OUT/grub-$NAME glog=$LOGS/grub-$NAME.log
	rm -rf "$dir"
	mkdir -p "$dir/boot/grub"
	cp "$XEN_ELF" "$dir/boot/xen.elf"
	cp "$bzimage" "$dir/boot/bzImage"
	cp "$initrd" "$dir/boot/initrd"
	{
		echo 'serial --unit=0 --speed=115200'
		echo 'terminal_input serial'
		echo 'terminal_output serial'
		echo 'set timeout=0'
		echo 'menuentry "Xen 4.17 with our dom0" {'
		python3 "$ROOT/scripts/knobs.py" --cutmem | sed 's/^/\t/'
		echo "	multiboot2 /boot/xen.elf $xen_args"
		echo "	module2 /boot/bzImage $dom0_args"
		echo '	module2 /boot/initrd'
		echo '}'
	} >"$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$1" "$dir" >"$glog" 2>&1 || fail_with_log "$glog" "grub-mkrescue"
	rm -rf "$dir"
	step boot "GRUB ISO $1${MAP_CUT:+ with $(echo "$MAP_CUT" | wc -w) cutmem range(s)}"
}

loader=(-kernel "$XEN_ELF" -append "$xen_args" -initrd "$bzimage $dom0_args,$initrd")
if [ "$BOOT" = grub ]; then
	grub_iso "$OUT/grub-$NAME.iso"
	loader=(-cdrom "$OUT/grub-$NAME.iso" -boot d)
fi

# xen_dump_state: a hung machine tells nothing by itself. Switch the
# serial input to Xen (Ctrl-a three times) and press its debug keys: 'd'
# (every CPU's registers and Xen's call trace), '0' (dom0's vCPUs with
# their guest stacks), 'q' (every domain and vCPU), then wait until the
# serial log has been still for 2 s (20 s at most).
xen_dump_state() {
	local size=-1 n=0
	kill -0 "$qemu_pid" 2>/dev/null || return 0
	step boot "$NAME: time is up; asking Xen for its state (debug keys d, 0, q)"
	printf '\001\001\001' >&9
	sleep 1
	printf 'd0q' >&9
	while [ $n -lt 20 ] && [ "$(stat -c %s "$log")" != "$size" ]; do
		size=$(stat -c %s "$log")
		sleep 2
		n=$((n + 2))
	done
}

# One QEMU at a time on this machine: two TCG guests on 2 cores slow each
# other down until their timeouts fire.
take_lock 7 "$CACHE/qemu.lock" boot "another boot on this machine ($NAME)"
step boot "$NAME: Xen dom0_mem=$DOM0_MEM, QEMU -m $MEM${HOLE:+ max-ram-below-4g=$HOLE}, kernel $KERNEL${BALLOON:+, balloon $BALLOON}${DOMU:+, domU $DOMU}, boot $BOOT, scrub $SCRUB"
step boot "serial log: $log"
: >"$log"
# A PVH domU runs under Xen's SVM on QEMU's emulated SVM, which lacks
# next-RIP saving: Xen cannot decode RDTSCP there, and QEMU's AVX and PKU
# make Xen offer the guest XSAVE sizes its kernel refuses (a WARN).
cpu=max,-smap
[ "${DOMU_TYPE:-pv}" = pvh ] && cpu=$cpu,-rdtscp,-avx,-pku
qemu=(qemu-system-x86_64 -accel "${QEMU_ACCEL:-tcg}" -cpu "${QEMU_CPU:-$cpu}" -m "$MEM"
	-smp "${QEMU_SMP:-2}" -machine "$machine" -nographic -no-reboot -monitor none -display none
	-nodefaults "${loader[@]}")
[ "${ICOUNT:-0}" = 1 ] && qemu+=(-icount shift=0,sleep=off)
qemu_err=$LOGS/qemu-$NAME.err
start=$(date +%s)
if [ -n "$SHELL_MODE" ]; then
	# The console on this terminal (Ctrl-a x quits QEMU), and in the log.
	step boot "the console follows; poweroff in dom0 or Ctrl-a x ends the session"
	"${qemu[@]}" -chardev "stdio,id=con,mux=on,signal=off,logfile=$log" -serial chardev:con \
		2>"$qemu_err"
	outcome=poweroff
	grep -q 'XM: end role=dom0' "$log" || outcome=quit
else
	# The serial line's input is a FIFO this script holds open, so that
	# at the time limit Xen can be asked for its state (xen_dump_state).
	fifo=$OUT/serial-in-$NAME
	rm -f "$fifo"
	mkfifo "$fifo"
	exec 9<>"$fifo"
	"${qemu[@]}" -chardev "stdio,id=con,signal=off,logfile=$log" -serial chardev:con \
		<&9 >/dev/null 2>"$qemu_err" &
	qemu_pid=$!
	trap 'kill $qemu_pid 2>/dev/null || true; rm -rf "${extra:-}" "$fifo"' EXIT
	outcome=timeout
	crash_at=
	while :; do
		if ! kill -0 $qemu_pid 2>/dev/null; then
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
			xen_dump_state
			break
		fi
		sleep 1
	done
	kill $qemu_pid 2>/dev/null || true
	wait $qemu_pid 2>/dev/null || true
fi
# A QEMU that printed nothing to the serial line never ran Xen.
if [ ! -s "$log" ]; then
	outcome=qemu-failed
	step boot "$NAME: QEMU failed to start: $(head -c 400 "$qemu_err" | tr '\n' ' ')"
fi
step boot "$NAME: QEMU ended ($outcome) after $(($(date +%s) - start)) s"

set +e
python3 "$ROOT/scripts/report.py" --log "$log" --outcome "$outcome" --name "$NAME" \
	--setting "kernel=$KERNEL" --setting "mem=$MEM" --setting "hole=$HOLE" \
	--setting "dom0_mem=$DOM0_MEM" --setting "balloon=$BALLOON" \
	--setting "domu=$DOMU" --setting "domu_type=${DOMU_TYPE:-pv}" --setting "domu_balloon=$DOMU_BALLOON" \
	--setting "domu_migrate=$DOMU_MIGRATE" \
	--setting "dom0_script=$DOM0_SCRIPT" --setting "domu_script=$DOMU_SCRIPT" \
	--setting "boot=$BOOT" --setting "map_cut=$MAP_CUT" --setting "scrub=$SCRUB" \
	--qemu-err "$qemu_err" --kernel-dir "$(build_dir "$KERNEL")" ${REPORT:+--json "$REPORT"}
rc=$?
if [ $rc -ne 0 ] && [ -s "$log" ]; then
	echo "---- last lines of $log ----"
	tr -d '\r' <"$log" | tail -n 25
fi
exit $rc
